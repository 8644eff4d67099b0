"""The top menu: only the pages the user's role and permissions let them use, following the
views' own checks (a link a role cannot use is not shown), and the explanation a refused page
(403.html) gives of what was missing.

| link | shown to | the view's check |
|---|---|---|
| Dashboard, Reports | a user holding a unit | 404 without a home unit |
| Tables and charts, API tokens | everyone signed in | |
| Plans | officers (commune and above) and viewers holding a unit | plans: communes and up |
| Find a person | roles that reach the register (not partner staff) | `scoped` |
| Offline slip | collaborators and commune officers | `can_record` on each village |
| Activities | a user holding a unit | `organiser_choices` |
| Data entry | everyone but collaborators (partners enter their own data sets) | villages: none |
| Requests from the level above | officers holding a unit | `adhoc.services.visible` |
| Women's Union | a union role, or officers and viewers (counts only) | casework.access |
| Import files | editing roles | `can_record` |
| Org unit groups, Audit log | administrators | `is_administrator` |
| Users | administrators, central and province officers | `can_manage_users` |
"""

from django.urls import resolve
from django.urls.exceptions import Resolver404
from django.utils.translation import gettext_lazy as _

from danso.accounts.models import Role
from danso.accounts.scope import home_unit

OFFICERS = {Role.ADMIN, Role.CENTRAL, Role.PROVINCE, Role.COMMUNE}


def menu(user) -> list[tuple[str, str]]:
    """(url name, label) of the links the user may use, in the menu's order."""
    if not user.is_authenticated:
        return []
    from danso.casework.access import union_areas

    role = Role.ADMIN if user.is_superuser else user.role
    held = home_unit(user) is not None
    officer_or_viewer = role in OFFICERS or role == Role.VIEWER
    links = [
        ("dashboard", _("Dashboard"), held),
        ("report", _("Reports"), held),
        ("analysis", _("Tables and charts"), True),
        ("progress", _("Plans"), held and officer_or_viewer),
        ("person_search", _("Find a person"), role != Role.PARTNER),
        ("offline_home", _("Offline slip"), role in {Role.COLLABORATOR, Role.COMMUNE}),
        ("activities", _("Activities"), held),
        ("entry_start", _("Data entry"), role != Role.COLLABORATOR),
        ("adhoc_list", _("Requests from the level above"), held and role in OFFICERS),
        ("casework_home", _("Women's Union"), officer_or_viewer or bool(union_areas(user))),
        ("import_start", _("Import files"), user.can_edit and role != Role.PARTNER),
        ("group_list", _("Org unit groups"), user.is_administrator),
        ("users", _("Users"), user.can_manage_users),
        ("audit_log", _("Audit log"), user.is_administrator),
        ("tokens", _("API tokens"), True),
    ]
    return [(name, label) for name, label, shown in links if shown]


# What a refused page needed, by the first part of its url name; otherwise the general text.
NEEDS = (
    ("audit_log", _("the administrator role")),
    ("group_", _("the national administrator role")),
    ("user", _("user management: an administrator, a central or a province officer")),
    ("casework", _("the sensitive-data permission and a Women's Union role over the area")),
    ("sensitive", _("the sensitive-data permission")),
    ("import", _("a role that records changes (not a viewer), over the unit's area")),
    ("record_change", _("a role that records changes (not a viewer), over the unit's area")),
    ("report_", _("an officer of the unit (submitting) or of the level above (approving)")),
    ("plan", _("an officer whose area covers the unit")),
    ("target_", _("an officer whose area covers the unit")),
)


def needed_for(request) -> str:
    """What the refused page asks for, from its url name."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return ""
    name = match.url_name or ""
    return next((str(needed) for start, needed in NEEDS if name.startswith(start)), "")


def permission_denied(request, exception=None):
    """The 403 page (handler403): what was missing, the user's role, area and permission, and
    where to go."""
    from django.shortcuts import render

    user = request.user
    reason = str(exception) if exception is not None and str(exception) else ""
    units = list(user.org_units.order_by("path")[:5]) if user.is_authenticated else []
    context = {"needed": needed_for(request), "reason": reason, "units": units,
               "home": home_unit(user) if user.is_authenticated else None,
               # the refused address (a record's code) is not echoed back in the page
               "language_next": "/"}  # fmt: skip
    return render(request, "403.html", context, status=403)
