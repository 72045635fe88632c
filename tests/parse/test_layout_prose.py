"""Project targets written as prose: 003's hyphen lists and the ★ colon lists of other towns.

Expected values are read off the documents: 003 lines 7–25 (第一部分 二、分项绩效目标), and
tests/fixtures/prose/star_lists.txt, written in the format the issue quotes
(``数量指标：★新建温棚数量(≥**栋)>=6栋；验收合格率(≥**%)>=90；``) with a 项目名称/预算资金 block.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.traditional import folded_text
from pipeline.core.types import Extraction, RawDocument
from pipeline.parse.document import parse_document
from pipeline.parse.frames import DocumentFrames
from pipeline.parse.layouts.prose_targets import (
    ProseTargetsLayout,
    colon_item,
    document_title,
    hyphen_item,
    spend_plan,
    split_hyphen_items,
    statement_items,
    target_list_items,
)
from pipeline.parse.read import read_document
from pipeline.parse.reader.links import name_similarity, restatement_links
from tests.conftest import CELLS, FIXED_NOW, REPO

Seed = Callable[[str], DocumentFrames]

PROSE_DIR = REPO / "tests" / "fixtures" / "prose"


def prose_project(frames: DocumentFrames, name: str) -> dict[str, object]:
    found = frames.projects.filter((pl.col("source_kind") == "prose") & (pl.col("project_name") == name))
    assert found.height == 1, f"no single prose project {name}"
    return found.row(0, named=True)


def rows_of(frames: DocumentFrames, project: dict[str, object]) -> pl.DataFrame:
    return frames.indicators.filter(pl.col("project_id") == project["project_id"]).sort("row_no")


def cells_of(rows: pl.DataFrame, row_no: int) -> tuple[object, ...]:
    return tuple(rows.filter(pl.col("row_no") == row_no).select(CELLS).row(0))


# -- 003: hyphen lists ---------------------------------------------------------------------------


def test_003_personnel_funds(seed: Seed) -> None:
    frames = seed("003")
    staff = prose_project(frames, "人员类经费")  # heading line 7; the sentence says 人员经费
    assert staff["budget_yuan"] == pytest.approx(12477818.06)
    assert (staff["source_kind"], staff["layout"], staff["source_line"]) == ("prose", "prose_targets", 8)
    assert staff["linked_project_id"] is None  # no table states it
    assert staff["spend_plan"] == (
        '[{"label": "三月底", "share": "25%"}, {"label": "六月底", "share": "50%"}, '
        '{"label": "九月底", "share": "75%"}, {"label": "十二月底", "share": "100%"}]'
    )
    rows = rows_of(frames, staff)
    assert rows.height == 9
    assert cells_of(rows, 1) == (
        None,
        "数量指标",
        "按照人数发放",
        "按照人数发放-发放人数",
        "≥-99.00-百分比",
        "发放人数占应发比重",
    )
    first = rows.row(0, named=True)
    assert (first["comparator"], first["value_num"], first["value_unit"], first["level1"]) == (
        ">=",
        99.0,
        "%",
        "产出指标",
    )
    # "…-准确发放比重，发放成功比重，经济效益指标-…": the middle piece names no category, so it stays
    assert cells_of(rows, 3)[5] == "准确发放比重，发放成功比重"
    assert rows["level2"].to_list().count("服务对象满意度指标") == 3
    assert rows["source_line"].unique().to_list() == [9]


def test_003_daily_public_funds(seed: Seed) -> None:
    frames = seed("003")
    daily = prose_project(frames, "日常公用类经费")
    assert (daily["budget_yuan"], daily["amount_unit"], daily["budget_text"]) == (690028.0, "元", "690028")
    rows = rows_of(frames, daily)
    assert rows.height == 9
    # "…-通过进行办公耗材采购.电费取暖费正常缴纳等工作，保障机关单位运转良好-机关正常运转率-≥-99.00-…"
    assert cells_of(rows, 5)[2:4] == (
        "保障机关单位正常运转",
        "通过进行办公耗材采购.电费取暖费正常缴纳等工作，保障机关单位运转良好-机关正常运转率",
    )


@pytest.mark.parametrize(
    ("name", "budget", "rows", "table_no"),
    [
        ("信访维稳（保险）", 30000.0, 9, 6),
        ("安保环保、安全生产、食药监管", 20000.0, 8, 1),  # table: 安保、环保、安全生产、应急、食药监管
        ("乡镇人大工作站经费", 20000.0, 7, 5),  # table: 乡镇人大工作站
        ("人武、党团妇建设、纪检、宣传经费", 30000.0, 8, 4),
        ("预算残疾人保障金", 102000.0, 9, 2),  # table: 残疾人保障金
        ("河渠清理及河长制项目", 20000.0, 9, 3),
    ],
)
def test_003_projects_in_prose_link_to_their_tables(
    seed: Seed, name: str, budget: float, rows: int, table_no: int
) -> None:
    frames = seed("003")
    prose = prose_project(frames, name)
    assert prose["budget_yuan"] == budget
    assert rows_of(frames, prose).height == rows
    table = frames.projects.filter(pl.col("project_id") == prose["linked_project_id"]).row(0, named=True)
    assert (table["source_kind"], table["table_no"], table["budget_yuan"]) == ("table", table_no, budget)


def test_003_every_prose_project_once_and_tables_unlinked(seed: Seed) -> None:
    frames = seed("003")
    assert frames.projects.group_by("source_kind").len().sort("source_kind").rows() == [("prose", 8), ("table", 6)]
    links = frames.projects.filter(pl.col("linked_project_id").is_not_null())
    assert links.height == 6
    assert links["linked_project_id"].n_unique() == 6
    assert frames.documents["indicator_count"].item() == 54 + 68


def test_003_items_without_a_written_comparator(seed: Seed) -> None:
    frames = seed("003")
    rows = rows_of(frames, prose_project(frames, "信访维稳（保险）"))
    # 成本指标-资金成本-确保以最小代价解决群众反映问题-解决问题所需成本-文字描述--时间精力等-解决问题所需成本
    cost = rows.filter(pl.col("row_no") == 4).row(0, named=True)
    assert (cost["level3"], cost["value_text"], cost["value_kind"], cost["basis"]) == (
        "资金成本",
        "时间精力等",
        "qualitative",
        "解决问题所需成本",
    )
    # 社会效益指标-保持信访总体趋势平稳-保持信访总体趋势平稳≥-95-百分比: comparator glued to the text
    glued = rows.filter(pl.col("row_no") == 8).row(0, named=True)
    assert (glued["level3"], glued["value_text"], glued["value_num"], glued["basis"]) == (
        "保持信访总体趋势平稳",
        "≥-95-百分比",
        95.0,
        None,
    )


def test_003_money_value_in_a_hyphen_item(seed: Seed) -> None:
    frames = seed("003")
    rows = rows_of(frames, prose_project(frames, "安保环保、安全生产、食药监管"))
    amount = rows.filter(pl.col("row_no") == 1).row(0, named=True)
    # 数量指标-安保环保安全生产食药监管项目金额-2万元-=-2.00-万元-项目库测算表-拨付情况
    assert (
        amount["description"],
        amount["value_text"],
        amount["comparator"],
        amount["value_std"],
        amount["unit_std"],
    ) == (
        "2万元",
        "=-2.00-万元",
        "=",
        20000.0,
        "元",
    )
    assert amount["basis"] == "项目库测算表-拨付情况"


# -- the ★ colon lists -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def star() -> DocumentFrames:
    return parse_document(PROSE_DIR / "star_lists.txt", PROSE_DIR, now=FIXED_NOW)


def test_star_document_is_read_by_the_prose_layout_alone(star: DocumentFrames) -> None:
    document = star.documents.row(0, named=True)
    assert (document["status"], document["layout"], document["fiscal_year"]) == ("loaded", "prose_targets", 2024)
    assert star.errors.height == 0
    assert star.projects.select("project_name", "budget_yuan").rows() == [
        ("平川镇设施农业温棚建设项目", 1200000.0),  # 预算资金：120万元
        ("村级道路硬化项目", 355000.0),  # 年初预算安排35.5万元
    ]
    assert star.projects["goals"][0] == "新建日光温棚6栋，带动农户增收，巩固脱贫成果。"
    assert star.indicators.group_by("table_no").len().sort("table_no").rows() == [(1, 7), (2, 4)]


def test_star_marks_core_indicators_and_template_units(star: DocumentFrames) -> None:
    rows = star.indicators.filter(pl.col("table_no") == 1).sort("row_no")
    assert rows.filter(pl.col("is_core"))["level3"].to_list() == ["新建温棚数量", "每栋温棚建设成本", "受益群众满意度"]
    houses = rows.row(0, named=True)
    assert (houses["level1"], houses["level2"], houses["value_text"], houses["value_num"], houses["value_unit"]) == (
        "产出指标",
        "数量指标",
        ">=6栋",
        6.0,
        "栋",
    )
    assert houses["description"] == "★新建温棚数量(≥**栋)>=6栋"  # the item exactly as written
    accepted = rows.row(1, named=True)  # 验收合格率(≥**%)>=90: the unit comes from the template
    assert (accepted["value_text"], accepted["value_num"], accepted["value_unit"]) == (">=90%", 90.0, "%")
    deadline = rows.row(2, named=True)
    assert (deadline["value_kind"], str(deadline["value_date"])) == ("date", "2024-10-31")
    satisfaction = rows.row(6, named=True)
    assert (satisfaction["level1"], satisfaction["level2"]) == ("满意度指标", "服务对象满意度指标")


# -- pure functions ----------------------------------------------------------------------------


def test_comma_starts_an_item_only_before_a_category() -> None:
    text = "质量指标-机构的综合实力，人才的专业水平≥-95.00-百分比-机构的综合实力-人才的专业水平，时效指标-及时率-≥-95.00-百分比-及时率。"
    assert split_hyphen_items(text) == [
        "质量指标-机构的综合实力，人才的专业水平≥-95.00-百分比-机构的综合实力-人才的专业水平",
        "时效指标-及时率-≥-95.00-百分比-及时率",
    ]


def test_a_level2_name_without_its_ending_starts_an_item() -> None:
    items = split_hyphen_items(
        "可持续影响指标-可持续性-≥-95.00-百分比-可持续性，服务对象满意度-残疾人满意率-≥-95.00-百分比-残疾人满意率"
    )
    assert [item.split("-")[0] for item in items] == ["可持续影响指标", "服务对象满意度"]


def test_a_hyphen_item_without_value_keeps_its_text() -> None:
    item = hyphen_item("质量指标-工作质量-严格按照规定执行")
    assert (item.level3, item.description, item.value_text) == ("工作质量", "严格按照规定执行", None)


def test_a_colon_item_without_template() -> None:
    item = colon_item("★村民参与率>=80%", "效益指标", "社会效益指标")
    assert (item.level3, item.value_text, item.is_core) == ("村民参与率", ">=80%", True)


def test_sentences_are_not_statements() -> None:
    assert statement_items("本项目共分为产出指标、效益指标、满意度指标三个一级指标，以下具体说明：", None) is None
    assert statement_items("数量指标：", None) is None


def test_spend_plan_needs_as_many_shares_as_months() -> None:
    assert spend_plan("资金支出进度为六月底、十二月底分别达到50%、100%。") == (("六月底", "50%"), ("十二月底", "100%"))
    assert spend_plan("资金支出进度为六月底、十二月底分别达到100%。") == ()


def test_names_alike() -> None:
    assert name_similarity("安保环保、安全生产、食药监管", "安保、环保、安全生产、应急、食药监管") >= 0.9
    assert name_similarity("乡镇人大工作站经费", "乡镇人大工作站") == 1.0
    assert name_similarity("乡镇人大工作站经费", "河渠清理及河长制项目") < 0.3
    assert name_similarity("项目", "河渠清理及河长制项目") < 1.0  # too short to count as contained


def test_same_budget_but_other_name_is_not_linked() -> None:
    projects = [
        {"project_id": "d-p001", "source_kind": "table", "project_name": "乡镇人大工作站", "budget_yuan": 20000.0},
        {
            "project_id": "d-p002",
            "source_kind": "table",
            "project_name": "河渠清理及河长制项目",
            "budget_yuan": 20000.0,
        },
        {
            "project_id": "d-p003",
            "source_kind": "prose",
            "project_name": "河渠清理及河长制项目",
            "budget_yuan": 20000.0,
        },
        {"project_id": "d-p004", "source_kind": "prose", "project_name": "河渠清理", "budget_yuan": 30000.0},
        {"project_id": "d-p005", "source_kind": "prose", "project_name": "植树造林", "budget_yuan": 20000.0},
    ]
    assert restatement_links(projects) == {"d-p003": "d-p002"}


def test_table_documents_gain_no_prose_projects(seed: Seed) -> None:
    for number in ("000", "001", "002", "004"):
        assert seed(number).projects.filter(pl.col("source_kind") == "prose").height == 0, number


PROSE_ALPHABETS: Final = (
    "数量指标质量时效成本满意度★()（）:：;；,，-≥<=>0123456789.%万元项目名称预算安排年初\n\t ",
    "數(shù)量指標(biāo)績效目关於公示报告资金万元为≥>=、，,；;。：:|★(**%)0123456789.一二、人户 ",
)
"""Statements and lists in simplified script, and titles and traditional script with pinyin glosses."""


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(PROSE_ALPHABETS).flatmap(
        lambda alphabet: st.lists(st.text(alphabet=alphabet, max_size=60), max_size=12)
    )
)
def test_any_text_reads_without_raising(lines: list[str]) -> None:
    extraction = ProseTargetsLayout().extract(RawDocument("x.txt", "text", tuple(lines)))
    assert 0.0 <= extraction.confidence <= 1.0
    assert all(row.table_no in {p.table_no for p in extraction.projects} for row in extraction.indicators)
    assert all(project.project_name for project in extraction.projects)
    assert all(row.value_text for row in extraction.indicators if row.level2 is None)


def test_prose_layout_ignores_grid_lines() -> None:
    doc = RawDocument(
        "x.txt", "text", ("项目名称：甲", "\t数量指标：★新建温棚数量(≥**栋)>=6栋；", "|数量指标-长度-≥-3-公里|")
    )
    assert ProseTargetsLayout().extract(doc).indicators == ()


def _wrapped(doc: RawDocument, width: int) -> RawDocument:
    """The document as a PDF or Word text layer gives it: paragraphs cut into lines of ``width``."""
    lines: list[str] = []
    for line in doc.lines:
        if len(line) > width and "，" in line and not line.startswith("\t"):
            lines.extend(line[start : start + width] for start in range(0, len(line), width))
        else:
            lines.append(line)
    return RawDocument(doc.source_file, doc.format, tuple(lines))


def _cells(extraction: Extraction) -> list[tuple[object, ...]]:
    projects = [(p.table_no, p.project_name, p.budget_text, p.spend_plan) for p in extraction.projects]
    rows = [(r.table_no, r.level2, r.level3, r.description, r.value_text, r.basis) for r in extraction.indicators]
    return [*projects, *rows]


@pytest.mark.parametrize("width", [26, 29, 38, 41, 52])  # 26, 41, 52 cut a sentence after its 。
def test_003_prose_wrapped_into_lines_reads_the_same(width: int) -> None:
    path = REPO / "data" / "raw" / "003_88a2649a8df46961.txt"
    doc = read_document(path.read_bytes(), path.name)
    whole = ProseTargetsLayout().extract(doc)
    assert len(whole.indicators) == 68
    assert _cells(ProseTargetsLayout().extract(_wrapped(doc, width))) == _cells(whole)


def test_one_line_with_several_categories() -> None:
    items = statement_items(
        "产出指标：1.数量指标：新建温棚6栋，硬化道路3.5公里；2.质量指标：验收合格率≥90%；3.时效指标：2024年10月底前完工。",
        None,
    )
    assert items is not None
    assert [(i.level1, i.level2, i.level3, i.value_text) for i in items] == [
        ("产出指标", "数量指标", "新建温棚", "6栋"),
        ("产出指标", "数量指标", "硬化道路", "3.5公里"),
        ("产出指标", "质量指标", "验收合格率", "≥90%"),
        ("产出指标", "时效指标", None, "2024年10月底前完工"),
    ]


def _prose_cells(frames: DocumentFrames) -> list[tuple[object, ...]]:
    prose = frames.projects.filter(pl.col("source_kind") == "prose").sort("table_no")
    projects = prose.select("project_name", "budget_yuan", "spend_plan").rows()
    rows = (
        frames.indicators.join(prose.select("project_id", "project_name"), on="project_id")
        .sort("table_no", "row_no")
        .select("project_name", "row_no", *CELLS[1:])
        .rows()
    )
    return [*projects, *rows]


@pytest.mark.parametrize("name", ["prose003.docx", "prose003.pdf"])
def test_003_prose_from_word_and_pdf_reads_as_from_text(seed: Seed, name: str) -> None:
    """scripts/make_prose_fixtures.py: 003's prose as Word paragraphs (printed to PDF: wrapped lines)
    before its 信访维稳（保险） form; the prose reads as from the text, and links to that form."""
    frames = parse_document(PROSE_DIR / name, PROSE_DIR, now=FIXED_NOW)
    assert frames.documents["layout"].item() == "ruled_tables"
    assert _prose_cells(frames) == _prose_cells(seed("003"))
    table = frames.projects.filter(pl.col("source_kind") == "table").row(0, named=True)
    assert table["project_name"] == "信访维稳（保险）"
    linked = frames.projects.filter(pl.col("linked_project_id") == table["project_id"])
    assert linked["project_name"].to_list() == ["信访维稳（保险）"]
    if name.endswith(".pdf"):  # where a PDF row is: its page (1: 人员类经费 … 3: 河渠清理)
        pages = frames.projects.filter(pl.col("source_kind") == "prose")["source_page"].to_list()
        assert pages == [1, 1, 2, 2, 2, 3, 3, 3]


def test_a_sentence_about_this_project_takes_the_heading_name() -> None:
    doc = RawDocument(
        "x.txt",
        "text",
        (
            "（三）农村饮水安全巩固提升项目",
            "该项目年初预算安排12.5万元，资金支出进度为六月底、十二月底分别达到50%、100%。",
            "数量指标-维修管网长度-≥-3-公里-实施方案，服务对象满意度指标-群众满意度-≥-90-百分比-问卷调查。",
        ),
    )
    (project,) = ProseTargetsLayout().extract(doc).projects
    assert (project.project_name, project.budget_text, project.amount_unit) == (
        "农村饮水安全巩固提升项目",
        "12.5",
        "万元",
    )


def test_a_name_then_its_budget_after_a_comma() -> None:
    doc = RawDocument(
        "x.txt",
        "text",
        (
            "2.村级道路硬化项目，预算资金35.5万元，主要用于硬化村内道路。",
            "数量指标：硬化道路长度>=3.5公里；质量指标：工程验收合格率=100%；",
        ),
    )
    extraction = ProseTargetsLayout().extract(doc)
    (project,) = extraction.projects
    assert (project.project_name, project.budget_text, project.amount_unit) == ("村级道路硬化项目", "35.5", "万元")
    assert [(r.level2, r.level3, r.value_text) for r in extraction.indicators] == [
        ("数量指标", "硬化道路长度", ">=3.5公里"),
        ("质量指标", "工程验收合格率", "=100%"),
    ]


def test_a_repeated_statement_adds_no_rows() -> None:
    """Regression (fuzzing): 003 with its 日常公用 statement line duplicated gave 9 rows more."""
    statement = "数量指标-项目完成率-≥-95.00-百分比-项目完成率，质量指标-质量指标-≥-95.00-百分比-质量指标。"
    doc = RawDocument(
        "x.txt", "text", ("6.河渠清理及河长制项目年初预算安排20000元，以下具体说明：", statement, statement)
    )
    assert len(ProseTargetsLayout().extract(doc).indicators) == 2


def test_a_short_line_ends_a_paragraph_however_long_the_paragraph() -> None:
    """Regression: the wrap rule looked at the whole paragraph joined so far, not at its last line,
    so once a paragraph was long every following line was glued on (and re-scanned: quadratic)."""
    wrapped = (
        "数量指标-项目完成率-≥-95.00-百分比-项目完成率，质量指标-质量指标-≥-95.00-百分比-质量指标，时效指标-及时率"
    )
    doc = RawDocument(
        "x.txt",
        "text",
        (
            "河渠清理及河长制项目年初预算安排20000元，以下具体说明：",
            wrapped,
            "-≥-95.00-百分比-及时率",
            "人员类经费绩效目标",
            "人员经费年初安排100元，",
            "数量指标-发放人数-≥-99-百分比-发放比重。",
        ),
    )
    extraction = ProseTargetsLayout().extract(doc)
    assert [(p.project_name, p.budget_text) for p in extraction.projects] == [
        ("河渠清理及河长制项目", "20000"),
        ("人员类经费", "100"),
    ]
    assert [r.value_text for r in extraction.indicators if r.table_no == 1] == ["≥-95.00-百分比"] * 3


# -- issue 16: the kinds of prose real offices write ----------------------------------------------


def _read(*lines: str) -> Extraction:
    return ProseTargetsLayout().extract(RawDocument("x.txt", "text", lines))


def _level3_values(extraction: Extraction) -> list[tuple[str | None, str | None]]:
    return [(row.level3, row.value_text) for row in extraction.indicators]


def test_group_label_before_a_comma_is_not_part_of_the_name() -> None:
    items = statement_items(
        "数量指标：★补贴各类果树栽植数量，苹果(红富士)栽植数量(≥**株)>=5200株；苗木成活率(≥**%)>=90；"
        "时效指标：栽植完成及时率(≥**%)>=100%。成本指标：果苗补贴标准，苹果(红富士)补贴成本(≤**元/株)≤12.50/株。",
        "产出指标",
    )
    assert items is not None
    assert [(i.level2, i.level3, i.value_text, i.is_core) for i in items] == [
        ("数量指标", "苹果(红富士)栽植数量", ">=5200株", True),  # (红富士) is no template: no ** nor ≥
        ("数量指标", "苗木成活率", ">=90%", False),
        ("时效指标", "栽植完成及时率", ">=100%", False),  # the 。 ends a part like the ；
        ("成本指标", "苹果(红富士)补贴成本", "≤12.50/株", False),
    ]
    assert items[0].description == "★补贴各类果树栽植数量，苹果(红富士)栽植数量(≥**株)>=5200株"


def test_categories_written_as_targets_or_before_a_comma() -> None:
    items = statement_items(
        "效益指标：社会效益目标：★受益农户数(≥**户)≥25户。生态效益指标：环境明显改善。可持续影响指标，长期受益。",
        None,
    )
    assert items is not None
    assert [(i.level1, i.level2, i.level3, i.value_text) for i in items] == [
        ("效益指标", "社会效益目标", "受益农户数", "≥25户")  # no number, no target: 环境明显改善
    ]
    satisfaction = statement_items("服务对象满意度指标，受益农户满意度(≥**%)≥90%。", "满意度指标")
    assert satisfaction is not None
    assert [(i.level2, i.level3, i.value_text) for i in satisfaction] == [
        ("服务对象满意度指标", "受益农户满意度", "≥90%")
    ]
    assert statement_items("可持续影响指标，长期受益。", None) is None  # a sentence, not a statement


def test_values_glued_to_names_in_traditional_script() -> None:
    extraction = _read(
        "關(guān)於春季補助資金計劃公告公示",
        "涉及資金42.6萬元，現將有關情況公示如下：",
        "七、績效目標(biāo)",
        "(一)、產(chǎn)出指標(biāo)",
        "1、數(shù)量指標(biāo):全年補助困難家庭學(xué)生355人次,補助金額42.6萬元。",
        "2、質(zhì)量指標(biāo):補助標(biāo)準(zhǔn)100%達標(biāo)。",
        "3、成本指標(biāo):補助標(biāo)準(zhǔn)為每生每年1200元、800元2個檔次。",
    )
    (project,) = extraction.projects
    assert (project.project_name, project.budget_text, project.amount_unit) == ("春季補助資金", "42.6", "万元")
    assert (extraction.indicators[0].level1, extraction.indicators[0].level2) == (
        "產(chǎn)出指標(biāo)",
        "數(shù)量指標(biāo)",
    )
    assert _level3_values(extraction) == [
        ("全年補助困難家庭學(xué)生", "355人次"),  # the value glued to the end of the name
        ("補助金額", "42.6萬元"),
        ("補助標(biāo)準(zhǔn)", "100%達標(biāo)"),  # text after % stays in the value
        ("補助標(biāo)準(zhǔn)", "每生每年1200元、800元2個檔次"),  # "為" + a short qualifier starts the value
    ]


def test_traditional_and_simplified_read_the_same_rows() -> None:
    simplified = ("一、产出指标", "数量指标：补助学生355人次，补助金额42.6万元；质量指标：补助标准100%达标。")
    traditional = (
        "一、產(chǎn)出指標(biāo)",
        "數(shù)量指標(biāo)：補助學(xué)生355人次，補助金額42.6萬元；質量指標：補助標準100%達標。",
    )
    rows = [
        [tuple(folded_text(cell or "") for cell in (r.level1, r.level2, r.level3, r.value_text)) for r in e.indicators]
        for e in (_read("关于甲项目绩效目标的公示", *simplified), _read("關於甲項目績效目標的公示", *traditional))
    ]
    assert rows[0] == rows[1]
    assert len(rows[0]) == 3


def test_a_list_without_categories_under_a_targets_label() -> None:
    items = target_list_items(
        "新建水渠≥1.2km；工程验收合格率≥100% ；受益群众满意度≥92%；受益农户数≥40户改善灌溉条件，促进增收。"
    )
    assert items is not None
    assert [(i.level1, i.level2, i.level3, i.value_text) for i in items] == [
        (None, None, "新建水渠", "≥1.2km"),
        (None, None, "工程验收合格率", "≥100%"),
        (None, None, "受益群众满意度", "≥92%"),
        (None, None, "受益农户数", "≥40户"),  # the value stops after its unit
    ]
    assert target_list_items("新建水渠1.2km；工程验收合格率≥100%") is None  # one item without comparator
    assert target_list_items("工程验收合格率≥100%") is None  # one item is no list


def test_a_list_without_categories_counts_only_under_targets() -> None:
    title = "关于2023年度乙村水渠工程绩效评价报告"
    labelled = _read(title, "（一）项目概况：项目总投资28万元。", "（二）绩效目标：新建水渠≥1.2km；验收合格率≥100%。")
    assert [(p.project_name, p.budget_text, p.amount_unit) for p in labelled.projects] == [
        ("乙村水渠工程", "28", "万元")
    ]
    assert len(labelled.indicators) == 2
    under_heading = _read(title, "七、绩效目标", "新建水渠≥1.2km；验收合格率≥100%。")
    assert len(under_heading.indicators) == 2
    elsewhere = _read(title, "三、建设内容", "新建水渠≥1.2km；验收合格率≥100%。")
    assert elsewhere.indicators == ()


def test_narrative_with_numbers_gives_no_rows() -> None:
    extraction = _read(
        "关于丙镇助学金项目绩效目标设定的公示",
        "二、建设内容",
        "全年资助困难学生800人次,资助资金85.5万元,其中春季资助400人,资助资金42.7万元。",
        "项目总体绩效目标是：增加产值60万元，受益农户20户。",
        "三、资金来源",
        "财政资金85.5万元。",
    )
    assert extraction.projects == () and extraction.indicators == ()


def test_the_title_names_a_project_and_the_first_funding_is_its_budget() -> None:
    extraction = _read(
        "标 题: | 关于丁乡蔬菜大棚项目绩效目标设定的公示 |",
        "根据上级文件安排资金30万元,实施丁乡蔬菜大棚项目,计划新建大棚12座,带动增收15万元。",
        "一、 产出指标",
        "数量指标:新建大棚数量(≥**座)>=12座;",
    )
    (project,) = extraction.projects
    assert (project.project_name, project.budget_text, project.amount_unit) == ("丁乡蔬菜大棚项目", "30", "万元")
    (row,) = extraction.indicators
    assert (row.level1, row.level2, row.level3, row.value_text) == ("产出指标", "数量指标", "新建大棚数量", ">=12座")


def test_statements_that_nothing_names_give_no_rows() -> None:
    """A category heading (一、产出指标) names no project; without a title the rows would have none."""
    assert _read("一、产出指标", "数量指标:新建大棚数量>=12座;").indicators == ()


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("标题: | 关于戊村道路硬化项目绩效目标设定的公示 |", "戊村道路硬化项目"),
        ("關(guān)於2019年度己村通組道路工程績效評價報告", "己村通組道路工程"),
        ("普通高中助學(xué)金計劃公告公示", "普通高中助學(xué)金"),
        ("关于印发绩效管理办法的通知，各单位：", None),  # punctuation: a sentence, not a title
        ("七、绩效目标", None),
    ],
)
def test_document_titles(line: str, name: str | None) -> None:
    assert document_title(line) == name


def test_a_year_opens_a_name_but_a_date_is_a_value() -> None:
    items = statement_items("数量指标：2023年全年资助学生412人次；时效指标：2023年11月底前完成发放。", None)
    assert items is not None
    assert [(i.level3, i.value_text) for i in items] == [
        ("2023年全年资助学生", "412人次"),
        (None, "2023年11月底前完成发放"),
    ]


def test_lists_without_categories_cut_on_commas_and_with_word_comparators() -> None:
    items = target_list_items("改造危房≥12户，验收合格率不低于100%，住户满意度≥90%")
    assert items is not None
    assert [(i.level3, i.value_text) for i in items] == [
        ("改造危房", "≥12户"),
        ("验收合格率", "不低于100%"),
        ("住户满意度", "≥90%"),
    ]
    both = target_list_items("改造危房≥12户；验收合格率≥100%，住户满意度≥90%；改善居住条件")
    assert both is None  # the last piece is no target: the paragraph is prose


def test_an_unnumbered_targets_cell_opens_no_list() -> None:
    """A one-cell-per-line form prints 绩效目标 and the year's goal text below it; the form's own
    rows restate those numbers, so the text must not give rows of its own."""
    title = "关于2023年度乙村水渠工程绩效评价报告"
    assert _read(title, "绩效目标", "新建水渠≥1.2km；验收合格率≥100%。").indicators == ()


@pytest.mark.parametrize("line", ["现将绩效目标设定如下：", "2023年3月27日", "二、产出指标"])
def test_a_lead_in_a_date_or_a_category_is_no_project_name(line: str) -> None:
    extraction = _read("关于庚村道路项目绩效目标的公示", line, "数量指标：硬化道路(≥**公里)≥2.5公里；")
    assert [p.project_name for p in extraction.projects] == ["庚村道路项目"]
