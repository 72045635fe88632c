"""Runs that lose data or fail unhelpfully (issue 17): a missing or emptied raw folder, a run killed
between the DuckDB commit and the Parquet lake, a full disk under the lake, a truncated warehouse."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner, Result

from pipeline.defs.config import RAW_DIR_ENV, WAREHOUSE_ENV
from pipeline.defs.discovery import fingerprints
from pipeline.load.batch import ALLOW_WITHDRAW_ALL_ENV, MassWithdrawalError, ingest_documents, plan
from pipeline.load.lake import LakeWriteError, lake_dir, load_raw_from_lake
from pipeline.load.loaded import loaded_versions
from pipeline.load.warehouse import WarehouseUnreadableError
from pipeline.parse.frames import document_id
from pipeline.parse.read.files import RawFolderMissingError
from tests.load.test_batch import seed_folder

REPO = Path(__file__).resolve().parents[2]


def jixiao_run(home: Path) -> Result:
    """``jixiao run`` through its runner, with the Dagster instance in ``home``."""
    from pipeline.cli import app

    return CliRunner().invoke(app, ["run"], env={"DAGSTER_HOME": str(home / "dagster_home")})


def statuses(warehouse: Path) -> dict[str, str]:
    return {name: version.status for name, version in loaded_versions(warehouse).items()}


@pytest.fixture
def loaded(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """Four seed documents loaded: (raw folder, warehouse, their names)."""
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse" / "w.duckdb"
    names = sorted(seed_folder(raw, 4))
    list(ingest_documents(names, raw, warehouse, workers=1))
    assert set(statuses(warehouse).values()) == {"loaded"}
    return raw, warehouse, names


# -- 1: a missing raw folder, a mass withdrawal --------------------------------------------------
def test_missing_raw_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RawFolderMissingError, match="does not exist"):
        fingerprints(tmp_path / "not-mounted")


def test_make_run_refuses_a_missing_raw_folder_before_touching_anything(
    loaded: tuple[Path, Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, warehouse, _ = loaded
    monkeypatch.setenv(RAW_DIR_ENV, str(raw.parent / "raw-typo"))
    monkeypatch.setenv(WAREHOUSE_ENV, str(warehouse))
    result = jixiao_run(raw.parent)
    assert result.exit_code == 2
    assert "JIXIAO_RAW_DIR" in result.stderr
    assert set(statuses(warehouse).values()) == {"loaded"}


def test_a_run_refuses_to_withdraw_most_of_the_warehouse(loaded: tuple[Path, Path, list[str]]) -> None:
    raw, warehouse, names = loaded
    for name in names[:3]:
        (raw / name).unlink()
    with pytest.raises(MassWithdrawalError, match="--allow-withdraw-all"):
        list(ingest_documents(names[:1], raw, warehouse, workers=1))  # one range of many: counted over all
    assert set(statuses(warehouse).values()) == {"loaded"}


def test_an_emptied_folder_is_refused_too(
    loaded: tuple[Path, Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, warehouse, _ = loaded
    shutil.rmtree(raw)
    raw.mkdir()  # an empty mount point
    monkeypatch.setenv(RAW_DIR_ENV, str(raw))
    monkeypatch.setenv(WAREHOUSE_ENV, str(warehouse))
    result = jixiao_run(raw.parent)
    assert result.exit_code == 2
    assert "refusing to withdraw 4 of the 4 documents" in result.stderr


def test_withdrawing_most_documents_when_told_to(
    loaded: tuple[Path, Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, warehouse, names = loaded
    for name in names[:3]:
        (raw / name).unlink()
    monkeypatch.setenv(ALLOW_WITHDRAW_ALL_ENV, "1")
    list(ingest_documents(names, raw, warehouse, workers=1))
    assert sorted(statuses(warehouse).values()) == ["loaded", "withdrawn", "withdrawn", "withdrawn"]


def test_withdrawing_a_few_documents_needs_no_permission(loaded: tuple[Path, Path, list[str]]) -> None:
    raw, warehouse, names = loaded
    (raw / names[0]).unlink()
    list(ingest_documents(names, raw, warehouse, workers=1))
    assert statuses(warehouse)[names[0]] == "withdrawn"


# -- 2: the lake never falls behind DuckDB --------------------------------------------------------
KILL_AFTER_COMMIT = """
import os, signal, sys
from pathlib import Path
import pipeline.load.batch as batch
load = batch.load_documents
def load_then_die(warehouse, frames):
    load(warehouse, frames)
    os.kill(os.getpid(), signal.SIGKILL)  # after the DuckDB commit, before anything else
