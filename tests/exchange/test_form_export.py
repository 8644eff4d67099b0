"""Tracker-to-aggregate: 01-DSH of the small register of tests/statistics (every cell worked out
by hand in test_reports.py's docstring) as DHIS2 aggregate data, one data set per form."""

import csv
import io
import json

import pytest

from danso.exchange.dhis2_formats import read_adx
from danso.exchange.dhis2_metadata import export_metadata
from danso.exchange.form_export import data_set_uid, element_uid, export_form
from danso.orgunits.models import OrgUnit
from danso.statistics import cycle
from danso.statistics.periods import Period
from tests.statistics.conftest import register  # noqa: F401  (the shared hand-built register)

pytestmark = pytest.mark.django_db

# P66 in 2025Q3, by hand (tests/statistics/test_reports.py): the two communes added up.
BY_HAND = {
    "DS_HOUSEHOLDS": "3", "DS_FAMILY_HOUSEHOLDS": "2", "DS_RESIDENTS": "8",
    "DS_MARRIED_WOMEN_15_49": "4", "DS_BIRTHS": "1", "DS_BIRTHS_MALE": "1",
    "DS_BIRTHS_FEMALE": "0", "DS_BIRTHS_ORDER2": "1", "DS_BIRTHS_ORDER3PLUS": "0",
    "DS_BIRTHS_MOTHER_U20": "0", "DS_DEATHS": "1", "DS_MARRIED": "2",
    "DS_CHILD_MARRIAGES": "2", "DS_CONSANGUINEOUS": "0", "DS_PREMARITAL_CHECKS": "1",
    "DS_DIVORCED": "0", "DS_MOVED_IN": "1", "DS_MOVED_OUT": "1", "DS_NEW_USERS_MODERN": "1",
    "DS_NEW_USERS_1": "0", "DS_NEW_USERS_2": "0", "DS_NEW_USERS_3": "0", "DS_NEW_USERS_4": "0",
    "DS_NEW_USERS_5": "1", "DS_NEW_USERS_6": "0", "DS_NEW_USERS_7": "0", "DS_USERS": "2",
    "DS_USERS_MODERN": "2", "DS_ABORTIONS": "1", "DS_PRENATAL_SCREENED": "0",
    "DS_NEWBORN_SCREENED": "0", "DS_ELDERLY_CHECKED": "1",
}  # fmt: skip


def test_01_dsh_of_a_quarter_equals_the_cells_computed_by_hand(register):  # noqa: F811
    document = json.loads(export_form(None, "01-DSH", "P66", "2025Q3", "json"))

    assert (document["dataSet"], document["period"], document["orgUnit"]) == (
        "01-DSH", "2025Q3", "P66")  # fmt: skip
    values = document["dataValues"]
    assert {v["dataElement"]: v["value"] for v in values} == BY_HAND
    assert {(v["period"], v["orgUnit"], v["categoryOptionCombo"], v["storedBy"])
            for v in values} == {("2025Q3", "P66", "default", "danso:register")}  # fmt: skip
    assert "completeDataSetRegistrations" not in document  # not approved

    rows = list(csv.reader(io.StringIO(export_form(None, "01-DSH", "P66", "2025Q3", "csv")
                                       .decode())))  # fmt: skip
    assert {r[0]: r[5] for r in rows[1:]} == BY_HAND


def test_an_approved_report_carries_its_registration_and_its_approved_figures(
    register,  # noqa: F811
    make_user,
):
    province = OrgUnit.objects.get(uid="P66")
    officer = make_user("tinh", "province", province)
    quarter = Period.parse("2025Q3")
    submission = cycle.submit("01-DSH", province, quarter, officer)
    cycle.approve(submission, officer)

    document = json.loads(export_form(officer, "01-DSH", "P66", "2025Q3", "json"))

    day = submission.reviewed_at.date().isoformat()
    assert document["completeDataSetRegistrations"] == [{
        "dataSet": "01-DSH", "period": "2025Q3", "organisationUnit": "P66",
        "attributeOptionCombo": "default", "completed": True, "date": day, "storedBy": "tinh",
    }]  # fmt: skip
    assert {v["dataElement"]: v["value"] for v in document["dataValues"]} == BY_HAND

    # ADX: well formed, the group completed, and danso's own reader gives the same values back.
    adx = export_form(officer, "01-DSH", "P66", "2025Q3", "adx")
    assert b'completeDate="' + day.encode() + b'"' in adx
    back = list(read_adx(adx))
    assert {(r.data_set, r.org_unit, r.period) for r in back} == {("01-DSH", "P66", "2025Q3")}
    assert {r.data_element: r.value for r in back} == BY_HAND

    # Under uids: the data set's and the elements' uids, as the metadata export declares them.
    by_uid = json.loads(export_form(officer, "01-DSH", "P66", "2025Q3", "json", "uid"))
    assert by_uid["dataSet"] == data_set_uid("01-DSH")
    assert by_uid["completeDataSetRegistrations"][0]["dataSet"] == data_set_uid("01-DSH")
    births = element_uid("births")
    assert next(v["value"] for v in by_uid["dataValues"] if v["dataElement"] == births) == "1"


