"""PDF and Word originals of 20 ruled 项目支出绩效目标表 read back exactly (tests/fixtures/pdf).

Every indicator row and project field is compared with ground_truth.json; the error classes of
scans, passwords and damaged files are checked on PDFs made in the test.
"""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.errors import IngestError
from pipeline.core.text import compact
from pipeline.core.types import Extraction, IndicatorRecord, Locator, RawDocument, TextLine
from pipeline.parse.document import parse_document
from pipeline.parse.layouts.ruled_tables import RuledTablesLayout
from pipeline.parse.layouts.tab_rows import TabRowsLayout
from pipeline.parse.read import read_document
from pipeline.parse.read.pdf import _clean_layer_text, is_row_tail, read_pdf
from pipeline.parse.read.word import read_docx
from tests.pdf_bytes import pdf_of

FIXTURES = Path(__file__).parents[1] / "fixtures" / "pdf"
GROUND_TRUTH: list[dict[str, Any]] = json.loads((FIXTURES / "ground_truth.json").read_text(encoding="utf-8"))
ORIGINALS = ("tables20.pdf", "tables20_rowsplit.pdf", "tables20.docx")
EXPECTED_ROWS = 186
CUT_ROWS = 11


def _read(name: str) -> RawDocument:
    path = FIXTURES / name
    return read_document(path.read_bytes(), name)


@pytest.fixture(scope="module")
def documents() -> dict[str, RawDocument]:
    return {name: _read(name) for name in ORIGINALS}


@pytest.fixture(scope="module")
def extractions(documents: dict[str, RawDocument]) -> dict[str, Extraction]:
    return {name: RuledTablesLayout().extract(doc) for name, doc in documents.items()}


def _rows_of(extraction: Extraction, table_no: int) -> list[IndicatorRecord]:
    return [row for row in extraction.indicators if row.table_no == table_no]


def _six(row: IndicatorRecord) -> tuple[str | None, ...]:
    return (row.level1, row.level2, row.level3, row.description, row.value_text, row.basis)


def _expected_six(cells: list[str]) -> tuple[str | None, ...]:
    level1, level2, level3, description, value, basis = cells
    return (level1, level2, level3, description, compact(value), basis)


@pytest.mark.parametrize("name", ORIGINALS)
def test_every_indicator_row_is_exact(name: str, extractions: dict[str, Extraction]) -> None:
    extraction = extractions[name]
    assert extraction.layout == "ruled_tables"
    assert extraction.confidence == 1.0
    assert len(extraction.indicators) == EXPECTED_ROWS
    for table_no, table in enumerate(GROUND_TRUTH, start=1):
        got = [_six(row) for row in _rows_of(extraction, table_no)]
        assert got == [_expected_six(cells) for cells in table["rows"]], f"{name} table {table_no}"


@pytest.mark.parametrize("name", ORIGINALS)
def test_project_fields_match(name: str, extractions: dict[str, Extraction]) -> None:
    projects = extractions[name].projects
    assert len(projects) == len(GROUND_TRUTH)
    for project, table in zip(projects, GROUND_TRUTH, strict=True):
        assert project.project_code == table["code"]
        assert project.project_name == table["name"]
        assert project.budget_text == table["budget"]
        assert project.fiscal_funds_text == table["budget"]
        assert [share for _, share in project.spend_plan] == table["plan"]
        assert [month for month, _ in project.spend_plan] == ["3月底", "6月底", "10月底", "12月底"]
        assert project.goals == table["goal"]
        assert project.amount_unit == "万元"  # "单位：万元" is split off "编制单位：…" by its wide gap


def test_the_ruled_tables_layout_claims_only_documents_with_blocks(documents: dict[str, RawDocument]) -> None:
    pdf = documents["tables20.pdf"]
    assert RuledTablesLayout().score(pdf) == 1.0
    assert TabRowsLayout().score(pdf) == 0.0
    assert RuledTablesLayout().score(RawDocument("x.txt", "text", ("a\tb",))) == 0.0


