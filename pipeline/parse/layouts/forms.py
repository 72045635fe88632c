"""Reading 项目支出绩效目标表 forms out of a grid, whatever serialisation the grid came in.

The common township template is a form: a header block (项目编码, 项目名称, 预算数, 其中：财政资金,
其他资金, the purpose, 资金支出计划, 绩效目标) followed by an indicator table whose header row names
its columns (一级指标, 二级指标, 三级指标, 绩效指标描述, 指标值, 指标值确定依据). Layouts rebuild the grid
as ``Row``s and ``TextLine``s; this module reads the form from the labels themselves, so column
order, extra columns and a page break inside a table do not matter.

The indicator table is found by its header row, never by its position. Header cells are matched
on their label with any parenthesised note removed (``指标值（包含数字及文字描述）`` is 指标值,
``权重（%）`` is 权重), against ``INDICATOR_COLUMNS`` (read into the row) and ``OTHER_COLUMNS``
(recognised, so that a header is known as one, but not stored: 分值/权重, 得分, 指标方向性, 偏差原因 …).
Decisions on the variants seen in the wild:

* **Value columns.** 指标值 and its variants (年度指标值, 年度目标值, 目标值 …) are the target,
  ``value_text``; 实际完成值 / 全年实际值 / 实际值 are the actual, ``actual_text`` (self-evaluation
  tables, 绩效自评表). A table with an actual column makes the document a ``self_evaluation``.
* **Cells by what they are.** A row's cells are placed under the header's columns by their kind, not
  their position (``pipeline.parse.reader.placement``): a row that lost its leading merged cells, a unit
  column before the comparator, a header shifted against its rows all read right; a row that kept
  the blanks of merged cells keeps its positions. A row already cut from a stream of cells
  (``Row.placed``) is read where it stands.
* **指标性质.** A comparator (a sign or word of ``pipeline.core.comparators``: ≥, 大于等于, 高于 …) in
  指标性质 / 指标方向 / 运算符号 is prefixed to the value as written: ``≥`` + ``95`` + ``%`` reads ``≥95%``,
  ``高于`` + ``95`` + ``%`` reads ``高于95%`` (which the value reader reads as ``>``). 定性 there with no 指标值 reads ``定性``;
  定量, 正向, 反向 are not comparators and are dropped.
* **度量单位.** The unit column is appended to a value that is a bare number (``95`` → ``95%``); a
  value that already carries text (``95%``, ``优``) is kept as written. The same holds for the actual.
* **Split headers.** A header spread over two rows (``绩效指标 | | | 指标值`` above ``一级指标 | 二级指标 |
  三级指标 |``, or ``指标值`` above ``年度指标值 | 实际完成值``) is merged column by column, the lower row
  winning where both name a column.
* **Page breaks.** A header repeated inside a table is skipped and carried-down levels are kept; a
  row holding only the tail of wrapped text cells continues the previous row.
* **Merged cells.** A blank 一级指标 / 二级指标 is carried down from the row above.
* **Total rows** (总分, 合计 …) are not indicators and are skipped.
* **Labelled fields.** ``项目名称：基层卫生`` (label and value in one cell, as text dumps of 申报表 write
  them) reads as the label and its value. Inside an indicator table only 项目编码 / 项目名称 are read
  so, so that a description such as ``资金用途：…`` stays a description.
* **Running titles.** A title line printed more than once (a page header) does not start a table.
* **Damaged rows.** A row that names nothing it measures (no 三级指标 and no description, e.g. bare
  numbers), whose name is a value or a template placeholder (``XX``, ``**``, ``……``, ``请填写``), or
  whose 三级 is empty in a table that has the column, is rejected, never guessed at (``row_problem``).
  A document whose tables hold only such rows is ``unreadable_table``.
* **Category lines** (``经济效益指标`` with nothing under it) carry their labels down and are no row;
  a two-level table (指标类型 | 指标名称 | 指标值, no 二级 column) names 二级 labels as its indicators.
* **What ends a table**: a note (``注：``), 其他需说明的问题, a 偏差原因 box, a total, the next form's
  field labels (``FIELD_LABELS``); a document cut inside its last row does not load that row.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache
from operator import attrgetter
from typing import Final, Literal

from pipeline.core.comparators import COMPARATOR_SIGNS
from pipeline.core.confidence import lowest_score
from pipeline.core.errors import STAGE_EXTRACT, IngestError
from pipeline.core.labels import (
    ALL_COLUMNS,
    ALL_HEADER_KEYS,
    ANNUAL_BUDGET_LABELS,
    BUDGET_LABELS,
    CODE_LABELS,
    COLUMN_BUDGET_LABEL,
    FIELD_LABEL_KEYS,
    FISCAL_LABELS,
    FORM_LABELS,
    FORM_TITLE,
    GOAL_LABELS,
    INDICATOR_COLUMNS,
    LABELLED_FIELD,
    NAME_LABELS,
    OTHER_LABELS,
    PLAN_LABELS,
    PROJECT_START_LABELS,
    PURPOSE_LABELS,
    UNIT_NAME_LABELS,
    ColumnMap,
    cell_columns,
    ends_table,
    find_indicator_header,
    header_columns,
    header_key,
    is_header_row,
    is_indicator_header,
    is_title,
    is_total,
    may_hold_indicator_table,
)
from pipeline.core.money import AMOUNT_UNIT, AMOUNT_UNITS
from pipeline.core.text import (
    CACHED_STRINGS,
    clean_text,
    compact,
    join_wrapped,
    label_key,
    may_keep,
    strip_heading_number,
    without_list_number,
)
from pipeline.core.traditional import folded_text
from pipeline.core.types import (
    Block,
    Cells,
    Extraction,
    IndicatorRecord,
    Locator,
    ProjectRecord,
    Row,
    TextLine,
    Unexplained,
)
from pipeline.core.vocabulary import level_kind
from pipeline.parse.reader.kinds import facts_of, kind_of, starts_with_comparator
from pipeline.parse.reader.placement import Role, place_row

DocumentKind = Literal["target", "self_evaluation"]




VALUE_COLUMNS: Final = frozenset({"value", "actual", "comparator", "unit", "weight", "score"})
"""Columns a real indicator row fills in and the tail of a wrapped row never does."""

ROW_FIELDS: Final = frozenset(INDICATOR_COLUMNS) | {"level"}
"""A row filling none of these holds only project columns (a unit-total line) or nothing."""
MARK_COLUMNS: Final = ("comparator", "nature", "direction")
"""Columns whose cells say how a value compares (≥) or what it is (定性, 正向), whatever their header."""
BOILERPLATE_ROLES: Final = ("scoring", "basis", "remark")
UNUSED: Final = "unused"
"""A column no cell may be placed under (no kind fits it)."""


_UNIT_MARKS: Final = "".join(frozenset.intersection(*(frozenset(unit) for unit in AMOUNT_UNITS)))
"""What every amount unit writes (元): a line that cannot clean to hold it states no unit (``may_keep``),
and is not matched against the unit patterns (most text lines of a book)."""
_UNIT_LINE: Final = re.compile(rf"^(?:金额)?单位[:：]\s*{AMOUNT_UNIT}\s*$")
_UNIT_AT_END: Final = re.compile(rf"金额单位[:：]\s*{AMOUNT_UNIT}\s*$")
"""``部门：505_某局金额单位：万元``: the unit closing a heading line."""
_UNIT_IN_LABEL: Final = re.compile(rf"^[\u4e00-\u9fff]{{0,10}}[（(]{AMOUNT_UNIT}[)）](?:[（(]\d{{1,3}}分[)）])?$")
"""A form label that states the amount unit: ``项目资金（万元）``, ``项目预算金额 (万元)``, ``预算执行情况(万元)(20分)``."""
_SELF_EVALUATION_TITLE: Final = re.compile(r"自评")
_BARE_NUMBER: Final = re.compile(rf"^[{re.escape(COMPARATOR_SIGNS)}]*-?\d+(?:[.．]\d+)?$")
_NO_UNIT: Final = frozenset({"/", "-", "—", "——", "无", "－"})
_PLACEHOLDER: Final = re.compile(r"[Xx×＊*]{2,}|…|\.{3,}|。{3,}|请填写|请输入|待填|待定|填写说明|[○□_＿]{2,}")

_TEMPLATE_HINT: Final = re.compile(r"[（(][^（()）]*(?:\*\*|[Xx×]{2})[^（()）]*[)）]")
"""``(≤**万元)``, ``(≥XX%)``: a template's hint of the form a value should take."""
_TEMPLATE_NUMBER: Final = re.compile(r"^指标\s*\d{1,2}\s*[:：]")
"""``指标1：``: a template's running number before the name."""

