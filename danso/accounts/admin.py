"""User administration, limited like everything else to the administrator's subtree."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from danso.orgunits.models import OrgUnit

from .models import User
from .scope import path_in_scope, path_q, scope_paths


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
        return request.user.is_administrator

    def has_view_permission(self, request, obj=None):
        return request.user.is_administrator and (obj is None or self._in_scope(request, obj))

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead, so the audit trail keeps its actor

    def _in_scope(self, request, obj) -> bool:
        paths = list(obj.org_units.values_list("path", flat=True))
        return bool(paths) and all(path_in_scope(request.user, p) for p in paths)

    def get_queryset(self, request):
        """Users all of whose units lie in the administrator's subtree."""
        paths = scope_paths(request.user)
        users = super().get_queryset(request)
        inside = users.filter(path_q(paths, "org_units__path")).values("pk")
        outside = OrgUnit.objects.exclude(path_q(paths)).values("pk")
        return users.filter(pk__in=inside).exclude(org_units__in=outside)


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    """Only for picking units when assigning users; units are edited in the app itself."""

    search_fields = ["search_name", "code", "uid"]
    list_display = ["name", "code", "uid", "level", "valid_to"]

    def has_module_permission(self, request):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_administrator

    def has_add_permission(self, request):
        return False

    has_change_permission = has_delete_permission = has_add_permission

    def get_queryset(self, request):
        return super().get_queryset(request).filter(path_q(scope_paths(request.user)))

    def get_search_results(self, request, queryset, search_term):
        return queryset.search(search_term) if search_term else queryset, False
