"""Indicators kept as data: one added with the admin form, one from a DHIS2 metadata file,
both computed by the analysis like the declared ones.

The figures (KCN_WORKERS_SERVED, by sex × ethnicity, 2026Q3), typed for two communes:

| cell | commune A | commune B | both |
|---|---|---|---|
| male, Kinh | 10 | 4 | 14 |
| male, ethnic minority | 5 | 6 | 11 |
| female, Kinh | 20 | 3 | 23 |
| female, ethnic minority | 15 | 7 | 22 |
| all | 50 | 20 | 70 |

By hand: the female share (admin form, × 100) is A 35 ÷ 50 = 70,0 %, B 10 ÷ 20 = 50,0 %, the
province 45 ÷ 70 = 64,2857… → 64,3 %; ethnic minority per Kinh worker (file, × 1, 2
decimals): the province (5 + 15 + 6 + 7) ÷ (10 + 20 + 4 + 3) = 33 ÷ 37 = 0,8918… → 0,89."""

import datetime
import json

import pytest

from danso.accounts.models import Role
from danso.exchange.dhis2_metadata_import import import_metadata
from danso.indicators.models import Indicator
from danso.orgunits.models import Level, OrgUnit
from danso.programmes.models import CategoryOptionCombo, DataElement, DataValue
from danso.uids import uid_for

pytestmark = pytest.mark.django_db

CELLS = {"MALE_KINH": (10, 4), "MALE_ETHNIC_MINORITY": (5, 6), "FEMALE_KINH": (20, 3),
         "FEMALE_ETHNIC_MINORITY": (15, 7)}  # fmt: skip
FEMALE = "#{KCN_WORKERS_SERVED.FEMALE_KINH} + #{KCN_WORKERS_SERVED.FEMALE_ETHNIC_MINORITY}"


@pytest.fixture
def figures():
    a, b = OrgUnit.objects.current().filter(parent__uid="P66", level=Level.COMMUNE).order_by(
        "path")[:2]  # fmt: skip
    element = DataElement.objects.get(code="KCN_WORKERS_SERVED")
    for coc_code, values in CELLS.items():
        coc = CategoryOptionCombo.objects.get(code=coc_code)
        for unit, value in zip((a, b), values, strict=True):
            DataValue.objects.create(
                data_element=element, option_combo=coc, org_unit=unit, ou_path=unit.path,
                period="2026Q3", period_start=datetime.date(2026, 7, 1),
                period_end=datetime.date(2026, 9, 30), value=value,
            )  # fmt: skip
    return a, b


@pytest.fixture
def admin(make_user):
    user = make_user("quantri", Role.ADMIN, OrgUnit.objects.get(uid="VN"), sensitive=True)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def _values(api, dx: str, ou: str) -> dict:
    answer = api.get("/api/v1/analytics", {"dx": dx, "pe": "2026Q3", "ou": ou}).json()
    names = [h["name"] for h in answer["headers"]]
    return {(r[names.index("dx")], r[names.index("ou")]): r[names.index("value")]
            for r in answer["rows"]}  # fmt: skip


def test_an_indicator_added_with_the_admin_form(figures, admin, login, bearer, make_user):
    a, b = figures
    web = login(admin)
    url = "/quan-tri/indicators/indicator/add/"
    form = {"code": "KCN_FEMALE_SHARE", "name": "Tỷ lệ nữ công nhân được phục vụ",
            "numerator": FEMALE, "denominator": "#{KCN_WORKERS_SERVED}", "factor": "100",
            "unit": "%", "decimals": "1", "description": ""}  # fmt: skip
    refused = web.post(url, {**form, "numerator": "#{NO_SUCH_ELEMENT} + #{KCN_WORKERS_SERVED}"})
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors.as_data()
    assert [e.code for e in errors["numerator"]] == ["unknown_element"]
    wrong_cell = web.post(url, {**form, "denominator": "#{KCN_WORKERS_SERVED.POOR}"})
    assert [e.code for e in wrong_cell.context["adminform"].form.errors.as_data()[
        "denominator"]] == ["unknown_option_combo"]  # fmt: skip
    unreadable = web.post(url, {**form, "numerator": "#{KCN_WORKERS_SERVED} * 2"})
    assert [e.code for e in unreadable.context["adminform"].form.errors.as_data()[
        "numerator"]] == ["invalid_expression"]  # fmt: skip
    taken = web.post(url, {**form, "code": "KCN_ETHNIC_MINORITY_SHARE"})  # a declared one
    assert [e.code for e in taken.context["adminform"].form.errors.as_data()["code"]] == [
        "code_taken"]  # fmt: skip
    assert not Indicator.objects.exists()
    assert web.post(url, form).status_code == 302
    saved = Indicator.objects.get()
    assert saved.uid and saved.created_by == admin and not saved.sensitive

    api = bearer(make_user("tinh", Role.PROVINCE, OrgUnit.objects.get(uid="P66")))
    values = _values(api, "KCN_FEMALE_SHARE", f"{a.uid};{b.uid};P66")
    assert values == {("KCN_FEMALE_SHARE", a.uid): 70.0, ("KCN_FEMALE_SHARE", b.uid): 50.0,
                      ("KCN_FEMALE_SHARE", "P66"): 64.3}  # fmt: skip
    # In the builder's list beside the declared ones.
    page = login(admin).get("/phan-tich/")
    assert "Tỷ lệ nữ công nhân được phục vụ" in page.content.decode()


