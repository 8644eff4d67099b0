"""What a user may see: the subtrees of the org units they hold.

Every view and API endpoint asks this module, so the rule is written once:
- a superuser sees the whole tree, whether they hold units or not;
- a current or village unit is in scope if it lies in the subtree of one of the user's units;
- a pre-2025 unit is in scope if it lies in such a subtree (a district officer kept for
  history holds a legacy unit), or if it has successors and all of them are in scope, i.e. the
  old unit lies wholly inside the user's area. An old commune split between the user's commune
  and another is not shown whole; its history reaches the user through the villages.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from danso.orgunits.models import ROOT_UID, Level, OrgUnit, UnitSuccession


def scope_paths(user) -> list[str]:
    if not user.is_authenticated or not user.is_active:
        return []
    cache = getattr(user, "_scope_paths", None)
    if cache is None and user.is_superuser:
        cache = user._scope_paths = [f"/{ROOT_UID}/"]  # the whole tree, with or without units
    if cache is None:
        paths = sorted(user.org_units.values_list("path", flat=True))
        # Drop paths already covered by a shorter one, so queries stay small.
        cache = [p for i, p in enumerate(paths) if not any(p.startswith(q) for q in paths[:i])]
        user._scope_paths = cache
    return cache


def path_q(paths: list[str], field: str = "path") -> Q:
    """Q matching rows whose `field` lies under any of the paths (nothing if none)."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def visible_units(user, queryset=None):
    return units_within(scope_paths(user), queryset)


def units_within(paths: list[str], queryset=None):
    """Units under the paths, and pre-2025 units lying wholly inside them."""
    queryset = OrgUnit.objects.all() if queryset is None else queryset
    if not paths:
        return queryset.none()
    links = UnitSuccession.objects.filter(old=OuterRef("pk"))
    inside = links.filter(path_q(paths, "new__path"))
    outside = links.exclude(path_q(paths, "new__path"))
    return queryset.filter(path_q(paths) | (Exists(inside) & ~Exists(outside)))


def get_visible_unit_or_404(user, uid: str) -> OrgUnit:
    """The unit, or 404 whether it does not exist or lies outside the user's scope: an outsider
    learns nothing about units they may not see."""
    unit = visible_units(user).filter(uid=uid).select_related("parent").first()
    if unit is None:
        raise Http404("No such org unit in your scope")
    return unit


def reachable_places(user, organiser: OrgUnit):
    """Where an activity organised by `organiser` may take place: the user's scope and, for an
    organisation (an association, a health station), the administrative area it belongs to,
    since its mobile trips and sessions reach the communes around it."""
    paths = list(scope_paths(user))
    if organiser.level == Level.ORGANISATION and organiser.parent_id:
        paths.append(organiser.path.removesuffix(f"{organiser.uid}/"))
    return units_within(paths)


def path_in_scope(user, path: str) -> bool:
    return any(path.startswith(p) for p in scope_paths(user))


def can_open(user, unit: OrgUnit) -> bool:
    """Whether the unit's page opens for the user (what get_visible_unit_or_404 lets through).
    Pages show units the user cannot open (the parents of their unit, a village's old commune)
    as plain text, never as a link to a 404."""
    if path_in_scope(user, unit.path):
        return True
    return unit.is_legacy and visible_units(user).filter(pk=unit.pk).exists()


def is_national_administrator(user) -> bool:
    """Administrators whose scope is the whole country: they keep national lists (public
    holidays, data elements and data sets)."""
    administrator = getattr(user, "is_administrator", False)  # anonymous on the login page
    return administrator and (user.is_superuser or path_in_scope(user, f"/{ROOT_UID}/"))


def require_unit_editor(user, unit: OrgUnit) -> None:
    """Writes need an editing role and the unit inside the user's own subtree."""
    if not (user.can_manage_units and path_in_scope(user, unit.path)):
        raise PermissionDenied("You may not change this org unit")


def home_unit(user) -> OrgUnit | None:
    """The first unit the user holds; the root for a superuser who holds none."""
    unit = user.org_units.order_by("path").first()
    if unit is None and user.is_superuser:
        unit = OrgUnit.objects.filter(uid=ROOT_UID).first()
    return unit


def scoped(user, queryset, field: str = "ou_path"):
    """Rows of a village-keyed table (households, persons, events, slips) in the user's scope."""
    paths = scope_paths(user)
    return queryset.filter(path_q(paths, field)) if paths else queryset.none()


def in_commune_of(village: OrgUnit, queryset):
    """Rows of a village-keyed table (households, persons) in the commune of `village`.

    Wider than a collaborator's scope on purpose, and only for what a change in `village` may
    name in another village of the same commune: the spouse, or the household someone moves
    to. The caller has already checked that the user reaches `village`; never wider than the
    commune.
    """
    return queryset.filter(village__parent_id=village.parent_id)


def can_review(user, path: str) -> bool:
    """Commune officers and above accept or send back slips of villages in their subtree."""
    from .models import Role

    reviewing = {Role.ADMIN, Role.CENTRAL, Role.PROVINCE, Role.COMMUNE}
    return user.is_active and user.role in reviewing and path_in_scope(user, path)


def can_record(user, path: str) -> bool:
    """Collaborators and officers record changes in villages of their subtree."""
    return user.can_edit and path_in_scope(user, path)


def can_submit_report(user, unit) -> bool:
    """Officers submit the reports of the units they hold (a commune's, a province's)."""
    return can_review(user, unit.path)


def can_approve_report(user, unit) -> bool:
    """The level above approves: an officer whose scope covers the unit's parent."""
    from .models import Role

    approving = {Role.ADMIN, Role.CENTRAL, Role.PROVINCE}
    return (
        user.is_active
        and user.role in approving
        and unit.parent_id is not None
        and path_in_scope(user, unit.parent.path)
    )


def can_set_plan(user, unit) -> bool:
    """Officers set a unit's plan targets when their scope covers it: the unit's own officers
    or those of a level above (who also allocate to the units below)."""
    from .models import Role

    planning = {Role.ADMIN, Role.CENTRAL, Role.PROVINCE, Role.COMMUNE}
    return user.is_active and user.role in planning and path_in_scope(user, unit.path)
