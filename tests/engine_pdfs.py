"""The PDFs the table engine is checked on against pdfplumber itself, named once for every test of it."""

from __future__ import annotations

from pathlib import Path
from typing import Final

TESTS: Final = Path(__file__).parent
SHARED: Final = TESTS.parent.parent / "shared"
REALDOCS: Final = SHARED / "realdocs" / "raw"
FIXTURE_PDFS: Final = [
    TESTS / "fixtures" / "pdf" / "tables20.pdf",
    TESTS / "fixtures" / "pdf" / "tables20_rowsplit.pdf",
    TESTS / "fixtures" / "formats" / "seed000.pdf",
    TESTS / "fixtures" / "formats" / "seed002.pdf",
    TESTS / "fixtures" / "prose" / "prose003.pdf",
    *sorted((SHARED / "fixtures" / "pdf").glob("tables200p.pdf")),
]
"""The fixtures of the tests, and the 201 table pages ``make bench`` times (where ../shared holds them)."""