def test_pdf_text_layer_and_format(documents: dict[str, RawDocument]) -> None:
    doc = documents["tables20.pdf"]
    assert doc.format == "pdf"
    assert doc.lines[0] == "项目支出绩效目标表"
    assert sum(line.startswith("项目编码") for line in doc.lines) == len(GROUND_TRUTH)
    assert documents["tables20.docx"].format == "docx"


def _page_text(name: str, page: int) -> str:
    document = pdfium.PdfDocument(FIXTURES / name)
    try:
        return str(document[page - 1].get_textpage().get_text_range())
    finally:
        document.close()


@pytest.mark.parametrize(
    ("name", "table_no", "row_no", "page", "evidence"),
    [
        # table 1 starts on page 1 …
        ("tables20.pdf", 1, 1, 1, "保障人数"),
        # … and its last row (群众满意度) went over to page 2, the page's only row
        ("tables20.pdf", 1, 9, 2, "辖区群众对项"),
        # table 5 goes on over a page break without a repeated header: row 8 is page 9's first
        ("tables20.pdf", 5, 8, 9, "农村生活垃圾"),
        # a cut row keeps the page it starts on: table 4's 群众满意度 starts on page 6
        ("tables20_rowsplit.pdf", 4, 9, 6, "辖区群众对项"),
        # table 17's last row is cut inside 二级指标: "服务对象满意" on page 28
        ("tables20_rowsplit.pdf", 17, 9, 28, "服务对象满意"),
    ],
)
def test_source_page(
    name: str, table_no: int, row_no: int, page: int, evidence: str, extractions: dict[str, Extraction]
) -> None:
    row = _rows_of(extractions[name], table_no)[row_no - 1]
    assert row.locator.page == page
    assert row.locator.line is None
    assert evidence in _page_text(name, page)
    assert _expected_six(GROUND_TRUTH[table_no - 1]["rows"][row_no - 1]) == _six(row)


@pytest.mark.parametrize(
    ("page", "head", "tail"),
    [(6, "辖区群众对项\r\n目实施效果的", "满意程度"), (28, "服务对象满意", "度指标")],
)
def test_cut_rows_really_are_cut_in_the_fixture(page: int, head: str, tail: str) -> None:
    """What the rejoin undoes: the head of the row ends page N, its tail opens page N+1."""
    assert head in _page_text("tables20_rowsplit.pdf", page)
    assert _page_text("tables20_rowsplit.pdf", page + 1).startswith(tail)


def test_rows_cut_by_a_page_break_are_rejoined(extractions: dict[str, Extraction]) -> None:
    """The 11 cut rows come out whole, and exactly they start a page earlier than in tables20.pdf."""
    whole = extractions["tables20.pdf"].indicators
    cut = extractions["tables20_rowsplit.pdf"].indicators
    assert [_six(r) for r in cut] == [_six(r) for r in whole]
    pages = [(a.locator.page or 0, b.locator.page or 0) for a, b in zip(whole, cut, strict=True)]
    moved = [(a, b) for a, b in pages if a != b]
    assert len(moved) == CUT_ROWS
    assert all(b == a - 1 for a, b in moved)


def test_tail_rule() -> None:
    columns = {"level1": 0, "level2": 1, "level3": 2, "description": 3, "value": 4, "basis": 5}
    previous = ("", "服务对象满意", "群众满意度", "辖区群众对项", "≥90%", "问卷调查")
    assert is_row_tail(("", "度指标", "", "目实施效果的满意程度", "", ""), previous, columns)
    # a whole row states its value
    assert not is_row_tail(("", "服务对象满意度指标", "群众满意度", "辖区…", "≥90%", "问卷调查"), previous, columns)
    # a tail only continues cells that were started
    assert not is_row_tail(("效益指标", "", "", "满意程度", "", ""), previous, columns)
    assert not is_row_tail(("", "", "", "", "", ""), previous, columns)


def test_docx_locators_number_body_elements(documents: dict[str, RawDocument]) -> None:
    doc = documents["tables20.docx"]
    numbers = [block.locator.line or 0 for block in doc.blocks]
    assert all(n >= 1 for n in numbers)
    assert numbers == sorted(numbers)
    assert all(block.locator.page is None for block in doc.blocks)


