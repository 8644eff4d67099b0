"""Aggregate data as DHIS2 keeps it, activities, clubs, plans and targets.

A data value is one number keyed by (data element, category option combo, org unit, period):
the figures partner organisations report (clients served at the FP Association's clinic,
domestic-violence cases supported by the Women's Union…) that have no primary record in the
register. Data elements and data sets are declared in `metadata.py` and loaded by
`load_metadata()`; codes are stable and used for exchange (dataValueSets, ADX).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from danso.concurrency import Versioned


class PeriodType(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    HALF = "half", _("Six-monthly")
    YEAR = "year", _("Yearly")


class CategoryOption(models.Model):
    """One value of a disaggregation: "Nam", "Nữ", "Dân tộc thiểu số", "15–19 tuổi"…"""

    uid = models.CharField(max_length=11, unique=True)
    code = models.CharField(max_length=50, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name


class Category(models.Model):
    """A disaggregation dimension (sex, age group, ethnicity, target group); its code is the
    attribute name in ADX, so it must be a valid XML name."""

    uid = models.CharField(max_length=11, unique=True)
    code = models.CharField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    options = models.ManyToManyField(CategoryOption, through="CategoryOptionOrder")

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def ordered_options(self):
        return [link.option for link in self.option_links.select_related("option")]


class CategoryOptionOrder(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="option_links")
    option = models.ForeignKey(CategoryOption, on_delete=models.CASCADE, related_name="+")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["category", "option"], name="category_option_once")
        ]

    def __str__(self):
        return f"{self.category_id}: {self.option_id}"


class CategoryCombo(models.Model):
    """The disaggregation of a data element: a list of categories whose option combinations
    (the cartesian product) are the cells of the entry form. `default` has none."""

    DEFAULT = "default"

    uid = models.CharField(max_length=11, unique=True)
    code = models.CharField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    categories = models.ManyToManyField(Category, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name


class CategoryOptionCombo(models.Model):
    """One cell of a disaggregation, e.g. (Nữ, Dân tộc thiểu số)."""

    uid = models.CharField(max_length=11, unique=True)
    code = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=300)
    combo = models.ForeignKey(CategoryCombo, on_delete=models.CASCADE, related_name="option_combos")
    options = models.ManyToManyField(CategoryOption, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["combo", "sort_order"]

    def __str__(self):
        return self.name


class ValueType(models.TextChoices):
    """DHIS2's value types that danso's data elements use."""

    INTEGER_ZERO_OR_POSITIVE = "INTEGER_ZERO_OR_POSITIVE", _("Whole number ≥ 0")
    NUMBER = "NUMBER", _("Number")
    PERCENTAGE = "PERCENTAGE", _("Percentage")


class AggregationType(models.TextChoices):
    SUM = "SUM", _("Sum")
    AVERAGE = "AVERAGE", _("Average")
    LAST = "LAST", _("Last value")


class ActivityMeasure(models.TextChoices):
    """What an activity-fed data element counts (see activities.py)."""

    COUNT = "count", _("Number of activities")
    PARTICIPANTS = "participants", _("Participants")
    CLIENTS = "clients", _("Clients served")
    # Counted from the records of a registry (the Women's Union's casework): see
    # aggregate.REGISTRY_FEEDS.
    REGISTRY = "registry", _("Counted from a registry")


class DataElement(models.Model):
    uid = models.CharField(max_length=11, unique=True)
    code = models.CharField(max_length=50, unique=True)
    name = models.CharField(max_length=300)
    short_name = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=30, default="Người")  # what is counted: người, lượt, hộ
    value_type = models.CharField(
        max_length=30, choices=ValueType.choices, default=ValueType.INTEGER_ZERO_OR_POSITIVE
    )
    aggregation_type = models.CharField(
        max_length=10, choices=AggregationType.choices, default=AggregationType.SUM
    )
    category_combo = models.ForeignKey(CategoryCombo, on_delete=models.PROTECT)
    # Domestic violence and sponsored children: seen only with the sensitive permission.
    sensitive = models.BooleanField(default=False)
    # Fed by activities instead of typed in: the kinds of activity and what is counted.
    feed_kinds = models.JSONField(default=list, blank=True)
    feed_measure = models.CharField(max_length=20, choices=ActivityMeasure.choices, blank=True)
    feed_service = models.CharField(max_length=40, blank=True)  # for CLIENTS: one service only

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def is_fed_by_activities(self) -> bool:
        return bool(self.feed_measure) and self.feed_measure != ActivityMeasure.REGISTRY

    @property
    def is_fed_by_registry(self) -> bool:
        """Counted from a registry's records (aggregate.REGISTRY_FEEDS). Values stored for it
        (imported history from before the registry) are added, but none is typed any more."""
        return self.feed_measure == ActivityMeasure.REGISTRY

    @property
    def is_computed(self) -> bool:
        """Shown on the entry form, never typed in."""
        return bool(self.feed_measure)


class DataSet(models.Model):
    """A form of data elements with a period type, reported by the units assigned to it."""

    uid = models.CharField(max_length=11, unique=True)
    code = models.CharField(max_length=50, unique=True)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    period_type = models.CharField(max_length=10, choices=PeriodType.choices)
    # Assigned by unit type (every FP Association reports it) and/or to individual units.
    unit_types = models.JSONField(default=list, blank=True)
    units = models.ManyToManyField("orgunits.OrgUnit", blank=True, related_name="+")
    elements = models.ManyToManyField(DataElement, through="DataSetElement")
    sensitive = models.BooleanField(default=False)
    deadline_working_days = models.PositiveSmallIntegerField(default=10)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name

    # The reporting cycle (statistics.cycle) asks these of every form it handles.
    @property
    def period_types(self) -> tuple[str, ...]:
        return (self.period_type,)

    @property
    def title(self) -> str:
        return self.name

    @classmethod
    def find_for_cycle(cls, code: str):
        return cls.objects.filter(code=code).first()

    def freeze(self, unit, period):
        """What a submission keeps: the entered values and the rule violations."""
        from .entry import frozen_values

        return frozen_values(self, unit, period)

    def can_submit(self, user, unit) -> bool:
        from .entry import can_enter

        return can_enter(user, self, unit)

    def reporting_units(self, unit):
        """The current units of the unit's subtree that report this data set."""
        from danso.orgunits.models import OrgUnit

        assigned = models.Q(unit_type__in=self.unit_types) | models.Q(pk__in=self.units.all())
        return list(OrgUnit.objects.current().in_subtree_of(unit).filter(assigned))

    def completeness(self, units, period):
        from .entry import completeness

        return completeness(self, units, period)

    def entry_url(self, unit_uid: str, period_id: str) -> str:
        from django.urls import reverse

        return reverse("data_entry", args=[self.code, unit_uid, period_id])

    @property
    def fixed_deadline(self):
        """The date an ad hoc data request (danso.adhoc) asks its figures by; None for the
        data sets of the regular cycle."""
        request = getattr(self, "adhoc_request", None)
        return request.deadline if request else None

    def is_assigned_to(self, unit) -> bool:
        return unit.unit_type in self.unit_types or self.units.filter(pk=unit.pk).exists()


