"""The registries' forms. The web pages, the API and the file import all validate through
these, so a record is refused for the same reasons, with the same codes, everywhere."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danso.orgunits.models import Level, OrgUnit, UnitType

from . import access
from .models import (
    CRITERIA,
    AddressUse,
    Child,
    DVCase,
    DVFollowUp,
    DVReferral,
    DVService,
    HouseholdAssessment,
    Sponsor,
    Sponsorship,
    Support,
    TrustedAddress,
    Visit,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def errors_of(form) -> list[dict]:
    """A form's errors as the API answers them: [{field, code, message}]."""
    out = []
    for field, errors in form.errors.as_data().items():
        for error in errors:
            message = error.messages[0] if error.messages else str(error)
            out.append({"field": "" if field == "__all__" else field,
                        "code": error.code or "invalid", "message": message})  # fmt: skip
    return out


def branch_for(user, commune: OrgUnit) -> OrgUnit | None:
    """The union branch that keeps a commune's records: the commune's own branch, else the
    deepest union unit of the user whose area holds the commune."""
    own = commune.children.filter(unit_type=UnitType.WOMENS_UNION).order_by("code").first()
    if own:
        return own
    units = [u for u in access.union_units(user) if commune.path.startswith(u.parent.path)]
    return max(units, key=lambda u: len(u.path), default=None)


def places_for(user) -> list[tuple[str, str]]:
    """Communes and villages of the user's union areas, for a select."""
    paths = access.union_areas(user)
    units = OrgUnit.objects.current().filter(
        access.area_q(paths, "path"), level__in=[Level.COMMUNE, Level.VILLAGE]
    )
    return [(u.uid, ("— " if u.level == Level.VILLAGE else "") + u.name) for u in units[:3000]]


class Dated(forms.ModelForm):
    """Dates may not lie in the future."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DATE

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for name, field in self.fields.items():
            value = data.get(name)
            if (
                isinstance(field, forms.DateField)
                and value
                and value > today
                and (name not in ("expected_end",))
            ):
                self.add_error(name, ValidationError(_("The date lies in the future."),
                                                     code="future_date"))  # fmt: skip
        return data


class PlacedForm(Dated):
    place = forms.CharField(label=gettext_lazy("Commune or village"), max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user is not None:
            self.fields["place"].widget = forms.Select(choices=places_for(self.user))
        if self.instance.pk:
            self.initial["place"] = (self.instance.village or self.instance.commune).uid

    def clean_place(self):
        uid = self.cleaned_data["place"].strip()
        unit = OrgUnit.objects.current().filter(uid=uid).select_related("parent").first()
        if unit is None or unit.level not in (Level.COMMUNE, Level.VILLAGE):
            raise ValidationError(_("No such current commune or village."), code="unknown_place")
        if self.user is None or not access.can_write(self.user, unit.path):
            raise ValidationError(
                _("You may not keep records of this place (a union role there is needed)."),
                code="forbidden_place",
            )
        commune = unit if unit.level == Level.COMMUNE else unit.parent
        branch = branch_for(self.user, commune)
        if branch is None:
            raise ValidationError(_("No union branch keeps this commune."), code="no_branch")
        self.instance.commune = commune
        self.instance.village = unit if unit.level == Level.VILLAGE else None
        self.instance.branch = branch
        return uid

    def save(self, commit=True):
        if not self.instance.pk and self.user is not None:
            self.instance.created_by = self.user
        return super().save(commit)


class ConsentCheck:
    """Named records need the consent's date; pseudonymous ones may not hold a name."""

    def check_consent(self, data):
        naming, name = data.get("naming"), (data.get("full_name") or "").strip()
        if naming == Child.Naming.NAMED and not name:
            self.add_error("full_name", ValidationError(
                _("A record kept by name needs the name."), code="name_required"))  # fmt: skip
        if naming == Child.Naming.NAMED and not data.get("consent_date"):
            self.add_error("consent_date", ValidationError(
                _("Recording by name needs the date consent was given."),
                code="consent_required"))  # fmt: skip
        if naming == Child.Naming.PSEUDONYMOUS and name:
            self.add_error("full_name", ValidationError(
                _("The person agreed to a code only: leave the name empty."),
                code="name_not_consented"))  # fmt: skip


class ChildForm(ConsentCheck, PlacedForm):
    class Meta:
        model = Child
        fields = ["place", "naming", "full_name", "birth_date", "sex", "orphaned", "cause",
                  "circumstances", "consent_date", "consent_by", "purpose"]  # fmt: skip

    def clean(self):
        data = super().clean()
        self.check_consent(data)
        return data


class SponsorForm(PlacedForm):
    class Meta:
        model = Sponsor
        fields = ["place", "kind", "name", "phone", "email", "address"]


