"""Home pages by role, built around the day's work: what is waiting, what is due and by when,
what lags. Each item links to the page where the work is done; the unit's record card stays at
/don-vi/<uid>/.

Everything here is read in a few grouped queries, whatever the number of units below: a
province of 100+ communes gets counts and the few units that need attention, not a list of
every commune."""

import datetime
from collections import Counter
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from danso.accounts.models import Role
from danso.accounts.scope import can_approve_report, scoped
from danso.orgunits.models import Level, OrgUnit
from danso.register.models import Household, Person, Slip
from danso.register.queries import missing_slips
from danso.statistics import cycle
from danso.statistics.compute import child_columns
from danso.statistics.forms import FORMS
from danso.statistics.models import Submission
from danso.statistics.periods import Period

# The forms each level submits (forms.py says which level in its notes; this is the same).
COMMUNE_FORMS = ("01-DSX", "02-DSX", "03-DSX")
UPPER_FORMS = ("01-DSH",)
UPPER_ROLES = {Role.ADMIN, Role.CENTRAL, Role.PROVINCE, Role.VIEWER}
LAGGING_SHOWN = 8  # units behind on targets listed by name; the rest behind a link


def current_children(unit: OrgUnit) -> list[OrgUnit]:
    """The units below that report now (the nation's 34 provinces, not the 63 before 2025)."""
    if unit.level == Level.VILLAGE:
        return []
    return [c for c in child_columns(unit) if not c.is_legacy or unit.is_legacy]


def report_url(form_code: str, uid: str, period_id: str) -> str:
    return f"{reverse('report')}?{urlencode({'bieu': form_code, 'dv': uid, 'ky': period_id})}"


def completeness_url(form_code: str, uid: str, period_id: str) -> str:
    query = urlencode({"bieu": form_code, "dv": uid, "ky": period_id})
    return f"{reverse('report_completeness')}?{query}"


def last_ended(kind: str, today: datetime.date) -> Period:
    """The latest period of a kind that has ended: the one being reported now."""
    return Period.containing(kind, today).previous()


def _state(submission: Submission | None, due: datetime.date, today: datetime.date) -> str:
    """What the home page says of a unit's report: the same states as the completeness page."""
    if submission is None:
        return "missing" if today > due else "not_yet"
    return "late" if submission.is_late and submission.status != "approved" else submission.status


def reports_due(unit: OrgUnit, form_codes, today: datetime.date) -> list[dict]:
    """For each form the unit submits: the period being reported, its deadline, the latest
    submission and a link to the report page."""
    rows = []
    for code in form_codes:
        form = FORMS[code]
        period = last_ended(form.period_types[0], today)
        due = cycle.deadline(form, period)
        submission = cycle.latest(code, unit, period)
        rows.append({
            "form": form, "period": period, "due": due, "submission": submission,
            "state": _state(submission, due, today), "days_left": (due - today).days,
            "url": report_url(code, unit.uid, period.id),
        })  # fmt: skip
    return rows


def children_completeness(unit: OrgUnit, form_codes, today: datetime.date) -> list[dict]:
    """For each form the units below submit: how many are approved, submitted, returned, late,
    missing, in one query per form."""
    children = current_children(unit)
    if not children:
        return []
    rows = []
    for code in form_codes:
        form = FORMS[code]
        period = last_ended(form.period_types[0], today)
        states = Counter(r["state"] for r in cycle.completeness(code, unit, period, children))
        rows.append({
            "form": form, "period": period, "due": cycle.deadline(form, period),
            "total": len(children), "states": states,
            "done": states["approved"] + states["submitted"] + states["late"],
            "url": completeness_url(code, unit.uid, period.id),
        })  # fmt: skip
    return rows


def awaiting_approval(user, unit: OrgUnit) -> list[Submission]:
    """Reports of the units below submitted and waiting for this user's review."""
    pending = scoped(user, Submission.objects.filter(status=Submission.Status.SUBMITTED))
    pending = pending.filter(ou_path__startswith=unit.path).exclude(unit=unit)
    found = []
    for s in pending.select_related("unit__parent").order_by("period_end", "ou_path")[:50]:
        if can_approve_report(user, s.unit) and (
            cycle.latest(s.form_code, s.unit, Period.parse(s.period)).pk == s.pk
        ):
            s.url = report_url(s.form_code, s.unit.uid, s.period)
            s.period_label = Period.parse(s.period).label
            found.append(s)
    return found


def lagging_units(user, unit: OrgUnit, today: datetime.date, children=()) -> dict:
    """The units whose targets are behind (red), those with the most red targets first. With
    `children`, a target of a unit further down counts for the child it lies in: a central
    officer sees the provinces behind, not a commune three levels down."""
    from danso.programmes import progress

    day = progress.as_of_default(today.year, today)
    found = progress.progress(unit, today.year, day, user)
    red = progress.lagging(found)
    by_unit: dict = {}
    for row in red:
        key = next((c for c in children if row.unit.path.startswith(c.path)), row.unit)
        by_unit.setdefault(key.pk, {"unit": key, "targets": []})["targets"].append(row)
    units = sorted(by_unit.values(), key=lambda u: (-len(u["targets"]), u["unit"].path))
    own = next((p for p in found if p.unit.pk == unit.pk), None)
    return {
        "units": units[:LAGGING_SHOWN], "more": max(len(units) - LAGGING_SHOWN, 0),
        "count": len(units), "targets": len(red), "planned": len(found),
        "own": own, "url": f"{reverse('progress')}?dv={unit.uid}",
    }  # fmt: skip


