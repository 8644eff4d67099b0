"""2025 plans of the old map reallocated to the new units (the province officer's page).

2025 began on the old map: its plans were set for old communes and districts (`LC…`, `LD…`).
From 1 July 2025 the new communes follow them. For a new province and a figure that is counted
or a stock (rates are not added up, so they are not reallocated), each new commune is proposed
the share of the old units' 2025 targets that lies in it (maps.Remapper, on 30/06/2025, the
last day of the old map): exact where an old unit went whole into the commune, otherwise by the
residents of its villages, and marked as an estimate. The old communes' targets are used when
there are any for the figure, else the old districts' (a district's own and its communes'
would be counted twice). The province adjusts the numbers; what it saves becomes the new
communes' 2025 targets, allocated rows like any other (a change is a revision with a reason,
audited); the difference between the saved total and the old total is shown, never refused.
The page and the API carry a tag of the old targets and the new ones (`version`): a save from
another tag is refused as stale.
"""

import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from danso.concurrency import StaleEdit
from danso.orgunits.models import LEGACY_VALID_TO, Level, OrgUnit, UnitSuccession

from . import maps, metrics, plans
from .models import Plan, Target

YEAR = 2025


class StaleReallocation(StaleEdit):
    def __init__(self, tag: str):
        self.current_tag = tag
        super().__init__(None)

    @property
    def message(self) -> str:
        return _(
            "Someone else changed these targets while you were editing them. Nothing of yours "
            "was saved: check the current targets and save again."
        )


@dataclass
class Row:
    unit: OrgUnit
    proposed: Decimal
    method: str  # maps.EXACT, POPULATION or COMMUNES
    current: Target | None = None


@dataclass
class Proposal:
    province: OrgUnit
    metric: metrics.Metric
    source_level: str
    sources: list[Target]
    rows: list[Row] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((t.value for t in self.sources), Decimal(0))

    @property
    def saved_total(self) -> Decimal:
        return sum((r.current.value for r in self.rows if r.current), Decimal(0))

    @property
    def estimated(self) -> bool:
        return any(r.method != maps.EXACT for r in self.rows)

    def difference(self, total: Decimal | None = None) -> Decimal:
        return (self.saved_total if total is None else total) - self.total


def old_provinces(province: OrgUnit) -> list[OrgUnit]:
    links = UnitSuccession.objects.filter(new=province, old__level=Level.PROVINCE)
    return [link.old for link in links.select_related("old")]


def _old_targets(province: OrgUnit, level: str | None = None, metric: str | None = None):
    paths = [p.path for p in old_provinces(province)]
    found = Target.objects.none()
    for path in paths:
        found |= Target.objects.filter(plan__ou_path__startswith=path)
    found = found.filter(
        plan__year=YEAR,
        plan__group__isnull=True,
        plan__unit__level__in=[Level.DISTRICT, Level.COMMUNE],
    )
    if level:
        found = found.filter(plan__unit__level=level)
    if metric:
        found = found.filter(metric=metric)
    return found.select_related("plan__unit")


def figures(province: OrgUnit) -> list[metrics.Metric]:
    """The counted and stock figures of the old units' 2025 plans under the province."""
    codes = sorted(set(_old_targets(province).values_list("metric", flat=True)))
    found = [metrics.find(code) for code in codes]
    return [m for m in found if m is not None and m.additive]


def _current(targets) -> list[Target]:
    by_plan: dict[int, list[Target]] = {}
    for t in targets:
        by_plan.setdefault(t.plan_id, []).append(t)
    return [plans.latest(rows)[rows[0].metric] for rows in by_plan.values()]


def new_communes(province: OrgUnit):
    return OrgUnit.objects.filter(parent=province, level=Level.COMMUNE,
                                  valid_to__isnull=True).order_by("name")  # fmt: skip


