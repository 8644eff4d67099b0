"""Vietnamese notation and the phrases every kind uses: 5.838; 90,6%; 15,2‰; dd/mm/yyyy;
"giảm 0,3‰ so với năm 2022"; "đạt 102,5% kế hoạch"; lists joined with "và".

Documents are Vietnamese whatever the interface language, so numbers are formatted with the
Vietnamese formats (danso/formats/vi) explicitly.
"""

import datetime
from decimal import Decimal

from django.utils import translation
from django.utils.formats import number_format

from danso.programmes.plans import show


def number(value, decimals: int | None = None) -> str:
    """5.838, 90,6 (decimals fixed when given, else without trailing zeros); – for none."""
    if value is None:
        return "–"
    with translation.override("vi"):
        if decimals is None:
            return show(value)
        return number_format(Decimal(str(round(float(value), decimals))), decimals,
                             force_grouping=True)  # fmt: skip


def with_unit(value, unit: str, decimals: int | None = None) -> str:
    """15,2‰, 90,6%, 487 người."""
    text = number(value, decimals)
    if unit in ("‰", "%"):
        return f"{text}{unit}"
    return f"{text} {unit.lower()}" if unit else text


def date(day: datetime.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def join(items: list[str]) -> str:
    """a, b và c."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} và {items[-1]}"


def in_sentence(name: str) -> str:
    """ "Xã Ea Súp" inside a sentence is "xã Ea Súp": only the type word loses its capital."""
    return name[:1].lower() + name[1:] if name else name


def change(now, before, unit: str, decimals: int | None, versus: str) -> str:
    """ "tăng 12 người so với năm 2022 (473 người)"; for % "tăng 1,2 điểm phần trăm"; "bằng"
    when equal. `versus` names the earlier period ("năm 2022", "cùng kỳ năm 2023")."""
    if now is None or before is None:
        return ""
    difference = round(float(now) - float(before), decimals if decimals is not None else 6)
    earlier = with_unit(before, unit, decimals)
    if difference == 0:
        return f"bằng {versus} ({earlier})"
    word = "tăng" if difference > 0 else "giảm"
    step = abs(difference)
    if unit == "%":
        amount = f"{number(step, decimals)} điểm phần trăm"
    else:
        amount = with_unit(step, unit, decimals)
    return f"{word} {amount} so với {versus} ({earlier})"


def percent_of(actual, target) -> str | None:
    """102,5 (actual ÷ target × 100, one decimal); None without a target."""
    if actual is None or not target:
        return None
    return number(float(actual) / float(target) * 100, 1)
