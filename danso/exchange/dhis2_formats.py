"""DHIS2's aggregate exchange formats, read and written: dataValueSets JSON and CSV, and ADX.

Readers turn a file into `Record`s holding the identifiers exactly as written (matching them to
danso's metadata is dhis2_import's job); writers take `Record`s with identifiers already chosen.
The layouts follow ../shared/docs/peers-and-formats.md §1.4:
- JSON: `{"dataValues": [...]}` with optional header fields (`dataSet`, `period`, `orgUnit`,
  `attributeOptionCombo`) that values without their own inherit; values are strings.
- CSV: positional columns, whatever the header says; a first row whose first cell is
  `dataelement` is the header and is skipped (a file without one loses no value).
- ADX: `<adx xmlns="urn:ihe:qrph:adx:2015" exported="…">`, groups keyed by orgUnit, period
  (`2024-04-01/P3M`) and dataSet; disaggregation as one attribute per category, or
  `categoryOptionCombo`; a comment is the value's `<annotation>`.
"""

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass, field
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml
from django.utils.translation import gettext as _

from danso.exchange.tables import wide_csv_fields
from danso.statistics.periods import MONTHS, Period, PeriodError

ADX_NS = "urn:ihe:qrph:adx:2015"
CSV_COLUMNS = ["dataelement", "period", "orgunit", "catoptcombo", "attroptcombo", "value",
               "storedby", "lastupdated", "comment", "followup"]  # fmt: skip
FORMATS = ("json", "csv", "adx")
CONTENT_TYPES = {"json": "application/json", "csv": "application/csv",
                 "adx": "application/adx+xml"}  # fmt: skip
EXTENSIONS = {"json": "json", "csv": "csv", "adx": "adx.xml"}


class FormatError(Exception):
    """The file as a whole cannot be read (not JSON, not XML, no ADX root…)."""


@dataclass
class Record:
    """One data value as a file writes it."""

    index: int = 0  # position among the file's values, from 0 (DHIS2's conflict index)
    line: int | None = None  # line of a CSV file
    data_set: str = ""
    data_element: str = ""
    period: str = ""
    org_unit: str = ""
    category_option_combo: str = ""
    attribute_option_combo: str = ""
    categories: dict[str, str] = field(default_factory=dict)  # ADX: category → option
    attribute_categories: dict[str, str] = field(default_factory=dict)  # ADX group level
    value: str = ""
    comment: str = ""
    followup: bool = False
    deleted: bool = False
    stored_by: str = ""
    created: str = ""
    last_updated: str = ""


def format_of(file_name: str = "", content_type: str = "") -> str | None:
    """The format a file name or a Content-Type header says, or None."""
    content_type = content_type.split(";")[0].strip().lower()
    if content_type in ("application/adx+xml", "application/xml+adx"):
        return "adx"
    if content_type in ("application/csv", "text/csv"):
        return "csv"
    if content_type == "application/json":
        return "json"
    name = file_name.lower()
    for fmt, ends in (("adx", (".xml", ".adx")), ("csv", (".csv",)), ("json", (".json",))):
        if name.endswith(ends):
            return fmt
    return None


def read(fmt: str, data: bytes) -> list[Record]:
    return {"json": read_json, "csv": read_csv, "adx": read_adx}[fmt](data)


def write(fmt: str, records: list[Record], data_set: str = "") -> bytes:
    if fmt == "csv":
        return write_csv(records)
    if fmt == "adx":
        return write_adx(records)
    return write_json(records, data_set)


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(_("The file is not UTF-8 encoded text.")) from exc


def _flag(value) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes")


