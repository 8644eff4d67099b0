"""The web side of optimistic concurrency (danso/concurrency.py): a form carries, hidden, the
version it was drawn from; when someone saved meanwhile the page is drawn again with status
409, what the user typed kept in the form, and the values saved meanwhile listed beside it.
The redrawn form carries the current version, so saving again replaces them knowingly."""

import datetime

from django import forms
from django.utils.formats import date_format, number_format


def version_field():
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0,
                              max_value=2**31 - 1)  # fmt: skip


def expected_version(form) -> int | None:
    return form.cleaned_data.get("version")


def redrawn(data, current_version: int):
    """The POST data with the hidden version moved to the current one."""
    data = data.copy()
    data["version"] = str(current_version)
    return data


def _shown(field, value) -> str:
    if value in (None, "", []):
        return ""
    if isinstance(field, forms.ChoiceField):
        labels = {str(getattr(k, "value", k)): v for k, v in field.choices}
        return str(labels.get(str(value), value))
    if isinstance(value, datetime.date):
        return date_format(value, "d/m/Y")
    if isinstance(value, int | float) or hasattr(value, "as_tuple"):
        return number_format(value, force_grouping=True)
    return str(value)


def current_values(form_class, initial: dict, **form_kwargs) -> list[tuple[str, str]]:
    """(label, value as shown) of every filled field of the object as it stands now."""
    form = form_class(initial=initial, **form_kwargs)
    rows = []
    for name, field in form.fields.items():
        if name == "version" or isinstance(field.widget, forms.HiddenInput):
            continue
        shown = _shown(field, initial.get(name))
        if shown:
            label = field.label or field.widget.attrs.get("aria-label") or name
            rows.append((str(label), shown))
    return rows
