"""The dbt project, in its own module so the manifest can be prepared without loading Dagster defs."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Final

from dagster_dbt import DbtProject

from pipeline.contract.dbt import write_dbt_files
from pipeline.defs.config import DBT_PROJECT_DIR, WAREHOUSE_ENV, settings

DBT_EXECUTABLE: Final = str(Path(sys.executable).parent / "dbt")
"""The dbt of this environment, so nothing depends on PATH (``uv run`` sets it, a bare python does not)."""

jixiao_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def export_warehouse_env() -> None:
    """dbt's profile reads the warehouse path from the environment: make it the one in force."""
    os.environ[WAREHOUSE_ENV] = str(settings().warehouse)


def write_contract_files() -> Path:
    """dbt's sources, staging YAML and docs blocks, written from ``pipeline.contract.tables``."""
    return write_dbt_files(DBT_PROJECT_DIR / "models")


def prepare_manifest() -> None:
    """The contract's dbt files, then ``dbt parse`` in this process: the dbt assets need
    target/manifest.json at import time."""
    from dbt.cli.main import dbtRunner

    write_contract_files()
    export_warehouse_env()
    args = ["parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    result = dbtRunner().invoke(args)
    if not result.success:
        raise RuntimeError(f"dbt parse failed: {result.exception}")
