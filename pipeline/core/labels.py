"""The labels of the tables and forms: what each column header and form field is called.

A header cell is matched on its label with any parenthesised note removed (``指标值（包含数字及文字描述）``
is 指标值, ``权重（%）`` is 权重) against ``INDICATOR_COLUMNS`` (read into the row) and ``OTHER_COLUMNS``
(recognised, so that a header is known as one, but not stored). The readers use these to find a
table in a file (a PDF page, a Word table, a sheet), the layouts and the form reader to read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Final

from pipeline.core.text import CACHED_STRINGS, clean_text, compact, label_key, may_keep, without_list_number
from pipeline.core.traditional import folded_text
from pipeline.core.types import Block, Row

ColumnMap = dict[str, int]


INDICATOR_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "level1": ("一级指标", "一级指标名称"),
    "level2": ("二级指标", "二级指标名称"),
    "level3": ("三级指标", "三级指标名称", "绩效指标名称", "指标名称", "指标"),
    "description": ("绩效指标描述", "指标描述", "指标解释", "指标说明", "指标内容", "指标定义", "指标值内容"),
    "value": (
        "指标值",
        "年初目标值",
        "年度指标值",
        "目标值",
        "指标目标值",
        "年度目标值",
        "预期指标值",
        "绩效指标值",
        "全年指标值",
        "预期目标值",
        "年度绩效指标值",
        "计划指标值",
        "年度计划值",
    ),
    "actual": (
        "实际完成值",
        "全年实际值",
        "实际值",
        "实际完成指标值",
        "全年实际完成值",
        "年度实际完成值",
        "实际完成情况",
        "实际完成",
        "完成值",
        "实际达成值",
        "全年完成值",
    ),
    "basis": ("指标值确定依据", "确定依据", "指标值设定依据", "设定依据"),
    "comparator": ("指标性质", "运算符号", "运算符", "计算符号", "比较符号"),
    "unit": ("度量单位", "计量单位", "指标单位", "单位"),
}
"""Columns read into an indicator row, each by the header labels that name it."""


OTHER_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "weight": ("分值", "权重", "指标权重", "权重分值", "标准分值", "指标分值"),
    "score": ("得分", "自评得分", "评价得分"),
    "direction": ("指标方向性", "指标方向"),
    "deviation": (
        "偏差原因分析及改进措施",
        "偏差原因分析",
        "偏差原因",
        "改进措施",
        "未完成原因分析",
        "偏差原因分析及改进措施说明",
    ),
    "scoring": ("评分标准", "评扣分标准", "评计分标准", "计分标准", "计分方法", "评分规则", "评价标准", "绩效标准"),
    "level": ("指标类型", "指标类别"),
    "nature": ("指标值类型", "指标类型定量定性"),
    "remark": ("备注", "绩效指标", "绩效指标体系", "年度绩效指标"),
    "serial": ("序号", "编号"),
}
"""Columns an indicator header may have that are recognised but not stored (``level``, 指标类型, holds a
一级 or 二级 label: it is stored as whichever the label is)."""


ROW_PROJECT_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "unit_name": ("单位名称", "单位代码"),
    "project_name": ("项目名称", "专项名称", "项目专项名称"),
    "budget": ("预算数", "项目预算数", "资金总额", "预算金额"),
    "goals": ("年度目标", "绩效目标", "年度绩效目标"),
}
"""Project fields a wide table repeats on each project's first row (单位名称 | 项目名称 | 预算数 | 年度目标 |
一级指标 …): a row that fills 项目名称 starts the next project."""


CODE_LABELS: Final = frozenset({"项目编码", "项目代码", "项目编号"})


NAME_LABELS: Final = frozenset({"项目名称", "专项资金名称", "项目专项名称", "专项名称"})


BUDGET_LABELS: Final = frozenset(
    {
        "预算数",
        "预算金额",
        "年度预算数",
        "项目预算数",
        "年度资金总额",
        "资金总额",
        "项目总预算",
        "当年年度预算",
        "当年预算",
        "年度资金申请总额",
        "项目预算金额",
        "项目预算金额万元",
        "下达资金总额",
        "部门整体支出总额",
        "支出预算总量",
        "区级支出预算总量",
        "市级支出预算总量",
        "县级支出预算总量",
    }
)
"""The project's budget for the year. 项目资金总额 (several years) is not among them: 年度资金申请总额 beside it is."""


