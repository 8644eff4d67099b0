"""docs/api.md shows one example request of every kind of change, each one the API's schema
accepts, and its table names every kind."""

import json
import re
from pathlib import Path

from danso.api.register import ChangeIn
from danso.register.validation import RECORDABLE_KINDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def _section() -> str:
    text = DOC.read_text()
    return text.split("### The fields of each kind of change", 1)[1].split("\n## ", 1)[0]


def test_every_kind_has_a_documented_example_the_schema_accepts():
    examples = [json.loads(b) for b in re.findall(r"```json\n(.*?)\n```", _section(), re.S)]
    assert sorted(e["kind"] for e in examples) == sorted(RECORDABLE_KINDS)
    for example in examples:
        change = ChangeIn(**example)
        assert set(example) <= set(change.model_dump())


def test_the_table_names_every_kind():
    rows = re.findall(r"^\| `(\w+)` \|", _section(), re.M)
    assert sorted(rows) == sorted(RECORDABLE_KINDS)