def _string(value) -> str:
    """Values are strings in DHIS2's formats; numbers written as JSON numbers are accepted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value).strip()


# dataValueSets JSON ---------------------------------------------------------------------


def read_json(data: bytes) -> list[Record]:
    try:
        document = json.loads(_text(data))
    except json.JSONDecodeError as exc:
        raise FormatError(_("The file is not valid JSON: %(error)s") % {"error": exc}) from exc
    if not isinstance(document, dict) or not isinstance(document.get("dataValues", []), list):
        raise FormatError(_('A dataValueSet is a JSON object with a "dataValues" list.'))
    header = {key: _string(document.get(key)) for key in
              ("dataSet", "period", "orgUnit", "attributeOptionCombo")}  # fmt: skip
    records = []
    for index, item in enumerate(document.get("dataValues", [])):
        if not isinstance(item, dict):
            item = {}  # reported as a value missing every field

        def get(key, item=item):
            return _string(item.get(key)) or header.get(key, "")

        records.append(Record(
            index=index, data_set=header["dataSet"], data_element=get("dataElement"),
            period=get("period"), org_unit=get("orgUnit"),
            category_option_combo=get("categoryOptionCombo"),
            attribute_option_combo=get("attributeOptionCombo"), value=get("value"),
            comment=get("comment"), followup=_flag(item.get("followup", False)),
            deleted=_flag(item.get("deleted", False)), stored_by=get("storedBy"),
        ))  # fmt: skip
    return records


def write_json(records: list[Record], data_set: str = "") -> bytes:
    values = []
    for r in records:
        item = {"dataElement": r.data_element, "period": r.period, "orgUnit": r.org_unit,
                "categoryOptionCombo": r.category_option_combo, "value": r.value,
                "storedBy": r.stored_by, "created": r.created, "lastUpdated": r.last_updated,
                "comment": r.comment, "followup": r.followup}  # fmt: skip
        values.append({k: v for k, v in item.items() if v != ""})
    document = {"dataSet": data_set} if data_set else {}
    document["dataValues"] = values
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


# dataValueSets CSV ----------------------------------------------------------------------


def read_csv(data: bytes) -> list[Record]:
    text = _text(data)
    with wide_csv_fields(text):
        return _read_csv(text)


def _read_csv(text: str) -> list[Record]:
    reader = csv.reader(io.StringIO(text))
    records = []
    for row in reader:
        cells = [c.strip() for c in row] + [""] * (len(CSV_COLUMNS) - len(row))
        if not any(cells):
            continue
        if reader.line_num == 1 and cells[0].lower() == "dataelement":
            continue
        records.append(Record(
            index=len(records), line=reader.line_num, data_element=cells[0], period=cells[1],
            org_unit=cells[2], category_option_combo=cells[3], attribute_option_combo=cells[4],
            value=cells[5], stored_by=cells[6], comment=cells[8], followup=_flag(cells[9]),
            deleted=len(cells) > 10 and _flag(cells[10]),
        ))  # fmt: skip
    return records


def write_csv(records: list[Record]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in records:
        writer.writerow([r.data_element, r.period, r.org_unit, r.category_option_combo,
                         r.attribute_option_combo, r.value, r.stored_by, r.last_updated,
                         r.comment, "true" if r.followup else "false"])  # fmt: skip
    return out.getvalue().encode()


# ADX ------------------------------------------------------------------------------------

_DURATIONS = {"month": "P1M", "quarter": "P3M", "half": "P6M", "year": "P1Y"}
_KIND_OF_DURATION = {"P1M": "month", "P3M": "quarter", "P6M": "half", "P1Y": "year",
                     "P12M": "year"}  # fmt: skip
_ADX_PERIOD = re.compile(r"^(\d{4})-(\d{2})-(\d{2})/(P\d+[MY])$")


def adx_period(period_id: str) -> str:
    """202406 → 2024-06-01/P1M, 2024Q2 → 2024-04-01/P3M, 2024S1 → …/P6M, 2024 → …/P1Y."""
    period = Period.parse(period_id)
    return f"{period.start.isoformat()}/{_DURATIONS[period.type]}"


def period_from_adx(text: str) -> str | None:
    """The DHIS2 id of an ADX period, or None when it is not a period danso knows (a start
    that does not begin the month, quarter, half-year or year; another duration)."""
    m = _ADX_PERIOD.match(text.strip())
    kind = _KIND_OF_DURATION.get(m.group(4)) if m else None
    if kind is None:
        return None
    try:
        start = datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    if start.day != 1 or (start.month - 1) % MONTHS[kind]:
        return None
    index = (start.month - 1) // MONTHS[kind] + 1
    period_id = {"month": f"{start.year}{start.month:02d}", "quarter": f"{start.year}Q{index}",
                 "half": f"{start.year}S{index}", "year": str(start.year)}[kind]  # fmt: skip
    try:
        return Period.parse(period_id).id
    except PeriodError:
        return None


_GROUP_KEYS = {"orgUnit", "period", "dataSet", "completeDate", "attributeOptionCombo"}
_VALUE_KEYS = {"dataElement", "value", "categoryOptionCombo", "annotation"}


def read_adx(data: bytes) -> list[Record]:
    try:
        root = parse_xml(data, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise FormatError(_("The file is not valid XML: %(error)s") % {"error": exc}) from exc
    if root.tag != f"{{{ADX_NS}}}adx":
        raise FormatError(_("An ADX file has an <adx> root in the namespace %(ns)s.")
                          % {"ns": ADX_NS})  # fmt: skip
    if not root.get("exported"):
        raise FormatError(_('The <adx> root must say when it was exported ("exported").'))
    records = []
    for group in root.iter(f"{{{ADX_NS}}}group"):
        period_text = group.get("period", "")
        for element in group.iter(f"{{{ADX_NS}}}dataValue"):
            note = element.find(f"{{{ADX_NS}}}annotation")
            records.append(Record(
                index=len(records), data_set=group.get("dataSet", ""),
                org_unit=group.get("orgUnit", ""),
                # An unreadable period is kept as written, for the conflict to quote it.
                period=period_from_adx(period_text) or period_text,
                attribute_option_combo=group.get("attributeOptionCombo", ""),
                attribute_categories={k: v for k, v in group.attrib.items()
                                      if k not in _GROUP_KEYS},
                data_element=element.get("dataElement", ""), value=element.get("value", ""),
                category_option_combo=element.get("categoryOptionCombo", ""),
                categories={k: v for k, v in element.attrib.items() if k not in _VALUE_KEYS},
                comment=(note.text or "").strip() if note is not None
                else element.get("annotation", ""),
            ))  # fmt: skip
    return records


def write_adx(records: list[Record]) -> bytes:
    """Groups of (data set, org unit, period) in the order the records come."""
    ElementTree.register_namespace("", ADX_NS)
    exported = datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()
    root = ElementTree.Element(f"{{{ADX_NS}}}adx", {"exported": exported})
    groups: dict[tuple, ElementTree.Element] = {}
    for r in records:
        key = (r.data_set, r.org_unit, r.period)
        if key not in groups:
            groups[key] = ElementTree.SubElement(root, f"{{{ADX_NS}}}group", {
                "orgUnit": r.org_unit, "period": adx_period(r.period), "dataSet": r.data_set,
            })  # fmt: skip
        # One attribute per category; a value without disaggregation has none.
        attributes = {"dataElement": r.data_element, **r.categories, "value": r.value}
        value = ElementTree.SubElement(groups[key], f"{{{ADX_NS}}}dataValue", attributes)
        if r.comment:
            ElementTree.SubElement(value, f"{{{ADX_NS}}}annotation").text = r.comment
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
