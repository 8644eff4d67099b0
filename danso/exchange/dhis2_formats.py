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

Readers stream (`iter_records`): a file of a million values is read value by value (csv.reader
over the decoded stream, ijson for JSON, iterparse with each group cleared for ADX), never whole;
`read` makes a list of them for small files and tests. A source is the file's bytes, or a path.
"""

import csv
import datetime
import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import ijson
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

from danso.statistics.periods import MONTHS, Period, PeriodError

Source = bytes | Path


class _Empty(dict):
    """The one empty mapping every record without disaggregation shares (no dict per value):
    it refuses to be changed."""

    __slots__ = ()

    def __hash__(self):
        return 0

    def _refuse(self, *args, **kwargs):
        raise TypeError("NO_CATEGORIES is shared: give the record its own dict")

    __setitem__ = __delitem__ = update = setdefault = pop = popitem = clear = _refuse


NO_CATEGORIES = _Empty()

ADX_NS = "urn:ihe:qrph:adx:2015"
CSV_COLUMNS = ["dataelement", "period", "orgunit", "catoptcombo", "attroptcombo", "value",
               "storedby", "lastupdated", "comment", "followup"]  # fmt: skip
FORMATS = ("json", "csv", "adx")
CONTENT_TYPES = {"json": "application/json", "csv": "application/csv",
                 "adx": "application/adx+xml"}  # fmt: skip
EXTENSIONS = {"json": "json", "csv": "csv", "adx": "adx.xml"}


class FormatError(Exception):
    """The file as a whole cannot be read (not JSON, not XML, no ADX root…)."""


@dataclass(slots=True)
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
    # ADX: category → option, for the value and for its group (read-only when shared)
    categories: dict[str, str] = field(default=NO_CATEGORIES)
    attribute_categories: dict[str, str] = field(default=NO_CATEGORIES)
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


def read(fmt: str, data: Source) -> list[Record]:
    return list(iter_records(fmt, data))


def iter_records(fmt: str, data: Source) -> Iterator[Record]:
    """The file's values one by one; FormatError (also midway) when it cannot be read."""
    return {"json": read_json, "csv": read_csv, "adx": read_adx}[fmt](data)


def count_estimate(fmt: str, data: Source) -> int:
    """About how many values a file holds (for progress), counted in its bytes without
    parsing: lines of a CSV, `dataElement` keys of JSON, `<dataValue` tags of ADX."""
    needle = {"csv": b"\n", "json": b'"dataElement"', "adx": b"<dataValue"}[fmt]
    if isinstance(data, bytes):
        return data.count(needle)
    found, tail = 0, b""
    with open(data, "rb") as f:
        while block := f.read(1 << 20):
            block = tail + block
            found += block.count(needle)
            tail = block[-(len(needle) - 1) :] if len(needle) > 1 else b""
    return found


@contextmanager
def _binary(data: Source):
    if isinstance(data, bytes):
        yield io.BytesIO(data)
    else:
        with open(data, "rb") as f:
            yield f


def _lines(binary) -> Iterator[str]:
    """Decoded lines of a UTF-8 file (a BOM is dropped); FormatError at the first bytes that
    are not UTF-8."""
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        yield from text
    except UnicodeDecodeError as exc:
        raise FormatError(_("The file is not UTF-8 encoded text.")) from exc
    finally:
        text.detach()


def write(fmt: str, records: list[Record], data_set: str = "") -> bytes:
    if fmt == "csv":
        return write_csv(records)
    if fmt == "adx":
        return write_adx(records)
    return write_json(records, data_set)


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


HEADER_KEYS = ("dataSet", "period", "orgUnit", "attributeOptionCombo")


def read_json(data: Source) -> Iterator[Record]:
    header = _json_header(data)
    with _binary(data) as binary:
        items = ijson.items(binary, "dataValues.item", use_float=True)
        try:
            for index, item in enumerate(items):
                yield _json_record(index, item, header)
        except (ijson.JSONError, UnicodeDecodeError) as exc:
            raise _json_error(exc) from exc


_OPENING = ("start_map", "start_array")


def _json_error(exc) -> FormatError:
    if isinstance(exc, UnicodeDecodeError):
        return FormatError(_("The file is not UTF-8 encoded text."))
    return FormatError(_("The file is not valid JSON: %(error)s") % {"error": exc})


def _json_header(data: Source) -> dict[str, str]:
    """The document's own fields (which values without them inherit), wherever they stand:
    a first pass over the parser's events, without building the values (≈ 2 µs a value)."""
    header = dict.fromkeys(HEADER_KEYS, "")
    first = True
    with _binary(data) as binary:
        try:
            key = None
            for prefix, event, value in ijson.parse(binary, use_float=True):
                if first:
                    first = False
                    if event != "start_map":
                        raise FormatError(
                            _('A dataValueSet is a JSON object with a "dataValues" list.')
                        )
                if prefix == "":
                    key = value if event == "map_key" else None
                elif prefix == "dataValues":
                    if event not in ("start_array", "end_array"):
                        raise FormatError(
                            _('A dataValueSet is a JSON object with a "dataValues" list.')
                        )
                elif prefix == key and key in header and event not in _OPENING:
                    header[key] = _string(value)
        except (ijson.JSONError, UnicodeDecodeError) as exc:
            raise _json_error(exc) from exc
    if first:
        raise FormatError(_("The file is not valid JSON: %(error)s") % {"error": "empty"})
    return header


