"""Forms of activities and clubs. They only read the fields; the checks are the services'
(programmes.activities and programmes.clubs), so the web and the API refuse the same things."""

from django import forms
from django.utils.translation import gettext_lazy as _

from danso.limits import BIGINT_MAX, bounds
from danso.programmes.activities import ActivityInput
from danso.programmes.attachments import ACCEPT
from danso.programmes.clubs import ClubInput, MemberInput
from danso.programmes.models import (
    Activity,
    ActivityKind,
    ActivityService,
    ClubMember,
    FundingSource,
    Service,
    Sex,
    TargetGroup,
)

from .stale import version_field

BLANK = [("", "—")]


def count_field(label: str):
    # No min_value: a negative number reaches the service, which says which cell is wrong.
    attrs = {"inputmode": "numeric", "min": 0, "aria-label": label}
    return forms.IntegerField(required=False, widget=forms.NumberInput(attrs=attrs),
                              max_value=bounds(ActivityService, "clients")[1])  # fmt: skip


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    start_date = forms.DateField(label=_("From"))
    end_date = forms.DateField(label=_("To"), required=False)
    organiser = forms.ChoiceField(label=_("Organising unit"))
    club = forms.TypedChoiceField(label=_("Club"), required=False, coerce=int, empty_value=None)
    cost = forms.DecimalField(label=_("Cost (đồng)"), required=False, decimal_places=0,
                              max_value=bounds(Activity, "cost")[1])  # fmt: skip
    funding_source = forms.ChoiceField(
        label=_("Funding source"), required=False, choices=BLANK + FundingSource.choices
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 3}))
    version = version_field()

    def __init__(self, *args, organisers, clubs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].choices = [(u.uid, u.name) for u in organisers]
        self.fields["club"].choices = BLANK + [(c.pk, c.name) for c in clubs]
        for name in ("start_date", "end_date"):
            self.fields[name].widget.attrs.update(placeholder="dd/mm/yyyy", inputmode="numeric")
        self.fields["title"].widget.attrs["placeholder"] = _("If empty: the kind of activity")
        for group, group_label in TargetGroup.choices:
            for sex, sex_label in Sex.choices:
                self.fields[f"p_{group}_{sex}"] = count_field(f"{group_label}, {sex_label}")
        for service, label in Service.choices:
            self.fields[f"s_{service}"] = count_field(label)

    def grid(self):
        """Rows of the participants' grid: (label, male field, female field)."""
        return [
            (label, self[f"p_{group}_{Sex.MALE}"], self[f"p_{group}_{Sex.FEMALE}"])
            for group, label in TargetGroup.choices
        ]

    def service_rows(self):
        return [(label, self[f"s_{service}"]) for service, label in Service.choices]

    def to_input(self, places: list[str]) -> ActivityInput:
        d = self.cleaned_data
        return ActivityInput(
            kind=d["kind"],
            title=d["title"],
            start_date=d["start_date"],
            end_date=d["end_date"],
            organiser=d["organiser"],
            places=places,
            participants=[
                (g, s, d[f"p_{g}_{s}"])
                for g in TargetGroup.values
                for s in Sex.values
                if d[f"p_{g}_{s}"] is not None
            ],
            services=[(s, d[f"s_{s}"]) for s in Service.values if d[f"s_{s}"] is not None],
            club=d["club"],
            cost=d["cost"],
            funding_source=d["funding_source"],
            notes=d["notes"],
        )

    @classmethod
    def initial_for(cls, activity) -> dict:
        initial = {
            "kind": activity.kind,
            "title": activity.title,
            "start_date": activity.start_date,
            "end_date": activity.end_date,
            "organiser": activity.organiser.uid,
            "club": activity.club_id,
            "cost": activity.cost,
            "funding_source": activity.funding_source,
            "notes": activity.notes,
            "version": activity.version,
        }
        for p in activity.participants.all():
            initial[f"p_{p.target_group}_{p.sex}"] = p.count
        for s in activity.services.all():
            initial[f"s_{s.service}"] = s.clients
        return initial


class AttachmentsForm(forms.Form):
    files = forms.FileField(
        label=_("Photos and documents (up to 10 MB each)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )


class ActivityFilterForm(forms.Form):
    WHERE = [
        ("", _("Organised by units of my area")),
        ("reached", _("Held in my area, by any organiser")),
        ("both", _("Both")),
    ]
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=BLANK + ActivityKind.choices)
    where = forms.ChoiceField(label=_("Which activities"), required=False, choices=WHERE)
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = BLANK + [(u.uid, u.name) for u in units]
        for name in ("date_from", "date_to"):
            self.fields[name].widget.attrs.update(placeholder="dd/mm/yyyy")


class ClubForm(forms.Form):
    name = forms.CharField(label=_("Club name"), max_length=200)
    organiser = forms.ChoiceField(label=_("Organising unit"))
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)
    founded_on = forms.DateField(label=_("Founded on"), required=False)
    closed_on = forms.DateField(label=_("Closed on"), required=False)
    version = version_field()

    def __init__(self, *args, organisers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].choices = [(u.uid, u.name) for u in organisers]

    def to_input(self) -> ClubInput:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        return ClubInput(**data)

    @classmethod
    def initial_for(cls, club) -> dict:
        return {"name": club.name, "organiser": club.organiser.uid, "topic": club.topic,
                "founded_on": club.founded_on, "closed_on": club.closed_on,
                "version": club.version}  # fmt: skip


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=BLANK + Sex.choices)
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False,
                                    max_value=bounds(ClubMember, "birth_year")[1])  # fmt: skip
    joined_on = forms.DateField(label=_("Joined on"), required=False)
    person = forms.IntegerField(
        required=False, max_value=BIGINT_MAX
    )  # chosen among search results (radio buttons)

    def to_input(self) -> MemberInput:
        return MemberInput(**self.cleaned_data)
