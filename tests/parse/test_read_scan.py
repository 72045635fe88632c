"""Scanned documents read by OCR (pipeline.parse.read.scan, ocr, ruling) and what decides they are.

The scans are the typed fixture tables scanned by ``scripts/make_scan_fixtures.py`` (noise, a
rotation up to 1.5°, a red seal): ``tests/fixtures/scans/seed002_*dpi.pdf`` are committed, the
others are made here the same way. What OCR must read is what the typed originals hold: the rows
pdfplumber reads from ``seed002.pdf`` and the hand-written ``ground_truth.json`` of tables20.
"""

from __future__ import annotations

import ctypes
import dataclasses
import io
import json
import os
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image

from pipeline.core.confidence import LOW_CONFIDENCE
from pipeline.core.errors import IngestError
from pipeline.core.types import Extraction, IndicatorRecord, Locator, Row
from pipeline.parse.document import extract_document, parse_document, with_ocr_confidence
from pipeline.parse.read import read_document, scan_pages
from pipeline.parse.read.scan import is_garbage, ocr_page_numbers
from scripts.make_scan_fixtures import scan_page
from scripts.ocr_accuracy import score

FIXTURES = Path(__file__).parents[1] / "fixtures"
SCANS = FIXTURES / "scans"
SEED002 = FIXTURES / "formats" / "seed002.pdf"
TABLES20 = FIXTURES / "pdf" / "tables20.pdf"


def _extract(path: Path) -> Extraction:
    return extract_document(read_document(path.read_bytes(), path.name))


def _name_value(rows: tuple[IndicatorRecord, ...]) -> list[tuple[str | None, str | None]]:
    return [(row.level3, row.value_text) for row in rows]


@pytest.fixture(scope="module")
def typed() -> Extraction:
    return _extract(SEED002)


@pytest.fixture(scope="module")
def scanned() -> dict[int, Extraction]:
    return {dpi: _extract(SCANS / f"seed002_{dpi}dpi.pdf") for dpi in (150, 200)}


def _image_pdf(pages: list[bytes]) -> bytes:
    """An image-only PDF of JPEG pages."""
    pictures = [Image.open(io.BytesIO(page)) for page in pages]
    buffer = io.BytesIO()
    pictures[0].save(buffer, format="PDF", save_all=True, append_images=pictures[1:], resolution=200.0)
    return buffer.getvalue()


def _scanned_pages(source: Path, numbers: list[int], dpi: int = 200) -> list[bytes]:
    document = pdfium.PdfDocument(source)
    try:
        return [scan_page(document[n - 1], source.name, n, dpi) for n in numbers]
    finally:
        document.close()


# -- reading ------------------------------------------------------------------------------------
def test_a_200_dpi_scan_reads_every_row_as_typed(typed: Extraction, scanned: dict[int, Extraction]) -> None:
    """Noise, a rotation and a red seal over cells: both tables, every name and value as in the typed PDF."""
    assert len(typed.indicators) == 22
    assert _name_value(scanned[200].indicators) == _name_value(typed.indicators)
    assert [p.project_name for p in scanned[200].projects] == [p.project_name for p in typed.projects]


def test_a_150_dpi_scan_reads_its_rows_or_says_it_is_unsure(typed: Extraction, scanned: dict[int, Extraction]) -> None:
    read = scanned[150].indicators
    assert len(read) == len(typed.indicators)
    wrong = [
        r for r, t in zip(read, typed.indicators, strict=True) if (r.level3, r.value_text) != (t.level3, t.value_text)
    ]
    assert len(wrong) <= 0.1 * len(read)
    assert all(r.ocr_min_score is not None and r.ocr_min_score < LOW_CONFIDENCE for r in wrong)


def test_values_read_from_the_scan(scanned: dict[int, Extraction]) -> None:
    """Values as printed on the page: a comparator, a unit after the number, a date limit."""
    rows = {row.level3: row for row in scanned[200].indicators}
    assert rows["开展帮扶活动次数"].value_text == ">15次"
    assert rows["报账时间"].value_text == "≤7工作日"
    assert rows["报账时间"].description == "资金报账后拨付的时间"
    assert rows["群众满意度"].level1 == "满意度指标"


