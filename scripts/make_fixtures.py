"""Build Word, Excel and PDF originals of seed tables for the cross-format tests (tests/fixtures/formats).

Why: a user drops the original .docx/.xlsx/.pdf into data/raw/ and expects the same rows as from
the text dump of it. The seeds are text dumps only, so this script lays their forms out again the
way the township template does — a header block (项目编码 … 绩效目标) with merged cells, then the
indicator table with a vertically merged 一级指标 — and the tests compare what each reader gives
with what the text layout reads from the seed.

The content comes from the seed itself, read by the text layout (TabRowsLayout): every cell is
written as that layout reads it, so any difference in the tests is the binary reader's doing.

What each file exercises:

- seed002.docx / .pdf: both forms of 002 on one page (two tables and the title between them on
  one PDF page); paragraphs between tables carry the title, "912001 …本级" and "单位：万元".
- seed000.docx / .pdf: forms 1, 7 and 15 of 000, each starting on a new page; form 1's indicator
  table is split by a page break into two Word tables (no header repeated, 一级指标 continuing);
  goals written as one paragraph per numbered item; rows may break across pages (Word's default).
- seed002.xlsx: one sheet per form; seed000.xlsx: the three forms stacked on one sheet. Merged
  ranges for every span, budgets as numbers formatted "0.00" and shares as numbers formatted "0%".

PDF: the .docx files are converted by LibreOffice (``soffice --headless --convert-to pdf``) when
``soffice`` is on PATH; otherwise the PDFs are left as they are (the tests skip missing PDFs).
Fonts: DejaVu Serif for Latin and digits and Noto Serif CJK SC for Chinese, 10.5 pt (16 pt bold
titles), as in tests/fixtures/pdf. On Debian: ``apt-get install -y libreoffice-writer-nogui
fonts-noto-cjk`` (LibreOffice 7.4.7, fonts-noto-cjk 20220127 and fonts-dejavu-core 2.37 made the
committed PDFs).

Run: ``PYTHONPATH=. .venv/bin/python scripts/make_fixtures.py``. The output is deterministic apart
from the timestamps inside the zip/PDF containers.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import openpyxl
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.core.text import clean_text
from pipeline.core.types import IndicatorRecord, ProjectRecord, RawDocument
from pipeline.parse.layouts.tab_rows import TabRowsLayout
from pipeline.parse.read.text import read_text

REPO: Final = Path(__file__).resolve().parents[1]
SEED_DIR: Final = REPO / "data" / "raw"
OUT_DIR: Final = REPO / "tests" / "fixtures" / "formats"
SETS: Final = {
    "seed002": ("002_47f6fefdd4530b27.txt", (1, 2)),
    "seed000": ("000_a8e05c0c7437c5f6.txt", (1, 7, 15)),
}
"""Fixture name → (seed file, table numbers of the seed to lay out)."""
SPLIT_TABLE: Final = ("seed000", 1, 4)
"""(set, table, rows kept in the first part): this form's indicator table is cut into two Word tables."""

GRID_COLUMNS: Final = 7
COLUMN_WIDTHS_CM: Final = (2.3, 2.2, 2.6, 3.6, 2.1, 2.1, 2.1)
LATIN_FONT: Final = "DejaVu Serif"
CJK_FONT: Final = "Noto Serif CJK SC"
BODY_PT: Final = 10.5
TITLE_PT: Final = 16
_GOAL_ITEM: Final = re.compile(r" (?=\d{1,2}[.．、](?!\d))")
"""The space before "2." in "1.xxx 2.yyy": where one goal paragraph ends and the next begins."""
_NUMBER: Final = re.compile(r"^\d+(?:\.\d+)?$")
_SHARE: Final = re.compile(r"^(\d+(?:\.\d+)?)%$")


# -- the forms, as the text layout reads them from the seed ------------------------------------
@dataclass(frozen=True)
class Form:
    project: ProjectRecord
    rows: tuple[IndicatorRecord, ...]
    preamble: tuple[str, ...]
    """Text lines between the title and the table ("912001 …本级", "单位：万元")."""


def _preamble(doc: RawDocument, project: ProjectRecord) -> tuple[str, ...]:
    assert project.locator.line is not None and project.title is not None
    first_row = project.locator.line - 1
    start = first_row
    while start > 0 and clean_text(doc.lines[start - 1]) != project.title:
        start -= 1
    return tuple(text for line in doc.lines[start:first_row] if (text := clean_text(line)))


def seed_forms(seed: str, tables: Sequence[int]) -> list[Form]:
    path = SEED_DIR / seed
    doc = read_text(path.read_bytes(), seed)
    extraction = TabRowsLayout().extract(doc)
    forms = []
    for project in extraction.projects:
        if project.table_no in tables:
            rows = tuple(r for r in extraction.indicators if r.table_no == project.table_no)
            forms.append(Form(project, rows, _preamble(doc, project)))
    return forms


