"""The same forms as Word, Excel and PDF originals read like the text dump they came from.

tests/fixtures/formats is built by scripts/make_fixtures.py from seeds 002 (both forms) and 000
(forms 1, 7, 15) in the township template; here each file goes through its reader and the ruled
tables layout, the seed through the text layout, and rows and project fields must be equal.
"""

from __future__ import annotations

import io
import itertools
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from docx import Document

from pipeline.core.errors import IngestError
from pipeline.core.types import Extraction, Locator, ProjectRecord, Row, TextLine
from pipeline.parse.layouts.ruled_tables import RuledTablesLayout
from pipeline.parse.layouts.tab_rows import TabRowsLayout
from pipeline.parse.read import read_document
from pipeline.parse.read.excel import format_number, read_xlsx
from pipeline.parse.read.word import OLE_MAGIC, check_zip, grid_block, read_docx

REPO = Path(__file__).resolve().parents[2]
FORMATS = Path(__file__).parents[1] / "fixtures" / "formats"
MANIFEST: dict[str, dict[str, Any]] = json.loads((FORMATS / "manifest.json").read_text(encoding="utf-8"))
CASES = [(name, file) for name, entry in MANIFEST.items() for file in entry["files"]]
EXPECTED_PDFS = {"seed002.pdf", "seed000.pdf"}


def _text_extraction(name: str) -> tuple[Extraction, tuple[int, ...]]:
    entry = MANIFEST[name]
    data = (REPO / "data" / "raw" / entry["seed"]).read_bytes()
    return TabRowsLayout().extract(read_document(data, entry["seed"])), tuple(entry["tables"])


def _project_fields(project: ProjectRecord) -> tuple[object, ...]:
    return (
        project.project_code,
        project.project_name,
        project.budget_text,
        project.fiscal_funds_text,
        project.other_funds_text,
        project.amount_unit,
        project.purpose,
        project.goals,
        project.spend_plan,
        project.title,
    )


def _rows(extraction: Extraction, tables: tuple[int, ...] | None = None) -> list[tuple[object, ...]]:
    return [
        (r.level1, r.level2, r.level3, r.description, r.value_text, r.basis)
        for r in extraction.indicators
        if tables is None or r.table_no in tables
    ]


def test_all_formats_were_built() -> None:
    assert {file for _, file in CASES} >= {"seed002.docx", "seed002.xlsx", "seed000.docx", "seed000.xlsx"}
    missing_pdfs = EXPECTED_PDFS - {file for _, file in CASES}
    if missing_pdfs:
        pytest.skip(f"soffice was not available when the fixtures were built: {sorted(missing_pdfs)}")


@pytest.mark.parametrize(("name", "file"), CASES)
def test_same_rows_and_projects_as_the_text_dump(name: str, file: str) -> None:
    text, tables = _text_extraction(name)
    doc = read_document((FORMATS / file).read_bytes(), file)
    assert doc.format == Path(file).suffix.lstrip(".")
    layout = RuledTablesLayout()
    assert layout.score(doc) == 1.0
    binary = layout.extract(doc)
    expected_rows = _rows(text, tables)
    assert len(expected_rows) == {"seed002": 22, "seed000": 21}[name]
    assert _rows(binary) == expected_rows
    expected_projects = [_project_fields(p) for p in text.projects if p.table_no in tables]
    assert [_project_fields(p) for p in binary.projects] == expected_projects
    # forms are counted per document: the 000 subset is tables 1-3 here, 1, 7, 15 in the seed
    assert [p.table_no for p in binary.projects] == list(range(1, len(tables) + 1))


# -- Word ----------------------------------------------------------------------------------------
def test_docx_spans_are_given_once_and_vertical_merges_are_empty() -> None:
    doc = read_docx((FORMATS / "seed002.docx").read_bytes(), "seed002.docx")
    rows = [b for b in doc.blocks if isinstance(b, Row)]
    code_row = rows[0]
    assert code_row.cells == ("项目编码", "13082123P00007010010J", "", "项目名称", code_row.cells[4], "", "")
    purpose_row = rows[2]  # under 预算规模及资金用途, which is merged down over it
    assert purpose_row.cells == ("", "驻村工作组经费", "", "", "", "", "")
    header = next(r for r in rows if r.cells[0] == "一级指标")
    first, second = rows[rows.index(header) + 1], rows[rows.index(header) + 2]
    assert first.cells[0] == "产出指标" and second.cells[0] == ""  # 一级指标 merged down
    assert first.cells[5:] == ("报账单据", "")  # 指标值确定依据 spans two grid columns


