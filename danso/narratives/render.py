"""Rendering a draft as DOCX with the kind's template (docxtpl: Jinja tags in a Word file),
and as PDF through LibreOffice where it is installed.

The template holds the frame (issuing body, motto, number and date line, title, section
headings, signature block, appendix heading) and names what is filled in: `{{ issuer }}`,
`{{ subtitle }}`… and `{{p body.<section> }}`, a sub-document this module builds from the
drafted blocks (paragraphs, bullets, tables, notes) followed by the unit's own text. Fonts
come from the template's Normal style, so an administrator changes them there.
"""

import datetime
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils import timezone
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docxtpl import DocxTemplate
from jinja2 import ChainableUndefined, Environment

from .content import SENSITIVE_NOTE, visible
from .kinds import Kind

PLACEHOLDER = "…" * 60  # an empty section of the unit's own text: to be written by hand


class Missing(ChainableUndefined):
    """A figure the template names that this draft does not hold prints as "…", so a
    template written for one year still renders for another (templates.check refuses names
    that no draft can hold)."""

    def __str__(self):
        return "…"


def environment(undefined=Missing) -> Environment:
    return Environment(undefined=undefined, autoescape=True)


def _paragraph(doc, text: str, *, indent=True, italic=False, bold=False, align=None, size=None):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align if align is not None else WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.space_after = Pt(4)
    if indent:
        fmt.first_line_indent = Cm(1)
    run = p.add_run(text)
    run.italic, run.bold = italic, bold
    if size:
        run.font.size = Pt(size)
    return p


def _borders(table) -> None:
    """Single lines around every cell, set on the table itself (a template saved by Word may
    not keep a "Table Grid" style)."""
    props = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "4")
        line.set(qn("w:color"), "000000")
        borders.append(line)
    props.append(borders)


def set_widths(table, widths_cm: list[float]) -> None:
    """Fixed column widths (the grid and each cell: Word reads one, LibreOffice the other)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def _cell(cell, text: str, bold=False, align=WD_ALIGN_PARAGRAPH.LEFT) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.alignment = align
    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(11)


def _repeat_header(row) -> None:
    """The header row is repeated on every page a long table runs over."""
    props = row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    props.append(repeat)


def _numeric(text: str) -> bool:
    stripped = text.replace(".", "").replace(",", "").replace("%", "").replace("‰", "")
    stripped = stripped.replace("*", "").replace("−", "").replace("+", "").strip()
    return stripped.isdigit()


def _table(doc, block: dict) -> None:
    header, rows = block["header"], block["rows"]
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table)
    for i, title in enumerate(header):
        _cell(table.rows[0].cells[i], title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _repeat_header(table.rows[0])
    last = len(rows) - 1
    for r, row in enumerate(rows, start=1):
        bold = block.get("total") and r - 1 == last
        if len(row) < len(header):  # the last cell spans the rest ("Chưa được giao chỉ tiêu")
            cells = table.rows[r].cells
            cells[len(row) - 1].merge(cells[-1])
        for i, text in enumerate(row):
            align = WD_ALIGN_PARAGRAPH.RIGHT if _numeric(str(text)) else WD_ALIGN_PARAGRAPH.LEFT
            if (i == 0 and header[0] == "STT") or text in ("–", ""):
                align = WD_ALIGN_PARAGRAPH.CENTER
            _cell(table.rows[r].cells[i], str(text), bold=bool(bold), align=align)
    widths = block.get("widths") or []
    if len(widths) == len(header):
        set_widths(table, widths)
    doc.add_paragraph().paragraph_format.space_after = Pt(2)


def add_blocks(doc, blocks: list[dict]) -> None:
    for block in blocks:
        kind = block["type"]
        if kind == "table":
            _table(doc, block)
        elif kind == "bullet":
            _paragraph(doc, f"- {block['text']}")
        elif kind == "note":
            _paragraph(doc, block["text"], italic=True, size=12)
        else:
            _paragraph(doc, block["text"])


def add_text(doc, text: str) -> None:
    """The unit's own text: a paragraph per line, blank lines dropped."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        _paragraph(doc, PLACEHOLDER, indent=False)
    for line in lines:
        _paragraph(doc, line)


