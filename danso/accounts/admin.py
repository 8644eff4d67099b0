"""User administration, limited like everything else to the administrator's subtree."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from danso.orgunits.models import OrgUnit

from .models import User
from .scope import path_in_scope, path_q, scope_paths


def _administrator(request) -> bool:
    """The admin's login page asks these permissions of anonymous visitors too."""
    return getattr(request.user, "is_administrator", False)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name", "email"]
    filter_horizontal = ["user_permissions", "groups"]
    autocomplete_fields = ["org_units"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("danso"), {"fields": ["full_name", "role", "phone", "org_units"]}),
    )

    def has_module_permission(self, request):
        return _administrator(request)

    def has_view_permission(self, request, obj=None):
        return _administrator(request) and (obj is None or self._in_scope(request, obj))

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead, so the audit trail keeps its actor

    def _in_scope(self, request, obj) -> bool:
        paths = obj.org_units.values_list("path", flat=True)
        return all(path_in_scope(request.user, p) for p in paths)

    def get_queryset(self, request):
        """Users all of whose units lie in the administrator's subtree, and users who hold no
        unit yet (they see nothing until one is assigned, so any administrator may take them)."""
        outside = OrgUnit.objects.exclude(path_q(scope_paths(request.user))).values("pk")
        return super().get_queryset(request).exclude(org_units__in=outside)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "org_units":  # a crafted POST cannot assign a unit out of scope
            kwargs["queryset"] = OrgUnit.objects.filter(path_q(scope_paths(request.user)))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    """Only for picking units when assigning users; units are edited in the app itself."""

    search_fields = ["search_name", "code", "uid"]
    list_display = ["name", "code", "uid", "level", "valid_to"]

    def has_module_permission(self, request):
        return False

    def has_view_permission(self, request, obj=None):
        return _administrator(request)

    def has_add_permission(self, request):
        return False

    has_change_permission = has_delete_permission = has_add_permission

    def get_queryset(self, request):
        return super().get_queryset(request).filter(path_q(scope_paths(request.user)))

    def get_search_results(self, request, queryset, search_term):
        return queryset.search(search_term) if search_term else queryset, False
