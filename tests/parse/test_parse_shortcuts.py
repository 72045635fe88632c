"""The parser's shortcuts give what the plain computation they replace gives (hypothesis).

Each shortcut exists only for speed (bench/results.md, "Parse speed, session 3"); here it is
compared with the straightforward version written out, on text drawn from the characters the
documents are made of (CJK labels, spaces, tabs, markup, entities).
"""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.core.labels import (
    ALL_HEADER_KEYS,
    FORM_LABELS,
    FORM_TITLE,
    cell_columns,
    find_indicator_header,
    header_columns,
    header_key,
    is_header_row,
    is_indicator_header,
    is_title,
    may_hold_indicator_table,
    may_name_value,
)
from pipeline.core.text import (
    _BOOKMARK,
    _HEADING_MARKS,
    _LATEX_MATH,
    _SPACE_BY_CJK,
    _TAG,
    WHITESPACE,
    _latex_to_text,
    clean_text,
    compact,
    label_key,
    may_keep,
    strip_markup,
)
from pipeline.core.traditional import FOLD_TABLE, GLOSS, fold
from pipeline.core.types import (
    CORE_MARK,
    Block,
    IndicatorRecord,
    Locator,
    RawDocument,
    Row,
    TextLine,
    line_locator,
)
from pipeline.parse import department
from pipeline.parse.frames import _is_core
from pipeline.parse.layouts import LAYOUTS, forms, prose_targets
from pipeline.parse.layouts.cell_lines import _Run, _runs
from pipeline.parse.layouts.cell_lines import blocks_from_lines as cell_line_blocks
from pipeline.parse.layouts.forms import may_find_table, read_forms, text_unit
from pipeline.parse.layouts.grid import GridLayout
from pipeline.parse.layouts.html_list import (
    _GOAL_LABEL,
    _LEADING_PUNCT,
    _TRAILING_COLON,
    _VALUE_TOKEN,
    CELL_SEPARATOR,
    find_columns,
    line_columns,
    split_glued,
    split_value,
)
from pipeline.parse.layouts.spaced_columns import _chunk_count, _may_hold_gap, blocks_from_lines, chunks
from pipeline.parse.layouts.tab_rows import blocks_from_lines as tab_blocks
from pipeline.parse.meta import (
    _ANY_YEAR,
    _FIELD_GAP,
    _FORM_TITLE_CHARS,
    _LABELLED_UNIT,
    _NUMBERED,
    _ORG_HINT,
    _TITLE_YEAR,
    _UNIT_LINE,
    _YEAR_LINE,
    _title_year,
    unit_lines,
)
from pipeline.parse.read import read_document
from pipeline.parse.read.text import _printable_share
from tests.conftest import SEED_DIR
from tests.layout_metrics import FIXTURES

EXAMPLES = 300
PIECES = st.sampled_from(
    [
        "指标值",
        "909001",
        "巨鹿县",
        "阎疃镇人民政府",
        "党委",
        "填报单位：",
        "&#38215;",
        "一级指标",
        "二级指标",
        "三级指标",
        "项目名称",
        "绩效",
        "值",
        " ",
        "  ",
        "\u3000",
        "\t",
        "\n",
        "\r",
        "\f",
        "\x00",
        "\x07",
        "<b>",
        "</p>",
        "&#20540;",
        "&amp;",
        "（%）",
        "$\\geq$",
        "## ",
        "[bookmark:b1]",
        "\u200b",
        "\ufeff",
        "\u00a0",
        "95%",
        "",
        "x",
    ]
)
TEXT = st.lists(PIECES, max_size=12).map("".join)
CELLS = st.lists(TEXT, max_size=6)


@settings(max_examples=EXAMPLES)
@given(TEXT)
def test_chunk_count_is_the_number_of_chunks(line: str) -> None:
    assert _chunk_count(line) == len(chunks(line))


@settings(max_examples=EXAMPLES)
@given(st.one_of(TEXT, st.text(max_size=40)))
def test_clean_text_removes_wrap_spaces_pass_by_pass(text: str) -> None:
    expected = WHITESPACE.sub(" ", strip_markup(text)).strip()
    previous = None
    while previous != expected:
        previous = expected
        expected = _SPACE_BY_CJK.sub("", expected)
    assert clean_text(text) == expected