class DataSetElement(models.Model):
    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="element_links")
    data_element = models.ForeignKey(DataElement, on_delete=models.CASCADE, related_name="+")
    section = models.CharField(max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["data_set", "data_element"], name="dataset_element_once"
            )
        ]

    def __str__(self):
        return f"{self.data_set_id}: {self.data_element_id}"


class DataValue(models.Model):
    """A reported figure. Zeros are kept (a typed 0 is a report; a blank cell is none)."""

    class Source(models.TextChoices):
        ENTRY = "entry", _("Data entry")
        IMPORT = "import", _("Import")
        API = "api", _("API")

    data_element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+")
    option_combo = models.ForeignKey(CategoryOptionCombo, on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip
    org_unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    ou_path = models.CharField(max_length=255, db_index=True)
    period = models.CharField(max_length=10)
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.DecimalField(max_digits=18, decimal_places=2)
    comment = models.CharField(max_length=500, blank=True)
    followup = models.BooleanField(default=False)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ENTRY)
    stored_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+")  # fmt: skip
    created = models.DateTimeField(auto_now_add=True)
    last_updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["data_element", "option_combo", "org_unit", "period"],
                name="data_value_unique",
            )
        ]
        indexes = [models.Index(fields=["period_start", "data_element"])]

    def __str__(self):
        return f"{self.data_element_id}.{self.option_combo_id} {self.org_unit_id} {self.period}"

    def get_additional_data(self):
        return {"ou_path": self.ou_path}