COLUMN_BUDGET_LABEL: Final = "全年预算数"
"""A 自评表's full-year budget (年初预算 plus adjustments), when it heads a column of amounts."""


ANNUAL_BUDGET_LABELS: Final = frozenset(
    {"年度资金总额", "当年年度预算", "当年预算", "年度资金申请总额", "年度预算数", COLUMN_BUDGET_LABEL}
)
"""Budget labels that name the year's figure: they win over a project total stated beside them."""


UNIT_NAME_LABELS: Final = frozenset({"单位名称", "部门名称", "部门单位名称", "部门"})
"""The unit a department-level (部门整体) table is about: the project's name when none is given."""


FISCAL_LABELS: Final = frozenset(
    {"其中财政资金", "财政资金", "其中财政拨款", "财政拨款", "其中当年财政拨款", "当年财政拨款", "财政拨款小计"}
)


OTHER_LABELS: Final = frozenset({"其他资金", "其中其他资金", "自有资金小计"})


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
    | UNIT_NAME_LABELS
)


PROJECT_START_LABELS: Final = CODE_LABELS | NAME_LABELS


FIELD_LABELS: Final = frozenset(
    {
        "主管部门", "业务主管部门", "主管部门及代码", "主管部门及其编码", "主管预算部门", "中央主管部门",
        "省级财政部门", "省级主管部门", "实施单位", "具体实施单位", "项目实施单位", "预算单位", "编制单位",
        "申报单位", "单位信息", "填报单位", "填报单位盖章", "项目负责人", "项目负责人及电话", "联系电话",
        "项目联系人", "项目经办人", "项目经办人电话", "项目属性", "项目期", "项目分类", "项目类别", "项目类型",
        "项目性质", "归口科室", "建设周期", "项目审批", "立项依据", "项目概况", "项目总体概况",
        "项目概况及立项依据", "计划开始日期", "计划完成日期", "项目起止时间", "项目资金", "资金情况",
        "项目资金申请", "资金来源", "投入目标", "项目资金总额", "其他资金", "上年结转资金", "中期资金总额",
        "项目总目标", "项目总体目标", "年度总体目标", "中期目标", "长期目标", "项目年度目标", "整体目标",
        "当年绩效目标", "当年整体绩效目标", "年度主要目标和成果", "项目实施进度计划", "项目实施内容",
        "开始时间", "完成时间", "部门", "部门单位职责", "预算执行率权重",
        "财政资金预算分类", "财政资金科目代码", "项目功能科目", "对应一级项目",
    }
)  # fmt: skip
"""Labels of a form's other fields: not stored, but each ends the value of the field before it and,
inside an indicator table, ends the table (the next project's form has begun)."""


TOTAL_LABELS: Final = frozenset({"总分", "合计", "总计", "小计", "合计得分", "总得分"})


LABEL_COLONS: Final = ":："
LABELLED_FIELD: Final = re.compile(rf"^(?P<label>.{{2,16}})[{LABEL_COLONS}]\s*(?P<value>[^{LABEL_COLONS}\s][^{LABEL_COLONS}]*)$")
"""``资金总额: 250``, ``项目名称：基层卫生``: label and value in one cell, the value after the last colon.
The label may hold a colon of its own (``其中：财政资金：30.00`` is 其中：财政资金 = 30.00); a reader that
takes a second colon for a second field (``预算数：30其中：财政资金：30``) checks the label."""


TRAILER: Final = re.compile(
    r"^(?:其他需说明|偏差大|偏差原因|未完成原因|改进措施|最近年度绩效评价|审核意见|填报说明|(?:(?:备)?注|说明)\s*(?:\d|[:：.、]|$))"
)
"""What follows an indicator table: notes, the 偏差 / 改进措施 box of a 自评表, an approval box."""


ALL_COLUMNS: Final = {**INDICATOR_COLUMNS, **OTHER_COLUMNS, **ROW_PROJECT_COLUMNS}


ALL_HEADER_KEYS: Final = frozenset(k for keys in ALL_COLUMNS.values() for k in keys)


VALUE_MARKS: Final = frozenset.intersection(*(frozenset(label) for label in INDICATOR_COLUMNS["value"]))
"""Characters every label of the value column has (值)."""


FORM_TITLE: Final = re.compile(r"绩效目标(?:表|申报表|审批表)|绩效自评表")
"""The title of a form (``8.2023年…经费绩效目标表``): printed once, it ends the table before it."""
TITLE_LINE: Final = re.compile(rf"{FORM_TITLE.pattern}|^\d{{1,3}}\s*[.．、](?!\d)|^附?表\s*[一二三四五六七八九十\d]{{1,3}}$")
"""A table title: ``…绩效目标申报表``, a numbered heading ``1.…`` (not a number such as ``229.66``), ``表十二``."""


