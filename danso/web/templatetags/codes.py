"""Codes of the register shown by their labels: `{{ state.method|label:"method" }}`."""

from django import template

from danso.register import codes

register = template.Library()


@register.filter
def label(code, list_name: str) -> str:
    """The label of a code in a list of register.codes (by the list's name); blank stays
    blank."""
    return codes.BY_NAME[list_name].label(code) if code else ""
