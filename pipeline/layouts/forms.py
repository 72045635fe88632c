"""Reading 项目支出绩效目标表 forms out of a grid, whatever serialisation the grid came in.

The common township template is a form: a header block (项目编码, 项目名称, 预算数, 其中：财政资金,
其他资金, the purpose, 资金支出计划, 绩效目标) followed by an indicator table whose header row names
its columns (一级指标, 二级指标, 三级指标, 绩效指标描述, 指标值, 指标值确定依据). Layouts rebuild the grid
as ``Row``s and ``TextLine``s; this module reads the form from the labels themselves, so column
order, extra columns and a page break inside a table do not matter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

from pipeline.normalise.text import clean_text, compact, join_wrapped, label_key, strip_heading_number
from pipeline.types import Block, Cells, IndicatorRecord, Locator, ProjectRecord, Row, TextLine

ColumnMap = dict[str, int]

INDICATOR_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "level3": ("三级指标",),
    "description": ("绩效指标描述", "指标描述", "指标解释", "指标说明", "指标内容"),
    "value": ("指标值", "年度指标值", "目标值", "指标目标值", "年度目标值", "预期指标值"),
    "basis": ("指标值确定依据", "确定依据", "指标值设定依据", "设定依据"),
}
CODE_LABELS: Final = frozenset({"项目编码", "项目代码", "项目编号"})
NAME_LABELS: Final = frozenset({"项目名称"})
BUDGET_LABELS: Final = frozenset({"预算数", "预算金额", "年度预算数", "项目预算数", "年度资金总额", "资金总额"})
FISCAL_LABELS: Final = frozenset({"其中财政资金", "财政资金", "其中财政拨款", "财政拨款"})
OTHER_LABELS: Final = frozenset({"其他资金"})
PURPOSE_LABELS: Final = frozenset({"资金用途", "项目用途"})
PURPOSE_BLOCK_LABELS: Final = frozenset({"预算规模及资金用途"})
PLAN_LABELS: Final = frozenset({"资金支出计划"})
GOAL_LABELS: Final = frozenset({"绩效目标", "年度绩效目标", "项目绩效目标", "年度目标", "总体目标"})
FORM_LABELS: Final = (
    CODE_LABELS
    | NAME_LABELS
    | BUDGET_LABELS
    | FISCAL_LABELS
    | OTHER_LABELS
    | PURPOSE_LABELS
    | PURPOSE_BLOCK_LABELS
    | PLAN_LABELS
    | GOAL_LABELS
)
_ALL_HEADER_KEYS: Final = frozenset(k for keys in INDICATOR_COLUMNS.values() for k in keys)

_UNIT_LINE: Final = re.compile(r"^(?:金额)?单位[:：]\s*(万元|千元|元)\s*$")
_TITLE_LINE: Final = re.compile(r"绩效目标(?:表|申报表|审批表)|绩效自评表|^\d{1,3}\s*[.．、]")

MIN_HEADER_FIELDS: Final = 4
"""An indicator header names at least this many of the six columns (and always 指标值)."""


def find_indicator_header(cells: Sequence[str]) -> ColumnMap | None:
    """The column of each indicator field if these cells are an indicator table's header row."""
    columns: ColumnMap = {}
    for index, cell in enumerate(cells):
        key = label_key(cell)
        for name, aliases in INDICATOR_COLUMNS.items():
            if key in aliases and name not in columns:
                columns[name] = index
    has_level = "level3" in columns or "level2" in columns
    if "value" in columns and has_level and len(columns) >= MIN_HEADER_FIELDS:
        return columns
    return None


def _is_repeated_header(cells: Sequence[str]) -> bool:
    keys = [label_key(c) for c in cells if c.strip()]
    return bool(keys) and all(k in _ALL_HEADER_KEYS for k in keys)


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
            project_name=self.name or (strip_heading_number(self.title) if self.title else None),
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

    def confidence(self) -> float:
        """0 without indicator rows; otherwise the share of table rows that read as rows, from 0.6 up."""
        if not self.indicators:
            return 0.0
        read = len(self.indicators)
        return 0.6 + 0.4 * read / (read + self.rejected_rows)