def test_rows_carry_their_page_and_ocr_score(scanned: dict[int, Extraction]) -> None:
    rows = scanned[200].indicators
    assert {row.locator.page for row in rows} == {1, 2}
    assert all(row.ocr_min_score is not None and 0.5 < row.ocr_min_score <= 1.0 for row in rows)


def test_the_rows_of_tables20_match_the_ground_truth() -> None:
    """The first five pages of tables20 scanned at 200 dpi: tables 1 and 2, each going on over a
    page break, every name and value as in ground_truth.json (table 3 starts on page 5 and goes on
    past it, so it is not compared)."""
    truth: list[dict[str, Any]] = json.loads((FIXTURES / "pdf" / "ground_truth.json").read_text(encoding="utf-8"))
    doc = read_document(_image_pdf(_scanned_pages(TABLES20, [1, 2, 3, 4, 5])), "tables20_scan.pdf")
    extraction = extract_document(doc)
    assert sorted({row.table_no for row in extraction.indicators}) == [1, 2, 3]
    result = score(extraction, truth[:2])
    assert result.expected == 18
    assert (result.exact, result.invented) == (18, 0), result.misses


def test_a_middle_dot_is_read_and_its_doubt_kept() -> None:
    """ "300元/人·月": the model ranks the dot second to "no character"; it is read, and its low
    probability makes the row unsure (tables20 page 3, table 2's 人均补助标准)."""
    doc = read_document(_image_pdf(_scanned_pages(TABLES20, [3])), "page3.pdf")
    row = next(r for r in extract_document(doc).indicators if r.level3 == "人均补助标准")
    assert row.value_text == "300元/人·月"
    assert row.ocr_min_score is not None and row.ocr_min_score < LOW_CONFIDENCE


def test_a_png_page_is_read(tmp_path: Path, typed: Extraction) -> None:
    picture = Image.open(io.BytesIO(_scanned_pages(SEED002, [1])[0]))
    picture.save(tmp_path / "page.png")
    doc = read_document((tmp_path / "page.png").read_bytes(), "page.png")
    assert doc.format == "image"
    assert doc.ocr_pages == (1,)
    first_table = [row for row in typed.indicators if row.table_no == 1]
    assert _name_value(extract_document(doc).indicators)[: len(first_table)] == _name_value(tuple(first_table))


def test_a_typed_page_then_a_scanned_page() -> None:
    """A PDF put together from a typed page and a scan of it: the typed page read as text (no
    score), the scan by OCR (scored), in page order."""
    merged = pdfium.PdfDocument(SEED002)
    for index in (1,):
        merged.del_page(index)
    merged.import_pages(pdfium.PdfDocument(_image_pdf(_scanned_pages(SEED002, [1]))))
    buffer = io.BytesIO()
    merged.save(buffer)
    doc = read_document(buffer.getvalue(), "mixed.pdf")
    assert doc.ocr_pages == (2,)
    assert [block.locator.page for block in doc.blocks] == sorted(block.locator.page or 0 for block in doc.blocks)
    rows = extract_document(doc).indicators
    typed = [row for row in rows if row.locator.page == 1]
    ocr = [row for row in rows if row.locator.page == 2]
    assert len(typed) >= 11 and all(row.ocr_min_score is None for row in typed)
    assert _name_value(tuple(ocr))[:11] == _name_value(tuple(typed))[:11]
    assert all(row.ocr_min_score is not None for row in ocr)


