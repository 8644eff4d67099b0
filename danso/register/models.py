"""The household register (Sổ A0) as a history.

`Event` rows are the truth: immutable, dated when they happened and when they were recorded,
each from a monthly collaborator slip. Everything else below is derived from them and can be
rebuilt at any time (`register.projection`):
- `Person` holds the latest known state of a person, for lists and search;
- `Residence`, `MaritalSpell` and `MethodSpell` are intervals [start, end) that let a report
  count any stock at any date with one grouped query (who lived where, who was married, who
  used which method).

Every row carries the path of its village (`ou_path`) for scoping and the province code as the
partition key.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danso.concurrency import Versioned
from danso.orgunits.models import OrgUnit
from danso.text import fold

from . import codes


class Scoped(models.Model):
    """Rows that belong to a village: scoped by its path, partitioned by its province."""

    village = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    ou_path = models.CharField(max_length=255, db_index=True, editable=False)
    province_code = models.CharField(max_length=4, db_index=True, editable=False)

    class Meta:
        abstract = True

    def place_in(self, village: OrgUnit) -> None:
        self.village = village
        self.ou_path = village.path
        self.province_code = village.province_code

    def get_additional_data(self):
        return {"ou_path": self.ou_path}


class Household(Scoped, Versioned):
    number = models.CharField(_("household number"), max_length=20)
    address = models.CharField(_("address"), max_length=300, blank=True)
    kind = models.CharField(
        _("household kind"),
        max_length=1,
        choices=codes.HOUSEHOLD_KIND.choices,
        default=codes.FAMILY_HOUSEHOLD,
    )
    head_name = models.CharField(_("head of household"), max_length=150, blank=True)
    search_text = models.CharField(max_length=400, editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["ou_path", "number"]
        verbose_name = _("household")
        constraints = [
            models.UniqueConstraint(fields=["village", "number"], name="household_number_unique")
        ]

    def __str__(self):
        return f"Hộ số {self.number}" + (f" – {self.head_name}" if self.head_name else "")

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.number} {self.head_name} {self.address}")
        super().save(*args, **kwargs)


class HouseholdPoverty(models.Model):
    """Poverty status by year (poor and near-poor households get free contraceptives)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="poverty")
    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=1, choices=codes.POVERTY.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="poverty_unique_year")
        ]

    def __str__(self):
        return f"{self.year}: {codes.POVERTY.label(self.status)}"

    def get_additional_data(self):
        return {"ou_path": self.household.ou_path}


class PersonQuerySet(models.QuerySet):
    def named(self, query: str):
        """Every word of the query in the name, with or without diacritics."""
        persons = self
        for word in fold(query).split():
            persons = persons.filter(search_name__contains=word)
        return persons

    def identified_by(self, number: str):
        """By citizen ID or health-insurance card number."""
        return self.filter(models.Q(citizen_id=number) | models.Q(subject_code=number))


class Person(Scoped):
    """Latest known state of a person (a projection of their events)."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="persons")
    subject_code = models.CharField(
        _("subject code (health-insurance card)"), max_length=20, blank=True, db_index=True
    )
    full_name = models.CharField(_("full name"), max_length=150)
    search_name = models.CharField(max_length=150, editable=False, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=codes.SEX.choices)
    date_of_birth = models.DateField(_("date of birth"))
    relationship = models.CharField(
        _("relationship to head"), max_length=1, choices=codes.RELATIONSHIP.choices
    )
    ethnicity = models.CharField(
        _("ethnicity"), max_length=2, choices=codes.ETHNICITY.choices, default=codes.KINH
    )
    education = models.CharField(
        _("education"), max_length=1, blank=True, choices=codes.EDUCATION.choices
    )
    marital_status = models.CharField(
        _("marital status"),
        max_length=1,
        choices=codes.MARITAL_STATUS.choices,
        default=codes.NEVER_MARRIED,
    )
    residence_kind = models.CharField(
        _("residence"), max_length=1, choices=codes.RESIDENCE_KIND.choices, default=codes.PRESENT
    )
    citizen_id = models.CharField(_("citizen ID"), max_length=12, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    mother = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    spouse = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Live births before the person entered the register: the start of a mother's history.
    prior_live_births = models.PositiveSmallIntegerField(default=0)
    died_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    is_pending = models.BooleanField(default=True)  # no accepted event yet

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["household", "date_of_birth"]
        verbose_name = _("person")
        indexes = [models.Index(fields=["household", "full_name"])]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_name = fold(self.full_name)
        super().save(*args, **kwargs)

    def age_on(self, day) -> int:
        years = day.year - self.date_of_birth.year
        return years - ((day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day))


class Slip(models.Model):
    """A collaborator's monthly slip (phiếu thu tin P0/CTV) for one village."""

    class Status(models.TextChoices):
        OPEN = "open", _("Being written")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Sent back")
        ACCEPTED = "accepted", _("Accepted")

    village = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="slips")
    ou_path = models.CharField(max_length=255, db_index=True, editable=False)
    period = models.CharField(_("month"), max_length=6)  # DHIS2 month id, e.g. 202406
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-period", "ou_path"]
        verbose_name = _("slip")
        constraints = [
            models.UniqueConstraint(fields=["village", "period"], name="slip_unique_month")
        ]

    def __str__(self):
        return f"P0/CTV {self.period[4:]}/{self.period[:4]} – {self.village.name}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.RETURNED)

    def get_additional_data(self):
        return {"ou_path": self.ou_path}