MIN_CONFIDENCE_READ: Final = 0.6
"""The confidence of a document whose every table row read; falls towards it as rows are rejected."""
INFERRED_ROWS_DOUBT: Final = 0.05
"""Rows cut from a stream are less sure than rows the source delimited: a document read wholly from a
stream scores at most 0.95, so a layout that found the real row boundaries wins when it reads as well."""
CONFIDENCE_TABLE_ONLY: Final = 0.55
"""A table header was found but no row could be read: the layout claims the document (it is one of
its tables) so that it fails as ``unreadable_table`` / ``no_indicators``, not ``unknown_layout``."""






@dataclass(frozen=True)
class _CellReading:
    """What the form reader asks of every cell of every row, worked out once per distinct cell text."""

    key: str
    unit: str | None
    """The unit of a unit line in a cell (``单位：万元``)."""
    unit_in_label: str | None
    """The unit a form label states (``项目资金（万元）``)."""
    field: tuple[str, str, str] | None
    """Label, value and label key of a labelled field (``项目名称：基层卫生``)."""
    form_label: bool
    """The key is a form field's label (项目名称, 项目资金 …)."""
    budget_column: bool
    """The cell heads a 自评表's column of full-year budget amounts (``全年预算数（A）``)."""
    names_column: bool
    """The cell names a known column (``指标值``, ``权重（%）``): ``cell_columns`` is not empty."""
    notable: bool
    """Any of the above but ``key`` holds: most cells of a table are none of them (``发放人数``,
    ``≥121人``), and a row asks no more of such a cell than its key."""


@lru_cache(maxsize=CACHED_STRINGS)
def _reading(cell: str) -> _CellReading:
    compacted = compact(cell)
    unit = _UNIT_LINE.match(compacted)
    unit_in_label = _UNIT_IN_LABEL.match(compacted)
    field = LABELLED_FIELD.match(clean_text(cell))
    key = label_key(without_list_number(folded_text(cell)))
    form_label = key in FORM_LABELS
    budget_column = header_key(cell) == COLUMN_BUDGET_LABEL
    names_column = bool(cell_columns(cell))
    return _CellReading(
        key=key,
        unit=unit.group(1) if unit else None,
        unit_in_label=unit_in_label.group(1) if unit_in_label else None,
        field=(field.group("label"), field.group("value"), label_key(field.group("label"))) if field else None,
        form_label=form_label,
        budget_column=budget_column,
        names_column=names_column,
        notable=bool(unit or unit_in_label or field or form_label or budget_column or names_column),
    )


