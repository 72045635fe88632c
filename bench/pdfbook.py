"""A budget book for the PDF benchmark: many text-only pages, then the 20 ruled tables.

Real budget books are mostly prose (说明, 收支总表 commentary …) with the 绩效目标表 pages a small
share. ``build_budget_book`` writes ``text_pages`` pages of plain text with pypdfium2 (one of
PDF's standard 14 fonts, Latin text, no table rules) and then imports every page of
``tables20.pdf`` after them, so the reader has to find the table pages among the text pages.
"""

from __future__ import annotations

import ctypes
from pathlib import Path
from typing import Final

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

FIXTURES: Final = Path("/work/shared/fixtures/pdf")
A4: Final = (595.0, 842.0)
LINES_PER_PAGE: Final = 40


def _add_text_page(pdf: pdfium.PdfDocument, number: int) -> None:
    page = pdf.new_page(*A4)
    font = pdfium_c.FPDFText_LoadStandardFont(pdf.raw, b"Helvetica")
    for line in range(LINES_PER_PAGE):
        text = f"Budget narrative page {number}, paragraph {line}: revenue, expenditure and notes."
        obj = pdfium_c.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", ctypes.c_float(10.0))
        encoded = (text + "\x00").encode("utf-16-le")
        buffer = ctypes.create_string_buffer(encoded)
        pdfium_c.FPDFText_SetText(obj, ctypes.cast(buffer, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
        pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 50, A4[1] - 50 - 18 * line)
        pdfium_c.FPDFPage_InsertObject(page.raw, obj)
    pdfium_c.FPDFPage_GenerateContent(page.raw)
    del font
    page.close()


def build_budget_book(target: Path, text_pages: int = 150, tables: Path | None = FIXTURES / "tables20.pdf") -> Path:
    """The book at ``target`` (reused if there): ``text_pages`` pages of prose, then the pages of ``tables`` if any."""
    if target.exists():
        return target
    pdf = pdfium.PdfDocument.new()
    for number in range(text_pages):
        _add_text_page(pdf, number + 1)
    if tables is not None:
        source = pdfium.PdfDocument(tables)
        pdf.import_pages(source)
        source.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    pdf.save(str(target))
    pdf.close()
    return target
