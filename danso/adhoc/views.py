"""Pages of ad hoc data requests: the list (sent and received), creating one, a request with
its completeness and answers (the requester) or the link to answer it (a unit asked), and its
answers in Excel. Answering is the usual data-entry form of the request's data set."""

import io
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from danso.accounts.scope import home_unit, path_in_scope
from danso.programmes.models import CategoryCombo, DataElement, ValueType
from danso.statistics.periods import Period

from . import services
from .models import DataRequest

NEW_ROWS = 5  # blank rows for new figures on the creation form


def _request_or_404(user, code: str) -> DataRequest:
    return get_object_or_404(services.visible(user), code=code)


@login_required
def request_list(request):
    found = list(services.visible(request.user).order_by("-created_at")[:200])
    for r in found:
        r.period_label = Period.parse(r.period).label
        r.sent = services.is_requester(r, request.user)
    return render(request, "adhoc/list.html", {
        "requests": found, "may_request": services.may_request(request.user),
        "today": timezone.localdate(),
    })  # fmt: skip


def _typed_elements(post) -> list[dict]:
    items = [{"code": code} for code in post.getlist("existing") if code.strip()]
    for i in range(NEW_ROWS):
        name = post.get(f"name_{i}", "").strip()
        if name:
            items.append({
                "name": name, "unit": post.get(f"unit_{i}", ""),
                "value_type": post.get(f"value_type_{i}", ""),
                "category_combo": post.get(f"combo_{i}", CategoryCombo.DEFAULT),
            })  # fmt: skip
    return items


def _units_asked(post, home) -> list[str]:
    """Chosen units (uids), or the communes of a group, or a level below the requester's
    unit, in the analysis's syntax."""
    mode = post.get("units_mode", "uids")
    level = post.get("level") or "LEVEL-commune"
    if mode == "level":
        return [home.uid, level]
    if mode == "group":
        return [home.uid, f"OU_GROUP-{post.get('group', '')}", level]
    return [u for u in post.get("uids", "").replace(",", " ").split() if u]


@login_required
def request_create(request):
    if not services.may_request(request.user):
        raise PermissionDenied
    from danso.orgunits.models import OrgUnitGroup

    home = home_unit(request.user)
    problems, values = [], {}
    if request.method == "POST":
        values = request.POST
        try:
            created = services.create(
                request.user, title=values.get("title", ""), note=values.get("note", ""),
                period=values.get("period", ""), deadline=values.get("deadline", ""),
                units=_units_asked(values, home), elements=_typed_elements(values),
            )  # fmt: skip
        except services.RequestError as err:
            problems = err.problems
            messages.error(request, _("The request was not sent: correct what is marked."))
        else:
            messages.success(request, _("Request %(code)s sent to %(n)s units.") % {
                "code": created.code, "n": created.data_set.units.count()})  # fmt: skip
            return redirect("adhoc_detail", code=created.code)
    elements = DataElement.objects.exclude(value_type=ValueType.PERCENTAGE).order_by("code")
    if not request.user.can_access_sensitive:
        elements = elements.filter(sensitive=False)
    elements = [e for e in elements if not e.code.startswith("YC")]
    return render(request, "adhoc/create.html", {
        "home": home, "problems": problems, "values": values,
        "elements": elements, "combos": CategoryCombo.objects.order_by("code"),
        "value_types": ValueType.choices, "groups": OrgUnitGroup.objects.order_by("name"),
        "new_rows": range(NEW_ROWS), "chosen": values.getlist("existing") if values else [],
    }, status=400 if problems else 200)  # fmt: skip


@login_required
def request_detail(request, code):
    found = _request_or_404(request.user, code)
    user = request.user
    units = services.asked_units(found, user)
    if not units and not services.is_requester(found, user):
        raise Http404
    completeness = services.completeness(found, user)
    for row in completeness["rows"]:
        row["url"] = found.data_set.entry_url(row["unit"].uid, found.period)
    query = services.analysis_query(found, units)
    builder = {**query, "ou": services.builder_ou(found, units)}
    context = {
        "req": found,
        "period": Period.parse(found.period),
        "elements": [e for _s, e in services.entry.elements_of(found.data_set)],
        "completeness": completeness,
        "answers": services.answers(found, user),
        "requester": services.is_requester(found, user),
        "builder_url": f"{reverse('analysis')}?{urlencode(builder)}",
        "xlsx_url": f"{reverse('adhoc_xlsx', args=[found.code])}",
        "analytics_xlsx": f"{reverse('api:analytics')}?"
        + urlencode({**query, "format": "xlsx", "rows": "ou", "columns": "dx"}),
        "today": timezone.localdate(),
    }
    return render(request, "adhoc/detail.html", context)


@login_required
def request_xlsx(request, code):
    """The answers as a sheet: one row per unit asked, one column per cell, the totals."""
    from openpyxl import Workbook

    found = _request_or_404(request.user, code)
    if not path_in_scope(request.user, found.ou_path) and not services.asked_units(
        found, request.user
    ):
        raise Http404
    data = services.answers(found, request.user)
    states = {r["unit"].pk: r for r in services.completeness(found, request.user)["rows"]}
    book = Workbook()
    sheet = book.active
    sheet.title = found.code
    sheet.append([f"{found.code} – {found.title}"])
    sheet.append([_("Period"), Period.parse(found.period).label, _("Deadline"),
                  found.deadline.strftime("%d/%m/%Y")])  # fmt: skip
    header = [_("Code"), _("Unit"), _("Status")]
    for element, coc in data["columns"]:
        label = element.name if coc.combo.code == CategoryCombo.DEFAULT else (
            f"{element.name} ({coc.name})")  # fmt: skip
        header.append(label)
    sheet.append(header)
    for row in data["rows"]:
        state = states[row["unit"].pk]["state"]
        sheet.append([row["unit"].uid, row["unit"].name, str(STATE_LABELS().get(state, state)),
                      *[None if v is None else float(v) for v in row["values"]]])  # fmt: skip
    sheet.append(["", _("Total"), "", *[None if v is None else float(v) for v in data["totals"]]])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{found.code}.xlsx"'
    return response


def STATE_LABELS():  # noqa: N802 (translated when called)
    return {"submitted": _("Submitted"), "approved": _("Approved"), "late": _("late"),
            "returned": _("Returned"), "missing": _("missing"),
            "not_yet": _("to submit")}  # fmt: skip
