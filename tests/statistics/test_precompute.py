"""Counts computed ahead and kept current (statistics/precompute.py), and the pages that wait
for them ("Đang tính…") rather than count in the request.

Uses the hand-built register of test_reports.py: village A1 (Xã Ea Súp) and B1 (Phường Tuy
Hòa). A unit "needs the background" when more than jobs.BACKGROUND_VILLAGES villages lack
counts; with two villages it never would, so these tests lower the limit to 0 (any missing
village sends the page to the background), as a province of 1,734 villages would be.
"""

import datetime

import pytest

from danso.orgunits.models import OrgUnit
from danso.register.models import Household, Person
from danso.register.services import accept, record, slip_for, submit
from danso.register.validation import Change
from danso.statistics import jobs, precompute, store
from danso.statistics.compute import compute, requests_for, villages_of
from danso.statistics.dashboard import dashboard_requests, recent_quarters
from danso.statistics.forms import DSH_01
from danso.statistics.models import VillageFigures
from danso.statistics.periods import Period
from danso.statistics.report import build, kept

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 1)


@pytest.fixture
def background(monkeypatch):
    monkeypatch.setattr(jobs, "BACKGROUND_VILLAGES", 0)


def _province():
    return OrgUnit.objects.get(uid="P66")


def _ids(unit):
    return list(villages_of(unit).values_list("pk", flat=True))


def test_the_plan_puts_the_reports_quarters_first():
    today = D(2026, 12, 3)
    ids = [p.id for p in precompute.plan(today, D(2024, 5, 1))]
    # last complete, current, the dashboard's other seven newest first, then back to 2024Q2
    assert ids[:3] == ["2026Q3", "2026Q4", "2026Q2"]
    assert ids[2:9] == ["2026Q2", "2026Q1", "2025Q4", "2025Q3", "2025Q2", "2025Q1", "2024Q4"]
    assert ids[9:] == ["2024Q3", "2024Q2"]


def test_the_dashboard_says_computing_then_shows_the_figures(register, background, make_user,
                                                             login):  # fmt: skip
    province = _province()
    client = login(make_user("tinh", "province", province))
    page = client.get("/bang-dieu-khien/")
    text = page.content.decode()
    assert page.status_code == 200 and "Đang tính" in text and "chart-flows" not in text
    assert 'hx-trigger="every 3s"' in text  # it asks again by itself
    assert not VillageFigures.objects.exists()  # nothing was counted in the request
    # the poll of the waiting page is told to wait again
    poll = client.get("/bang-dieu-khien/", headers={"HX-Request": "true"})
    assert "Đang tính" in poll.content.decode() and "HX-Refresh" not in poll.headers

    # the background job the page asked for (no keeper runs in tests)
    assert precompute.count_dashboard.call(province.pk) == 8
    poll = client.get("/bang-dieu-khien/", headers={"HX-Request": "true"})
    assert poll.headers["HX-Refresh"] == "true"  # the waiting page reloads itself
    page = client.get("/bang-dieu-khien/")
    text = page.content.decode()
    assert "chart-flows" in text and "Đang tính" not in text


def test_the_report_page_says_computing_while_the_keeper_counts(register, background,
                                                                make_user, login):  # fmt: skip
    province = _province()
    quarter = recent_quarters(datetime.date.today())[-1]
    client = login(make_user("tinh", "province", province))
    url = f"/bao-cao/?bieu=01-DSH&dv=P66&ky={quarter.id}"
    precompute.beat()  # a keeper is alive: the page waits for it
    text = client.get(url).content.decode()
    assert "Đang tính" in text and 'class="list report' not in text
    assert not VillageFigures.objects.exists()
    precompute.precompute(units=[province])  # the dashboard's quarters, the last one included
    assert client.get(url, headers={"HX-Request": "true"}).headers["HX-Refresh"] == "true"
    text = client.get(url).content.decode()
    assert 'class="list report' in text and "Đang tính" not in text


def test_the_start_up_pass_fills_the_store_for_every_village(register):
    today = D(2026, 12, 3)
    done = precompute.precompute(today=today)
    periods = precompute.plan(today, D(2025, 1, 1))  # the register's first event: 01/01/2025
    assert done == len(periods) * precompute.provinces().count()
    province = _province()
    ids = _ids(province)
    wanted = [(s, d) for p in periods for s, d, _r in requests_for(p)]
    assert store.readiness(villages_of(province), ids, wanted).missing_villages == 0
    assert store.readiness(villages_of(province), ids, dashboard_requests(today)).percent == 100
    # every (village, source, day) of the plan is stored once: 2 villages
    assert VillageFigures.objects.count() == 2 * len(set(wanted))
    # then the province's pages are added up once and kept: the next view reads them
    precompute.fill_pages([province], today)
    report = kept(DSH_01, province, recent_quarters(today)[-1])
    assert report is not None
    assert report.figures.values == build(DSH_01, province, periods[0]).figures.values


def test_a_change_recounts_only_its_village_and_the_figures_match_a_count_from_scratch(
    register,
):
    province = _province()
    q3, q4 = Period.parse("2025Q3"), Period.parse("2025Q4")
    for period in (q3, q4):
        compute(province, period)  # stored for both villages
    a1 = OrgUnit.objects.get(uid__endswith="-A1")
    seen = precompute.versions()
    stamps = dict(VillageFigures.objects.values_list("pk", "computed_at"))
    slip = slip_for(a1, "202511")
    w1 = Person.objects.get(full_name="W1")
    record(slip, [Change("birth", D(2025, 11, 10), Household.objects.get(number="1"),
                         other_person=w1, person_data={"full_name": "Bé", "sex": "2",
                                                       "date_of_birth": D(2025, 11, 10)})],
           today=TODAY)  # fmt: skip
    submit(slip, None)
    accept(slip, None)

    seen, changed = precompute.changed_since(seen)
    assert changed == [a1.pk]
    asked = precompute.refresh(changed)
    assert asked == 7 + 7 - 1  # both quarters' requests (Q4 starts the day Q3 ends)
    recounted = {pk for pk, at in VillageFigures.objects.values_list("pk", "computed_at")
                 if stamps.get(pk) != at}  # fmt: skip
    rows = VillageFigures.objects.filter(pk__in=recounted)
    villages = set(rows.values_list("village", flat=True))
    assert villages == {a1.pk} and len(recounted) == 13
    # nothing left to count: the next report reads the store only
    ids = _ids(province)
    assert store.villages_to_compute(villages_of(province), ids,
                                     [(s, d) for s, d, _r in requests_for(q4)]) == 0  # fmt: skip
    kept = build(DSH_01, province, q4)
    assert kept.figures.value("P66", "births") == 1  # the girl born on 10/11/2025
    store.forget(villages_of(province))  # from scratch
    scratch = build(DSH_01, province, q4)
    assert kept.figures.values == scratch.figures.values
    assert [[c.value for c in cells] for _r, _u, cells in kept.rows] == [
        [c.value for c in cells] for _r, _u, cells in scratch.rows
    ]
    assert precompute.changed_since(seen)[1] == []  # recounting bumps nothing