# -- error classes -------------------------------------------------------------------------------
def test_a_scan_too_coarse_to_read_is_ocr_failed(tmp_path: Path) -> None:
    """A page scanned at 36 dpi goes to OCR (scans are read: tests/parse/test_read_scan.py), whose
    rules are a blur at that size: no table, and the error names the page."""
    document = pdfium.PdfDocument(FIXTURES / "tables20.pdf")
    image = document[0].render(scale=0.5).to_pil()
    document.close()
    scan = tmp_path / "scan.pdf"
    image.save(scan, "PDF")
    with pytest.raises(IngestError) as caught:
        read_pdf(scan.read_bytes(), "scan.pdf")
    assert caught.value.error_class == "ocr_failed"
    assert "(pages 1)" in caught.value.message


def test_typed_cover_with_an_unreadable_scan_is_ocr_failed(tmp_path: Path) -> None:
    """A text page that names no form field, then a scan OCR cannot read: the cover's text is kept,
    the scanned page listed, and the document fails as ``ocr_failed`` naming that page."""
    source = pdfium.PdfDocument(FIXTURES / "tables20.pdf")
    source[0].render(scale=0.5).to_pil().save(tmp_path / "scan.pdf", "PDF")
    source.close()
    merged = pdfium.PdfDocument.new()
    for part in (pdfium.PdfDocument(_plain_pdf()), pdfium.PdfDocument(tmp_path / "scan.pdf")):
        merged.import_pages(part)
    raw = tmp_path / "raw"
    raw.mkdir()
    merged.save(raw / "mixed.pdf")
    doc = read_pdf((raw / "mixed.pdf").read_bytes(), "mixed.pdf")
    assert (doc.lines, doc.ocr_pages) == (("Hello secret",), (2,))
    frames = parse_document(raw / "mixed.pdf", raw)
    assert frames.errors["error_class"].to_list() == ["ocr_failed"]
    assert "(pages 2)" in frames.errors["message"][0]


def test_text_pdf_without_tables_is_read() -> None:
    doc = read_pdf(_plain_pdf(), "note.pdf")
    assert doc.lines == ("Hello secret",)
    assert doc.blocks == (TextLine("Hello secret", Locator(page=1)),)


def test_a_pdf_without_table_pages_never_opens_pdfplumber(monkeypatch: pytest.MonkeyPatch) -> None:
    """pdfplumber resolves every page when it opens and closes: a PDF of prose must not pay for it."""
    import pdfplumber

    def must_not_open(*_: object, **__: object) -> None:
        raise AssertionError("pdfplumber opened for a PDF without table pages")

    monkeypatch.setattr(pdfplumber, "open", must_not_open)
    assert read_pdf(_plain_pdf(), "note.pdf").lines == ("Hello secret",)


@given(
    st.text(alphabet=st.sampled_from(["a", "表", " ", "\n", "\t", "\r", "\x02", "\xad", "\u200b", "\ufffe"]))
)
def test_layer_text_keeps_lines_tabs_and_printable_characters_only(text: str) -> None:
    """The shortcut for text with nothing to remove gives what the per-character filter gives."""
    flat = text.replace("\r\n", "\n").replace("\r", "\n")
    expected = "".join(ch for ch in flat if ch in "\n\t" or ch.isprintable())
    assert _clean_layer_text(text) == expected


