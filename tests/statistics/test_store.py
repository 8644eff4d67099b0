"""Counts kept per village and day (statistics/store.py): a report adds them up, and every
change to the register shows in the next report, recomputing only the villages it touched.

Uses the hand-built register of test_reports.py: village A1 (Xã Ea Súp) and B1 (Phường Tuy
Hòa), 2025Q3.
"""

import datetime

import pytest

from danso.orgunits.models import OrgUnit
from danso.register.models import Event, Household, Person
from danso.register.services import accept, correct, record, slip_for, submit
from danso.register.validation import Change
from danso.statistics import store
from danso.statistics.compute import compute, villages_of
from danso.statistics.models import VillageFigures, VillageVersion
from danso.statistics.periods import Period

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 1)
Q3 = Period.parse("2025Q3")


def _province():
    return OrgUnit.objects.get(uid="P66")


def _record_and_accept(village, *changes):
    slip = slip_for(village, "202611")
    record(slip, list(changes), today=TODAY)
    submit(slip, None)
    accept(slip, None)


def _stamps():
    return {
        (f.village.uid, f.source, f.day): f.computed_at
        for f in VillageFigures.objects.select_related("village")
    }


def test_a_report_fills_the_store_once_and_then_reads_it(register, django_assert_max_num_queries):
    compute(_province(), Q3)
    # 3 months of events, residents before the start and on the last day, households and
    # couples on the last day, for both villages
    assert VillageFigures.objects.count() == 7 * 2
    with django_assert_max_num_queries(6):  # children, villages, versions, stored figures
        again = compute(_province(), Q3)
    assert again.value("P66", "births") == 1 and again.value("P66", "residents") == 8


def test_an_accepted_change_shows_at_once_and_only_its_village_is_recomputed(register):
    before = compute(_province(), Q3)
    stamps = _stamps()
    a1 = OrgUnit.objects.get(uid__endswith="-A1")
    w1 = Person.objects.get(full_name="W1")
    _record_and_accept(a1, Change("pregnancy", D(2025, 9, 20), Household.objects.get(number="1"),
                                  person=w1, outcome="3"))  # fmt: skip
    after = compute(_province(), Q3)
    assert after.value("P66", "abortions") == before.value("P66", "abortions") + 1
    changed = {key for key, stamp in _stamps().items() if stamp != stamps[key]}
    assert changed and {uid.rsplit("-", 1)[1] for uid, _s, _d in changed} == {"A1"}


def test_a_correction_and_a_new_method_change_the_stocks(register):
    assert compute(_province(), Q3).value("P66", "users") == 2
    b1 = OrgUnit.objects.get(uid__endswith="-B1")
    w4 = Person.objects.get(full_name="W4")
    _record_and_accept(b1, Change("method_start", D(2025, 9, 1), w4.household, person=w4,
                                  method="4"))  # fmt: skip
    figures = compute(_province(), Q3)
    assert (figures.value("P66", "users"), figures.value("P66", "users_4")) == (3, 1)
    # W3's pill (20/07) was a mistake: cancelling it removes a user and a new acceptor
    pill = Event.objects.get(kind="method_start", person__full_name="W3")
    correct(pill, None, "nhầm người", None, today=TODAY)
    figures = compute(_province(), Q3)
    assert (figures.value("P66", "users"), figures.value("P66", "new_users_5")) == (2, 0)


def test_figures_read_before_a_change_are_never_kept(register):
    """A report that read the register just before a change committed stores its figures with
    the old version: the next report sees they are stale and recomputes them."""
    villages = villages_of(_province())
    ids = list(villages.values_list("pk", flat=True))
    request = ("events", D(2025, 7, 1))
    store.counts(villages, ids, [request])
    VillageFigures.objects.filter(source="events").update(values={"births": 99})  # stale row
    version = VillageVersion.objects.get(village_id=ids[0]).version
    store.bump(ids[:1])
    found = store.counts(villages, ids, [request])
    assert found[request][ids[0]].get("births", 0) != 99  # recomputed from the register
    assert found[request][ids[1]].get("births") == 99  # not changed: read from the store
    assert VillageVersion.objects.get(village_id=ids[0]).version == version + 1


def test_the_store_agrees_with_a_fresh_computation(register):
    first = compute(_province(), Q3)
    store.forget(villages_of(_province()))
    assert VillageFigures.objects.count() == 0
    fresh = compute(_province(), Q3)
    assert first.values == fresh.values


def test_months_counted_together_are_the_months_counted_alone(register):
    """July and September in one query: August's birth and arrival belong to neither."""
    from danso.statistics.sources import events

    villages = villages_of(_province())
    july, september = D(2025, 7, 1), D(2025, 9, 1)
    together = events(villages, [july, september])
    assert together == {m: events(villages, [m])[m] for m in (july, september)}
    a1 = OrgUnit.objects.get(uid__endswith="-A1").pk
    b1 = OrgUnit.objects.get(uid__endswith="-B1").pk
    assert together[september] == {a1: {"deaths": 1}, b1: {"moved_out": 1}}
