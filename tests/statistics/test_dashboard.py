import datetime

import pytest

from danso.orgunits.models import OrgUnit
from danso.statistics.dashboard import ranking, recent_quarters, trends
from danso.statistics.periods import Period

pytestmark = pytest.mark.django_db


def test_recent_quarters_are_complete_ones():
    quarters = recent_quarters(datetime.date(2026, 11, 23), 3)
    assert [q.id for q in quarters] == ["2026Q1", "2026Q2", "2026Q3"]


def test_trends_and_ranking_from_the_hand_built_register(register, make_user, login):
    province = OrgUnit.objects.get(uid="P66")
    series = trends(province, [Period.parse("2025Q2"), Period.parse("2025Q3")])
    assert series["births"] == [1, 1]  # the girl in May, the boy in August
    assert series["residents"] == [8, 8]
    assert series["cpr"] == [50.0, 50.0]  # 1 of 2 married women in June, 2 of 4 in September
    rows = ranking(province, Period.parse("2025Q3"))
    # Ranked by CPR; equal rates keep the units' code order (22015 before 24211).
    assert [(r["unit"].uid, r["residents"], r["cpr"]) for r in rows] == [
        (register["B"].uid, 3, 50.0),
        (register["A"].uid, 5, 50.0),
    ]
    page = login(make_user("tinh", "province", province)).get("/bang-dieu-khien/")
    assert page.status_code == 200 and "chart-flows" in page.content.decode()


def test_the_ranking_shows_small_number_cautions(register, make_user, login):
    """2025Q3 in commune A: 5 residents, 1 birth (the boy in August). Its crude birth rate
    rests on 1 birth, fewer than 20: shown with the caution, on the dashboard too (its sex
    ratio at birth, 1 boy and 0 girls, has no value)."""
    province = OrgUnit.objects.get(uid="P66")
    rows = {r["unit"].uid: r for r in ranking(province, Period.parse("2025Q3"))}
    a = rows[register["A"].uid]
    assert (a["residents"], a["births"], a["srb"]) == (5, 1, None)
    assert a["cautions"]["cbr"].startswith("Chỉ tính từ 1 (số trẻ sinh ra), chưa đến 20")
    page = login(make_user("tinh", "province", province)).get("/bang-dieu-khien/?q=2025Q3")
    text = page.content.decode()
    assert 'class="caution-mark"' in text and "quá ít để so sánh" in text
