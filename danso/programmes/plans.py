"""Annual plans: a unit's targets for a year, their allocation to the units below, and mid-year
revisions.

A target is never changed in place: a revision is a new row with the next revision number and a
reason, so the original stays and is shown beside the revised value. Allocation writes the
child units' targets (`allocated_from` = the parent's target). Counts and stocks allocated to
the units below should add up to the parent's target; when they do not, the difference is a
warning, not a refusal (a province may keep a reserve or allocate in steps). Rates are
allocated as rates and not added up.

Who: an officer whose scope covers the unit (accounts.scope.can_set_plan), i.e. the unit's own
officers or a level above. A target allocated from above is revised from above.
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from danso.accounts.scope import can_set_plan
from danso.concurrency import StaleEdit
from danso.limits import check_value
from danso.orgunits.models import OrgUnit

from . import maps, metrics
from .metrics import Metric
from .models import Plan, Target

FORBIDDEN = "forbidden"
FIRST_YEAR, LAST_YEAR = 2000, 2100


class PlanError(Exception):
    """A refusal with a machine-readable code and a Vietnamese message."""

    def __init__(self, code: str, message: str, field: str = ""):
        super().__init__(message)
        self.code, self.message, self.field = code, message, field

    def as_dict(self) -> dict:
        return {"field": self.field, "code": self.code, "message": self.message}


@dataclass
class Share:
    """One child unit's part in an allocation."""

    unit: OrgUnit
    value: Decimal
    value_max: Decimal | None = None


@dataclass
class Line:
    """A target of a plan as the plan page shows it: its original and current rows."""

    metric: Metric
    revisions: list[Target]  # oldest first

    @property
    def original(self) -> Target:
        return self.revisions[0]

    @property
    def current(self) -> Target:
        return self.revisions[-1]

    @property
    def revised(self) -> bool:
        return len(self.revisions) > 1


@dataclass
class Allocation:
    """A target's allocation: every child unit with its allocated target (or None)."""

    target: Target
    metric: Metric
    rows: list[tuple[OrgUnit, Target | None]]
    warning: dict | None = None
    total: Decimal | None = None  # counts and stocks: the allocations added up
    total_max: Decimal | None = None  # … their upper bounds, when some are ranges
    others: list[OrgUnit] = field(default_factory=list)  # children with a target of their own

    @property
    def total_text(self) -> str:
        return "" if self.total is None else range_text(self.total, self.total_max)


def show(value: Decimal | float | None) -> str:
    """5.838 and 90,6 as officials write them, without trailing zeros."""
    if value is None:
        return "–"
    value = Decimal(str(value)).normalize()
    return number_format(value.quantize(1) if value == value.to_integral() else value,
                         force_grouping=True)  # fmt: skip


def range_text(low, high=None) -> str:
    """10–12, or 20.000."""
    return show(low) if high is None or high == low else f"{show(low)}–{show(high)}"


def target_text(target: Target) -> str:
    return range_text(target.value, target.value_max)


# Reading ----------------------------------------------------------------------------------


def latest(targets) -> dict[str, Target]:
    """The current (highest) revision of each metric among targets."""
    found: dict[str, Target] = {}
    for t in targets:
        if t.metric not in found or t.revision > found[t.metric].revision:
            found[t.metric] = t
    return found


def lines(plan: Plan, user=None) -> list[Line]:
    """The plan's targets with their revisions; sensitive metrics only for users with the
    permission."""
    by_metric: dict[str, list[Target]] = {}
    for t in plan.targets.select_related("created_by", "allocated_from__plan__unit").order_by(
        "metric", "revision"
    ):
        by_metric.setdefault(t.metric, []).append(t)
    known = metrics.metrics_for(by_metric)
    hidden = user is not None and not user.can_access_sensitive
    return [
        Line(known[code], revisions)
        for code, revisions in by_metric.items()
        if code in known and not (hidden and known[code].sensitive)
    ]


def child_units(unit: OrgUnit):
    """The units a target can be allocated to: the unit's current children (communes, villages,
    partner organisations)."""
    return OrgUnit.objects.current().filter(parent=unit).order_by("level", "code")


def allocation(target: Target) -> Allocation:
    """Every child unit with the target it was allocated (any revision of the parent's target
    of this metric), and the add-up warning."""
    metric = metrics.find(target.metric)
    children = list(child_units(target.plan.unit))
    child_targets = Target.objects.filter(
        plan__unit__in=children,
        plan__year=target.plan.year,
        metric=target.metric,
        plan__group__isnull=True,
    ).select_related("plan", "allocated_from")
    by_unit: dict[int, Target] = {}  # each child's current target of this metric
    for t in child_targets:
        if t.plan.unit_id not in by_unit or t.revision > by_unit[t.plan.unit_id].revision:
            by_unit[t.plan.unit_id] = t
    allocated = {
        unit_id: t
        for unit_id, t in by_unit.items()
        if t.allocated_from_id and t.allocated_from.plan_id == target.plan_id
    }
    rows = [(c, allocated.get(c.pk)) for c in children]
    result = Allocation(target, metric, rows)
    result.others = [c for c in children if c.pk in by_unit and c.pk not in allocated]
    if metric.additive and allocated:
        result.total, result.total_max = _sums(list(allocated.values()))
        result.warning = add_up_warning(target, list(allocated.values()))
    return result


