"""The persons import's fast path (exchange.persons_bulk): a lean check pass, then a staging
table spread by INSERT … SELECT. It must write exactly what the row-by-row path writes, refuse
a file whole for one bad row anywhere (explained as before), and audit every written row."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from danso.accounts.models import Role
from danso.exchange import persons_bulk
from danso.exchange.register_import import import_persons
from danso.exchange.tables import read_table
from danso.register.models import (
    Event,
    EventKind,
    Household,
    MaritalSpell,
    MethodSpell,
    Person,
    Residence,
)
from danso.statistics.models import VillageVersion

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 1)
HEADER = (
    "village,household_number,full_name,sex,date_of_birth,relationship,ethnicity,education,"
    "marital_status,residence_kind,citizen_id,subject_code,phone,prior_live_births,method,"
    "registered_on,address\n"
)
# Codes written as labels and with or without diacritics, a citizen ID, a method in use, a
# temporary resident, a person entered on another day, two households (one already exists).
VARIED = (
    "01,001,Nguyễn Văn Hùng,Nam,12/04/1985,1,Kinh,5,2,1,066085000123,DN4660000001,0912345678,"
    ",,01/10/2026,Thôn 1\n"
    "01,001,Lê  Thị   Hoa,Nữ,1988-09-03,2,01,4,2,1,,,,2,1,01/10/2026,\n"
    "01,001,Nguyễn Thị Bé,2,03-05-2015,3,,,1,,,,,,,01/10/2026,\n"
    "01,002,Y Bhin Niê,1,01/05/1990,1,e-de,,2,3,,,,,,15/10/2026,Buôn 2\n"
    "01,002,H'Nga Niê,2,02/06/1992,2,12,,2,2,,,,1,6,15/10/2026,\n"
    "01,003,Trần Văn An,1,07/07/1970,3,,,4,,,,,,,,\n"
)


def table(text):
    return read_table("f.csv", (HEADER + text).encode())


@pytest.fixture
def officer(village, make_user):
    return make_user("xa", Role.COMMUNE, village.parent)


def snapshot():
    """Everything the import wrote, with ids replaced by what they stand for."""
    people = {p.pk: p.full_name for p in Person.objects.all()}
    homes = {h.pk: h.number for h in Household.objects.all()}
    events = {e.pk: people[e.person_id] for e in Event.objects.all()}

    def rows(model, drop, swap):
        out = []
        for values in model.objects.values():
            for name in drop:
                values.pop(name)
            for name, names in swap.items():
                values[name] = names.get(values[name], values[name])
            out.append(tuple(sorted((k, str(v)) for k, v in values.items())))
        return sorted(out)

    entries = []
    for entry in LogEntry.objects.order_by("pk"):
        changes = {k: v for k, v in entry.changes.items()
                   if k not in ("id", "recorded_at", "created_at", "slip_id")}  # fmt: skip
        for name, names in (("person_id", people), ("household_id", homes)):
            if name in changes:
                changes[name] = names[int(changes[name][1])]
        owners = {"event": events, "household": homes}.get(entry.content_type.model, {})
        owner = owners.get(entry.object_id, entry.object_repr)  # a slip: by its name
        entries.append((entry.content_type.model, entry.action, entry.object_repr, owner,
                        sorted(changes.items()), entry.actor_id,
                        entry.additional_data))  # fmt: skip
    return {
        "persons": rows(Person, ["id"], {"household_id": homes}),
        "households": rows(Household, ["id", "created_at"], {}),
        "events": rows(
            Event, ["id", "recorded_at", "slip_id"], {"person_id": people, "household_id": homes}
        ),  # fmt: skip
        "residences": rows(Residence, ["id"], {"person_id": people, "household_id": homes}),
        "maritals": rows(MaritalSpell, ["id"], {"person_id": people}),
        "methods": rows(MethodSpell, ["id"], {"person_id": people}),
        "audit": sorted(entries, key=str),
    }


@pytest.mark.parametrize("accept", [True, False])
def test_the_sql_path_writes_what_the_row_by_row_path_writes(village, officer, monkeypatch,
                                                             accept):  # fmt: skip
    import_persons(
        village.parent,
        table("01,003,Phạm Thị Lan,2,01/01/1972,2,,,4,,,,,,,,\n"),
        user=officer,
        accept=True,
        today=TODAY,
    )  # fmt: skip (003 exists, no head)
    LogEntry.objects.all().delete()
    results = []
    for fast in (True, False):
        with transaction.atomic():
            if not fast:
                monkeypatch.setattr(persons_bulk, "check", lambda *args: None)
            result = import_persons(village.parent, table(VARIED), user=officer, accept=accept,
                                    today=TODAY)  # fmt: skip
            assert (result.errors, result.created) == ([], 6)
            results.append(snapshot())
            transaction.set_rollback(True)
    fast, slow = results
    assert fast == slow
    assert len(fast["persons"]) == 7
    assert len(fast["audit"]) == 6 + 2 + 1  # six events, two new households, 003's head
    assert len(fast["residences"]) == (7 if accept else 1)
    assert len(fast["methods"]) == (2 if accept else 0)


def test_the_event_audit_entry_lists_the_written_fields(village, officer):
    result = import_persons(village.parent, table(VARIED), user=officer, accept=True, today=TODAY)
    assert result.created == 6
    hoa = Person.objects.get(full_name="Lê Thị Hoa")
    event = Event.objects.get(person=hoa)
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Event),
                                 object_id=event.pk)  # fmt: skip
    data = ('{"person": {"full_name": "Lê Thị Hoa", "sex": "2", "relationship": "2", '
            '"ethnicity": "01", "education": "4", "marital_status": "2", '
            '"residence_kind": "1", "date_of_birth": "1988-09-03", '
            '"prior_live_births": 2}, "method": "1"}')  # fmt: skip
    assert entry.changes == {
        "village_id": ["None", str(village.pk)], "ou_path": ["None", village.path],
        "province_code": ["None", village.province_code], "kind": ["None", "registration"],
        "occurred_on": ["None", "2026-10-01"], "recorded_at": ["None", str(event.recorded_at)],
        "recorded_by_id": ["None", str(officer.pk)], "slip_id": ["None", str(event.slip_id)],
        "household_id": ["None", str(hoa.household_id)], "person_id": ["None", str(hoa.pk)],
        "is_accepted": ["None", "True"], "sex": ["None", "2"], "method": ["None", "1"],
        "data": ["None", data],
    }  # fmt: skip
    assert entry.object_repr == f"{EventKind.REGISTRATION.label} 01/10/2026"
    assert entry.actor == officer
    assert entry.additional_data == {"ou_path": village.path}
    assert event.data["method"] == "1" and hoa.prior_live_births == 2
    assert MethodSpell.objects.get(person=hoa).start == datetime.date(2026, 10, 1)
    assert Residence.objects.get(person__full_name="Y Bhin Niê").start == datetime.date(
        2026, 10, 15
    )
    no_method = LogEntry.objects.get(object_id=Event.objects.get(person__full_name="Y Bhin Niê").pk,
                                     content_type__model="event")  # fmt: skip
    assert "method" not in no_method.changes


def big_file(village, rows, bad=()):
    lines = []
    for i in range(rows):
        born = datetime.date(1940, 1, 1) + datetime.timedelta(days=(i * 7919) % 30000)
        when = "31/02/1990" if i + 1 in bad else f"{born:%d/%m/%Y}"
        lines.append(f"{village.uid},{i // 4:06d},Người {i} Thử,{'1' if i % 2 else '2'},{when},"
                     f"{'1' if i % 4 == 0 else '3'},,,1,,,,,,,01/10/2026,\n")  # fmt: skip
    return table("".join(lines))


def test_a_bad_row_far_down_a_big_file_refuses_it_whole(village, officer):
    before = LogEntry.objects.count()
    result = import_persons(village.parent, big_file(village, 40001, bad={40000}),
                            user=officer, accept=True, today=TODAY)  # fmt: skip
    assert result.created == 0
    assert [(p.index, p.field, p.code) for p in result.errors] == [
        (40001, "date_of_birth", "invalid_date")  # line 40,001: the header is line 1
    ]
    assert result.errors[0].message == "Không phải là ngày hợp lệ (dd/mm/yyyy hoặc yyyy-mm-dd)."
    assert Person.objects.count() == Household.objects.count() == Event.objects.count() == 0
    assert LogEntry.objects.count() == before


def test_every_refused_row_is_reported(village, officer):
    rows = big_file(village, 3000, bad={5, 2999})
    rows[1].append((3002, {**rows[1][0][1]}))  # the first person again: a duplicate
    result = import_persons(village.parent, rows, user=officer, accept=True, today=TODAY)
    assert [(p.index, p.code) for p in result.errors] == [
        (6, "invalid_date"), (3000, "invalid_date"), (3002, "duplicate_person")
    ]  # fmt: skip
    assert Person.objects.count() == 0


def test_every_row_of_a_big_file_is_written_and_audited(village, officer):
    version = VillageVersion.objects.filter(village=village).values_list("version", flat=True)
    before = version.first() or 0
    result = import_persons(village.parent, big_file(village, 4000), user=officer, accept=True,
                            today=TODAY)  # fmt: skip
    assert (result.errors, result.created) == ([], 4000)
    audit = LogEntry.objects.filter(action=LogEntry.Action.CREATE)
    events = audit.filter(content_type=ContentType.objects.get_for_model(Event))
    assert sorted(events.values_list("object_id", flat=True)) == sorted(
        Event.objects.values_list("pk", flat=True)
    )
    households = audit.filter(content_type=ContentType.objects.get_for_model(Household))
    assert households.count() == Household.objects.count() == 1000
    assert Residence.objects.count() == MaritalSpell.objects.count() == 4000
    assert Household.objects.exclude(head_name="").count() == 1000
    # The reports' per-village store sees the new rows: the village's version moved on.
    assert version.first() == before + 1


def test_a_file_of_headers_alone_writes_nothing(village, officer):
    before = LogEntry.objects.count()
    result = import_persons(village.parent, table(""), user=officer, accept=True, today=TODAY)
    assert (result.total, result.created, result.errors) == (0, 0, [])
    assert Person.objects.count() == Event.objects.count() == 0
    assert LogEntry.objects.count() == before
