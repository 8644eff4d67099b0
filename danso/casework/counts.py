"""The Women's Union data set's figures counted from the registries, for any unit of either
map and any span of days (a year, or "2022–2024", or "as of May 2024" as a range).

A union unit (a partner unit of type "hoi_lhpn") counts the records of the administrative area
it is attached to: the province union counts the whole province, a commune branch its commune,
so the figures roll up the union's hierarchy as the areas nest. An administrative unit counts
its own subtree; a pre-2025 unit the records of its old communes (through `legacy_path`).

What each figure counts (a flow over the span, so spans add up):
- DV detected: cases opened in the span; DV supported: of those, the ones with at least one
  service dated on or before the span's end (computed, never typed);
- trusted addresses set up or strengthened in the span;
- orphans sponsored: children whose sponsorship started in the span (a child counts once),
  of which COVID-19 orphans; amount mobilised: cash and gifts given in the span;
- 5K3S households: assessments meeting every criterion, of the years the span touches.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Sum

from danso.orgunits.models import Level, OrgUnit, UnitType

from .models import Child, DVCase, DVService, HouseholdAssessment, Support, TrustedAddress


def area_path(path: str) -> str:
    """The administrative area a unit's figures cover: a union unit's is its parent's."""
    unit = OrgUnit.objects.filter(path=path).only("unit_type", "level", "parent").first()
    if unit and unit.level == Level.ORGANISATION:
        if unit.unit_type != UnitType.WOMENS_UNION:
            return ""  # another organisation keeps no union records
        return path.removesuffix(f"{unit.uid}/")
    return path


def in_area(path: str, prefix: str = "") -> Q:
    if not path:
        return Q(pk__in=[])
    return Q(**{f"{prefix}ou_path__startswith": path}) | Q(
        **{f"{prefix}legacy_path__startswith": path}
    )


def _cases(area, start, end):
    return DVCase.objects.filter(in_area(area), opened_on__range=(start, end))


def dv_detected(area, start, end):
    return _cases(area, start, end)


def dv_supported(area, start, end):
    served = DVService.objects.filter(case=OuterRef("pk"), date__lte=end)
    return _cases(area, start, end).filter(Exists(served))


def trusted_addresses(area, start, end):
    return TrustedAddress.objects.filter(in_area(area), established_on__range=(start, end))


def orphans_sponsored(area, start, end):
    return Child.objects.filter(in_area(area), sponsorships__start__range=(start, end)).distinct()


def orphans_covid(area, start, end):
    return orphans_sponsored(area, start, end).filter(cause=Child.Cause.COVID)


def households_5k3s(area, start, end):
    return HouseholdAssessment.objects.filter(
        in_area(area), achieved=True, year__range=(start.year, end.year)
    )


def _count(rows_of):
    return lambda area, start, end: Decimal(rows_of(area, start, end).count())


def mobilised(unit_path: str, start, end) -> tuple[int, int]:
    """Cash and the value of gifts given in the span (tiền, quà)."""
    rows = Support.objects.filter(
        in_area(area_path(unit_path), "sponsorship__"), date__range=(start, end)
    )
    total = rows.aggregate(cash=Sum("cash"), gifts=Sum("in_kind_value"))
    return total["cash"] or 0, total["gifts"] or 0


def _funds(area, start, end) -> Decimal:
    rows = Support.objects.filter(in_area(area, "sponsorship__"), date__range=(start, end))
    total = rows.aggregate(cash=Sum("cash"), gifts=Sum("in_kind_value"))
    return Decimal((total["cash"] or 0) + (total["gifts"] or 0))


@dataclass(frozen=True)
class Feed:
    """One element's figure (aggregate.REGISTRY_FEEDS)."""

    compute: object  # (area path, start, end) -> Decimal
    rows: object = None  # (area, start, end) -> queryset of the counted records
    branch_field: str = "branch_path"

    def total(self, path: str, start: datetime.date, end: datetime.date) -> Decimal:
        return self.compute(area_path(path), start, end)

    def by_path(self, path: str, start, end) -> dict[str, Decimal]:
        """The figure per keeping branch (the reporting unit, as an activity's organiser)."""
        out: dict[str, Decimal] = defaultdict(Decimal)
        area = area_path(path)
        if self.rows is None:  # the amount mobilised
            rows = Support.objects.filter(in_area(area, "sponsorship__"), date__range=(start, end))
            for branch, cash, gifts in rows.values_list(
                "sponsorship__branch_path", "cash", "in_kind_value"
            ):
                out[branch] += cash + gifts
            return out
        for branch in self.rows(area, start, end).values_list(self.branch_field, flat=True):
            out[branch] += 1
        return out


FEEDS = {
    "WU_DV_DETECTED": Feed(_count(dv_detected), dv_detected),
    "WU_DV_SUPPORTED": Feed(_count(dv_supported), dv_supported),
    "WU_TRUSTED_ADDRESSES": Feed(_count(trusted_addresses), trusted_addresses),
    "WU_ORPHANS_SPONSORED": Feed(_count(orphans_sponsored), orphans_sponsored),
    "WU_ORPHANS_COVID": Feed(_count(orphans_covid), orphans_covid),
    "WU_SPONSOR_FUNDS": Feed(_funds),
    "WU_5K3S_HOUSEHOLDS": Feed(_count(households_5k3s), households_5k3s),
}


def figures(unit: OrgUnit, start: datetime.date, end: datetime.date) -> dict[str, Decimal]:
    """Every registry figure of a unit over a span, by element code."""
    return {code: feed.total(unit.path, start, end) for code, feed in FEEDS.items()}
