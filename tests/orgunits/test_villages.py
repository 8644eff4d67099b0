"""Villages and partner organisations created under a commune, singly or from CSV."""

import pytest

from danso.orgunits.models import Level, OrgUnit, UnitSuccession
from danso.orgunits.services import UnitError, create_village, import_villages

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged_commune():
    """A current commune formed from several old ones."""
    link = (
        UnitSuccession.objects.filter(old__level=Level.COMMUNE, new__path__startswith="/VN/P66/")
        .values("new")
        .order_by("new")
    )
    for row in link:
        commune = OrgUnit.objects.get(pk=row["new"])
        if commune.predecessor_links.count() >= 2:
            return commune
    raise AssertionError("Đắk Lắk has merged communes")


def test_village_is_attributed_to_one_old_and_one_new_commune(merged_commune):
    old = merged_commune.predecessor_links.first().old
    village = create_village(
        merged_commune, code="T1", name="Thôn Một", unit_type="thon", legacy_commune=old.code
    )
    assert village.parent == merged_commune
    assert village.legacy_commune == old
    assert village.path == f"{merged_commune.path}{merged_commune.uid}-T1/"
    assert village.level == Level.VILLAGE


def test_merged_commune_requires_the_old_commune(merged_commune):
    with pytest.raises(UnitError) as err:
        create_village(merged_commune, code="T1", name="Thôn Một", unit_type="thon")
    assert err.value.code == "legacy_commune_required"


def test_old_commune_must_be_a_predecessor(merged_commune):
    with pytest.raises(UnitError) as err:
        create_village(
            merged_commune, code="T1", name="Thôn Một", unit_type="thon", legacy_commune="00001"
        )
    assert err.value.code == "legacy_commune_not_predecessor"


def test_duplicate_code_is_refused(merged_commune):
    old = merged_commune.predecessor_links.first().old.code
    create_village(merged_commune, code="T1", name="A", unit_type="thon", legacy_commune=old)
    with pytest.raises(UnitError) as err:
        create_village(merged_commune, code="T1", name="B", unit_type="thon", legacy_commune=old)
    assert err.value.code == "duplicate_code"


def test_csv_import_reports_every_bad_row_and_creates_nothing(merged_commune):
    old = merged_commune.predecessor_links.first().old.code
    csv = (
        "code,name,unit_type,legacy_commune\n"
        f"01,Thôn 1,thon,{old}\n"
        f"02,,thon,{old}\n"  # no name
        f"03,Thôn 3,lang,{old}\n"  # unknown type
        f"01,Thôn 1 bis,thon,{old}\n"  # duplicate code in the file
        "04,Thôn 4,thon,\n"  # old commune missing for a merged commune
    ).encode()
    result = import_villages(merged_commune, csv)
    assert [(e.row, e.field, e.code) for e in result.errors] == [
        (3, "name", "required"),
        (4, "unit_type", "invalid_unit_type"),
        (5, "code", "duplicate_in_file"),
        (6, "legacy_commune", "legacy_commune_required"),
    ]
    assert result.created == []
    assert not merged_commune.children.exists()


def test_csv_import_creates_all_rows_when_valid(merged_commune):
    old = merged_commune.predecessor_links.first().old.code
    csv = (
        "\ufeffcode,name,unit_type,legacy_commune\n"
        f"01,Thôn Đông,thon,{old}\n02,Tổ dân phố 2,to_dan_pho,{old}\n"
    ).encode()
    result = import_villages(merged_commune, csv)
    assert result.errors == []
    assert sorted(merged_commune.children.values_list("name", flat=True)) == [
        "Thôn Đông",
        "Tổ dân phố 2",
    ]


def test_csv_import_rejects_missing_columns_and_bad_encoding(merged_commune):
    assert import_villages(merged_commune, b"ma,ten\n1,x\n").errors[0].code == "missing_columns"
    utf16 = "code,name,unit_type\n".encode("utf-16")
    assert import_villages(merged_commune, utf16).errors[0].code == "encoding"
    assert not merged_commune.children.exists()


def test_csv_import_refuses_a_field_over_128_kib_as_its_row(merged_commune):
    """Python's csv module stops the whole file at a field over 128 KiB (`_csv.Error: field
    larger than field limit`); the file is read, that row is refused naming its column, the
    other rows are checked too, and nothing is created."""
    old = merged_commune.predecessor_links.first().old.code
    huge = "Thôn " + "x" * (128 * 1024)
    csv = (
        "code,name,unit_type,legacy_commune\n"
        f'01,Thôn Đông,thon,{old}\n02,"{huge}",thon,{old}\n03,Thôn 3,nope,{old}\n'
    ).encode()
    result = import_villages(merged_commune, csv)
    assert [(e.row, e.field, e.code) for e in result.errors] == [
        (3, "name", "too_long"),
        (4, "unit_type", "invalid_unit_type"),
    ]
    assert result.errors[0].message
    assert not merged_commune.children.exists()
    fixed = import_villages(merged_commune, csv.replace(huge.encode(), "Thôn 2".encode()))
    assert [(e.row, e.code) for e in fixed.errors] == [(4, "invalid_unit_type")]