# -- when OCR is used -----------------------------------------------------------------------------
def _text_page_over(picture: bytes, text: str) -> bytes:
    """An image page with a text layer of ``text`` in Helvetica over it (a scan "OCR'd" badly)."""
    document = pdfium.PdfDocument(_image_pdf([picture]))
    page = document[0]
    for line in range(12):
        obj = pdfium_c.FPDFPageObj_NewTextObj(document.raw, b"Helvetica", ctypes.c_float(10.0))
        encoded = (text + "\x00").encode("utf-16-le")
        buffer = ctypes.create_string_buffer(encoded)
        pdfium_c.FPDFText_SetText(obj, ctypes.cast(buffer, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
        pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 50, 800 - 20 * line)
        pdfium_c.FPDFPageObj_SetFillColor(obj, 255, 255, 255, 0)
        pdfium_c.FPDFPage_InsertObject(page.raw, obj)
    pdfium_c.FPDFPage_GenerateContent(page.raw)
    page.close()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_garbage_text_layer_goes_to_ocr(typed: Extraction) -> None:
    """Latin soup over a scanned table (a font without a Unicode map): the page is read by OCR."""
    data = _text_page_over(_scanned_pages(SEED002, [1])[0], "ÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâ")
    doc = read_document(data, "garbage.pdf")
    assert doc.ocr_pages == (1,)
    first_table = [row for row in typed.indicators if row.table_no == 1]
    assert _name_value(extract_document(doc).indicators)[: len(first_table)] == _name_value(tuple(first_table))


def test_a_text_pdf_never_goes_to_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("OCR was asked to read a text PDF")

    monkeypatch.setattr(scan_pages, "read_scanned", refuse)
    monkeypatch.setattr(scan_pages, "read_page", refuse)  # what the pages of a PDF are read by, on any core
    doc = read_document(TABLES20.read_bytes(), "tables20.pdf")
    assert doc.ocr_pages == ()
    assert len(extract_document(doc).indicators) == 186


@pytest.mark.parametrize(
    ("text", "garbage"),
    [
        ("项目支出绩效目标表 一级指标 产出指标 数量指标 ≥95% 2024年12月31日前完成 ★ ① 30万元 ° ×" * 2, False),
        ("Performance targets: budget 300,000 yuan; completion rate >= 95% by 31 Dec 2024.", False),
        ("ÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõö" * 2, True),
        ("\ufffd\ufffd\ue001\ue002 \ue003\ufffd" * 10, True),
        ("ÄÅÆ ÇÈ", False),  # too few characters to judge
    ],
)
def test_garbage_is_measured_by_the_share_of_unreadable_characters(text: str, garbage: bool) -> None:
    assert is_garbage(text) is garbage


def test_which_pages_go_to_ocr() -> None:
    pages = [("项目名称 绩效目标", False), ("", True), ("", False), ("\ufffd" * 60, False), ("附件1", True)]
    assert ocr_page_numbers(pages) == [2, 4]


# -- failing honestly ----------------------------------------------------------------------------
def test_a_scan_without_a_table_is_ocr_failed_with_its_pages(tmp_path: Path) -> None:
    blank = Image.new("RGB", (1654, 2339), "white")
    out = io.BytesIO()
    blank.save(out, format="JPEG")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "blank.pdf").write_bytes(_image_pdf([out.getvalue(), out.getvalue()]))
    frames = parse_document(raw / "blank.pdf", raw)
    assert frames.errors["error_class"].to_list() == ["ocr_failed"]
    assert "pages 1, 2" in frames.errors["message"][0]


def test_an_unreadable_image_is_unreadable_file() -> None:
    with pytest.raises(IngestError) as caught:
        read_document(b"\x89PNG\r\n\x1a\n not really", "page.png")
    assert caught.value.error_class == "unreadable_file"


def test_a_low_ocr_score_makes_the_document_low_confidence(scanned: dict[int, Extraction]) -> None:
    extraction = scanned[200]
    unsure = (dataclasses.replace(extraction.indicators[0], ocr_min_score=0.61), *extraction.indicators[1:])
    lowered = with_ocr_confidence(dataclasses.replace(extraction, indicators=unsure))
    assert lowered.confidence == pytest.approx(0.61)
    assert lowered.confidence < LOW_CONFIDENCE


