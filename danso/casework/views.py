"""Pages of the union's registries: lists, records, forms, counts, break the glass, export."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danso.accounts.scope import get_visible_unit_or_404, home_unit

from . import access, counts, forms, services
from .models import (
    CRITERIA,
    Child,
    DVCase,
    HouseholdAssessment,
    Sponsor,
    Sponsorship,
    TrustedAddress,
)

# What each registry is: its model, form, title and the lines recorded under a record.
REGISTRIES = {
    "child": (Child, forms.ChildForm, _("Sponsored children")),
    "sponsor": (Sponsor, forms.SponsorForm, _("Sponsors")),
    "case": (DVCase, forms.CaseForm, _("Domestic-violence cases")),
    "address": (TrustedAddress, forms.AddressForm, _("Trusted addresses")),
    "household": (HouseholdAssessment, forms.AssessmentForm, _("“5 không 3 sạch” households")),
}
EXPORT_NAMES = {"child": "children", "sponsor": "sponsors", "case": "cases",
                "address": "addresses"}  # fmt: skip
LINES = {
    # kind of line: (parent model, parent kind for access, form, title)
    "sponsorship": (Child, "child", forms.SponsorshipForm, _("Add a sponsorship")),
    "support": (Sponsorship, "child", forms.SupportForm, _("Record support given")),
    "visit": (Sponsorship, "child", forms.VisitForm, _("Record a visit or review")),
    "closure": (Sponsorship, "child", forms.ClosureForm, _("Close the sponsorship")),
    "service": (DVCase, "case", forms.ServiceForm, _("Record a service")),
    "referral": (DVCase, "case", forms.ReferralForm, _("Record a referral")),
    "followup": (DVCase, "case", forms.FollowUpForm, _("Record a follow-up")),
    "case_closure": (DVCase, "case", forms.CaseClosureForm, _("Close the case")),
    "use": (TrustedAddress, "address", forms.AddressUseForm, _("Record a use")),
}
# The 5K3S assessments are not sensitive: union staff in the area read them without the
# permission; records of the other registries need it (access.readable).
PLAIN = {"household"}


def _require_access(user, kind):
    if kind not in REGISTRIES:
        from django.http import Http404

        raise Http404
    if kind in PLAIN:
        if not (access.union_areas(user)):
            raise PermissionDenied
    elif not access.has_union_access(user):
        raise PermissionDenied


def _require_kind(kind):
    if kind not in REGISTRIES:
        from django.http import Http404

        raise Http404


def _readable(user, kind, model):
    if kind in PLAIN:
        return model.objects.filter(access.area_q(access.union_areas(user)))
    return access.readable(user, model.objects.all())


def _record(user, kind, code):
    model = REGISTRIES[kind][0]
    if kind in PLAIN:
        _require_access(user, kind)
        return get_or_404(_readable(user, kind, model), code)
    access_kind = "case" if kind == "case" else "child" if kind == "child" else kind
    return access.get_readable_or_404(user, access_kind, model, code=code)


def get_or_404(queryset, code):
    from django.http import Http404

    found = queryset.filter(code=code).first()
    if found is None:
        raise Http404
    return found


@login_required
def home(request):
    """Counts of the registries for a unit and a span; records only with access."""
    user = request.user
    uid = request.GET.get("unit")
    unit = get_visible_unit_or_404(user, uid) if uid else (
        access.union_units(user).order_by("path").first() or home_unit(user))  # fmt: skip
    today = timezone.localdate()
    try:
        start = datetime.date.fromisoformat(request.GET.get("from") or f"{today.year}-01-01")
        end = datetime.date.fromisoformat(request.GET.get("to") or today.isoformat())
    except ValueError:
        start, end = datetime.date(today.year, 1, 1), today
        messages.error(request, _("Dates are written as yyyy-mm-dd."))
    figures = counts.figures(unit, start, end) if unit else {}
    sensitive = {"WU_DV_DETECTED", "WU_DV_SUPPORTED", "WU_ORPHANS_SPONSORED",
                 "WU_ORPHANS_COVID"}  # fmt: skip
    rows = []
    for code, label in COUNT_LABELS:
        shown = access.shown_count(user, unit, figures.get(code, 0), code in sensitive)
        rows.append((label, shown))
        if code == "WU_SPONSOR_FUNDS" and unit:
            cash, gifts = counts.mobilised(unit.path, start, end)
            rows += [(_("of which cash"), cash), (_("of which gifts (value)"), gifts)]
    detected, supported = figures.get("WU_DV_DETECTED", 0), figures.get("WU_DV_SUPPORTED", 0)
    share = None
    if detected and access.shown_count(user, unit, detected) is not None:
        share = round(supported * 1000 / detected) / 10
    return render(request, "casework/home.html", {
        "unit": unit, "start": start, "end": end, "rows": rows, "share": share,
        "has_access": access.has_union_access(user), "union_staff": bool(access.union_areas(user)),
        "registries": [(k, v[2]) for k, v in REGISTRIES.items()],
        "small": access.SMALL_COUNT,
    })  # fmt: skip


COUNT_LABELS = [
    ("WU_DV_DETECTED", _("Women and girls subjected to domestic violence, detected")),
    ("WU_DV_SUPPORTED", _("of whom supported with at least one service")),
    ("WU_TRUSTED_ADDRESSES", _("Trusted addresses set up or strengthened")),
    ("WU_ORPHANS_SPONSORED", _("Orphans taken under sponsorship")),
    ("WU_ORPHANS_COVID", _("of whom orphaned by COVID-19")),
    ("WU_SPONSOR_FUNDS", _("Amount mobilised (cash and gifts, đồng)")),
    ("WU_5K3S_HOUSEHOLDS", _("Households meeting “5 không 3 sạch”")),
]


@login_required
def record_list(request, kind):
    _require_access(request.user, kind)
    model, _form, title = REGISTRIES[kind]
    rows = _readable(request.user, kind, model).select_related("commune", "village")
    q = (request.GET.get("q") or "").strip()
    if q:
        rows = rows.filter(code__icontains=q)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "casework/list.html", {
        "kind": kind, "title": title, "page": page, "q": q,
        "can_edit": request.user.can_edit and bool(access.union_areas(request.user)),
        "export_name": EXPORT_NAMES.get(kind, ""),
    })  # fmt: skip


@login_required
def record_form(request, kind, code=None):
    _require_access(request.user, kind)
    model, form_class, title = REGISTRIES[kind]
    instance = _record(request.user, kind, code) if code else model()
    if code and not access.can_write(request.user, instance.ou_path):
        raise PermissionDenied
    if not code and not request.user.can_edit:
        raise PermissionDenied
    form = form_class(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        record = form.save()
        messages.success(request, _("Saved %(code)s.") % {"code": record.code})
        return redirect("casework_record", kind=kind, code=record.code)
    context = {"form": form, "title": title, "kind": kind, "record": instance if code else None}
    return render(request, "casework/form.html", context)


@login_required
def record_detail(request, kind, code):
    _require_kind(kind)
    record = _record(request.user, kind, code)
    grant = None if kind in PLAIN else access.active_grant(request.user, kind, record)
    context = {
        "kind": kind, "record": record, "title": REGISTRIES[kind][2], "grant": grant,
        "can_write": access.can_write(request.user, record.ou_path),
        "grants": access.grants_on(kind, record) if kind in ("child", "case") else [],
        "show_name": getattr(record, "naming", "named") == "named",
    }  # fmt: skip
    if kind == "household":
        context["criteria"] = [(c, label, record.criteria.get(c)) for c, label in CRITERIA]
    return render(request, f"casework/{kind}.html", context)


@login_required
def line_form(request, line, code):
    if line not in LINES:
        from django.http import Http404

        raise Http404
    parent_model, access_kind, form_class, title = LINES[line]
    if parent_model is Sponsorship:
        parent = Sponsorship.objects.filter(code=code).select_related("child").first()
        owner = parent.child if parent else None
    else:
        parent = parent_model.objects.filter(code=code).first()
        owner = parent
    if owner is None or not access.can_read(request.user, access_kind, owner):
        from django.http import Http404

        raise Http404
    if not access.can_write(request.user, owner.ou_path):
        raise PermissionDenied
    kwargs = {"user": request.user}
    if line == "sponsorship":
        kwargs["child"] = parent
    elif line in ("closure", "case_closure"):
        kwargs["instance"] = parent
    else:
        kwargs["parent"] = parent
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        back = "child" if access_kind == "child" else access_kind
        return redirect("casework_record", kind=back, code=owner.code)
    return render(request, "casework/form.html", {"form": form, "title": title, "kind": access_kind,
                                                  "record": owner})  # fmt: skip


@login_required
def break_glass(request):
    """Open one record outside the user's union area, for a named reason, for a few hours."""
    error = None
    if request.method == "POST":
        kind = request.POST.get("kind")
        code = (request.POST.get("code") or "").strip().upper()
        model = {"child": Child, "case": DVCase}.get(kind)
        record = model.objects.filter(code=code).first() if model else None
        try:
            hours = int(request.POST.get("hours") or access.BREAK_GLASS_HOURS)
        except ValueError:
            hours = 0
        if record is None:
            error = _("No record with this code in your area.")
        else:
            try:
                access.break_glass(request.user, kind, record, request.POST.get("reason"),
                                   hours)  # fmt: skip
            except access.BreakGlassRefused as refused:
                # The same answer as a missing code when the record lies outside the area.
                error = refused.message
            else:
                return redirect("casework_record", kind=kind, code=record.code)
    context = {"error": error, "hours": access.BREAK_GLASS_HOURS,
               "max": access.BREAK_GLASS_MAX_HOURS}  # fmt: skip
    return render(request, "casework/break_glass.html", context)


