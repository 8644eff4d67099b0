"""The table and chart builder (/phan-tich/): figures × units × periods chosen on the page, the
pivot table and the chart drawn from GET /api/v1/analytics, and saved analyses ("báo cáo đã
lưu"), private or shared, pinned to dashboards."""

from urllib.parse import parse_qs, urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from danso.orgunits.models import Level, OrgUnit, OrgUnitGroup, OrgUnitGroupSet

from .errors import AnalysisError
from .figures import catalogue
from .models import SavedAnalysis
from .periods import RELATIVE
from .query import run
from .units import user_units

RELATIVE_LABELS = {
    "LAST_4_QUARTERS": gettext_lazy("Last 4 quarters"),
    "LAST_8_QUARTERS": gettext_lazy("Last 8 quarters"),
    "QUARTERS_THIS_YEAR": gettext_lazy("Quarters of this year"),
    "THIS_YEAR": gettext_lazy("This year"),
    "LAST_YEAR": gettext_lazy("Last year"),
    "LAST_5_YEARS": gettext_lazy("Last 5 years"),
    "LAST_12_MONTHS": gettext_lazy("Last 12 months"),
    "MONTHS_THIS_YEAR": gettext_lazy("Months of this year"),
    "LAST_2_SIXMONTHS": gettext_lazy("Last 2 half-years"),
    "LAST_QUARTER": gettext_lazy("Last quarter"),
    "LAST_MONTH": gettext_lazy("Last month"),
}
LEVELS = [
    ("", gettext_lazy("The unit itself")),
    ("LEVEL-2", gettext_lazy("Its provinces")),
    ("LEVEL-3", gettext_lazy("Its communes (districts in the old map)")),
    ("LEVEL-4", gettext_lazy("Its villages (communes in the old map)")),
]
assert set(RELATIVE_LABELS) <= set(RELATIVE)


class SaveForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    description = forms.CharField(label=gettext_lazy("Description"), required=False)
    shared = forms.BooleanField(label=gettext_lazy("Share with every user"), required=False)
    pin = forms.BooleanField(label=gettext_lazy("Pin to my dashboard"), required=False)
    query = forms.CharField(widget=forms.HiddenInput)
    rows = forms.CharField(widget=forms.HiddenInput, required=False)
    columns = forms.CharField(widget=forms.HiddenInput, required=False)
    chart = forms.ChoiceField(choices=SavedAnalysis.Chart.choices, widget=forms.HiddenInput)


def visible_saved(user):
    return SavedAnalysis.objects.filter(Q(owner=user) | Q(shared=True))


def _unit_choices(user) -> list[tuple[str, str]]:
    """The user's own units, then the units right below them (a province's communes)."""
    own = user_units(user)
    below = OrgUnit.objects.filter(parent__in=own).exclude(
        level__in=[Level.ORGANISATION, Level.VILLAGE]
    )
    return [(u.uid, u.name) for u in own] + [
        (u.uid, f"— {u.name}") for u in below.order_by("path")[:500]
    ]


def state_of(saved: SavedAnalysis) -> dict:
    return {"query": saved.query, "rows": saved.rows, "columns": saved.columns,
            "chart": saved.chart, "name": saved.name, "id": saved.pk}  # fmt: skip


@login_required
def builder(request):
    saved = None
    if pk := request.GET.get("luu"):
        saved = get_object_or_404(visible_saved(request.user), pk=pk)
    state = state_of(saved) if saved else {}
    if not saved and request.GET.get("ou"):  # e.g. from the groups page: ou=OU_GROUP-DTTS
        # … or an ad hoc data request's page: dx, pe and ou
        given = {k: request.GET[k] for k in ("dx", "pe", "ou") if request.GET.get(k)}
        state = {"query": urlencode(given, safe=";-")}
    return render(request, "analysis/builder.html", {
        "catalogue": catalogue(request.user), "units": _unit_choices(request.user),
        "levels": LEVELS, "groups": OrgUnitGroup.objects.order_by("name"),
        "group_sets": OrgUnitGroupSet.objects.order_by("name"),
        "relative": list(RELATIVE_LABELS.items()), "charts": SavedAnalysis.Chart.choices,
        "state": state, "saved": saved,
        "form": SaveForm(initial={"name": saved.name if saved else ""}),
    })  # fmt: skip


def check_query(user, query: str) -> None:
    """Runs the query as the user would (raises AnalysisError): nothing that cannot be
    answered is saved."""
    params = parse_qs(query)
    shortcuts = {axis: params.get(axis, [""])[0] for axis in ("dx", "pe", "ou")}
    previous_year = params.get("previousYear", ["false"])[0] == "true"
    run(user, params.get("dimension", []), params.get("filter", []), shortcuts,
        previous_year=previous_year)  # fmt: skip


@login_required
@require_POST
def save(request):
    form = SaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the analysis a name before saving it."))
        return redirect("analysis")
    data = form.cleaned_data
    try:
        check_query(request.user, data["query"])
    except AnalysisError as err:
        messages.error(request, _("Not saved: %(reason)s") % {"reason": err.message})
        return redirect("analysis")
    saved = SavedAnalysis.objects.create(
        name=data["name"], description=data["description"], query=data["query"],
        rows=data["rows"], columns=data["columns"], chart=data["chart"], owner=request.user,
        shared=data["shared"],
    )  # fmt: skip
    if data["pin"]:
        saved.pinned_by.add(request.user)
    messages.success(request, _("Saved “%(name)s”.") % {"name": saved.name})
    return redirect(f"{reverse('analysis')}?luu={saved.pk}")


@login_required
def saved_list(request):
    chosen = visible_saved(request.user).select_related("owner").order_by("name")
    pinned = set(request.user.pinned_analyses.values_list("pk", flat=True))
    return render(request, "analysis/saved.html", {"saved": chosen, "pinned": pinned})


@login_required
def saved_open(request, pk):
    get_object_or_404(visible_saved(request.user), pk=pk)
    return redirect(f"{reverse('analysis')}?luu={pk}")


@login_required
@require_POST
def pin(request, pk):
    saved = get_object_or_404(visible_saved(request.user), pk=pk)
    if saved.pinned_by.filter(pk=request.user.pk).exists():
        saved.pinned_by.remove(request.user)
        messages.success(request, _("Unpinned “%(name)s”.") % {"name": saved.name})
    else:
        saved.pinned_by.add(request.user)
        messages.success(request, _("Pinned “%(name)s” to your dashboard.") % {"name": saved.name})
    return redirect(request.POST.get("next") or "analysis_saved")


@login_required
@require_POST
def delete(request, pk):
    saved = get_object_or_404(visible_saved(request.user), pk=pk)
    if saved.owner_id != request.user.pk:
        raise PermissionDenied
    saved.delete()
    messages.success(request, _("Deleted “%(name)s”.") % {"name": saved.name})
    return redirect("analysis_saved")


def pinned_for(user) -> list[dict]:
    """The analyses pinned to the user's dashboard, as the page's script draws them."""
    if not user.is_authenticated:
        raise Http404
    chosen = visible_saved(user).filter(pinned_by=user).order_by("name")
    return [state_of(s) for s in chosen]
