"""Public holidays are national: only administrators whose scope is the whole country edit
them (in /quan-tri/)."""

from django.contrib import admin

from danso.accounts.scope import path_in_scope
from danso.orgunits.models import ROOT_UID

from .models import PublicHoliday


def _national_administrator(user) -> bool:
    administrator = getattr(user, "is_administrator", False)  # anonymous on the login page
    return administrator and (user.is_superuser or path_in_scope(user, f"/{ROOT_UID}/"))


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    list_display = ["day", "name"]
    date_hierarchy = "day"
    search_fields = ["name"]

    def has_module_permission(self, request):
        return _national_administrator(request.user)

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: _national_administrator(request.user)
    )
