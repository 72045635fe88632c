"""The dbt project turns a small, realistic raw layer into the analysts' marts.

One ``dbt build`` per session (module-scoped fixture) against a temporary DuckDB file whose raw
tables are created from the column types of dbt's generated ``sources.yml`` (written from
``pipeline/contract/tables.py``); a separate test checks those types against the tables the
loader itself creates, so the fixture and the loader cannot drift apart unnoticed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from pipeline.contract.dbt import write_dbt_files
from pipeline.load.warehouse import LOAD_HISTORY_DDL, ensure_raw_tables
from tests.warehouse_build import dbt_build

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT_DIR = PROJECT_ROOT / "dbt_project"

# The analysts' contract: table -> columns, in order.
MART_COLUMNS: dict[str, list[str]] = {
    "dim_document": [
        "document_id",
        "source_file",
        "sha256",
        "format",
        "layout",
        "layout_confidence",
        "low_confidence",
        "document_kind",
        "status",
        "town",
        "county",
        "county_code",
        "fiscal_year",
        "unit_code",
        "unit_name",
        "amount_unit",
        "unit_total_yuan",
        "missing_facts",
        "project_count",
        "indicator_count",
        "loaded_at",
    ],
    "dim_project": [
        "project_id",
        "document_id",
        "table_no",
        "project_code",
        "project_name",
        "budget_yuan",
        "fiscal_funds_yuan",
        "other_funds_yuan",
        "purpose",
        "goals",
        "spend_plan",
        "source_file",
        "source_locator",
        "source_page",
        "source_line",
        "source_kind",
        "layout",
        "linked_project_id",
        "counts_in_totals",
        "town",
        "county",
        "fiscal_year",
    ],
    "fct_indicator": [
        "indicator_id",
        "project_id",
        "document_id",
        "town",
        "county",
        "fiscal_year",
        "project_name",
        "level1",
        "level2",
        "level1_raw",
        "level2_raw",
        "category_note",
        "level3",
        "description",
        "value_text",
        "basis",
        "comparator",
        "value_num",
        "value_unit",
        "value_kind",
        "value_date",
        "value_std",
        "unit_std",
        "value_parse_note",
        "actual_text",
        "actual_num",
        "is_core",
        "ocr_min_score",
        "source_kind",
        "source_file",
        "source_page",
        "source_line",
        "table_no",
        "row_no",
    ],
    "ingest_errors": [
        "source_file",
        "sha256",
        "stage",
        "error_class",
        "message",
        "recorded_at",
        "document_id",
    ],
    "fct_department_target": [
        "target_id",
        "document_id",
        "source_file",
        "source_line",
        "town",
        "county",
        "fiscal_year",
        "section",
        "goal_no",
        "goal_title",
        "goal_text",
        "clause_no",
        "clause",
        "comparator",
        "value_num",
        "value_unit",
        "value_kind",
    ],
}


def _doc_id(source_file: str) -> str:
    return hashlib.sha1(source_file.encode("utf-8")).hexdigest()[:16]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


YANTUAN = "巨鹿县/阎疃镇2024年项目支出绩效目标表.txt"
DICUN = "巨鹿县/堤村乡2024年项目支出绩效目标表.txt"
FAILED = "巨鹿县/西郭城镇2024年项目支出绩效目标表.txt"
D1, D2, D3 = _doc_id(YANTUAN), _doc_id(DICUN), _doc_id(FAILED)
LOADED_AT = datetime(2024, 3, 1, 9, 30)

DOCUMENTS: list[dict[str, Any]] = [
    {
        "document_id": D1,
        "source_file": YANTUAN,
        "sha256": _sha(YANTUAN),
        "format": "text",
        "layout": "tab_rows",
        "layout_confidence": 0.92,
        "low_confidence": False,
        "document_kind": "target",
        "status": "loaded",
        "town": "阎疃镇",
        "county": "巨鹿县",
        "county_code": "130529",
        "fiscal_year": 2024,
        "unit_code": "901003",
        "unit_name": "巨鹿县阎疃镇人民政府",
        "amount_unit": "万元",
        "unit_total_yuan": 500000.0,
        "missing_facts": None,
        "project_count": 2,
        "indicator_count": 3,
        "parser_version": "1",
        "loaded_at": LOADED_AT,
    },
    {
        # States a unit total 100 元 off its project budget: reported as a warning, not an error.
        "document_id": D2,
        "source_file": DICUN,
        "sha256": _sha(DICUN),
        "format": "text",
        "layout": "cell_lines",
        "layout_confidence": 0.81,
        "low_confidence": True,
        "document_kind": "self_evaluation",
        "status": "loaded",
        "town": "堤村乡",
        "county": "巨鹿县",
        "county_code": "130529",
        "fiscal_year": 2024,
        "unit_code": "901007",
        "unit_name": "巨鹿县堤村乡人民政府",
        "amount_unit": "元",
        "unit_total_yuan": 100100.0,
        "missing_facts": "town, budget",
        "project_count": 1,
        "indicator_count": 1,
        "parser_version": "1",
        "loaded_at": LOADED_AT,
    },
    {
        "document_id": D3,
        "source_file": FAILED,
        "sha256": _sha(FAILED),
        "format": "text",
        "layout": None,
        "layout_confidence": None,
        "low_confidence": None,
        "document_kind": None,
        "status": "failed",
        "town": None,
        "county": None,
        "county_code": None,
        "fiscal_year": None,
        "unit_code": None,
        "unit_name": None,
        "amount_unit": None,
        "unit_total_yuan": None,
        "missing_facts": None,
        "project_count": 0,
        "indicator_count": 0,
        "parser_version": "1",
        "loaded_at": LOADED_AT,
    },
]


def _project(
    doc: str,
    source_file: str,
    table_no: int,
    name: str,
    budget: float,
    fiscal: float,
    other: float,
    line: int,
) -> dict[str, Any]:
    return {
        "project_id": f"{doc}-p{table_no:03d}",
        "document_id": doc,
        "table_no": table_no,
        "project_code": f"13052924{table_no:04d}",
        "project_name": name,
        "budget_yuan": budget,
        "fiscal_funds_yuan": fiscal,
        "other_funds_yuan": other,
        "amount_unit": "万元",
        "budget_text": f"{budget / 10000:g}",
        "purpose": f"{name}，改善农村生产生活条件。",
        "goals": f"按期完成{name}任务，群众满意度达到95%以上。",
        "spend_plan": '[{"label": "3月底", "share": "25%"}, {"label": "6月底", "share": "50%"}]',
        "source_file": source_file,
        "source_page": None,
        "source_line": line,
        "source_locator": f"line {line}",
        "source_kind": "table",
        "layout": "tab_rows",
        "linked_project_id": None,
    }


PROJECTS: list[dict[str, Any]] = [
    _project(D1, YANTUAN, 1, "农村人居环境整治", 300000.0, 300000.0, 0.0, 5),
    _project(D1, YANTUAN, 2, "村内道路维修养护", 200000.0, 150000.0, 50000.0, 30),
    _project(D2, DICUN, 1, "农田水利设施维护", 100000.0, 100000.0, 0.0, 4),
    # The loader never writes rows for a failed document; the marts must drop them anyway.
    _project(D3, FAILED, 1, "残缺的项目表", 1.0, 1.0, 0.0, 3),
]


def _indicator(doc: str, source_file: str, table_no: int, row_no: int, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "indicator_id": f"{doc}-p{table_no:03d}-r{row_no:03d}",
        "project_id": f"{doc}-p{table_no:03d}",
        "document_id": doc,
        "table_no": table_no,
        "row_no": row_no,
        "level1_raw": None,
        "level2_raw": None,
        "level1": None,
        "level2": None,
        "category_note": None,
        "level3": None,
        "description": None,
        "value_text": None,
        "basis": None,
        "comparator": None,
        "value_num": None,
        "value_unit": None,
        "value_kind": "missing",
        "value_date": None,
        "value_std": None,
        "unit_std": None,
        "value_parse_note": None,
        "actual_text": None,
        "actual_num": None,
        "is_core": False,
        "ocr_min_score": None,
        "source_file": source_file,
        "source_page": None,
        "source_line": 10 * table_no + row_no,
    }
    row.update(values)
    return row


INDICATORS: list[dict[str, Any]] = [
    _indicator(
        D1,
        YANTUAN,
        1,
        1,
        level1_raw="产出指标",
        level2_raw="数量指标",
        level1="产出指标",
        level2="数量指标",
        level3="垃圾清运量",
        value_text="≥500吨",
        basis="年度工作计划",
        comparator=">=",
        value_num=500.0,
        value_unit="吨",
        value_kind="quantitative",
        value_std=500.0,
        unit_std="吨",
    ),
    _indicator(
        D1,
        YANTUAN,
        1,
        2,
        level1_raw="满意度指标",
        level2_raw="服务对象满意度指 标",
        level1="满意度指标",
        level2="服务对象满意度指标",
        category_note="去除换行空格",
        level3="群众满意度",
        value_text="≥95%",
        comparator=">=",
        value_num=95.0,
        value_unit="%",
        value_kind="quantitative",
        value_std=0.95,
        unit_std="ratio",
    ),
    _indicator(
        D1,
        YANTUAN,
        2,
        1,
        level1_raw="产出指标",
        level2_raw="时效指标",
        level1="产出指标",
        level2="时效指标",
        level3="完成时间",
        value_text="2024年12月底",
        value_kind="date",
        value_date=date(2024, 12, 31),
    ),
    _indicator(
        D2,
        DICUN,
        1,
        1,
        level1_raw="效益指标",
        level2_raw="社会效益指标",
        level1="效益指标",
        level2="社会效益指标",
        level3="灌溉条件",
        value_text="有效改善",
        value_kind="qualitative",
        actual_text="明显改善",
    ),
    _indicator(D3, FAILED, 1, 1, level3="残缺行", value_kind="missing"),
]

INGEST_ERRORS: list[dict[str, Any]] = [
    {
        "document_id": D3,
        "source_file": FAILED,
        "sha256": _sha(FAILED),
        "stage": "validate",
        "error_class": "validation_failed",
        "message": "has_level3_or_description failed on frame (row 3: None)",
        "recorded_at": LOADED_AT,
    },
]


def _department_target(
    doc_id: str, source_file: str, n: int, goal_no: int, clause_no: int | None, **typed: Any
) -> dict[str, Any]:
    return {
        "target_id": f"{doc_id}-t{n:03d}",
        "document_id": doc_id,
        "section": "分项绩效目标",
        "goal_no": goal_no,
        "goal_title": "加强综合治理，维护社会稳定",
        "goal_text": "不断加大社会治安综合治理工作力度。",
        "clause_no": clause_no,
        "clause": typed.get("clause"),
        "comparator": typed.get("comparator"),
        "value_num": typed.get("value_num"),
        "value_unit": typed.get("value_unit"),
        "value_kind": typed.get("value_kind", "missing"),
        "source_file": source_file,
        "source_line": 40 + n,
    }


DEPARTMENT_TARGETS: list[dict[str, Any]] = [
    _department_target(
        D1,
        YANTUAN,
        1,
        1,
        1,
        clause="非法进京上访案件0起",
        comparator="=",
        value_num=0.0,
        value_unit="起",
        value_kind="quantitative",
    ),
    _department_target(D1, YANTUAN, 2, 1, 2, clause="落实属地责任", value_kind="qualitative"),
    _department_target(D1, YANTUAN, 3, 2, None),
    _department_target(D3, FAILED, 1, 1, None),  # a failed document's rows stay out of the mart
]

RAW_ROWS = {
    "documents": DOCUMENTS,
    "projects": PROJECTS,
    "indicators": INDICATORS,
    "ingest_errors": INGEST_ERRORS,
    "department_targets": DEPARTMENT_TARGETS,
}


def _source_columns() -> dict[str, dict[str, str]]:
    """raw table -> {column: DuckDB type} as declared in the generated sources.yml."""
    generated = write_dbt_files(DBT_DIR / "models")
    sources = yaml.safe_load((generated / "sources.yml").read_text(encoding="utf-8"))["sources"]
    raw = next(s for s in sources if s["name"] == "raw")
    return {t["name"]: {c["name"]: c["data_type"] for c in t["columns"]} for t in raw["tables"]}


def _create_raw(path: Path) -> None:
    """The raw tables as sources.yml declares them, holding the fixture rows; a column a fixture
    row does not mention is null (a column added to the contract needs no edit here), and a row
    naming a column the contract does not declare fails."""
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE SCHEMA raw")
        for table, columns in _source_columns().items():
            ddl = ", ".join(f'"{name}" {dtype}' for name, dtype in columns.items())
            con.execute(f"CREATE TABLE raw.{table} ({ddl})")
            names = list(columns)
            for row in RAW_ROWS[table]:
                assert set(row) <= set(names), (table, set(row) - set(names))
            placeholders = ", ".join("?" for _ in names)
            con.executemany(
                f"INSERT INTO raw.{table} ({', '.join(names)}) VALUES ({placeholders})",
                [[row.get(name) for name in names] for row in RAW_ROWS[table]],
            )
        con.execute(LOAD_HISTORY_DDL)  # the loader's log of every load, which a dbt test reads
    finally:
        con.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Any]]:
    """A warehouse with the fixture raw layer, after one ``dbt build``; yields (path, dbt result)."""

    tmp = tmp_path_factory.mktemp("dbt")
    warehouse = tmp / "warehouse.duckdb"
    _create_raw(warehouse)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JIXIAO_WAREHOUSE", str(warehouse))
        mp.setenv("DBT_PROFILES_DIR", str(DBT_DIR))
        mp.setenv("DO_NOT_TRACK", "1")
        mp.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        result = dbt_build(tmp)
        yield warehouse, result


def _query(warehouse: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(warehouse))
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _statuses(result: Any) -> dict[str, str]:
    return {r.node.name: str(r.status) for r in result.result.results}


def test_build_succeeds(built: tuple[Path, Any]) -> None:
    _, result = built
    assert result.exception is None, result.exception
    bad = {name: status for name, status in _statuses(result).items() if status in {"error", "fail"}}
    assert result.success, bad
    assert not bad


def test_unit_tests_and_singular_tests_ran(built: tuple[Path, Any]) -> None:
    statuses = _statuses(built[1])
    assert statuses["fct_indicator_joins_document_and_excludes_failed"] == "pass"
    assert statuses["dim_project_excludes_failed_documents_and_joins_document"] == "pass"
    assert statuses["assert_indicator_count_matches_fct_indicator"] == "pass"
    assert statuses["assert_project_count_matches_dim_project"] == "pass"
    assert statuses["assert_failed_documents_have_an_ingest_error"] == "pass"


def test_unit_total_disagreement_is_a_warning_not_an_error(built: tuple[Path, Any]) -> None:
    result = built[1]
    [warn] = [r for r in result.result.results if r.node.name == "assert_project_budgets_sum_to_unit_total"]
    assert str(warn.status) == "warn"
    assert warn.failures == 1  # 堤村乡: 100100 stated vs 100000 in projects; 阎疃镇 agrees


def test_schemas_and_columns_are_the_contract(built: tuple[Path, Any]) -> None:
    warehouse, _ = built
    for table, columns in MART_COLUMNS.items():
        found = [
            r[0]
            for r in _query(
                warehouse,
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
                [table],
            )
        ]
        assert found == columns, table
    views = {
        r[0]
        for r in _query(warehouse, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'staging'")
    }
    assert views == {"stg_documents", "stg_projects", "stg_indicators", "stg_ingest_errors", "stg_department_targets"}


def test_row_counts(built: tuple[Path, Any]) -> None:
    warehouse, _ = built
    counts = {t: _query(warehouse, f"SELECT count(*) FROM main.{t}")[0][0] for t in MART_COLUMNS}
    assert counts == {
        "dim_document": 3,
        "dim_project": 3,
        "fct_indicator": 4,
        "ingest_errors": 1,
        "fct_department_target": 3,
    }


def test_failed_document_only_in_dim_document_and_ingest_errors(built: tuple[Path, Any]) -> None:
    warehouse, _ = built
    assert _query(warehouse, "SELECT status FROM main.dim_document WHERE document_id = ?", [D3]) == [("failed",)]
    assert _query(warehouse, "SELECT count(*) FROM main.fct_indicator WHERE document_id = ?", [D3]) == [(0,)]
    assert _query(warehouse, "SELECT count(*) FROM main.dim_project WHERE document_id = ?", [D3]) == [(0,)]
    assert _query(warehouse, "SELECT error_class, stage FROM main.ingest_errors WHERE document_id = ?", [D3]) == [
        ("validation_failed", "validate")
    ]


def test_document_attributes_joined_onto_facts(built: tuple[Path, Any]) -> None:
    warehouse, _ = built
    rows = _query(
        warehouse,
        "SELECT town, county, fiscal_year, project_name, value_num, value_kind FROM main.fct_indicator "
        "WHERE document_id = ? ORDER BY indicator_id",
        [D1],
    )
    assert rows == [
        ("阎疃镇", "巨鹿县", 2024, "农村人居环境整治", 500.0, "quantitative"),
        ("阎疃镇", "巨鹿县", 2024, "农村人居环境整治", 95.0, "quantitative"),
        ("阎疃镇", "巨鹿县", 2024, "村内道路维修养护", None, "date"),
    ]
    assert _query(warehouse, "SELECT DISTINCT town FROM main.dim_project WHERE document_id = ?", [D2]) == [("堤村乡",)]


def test_spend_plan_is_json(built: tuple[Path, Any]) -> None:
    warehouse, _ = built
    [(dtype,)] = _query(
        warehouse,
        "SELECT data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_name = 'dim_project' AND column_name = 'spend_plan'",
    )
    assert dtype == "JSON"
    assert _query(
        warehouse,
        "SELECT spend_plan->>'$[1].share' FROM main.dim_project WHERE project_id = ?",
        [f"{D1}-p001"],
    ) == [("50%",)]


def test_sources_match_the_loader_schema() -> None:
    """sources.yml declares exactly the columns and DuckDB types pipeline/load/warehouse.py creates."""
    con = duckdb.connect()
    try:
        ensure_raw_tables(con)
        created = con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'raw' AND table_name <> 'load_history' ORDER BY table_name, ordinal_position"
        ).fetchall()
    finally:
        con.close()
    loader: dict[str, dict[str, str]] = {}
    for table, column, dtype in created:
        loader.setdefault(table, {})[column] = dtype
    declared = _source_columns()
    assert declared == loader
    assert list(declared["indicators"])[:3] == ["indicator_id", "project_id", "document_id"]
