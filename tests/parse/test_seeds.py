"""The spine on the five bundled documents: counts and exact rows, read off the documents by hand.

Each expected cell below was copied from the seed file by reading it (wrap spaces inside Chinese
removed, as the issue specifies), not from the parser's output.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

import polars as pl
import pytest

from pipeline.parse.frames import DocumentFrames
from tests.conftest import cells, project, row

Seed = Callable[[str], DocumentFrames]
BASIS_000 = "根据工作安排情况及统计调查"


def per_table(frames: DocumentFrames) -> dict[int, int]:
    return dict(sorted(Counter(frames.indicators["table_no"].to_list()).items()))


def document(frames: DocumentFrames) -> dict[str, object]:
    return frames.documents.row(0, named=True)


# -- 000 巨鹿县阎疃镇 2024, tab rows, 万元 ------------------------------------------------


def test_000_counts_and_document(seed: Seed) -> None:
    frames = seed("000")
    doc = document(frames)
    assert doc["status"] == "loaded" and doc["layout"] == "tab_rows"
    assert (doc["town"], doc["county"], doc["fiscal_year"]) == ("阎疃镇", "巨鹿县", 2024)
    assert (doc["unit_code"], doc["unit_name"]) == ("909001", "巨鹿县阎疃镇人民政府本级")
    assert frames.projects.height == 18
    assert per_table(frames) == {n: 7 for n in range(1, 19)}
    assert frames.indicators.height == 126


def test_000_project_code_joined_and_budget_in_yuan(seed: Seed) -> None:
    first = project(seed("000"), 1)
    assert first["project_code"] == "13052924P00584012215X"
    assert first["project_name"] == "2020年符合政府安排工作条件退役士兵待遇资金"
    assert first["budget_yuan"] == 190000.0 and first["fiscal_funds_yuan"] == 190000.0
    assert first["other_funds_yuan"] is None
    assert first["purpose"] == "用于2020年符合政府安排工作条件退役士兵待遇资金发放"
    assert first["source_line"] == 134
    assert project(seed("000"), 13)["budget_yuan"] == 400000.0


def test_fund_parts_kept_as_written_beside_their_yuan(seed: Seed) -> None:
    """000 line 135: 预算数 19.00 | 其中：财政 资金 19.00 | 其他资金 (blank), under 单位：万元; 003's
    first project is written in 元."""
    first = project(seed("000"), 1)
    assert (first["fiscal_funds_text"], first["other_funds_text"]) == ("19.00", None)
    assert (first["amount_unit"], first["fiscal_funds_yuan"]) == ("万元", 190000.0)
    in_yuan = project(seed("003"), 1)
    assert (in_yuan["fiscal_funds_text"], in_yuan["amount_unit"], in_yuan["fiscal_funds_yuan"]) == (
        "20000.00",
        "元",
        20000.0,
    )


def test_000_rows_exact(seed: Seed) -> None:
    frames = seed("000")
    assert cells(frames, 1, 1) == (
        "产出指标", "数量指标", "保障人数", "我单位2020年符合政府安排工作条件退役士兵的人数", "2人", BASIS_000,
    )
    assert row(frames, 1, 1)["source_line"] == 141
    # wrapped cells: spaces inside Chinese words are line-wrap artefacts
    assert cells(frames, 5, 1) == (
        "产出指标", "数量指标", "企业环保合格率（%）", "被检查的企业环保合格的占所有应合格的企业的比率", "≥90%", BASIS_000,
    )
    assert row(frames, 5, 1)["source_line"] == 225
    assert cells(frames, 9, 3) == (
        "产出指标", "时效指标", "占地补偿资金发放及时率", "占地补偿资金发放及时情况", "2024年底前", "镇工作安排及统计调查",
    )
    assert cells(frames, 13, 2) == (
        "产出指标", "质量指标", "县派工作队定额补助发放率（%）", "县派驻村工作队定额补助发放的占应发放的比率", "≤95%", BASIS_000,
    )
    assert cells(frames, 8, 1)[4] == "133.96亩"


def test_000_table_split_by_page_break(seed: Seed) -> None:
    """Table 15: header repeated after the break, the basis of row 6 continues on the next page."""
    frames = seed("000")
    table = frames.indicators.filter(pl.col("table_no") == 15)
    assert table.height == 7
    assert "三级指标" not in table["level3"].to_list()
    assert cells(frames, 15, 6) == (
        "效益指标", "可持续影响指标", "办公效率提高比例", "补贴发放后，我单位事业人员办公效率提高的比率", "≥25%",
        "补贴发放后，我单位事业人员办公效率提高的比率",
    )
    assert cells(frames, 15, 7)[:3] == ("满意度指标", "服务对象满意度指标", "受益对象满意度")
    assert row(frames, 15, 7)["source_line"] == 444


def test_000_spend_plan_keeps_labels_as_written(seed: Seed) -> None:
    """Tables 7 and 11 lost their 12月底 label: the 100% stands under 10月底 and nothing is invented."""
    plan_7 = json.loads(str(project(seed("000"), 7)["spend_plan"]))
    assert plan_7 == [{"label": "3月底", "share": ""}, {"label": "6月底", "share": ""}, {"label": "10月底", "share": "100%"}]
    plan_1 = json.loads(str(project(seed("000"), 1)["spend_plan"]))
    assert [p["label"] for p in plan_1] == ["3月底", "6月底", "10月底", "12月底"]
    assert plan_1[-1]["share"] == "100%"


# -- 001 丰润区李钊庄镇 2023, one cell per line, no title ------------------------------------


def test_001_counts_and_year_from_codes(seed: Seed) -> None:
    frames = seed("001")
    doc = document(frames)
    assert doc["layout"] == "cell_lines"
    assert (doc["town"], doc["county"], doc["county_code"], doc["fiscal_year"]) == ("李钊庄镇", "丰润区", "130208", 2023)
    assert frames.projects.height == 8
    assert per_table(frames) == {1: 7, 2: 8, 3: 7, 4: 7, 5: 7, 6: 7, 7: 7, 8: 8}
    assert frames.indicators.height == 58


def test_001_rows_exact(seed: Seed) -> None:
    frames = seed("001")
    assert cells(frames, 1, 3) == ("产出指标", "时效指标", "工作完成时间", "按时完成", "2023年12月31日完成", "计划指标")
    assert cells(frames, 1, 4) == ("产出指标", "成本指标", "每村分配金额", "每村每年资金分配额", "≤7500元", "年初预算安排")
    assert cells(frames, 2, 2) == ("产出指标", "数量指标", "维稳次数", "维稳次数", "≥20次", "工作需要")
    assert row(frames, 2, 2)["source_line"] == 217
    assert cells(frames, 4, 6) == ("效益指标", "生态效益指标", "持续发展率", "保障工作顺利开展，促进社会稳定", "优", "行业标准")
    assert cells(frames, 6, 6)[2] == "交通事故处理群众满意度（%）持续发展率"
    assert row(frames, 6, 6)["source_line"] == 644
    first = project(frames, 1)
    assert first["goals"] == "1.用于新农村建设中的办公经费支出、福利事业等 2.确保全镇24个村工作的正常运转 3.保障工作正常有序开展"
    assert json.loads(str(first["spend_plan"])) == [
        {"label": "3月底", "share": "25%"}, {"label": "6月底", "share": "50%"},
        {"label": "10月底", "share": "75%"}, {"label": "12月底", "share": "100%"},
    ]
    assert first["budget_yuan"] == 149300.0


# -- 002 承德县三家镇 2024, tab rows -----------------------------------------------------


def test_002_counts_and_carried_over_project(seed: Seed) -> None:
    frames = seed("002")
    doc = document(frames)
    assert (doc["town"], doc["county"], doc["fiscal_year"]) == ("三家镇", "承德县", 2024)
    assert per_table(frames) == {1: 11, 2: 11}
    first, second = project(frames, 1), project(frames, 2)
    assert first["project_code"] == "13082123P00007010010J"  # carried over: its code says 2023
    assert first["budget_yuan"] == 61900.0
    assert first["purpose"] == "驻村工作组经费"
    assert second["purpose"] is None
    assert second["project_name"] == "执法工作经费"


def test_002_rows_exact(seed: Seed) -> None:
    frames = seed("002")
    assert cells(frames, 1, 2) == ("产出指标", "成本指标", "资金总成本", "资金总成本", "24万元", "资金拨付单")
    assert cells(frames, 1, 3) == ("产出指标", "时效指标", "报账时间", "资金报账后拨付的时间", "≤7工作日", "资金拨付单")
    assert cells(frames, 1, 9) == ("效益指标", "生态效益指标", "提升村庄清洁度", "提升村庄清洁度", "有效提升", "调查问卷")
    assert cells(frames, 2, 5) == ("产出指标", "成本指标", "各项经费成本", "考察各项经费成本情况", "小于等于核定数", "内控考核")
    assert cells(frames, 2, 6) == ("产出指标", "时效指标", "按时间进度要求支付使用资金", "月度时序", "支出进度要求", "内控考核")
    assert row(frames, 2, 5)["source_line"] == 119


# -- 003 玉田县亮甲店镇 2025, one cell per line, amounts in 元 -------------------------------


def test_003_counts_and_yuan(seed: Seed) -> None:
    frames = seed("003")
    doc = document(frames)
    assert (doc["town"], doc["county"], doc["fiscal_year"], doc["amount_unit"]) == ("亮甲店镇", "玉田县", 2025, "元")
    tables = frames.projects.filter(pl.col("source_kind") == "table")["table_no"].to_list()
    assert tables == [1, 2, 3, 4, 5, 6]  # the six 绩效目标表; 7–14 are the prose projects (test_layout_prose)
    assert {n: count for n, count in per_table(frames).items() if n in tables} == {n: 9 for n in tables}
    assert project(frames, 1)["budget_yuan"] == 20000.0  # 20000.00 元, not 万元
    assert project(frames, 2)["project_name"] == "残疾人保障金"
    assert project(frames, 2)["budget_yuan"] == 102000.0


def test_003_row_with_cells_separated_by_blank_lines(seed: Seed) -> None:
    frames = seed("003")
    assert cells(frames, 2, 3) == (
        "产出指标", "时效指标", "开展工作时效性", "开展工作时效性", "≥95开展工作时效性", "开展工作时效性",
    )
    assert row(frames, 2, 3)["source_line"] == 210
    assert cells(frames, 2, 4)[:3] == ("产出指标", "成本指标", "项目总成本")
    assert cells(frames, 6, 7) == ("效益指标", "社会效益指标", "生态效益增长率", "生态效益增长率", "≥95生态效益增长率", "生态效益增长率")
    assert row(frames, 6, 7)["source_line"] == 686


def test_003_prose_section_gives_prose_rows_only(seed: Seed) -> None:
    """Lines 1–36 are 第一部分 (prose): their rows belong to prose projects, never to a table's."""
    frames = seed("003")
    prose = set(frames.projects.filter(pl.col("source_kind") == "prose")["table_no"].to_list())
    early = frames.indicators.filter(pl.col("source_line") < 40)
    assert early.height == 18 + 9 + 8 + 7 + 8 + 9 + 9
    assert set(early["table_no"].to_list()) == prose


