"""`{% menu_links as links %}`: the top menu's links the user may use (danso/web/nav.py)."""

from django import template

from danso.web.nav import menu

register = template.Library()


@register.simple_tag(takes_context=True)
def menu_links(context):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return menu(user) if user is not None else []
