"""Submitting, approving and returning reports; locking; deadlines; completeness."""

import datetime

import pytest

from danso.orgunits.models import OrgUnit
from danso.register import codes
from danso.register.models import Event, Household
from danso.register.services import record, slip_for
from danso.register.validation import Change
from danso.statistics import cycle
from danso.statistics.models import Submission
from danso.statistics.periods import Period

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def people(register, make_user, login):
    return {
        "xa": login(make_user("xa_a", "commune", register["A"])),
        "tinh": login(make_user("tinh", "province", OrgUnit.objects.get(uid="P66"))),
    }


def test_add_working_days_skips_weekends():
    assert cycle.add_working_days(D(2025, 9, 30), 5) == D(2025, 10, 7)  # Tue → next Tue
    assert cycle.add_working_days(D(2025, 12, 31), 15) == D(2026, 1, 22)  # 1/1 is a holiday


def test_deadlines_skip_public_holidays_that_administrators_keep():
    """Q4/2022's quarterly form is due 15 working days after 31/12/2022. Not counted: 2/1/2023
    (1/1 fell on a Sunday) and, by the seeded rule, Tết 23–25/1 with 26–27/1 making up the
    eve and New Year's day that fell on the weekend. Counted: 3–6, 9–13, 16–20 and 30/1."""
    from danso.statistics.models import PublicHoliday

    assert cycle.add_working_days(D(2022, 12, 31), 15) == D(2023, 1, 30)
    # April 2025's monthly form (5 working days; 30/4 and 1/5 off): 2, 5, 6, 7, 8 May …
    assert cycle.add_working_days(D(2025, 4, 30), 5) == D(2025, 5, 8)
    # … until an administrator records the announced extra day off on Friday 2/5/2025.
    PublicHoliday.objects.create(day=D(2025, 5, 2), name="Nghỉ hoán đổi")
    assert cycle.add_working_days(D(2025, 4, 30), 5) == D(2025, 5, 9)


def test_only_national_administrators_edit_public_holidays(make_user, login, unit):
    national = login(make_user("qt_tw", "admin", unit("VN")))
    provincial = login(make_user("qt_tinh", "admin", unit("P66")))
    assert national.get("/quan-tri/statistics/publicholiday/").status_code == 200
    assert provincial.get("/quan-tri/statistics/publicholiday/").status_code == 403


def test_submit_freezes_a_version_and_approval_locks_the_period(register, people):
    commune = register["A"]
    quarter = {"bieu": "01-DSH", "dv": commune.uid, "ky": "2025Q3"}
    people["xa"].post("/bao-cao/nop/", quarter)
    first = Submission.objects.get()
    assert (first.version, first.status, first.is_late) == (1, "submitted", True)
    births = next(r for r in first.values["rows"] if r["code"] == "births")
    assert births["values"][0] == 1
    # A commune officer does not approve their own report; the province does.
    assert (
        people["xa"].post(f"/bao-cao/nop/{first.pk}/xet/", {"action": "approve"}).status_code == 403
    )
    people["tinh"].post(
        f"/bao-cao/nop/{first.pk}/xet/", {"action": "return", "comment": "Kiểm tra lại số sinh"}
    )
    first.refresh_from_db()
    assert first.status == "returned" and first.comment == "Kiểm tra lại số sinh"
    people["xa"].post("/bao-cao/nop/", quarter)
    second = Submission.objects.get(version=2)
    people["tinh"].post(f"/bao-cao/nop/{second.pk}/xet/", {"action": "approve"})
    second.refresh_from_db()
    assert second.status == "approved"
    with pytest.raises(cycle.CycleError) as refused:
        cycle.submit("01-DSH", commune, Period.parse("2025Q3"), second.submitted_by)
    assert refused.value.code == "already_approved"
    # A late change dated in the approved quarter is kept, flagged, and the frozen figures stay.
    household = Household.objects.get(number="1")
    village = household.village
    (event,), _ = record(slip_for(village, "202611"), [Change(
        "birth", D(2025, 9, 20), household, other_person=household.persons.get(full_name="W1"),
        person_data={"full_name": "late", "sex": codes.FEMALE,
                     "date_of_birth": D(2025, 9, 20)})], today=D(2026, 11, 1))  # fmt: skip
    assert Event.objects.get(pk=event.pk).after_approval
    page = people["xa"].get(f"/so-a0/ho/{household.pk}/").content.decode()
    assert "ghi sau khi báo cáo kỳ này đã được duyệt" in page
    report_page = people["tinh"].get("/bao-cao/", quarter).content.decode()
    assert "1 thay đổi được ghi sau khi duyệt (không có trong số liệu đã duyệt)" in report_page
    assert f'href="/so-a0/nguoi/{event.person_id}/"' in report_page
    second.refresh_from_db()
    assert next(r for r in second.values["rows"] if r["code"] == "births")["values"][0] == 1


