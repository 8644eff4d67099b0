"""The Women's Union's casework registries: union branches, sponsored children ("Mẹ đỡ đầu"),
domestic-violence support cases, trusted addresses and "5 không 3 sạch" assessments.

Every record lies in a current commune (and optionally one of its villages) and belongs to the
union branch that keeps it. `ou_path` (village or commune) and `legacy_path` (the pre-2025
commune) let counts be asked for a unit of either map with one prefix match; `branch_path`
lets the union's own hierarchy be scoped the same way. `__str__` never shows a name: the audit
log keeps it as the entry's title.
"""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danso.concurrency import Versioned
from danso.orgunits.models import OrgUnit, UnitSuccession


class Tier(models.TextChoices):
    CENTRAL = "central", _("Central union")
    PROVINCE = "province", _("Province union")
    COMMUNE = "commune", _("Commune union branch")
    CELL = "cell", _("Village union cell (chi hội)")


class UnionBranch(models.Model):
    """What the union adds to a partner unit of type "hoi_lhpn": its tier and, for a village
    cell (chi hội), its village. The unit itself is an ordinary OrgUnit attached to the nation,
    a province or a commune (orgunits.services.create_organisation)."""

    unit = models.OneToOneField(OrgUnit, on_delete=models.CASCADE, related_name="union_branch")
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    village = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("village"))  # fmt: skip

    def __str__(self):
        return self.unit.name

    def get_additional_data(self):
        return {"ou_path": self.unit.path}


