"""One bad file never keeps the marts stale (issue 17, item 8).

A symlink out of the raw folder, a FIFO and a text file over the size limit are never read, so
their error rows have no sha256. The dbt test on dim_document.sha256 used to fail on them, and
dbt then skipped every mart after it: a document added in the same run was in fct_indicator but
not in mart_town_year, and the report was not built. The whole ``dbt build`` (models, data
tests, unit tests) must pass with them in the warehouse.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline.batch import ingest_documents
from pipeline.ingest import discover_documents, source_file_of
from tests.conftest import SEED_DIR, SEEDS
from tests.warehouse_build import dbt_build, release_dbt_duckdb


def test_files_never_read_do_not_fail_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse" / "jixiao.duckdb"
    raw.mkdir()
    shutil.copy(SEED_DIR / SEEDS["002"], raw / "sanjia.txt")
    outside = tmp_path / "outside.txt"
    shutil.copy(SEED_DIR / SEEDS["002"], outside)
    os.symlink(outside, raw / "link.txt")
    os.mkfifo(raw / "pipe.txt")
    with (raw / "dump.txt").open("wb") as handle:
        handle.truncate(65 << 20)  # sparse, over the 64 MiB text limit
    names = [source_file_of(path, raw) for path in discover_documents(raw)]
    list(ingest_documents(names, raw, warehouse, workers=1))

    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    result = dbt_build(tmp_path, "--quiet")
    release_dbt_duckdb()
    failing = [r.node.name for r in result.result.results if str(r.status) in {"error", "fail", "skipped"}]
    assert result.success and failing == [], failing

    with duckdb.connect(str(warehouse), read_only=True) as con:
        failed = con.execute(
            "select source_file, sha256 from main.dim_document where status = 'failed' order by 1"
        ).fetchall()
        towns = con.execute("select town, project_count from main.mart_town_year").fetchall()
        errors = con.execute("select source_file, error_class from main.ingest_errors order by 1").fetchall()
    assert failed == [("dump.txt", None), ("link.txt", None), ("pipe.txt", None)]
    assert errors == [("dump.txt", "file_too_large"), ("link.txt", "unsafe_path"), ("pipe.txt", "unreadable_file")]
    assert len(towns) == 1 and towns[0][1] == 2