class MinMax(models.Model):
    """An expected range for a value; values outside it are flagged (not refused). No unit
    means every unit."""

    data_element = models.ForeignKey(DataElement, on_delete=models.CASCADE, related_name="+")
    option_combo = models.ForeignKey(CategoryOptionCombo, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="+")  # fmt: skip
    org_unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, null=True,
                                 blank=True, related_name="+")  # fmt: skip
    minimum = models.DecimalField(max_digits=18, decimal_places=2)
    maximum = models.DecimalField(max_digits=18, decimal_places=2)

    def __str__(self):
        return f"{self.data_element_id}: {self.minimum}–{self.maximum}"

    def get_additional_data(self):
        return {"ou_path": self.org_unit.path if self.org_unit_id else "/VN/"}


class ValidationRule(models.Model):
    """left operator right, each side a sum of operands #{DE} or #{DE.COC} (DHIS2's syntax),
    e.g. "of which" ≤ total. Declared in metadata.py."""

    class Operator(models.TextChoices):
        EQUAL = "equal_to", "="
        NOT_EQUAL = "not_equal_to", "≠"
        GREATER = "greater_than", ">"
        GREATER_OR_EQUAL = "greater_than_or_equal_to", "≥"
        LESS = "less_than", "<"
        LESS_OR_EQUAL = "less_than_or_equal_to", "≤"

    class Missing(models.TextChoices):
        SKIP_IF_ANY = "SKIP_IF_ANY_VALUE_MISSING", _("Skip if any value is missing")
        SKIP_IF_ALL = "SKIP_IF_ALL_VALUES_MISSING", _("Skip if all values are missing")
        NEVER = "NEVER_SKIP", _("Never skip")

    uid = models.CharField(max_length=11, unique=True)
    code = models.CharField(max_length=50, unique=True)
    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="rules")
    left = models.CharField(max_length=500)
    operator = models.CharField(max_length=30, choices=Operator.choices)
    right = models.CharField(max_length=500)
    message = models.CharField(max_length=300)  # Vietnamese, shown to the person entering
    missing_values = models.CharField(max_length=30, choices=Missing.choices,
                                      default=Missing.SKIP_IF_ALL)  # fmt: skip

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code


# Activities -------------------------------------------------------------------------------


class ActivityKind(models.TextChoices):
    COMMUNICATION = "communication", _("Direct communication session")
    COUNSELLING = "counselling", _("Counselling")
    MOBILE_TRIP = "mobile_trip", _("Mobile service trip")
    TRAINING = "training", _("Training")
    MEETING = "meeting", _("Meeting or briefing")
    CLUB_SESSION = "club_session", _("Club session")
    CAMPAIGN = "campaign", _("Campaign")
    ADVOCACY = "advocacy", _("Advocacy conference")
    COMMEMORATION = "commemoration", _("Commemoration (e.g. Population Day 26/12)")


class TargetGroup(models.TextChoices):
    GENERAL = "general", _("General public")
    ETHNIC_MINORITY = "ethnic_minority", _("Ethnic minorities")
    WORKER = "worker", _("Workers")
    ADOLESCENT = "adolescent", _("Adolescents and youth")
    ELDERLY = "elderly", _("Elderly")
    COUPLE = "couple", _("Couples of reproductive age")
    COLLABORATOR = "collaborator", _("Collaborators and communicators")
    OFFICIAL = "official", _("Officials")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Service(models.TextChoices):
    """Services given to clients during activities (mobile trips, clinics, counselling)."""

    FP_COUNSELLING = "fp_counselling", _("Family-planning counselling")
    IUD = "iud", _("IUD insertion")
    IMPLANT = "implant", _("Implant")
    INJECTABLE = "injectable", _("Injectable")
    PILL = "pill", _("Pills")
    CONDOM = "condom", _("Condoms")
    STERILISATION = "sterilisation", _("Sterilisation")
    RTI = "rti", _("Reproductive-tract infection check and treatment")
    SRH_COUNSELLING = "srh_counselling", _("Sexual and reproductive health counselling")
    PRENATAL = "prenatal_screening", _("Prenatal screening")
    NEWBORN = "newborn_screening", _("Newborn screening")
    PREMARITAL = "premarital_check", _("Pre-marital health check")
    ELDERLY_CHECK = "elderly_check", _("Elderly health check")
    OTHER = "other", _("Other")