def test_an_indicator_from_a_dhis2_metadata_file(figures, admin, bearer, make_user):
    de = uid_for("dataElement", "KCN_WORKERS_SERVED")
    coc = {c: CategoryOptionCombo.objects.get(code=c).uid for c in CELLS}
    indicator = {
        "id": "IdEmPerKinh", "code": "KCN_EM_PER_KINH",
        "name": "Công nhân DTTS trên công nhân Kinh",
        "numerator": f"#{{{de}.{coc['MALE_ETHNIC_MINORITY']}}} + "
                     f"#{{{de}.{coc['FEMALE_ETHNIC_MINORITY']}}}",
        "denominator": f"#{{{de}.{coc['MALE_KINH']}}}+#{{{de}.{coc['FEMALE_KINH']}}}",
        "indicatorType": {"id": "aaaaaaaaaaa", "factor": 1}, "decimals": 2,
    }  # fmt: skip
    unknown = {**indicator, "id": "IdUnknown01", "code": "BAD_ONE", "numerator": "#{Xx123456789}"}
    report = import_metadata(json.dumps({"indicators": [indicator, unknown]}).encode(), admin)
    assert report.status == "ERROR"
    assert [(p.index, p.field, p.code) for p in report.problems] == [
        (1, "numerator", "unknown_element")]  # fmt: skip
    assert not Indicator.objects.exists()  # all or nothing

    report = import_metadata(json.dumps({"indicators": [indicator]}).encode(), admin)
    assert report.status == "OK", [p.as_dict() for p in report.problems]
    assert report.types["indicators"].created == 1
    saved = Indicator.objects.get(code="KCN_EM_PER_KINH")
    assert saved.uid == "IdEmPerKinh" and saved.factor == 1 and saved.decimals == 2
    assert saved.numerator == ("#{KCN_WORKERS_SERVED.MALE_ETHNIC_MINORITY} + "
                               "#{KCN_WORKERS_SERVED.FEMALE_ETHNIC_MINORITY}")  # fmt: skip
    api = bearer(make_user("tinh", Role.PROVINCE, OrgUnit.objects.get(uid="P66")))
    assert _values(api, "KCN_EM_PER_KINH", "P66") == {("KCN_EM_PER_KINH", "P66"): 0.89}
    # The same file again changes nothing; the export carries it back.
    again = import_metadata(json.dumps({"indicators": [indicator]}).encode(), admin)
    assert again.types["indicators"].ignored == 1 and again.types["indicators"].created == 0
    from danso.exchange.dhis2_metadata import export_metadata

    exported = {i["code"]: i for i in export_metadata()["indicators"]}
    assert exported["KCN_EM_PER_KINH"]["numerator"] == indicator["numerator"]


def test_an_indicator_over_a_sensitive_element_is_sensitive(admin, bearer, make_user):
    doc = {"indicators": [{
        "code": "WU_DV_PER_ADDRESS",
        "name": "Số vụ bạo lực được phát hiện trên một địa chỉ tin cậy",
        "numerator": f"#{{{uid_for('dataElement', 'WU_DV_DETECTED')}}}",
        "denominator": f"#{{{uid_for('dataElement', 'WU_TRUSTED_ADDRESSES')}}}",
        "danso": {"factor": 1, "unit": "Vụ/địa chỉ"},
    }]}  # fmt: skip
    report = import_metadata(json.dumps(doc).encode(), admin)
    assert report.status == "OK", [p.as_dict() for p in report.problems]
    assert Indicator.objects.get().sensitive
    plain = bearer(make_user("tinh", Role.PROVINCE, OrgUnit.objects.get(uid="P66")))
    refused = plain.get("/api/v1/analytics", {"dx": "WU_DV_PER_ADDRESS", "pe": "2026Q3",
                                              "ou": "P66"})  # fmt: skip
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "sensitive"
