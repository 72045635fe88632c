"""One bad file never keeps the marts stale (issue 17, item 8), and a PDF whose table was read
only in part is never taken for complete (items 12 and 13).

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

from pipeline.load.batch import ingest_documents
from pipeline.parse.read.files import discover_documents, source_file_of
from tests.conftest import SEED_DIR, SEEDS
from tests.parse.test_hostile_input import SEED_002_PDF, with_hairline_grid
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
    # A grid drawn like the table's own rules over the second project's page: it cannot be told
    # from them, so that table is not read.
    (raw / "hairline.pdf").write_bytes(with_hairline_grid(SEED_002_PDF, 1, line_width=0.5))
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
        hairline = con.execute(
            "select layout_confidence, low_confidence, project_count, indicator_count from main.dim_document"
            " where source_file = 'hairline.pdf'"
        ).fetchall()
    assert failed == [("dump.txt", None), ("link.txt", None), ("pipe.txt", None)]
    assert errors == [("dump.txt", "file_too_large"), ("link.txt", "unsafe_path"), ("pipe.txt", "unreadable_file")]
    assert sorted(towns) == [("三家镇", 2), ("三家镇", 2)]  # text: 2024; the PDF print reads as 2023
    # The project whose table was hidden has no rows: the document is neither certain nor complete.
    assert hairline == [(pytest.approx(0.6 + 0.4 * 11 / 12), True, 2, 11)]
