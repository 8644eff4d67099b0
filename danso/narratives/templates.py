"""The kinds' DOCX templates as data: a built-in one per kind, written here with python-docx,
and those administrators upload (the latest active one is used). An upload is checked before
it is kept: it must be a Word document whose Jinja tags parse, name only what a draft holds,
and render; otherwise it is refused with the reason and the current template stays."""

import io
import re
import zipfile

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from jinja2 import StrictUndefined, TemplateError, UndefinedError

from . import render
from .kinds import Kind
from .models import NarrativeTemplate

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
FONT = "Times New Roman"


class TemplateRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# The built-in templates -------------------------------------------------------------------


def _line(paragraph, indent_cm: float) -> None:
    """A short solid line under the paragraph (the rule under the issuing body and the
    motto), as a bottom border of an indented empty paragraph."""
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(indent_cm)
    fmt.space_after = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _p(container, text="", bold=False, italic=False, size=None, align=WD_ALIGN_PARAGRAPH.CENTER,
       after=0, before=0):  # fmt: skip
    p = container.add_paragraph()
    p.paragraph_format.alignment = align
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.space_before = Pt(before)
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
    return p


def _first(cell):
    """A table cell starts with an empty paragraph: write into it, then add."""
    p = cell.paragraphs[0]
    p._p.getparent().remove(p._p)
    return cell


def _setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(13)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.15


