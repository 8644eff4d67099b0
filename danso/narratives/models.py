"""Drafts of narrative reports, their frozen versions, the kinds' DOCX templates, and the
background jobs that draft a large unit's report."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from danso.concurrency import Versioned
from danso.statistics.models import ReportJob


class Narrative(Versioned):
    """A draft: one per kind, unit and period (or activity). The unit's texts are edited in
    the browser; the figures (`content`) are drafted from the data and refreshed on demand."""

    kind = models.CharField(max_length=40)
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    ou_path = models.CharField(max_length=255, db_index=True)
    # A DHIS2 period (2023, 2024S1, 2024Q2) or, for an event, "YYYY-MM-DD/YYYY-MM-DD".
    period = models.CharField(max_length=30)
    activity = models.ForeignKey("programmes.Activity", on_delete=models.CASCADE, null=True,
                                 blank=True, related_name="+")  # fmt: skip
    texts = models.JSONField(default=dict, blank=True)  # section code → text
    content = models.JSONField(null=True, blank=True)  # content.Draft.as_json()
    drafted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")  # fmt: skip
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "unit", "period"],
                                    condition=Q(activity__isnull=True),
                                    name="narrative_once_per_period"),
            models.UniqueConstraint(fields=["kind", "activity"],
                                    condition=Q(activity__isnull=False),
                                    name="narrative_once_per_activity"),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.kind} {self.unit_id} {self.period}"

    def get_additional_data(self):
        return {"ou_path": self.ou_path}

    @property
    def kind_name(self) -> str:
        from .kinds import KINDS

        kind = KINDS.get(self.kind)
        return str(kind.name) if kind else self.kind


class NarrativeVersion(models.Model):
    """A draft as it was submitted through the reporting cycle: texts, figures and the DOCX,
    frozen. `docx_public` is the copy without the sensitive parts (kinds that have some)."""

    narrative = models.ForeignKey(Narrative, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    submission = models.OneToOneField("statistics.Submission", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+")  # fmt: skip
    texts = models.JSONField(default=dict)
    content = models.JSONField()
    docx = models.BinaryField()
    docx_public = models.BinaryField(null=True, blank=True)
    template_version = models.PositiveIntegerField(default=0)  # 0: the built-in template
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["narrative", "number"], name="narrative_version_once")
        ]

    def __str__(self):
        return f"{self.narrative} v{self.number}"


class NarrativeTemplate(models.Model):
    """An uploaded DOCX template of a kind; the latest one is used, the built-in template when
    there is none. Earlier uploads are kept (a restore is a new upload)."""

    kind = models.CharField(max_length=40)
    number = models.PositiveIntegerField()
    file_name = models.CharField(max_length=200)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")  # fmt: skip
    uploaded_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)  # false once the built-in one is restored

    class Meta:
        ordering = ["kind", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="narrative_template_once")
        ]

    def __str__(self):
        return f"{self.kind} #{self.number}"

    def get_additional_data(self):
        return {"ou_path": "/VN/"}  # national: kept by national administrators


class DraftJob(models.Model):
    """Drafting a large unit's report in the background; its page shows the progress."""

    Status = ReportJob.Status  # the same states as the statistical reports' jobs

    narrative = models.ForeignKey(Narrative, on_delete=models.CASCADE, related_name="jobs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.narrative} ({self.status})"