def test_truncated_pdf_is_unreadable() -> None:
    data = (FIXTURES / "tables20.pdf").read_bytes()
    for cut in (len(data) // 2, 1024, 10):
        with pytest.raises(IngestError) as caught:
            read_pdf(data[:cut], "cut.pdf")
        assert caught.value.error_class == "unreadable_file"


def test_not_a_pdf_is_unreadable() -> None:
    with pytest.raises(IngestError) as caught:
        read_pdf(b"PK\x03\x04 this is a zip, not a PDF", "x.pdf")
    assert caught.value.error_class == "unreadable_file"


def _damaged_xref(*_: object, **__: object) -> None:
    from pdfminer.psexceptions import PSSyntaxError

    raise PSSyntaxError("damaged xref")


def test_pdfminer_errors_never_escape(monkeypatch: pytest.MonkeyPatch) -> None:
    """pdfium may open a file pdfminer chokes on: the table pass converts whatever pdfminer raises,
    on a page pdfplumber reads (the fast path cannot vouch for any page here)."""
    import pdfplumber

    from pipeline.parse.read import pdf_tables

    def unsure(*_: object) -> None:
        raise pdf_tables.Unsure("forced")

    monkeypatch.setattr(pdf_tables.PdfiumPages, "content", unsure)
    monkeypatch.setattr(pdfplumber, "open", _damaged_xref)
    with pytest.raises(IngestError) as caught:
        read_pdf((FIXTURES / "tables20.pdf").read_bytes(), "x.pdf")
    assert caught.value.error_class == "unreadable_file"
    assert "damaged xref" in caught.value.message


def test_a_fast_path_failing_hands_the_pages_to_pdfplumber(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path reads the fonts' descents with pdfminer: when that fails, pdfplumber reads
    every table page, and the document reads as it always did."""
    from pipeline.parse.read import pdf_tables

    data = (FIXTURES / "tables20.pdf").read_bytes()
    expected = read_pdf(data, "x.pdf")
    pages_read = []
    plumber_content = pdf_tables.PlumberPages.content

    def counted(pages: pdf_tables.PlumberPages, number: int) -> pdf_tables.PageContent:
        pages_read.append(number)
        return plumber_content(pages, number)

    monkeypatch.setattr(pdf_tables, "PDFDocument", _damaged_xref)
    monkeypatch.setattr(pdf_tables.PlumberPages, "content", counted)
    assert read_pdf(data, "x.pdf") == expected
    assert len(pages_read) == 34  # every page of the fixture names a form field or goes on a table


# A minimal PDF encrypted with the standard security handler (RC4-128, revision 3), written here
# because no installed library can encrypt (pdfminer only decrypts; pypdfium2 does not write
# security handlers). PDF 1.7 spec, 7.6.3: algorithms 2, 3 and 5.
_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
_KEY_BYTES = 16
_PERMISSIONS = -3904


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def _padded(password: str) -> bytes:
    return (password.encode("latin-1") + _PAD)[:32]


def _rc4_rounds(key: bytes, data: bytes) -> bytes:
    for round_no in range(20):
        data = _rc4(bytes(k ^ round_no for k in key), data)
    return data


_TEXT = b"Hello secret"


def _one_page_pdf(content: bytes, encrypt: bytes | None = None, file_id: bytes = b"") -> bytes:
    """A one-page PDF showing ``content`` (a content stream), with an /Encrypt dictionary if given."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>"
        ),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    trailer = b"/Size %d /Root 1 0 R" % (len(objects) + 1 + (encrypt is not None))
    if encrypt is not None:
        objects.append(encrypt)
        trailer += b" /Encrypt 6 0 R /ID [<%s> <%s>]" % (file_id.hex().encode(), file_id.hex().encode())
    return pdf_of(objects, trailer)


def _plain_pdf() -> bytes:
    return _one_page_pdf(b"BT /F1 24 Tf 72 700 Td (" + _TEXT + b") Tj ET")


def _encrypted_pdf(user_password: str, owner_password: str) -> bytes:
    file_id = hashlib.md5(b"jixiao test").digest()
    owner_key = hashlib.md5(_padded(owner_password)).digest()
    for _ in range(50):
        owner_key = hashlib.md5(owner_key).digest()
    o_value = _rc4_rounds(owner_key[:_KEY_BYTES], _padded(user_password))
    key = hashlib.md5(_padded(user_password) + o_value + struct.pack("<i", _PERMISSIONS) + file_id).digest()
    for _ in range(50):
        key = hashlib.md5(key[:_KEY_BYTES]).digest()
    key = key[:_KEY_BYTES]
    u_value = _rc4_rounds(key, hashlib.md5(_PAD + file_id).digest()) + bytes(16)
    content = b"BT /F1 24 Tf 72 700 Td (" + _TEXT + b") Tj ET"
    object_key = hashlib.md5(key + (4).to_bytes(3, "little") + (0).to_bytes(2, "little")).digest()[:16]
    encrypt = b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P %d /O <%s> /U <%s> >>" % (
        _PERMISSIONS,
        o_value.hex().encode(),
        u_value.hex().encode(),
    )
    return _one_page_pdf(_rc4(object_key, content), encrypt, file_id)


