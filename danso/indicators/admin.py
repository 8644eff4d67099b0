"""The administrator's form for indicators kept as data (/quan-tri/indicators/indicator/):
checked as the metadata import checks them, every problem on its field."""

from django import forms
from django.contrib import admin

from danso.uids import uid_for

from . import services
from .models import Indicator


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["code", "name", "description", "numerator", "denominator", "factor", "unit",
                  "decimals"]  # fmt: skip
        help_texts = {
            "numerator": "#{MA_PHAN_TU} hoặc #{MA_PHAN_TU.MA_PHAN_TO}, nối bằng + hoặc -",
            "denominator": "#{MA_PHAN_TU} hoặc #{MA_PHAN_TU.MA_PHAN_TO}, nối bằng + hoặc -",
            "factor": "100 cho %, 1000 cho ‰, 1 cho một tỷ số",
        }

    def clean(self):
        data = super().clean()
        data["code"] = (data.get("code") or "").strip().upper()
        problems = services.check(data["code"], data.get("numerator", ""),
                                  data.get("denominator", ""), self.instance.pk)  # fmt: skip
        for p in problems:
            self.add_error(p.field if p.field in self.fields else None,
                           forms.ValidationError(p.message, code=p.code))  # fmt: skip
        return data


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    form = IndicatorForm
    list_display = ["code", "name", "numerator", "denominator", "factor", "sensitive"]
    search_fields = ["code", "name"]

    def save_model(self, request, obj, form, change):
        if not obj.uid:
            obj.uid = uid_for("indicator", obj.code)
        if not change:
            obj.created_by = request.user
        obj.sensitive = services.is_sensitive(obj.numerator, obj.denominator)
        super().save_model(request, obj, form, change)
