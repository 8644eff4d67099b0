import io

import pytest
from docx import Document

from tests.statistics.conftest import register  # noqa: F401 - the register of tests/statistics


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def docx_text(data: bytes) -> str:
    """Every paragraph of a DOCX, in the body and in its tables (nested ones too), one a
    line: what a reader of the document sees."""
    document = Document(io.BytesIO(data))
    lines = []

    def walk(container):
        for paragraph in container.paragraphs:
            lines.append(paragraph.text)
        for table in container.tables:
            for row in table.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    walk(cell)

    walk(document)
    return "\n".join(lines)


def docx_tables(data: bytes) -> list[list[list[str]]]:
    """The tables of a DOCX's body as rows of cell texts."""
    document = Document(io.BytesIO(data))
    return [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