def new_code(prefix: str) -> str:
    """A pseudonymous code (e.g. "TE-7K3Q9M") that names a record in lists, exports and logs."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return f"{prefix}-" + "".join(secrets.choice(alphabet) for _i in range(6))


class Placed(Versioned):
    """Where a record lies and which branch keeps it; consent and purpose of the processing
    (Decree 13/2023/ND-CP on personal data: sensitive data need recorded consent)."""

    CODE_PREFIX = "HS"

    code = models.CharField(_("code"), max_length=12, unique=True, editable=False)
    commune = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("commune"))  # fmt: skip
    village = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("village"))  # fmt: skip
    branch = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("union branch"))  # fmt: skip
    ou_path = models.CharField(max_length=255, db_index=True, editable=False)
    legacy_path = models.CharField(max_length=255, db_index=True, blank=True, editable=False)
    branch_path = models.CharField(max_length=255, db_index=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        if not self.code:
            self.code = new_code(self.CODE_PREFIX)
        self.ou_path = (self.village or self.commune).path
        self.branch_path = self.branch.path
        self.legacy_path = self._legacy_commune_path()
        super().save(*args, **kwargs)

    def _legacy_commune_path(self) -> str:
        """The pre-2025 commune: the village's, or the commune's only predecessor."""
        if self.village_id and self.village.legacy_commune_id:
            return self.village.legacy_commune.path
        old = list(
            UnitSuccession.objects.filter(new=self.commune, old__level="commune").values_list(
                "old__path", flat=True
            )[:2]
        )
        return old[0] if len(old) == 1 else ""

    def get_additional_data(self):
        return {"ou_path": self.branch_path, "sensitive": True}


class Consent(models.Model):
    """How the person agreed to be recorded, and why the data are kept."""

    class Naming(models.TextChoices):
        NAMED = "named", _("By name")
        PSEUDONYMOUS = "pseudonymous", _("Pseudonymously (code only)")

    naming = models.CharField(_("recorded as"), max_length=15, choices=Naming.choices,
                              default=Naming.PSEUDONYMOUS)  # fmt: skip
    consent_date = models.DateField(_("consent given on"), null=True, blank=True)
    # The person, or the guardian of a child.
    consent_by = models.CharField(_("consent given by"), max_length=100, blank=True)
    purpose = models.CharField(_("purpose of processing"), max_length=300, blank=True)

    class Meta:
        abstract = True


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


# Sponsored children ----------------------------------------------------------------------


class Child(Placed, Consent):
    CODE_PREFIX = "TE"

    class Orphaned(models.TextChoices):
        FATHER = "father", _("Lost father")
        MOTHER = "mother", _("Lost mother")
        BOTH = "both", _("Lost both parents")

    class Cause(models.TextChoices):
        COVID = "covid19", _("COVID-19")
        DISEASE = "disease", _("Other illness")
        ACCIDENT = "accident", _("Accident")
        OTHER = "other", _("Other")

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    person = models.ForeignKey("register.Person", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+",
                               verbose_name=_("person in the register"))  # fmt: skip
    orphaned = models.CharField(_("orphan status"), max_length=10, choices=Orphaned.choices)
    cause = models.CharField(_("cause"), max_length=10, choices=Cause.choices)
    circumstances = models.TextField(_("circumstances"), blank=True)

    class Meta:
        ordering = ["ou_path", "code"]
        verbose_name = _("sponsored child")
        verbose_name_plural = _("sponsored children")

    def age_on(self, day: datetime.date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


class Sponsor(Placed):
    CODE_PREFIX = "MDD"

    class Kind(models.TextChoices):
        PERSON = "person", _("A person")
        COUPLE = "couple", _("A couple")
        BUSINESS = "business", _("A business")
        ORGANISATION = "organisation", _("An organisation")

    kind = models.CharField(_("kind of sponsor"), max_length=15, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        ordering = ["ou_path", "code"]
        verbose_name = _("sponsor")


class Sponsorship(Placed):
    CODE_PREFIX = "DD"

    class Kind(models.TextChoices):
        DIRECT = "direct", _("Direct care at home")
        INDIRECT = "indirect", _("Indirect support")

    class Closure(models.TextChoices):
        ADULT = "adult", _("Reached the age of 18")
        ADOPTED = "adopted", _("Adopted or taken in by relatives")
        SPONSOR_STOPPED = "sponsor_stopped", _("The sponsor stopped")
        MOVED = "moved", _("Moved away")
        OTHER = "other", _("Other")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="sponsorships",
                              verbose_name=_("child"))  # fmt: skip
    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="sponsorships",
                                verbose_name=_("sponsor"))  # fmt: skip
    kind = models.CharField(_("kind of sponsorship"), max_length=10, choices=Kind.choices)
    start = models.DateField(_("start"))
    expected_end = models.DateField(_("expected end"), null=True, blank=True)
    monthly_amount = models.PositiveIntegerField(_("monthly amount (đồng)"), default=0)
    in_kind = models.CharField(_("in-kind support"), max_length=300, blank=True)
    cadre = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+",
                              verbose_name=_("assigned cadre"))  # fmt: skip
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=20, blank=True,
                                      choices=Closure.choices)  # fmt: skip

    class Meta:
        ordering = ["-start", "code"]
        verbose_name = _("sponsorship")


class Support(models.Model):
    """Support given under a sponsorship: cash and/or the value of gifts (quà)."""

    sponsorship = models.ForeignKey(Sponsorship, on_delete=models.CASCADE,
                                    related_name="supports")  # fmt: skip
    date = models.DateField(_("date"))
    cash = models.PositiveIntegerField(_("cash (đồng)"), default=0)
    in_kind_value = models.PositiveIntegerField(_("value of gifts (đồng)"), default=0)
    description = models.CharField(_("description"), max_length=300, blank=True)
    given_by = models.CharField(_("given by"), max_length=150, blank=True)

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.sponsorship} {self.date}"

    def get_additional_data(self):
        return self.sponsorship.get_additional_data()


class Visit(models.Model):
    class Kind(models.TextChoices):
        VISIT = "visit", _("Home visit")
        REVIEW = "review", _("Periodic review")

    sponsorship = models.ForeignKey(Sponsorship, on_delete=models.CASCADE,
                                    related_name="visits")  # fmt: skip
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    notes = models.TextField(_("notes"), blank=True)
    cadre = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")  # fmt: skip

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.sponsorship} {self.date}"

    def get_additional_data(self):
        return self.sponsorship.get_additional_data()


# Domestic-violence support cases ---------------------------------------------------------


class ViolenceForm(models.TextChoices):
    PHYSICAL = "physical", _("Physical")
    PSYCHOLOGICAL = "psychological", _("Psychological")
    SEXUAL = "sexual", _("Sexual")
    ECONOMIC = "economic", _("Economic")


class Detector(models.TextChoices):
    UNION = "union", _("Union cadre")
    SELF = "self", _("The person herself")
    NEIGHBOUR = "neighbour", _("Neighbour or relative")
    POLICE = "police", _("Police")
    HEALTH = "health", _("Health worker")
    AUTHORITY = "authority", _("Commune authority")
    OTHER = "other", _("Other")


class DVCase(Placed, Consent):
    CODE_PREFIX = "BL"

    class Outcome(models.TextChoices):
        SAFE = "safe", _("Violence stopped, safe")
        RECONCILED = "reconciled", _("Reconciled under follow-up")
        MOVED = "moved", _("Moved away")
        COURT = "court", _("Handled by the court")
        LOST = "lost", _("Lost contact")
        OTHER = "other", _("Other")

    opened_on = models.DateField(_("detected on"))
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    is_girl = models.BooleanField(_("a girl (under 16)"), default=False)
    form = models.CharField(_("form of violence"), max_length=15, choices=ViolenceForm.choices)
    detected_by = models.CharField(_("detected by"), max_length=15, choices=Detector.choices)
    description = models.TextField(_("description"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, blank=True, choices=Outcome.choices)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_note = models.CharField(_("closure note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-opened_on", "code"]
        verbose_name = _("domestic-violence case")
        verbose_name_plural = _("domestic-violence cases")

    @property
    def supported(self) -> bool:
        """Supported with at least one service: computed from the services, never typed."""
        return self.services.exists()


class ServiceCode(models.TextChoices):
    HEALTH = "health", _("Health care")
    LEGAL = "legal", _("Legal aid")
    COUNSELLING = "counselling", _("Psychological counselling")
    SHELTER = "shelter", _("Temporary shelter at a trusted address")
    POLICE = "police", _("Police protection")
    SOCIAL = "social", _("Social assistance")


class DVService(models.Model):
    case = models.ForeignKey(DVCase, on_delete=models.CASCADE, related_name="services")
    service = models.CharField(_("service"), max_length=15, choices=ServiceCode.choices)
    date = models.DateField(_("date"))
    provider = models.CharField(_("provider"), max_length=200)
    trusted_address = models.ForeignKey("TrustedAddress", on_delete=models.SET_NULL, null=True,
                                        blank=True, related_name="+",
                                        verbose_name=_("trusted address"))  # fmt: skip

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.case} {self.service} {self.date}"

    def get_additional_data(self):
        return self.case.get_additional_data()


class DVReferral(models.Model):
    case = models.ForeignKey(DVCase, on_delete=models.CASCADE, related_name="referrals")
    date = models.DateField(_("date"))
    referred_to = models.CharField(_("referred to"), max_length=200)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.case} → {self.date}"

    def get_additional_data(self):
        return self.case.get_additional_data()


class DVFollowUp(models.Model):
    case = models.ForeignKey(DVCase, on_delete=models.CASCADE, related_name="followups")
    date = models.DateField(_("date"))
    notes = models.TextField(_("notes"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           blank=True, related_name="+")  # fmt: skip

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.case} {self.date}"

    def get_additional_data(self):
        return self.case.get_additional_data()


# Trusted addresses -----------------------------------------------------------------------


class TrustedAddress(Placed):
    CODE_PREFIX = "DC"

    class Host(models.TextChoices):
        HOUSEHOLD = "household", _("A household")
        ORGANISATION = "organisation", _("An organisation")

    class Project(models.TextChoices):
        PROJECT8 = "project8", _("Project 8 on gender equality")
        UNION = "union", _("The union's own programme")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    host_kind = models.CharField(_("host"), max_length=15, choices=Host.choices)
    host_name = models.CharField(_("host name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    capacity = models.PositiveSmallIntegerField(_("capacity (people)"), default=1)
    established_on = models.DateField(_("set up or strengthened on"))
    project = models.CharField(_("project"), max_length=10, choices=Project.choices)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["ou_path", "name"]
        verbose_name = _("trusted address")
        verbose_name_plural = _("trusted addresses")

    @property
    def active(self) -> bool:
        return self.closed_on is None or self.closed_on > timezone.localdate()


class AddressUse(models.Model):
    class Kind(models.TextChoices):
        STAY = "stay", _("Stay")
        COUNSELLING = "counselling", _("Counselling")

    address = models.ForeignKey(TrustedAddress, on_delete=models.CASCADE, related_name="uses")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    nights = models.PositiveSmallIntegerField(_("nights"), default=0)
    case = models.ForeignKey(DVCase, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="address_uses")  # fmt: skip

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.address} {self.date}"

    def get_additional_data(self):
        return self.address.get_additional_data()


# "5 không 3 sạch" households -------------------------------------------------------------

# The 5 "không" (no poverty, no law-breaking or social evils, no domestic violence, no third
# child or more, no malnourished child or dropout) and the 3 "sạch" (clean house, kitchen,
# alley). Since 2017 the campaign is "5 có 3 sạch"; both are assessed by the same eight marks.
CRITERIA = [
    ("no_poverty", _("No poverty")),
    ("no_lawbreaking", _("No law-breaking or social evils")),
    ("no_violence", _("No domestic violence")),
    ("no_third_child", _("No third child or more")),
    ("no_malnutrition", _("No malnourished child, no school dropout")),
    ("clean_house", _("Clean house")),
    ("clean_kitchen", _("Clean kitchen")),
    ("clean_alley", _("Clean alley")),
]
CRITERIA_CODES = [c for c, _label in CRITERIA]


class HouseholdAssessment(Placed):
    CODE_PREFIX = "5K"

    year = models.PositiveSmallIntegerField(_("year"))
    household = models.ForeignKey("register.Household", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+",
                                  verbose_name=_("household in the register"))  # fmt: skip
    head_name = models.CharField(_("head of household"), max_length=150)
    criteria = models.JSONField(_("criteria met"), default=dict)
    achieved = models.BooleanField(_("meets every criterion"), default=False, editable=False)

    class Meta:
        ordering = ["-year", "ou_path", "head_name"]
        verbose_name = _("5K3S household assessment")
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="assessment_once_a_year",
                                    condition=models.Q(household__isnull=False)),
        ]  # fmt: skip

    def save(self, *args, **kwargs):
        self.achieved = all(self.criteria.get(c) is True for c in CRITERIA_CODES)
        super().save(*args, **kwargs)

    def get_additional_data(self):
        return {"ou_path": self.branch_path, "sensitive": False}


# Protection ------------------------------------------------------------------------------


class BreakGlass(models.Model):
    """A time-limited access for a named reason to one record outside the user's union scope
    ("break the glass" in DHIS2). Shown to the record's branch on the record's page."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")  # fmt: skip
    kind = models.CharField(max_length=10)  # "child" or "case"
    record_id = models.PositiveIntegerField()
    record_code = models.CharField(max_length=12)
    ou_path = models.CharField(max_length=255)  # the record's branch path
    reason = models.CharField(_("reason"), max_length=300)
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-granted_at"]

    def __str__(self):
        return f"{self.user} → {self.record_code}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()

    def get_additional_data(self):
        return {"ou_path": self.ou_path, "sensitive": True}