@settings(max_examples=EXAMPLES)
@given(st.one_of(TEXT, st.text(max_size=40)))
def test_printable_share_counts_every_character(text: str) -> None:
    if not text:
        return
    counts = Counter(text)
    printable = sum(n for ch, n in counts.items() if ch.isprintable() or ch in "\t\n\r")
    assert _printable_share(text) == printable / len(text)


@settings(max_examples=EXAMPLES)
@given(CELLS)
def test_is_header_row_is_every_filled_cell_a_header_label(cells: list[str]) -> None:
    keys = [header_key(c) for c in cells if clean_text(c)]
    assert is_header_row(cells) == (len(keys) >= 2 and all(k in ALL_HEADER_KEYS for k in keys))


@settings(max_examples=EXAMPLES)
@given(TEXT, st.sampled_from(["值", "指标值", "总体绩效目标", "镇", "名称"]))
def test_cleaning_keeps_no_character_the_text_lacks(text: str, chars: str) -> None:
    if not may_keep(text, chars):
        for cleaned in (clean_text(text), compact(text), label_key(text), header_key(text)):
            assert not all(ch in cleaned for ch in chars)


@settings(max_examples=EXAMPLES)
@given(TEXT)
def test_a_cell_naming_the_value_column_passes_the_cheap_test(cell: str) -> None:
    assert may_name_value(cell) or "value" not in cell_columns(cell)


HEADER_CELLS = st.lists(
    st.one_of(
        st.sampled_from(["指标值", "一级指标", "二级指标", "三级指标", "指标描述", "指标&#20540;", "备注"]), TEXT
    ),
    max_size=8,
)


@settings(max_examples=EXAMPLES)
@given(HEADER_CELLS)
def test_find_indicator_header_is_the_complete_column_map(cells: list[str]) -> None:
    columns = header_columns(cells)
    assert find_indicator_header(cells) == (columns if is_indicator_header(columns) else None)


DOCUMENTS = sorted([*SEED_DIR.iterdir(), *FIXTURES.glob("*.txt"), *FIXTURES.glob("*.md")])


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_blocks_without_a_value_column_read_no_table(path: Path) -> None:
    """Every text layout's blocks of every seed and fixture: where the pre-filter says no table, the
    form reader finds none (confidence 0), so skipping it changes no score."""
    doc = read_document(path.read_bytes(), path.name)
    readings = [layout.blocks(doc) for layout in LAYOUTS if isinstance(layout, GridLayout) and layout.applies(doc)]
    readings.append(blocks_from_lines(doc.lines))
    for blocks in readings:
        assert may_hold_indicator_table(blocks) or read_forms(blocks).confidence() == 0.0


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_blocks_whose_columns_make_no_header_read_no_table(path: Path) -> None:
    """Where even every column named by any row makes no complete header, the form reader finds no
    table: the losing layouts rejected before reading score what reading them would score."""
    doc = read_document(path.read_bytes(), path.name)
    readings = [layout.blocks(doc) for layout in LAYOUTS if isinstance(layout, GridLayout) and layout.applies(doc)]
    readings.append(blocks_from_lines(doc.lines))
    for blocks in readings:
        assert may_find_table(blocks) or read_forms(blocks).confidence() == 0.0


@settings(max_examples=EXAMPLES)
@given(st.lists(HEADER_CELLS, max_size=4))
def test_rows_naming_no_complete_header_together_read_no_table(rows: list[list[str]]) -> None:
    blocks = [Row(tuple(cells), Locator(line=number)) for number, cells in enumerate(rows, start=1)]
    assert may_find_table(blocks) or read_forms(blocks).confidence() == 0.0


HTML_HEADER_CELLS = st.lists(
    st.one_of(
        st.sampled_from(["单位编码", "单位及项目名称", "金额 (万元)", "绩效目标", "绩效指标", "绩效&#25351;标"]), TEXT
    ),
    max_size=6,
)


@settings(max_examples=EXAMPLES)
@given(HTML_HEADER_CELLS)
def test_line_columns_are_the_columns_of_the_split_line(cells: list[str]) -> None:
    line = CELL_SEPARATOR.join(cells)
    assert line_columns(line) == find_columns(line.split(CELL_SEPARATOR))


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_line_columns_of_documents_are_the_columns_of_each_split_line(path: Path) -> None:
    doc = read_document(path.read_bytes(), path.name)
    for line in doc.lines:
        assert line_columns(line) == find_columns(line.split(CELL_SEPARATOR))


