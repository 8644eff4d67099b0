"""Progress percents are never rounded up to a whole target, and the status says why (issue
16: 99,98 % was shown as "100,0 %" beside an amber status)."""

from decimal import Decimal

from django.utils import translation

from danso.programmes import progress
from danso.programmes.models import Target


def _row(value, actual, expected, direction="at_least"):
    target = Target(value=Decimal(value), direction=direction)
    row = progress.TargetProgress(unit=None, target=target, metric=None, actual=actual,
                                  through=None, expected=expected)  # fmt: skip
    return progress._judge(row)


def test_99_98_percent_is_shown_as_99_9_with_its_exact_cause():
    # 4.999 of 5.000 by the end of the year: 99,98 % done, 100 % expected; amber (≥ 80 %).
    row = _row(5000, 4999.0, 100.0)
    assert row.status == progress.AMBER
    with translation.override("vi"):
        assert row.percent_shown == "99,9 %"
        assert row.status_cause == (
            "Đã đạt 99,98 %; cần 100,00 % đến nay: đúng tiến độ từ 100,00 %, hơi chậm từ 80,00 %."
        )


def test_whole_and_over_the_target_keep_their_rounding():
    with translation.override("vi"):
        assert _row(5000, 5000.0, 100.0).percent_shown == "100,0 %"
        assert _row(5000, 5003.0, 100.0).percent_shown == "100,1 %"  # 100,06 rounded
        assert _row(3, 1.0, 50.0).percent_shown == "33,3 %"
        # A ceiling (deaths of mothers at most 4): 3 of 4 is 75 % used, 50 % allowed by now.
        ceiling = _row(4, 3.0, 50.0, direction="at_most")
        assert ceiling.status == progress.RED  # 50 / 75 = 0,67 < 0,8
        assert ceiling.status_cause == (
            "Đã dùng 75,00 %; tối đa 50,00 % đến nay: đúng tiến độ đến 50,00 %, hơi chậm đến "
            "62,50 %."
        )