class FormReader:
    """A state machine over blocks: header block fields, then the indicator table, then the next form."""

    def __init__(self) -> None:
        self.result = FormsResult()
        self._drafts: list[_ProjectDraft] = []
        self._current: _ProjectDraft | None = None
        self._columns: ColumnMap | None = None
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
        unit = _UNIT_LINE.match(compact(text))
        if unit:
            self._unit = unit.group(1)
            return
        if _TITLE_LINE.search(text):
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
                self._draft_for("budget", row.locator).budget = compact(_value_after(cells, index)) or None
                self._after_budget = True
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
                goals = [clean_text(c) for c in cells[index + 1 :]]
                self._current.goals = " ".join(g for g in goals if g) or None
                return True
        return handled

    def _on_purpose_row(self, row: Row) -> bool:
        texts = [clean_text(c) for c in row.cells]
        filled = [t for t in texts if t]
        if self._current is None or not filled or texts[0]:
            return False
        self._current.purpose = " ".join(filled)
        return True

    # -- indicator rows ------------------------------------------------------
    def _on_header(self, row: Row, columns: ColumnMap) -> None:
        current = self._current
        new_table = current is None or (current.has_indicators and self._title_since_rows)
        if new_table:
            current = self._start_project(row.locator)
        self._columns = columns
        self._title_since_rows = False
        self._carry_level1 = ""
        self._carry_level2 = ""

    def _on_indicator_row(self, row: Row, columns: ColumnMap) -> None:
        cells = row.cells
        fields = {name: _cell(cells, index) for name, index in columns.items()}
        if not any(fields.values()):
            return
        current = self._current
        assert current is not None
        starts_row = any(fields.get(name) for name in ("level1", "level2", "level3", "value"))
        if not starts_row:
            self._continue_previous(fields)
            return
        if not (fields.get("level3") or fields.get("description") or fields.get("value")):
            self.result.rejected_rows += 1
            return
        level1 = fields.get("level1") or self._carry_level1
        level2 = fields.get("level2") or (self._carry_level2 if not fields.get("level1") else "")
        self._carry_level1, self._carry_level2 = level1, level2
        self._row_no += 1
        current.has_indicators = True
        self._title_since_rows = False
        self.result.indicators.append(
            IndicatorRecord(
                table_no=current.table_no,
                row_no=self._row_no,
                level1=level1 or None,
                level2=level2 or None,
                level3=fields.get("level3") or None,
                description=fields.get("description") or None,
                value_text=compact(fields.get("value")) or None,
                basis=fields.get("basis") or None,
                locator=row.locator,
            )
        )

    def _continue_previous(self, fields: dict[str, str]) -> None:
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
        )

    # -- dispatch ------------------------------------------------------------
    def feed(self, block: Block) -> None:
        if isinstance(block, TextLine):
            self._on_text(block)
            return
        cells = block.cells
        keys = [label_key(c) for c in cells]
        filled = [k for k in keys if k]
        if not filled:
            return
        units = [m.group(1) for c in cells if (m := _UNIT_LINE.match(compact(c)))]
        if units:  # "单位：万元" sits above a form, never inside an indicator table
            self._unit = units[0]
            self._columns = None
            return
        columns = find_indicator_header(cells)
        if columns is not None:
            self._pending_plan_labels = None
            if self._columns is not None and _is_repeated_header(cells) and not self._title_since_rows:
                return
            self._on_header(block, columns)
            return
        if self._pending_plan_labels is not None:
            labels, start = self._pending_plan_labels
            self._pending_plan_labels = None
            if self._current is not None and not any(k in FORM_LABELS for k in keys):
                self._current.plan = _spend_plan(labels, cells, start)
                return
            if self._current is not None:
                self._current.plan = _spend_plan(labels, (), start)
        if any(k in FORM_LABELS for k in keys):
            self._after_budget = False
            if self._on_form_row(block, keys):
                return
        if self._after_budget:
            self._after_budget = False
            if self._on_purpose_row(block):
                return
        if self._columns is not None and self._current is not None:
            self._on_indicator_row(block, self._columns)

    def finish(self) -> FormsResult:
        if self._pending_plan_labels is not None and self._current is not None:
            labels, start = self._pending_plan_labels
            self._current.plan = _spend_plan(labels, (), start)
        self.result.projects = [draft.freeze() for draft in self._drafts]
        return self.result


def _first_filled(cells: Sequence[str]) -> int:
    return next((i for i, c in enumerate(cells) if clean_text(c)), 0)


def _joined(first: str | None, second: str | None) -> str | None:
    return join_wrapped(first or "", second or "") or None


def read_forms(blocks: Iterable[Block]) -> FormsResult:
    """Every project form and indicator row in a stream of blocks."""
    reader = FormReader()
    for block in blocks:
        reader.feed(block)
    return reader.finish()