def _sums(targets: list[Target]) -> tuple[Decimal, Decimal]:
    """The targets' values added up, and their upper bounds (a value when there is none)."""
    low = sum((t.value for t in targets), Decimal(0))
    high = sum(((t.value_max if t.value_max is not None else t.value) for t in targets),
               Decimal(0))  # fmt: skip
    return low, high


def add_up_warning(target: Target, shares: list[Target]) -> dict | None:
    """None when the children's targets add up to the parent's (lie within its range), else
    the difference: negative when short, positive when over."""
    low, high = _sums(shares)
    bottom = target.value
    top = target.value_max if target.value_max is not None else target.value
    amounts = {"allocated": range_text(low, high), "target": target_text(target),
               "unit": target.plan.unit.name}  # fmt: skip
    if low < bottom:
        difference = low - bottom
        short = _("%(difference)s short")
        message = _(
            "The allocations to the units below add up to %(allocated)s, not to the target "
            "of %(unit)s (%(target)s): %(difference)s short."
        )
    elif high > top:
        difference = high - top
        short = _("%(difference)s over")
        message = _(
            "The allocations to the units below add up to %(allocated)s, more than the target "
            "of %(unit)s (%(target)s): %(difference)s over."
        )
    else:
        return None
    amounts["difference"] = show(abs(difference))
    return {"code": "allocation_does_not_add_up", "message": message % amounts,
            "short": short % amounts, "allocated": low, "target": target.value,
            "difference": difference}  # fmt: skip


# Writing ----------------------------------------------------------------------------------


def may_set(user, unit: OrgUnit) -> bool:
    """accounts.scope.can_set_plan, and old units wholly inside the officer's area."""
    return can_set_plan(user, unit) or _plans_old_unit(user, unit)


def _require(user, unit: OrgUnit) -> None:
    if not may_set(user, unit):
        raise PlanError(FORBIDDEN, _("You may not set the plan of %(unit)s.") % {"unit": unit})


def _plans_old_unit(user, unit: OrgUnit) -> bool:
    """An old unit wholly inside a planning officer's area (maps.reaches)."""
    from danso.accounts.models import Role

    planning = {Role.ADMIN, Role.CENTRAL, Role.PROVINCE, Role.COMMUNE}
    return unit.is_legacy and user.is_active and user.role in planning and maps.reaches(user, unit)