@settings(max_examples=EXAMPLES)
@given(st.lists(TEXT, max_size=6))
def test_a_tab_line_is_a_row_when_a_cell_after_its_first_holds_text(lines: list[str]) -> None:
    for line, block in zip(lines, tab_blocks(tuple(lines)), strict=True):
        cells = line.split("\t")
        assert isinstance(block, Row) == (len(cells) >= 2 and any(c.strip() for c in cells[1:]))


def _unit_lines_of_every_line(line: str) -> list[tuple[str | None, str]]:
    found: list[tuple[str | None, str]] = []
    match = _UNIT_LINE.match(compact(line))
    if match and _ORG_HINT.search(match.group(2)):
        return [(match.group(1), match.group(2))]
    for field in _FIELD_GAP.split(line):
        labelled = _LABELLED_UNIT.match(compact(field))
        if labelled and _ORG_HINT.search(labelled.group(2)):
            found.append((labelled.group(1), labelled.group(2)))
    return found


@settings(max_examples=EXAMPLES)
@given(TEXT)
def test_unit_lines_skip_only_lines_naming_no_unit(line: str) -> None:
    assert unit_lines([line]) == _unit_lines_of_every_line(line)


LINE_STARTS = st.sampled_from(
    [
        "",
        " ",
        "\u3000",
        "\u200b",
        "\ufeff",
        "\u00a0",
        "\t",
        "<b>",
        "</p>",
        "## ",
        "[bookmark:b1]",
        "&#57;",
        "$9$",
        "x",
        "项目",
        "：",
    ]
)
CODED_UNITS = st.sampled_from(
    ["909001乙镇人民政府", "09001乙镇人民政府", "909001 乙镇人民政府  12.50", "909001", "乙镇人民政府"]
)


@settings(max_examples=EXAMPLES)
@given(st.lists(LINE_STARTS, max_size=4).map("".join), CODED_UNITS, st.sampled_from(["", "<b>", "\u3000", "：甲"]))
def test_a_coded_unit_line_is_found_whatever_markup_or_blank_starts_it(start: str, unit: str, end: str) -> None:
    """The coded-unit test looks at how a line starts: markup or blanks before the code (``<b>909001…``,
    ``&#57;09001…`` whose entity is the code's first digit) must not hide the unit; text before it does."""
    line = start + unit + end
    assert unit_lines([line]) == _unit_lines_of_every_line(line)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_unit_lines_of_documents_are_those_of_every_line_cleaned(path: Path) -> None:
    doc = read_document(path.read_bytes(), path.name)
    assert unit_lines(doc.lines) == [unit for line in doc.lines for unit in _unit_lines_of_every_line(line)]


def _every_line(doc: RawDocument) -> list[tuple[int, str]]:
    return [(no, text) for no, raw in enumerate(doc.lines, start=1) if (text := clean_text(raw))]


DEPARTMENT_LINES = st.sampled_from(
    [
        "一、总体绩效目标",
        "（二）分项绩效目标",
        "&#24635;体绩效目标",
        "总 体 绩 效 目 标",
        "2024年总体绩效目标",
        "1.党建工作",
        "绩效目标：全年完成培训20次，覆盖率≥95%",
        "绩效指标：培训次数≥20次，满意度≥90%",
        "项目绩效目标",
        "三、工作保障措施",
        "\t项目名称\t指标值",
        "",
        "其他说明",
    ]
)


