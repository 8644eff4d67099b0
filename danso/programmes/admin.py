"""Aggregate metadata in /quan-tri/, for national administrators: expected ranges, and data
elements, data sets and rules added beyond the declared ones (metadata.py is reloaded after
every migrate, so a declared item is corrected there, not here)."""

from django.contrib import admin

from danso.accounts.scope import is_national_administrator

from .models import DataElement, DataSet, DataSetElement, MinMax, ValidationRule


class NationalAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return is_national_administrator(request.user)

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: is_national_administrator(request.user)
    )


class DataSetElementInline(admin.TabularInline):
    model = DataSetElement
    extra = 0
    autocomplete_fields = ["data_element"]


@admin.register(DataElement)
class DataElementAdmin(NationalAdmin):
    list_display = ["code", "name", "category_combo", "value_type", "sensitive", "feed_measure"]
    list_filter = ["sensitive", "value_type", "category_combo"]
    search_fields = ["code", "name"]
    readonly_fields = ["uid"]


@admin.register(DataSet)
class DataSetAdmin(NationalAdmin):
    list_display = ["code", "name", "period_type", "sensitive", "deadline_working_days"]
    search_fields = ["code", "name"]
    readonly_fields = ["uid"]
    filter_horizontal = ["units"]
    inlines = [DataSetElementInline]


@admin.register(ValidationRule)
class ValidationRuleAdmin(NationalAdmin):
    list_display = ["code", "data_set", "left", "operator", "right", "missing_values"]
    list_filter = ["data_set"]
    readonly_fields = ["uid"]


@admin.register(MinMax)
class MinMaxAdmin(NationalAdmin):
    list_display = ["data_element", "option_combo", "org_unit", "minimum", "maximum"]
    list_filter = ["data_element"]
    autocomplete_fields = ["data_element", "org_unit"]
