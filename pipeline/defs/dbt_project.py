"""The dbt project, in its own module so the manifest can be prepared without loading Dagster defs.

Every dbt call goes through ``dbt_args``, which adds the project's folders and the vars built from
the Python facts (``pipeline.defs.dbt_vars``). ``make dbt ARGS="build"`` runs
``python -m pipeline.defs.dbt_project build``: dbt as a user calls it (after rebuilding the raw
layer from the lake, say), with the vars and the warehouse lock.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from dagster_dbt import DbtProject

from pipeline.contract.dbt import write_dbt_files
from pipeline.defs.config import DBT_PROJECT_DIR, WAREHOUSE_ENV, settings
from pipeline.defs.dbt_vars import with_vars
from pipeline.load.warehouse import prepare_raw_layer, warehouse_lock

DBT_EXECUTABLE: Final = str(Path(sys.executable).parent / "dbt")
"""The dbt of this environment, so nothing depends on PATH (``uv run`` sets it, a bare python does not)."""
DEFAULT_COMMAND: Final = ("build",)
"""What ``make dbt`` runs without ARGS: every model, seed, data test and unit test."""

DBT_MEMORY_ENV: Final = "JIXIAO_DBT_MEMORY_MB"
"""The ``memory_limit`` of dbt's DuckDB in MB, read by ``dbt_project/profiles.yml`` (set by ``prepare_dbt_build``)."""
DBT_MEMORY_BASE_MB: Final = 112
"""What dbt's DuckDB needs whatever the warehouse holds: the seeds, unit tests and small marts.

DuckDB keeps what it reads up to its limit (80 % of RAM by default), so without a cap dbt's
memory grew with the warehouse: 485 / 714 / 1 432 MiB at 1× / 3× / 10× the rows of 1 000
documents (bench/results.md)."""
DBT_BYTES_PER_INDICATOR: Final = 40
"""Memory limit per indicator row on top of the base: what ``mart_indicator_quality``'s joins hold."""
MB: Final = 10**6
"""DuckDB's MB, in which ``memory_limit`` is given."""

jixiao_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def export_warehouse_env() -> None:
    """dbt's profile reads the warehouse path from the environment: make it the one in force."""
    os.environ[WAREHOUSE_ENV] = str(settings().warehouse)


def dbt_memory_mb(indicator_rows: int) -> int:
    """The memory dbt's DuckDB may use for a warehouse of ``indicator_rows``: ``DBT_MEMORY_BASE_MB``
    plus ``DBT_BYTES_PER_INDICATOR`` a row.

    The marts join every indicator to its project and to its document's repeated texts, and
    DuckDB's hash joins spill to disk only down to a size that grows with the rows. The least limit
    ``mart_indicator_quality`` built with was 96 / 112 / 160 / 224 MB at 0.54 / 1.1 / 2.7 / 5.4 M
    rows (about 80 MB + 26 bytes a row, bench/results.md); this gives 134 / 156 / 221 / 330 MB.
    A base plus a slope, not ``max(floor, bytes × rows)``: the need has a fixed part, so a
    proportional limit that suits big warehouses leaves the middle short (2.7 M rows failed at the
    128 MB that ``max(128, 40 × rows)`` gives)."""
    return DBT_MEMORY_BASE_MB + math.ceil(indicator_rows * DBT_BYTES_PER_INDICATOR / MB)


def prepare_dbt_build(warehouse: Path) -> None:
    """What a dbt build needs in the environment: the warehouse's path, its raw tables, and its memory limit."""
    export_warehouse_env()
    os.environ[DBT_MEMORY_ENV] = str(dbt_memory_mb(prepare_raw_layer(warehouse)))


def write_contract_files() -> Path:
    """dbt's sources, staging YAML and docs blocks, written from ``pipeline.contract.tables``."""
    return write_dbt_files(DBT_PROJECT_DIR / "models")


def dbt_args(args: Sequence[str]) -> list[str]:
    """A dbt command line of this project: ``["parse"]`` → ``["parse", "--project-dir", …, "--vars", "{…}"]``."""
    return with_vars([*args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)])


def prepare_manifest() -> None:
    """The contract's dbt files, then ``dbt parse`` in this process: the dbt assets need
    target/manifest.json at import time."""
    from dbt.cli.main import dbtRunner

    write_contract_files()
    export_warehouse_env()
    result = dbtRunner().invoke(dbt_args(["parse", "--quiet"]))
    if not result.success:
        raise RuntimeError(f"dbt parse failed: {result.exception}")


def main(argv: Sequence[str]) -> int:
    """``make dbt ARGS="build --select marts"``: dbt on the warehouse in force, holding its lock."""
    from dbt.cli.main import dbtRunner

    write_contract_files()
    warehouse = settings().warehouse
    prepare_dbt_build(warehouse)
    with warehouse_lock(warehouse):
        result = dbtRunner().invoke(dbt_args(list(argv) or list(DEFAULT_COMMAND)))
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