@settings(max_examples=EXAMPLES)
@given(st.lists(DEPARTMENT_LINES, max_size=20))
def test_department_targets_read_as_if_every_line_were_cleaned(lines: list[str]) -> None:
    doc = RawDocument("x.txt", "text", tuple(lines))
    lazy = department.department_targets(doc)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(department, "_lines", _every_line)
        assert department.department_targets(doc) == lazy


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_department_targets_of_documents_as_if_every_line_were_cleaned(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = read_document(path.read_bytes(), path.name)
    lazy = department.department_targets(doc)
    monkeypatch.setattr(department, "_lines", _every_line)
    assert department.department_targets(doc) == lazy


def _split_value_in_full(text: str) -> tuple[str | None, str | None]:
    """``split_value`` as first written: both label patterns tried on every item, every token tested."""
    text = _LEADING_PUNCT.sub("", _GOAL_LABEL.sub("", text))
    tokens = text.split()
    name, value = text, None
    starts = [i for i, token in enumerate(tokens) if i and _VALUE_TOKEN.match(token)]
    if starts:
        name, value = " ".join(tokens[: starts[0]]), " ".join(tokens[starts[0] :])
    elif len(tokens) > 1:
        name, value = " ".join(tokens[:-1]), tokens[-1]
    else:
        glued = split_glued(text)
        if glued is not None:
            name, value = glued
    level3 = _TRAILING_COLON.sub("", clean_text(name))
    return level3 or None, compact(value) or None


LIST_ITEM_PIECES = st.sampled_from(
    [
        "目标1：",
        "目标一、",
        "目标",
        "：",
        "，",
        "、",
        ".",
        "；",
        " ",
        "\u3000",
        "\t",
        "培训人次",
        "≥",
        "120",
        "人次",
        "95%",
        "x",
        "：",
    ]
)


@settings(max_examples=EXAMPLES)
@given(st.lists(LIST_ITEM_PIECES, max_size=8).map("".join))
def test_split_value_tests_the_anchored_patterns_only_where_they_can_match(text: str) -> None:
    assert split_value(text) == _split_value_in_full(text)


def _title_year_of_every_line(lines: list[str]) -> int | None:
    """``_title_year`` cleaning every line, as first written."""
    texts = [compact(line).strip("|") for line in lines]
    found = (
        next((m for text in texts if (m := _YEAR_LINE.match(text))), None)
        or next(
            (m for text in texts if is_title(text) and not _NUMBERED.match(text) and (m := _ANY_YEAR.search(text))),
            None,
        )
        or next((m for text in texts if (m := _TITLE_YEAR.search(text))), None)
    )
    return int(found.group(1)) if found else None


YEAR_PIECES = st.sampled_from(
    [
        "（",
        "(",
        "2023",
        "2 0 2 4",
        "年",
        "&#24180;",
        "度",
        "）",
        ")",
        "部门预算",
        "绩效目标表",
        "1.",
        " ",
        "|",
        "x",
        "项目",
    ]
)


@settings(max_examples=EXAMPLES)
@given(st.lists(st.lists(YEAR_PIECES, max_size=8).map("".join), max_size=4))
def test_the_title_year_is_read_as_if_every_line_were_cleaned(lines: list[str]) -> None:
    assert _title_year(lines) == _title_year_of_every_line(lines)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_the_title_year_of_documents_is_read_as_if_every_line_were_cleaned(path: Path) -> None:
    lines = list(read_document(path.read_bytes(), path.name).lines[:80])
    assert _title_year(lines) == _title_year_of_every_line(lines)


MARKUP_PIECES = st.sampled_from(
    [
        "<b>",
        "</p>",
        "<td>",
        "&lt;b&gt;",
        "&#35;",
        "&#36;",
        "&#91;",
        "&amp;",
        "#",
        "## ",
        "[bookmark:b1]",
        "[",
        "$",
        "$\\geq$95",
        "$x$",
        " ",
        "指标值",
        "95%",
    ]
)


@settings(max_examples=EXAMPLES)
@given(st.lists(MARKUP_PIECES, max_size=8).map("".join))
def test_strip_markup_runs_each_pattern_only_where_it_could_match(text: str) -> None:
    in_full = _LATEX_MATH.sub(
        _latex_to_text, _HEADING_MARKS.sub("", _BOOKMARK.sub("", html.unescape(_TAG.sub(" ", text))))
    )
    assert strip_markup.__wrapped__(text) == in_full


UNIT_PIECES = st.sampled_from(
    [
        "金额",
        "单位",
        "：",
        ":",
        " ",
        "万元",
        "元",
        "千元",
        "&#20803;",
        "&amp;#20803;",
        "项目资金",
        "（",
        "）",
        "(20分)",
        "部门",
        "x",
    ]
)


@settings(max_examples=EXAMPLES)
@given(st.lists(UNIT_PIECES, max_size=8).map("".join))
@example("单位：&amp;#20803;")  # cleaned once: 单位：&#20803;, whose 元 only compacting it again shows
def test_a_text_unit_is_looked_for_only_where_the_line_can_hold_one(line: str) -> None:
    text = clean_text(line)
    unit = (
        forms._UNIT_LINE.match(compact(text))
        or forms._UNIT_IN_LABEL.match(compact(text))
        or forms._UNIT_AT_END.search(text)
    )
    assert text_unit(text) == (unit.group(1) if unit else None)


BUDGET_PIECES = st.sampled_from(
    [
        "人员经费",
        "（一）",
        "1.",
        "年初",
        "预算",
        "安排",
        "资金",
        "，",
        "总投资",
        "预算资金",
        "资金总额",
        "为",
        "：",
        "12,477.06",
        "万元",
        "元",
        " ",
        "x",
    ]
)


@settings(max_examples=EXAMPLES)
@given(st.lists(BUDGET_PIECES, max_size=9).map("".join))
@example("（一）人员经费年初安排12,477.06万元")
@example("甲村道路项目，总投资50万元")
def test_a_budget_sentence_is_matched_only_where_it_holds_a_budget_word(text: str) -> None:
    found = prose_targets._budget_sentence(text)
    in_full = prose_targets._BUDGET_SENTENCE.match(text)
    assert (found and found.groupdict()) == (in_full and in_full.groupdict())


UNIT_LABEL_PIECES = st.sampled_from(
    [
        "部门（单位）名称",
        "单 位名称",
        "编制单&#20301;",
        "主管部门",
        "主管部门及代码",
        "单位信息",
        "项目",
        "：",
        ":",
        "909001-",
        "乙镇人民政府",
        "  ",
        "\t",
        "x",
    ]
)


@settings(max_examples=EXAMPLES)
@given(st.lists(UNIT_LABEL_PIECES, max_size=8).map("".join))
@example("部门（单位）名称：乙镇人民政府  主管部门：甲县财政局")
@example("编制单&#20301;：乙镇人民政府")
def test_unit_lines_clean_only_fields_that_can_hold_a_unit_label(line: str) -> None:
    assert unit_lines([line]) == _unit_lines_of_every_line(line)


@settings(max_examples=EXAMPLES)
@given(st.from_regex(FORM_TITLE))
def test_every_form_title_holds_the_characters_a_title_line_is_looked_for_by(text: str) -> None:
    assert all(char in text for char in _FORM_TITLE_CHARS)


HEAD_PIECES = st.sampled_from(
    ["表三", "附表2", "绩效目标表", "绩效自评表", "|", "1.", "（2022年度）", "2023年部门预算"]
)


@settings(max_examples=EXAMPLES)
@given(st.lists(st.lists(LINE_STARTS | HEAD_PIECES | YEAR_PIECES, max_size=6).map("".join), max_size=4))
@example(["|（2022年度）|"])
@example(["<b>1.2023年项目绩效目标表"])
@example(["| 表 2023年"])
def test_the_title_year_cleans_only_lines_that_can_match_a_pass(lines: list[str]) -> None:
    """Each pass of ``_title_year`` skips lines by how they start (bars, blanks, markup before a bracket
    or a number) or by the characters they lack: whatever starts the line, the year is the oracle's."""
    assert _title_year(lines) == _title_year_of_every_line(lines)


SPLIT_CODES = st.sampled_from(["9", "0", "1", " ", "<b>", "&#57;", "\u3000", "乙镇人民政府", "x", "."])


@settings(max_examples=EXAMPLES)
@given(st.lists(SPLIT_CODES, max_size=10).map("".join))
@example("90<b>9001乙镇人民政府")
@example("9 0 9 0 0 1 乙镇人民政府")
@example("1.乙镇人民政府")
def test_a_coded_unit_line_is_looked_for_only_where_six_digits_or_markup_start_it(line: str) -> None:
    assert unit_lines([line]) == _unit_lines_of_every_line(line)


@settings(max_examples=EXAMPLES)
@given(
    st.one_of(st.none(), st.lists(PIECES | st.sampled_from(["★", "&#9733;", "&starf;", " ★"]), max_size=6).map("".join))
)
@example("&#9733;项目完成率")
@example("<b>★</b>项目完成率")
def test_a_core_mark_is_looked_for_only_where_cleaning_can_keep_it(level3: str | None) -> None:
    row = IndicatorRecord(1, 1, None, None, level3, None, None, None, Locator(line=1))
    assert _is_core(row) == clean_text(level3).startswith(CORE_MARK)


TITLE_PIECES = st.sampled_from(
    [
        "标题：",
        "关于",
        "2019年度",
        "甲村道路项目",
        "产出指标",
        "绩效目标设定",
        "绩效评价",
        "的",
        "公示",
        "公告",
        "报告",
        "通知",
        "告知",
        "示",
        " | ",
        "|",
        "，",
        "數(shù)量",
        " ",
        "x",
    ]
)


@settings(max_examples=EXAMPLES)
@given(st.lists(TITLE_PIECES, max_size=8).map("".join))
@example("标题: | 关于甲村道路项目绩效目标设定的公示 |")
@example("2019年度甲村道路工程绩效评价报告")
def test_a_title_is_looked_for_only_where_a_cell_can_end_like_one(text: str) -> None:
    folded = fold(text)
    assert prose_targets._title_of(folded) == prose_targets._title_in_cells(folded)


FOLD_PIECES = st.sampled_from(["數", "標", "(shù)", "(biāo)", "（xué）", "(A)", "(km)", "学生", "1606", "é", " ", "x"])


@settings(max_examples=EXAMPLES)
@given(st.lists(FOLD_PIECES, max_size=8).map("".join))
@example("數(shù)量指標(biāo)")
@example("学生(xué)")
def test_fold_is_the_glosses_removed_and_the_text_translated(text: str) -> None:
    folded = fold(text)
    assert folded.text == GLOSS.sub("", text).translate(FOLD_TABLE)
    assert folded.written_span(0, len(folded.text)) == text
    assert (folded.origin is None) == (GLOSS.search(text) is None)


def _cell_line_blocks_asking_every_run(lines: tuple[str, ...]) -> list[Block]:
    """``cell_lines.blocks_from_lines`` as first written: every run is asked whether it names a form
    field, inside an indicator table or not."""
    blocks: list[Block] = []
    width = 0
    pending: _Run | None = None
    for item in _runs(lines):
        if isinstance(item, TextLine):
            if pending is not None:
                blocks.append(Row(tuple(pending.cells), line_locator(pending.first_line)))
                pending = None
            width = 0
            blocks.append(item)
            continue
        starts_row = True
        if find_indicator_header(item.cells) is not None:
            width = len(item.cells)
        elif any(label_key(c) in FORM_LABELS for c in item.cells):
            width = 0
        else:
            starts_row = False
        if pending is not None and not starts_row:
            pending.cells.extend(item.cells)
        else:
            if pending is not None:
                blocks.append(Row(tuple(pending.cells), line_locator(pending.first_line)))
            pending = item
        if len(pending.cells) >= width:
            blocks.append(Row(tuple(pending.cells), line_locator(pending.first_line)))
            pending = None
    if pending is not None:
        blocks.append(Row(tuple(pending.cells), line_locator(pending.first_line)))
    return blocks


CELL_LINES = st.sampled_from(
    [
        "\t一级指标",
        "\t二级指标",
        "\t三级指标",
        "\t指标值",
        "\t项目名称",
        "\t主管部门",
        "\t产出指标",
        "\t数量指标",
        "\t发放人数",
        "\t≥95%",
        "\t",
        "",
        " ",
        "（续）",
        "单位：万元",
    ]
)


@settings(max_examples=EXAMPLES)
@given(st.lists(CELL_LINES, max_size=40))
@example(["\t一级指标", "\t二级指标", "\t三级指标", "\t指标值", "", "\t产出指标", "", "\t项目名称", "", "\t≥95%"])
def test_cell_line_runs_are_asked_for_form_labels_only_inside_a_table(lines: list[str]) -> None:
    assert cell_line_blocks(tuple(lines)) == _cell_line_blocks_asking_every_run(tuple(lines))


@settings(max_examples=EXAMPLES)
@given(TEXT)
@example("甲 \f 乙")  # a gap only once the form feed is removed
def test_a_line_that_cannot_hold_a_gap_has_one_chunk_at_most(line: str) -> None:
    assert _may_hold_gap(line) or _chunk_count(line) < 2