# -- 004 门源县浩门镇 2023, wide table with <p> lists ------------------------------------


def test_004_document(seed: Seed) -> None:
    frames = seed("004")
    doc = document(frames)
    assert doc["layout"] == "html_list"
    assert (doc["town"], doc["county"], doc["fiscal_year"], doc["unit_code"]) == ("浩门镇", "门源县", 2023, "407001")
    assert doc["unit_total_yuan"] == pytest.approx(5883900.0)
    assert frames.projects.height == 28
    assert frames.projects["budget_yuan"].sum() == pytest.approx(5883800.0)


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_every_row_is_located(seed: Seed, number: str) -> None:
    frames = seed(number)
    located = frames.indicators.filter(pl.col("source_line").is_not_null() | pl.col("source_page").is_not_null())
    assert located.height == frames.indicators.height > 0
    assert frames.indicators["source_file"].unique().to_list() == [frames.source_file]


# -- typed values and canonical categories (issue 4), per seed, through the whole path ------------

TYPED = ("comparator", "value_num", "value_unit", "value_kind")


def typed(frames: DocumentFrames, table_no: int, row_no: int) -> tuple[object, ...]:
    found = row(frames, table_no, row_no)
    return tuple(found[c] for c in TYPED)


def test_000_typed_values(seed: Seed) -> None:
    frames = seed("000")
    assert typed(frames, 13, 2) == ("<=", 95.0, "%", "quantitative")  # 县派驻村工作队经费 质量指标 ≤95%
    assert typed(frames, 8, 1) == (None, 133.96, "亩", "quantitative")  # 老漳河东岸土地补偿 占地亩数
    cost = row(frames, 1, 4)  # ≤19 万元: money in 元
    assert (cost["value_std"], cost["unit_std"]) == (190000.0, "元")
    deadline = row(frames, 13, 3)  # 2024年12月底
    assert (deadline["value_kind"], str(deadline["value_date"])) == ("date", "2024-12-31")


