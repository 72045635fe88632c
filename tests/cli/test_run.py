"""``jixiao run`` and the commands around it, through the command line's runner, on a temporary
raw folder, warehouse and Dagster instance: one good document (002, 22 rows) and one empty file.

The tests run in order: a first run; what status, sql, report and the sensor say after it; a run
stopped by a reader that holds the warehouse open too long; a run that waits for a reader to close.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from typer.testing import CliRunner, Result

from pipeline.cli import app
from tests.conftest import SEED_DIR, SEEDS
from tests.reader_process import hold_open


@dataclass(frozen=True)
class World:
    raw: Path
    warehouse: Path
    home: Path
    first: Result

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "JIXIAO_RAW_DIR": str(self.raw),
            "JIXIAO_WAREHOUSE": str(self.warehouse),
            "DAGSTER_HOME": str(self.home),
            **extra,
        }

    def invoke(self, *args: str, **extra: str) -> Result:
        return CliRunner().invoke(app, list(args), env=self.env(**extra))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("cli")
    raw, warehouse, home = root / "raw", root / "warehouse" / "jixiao.duckdb", root / "dagster_home"
    raw.mkdir()
    shutil.copy(SEED_DIR / SEEDS["002"], raw / "sanjia.txt")
    (raw / "empty.txt").write_bytes(b"")
    env = {"JIXIAO_RAW_DIR": str(raw), "JIXIAO_WAREHOUSE": str(warehouse), "DAGSTER_HOME": str(home)}
    first = CliRunner().invoke(app, ["run"], env=env)
    yield World(raw, warehouse, home, first)


def test_the_summary_names_each_failed_file_with_its_class_and_advice_and_the_exit_code_is_1(world: World) -> None:
    assert world.first.exit_code == 1, world.first.output
    lines = world.first.stdout.splitlines()
    assert lines[0] == "jixiao run: 2 documents: 1 loaded, 0 unchanged, 1 failed, 0 withdrawn"
    assert "failed documents (1), each needs a person:" in lines
    assert any(re.fullmatch(r"  empty\.txt  \[empty_file\] .+", line) for line in lines)
    assert "      → Upload the document again." in lines
    assert f"warehouse: {world.warehouse}" in lines
    assert f"report:    {world.warehouse.parent / 'report' / 'index.html'}" in lines
    assert (world.warehouse.parent / "report" / "index.html").exists()


def test_dagster_and_dbt_logs_go_to_the_log_file_not_the_terminal(world: World) -> None:
    (log_line,) = [line for line in world.first.stdout.splitlines() if line.startswith("log:")]
    log = Path(log_line.removeprefix("log:").strip())
    assert log.parent == world.home / "logs"
    text = log.read_text(encoding="utf-8")
    assert "RUN_SUCCESS" in text and "build_models_and_report" in text  # Dagster's events
    assert "no_ingest_errors" in text  # dbt's tests, run as asset checks
    assert "RUN_SUCCESS" not in world.first.output and "DEBUG" not in world.first.output
    assert len(world.first.output.splitlines()) < 15


def test_runs_are_named_for_what_they_did(world: World) -> None:
    with dg.DagsterInstance.from_config(str(world.home)) as instance:
        runs = instance.get_runs()
    assert sorted((run.job_name, run.tags.get("jixiao/what")) for run in runs) == [
        ("build_models_and_report", "dbt models and report, after documents changed"),
        ("ingest_documents", "ingest empty.txt … sanjia.txt"),
    ]


def test_the_sensor_starts_no_run_for_the_files_the_run_loaded(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.defs.automation import raw_folder_sensor

    monkeypatch.setenv("JIXIAO_RAW_DIR", str(world.raw))
    with dg.DagsterInstance.from_config(str(world.home)) as instance:
        tick = raw_folder_sensor(dg.build_sensor_context(instance=instance, cursor=None))
    assert tick.run_requests == []


def test_status_lists_the_last_run_and_every_failure(world: World) -> None:
    result = world.invoke("status")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("last run: dbt models and report, after documents changed (build_models_and_report) SUCCESS")
    assert "documents: 1 failed, 1 loaded" in lines
    assert any(line.startswith("  failed: empty.txt  [empty_file] ") for line in lines)


def test_sql_answers_from_the_warehouse_read_only(world: World) -> None:
    counted = world.invoke("sql", "select count(*) as n from fct_indicator where source_file = 'sanjia.txt';")
    assert counted.exit_code == 0 and "22" in counted.stdout
    refused = world.invoke("sql", "create table main.scratch (x integer);")
    assert refused.exit_code == 0 and "error:" in refused.stdout and "read-only" in refused.stdout


def test_sql_prompt_reads_statements_until_quit(world: World) -> None:
    result = CliRunner().invoke(
        app, ["sql"], env=world.env(), input="select town\nfrom dim_document where status = 'loaded';\n.quit\n"
    )
    assert result.exit_code == 0
    assert "三家镇" in result.stdout


def test_report_says_where_the_report_is(world: World) -> None:
    result = world.invoke("report")
    assert result.exit_code == 0
    assert result.stdout.strip() == str(world.warehouse.parent / "report" / "index.html")


def edit(world: World, old: str, new: str) -> None:
    path = world.raw / "sanjia.txt"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def value_of_the_edited_row(world: World) -> list[tuple[object, ...]]:
    with duckdb.connect(str(world.warehouse), read_only=True) as con:
        return con.execute(
            "select value_text from main.fct_indicator where source_file = 'sanjia.txt' and level3 = '工作日保障单位运转'"
        ).fetchall()


def test_a_reader_held_open_longer_than_the_run_waits_stops_it_in_one_line(world: World) -> None:
    edit(world, "≥8 小时", "≥9 小时")
    reader = hold_open(world.warehouse, 120)
    try:
        result = world.invoke("run", JIXIAO_READER_WAIT_SECONDS="2")
    finally:
        reader.kill()
        reader.wait()
    assert result.exit_code == 2
    assert "stayed open in another program (" in result.stderr and f"PID {reader.pid}" in result.stderr
    assert "Traceback" not in result.output
    assert value_of_the_edited_row(world) == [("≥8小时",)]  # nothing half-written


def test_verbose_shows_dagsters_logs_on_the_terminal_instead_of_a_log_file(world: World) -> None:
    reader = hold_open(world.warehouse, 120)  # the run stops early: a short run that still logs its steps
    try:
        result = world.invoke("run", "-v", JIXIAO_READER_WAIT_SECONDS="1")
    finally:
        reader.kill()
        reader.wait()
    assert result.exit_code == 2
    assert "ingest_documents" in result.output and "STEP_FAILURE" in result.output
    assert "the log:" not in result.output


class CloseWhenWaitedFor(logging.Handler):
    """Closes the reader's connection once the run says it is waiting for it, as an analyst would."""

    def __init__(self, reader: subprocess.Popen[str]) -> None:
        super().__init__()
        self.reader = reader

    def emit(self, record: logging.LogRecord) -> None:
        if "is open in another program" in record.getMessage():
            threading.Timer(1.0, self.reader.kill).start()


def test_a_run_waits_for_an_open_reader_and_then_loads(world: World) -> None:
    reader = hold_open(world.warehouse, 600)
    closer = CloseWhenWaitedFor(reader)
    logging.getLogger("jixiao").addHandler(closer)
    try:
        result = world.invoke("run")
    finally:
        logging.getLogger("jixiao").removeHandler(closer)
        reader.kill()
        reader.wait()
    assert result.exit_code == 1, result.output  # empty.txt is still failed
    assert "is open in another program" in result.output  # said on the terminal while waiting
    assert "jixiao run: 2 documents: 1 loaded, 1 unchanged, 0 failed, 0 withdrawn" in result.stdout
    assert value_of_the_edited_row(world) == [("≥9小时",)]
