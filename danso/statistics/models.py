"""Submitted reports: each submission freezes the figures as they were, as a new version."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from danso.orgunits.models import ROOT_UID


class Submission(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    form_code = models.CharField(max_length=20)
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    ou_path = models.CharField(max_length=255, db_index=True)
    period = models.CharField(max_length=10)
    period_start = models.DateField()
    period_end = models.DateField()
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    values = models.JSONField()  # the report as submitted: rows × columns
    warnings = models.JSONField(default=list)
    as_of = models.DateTimeField()
    comment = models.TextField(blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip
    submitted_at = models.DateTimeField(auto_now_add=True)
    is_late = models.BooleanField(default=False)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")  # fmt: skip
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["form_code", "unit", "period", "version"], name="submission_unique_version"
            ),  # fmt: skip
        ]

    def __str__(self):
        return f"{self.form_code} {self.unit_id} {self.period} v{self.version}"

    def get_additional_data(self):
        return {"ou_path": self.ou_path}


class ReportJob(models.Model):
    """A report of a large unit computed in the background; its page shows the progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    form_code = models.CharField(max_length=20)
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    ou_path = models.CharField(max_length=255, db_index=True)
    period = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    result = models.JSONField(null=True, blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.form_code} {self.unit_id} {self.period} ({self.status})"


class VillageVersion(models.Model):
    """How many times a village's register has changed: every change to its events or spells
    bumps it in the same transaction (see `store.py`)."""

    village = models.OneToOneField(
        "orgunits.OrgUnit", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.village_id} v{self.version}"


class VillageFigures(models.Model):
    """The counts of one village from one source on one day (for events: over the month that
    starts that day), as computed from the register when the village was at `version`.

    Reports add these up instead of scanning the register; a row whose version is behind the
    village's, or counted by other definitions (`counted_by`), is stale and recomputed on the
    next read (see `store.py`).
    """

    village = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=20)
    day = models.DateField()
    version = models.BigIntegerField()
    # sources.VERSION of the code that counted them: rows of another are recounted
    counted_by = models.PositiveSmallIntegerField(default=1)
    values = models.JSONField(default=dict)  # element code → count; zeros left out
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "day", "village"], name="village_figures_unique"
            ),  # fmt: skip
        ]

    def __str__(self):
        return f"{self.village_id} {self.source} {self.day} v{self.version}"


class PublicHoliday(models.Model):
    """A day off that deadlines do not count (see holidays.py)."""

    day = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["day"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")

    def __str__(self):
        return f"{self.day:%d/%m/%Y} {self.name}"

    def get_additional_data(self):
        # national: in the audit log of national administrators
        return {"ou_path": f"/{ROOT_UID}/"}
