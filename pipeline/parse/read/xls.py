"""Excel 97-2003 workbooks (.xls), read directly with xlrd, and what sites serve under that name.

What the bytes are decides the reader, not the name: many sites export "Excel" as an HTML table
or a MIME web archive named .xls, and some name an .xlsx .xls. So a file named .xls is read as

- a web archive (``MIME-Version:`` at its start) or a web page (``<html``, ``<table`` …) by
  ``pipeline/parse/read/html.py``;
- an .xlsx (a zip: ``PK``) by ``pipeline/parse/read/excel.py``;
- a real .xls (compound-file signature) by xlrd, opened with ``formatting_info=True``: the
  number formats are what makes ``1`` formatted ``0%`` read ``100%``, which
  ``excel.display_text`` does for both formats. Merged ranges give their value at the top-left
  cell and ``""`` at every other cell they cover, as in .xlsx; cells past ``MAX_GRID_COLUMNS``
  are not read; a hidden sheet is read only if it holds a table, as in .xlsx.

Rows, provenance (``Locator(page=sheet, line=Excel row number)``) and the text layer come from
``excel.workbook_document``, so an .xls reads exactly like the same sheet saved as .xlsx.
Anything else (a truncated file, a Word .doc renamed .xls) is ``unreadable_file``; a workbook
with a password is ``encrypted_file``.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any, Final

import xlrd

from pipeline.core.errors import STAGE_READ, IngestError
from pipeline.core.types import RawDocument
from pipeline.parse.read.excel import Sheet, SheetCells, read_xlsx, workbook_document
from pipeline.parse.read.html import looks_like_archive, looks_like_html, read_html
from pipeline.parse.read.word import MAX_GRID_COLUMNS, OLE_MAGIC

FORMAT: Final = "xls"
ZIP_MAGIC: Final = b"PK\x03\x04"
ENCRYPTED_MESSAGE: Final = "Workbook is encrypted"
"""What xlrd raises on a workbook with a FILEPASS record (a password to open)."""
_EMPTY_TYPES: Final = frozenset({xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK})
_UNKNOWN_ERROR: Final = "#N/A"
VISIBLE: Final = 0
"""xlrd's ``Sheet.visibility`` of a sheet shown in Excel (1 is hidden, 2 "very hidden")."""


def _value(book: Any, cell: Any) -> object:
    """The cell's value as openpyxl gives an .xlsx cell's: text, float, bool, datetime, or the
    error's text (``#DIV/0!``)."""
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, _UNKNOWN_ERROR)
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            moment: dt.datetime = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
        except (xlrd.XLDateError, ValueError, OverflowError):
            return cell.value  # a serial no calendar holds: shown as the number it is
        return moment
    return cell.value


def _number_format(book: Any, cell: Any) -> str:
    """The format string of the cell's style ("0%", "0.00", "General")."""
    xf = book.xf_list[cell.xf_index]
    found = book.format_map.get(xf.format_key)
    return str(found.format_str) if found is not None else ""


def _covered(sheet: Any) -> set[tuple[int, int]]:
    """The 0-based (row, column) of every cell of a merged range but its top-left one."""
    return {
        (row, column)
        for first_row, end_row, first_column, end_column in sheet.merged_cells
        for row in range(first_row, end_row)
        for column in range(first_column, min(end_column, MAX_GRID_COLUMNS))
        if (row, column) != (first_row, first_column)
    }


def xls_cells(book: Any, sheet: Any) -> SheetCells:
    """An xlrd sheet's written cells, 1-based like Excel's row numbers and column letters."""
    covered = _covered(sheet)
    cells: dict[tuple[int, int], tuple[object, str]] = {}
    for row in range(sheet.nrows):
        for column, cell in enumerate(sheet.row_slice(row, 0, min(sheet.row_len(row), MAX_GRID_COLUMNS))):
            if cell.ctype in _EMPTY_TYPES or (row, column) in covered:
                continue
            cells[(row + 1, column + 1)] = (_value(book, cell), _number_format(book, cell))
    return cells


def _open_book(data: bytes) -> Any:
    try:
        return xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=io.StringIO(), on_demand=False)
    except xlrd.XLRDError as exc:
        if str(exc) == ENCRYPTED_MESSAGE:
            raise IngestError(
                "encrypted_file", STAGE_READ, "the Excel (.xls) file is password-protected; save it without a password"
            ) from exc
        raise IngestError("unreadable_file", STAGE_READ, f"the Excel (.xls) file could not be parsed: {exc}") from exc
    except Exception as exc:  # xlrd raises struct, index and assertion errors on a truncated file
        raise IngestError(
            "unreadable_file",
            STAGE_READ,
            f"the Excel (.xls) file is damaged or truncated ({type(exc).__name__}: {exc}); re-download or re-export it",
        ) from exc


def read_xls(data: bytes, source_file: str) -> RawDocument:
    """A file named .xls, read as what it is (module docstring)."""
    if looks_like_archive(data) or looks_like_html(data):
        return read_html(data, source_file)
    if data.startswith(ZIP_MAGIC):
        return read_xlsx(data, source_file)
    if not data.startswith(OLE_MAGIC):
        raise IngestError(
            "unreadable_file",
            STAGE_READ,
            "the file named .xls is not an Excel workbook (nor a web page or .xlsx); re-download or re-export it",
        )
    book = _open_book(data)
    try:
        sheets = [
            Sheet(str(sheet.name), xls_cells(book, sheet), hidden=sheet.visibility != VISIBLE)
            for sheet in book.sheets()
        ]
    except Exception as exc:  # a record pointing past its sheet's end reads as any of many errors
        raise IngestError("unreadable_file", STAGE_READ, f"the Excel (.xls) file could not be read: {exc}") from exc
    finally:
        book.release_resources()
    return workbook_document(sheets, source_file, FORMAT)
