"""A person who moves from a commune of one province to a commune of another keeps one
history, and each form counts the move once, on its side.

By hand. Village A (Xã Ea Súp, Đắk Lắk 66), household HA: husband H (1990) and wife W (1995,
citizen ID, married, pill since registration on 05/01/2025), their son S born 10/03/2025.
W moves out to commune B (another province) on 10/08/2025; B's officer confirms her arrival
in household HB on 20/08/2025. On 30/09/2025:
  commune A: residents 2 (H, S), married women 15–49 0, moved out 1, moved in 0;
  commune B: residents 1 (W), married women 15–49 1, users 1 (pill), moved in 1, out 0;
  each province's form counts the same: Đắk Lắk out 1, B's province in 1, W once in each.
W's one record still holds her son (live births 1), her husband and her pill.
"""

import datetime

import pytest

from danso.accounts.models import Role
from danso.fieldwork import moves
from danso.orgunits.models import OrgUnit
from danso.orgunits.services import create_village
from danso.register import codes, services
from danso.register.models import Event, Person
from danso.register.projection import state_as_of
from danso.register.validation import Change
from danso.statistics.forms import DSH_01
from danso.statistics.periods import Period
from danso.statistics.report import build
from tests.fieldwork.conftest import person_data

D = datetime.date
LATER = D(2026, 11, 1)
CITIZEN_ID = "066195001234"  # Đắk Lắk, a woman born in the 20th century (1995)


def _cells(report):
    uids = [c.uid for c in report.columns]
    return {row.code: dict(zip(uids, (c.value for c in values), strict=True))
            for row, _unit, values in report.rows}  # fmt: skip


@pytest.fixture
def world(db, accepted):
    commune_a = OrgUnit.objects.get(uid="C24211")
    commune_b = (
        OrgUnit.objects.filter(level="commune", valid_to__isnull=True)
        .exclude(province_code=commune_a.province_code)
        .order_by("path")
        .first()
    )
    legacy_b = commune_b.predecessor_links.filter(old__level="commune").first().old.code
    village_a = create_village(commune_a, code="01", name="Thôn 1", unit_type="thon",
                               legacy_commune="24211")  # fmt: skip
    village_b = create_village(commune_b, code="01", name="Thôn B", unit_type="thon",
                               legacy_commune=legacy_b)  # fmt: skip
    ha = services.create_household(village_a, number="01")
    hb = services.create_household(village_b, number="07")
    head = person_data("Y Bhin", codes.MALE, D(1990, 1, 1), relationship=codes.HEAD,
                       marital_status=codes.MARRIED)  # fmt: skip
    (husband,) = accepted(Change("registration", D(2025, 1, 5), ha, person_data=head))
    (wife,) = accepted(Change("registration", D(2025, 1, 5), ha, other_person=husband,
                              person_data=person_data("H'Hen", codes.FEMALE, D(1995, 3, 8),
                                                      relationship="2", citizen_id=CITIZEN_ID,
                                                      marital_status=codes.MARRIED),
                              data={"method": codes.PILL}))  # fmt: skip
    accepted(Change("birth", D(2025, 3, 10), ha, other_person=wife, place="1",
                    person_data=person_data("Y Sơn", codes.MALE, D(2025, 3, 10))))  # fmt: skip
    accepted(Change("move_out", D(2025, 8, 10), ha, person=wife,
                    data={"destination": commune_b.uid}))  # fmt: skip
    accepted.all()
    return {"a": commune_a, "b": commune_b, "ha": ha, "hb": hb, "wife": wife,
            "husband": husband, "village_b": village_b}  # fmt: skip


def _move_out(world):
    return Event.objects.get(kind="move_out", person=world["wife"])


