"""Worklists of a village, against couples written down by hand."""

import datetime

from danso.accounts.models import Role
from danso.fieldwork.worklists import worklists
from danso.programmes.models import Club
from danso.register import codes, services
from danso.register.validation import Change

D = datetime.date
DAY = D(2026, 6, 15)


def _names(worklist):
    return [i.person.full_name for i in worklist.items]


def _build(village, couple_in, accepted):
    poor, near = codes.POOR, codes.NEAR_POOR
    couple_in(village, "01", wife_born=D(1996, 2, 1), poverty=poor)  # no method: listed
    couple_in(village, "02", wife_born=D(1990, 2, 1), poverty=near, method=codes.PILL)
    _h, _m, wife3 = couple_in(village, "03", wife_born=D(1992, 2, 1), poverty=poor,
                              method=codes.PILL)  # fmt: skip
    couple_in(village, "04", wife_born=D(1993, 2, 1), poverty="0")  # not poor
    couple_in(village, "05", wife_born=D(1991, 2, 1), poverty=poor, method=codes.IUD)
    couple_in(village, "06", wife_born=D(1974, 2, 1), poverty=poor)  # 52: too old
    couple_in(village, "07", wife_born=D(1995, 2, 1), poverty=poor,
              husband_method=codes.VASECTOMY)  # fmt: skip
    couple_in(village, "08", wife_born=D(1997, 2, 1), poverty=near, poverty_year=2025)
    couple_in(village, "09", wife_born=D(1998, 2, 1), poverty=poor, married=False)
    _h, _m, wife10 = couple_in(village, "10", wife_born=D(1994, 2, 1), poverty=poor,
                               method=codes.INJECTABLE)  # fmt: skip
    accepted.all()
    accepted(Change("method_resupply", D(2026, 5, 30), wife3.household, person=wife3))
    accepted.all()
    return wife3, wife10


def test_free_contraception_lists_exactly_the_hand_computed_couples(village, couple_in, accepted):
    _build(village, couple_in, accepted)
    lists = {wl.code: wl for wl in worklists(village, DAY)}
    # Listed: 01 poor, no method; 02 near-poor, pills of 05/01 ran out on 02/02; 08 near-poor
    # in 2025 (no status for 2026 yet), no method; 10 poor, injection of 05/01 ran out 05/04.
    # Not: 03 resupplied on 30/05 (runs out 27/06, after the week ahead), 04 not poor,
    # 05 IUD, 06 aged 52, 07 husband's vasectomy, 09 unmarried.
    assert _names(lists["free_contraception"]) == ["Vợ 01", "Vợ 02", "Vợ 08", "Vợ 10"]
    item = lists["free_contraception"].items[1]
    assert item.due_on == D(2026, 2, 2)
    assert "kind=method_resupply" in item.link and "method=5" in item.link
    assert "kind=method_start" in lists["free_contraception"].items[0].link
    # Married women 15–49 with no method, poor or not: 01, 04, 08 (07 counts the husband's).
    assert _names(lists["no_method"]) == ["Vợ 01", "Vợ 04", "Vợ 08"]
    assert _names(lists["resupply"]) == ["Vợ 02", "Vợ 10"]


def test_an_entry_closes_its_item(village, couple_in, accepted):
    _build(village, couple_in, accepted)
    wife2 = next(i.person for i in worklists(village, DAY, "resupply")[0].items)
    accepted(Change("method_resupply", D(2026, 6, 14), wife2.household, person=wife2))
    accepted.all()
    assert _names(worklists(village, DAY, "resupply")[0]) == ["Vợ 10"]
    # On 05/07, by the day the supply runs out: 10 (05/04), 03 (27/06), and 02, whose pills
    # of 14/06 run out on 12/07, within the week ahead.
    due = worklists(village, D(2026, 7, 5), "resupply")[0]
    assert _names(due) == ["Vợ 10", "Vợ 03", "Vợ 02"]
    assert due.items[2].due_on == D(2026, 7, 12)