class EventKind(models.TextChoices):
    REGISTRATION = "registration", _("Entered in the register")
    BIRTH = "birth", _("Birth")
    NEWBORN_SCREENING = "newborn_screening", _("Newborn screening")
    DEATH = "death", _("Death")
    MOVE_IN = "move_in", _("Moved in from another commune")
    MOVE_OUT = "move_out", _("Moved out of the commune")
    MOVE_WITHIN = "move_within", _("Moved within the commune")
    CHANGE = "change", _("Change of basic data")
    METHOD_START = "method_start", _("New contraceptive user")
    METHOD_STOP = "method_stop", _("Stopped a contraceptive method")
    # Pills and injectables handed out again to a user of the method (fieldwork worklists).
    METHOD_RESUPPLY = "method_resupply", _("Contraceptive resupply")
    PREGNANCY = "pregnancy", _("Pregnancy event")
    PRENATAL_SCREENING = "prenatal_screening", _("Prenatal screening")
    ELDERLY_CHECK = "elderly_check", _("Elderly health check")
    MARRIAGE = "marriage", _("Marriage")
    DIVORCE = "divorce", _("Divorce")
    PREMARITAL_CHECK = "premarital_check", _("Pre-marital counselling and health check")
    VOID = "void", _("Cancellation of an entry")


class Event(Scoped):
    """One change in the register. Never updated or deleted: a correction is a new event
    that supersedes it (`supersedes`), with a reason."""

    kind = models.CharField(max_length=20, choices=EventKind.choices)
    occurred_on = models.DateField(_("date it happened"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    slip = models.ForeignKey(Slip, on_delete=models.PROTECT, related_name="events", null=True)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="events")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="events")
    # The other person of a birth (the mother) or a marriage (the spouse).
    other_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    # Denormalised for one-query reports: accepted = its slip was accepted (or no slip needed).
    is_accepted = models.BooleanField(default=False, db_index=True)
    is_superseded = models.BooleanField(default=False, db_index=True)
    # Dated inside a period whose report was already approved (set by danso.statistics): it is
    # kept, but the approved figures do not change.
    after_approval = models.BooleanField(default=False)
    # The fields reports group by; everything else goes to `data`.
    sex = models.CharField(max_length=1, blank=True)
    method = models.CharField(max_length=1, blank=True)
    place = models.CharField(max_length=1, blank=True)
    outcome = models.CharField(max_length=1, blank=True)
    birth_order = models.PositiveSmallIntegerField(null=True, blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True)  # of the person (mother)
    is_child_marriage = models.BooleanField(default=False)
    is_consanguineous = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_on", "pk"]
        verbose_name = _("event")
        indexes = [
            models.Index(fields=["province_code", "kind", "occurred_on"]),
            models.Index(fields=["person", "occurred_on"]),
            # a month's events of some villages (statistics.sources.events)
            models.Index(fields=["village", "occurred_on"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_on:%d/%m/%Y}"

    @property
    def method_label(self) -> str:
        return codes.METHOD.label(self.method) if self.method else ""

    @property
    def outcome_label(self) -> str:
        return codes.PREGNANCY_OUTCOME.label(self.outcome) if self.outcome else ""

    @property
    def changes_shown(self) -> list[tuple[str, str, str]]:
        """A change of basic data as (field, old value, new value), codes by their labels."""
        shown = []
        for name, (old, new) in self.data.get("changes", {}).items():
            code_list = codes.PERSON_CODE_LISTS.get(name)
            values = [code_list.label(v) if code_list and v else v or "" for v in (old, new)]
            shown.append((Person._meta.get_field(name).verbose_name, *values))
        return shown

    @property
    def to_household(self) -> Household | None:
        """The household of a move within the commune."""
        if not self.data.get("to_household"):
            return None
        return Household.objects.select_related("village").get(pk=self.data["to_household"])

    @property
    def counts(self) -> bool:
        return self.is_accepted and not self.is_superseded


class Spell(models.Model):
    """An interval [start, end) of a person's state, derived from events."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    province_code = models.CharField(max_length=4, db_index=True)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True


class Residence(Spell):
    """Where a person lived. `counted_from` applies the circular's de-facto rule: a person
    counts as a usual resident from arrival if they intend to stay (or were born here), else
    once they have lived here 6 months; temporary absence does not interrupt it."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    village = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    ou_path = models.CharField(max_length=255, db_index=True)
    counted_from = models.DateField()
    sex = models.CharField(max_length=1)
    date_of_birth = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["province_code", "counted_from", "end"])]

    def __str__(self):
        return f"{self.person_id} in {self.household_id} [{self.start}, {self.end})"


class MaritalSpell(Spell):
    status = models.CharField(max_length=1, choices=codes.MARITAL_STATUS.choices)

    def __str__(self):
        return f"{self.person_id}: {self.status} [{self.start}, {self.end})"


class MethodSpell(Spell):
    method = models.CharField(max_length=1, choices=codes.METHOD.choices)

    def __str__(self):
        return f"{self.person_id}: {self.method} [{self.start}, {self.end})"