def test_password_protected_pdf_is_encrypted_file() -> None:
    data = _encrypted_pdf(user_password="secret", owner_password="owner")
    opened = pdfium.PdfDocument(data, password="secret")  # the fixture is a real encrypted PDF
    assert "Hello secret" in opened[0].get_textpage().get_text_range()
    opened.close()
    with pytest.raises(IngestError) as caught:
        read_pdf(data, "locked.pdf")
    assert caught.value.error_class == "encrypted_file"


def test_owner_password_only_pdf_is_read() -> None:
    """Permissions-only encryption (empty user password) is common in published PDFs: it opens."""
    doc = read_pdf(_encrypted_pdf(user_password="", owner_password="owner"), "restricted.pdf")
    assert doc.lines == ("Hello secret",)
    assert doc.blocks == (TextLine("Hello secret", Locator(page=1)),)


def test_docx_reader_direct_call() -> None:
    doc = read_docx((FIXTURES / "tables20.docx").read_bytes(), "tables20.docx")
    assert doc.lines[0] == "项目支出绩效目标表"


def _rules(orientation: str, positions: list[float]) -> list[dict[str, object]]:
    key = "x0" if orientation == "v" else "top"
    return [{"orientation": orientation, key: position} for position in positions]


def test_a_table_drawn_cell_by_cell_is_no_dense_grid() -> None:
    """Each cell drawn as its own rectangle gives every rule twice, a hair apart; rows 7.8 pt high
    (a real budget book's small print) are still a table's rows, not a hairline grid."""
    from pipeline.parse.read.pdf_tables import is_lattice

    doubled = [position + offset for position in range(100, 500, 25) for offset in (0.0, 0.5)]
    assert not is_lattice(_rules("h", doubled))
    assert not is_lattice(_rules("h", [100 + 7.8 * n for n in range(40)]))
    assert is_lattice(_rules("h", [100 + 5.0 * n for n in range(40)]))


def test_each_table_page_is_read_while_loaded_for_its_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """The text layer and the table engine share one load of each page: every one of the
    fixture's 34 table pages reaches the engine already loaded, and the document reads as when
    the engine loads each page itself."""
    from pipeline.parse.read import pdf_tables

    data = (FIXTURES / "tables20.pdf").read_bytes()
    calls: list[bool] = []
    content = pdf_tables.PdfiumPages.content

    def recorded(
        pages: pdf_tables.PdfiumPages, number: int, loaded: pdf_tables.LoadedPage | None = None
    ) -> pdf_tables.PageContent:
        calls.append(loaded is not None)
        return content(pages, number, loaded)

    def loading_itself(
        pages: pdf_tables.PdfiumPages, number: int, loaded: pdf_tables.LoadedPage | None = None
    ) -> pdf_tables.PageContent:
        return content(pages, number)

    monkeypatch.setattr(pdf_tables.PdfiumPages, "content", recorded)
    shared = read_pdf(data, "x.pdf")
    assert calls == [True] * 34
    monkeypatch.setattr(pdf_tables.PdfiumPages, "content", loading_itself)
    assert read_pdf(data, "x.pdf") == shared


def test_a_page_read_early_counts_only_if_it_is_still_a_table_page() -> None:
    """What reading a page early raised is reported only when the page is still read as a table
    page once every page is known: a page whose text OCR replaced is not."""
    from pipeline.parse.read.pdf import PageText, _table_blocks
    from pipeline.parse.read.pdf_tables import TablePages

    data = (FIXTURES / "tables20.pdf").read_bytes()
    failed: dict[int, Any] = {1: ValueError("a damaged page")}
    tables = TablePages(data)
    try:
        assert _table_blocks(tables, [PageText("", False, False)], dict(failed)) == []
        with pytest.raises(IngestError) as caught:
            _table_blocks(tables, [PageText("项目名称", True, False)], dict(failed))
    finally:
        tables.close()
    assert caught.value.error_class == "unreadable_file"
    assert "a damaged page" in caught.value.message
