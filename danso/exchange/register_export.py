"""Export a unit's register as it stood on a date, to XLSX (one query, streamed)."""

import datetime

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from danso.orgunits.models import OrgUnit
from danso.register import codes
from danso.register.models import MaritalSpell, MethodSpell, Residence
from danso.register.projection import NEVER

from .tables import xlsx_bytes

PERSON_HEADER = [
    "Thôn, tổ dân phố", "Số hộ", "Chủ hộ", "Họ và tên", "Quan hệ với chủ hộ", "Giới tính",
    "Ngày sinh", "Tuổi", "Dân tộc", "Trình độ học vấn", "Tình trạng hôn nhân",
    "Biện pháp tránh thai đang dùng", "Nhân khẩu thực tế thường trú", "Số định danh cá nhân",
    "Số thẻ BHYT",
]  # fmt: skip


def _on(model, day):
    covering = model.objects.filter(person=OuterRef("person"), start__lte=day).filter(
        Q(end__isnull=True) | Q(end__gt=day)
    )
    return Subquery(covering.values("status" if model is MaritalSpell else "method")[:1])


def residents_on(unit: OrgUnit, day: datetime.date):
    """Everyone living in the unit's villages on the day (accepted changes), with their state."""
    return (
        Residence.objects.filter(ou_path__startswith=unit.path, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gt=day))
        .annotate(marital_on=_on(MaritalSpell, day), method_on=_on(MethodSpell, day))
        .select_related("person", "household", "village")
        .order_by("ou_path", "household__number", "person__date_of_birth")
    )


def _counted(counted_from: datetime.date, day: datetime.date) -> str:
    if counted_from == NEVER:
        return "Không (tạm trú)"
    return "Có" if counted_from <= day else "Chưa (dưới 6 tháng)"


def _rows(unit, day):
    for r in residents_on(unit, day).iterator(chunk_size=5000):
        p = r.person
        yield [
            r.village.name, r.household.number, r.household.head_name, p.full_name,
            codes.RELATIONSHIP.label(p.relationship), codes.SEX.label(p.sex),
            p.date_of_birth.strftime("%d/%m/%Y"), p.age_on(day),
            codes.ETHNICITY.label(p.ethnicity), codes.EDUCATION.label(p.education),
            codes.MARITAL_STATUS.label(r.marital_on or ""),
            codes.METHOD.label(r.method_on or "") if r.method_on else "",
            _counted(r.counted_from, day), p.citizen_id,
            p.subject_code,
        ]  # fmt: skip


def export_register(unit: OrgUnit, day: datetime.date) -> bytes:
    info = [
        ["Đơn vị", unit.name],
        ["Mã đơn vị", unit.uid],
        ["Dữ liệu tại ngày", day.strftime("%d/%m/%Y")],
        ["Xuất lúc", timezone.localtime().strftime("%d/%m/%Y %H:%M")],
        ["Ghi chú", "Chỉ gồm các thay đổi đã được xã duyệt."],
    ]
    return xlsx_bytes(
        [("Thông tin", ["Mục", "Giá trị"], info), ("Nhân khẩu", PERSON_HEADER, _rows(unit, day))]
    )
