"""Excel workbooks (.xlsx): every worksheet's rows, cells as the user sees them.

openpyxl is opened with ``data_only=True`` (a formula cell gives the value Excel cached when it last
saved; nothing is ever evaluated), ``keep_vba=False`` and ``keep_links=False``, and not in
read-only mode, because only the full mode knows merged ranges: a merged range gives its value at
its top-left cell and ``""`` at every other cell it covers, as a Word table's spans do.

Provenance: ``Locator(page=S, line=R)`` where S is the 1-based worksheet number in workbook order
(the "page" of a workbook) and R the worksheet row number Excel shows. Each sheet starts with its
name as a ``TextLine`` (Locator(page=S)); completely empty rows are skipped.

Numbers are written as Excel displays them for the common formats ("0.00" → "19.00", "0%" →
"25%"); a budget typed as a number must read like the same budget typed as text. The one-project-
per-row "wide" workbook is recognised by its own layout later; this reader only emits rows.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Final

import openpyxl

from pipeline.errors import STAGE_READ, IngestError
from pipeline.read.word import cell_text, check_zip, grid_block
from pipeline.types import Block, Locator, RawDocument, TextLine

FORMAT: Final = "xlsx"

_DECIMALS: Final = re.compile(r"0\.(0+)")
"""The decimals of a number format: "0.00", "#,##0.00", "0.0%"."""
_THOUSANDS: Final = ","


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


def read_xlsx(data: bytes, source_file: str) -> RawDocument:
    """Every worksheet's non-empty rows, in order, with merged ranges given once."""
    check_zip(data, "Excel (.xlsx)")
    blocks: list[Block] = []
    lines: list[str] = []
    rows_found = 0
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=False, data_only=True, keep_vba=False, keep_links=False
        )
        for sheet_number, sheet in enumerate(workbook.worksheets, start=1):
            blocks.append(TextLine(str(sheet.title), Locator(page=sheet_number)))
            lines.append(str(sheet.title))
            for row in sheet.iter_rows():
                cells = tuple(display_text(cell.value, str(cell.number_format or "")) for cell in row)
                if not any(cells):
                    continue
                rows_found += 1
                lines.append("\t".join(cells))
                blocks.append(grid_block(cells, Locator(page=sheet_number, line=int(row[0].row))))
        workbook.close()
    except IngestError:
        raise
    except Exception as exc:  # openpyxl/zipfile/lxml raise many types on a damaged workbook
        raise IngestError("unreadable_file", STAGE_READ, f"the Excel file could not be parsed: {exc}") from exc
    if not rows_found:
        raise IngestError("empty_file", STAGE_READ, "the workbook's sheets hold no cells")
    return RawDocument(source_file=source_file, format=FORMAT, lines=tuple(lines), blocks=tuple(blocks))
