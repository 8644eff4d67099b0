"""Metadata shaped like DHIS2's /api/metadata: export, then import into a danso whose
preloaded data sets were deleted, reproduces them; a malformed file changes nothing."""

import json

import pytest

from danso.exchange.dhis2_metadata import export_metadata
from danso.exchange.dhis2_metadata_import import import_metadata
from danso.programmes.models import (
    Category,
    CategoryCombo,
    CategoryOption,
    CategoryOptionCombo,
    DataElement,
    DataSet,
    ValidationRule,
)
from danso.uids import uid_for

pytestmark = pytest.mark.django_db


def _wipe_programmes():
    ValidationRule.objects.all().delete()
    DataSet.objects.all().delete()
    DataElement.objects.all().delete()
    CategoryOptionCombo.objects.all().delete()
    CategoryCombo.objects.all().delete()
    Category.objects.all().delete()
    CategoryOption.objects.all().delete()


def _without_date(document):
    return {k: v for k, v in document.items() if k != "system"}


@pytest.fixture
def admin(make_user):
    from danso.accounts.models import Role
    from danso.orgunits.models import OrgUnit

    return make_user("quantri", Role.ADMIN, OrgUnit.objects.get(uid="VN"))


def test_export_is_shaped_like_dhis2(db):
    doc = export_metadata()
    element = next(e for e in doc["dataElements"] if e["code"] == "KCN_WORKERS_SERVED")
    assert element["id"] == uid_for("dataElement", "KCN_WORKERS_SERVED")
    assert element["valueType"] == "INTEGER_ZERO_OR_POSITIVE"
    assert element["categoryCombo"] == {"id": uid_for("combo", "SEX_ETHNICITY")}
    data_set = next(d for d in doc["dataSets"] if d["code"] == "KCN_QUY")
    assert data_set["periodType"] == "Quarterly"
    assert {"dataElement": {"id": element["id"]}} in data_set["dataSetElements"]
    rule = next(r for r in doc["validationRules"] if r["code"] == "FPA_CLINIC_LE_CLIENTS")
    clinic = uid_for("dataElement", "FPA_FP_CLINIC")
    assert rule["leftSide"]["expression"] == f"#{{{clinic}}}"
    assert rule["operator"] == "less_than_or_equal_to"
    share = next(i for i in doc["indicators"] if i["code"] == "XA_NEAR_POOR_SHARE")
    assert share["numerator"] == "#{{{}.{}}}".format(
        uid_for("dataElement", "XA_FREE_CONTRACEPTIVES_POOR"),
        uid_for("coc", "NEAR_POOR"),
    )
    units = {u["id"]: u for u in doc["organisationUnits"]}
    assert units["P66"]["parent"] == {"id": "VN"} and units["P66"]["level"] == 2
    legacy = next(u for u in doc["organisationUnits"] if u.get("closedDate"))
    assert legacy["closedDate"] == "2025-06-30"
    assert len(doc["categoryOptionCombos"]) == 1 + 2 + 4 + 2


def test_export_imports_into_an_empty_danso_and_reproduces_it(admin):
    original = export_metadata()
    content = json.dumps(original).encode()
    _wipe_programmes()
    assert not DataSet.objects.exists()
    report = import_metadata(content, admin)
    assert report.status == "OK", [p.as_dict() for p in report.problems[:5]]
    stats = {t: s.as_dict() for t, s in report.types.items()}
    assert stats["dataSets"]["created"] == 4
    assert stats["dataElements"]["created"] == len(original["dataElements"])
    assert stats["categoryOptionCombos"]["created"] == 9
    assert stats["validationRules"]["created"] == 5
    assert stats["indicators"]["ignored"] == 4
    assert stats["organisationUnits"]["created"] == 0
    assert stats["organisationUnits"]["ignored"] == len(original["organisationUnits"])
    assert _without_date(export_metadata()) == _without_date(original)
    kcn = DataSet.objects.get(code="KCN_QUY")
    assert kcn.period_type == "quarter" and kcn.unit_types == ["khu_cong_nghiep", "doanh_nghiep"]
    assert [link.section for link in kcn.element_links.all()][:2] == ["Tư vấn, dịch vụ"] * 2
    # The same file again changes nothing.
    again = import_metadata(content, admin)
    assert again.totals().created == again.totals().updated == 0


def test_dry_run_counts_and_writes_nothing(admin):
    content = json.dumps(export_metadata()).encode()
    _wipe_programmes()
    report = import_metadata(content, admin, dry_run=True)
    assert report.status == "OK" and report.types["dataSets"].created == 4
    assert not DataSet.objects.exists()


def test_a_malformed_file_changes_nothing_and_lists_every_problem(admin):
    doc = export_metadata()
    doc["dataElements"][0]["valueType"] = "TEXT"
    doc["dataElements"][1]["id"] = "short"
    del doc["dataSets"][0]["periodType"]
    doc["validationRules"][0]["leftSide"]["expression"] = "#{nosuchuid00}"
    doc["indicators"].append({"code": "NEW_ONE", "numerator": "1", "denominator": "1"})
    doc["categoryOptions"][0]["name"] = "x" * 201
    doc["widgets"] = []
    before = sorted(DataElement.objects.values_list("code", "value_type", "name"))
    report = import_metadata(json.dumps(doc).encode(), admin)
    assert report.status == "ERROR"
    codes = {(p.type, p.field, p.code) for p in report.problems}
    assert {
        ("dataElements", "valueType", "invalid_value"),
        ("dataElements", "id", "invalid_uid"),
        ("dataSets", "periodType", "required"),
        ("validationRules", "leftSide.expression", "bad_expression"),
        ("indicators", "name", "required"),  # not declared: kept as data, so checked
        ("categoryOptions", "name", "too_long"),
        ("widgets", "widgets", "unknown_type"),
    } <= codes
    assert all(p.message for p in report.problems)
    assert sorted(DataElement.objects.values_list("code", "value_type", "name")) == before
    assert json.loads(json.dumps(report.as_dict()))["status"] == "ERROR"


