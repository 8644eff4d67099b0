"""A collaborator may name a spouse, or the household someone moves to, in another village of
the same commune (through the API, the form and the events import), never further."""

import datetime

import pytest
from django.utils import translation

from danso.accounts.models import Role
from danso.exchange.register_import import import_events
from danso.exchange.tables import read_table
from danso.orgunits.models import OrgUnit
from danso.orgunits.services import create_village
from danso.register import codes
from danso.register.models import Event, Household, Person
from danso.register.services import create_household, record, slip_for
from danso.register.validation import Change

from .conftest import TODAY, person_data

D = datetime.date
pytestmark = pytest.mark.django_db


def register(household, name, sex, born, **extra) -> Person:
    slip = slip_for(household.village, "202401")
    change = Change(
        "registration",
        D(2024, 1, 1),
        household,
        person_data=person_data(name, sex, born, relationship="3", **extra),
    )
    return record(slip, [change], today=TODAY)[0][0].person


@pytest.fixture
def far_household(village):
    """A household of a village of another commune of the province."""
    commune = (
        OrgUnit.objects.filter(parent=village.parent.parent, level="commune")
        .exclude(pk=village.parent_id)
        .order_by("code")
        .first()
    )
    legacy = commune.predecessor_links.filter(old__level="commune").first().old.code
    far = create_village(
        commune, code="01", name="Thôn Xa", unit_type="thon", legacy_commune=legacy
    )
    return create_household(far, number="001")


@pytest.fixture
def people(household, other_household, far_household):
    return {
        "groom": register(household, "Lê Văn Sơn", codes.MALE, D(1996, 1, 1)),
        "bride": register(other_household, "Phạm Thị Thu", codes.FEMALE, D(1998, 1, 1)),
        "far": register(far_household, "Đinh Thị Xa", codes.FEMALE, D(1998, 1, 1)),
    }


@pytest.fixture
def ctv(village, make_user, bearer):
    return bearer(make_user("ctv1", Role.COLLABORATOR, village))


def post(client, url, payload):
    return client.post(url, payload, content_type="application/json")


def test_api_spouse_and_move_within_the_commune_only(
    village, household, other_household, people, ctv, make_user, bearer
):
    url = f"/api/v1/villages/{village.uid}/slips/202506/events"
    move_url = f"/api/v1/villages/{village.uid}/slips/202507/events"

    def marriage(spouse):
        return {
            "kind": "marriage",
            "occurred_on": "2025-06-01",
            "household": household.pk,
            "person": people["groom"].pk,
            "other_person": spouse.pk,
        }

    # The collaborator of Thôn 1 cannot see Thôn 2's people, but may name one as the spouse:
    # the answer is the same for a person of Thôn 2, of another commune and for no one, and
    # the named person's record does not change before the commune officer accepts the slip.
    assert ctv.get(f"/api/v1/persons/{people['bride'].pk}").status_code == 404
    answers = []
    for spouse_id in (people["far"].pk, 999_999, people["bride"].pk):
        answer = post(ctv, url, [{**marriage(people["groom"]), "other_person": spouse_id}])
        answers.append(answer.status_code)
        if spouse_id != people["bride"].pk:
            Event.objects.filter(kind="marriage").delete()  # try the next id on a clean slip
            Person.objects.filter(pk=people["groom"].pk).update(marital_status="", spouse=None)
    assert answers == [201, 201, 201]
    body = answer.json()[0]
    assert body["other_person"] is None  # nothing of the named person comes back
    bride = Person.objects.get(pk=people["bride"].pk)
    assert bride.spouse_id is None and bride.marital_status != codes.MARRIED
    # The commune officer accepts: now the spouse is linked and both are married.
    officer = bearer(make_user("xa1", Role.COMMUNE, village.parent))
    slip = Event.objects.get(kind="marriage").slip
    assert post(ctv, f"/api/v1/slips/{slip.pk}/submit", {}).status_code == 200
    accepted = post(officer, f"/api/v1/slips/{slip.pk}/accept", {})
    assert accepted.status_code == 200, accepted.content
    bride = Person.objects.get(pk=people["bride"].pk)
    assert bride.spouse_id == people["groom"].pk and bride.marital_status == codes.MARRIED
    assert Event.objects.get(kind="marriage").other_person_id == bride.pk
    assert ctv.get(f"/api/v1/persons/{people['groom'].pk}").json()["spouse"] == bride.pk
    # The wider lookup is only for the spouse: the mother of a birth stays in scope.
    birth = {
        "kind": "birth",
        "occurred_on": "2025-07-05",
        "household": household.pk,
        "other_person": bride.pk,
        "person_data": {"full_name": "Lê Bé", "sex": "1", "date_of_birth": "2025-07-05"},
    }
    refused = post(ctv, move_url, [birth])
    assert refused.json()["errors"][0]["code"] == "not_found"
    # A move to a household of Thôn 2.
    move = {
        "kind": "move_within",
        "occurred_on": "2025-07-10",
        "household": household.pk,
        "person": people["groom"].pk,
        "data": {"to_household": other_household.pk},
    }
    answer = post(ctv, move_url, [move])
    assert answer.status_code == 201, answer.content
    groom = Person.objects.get(pk=people["groom"].pk)
    assert (groom.household, groom.village) == (other_household, other_household.village)
    assert Event.objects.get(kind="move_within").village == village  # on the collaborator's slip


