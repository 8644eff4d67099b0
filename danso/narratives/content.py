"""A drafted document as plain data (stored on the draft as JSON, rendered by render.py):
sections of blocks (paragraphs, bullets, tables, notes), the figures a template may name, and
the trace: every figure printed, with its source, for the appendix.

Blocks and trace rows carry `sensitive`; `visible()` removes them for users without the
sensitive-programme permission and puts a note in their place, so one draft serves both.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

SENSITIVE_NOTE = (
    "Phần này có số liệu nhạy cảm (bạo lực gia đình, trẻ em được đỡ đầu); chỉ người được cấp "
    "quyền xem số liệu nhạy cảm mới thấy, nên đã được lược bỏ khỏi bản này."
)


@dataclass
class Draft:
    """What a kind's drafting code fills in, section by section."""

    kind: str
    header: dict  # issuer_parent, issuer, place, number, title, subtitle, unit_name, period…
    sections: dict[str, list[dict]] = field(default_factory=dict)
    trace: list[dict] = field(default_factory=list)
    figures: dict[str, str] = field(default_factory=dict)
    as_of: datetime.datetime = field(default_factory=timezone.now)
    _section: str = ""
    _sensitive: bool = False

    def start(self, section: str, sensitive: bool = False) -> "Draft":
        self._section, self._sensitive = section, sensitive
        self.sections.setdefault(section, [])
        return self

    def _add(self, block: dict, sensitive: bool) -> None:
        block["sensitive"] = sensitive or self._sensitive
        self.sections[self._section].append(block)

    def p(self, text: str, sensitive: bool = False) -> None:
        self._add({"type": "p", "text": text}, sensitive)

    def bullet(self, text: str, sensitive: bool = False) -> None:
        self._add({"type": "bullet", "text": text}, sensitive)

    def note(self, text: str, sensitive: bool = False) -> None:
        """Italic: cautions, what is missing and why."""
        self._add({"type": "note", "text": text}, sensitive)

    def table(self, header: list[str], rows: list[list[str]], widths: list[float] | None = None,
              sensitive: bool = False, total: bool = False) -> None:  # fmt: skip
        """`widths` in cm; `total`: the last row is a total (bold)."""
        self._add({"type": "table", "header": header, "rows": rows, "widths": widths or [],
                   "total": total}, sensitive)  # fmt: skip

    def figure(self, label: str, text: str, source: str, key: str = "",
               sensitive: bool = False) -> str:  # fmt: skip
        """Record a printed figure and its source for the appendix; returns `text`, so a
        sentence is written as f"… {draft.figure(...)} …". `key` lets a template name it."""
        sensitive = sensitive or self._sensitive
        row = {"section": self._section, "label": label, "value": text, "source": source,
               "sensitive": sensitive}  # fmt: skip
        if row not in self.trace:
            self.trace.append(row)
        if key:
            self.figures[key] = text
            if sensitive:
                self.figures.setdefault("_sensitive", []).append(key)
        return text

    def as_json(self) -> dict:
        return {"kind": self.kind, "header": self.header, "sections": self.sections,
                "trace": self.trace, "figures": self.figures,
                "as_of": self.as_of.isoformat()}  # fmt: skip


def visible(content: dict, may_see_sensitive: bool) -> dict:
    """The content as a user may see it: without sensitive blocks, figures and trace rows
    when they lack the permission (a note says what was left out)."""
    if may_see_sensitive or content is None:
        return content
    sections = {}
    for code, blocks in content["sections"].items():
        kept = [b for b in blocks if not b.get("sensitive")]
        if len(kept) < len(blocks):
            kept.append({"type": "note", "text": SENSITIVE_NOTE, "sensitive": False})
        sections[code] = kept
    hidden = set(content["figures"].get("_sensitive", []))
    figures = {k: v for k, v in content["figures"].items() if k not in hidden and k != "_sensitive"}
    trace = [row for row in content["trace"] if not row.get("sensitive")]
    return {**content, "sections": sections, "figures": figures, "trace": trace}


def has_sensitive(content: dict | None) -> bool:
    if not content:
        return False
    blocks = (b for blocks in content["sections"].values() for b in blocks)
    return any(b.get("sensitive") for b in blocks) or any(
        r.get("sensitive") for r in content["trace"]
    )
