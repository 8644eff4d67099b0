"""A report's cell on screen as one tag: the same markup statistics/_cell.html drew by an
include per cell, which cost most of a province's 01-DSH page (21 columns × 30 rows)."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def report_cell(cell):
    caution = cell.caution
    classes = "num caution" if caution else "num"
    if caution:
        title = format_html(' title="{}"', caution)
    elif cell.denominator is not None:
        title = format_html(' title="{} / {}"', cell.numerator, cell.denominator)
    else:
        title = ""
    if cell.value is None:
        shown = "–"
    elif caution:
        shown = format_html('{}<span class="caution-mark" aria-label="{}">⚠</span>',
                            intcomma(cell.value), caution)  # fmt: skip
    else:
        shown = format_html("{}", intcomma(cell.value))
    return format_html('<td class="{}"{}>{}</td>', classes, title, shown)