def propose(province: OrgUnit, code: str, user=None) -> Proposal:
    metric = metrics.find(code or "")
    if metric is None or not metric.additive:
        raise plans.PlanError("unknown_metric", _("No counted figure of the old plans has this "
                                                  "code."), "metric")  # fmt: skip
    if metric.sensitive and user is not None and not user.can_access_sensitive:
        message = _("This figure needs the sensitive-programme permission.")
        raise plans.PlanError(plans.FORBIDDEN, message, "metric")
    level = Level.COMMUNE
    sources = _current(_old_targets(province, Level.COMMUNE, metric.code))
    if not sources:
        level = Level.DISTRICT
        sources = _current(_old_targets(province, Level.DISTRICT, metric.code))
    proposal = Proposal(province, metric, level, sources)
    remapper = maps.Remapper(LEGACY_VALID_TO)
    communes = list(new_communes(province))
    mine = {}
    mine_q = Target.objects.filter(
        plan__unit__in=communes, plan__year=YEAR, metric=metric.code, plan__group__isnull=True
    )
    for t in mine_q:
        mine.setdefault(t.plan.unit_id, []).append(t)
    for commune in communes:
        share, method = Decimal(0), maps.EXACT
        for target in sources:
            part, how = remapper.share(target.plan.unit.path, commune)
            if part:
                share += target.value * Decimal(str(part))
                if how != maps.EXACT:
                    method = how
        current = plans.latest(mine[commune.pk])[metric.code] if commune.pk in mine else None
        proposed = share.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if proposed or current is not None:
            proposal.rows.append(Row(commune, proposed, method, current))
    return proposal


def version(proposal: Proposal) -> str:
    text = "|".join(
        [f"s{t.pk}:{t.revision}:{t.value}" for t in sorted(proposal.sources, key=lambda t: t.pk)]
        + [f"n{r.unit.pk}:{r.current.pk}" for r in proposal.rows if r.current]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@transaction.atomic
def save(user, province: OrgUnit, code: str, shares: list[plans.Share], reason: str = "",
         expected: str | None = None) -> Proposal:  # fmt: skip
    """Write the new communes' 2025 targets (a new target, or a revision where it changes)."""
    plans._require(user, province)
    Plan.objects.select_for_update().filter(unit=province, year=YEAR, group__isnull=True).first()
    proposal = propose(province, code, user)
    if expected is not None and (tag := version(proposal)) != expected:
        raise StaleReallocation(tag)
    communes = {c.pk for c in new_communes(province)}
    reason = (reason or "").strip()[:300] or _(
        "Reallocated from the 2025 plans of the old units (before the reorganisation)"
    )
    for share in shares:
        if share.unit.pk not in communes:
            raise plans.PlanError(
                "not_a_new_commune",
                _("%(unit)s is not a new commune of %(province)s.")
                % {"unit": share.unit, "province": province},
                "shares",
            )
    for share in shares:
        low, high = plans._values(share.value, share.value_max)
        plan = plans.plan_of(share.unit, YEAR, user)
        mine = plans.latest(plan.targets.filter(metric=proposal.metric.code)).get(
            proposal.metric.code
        )
        if mine is None:
            Target.objects.create(
                plan=plan, metric=proposal.metric.code, value=low, value_max=high,
                direction=proposal.metric.default_direction, reason=reason, created_by=user,
            )  # fmt: skip
        elif (mine.value, mine.value_max) != (low, high):
            plans._next(mine, low, high, reason, user)
    return propose(province, code, user)


def difference_text(proposal: Proposal, total: Decimal) -> str | None:
    difference = total - proposal.total
    if not difference:
        return None
    amounts = {"total": plans.show(total), "old": plans.show(proposal.total),
               "difference": plans.show(abs(difference))}  # fmt: skip
    if difference < 0:
        return _("The new communes' targets add up to %(total)s, %(difference)s less than the "
                 "old units' 2025 targets (%(old)s).") % amounts  # fmt: skip
    return _("The new communes' targets add up to %(total)s, %(difference)s more than the old "
             "units' 2025 targets (%(old)s).") % amounts  # fmt: skip
