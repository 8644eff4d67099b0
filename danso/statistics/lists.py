"""Name lists of the circular's health-facility forms (Phụ lục III), one row per service case,
declared as data: the event kind they list and their columns.

03-DS/CSYT (newborns screened) follows the header quoted in regime.md. The annex's 01- and
02-DS/CSYT were not read; they are taken, provisionally, as the lists of new contraceptive users
and of pregnant women screened before birth — the other services the collaborators' slips record.
"""

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl import Workbook

from danso.register import codes
from danso.register.models import Event

from .compute import villages_of
from .forms import check_period
from .periods import Period

RESULT = codes.SCREENING_RESULT.codes


def _day(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Event], object]


@dataclass(frozen=True)
class NameList:
    code: str
    title: str
    kind: str
    columns: list[Column]
    provisional: bool = False
    unit_label: str = "ca dịch vụ"
    period_types: tuple[str, ...] = ("month", "quarter", "half", "year")  # see check_period
    # Not read in the circular: taken as the commune forms' 5 working days.
    deadline_working_days: int = 5


def _mother(e: Event):
    return e.person.mother


def _results(conditions: codes.CodeList) -> list[Column]:
    return [
        Column(label, lambda e, c=c: RESULT.get(e.data.get("results", {}).get(c, ""), ""))
        for c, label in conditions.codes.items()
    ]


def _person_columns() -> list[Column]:
    """Who received the service: card number, name, residence, date of birth."""
    return [
        Column("Mã số thẻ BHYT", lambda e: e.person.subject_code),
        Column("Họ và tên", lambda e: e.person.full_name),
        Column("Nơi cư trú", lambda e: e.village.name),
        Column("Ngày sinh", lambda e: _day(e.person.date_of_birth)),
    ]


NEWBORNS = NameList(
    code="03-DS/CSYT",
    title="Danh sách trẻ sơ sinh được tầm soát, sàng lọc sơ sinh",
    kind="newborn_screening",
    period_types=("quarter",),
    columns=[
        Column("Mã số thẻ BHYT của mẹ", lambda e: _mother(e).subject_code if _mother(e) else ""),
        Column("Họ và tên mẹ", lambda e: _mother(e).full_name if _mother(e) else ""),
        Column("Nơi cư trú", lambda e: e.village.name),
        Column("Ngày sinh của mẹ", lambda e: _day(_mother(e).date_of_birth) if _mother(e) else ""),
        Column("Họ và tên con", lambda e: e.person.full_name),
        Column("Ngày sinh của con – Nam",
               lambda e: _day(e.person.date_of_birth) if e.person.sex == codes.MALE else ""),
        Column("Ngày sinh của con – Nữ",
               lambda e: _day(e.person.date_of_birth) if e.person.sex == codes.FEMALE else ""),
        *_results(codes.NEWBORN_CONDITIONS),
    ],
)  # fmt: skip

PRENATAL = NameList(
    code="02-DS/CSYT",
    title="Danh sách bà mẹ mang thai được sàng lọc trước sinh",
    kind="prenatal_screening",
    provisional=True,
    columns=[
        *_person_columns(),
        Column("Ngày sàng lọc", lambda e: _day(e.occurred_on)),
        *_results(codes.PRENATAL_CONDITIONS),
    ],
)

NEW_USERS = NameList(
    code="01-DS/CSYT",
    title="Danh sách người mới sử dụng biện pháp tránh thai",
    kind="method_start",
    provisional=True,
    columns=[
        *_person_columns(),
        Column("Ngày bắt đầu sử dụng", lambda e: _day(e.occurred_on)),
        Column("Biện pháp tránh thai", lambda e: codes.METHOD.label(e.method) if e.method else ""),
        Column("Nơi thực hiện",
               lambda e: codes.SERVICE_PLACE.label(e.place) if e.place else ""),
    ],
)  # fmt: skip

LISTS = {nl.code: nl for nl in (NEW_USERS, PRENATAL, NEWBORNS)}


def list_rows(name_list: NameList, unit, period: Period) -> list[list]:
    """One row of cell values per accepted, not superseded event of the period in the unit.
    Raises WrongPeriodType for a period the list is not made for."""
    check_period(name_list, period)
    events = (
        Event.objects.filter(
            kind=name_list.kind, village__in=villages_of(unit), is_accepted=True,
            is_superseded=False, occurred_on__range=(period.start, period.end),
        )
        .select_related("person", "person__mother", "village")
        .order_by("occurred_on", "pk")
    )  # fmt: skip
    return [[column.value(e) for column in name_list.columns] for e in events]


def list_xlsx(name_list: NameList, unit, period: Period, rows: list[list]) -> bytes:
    """The list in the layout of the circular: form code, unit, title, period, unit of count,
    the header, one row per case numbered from 1, and the signatures."""
    book = Workbook()
    sheet = book.active
    sheet.title = name_list.code.replace("/", "-")
    sheet.append([f"Biểu {name_list.code}" + (" (tạm thời)" if name_list.provisional else "")])
    sheet.append([f"Đơn vị: {unit.name}"])
    sheet.append([name_list.title.upper()])
    sheet.append([period.label])
    sheet.append([f"Đơn vị tính: {name_list.unit_label}"])
    sheet.append(["TT", *[c.header for c in name_list.columns], "Ghi chú"])
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row, ""])
    sheet.append([])
    sheet.append(["", "Người lập biểu", "", "", "Thủ trưởng đơn vị"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
