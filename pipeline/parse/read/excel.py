"""Excel workbooks (.xlsx): every worksheet's rows, cells as the user sees them.

openpyxl is opened with ``data_only=True`` (a formula cell gives the value Excel cached when it last
saved; nothing is ever evaluated), ``keep_vba=False`` and ``keep_links=False``, and not in
read-only mode, because only the full mode knows merged ranges: a merged range gives its value at
its top-left cell and ``""`` at every other cell it covers, as a Word table's spans do.

Provenance: ``Locator(page=S, line=R)`` where S is the 1-based worksheet number in workbook order
(the "page" of a workbook) and R the worksheet row number Excel shows. Each sheet starts with its
name as a ``TextLine`` (Locator(page=S)); rows without text are skipped, and every row of a
sheet has one cell per column from A to the last column holding text in that sheet.

Numbers are written as Excel displays them for the common formats ("0.00" → "19.00", "0%" →
"25%"); a budget typed as a number must read like the same budget typed as text. The one-project-
per-row "wide" workbook is recognised by its own layout later; this reader only emits rows.

What a workbook is read into does not depend on its file format: a reader gives each sheet's
cells as ``SheetCells`` and ``workbook_document`` makes the rows and the text layer, so the .xls
reader (``pipeline/parse/read/xls.py``) shows ``1`` formatted ``0%`` as ``100%`` exactly as this one does.

A hidden sheet is read only if it holds a table (``holds_table``): workbooks hide the lists their
drop-downs offer (产出指标, 效益指标, 数量指标 … one per cell), which read as stray rows; but an office
that hid the sheet of a real 绩效目标表 still published it. A sheet skipped keeps its number: S is
the sheet's place among all the workbook's sheets.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

import openpyxl

from pipeline.core.errors import STAGE_READ, IngestError
from pipeline.core.labels import FORM_LABELS, find_indicator_header
from pipeline.core.text import label_key
from pipeline.core.types import Block, Cells, Locator, RawDocument, TextLine
from pipeline.parse.read.word import MAX_GRID_COLUMNS, cell_text, check_zip, grid_block

FORMAT: Final = "xlsx"

_DECIMALS: Final = re.compile(r"0\.(0+)")
"""The decimals of a number format: "0.00", "#,##0.00", "0.0%"."""
_THOUSANDS: Final = ","
VISIBLE: Final = "visible"
"""openpyxl's ``sheet_state`` of a sheet shown in Excel ("hidden" and "veryHidden" are not)."""


def _decimals(number_format: str) -> int | None:
    """How many decimals a number format shows; None for "General" and formats we do not model."""
    found = _DECIMALS.search(number_format)
    if found:
        return len(found.group(1))
    if "0" in number_format:
        return 0
    return None