class SensitiveExport(models.Model):
    """A download of a registry, kept so that an export with names is itself audited."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="+")  # fmt: skip
    registry = models.CharField(max_length=20)
    with_names = models.BooleanField(default=False)
    rows = models.PositiveIntegerField(default=0)
    ou_path = models.CharField(max_length=255)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.registry} {'named' if self.with_names else 'pseudonymised'}"

    def get_additional_data(self):
        return {"ou_path": self.ou_path, "sensitive": True}


class Erasure(models.Model):
    """A deletion on the person's request: what was erased, when and why; never the data."""

    registry = models.CharField(max_length=20)
    record_code = models.CharField(max_length=12)
    ou_path = models.CharField(max_length=255)
    reason = models.CharField(_("reason"), max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           related_name="+")  # fmt: skip
    at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.registry} {self.record_code}"

    def get_additional_data(self):
        return {"ou_path": self.ou_path, "sensitive": True}


# Each audited model and the personal fields masked in its audit entries.
AUDITED = {
    UnionBranch: (),
    Child: ("full_name", "birth_date", "circumstances", "consent_by"),
    Sponsor: ("name", "phone", "email", "address"),
    Sponsorship: (),
    Support: ("given_by",),
    Visit: ("notes",),
    DVCase: ("full_name", "birth_year", "description", "consent_by", "closure_note"),
    DVService: ("provider",),
    DVReferral: ("reason",),
    DVFollowUp: ("notes",),
    TrustedAddress: ("host_name", "phone"),
    AddressUse: (),
    HouseholdAssessment: ("head_name",),
    BreakGlass: (),
    SensitiveExport: (),
    Erasure: (),
}
# Every record of these is sensitive (the 5K3S assessments are not).
SENSITIVE_MODELS = set(AUDITED) - {UnionBranch, HouseholdAssessment}
