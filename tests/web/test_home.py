"""Home pages by role: what each says is waiting, due or behind, and where each item leads."""

import datetime
import html
import re

import pytest
from django.utils import timezone

from danso.accounts.models import Role
from danso.orgunits.models import OrgUnit
from danso.register.services import create_household, record, slip_for, submit
from danso.register.validation import Change
from danso.statistics.models import Submission
from danso.statistics.periods import Period

pytestmark = pytest.mark.django_db


def _months():
    """This month and the last one, as DHIS2 ids and labels."""
    today = timezone.localdate()
    this = Period.containing("month", today)
    return this, this.previous()


def _text(response) -> str:
    """The page's text without tags, one space between words."""
    body = response.content.decode()
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _submission(unit, form_code, period: Period, user, status="submitted", is_late=False):
    return Submission.objects.create(
        form_code=form_code, unit=unit, ou_path=unit.path, period=period.id,
        period_start=period.start, period_end=period.end, version=1, values={},
        as_of=timezone.now(), submitted_by=user, status=status, is_late=is_late,
    )  # fmt: skip


def _one_change(village, period: Period):
    """A registration recorded on the village's slip of the period."""
    household = create_household(village, number="1")
    slip = slip_for(village, period.id)
    day = min(period.start + datetime.timedelta(days=1), timezone.localdate())
    person = {"full_name": "Y Thị A", "sex": "2", "date_of_birth": datetime.date(1995, 3, 1),
              "relationship": "1"}  # fmt: skip
    record(slip, [Change("registration", day, household, person_data=person)])
    return slip


def test_collaborator_sees_this_months_slip_and_last_months_missing(two_communes, make_user,
                                                                     login):  # fmt: skip
    village = two_communes["a"]["village"]
    this, last = _months()
    slip = _one_change(village, this)
    page = login(make_user("ctv_a", Role.COLLABORATOR, village)).get("/")
    text = _text(page)
    assert f"Phiếu thu tin {this.label}" in text and "Đã ghi 1 thay đổi" in text
    assert f'href="/phieu/{slip.pk}/"' in page.content.decode()
    assert "Xem lại và nộp phiếu" in text  # still open: the collaborator submits it
    # Nothing was handed in for last month: said plainly.
    assert f"Phiếu thu tin {last.label}" in text and "Chưa nộp phiếu tháng trước" in text
    assert "1 hộ" in text and "1 người" in text


def test_commune_officer_sees_slips_waiting_reports_due_and_nothing_of_another_commune(
    two_communes, login
):
    a, b = two_communes["a"], two_communes["b"]
    this, last = _months()
    waiting = _one_change(a["village"], last)
    submit(waiting, None)
    submit(_one_change(b["village"], last), None)  # the other commune's: not shown
    month = last  # the 01-DSX being reported now is last month's
    _submission(a["commune"], "01-DSX", month, a["user"], status="returned")
    page = login(a["user"]).get("/")
    body, text = page.content.decode(), _text(page)
    assert "Phiếu thu tin chờ duyệt (1)" in text
    assert f'href="/phieu/{waiting.pk}/"' in body and b["village"].name not in text
    # The reports the commune submits, each with the period being reported and a link to it.
    report_link = f"/bao-cao/?bieu=01-DSX&amp;dv={a['commune'].uid}&amp;ky={month.id}"
    assert report_link in body
    row = re.search(r"01-DSX</a>.*?</tr>", body, flags=re.S).group(0)
    assert month.label in row and "Đã trả lại" in row
    assert "02-DSX" in text and "03-DSX" in text and "Hạn nộp" in text
    assert "Chưa có kế hoạch năm" in text  # no plan: says so and links to setting one


def test_province_officer_sees_completeness_and_approvals_in_counts(
    two_communes, make_user, login, django_assert_max_num_queries
):
    a, b = two_communes["a"], two_communes["b"]
    province = OrgUnit.objects.get(uid="P66")
    quarter = Period.containing("quarter", timezone.localdate()).previous()
    _submission(a["commune"], "02-DSX", quarter, a["user"], status="approved")
    pending = _submission(b["commune"], "02-DSX", quarter, b["user"])
    client = login(make_user("tinh", Role.PROVINCE, province))
    # The queries do not grow with the 102 communes (the first computation of the quarters
    # stores their counts, hence more than on a later visit, which makes about 40).
    with django_assert_max_num_queries(150):
        page = client.get("/")
    body, text = page.content.decode(), _text(page)
    communes = OrgUnit.objects.filter(parent=province, level="commune").count()
    assert communes > 100
    assert f"02-DSX {quarter.label}" in text
    assert f"Đã nộp 2/{communes}" in text and "đã duyệt 1" in text and "chờ duyệt 1" in text
    assert f"/bao-cao/tien-do/?bieu=02-DSX&amp;dv=P66&amp;ky={quarter.id}" in body
    # The one waiting for the province's approval, linked to its report page.
    assert "Chờ anh/chị duyệt (1)" in text
    assert f"/bao-cao/?bieu=02-DSX&amp;dv={pending.unit.uid}&amp;ky={quarter.id}" in body
    # Key figures with the dashboard's charts, and the communes as a compact list of links.
    assert 'id="chart-flows"' in body and "Chỉ tiêu chính" in text
    assert body.count('<li><a href="/bang-dieu-khien/?dv=C') == communes
    assert 'id="children-table"' not in body  # not the record card's long table


def test_central_officer_sees_the_provinces_and_targets_behind_grouped_by_province(
    make_user, login
):
    from danso.programmes.plans import set_target
    from danso.web.home import current_children, lagging_units

    nation, province = OrgUnit.objects.get(uid="VN"), OrgUnit.objects.get(uid="P66")
    commune = OrgUnit.objects.filter(parent=province, level="commune").first()
    officer = make_user("tw", Role.CENTRAL, nation)
    page = login(officer).get("/")
    text = _text(page)
    assert "01-DSH" in text and "Đơn vị trực thuộc (34)" in text  # provinces, not the 63 old
    # Last year's births target of a commune, with no birth recorded: red on 1 December, and
    # counted for the province it lies in.
    year = timezone.localdate().year - 1
    set_target(officer, commune, year, "births", 1000, direction="at_least")
    provinces = current_children(nation)
    behind = lagging_units(officer, nation, datetime.date(year, 12, 1), provinces)
    assert [u["unit"].uid for u in behind["units"]] == ["P66"]
    assert [t.unit for t in behind["units"][0]["targets"]] == [commune]
    assert (behind["count"], behind["targets"]) == (1, 1)


def test_record_card_stays_one_click_away(two_communes, login):
    a = two_communes["a"]
    page = login(a["user"]).get("/")
    assert f'href="/don-vi/{a["commune"].uid}/"' in page.content.decode()
    card = login(a["user"]).get(f"/don-vi/{a['commune'].uid}/")
    assert a["village"].name in _text(card)


def test_partner_home_lists_the_data_sets_of_the_organisation(make_user, login):
    from danso.orgunits.services import create_organisation

    province = OrgUnit.objects.get(uid="P66")
    fpa = create_organisation(province, code="HK", name="Hội KHHGĐ", unit_type="hoi_khhgd")
    page = login(make_user("hoi", Role.PARTNER, fpa)).get("/")
    assert page.status_code == 200 and "Hội KHHGĐ" in _text(page)