def test_not_json_is_one_problem(admin):
    report = import_metadata(b"{not json", admin)
    assert [p.code for p in report.problems] == ["not_json"]


def test_the_import_is_audited_as_the_importer(admin):
    from auditlog.models import LogEntry

    content = json.dumps(export_metadata()).encode()
    _wipe_programmes()
    import_metadata(content, admin)
    entries = LogEntry.objects.filter(actor=admin)
    assert entries.filter(content_type__model="dataset").count() == 4


def test_api_gives_and_takes_metadata(admin, bearer, make_user):
    from danso.accounts.models import Role
    from danso.orgunits.models import OrgUnit

    doc = bearer(admin).get("/api/v1/metadata").json()
    assert {d["code"] for d in doc["dataSets"]} >= {"KCN_QUY", "HLHPN_NAM"}
    province = make_user("tinh", Role.ADMIN, OrgUnit.objects.get(uid="P66"))
    body = json.dumps({"dataSets": doc["dataSets"][:1]})
    refused = bearer(province).post("/api/v1/metadata", body, content_type="application/json")
    assert refused.status_code == 403
    doc["dataSets"][0]["name"] = "Tên mới"
    body = json.dumps({"dataSets": doc["dataSets"][:1]})
    answer = bearer(admin).post("/api/v1/metadata?dryRun=true", body,
                                content_type="application/json")  # fmt: skip
    assert answer.status_code == 200, answer.content
    report = answer.json()
    assert report["typeReports"] == [{"klass": "dataSets", "stats": {
        "created": 0, "updated": 1, "deleted": 0, "ignored": 0, "total": 1}}]  # fmt: skip
    bad = bearer(admin).post("/api/v1/metadata", b"[]", content_type="application/json")
    assert bad.status_code == 409
    assert bad.json()["errorReports"][0]["errorCode"] == "not_an_object"
    paths = bearer(admin).get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/metadata"])


def test_command_line_exports_and_imports(admin, tmp_path):
    from typer.testing import CliRunner

    from danso.cli import app

    target = tmp_path / "metadata.json"
    runner = CliRunner()
    result = runner.invoke(app, ["export", "metadata", "--output", str(target)])
    assert result.exit_code == 0, result.output
    doc = json.loads(target.read_text(encoding="utf-8"))
    small = tmp_path / "small.json"
    small.write_text(json.dumps({"dataElements": doc["dataElements"]}), encoding="utf-8")
    result = runner.invoke(app, ["import", "metadata", str(small), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "ignored" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text('{"dataSets": [{"code": "X"}]}', encoding="utf-8")
    result = runner.invoke(app, ["import", "metadata", str(broken)])
    assert result.exit_code == 1 and "required" in result.output


def test_an_over_long_section_name_is_a_problem_not_cut(admin):
    """A section name longer than the column (200) was cut to 200 characters and imported; it
    is now a problem of the import, like every other, and nothing is kept."""
    from danso.programmes.models import DataSetElement

    doc = export_metadata()
    data_set = next(d for d in doc["dataSets"] if d["danso"]["sections"])
    position = 0
    data_set["danso"]["sections"][position]["name"] = "Mục " + "x" * 197  # 201 characters
    before = sorted(DataSetElement.objects.values_list("data_set__code", "section"))
    report = import_metadata(json.dumps(doc).encode(), admin)
    assert [(p.type, p.id, p.field, p.code) for p in report.problems] == [
        ("dataSets", data_set["id"], "danso.sections[0].name", "too_long")
    ]
    assert sorted(DataSetElement.objects.values_list("data_set__code", "section")) == before
    data_set["danso"]["sections"][position]["name"] = "Mục " + "x" * 196  # exactly 200
    assert import_metadata(json.dumps(doc).encode(), admin).status == "OK"
    assert DataSetElement.objects.filter(section="Mục " + "x" * 196).exists()


def test_the_problems_speak_the_active_language(admin):
    """English msgids, Vietnamese from the catalogue: every message is translated."""
    from django.utils import translation

    from danso.exchange.dhis2_metadata_import import MESSAGES

    with translation.override("vi"):
        assert import_metadata(b"{not json", admin).problems[0].message == (
            "Tệp không phải JSON hợp lệ."
        )
        vietnamese = {code: str(text) for code, text in MESSAGES.items()}
    with translation.override("en"):
        assert import_metadata(b"[]", admin).problems[0].message == (
            "The file must be a JSON object holding lists of metadata."
        )
        english = {code: str(text) for code, text in MESSAGES.items()}
    untranslated = [code for code in MESSAGES if vietnamese[code] == english[code]]
    assert untranslated == []


def test_a_group_short_name_or_element_unit_too_long_is_a_problem(admin):
    """Cut to 100 and 30 characters before; now problems, nothing kept."""
    doc = export_metadata()
    doc["organisationUnitGroups"] = [{"code": "DTTS_X", "name": "Nhóm", "shortName": "s" * 101}]
    doc["dataElements"][0].setdefault("danso", {})["unit"] = "u" * 31
    report = import_metadata(json.dumps(doc).encode(), admin)
    assert {(p.type, p.field, p.code) for p in report.problems} == {
        ("organisationUnitGroups", "shortName", "too_long"),
        ("dataElements", "danso.unit", "too_long"),
    }