def appendix(doc, trace: list[dict]) -> None:
    if not trace:
        _paragraph(doc, "Văn bản không có số liệu.", indent=False, italic=True)
        return
    rows = [[str(i), row["label"], row["value"], row["source"]]
            for i, row in enumerate(trace, start=1)]  # fmt: skip
    _table(doc, {"header": ["STT", "Số liệu", "Giá trị", "Nguồn (biểu và dòng; chỉ tiêu và "
                            "phân tổ; chỉ số với tử số, mẫu số; mã hoạt động)"],
                 "rows": rows, "widths": [1.3, 4.3, 2.8, 8.1]})  # fmt: skip


def context(tpl: DocxTemplate, kind: Kind, content: dict, texts: dict,
            sensitive_ok: bool) -> dict:  # fmt: skip
    """What the template's tags name: the header's fields, `body.<section>`, `appendix`,
    `figures.<CODE>` (each figure as printed), `recipients`."""
    body = {}
    for section in kind.sections:
        doc = tpl.new_subdoc()
        add_blocks(doc, content["sections"].get(section.code, []))
        if section.editable:
            if section.sensitive and not sensitive_ok:
                _paragraph(doc, SENSITIVE_NOTE, italic=True, size=12)
            else:
                add_text(doc, texts.get(section.code, ""))
        body[section.code] = doc
    annex = tpl.new_subdoc()
    appendix(annex, content["trace"])
    figures = {k: v for k, v in content["figures"].items() if not k.startswith("_")}
    return {**content["header"], "body": body, "appendix": annex, "figures": figures,
            "as_of_text": _moment(content.get("as_of", ""))}  # fmt: skip


def _moment(iso: str) -> str:
    """dd/mm/yyyy HH:MM, local time, of an ISO moment."""
    if not iso:
        return ""
    moment = timezone.localtime(datetime.datetime.fromisoformat(iso))
    return f"{moment:%H:%M} ngày {moment:%d/%m/%Y}"


def docx(template: bytes, kind: Kind, content: dict, texts: dict, sensitive_ok: bool,
         env: Environment | None = None) -> bytes:  # fmt: skip
    """The DOCX of a draft for a reader: sensitive parts only if `sensitive_ok`."""
    content = visible(content, sensitive_ok)
    tpl = DocxTemplate(io.BytesIO(template))
    tpl.render(context(tpl, kind, content, texts, sensitive_ok), jinja_env=env or environment(),
               autoescape=True)  # fmt: skip
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


# PDF ---------------------------------------------------------------------------------------

PDF_TIMEOUT = 180  # seconds LibreOffice may take to convert one document


def libreoffice() -> str | None:
    """LibreOffice's command, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


class PdfUnavailable(Exception):
    pass


def pdf(docx_bytes: bytes) -> bytes:
    """The PDF of a DOCX through LibreOffice (headless, a profile of its own each time, so
    that parallel conversions do not share a lock)."""
    command = libreoffice()
    if command is None:
        raise PdfUnavailable("LibreOffice is not installed")
    with tempfile.TemporaryDirectory(prefix="danso-pdf-") as folder:
        source = Path(folder) / "draft.docx"
        source.write_bytes(docx_bytes)
        profile = Path(folder) / "profile"
        subprocess.run(
            [command, f"-env:UserInstallation={profile.as_uri()}", "--headless",
             "--convert-to", "pdf", "--outdir", folder, str(source)],
            check=True, capture_output=True, timeout=PDF_TIMEOUT,
        )  # fmt: skip
        return (Path(folder) / "draft.pdf").read_bytes()
