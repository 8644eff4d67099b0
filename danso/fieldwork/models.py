"""Reconciliation across sectors (thống nhất số liệu liên ngành): the counts other sectors
report for a commune and period, the people of their person-level files, and the commune's
explanation and sign-off."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    CIVIL_BIRTHS = "civil_births", _("Births registered (civil registration)")
    CIVIL_DEATHS = "civil_deaths", _("Deaths registered (civil registration)")
    FACILITY_BIRTHS = "facility_births", _("Births at health facilities")
    POLICE_RESIDENTS = "police_residents", _("Residents (police population database)")


class SectorCount(models.Model):
    """One figure of another sector for a commune and period (quarter, half-year, year)."""

    commune = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    ou_path = models.CharField(max_length=255, db_index=True)
    period = models.CharField(max_length=6)  # 2025Q3, 2025S1, 2025
    source = models.CharField(max_length=20, choices=Source.choices)
    value = models.PositiveIntegerField()
    imported_at = models.DateTimeField(auto_now=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")  # fmt: skip

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "period", "source"], name="sector_count_once"
            )
        ]

    def __str__(self):
        return f"{self.commune_id} {self.period} {self.source}: {self.value}"

    def get_additional_data(self):
        return {"ou_path": self.ou_path}


class SectorPerson(models.Model):
    """A person of another sector's person-level file, matched to the register by citizen ID."""

    commune = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    ou_path = models.CharField(max_length=255, db_index=True)
    period = models.CharField(max_length=6)
    source = models.CharField(max_length=20, choices=Source.choices)
    citizen_id = models.CharField(max_length=12)
    full_name = models.CharField(max_length=150, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    person = models.ForeignKey("register.Person", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")  # fmt: skip

    class Meta:
        ordering = ["full_name", "citizen_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "period", "source", "citizen_id"], name="sector_person_once"
            )  # fmt: skip
        ]

    def __str__(self):
        return f"{self.citizen_id} {self.full_name}"

    def get_additional_data(self):
        return {"ou_path": self.ou_path}


class Reconciliation(models.Model):
    """The commune's explanation of the differences and its sign-off for a period."""

    commune = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    ou_path = models.CharField(max_length=255, db_index=True)
    period = models.CharField(max_length=6)
    explanation = models.TextField(blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                      null=True, blank=True, related_name="+")  # fmt: skip

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commune", "period"], name="reconciliation_once")
        ]

    def __str__(self):
        return f"{self.commune_id} {self.period}"

    def get_additional_data(self):
        return {"ou_path": self.ou_path}


class QueuedChange(models.Model):
    """A change a phone recorded offline and sent when the network returned (offline.py).

    One row per idempotency key the phone generated: sending the same key again answers the
    same outcome and records nothing twice. A change that meets a register changed since the
    version it was based on (another phone edited the person, the slip was closed) is kept
    here as an open **conflict**, with the register's state at that moment, until the
    collaborator or the commune officer decides: apply it anyway (the normal change path, all
    its checks) or keep the register's (the queued change stays, marked discarded). Nothing a
    phone queued is ever deleted."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Sent back")
        CONFLICT = "conflict", _("Conflict")

    class Resolution(models.TextChoices):
        APPLIED = "applied", _("Applied anyway")
        DISCARDED = "discarded", _("Register kept")

    key = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    device = models.CharField(max_length=64, blank=True)
    village = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    ou_path = models.CharField(max_length=255, db_index=True)
    payload = models.JSONField()  # the change as queued (register API's ChangeIn)
    person = models.ForeignKey("register.Person", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")  # fmt: skip
    base_version = models.PositiveBigIntegerField(null=True, blank=True)
    made_at = models.DateTimeField()  # when the phone recorded it
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    problems = models.JSONField(default=list, blank=True)
    event = models.ForeignKey("register.Event", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")  # fmt: skip
    conflict_code = models.CharField(max_length=30, blank=True)
    current = models.JSONField(default=dict, blank=True)  # the register when it conflicted
    is_open = models.BooleanField(default=False, db_index=True)
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")  # fmt: skip
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["made_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="queued_change_key_once")
        ]

    def __str__(self):
        return f"{self.key} {self.outcome}"

    def get_additional_data(self):
        return {"ou_path": self.ou_path}