def test_001_typed_values(seed: Seed) -> None:
    frames = seed("001")
    money = row(frames, 1, 4)  # 每村分配金额 ≤7500元
    assert typed(frames, 1, 4) == ("<=", 7500.0, "元", "quantitative") and money["value_std"] == 7500.0
    done = row(frames, 1, 3)  # 工作完成时间 2023年12月31日完成
    assert (done["value_kind"], str(done["value_date"])) == ("date", "2023-12-31")
    assert typed(frames, 1, 5)[3] == "qualitative"  # 社会影响力 优


def test_002_typed_values(seed: Seed) -> None:
    frames = seed("002")
    assert typed(frames, 1, 3) == ("<=", 7.0, "工作日", "quantitative")  # 报账时间 ≤7 工作日
    assert row(frames, 1, 2)["value_std"] == 240000.0  # 资金总成本 24 万元
    below = row(frames, 2, 5)  # 小于等于核定数: a comparator against no number
    assert (below["comparator"], below["value_num"], below["value_kind"]) == ("<=", None, "qualitative")


def test_003_typed_values_glued_to_text(seed: Seed) -> None:
    glued = row(seed("003"), 1, 1)  # ≥95安全生产: the unit is missing, said rather than guessed
    assert (glued["comparator"], glued["value_num"], glued["value_unit"]) == (">=", 95.0, None)
    assert glued["value_parse_note"]


def test_004_typed_values_and_canonical_categories(seed: Seed) -> None:
    frames = seed("004")
    assert typed(frames, 1, 1) == (None, 39.0, "人次", "quantitative")  # 培训乡村两级调委会成员数 39人次
    satisfaction = frames.indicators.filter(
        (pl.col("table_no") == 1) & (pl.col("level3") == "群众满意度")
    ).row(0, named=True)
    assert (satisfaction["level1_raw"], satisfaction["level2_raw"]) == ("满意度指标", None)
    assert (satisfaction["level1"], satisfaction["level2"]) == ("满意度指标", "服务对象满意度指标")
    assert satisfaction["category_note"]
    assert typed(frames, 1, 14)[:3] == (">=", 95.0, "%")


def test_canonical_levels_everywhere(seed: Seed) -> None:
    level1 = {"产出指标", "效益指标", "满意度指标", "成本指标", None}
    for number in ("000", "001", "002", "003", "004"):
        assert set(seed(number).indicators["level1"].to_list()) <= level1
