"""Rebuilding table rows from serialisations that write one cell per line.

Several converters give up on the grid and write each cell on a line of its own; what marks the end
of a row differs (a blank line, nothing at all). What they share is solved here once:

* ``rows_from_runs``: runs of cells (a row as the converter delimited it) become ``Row``s. Inside an
  indicator table every row has as many cells as its header, so a run cut short by a stray blank
  line (a page break) is joined with the runs that follow until it is that wide — unless the next
  run starts a form or a header.
* ``rows_from_cells``: an undelimited stream of cells is cut into rows: inside an indicator table by
  the header's width, outside it at every form label (``项目名称``, ``预算数`` …), which starts a row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

from pipeline.core.labels import FORM_LABELS, PLAN_LABELS, find_indicator_header, is_header_label
from pipeline.core.text import clean_text, compact, label_key
from pipeline.core.types import Block, Row, TextLine, line_locator

_TITLE_MARKS: Final = ("绩效目标表", "绩效目标申报表", "绩效目标审批表", "绩效自评表")
_HEADING: Final = re.compile(
    r"^(?:[一二三四五六七八九十]+\s*[、.．]|第[一二三四五六七八九十]+部分|[（(][一二三四五六七八九十]+[)）])"
)


@dataclass
class CellRun:
    """Cells in the order written, with the 1-based line of each."""

    cells: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def add(self, text: str, line: int) -> None:
        self.cells.append(text)
        self.lines.append(line)

    @property
    def first_line(self) -> int:
        return self.lines[0] if self.lines else 0


def _is_form_label(text: str) -> bool:
    return label_key(text) in FORM_LABELS


def _starts_new_row(cells: Sequence[str]) -> bool:
    return find_indicator_header(cells) is not None or any(_is_form_label(c) for c in cells)


def _row(cells: Sequence[str], line: int) -> Row:
    return Row(tuple(cells), line_locator(line))


def rows_from_runs(items: Iterable[CellRun | TextLine]) -> list[Block]:
    """Rows from delimited runs: inside an indicator table, short runs are joined up to the header's width."""
    blocks: list[Block] = []
    width = 0
    pending: CellRun | None = None
    for item in items:
        if isinstance(item, TextLine):
            if pending is not None:
                blocks.append(_row(pending.cells, pending.first_line))
                pending = None
            if clean_text(item.text):
                width = 0
            blocks.append(item)
            continue
        if find_indicator_header(item.cells) is not None:
            width = len(item.cells)
        elif any(_is_form_label(c) for c in item.cells):
            width = 0
        if pending is not None and not _starts_new_row(item.cells):
            pending.cells.extend(item.cells)
            pending.lines.extend(item.lines)
        else:
            if pending is not None:
                blocks.append(_row(pending.cells, pending.first_line))
            pending = CellRun(list(item.cells), list(item.lines))
        if len(pending.cells) >= width:
            blocks.append(_row(pending.cells, pending.first_line))
            pending = None
    if pending is not None:
        blocks.append(_row(pending.cells, pending.first_line))
    return blocks


def is_title(text: str) -> bool:
    """A table title (``…绩效目标表``) or a numbered heading (``三、``, ``第二部分``), never a cell of a table."""
    compacted = compact(text)
    if any(mark in compacted for mark in _TITLE_MARKS):
        return True
    return _HEADING.match(compacted) is not None and "指标" not in compacted  # not a cell like 一、产出指标


def _header_width(cells: Sequence[str], start: int) -> int:
    """How many cells from ``start`` make an indicator header (0 when none starts there)."""
    end = start
    while end < len(cells) and cells[end] and is_header_label(cells[end]):
        end += 1
    return end - start if find_indicator_header(cells[start:end]) is not None else 0


def _plan_rows(cells: Sequence[str], lines: Sequence[int]) -> list[Row]:
    """``资金支出计划 | 3月底 | … | 25% | …`` cut into its label row and its share row."""
    labels = [cells[0]]
    index = 1
    while index < len(cells) and clean_text(cells[index]).endswith(("月底", "月末", "季度")):
        labels.append(cells[index])
        index += 1
    shares = ["", *cells[index:]]
    rows = [_row(labels, lines[0])]
    if len(shares) > 1:
        rows.append(_row(shares, lines[min(index, len(lines) - 1)]))
    return rows


def rows_from_cells(cells: Sequence[str], lines: Sequence[int]) -> list[Block]:
    """Rows from an undelimited stream of cells (empty cells are ``""``), see the module docstring."""
    blocks: list[Block] = []
    form: CellRun | None = None

    def close_form() -> None:
        nonlocal form
        if form is not None:
            if label_key(form.cells[0]) in PLAN_LABELS:
                blocks.extend(_plan_rows(form.cells, form.lines))
            else:
                blocks.append(_row(form.cells, form.first_line))
            form = None

    index = 0
    while index < len(cells):
        text = cells[index]
        width = _header_width(cells, index)
        if width:
            close_form()
            blocks.append(_row(cells[index : index + width], lines[index]))
            index = _table_rows(cells, lines, index + width, width, blocks)
            continue
        if text and (is_title(text) or not (form or _is_form_label(text))):
            close_form()
            blocks.append(TextLine(text, line_locator(lines[index])))
        elif _is_form_label(text):
            close_form()
            form = CellRun([text], [lines[index]])
        elif form is not None:
            form.add(text, lines[index])
        index += 1
    close_form()
    return blocks


def _ends_table(text: str) -> bool:
    return bool(text) and (is_title(text) or _is_form_label(text))


def _table_rows(cells: Sequence[str], lines: Sequence[int], start: int, width: int, blocks: list[Block]) -> int:
    """Rows of ``width`` cells from ``start`` until a title, a form label or a new header; returns where it stopped."""
    index = start
    while index < len(cells):
        row: list[str] = []
        first = index
        while index < len(cells) and len(row) < width:
            text = cells[index]
            if _ends_table(text) or (row and _header_width(cells, index)):
                break
            if not row and _header_width(cells, index):
                break
            row.append(text)
            index += 1
        if not row:
            return index
        if any(clean_text(c) for c in row):
            blocks.append(_row(row, lines[first]))
        if len(row) < width:
            return index
    return index