class SponsorshipForm(Dated):
    class Meta:
        model = Sponsorship
        fields = ["sponsor", "kind", "start", "expected_end", "monthly_amount", "in_kind"]

    def __init__(self, *args, child=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.child = child or getattr(self.instance, "child", None)
        self.fields["sponsor"].queryset = access.readable(self.user, Sponsor.objects.all())
        self.fields["sponsor"].label_from_instance = lambda s: f"{s.name} ({s.code})"

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("expected_end")
        if start and self.child and start < self.child.birth_date:
            self.add_error("start", ValidationError(
                _("The sponsorship cannot start before the child's birth."),
                code="before_birth"))  # fmt: skip
        if start and end and end <= start:
            self.add_error(
                "expected_end",
                ValidationError(
                    _("The expected end must come after the start."), code="end_before_start"
                ),
            )
        return data

    def save(self, commit=True):
        s = self.instance
        if not s.pk:
            s.child, s.commune, s.village = self.child, self.child.commune, self.child.village
            s.branch, s.created_by, s.cadre = self.child.branch, self.user, self.user
        if not s.expected_end:
            b = self.child.birth_date
            s.expected_end = b.replace(year=b.year + 18) if (b.month, b.day) != (2, 29) else (
                datetime.date(b.year + 18, 3, 1))  # fmt: skip
        return super().save(commit)


class ClosureForm(Dated):
    class Meta:
        model = Sponsorship
        fields = ["closed_on", "closure_reason"]

    def clean(self):
        data = super().clean()
        if not data.get("closed_on"):
            self.add_error("closed_on", ValidationError(_("This field is required."),
                                                        code="required"))  # fmt: skip
        if not data.get("closure_reason"):
            self.add_error("closure_reason", ValidationError(_("This field is required."),
                                                             code="required"))  # fmt: skip
        if data.get("closed_on") and data["closed_on"] < self.instance.start:
            self.add_error(
                "closed_on",
                ValidationError(
                    _("The closure cannot come before the start."), code="before_start"
                ),
            )
        return data


class OnRecord(Dated):
    """A line under a record (a support, a visit, a service): its date not before the
    record's start."""

    parent_field, start_attr = "", ""

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent = parent

    def clean(self):
        data = super().clean()
        start = getattr(self.parent, self.start_attr)
        if data.get("date") and data["date"] < start:
            self.add_error("date", ValidationError(
                _("The date comes before the record's start (%(start)s).")
                % {"start": start.strftime("%d/%m/%Y")}, code="before_start"))  # fmt: skip
        return data

    def save(self, commit=True):
        setattr(self.instance, self.parent_field, self.parent)
        return super().save(commit)


class SupportForm(OnRecord):
    parent_field, start_attr = "sponsorship", "start"

    class Meta:
        model = Support
        fields = ["date", "cash", "in_kind_value", "description", "given_by"]

    def clean(self):
        data = super().clean()
        if not (data.get("cash") or data.get("in_kind_value")):
            self.add_error(
                "cash",
                ValidationError(
                    _("Give the cash or the value of the gifts."), code="empty_support"
                ),
            )
        return data


class VisitForm(OnRecord):
    parent_field, start_attr = "sponsorship", "start"

    class Meta:
        model = Visit
        fields = ["date", "kind", "notes"]

    def save(self, commit=True):
        self.instance.cadre = self.user
        return super().save(commit)


class CaseForm(ConsentCheck, PlacedForm):
    class Meta:
        model = DVCase
        fields = ["place", "opened_on", "naming", "full_name", "birth_year", "is_girl",
                  "form", "detected_by", "description", "consent_date", "consent_by",
                  "purpose"]  # fmt: skip

    def clean(self):
        data = super().clean()
        self.check_consent(data)
        year = data.get("birth_year")
        if year and not 1900 <= year <= timezone.localdate().year:
            self.add_error("birth_year", ValidationError(_("Not a plausible year of birth."),
                                                         code="invalid_year"))  # fmt: skip
        return data


class ServiceForm(OnRecord):
    parent_field, start_attr = "case", "opened_on"

    class Meta:
        model = DVService
        fields = ["service", "date", "provider", "trusted_address"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trusted_address"].queryset = access.readable(
            self.user, TrustedAddress.objects.all()
        )


class ReferralForm(OnRecord):
    parent_field, start_attr = "case", "opened_on"

    class Meta:
        model = DVReferral
        fields = ["date", "referred_to", "reason"]


class FollowUpForm(OnRecord):
    parent_field, start_attr = "case", "opened_on"

    class Meta:
        model = DVFollowUp
        fields = ["date", "notes"]

    def save(self, commit=True):
        self.instance.by = self.user
        return super().save(commit)


class CaseClosureForm(Dated):
    class Meta:
        model = DVCase
        fields = ["closed_on", "outcome", "closure_note"]

    def clean(self):
        data = super().clean()
        for name in ("closed_on", "outcome"):
            if not data.get(name):
                self.add_error(name, ValidationError(_("This field is required."),
                                                     code="required"))  # fmt: skip
        if data.get("closed_on") and data["closed_on"] < self.instance.opened_on:
            self.add_error(
                "closed_on",
                ValidationError(
                    _("The closure cannot come before the detection."), code="before_start"
                ),
            )
        return data


class AddressForm(PlacedForm):
    class Meta:
        model = TrustedAddress
        fields = ["place", "name", "host_kind", "host_name", "phone", "hours", "capacity",
                  "established_on", "project", "closed_on"]  # fmt: skip


class AddressUseForm(OnRecord):
    parent_field, start_attr = "address", "established_on"

    class Meta:
        model = AddressUse
        fields = ["date", "kind", "nights"]


class AssessmentForm(PlacedForm):
    class Meta:
        model = HouseholdAssessment
        fields = ["place", "year", "head_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in CRITERIA:
            met = self.instance.criteria.get(code)
            self.fields[code] = forms.BooleanField(label=label, required=False, initial=met)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= timezone.localdate().year:
            raise ValidationError(_("Not a year that can be assessed."), code="invalid_year")
        return year

    def save(self, commit=True):
        self.instance.criteria = {c: bool(self.cleaned_data.get(c)) for c, _l in CRITERIA}
        return super().save(commit)
