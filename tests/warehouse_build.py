"""The bundled seed documents built into a real warehouse once per test session (not a test module).

``built_warehouse`` parses the five seeds of ``data/raw`` with ``pipeline.parse.document.parse_document``,
loads them with ``pipeline.load.warehouse.load_document`` into a DuckDB file in a temporary folder,
and runs ``dbt build`` (every model, data test and unit test) against it with dbtRunner, with the
vars every dbt call of the project passes (``pipeline.defs.dbt_project.dbt_args``). The
first caller builds; later callers in the same session (tests/warehouse/test_marts.py and
tests/report/test_report.py) get the same result. The environment is restored afterwards.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
RAW_DIR = REPO / "data" / "raw"
DBT_DIR = REPO / "dbt_project"
SEED_COUNT = 5


@dataclass(frozen=True)
class BuiltWarehouse:
    path: Path
    dbt_result: Any

    def statuses(self) -> dict[str, str]:
        """dbt node name → status (success, pass, warn, error, fail, skipped)."""
        return {r.node.name: str(r.status) for r in self.dbt_result.result.results}


_built: dict[str, BuiltWarehouse] = {}


def dbt_build(tmp: Path, *extra: str) -> Any:
    """``dbt build`` in this process, with target and logs in ``tmp`` so parallel runs never collide;
    the contract's generated dbt files are written first, as ``prepare_manifest`` does."""
    from dbt.cli.main import dbtRunner

    from pipeline.contract.dbt import write_dbt_files
    from pipeline.defs.dbt_project import dbt_args

    write_dbt_files(DBT_DIR / "models")
    args = ["build", "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"), "--no-use-colors", *extra]
    return dbtRunner().invoke(dbt_args(args))


def release_dbt_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process after an in-process run.

    Otherwise a later ``duckdb.connect(..., read_only=True)`` on the same file (the report does
    that) fails with "Can't open a connection to same database file with a different configuration".
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    env = DuckDBConnectionManager._ENV
    if env is not None:
        env.close()
    DuckDBConnectionManager.close_all_connections()
    gc.collect()


def built_warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    """The seeds loaded and modelled in a temporary warehouse; built once per session."""
    if "seeds" in _built:
        return _built["seeds"]

    from pipeline.load.warehouse import load_document
    from pipeline.parse.document import parse_document
    from pipeline.parse.read.files import discover_documents

    tmp = tmp_path_factory.mktemp("marts")
    warehouse = tmp / "warehouse" / "jixiao.duckdb"
    warehouse.parent.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JIXIAO_RAW_DIR", str(RAW_DIR))
        mp.setenv("JIXIAO_WAREHOUSE", str(warehouse))
        mp.setenv("DO_NOT_TRACK", "1")
        mp.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        documents = list(discover_documents(RAW_DIR))
        assert len(documents) == SEED_COUNT, documents
        for path in documents:
            load_document(warehouse, parse_document(path, RAW_DIR))
        result = dbt_build(tmp, "--quiet")
    release_dbt_duckdb()
    _built["seeds"] = BuiltWarehouse(path=warehouse, dbt_result=result)
    return _built["seeds"]