# -- the template grid ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    text: str | tuple[str, ...]
    """One string, or one string per paragraph."""
    column: int
    span: int = 1
    rows: int = 1
    """How many rows the cell covers downwards (a vertical merge)."""
    bold: bool = False


def _spread(count: int, width: int) -> list[int]:
    """Spans of ``count`` cells filling ``width`` grid columns, wider ones first."""
    base, extra = divmod(width, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def _plan_rows(project: ProjectRecord) -> list[list[Cell]]:
    labels: list[Cell] = [Cell("资金支出计划（%）", 0, rows=2, bold=True)]
    shares: list[Cell] = []
    column = 1
    for (month, share), span in zip(project.spend_plan, _spread(len(project.spend_plan), GRID_COLUMNS - 1), strict=False):
        labels.append(Cell(month, column, span, bold=True))
        shares.append(Cell(share, column, span))
        column += span
    return [labels, shares]


def header_block(project: ProjectRecord) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        [
            Cell("项目编码", 0, bold=True),
            Cell(project.project_code or "", 1, 2),
            Cell("项目名称", 3, bold=True),
            Cell(project.project_name or "", 4, 3),
        ],
        [
            Cell("预算规模及资金用途", 0, rows=2 if project.purpose else 1, bold=True),
            Cell("预算数", 1, bold=True),
            Cell(project.budget_text or "", 2),
            Cell("其中：财政资金", 3, bold=True),
            Cell(project.fiscal_funds_text or "", 4),
            Cell("其他资金", 5, bold=True),
            Cell(project.other_funds_text or "", 6),
        ],
    ]
    if project.purpose:
        rows.append([Cell(project.purpose, 1, GRID_COLUMNS - 1)])
    rows.extend(_plan_rows(project))
    goals = tuple(_GOAL_ITEM.split(project.goals or ""))
    rows.append([Cell("绩效目标", 0, bold=True), Cell(goals, 1, GRID_COLUMNS - 1)])
    return rows


INDICATOR_HEADER: Final = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")


def indicator_rows(
    rows: Sequence[IndicatorRecord], with_header: bool = True, continues_group: bool = False
) -> list[list[Cell]]:
    """The indicator table; 一级指标 merged down over the rows of its group.

    ``continues_group``: the table goes on from an earlier table, inside the first row's group, so
    that row's 一级指标 is left empty (it stands in the earlier table).
    """
    grid: list[list[Cell]] = []
    if with_header:
        grid.append([Cell(text, i, 2 if i == 5 else 1, bold=True) for i, text in enumerate(INDICATOR_HEADER)])
    for index, row in enumerate(rows):
        cells = []
        starts_group = index == 0 or rows[index - 1].level1 != row.level1
        if starts_group:
            group = 1
            while index + group < len(rows) and rows[index + group].level1 == row.level1:
                group += 1
            text = "" if index == 0 and continues_group else row.level1
            cells.append(Cell(text or "", 0, rows=group))
        values = (row.level2, row.level3, row.description, row.value_text, row.basis)
        cells.extend(Cell(v or "", i + 1, 2 if i == 4 else 1) for i, v in enumerate(values))
        grid.append(cells)
    return grid


def form_tables(name: str, form: Form) -> list[list[list[Cell]]]:
    """The grid of a form as one or, for SPLIT_TABLE, two tables."""
    split_set, split_table, keep = SPLIT_TABLE
    rows = form.rows
    if (name, form.project.table_no) == (split_set, split_table):
        first = header_block(form.project) + indicator_rows(rows[:keep])
        continues = rows[keep].level1 == rows[keep - 1].level1
        return [first, indicator_rows(rows[keep:], with_header=False, continues_group=continues)]
    return [header_block(form.project) + indicator_rows(rows)]


# -- Word ----------------------------------------------------------------------------------------
def _set_fonts(run_properties_owner: object, size: float, bold: bool = False) -> None:
    font = run_properties_owner.font  # type: ignore[attr-defined]
    font.name = LATIN_FONT
    font.size = Pt(size)
    font.bold = bold
    r_pr = run_properties_owner.element.get_or_add_rPr()  # type: ignore[attr-defined]
    r_pr.get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)


def _fill(table: Table, grid: list[list[Cell]]) -> None:
    for r, row in enumerate(grid):
        for cell in row:
            target = table.cell(r, cell.column)
            corner = table.cell(r + cell.rows - 1, cell.column + cell.span - 1)
            if corner._tc is not target._tc:
                target = target.merge(corner)
            paragraphs = (cell.text,) if isinstance(cell.text, str) else cell.text
            target.paragraphs[0].text = ""
            for index, text in enumerate(paragraphs):
                paragraph = target.paragraphs[0] if index == 0 else target.add_paragraph()
                _set_fonts(paragraph.add_run(text), BODY_PT, cell.bold)


