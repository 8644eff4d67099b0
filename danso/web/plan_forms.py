"""Forms of the plan pages. Numbers are typed as officials write them (20.000; 72,5)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from danso.programmes import metrics
from danso.programmes.models import Target


def _number(label, required=True):
    return forms.DecimalField(label=label, required=required, localize=True, min_value=0,
                              max_digits=18, decimal_places=2)  # fmt: skip


class TargetForm(forms.Form):
    metric = forms.ChoiceField(label=_("Figure"))
    value = _number(_("Planned value"))
    value_max = _number(_("Up to (for a range, e.g. 10–12)"), required=False)
    direction = forms.ChoiceField(
        label=_("The target is"),
        required=False,
        choices=[("", _("the usual for this figure")), *Target.Direction.choices],
    )

    group = forms.ChoiceField(label=_("For an org-unit group (its members here as one area)"),
                              required=False)  # fmt: skip

    def __init__(self, *args, user, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [("", "—"), *metrics.choices(user)]
        self.groups = {g.code: g for g in groups}
        if groups:
            self.fields["group"].choices = [("", _("the unit itself")),
                                            *[(g.code, g.name) for g in groups]]  # fmt: skip
        else:
            del self.fields["group"]


class ReviseForm(forms.Form):
    value = _number(_("New target"))
    value_max = _number(_("Up to"), required=False)
    reason = forms.CharField(label=_("Reason for the revision"), max_length=300)


class AllocationForm(forms.Form):
    """One field per unit below (blank: not allocated), named u_<uid>."""

    reason = forms.CharField(label=_("Reason (when an allocation changes)"), max_length=300,
                             required=False)  # fmt: skip
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units
        for unit in units:
            self.fields[f"u_{unit.uid}"] = _number(unit.name, required=False)

    def shares(self) -> list[tuple]:
        """(unit, value) of the filled fields."""
        return [
            (unit, self.cleaned_data[f"u_{unit.uid}"])
            for unit in self.units
            if self.cleaned_data.get(f"u_{unit.uid}") is not None
        ]
