"""``make run``: every document in the raw folder, then the dbt models, recorded in the Dagster instance.

Documents run as ranges of up to ``MAX_PARTITIONS_PER_RUN`` partitions, one Dagster run each
(the same ranges a backfill launches): inside a run the ingest step skips unchanged files,
parses the others on all cores and loads them in batches (``pipeline.load.batch``). The dbt models
and the report are rebuilt only when the raw layer changed since they were last built, so a
re-run with nothing changed parses nothing and builds nothing. The dbt manifest is prepared
first because the dbt assets need it at import time.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Sequence
from typing import Final

import dagster as dg
import duckdb

from pipeline.defs.config import settings
from pipeline.defs.dbt_project import prepare_manifest
from pipeline.defs.discovery import fingerprints
from pipeline.defs.partitions import DOCUMENTS_PARTITION_NAME, partition_ranges, range_tags
from pipeline.load.batch import ALLOW_WITHDRAW_ALL_ENV, MassWithdrawalError, check_withdrawals
from pipeline.load.loaded import loaded_versions
from pipeline.load.warehouse import RAW_SCHEMA, RAW_TABLES, WarehouseUnreadableError
from pipeline.parse.read.files import RawFolderMissingError

PLANNED_EVENTS_AS_SUBSETS: Final = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"
"""Dagster's switch for one "materialisation planned" event per asset and run instead of one per
partition: without it a run of 1000 documents first writes 7000 planned events (~40 ms each on
the local SQLite storage). Its cost: partitions of a failed run are not marked failed."""
SUMMARY_SQL: Final = """
select status, count(*) as documents, sum(project_count) as projects, sum(indicator_count) as indicators
from main.dim_document group by status order by status
"""


def sync_partitions(instance: dg.DagsterInstance, keys: list[str]) -> None:
    """Register a partition for every document not yet known to the instance."""
    known = set(instance.get_dynamic_partitions(DOCUMENTS_PARTITION_NAME))
    new = [key for key in keys if key not in known]
    if new:
        instance.add_dynamic_partitions(DOCUMENTS_PARTITION_NAME, new)


def latest_storage_id(instance: dg.DagsterInstance, keys: Iterable[dg.AssetKey]) -> int | None:
    """The event-log position of the newest materialisation of any of the assets (any partition)."""
    ids = [record.asset_entry.last_materialization_storage_id for record in instance.get_asset_records(list(keys))]
    return max((i for i in ids if i is not None), default=None)


def models_are_stale(instance: dg.DagsterInstance) -> bool:
    """Whether the raw layer changed after the report was last built (or the report never was)."""
    from pipeline.defs.report_assets import town_report

    built = latest_storage_id(instance, [town_report.key])
    raw = latest_storage_id(instance, [dg.AssetKey([RAW_SCHEMA, table]) for table in RAW_TABLES])
    return built is None or (raw is not None and raw > built)


def materialise_all(instance: dg.DagsterInstance) -> None:
    """Every document's partition of the ingest assets, in ranges; then the dbt models and report if needed."""
    from pipeline.definitions import defs  # needs the manifest, prepared above
    from pipeline.defs.dbt_assets import jixiao_dbt_models
    from pipeline.defs.ingest_assets import INGEST_GROUP, MAX_PARTITIONS_PER_RUN
    from pipeline.defs.report_assets import REPORT_GROUP

    os.environ.setdefault(PLANNED_EVENTS_AS_SUBSETS, "true")
    sync_partitions(instance, sorted(fingerprints(settings().raw_dir)))
    keys = instance.get_dynamic_partitions(DOCUMENTS_PARTITION_NAME)  # deleted files too: withdrawn
    assets = [
        asset for asset in defs.assets or [] if isinstance(asset, dg.AssetsDefinition | dg.AssetSpec | dg.SourceAsset)
    ]
    resources = dict(defs.resources or {})
    ingest = dg.AssetSelection.groups(INGEST_GROUP)
    for first, last in partition_ranges(keys, MAX_PARTITIONS_PER_RUN):
        dg.materialize(assets, selection=ingest, tags=range_tags(first, last), instance=instance, resources=resources)
        print(f"ingested {first} … {last}", flush=True)
    if not models_are_stale(instance):
        print("no document changed: dbt models and report left as they are", flush=True)
        return
    models_and_report = dg.AssetSelection.assets(jixiao_dbt_models) | dg.AssetSelection.groups(REPORT_GROUP)
    dg.materialize(assets, selection=models_and_report, instance=instance, resources=resources)


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
    with dg.DagsterInstance.get() as instance:
        materialise_all(instance)
    print_summary()
    return 0


if __name__ == "__main__":
    sys.exit(main())