def test_docx_paragraphs_come_between_tables_in_body_order() -> None:
    doc = read_docx((FORMATS / "seed002.docx").read_bytes(), "seed002.docx")
    texts = [b.text for b in doc.blocks if isinstance(b, TextLine)]
    assert texts[:3] == [
        "1.2023年省级衔接推进乡村振兴补助资金（驻村工作队综合经费）冀财农【2022】160号绩效目标表",
        "912001承德县三家镇人民政府本级",
        "单位：万元",
    ]
    second_title = next(
        i for i, b in enumerate(doc.blocks) if isinstance(b, TextLine) and b.text.startswith("2.")
    )
    assert isinstance(doc.blocks[second_title - 1], Row)  # the first form's table ends right before it
    numbers = [b.locator.line for b in doc.blocks]
    assert numbers[:4] == [1, 2, 3, 4]  # three paragraphs, then the first table row
    assert all(a is not None and b is not None and a < b for a, b in itertools.pairwise(numbers))


def test_docx_table_split_by_a_page_break_reads_as_one_table() -> None:
    document = Document(str(FORMATS / "seed000.docx"))
    assert len(document.tables) == 4  # form 1 is cut into two Word tables
    extraction = RuledTablesLayout().extract(
        read_docx((FORMATS / "seed000.docx").read_bytes(), "seed000.docx")
    )
    text, _ = _text_extraction("seed000")
    assert _rows(extraction, (1,)) == _rows(text, (1,))
    assert len(_rows(extraction, (1,))) == 7


def test_docx_nested_table_rows_follow_the_row_holding_them(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("单位：万元")
    outer = document.add_table(rows=2, cols=2)
    outer.cell(0, 0).text, outer.cell(0, 1).text = "项目名称", "执法工作经费"
    nested = outer.cell(1, 1).add_table(rows=1, cols=3)
    for cell, text in zip(nested.rows[0].cells, ("一级指标", "二级指标", "指标值"), strict=True):
        cell.text = text
    path = tmp_path / "nested.docx"
    document.save(str(path))
    doc = read_docx(path.read_bytes(), "nested.docx")
    assert [(type(b).__name__, b.locator.line) for b in doc.blocks] == [
        ("TextLine", 1),
        ("Row", 2),
        ("Row", 4),  # row 3 (the outer row holding the nested table) has no text of its own
    ]
    assert doc.blocks[2].cells == ("一级指标", "二级指标", "指标值")  # type: ignore[union-attr]


def test_caption_rows_become_text() -> None:
    locator = Locator(line=1)
    assert grid_block(("2.执法工作经费绩效目标表", "", ""), locator) == TextLine(
        "2.执法工作经费绩效目标表", locator
    )
    assert isinstance(grid_block(("资金支出计划", "", ""), locator), Row)  # a form label stays in the form
    assert isinstance(grid_block(("", "驻村工作组经费", ""), locator), Row)  # a purpose row


# -- Excel ---------------------------------------------------------------------------------------
def test_xlsx_merges_sheets_and_locators() -> None:
    doc = read_xlsx((FORMATS / "seed002.xlsx").read_bytes(), "seed002.xlsx")
    sheet_names = [b for b in doc.blocks if isinstance(b, TextLine) and b.locator.line is None]
    assert [(b.text, b.locator.page) for b in sheet_names] == [("项目1", 1), ("项目2", 2)]
    title = doc.blocks[1]
    assert isinstance(title, TextLine) and title.locator == Locator(page=1, line=1)
    code_row = next(b for b in doc.blocks if isinstance(b, Row))
    assert code_row.locator == Locator(page=1, line=4)
    assert code_row.cells[:4] == ("项目编码", "13082123P00007010010J", "", "项目名称")
    budget_row = next(b for b in doc.blocks if isinstance(b, Row) and b.cells[1] == "预算数")
    assert budget_row.cells[2] == "6.19"  # a number formatted "0.00"
    shares = next(b for b in doc.blocks if isinstance(b, Row) and "25%" in b.cells)
    assert [c for c in shares.cells if c] == ["25%", "50%", "75%", "100%"]  # numbers formatted "0%"


def test_formulas_are_never_evaluated(tmp_path: Path) -> None:
    """data_only: a formula gives the value Excel cached; a file never saved by Excel has none."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "预算数"
    sheet["B1"] = "=1+1"
    sheet["C1"] = "万元"
    path = tmp_path / "formula.xlsx"
    workbook.save(path)
    doc = read_xlsx(path.read_bytes(), "formula.xlsx")
    row = next(b for b in doc.blocks if isinstance(b, Row))
    assert row.cells == ("预算数", "", "万元")


def test_sheet_formatted_to_the_bottom_is_read_sparsely(tmp_path: Path) -> None:
    """Empty styled cells far down do not make the reader walk a million rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"], sheet["B1"] = "项目编码", "123"
    for row in (500_000, 1_048_576):
        sheet.cell(row=row, column=16_000).number_format = "0.00"
    path = tmp_path / "styled.xlsx"
    workbook.save(path)
    doc = read_xlsx(path.read_bytes(), "styled.xlsx")
    assert [b.cells for b in doc.blocks if isinstance(b, Row)] == [("项目编码", "123")]


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (19.0, "0.00", "19.00"),
        (6.19, "General", "6.19"),
        (12, "General", "12"),
        (0.25, "0%", "25%"),
        (0.955, "0.0%", "95.5%"),
        (12345.6, "#,##0.00", "12,345.60"),
        (3.0, "General", "3"),
    ],
)
def test_numbers_read_as_excel_shows_them(value: float, number_format: str, shown: str) -> None:
    assert format_number(value, number_format) == shown