batch.load_documents = load_then_die
raw, warehouse = Path(sys.argv[1]), Path(sys.argv[2])
list(batch.ingest_documents(sys.argv[3:], raw, warehouse, workers=1))
"""


def lake_documents(warehouse: Path) -> set[str]:
    return {path.stem for path in (lake_dir(warehouse) / "documents").glob("*.parquet")}


def test_a_run_killed_after_the_commit_leaves_the_lake_complete(tmp_path: Path) -> None:
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse" / "w.duckdb"
    names = sorted(seed_folder(raw, 3))
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AFTER_COMMIT, str(raw), str(warehouse), *names],
        env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, timeout=300, check=False,
    )
    assert killed.returncode == -9
    assert set(statuses(warehouse)) == set(names)  # DuckDB committed
    list(ingest_documents(names, raw, warehouse, workers=1))  # the next run
    assert lake_documents(warehouse) == {document_id(name) for name in names}
    rebuilt = tmp_path / "rebuilt" / "w.duckdb"
    counts = load_raw_from_lake(rebuilt, lake_dir(warehouse))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        found = con.execute("select count(*) from raw.indicators").fetchone()
    assert found is not None and counts["indicators"] == found[0] and counts["documents"] == len(names)


def test_a_document_missing_from_the_lake_is_not_taken_as_unchanged(loaded: tuple[Path, Path, list[str]]) -> None:
    """A lake left short by an older version of the pipeline heals on the next run."""
    raw, warehouse, names = loaded
    (lake_dir(warehouse) / "documents" / f"{document_id(names[1])}.parquet").unlink()
    jobs, unchanged = plan(names, raw, warehouse)
    assert [job.source_file for job in jobs] == [names[1]]
    assert len(unchanged) == len(names) - 1


# -- 16: two runs of the same documents at once -------------------------------------------------
def _run_after(args: tuple[object, str, str, list[str]]) -> list[str]:
    barrier, raw, warehouse, names = args
    barrier.wait()  # type: ignore[attr-defined]
    return [o.status for o in ingest_documents(names, Path(raw), Path(warehouse), workers=1)]


def test_two_runs_of_the_same_documents_take_turns(tmp_path: Path) -> None:
    """Started together, the second waits for the first and then finds everything unchanged."""
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse" / "w.duckdb"
    names = sorted(seed_folder(raw, 3))
    spawn = multiprocessing.get_context("spawn")  # polars' threads do not survive fork()
    with spawn.Manager() as manager, ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        barrier = manager.Barrier(2)
        runs = list(pool.map(_run_after, [(barrier, str(raw), str(warehouse), names)] * 2))
    assert sorted(runs) == [["loaded"] * 3, ["unchanged"] * 3]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        loads = con.execute("select count(*) from raw.load_history").fetchone()
    assert loads == (3,)


# -- 11: a full disk under the lake --------------------------------------------------------------
def test_a_full_disk_under_the_lake_is_named(tmp_path: Path) -> None:
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse" / "w.duckdb"
    names = sorted(seed_folder(raw, 1))
    table = lake_dir(warehouse) / "documents"
    table.mkdir(parents=True)
    partial = table / f".{document_id(names[0])}.parquet.{os.getpid()}.partial"
    os.symlink("/dev/full", partial)  # every write there fails with ENOSPC
    with pytest.raises(LakeWriteError, match=f"the disk is full: could not write {table}"):
        list(ingest_documents(names, raw, warehouse, workers=1))
    assert statuses(warehouse) == {}  # the lake comes first: DuckDB was not written either


# -- 15: a truncated warehouse -------------------------------------------------------------------
def test_a_truncated_warehouse_says_what_happened_and_what_to_do(loaded: tuple[Path, Path, list[str]]) -> None:
    _, warehouse, _ = loaded
    data = warehouse.read_bytes()
    warehouse.write_bytes(data[: len(data) // 2])
    with pytest.raises(WarehouseUnreadableError, match=r"truncated or damaged.*move it aside"):
        loaded_versions(warehouse)


def test_make_run_stops_on_a_truncated_warehouse_with_that_message(
    loaded: tuple[Path, Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, warehouse, _ = loaded
    data = warehouse.read_bytes()
    warehouse.write_bytes(data[: len(data) // 2])
    monkeypatch.setenv(RAW_DIR_ENV, str(raw))
    monkeypatch.setenv(WAREHOUSE_ENV, str(warehouse))
    result = jixiao_run(raw.parent)
    assert result.exit_code == 2
    assert "move it aside and run again" in result.stderr
