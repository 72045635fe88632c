"""Glued table lines (no cell separators): header segmentation and row cutting.

Synthetic lines are written in the two shapes the real pages show (our own wording): a project table
whose rows glue 一级+二级+三级+指标值+指标值内容+评(扣)分标准+``-``+指标值类型, and a department table
glued as 指标名称+指标权重+计量单位+指标性质+指标值. The real documents are read from
``../shared/realdocs`` (never copied here) and skipped when that folder is absent.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.parse.reader.glued import DASHES, NATURE_WORDS, ROLES, cut_glued_rows, split_glued_header
from tests.conftest import REPO

LABELS = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "level3",
    "指标名称": "level3",
    "指标值": "value",
    "指标值内容": "description",
    "指标说明": "description",
    "评分标准": "scoring",
    "评扣分标准": "scoring",
    "度量单位": "unit",
    "计量单位": "unit",
    "指标值类型": "nature",
    "指标性质": "comparator",
    "指标权重": "weight",
    "备注": "remark",
    "绩效指标": "other",
}
"""Header labels of the two shapes; 指标性质 holds the comparator in the department shape."""

PROJECT = ("level1", "level2", "level3", "value", "description", "scoring", "unit", "nature", "remark")
DEPARTMENT = ("other", "level3", "weight", "unit", "comparator", "value")

REALDOCS = REPO.parent / "shared" / "realdocs"
needs_realdocs = pytest.mark.skipif(
    not (REALDOCS / "raw").is_dir(), reason=f"real documents not available at {REALDOCS} (not part of the repo)"
)


def project_row(**cells: str) -> tuple[str, ...]:
    return tuple(cells.get(role, "") for role in PROJECT)


def department_row(**cells: str) -> tuple[str, ...]:
    return tuple(cells.get(role, "") for role in DEPARTMENT)


# --- header -------------------------------------------------------------------------------------------


def test_header_of_a_project_table_with_a_bracketed_scoring_label() -> None:
    line = "一级指标二级指标三级指标指标值指标说明评(扣分标准) 计量单位指标值类型备注"
    assert split_glued_header(line, LABELS) == (
        "一级指标", "二级指标", "三级指标", "指标值", "指标说明", "评扣分标准", "计量单位", "指标值类型", "备注",
    )  # fmt: skip


def test_header_leaves_out_a_note_after_a_label_and_inside_one() -> None:
    assert split_glued_header("指标名称指标权重(%)计量单位指标值", LABELS) == (
        "指标名称",
        "指标权重",
        "计量单位",
        "指标值",
    )
    assert split_glued_header("三级指标*指标值评(扣)分标准", LABELS) == ("三级指标", "指标值", "评扣分标准")
    without = {label: role for label, role in LABELS.items() if label != "评扣分标准"}
    assert split_glued_header("三级指标指标值评(扣)分标准", without) == ("三级指标", "指标值", "评分标准")
    assert split_glued_header("三级指标（必填）指标值", LABELS) == ("三级指标", "指标值")


def test_header_prefers_the_fewest_labels() -> None:
    labels = {**LABELS, "内容": "other"}
    assert split_glued_header("指标值指标值内容", labels) == ("指标值", "指标值内容")


def test_header_that_does_not_segment_is_none() -> None:
    assert split_glued_header("一级指标二级指标考核方式", LABELS) is None
    assert split_glued_header("(说明)一级指标", LABELS) is None
    assert split_glued_header("  ", LABELS) is None


def test_header_with_two_equally_short_readings_is_none() -> None:
    labels = {"甲乙": "level1", "乙丙": "level2", "甲": "level1", "丙": "level2"}
    assert split_glued_header("甲乙丙", labels) is None


# --- project rows ---------------------------------------------------------------------------------------


def test_full_project_row() -> None:
    line = "产出指标数量指标培训教师人数240反映参训教师人数全部完成得20分,每少10人扣2分-定量"
    assert cut_glued_rows([line], PROJECT) == [
        project_row(
            level1="产出指标", level2="数量指标", level3="培训教师人数", value="240",
            description="反映参训教师人数", scoring="全部完成得20分,每少10人扣2分", nature="定量",
        )
    ]  # fmt: skip


@pytest.mark.parametrize("level1", ["产出类指标", "项目效益指标", "项目完成指标", "管理类指标"])
def test_a_row_starts_with_any_level1_variant_the_form_reader_knows(level1: str) -> None:
    """The glued reader derived its own 一级 variants (only 产出类指标 …): a glued row opening with
    项目效益指标, which pipeline.core.vocabulary reads as a 一级 in every other table, was not cut at all."""
    line = f"{level1}数量指标培训教师人数≥100人反映参训教师人数全部完成得20分-定量"
    assert cut_glued_rows([line], PROJECT) == [
        project_row(
            level1=level1, level2="数量指标", level3="培训教师人数", value="≥100人",
            description="反映参训教师人数", scoring="全部完成得20分", nature="定量",
        )
    ]  # fmt: skip


def test_a_deadline_and_a_criterion_with_the_value_reader_s_action_and_on_time_words() -> None:
    """The glued reader kept a shorter list of action and on-time words than the value reader (no 支付,
    no 准时): ``2024年6月底前支付`` lost its 支付 to the description, and ``准时支付得10分`` its criterion."""
    line = "产出指标时效指标补贴发放时间2024年6月底前支付反映资金拨付进度准时支付得10分-定量"
    assert cut_glued_rows([line], PROJECT) == [
        project_row(
            level1="产出指标", level2="时效指标", level3="补贴发放时间", value="2024年6月底前支付",
            description="反映资金拨付进度", scoring="准时支付得10分", nature="定量",
        )
    ]  # fmt: skip


def test_rows_starting_at_level2_and_level3() -> None:
    lines = [
        "时效指标资金拨付时间2024年6月30日反映资金拨付进度按时完成得10分-定量",
        "设备完好率95%以上实际完好设备数/设备总数95%以上得10分-定量",
        "道路通行率不低于98%反映道路通行情况98%得10分-定量",
    ]
    assert cut_glued_rows(lines, PROJECT) == [
        project_row(
            level2="时效指标", level3="资金拨付时间", value="2024年6月30日",
            description="反映资金拨付进度", scoring="按时完成得10分", nature="定量",
        ),
        project_row(
            level3="设备完好率", value="95%以上", description="实际完好设备数/设备总数",
            scoring="95%以上得10分", nature="定量",
        ),
        project_row(
            level3="道路通行率", value="不低于98%", description="反映道路通行情况", scoring="98%得10分", nature="定量"
        ),
    ]  # fmt: skip


def test_degree_phrase_value_and_grade_scoring() -> None:
    line = "群众出行条件明显改善对出行便利程度较好得10分,一般得5分-定性"
    assert cut_glued_rows([line], PROJECT) == [
        project_row(
            level3="群众出行条件", value="明显改善", description="对出行便利程度",
            scoring="较好得10分,一般得5分", nature="定性",
        )
    ]  # fmt: skip


def test_degree_value_repeated_in_the_scoring_text() -> None:
    line = "社会效益指标改善办学条件明显改善反映办学条件改善情况明显改善得10分,有所改善得5分-定性"
    assert cut_glued_rows([line], PROJECT) == [
        project_row(
            level2="社会效益指标", level3="改善办学条件", value="明显改善", description="反映办学条件改善情况",
            scoring="明显改善得10分,有所改善得5分", nature="定性",
        )
    ]  # fmt: skip


def test_full_width_and_variant_comparators_are_read_but_kept_as_written() -> None:
    line = "服务对象满意度指标群众满意度≧９５％反映群众满意程度９５％得10分-定性"
    (row,) = cut_glued_rows([line], PROJECT)
    assert row is not None
    assert (row[1], row[2], row[3]) == ("服务对象满意度指标", "群众满意度", "≧９５％")


def test_value_with_a_per_unit() -> None:
    (row,) = cut_glued_rows(["经济成本指标餐费补助标准12元/人.每天反映补助标准按标准发放得10分-定量"], PROJECT)
    assert row is not None and (row[2], row[3]) == ("餐费补助标准", "12元/人.每天")


def test_scoring_without_a_recognised_start_stays_with_the_description() -> None:
    (row,) = cut_glued_rows(["宣传册数量500反映宣传覆盖情况视情况得5分-定量"], PROJECT)
    assert row == project_row(
        level3="宣传册数量", value="500", description="反映宣传覆盖情况视情况得5分", nature="定量"
    )


def test_category_lines_keep_only_level_cells() -> None:
    lines = ["生态效益指标", "-定性", "效益指标可持续影响指标", "社会成本指标-定性", ""]
    assert cut_glued_rows(lines, PROJECT) == [
        project_row(level2="生态效益指标"),
        project_row(),
        project_row(level1="效益指标", level2="可持续影响指标"),
        project_row(level2="社会成本指标"),
        project_row(),
    ]


def test_lines_without_a_value_or_a_name_are_none() -> None:
    lines = ["反映教师培训情况", "95%以上得10分-定量", "返回首页"]
    assert cut_glued_rows(lines, PROJECT) == [None, None, None]


def test_name_that_swallowed_the_value_loses_to_the_first_value() -> None:
    (row,) = cut_glued_rows(["资金到位率90%以上实际到位资金/2024年预算资金90%得10分-定量"], PROJECT)
    assert row is not None and (row[2], row[3]) == ("资金到位率", "90%以上")


# --- department rows ---------------------------------------------------------------------------------


def test_department_rows_with_weight_unit_comparator_and_text_values() -> None:
    lines = [
        "会议经费执行率10%=100",
        "道路维护长度15公里≥30",
        "辖区治安状况10明显好转",
        "火灾发生率10%0",
    ]
    assert cut_glued_rows(lines, DEPARTMENT) == [
        department_row(level3="会议经费执行率", weight="10", unit="%", comparator="=", value="100"),
        department_row(level3="道路维护长度", weight="15", unit="公里", comparator="≥", value="30"),
        department_row(level3="辖区治安状况", weight="10", value="明显好转"),
        department_row(level3="火灾发生率", weight="10", unit="%", value="0"),
    ]


def test_weight_glued_to_the_value_is_cut_by_the_weights_of_the_other_rows() -> None:
    lines = ["宣传活动次数5120", "经费执行率10%=100", "巡查次数20次≥12", "满意度5%95", "培训场次1030"]
    cut = cut_glued_rows(lines, DEPARTMENT)
    assert cut[0] == department_row(level3="宣传活动次数", weight="5", value="120")
    assert cut[4] == department_row(level3="培训场次", weight="10", value="30")


def test_counter_ending_the_name_is_not_a_unit_before_a_glued_weight() -> None:
    lines = ["经费执行率10%=100", "开展宣传场次1012"]
    assert cut_glued_rows(lines, DEPARTMENT)[1] == department_row(level3="开展宣传场次", weight="10", value="12")


def test_weight_glued_to_the_value_is_cut_by_the_total_of_weights() -> None:
    lines = ["经费执行率30%=100", "巡查次数30次≥12", "满意度25%95", "培训场次1530"]
    assert cut_glued_rows(lines, DEPARTMENT)[3] == department_row(level3="培训场次", weight="15", value="30")


def test_glued_weight_that_stays_ambiguous_is_none() -> None:
    lines = ["经费执行率30%=100", "宣传活动次数5120", "培训场次1530"]
    cut = cut_glued_rows(lines, DEPARTMENT)
    assert cut[0] is not None
    assert cut[1:] == [None, None]


def test_unit_column_after_the_value_takes_the_unit() -> None:
    roles = ("level3", "value", "unit", "weight")
    assert cut_glued_rows(["办理证件数量480件3"], roles) == [("办理证件数量", "480", "件", "3")]


def test_comparator_and_unit_columns_around_the_value_take_theirs() -> None:
    roles = ("level3", "comparator", "value", "unit", "weight")
    lines = ["学员人数≥40人10", "设施完好率不低于90%5", "完成时限2024年底前5"]
    assert cut_glued_rows(lines, roles) == [
        ("学员人数", "≥", "40", "人", "10"),
        ("设施完好率", "不低于", "90", "%", "5"),
        ("完成时限", "", "2024年底前", "", "5"),
    ]


def test_self_evaluation_row_with_a_decimal_score_and_a_remark() -> None:
    roles = ("level2", "level3", "value", "actual", "weight", "score", "remark")
    lines = ["数量指标培训人数≥50人52人1010", "按期完成率≥95%100%2018.5因疫情延误"]
    assert cut_glued_rows(lines, roles) == [
        ("数量指标", "培训人数", "≥50人", "52人", "10", "10", ""),
        ("", "按期完成率", "≥95%", "100%", "20", "18.5", "因疫情延误"),
    ]


def test_two_rows_in_one_line_and_overlong_lines_are_none() -> None:
    row = "产出指标数量指标培训人数240反映参训人数全部完成得20分-定量"
    assert cut_glued_rows([row + row, "培训人数240反映" + "参训人数" * 80], PROJECT) == [None, None]


def test_level_names_keep_their_tags() -> None:
    lines = [
        "产出指标(40分)数量指标(必填)树苗成活率(≥**%)85反映树苗成活情况85%得10分-定量",
        "成本指标(0-20)分经济成本指标项目总投入(≤**万元)320反映投入-定量",
    ]
    assert [row[:4] if row else None for row in cut_glued_rows(lines, PROJECT)] == [
        ("产出指标(40分)", "数量指标(必填)", "树苗成活率(≥**%)", "85"),
        ("成本指标(0-20)分", "经济成本指标", "项目总投入(≤**万元)", "320"),
    ]


@pytest.mark.parametrize(
    ("value", "description"),
    [
        ("12月底前", "反映拨付进度"),
        ("2022年1月-12月", "反映实施周期"),
        ("2024-06-30", "反映完成时间"),
        ("2022年全年", "反映服务时段"),
        ("80%-90%", "反映覆盖情况"),
        ("1次/月", "反映巡查频次"),
    ],
)
def test_dates_periods_ranges_and_rates_are_whole_values(value: str, description: str) -> None:
    (row,) = cut_glued_rows([f"工作时限{value}{description}-定量"], PROJECT)
    assert row == project_row(level3="工作时限", value=value, description=description, nature="定量")


def test_cost_is_a_level2_in_a_table_of_the_older_framework() -> None:
    older = [
        "产出指标时效指标完工时间2024年9月底前反映工期按期完成得10分-定量",
        "成本指标单位造价≤300元/平方米反映造价-定量",
    ]
    newer = [*older, "成本指标经济成本指标人均补助≤500元反映补助标准-定量"]
    assert [row[:4] if row else None for row in cut_glued_rows(older, PROJECT)][1] == (
        "", "成本指标", "单位造价", "≤300元/平方米",
    )  # fmt: skip
    assert [row[:4] if row else None for row in cut_glued_rows(newer, PROJECT)][1] == (
        "成本指标", "", "单位造价", "≤300元/平方米",
    )  # fmt: skip


def test_level_name_is_read_whole_after_an_outer_label_column() -> None:
    roles = ("other", "level1", "level2", "level3", "value")
    assert cut_glued_rows(["社会效益指标居民生活条件显著改善"], roles) == [
        ("", "", "社会效益指标", "居民生活条件", "显著改善")
    ]


def test_deadline_with_its_action_is_one_value() -> None:
    (row,) = cut_glued_rows(["资金拨付12月底到位反映拨付时间-定量"], PROJECT)
    assert row == project_row(level3="资金拨付", value="12月底到位", description="反映拨付时间", nature="定量")


def test_one_character_counter_opening_a_word_is_not_a_unit() -> None:
    (row,) = cut_glued_rows(["绿化面积1500反映绿化面积完成得10分项目组核定"], PROJECT)
    assert row == project_row(
        level3="绿化面积", value="1500", description="反映绿化面积", scoring="完成得10分项目组核定"
    )


def test_unknown_role_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown column roles"):
        cut_glued_rows(["预算执行率10%=100"], ("level3", "target"))


# --- properties -------------------------------------------------------------------------------------

CELL_POOLS: dict[str, list[str]] = {
    "level1": ["产出指标", "效益指标", "成本指标", "满意度指标"],
    "level2": ["数量指标", "质量指标", "社会效益指标", "经济成本指标"],
    "level3": ["培训人数", "道路长度", "群众满意度", "资金到位率", "开展活动场次"],
    "value": ["95%", "≥100", "90%以上", "2024年12月", "有所提升", "12元/人", "30"],
    "description": ["反映培训情况", "实际到位/应到位", "对群众生活影响"],
    "scoring": ["按期完成得10分", "95%得5分,每少1%扣1分", "良好得10分"],
    "weight": ["5", "10", "20"],
    "unit": ["%", "公里", "人次"],
    "comparator": ["=", "≥", "不低于"],
    "nature": ["-定量", "-定性"],
}
NOISE = "0123456789%=≥.-/得扣分以上定量性指标产出数量成本满意度有所提升元人公里年月日反映培训"


def glued_line(roles: Sequence[str]) -> st.SearchStrategy[str]:
    """A line glued from plausible cells for some of the roles, or plain noise."""
    cells = [st.sampled_from(["", *CELL_POOLS.get(role, ["备注文字"])]) for role in roles]
    return st.one_of(st.tuples(*cells).map("".join), st.text(alphabet=NOISE, max_size=24))


role_lists = st.one_of(
    st.just(PROJECT), st.just(DEPARTMENT), st.lists(st.sampled_from(sorted(ROLES)), min_size=1, max_size=7)
)


@st.composite
def tables(draw: st.DrawFn) -> tuple[tuple[str, ...], list[str]]:
    roles = tuple(draw(role_lists))
    return roles, draw(st.lists(glued_line(roles), min_size=1, max_size=4))


def dropped_characters(text: str, cells: Sequence[str]) -> str:
    """The characters of ``text`` left out when reading ``cells`` in order (cells must be a subsequence)."""
    joined = "".join(cells)
    dropped, position = [], 0
    for char in text:
        if position < len(joined) and joined[position] == char:
            position += 1
        else:
            dropped.append(char)
    assert position == len(joined), f"cells {cells!r} invent characters not in {text!r}"
    return "".join(dropped)


@settings(max_examples=150, deadline=None)
@given(tables())
def test_cutting_places_each_line_into_the_roles_and_invents_nothing(table: tuple[tuple[str, ...], list[str]]) -> None:
    roles, lines = table
    cut = cut_glued_rows(lines, roles)
    assert len(cut) == len(lines)
    for line, row in zip(lines, cut, strict=True):
        if row is None:
            continue
        assert len(row) == len(roles)
        assert sum(bool(cell) for cell in row) <= len(roles)
        dropped = dropped_characters(line, row)
        category = all(not cell or role in ("level1", "level2") for cell, role in zip(row, roles, strict=True))
        allowed = set(DASHES) | (set("".join(NATURE_WORDS)) if category else set())
        assert set(dropped) <= allowed, f"{line!r} → {row!r} drops {dropped!r}"


# --- the real documents ---------------------------------------------------------------------------------


def document_lines(prefix: str) -> list[str]:
    (path,) = (REALDOCS / "raw").glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8").splitlines()


Reference = tuple[str, str, str, str]
"""(level1, level2, level3, value_text) of one indicator row."""


def reference_rows(prefix: str) -> list[Reference]:
    with (REALDOCS / "reference" / f"{prefix}_rows.csv").open(encoding="utf-8") as handle:
        return [(row["level1"], row["level2"], row["level3"], row["value_text"]) for row in csv.DictReader(handle)]


def read_rows(lines: list[str]) -> list[Reference]:
    """Find the glued header, cut every line after it and read the rows as the reference writes them.

    一级/二级 carry down from the line that prints them (a new 一级 clears the 二级); the value is
    joined as comparator + value + unit (``=`` ``100`` ``%`` → ``=100%``).
    """
    start = next(i for i, line in enumerate(lines) if split_glued_header(line, LABELS) is not None)
    header = split_glued_header(lines[start], LABELS)
    assert header is not None
    roles = [LABELS[label] for label in header]
    level1 = level2 = ""
    rows = []
    for cut in cut_glued_rows(lines[start + 1 :], roles):
        cells = dict(zip(roles, cut, strict=True)) if cut is not None else {}
        if cells.get("level1"):
            level1, level2 = cells["level1"], ""
        level2 = cells.get("level2") or level2
        if cells.get("value"):
            value = cells.get("comparator", "") + cells["value"] + cells.get("unit", "")
            rows.append((level1, level2, cells["level3"], value))
    return rows


@needs_realdocs
@pytest.mark.parametrize("prefix", ["b02", "b10"])
def test_real_glued_document_gives_exactly_its_reference_rows(prefix: str) -> None:
    assert read_rows(document_lines(prefix)) == reference_rows(prefix)


def test_template_variant_of_a_level2_name_is_read_whole() -> None:
    """``可持续性影响指标`` is an alias in the categories' list, so a glued line cuts after it, not inside it."""
    line = "效益指标可持续性影响指标设施使用年限≥10年反映设施持续发挥作用年限按期完成得10分-定量"
    assert cut_glued_rows([line], PROJECT) == [
        project_row(
            level1="效益指标", level2="可持续性影响指标", level3="设施使用年限", value="≥10年",
            description="反映设施持续发挥作用年限", scoring="按期完成得10分", nature="定量",
        )
    ]  # fmt: skip


def test_older_cost_level_does_not_move_past_a_cell_between_the_level_columns() -> None:
    """Hypothesis found it: under 一级 | 依据 | 二级, ``成本指标备注文字`` moved 成本指标 to the 二级 column,
    after the 依据 text that follows it in the line. It stays a 一级 there."""
    roles = ("level1", "basis", "level2", "basis")
    assert cut_glued_rows(["成本指标备注文字"], roles) == [("成本指标", "备注文字", "", "")]
