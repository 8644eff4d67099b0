"""`{% unit_picker "dv" uid %}` and `{% period_picker "ky" period_id kinds %}`: the form fields
of the pickers (pickers.py; enhanced by static/danso/pickers.js, plain fields without it)."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from danso.statistics.periods import Period, PeriodError
from danso.web.pickers import KINDS, period_choices, unit_label

register = template.Library()


@register.inclusion_tag("web/_unit_picker.html", takes_context=True)
def unit_picker(context, name="dv", uid="", label=None, field_id=None):
    user = context["request"].user
    return {"name": name, "uid": uid or "", "id": field_id or name,
            "label": label or _("Unit"), "unit_name": unit_label(user, uid)}  # fmt: skip


@register.inclusion_tag("web/_period_picker.html")
def period_picker(name="ky", value="", kinds=None, only=False, label=None, field_id=None,
                  required=True):  # fmt: skip
    """A select of periods in words, grouped by kind. With no value, the latest period of the
    first of `kinds` (a form's period_types) that has ended is chosen: the one being reported
    now. With `only`, no other kind is offered (a data set's); otherwise every kind is, and
    the page's form select narrows them (pickers.js)."""
    kinds = tuple(kinds.split() if isinstance(kinds, str) else kinds or KINDS)
    today = timezone.localdate()
    groups = period_choices(kinds if only else KINDS, today)
    known = {p.id for _kind, _label, periods in groups for p in periods}
    extra = None
    if value and value not in known:  # older than the list, or mistyped in the URL: kept
        try:
            extra = (value, Period.parse(value).label)
        except PeriodError:
            extra = (value, value)
    if not value:
        value = Period.containing(kinds[0], today).previous().id
    return {"name": name, "id": field_id or name, "value": value, "groups": groups,
            "extra": extra, "required": required, "label": label or _("Period"),
            "today": today}  # fmt: skip


@register.filter
def kinds_of(form) -> str:
    """A form's kinds of period, for the report page's script: "quarter" or "month year"."""
    return " ".join(getattr(form, "period_types", None) or [getattr(form, "period_type", "")])
