"""Demo plan: the Đắk Lắk province's plan for the current year with the seeds' kind of targets
(../shared/docs/domain.md), allocated to its FP Association and a few communes; called from
danso.demo. A module of its own beside demo.py (the activities), so each part is written once."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from danso.orgunits.models import Level, OrgUnit

from . import plans
from .models import Plan
from .plans import Share


def plan_communes(province: OrgUnit, first: OrgUnit) -> list[OrgUnit]:
    """The demo commune (it keeps the generated register) and the next three by code."""
    others = OrgUnit.objects.filter(parent=province, level=Level.COMMUNE).exclude(pk=first.pk)
    return [first, *others.order_by("code")[:3]]


@transaction.atomic
def create_plan_demo(officer, province: OrgUnit, commune: OrgUnit, fpa: OrgUnit) -> None:
    """The province's plan, set and allocated by its officer; nothing if it already has one."""
    year = timezone.localdate().year
    planned = Plan.objects.filter(unit=province, year=year, group__isnull=True)
    if officer is None or planned.exists():
        return
    communes = plan_communes(province, commune)

    def target(metric, value, value_max=None):
        return plans.set_target(officer, province, year, metric, value, value_max)

    def allocate(parent, *values, reason=""):
        shares = [Share(u, Decimal(v)) for u, v in zip(communes, values, strict=True)]
        plans.allocate(officer, parent, shares, reason)

    # The FP Association's 10–12 mobile service trips (its plan for 2024 in the seeds).
    trips = target("ACT_MOBILE_TRIPS", 10, 12)
    plans.allocate(officer, trips, [Share(fpa, Decimal(10), Decimal(12))])
    # About 20,000 workers counselled and served: 500 are not allocated yet (a warning).
    allocate(target("KCN_WORKERS_SERVED", 20000), 8000, 6000, 4000, 1500)
    # 50 collaborators and communicators trained, raised mid-year: the original is kept.
    trained = target("ACT_TRAINED", 50)
    allocate(trained, 20, 15, 10, 5)
    trained = plans.revise(officer, trained, 60, reason="Bổ sung 1 lớp tập huấn từ nguồn dự án")
    allocate(trained, 24, 18, 12, 6, reason="Phân bổ lớp tập huấn bổ sung")
    # Rates, allocated as rates (not added up) to the commune that keeps a register.
    for metric, value, share in (("cpr", 70, 72), ("third_share", 12, 10)):
        plans.allocate(officer, target(metric, value), [Share(commune, Decimal(share))])
