"""Counting bugs new users found (issue 16), each against figures worked out by hand."""

import datetime

import pytest

from danso.accounts.models import Role
from danso.register import codes
from danso.register.models import Event, MaritalSpell, MethodSpell, Person, Slip
from danso.register.projection import state_as_of
from danso.register.services import accept, record, slip_for, submit
from danso.register.validation import Change

from .conftest import TODAY, person_data

D = datetime.date
pytestmark = pytest.mark.django_db
IUD = "1"


def post(client, url, payload):
    return client.post(url, payload, content_type="application/json")


def _registration(household, **extra):
    return {"kind": "registration", "occurred_on": "2025-01-10", "household": household.pk,
            "person_data": {"full_name": "H'Lan Niê", "sex": codes.FEMALE,
                            "date_of_birth": "1990-05-01", "relationship": "3",
                            "marital_status": codes.MARRIED}, **extra}  # fmt: skip


def test_the_documented_method_field_reaches_the_persons_method(village, household, make_user,
                                                                 bearer):  # fmt: skip
    api = bearer(make_user("ctv1", Role.COLLABORATOR, village))
    url = f"/api/v1/villages/{village.uid}/slips/202501/events"
    answer = post(api, url, [_registration(household, method=IUD)])
    assert answer.status_code == 201, answer.content
    person = Person.objects.get()
    Slip.objects.update(status=Slip.Status.SUBMITTED)
    accept(Slip.objects.get(), None)
    assert state_as_of(person, D(2025, 2, 1))["method"] == IUD
    # One method spell from the registration day: she counts for CPR from 10/01/2025.
    assert list(MethodSpell.objects.values_list("start", "end", "method")) == [
        (D(2025, 1, 10), None, IUD)
    ]


def test_unknown_keys_in_data_are_refused_by_name(village, household, make_user, bearer):
    api = bearer(make_user("ctv1", Role.COLLABORATOR, village))
    url = f"/api/v1/villages/{village.uid}/slips/202501/events"
    answer = post(api, url, [_registration(household, data={"methdo": IUD})])
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert (error["field"], error["code"]) == ("data", "unknown_field")
    assert "methdo" in error["message"]
    assert not Person.objects.exists()


def test_a_method_and_a_marriage_in_force_at_registration_keep_their_start(
    village, household, make_user, bearer
):
    api = bearer(make_user("ctv1", Role.COLLABORATOR, village))
    url = f"/api/v1/villages/{village.uid}/slips/202501/events"
    since = {"method_since": "2019-03", "married_since": "2014-12-20"}
    change = _registration(household, method=IUD, data=since)
    assert post(api, url, [change]).status_code == 201
    Slip.objects.update(status=Slip.Status.SUBMITTED)
    accept(Slip.objects.get(), None)
    # "IUD since 2019-03": the spell starts on 01/03/2019, the marriage on 20/12/2014.
    assert list(MethodSpell.objects.values_list("start", "method")) == [(D(2019, 3, 1), IUD)]
    assert list(MaritalSpell.objects.values_list("start", "status")) == [
        (D(2014, 12, 20), codes.MARRIED)
    ]
    late = _registration(household, data={"method_since": "2025-02"})
    refused = post(api, url, [late])
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "after_registration"


def _enter(household, *changes):
    slip = slip_for(household.village, f"{changes[0].occurred_on:%Y%m}")
    events = record(slip, list(changes), today=TODAY)[0]
    submit(slip, None)
    accept(slip, None)
    return events


def _person(household, name, sex, born, day=None):
    (event,) = _enter(household, Change("registration", day or D(2024, 1, 1), household,
                                        person_data=person_data(name, sex, born,
                                                                relationship="3")))  # fmt: skip
    return event.person


def test_a_divorce_divorces_both_and_an_ex_spouses_death_widows_no_one(household, other_household):
    a = _person(household, "Y Bhăm Êban", codes.MALE, D(1990, 1, 1))
    b = _person(other_household, "H'Yam Niê", codes.FEMALE, D(1992, 1, 1))
    c = _person(household, "H'Mai Êban", codes.FEMALE, D(1993, 1, 1), D(2024, 2, 1))
    _enter(household, Change("marriage", D(2024, 3, 1), household, person=a, other_person=b))
    _enter(household, Change("divorce", D(2024, 6, 1), household, person=a))
    for person in (a, b):
        person.refresh_from_db()
        assert (person.marital_status, person.spouse_id) == (codes.DIVORCED, None)
    # B's spells by hand: never married 01/01/2024–01/03, married –01/06, divorced since.
    assert list(MaritalSpell.objects.filter(person=b).order_by("start")
                .values_list("start", "end", "status")) == [
        (D(2024, 1, 1), D(2024, 3, 1), codes.NEVER_MARRIED),
        (D(2024, 3, 1), D(2024, 6, 1), codes.MARRIED),
        (D(2024, 6, 1), None, codes.DIVORCED),
    ]  # fmt: skip
    # A remarries C; then the ex-wife B dies: A stays married to C.
    _enter(household, Change("marriage", D(2024, 9, 1), household, person=a, other_person=c))
    _enter(other_household, Change("death", D(2024, 11, 1), other_household, person=b))
    a.refresh_from_db()
    assert (a.marital_status, a.spouse_id) == (codes.MARRIED, c.pk)
    assert state_as_of(a, D(2024, 12, 1))["marital_status"] == codes.MARRIED
    assert Event.objects.get(kind="divorce").other_person_id == b.pk
