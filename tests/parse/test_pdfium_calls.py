"""pdfium called by address: the same answers as pypdfium2's own objects give.

The reader loads its pages through pdfium's raw calls (``text_of_page``) and passes handles to
functions declared without argument types (``unchecked``): each page's text must equal
pypdfium2's ``get_text_range()``, and each page's objects those of pypdfium2's ``get_objects``.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from pipeline.parse.read.pdfium_calls import address, handle, page_objects, text_of_page
from tests.engine_pdfs import FIXTURE_PDFS, REALDOCS

PDFS = [*FIXTURE_PDFS, *sorted(REALDOCS.glob("*.pdf"))]


@pytest.mark.parametrize("path", PDFS, ids=lambda path: path.name[:24])
def test_every_page_reads_as_pypdfium2_reads_it(path: Path) -> None:
    document = pdfium.PdfDocument(path)
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            try:
                assert text_of_page(textpage.raw) == textpage.get_text_range(), f"page {index + 1}"
                listed = page_objects(handle(address(page.raw)))
                objects = list(page.get_objects(max_depth=1))
                assert listed.addresses == [address(obj.raw) for obj in objects]
                assert listed.kinds == [obj.type for obj in objects]
            finally:
                textpage.close()
                page.close()
    finally:
        document.close()


def test_a_page_without_text_reads_empty() -> None:
    document = pdfium.PdfDocument.new()
    try:
        page = document.new_page(200, 200)
        textpage = page.get_textpage()
        assert text_of_page(textpage.raw) == "" == textpage.get_text_range()
        assert page_objects(handle(address(page.raw))).kinds == []
        assert pdfium_c.FPDFText_CountChars(textpage.raw) == 0
        textpage.close()
        page.close()
    finally:
        document.close()
