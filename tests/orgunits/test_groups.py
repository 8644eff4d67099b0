"""Org-unit groups and sets: the editing pages (national administrators only), the CSV import
(all or nothing, every bad row reported), exclusive sets, and the demo's groups."""

import pytest

from danso.accounts.models import Role
from danso.orgunits.groups import create_demo_groups, import_csv, save_group
from danso.orgunits.models import OrgUnit, OrgUnitGroup, OrgUnitGroupSet

pytestmark = pytest.mark.django_db
GOOD = (
    "group_code,group_name,unit,group_set,group_set_name\n"
    "DTTS,Vùng dân tộc thiểu số,C24211,VUNG,Vùng\n"
    "DTTS,,LC24211,VUNG,Vùng\n"
    "KHO_KHAN,Xã khó khăn,C24211,,\n"
)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def members(code):
    return sorted(OrgUnitGroup.objects.get(code=code).members.values_list("uid", flat=True))


def test_import_creates_groups_sets_and_members():
    result = import_csv(GOOD.encode())
    assert result.problems == [] and (result.groups, result.members) == (2, 3)
    assert members("DTTS") == ["C24211", "LC24211"]  # units of either map
    assert members("KHO_KHAN") == ["C24211"]
    assert list(OrgUnitGroupSet.objects.get(code="VUNG").groups.values_list("code", flat=True)) == [
        "DTTS"
    ]
    again = import_csv(b"group_code,group_name,unit\nDTTS,,C22045\n")  # adds
    assert again.problems == [] and members("DTTS") == ["C22045", "C24211", "LC24211"]
    replaced = import_csv(b"group_code,group_name,unit\nDTTS,,C22045\n", replace=True)
    assert replaced.problems == [] and members("DTTS") == ["C22045"]


def test_import_reports_every_bad_row_and_changes_nothing():
    bad = (
        "group_code,group_name,unit\n"
        "DTTS,Vùng DTTS,C24211\n"
        "dtts lower,Tên,C24211\n"  # row 3: a code with a space
        "NEW,,C24211\n"  # row 4: a new group without a name
        "DTTS,,NOPE\n"  # row 5: no such unit
        "DTTS,,C24211-01\n"  # row 6: not a unit there (villages are not grouped)
        "DTTS,,C24211\n"  # row 7: the same as row 2
    )
    result = import_csv(bad.encode())
    found = [(p.row, p.field, p.code) for p in result.problems]
    assert found == [
        (3, "group_code", "invalid_code"),
        (4, "group_name", "required"),
        (5, "unit", "unknown_unit"),
        (6, "unit", "unknown_unit"),
        (7, "unit", "duplicate_in_file"),
    ]
    assert not OrgUnitGroup.objects.exists()
    assert import_csv(b"code,name\n").problems[0].code == "missing_columns"
    assert import_csv("x".encode("utf-16")).problems[0].code == "encoding"


def test_an_exclusive_set_refuses_a_unit_in_two_of_its_groups():
    import_csv(
        b"group_code,group_name,unit,group_set\nURBAN,Urban,C24211,AREA\nRURAL,Rural,C22045,AREA\n"
    )
    result = import_csv(b"group_code,group_name,unit\nRURAL,,C24211\n")
    assert [p.code for p in result.problems] == ["not_exclusive"]
    assert "C24211" in result.problems[0].message
    assert members("RURAL") == ["C22045"]  # nothing changed


def test_save_group_checks_before_saving():
    group, problems = save_group(None, code="x y", name="", members_text="C24211 NOPE")
    assert group is None and {p.code for p in problems} == {"invalid_code", "required",
                                                               "unknown_unit"}  # fmt: skip
    assert not OrgUnitGroup.objects.exists()
    group, problems = save_group(
        None, code="dtts", name="Vùng DTTS", members_text="C24211,\nC22045"
    )
    assert problems == [] and group.code == "DTTS" and members("DTTS") == ["C22045", "C24211"]


def test_pages_for_national_administrators_only(make_user, login, unit):
    admin = make_user("qt", Role.ADMIN, unit("VN"))
    officer = make_user("tinh", Role.PROVINCE, unit("P66"))
    assert login(officer).get("/nhom-don-vi/").status_code == 200
    assert login(officer).get("/nhom-don-vi/them/").status_code == 403
    client = login(admin)
    response = client.post("/nhom-don-vi/them/", {
        "code": "DTTS", "name": "Vùng đồng bào DTTS", "members": "C24211\nC22045",
    })  # fmt: skip
    assert response.status_code == 302 and members("DTTS") == ["C22045", "C24211"]
    page = client.post("/nhom-don-vi/DTTS/", {"code": "DTTS", "name": "Vùng", "members": "NOPE",
                                              "version": 1})  # fmt: skip
    assert "Không có đơn vị này (hoặc là thôn): NOPE." in page.content.decode()
    stale = client.post("/nhom-don-vi/DTTS/", {"code": "DTTS", "name": "Vùng", "members": "",
                                               "version": 0})  # fmt: skip
    assert "Người khác đã lưu bản ghi này" in stale.content.decode()  # version 0 is stale
    assert members("DTTS") == ["C22045", "C24211"]
    response = client.post("/nhom-don-vi/bo/them/", {
        "code": "VUNG", "name": "Vùng", "exclusive": "on",
        "groups": [OrgUnitGroup.objects.get(code="DTTS").pk],
    })  # fmt: skip
    assert response.status_code == 302
    listing = client.get("/nhom-don-vi/").content.decode()
    assert "Vùng đồng bào DTTS" in listing and "VUNG" in listing
    assert "group_code,group_name,unit" in client.get("/nhom-don-vi/mau.csv").content.decode()


def test_demo_groups_are_made_once():
    province = OrgUnit.objects.get(uid="P66")
    create_demo_groups(province)
    create_demo_groups(province)
    assert "C24211" in members("DTTS")  # Xã Ea Súp
    urban, rural = members("THANH_THI"), members("NONG_THON")
    assert urban and rural and not set(urban) & set(rural)
    assert OrgUnitGroupSet.objects.get(code="KHU_VUC").exclusive


def test_import_refuses_a_field_over_128_kib_as_its_row():
    """A group name over Python's csv field limit is that row's problem, not a crash."""
    huge = "N" * (128 * 1024 + 1)
    result = import_csv(f'group_code,group_name,unit\nDTTS,"{huge}",C22045\n'.encode())
    assert [(p.row, p.field, p.code) for p in result.problems] == [(2, "group_name", "too_long")]
    assert not OrgUnitGroup.objects.filter(code="DTTS", name=huge).exists()
