"""Narrative reports in the reporting cycle (statistics.cycle): each kind with a period is a
form there (its `cycle_code`), submitted by the unit, approved or returned by the level
above. Submitting freezes the draft: its texts, the figures drafted at that moment and the
DOCX become a NarrativeVersion, which the submission points to."""

from django.urls import reverse
from django.utils.translation import gettext as _

from danso.accounts.scope import can_submit_report, path_in_scope
from danso.statistics.compute import child_columns
from danso.statistics.cycle import CycleError

from .kinds import BY_CYCLE_CODE, Kind
from .models import Narrative, NarrativeVersion


class NarrativeForm:
    """What the cycle asks of a form, for a kind of narrative report."""

    def __init__(self, kind: Kind):
        self.kind = kind
        self.code = kind.cycle_code
        self.title = str(kind.name)
        self.period_types = kind.period_types
        self.deadline_working_days = kind.deadline_working_days
        self.sensitive = kind.sensitive_parts

    def freeze(self, unit, period):
        from . import drafts

        narrative = Narrative.objects.filter(kind=self.kind.code, unit=unit, period=period.id,
                                             activity__isnull=True).first()  # fmt: skip
        if narrative is None:
            raise CycleError("no_draft", _("There is no draft of this report to submit."))
        version = drafts.freeze(narrative)
        values = {"narrative": narrative.pk, "version": version.number,
                  "texts": sorted(t for t, v in version.texts.items() if v)}  # fmt: skip
        return values, [], version.created_at

    def can_submit(self, user, unit) -> bool:
        if unit.level == "organisation":  # partner staff submit their organisation's reports
            return user.can_edit and path_in_scope(user, unit.path)
        return can_submit_report(user, unit)

    def entry_url(self, uid: str, period_id: str) -> str:
        narrative = Narrative.objects.filter(kind=self.kind.code, unit__uid=uid,
                                             period=period_id).first()  # fmt: skip
        if narrative is not None:
            return reverse("narrative", args=[narrative.pk])
        return f"{reverse('narratives')}?loai={self.kind.code}&dv={uid}&ky={period_id}"

    def reporting_units(self, unit):
        return child_columns(unit)


def find_for_cycle(code: str):
    kind = BY_CYCLE_CODE.get(code)
    return NarrativeForm(kind) if kind else None


def link_submission(sender, instance, created, **kwargs):
    """The version frozen for a new submission of a narrative form points to it."""
    kind = BY_CYCLE_CODE.get(instance.form_code)
    if not created or kind is None:
        return
    narrative_id = (instance.values or {}).get("narrative")
    number = (instance.values or {}).get("version")
    frozen = NarrativeVersion.objects.filter(narrative_id=narrative_id, number=number)
    frozen.filter(submission__isnull=True).update(submission=instance)
