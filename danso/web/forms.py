from django import forms
from django.utils.translation import gettext_lazy as _

from danso.orgunits.models import GROUP_OF_TYPE, VILLAGE_TYPES, UnitType


class VillageForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=200)
    unit_type = forms.ChoiceField(
        label=_("Type"), choices=[(t.value, t.label) for t in VILLAGE_TYPES]
    )
    legacy_commune = forms.ChoiceField(label=_("Old commune (before 1 July 2025)"), required=False)

    def __init__(self, *args, legacy_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legacy_commune"].choices = [("", "—")] + list(legacy_choices)


class OrganisationForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=200)
    unit_type = forms.ChoiceField(
        label=_("Type"), choices=[(t, UnitType(t).label) for t in GROUP_OF_TYPE]
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)


class VillageImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file (UTF-8)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=_("User"), required=False)
    unit = forms.CharField(label=_("Unit (code)"), required=False)
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
    expires_at = forms.DateField(label=_("Expires on"), required=False)
