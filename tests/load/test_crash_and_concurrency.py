"""Crash safety and concurrent writers on the DuckDB file.

- A loader killed with SIGKILL in the middle of a load leaves no half-loaded document: each
  document loads in one transaction, and the next run completes.
- Several processes loading documents at once do not corrupt the warehouse: writes are serialised
  by the file lock beside it (``pipeline.load.warehouse.writer``).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb
import pytest

from pipeline.load.warehouse import load_document
from pipeline.parse.document import parse_document
from tests.conftest import REPO, SEED_DIR, SEEDS

COPIES = 1500  # seed 000's 126 rows × 1500: a load long enough to be killed in the middle of
BIG_ROWS = 126 * COPIES
KILL_AFTER_SECONDS = (0.4, 0.9, 1.6)
READY_TIMEOUT_SECONDS = 120

LOADER = """
import sys
from dataclasses import replace
from pathlib import Path
import polars as pl
from pipeline.parse.document import parse_document
from pipeline.load.warehouse import load_document
seed, warehouse, ready, copies = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
frames = parse_document(seed, seed.parent)
many = pl.concat([frames.indicators.with_columns(pl.col("indicator_id") + f"-{i}") for i in range(copies)])
frames = replace(frames, indicators=many)
load_document(warehouse, frames)
ready.write_text("loaded once")
while True:
    load_document(warehouse, frames)
"""


def indicator_counts(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(con.execute("select source_file, count(*) from raw.indicators group by 1").fetchall())


@pytest.mark.parametrize("kill_after", KILL_AFTER_SECONDS)
def test_sigkill_mid_load_leaves_no_half_document(tmp_path: Path, kill_after: float) -> None:
    warehouse, ready = tmp_path / "w.duckdb", tmp_path / "ready"
    seed = SEED_DIR / SEEDS["000"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", LOADER, str(seed), str(warehouse), str(ready), str(COPIES)], env=env
    )
    try:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not ready.exists():
            assert child.poll() is None, "the loader died before loading once"
            assert time.monotonic() < deadline, "the loader never loaded"
            time.sleep(0.05)
        time.sleep(kill_after)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()

    small = SEED_DIR / SEEDS["002"]
    load_document(warehouse, parse_document(small, SEED_DIR))  # the next run completes
    counts = indicator_counts(warehouse)
    assert counts[SEEDS["000"]] == BIG_ROWS  # all of the last committed load, never part of one
    assert counts[SEEDS["002"]] == 22


def _load_repeatedly(args: tuple[str, str, int]) -> int:
    name, warehouse, times = args
    frames = parse_document(SEED_DIR / name, SEED_DIR)
    for _ in range(times):
        load_document(Path(warehouse), frames)
    return frames.indicators.height


def test_parallel_writers_are_serialised(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    times = 3
    jobs = [(SEEDS[n], str(warehouse), times) for n in ("000", "001", "002", "003")]
    spawn = multiprocessing.get_context("spawn")  # polars' threads do not survive fork()
    with ProcessPoolExecutor(max_workers=len(jobs), mp_context=spawn) as pool:
        expected = dict(zip((name for name, _, _ in jobs), pool.map(_load_repeatedly, jobs), strict=True))
    assert indicator_counts(warehouse) == expected == {SEEDS["000"]: 126, SEEDS["001"]: 58, SEEDS["002"]: 22, SEEDS["003"]: 54 + 68}  # 003: 54 table rows + 68 prose rows
    with duckdb.connect(str(warehouse), read_only=True) as con:
        loads = con.execute("select count(*) from raw.load_history").fetchone()
    assert loads == (len(jobs) * times,)
