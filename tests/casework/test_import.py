"""Importing an existing list: all or nothing, every bad row reported; CSV and XLSX."""

import pytest

from danso.casework.imports import import_table
from danso.casework.models import Child, DVCase, HouseholdAssessment, Sponsorship
from danso.exchange.tables import xlsx_bytes

pytestmark = pytest.mark.django_db


def test_a_list_with_bad_rows_imports_nothing_and_names_every_row(union):
    a = union["a"]
    text = (
        "place,naming,full_name,birth_date,sex,orphaned,cause,sponsor_kind,sponsor_name,"
        "sponsorship_kind,start,monthly_amount\n"
        f"{a['village'].uid},named,Lê Văn Hư Cấu,2014-01-01,male,both,covid19,person,"
        "Bà Hư Cấu,direct,2024-01-01,500000\n"
        f"{a['commune'].uid},pseudonymous,Tên Không Được Ghi,2013-01-01,female,mother,"
        "disease,,,,,\n"
        f"{union['b']['commune'].uid},pseudonymous,,2012-13-01,x,both,covid19,,,,,\n"
    )
    result = import_table(a["cadre"], "child", "danh-sach.csv", text.encode())
    assert result.created == 0
    got = {(e["row"], e["field"], e["code"]) for e in result.errors}
    assert got == {
        (2, "consent_date", "consent_required"),  # named without the consent's date
        (3, "full_name", "name_not_consented"),
        (4, "place", "forbidden_place"),  # commune B: no union role there
        (4, "birth_date", "invalid"),
        (4, "sex", "invalid_choice"),
    }
    assert Child.objects.count() == 0 and Sponsorship.objects.count() == 0


def test_a_good_list_imports_with_sponsors_and_an_xlsx_too(union):
    a = union["a"]
    text = (
        "place,birth_date,sex,orphaned,cause,sponsor_kind,sponsor_name,sponsorship_kind,start\n"
        f"{a['village'].uid},2014-01-01,male,both,covid19,business,Công ty Hư Cấu,indirect,"
        "2024-01-01\n"
        f"{a['commune'].uid},2015-02-02,female,father,accident,,,,\n"
    )
    result = import_table(a["cadre"], "child", "ds.csv", text.encode())
    assert (result.created, result.errors) == (2, [])
    assert Sponsorship.objects.get().sponsor.name == "Công ty Hư Cấu"
    book = xlsx_bytes(
        [
            (
                "Vụ việc",
                ["place", "opened_on", "form", "detected_by"],
                [[a["commune"].uid, "2024-03-03", "psychological", "self"]],
            )
        ]
    )
    result = import_table(a["cadre"], "case", "vu-viec.xlsx", book)
    assert (result.created, result.errors) == (1, []) and DVCase.objects.count() == 1
    households = (
        "place,year,head_name,no_poverty,no_lawbreaking,no_violence,no_third_child,"
        "no_malnutrition,clean_house,clean_kitchen,clean_alley\n"
        f"{a['village'].uid},2024,Hộ Hư Cấu,x,x,x,x,x,x,x,x\n"
        f"{a['village'].uid},2024,Hộ Hư Cấu 2,x,x,x,x,x,x,x,\n"
    )
    result = import_table(a["cadre"], "household", "ho.csv", households.encode())
    assert result.created == 2
    assert list(
        HouseholdAssessment.objects.order_by("head_name").values_list("achieved", flat=True)
    ) == [True, False]


def test_a_file_missing_columns_is_refused_whole(union):
    result = import_table(union["a"]["cadre"], "address", "x.csv", b"place,name\nA,B\n")
    assert result.errors[0]["code"] == "missing_columns"
