"""On `danso demo`, the nation's 01-DSH equals the sum of its provinces' columns, row by row:
every demo record lies in a village of a province (none attached to the nation, to a unit
outside the provinces, or to a pre-2025 unit)."""

import datetime

import pytest
from django.utils import timezone

from danso.demo import _demo_commune, create_demo, create_province_figures
from danso.fieldwork.demo import create_fieldwork_demo, create_move_demo
from danso.orgunits.models import OrgUnit
from danso.register.generate import generate
from danso.statistics.forms import FORMS
from danso.statistics.periods import Period
from danso.statistics.report import build

pytestmark = pytest.mark.django_db


def test_the_nation_is_the_sum_of_its_provinces_on_the_demo():
    create_demo()
    generate("66", people=600, years=2, seed=3)
    create_province_figures()
    create_fieldwork_demo(_demo_commune())
    create_move_demo(_demo_commune())
    form = FORMS["01-DSH"]
    nation = OrgUnit.objects.get(uid="VN")
    today = timezone.localdate()
    quarters = {Period.containing("quarter", today - datetime.timedelta(days=d))
                for d in (0, 20, 150, 200, 400)}  # fmt: skip
    differences = []
    for period in sorted(quarters, key=str):
        report = build(form, nation, period)
        figures = report.figures
        provinces = [c for c in figures.columns if c.uid != nation.uid]
        assert provinces and all(c.parent_id == nation.pk for c in provinces)
        for row in form.rows:
            total = figures.value(nation.uid, row.code)
            parts = sum(figures.value(c.uid, row.code) for c in provinces)
            if abs(total - parts) > 1e-9 and not row.code.endswith(("_rate", "_ratio")):
                differences.append((str(period), row.code, total, parts))
        assert figures.value(nation.uid, "residents") > 0
    assert differences == []