def slip_context(user, village: OrgUnit, today: datetime.date) -> dict:
    """A collaborator's village: this month's slip, last month's if not yet accepted, the
    register's size."""
    from danso.register.services import period_of

    this_month = period_of(today)
    last_month = period_of(today.replace(day=1) - datetime.timedelta(days=1))
    slips = {
        s.period: s
        for s in Slip.objects.filter(village=village, period__in=[this_month, last_month])
        .annotate(n=Count("events"))
    }  # fmt: skip
    previous = slips.get(last_month)
    month_report_due = cycle.deadline(FORMS["01-DSX"], Period.parse(this_month))
    living = Q(died_on__isnull=True, left_on__isnull=True)
    return {
        "village": village,
        "this_month": Period.parse(this_month),
        "slip": slips.get(this_month),
        "last_month": Period.parse(last_month),
        "previous": previous,
        "previous_pending": previous is None or previous.status != Slip.Status.ACCEPTED,
        "commune_due": month_report_due,
        "households": Household.objects.filter(village=village).count(),
        "persons": Person.objects.filter(village=village).filter(living).count(),
        "register_url": reverse("village_register", args=[village.uid]),
    }


def commune_slips(commune: OrgUnit, today: datetime.date) -> dict:
    """The slips of the commune's villages waiting for review, and villages still missing
    last month's (or this month's) slip."""
    from danso.register.services import period_of

    waiting = list(
        Slip.objects.filter(village__parent=commune, status=Slip.Status.SUBMITTED)
        .select_related("village")
        .annotate(n=Count("events"))
        .order_by("period", "village__code")
    )
    last_month = period_of(today.replace(day=1) - datetime.timedelta(days=1))
    return {
        "waiting": waiting,
        "last_month": Period.parse(last_month),
        "missing": missing_slips(commune, last_month),
        "queue_url": f"{reverse('review_queue', args=[commune.uid])}?ky={last_month}",
    }


def data_requests(user, unit: OrgUnit) -> list[dict]:
    """Data sets the unit reports (figures not in the register): the period to enter now and
    whether it is submitted."""
    from danso.programmes import entry

    rows = []
    # Ad hoc data requests have their own card (adhoc.services.for_unit).
    for data_set in entry.data_sets_for(user).filter(adhoc_request__isnull=True):
        if not data_set.is_assigned_to(unit):
            continue
        period = entry.today_period(data_set)
        submission = cycle.latest(data_set.code, unit, period)
        due = cycle.deadline(data_set, period)
        rows.append({
            "data_set": data_set, "period": period, "due": due, "submission": submission,
            "state": _state(submission, due, timezone.localdate()),
            "url": data_set.entry_url(unit.uid, period.id),
        })  # fmt: skip
    return rows


def key_figures(unit: OrgUnit, today: datetime.date) -> dict:
    """The dashboard's series over the last four complete quarters (its chart code is shared),
    and the last quarter's figures."""
    from danso.statistics.dashboard import recent_quarters, trends

    quarters = recent_quarters(today, 4)
    series = trends(unit, quarters)
    last = {code: values[-1] for code, values in series.items() if code != "labels"}
    return {"series": series, "quarter": quarters[-1], "last": last}


def role_of(user, unit: OrgUnit) -> str:
    """Which home page: by the unit's level first (a province officer holding a commune sees
    the commune's page), then by role."""
    if user.role == Role.PARTNER or unit.level == Level.ORGANISATION:
        return "partner"
    if unit.level == Level.VILLAGE:
        return "collaborator"
    if unit.level == Level.COMMUNE:
        return "commune"
    return "upper"


def home_page(request, unit: OrgUnit):
    from django.shortcuts import render

    user, today = request.user, timezone.localdate()
    page = role_of(user, unit)
    context = {"unit": unit, "page": page, "today": today,
               "other_units": user.org_units.exclude(pk=unit.pk).order_by("path")}  # fmt: skip
    if page == "collaborator":
        context["village"] = slip_context(user, unit, today)
    elif page == "commune":
        context["slips"] = commune_slips(unit, today)
        context["villages"] = unit.children.filter(level=Level.VILLAGE).count()
        context["reports"] = reports_due(unit, COMMUNE_FORMS, today)
        context["lagging"] = lagging_units(user, unit, today)
        context["requests"] = data_requests(user, unit)
    elif page == "partner":
        context["requests"] = data_requests(user, unit)
    else:
        below = current_children(unit)
        communes_below = below and below[0].level == Level.COMMUNE
        child_forms = COMMUNE_FORMS[:2] if communes_below else UPPER_FORMS
        context["reports"] = reports_due(unit, UPPER_FORMS, today) if unit.parent_id else []
        context["completeness"] = children_completeness(unit, child_forms, today)
        context["approvals"] = awaiting_approval(user, unit)
        context["lagging"] = lagging_units(user, unit, today, below)
        context["figures"] = key_figures(unit, today)
        context["below"] = below
    from danso.adhoc import services as adhoc

    context["adhoc"] = adhoc.for_unit(user, unit, today)
    context["adhoc_sent"] = adhoc.sent_from(user, unit, today) if page == "upper" else []
    context["may_request"] = adhoc.may_request(user)
    return render(request, f"web/home_{page}.html", context)
