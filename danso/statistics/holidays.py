"""Public holidays (ngày nghỉ lễ, Tết) for counting the working days of report deadlines.

The Labour Code 2019 (Điều 112) fixes the holidays: 1/1; Tết Nguyên đán (5 days, the Prime
Minister chooses which); the Hùng Kings' day (10/3 lunar); 30/4; 1/5; 2/9 and one day next to it.
A holiday that falls on a weekend is made up on the next working day. `seed_days(year)` applies
these rules from the lunar dates below; the days actually announced each year (swaps included)
are kept in the `PublicHoliday` table, which administrators of the national level correct.
"""

import datetime

D = datetime.date

# The first day of the lunar year (Tết) and the Hùng Kings' day (10/3 lunar), Vietnam time.
LUNAR = {
    2022: (D(2022, 2, 1), D(2022, 4, 10)),
    2023: (D(2023, 1, 22), D(2023, 4, 29)),
    2024: (D(2024, 2, 10), D(2024, 4, 18)),
    2025: (D(2025, 1, 29), D(2025, 4, 7)),
    2026: (D(2026, 2, 17), D(2026, 4, 26)),
    2027: (D(2027, 2, 6), D(2027, 4, 16)),
}


def seed_days(year: int) -> list[tuple[datetime.date, str]]:
    """The year's days off by the Labour Code's rules, weekend holidays made up on the next
    working day. Tết is taken as New Year's Eve and the first four days of the year."""
    days = [(D(year, 1, 1), "Tết Dương lịch")]
    if year in LUNAR:
        tet, hung = LUNAR[year]
        days += [(tet + datetime.timedelta(days=i), "Tết Nguyên đán") for i in range(-1, 4)]
        days.append((hung, "Giỗ Tổ Hùng Vương"))
    days += [(D(year, 4, 30), "Ngày Giải phóng miền Nam, thống nhất đất nước"),
             (D(year, 5, 1), "Ngày Quốc tế Lao động"),
             (D(year, 9, 1), "Quốc khánh"), (D(year, 9, 2), "Quốc khánh")]  # fmt: skip
    taken = {day for day, _name in days}
    made_up = []
    for day, name in sorted(days):
        if day.weekday() >= 5:
            substitute = day
            while substitute.weekday() >= 5 or substitute in taken:
                substitute += datetime.timedelta(days=1)
            taken.add(substitute)
            made_up.append((substitute, f"Nghỉ bù {name}"))
    return sorted(days + made_up)


def days_off(start: datetime.date, end: datetime.date) -> set[datetime.date]:
    from .models import PublicHoliday

    return set(PublicHoliday.objects.filter(day__range=(start, end)).values_list("day", flat=True))
