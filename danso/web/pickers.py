"""Pickers instead of codes: a unit found by typing its name (both maps, the user's own units
first) and a period chosen in words ("Quý 3/2026"). Codes stay in the URLs and the API: the
pickers fill the same `dv` and `ky` parameters the pages always read."""

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from danso.accounts.scope import visible_units
from danso.orgunits.models import Level, OrgUnit
from danso.statistics.periods import Period

FIRST_YEAR = 2020  # the pickers offer periods from here; older ones can still be typed in URLs
KINDS = ("month", "quarter", "half", "year")
RESULTS = 20


def kind_label(kind: str) -> str:
    return {"month": _("Months"), "quarter": _("Quarters"), "half": _("Half-years"),
            "year": _("Years")}[kind]  # fmt: skip


def period_choices(kinds=KINDS, today: datetime.date | None = None, first_year=FIRST_YEAR):
    """[(kind, label, [Period, …])]: every period of each kind from `first_year` up to the one
    holding today, the latest first."""
    today = today or timezone.localdate()
    groups = []
    for kind in KINDS:
        if kind not in kinds:
            continue
        periods, period = [], Period.containing(kind, today)
        while period.start.year >= first_year:
            periods.append(period)
            period = period.previous()
        groups.append((kind, kind_label(kind), periods))
    return groups


def _row(unit: OrgUnit, held: set[int]) -> dict:
    parent = unit.parent
    return {
        "uid": unit.uid, "name": unit.name, "code": unit.code, "level": unit.level,
        "parent": (parent.short_name or parent.name) if parent else "",
        "legacy": unit.is_legacy, "own": unit.pk in held,
    }  # fmt: skip


def picker_units(user, query: str) -> list[dict]:
    """Units for the picker: with no query the user's own units and those right below them;
    with one, the matches in the user's scope (both maps), the user's own units first, then the
    higher levels (a province before its communes)."""
    held = set(user.org_units.values_list("pk", flat=True))
    units = visible_units(user).select_related("parent")
    if not query.strip():
        own = list(units.filter(pk__in=held).order_by("path"))
        below = units.filter(parent__in=own).exclude(level=Level.ORGANISATION)
        below = sorted(below.order_by("code")[:200], key=lambda u: u.is_legacy)
        found = own + below[: RESULTS - len(own)]
    else:
        found = list(units.search(query)[:200])
        depth = {u.pk: u.path.count("/") for u in found}
        found.sort(key=lambda u: (u.pk not in held, u.is_legacy, depth[u.pk], u.name))
    return [_row(u, held) for u in found[:RESULTS]]


@login_required
def unit_choices(request):
    """GET /don-vi/chon/?q=…: JSON for the unit picker."""
    return JsonResponse({"results": picker_units(request.user, request.GET.get("q", ""))})


def unit_label(user, uid: str) -> str:
    """The name the picker shows for a uid already chosen (empty when not visible)."""
    unit = visible_units(user).filter(uid=uid).first() if uid else None
    return unit.name if unit else ""


def _current_communes():
    from django.db.models import Q

    from danso.orgunits.models import REFORM_DATE

    communes = OrgUnit.objects.filter(level=Level.COMMUNE).select_related("parent")
    return communes.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=REFORM_DATE))


def picker_communes(user, query: str) -> list[dict]:
    """Current communes anywhere in the country for a move's origin or destination (a move
    leaves the user's area by definition; a commune's name is no one's data): with no query
    the communes of the user's province, their own first; with one, the matches by name
    (with or without diacritics), code or identifier."""
    from danso.accounts.scope import home_unit

    held = set(user.org_units.values_list("pk", flat=True))
    communes = _current_communes()
    home = home_unit(user)
    own_paths = [u.path for u in user.org_units.all()]
    if query.strip():
        found = list(communes.search(query)[:200])
    else:
        parts = home.path.strip("/").split("/") if home else []
        found = list(communes.filter(path__startswith=f"/{'/'.join(parts[:2])}/")[:200]) if (
            len(parts) >= 2) else []  # fmt: skip
    mine = {u.pk for u in found if any(p.startswith(u.path) for p in own_paths)}
    found.sort(key=lambda u: (u.pk not in mine, u.name))
    return [_row(u, held | mine) for u in found[:RESULTS]]


@login_required
def commune_choices(request):
    """GET /don-vi/chon-xa/?q=…: JSON of current communes for the commune picker."""
    return JsonResponse({"results": picker_communes(request.user, request.GET.get("q", ""))})


class CommunePicker(forms.TextInput):
    """A commune's identifier typed, or, with pickers.js, found by its name: the field still
    posts the identifier (C24211); the name of the one chosen is shown."""

    template_name = "web/_commune_picker_widget.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        unit = _current_communes().filter(uid=value).first() if value else None
        context["widget"]["unit_name"] = unit.name if unit else ""
        return context