# -- damaged and hostile files -------------------------------------------------------------------
@pytest.mark.parametrize("reader", [read_docx, read_xlsx])
def test_not_a_zip_is_unreadable(reader: Any) -> None:
    with pytest.raises(IngestError) as caught:
        reader(b"%PDF-1.4 not a zip at all", "x")
    assert caught.value.error_class == "unreadable_file"


@pytest.mark.parametrize("reader", [read_docx, read_xlsx])
def test_zip_without_the_document_parts_is_unreadable(reader: Any) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "a zip, but no Office document inside")
    with pytest.raises(IngestError) as caught:
        reader(buffer.getvalue(), "x")
    assert caught.value.error_class == "unreadable_file"


def _bomb(megabytes: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (megabytes * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize("reader", [read_docx, read_xlsx])
def test_zip_bomb_is_refused_before_inflating(reader: Any) -> None:
    data = _bomb(20)  # 20 MB of zeros deflate ~1000×
    assert len(data) < 100_000
    with pytest.raises(IngestError) as caught:
        reader(data, "bomb")
    assert caught.value.error_class == "unreadable_file"
    assert "zip bomb" in caught.value.message


def test_zip_over_the_size_limit_is_refused() -> None:
    data = (FORMATS / "seed002.docx").read_bytes()
    check_zip(data, "Word")  # the real file passes
    with pytest.raises(IngestError) as caught:
        check_zip(data, "Word", max_bytes=10_000)
    assert caught.value.error_class == "unreadable_file"
    assert "limit 10,000" in caught.value.message


def test_password_protected_office_file_is_encrypted() -> None:
    """Office encrypts into a compound file holding an EncryptionInfo stream, not into a zip."""
    fake = OLE_MAGIC + b"\0" * 64 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 64
    with pytest.raises(IngestError) as caught:
        read_docx(fake, "locked.docx")
    assert caught.value.error_class == "encrypted_file"
    with pytest.raises(IngestError) as caught:
        read_xlsx(OLE_MAGIC + b"\0" * 128, "old.xlsx")
    assert caught.value.error_class == "unsupported_format"
