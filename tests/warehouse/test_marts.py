"""The analyst marts on the five bundled documents: flags read off the documents themselves.

One warehouse per session (tests/warehouse_build.py): the seeds parsed and loaded, then a full
``dbt build`` — models, data tests, unit tests. Each assertion names the document, project and
target it was read from, so a failure points at a line of data/raw/*.txt.
"""

from __future__ import annotations

import re
from typing import Any

import duckdb
import pytest

from pipeline.core.categories import LEVEL2_NAMES
from tests.warehouse_build import DBT_DIR, BuiltWarehouse, built_warehouse

MARTS = ("mart_indicator_quality", "mart_project_quality", "mart_town_year", "mart_category_targets")
FLAGS = ("unquantified", "backwards", "implausible", "cost_mismatch", "echo", "boilerplate", "no_basis")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    return built_warehouse(tmp_path_factory)


def query(built: BuiltWarehouse, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    con = duckdb.connect(str(built.path), read_only=True)
    try:
        cursor = con.execute(sql, params or [])
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def target(
    built: BuiltWarehouse, doc: str, project: str, level3: str, value_text: str, level2: str | None = None
) -> dict[str, Any]:
    """The one target of seed ``doc`` ("000"…"004") with this project, name and value as written."""
    rows = query(
        built,
        "SELECT * FROM main.mart_indicator_quality WHERE source_file LIKE ? AND project_name = ? "
        "AND level3 = ? AND value_text = ? AND (? IS NULL OR level2 = ?)",
        [f"{doc}_%", project, level3, value_text, level2, level2],
    )
    assert len(rows) == 1, (doc, project, level3, value_text, len(rows))
    return rows[0]


def test_build_passes_every_test_including_the_marts(built: BuiltWarehouse) -> None:
    result = built.dbt_result
    assert result.exception is None, result.exception
    statuses = built.statuses()
    bad = {name: status for name, status in statuses.items() if status in {"error", "fail", "skipped"}}
    assert not bad
    for name in MARTS:
        assert statuses[name] == "success"
    assert statuses["mart_indicator_quality_backwards_respects_what_is_measured"] == "pass"
    assert statuses["mart_indicator_quality_implausible_cost_mismatch_and_echo"] == "pass"
    for singular in (
        "assert_marts_count_every_indicator_once",
        "assert_mart_town_year_budget_matches_dim_project",
        "assert_mart_category_targets_level2_is_canonical",
    ):
        assert statuses[singular] == "pass"
    mart_tests = [n for n in statuses if any(m in n for m in MARTS)]
    assert len(mart_tests) > 80  # unique, not_null, relationships, accepted_values, invariants


# --- the flags, read off the documents ---------------------------------------------------------------


def test_000_ceiling_on_a_rate_is_backwards(built: BuiltWarehouse) -> None:
    row = target(built, "000", "乡镇办公运转经费", "运转保障率", "≤95%")
    assert row["level2"] == "质量指标"
    assert row["backwards"] is True
    assert row["measure_direction"] == "higher_is_better"
    assert "backwards: 运转保障率" in row["reason"]
    # 000 has many: ≤100% and ≤95% on 发放率 and 运转率 in five projects.
    [many] = query(
        built, "SELECT count(*) AS n FROM main.mart_indicator_quality WHERE source_file LIKE '000_%' AND backwards"
    )
    assert many["n"] == 10


def test_ceiling_on_a_cost_is_not_backwards(built: BuiltWarehouse) -> None:
    row = target(built, "000", "乡镇办公运转经费", "乡镇办公运转经费支出", "≤37.2万元")
    assert row["level2"] == "成本指标"
    assert row["measure_direction"] == "lower_is_better"
    assert row["backwards"] is False
    costs = query(
        built,
        "SELECT count(*) AS n FROM main.mart_indicator_quality "
        "WHERE level2 = '成本指标' AND comparator IN ('<=', '<') AND backwards",
    )
    assert costs[0]["n"] == 0


def test_floor_on_a_rate_is_not_backwards(built: BuiltWarehouse) -> None:
    row = target(built, "000", "乡镇办公运转经费", "付款及时率", "≥95%")
    assert row["backwards"] is False
    assert {flag for flag in FLAGS if row[flag]} == {"boilerplate"}  # copied into 7 projects, but the right way
    assert row["reason"].startswith("boilerplate: the same name, description and value in")


def test_000_satisfaction_target_of_25_percent_is_implausible(built: BuiltWarehouse) -> None:
    row = target(built, "000", "基层武装部工作经费", "群众满意度", "≥25%")
    assert row["implausible"] is True
    assert row["satisfaction_target_pct"] == 25.0
    assert "satisfaction target of ≥25% is under 50%" in row["reason"]


def test_000_satisfaction_target_of_95_percent_is_plausible(built: BuiltWarehouse) -> None:
    row = target(built, "000", "乡镇办公运转经费", "群众满意度", "≥95%")
    assert row["implausible"] is False
    assert row["satisfaction_target_pct"] == 95.0


def test_001_grade_is_unquantified(built: BuiltWarehouse) -> None:
    rows = query(
        built,
        "SELECT unquantified, value_kind, reason FROM main.mart_indicator_quality "
        "WHERE source_file LIKE '001_%' AND level3 = '社会影响力'",
    )
    assert len(rows) == 7
    assert all(r["unquantified"] and r["value_kind"] == "qualitative" for r in rows)
    assert "unquantified: the target '优' states no number and no date" in rows[0]["reason"]


def test_dates_and_numbers_are_quantified(built: BuiltWarehouse) -> None:
    dated = target(built, "001", "财政所经费", "工作完成时间", "2023年12月31日完成")
    assert dated["unquantified"] is False
    text = target(built, "002", "执法工作经费", "提高纠纷处理效率", "有效提升")
    assert text["unquantified"] is True


def test_002_total_cost_against_budget_is_a_cost_mismatch(built: BuiltWarehouse) -> None:
    project = "2023年省级衔接推进乡村振兴补助资金（驻村工作队综合经费）冀财农【2022】160号"
    row = target(built, "002", project, "资金总成本", "24万元")
    assert row["cost_mismatch"] is True
    assert row["value_std"] == 240_000.0
    assert row["budget_yuan"] == 61_900.0
    assert "240,000.00 元, but the project's budget is 61,900.00 元" in row["reason"]


def test_cost_within_rounding_or_per_unit_is_not_a_mismatch(built: BuiltWarehouse) -> None:
    # 004: 2.295万元 against a budget written as 2.29万元 — rounding, not a mismatch.
    row = target(built, "004", "乡镇残联及社区村级残联工作经费", "残疾人综合服务总成本", "≤2.295万元")
    assert row["cost_mismatch"] is False
    # 001: a per-village amount is not the project's total.
    per_unit = target(built, "001", "村级转移支付", "每村分配金额", "≤14500元")
    assert per_unit["is_cost_figure"] is False
    assert per_unit["cost_mismatch"] is False


def test_003_value_repeating_the_name_is_an_echo(built: BuiltWarehouse) -> None:
    row = target(built, "003", "安保、环保、安全生产、应急、食药监管", "安全生产", "≥95安全生产", "数量指标")
    assert row["echo"] is True
    assert row["no_basis"] is True  # the basis is 安全生产 again
    assert "echo: the value '≥95安全生产' repeats the indicator's name" in row["reason"]
    plain = target(built, "000", "乡镇办公运转经费", "群众满意度", "≥95%")
    assert plain["echo"] is False


def test_boilerplate_and_no_basis(built: BuiltWarehouse) -> None:
    copied = target(built, "001", "财政所经费", "社会影响力", "优")
    assert copied["boilerplate"] is True
    own = target(built, "002", "执法工作经费", "经费使用合规率", "100%")
    assert own["boilerplate"] is False
    assert own["no_basis"] is False  # 内控考核
    repeated = target(built, "000", "乡镇事业人员交通补贴", "补贴发放率", "≥95%")
    assert repeated["no_basis"] is True  # basis = description
    blank = target(built, "004", "党校工作经费", "培训及时率", "100%")
    assert blank["no_basis"] is True  # 004 states no basis at all


# --- projects, towns, categories -----------------------------------------------------------------------


def test_project_quality(built: BuiltWarehouse) -> None:
    rows = {
        r["project_name"]: r
        for r in query(
            built,
            "SELECT * FROM main.mart_project_quality WHERE document_id IN "
            "(SELECT document_id FROM main.dim_document WHERE source_file LIKE '000_%')",
        )
    }
    office = rows["乡镇办公运转经费"]
    assert (office["indicator_count"], office["backwards_count"], office["missing_categories"]) == (7, 2, None)
    assert office["cost_gap_yuan"] == 0.0
    assert 0 <= office["quality_score"] <= 100
    haomen = {
        r["project_name"]: r for r in query(built, "SELECT * FROM main.mart_project_quality WHERE town = '浩门镇'")
    }
    assert haomen["村级运转经费"]["missing_categories"] == "满意度"
    staff = haomen["长期聘用人员经费支出"]
    assert staff["cost_figure_count"] == 7
    assert staff["cost_gap_yuan"] == pytest.approx(6_330_183.56 - 4_310_100.0)


def test_score_formula(built: BuiltWarehouse) -> None:
    [row] = query(
        built,
        "SELECT * FROM main.mart_project_quality WHERE town = '阎疃镇' AND project_name = '妇联工作经费'",
    )
    # 7 targets, all quantified, none defective, all six kinds present, 2 boilerplate, all with a basis.
    counts = (row["indicator_count"], row["quantified_count"], row["boilerplate_count"], row["no_basis_count"])
    assert counts == (7, 7, 2, 0)
    assert row["quality_score"] == pytest.approx(round(30 + 30 + 20 + 10 * 5 / 7 + 10, 1))


def test_004_unit_total_differs_by_100_yuan(built: BuiltWarehouse) -> None:
    [row] = query(built, "SELECT * FROM main.mart_town_year WHERE town = '浩门镇'")
    assert row["project_count"] == 28
    assert row["total_budget_yuan"] == pytest.approx(5_883_800.0)  # 588.38 万元
    assert row["stated_unit_total_yuan"] == pytest.approx(5_883_900.0)  # 588.39 万元
    assert row["reconciliation_diff_yuan"] == pytest.approx(-100.0)  # 0.01 万元, reported
    assert row["budgets_reconcile"] is False
    others = query(
        built, "SELECT reconciliation_diff_yuan, budgets_reconcile FROM main.mart_town_year WHERE town <> '浩门镇'"
    )
    assert len(others) == 4
    assert all(r["reconciliation_diff_yuan"] is None and r["budgets_reconcile"] is None for r in others)


def test_town_year(built: BuiltWarehouse) -> None:
    rows = {r["town"]: r for r in query(built, "SELECT * FROM main.mart_town_year")}
    assert set(rows) == {"阎疃镇", "李钊庄镇", "三家镇", "亮甲店镇", "浩门镇"}
    assert sum(r["indicator_count"] for r in rows.values()) == 609 + 68  # 003's prose rows count too
    liangjiadian = rows["亮甲店镇"]
    # six tables + 人员类经费 + 日常公用类经费; the six prose restatements of the tables count once
    assert liangjiadian["project_count"] == 8
    assert liangjiadian["total_budget_yuan"] == pytest.approx(12477818.06 + 690028 + 20000 + 102000 + 20000 + 30000 + 20000 + 30000)
    yantuan = rows["阎疃镇"]
    assert (yantuan["fiscal_year"], yantuan["project_count"], yantuan["backwards_count"]) == (2024, 18, 10)
    assert yantuan["median_satisfaction_target_pct"] == 95.0
    assert yantuan["min_satisfaction_target_pct"] == 25.0
    echoes = query(
        built,
        "SELECT p.source_kind, count(*) AS n, count(*) FILTER (WHERE q.echo) AS echo, "
        "count(*) FILTER (WHERE q.unquantified) AS unquantified FROM main.mart_indicator_quality q "
        "JOIN main.dim_project p USING (project_id) WHERE q.town = '亮甲店镇' GROUP BY ALL ORDER BY 1",
    )
    # every 003 table target echoes its name (≥95安全生产); the prose lists do not, and one prose
    # target (信访维稳 成本指标: 文字描述--时间精力等) has no number
    assert [tuple(r.values()) for r in echoes] == [("prose", 68, 0, 1), ("table", 54, 54, 0)]
    assert 0 < rows["李钊庄镇"]["share_quantified"] < 1


def test_category_targets_compare_satisfaction_across_towns(built: BuiltWarehouse) -> None:
    rows = query(
        built,
        "SELECT town, target_unit, indicator_count, category_indicator_count, min_target, median_target, "
        "max_target FROM main.mart_category_targets WHERE level2 = '服务对象满意度指标' ORDER BY town, target_unit",
    )
    by_town = {(r["town"], r["target_unit"]): r for r in rows}
    yantuan = by_town[("阎疃镇", "%")]
    spread = (yantuan["indicator_count"], yantuan["min_target"], yantuan["median_target"], yantuan["max_target"])
    assert spread == (18, 25.0, 95.0, 95.0)
    assert by_town[("亮甲店镇", "(no unit)")]["median_target"] == 95.0  # ≥95对象满意度
    for r in rows:
        assert r["indicator_count"] <= r["category_indicator_count"]


def test_level2_names_of_the_mart_rules_are_the_canonical_ones(built: BuiltWarehouse) -> None:
    """The canonical 二级指标 of pipeline/core/categories.py reach the marts as a var, not as a copy
    in macros/mart_rules.sql: every level2 of mart_category_targets is one of them."""
    text = (DBT_DIR / "macros" / "mart_rules.sql").read_text(encoding="utf-8")
    assert not [name for name in LEVEL2_NAMES if f"'{name}'" in text]
    level2 = {r["level2"] for r in query(built, "SELECT DISTINCT level2 FROM main.mart_category_targets")}
    assert "服务对象满意度指标" in level2 and level2 <= {*LEVEL2_NAMES, "(not mapped)"}


def test_every_flag_is_documented_for_auditors(built: BuiltWarehouse) -> None:
    """The seed quality_flags lists the seven flags in order, each with its rule in words, and each
    is a documented column of mart_indicator_quality."""
    seed = query(built, "SELECT name, severity, rule FROM main.quality_flags ORDER BY position")
    assert tuple(r["name"] for r in seed) == FLAGS
    substantive = [r["name"] for r in seed if r["severity"] == "substantive"]
    assert substantive == ["backwards", "implausible", "cost_mismatch", "echo"]
    assert all(len(r["rule"]) > 40 for r in seed)
    text = (DBT_DIR / "models" / "marts" / "mart_indicator_quality.yml").read_text(encoding="utf-8")
    for flag in FLAGS:
        assert f"- name: {flag}\n" in text, flag


def test_marts_are_tables_in_main(built: BuiltWarehouse) -> None:
    found = {
        r["table_name"]
        for r in query(
            built,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE'",
        )
    }
    assert set(MARTS) <= found


README_SECTION = "## Ask the warehouse"


def _readme_questions() -> list[tuple[str, list[list[str]]]]:
    """(SQL, table rows as written) of every question in the README's "Ask the warehouse" section."""
    text = (DBT_DIR.parent / "README.md").read_text(encoding="utf-8")
    section = text.split(README_SECTION, 1)[1].split("\n## ", 1)[0]
    questions = []
    for sql, table in re.findall(r"```sql\n(.*?)```\n\n((?:\|[^\n]*\|\n)+)", section, re.DOTALL):
        lines = table.strip().splitlines()
        rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
        questions.append((sql, rows))
    return questions


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def test_readme_answers_are_what_the_warehouse_says(built: BuiltWarehouse) -> None:
    questions = _readme_questions()
    assert len(questions) == 5
    con = duckdb.connect(str(built.path), read_only=True)
    try:
        for sql, written in questions:
            answer = [[_cell(v) for v in row] for row in con.execute(sql).fetchall()]
            assert answer == written, sql
    finally:
        con.close()