def test_resupply_refused_for_another_method(village, couple_in, accepted):
    import pytest

    from danso.register.services import RegisterError

    _h, _m, wife = couple_in(village, "01", wife_born=D(1996, 2, 1), method=codes.IUD)
    accepted.all()
    with pytest.raises(RegisterError) as err:
        accepted(Change("method_resupply", D(2026, 6, 5), wife.household, person=wife))
    assert err.value.problems[0].code == "not_resupplied"


def test_screenings_checks_and_clubs(village, couple_in, accepted):
    household, husband, wife = couple_in(village, "01", wife_born=D(1996, 2, 1))
    accepted(Change("pregnancy", D(2026, 3, 1), household, person=wife, outcome="1"))
    from tests.fieldwork.conftest import person_data

    (baby,) = accepted(Change("birth", D(2026, 6, 1), household, other_person=wife,
                              person_data=person_data("Bé", codes.FEMALE, D(2026, 6, 1)),
                              place="1"))  # fmt: skip
    (grandpa,) = accepted(Change("registration", D(2026, 1, 5), household,
                                 person_data=person_data("Ông", codes.MALE, D(1950, 1, 1),
                                                         relationship="4")))  # fmt: skip
    accepted.all()
    Club.objects.create(organiser=village.parent, ou_path=village.parent.path, name="CLB A")
    lists = {wl.code: wl for wl in worklists(village, D(2026, 5, 1))}
    assert _names(lists["prenatal"]) == ["Vợ 01"]
    assert _names(lists["elderly"]) == ["Ông"]
    assert [i.club.name for i in lists["clubs"].items] == ["CLB A"]
    lists = {wl.code: wl for wl in worklists(village, D(2026, 6, 10))}
    assert _names(lists["prenatal"]) == []  # the birth ended the pregnancy
    assert _names(lists["newborn"]) == ["Bé"]
    # Entered late on July's slip, not yet reviewed: the entries close the items at once.
    services.record(services.slip_for(village, "202607"), [
        Change("newborn_screening", D(2026, 6, 3), household, person=baby,
               data={"results": {"g6pd": "0"}}),
        Change("elderly_check", D(2026, 6, 3), household, person=grandpa, place="1"),
    ], today=D(2026, 11, 1))  # fmt: skip
    lists = {wl.code: wl for wl in worklists(village, D(2026, 6, 10))}
    assert _names(lists["newborn"]) == [] and _names(lists["elderly"]) == []


def test_page_and_api(village, couple_in, accepted, make_user, login, bearer):
    _build(village, couple_in, accepted)
    ctv = make_user("ctv", Role.COLLABORATOR, village)
    page = login(ctv).get(f"/cong-viec/thon/{village.uid}/?ngay=15/06/2026")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Vợ 02" in html and "/so-a0/ho/" in html
    answer = bearer(ctv).get(
        f"/api/v1/villages/{village.uid}/worklists?as_of=2026-06-15&list_code=free_contraception"
    )
    assert answer.status_code == 200
    (wl,) = answer.json()
    assert [i["full_name"] for i in wl["items"]] == ["Vợ 01", "Vợ 02", "Vợ 08", "Vợ 10"]
    assert wl["items"][1]["due_on"] == "2026-02-02"
    form = login(ctv).get(wl["items"][1]["link"])
    assert form.status_code == 200
    assert 'value="method_resupply" selected' in form.content.decode()
    far = bearer(make_user("far", Role.COMMUNE, _other_commune(village)))
    assert far.get(f"/api/v1/villages/{village.uid}/worklists").status_code == 404
    bad = bearer(ctv).get(f"/api/v1/villages/{village.uid}/worklists?list_code=x")
    assert bad.status_code == 422 and bad.json()["errors"][0]["code"] == "invalid_code"


def _other_commune(village):
    from danso.orgunits.models import OrgUnit

    return OrgUnit.objects.filter(level="commune").exclude(pk=village.parent_id).first()
