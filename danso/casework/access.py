"""Who sees the union's casework records. Written once; every page, API call and export asks.

- A record (a child, a sponsor, a case, an address) is read by a user who has the sensitive
  permission and a union role over its area: they hold a union unit (type "hoi_lhpn") whose
  administrative area (the unit it is attached to) contains the record. The union's hierarchy
  is the rule here, not the general scope: a province union cadre reads the records of every
  commune branch of the province.
- Someone else with the permission and the record inside their general scope may "break the
  glass": a time-limited access to that one record for a named reason, audited and shown to
  the record's branch.
- Everyone else sees counts only (counts.py), small ones hidden (see `shown_count`).
- Writes need an editing role as well, and the union role (a break-the-glass access reads).
"""

import datetime

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from danso.accounts.scope import path_in_scope
from danso.orgunits.models import Level, UnitType

from .models import BreakGlass

SMALL_COUNT = 5  # counts under this are not shown for a commune to users without access
BREAK_GLASS_HOURS = 4
BREAK_GLASS_MAX_HOURS = 24


def union_areas(user) -> list[str]:
    """The administrative areas of the union units the user holds."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_union_areas", None)
    if cached is None:
        units = user.org_units.filter(unit_type=UnitType.WOMENS_UNION, level=Level.ORGANISATION)
        cached = [u.path.removesuffix(f"{u.uid}/") for u in units]
        user._union_areas = cached
    return cached


def union_units(user):
    return user.org_units.filter(unit_type=UnitType.WOMENS_UNION, level=Level.ORGANISATION)


def has_union_access(user) -> bool:
    return bool(user.is_authenticated and user.can_access_sensitive and union_areas(user))


def area_q(paths: list[str], field: str = "ou_path") -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def readable(user, queryset):
    """The records of a registry the user reads in lists (break-the-glass ones are not
    listed: they are opened one by one)."""
    if not has_union_access(user):
        return queryset.none()
    return queryset.filter(area_q(union_areas(user)))


def in_union_area(user, path: str) -> bool:
    return has_union_access(user) and any(path.startswith(a) for a in union_areas(user))


def active_grant(user, kind: str, record) -> BreakGlass | None:
    if not (user.is_authenticated and user.can_access_sensitive):
        return None
    return BreakGlass.objects.filter(
        user=user, kind=kind, record_id=record.pk, expires_at__gt=timezone.now()
    ).first()


def can_read(user, kind: str, record) -> bool:
    return in_union_area(user, record.ou_path) or active_grant(user, kind, record) is not None


def can_write(user, path: str) -> bool:
    return user.can_edit and in_union_area(user, path)


def get_readable_or_404(user, kind: str, model, **lookup):
    """The record, or 404 whether it is missing or not readable: nothing leaks."""
    record = model.objects.filter(**lookup).first()
    if record is None or not can_read(user, kind, record):
        raise Http404("No such record")
    return record


class BreakGlassRefused(Exception):
    code = "break_glass_refused"

    def __init__(self, message):
        self.message = message
        super().__init__(message)


def break_glass(user, kind: str, record, reason: str, hours: int = BREAK_GLASS_HOURS):
    """Open one record for a few hours for a named reason (audited; shown to its branch)."""
    reason = " ".join((reason or "").split())
    if not user.can_access_sensitive:
        raise BreakGlassRefused(_("Only users with the sensitive permission may do this."))
    if not path_in_scope(user, record.ou_path):
        raise BreakGlassRefused(_("This record is not in your area."))
    if len(reason) < 10:
        raise BreakGlassRefused(_("State the reason in a sentence (at least 10 characters)."))
    if not 1 <= hours <= BREAK_GLASS_MAX_HOURS:
        raise BreakGlassRefused(
            _("The access lasts from 1 to %(max)s hours.") % {"max": BREAK_GLASS_MAX_HOURS}
        )
    now = timezone.now()
    return BreakGlass.objects.create(
        user=user, kind=kind, record_id=record.pk, record_code=record.code,
        ou_path=record.branch_path, reason=reason[:300], granted_at=now,
        expires_at=now + datetime.timedelta(hours=hours),
    )  # fmt: skip


def grants_on(kind: str, record):
    return BreakGlass.objects.filter(kind=kind, record_id=record.pk).select_related("user")


def is_small_area(unit) -> bool:
    """A commune, a village, or a union unit attached to one."""
    if unit.level == Level.ORGANISATION and unit.parent_id:
        unit = unit.parent
    return unit.level in (Level.COMMUNE, Level.VILLAGE)


def shown_count(user, unit, value, sensitive: bool = True):
    """A figure as a user may see it: exact with access, hidden under 5 for a commune."""
    if not sensitive or has_union_access(user) or not is_small_area(unit):
        return value
    return value if value >= SMALL_COUNT else None