def format_number(value: float, number_format: str) -> str:
    """A number as Excel shows it under the common formats; Python's shortest repr otherwise."""
    fmt = number_format or "General"
    decimals = _decimals(fmt)
    if "%" in fmt:
        return f"{value * 100:.{decimals or 0}f}%"
    if decimals is not None:
        thousands = _THOUSANDS if "#,##" in fmt else ""
        return f"{value:{thousands}.{decimals}f}"
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def display_text(value: object, number_format: str) -> str:
    """The text a user sees in a cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return format_number(value, number_format)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return cell_text(str(value))


SheetCells: TypeAlias = Mapping[tuple[int, int], tuple[object, str]]
"""A worksheet's written cells, as every workbook reader gives them to ``workbook_document``:
(row, column), both 1-based as Excel shows them (``B3`` is ``(3, 2)``) → (value, number format).
Columns past ``MAX_GRID_COLUMNS`` and the covered cells of merged ranges are left out."""


def sheet_rows(cells: SheetCells) -> Iterator[tuple[int, Cells]]:
    """(row number, cells from column A to the sheet's last column with text), for rows with text.

    Only the cells the file holds are given (openpyxl's ``iter_rows`` would create a cell for
    every coordinate of the used range, which is a million rows when a user formatted a column
    to the bottom of the sheet).
    """
    texts: dict[int, dict[int, str]] = {}
    for (row, column), (value, number_format) in cells.items():
        text = display_text(value, number_format)
        if text:
            texts.setdefault(row, {})[column] = text
    width = max((column for row in texts.values() for column in row), default=0)
    for row in sorted(texts):
        yield row, tuple(texts[row].get(column, "") for column in range(1, width + 1))


def line_text(value: object) -> str:
    """A cell for the text layer: a line break typed in the cell (Alt+Enter) kept as <br>, since in
    a worksheet it separates paragraphs (a list of indicators), where in a PDF it is only a wrap."""
    if not isinstance(value, str):
        return ""
    lines = (line.replace("\t", " ").strip() for line in value.split("\n"))
    return "<br>".join(line for line in lines if line)  # spaces as typed: "情况 提高" is name and value


def sheet_lines(cells: SheetCells) -> dict[int, str]:
    """Each row's text-layer line (cells joined by tabs), by row number; columns as ``sheet_rows`` reads them."""
    by_row: dict[int, dict[int, str]] = {}
    for (row, column), (value, number_format) in cells.items():
        by_row.setdefault(row, {})[column] = line_text(value) or display_text(value, number_format)
    return {
        row: "\t".join(by_column.get(c, "") for c in range(1, max(by_column) + 1)) for row, by_column in by_row.items()
    }


@dataclass(frozen=True)
class Sheet:
    """A worksheet as a workbook reader gives it to ``workbook_document``."""

    title: str
    cells: SheetCells
    hidden: bool = False


def holds_table(rows: Sequence[Cells]) -> bool:
    """A row is an indicator table's header (一级指标 … 指标值), or a cell is a form's label
    (项目名称, 预算数, 绩效目标 …, the header of a one-project-per-row workbook too); a drop-down
    list (产出指标, 效益指标 …) is neither."""
    return any(
        find_indicator_header(cells) is not None or any(label_key(cell) in FORM_LABELS for cell in cells)
        for cells in rows
    )


def workbook_document(sheets: Iterable[Sheet], source_file: str, fmt: str) -> RawDocument:
    """The ``RawDocument`` of a workbook's sheets, in workbook order: what the .xlsx and .xls readers
    share, so a table reads the same from either."""
    blocks: list[Block] = []
    lines: list[str] = []
    rows_found = 0
    for sheet_number, sheet in enumerate(sheets, start=1):
        rows = list(sheet_rows(sheet.cells))
        if sheet.hidden and not holds_table([row for _, row in rows]):
            continue
        blocks.append(TextLine(sheet.title, Locator(page=sheet_number)))
        lines.append(sheet.title)
        text_layer = sheet_lines(sheet.cells)
        for row_number, row in rows:
            rows_found += 1
            lines.append(text_layer[row_number])
            blocks.append(grid_block(row, Locator(page=sheet_number, line=row_number)))
    if not rows_found:
        raise IngestError("empty_file", STAGE_READ, "the workbook's sheets hold no cells")
    return RawDocument(source_file=source_file, format=fmt, lines=tuple(lines), blocks=tuple(blocks))


def openpyxl_cells(sheet: Any) -> dict[tuple[int, int], tuple[object, str]]:
    """An openpyxl worksheet's cells as ``SheetCells``: only those the file holds (``Worksheet._cells``);
    merged ranges' covered cells are ``MergedCell``s without a value there, so they give nothing."""
    return {
        (int(row), int(column)): (cell.value, str(cell.number_format or ""))
        for (row, column), cell in sheet._cells.items()
        if column <= MAX_GRID_COLUMNS
    }


def read_xlsx(data: bytes, source_file: str) -> RawDocument:
    """Every worksheet's non-empty rows, in order, with merged ranges given once."""
    check_zip(data, "Excel (.xlsx)")
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=False, data_only=True, keep_vba=False, keep_links=False
        )
        sheets = [
            Sheet(str(sheet.title), openpyxl_cells(sheet), hidden=sheet.sheet_state != VISIBLE)
            for sheet in workbook.worksheets
        ]
        workbook.close()
    except IngestError:
        raise
    except Exception as exc:  # openpyxl/zipfile/lxml raise many types on a damaged workbook
        raise IngestError("unreadable_file", STAGE_READ, f"the Excel file could not be parsed: {exc}") from exc
    return workbook_document(sheets, source_file, FORMAT)