@dataclass
class _RowReading:
    """What the form reader asks of a row's cells as a whole, in one pass over their readings (a row
    of a book is asked a dozen things: each its own loop over the cells cost as much as the answers)."""

    named: bool = False
    """Some cell has a label key: a row without one is empty or noise."""
    unit: str | None = None
    """The first unit line in a cell (``单位：万元``)."""
    unit_in_label: str | None = None
    """The first unit stated in a form label (``项目资金（万元）``)."""
    labelled: bool = False
    """Some cell is a labelled field (``项目名称：基层卫生``)."""
    form_label: bool = False
    """Some cell's key is a form field's label."""
    budget_column: int | None = None
    """The first cell heading a column of full-year budget amounts."""
    names_column: bool = False
    """Some cell names a known column: a row where none does (``数量指标 | 发放人数 | ≥121人``,
    most rows of a table) has no ``header_columns``, so it is no header row."""


def _row_reading(readings: Sequence[_CellReading]) -> _RowReading:
    row = _RowReading()
    for index, reading in enumerate(readings):
        if reading.key:
            row.named = True
        if not reading.notable:
            continue
        if reading.form_label:
            row.form_label = True
        if reading.unit is not None and row.unit is None:
            row.unit = reading.unit
        if reading.unit_in_label is not None and row.unit_in_label is None:
            row.unit_in_label = reading.unit_in_label
        if reading.field is not None:
            row.labelled = True
        if reading.budget_column and row.budget_column is None:
            row.budget_column = index
        if reading.names_column:
            row.names_column = True
    return row
















def text_unit(text: str) -> str | None:
    """The amount unit a cleaned line of text states (``单位：万元``, ``项目资金（万元）``, ``…金额单位：元``),
    or None. A line that cannot hold 元 (``may_keep``) is not matched against the patterns."""
    if not may_keep(text, _UNIT_MARKS):
        return None
    unit = _UNIT_LINE.match(compact(text)) or _UNIT_IN_LABEL.match(compact(text)) or _UNIT_AT_END.search(text)
    return unit.group(1) if unit else None


@lru_cache(maxsize=CACHED_STRINGS)
def is_placeholder(text: str | None) -> bool:
    """A template placeholder (``XX``, ``**``, ``……``, ``请填写``) instead of content.

    A template's hint beside real content is not one: ``指标1：项目总成本(≤**万元)`` names its indicator
    (项目总成本) and keeps its hint as written; ``指标1：(≥**%)`` or ``XX指标`` names nothing. Asked of
    every row's name: memoised, as names recur (``群众满意度`` in every project of a book)."""
    if not text:
        return False
    content = _TEMPLATE_NUMBER.sub("", _TEMPLATE_HINT.sub("", compact(text)))
    return not content or _PLACEHOLDER.search(content) is not None


def compose_value(value: str | None, comparator: str | None = None, unit: str | None = None) -> str | None:
    """A value cell completed by its 指标性质 and 度量单位 columns: ``≥`` + ``95`` + ``%`` → ``≥95%``."""
    text = compact(value)
    if not text:
        return None
    measure = compact(unit)
    if measure and measure not in _NO_UNIT and _BARE_NUMBER.match(text):
        text += measure
    mark = compact(comparator)
    if mark and kind_of(mark) == "comparator" and not starts_with_comparator(text):
        text = mark + text
    return text


def _is_repeated_header(cells: Sequence[str]) -> bool:
    keys = [header_key(c) for c in cells if c.strip()]
    return bool(keys) and all(k in ALL_HEADER_KEYS for k in keys)


