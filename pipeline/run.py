"""``make run``: every document in the raw folder, then the dbt models, recorded in the Dagster instance.

The runs are the schedule's and the automation's own (``pipeline.defs.orchestrate``). The dbt
manifest is prepared first because the dbt assets need it at import time.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Final

import dagster as dg
import duckdb

from pipeline.defs.config import settings
from pipeline.defs.dbt_project import prepare_manifest
from pipeline.defs.orchestrate import run_everything
from pipeline.load.batch import ALLOW_WITHDRAW_ALL_ENV, MassWithdrawalError, check_withdrawals
from pipeline.load.loaded import loaded_versions
from pipeline.load.warehouse import WarehouseUnreadableError
from pipeline.parse.read.files import RawFolderMissingError

SUMMARY_SQL: Final = """
select status, count(*) as documents, sum(project_count) as projects, sum(indicator_count) as indicators
from main.dim_document group by status order by status
"""


def print_summary() -> None:
    with duckdb.connect(str(settings().warehouse), read_only=True) as con:
        rows = con.execute(SUMMARY_SQL).fetchall()
    print(f"warehouse: {settings().warehouse}")
    for status, documents, projects, indicators in rows:
        print(f"  {status}: {documents} documents, {projects} projects, {indicators} indicator rows")


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m pipeline.run", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--allow-withdraw-all",
        action="store_true",
        help=f"let this run withdraw more than half of the warehouse's documents (or set {ALLOW_WITHDRAW_ALL_ENV}=1)",
    )
    return parser.parse_args(argv)


def preflight() -> None:
    """Stop before any Dagster run when the raw folder is missing, the warehouse unreadable, or the
    run would withdraw most of the warehouse: each says why instead of failing half-way."""
    config = settings()
    check_withdrawals(loaded_versions(config.warehouse), config.raw_dir)


def main(argv: Sequence[str] | None = None) -> int:
    if arguments(argv).allow_withdraw_all:
        os.environ[ALLOW_WITHDRAW_ALL_ENV] = "1"
    try:
        preflight()
    except (RawFolderMissingError, MassWithdrawalError, WarehouseUnreadableError) as err:
        print(f"jixiao: {err}", file=sys.stderr)
        return 2
    prepare_manifest()
    from pipeline.definitions import defs  # needs the manifest, prepared above

    with dg.DagsterInstance.get() as instance:
        run_everything(instance, defs)
    print_summary()
    return 0


if __name__ == "__main__":
    sys.exit(main())
