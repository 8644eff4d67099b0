"""Server-rendered pages. Views stay thin: scope checks come from accounts.scope, writes from
orgunits.services."""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from danso.accounts.models import AccessToken
from danso.accounts.scope import (
    get_visible_unit_or_404,
    home_unit,
    path_in_scope,
    require_unit_editor,
    visible_units,
)
from danso.audit.queries import entries_for
from danso.audit.sensitivity import Redactor
from danso.orgunits.models import Level, OrgUnit, UnitSuccession
from danso.orgunits.services import (
    VILLAGE_CSV_TEMPLATE,
    UnitError,
    create_organisation,
    create_village,
    import_villages,
    legacy_communes_for,
)

from .forms import AuditFilterForm, OrganisationForm, TokenForm, VillageForm, VillageImportForm


@login_required
def home(request):
    unit = home_unit(request.user)
    if unit is None:
        return render(request, "web/no_unit.html")
    from .home import home_page

    return home_page(request, unit)


@login_required
def unit_detail(request, uid):
    return _unit_page(request, get_visible_unit_or_404(request.user, uid))


def _unit_page(request, unit: OrgUnit, is_home=False):
    user = request.user
    children = visible_units(user, unit.children.all()).select_related("legacy_commune")
    child_counts = dict(
        children.values_list("level").annotate(n=Count("pk")).values_list("level", "n")
    )
    context = {
        "unit": unit,
        "is_home": is_home,
        "breadcrumb": unit.ancestors(),  # those the user cannot open as plain text
        "admin_children": children.exclude(level__in=[Level.VILLAGE, Level.ORGANISATION]),
        "villages": children.filter(level=Level.VILLAGE),
        "organisations": children.filter(level=Level.ORGANISATION),
        "child_counts": child_counts,
        "predecessors": UnitSuccession.objects.filter(new=unit).select_related("old"),
        "successors": UnitSuccession.objects.filter(
            old=unit, new__in=visible_units(user)
        ).select_related("new"),
        "can_edit": user.can_manage_units and path_in_scope(user, unit.path),
        "other_units": user.org_units.exclude(pk=unit.pk).order_by("path"),
    }
    return render(request, "web/unit.html", context)


@login_required
def search(request):
    query = request.GET.get("q", "").strip()
    results = visible_units(request.user).search(query).select_related("parent")[:50]
    template = (
        "web/_search_results.html" if request.headers.get("HX-Request") else ("web/search.html")
    )
    return render(request, template, {"query": query, "results": results})


def _editable_unit(request, uid) -> OrgUnit:
    unit = get_visible_unit_or_404(request.user, uid)
    require_unit_editor(request.user, unit)
    return unit


@login_required
def village_create(request, uid):
    commune = _editable_unit(request, uid)
    if commune.level != Level.COMMUNE or commune.is_legacy:
        raise PermissionDenied
    legacy_choices = [(o.code, f"{o.name} ({o.code})") for o in legacy_communes_for(commune)]
    form = VillageForm(request.POST or None, legacy_choices=legacy_choices)
    title = _("Add a village / residential group")
    return _child_form(request, commune, form, create_village, title)


def _child_form(request, parent: OrgUnit, form, make, title: str):
    """Show `form`; on a valid POST create the child with `make` or show its error."""
    if request.method == "POST" and form.is_valid():
        try:
            child = make(parent, user=request.user, **form.cleaned_data)
        except UnitError as err:
            form.add_error(err.field if err.field in form.fields else None, err.message)
        else:
            messages.success(request, _("Created %(name)s.") % {"name": child.name})
            return redirect("unit", uid=parent.uid)
    return render(request, "web/unit_form.html", {"unit": parent, "form": form, "title": title})


@login_required
def village_import(request, uid):
    commune = _editable_unit(request, uid)
    if commune.level != Level.COMMUNE or commune.is_legacy:
        raise PermissionDenied
    form = VillageImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        result = import_villages(commune, form.cleaned_data["file"].read(), user=request.user)
        if not result.errors:
            n = len(result.created)
            messages.success(
                request,
                ngettext("Imported %(n)s village.", "Imported %(n)s villages.", n) % {"n": n},
            )
            return redirect("unit", uid=commune.uid)
        errors = result.errors
    return render(
        request, "web/village_import.html", {"unit": commune, "form": form, "errors": errors}
    )


@login_required
def village_template(request, uid):
    get_visible_unit_or_404(request.user, uid)
    response = HttpResponse(VILLAGE_CSV_TEMPLATE, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mau-thon-to-dan-pho.csv"'
    return response


@login_required
def organisation_create(request, uid):
    parent = _editable_unit(request, uid)
    form = OrganisationForm(request.POST or None)
    return _child_form(request, parent, form, create_organisation, _("Add an organisation"))


@login_required
def audit_log(request):
    if not request.user.is_administrator:
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        if data["user"]:
            filters["actor"] = get_user_model().objects.filter(username=data["user"]).first()
            if filters["actor"] is None:
                form.add_error("user", _("No such user."))
        if data["unit"]:
            found = visible_units(request.user).filter(uid=data["unit"]).first() or (
                visible_units(request.user).filter(code=data["unit"]).first()
            )
            if found is None:
                form.add_error("unit", _("No such unit in your scope."))
            filters["unit"] = found
        filters["date_from"], filters["date_to"] = data["date_from"], data["date_to"]
    entries = entries_for(request.user, **filters) if not form.errors else []
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    redactor = Redactor(request.user)
    for entry in page:
        entry.redacted = redactor.hides(entry)
    return render(request, "audit/log.html", {"form": form, "page": page})


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        expires = form.cleaned_data["expires_at"]
        expires_at = (
            timezone.make_aware(datetime.datetime.combine(expires, datetime.time.max))
            if expires
            else None
        )
        _, new_token = AccessToken.issue(request.user, form.cleaned_data["name"], expires_at)
        form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": request.user.access_tokens.filter(revoked_at__isnull=True),
        },
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = request.user.access_tokens.filter(pk=pk, revoked_at__isnull=True).first()
    if token is None:
        raise PermissionDenied
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    messages.success(request, _("Token revoked."))
    return redirect("tokens")