def test_the_form_names_a_spouse_of_another_village_without_showing_them(
    village, household, other_household, people, make_user, login
):
    ctv = login(make_user("ctv1", Role.COLLABORATOR, village))
    url = f"/so-a0/ho/{household.pk}/ghi/"
    page = ctv.get(url).content.decode()
    assert "Phạm Thị Thu" not in page  # outside the collaborator's area
    assert '<optgroup label="Thôn 2">' not in page
    assert 'name="spouse_elsewhere"' in page
    response = ctv.post(
        url,
        {
            "kind": "marriage",
            "occurred_on": "01/06/2025",
            "person": people["groom"].pk,
            "spouse_elsewhere": people["bride"].pk,
            "period": "202506",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Person.objects.get(pk=people["bride"].pk).marital_status != codes.MARRIED
    event = Event.objects.get(kind="marriage")
    assert event.other_person is None and event.data["spouse_ref"] == people["bride"].pk
    # The commune officer sees Thôn 2 and is offered its people.
    officer = login(make_user("xa1", Role.COMMUNE, village.parent))
    assert '<optgroup label="Thôn 2">' in officer.get(url).content.decode()


def test_a_spouse_that_is_no_one_of_the_commune_is_refused_at_the_review(
    village, household, people, make_user
):
    from danso.register.services import RegisterError, accept, submit

    slip = slip_for(village, "202506")
    for spouse_id in (people["far"].pk, 10**9):
        Event.objects.filter(kind="marriage").delete()
        change = Change("marriage", D(2025, 6, 1), household, person=people["groom"],
                        data={"spouse_ref": spouse_id})  # fmt: skip
        record(slip, [change], today=TODAY)
        if slip.status != "submitted":
            submit(slip, None)
        officer = make_user(f"xa{spouse_id}", Role.COMMUNE, village.parent)
        with pytest.raises(RegisterError) as refused:
            accept(slip, officer)
        assert refused.value.problems[0].code == "spouse_not_found"
        assert not Event.objects.filter(is_accepted=True).exists()
        slip.status = "open"
        slip.save()


EVENTS = "village,household_number,kind,occurred_on,person,to_village,to_household_number\n"


def test_events_import_names_the_village_moved_to(village, other_village, household, make_user):
    officer = make_user("xa", Role.COMMUNE, village.parent)
    create_household(other_village, number="001")  # 001 exists in both villages
    create_household(other_village, number="005")
    son = register(household, "Lê Văn Sơn", codes.MALE, D(1996, 1, 1))
    who = "Lê Văn Sơn|01/01/1996"
    bad = EVENTS + (
        f"01,001,move_within,01/06/2025,{who},,001\n"
        f"01,001,move_within,01/06/2025,{who},,005\n"
        f"01,001,move_within,01/06/2025,{who},09,005\n"
        f"01,001,move_within,01/06/2025,{who},02,007\n"
    )
    with translation.override("vi"):
        result = import_events(
            village.parent, read_table("e.csv", bad.encode()), user=officer, today=TODAY
        )
    assert [(e.index, e.field, e.code) for e in result.errors] == [
        (2, "to_village", "ambiguous_household"),
        (3, "to_village", "required"),
        (4, "to_village", "unknown_village"),
        (5, "to_household_number", "unknown_household"),
    ]
    assert result.errors[0].message == (
        "Hộ số 001 có ở nhiều thôn của xã (Thôn 1, Thôn 2): hãy ghi thôn chuyển đến ở cột "
        "to_village."
    )
    assert result.errors[3].message == "Không có hộ số 007 ở Thôn 2."
    assert not Event.objects.filter(kind="move_within").exists()
    good = EVENTS + f"01,001,move_within,01/06/2025,{who},{other_village.uid},001\n"
    result = import_events(
        village.parent, read_table("e.csv", good.encode()), user=officer, today=TODAY
    )
    assert (result.errors, result.created) == ([], 1)
    son.refresh_from_db()
    assert son.household == Household.objects.get(village=other_village, number="001")


def test_a_village_code_shared_by_two_communes_must_be_written_as_its_uid(
    village, household, far_household, make_user
):
    province = make_user("tinh", Role.PROVINCE, village.parent.parent)
    register(household, "Lê Văn Sơn", codes.MALE, D(1996, 1, 1))
    death = "village,household_number,kind,occurred_on,person\n{},001,death,01/06/2025,{}\n"
    who = "Lê Văn Sơn|01/01/1996"
    with translation.override("vi"):
        result = import_events(
            village.parent.parent,
            read_table("e.csv", death.format("01", who).encode()),
            user=province,
            today=TODAY,
        )
    assert [(e.index, e.field, e.code) for e in result.errors] == [
        (2, "village", "ambiguous_village")
    ]
    assert "C24211-01" in result.errors[0].message
    result = import_events(
        village.parent.parent,
        read_table("e.csv", death.format(village.uid, who).encode()),
        user=province,
        today=TODAY,
    )
    assert (result.errors, result.created) == ([], 1)
