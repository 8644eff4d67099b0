"""Small factories for stored values, and a field-by-field picture of them."""

from decimal import Decimal

from danso.programmes.models import CategoryOptionCombo, DataElement, DataValue
from danso.statistics.periods import Period


def put(element, coc, unit, period, value, comment="", followup=False, user=None):
    """A value as data entry stores it."""
    pe = Period.parse(period)
    return DataValue.objects.create(
        data_element=DataElement.objects.get(code=element),
        option_combo=CategoryOptionCombo.objects.get(code=coc),
        org_unit=unit, ou_path=unit.path, period=pe.id, period_start=pe.start,
        period_end=pe.end, value=Decimal(value), comment=comment, followup=followup,
        stored_by=user,
    )  # fmt: skip


def snapshot(with_followup=True) -> list[tuple]:
    """Every stored value, field by field, in a fixed order."""
    fields = ["data_element__code", "option_combo__code", "org_unit__uid", "period", "value",
              "comment"] + (["followup"] if with_followup else [])  # fmt: skip
    return sorted(DataValue.objects.values_list(*fields))
