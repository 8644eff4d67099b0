"""The persons import's bulk path: audit entries written with the rows, ids that later
writes never collide with, heads of existing households named in one update."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from danso.accounts.models import Role
from danso.exchange.register_import import import_persons
from danso.exchange.tables import read_table
from danso.register import services
from danso.register.models import Event, Household, MaritalSpell, Person
from danso.register.validation import Change

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 1)
HEADER = "village,household_number,full_name,sex,date_of_birth,relationship,marital_status\n"


def rows(text):
    return read_table("f.csv", (HEADER + text).encode())


@pytest.fixture
def officer(village, make_user):
    return make_user("xa", Role.COMMUNE, village.parent)


def test_every_written_event_and_household_is_in_the_audit_log(village, officer):
    result = import_persons(
        village.parent,
        rows("01,001,Nguyễn Văn Hùng,1,12/04/1985,1,2\n01,001,Lê Thị Hoa,2,03/09/1988,2,2\n"),
        user=officer, accept=True, today=TODAY,
    )  # fmt: skip
    assert result.created == 2
    events = ContentType.objects.get_for_model(Event)
    logged = LogEntry.objects.filter(content_type=events, action=LogEntry.Action.CREATE)
    assert sorted(logged.values_list("object_id", flat=True)) == sorted(
        Event.objects.values_list("pk", flat=True)
    )
    entry = logged.get(object_id=Event.objects.get(person__full_name="Lê Thị Hoa").pk)
    assert entry.actor == officer
    assert entry.additional_data == {"ou_path": village.path}
    assert entry.changes["kind"] == ["None", "registration"]
    assert entry.changes["occurred_on"] == ["None", TODAY.isoformat()]
    assert '"full_name": "Lê Thị Hoa"' in entry.changes["data"][1]
    household = Household.objects.get()
    assert household.head_name == "Nguyễn Văn Hùng"
    assert "nguyen van hung" in household.search_text
    created = LogEntry.objects.get_for_object(household).get(action=LogEntry.Action.CREATE)
    assert created.changes["number"] == ["None", "001"]
    assert created.object_repr == "Hộ số 001 – Nguyễn Văn Hùng"


def test_a_head_added_to_an_existing_household_is_an_audited_update(village, officer):
    import_persons(village.parent, rows("01,001,Lê Thị Hoa,2,03/09/1988,2,2\n"), user=officer,
                   accept=True, today=TODAY)  # fmt: skip
    household = Household.objects.get()
    assert household.head_name == ""
    import_persons(village.parent, rows("01,001,Nguyễn Văn Hùng,1,12/04/1985,1,2\n"),
                   user=officer, accept=True, today=TODAY)  # fmt: skip
    household.refresh_from_db()
    assert household.head_name == "Nguyễn Văn Hùng"
    update = LogEntry.objects.get_for_object(household).get(action=LogEntry.Action.UPDATE)
    assert update.changes == {"head_name": ["", "Nguyễn Văn Hùng"]}
    assert Person.objects.count() == 2
    assert MaritalSpell.objects.filter(status="2").count() == 2


def test_writes_after_a_bulk_import_get_new_ids(village, officer):
    import_persons(
        village.parent, rows("01,001,Lê Thị Hoa,2,03/09/1988,1,2\n"), user=officer, today=TODAY
    )  # fmt: skip (the slip stays open for the birth)
    household = Household.objects.get()
    slip = services.slip_for(village, services.period_of(TODAY))
    change = Change("birth", TODAY, household, person_data={
        "full_name": "Lê Văn Bé", "sex": "1", "date_of_birth": TODAY, "relationship": "3"},
        other_person=Person.objects.get())  # fmt: skip
    services.record(slip, [change], user=officer, today=TODAY)
    assert Person.objects.count() == 2
    assert Event.objects.count() == 2
    assert Household.objects.create(
        village=village, ou_path=village.path, province_code=village.province_code, number="002"
    ).pk