_NOTE_IN_PARENS: Final = re.compile(r"[（(【\[][^（()）【】\[\]]*[)）】\]]")


_OPEN_NOTE: Final = re.compile(r"[（(【\[][^（()）【】\[\]]*$")
"""A note whose closing parenthesis wrapped onto the next line: ``指标值（包含数字``."""


MIN_HEADER_FIELDS: Final = 4
"""An indicator header names at least this many columns (and always 指标值 and a level)."""


@lru_cache(maxsize=CACHED_STRINGS)
def header_key(cell: str) -> str:
    """A header cell reduced for matching: label noise and any parenthesised note removed."""
    text = folded_text(compact(cell))
    while (stripped := _NOTE_IN_PARENS.sub("", text)) != text:  # nested notes: （…（不含年底收回））
        text = stripped
    return label_key(_OPEN_NOTE.sub("", text))


@lru_cache(maxsize=CACHED_STRINGS)
def cell_columns(cell: str) -> tuple[str, ...]:
    """The known columns one header cell names, in ``ALL_COLUMNS`` order (every row of every
    layout's reading asks, so the answer per cell text is remembered)."""
    key = header_key(cell)
    if not key:
        return ()
    return tuple(name for name, aliases in ALL_COLUMNS.items() if key in aliases)


def header_columns(cells: Sequence[str]) -> ColumnMap:
    """Every known column a row names, by its first occurrence."""
    columns: ColumnMap = {}
    for index, cell in enumerate(cells):
        for name in cell_columns(cell):
            if name not in columns:
                columns[name] = index
    return columns


def may_name_value(cell: str) -> bool:
    return may_keep(cell, VALUE_MARKS)


def may_hold_indicator_table(blocks: Iterable[Block]) -> bool:
    """Whether some row names the value column (指标值 …). Without one no header is complete, so
    ``read_forms`` finds no table and no indicator row: its confidence is 0 (a cheap test first)."""
    return any(
        isinstance(block, Row) and any(may_name_value(cell) and "value" in cell_columns(cell) for cell in block.cells)
        for block in blocks
    )


def is_indicator_header(columns: Mapping[str, int]) -> bool:
    """Whether a column map is a complete indicator header: a value, a level, enough columns."""
    has_level = "level3" in columns or "level2" in columns
    return "value" in columns and has_level and len(columns) >= MIN_HEADER_FIELDS


def find_indicator_header(cells: Sequence[str]) -> ColumnMap | None:
    """The column of each indicator field if these cells are an indicator table's header row."""
    if not may_name_value("".join(cells)):
        return None  # no cell can name the value column, so no header (one test for the whole row)
    columns = header_columns(cells)
    return columns if is_indicator_header(columns) else None


def is_header_label(text: str) -> bool:
    """The label of an indicator table column (一级指标, 指标值, 分值 …)."""
    return header_key(text) in ALL_HEADER_KEYS


def is_header_row(cells: Sequence[str]) -> bool:
    """Every filled cell is a header label (a header row, whole or half of a split one).

    Stops at the first filled cell that is not one: most rows are not headers, and long cells are
    then never reduced to a header key."""
    filled = 0
    for cell in cells:
        if clean_text(cell):
            if header_key(cell) not in ALL_HEADER_KEYS:
                return False
            filled += 1
    return filled >= 2


def ends_table(first_cell: str) -> bool:
    """A row that starts a note or box after the table (``注：…``, ``其他需说明的问题``) or the next form."""
    return TRAILER.match(first_cell) is not None or label_key(without_list_number(first_cell)) in FIELD_LABELS


def is_total(cell: str) -> bool:
    """A total row's label (总分, 合计): the last row of a table, never an indicator."""
    return label_key(cell) in TOTAL_LABELS


FIELD_LABEL_KEYS: Final = FORM_LABELS | FIELD_LABELS
"""Every form field label, reduced as ``label_key`` reduces a cell."""


@lru_cache(maxsize=CACHED_STRINGS)
def is_title(text: str) -> bool:
    """A table title (``…绩效目标申报表``, ``1.…``): the start of the next table or project.
    Memoised: the form reader asks it of every text line twice (running titles, then each line)."""
    return TITLE_LINE.search(text) is not None

