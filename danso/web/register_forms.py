"""The collaborator's change form: one form for every kind of change on the slip, showing the
fields of the chosen kind (a few lines of script hide the others)."""

from itertools import groupby

from django import forms
from django.utils.translation import gettext_lazy as _

from danso.register import codes
from danso.register.models import EventKind
from danso.register.projection import PERSON_FIELDS

from .pickers import CommunePicker
from .stale import version_field

BLANK = [("", "—")]

# Which fields each kind shows; the form's script reads this from data attributes.
KIND_FIELDS = {
    "registration": ["new_person", "spouse", "arrival"],
    "birth": ["newborn_person", "mother", "delivery", "birth_order"],
    "move_in": ["new_person", "spouse", "arrival", "origin"],
    "newborn_screening": ["person", "newborn", "place"],
    "death": ["person"],
    "move_out": ["person", "destination"],
    "move_within": ["person", "to_household"],
    "change": ["person", "change"],
    "method_start": ["person", "method", "place", "living_children"],
    "method_stop": ["person"],
    "method_resupply": ["person", "method", "place"],
    "pregnancy": ["person", "outcome"],
    "prenatal_screening": ["person", "prenatal", "place"],
    "elderly_check": ["person", "place"],
    "marriage": ["person", "spouse", "consanguineous"],
    "divorce": ["person"],
    "premarital_check": ["person", "place"],
}
CHANGEABLE = [
    ("full_name", _("Full name")),
    ("date_of_birth", _("Date of birth")),
    ("sex", _("Sex")),
    ("ethnicity", _("Ethnicity")),
    ("education", _("Education")),
    ("relationship", _("Relationship to head")),
    ("residence_kind", _("Residence")),
    ("citizen_id", _("Citizen ID")),
    ("subject_code", _("Health-insurance card")),
    ("phone", _("Phone")),
]


def _codes(code_list):
    return BLANK + code_list.choices


class HouseholdForm(forms.Form):
    number = forms.CharField(label=_("Household number"), max_length=20)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Household kind"), choices=codes.HOUSEHOLD_KIND.choices)


class ChangeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Change"), choices=[(k, v) for k, v in EventKind.choices if k in KIND_FIELDS]
    )
    occurred_on = forms.DateField(label=_("Date it happened"))
    person = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int, empty_value=None)
    # A person who enters the register.
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=_codes(codes.SEX), required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False)
    relationship = forms.ChoiceField(
        label=_("Relationship to head"), required=False, choices=_codes(codes.RELATIONSHIP)
    )
    ethnicity = forms.ChoiceField(
        label=_("Ethnicity"), required=False, choices=_codes(codes.ETHNICITY)
    )
    education = forms.ChoiceField(
        label=_("Education"), required=False, choices=_codes(codes.EDUCATION)
    )
    marital_status = forms.ChoiceField(
        label=_("Marital status"), required=False, choices=_codes(codes.MARITAL_STATUS)
    )
    residence_kind = forms.ChoiceField(
        label=_("Residence"), required=False, choices=_codes(codes.RESIDENCE_KIND)
    )
    citizen_id = forms.CharField(label=_("Citizen ID (12 digits)"), max_length=12, required=False)
    subject_code = forms.CharField(label=_("Health-insurance card"), max_length=20, required=False)
    prior_live_births = forms.IntegerField(
        label=_("Live births before entering the register"),
        min_value=0,
        max_value=30,
        required=False,
    )
    arrived_on = forms.DateField(label=_("Arrived on"), required=False)
    intends_to_stay = forms.BooleanField(label=_("Intends to stay"), required=False, initial=True)
    # Communes by their identifier (C24211), found by name with the commune picker: the
    # receiving commune's inbox finds the person.
    origin = forms.CharField(label=_("Moved from"), max_length=200, required=False,
                             widget=CommunePicker())  # fmt: skip
    destination = forms.CharField(label=_("Moved to"), max_length=200, required=False,
                                  widget=CommunePicker())  # fmt: skip
    mother = forms.TypedChoiceField(label=_("Mother"), required=False, coerce=int, empty_value=None)
    spouse = forms.TypedChoiceField(label=_("Spouse"), required=False, coerce=int, empty_value=None)
    # A spouse living outside the collaborator's area: named by their number in the register,
    # linked when the commune officer accepts the slip (nothing of them is shown here).
    spouse_elsewhere = forms.IntegerField(
        label=_("Or a spouse from another village: their number in the register"),
        required=False, min_value=1, max_value=2**63 - 1,
    )  # fmt: skip
    to_household = forms.TypedChoiceField(
        label=_("Household moved to"), required=False, coerce=int, empty_value=None
    )
    place = forms.ChoiceField(label=_("Place"), required=False, choices=_codes(codes.SERVICE_PLACE))
    delivery_place = forms.ChoiceField(
        label=_("Place of delivery"), required=False, choices=_codes(codes.PLACE_OF_DELIVERY)
    )
    birth_order = forms.IntegerField(
        label=_("Child number (of the mother)"), min_value=1, max_value=30, required=False
    )
    method = forms.ChoiceField(label=_("Method"), required=False, choices=_codes(codes.METHOD))
    living_children = forms.IntegerField(
        label=_("Living children"), min_value=0, max_value=30, required=False
    )
    outcome = forms.ChoiceField(
        label=_("What happened"), required=False, choices=_codes(codes.PREGNANCY_OUTCOME)
    )
    is_consanguineous = forms.BooleanField(label=_("Consanguineous marriage"), required=False)
    change_field = forms.ChoiceField(label=_("Field"), required=False, choices=BLANK + CHANGEABLE)
    new_value = forms.CharField(label=_("New value"), max_length=150, required=False)

    def __init__(self, *args, household, members, households=(), spouses=(), **kwargs):
        """`spouses`: people of other households in the user's area who may be named as a
        spouse, ordered by village."""
        super().__init__(*args, **kwargs)
        people = [(p.pk, f"{p.full_name} ({p.date_of_birth:%Y})") for p in members]
        self.fields["person"].choices = BLANK + people
        self.fields["spouse"].choices = BLANK + people
        for village, group in groupby(spouses, key=lambda p: p.village.name):
            self.fields["spouse"].choices += [
                (
                    village,
                    [
                        (p.pk, f"{p.full_name} ({p.date_of_birth:%Y}) – {p.household}")
                        for p in group
                    ],
                )
            ]
        self.fields["mother"].choices = BLANK + [
            (p.pk, f"{p.full_name} ({p.date_of_birth:%Y})")
            for p in members
            if p.sex == codes.FEMALE
        ]
        # Households of other villages by number only: their heads' names are not the
        # collaborator's to read.
        self.fields["to_household"].choices = BLANK + [
            (h.pk, f"{h.village.short_name} – "
                   + (str(h) if h.village_id == household.village_id else f"Hộ số {h.number}"))
            for h in households if h.pk != household.pk
        ]  # fmt: skip
        for name in list(codes.NEWBORN_CONDITIONS.codes) + list(codes.PRENATAL_CONDITIONS.codes):
            label = {**codes.NEWBORN_CONDITIONS.codes, **codes.PRENATAL_CONDITIONS.codes}[name]
            self.fields[f"result_{name}"] = forms.ChoiceField(
                label=label, required=False, choices=_codes(codes.SCREENING_RESULT)
            )
        self.household = household

    def payload(self) -> dict:
        """The change as the API takes it (see register.inputs.build_change)."""
        d = self.cleaned_data
        kind = d["kind"]
        shown = KIND_FIELDS.get(kind, [])
        payload = {
            "kind": kind,
            "occurred_on": d["occurred_on"],
            "household": self.household.pk,
            "person": d["person"] if "person" in shown else None,
            "data": {},
        }
        if "newborn_person" in shown:
            keys = ["full_name", "sex", "date_of_birth", "relationship", "ethnicity"]
            payload["person_data"] = {k: d[k] for k in keys if d.get(k) not in (None, "")}
        if "delivery" in shown:
            payload["place"] = d["delivery_place"]
        if "new_person" in shown:
            keys = [name for name in PERSON_FIELDS if name in self.fields]
            payload["person_data"] = {k: d[k] for k in keys if d.get(k) not in (None, "")}
        if "arrival" in shown:
            if d["arrived_on"]:
                payload["data"]["arrived_on"] = d["arrived_on"].isoformat()
            payload["data"]["intends_to_stay"] = d["intends_to_stay"]
        for section, key in (("origin", "origin"), ("destination", "destination")):
            if section in shown and d[key]:
                payload["data"][key] = d[key]
        if "mother" in shown:
            payload["other_person"] = d["mother"]
        if "spouse" in shown:
            payload["other_person"] = d["spouse"] or d.get("spouse_elsewhere")
        if "to_household" in shown:
            payload["data"]["to_household"] = d["to_household"]
        for name in ("place", "birth_order", "method", "outcome", "is_consanguineous"):
            if name in shown or (name == "is_consanguineous" and "consanguineous" in shown):
                payload[name] = d[name]
        if "living_children" in shown and d["living_children"] is not None:
            payload["data"]["living_children"] = d["living_children"]
        for section, conditions in (
            ("newborn", codes.NEWBORN_CONDITIONS),
            ("prenatal", codes.PRENATAL_CONDITIONS),
        ):
            if section in shown:
                payload["data"]["results"] = {
                    n: d[f"result_{n}"] for n in conditions.codes if d.get(f"result_{n}")
                }
        if "change" in shown and d["change_field"]:
            payload["data"]["changes"] = {d["change_field"]: [None, d["new_value"]]}
        return payload

    def field_for(self, path: str) -> str | None:
        """Which form field a problem's field path belongs to."""
        name = path.removeprefix("person.").removeprefix("changes.").removeprefix("results.")
        name = {
            "other_person": "mother" if self.data.get("kind") == "birth" else "spouse",
            "changes": "change_field",
            "results": None,
        }.get(name, name)
        if name and f"result_{name}" in self.fields:
            return f"result_{name}"
        if path.startswith("changes."):
            return "new_value"
        return name if name in self.fields else None


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (what must be corrected)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300)


class PovertyForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Poverty status"), choices=codes.POVERTY.choices)
    version = version_field()