def test_a_period_not_over_cannot_be_submitted(register, people):
    response = people["xa"].post(
        "/bao-cao/nop/", {"bieu": "01-DSH", "dv": register["A"].uid, "ky": "2099Q1"}
    )
    assert response.status_code == 302 and not Submission.objects.exists()


def test_completeness_lists_submitted_late_and_missing(register, people):
    people["xa"].post("/bao-cao/nop/", {"bieu": "01-DSH", "dv": register["A"].uid, "ky": "2025Q3"})
    rows = cycle.completeness(
        "01-DSH",
        OrgUnit.objects.get(uid="P66"),
        Period.parse("2025Q3"),
        list(OrgUnit.objects.filter(parent__uid="P66")),
    )
    states = {r["unit"].uid: r["state"] for r in rows}
    assert states[register["A"].uid] == "late"  # submitted after the 15 working days
    assert states[register["B"].uid] == "missing"
    page = (
        people["tinh"]
        .get("/bao-cao/tien-do/", {"bieu": "01-DSH", "dv": "P66", "ky": "2025Q3"})
        .content.decode()
    )
    assert register["A"].name in page and register["B"].name in page


def test_preparation_warnings_show_sharp_changes_and_missing_slips(register, monkeypatch):
    from danso.orgunits.services import create_village
    from danso.statistics.forms import DSH_01

    commune = register["A"]
    create_village(commune, code="A2", name="Thôn A2", unit_type="thon", legacy_commune="24211")
    from django.utils import translation

    monkeypatch.setattr(cycle, "SHARP_MINIMUM", 1)
    with translation.override("en"):  # the wording under test, whatever the catalogue says
        warnings = cycle.preparation_warnings(DSH_01, commune, Period.parse("2025Q3"))
    assert "Tổng số trẻ sinh ra trong quý: 0 in Quý 2/2025, 1 now." in warnings
    assert [w for w in warnings if "Thôn A2" in w] == [
        "Thôn A2 has not handed in the slip of 07/2025.",
        "Thôn A2 has not handed in the slip of 08/2025.",
        "Thôn A2 has not handed in the slip of 09/2025.",
    ]


def test_a_health_facility_list_is_submitted_and_approved_like_a_form(register, people):
    from danso.register.models import Person
    from danso.register.services import accept, submit

    household = Household.objects.get(number="1")
    slip = slip_for(household.village, "202611")
    record(slip, [Change("newborn_screening", D(2025, 8, 12), household,
                         person=Person.objects.get(full_name="boy"),
                         data={"results": {"hypothyroidism": "0"}})],
           today=D(2026, 11, 1))  # fmt: skip
    submit(slip, None)
    accept(slip, None)
    the_list = {"bieu": "03-DS/CSYT", "dv": register["A"].uid, "ky": "2025Q3"}
    response = people["xa"].post("/bao-cao/nop/", the_list)
    assert response.status_code == 302 and "/bao-cao/danh-sach/" in response.url
    frozen = Submission.objects.get(form_code="03-DS/CSYT")
    assert [row[1] for row in frozen.values["rows"]] == ["W1"]  # the mother's name
    assert frozen.values["columns"][4] == "Họ và tên con"
    people["tinh"].post(f"/bao-cao/nop/{frozen.pk}/xet/", {"action": "approve"})
    frozen.refresh_from_db()
    assert frozen.status == "approved"
    page = people["tinh"].get("/bao-cao/danh-sach/", the_list).content.decode()
    assert "Nộp và phê duyệt" in page and "Đã phê duyệt" in page
    with pytest.raises(cycle.CycleError):
        cycle.submit("03-DS/CSYT", register["A"], Period.parse("202508"), frozen.submitted_by)
