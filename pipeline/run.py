"""``make run``: every document in the raw folder, then the dbt models, recorded in the Dagster instance.

Documents run one partition at a time in this process (a few seconds for the bundled sample);
the same assets run in parallel partitions under ``dagster dev`` or the multiprocess executor.
The dbt manifest is prepared first because the dbt assets need it at import time.
"""

from __future__ import annotations

import sys
from typing import Final

import dagster as dg
import duckdb

from pipeline.config import settings
from pipeline.defs.dbt_project import prepare_manifest
from pipeline.defs.partitions import DOCUMENTS_PARTITION_NAME
from pipeline.discovery import fingerprints

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


def materialise_all(instance: dg.DagsterInstance) -> None:
    """Each document's partition of the ingest assets, then every dbt model."""
    from pipeline.definitions import defs  # needs the manifest, prepared above
    from pipeline.defs.dbt_assets import jixiao_dbt_models
    from pipeline.defs.ingest_assets import INGEST_GROUP
    from pipeline.defs.report_assets import REPORT_GROUP

    present = sorted(fingerprints(settings().raw_dir))
    sync_partitions(instance, present)
    keys = sorted(instance.get_dynamic_partitions(DOCUMENTS_PARTITION_NAME))  # deleted files: withdrawn
    assets = list(defs.assets or [])
    resources = dict(defs.resources or {})
    ingest = dg.AssetSelection.groups(INGEST_GROUP)
    for key in keys:
        dg.materialize(assets, selection=ingest, partition_key=key, instance=instance, resources=resources)
        print(f"ingested {key}", flush=True)
    models_and_report = dg.AssetSelection.assets(jixiao_dbt_models) | dg.AssetSelection.groups(REPORT_GROUP)
    dg.materialize(assets, selection=models_and_report, instance=instance, resources=resources)


def print_summary() -> None:
    with duckdb.connect(str(settings().warehouse), read_only=True) as con:
        rows = con.execute(SUMMARY_SQL).fetchall()
    print(f"warehouse: {settings().warehouse}")
    for status, documents, projects, indicators in rows:
        print(f"  {status}: {documents} documents, {projects} projects, {indicators} indicator rows")


def main() -> int:
    prepare_manifest()
    with dg.DagsterInstance.get() as instance:
        materialise_all(instance)
    print_summary()
    return 0


if __name__ == "__main__":
    sys.exit(main())