def _number(value, name: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise PlanError("not_a_number", _("Enter a number."), name) from None
    if not number.is_finite():
        raise PlanError("not_a_number", _("Enter a number."), name)
    if number < 0:
        raise PlanError("negative", _("A target cannot be negative."), name)
    if problems := check_value(Target, "value", number):
        raise PlanError("out_of_range", problems[0].message, name)
    return number


def _values(value, value_max) -> tuple[Decimal, Decimal | None]:
    low = _number(value, "value")
    high = None if value_max in (None, "") else _number(value_max, "value_max")
    if high is not None and high < low:
        raise PlanError(
            "range_reversed", _("The upper bound is below the lower bound."), "value_max"
        )
    return low, (None if high == low else high)


def _metric(user, code: str) -> Metric:
    metric = metrics.find(code or "")
    if metric is None:
        raise PlanError("unknown_metric", _("No data element or indicator has this code."),
                        "metric")  # fmt: skip
    if metric.sensitive and not user.can_access_sensitive:
        raise PlanError(FORBIDDEN, _("This figure needs the sensitive-programme permission."),
                        "metric")  # fmt: skip
    return metric


def plan_of(unit: OrgUnit, year: int, user=None, group=None) -> Plan:
    """The unit's plan for the year, or (`group`) the plan of the group's members inside it."""
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise PlanError("bad_year", _("Not a plan year."), "year")
    try:
        maps.check_year(unit, year)
    except maps.MapError as err:
        raise PlanError(err.code, err.message, "year") from None
    plan, _created = Plan.objects.get_or_create(
        unit=unit, year=year, group=group, defaults={"ou_path": unit.path, "created_by": user}
    )
    return plan


class StaleTarget(StaleEdit):
    """The target was revised (or its allocation changed) since the editor read it; `current`
    is the target's current revision."""

    def __init__(self, current: Target, tag: str | None = None):
        self.current, self.current_tag = current, tag
        super().__init__(current.revision)

    @property
    def message(self) -> str:
        return _(
            "Someone else changed this target while you were editing it (now %(value)s). "
            "Nothing of yours was saved: check the current target and save again."
        ) % {"value": target_text(self.current)}


def current_of(target: Target) -> Target:
    return latest(Target.objects.filter(plan=target.plan_id, metric=target.metric))[target.metric]


def allocation_version(target: Target) -> str:
    """A tag of the allocation as it stands: the parent target's revision and each child's
    current target of the metric. The allocation page and the API's ETag carry it."""
    children = child_units(target.plan.unit).values("pk")
    rows = sorted(Target.objects.filter(
        plan__unit__in=children, plan__year=target.plan.year, metric=target.metric,
        plan__group__isnull=True,
    ).values_list("plan__unit_id", "revision", "value", "value_max"))  # fmt: skip
    text = f"{target.pk}|{current_of(target).pk}|" + ";".join(map(str, rows))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _is_current(target: Target) -> bool:
    return not Target.objects.filter(
        plan=target.plan_id, metric=target.metric, revision__gt=target.revision
    ).exists()


@transaction.atomic
def set_target(user, unit: OrgUnit, year: int, metric: str, value, value_max=None,
               direction: str = "", group=None) -> Target:  # fmt: skip
    """A new target in the unit's plan for the year (the plan is created if needed); with
    `group` (an OrgUnitGroup), in the plan of the group's members inside the unit, followed
    over them as one planned area (rates too: from the members' summed parts)."""
    _require(user, unit)
    found = _metric(user, metric)
    low, high = _values(value, value_max)
    if direction and direction not in Target.Direction.values:
        raise PlanError("bad_direction", _("A target is a floor or a ceiling."), "direction")
    if group is not None and not group.members.filter(path__startswith=unit.path).exists():
        raise PlanError("no_members", _("The group has no member inside %(unit)s.")
                        % {"unit": unit}, "group")  # fmt: skip
    plan = plan_of(unit, year, user, group)
    if plan.targets.filter(metric=found.code).exists():
        raise PlanError(
            "already_set",
            _("The plan already has this target; revise it, giving the reason."),
            "metric",
        )
    return Target.objects.create(
        plan=plan, metric=found.code, value=low, value_max=high,
        direction=direction or found.default_direction, created_by=user,
    )  # fmt: skip


def _next(target: Target, low, high, reason: str, user, allocated_from=None) -> Target:
    return Target.objects.create(
        plan=target.plan, metric=target.metric, value=low, value_max=high,
        direction=target.direction, revision=target.revision + 1, reason=reason,
        allocated_from=allocated_from or target.allocated_from, created_by=user,
    )  # fmt: skip


@transaction.atomic
def revise(user, target: Target, value, value_max=None, reason: str = "") -> Target:
    """A mid-year revision: a new row with the next revision number; the original stays."""
    _require(user, target.plan.unit)
    if target.allocated_from_id and not can_set_plan(user, target.allocated_from.plan.unit):
        raise PlanError(
            FORBIDDEN,
            _("This target was allocated by %(unit)s; only that level revises it.")
            % {"unit": target.allocated_from.plan.unit},
        )
    # The plan's row is locked so that two revisions of the same target follow one another.
    Plan.objects.select_for_update().filter(pk=target.plan_id).first()
    if not _is_current(target):
        raise StaleTarget(current_of(target))
    reason = (reason or "").strip()
    if not reason:
        raise PlanError("reason_required", _("Give the reason for the revision."), "reason")
    low, high = _values(value, value_max)
    try:
        with transaction.atomic():
            return _next(target, low, high, reason[:300], user)
    except IntegrityError:  # the same revision number written meanwhile
        raise StaleTarget(current_of(target)) from None


@transaction.atomic
def allocate(user, target: Target, shares: list[Share], reason: str = "",
             expected: str | None = None) -> Allocation:  # fmt: skip
    """Give each child unit its share of the target: a new target in the child's plan, or a
    revision of the one it has when the value changes. Returns the allocation with its add-up
    warning (never a refusal). StaleTarget when `expected` (the allocation_version read) is no
    longer the allocation's."""
    parent = target.plan.unit
    _require(user, parent)
    Plan.objects.select_for_update().filter(pk=target.plan_id).first()
    if not _is_current(target):
        raise StaleTarget(current_of(target))
    if expected is not None and (tag := allocation_version(target)) != expected:
        raise StaleTarget(current_of(target), tag)
    children = {c.pk for c in child_units(parent)}
    for share in shares:
        if share.unit.pk not in children:
            raise PlanError(
                "not_a_child_unit",
                _("%(unit)s is not a unit directly below %(parent)s.")
                % {"unit": share.unit, "parent": parent},
                "allocations",
            )
    reason = (reason or "").strip()[:300] or (
        _("Allocation changed by %(unit)s") % {"unit": parent}
    )
    for share in shares:
        low, high = _values(share.value, share.value_max)
        plan = plan_of(share.unit, target.plan.year, user)
        mine = latest(plan.targets.filter(metric=target.metric)).get(target.metric)
        if mine is None:
            Target.objects.create(
                plan=plan, metric=target.metric, value=low, value_max=high,
                direction=target.direction, allocated_from=target, created_by=user,
            )  # fmt: skip
        elif (mine.value, mine.value_max) != (low, high) or not mine.allocated_from_id:
            _next(mine, low, high, reason, user, allocated_from=target)
    return allocation(target)
