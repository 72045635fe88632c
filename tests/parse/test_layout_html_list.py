"""The html_list layout on 004 (门源县浩门镇, 2023): one wide table, indicators as a ``<p>`` list.

Every expected number below was counted by reading the document, before the parser was run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.core.types import Extraction, IndicatorRecord, Locator, RawDocument
from pipeline.parse.layouts.cell_lines import CellLinesLayout
from pipeline.parse.layouts.html_list import HtmlListLayout, indicator_rows, list_items, split_value

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
HAOMEN = "004_6042772d099d8031.txt"
OTHER_LAYOUT_FILES = (
    "000_a8e05c0c7437c5f6.txt",
    "001_b11d8b26e10eed0c.txt",
    "002_47f6fefdd4530b27.txt",
    "003_88a2649a8df46961.txt",
)

# Indicator rows per project, counted by hand from the 绩效指标 cells (items per level2 group):
#  1 调委会工作补助经费            2+2+2+3 | 2+2 | 1 (unnumbered 群众满意度)        = 14
#  2 党校工作经费                  3+2+2+1 | 2   | 1 ("2. 一年内完成" is a row)        = 11
#  3 维稳经费及应急经费            4+2+2+2 | 2+2 | 1 (under "(三)满意度指标")        = 15
#  4 人大工作经费                  2+2+2+1 | 2+2 | 1                                 = 12
#  5 乡镇残联及社区村级残联工作经费 2+1+1+2 | 2+2 | 1                                 = 11
#  6 妇联工作经费                  3+3+3+1 | 3+3 | 0 (三、满意度指标 is empty)        = 16
#  7 城乡医保经费                  2+2+2+1 | 2+2 | 1                                 = 12
#  8 乡镇文化站工作经费            2+1+1+1 | 3+2 (numbered 1, 1) | 1                 = 11
#  9 乡镇人大代表经费              3+2+2+1 | 2+1 | no 满意度 section                 = 11
# 10 职工食堂伙食补助              2+1+1+2 | 3+1 | 0                                 = 10
# 11 团委工作经费                  3+3+3+3 | 2+2 | 1                                 = 17
# 12 纪委工作经费                  2+2+2+3 | 2+2 | 1                                 = 14
# 13 民政工作经费                  3+4+3+1 | 4+2 (二、效益指标 missing) | 3           = 20
# 14 民族团结及综合创建工作经费    3+2+2+2 | 2+2 | 1                                 = 14
# 15 村级运转经费                  2+2+2+3 | 2+2 | 0                                 = 13
# 16 长期聘用人员经费支出          7+2+2+7 | 2+2 | no 满意度 section                 = 22
# 17 驻村工作队工作经费            2+1+1+1 | 3+2 | 1                                 = 11
# 18 社区工作经费                  2+3+2+2 | 3+2 | 1                                 = 15
# 19 乡村振兴工作经费              1+2+1+1 | 2+2 | 1                                 = 10
# 20 武装工作经费                  3+2+2+1 | 2+2 | 1                                 = 13
# 21 果皮箱、景观花池项目质保金    1+1+1+1 | 1+0 | 1                                 = 6
# 22 民族殡仪馆工作经费            2+2+1+1 | 2+0 | 1                                 = 9
# 23 社区医保工作经费              3+2+2+1 | 3+2 | 1                                 = 14
# 24 …党员活动室取暖费             3+2+1+2 | 1   | 1                                 = 10
# 25 政协工作经费                  1+2+2+1 | 1+2 | 1                                 = 10
# 26 科级及以下退休干部公用经费    2+1+1+1 | 1+0 | 1                                 = 7
# 27 社区服务群众专项经费          2+2+1+2 | 1+0 | 1                                 = 9
# 28 2023年村级公益事业建设…       1+2+1+6 (two <p> hold 2 and 3 items) | 1+0 | 1   = 12
COUNTS_1_TO_14 = (14, 11, 15, 12, 11, 16, 12, 11, 11, 10, 17, 14, 20, 14)
COUNTS_15_TO_28 = (13, 22, 11, 15, 10, 13, 6, 9, 14, 10, 10, 7, 9, 12)
EXPECTED_COUNTS = COUNTS_1_TO_14 + COUNTS_15_TO_28
EXPECTED_TOTAL = 349
PROJECT_BUDGET_SUM = 588.38
TOLERANCE = 1e-6


def read_doc(name: str) -> RawDocument:
    text = (RAW / name).read_bytes().decode("utf-8")
    return RawDocument(source_file=name, format="text", lines=tuple(text.split("\n")))


@pytest.fixture(scope="module")
def haomen() -> Extraction:
    return HtmlListLayout().extract(read_doc(HAOMEN))


def project_rows(extraction: Extraction, name: str) -> list[IndicatorRecord]:
    table_no = next(p.table_no for p in extraction.projects if p.project_name == name)
    return [row for row in extraction.indicators if row.table_no == table_no]


def levels(row: IndicatorRecord) -> tuple[str | None, str | None, str | None, str | None]:
    return row.level1, row.level2, row.level3, row.value_text


def find(extraction: Extraction, name: str, level3: str) -> IndicatorRecord:
    return next(row for row in project_rows(extraction, name) if row.level3 == level3)


# --- recognition ---------------------------------------------------------------------------------


def test_scores_high_on_haomen() -> None:
    assert HtmlListLayout().score(read_doc(HAOMEN)) >= 0.9


@pytest.mark.parametrize("name", OTHER_LAYOUT_FILES)
def test_scores_low_on_other_layouts(name: str) -> None:
    assert HtmlListLayout().score(read_doc(name)) < 0.5


def test_form_layouts_do_not_claim_haomen() -> None:
    from pipeline.parse.layouts.tab_rows import TabRowsLayout

    doc = read_doc(HAOMEN)
    assert TabRowsLayout().score(doc) < 0.5
    assert CellLinesLayout().score(doc) < 0.5


def test_header_without_level_headings_scores_low() -> None:
    lines = ("单位编码\t项目名称\t金额(万元)\t绩效目标\t绩效指标", "\t某项目\t1.00\t目标\t满意度 95%")
    assert HtmlListLayout().score(RawDocument("x.txt", "text", lines)) < 0.5


# --- projects and totals -------------------------------------------------------------------------


def test_projects(haomen: Extraction) -> None:
    assert len(haomen.projects) == 28
    assert [p.table_no for p in haomen.projects] == list(range(1, 29))
    first = haomen.projects[0]
    assert first.project_name == "调委会工作补助经费"  # "调委会工作 补助经费" as written
    assert first.project_code is None
    assert first.budget_text == "1.02"
    assert first.amount_unit == "万元"
    assert first.purpose is None
    assert first.spend_plan == ()
    assert first.locator == Locator(line=8)
    assert first.goals is not None and first.goals.startswith("目标一：负责全镇9村4社区")
    assert "有效维护社会稳定。 目标二：对村、社区调委会成员" in first.goals
    assert haomen.projects[1].project_name == "党校工作经费"
    assert haomen.projects[2].project_name == "维稳经费及应急经费"
    assert haomen.projects[-1].project_name == "2023年村级公益事业建设一事一议财政奖补资金"
    assert haomen.projects[-1].locator == Locator(line=61)


def test_goals_without_paragraph_markup(haomen: Extraction) -> None:
    project = next(p for p in haomen.projects if p.project_name == "果皮箱、景观花池项目质保金")
    assert project.goals == "及时支付2018年果皮箱、景观花池项目质保金。"


def test_amount_unit_from_header_without_space(haomen: Extraction) -> None:
    # the header before 城乡医保经费 reads "金额(万元)"
    project = next(p for p in haomen.projects if p.project_name == "城乡医保经费")
    assert project.amount_unit == "万元"


def test_unit_total(haomen: Extraction) -> None:
    assert haomen.unit_total_text == "588.39"
    assert haomen.unit_total_unit == "万元"
    assert "门源县浩门镇政府" not in [p.project_name for p in haomen.projects]


def test_project_budget_sum(haomen: Extraction) -> None:
    total = sum(float(p.budget_text or "nan") for p in haomen.projects)
    assert abs(total - PROJECT_BUDGET_SUM) < TOLERANCE


# --- indicator counts ----------------------------------------------------------------------------


def test_indicator_total(haomen: Extraction) -> None:
    assert len(haomen.indicators) == EXPECTED_TOTAL
    assert sum(EXPECTED_COUNTS) == EXPECTED_TOTAL


def test_indicator_counts_per_project(haomen: Extraction) -> None:
    counts = tuple(sum(1 for r in haomen.indicators if r.table_no == p.table_no) for p in haomen.projects)
    assert counts == EXPECTED_COUNTS


def test_row_numbers_and_locators(haomen: Extraction) -> None:
    for project in haomen.projects:
        rows = [r for r in haomen.indicators if r.table_no == project.table_no]
        assert [r.row_no for r in rows] == list(range(1, len(rows) + 1))
        assert all(r.locator == project.locator for r in rows)
        assert all(r.description is None and r.basis is None for r in rows)


# --- exact rows read off the document ------------------------------------------------------------


def test_first_row_of_first_project(haomen: Extraction) -> None:
    first = project_rows(haomen, "调委会工作补助经费")[0]
    assert levels(first) == ("产出指标", "数量指标", "培训乡村两级调委会成员数", "39人次")


def test_unnumbered_satisfaction_item(haomen: Extraction) -> None:
    last = project_rows(haomen, "调委会工作补助经费")[-1]
    assert levels(last) == ("满意度指标", None, "群众满意度", "≥95%")


def test_latex_value(haomen: Extraction) -> None:
    row = find(haomen, "维稳经费及应急经费", "社会稳定宣传群众知晓度")
    assert levels(row) == ("效益指标", "社会效益指标", "社会稳定宣传群众知晓度", "≥80%")
    row = find(haomen, "驻村工作队工作经费", "扶贫工作人员满意度")  # $> 95\%$
    assert row.value_text == ">95%"


def test_spaced_comparator(haomen: Extraction) -> None:
    row = find(haomen, "维稳经费及应急经费", "社会稳定宣传活动次数")  # "≥ 10次"
    assert levels(row) == ("产出指标", "数量指标", "社会稳定宣传活动次数", "≥10次")


def test_two_items_in_one_paragraph(haomen: Extraction) -> None:
    rows = project_rows(haomen, "2023年村级公益事业建设一事一议财政奖补资金")
    cost = [levels(r)[2:] for r in rows if r.level2 == "成本指标"]
    assert cost == [
        ("设计费", "0.76万元"),
        ("监理费", "0.5万元"),
        ("结(决)算审查费", "0.4万元"),
        ("招标代理费", "0.3万元"),
        ("工程质量检测费", "0.24万元"),
        ("编制费", "0.2万元"),
    ]


def test_decimals_are_not_item_breaks(haomen: Extraction) -> None:
    assert find(haomen, "人大工作经费", "人代工作成本率").value_text == "2.125万元"
    assert find(haomen, "村级运转经费", "每村每年的工作经费标准").value_text == "3.5万元"
    assert find(haomen, "城乡医保经费", "完成全乡新农合参保人数").value_text == "1.15万人/年"


def test_missing_level1_heading_inferred_from_level2(haomen: Extraction) -> None:
    rows = project_rows(haomen, "民政工作经费")
    assert levels(rows[10]) == ("产出指标", "成本指标", "民政工作经费总成本", "≤1.7万元")
    assert levels(rows[11]) == ("效益指标", "社会效益指标", "民政政策知晓率", "≥90%")
    assert levels(rows[16]) == ("效益指标", "可持续影响指标", "低保人员档案管理机制健全性", "健全")
    assert any("line 30" in note and "效益指标" in note for note in haomen.notes)


def test_unnumbered_item_inside_numbered_group(haomen: Extraction) -> None:
    row = project_rows(haomen, "民政工作经费")[9]
    assert levels(row) == ("产出指标", "时效指标", "民政相关政策宣传及时率", "100%")


def test_items_without_value(haomen: Extraction) -> None:
    row = find(haomen, "政协工作经费", "协助做好沟通思想、协调关系")
    assert levels(row) == ("产出指标", "质量指标", "协助做好沟通思想、协调关系", None)
    row = find(haomen, "科级及以下退休干部公用经费", "保障退休人员的慰问")
    assert levels(row) == ("效益指标", "社会效益指标", "保障退休人员的慰问", None)
    row = find(haomen, "党校工作经费", "一年内完成")  # a target with no name: no value is guessed
    assert levels(row) == ("产出指标", "时效指标", "一年内完成", None)


def test_glued_values(haomen: Extraction) -> None:
    rows = project_rows(haomen, "果皮箱、景观花池项目质保金")
    assert levels(rows[2]) == ("产出指标", "时效指标", "支付及时率", "100%")
    row = find(haomen, "科级及以下退休干部公用经费", "退休人员科级及以下人员")
    assert row.value_text == "10人"
    row = find(haomen, "维稳经费及应急经费", "举办扫黑除恶专项斗争主题培训班完成时间")
    assert row.value_text == "2021年1月至12月"


def test_date_and_qualitative_values(haomen: Extraction) -> None:
    assert find(haomen, "维稳经费及应急经费", "社会稳定宣传活动完成时间").value_text == "2021年12月31日"
    assert find(haomen, "驻村工作队工作经费", "乡镇人均收入").value_text == "增幅20%"
    assert find(haomen, "驻村工作队工作经费", "促进乡镇社会安定").value_text == "社会稳定"
    assert find(haomen, "调委会工作补助经费", "矛盾调解机制健全性").value_text == "健全"
    assert find(haomen, "民族殡仪馆工作经费", "支付办公费、电费、水费等").value_text == "1-12月"


def test_colon_after_name(haomen: Extraction) -> None:
    row = find(haomen, "村级运转经费", "新农合参保率")
    assert levels(row) == ("效益指标", "社会效益指标", "新农合参保率", "提升")


# --- one regression per oddity decided -----------------------------------------------------------


def test_satisfaction_written_as_level2(haomen: Extraction) -> None:
    # "(三)满意度指标" under 效益指标: level1 moves to 满意度指标, level2 kept as written
    last = project_rows(haomen, "维稳经费及应急经费")[-1]
    assert levels(last) == ("满意度指标", "满意度指标", "群众满意度", "≥95%")


def test_empty_headings_give_no_rows(haomen: Extraction) -> None:
    rows = project_rows(haomen, "妇联工作经费")  # ends with an empty 三、满意度指标
    assert rows[-1].level2 == "可持续影响指标"
    rows = project_rows(haomen, "科级及以下退休干部公用经费")  # empty (二) 可持续影响指标
    assert "可持续影响指标" not in {r.level2 for r in rows}


def test_item_number_glued_to_digits(haomen: Extraction) -> None:
    # "2.36名村干部年报酬、工伤保险1065712.65元/年" is item 2; 36 村干部 as in 村干部人数 36人
    row = find(haomen, "长期聘用人员经费支出", "36名村干部年报酬、工伤保险")
    assert levels(row) == ("产出指标", "成本指标", "36名村干部年报酬、工伤保险", "1065712.65元/年")


def test_item_number_that_lost_its_dot(haomen: Extraction) -> None:
    # "127名委员全年支出总额" stands where item 1 belongs and "2.36名…" follows: 27 社区委员, as counted above
    cost = [r for r in project_rows(haomen, "长期聘用人员经费支出") if r.level2 == "成本指标"]
    assert levels(cost[0]) == ("产出指标", "成本指标", "27名委员全年支出总额", "2838385元/年")


def test_lost_dot_needs_the_next_number() -> None:
    items = list_items("<p>(一) 数量指标：</p> <p>10人参加培训 10人</p> <p>3. 其他 1次</p>")
    assert items[1].text == "10人参加培训 10人"


def test_chinese_numeral_with_stray_dot(haomen: Extraction) -> None:
    # "三. 委人员满意度" copies "三委人员满意度" of the project before; items never use Chinese numbers
    last = project_rows(haomen, "民族殡仪馆工作经费")[-1]
    assert levels(last) == ("满意度指标", "满意度指标", "三委人员满意度", "≥95%")


def test_goal_label_before_name(haomen: Extraction) -> None:
    row = project_rows(haomen, "长期聘用人员经费支出")[1]
    assert levels(row) == ("产出指标", "数量指标", "村干部人数", "36人")


def test_leading_punctuation(haomen: Extraction) -> None:
    row = find(haomen, "2023年村级公益事业建设一事一议财政奖补资金", "保障群众生命财产安全")
    assert levels(row) == ("效益指标", "社会效益指标", "保障群众生命财产安全", "保障")


def test_value_starts_at_first_number(haomen: Extraction) -> None:
    row = find(haomen, "乡镇文化站工作经费", "组织开展浩门镇及下属单位干部职工文化活动")
    assert row.value_text == "200人≥1次"


def test_repeated_item_number_kept(haomen: Extraction) -> None:
    rows = [r for r in project_rows(haomen, "乡镇文化站工作经费") if r.level2 == "可持续影响指标"]
    assert [r.level3 for r in rows] == ["突发事件应急响应机制健全性", "人员配备合理性"]


def test_numbered_satisfaction_items(haomen: Extraction) -> None:
    rows = [r for r in project_rows(haomen, "民政工作经费") if r.level1 == "满意度指标"]
    assert [levels(r) for r in rows] == [
        ("满意度指标", None, "低保人员满意度", "≥95%"),
        ("满意度指标", None, "救灾救济物资领用人满意度", "≥95%"),
        ("满意度指标", None, "群众满意度", "≥95%"),
    ]


# --- pure functions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("培训乡村两级调委会成员数 39人次", ("培训乡村两级调委会成员数", "39人次")),
        ("群众满意度 ≥ 95%", ("群众满意度", "≥95%")),
        ("支付准确率100%", ("支付准确率", "100%")),
        ("三个村取暖面积 1453.22平方米", ("三个村取暖面积", "1453.22平方米")),
        ("村2组取暖面积100平方米", ("村2组取暖面积", "100平方米")),
        ("新农合参保率: 提升", ("新农合参保率", "提升")),
        (":保障群众生命财产安全 保障", ("保障群众生命财产安全", "保障")),
        ("目标2:村干部人数 36人", ("村干部人数", "36人")),
        ("协助做好沟通思想、协调关系", ("协助做好沟通思想、协调关系", None)),
    ],
)
def test_split_value(text: str, expected: tuple[str | None, str | None]) -> None:
    assert split_value(text) == expected


def test_level1_inferred_when_no_heading_at_all() -> None:
    cell = "<p>(一) 数量指标：</p> <p>1. 人数 3人</p> <p>(二) 社会效益指标</p> <p>1. 情况 提高</p>"
    notes: list[str] = []
    rows = indicator_rows(cell, 1, Locator(line=1), notes)
    assert [(r.level1, r.level2) for r in rows] == [("产出指标", "数量指标"), ("效益指标", "社会效益指标")]
    assert len(notes) == 2


def test_unknown_level1_is_not_overridden() -> None:
    cell = "<p>一、项目指标</p> <p>(一) 数量指标：</p> <p>1. 人数 3人</p>"
    rows = indicator_rows(cell, 1, Locator(line=1), [])
    assert levels(rows[0]) == ("项目指标", "数量指标", "人数", "3人")
