"""Public holidays are national: only administrators whose scope is the whole country edit
them (in /quan-tri/)."""

from django.contrib import admin

from danso.accounts.scope import is_national_administrator

from .models import PublicHoliday


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    list_display = ["day", "name"]
    date_hierarchy = "day"
    search_fields = ["name"]

    def has_module_permission(self, request):
        return is_national_administrator(request.user)

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: is_national_administrator(request.user)
    )