def test_ocr_min_score_reaches_the_indicator_frame(tmp_path: Path) -> None:
    """Rows of a scan carry their score into fct_indicator; rows of a text PDF carry null."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "scan.pdf").write_bytes((SCANS / "seed002_200dpi.pdf").read_bytes())
    (raw / "typed.pdf").write_bytes(SEED002.read_bytes())
    scan = parse_document(raw / "scan.pdf", raw)
    scores = scan.indicators["ocr_min_score"]
    assert scan.indicators.height == 22 and scores.null_count() == 0
    assert 0.5 < scores.min() <= scores.max() <= 1.0
    assert scan.documents["low_confidence"][0] == (scores.min() < LOW_CONFIDENCE)
    typed = parse_document(raw / "typed.pdf", raw)
    assert typed.indicators["ocr_min_score"].null_count() == typed.indicators.height == 22


# -- rows cut by a page break, page numbers over a scan, the seal at 150 dpi ----------------------
ROWSPLIT = FIXTURES / "pdf" / "tables20_rowsplit.pdf"
HEADER = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")


def test_a_row_cut_by_a_page_break_is_joined_back_with_the_lower_score() -> None:
    """tables20_rowsplit's table 4: 群众满意度 starts on page 6 and its description ends on page 7."""
    reader = scan_pages.ScanReader()
    reader.add_row(HEADER, Locator(page=6), 0.99, page_top=False)
    head = ("满意度指标", "服务对象满意度指标", "群众满意度", "辖区群众对项目实施效果的", "≥90%", "问卷调查")
    reader.add_row(head, Locator(page=6), 0.97, page_top=False)
    still_top = reader.add_row(("", "", "", "满意程度", "", ""), Locator(page=7), 0.81, page_top=True)
    assert not still_top
    *_, last = reader.result.blocks
    assert isinstance(last, Row)
    assert last.cells[3] == "辖区群众对项目实施效果的满意程度"
    assert (last.locator.page, last.ocr_score) == (6, 0.81)
    assert len(reader.result.blocks) == 2


def test_a_row_that_states_its_value_is_no_tail() -> None:
    reader = scan_pages.ScanReader()
    reader.add_row(HEADER, Locator(page=9), 0.99, page_top=False)
    reader.add_row(("产出指标", "数量指标", "保障人数", "符合条件的人数", "2人", "统计"), Locator(page=9), 0.98, False)
    reader.add_row(("", "", "资金发放准确率", "按标准发放的比例", "100%", "政策"), Locator(page=10), 0.98, True)
    assert len(reader.result.blocks) == 3


def test_a_scanned_table_cut_across_pages_reads_its_rows_whole() -> None:
    """Pages 6 and 7 of tables20_rowsplit, scanned: table 4's nine rows as in ground_truth.json,
    the cut row on the page it starts on."""
    truth: list[dict[str, Any]] = json.loads((FIXTURES / "pdf" / "ground_truth.json").read_text(encoding="utf-8"))
    doc = read_document(_image_pdf(_scanned_pages(ROWSPLIT, [6, 7])), "rowsplit_scan.pdf")
    rows = extract_document(doc).indicators
    assert [(r.level3, r.value_text) for r in rows] == [(t[2], t[4]) for t in truth[3]["rows"]]
    assert rows[-1].description == truth[3]["rows"][-1][3]
    assert rows[-1].locator.page == 1  # the first page of the two


def test_the_seal_lettering_is_not_read_at_150_dpi() -> None:
    """tables20 pages 10-11 scanned at 150 dpi: the seal stamped over 指标值 gave "≥95%PCALL",
    "≥95%4" and "9%早" when its thin strokes, greyed by JPEG, counted as ink."""
    doc = read_document(_image_pdf(_scanned_pages(TABLES20, [10, 11], dpi=150)), "page10_150.pdf")
    rows = {row.level3: row.value_text for row in extract_document(doc).indicators}
    assert (rows["单位正常运转率"], rows["受益对象满意度"], rows["群众满意度"]) == ("≥95%", "≥95%", "≥90%")


@pytest.mark.parametrize("furniture", ["- 3 -", "第 3 页", "第3页共9页", "17"])
def test_a_scan_with_only_its_page_number_as_text_goes_to_ocr(furniture: str) -> None:
    assert ocr_page_numbers([(furniture, True), (furniture, False), ("3月底 100%", True)]) == [1]


def test_pages_read_on_several_cores_give_what_one_process_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """seed002's two scanned pages: read in a pool of worker processes (from two table pages on,
    for the test), then in this process alone: the same blocks, lines and pages."""
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: the pages are never read in a pool")
    data = (SCANS / "seed002_200dpi.pdf").read_bytes()
    monkeypatch.setattr(scan_pages, "MIN_POOL_PAGES", 2)
    assert scan_pages._pool_size(2) == 2
    pooled = scan_pages.read_pdf_pages(data, [1, 2])
    monkeypatch.setattr(scan_pages, "_pool_size", lambda pages: 0)
    alone = scan_pages.read_pdf_pages(data, [1, 2])
    assert pooled == alone
    assert pooled.read == [1, 2] and len(pooled.blocks) > 22