def _add_table(document: object, grid: list[list[Cell]]) -> None:
    table = document.add_table(rows=len(grid), cols=GRID_COLUMNS)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, COLUMN_WIDTHS_CM, strict=False):
            cell.width = Cm(width)
    _fill(table, grid)


def _paragraph(
    document: object, text: str, size: float, bold: bool, align: int, page_break: bool = False
) -> None:
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    paragraph.alignment = align
    paragraph.paragraph_format.page_break_before = page_break
    _set_fonts(paragraph.add_run(text), size, bold)


def write_docx(name: str, forms: Sequence[Form], path: Path) -> None:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    _set_fonts(document.styles["Normal"], BODY_PT)
    for number, form in enumerate(forms):
        new_page = name == "seed000" and number > 0
        _paragraph(document, form.project.title or "", TITLE_PT, True, WD_ALIGN_PARAGRAPH.CENTER, new_page)
        for line in form.preamble:
            align = WD_ALIGN_PARAGRAPH.RIGHT if line.startswith("单位") else WD_ALIGN_PARAGRAPH.LEFT
            _paragraph(document, line, BODY_PT, False, align)
        tables = form_tables(name, form)
        for index, grid in enumerate(tables):
            if index > 0:
                document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            _add_table(document, grid)
    document.core_properties.author = "jixiao fixtures"
    document.save(str(path))


# -- Excel ---------------------------------------------------------------------------------------
_THIN: Final = Side(style="thin")
_BORDER: Final = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _typed(text: str) -> tuple[object, str]:
    """A budget as a number formatted "0.00", a share as a number formatted "0%", text as text."""
    if _NUMBER.match(text):
        return float(text), "0.00"
    share = _SHARE.match(text)
    if share:
        return float(share.group(1)) / 100, "0%"
    return text, "General"


def _write_grid(sheet: Worksheet, top: int, grid: list[list[Cell]]) -> int:
    for r, row in enumerate(grid):
        for cell in row:
            row_no, column_no = top + r, cell.column + 1
            text = cell.text if isinstance(cell.text, str) else "\n".join(cell.text)
            value, number_format = _typed(text)
            target = sheet.cell(row=row_no, column=column_no, value=value if text else None)
            target.number_format = number_format
            target.font = Font(name=CJK_FONT, bold=cell.bold)
            target.alignment = Alignment(wrap_text=True, vertical="center")
            target.border = _BORDER
            if cell.span > 1 or cell.rows > 1:
                sheet.merge_cells(
                    start_row=row_no,
                    start_column=column_no,
                    end_row=row_no + cell.rows - 1,
                    end_column=column_no + cell.span - 1,
                )
    return top + len(grid)


def _write_form(sheet: Worksheet, top: int, name: str, form: Form) -> int:
    for text, bold in [(form.project.title or "", True), *((line, False) for line in form.preamble)]:
        sheet.cell(row=top, column=1, value=text).font = Font(name=CJK_FONT, bold=bold)
        sheet.merge_cells(start_row=top, start_column=1, end_row=top, end_column=GRID_COLUMNS)
        top += 1
    for grid in form_tables(name, form):
        top = _write_grid(sheet, top, grid)
    return top + 1


def write_xlsx(name: str, forms: Sequence[Form], path: Path) -> None:
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    if name == "seed002":
        for number, form in enumerate(forms, start=1):
            _write_form(workbook.create_sheet(f"项目{number}"), 1, name, form)
    else:
        sheet = workbook.create_sheet("绩效目标表")
        top = 1
        for form in forms:
            top = _write_form(sheet, top, name, form)
    for sheet in workbook.worksheets:
        for letter, width in zip("ABCDEFG", COLUMN_WIDTHS_CM, strict=False):
            sheet.column_dimensions[letter].width = width * 5
    workbook.save(path)


# -- PDF -----------------------------------------------------------------------------------------
def convert_to_pdf(docx: Path) -> bool:
    """The .docx printed to PDF by LibreOffice next to it; False when soffice is not installed."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return False
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(docx.parent),
                str(docx),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    return True


def main() -> int:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for name, (seed, tables) in SETS.items():
        forms = seed_forms(seed, tables)
        assert [f.project.table_no for f in forms] == list(tables), f"{seed}: tables {tables} not all found"
        docx = OUT_DIR / f"{name}.docx"
        write_docx(name, forms, docx)
        write_xlsx(name, forms, OUT_DIR / f"{name}.xlsx")
        files = [docx.name, f"{name}.xlsx"]
        if convert_to_pdf(docx) or (OUT_DIR / f"{name}.pdf").exists():
            files.append(f"{name}.pdf")
        manifest[name] = {"seed": seed, "tables": list(tables), "files": files}
        rows = sum(len(f.rows) for f in forms)
        print(f"{name}: {len(forms)} forms, {rows} indicator rows → {', '.join(files)}")
    (OUT_DIR / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