def _cell(cells: Sequence[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return clean_text(cells[index])


def _value_after(cells: Sequence[str], index: int) -> str | None:
    """The next non-empty cell after a label, unless it is itself a label (the field is empty)."""
    for cell in cells[index + 1 :]:
        text = clean_text(cell)
        if not text:
            continue
        return None if label_key(text) in FORM_LABELS else text
    return None


@dataclass
class _ProjectDraft:
    table_no: int
    locator: Locator
    title: str | None
    amount_unit: str | None
    code: str | None = None
    name: str | None = None
    unit_name: str | None = None
    """The unit a department-level table is about (单位名称): its name when no project is named."""
    budget_is_annual: bool = False
    budget: str | None = None
    fiscal: str | None = None
    other: str | None = None
    purpose: str | None = None
    goals: str | None = None
    plan: tuple[tuple[str, str], ...] = ()
    has_indicators: bool = False

    def freeze(self) -> ProjectRecord:
        return ProjectRecord(
            table_no=self.table_no,
            project_code=self.code,
            project_name=self.name or self.unit_name or (strip_heading_number(self.title) if self.title else None),
            budget_text=self.budget,
            fiscal_funds_text=self.fiscal,
            other_funds_text=self.other,
            amount_unit=self.amount_unit,
            purpose=self.purpose,
            goals=self.goals,
            spend_plan=self.plan,
            locator=self.locator,
            title=self.title,
        )


def _spend_plan(labels: Cells, values: Cells, start: int) -> tuple[tuple[str, str], ...]:
    """Each share against the month label it stands under; a column with neither is dropped."""
    width = max(len(labels), len(values))
    pairs = []
    for index in range(start, width):
        label = _cell(labels, index)
        share = compact(_cell(values, index))
        if label or share:
            pairs.append((compact(label), share))
    return tuple(pairs)


@dataclass
class FormsResult:
    """Projects and indicator rows read from a grid, with how many table rows could not be read."""

    projects: list[ProjectRecord] = field(default_factory=list)
    indicators: list[IndicatorRecord] = field(default_factory=list)
    rejected_rows: int = 0
    doubtful_rows: int = 0
    """Rows read with a cell that fits no column (left out): read, but not wholly explained."""
    inferred_rows: int = 0
    """Rows whose boundaries the reader inferred from a stream of cells (the source had none)."""
    tables: int = 0
    document_kind: DocumentKind = "target"
    notes: list[str] = field(default_factory=list)

    def confidence(self) -> float:
        """0 without an indicator table; 0.55 with tables but no readable row; else 0.6 up to 1 as
        the share of table rows that read as rows grows."""
        if not self.indicators:
            return CONFIDENCE_TABLE_ONLY if self.tables else 0.0
        read = len(self.indicators)
        explained = read - min(read, self.doubtful_rows)
        confidence = MIN_CONFIDENCE_READ + (1 - MIN_CONFIDENCE_READ) * explained / (read + self.rejected_rows)
        return confidence - INFERRED_ROWS_DOUBT * min(read, self.inferred_rows) / read


class FormReader:
    """A state machine over blocks: header block fields, then the indicator table, then the next form."""

    def __init__(self, running_titles: frozenset[str] = frozenset()) -> None:
        self.result = FormsResult()
        self._running_titles = running_titles
        self._drafts: list[_ProjectDraft] = []
        self._current: _ProjectDraft | None = None
        self._columns: ColumnMap | None = None
        self._columns_kept: ColumnMap | None = None
        self._roles: tuple[Role, ...] = ()
        self._budget_column: int | None = None
        self._boilerplate: set[str] = set()
        """Texts of this table's scoring and basis columns: a name-less row repeats them, never names them."""
        self._seen_table = -1
        self._seen_rows: set[tuple[object, ...]] = set()
        self._block_read_a_row = False
        """The block fed last gave an indicator row (a document cut inside it ends on that row)."""
        self._header_above: ColumnMap | None = None
        self._rows_since_header = 0
        self._last_title: str | None = None
        self._title_since_rows = False
        self._unit: str | None = None
        self._pending_plan_labels: tuple[Cells, int] | None = None
        self._after_budget = False
        self._row_no = 0
        self._carry_level1 = ""
        self._carry_level2 = ""

    # -- text between tables -------------------------------------------------
    def _on_text(self, line: TextLine) -> None:
        text = clean_text(line.text)
        if not text:
            return
        unit = text_unit(text)
        if unit is not None:
            self._set_unit(unit)
            return
        if is_title(text):
            if _SELF_EVALUATION_TITLE.search(text):
                self.result.document_kind = "self_evaluation"
            if text in self._running_titles:
                return  # a running page header, not the title of the next table
            if FORM_TITLE.search(text):
                self._columns = None  # the next form has begun: what follows is not this table's rows
            self._last_title = text
            self._title_since_rows = True

    # -- projects ------------------------------------------------------------
    def _start_project(self, locator: Locator) -> _ProjectDraft:
        draft = _ProjectDraft(
            table_no=len(self._drafts) + 1,
            locator=locator,
            title=self._last_title if self._title_since_rows else None,
            amount_unit=self._unit,
        )
        self._drafts.append(draft)
        self._current = draft
        self._columns = None
        self._row_no = 0
        self._title_since_rows = False
        self._pending_plan_labels = None
        self._after_budget = False
        return draft

    def _draft_for(self, field_name: str, locator: Locator) -> _ProjectDraft:
        current = self._current
        if current is None or current.has_indicators or getattr(current, field_name) is not None:
            return self._start_project(locator)
        return current

    def _on_form_row(self, row: Row, keys: list[str]) -> bool:
        """Read header-block fields from a row; False when the row holds none."""
        cells = row.cells
        handled = False
        for index, key in enumerate(keys):
            if key in CODE_LABELS:
                value = _value_after(cells, index)
                self._draft_for("code", row.locator).code = compact(value) or None
                handled = True
            elif key in NAME_LABELS:
                self._draft_for("name", row.locator).name = _value_after(cells, index)
                handled = True
            elif key in BUDGET_LABELS:
                self._on_budget(key, compact(_value_after(cells, index)) or None, row.locator)
                self._after_budget = True
                handled = True
            elif key in UNIT_NAME_LABELS:
                draft = self._current if self._current is not None and not self._current.has_indicators else None
                draft = draft or self._start_project(row.locator)
                draft.unit_name = draft.unit_name or _value_after(cells, index)
                handled = True
            elif key in FISCAL_LABELS and self._current is not None:
                self._current.fiscal = compact(_value_after(cells, index)) or None
                handled = True
            elif key in OTHER_LABELS and self._current is not None:
                self._current.other = compact(_value_after(cells, index)) or None
                handled = True
            elif key in PURPOSE_LABELS and self._current is not None:
                self._current.purpose = _value_after(cells, index)
                handled = True
            elif key in PLAN_LABELS and self._current is not None:
                self._pending_plan_labels = (cells, index + 1)
                return True
            elif key in GOAL_LABELS and self._current is not None and index == _first_filled(cells):
                goals = _distinct([clean_text(c) for c in cells[index + 1 :]])
                self._current.goals = " ".join(goals) or None
                return True
        return handled

    def _on_budget(self, key: str, value: str | None, locator: Locator) -> None:
        """A budget field. A form may state it twice (项目总预算 and 当年年度预算): one project's, and
        the year's figure wins over a total (年度资金总额 beside 中期资金总额)."""
        current = self._current
        if current is None or current.has_indicators:
            current = self._start_project(locator)
        if current.budget is None or (key in ANNUAL_BUDGET_LABELS and not current.budget_is_annual):
            current.budget = value
            current.budget_is_annual = key in ANNUAL_BUDGET_LABELS

    def _on_budget_below(self, row: Row, reading: _RowReading) -> None:
        """The full-year budget of a 自评表 stated as a column: its label (``全年预算数（A）``) above the
        amount (``| 全年预算数（A） | … |`` then ``| 7574 | … |``), in a row that names no field itself."""
        above, self._budget_column = self._budget_column, None
        if above is not None and not reading.form_label and above < len(row.cells):
            amount = compact(row.cells[above])
            if facts_of(amount).kind == "number":
                self._on_budget(COLUMN_BUDGET_LABEL, amount, row.locator)
                return
        self._budget_column = reading.budget_column

    def _on_purpose_row(self, row: Row) -> bool:
        texts = [clean_text(c) for c in row.cells]
        filled = [t for t in texts if t]
        if self._current is None or not filled or texts[0]:
            return False
        self._current.purpose = " ".join(filled)
        return True

    def _set_unit(self, unit: str) -> None:
        """The amount unit from here on, and of the project being read if it states none yet."""
        self._unit = unit
        current = self._current
        if current is not None and not current.has_indicators and current.amount_unit is None:
            current.amount_unit = unit

    # -- indicator rows ------------------------------------------------------
    def _on_header(self, row: Row, columns: ColumnMap) -> None:
        current = self._current
        new_table = current is None or (
            current.has_indicators and self._title_since_rows and self._last_title != current.title
        )
        if new_table:
            current = self._start_project(row.locator)
        if self._columns is None or self._rows_since_header:
            self.result.tables += 1
        if "actual" in columns:
            self.result.document_kind = "self_evaluation"
        columns = _with_name_column(columns)
        self._columns = columns
        self._columns_kept = columns
        self._roles = header_roles(columns, len(row.cells))
        self._boilerplate = set()
        self._rows_since_header = 0
        self._title_since_rows = False
        self._carry_level1 = ""
        self._carry_level2 = ""

    def _on_header_row(self, row: Row, columns: ColumnMap, complete: bool) -> None:
        """A header row, whole or one half of a header split over two rows."""
        above = self._header_above
        self._header_above = columns
        merged = {**above, **columns} if above is not None else columns
        if not complete and not is_indicator_header(merged):
            return  # the first half of a split header: wait for the other
        target = columns if complete and (above is None or not is_indicator_header(merged)) else merged
        if self._columns is not None and not self._title_since_rows:
            if self._rows_since_header and _is_repeated_header(row.cells):
                if target != self._columns and above is not None:
                    self._columns = target  # the second half of a header repeated after a page break
                    self._roles = header_roles(target, len(row.cells))
                return  # a header repeated after a page break: the table goes on
            if target == self._columns:
                return
        self._on_header(row, target)

    def _on_indicator_row(self, row: Row, columns: ColumnMap) -> None:
        filled = filled_cells(row)
        first = filled[0][1] if filled else ""  # first_filled(row), from the one cleaning of its cells
        if is_total(first):
            return
        if ends_table(first):
            self._columns = None  # 其他需说明的问题, 偏差原因分析 …: what follows is not the table
            return
        fields, unexplained = placed_fields(row, self._roles, filled)
        if self._name_read_as_level(row, fields):
            retried = placed_fields(row, _without_level1(self._roles), filled)
            fields, unexplained = retried if retried[0].get("level3") else (fields, unexplained)
        self._boilerplate.update(fields[role] for role in BOILERPLATE_ROLES if fields.get(role))
        if not _valued(fields) and fields.get("level3") in self._boilerplate:
            fields.pop("level3")  # 评分标准 text repeated under an empty 二级 (经济效益指标 | 未达指标值酌情扣分)
        self._on_row_project(fields, row.locator)
        if not _any_filled(fields, ROW_FIELDS):
            return
        current = self._current
        assert current is not None
        self._rows_since_header += 1
        _level_from_type_column(fields)
        starts_row = _any_filled(fields, _STARTS_ROW)
        if not starts_row:
            self._continue_previous(fields, row.ocr_score)
            return
        two_level = "level2" not in self._roles and _two_level_name(fields)
        if two_level:
            self._roles = two_level_roles(self._roles)
        elif "level3" not in self._roles:
            two_level = bool(fields.get("level2")) and not fields.get("description") and _valued(fields)
        level1 = fields.get("level1") or self._carry_level1
        level2 = fields.get("level2") or (self._carry_level2 if not fields.get("level1") else "")
        self._carry_level1, self._carry_level2 = (
            level1,
            level2,
        )  # a rejected row's merged labels still cover the rows below
        problem = (
            row_problem(fields, two_level)
            or self._unnamed_in_named_table(fields, two_level)
            or (self._category_as_name(fields) if row.placed else None)
        )
        if problem is not None:
            self.result.rejected_rows += 1
            self.result.notes.append(f"{row.locator.describe()}: {problem}, not read")
            return
        if unexplained:
            self.result.doubtful_rows += 1
            self.result.notes.append(f"{row.locator.describe()}: {unexplained} cell(s) fit no column, left out")
        if not (fields.get("level3") or fields.get("description") or two_level):
            return  # a category line (经济效益指标 with nothing under it): carried down, not a row
        record = IndicatorRecord(
            table_no=current.table_no,
            row_no=self._row_no + 1,
            level1=level1 or None,
            level2=level2 or None,
            level3=fields.get("level3") or None,
            description=fields.get("description") or None,
            value_text=_row_value(fields),
            basis=fields.get("basis") or None,
            locator=row.locator,
            actual_text=compose_value(fields.get("actual"), None, fields.get("unit")),
            ocr_min_score=row.ocr_score,
        )
        if self._already_read(record):
            self.result.notes.append(f"{row.locator.describe()}: a row of this table emitted twice; read once")
            return
        self._row_no += 1
        current.has_indicators = True
        self._title_since_rows = False
        self.result.indicators.append(record)
        self.result.inferred_rows += row.placed
        self._block_read_a_row = True

    def _already_read(self, record: IndicatorRecord) -> bool:
        """Two rows of one table with every cell equal are one row emitted twice, not two targets
        (a set per table: a table of 20 000 rows is checked in linear time)."""
        cells = _cells_of(record)
        if self._seen_table != record.table_no:
            self._seen_table, self._seen_rows = record.table_no, set()
        if cells in self._seen_rows:
            return True
        self._seen_rows.add(cells)
        return False

    def _count_empty_projects(self) -> None:
        """A project whose form was read but none of whose table rows was (a damaged page, a table
        under a grid the reader could not see through) is a part of the document not read: the
        document is not wholly explained, so not 1.0."""
        if not self.result.indicators:
            return
        for draft in self._drafts:
            if not draft.has_indicators:
                self.result.rejected_rows += 1
                self.result.notes.append(
                    f"{draft.locator.describe()}: project '{draft.name}' has no indicator row read"
                )

    def _drop_cut_row(self) -> None:
        """A document that ends inside a table on a row without a value was cut mid-row (a saved web
        page keeps its first bytes only): that row's value is lost, not empty, so it is not read."""
        indicators = self.result.indicators
        if not indicators or self._columns is None or not self._block_read_a_row:
            return
        last = indicators[-1]
        if last.value_text is None and last.actual_text is None:
            indicators.pop()
            self.result.rejected_rows += 1
            self.result.notes.append(f"{last.locator.describe()}: the document ends inside this row, not read")

    def _name_read_as_level(self, row: Row, fields: Mapping[str, str]) -> bool:
        """A grid row read as 一级 + 二级 with a value but no 三级, in a table that has all three: it may
        have lost its 一级 cell and name its indicator with a 二级-like label (``成本指标 | 社會成本指標 |
        定量 | 100``), so it is placed again without the 一级 column before it is given up."""
        roles = self._roles
        complete = all(level in roles for level in ("level1", "level2", "level3"))
        has_levels = fields.get("level1") and fields.get("level2")
        return complete and not row.placed and not fields.get("level3") and bool(has_levels) and _valued(fields)

    def _category_as_name(self, fields: Mapping[str, str]) -> str | None:
        """In a table with a 二级 column, a row cut from a stream whose 三级 is a category label
        (``数量指标``) was misread: the label belongs in its own column. (A grid row may really say
        ``质量指标 | 质量指标 | ≥95质量指标``: its positions are the document's own, and it is read.)"""
        name = fields.get("level3")
        if name and "level2" in self._roles and level_kind(name) is not None:
            return f"the 三级 '{name}' is a category label"
        return None

    def _unnamed_in_named_table(self, fields: Mapping[str, str], two_level: bool) -> str | None:
        """A table with a 三级 column names every indicator there: a row with a value but an empty 三级
        was misread (its name taken for a level label, ``成本指标 | 社會成本指標 | 定量 | 100``)."""
        if two_level or fields.get("level3") or "level3" not in self._roles or not _valued(fields):
            return None
        return "the 三级 name is empty"

    def _on_row_project(self, fields: dict[str, str], locator: Locator) -> None:
        """A wide table's project columns (项目名称 | 预算数 | 年度目标) on a project's first row."""
        name = fields.get("project_name")
        if not name:
            return
        current = self._current
        if current is None or current.has_indicators or (current.name is not None and current.name != name):
            current = self._start_project(locator)
            self._columns = self._columns_kept
        current.name = name
        current.budget = compact(fields.get("budget")) or current.budget
        current.goals = fields.get("goals") or current.goals

    def _continue_previous(self, fields: dict[str, str], tail_score: float | None) -> None:
        """A row holding only the tail of wrapped cells: the previous row was cut by a page break."""
        if not self.result.indicators or self._current is None or not self._current.has_indicators:
            self.result.rejected_rows += 1
            return
        previous = self.result.indicators[-1]
        self.result.indicators[-1] = IndicatorRecord(
            table_no=previous.table_no,
            row_no=previous.row_no,
            level1=previous.level1,
            level2=previous.level2,
            level3=previous.level3,
            description=_joined(previous.description, fields.get("description")),
            value_text=previous.value_text,
            basis=_joined(previous.basis, fields.get("basis")),
            locator=previous.locator,
            actual_text=previous.actual_text,
            ocr_min_score=lowest_score(previous.ocr_min_score, tail_score),
        )

    # -- dispatch ------------------------------------------------------------
    def feed(self, block: Block) -> None:
        self._block_read_a_row = False
        if isinstance(block, TextLine):
            self._on_text(block)
            return
        if isinstance(block, Unexplained):
            self.result.rejected_rows += 1
            self.result.notes.append(
                f"{block.locator.describe()}: '{block.text[:40]}' fits no row of the table, not read"
            )
            return
        cells = block.cells
        readings = list(map(_reading, cells))
        row = _row_reading(readings)
        if not row.named:
            return
        if row.unit is not None:  # "单位：万元" sits above a form, never inside an indicator table
            self._unit = row.unit
            self._columns = None
            self._header_above = None
            return
        columns = header_columns(cells) if row.names_column else {}
        complete = is_indicator_header(columns)
        if complete or (not columns.keys().isdisjoint(INDICATOR_COLUMNS) and is_header_row(cells)):
            self._pending_plan_labels = None
            self._after_budget = False
            self._on_header_row(block, columns, complete)
            return
        self._header_above = None
        self._on_budget_below(block, row)
        if self._pending_plan_labels is not None:
            labels, start = self._pending_plan_labels
            self._pending_plan_labels = None
            if self._current is not None and not row.form_label:
                self._current.plan = _spend_plan(labels, cells, start)
                return
            if self._current is not None:
                self._current.plan = _spend_plan(labels, (), start)
        if row.unit_in_label is not None:  # ``项目资金（万元）``: the amount unit stated in a label of the form
            self._set_unit(row.unit_in_label)
        split = (
            _split_labelled_fields(cells, readings, inside_table=self._columns is not None) if row.labelled else None
        )
        if split is not None:
            block = Row(split, block.locator, ocr_score=block.ocr_score)
            keys = [label_key(c) for c in split]
            form_row = any(k in FORM_LABELS for k in keys)
        else:
            keys, form_row = None, row.form_label  # the readings' keys, taken only for a form row
        if form_row:
            self._after_budget = False
            if self._on_form_row(block, keys if keys is not None else [r.key for r in readings]):
                return
        if self._after_budget:
            self._after_budget = False
            if self._on_purpose_row(block):
                return
        if self._columns is not None and self._current is not None:
            self._on_indicator_row(block, self._columns)

    def finish(self) -> FormsResult:
        self._drop_cut_row()
        self._count_empty_projects()
        if self._pending_plan_labels is not None and self._current is not None:
            labels, start = self._pending_plan_labels
            self._current.plan = _spend_plan(labels, (), start)
        self.result.projects = [draft.freeze() for draft in self._drafts]
        return self.result


_CELL_FIELDS: Final = tuple(
    f.name for f in fields(IndicatorRecord) if f.name not in ("row_no", "locator", "ocr_min_score")
)
"""What two rows must share to be one row emitted twice: every field but where they are (and how
sure OCR was of each copy)."""


_cells_of: Final = attrgetter(*_CELL_FIELDS)
"""The fields ``_CELL_FIELDS`` names, as one tuple (hashed and compared in one step)."""


def _with_name_column(columns: ColumnMap) -> ColumnMap:
    """A header without a 三级 column names its indicators in its description column
    (``一级指标 | 二级指标 | 指标内容 | 指标值``): that column is the 三级 name."""
    if "level3" in columns or "description" not in columns:
        return columns
    renamed = {name: index for name, index in columns.items() if name != "description"}
    renamed["level3"] = columns["description"]
    return renamed


def first_filled(row: Row) -> str:
    """The row's first non-empty cell, cleaned ("" for an empty row): what a total or trailer starts with."""
    return clean_text(next((c for c in row.cells if clean_text(c)), ""))








def is_field_label(cell: str) -> bool:
    """A label of a form field, stored or not (项目名称, 主管部门 …)."""
    return any(key in FIELD_LABEL_KEYS for key in (_reading(cell).key, header_key(cell)))


def is_unit_label(text: str) -> bool:
    """A line or label stating the amount unit: ``单位：万元``, ``项目资金（万元）``, ``金额(万元)``."""
    reduced = compact(text)
    return _UNIT_LINE.match(reduced) is not None or _UNIT_IN_LABEL.match(reduced) is not None




HEADER_LABELS: Final[dict[str, Role]] = {label: role for role, labels in ALL_COLUMNS.items() for label in labels}
"""Every header label the reader knows, reduced as ``header_key`` reduces a cell, with its role."""


def table_roles(cells: Sequence[str]) -> tuple[Role, ...] | None:
    """The column roles of an indicator header row, or None when the cells are not one."""
    columns = find_indicator_header(cells)
    return None if columns is None else header_roles(_with_name_column(columns), len(cells))


def header_roles(columns: Mapping[str, int], width: int) -> tuple[Role, ...]:
    """Each header column's role in order; columns the header does not name (or names twice) are
    ``other``: they take any text and mean nothing."""
    roles = ["other"] * max(width, max(columns.values(), default=-1) + 1)
    for name, index in columns.items():
        roles[index] = name
    return tuple(roles)


def filled_cells(row: Row) -> list[tuple[int, str]]:
    """(position, cleaned text) of each of a row's cells that is not blank: ``| 数量指标 |  | ≥95% |``
    → ``[(0, "数量指标"), (2, "≥95%")]``. Cleaned once per row, read by every test of the row."""
    return [(index, text) for index, text in enumerate(map(clean_text, row.cells)) if text]


def placed_fields(row: Row, roles: Sequence[Role], filled: Sequence[tuple[int, str]]) -> tuple[dict[str, str], int]:
    """A row's cells (``filled``: its ``filled_cells``) by the role of the column they are placed
    under, and how many fit none.

    A row from the serialisation is placed by kind (``pipeline.parse.reader.placement``); a row the
    stream reader already placed is read where it stands."""
    if row.placed:
        columns: Sequence[int | None] = [index if index < len(roles) else None for index, _ in filled]
    else:
        kept_blanks = len(filled) < filled[-1][0] + 1 if filled else False
        columns = place_row([text for _, text in filled], [index for index, _ in filled], roles, kept_blanks)
    fields: dict[str, str] = {}
    unexplained = 0
    for (_, text), column in zip(filled, columns, strict=True):
        if column is None:
            unexplained += 1
        else:
            fields.setdefault(roles[column], text)
    return fields, unexplained


def _level_from_type_column(fields: dict[str, str]) -> None:
    """指标类型 holds a 一级 or a 二级 label: store it as the one it is."""
    label = fields.pop("level", "")
    kind = level_kind(label) if label else None
    if kind == "level1" and not fields.get("level1"):
        fields["level1"] = label
    elif kind in ("level2", "both") and not fields.get("level2"):
        fields["level2"] = label


def _two_level_name(fields: dict[str, str]) -> bool:
    """A two-level table (指标类型 | 指标名称 | 指标值, no 二级 column) names 二级 labels in its name
    column: such a row has a 二级 and no 三级 (``数量指标 | 375万平方米``). True when the row is one."""
    name = fields.get("level3", "")
    if name and not fields.get("level2") and level_kind(name) in ("level2", "both"):
        fields["level2"] = fields.pop("level3")
        return True
    return False


def _without_level1(roles: Sequence[Role]) -> tuple[Role, ...]:
    """The roles with the 一级 column closed: no cell may stand there."""
    return tuple(UNUSED if role == "level1" else role for role in roles)


def two_level_roles(roles: Sequence[Role]) -> tuple[Role, ...]:
    """The roles of a table found to be two-level: its type column holds 一级 labels and its name
    column 二级 labels (指标类型 | 指标名称 | 指标值 with ``产出指标 | 数量指标 | 375万平方米``), so a row that
    lost its first cell (``时效指标 | 全年 | 全年``) places its 二级 label under the name column."""
    renamed = {"level": "level1", "level3": "level2"}
    return tuple(renamed.get(role, role) for role in roles)


def row_problem(fields: Mapping[str, str], two_level: bool = False) -> str | None:
    """Why a row cannot be an indicator row as read, or None. A 三级 that is a value (``≥100公里``), a
    template placeholder, or a value under no name means the columns were misread or never filled:
    the row is rejected, never guessed. A row of level labels alone is a category line (None)."""
    name = fields.get("level3") or ""
    label = name or fields.get("description") or ""
    facts = facts_of(label) if label else None
    if facts is not None and facts.kind in ("value", "number", "comparator", "unit", "criterion"):
        return f"the indicator name '{label}' is a value"
    if facts is not None and facts.coded:
        return f"the indicator name '{label}' is a coded unit or project"
    if is_placeholder(name) or (not name and is_placeholder(fields.get("description"))):
        return "the indicator name is a template placeholder"
    named = name or fields.get("description") or two_level
    if not named and _any_filled(fields, _NAMED_OR_VALUED):
        return "row names nothing it measures"
    return None


def _any_filled(fields: Mapping[str, str], names: Iterable[str]) -> bool:
    """Whether a row has text under any of these columns (asked several times of every row: a plain
    loop, which costs less than ``any()`` over a generator)."""
    for name in names:  # noqa: SIM110
        if fields.get(name):
            return True
    return False


_STARTS_ROW: Final = ("level1", "level2", "level3", "value", "actual")
"""Columns of which a row fills one when it is a row of its own, not the tail of the row above."""
_NAMED_OR_VALUED: Final = (*VALUE_COLUMNS, "basis")
"""Columns that say something about what a row measures, so that a row filling one must name it."""


def _valued(fields: Mapping[str, str]) -> bool:
    return _any_filled(fields, VALUE_COLUMNS)


def _row_value(fields: Mapping[str, str]) -> str | None:
    """The target as written: value completed by its comparator and unit columns; a qualitative row
    without a value (指标性质 定性, 指标值 empty) reads ``定性``."""
    marks = [fields.get(name, "") for name in MARK_COLUMNS]
    comparator = next((mark for mark in marks if facts_of(mark).kind == "comparator"), None) if any(marks) else None
    value = compose_value(fields.get("value"), comparator, fields.get("unit"))
    if value is None and any(facts_of(mark).qualitative for mark in marks if mark):
        return "定性"
    return value


def _split_labelled_fields(cells: Sequence[str], readings: Sequence[_CellReading], inside_table: bool) -> Cells | None:
    """``项目名称：基层卫生`` in one cell read as the label and its value; None when no cell is one.

    Inside an indicator table only the fields that start a new project (项目编码, 项目名称) are split,
    so that a description such as ``资金用途：…`` stays a description."""
    labels = PROJECT_START_LABELS if inside_table else FORM_LABELS
    split: list[str] = []
    for cell, reading in zip(cells, readings, strict=True):
        if reading.field is not None and reading.field[2] in labels:
            split.extend(reading.field[:2])
        else:
            split.append(cell)
    return tuple(split) if len(split) != len(cells) else None


def _first_filled(cells: Sequence[str]) -> int:
    return next((i for i, c in enumerate(cells) if clean_text(c)), 0)


def _distinct(texts: Iterable[str]) -> list[str]:
    """Filled texts without the copies a converter writes into every column of a merged cell."""
    kept: list[str] = []
    for text in texts:
        if text and (not kept or kept[-1] != text):
            kept.append(text)
    return kept


def _joined(first: str | None, second: str | None) -> str | None:
    return join_wrapped(first or "", second or "") or None


def running_titles(blocks: Sequence[Block]) -> frozenset[str]:
    """Title lines printed more than once: running page headers (or one title shared by every
    table), which do not start a new table — the project's own rows do."""
    texts = Counter(
        text for block in blocks if isinstance(block, TextLine) and is_title(text := clean_text(block.text))
    )
    return frozenset(text for text, count in texts.items() if count > 1)


def may_find_table(blocks: Sequence[Block]) -> bool:
    """Whether ``read_forms`` could find an indicator table in these blocks: False means its
    confidence is certainly 0, so a layout that is not the document's is rejected without reading.

    The reader starts a table only at a header row whose columns, alone or with the header row
    above it, make a complete header (``is_indicator_header``: a value, a level, enough columns),
    and reads no indicator row before one. A complete header needs no more than every column any
    row names, so when even all of them together make none (a tab-row document seen as cell lines:
    ``指标值`` in one row, no 三级指标 anywhere), no header is found. The cheaper test comes first.
    """
    if not may_hold_indicator_table(blocks):
        return False
    named: dict[str, int] = {}
    for block in blocks:
        if isinstance(block, Row):
            for cell in block.cells:
                columns = cell_columns(cell) if cell else ()
                if columns and not named.keys() >= set(columns):
                    named.update(dict.fromkeys(columns, 0))
                    if is_indicator_header(named):
                        return True  # the document's own layout: decided at its first header
    return False


def read_forms(blocks: Iterable[Block]) -> FormsResult:
    """Every project form and indicator row in a stream of blocks."""
    listed = list(blocks)
    reader = FormReader(running_titles(listed))
    for block in listed:
        reader.feed(block)
    return reader.finish()


def forms_extraction(layout: str, result: FormsResult) -> Extraction:
    """A layout's ``Extraction`` of what the form reader found; ``unreadable_table`` when the
    document's tables were found but not one row in them could be read (nothing is invented)."""
    if not result.indicators and result.rejected_rows:
        raise IngestError(
            "unreadable_table",
            STAGE_EXTRACT,
            f"layout {layout} found {result.tables} indicator table(s) but none of their "
            f"{result.rejected_rows} row(s) names what it measures (placeholders such as XX/**, or "
            "numbers without indicator names); no rows were invented",
        )
    return Extraction(
        layout=layout,
        confidence=result.confidence(),
        projects=tuple(result.projects),
        indicators=tuple(result.indicators),
        notes=tuple(result.notes),
        document_kind=result.document_kind,
    )
