"""How long Dagster's ticks take over many document partitions (``make bench``: ``automation tick``).

An instance configured as ``make run``'s (``.dagster_home/dagster.yaml``, in a fresh home) with N
document partitions registered and materialised, and a raw folder of N files, as after a ``make
run`` of N documents. Then, in CPU seconds of this process (``time.process_time``: steadier than
wall time on a shared machine):

- **automation tick**: the assets' automation conditions evaluated as the automation sensor and
  ``make run`` evaluate them (``dg.evaluate_automation_conditions`` over the models and the
  report), once from no cursor and then from that cursor with nothing new (best of two: the
  first such evaluation in a process pays one-off costs) — every tick of the daemon is of the
  second kind until a document changes;
- **sensor tick**: the raw-folder sensor's tick with nothing changed (it stats every file);
- **schedule tick**: the nightly schedule's requests (ranges of up to 1000 partitions).

The materialisations are reported as runless events, not by parsing N documents: what the
ticks read is the instance, not the warehouse.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.environment import PROJECT_INSTANCE, environment


def cpu_seconds(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.process_time()
    result = work()
    return time.process_time() - start, result


def ticks(partitions: int) -> dict[str, float]:
    """CPU seconds of each tick over ``partitions`` documents, materialised as after a ``make run``."""
    import dagster as dg

    from pipeline.definitions import defs
    from pipeline.defs.automation import MODELS_AND_REPORT, range_requests, raw_folder_sensor, record_folder_seen
    from pipeline.defs.discovery import fingerprints
    from pipeline.defs.ingest_assets import DOCUMENT, RAW_TABLE_KEYS
    from pipeline.defs.partitions import DOCUMENTS_PARTITION_NAME

    with tempfile.TemporaryDirectory(prefix="jixiao-ticks-") as tmp_name:
        tmp = Path(tmp_name)
        raw, home = tmp / "raw", tmp / "dagster_home"
        raw.mkdir()
        home.mkdir()
        shutil.copy(PROJECT_INSTANCE, home / "dagster.yaml")
        for i in range(partitions):
            (raw / f"{i:06d}.txt").write_text(str(i), encoding="utf-8")
        with environment(JIXIAO_RAW_DIR=str(raw), DAGSTER_HOME=str(home)), dg.DagsterInstance.get() as instance:
            seen = fingerprints(raw)
            instance.add_dynamic_partitions(DOCUMENTS_PARTITION_NAME, sorted(seen))
            for key in sorted(seen):
                instance.report_runless_asset_event(dg.AssetMaterialization(DOCUMENT, partition=key))
            for table in RAW_TABLE_KEYS.values():
                instance.report_runless_asset_event(dg.AssetMaterialization(table))
            record_folder_seen(instance, seen)

            def evaluate(cursor: Any = None) -> Any:
                return dg.evaluate_automation_conditions(
                    defs, instance, asset_selection=MODELS_AND_REPORT, cursor=cursor
                )

            first_s, first = cpu_seconds(evaluate)
            again_s = min(cpu_seconds(lambda: evaluate(first.cursor))[0] for _ in range(2))  # best of two
            sensor_s, tick = cpu_seconds(lambda: raw_folder_sensor(dg.build_sensor_context(instance=instance)))
            assert not tick.run_requests, "the sensor asked for runs with nothing changed"
            schedule_s, _ = cpu_seconds(lambda: range_requests(instance))
    return {"first": first_s, "again": again_s, "sensor": sensor_s, "schedule": schedule_s}


def bench_ticks(sizes: tuple[int, ...] = (1000, 10000)) -> None:
    """The ``automation tick`` lines: each tick's CPU seconds at each number of partitions."""
    from pipeline.defs.dbt_project import prepare_manifest

    prepare_manifest()
    print("\nDagster ticks over N document partitions (CPU s of this process):")
    for size in sizes:
        seconds = ticks(size)
        print(
            f"automation tick at {size} partitions: {seconds['again']:.2f} s (first tick {seconds['first']:.2f} s); "
            f"sensor tick {seconds['sensor']:.2f} s; schedule tick {seconds['schedule']:.2f} s",
            flush=True,
        )