@login_required
@require_POST
def export(request, registry):
    if registry not in services.EXPORTS or not access.has_union_access(request.user):
        raise PermissionDenied
    with_names = request.POST.get("names") == "1"
    text, _n = services.export_csv(request.user, registry, with_names)
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    suffix = "co-ten" if with_names else "ma-hoa"
    response["Content-Disposition"] = f'attachment; filename="hlhpn-{registry}-{suffix}.csv"'
    return response


@login_required
@require_POST
def erase(request, kind, code):
    _require_kind(kind)
    record = _record(request.user, kind, code)
    try:
        services.erase(request.user, kind, record, request.POST.get("reason"))
    except access.BreakGlassRefused as refused:
        messages.error(request, refused.message)
        return redirect("casework_record", kind=kind, code=code)
    messages.success(request, _("Record %(code)s erased on request.") % {"code": code})
    return redirect("casework_list", kind=kind)


@login_required
def import_list(request, kind):
    """Upload an existing list (CSV or XLSX) into a registry: all or nothing."""
    from . import imports

    if kind not in imports.IMPORTS:
        raise Http404
    _require_access(request.user, kind)
    if not (request.user.can_edit and access.union_areas(request.user)):
        raise PermissionDenied
    if request.GET.get("template"):
        response = HttpResponse("\ufeff" + imports.TEMPLATES[kind],
                                content_type="text/csv; charset=utf-8")  # fmt: skip
        response["Content-Disposition"] = f'attachment; filename="mau-{kind}.csv"'
        return response
    result = None
    if request.method == "POST" and request.FILES.get("file"):
        upload = request.FILES["file"]
        result = imports.import_table(request.user, kind, upload.name, upload.read())
        if not result.errors:
            messages.success(request, _("%(n)s records imported.") % {"n": result.created})
            return redirect("casework_list", kind=kind)
    return render(request, "casework/import.html", {"kind": kind, "title": REGISTRIES[kind][2],
                                                    "result": result})  # fmt: skip
