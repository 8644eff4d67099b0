"""Links to units only for users who may open them:
`{% if unit|opens_for:user %}<a href="…">{{ unit.name }}</a>{% else %}{{ unit.name }}{% endif %}`.
"""

from django import template

from danso.accounts.scope import can_open

register = template.Library()


@register.filter
def opens_for(unit, user) -> bool:
    return unit is not None and can_open(user, unit)
