"""Importing DHIS2 files: what each value becomes, and every value that cannot be placed."""

import datetime
import json

import pytest
from django.utils import timezone

from danso.exchange.dhis2_import import import_data_values
from danso.orgunits.models import OrgUnit
from danso.orgunits.services import legacy_communes_for
from danso.programmes.models import DataValue
from danso.statistics.models import Submission

from .factories import put, snapshot

pytestmark = pytest.mark.django_db

HEADER = "dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,followup\n"  # noqa: E501


def csv_file(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def test_an_adx_message_written_by_hand(world):
    """The spec's layout: period as start/duration, one attribute per category, an annotation;
    a group for a unit without disaggregation."""
    a = world["a"]
    message = f"""<?xml version="1.0" encoding="UTF-8"?>
<adx xmlns="urn:ihe:qrph:adx:2015" exported="2026-01-05T08:00:00Z">
  <group orgUnit="{a["zone"].uid}" period="2025-07-01/P3M" dataSet="KCN_QUY"
         completeDate="2026-01-05">
    <dataValue dataElement="KCN_WORKERS_SERVED" SEX="FEMALE" ETHNICITY="KINH" value="32"/>
    <dataValue dataElement="KCN_WORKERS_SERVED" ETHNICITY="ETHNIC_MINORITY" SEX="MALE" value="5">
      <annotation>Công ty may Hòa Phú</annotation>
    </dataValue>
  </group>
  <group orgUnit="{a["commune"].uid}" period="2025-10-01/P3M" dataSet="XA_HOAT_DONG">
    <dataValue dataElement="XA_FREE_CONTRACEPTIVES_POOR" POVERTY="POOR" value="14"/>
  </group>
  <group orgUnit="{a["union"].uid}" period="2025-01-01/P1Y" dataSet="HLHPN_NAM">
    <dataValue dataElement="WU_SPONSOR_FUNDS" value="2500000.75"/>
  </group>
</adx>""".encode()

    summary = import_data_values(message, "adx", a["user"])

    assert summary.status == "SUCCESS", summary.conflicts
    zone, commune, union = a["zone"].uid, a["commune"].uid, a["union"].uid
    assert snapshot() == sorted([
        ("KCN_WORKERS_SERVED", "FEMALE_KINH", zone, "2025Q3", 32, "", False),
        ("KCN_WORKERS_SERVED", "MALE_ETHNIC_MINORITY", zone, "2025Q3", 5, "Công ty may Hòa Phú",
         False),
        ("XA_FREE_CONTRACEPTIVES_POOR", "POOR", commune, "2025Q4", 14, "", False),
        ("WU_SPONSOR_FUNDS", "default", union, "2025", 2500000.75, "", False),
    ])  # fmt: skip
    value = DataValue.objects.get(data_element__code="XA_FREE_CONTRACEPTIVES_POOR")
    assert (value.period_start, value.period_end) == (datetime.date(2025, 10, 1),
                                                      datetime.date(2025, 12, 31))  # fmt: skip
    assert value.source == "import" and value.stored_by == a["user"]


def test_a_file_with_bad_values_imports_nothing_and_names_each(world):
    a, b = world["a"], world["b"]
    commune, zone, other = a["commune"].uid, a["zone"].uid, b["commune"].uid
    data = csv_file(
        f"XA_CLUBS_ACTIVE,2025Q3,{commune},default,,3,,,,",  # line 2: fine
        f"NO_SUCH,2025Q3,{commune},default,,1,,,,",
        f"XA_CLUBS_ACTIVE,2025Q3,{other},default,,1,,,,",  # another commune's
        f"XA_CLUBS_ACTIVE,2025-13,{commune},,,1,,,,",
        f"XA_CLUBS_ACTIVE,202507,{commune},,,1,,,,",  # a month; the data set is quarterly
        f"KCN_WORKERS_SERVED,2025Q3,{zone},MALE,,1,,,,",  # a cell of another disaggregation
        f"XA_FREE_CONTRACEPTIVES_POOR,2025Q3,{commune},POOR,,-2,,,,",
        f"XA_FREE_CONTRACEPTIVES_POOR,2025Q3,{commune},POOR,,mười,,,,",
        f"ACT_COMM_SESSIONS,2025Q3,{commune},,,4,,,,",  # counted from activities
        f"XA_CLUBS_ACTIVE,2025Q3,{commune},default,,5,,,,",  # line 2 again
        f"KCN_WORKERS_SERVED,2025Q3,{zone},,,1,,,,",  # which cell?
        f"XA_CLUBS_ACTIVE,2025Q3,{zone},,,1,,,,",  # the zone does not report XA_HOAT_DONG
        "NO_SUCH,abc,,,,1,,,,",  # three problems at once
        f"XA_CLUBS_ACTIVE,2025Q4,{commune},,,2,,,,",  # line 15: fine
    )

    summary = import_data_values(data, "csv", a["user"])

    assert summary.status == "ERROR"
    assert (summary.imported, summary.ignored) == (0, 14)
    assert not DataValue.objects.exists()
    assert [(c.line, c.field, c.code, c.object) for c in summary.conflicts] == [
        (3, "dataElement", "unknown_data_element", "NO_SUCH"),
        (4, "orgUnit", "unknown_org_unit", other),
        (5, "period", "invalid_period", "2025-13"),
        (6, "period", "wrong_period_type", "202507"),
        (7, "categoryOptionCombo", "not_in_category_combo", "MALE"),
        (8, "value", "not_zero_or_positive_integer", "-2"),
        (9, "value", "not_a_number", "mười"),
        (10, "dataElement", "fed_by_activities", "ACT_COMM_SESSIONS"),
        (11, "dataElement", "duplicate", "XA_CLUBS_ACTIVE"),
        (12, "categoryOptionCombo", "disaggregation_required", ""),
        (13, "orgUnit", "not_assigned", zone),
        (14, "dataElement", "unknown_data_element", "NO_SUCH"),
        (14, "orgUnit", "required", ""),
        (14, "period", "invalid_period", "abc"),
    ]
    assert [c.index for c in summary.conflicts][:2] == [1, 2]  # position among the values
    messages = {c.code: c.message for c in summary.conflicts}
    assert messages["unknown_org_unit"] == f"Không có đơn vị {other} trong địa bàn của bạn."
    assert messages["duplicate"].endswith("vị trí 0 (dòng 2).")
    assert "hoạt động" in messages["fed_by_activities"]

    valid = import_data_values(data, "csv", a["user"], import_valid=True)

    assert valid.status == "WARNING"
    assert (valid.imported, valid.updated, valid.ignored) == (2, 0, 12)
    assert len(valid.conflicts) == len(summary.conflicts)
    assert sorted(DataValue.objects.values_list("period", "value")) == [("2025Q3", 3),
                                                                        ("2025Q4", 2)]  # fmt: skip


def test_a_locked_period_refuses_its_values(world):
    a = world["a"]
    commune = a["commune"]
    Submission.objects.create(
        form_code="XA_HOAT_DONG", unit=commune, ou_path=commune.path, period="2025Q3",
        period_start=datetime.date(2025, 7, 1), period_end=datetime.date(2025, 9, 30),
        version=1, status=Submission.Status.APPROVED, values={}, as_of=timezone.now(),
        submitted_by=a["user"],
    )  # fmt: skip
    data = csv_file(
        f"XA_CLUBS_ACTIVE,2025Q3,{commune.uid},,,3,,,,",
        f"XA_CLUBS_ACTIVE,2025Q4,{commune.uid},,,3,,,,",
    )

    summary = import_data_values(data, "csv", a["user"])

    assert [(c.line, c.code) for c in summary.conflicts] == [(2, "period_locked")]
    assert "đã được duyệt" in summary.conflicts[0].message
    assert not DataValue.objects.exists()


def test_sensitive_values_need_the_permission(world):
    """The province officer lacks it: a flagged element, and one of a sensitive data set."""
    union = world["a"]["union"].uid
    data = csv_file(
        f"WU_DV_DETECTED,2025,{union},,,3,,,,",
        f"WU_TRUSTED_ADDRESSES,2025,{union},,,3,,,,",
    )
    summary = import_data_values(data, "csv", world["province_user"])
    assert [(c.line, c.code) for c in summary.conflicts] == [(2, "sensitive"), (3, "sensitive")]
    assert import_data_values(data, "csv", world["a"]["user"]).status == "SUCCESS"


def test_updates_unchanged_values_and_deletions(world):
    a = world["a"]
    commune = a["commune"]
    put("XA_CLUBS_ACTIVE", "default", commune, "2025Q3", "3")
    put("XA_FREE_CONTRACEPTIVES_POOR", "POOR", commune, "2025Q3", "14")
    put("XA_CLUBS_ACTIVE", "default", commune, "2025Q4", "2")
    data = csv_file(
        f"XA_CLUBS_ACTIVE,2025Q3,{commune.uid},,,3,,,,",  # unchanged
        f"XA_FREE_CONTRACEPTIVES_POOR,2025Q3,{commune.uid},POOR,,15,,,sửa,",  # changed
        f"XA_CLUBS_ACTIVE,2025Q4,{commune.uid},,,,,,,",  # empty: deletes
        f"XA_CLUBS_ACTIVE,2026Q1,{commune.uid},,,1,,,,",  # new
    )
    before = snapshot()

    dry = import_data_values(data, "csv", a["user"], dry_run=True)

    assert (dry.status, dry.dry_run) == ("SUCCESS", True)
    assert (dry.imported, dry.updated, dry.ignored, dry.deleted) == (1, 1, 1, 1)
    assert snapshot() == before

    done = import_data_values(data, "csv", a["user"])

    assert (done.imported, done.updated, done.ignored, done.deleted) == (1, 1, 1, 1)
    assert sorted(DataValue.objects.values_list("period", "value", "comment")) == [
        ("2025Q3", 3, ""), ("2025Q3", 15, "sửa"), ("2026Q1", 1, ""),
    ]  # fmt: skip


def test_changes_are_in_the_audit_log(world):
    from auditlog.models import LogEntry

    a = world["a"]
    data = csv_file(f"XA_CLUBS_ACTIVE,2025Q3,{a['commune'].uid},,,3,,,,")
    import_data_values(data, "csv", a["user"])
    entry = LogEntry.objects.get_for_model(DataValue).get()
    assert entry.actor == a["user"]
    assert entry.action == LogEntry.Action.CREATE


def test_json_header_fields_and_numbers(world):
    """Header period and orgUnit apply to values without their own; a JSON number is read."""
    a = world["a"]
    document = {"dataSet": "XA_HOAT_DONG", "period": "2025Q3", "orgUnit": a["commune"].uid,
                "dataValues": [
                    {"dataElement": "XA_CLUBS_ACTIVE", "value": 3},
                    {"dataElement": "XA_CLUBS_ACTIVE", "period": "2025Q4", "value": "2",
                     "categoryOptionCombo": "HllvX50cXC0",
                     "attributeOptionCombo": "HllvX50cXC0"},
                ]}  # fmt: skip
    data = json.dumps(document).encode()
    summary = import_data_values(data, "json", a["user"])
    assert summary.status == "SUCCESS", summary.conflicts
    assert sorted(DataValue.objects.values_list("period", "value")) == [("2025Q3", 3),
                                                                        ("2025Q4", 2)]  # fmt: skip


@pytest.mark.parametrize(
    ("fmt", "data", "words"),
    [
        ("json", b"{not json", "JSON"),
        ("json", b"[1, 2]", "dataValues"),
        ("adx", b"<adx xmlns='urn:ihe:qrph:adx:2015'></adx>", "exported"),
        ("adx", b"<dataValueSet xmlns='http://dhis2.org/schema/dxf/2.0'/>", "urn:ihe:qrph:adx"),
        (
            "adx",
            b'<?xml version="1.0"?><!DOCTYPE adx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<adx xmlns='urn:ihe:qrph:adx:2015' exported='2026-01-01'>&x;</adx>",
            "XML",
        ),
        ("csv", b"\xff\xfe", "UTF-8"),
    ],
)
def test_unreadable_files(world, fmt, data, words):
    summary = import_data_values(data, fmt, world["a"]["user"])
    assert summary.status == "ERROR"
    assert [c.code for c in summary.conflicts] == ["unreadable"]
    assert words in summary.conflicts[0].message


def test_a_csv_file_without_header_loses_no_value(world):
    commune = world["a"]["commune"].uid
    data = f"XA_CLUBS_ACTIVE,2025Q3,{commune},,,3\n".encode()
    assert import_data_values(data, "csv", world["a"]["user"]).imported == 1


def test_bulk_writes_audit_every_new_changed_and_deleted_value(world):
    from auditlog.models import LogEntry

    a = world["a"]
    commune = a["commune"]
    put("XA_FREE_CONTRACEPTIVES_POOR", "POOR", commune, "2025Q3", "14")
    put("XA_CLUBS_ACTIVE", "default", commune, "2025Q4", "2")
    LogEntry.objects.all().delete()
    gone = DataValue.objects.get(period="2025Q4")
    data = csv_file(
        f"XA_FREE_CONTRACEPTIVES_POOR,2025Q3,{commune.uid},POOR,,15,,,sửa,",  # changed
        f"XA_CLUBS_ACTIVE,2025Q4,{commune.uid},,,,,,,",  # empty: deletes
        f"XA_CLUBS_ACTIVE,2026Q1,{commune.uid},,,1,,,,",  # new
    )
    import_data_values(data, "csv", a["user"])
    entries = {e.action: e for e in LogEntry.objects.get_for_model(DataValue)}
    assert set(entries) == {LogEntry.Action.CREATE, LogEntry.Action.UPDATE,
                            LogEntry.Action.DELETE}  # fmt: skip
    assert all(e.actor == a["user"] for e in entries.values())
    assert all(e.additional_data == {"ou_path": commune.path} for e in entries.values())
    changed = entries[LogEntry.Action.UPDATE]
    assert changed.changes["value"] == ["14.00", "15"]
    assert changed.changes["comment"] == ["", "sửa"]
    assert entries[LogEntry.Action.DELETE].object_id == gone.pk
    new = DataValue.objects.get(period="2026Q1")
    assert entries[LogEntry.Action.CREATE].object_id == new.pk
    assert entries[LogEntry.Action.CREATE].changes["value"] == ["None", "1"]
    assert new.created is not None and new.stored_by == a["user"]


def _many_values(commune: str, count: int) -> list[str]:
    """`count` distinct XA_CLUBS_ACTIVE values of an old commune (`_old_commune`), one per
    quarter going back from 2025Q2, its last."""
    quarters = [f"{year}Q{q}" for year in range(2025, 1900, -1) for q in (4, 3, 2, 1)][2:]
    return [f"XA_CLUBS_ACTIVE,{quarters[i]},{commune},default,,{i},,,," for i in range(count)]


def test_one_bad_value_near_the_end_refuses_the_whole_streamed_file(world, monkeypatch, tmp_path):
    """Chunks of 50: the first ones are placed and written inside the transaction before the
    bad value is read; then everything is rolled back and only that value is reported."""
    from auditlog.models import LogEntry

    from danso.exchange import dhis2_import

    monkeypatch.setattr(dhis2_import, "CHUNK", 50)
    commune, officer = _old_commune(world), world["province_user"]
    rows = _many_values(commune, 230)
    rows[227] = f"XA_CLUBS_ACTIVE,1950Q1,{commune},default,,bảy,,,,"  # line 229 of the file
    path = tmp_path / "values.csv"
    path.write_bytes(csv_file(*rows))
    entries = LogEntry.objects.count()

    summary = import_data_values(path, "csv", officer)

    assert summary.status == "ERROR"
    assert [(c.index, c.line, c.code, c.object) for c in summary.conflicts] == [
        (227, 229, "not_a_number", "bảy")
    ]
    assert (summary.total, summary.imported, summary.ignored) == (230, 0, 230)
    assert not DataValue.objects.exists()
    assert LogEntry.objects.count() == entries  # no audit entry of the rolled-back chunks

    rows[227] = f"XA_CLUBS_ACTIVE,1950Q1,{commune},default,,7,,,,"
    path.write_bytes(csv_file(*rows))
    done = import_data_values(path, "csv", officer)
    assert (done.status, done.imported) == ("SUCCESS", 230)
    assert DataValue.objects.count() == 230
    assert LogEntry.objects.get_for_model(DataValue).count() == 230


def test_duplicates_are_found_across_chunks(world, monkeypatch):
    from danso.exchange import dhis2_import

    monkeypatch.setattr(dhis2_import, "CHUNK", 10)
    commune, officer = _old_commune(world), world["province_user"]
    rows = _many_values(commune, 25)
    rows.append(rows[3].replace(",3,,,,", ",99,,,,"))  # value 3 again, 22 values later

    summary = import_data_values(csv_file(*rows), "csv", officer)

    assert [(c.index, c.line, c.code) for c in summary.conflicts] == [(25, 27, "duplicate")]
    assert summary.conflicts[0].message.endswith("vị trí 3 (dòng 5).")
    assert not DataValue.objects.exists()
    valid = import_data_values(csv_file(*rows), "csv", officer, import_valid=True)
    assert (valid.imported, valid.ignored) == (25, 1)
    assert DataValue.objects.get(period=rows[3].split(",")[1]).value == 3


def test_an_adx_file_broken_midway_is_refused_whole(world, monkeypatch):
    from danso.exchange import dhis2_import

    monkeypatch.setattr(dhis2_import, "CHUNK", 2)
    commune, officer = _old_commune(world), world["province_user"]
    groups = "".join(
        f'<group orgUnit="{commune}" period="{y}-01-01/P3M" dataSet="XA_HOAT_DONG">'
        f'<dataValue dataElement="XA_CLUBS_ACTIVE" value="{y % 10}"/></group>'
        for y in range(2015, 2025)
    )
    message = (f'<adx xmlns="urn:ihe:qrph:adx:2015" exported="2026-01-05">{groups}'
               "<group orgUnit=").encode()  # fmt: skip
    summary = import_data_values(message, "adx", officer)
    assert [c.code for c in summary.conflicts] == ["unreadable"]
    assert not DataValue.objects.exists()
    whole = message[: -len(b"<group orgUnit=")] + b"</adx>"
    assert import_data_values(whole, "adx", officer).imported == 10


def test_values_are_placed_on_the_map_of_their_period(world):
    """Entry by map (programmes/maps.py): a period's values go to the units in force on its
    last day — the old communes up to 30/06/2025, the new ones from 01/07/2025. The province
    officer reaches the old communes wholly inside the province (as data entry does)."""
    a = world["a"]
    new = a["commune"]
    old = OrgUnit.objects.get(uid=_old_commune(world))  # one the commune was formed from
    assert old.is_legacy and old.valid_to == datetime.date(2025, 6, 30)
    officer = world["province_user"]
    data = csv_file(
        f"XA_CLUBS_ACTIVE,2024Q4,{new.uid},,,1,,,,",  # line 2: before the new commune
        f"XA_CLUBS_ACTIVE,2025Q3,{old.uid},,,2,,,,",  # line 3: after the old one closed
        f"XA_CLUBS_ACTIVE,2025Q2,{new.uid},,,3,,,,",  # line 4: the quarter ends 30/06
        f"XA_CLUBS_ACTIVE,2025Q2,{old.uid},,,4,,,,",  # fine
        f"XA_CLUBS_ACTIVE,2025Q3,{new.uid},,,5,,,,",  # fine
        f"XA_CLUBS_ACTIVE,2024Q4,{old.uid},,,6,,,,",  # fine
    )

    summary = import_data_values(data, "csv", officer)

    assert summary.status == "ERROR" and (summary.imported, summary.ignored) == (0, 6)
    assert not DataValue.objects.exists()
    assert [(c.line, c.field, c.code, c.object) for c in summary.conflicts] == [
        (2, "orgUnit", "unit_not_yet_in_force", new.uid),
        (3, "orgUnit", "unit_closed_for_period", old.uid),
        (4, "orgUnit", "unit_not_yet_in_force", new.uid),
    ]
    messages = [c.message for c in summary.conflicts]
    assert "01/07/2025" in messages[0] and "30/06/2025" in messages[1]

    valid = import_data_values(data, "csv", officer, import_valid=True)

    assert valid.status == "WARNING" and (valid.imported, valid.ignored) == (3, 3)
    assert snapshot(with_followup=False) == sorted([
        ("XA_CLUBS_ACTIVE", "default", old.uid, "2024Q4", 6, ""),
        ("XA_CLUBS_ACTIVE", "default", old.uid, "2025Q2", 4, ""),
        ("XA_CLUBS_ACTIVE", "default", new.uid, "2025Q3", 5, ""),
    ])  # fmt: skip


def test_an_adx_file_on_the_wrong_map_is_refused_whole(world):
    """The same rule in ADX: a 2025Q3 group on an old commune refuses the whole message."""
    old = OrgUnit.objects.get(uid=_old_commune(world))
    message = f"""<?xml version="1.0" encoding="UTF-8"?>
<adx xmlns="urn:ihe:qrph:adx:2015" exported="2026-01-05T08:00:00Z">
  <group orgUnit="{old.uid}" period="2025-04-01/P3M" dataSet="XA_HOAT_DONG">
    <dataValue dataElement="XA_CLUBS_ACTIVE" value="2"/>
  </group>
  <group orgUnit="{old.uid}" period="2025-07-01/P3M" dataSet="XA_HOAT_DONG">
    <dataValue dataElement="XA_CLUBS_ACTIVE" value="3"/>
  </group>
</adx>""".encode()

    summary = import_data_values(message, "adx", world["province_user"])

    assert summary.status == "ERROR"
    assert [(c.index, c.code, c.object) for c in summary.conflicts] == [
        (1, "unit_closed_for_period", old.uid)
    ]
    assert not DataValue.objects.exists()


def _old_commune(world) -> str:
    """An old commune (a xã or phường: XA_HOAT_DONG's) that went into commune a, reached by
    the province officer (the whole of old Đắk Lắk went into P66)."""
    olds = legacy_communes_for(world["a"]["commune"])
    return next(u.uid for u in olds if u.unit_type in ("xa", "phuong"))