def test_the_metadata_export_declares_one_data_set_per_form(register):  # noqa: F811
    assert "01-DSH" not in {d["code"] for d in export_metadata()["dataSets"]}  # asked for only
    metadata = export_metadata(forms=True)
    sets = {d["code"]: d for d in metadata["dataSets"]}
    elements = {e["id"]: e for e in metadata["dataElements"]}
    for form in ("01-DSH", "02-DSX", "03-DSX", "01-DSX"):
        assert sets[form]["id"] == data_set_uid(form)
    members = [elements[m["dataElement"]["id"]]["code"] for m in sets["01-DSH"]["dataSetElements"]]
    assert sorted(members) == sorted(BY_HAND)
    assert sets["01-DSH"]["periodType"] == "Quarterly"
    assert elements[element_uid("residents")]["aggregationType"] == "LAST"  # a stock
    assert elements[element_uid("births")]["aggregationType"] == "SUM"  # a flow
    assert {"id": "P66"} in sets["01-DSH"]["organisationUnits"]
    assert {"id": register["A"].uid} in sets["02-DSX"]["organisationUnits"]


def test_the_values_import_into_a_danso_configured_from_the_metadata(register, make_user):  # noqa: F811
    """Another danso takes the metadata export (with the forms) and then the form's values:
    here the same database plays the receiving side, whose programmes know no form yet."""
    from danso.exchange.dhis2_import import import_data_values
    from danso.exchange.dhis2_metadata_import import import_metadata
    from danso.programmes.models import DataValue

    values = export_form(None, "01-DSH", "P66", "2025Q3", "json")
    admin = make_user("qt_tw", "admin", OrgUnit.objects.get(uid="VN"))
    report = import_metadata(json.dumps(export_metadata(forms=True)).encode(), admin)
    assert report.status == "OK", [p.as_dict() for p in report.problems[:5]]
    officer = make_user("tinh", "province", OrgUnit.objects.get(uid="P66"))

    summary = import_data_values(values, "json", officer)

    assert summary.status == "SUCCESS", [c.as_dict() for c in summary.conflicts[:5]]
    assert summary.imported == len(BY_HAND)
    stored = DataValue.objects.filter(org_unit__uid="P66", period="2025Q3")
    assert {v.data_element.code: format(v.value.normalize(), "f") for v in stored} == BY_HAND
    again = json.loads(export_form(None, "01-DSH", "P66", "2025Q3", "json"))
    assert len(again["dataValues"]) == len(BY_HAND)  # the form's export is unchanged by it


def test_requests_the_form_cannot_take(register, make_user, bearer):  # noqa: F811
    from danso.exchange.dhis2_export import ExportError

    with pytest.raises(ExportError):
        export_form(None, "01-DSH", "P66", "202508", "json")  # a month: 01-DSH is quarterly
    commune_officer = make_user("xa", "commune", register["A"])
    with pytest.raises(ExportError):
        export_form(commune_officer, "01-DSH", "P66", "2025Q3", "json")  # outside the area
    api = bearer(commune_officer)
    answer = api.get("/api/v1/dataValueSets/forms/01-DSH", {"orgUnit": "P66", "period": "2025Q3"})
    assert answer.status_code == 422
    assert api.get("/api/v1/dataValueSets/forms/NO-SUCH",
                   {"orgUnit": "P66", "period": "2025Q3"}).status_code == 404  # fmt: skip
    province = bearer(make_user("tinh", "province", OrgUnit.objects.get(uid="P66")))
    answer = province.get("/api/v1/dataValueSets/forms/01-DSH",
                          {"orgUnit": "P66", "period": "2025Q3", "format": "adx"})  # fmt: skip
    assert answer.status_code == 200 and answer["Content-Type"] == "application/adx+xml"
    assert {r.data_element: r.value for r in read_adx(answer.content)} == BY_HAND