def test_moves_across_provinces_keep_one_history_and_count_once(world, accepted):
    a, b, wife = world["a"], world["b"], world["wife"]
    move = _move_out(world)
    assert moves.expected(b) == [move]  # the receiving commune's inbox
    assert moves.departures(a)[0]["arrived_on"] is None
    arrival = moves.confirm_arrival(move, world["hb"], D(2025, 8, 20), None, today=LATER)
    accepted.all()
    assert arrival.person_id == wife.pk and arrival.data["origin"] == a.uid
    assert moves.expected(b) == []
    sent = moves.departures(a)[0]
    assert (sent["arrived_on"], sent["arrived_in"]) == (D(2025, 8, 20), b)
    # One record: her son, her husband and her pill go on in commune B.
    assert Person.objects.filter(search_name="h'hen").count() == 1
    wife.refresh_from_db()
    assert wife.household_id == world["hb"].pk and wife.province_code == b.province_code
    state = state_as_of(wife, D(2025, 9, 30))
    assert (state["live_births"], state["spouse"], state["method"]) == (
        1, world["husband"].pk, codes.PILL)  # fmt: skip
    assert state_as_of(wife, D(2025, 6, 30))["household"] == world["ha"].pk
    quarter = Period.parse("2025Q3")
    province_a, province_b = a.parent, b.parent
    got_a = _cells(build(DSH_01, province_a, quarter))
    got_b = _cells(build(DSH_01, province_b, quarter))
    expected = {  # code: (commune A in Đắk Lắk, commune B in the other province)
        "residents": (2, 1), "married_women_15_49": (0, 1), "users": (0, 1),
        "moved_out": (1, 0), "moved_in": (0, 1), "births": (0, 0),
    }  # fmt: skip
    for code, (in_a, in_b) in expected.items():
        assert (got_a[code][a.uid], got_a[code][province_a.uid]) == (in_a, in_a), code
        assert (got_b[code][b.uid], got_b[code][province_b.uid]) == (in_b, in_b), code
    # Before the move, in the second quarter, she counted in A and not in B.
    q2_a = _cells(build(DSH_01, province_a, Period.parse("2025Q2")))
    q2_b = _cells(build(DSH_01, province_b, Period.parse("2025Q2")))
    assert (q2_a["residents"][a.uid], q2_b["residents"][b.uid]) == (3, 0)
    q1_a = _cells(build(DSH_01, province_a, Period.parse("2025Q1")))
    assert q1_a["births"][a.uid] == 1  # her son, born in A, stays counted there


def test_an_arrival_entered_as_a_new_person_is_joined(world, accepted):
    b, wife = world["b"], world["wife"]
    move = _move_out(world)
    (newcomer,) = accepted(Change("move_in", D(2025, 8, 20), world["hb"],
                                  person_data=person_data("H'Hen", codes.FEMALE, D(1995, 3, 8),
                                                          citizen_id=CITIZEN_ID,
                                                          marital_status=codes.MARRIED),
                                  data={"origin": world["a"].uid}))  # fmt: skip
    accepted.all()
    quarter = Period.parse("2025Q3")
    assert _cells(build(DSH_01, b.parent, quarter))["residents"][b.uid] == 1
    (entry,) = moves.matches(move)
    assert entry.person == newcomer
    joined = moves.join(entry, move, None)
    assert joined.person_id == wife.pk and joined.supersedes_id == entry.pk
    assert "Ea Súp" in joined.reason
    got = _cells(build(DSH_01, b.parent, quarter))
    assert (got["residents"][b.uid], got["moved_in"][b.uid]) == (1, 1)  # her, once
    assert state_as_of(wife, D(2025, 9, 30))["live_births"] == 1
    newcomer.refresh_from_db()
    assert newcomer.left_on is not None and not newcomer.is_pending
    with pytest.raises(services.RegisterError) as err:
        moves.confirm_arrival(move, world["hb"], D(2025, 8, 21), None, today=LATER)
    assert err.value.problems[0].code == "already_arrived"


def test_destination_is_a_unit(world):
    with pytest.raises(services.RegisterError) as err:
        services.record(services.slip_for(world["ha"].village, "202509"),
                        [Change("move_out", D(2025, 9, 1), world["ha"], person=world["husband"],
                                data={"destination": "Tỉnh khác"})], today=LATER)  # fmt: skip
    assert err.value.problems[0].code == "unknown_unit"


def test_inbox_page_and_api(world, make_user, login, bearer):
    officer = make_user("xa_b", Role.COMMUNE, world["b"])
    page = login(officer).get(f"/chuyen-cu/xa/{world['b'].uid}/")
    assert page.status_code == 200 and "H&#x27;Hen" in page.content.decode()
    wrong = login(officer).post(f"/chuyen-cu/xa/{world['b'].uid}/", {
        "action": "arrive", "move_out": _move_out(world).pk, "village": world["village_b"].uid,
        "number": "99", "arrived_on": "20/08/2025",
    }, follow=True)  # fmt: skip
    assert "Không có hộ này trong thôn." in wrong.content.decode()
    assert moves.expected(world["b"]) == [_move_out(world)]  # nothing recorded
    inbox = bearer(officer).get(f"/api/v1/communes/{world['b'].uid}/expected-arrivals")
    assert inbox.status_code == 200
    (row,) = inbox.json()
    assert row["full_name"] == "H'Hen" and row["moved_out_on"] == "2025-08-10"
    answer = bearer(officer).post(
        f"/api/v1/moves/{row['move_out']}/arrival",
        {"household": world["hb"].pk, "arrived_on": "2025-08-20"},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["person"] == world["wife"].pk
    sender = make_user("xa_a", Role.COMMUNE, world["a"])
    (sent,) = bearer(sender).get(f"/api/v1/communes/{world['a'].uid}/departures").json()
    assert sent["arrived_on"] == "2025-08-20" and sent["arrived_in"] == world["b"].uid
    # The sending officer cannot confirm in a commune that is not theirs.
    assert (
        bearer(sender).get(f"/api/v1/communes/{world['b'].uid}/expected-arrivals").status_code
        == 404
    )