class FundingSource(models.TextChoices):
    CENTRAL = "central", _("Central budget (national target programme)")
    LOCAL = "local", _("Local budget")
    PROJECT = "project", _("Project or donor")
    SOCIAL = "social", _("Social mobilisation")
    SELF = "self", _("Organisation's own funds")
    OTHER = "other", _("Other")


class Club(Versioned):
    """A club of a population programme, with its members and sessions (activities)."""

    organiser = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    ou_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(max_length=200)
    topic = models.CharField(max_length=200, blank=True)
    founded_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")  # fmt: skip

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_additional_data(self):
        return {"ou_path": self.ou_path}


class ClubMember(models.Model):
    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(max_length=150)
    sex = models.CharField(max_length=10, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    person = models.ForeignKey("register.Person", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")  # fmt: skip
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name

    def get_additional_data(self):
        return {"ou_path": self.club.ou_path}


class Activity(Versioned):
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    title = models.CharField(max_length=300)
    start_date = models.DateField()
    end_date = models.DateField()
    organiser = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    ou_path = models.CharField(max_length=255, db_index=True)  # the organiser's path
    places = models.ManyToManyField("orgunits.OrgUnit", blank=True, related_name="+")
    club = models.ForeignKey(Club, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="sessions")  # fmt: skip
    cost = models.DecimalField(max_digits=15, decimal_places=0, null=True, blank=True)  # đồng
    funding_source = models.CharField(max_length=20, choices=FundingSource.choices, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["start_date", "kind"])]

    def __str__(self):
        return self.title

    def get_additional_data(self):
        return {"ou_path": self.ou_path}


class ActivityParticipants(models.Model):
    """Participants of an activity by target group and sex."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participants")
    target_group = models.CharField(max_length=20, choices=TargetGroup.choices)
    sex = models.CharField(max_length=10, choices=Sex.choices)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "target_group", "sex"], name="participants_once"
            )
        ]

    def __str__(self):
        return f"{self.target_group} {self.sex}: {self.count}"


class ActivityService(models.Model):
    """Clients served by service during an activity."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="services")
    service = models.CharField(max_length=40, choices=Service.choices)
    clients = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "service"], name="service_once")]

    def __str__(self):
        return f"{self.service}: {self.clients}"


class ActivityAttachment(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="activities/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")  # fmt: skip
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name


# Plans and targets ------------------------------------------------------------------------


class Plan(models.Model):
    """A unit's plan for a year: its targets, set by itself or allocated from the level above."""

    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    ou_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField()
    # A plan for an org-unit group as one planned area ("the communes of the ethnic-minority
    # areas" of the unit): its targets are followed over the group's members inside the unit.
    group = models.ForeignKey("orgunits.OrgUnitGroup", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")  # fmt: skip
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "ou_path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="plan_once_a_year",
                                    condition=models.Q(group__isnull=True)),
            models.UniqueConstraint(fields=["unit", "group", "year"],
                                    name="group_plan_once_a_year",
                                    condition=models.Q(group__isnull=False)),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.unit_id} {self.year}"

    def get_additional_data(self):
        return {"ou_path": self.ou_path}


class Target(models.Model):
    """One target of a plan. `metric` is a data element code, a register figure or an
    indicator code of statistics.definitions; a rate is compared as it stands, a count as
    actual ÷ target. A mid-year revision is a new row with a higher `revision`: the original
    stays."""

    class Direction(models.TextChoices):
        AT_LEAST = "at_least", _("At least")
        AT_MOST = "at_most", _("At most")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(max_length=60)
    value = models.DecimalField(max_digits=18, decimal_places=2)
    value_max = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices,
                                 default=Direction.AT_LEAST)  # fmt: skip
    revision = models.PositiveSmallIntegerField(default=0)
    reason = models.CharField(max_length=300, blank=True)  # why revised
    allocated_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="allocations")  # fmt: skip
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "metric", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "metric", "revision"], name="target_revision")
        ]

    def __str__(self):
        return f"{self.plan} {self.metric} r{self.revision}: {self.value}"

    def get_additional_data(self):
        return {"ou_path": self.plan.ou_path}
