"""Org units: the administrative trees before and after 1 July 2025, villages and partner units.

Both trees hang below one root ("VN") so that a central user's scope covers everything. A unit
is found in a subtree by its materialised `path` ("/VN/P66/C24400/"), which makes scoping one
indexed prefix match instead of a recursive query.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from danso.concurrency import Versioned
from danso.text import squeeze

REFORM_DATE = datetime.date(2025, 7, 1)
LEGACY_VALID_TO = REFORM_DATE - datetime.timedelta(days=1)
ROOT_UID = "VN"


def province_code_of(province_uid: str) -> str:
    """GSO code inside a province uid: "P66" -> "66", "LP33" -> "33"."""
    return province_uid.removeprefix("L").removeprefix("P")


class Level(models.TextChoices):
    NATION = "nation", _("Nation")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    VILLAGE = "village", _("Village")
    ORGANISATION = "organisation", _("Organisation")


class UnitType(models.TextChoices):
    NATION = "quoc_gia", _("Nation")
    PROVINCE = "tinh", _("Province")
    CITY = "thanh_pho_tw", _("Centrally-run city")
    URBAN_DISTRICT = "quan", _("Urban district")
    RURAL_DISTRICT = "huyen", _("Rural district")
    DISTRICT_TOWN = "thi_xa", _("District-level town")
    PROVINCIAL_CITY = "thanh_pho", _("Provincial city")
    COMMUNE = "xa", _("Commune")
    WARD = "phuong", _("Ward")
    TOWNSHIP = "thi_tran", _("Township")
    SPECIAL_ZONE = "dac_khu", _("Special zone")
    HAMLET = "thon", _("Hamlet (thôn)")
    RESIDENTIAL_GROUP = "to_dan_pho", _("Residential group (tổ dân phố)")
    AP = "ap", _("Hamlet (ấp)")
    BAN = "ban", _("Hamlet (bản)")
    KHOM = "khom", _("Hamlet (khóm)")
    HEALTH_STATION = "tram_y_te", _("Commune health station")
    CLINIC = "phong_kham", _("Clinic")
    HOSPITAL = "benh_vien", _("Hospital")
    INDUSTRIAL_ZONE = "khu_cong_nghiep", _("Industrial zone")
    ENTERPRISE = "doanh_nghiep", _("Enterprise")
    FP_ASSOCIATION = "hoi_khhgd", _("Family Planning Association")
    WOMENS_UNION = "hoi_lhpn", _("Women's Union")
    OTHER_ASSOCIATION = "hoi_khac", _("Other association")


VILLAGE_TYPES = [
    UnitType.HAMLET,
    UnitType.RESIDENTIAL_GROUP,
    UnitType.AP,
    UnitType.BAN,
    UnitType.KHOM,
]


class OrgGroup(models.TextChoices):
    """How organisations other than administrative units are grouped for lists and reports."""

    HEALTH = "health", _("Health facilities")
    INDUSTRIAL = "industrial", _("Industrial zones")
    ENTERPRISE = "enterprise", _("Enterprises")
    ASSOCIATION = "association", _("Associations")


ORGANISATION_GROUPS = {
    OrgGroup.HEALTH: [UnitType.HEALTH_STATION, UnitType.CLINIC, UnitType.HOSPITAL],
    OrgGroup.INDUSTRIAL: [UnitType.INDUSTRIAL_ZONE],
    OrgGroup.ENTERPRISE: [UnitType.ENTERPRISE],
    OrgGroup.ASSOCIATION: [
        UnitType.FP_ASSOCIATION,
        UnitType.WOMENS_UNION,
        UnitType.OTHER_ASSOCIATION,
    ],
}
GROUP_OF_TYPE = {t: g for g, types in ORGANISATION_GROUPS.items() for t in types}


class OrgUnitQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Units valid on a date (today by default)."""
        on = on or datetime.date.today()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on),
        )

    def search(self, query: str):
        """Units whose name contains every word of the query, or whose code or uid equals it.

        Diacritics, apostrophes and spaces do not count: "ea sup" finds Ea Súp, "mdrak"
        M'Đrắk, "ea hleo" Ea H'leo and "cuprao" Cư Prao, since `search_name` holds the name
        squeezed (`danso.text.squeeze`) and so is each word of the query.
        """
        query = query.strip()
        if not query:
            return self.none()
        by_code = models.Q(code=query) | models.Q(uid__iexact=query)
        words = [w for w in map(squeeze, query.split()) if w]
        by_name = models.Q() if words else models.Q(pk__in=[])
        for word in words:
            by_name &= models.Q(search_name__contains=word)
        return self.filter(by_code | by_name)

    def in_subtree_of(self, unit: "OrgUnit"):
        return self.filter(path__startswith=unit.path)


