"""Org-unit endpoints: the tree, search, crosswalk, and creating villages and organisations."""

from django.db import transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from danso.accounts.scope import get_visible_unit_or_404, path_in_scope, visible_units
from danso.limits import text
from danso.orgunits.models import Level, OrgUnit, UnitSuccession
from danso.orgunits.services import UnitError, create_organisation, create_village

from .schemas import ErrorOut, OrgUnitOut, SuccessionOut, UnitIn

router = Router(tags=["org units"])
# A search longer than any name cannot match.
UnitSearch = text(OrgUnit, "name")


def _units(request):
    return visible_units(request.auth).select_related("legacy_commune")


@router.get("/orgunits", response=list[OrgUnitOut])
@paginate
def list_units(
    request,
    parent: str | None = None,
    level: Level | None = None,
    q: UnitSearch | None = Query(None, description="name (with or without diacritics) or code"),
    current_on: str | None = Query(None, description="only units valid on this ISO date"),
):
    """Units in the caller's scope. Without filters: the units the caller holds."""
    units = _units(request)
    if q:
        units = units.search(q)
    if parent:
        units = units.filter(parent=get_visible_unit_or_404(request.auth, parent))
    if level:
        units = units.filter(level=level)
    if current_on:
        units = units.current(_iso_date(current_on))
    if not (q or parent or level or current_on):
        units = units.filter(pk__in=request.auth.org_units.values("pk"))
    return units.order_by("path")


def _iso_date(value: str):
    from datetime import date

    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise HttpError(422, _("current_on must be an ISO 8601 date (YYYY-MM-DD)")) from exc


@router.get("/orgunits/{uid}", response=OrgUnitOut)
def get_unit(request, uid: str):
    return get_visible_unit_or_404(request.auth, uid)


@router.get("/orgunits/{uid}/children", response=list[OrgUnitOut])
@paginate
def list_children(request, uid: str):
    unit = get_visible_unit_or_404(request.auth, uid)
    return _units(request).filter(parent=unit).order_by("path")


@router.get("/orgunits/{uid}/successors", response=list[SuccessionOut])
def list_successors(request, uid: str):
    """Where a pre-2025 unit went on 1 July 2025 (only successors in the caller's scope)."""
    unit = get_visible_unit_or_404(request.auth, uid)
    visible = visible_units(request.auth)
    return UnitSuccession.objects.filter(old=unit, new__in=visible).select_related("old", "new")


@router.get("/orgunits/{uid}/predecessors", response=list[SuccessionOut])
def list_predecessors(request, uid: str):
    """The pre-2025 units a current unit was formed from."""
    unit = get_visible_unit_or_404(request.auth, uid)
    return UnitSuccession.objects.filter(new=unit).select_related("old", "new")


def _create(request, uid: str, make, **fields):
    """Create a child unit with `make` (a service function), as the caller, in scope."""
    parent = get_visible_unit_or_404(request.auth, uid)
    user = request.auth
    if not (user.can_manage_units and path_in_scope(user, parent.path)):
        raise HttpError(403, _("You may not add units here"))
    try:
        return Status(201, make(parent, user=user, **fields))
    except UnitError as err:
        return Status(422, {"detail": err.message, "errors": [err.as_dict()]})


@router.post("/orgunits/{uid}/villages", response={201: OrgUnitOut, 422: ErrorOut})
def create_village_endpoint(request, uid: str, payload: UnitIn):
    """Create a village or residential group under a current commune."""
    return _create(request, uid, create_village, **payload.dict(exclude={"address"}))


@router.post("/orgunits/{uid}/organisations", response={201: OrgUnitOut, 422: ErrorOut})
def create_organisation_endpoint(request, uid: str, payload: UnitIn):
    """Attach a health facility, industrial zone, enterprise or association to a unit."""
    return _create(request, uid, create_organisation, **payload.dict(exclude={"legacy_commune"}))


@router.delete("/orgunits/{uid}", response={204: None, 403: ErrorOut, 409: ErrorOut})
def delete_unit(request, uid: str):
    """Delete a village or organisation that nothing refers to yet."""
    unit = get_visible_unit_or_404(request.auth, uid)
    if unit.level not in (Level.VILLAGE, Level.ORGANISATION):
        raise HttpError(403, _("Administrative units come from the official list"))
    if not (request.auth.can_manage_units and path_in_scope(request.auth, unit.parent.path)):
        raise HttpError(403, _("You may not delete this unit"))
    if OrgUnit.objects.filter(Q(parent=unit) | Q(legacy_commune=unit)).exists():
        detail = _("The unit still has units below it.")
        return Status(409, {"detail": detail, "code": "has_children", "errors": []})
    try:
        with transaction.atomic():
            get_object_or_404(OrgUnit, pk=unit.pk).delete()
    except (ProtectedError, RestrictedError):
        # Households, persons, activities or figures still refer to it: they must go first.
        detail = _("Records still refer to this unit (households, activities, figures).")
        return Status(409, {"detail": detail, "code": "in_use", "errors": []})
    return Status(204, None)
