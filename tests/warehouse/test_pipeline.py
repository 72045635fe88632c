"""The whole path through Dagster and dbt on a temporary raw folder and warehouse.

One run mixes good documents and bad files; re-running changes nothing; editing one file
replaces only its rows; deleting one withdraws it from the marts but keeps its history.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.defs.config import RAW_DIR_ENV, WAREHOUSE_ENV
from pipeline.defs.dbt_project import prepare_manifest
from tests.conftest import SEED_DIR, SEEDS

LIANGJIADIAN_ROWS = 54 + 68
"""003's rows: 54 in its six 绩效目标表, 68 in its prose projects (tests/parse/test_layout_prose.py)."""
QUERIES = {
    "documents": "select * exclude (layout_confidence) from main.dim_document order by source_file",
    "projects": "select * from main.dim_project order by project_id",
    "indicators": "select * from main.fct_indicator order by indicator_id",
    "errors": "select source_file, stage, error_class, message, recorded_at from main.ingest_errors order by source_file",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, dg.DagsterInstance]]:
    root = tmp_path_factory.mktemp("pipeline")
    raw, warehouse = root / "raw", root / "warehouse" / "jixiao.duckdb"
    raw.mkdir()
    shutil.copy(SEED_DIR / SEEDS["002"], raw / "sanjia.txt")
    shutil.copy(SEED_DIR / SEEDS["003"], raw / "liangjiadian.txt")
    (raw / "empty.txt").write_bytes(b"")
    (raw / "minutes.txt").write_text("镇政府会议纪要\n\n今天讨论了春耕生产。\n", encoding="utf-8")
    (raw / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 legacy word")
    patch = pytest.MonkeyPatch()
    patch.setenv(RAW_DIR_ENV, str(raw))
    patch.setenv(WAREHOUSE_ENV, str(warehouse))
    prepare_manifest()
    with dg.DagsterInstance.ephemeral() as instance:
        yield raw, warehouse, instance
    patch.undo()


def run(instance: dg.DagsterInstance) -> None:
    from pipeline.definitions import defs
    from pipeline.defs.orchestrate import run_everything

    run_everything(instance, defs)


def latest_storage_id(instance: dg.DagsterInstance, keys: list[dg.AssetKey]) -> int | None:
    """The event-log position of the newest materialisation of any of the assets (any partition)."""
    ids = [record.asset_entry.last_materialization_storage_id for record in instance.get_asset_records(keys)]
    return max((i for i in ids if i is not None), default=None)


def snapshot(warehouse: Path) -> dict[str, list[tuple[object, ...]]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {name: con.execute(sql).fetchall() for name, sql in QUERIES.items()}


def test_bad_files_are_recorded_and_good_ones_load(world: tuple[Path, Path, dg.DagsterInstance]) -> None:
    _, warehouse, instance = world
    run(instance)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        statuses = dict(con.execute("select source_file, status from main.dim_document").fetchall())
        errors = dict(con.execute("select source_file, error_class from main.ingest_errors").fetchall())
        rows = dict(con.execute("select source_file, count(*) from main.fct_indicator group by 1").fetchall())
        town = con.execute("select distinct town from main.fct_indicator where source_file = 'sanjia.txt'").fetchall()
    assert statuses == {
        "sanjia.txt": "loaded",
        "liangjiadian.txt": "loaded",
        "empty.txt": "failed",
        "minutes.txt": "failed",
        "old.doc": "failed",
    }
    # old.doc: a signature cut after 4 bytes; .doc files are read since issue 19, this one is broken
    assert errors == {"empty.txt": "empty_file", "minutes.txt": "unknown_layout", "old.doc": "unreadable_file"}
    assert rows == {"sanjia.txt": 22, "liangjiadian.txt": LIANGJIADIAN_ROWS}
    assert town == [("三家镇",)]


def test_the_run_evaluates_the_dbt_tests_as_asset_checks(world: tuple[Path, Path, dg.DagsterInstance]) -> None:
    """The invariants are evaluated in the run that builds the models, not left "Not evaluated"."""
    _, _, instance = world
    errors = dg.AssetCheckKey(dg.AssetKey("ingest_errors"), "no_ingest_errors")
    located = dg.AssetCheckKey(dg.AssetKey("fct_indicator"), "fct_indicator_is_located")
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key([errors, located])
    evaluations = {key.name: record.event.asset_check_evaluation for key, record in latest.items() if record.event}
    assert {name: (e.passed, e.severity.value) for name, e in evaluations.items() if e} == {
        "no_ingest_errors": (False, "WARN"),  # three unreadable files
        "fct_indicator_is_located": (True, "ERROR"),
    }
    run = instance.get_run_by_id(latest[errors].run_id)
    assert run is not None and run.job_name == "build_models_and_report"


def test_second_run_changes_nothing(world: tuple[Path, Path, dg.DagsterInstance]) -> None:
    _, warehouse, instance = world
    before = snapshot(warehouse)
    built = [dg.AssetKey("town_report"), dg.AssetKey("dim_document"), dg.AssetKey(["raw", "documents"])]
    last_events = latest_storage_id(instance, built)
    run(instance)
    assert snapshot(warehouse) == before
    assert latest_storage_id(instance, built) == last_events  # nothing reloaded, dbt and the report not rebuilt


def test_edited_file_replaces_only_its_rows(world: tuple[Path, Path, dg.DagsterInstance]) -> None:
    raw, warehouse, instance = world
    before = snapshot(warehouse)
    path = raw / "sanjia.txt"
    text = path.read_text(encoding="utf-8")
    assert "≥8 小时" in text
    path.write_text(text.replace("≥8 小时", "≥9 小时"), encoding="utf-8")
    run(instance)
    after = snapshot(warehouse)
    untouched = [r for r in after["indicators"] if "liangjiadian.txt" in r]
    assert untouched == [r for r in before["indicators"] if "liangjiadian.txt" in r]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        value = con.execute(
            "select value_text, value_num from main.fct_indicator where source_file = 'sanjia.txt' and level3 = '工作日保障单位运转'"
        ).fetchall()
        count = con.execute("select count(*) from main.fct_indicator where source_file = 'sanjia.txt'").fetchone()
    assert value == [("≥9小时", 9.0)]
    assert count == (22,)


def test_deleted_file_is_withdrawn_not_forgotten(world: tuple[Path, Path, dg.DagsterInstance]) -> None:
    raw, warehouse, instance = world
    (raw / "liangjiadian.txt").unlink()
    run(instance)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        status = con.execute("select status, indicator_count from main.dim_document where source_file = 'liangjiadian.txt'").fetchall()
        in_marts = con.execute("select count(*) from main.fct_indicator where source_file = 'liangjiadian.txt'").fetchone()
        history = con.execute("select count(*) from raw.indicators where source_file = 'liangjiadian.txt'").fetchone()
    assert status == [("withdrawn", LIANGJIADIAN_ROWS)]
    assert in_marts == (0,)
    assert history == (LIANGJIADIAN_ROWS,)


def test_a_grid_without_a_unit_takes_the_unit_its_text_restates_its_amounts_in() -> None:
    """A 申报表 whose amount cells say 874.18 and whose 测算依据 says 874.18万元 counts in 万元."""
    from pipeline.core.types import Locator, RawDocument, Row
    from pipeline.parse.meta import restated_unit

    grid = (Row(("项目总预算", "6730"), Locator(line=1)), Row(("1.就业和社会保险的管理支出", "874.18"), Locator(line=2)))
    restated = RawDocument("x.xlsx", "xlsx", ("测算依据：1、管理事务874.18万元，主要用于劳动监察",), grid)
    assert restated_unit(restated) == "万元"
    assert restated_unit(RawDocument("x.xlsx", "xlsx", ("测算依据：管理事务874万元",), grid)) is None