class OrgUnit(models.Model):
    uid = models.CharField(_("identifier"), max_length=40, unique=True)
    code = models.CharField(_("code"), max_length=20, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    unit_type = models.CharField(_("unit type"), max_length=30, choices=UnitType.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    # Partition key for the big tables that will hang below (households, persons, events).
    province_code = models.CharField(max_length=4, blank=True, db_index=True, editable=False)
    # A village lies in one new commune (its parent) and one pre-2025 commune: the exact
    # attribution that lets history be shown in either map without apportioning.
    legacy_commune = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legacy_villages",
        limit_choices_to={"level": Level.COMMUNE, "valid_to__isnull": False},
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    # Name and short name folded, without spaces or apostrophes: "huyenmdrakmdrak".
    search_name = models.CharField(max_length=400, editable=False)
    address = models.CharField(_("address"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_derived_fields()
        super().save(*args, **kwargs)

    @property
    def is_legacy(self) -> bool:
        return self.valid_to is not None and self.valid_to < REFORM_DATE

    @property
    def org_group(self) -> str | None:
        return GROUP_OF_TYPE.get(self.unit_type)

    def ancestor_uids(self) -> list[str]:
        return [uid for uid in self.path.strip("/").split("/")[:-1] if uid]

    def ancestors(self):
        """Ancestors from the root down, in one query."""
        uids = self.ancestor_uids()
        by_uid = {u.uid: u for u in OrgUnit.objects.filter(uid__in=uids)}
        return [by_uid[uid] for uid in uids if uid in by_uid]

    def refresh_derived_fields(self):
        """Recompute path, province code and search text from the parent and names."""
        parent_path = self.parent.path if self.parent else "/"
        self.path = f"{parent_path}{self.uid}/"
        parts = self.path.strip("/").split("/")
        self.province_code = province_code_of(parts[1]) if len(parts) > 1 else ""
        self.search_name = squeeze(f"{self.name} {self.short_name}")

    def get_additional_data(self):
        """Stored with every audit entry so the log can be filtered by unit subtree."""
        return {"ou_path": self.path}


class UnitSuccession(models.Model):
    """Old → new link of the 1 July 2025 reform.

    Provinces merged whole; communes did not: an old commune can be split between several new
    communes (`is_split`), and the converter's default target is marked `is_default`. District
    links are derived (an old district → every new commune its communes went to).
    """

    old = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="successor_links")
    new = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="predecessor_links")
    is_split = models.BooleanField(default=False)
    is_default = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["old", "new"], name="unitsuccession_unique_pair")
        ]

    def __str__(self):
        return f"{self.old.uid} → {self.new.uid}"


class OrgUnitGroup(Versioned):
    """Units that share a trait across the tree (difficult or remote communes, ethnic-minority
    areas, urban or rural, industrial zones, a project's area), as DHIS2's
    organisationUnitGroups: a dimension and a filter for analysis, targets and completeness.
    Members may come from either map."""

    uid = models.CharField(_("identifier"), max_length=11, unique=True)
    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        OrgUnit, related_name="unit_groups", blank=True, verbose_name=_("members")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("org unit group")
        verbose_name_plural = _("org unit groups")

    def __str__(self):
        return self.name

    def get_additional_data(self):
        return {"ou_path": f"/{ROOT_UID}/"}  # national: kept by national administrators


class OrgUnitGroupSet(Versioned):
    """Groups that classify units one way (e.g. "Khu vực" = urban / rural). An exclusive set
    puts a unit in at most one of its groups, so it can be a dimension of a table."""

    uid = models.CharField(_("identifier"), max_length=11, unique=True)
    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    exclusive = models.BooleanField(_("exclusive"), default=True)
    groups = models.ManyToManyField(
        OrgUnitGroup, related_name="group_sets", blank=True, verbose_name=_("groups")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("org unit group set")
        verbose_name_plural = _("org unit group sets")

    def __str__(self):
        return self.name

    def get_additional_data(self):
        return {"ou_path": f"/{ROOT_UID}/"}