def _header(doc) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    render.set_widths(table, [6.4, 10.1])
    left, right = (_first(c) for c in table.rows[0].cells)
    _p(left, "{{ issuer_parent }}", size=12)
    _p(left, "{{ issuer }}", bold=True, size=12)
    _line(_p(left), 2.2)
    _p(left, "{{ number }}", size=13, before=4)
    _p(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    _p(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13)
    _line(_p(right), 2.4)
    _p(right, "{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ year }}", italic=True,
       size=13, before=4)  # fmt: skip


def _signature(doc, kind: Kind) -> None:
    table = doc.add_table(rows=1, cols=2)
    render.set_widths(table, [7.5, 9.0])
    left, right = (_first(c) for c in table.rows[0].cells)
    if kind.minutes:
        _p(left, "THƯ KÝ", bold=True, size=13)
        _p(left, "(Ký, ghi rõ họ tên)", italic=True, size=13)
        _p(right, "{{ signer_title }}", bold=True, size=13)
        _p(right, "(Ký, ghi rõ họ tên)", italic=True, size=13)
        return
    _p(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    _p(left, "{%p for r in recipients %}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _p(left, "- {{ r }};", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _p(left, "{%p endfor %}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _p(right, "{{ signer_title }}", bold=True, size=13)
    _p(right, "{{ signer_role }}", bold=True, size=13)
    _p(right, "(Ký, ghi rõ họ tên, đóng dấu)", italic=True, size=13)


def builtin(kind: Kind) -> bytes:
    """The kind's template as danso ships it."""
    doc = Document()
    _setup(doc)
    _header(doc)
    _p(doc, "{{ title }}", bold=True, size=14, before=18)
    _p(doc, "{{ subtitle }}", bold=True, size=14)
    _line(_p(doc, after=10), 6.0)
    for section in kind.sections:
        _p(doc, section.heading, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=6, after=4)
        _p(doc, f"{{{{p body.{section.code} }}}}", align=WD_ALIGN_PARAGRAPH.LEFT)
    _p(doc, after=6)
    _signature(doc, kind)
    _p(doc).add_run().add_break(WD_BREAK.PAGE)
    _p(doc, "PHỤ LỤC", bold=True, size=14)
    _p(doc, "NGUỒN CỦA CÁC SỐ LIỆU TRONG {{ title }}", bold=True, size=13)
    note = ("(Kèm theo {{ title|lower }} {{ subtitle[:1]|lower }}{{ subtitle[1:] }}; số liệu "
            "tính từ hệ thống danso lúc {{ as_of_text }})")  # fmt: skip
    _p(doc, note, italic=True, size=12, after=8)
    _p(doc, "{{p appendix }}", align=WD_ALIGN_PARAGRAPH.LEFT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# Storage -----------------------------------------------------------------------------------


def current(kind: Kind) -> NarrativeTemplate | None:
    """The uploaded template in use, or None for the built-in one."""
    latest = NarrativeTemplate.objects.filter(kind=kind.code).order_by("-number").first()
    return latest if latest is not None and latest.active else None


def template_bytes(kind: Kind) -> tuple[bytes, int]:
    """(the template in use, its number: 0 for the built-in one)."""
    uploaded = current(kind)
    if uploaded is None:
        return builtin(kind), 0
    return bytes(uploaded.content), uploaded.number


MARKER = "«danso-mục»"  # the sample text of each section, looked for in the rendered sample


def _texts(data: bytes) -> list[str]:
    """Every paragraph's text of the document's body, tables, headers and footers."""
    document = Document(io.BytesIO(data))
    found = []

    def walk(container):
        found.extend(p.text for p in container.paragraphs)
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(document)
    for section in document.sections:
        walk(section.header)
        walk(section.footer)
    return found


def _balanced(data: bytes) -> None:
    text = "\n".join(_texts(data))
    for opening, closing in (("{{", "}}"), ("{%", "%}")):
        if text.count(opening) != text.count(closing):
            raise TemplateRefused(
                _("A tag is not closed: the template has %(open)s “%(o)s” but %(close)s "
                  "“%(c)s”.") % {"open": text.count(opening), "o": opening,
                                 "close": text.count(closing), "c": closing}
            )  # fmt: skip


def sample_content(kind: Kind) -> dict:
    """A content of the kind's shape for checking a template: every section with a paragraph
    and a table, every header field, and every figure code a draft of any kind may hold."""
    from danso.programmes.metadata import ELEMENTS as DATA_ELEMENTS
    from danso.programmes.metadata import INDICATORS as AGGREGATE
    from danso.statistics.definitions import ELEMENTS, INDICATOR_BY_CODE

    codes = [*ELEMENTS, *INDICATOR_BY_CODE, *(e.code for e in DATA_ELEMENTS),
             *(i.code for i in AGGREGATE)]  # fmt: skip
    figures = {code: "1" for code in codes} | {f"{c}_previous": "1" for c in codes}
    header = {key: "…" for key in ("issuer_parent", "issuer", "number", "place", "day", "month",
                                   "year", "title", "subtitle", "unit_name", "unit_uid",
                                   "period", "period_label", "signer_title", "signer_role",
                                   "period_short", "period_end", "as_of_text")}  # fmt: skip
    header.update(recipients=["…"], minutes=kind.minutes)
    block = [{"type": "p", "text": MARKER, "sensitive": False},
             {"type": "table", "header": ["…", "…"], "rows": [["…", "1"]], "widths": [],
              "sensitive": False}]  # fmt: skip
    return {"kind": kind.code, "header": header,
            "sections": {s.code: [{**block[0], "text": f"{MARKER}{s.code}"}, block[1]]
                         for s in kind.sections},
            "trace": [{"section": "", "label": "…", "value": "1", "source": "…",
                       "sensitive": False}],
            "figures": figures, "as_of": ""}  # fmt: skip


def check(kind: Kind, data: bytes) -> None:
    """Refuse a file that is not a usable template of the kind (TemplateRefused)."""
    if not data:
        raise TemplateRefused(_("The file is empty."))
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateRefused(_("The template is larger than 5 MB."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        names = set()
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise TemplateRefused(_("The file is not a Word document (.docx)."))
    try:
        _balanced(data)
    except TemplateRefused:
        raise
    except Exception as err:  # noqa: BLE001 - a ZIP that python-docx cannot open
        raise TemplateRefused(_("The file is not a Word document (.docx).")) from err
    try:
        rendered = render.docx(data, kind, sample_content(kind), {}, True,
                               env=render.environment(StrictUndefined))  # fmt: skip
        shown = "\n".join(_texts(rendered))
    except UndefinedError as err:
        found = re.search(r"'([^']+)' is undefined", err.message or "")
        name = found.group(1) if found else (err.message or "")
        raise TemplateRefused(
            _(
                "The template names “%(name)s”, which no draft holds; the names a template may "
                "use are listed on this page."
            )
            % {"name": name}
        ) from err
    except TemplateError as err:
        line = f" (dòng {err.lineno})" if getattr(err, "lineno", None) else ""
        raise TemplateRefused(
            _(
                "The template's tags cannot be read%(line)s: %(error)s. Check every {{ … }} and "
                "{%% … %%}; the names a template may use are listed on this page."
            )
            % {"line": line, "error": err.message or err.__class__.__name__}
        ) from err
    except Exception as err:  # noqa: BLE001 - whatever breaks, the upload is refused
        raise TemplateRefused(
            _("The template cannot be rendered: %(error)s.") % {"error": str(err)[:300]}
        ) from err
    missing = [s.code for s in kind.sections if f"{MARKER}{s.code}" not in shown]
    if missing:
        raise TemplateRefused(
            _(
                "The template has lost the place of these sections: %(codes)s. Each needs its "
                "own paragraph {{p body.<section> }}."
            )
            % {"codes": ", ".join(missing)}
        )


@transaction.atomic
def upload(kind: Kind, file_name: str, data: bytes, user) -> NarrativeTemplate:
    """Keep a checked template as the kind's current one (TemplateRefused keeps the old)."""
    check(kind, data)
    number = (NarrativeTemplate.objects.select_for_update().filter(kind=kind.code)
              .aggregate(n=Max("number"))["n"] or 0) + 1  # fmt: skip
    return NarrativeTemplate.objects.create(
        kind=kind.code, number=number, file_name=file_name[:200], content=data,
        size=len(data), uploaded_by=user,
    )  # fmt: skip


@transaction.atomic
def restore_builtin(kind: Kind, user) -> None:
    """Use the built-in template again (the uploads are kept, marked inactive)."""
    for uploaded in NarrativeTemplate.objects.filter(kind=kind.code, active=True):
        uploaded.active = False
        uploaded.save(update_fields=["active"])


NAMES = ["issuer_parent", "issuer", "number", "place", "day", "month", "year", "title",
         "subtitle", "unit_name", "period_label", "signer_title", "signer_role", "recipients",
         "as_of_text", "body.<mục>", "appendix", "figures.<MÃ>"]  # fmt: skip
