"""Build Word and PDF originals of 003's prose targets for tests/parse/test_layout_prose.py.

Why: 003 is a text dump whose 分项绩效目标 paragraph lines are whole. In the Word original those
lines are paragraphs, and in its PDF print they are wrapped into lines of ~45 characters, with
the tables beside them read as grids. ``prose003.docx`` holds 003's lines 1–25 (第一部分 up to the
last project paragraph) as paragraphs, then 003's 信访维稳（保险） form laid out as in
scripts/make_fixtures.py; ``prose003.pdf`` is LibreOffice's print of it (same fonts and versions
as make_fixtures.py). The tests expect the prose projects read from these to equal those read
from the text.

Run: ``PYTHONPATH=. .venv/bin/python scripts/make_prose_fixtures.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Final

from docx import Document

from pipeline.core.text import clean_text
from pipeline.parse.layouts.cell_lines import CellLinesLayout
from pipeline.parse.read.text import read_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_fixtures import BODY_PT, Form, _set_fonts, convert_to_pdf, write_docx

REPO: Final = Path(__file__).resolve().parents[1]
SEED: Final = REPO / "data" / "raw" / "003_88a2649a8df46961.txt"
OUT: Final = REPO / "tests" / "fixtures" / "prose" / "prose003.docx"
PROSE_LINES: Final = 25
"""003's lines 1–25: 第一部分 … the last project paragraph of 项目绩效目标."""
FORM_TABLE: Final = 6
"""003's sixth form, 信访维稳（保险）: the project its prose paragraph 1 restates."""


def main() -> int:
    doc = read_text(SEED.read_bytes(), SEED.name)
    extraction = CellLinesLayout().extract(doc)
    project = next(p for p in extraction.projects if p.table_no == FORM_TABLE)
    rows = tuple(r for r in extraction.indicators if r.table_no == FORM_TABLE)
    write_docx("prose003", [Form(project, rows, ())], OUT)
    document = Document(str(OUT))
    first = document.paragraphs[0]
    for line in doc.lines[:PROSE_LINES]:
        if text := clean_text(line):
            _set_fonts(first.insert_paragraph_before().add_run(text), BODY_PT)
    document.save(str(OUT))
    print(f"{OUT.name}: {PROSE_LINES} prose lines + form {FORM_TABLE} ({len(rows)} rows)")
    if convert_to_pdf(OUT):
        print(f"{OUT.with_suffix('.pdf').name}: printed by LibreOffice")
    return 0


if __name__ == "__main__":
    sys.exit(main())