def _json_record(index: int, item, header: dict[str, str]) -> Record:
    if not isinstance(item, dict):
        item = {}  # reported as a value missing every field

    def get(key):
        return _string(item.get(key)) or header.get(key, "")

    return Record(
        index=index, data_set=header["dataSet"], data_element=get("dataElement"),
        period=get("period"), org_unit=get("orgUnit"),
        category_option_combo=get("categoryOptionCombo"),
        attribute_option_combo=get("attributeOptionCombo"), value=get("value"),
        comment=get("comment"), followup=_flag(item.get("followup", False)),
        deleted=_flag(item.get("deleted", False)), stored_by=get("storedBy"),
    )  # fmt: skip


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


def read_csv(data: Source) -> Iterator[Record]:
    with _binary(data) as binary, _wide_fields():
        reader = csv.reader(_lines(binary))
        index, width = 0, len(CSV_COLUMNS) + 1
        for row in reader:
            if len(row) < width:
                row += [""] * (width - len(row))
            cells = [c.strip() for c in row]
            if not any(cells):
                continue
            if reader.line_num == 1 and cells[0].lower() == "dataelement":
                continue
            yield Record(
                index=index, line=reader.line_num, data_element=cells[0], period=cells[1],
                org_unit=cells[2], category_option_combo=cells[3],
                attribute_option_combo=cells[4], value=cells[5], stored_by=cells[6],
                comment=cells[8], followup=_flag(cells[9]) if cells[9] else False,
                deleted=_flag(cells[10]) if cells[10] else False,
            )  # fmt: skip
            index += 1


@contextmanager
def _wide_fields():
    """Python's csv module stops the whole file at a field over 128 KiB; within this such a
    field is read, and its value refused by the checks (a comment over 500 characters, a value
    that is not a number), naming its line (as tables.wide_csv_fields does for a whole text)."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, 2**31 - 1))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


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


_ADX_ROOT, _ADX_GROUP = f"{{{ADX_NS}}}adx", f"{{{ADX_NS}}}group"
_ADX_VALUE, _ADX_NOTE = f"{{{ADX_NS}}}dataValue", f"{{{ADX_NS}}}annotation"


def read_adx(data: Source) -> Iterator[Record]:
    """Group by group: each is read at its end and then cleared, so memory holds one group.
    defusedxml's iterparse refuses a DTD (entities, external references) as fromstring did."""
    with _binary(data) as binary:
        events = iterparse(binary, events=("start", "end"), forbid_dtd=True)
        index, root = 0, None
        try:
            for event, element in events:
                if root is None:
                    root = element
                    if root.tag != _ADX_ROOT:
                        raise FormatError(_("An ADX file has an <adx> root in the namespace "
                                            "%(ns)s.") % {"ns": ADX_NS})  # fmt: skip
                    if not root.get("exported"):
                        raise FormatError(
                            _('The <adx> root must say when it was exported ("exported").')
                        )
                    continue
                if event != "end" or element.tag != _ADX_GROUP:
                    continue
                for record in _adx_group(element, index):
                    yield record
                    index += 1
                root.clear()  # the group just read, and anything before it
        except (ElementTree.ParseError, DefusedXmlException) as exc:
            raise FormatError(_("The file is not valid XML: %(error)s") % {"error": exc}) from exc
        if root is None:
            raise FormatError(_("The file is not valid XML: %(error)s") % {"error": "empty"})


def _adx_group(group, index: int) -> Iterator[Record]:
    period_text = group.get("period", "")
    # An unreadable period is kept as written, for the conflict to quote it.
    period = period_from_adx(period_text) or period_text
    attributes = {k: v for k, v in group.attrib.items() if k not in _GROUP_KEYS}
    for element in group.iter(_ADX_VALUE):
        note = element.find(_ADX_NOTE)
        categories = {k: v for k, v in element.attrib.items() if k not in _VALUE_KEYS}
        yield Record(
            index=index, data_set=group.get("dataSet", ""), org_unit=group.get("orgUnit", ""),
            period=period, attribute_option_combo=group.get("attributeOptionCombo", ""),
            attribute_categories=attributes or NO_CATEGORIES,
            data_element=element.get("dataElement", ""), value=element.get("value", ""),
            category_option_combo=element.get("categoryOptionCombo", ""),
            categories=categories or NO_CATEGORIES,
            comment=(note.text or "").strip() if note is not None
            else element.get("annotation", ""),
        )  # fmt: skip
        index += 1


def write_adx(records: list[Record], complete: dict | None = None) -> bytes:
    """Groups of (data set, org unit, period) in the order the records come; `complete` maps
    a group's (data set, org unit, period id) to its completeDate (an approved report)."""
    complete = complete or {}
    ElementTree.register_namespace("", ADX_NS)
    exported = datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()
    root = ElementTree.Element(f"{{{ADX_NS}}}adx", {"exported": exported})
    groups: dict[tuple, ElementTree.Element] = {}
    for r in records:
        key = (r.data_set, r.org_unit, r.period)
        if key not in groups:
            attributes = {"orgUnit": r.org_unit, "period": adx_period(r.period),
                          "dataSet": r.data_set}  # fmt: skip
            if complete.get(key):
                attributes["completeDate"] = complete[key]
            groups[key] = ElementTree.SubElement(root, f"{{{ADX_NS}}}group", attributes)
        # One attribute per category; a value without disaggregation has none.
        attributes = {"dataElement": r.data_element, **r.categories, "value": r.value}
        value = ElementTree.SubElement(groups[key], f"{{{ADX_NS}}}dataValue", attributes)
        if r.comment:
            ElementTree.SubElement(value, f"{{{ADX_NS}}}annotation").text = r.comment
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
