"""What a real ingest run records in the Dagster instance of ``make run``: two events per changed
document (its materialisation and its ``readable`` check), one per raw table per run, and a failed
document's partition carrying a failed check with the reason.

One Dagster instance configured as the project's own (SQLite on disk), a raw folder with one good
document (002, 22 indicator rows) and two that cannot be read; the tests run in order: a first
run, a run with nothing changed, a run after one file was edited.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from pipeline.defs.config import RAW_DIR_ENV, WAREHOUSE_ENV
from pipeline.defs.dbt_project import prepare_manifest
from tests.conftest import SEED_DIR, SEEDS

PROJECT_HOME = Path(__file__).resolve().parents[2] / ".dagster_home"
PER_DOCUMENT = {dg.DagsterEventType.ASSET_MATERIALIZATION.value, dg.DagsterEventType.ASSET_CHECK_EVALUATION.value}


@dataclass
class World:
    raw: Path
    instance: dg.DagsterInstance

    def ingest(self) -> str:
        """One ``make run`` ingest (the schedule's range, executed as the ingest job); its run id."""
        from pipeline.definitions import defs
        from pipeline.defs.orchestrate import ingest

        (run_id,) = ingest(self.instance, defs)
        return run_id

    def events(self, run_id: str) -> list[dg.EventLogEntry]:
        return [entry for entry in self.instance.all_logs(run_id) if entry.dagster_event is not None]

    def per_partition(self, run_id: str) -> Counter[tuple[str | None, str]]:
        """(partition, event type) → count, for the events of the run that name a document."""
        from pipeline.defs.ingest_assets import document_of_event

        named = ((document_of_event(entry), entry) for entry in self.events(run_id))
        return Counter(
            (partition, entry.dagster_event.event_type_value)
            for partition, entry in named
            if partition is not None and entry.dagster_event is not None
        )

    def check(self, partition: str) -> dg.AssetCheckEvaluation:
        from dagster._core.storage.event_log.base import PartitionKeyFilter

        from pipeline.defs.ingest_assets import READABLE_CHECK

        latest = self.instance.event_log_storage.get_latest_asset_check_execution_by_key(
            [READABLE_CHECK], partition_filter=PartitionKeyFilter(key=partition)
        )
        record = latest[READABLE_CHECK]
        assert record.event is not None and record.event.dagster_event is not None
        return record.event.dagster_event.asset_check_evaluation_data


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("ingest_events")
    raw, home = root / "raw", root / "dagster_home"
    raw.mkdir()
    home.mkdir()
    shutil.copy(PROJECT_HOME / "dagster.yaml", home / "dagster.yaml")
    shutil.copy(SEED_DIR / SEEDS["002"], raw / "sanjia.txt")
    (raw / "empty.txt").write_bytes(b"")
    (raw / "minutes.txt").write_text("镇政府会议纪要\n\n今天讨论了春耕生产。\n", encoding="utf-8")
    patch = pytest.MonkeyPatch()
    patch.setenv(RAW_DIR_ENV, str(raw))
    patch.setenv(WAREHOUSE_ENV, str(root / "warehouse" / "jixiao.duckdb"))
    patch.setenv("DAGSTER_HOME", str(home))
    prepare_manifest()
    with dg.DagsterInstance.get() as instance:
        yield World(raw, instance)
    patch.undo()


@pytest.fixture(scope="module")
def first_run(world: World) -> str:
    return world.ingest()


def test_each_changed_document_writes_two_events(world: World, first_run: str) -> None:
    counts = world.per_partition(first_run)
    assert counts == {(name, kind): 1 for name in ("empty.txt", "minutes.txt", "sanjia.txt") for kind in PER_DOCUMENT}


def test_each_raw_table_is_materialised_once_per_run_with_what_it_loaded(world: World, first_run: str) -> None:
    tables = {
        entry.dagster_event.asset_key.to_user_string(): entry.dagster_event.materialization.metadata
        for entry in world.events(first_run)
        if entry.dagster_event is not None
        and entry.dagster_event.is_step_materialization
        and entry.dagster_event.partition is None
    }
    assert sorted(tables) == [
        "raw/department_targets",
        "raw/documents",
        "raw/indicators",
        "raw/ingest_errors",
        "raw/projects",
    ]
    assert tables["raw/indicators"]["rows loaded"].value == 22  # 002's 22 indicator rows
    assert tables["raw/ingest_errors"]["rows loaded"].value == 2
    assert tables["raw/documents"]["documents changed"].value == 3


def test_the_document_materialisation_carries_its_facts(world: World, first_run: str) -> None:
    from pipeline.defs.ingest_assets import DOCUMENT

    records = world.instance.fetch_materializations(
        dg.AssetRecordsFilter(DOCUMENT, asset_partitions=["sanjia.txt"]), limit=1
    ).records
    materialisation = records[0].asset_materialization
    assert materialisation is not None
    metadata = {name: value.value for name, value in materialisation.metadata.items()}
    assert metadata["status"] == "loaded"
    assert metadata["raw.indicators rows"] == 22
    assert len(str(metadata["sha256"])) == 64
    assert materialisation.tags is not None and materialisation.tags["dagster/data_version"] == metadata["sha256"]


def test_a_failed_document_fails_its_partitions_check_with_the_reason(world: World, first_run: str) -> None:
    empty = world.check("empty.txt")
    assert (empty.passed, empty.partition) == (False, "empty.txt")
    assert empty.description is not None and empty.description.startswith("[empty_file] ")
    assert empty.description.endswith(" → Upload the document again.")
    assert empty.metadata["error_class"].value == "empty_file"
    assert empty.metadata["advice"].value == "Upload the document again."
    minutes = world.check("minutes.txt")
    assert (minutes.passed, minutes.metadata["error_class"].value) == (False, "unknown_layout")
    good = world.check("sanjia.txt")
    assert (good.passed, good.metadata["status"].value) == (True, "loaded")


def test_the_check_targets_the_partitions_latest_materialisation(world: World, first_run: str) -> None:
    """Dagster shows a partition's check only while it targets the latest materialisation."""
    from pipeline.defs.ingest_assets import READABLE_CHECK

    (info,) = world.instance.event_log_storage.get_asset_check_partition_info(
        [READABLE_CHECK], partition_keys=["empty.txt"]
    )
    assert info.is_current and info.latest_materialization_storage_id is not None


def test_nothing_changed_writes_no_document_event_and_keeps_the_failure_shown(world: World, first_run: str) -> None:
    again = world.ingest()
    assert world.per_partition(again) == {}
    assert not any(e.dagster_event is not None and e.dagster_event.is_step_materialization for e in world.events(again))
    assert world.check("empty.txt").passed is False  # not planned, so not "skipped" by a run that did not read it


def test_an_edited_document_writes_two_events_and_the_others_none(world: World, first_run: str) -> None:
    path = world.raw / "sanjia.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("≥8 小时", "≥9 小时"), encoding="utf-8")
    edited = world.ingest()
    assert world.per_partition(edited) == {("sanjia.txt", kind): 1 for kind in PER_DOCUMENT}


def test_a_new_instance_beside_a_loaded_warehouse_records_each_document_once(
    world: World, first_run: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new ``DAGSTER_HOME``: nothing is parsed, but each partition and table is recorded once, so
    the instance's view is the warehouse's and the eager models downstream are not left waiting."""
    shutil.copy(PROJECT_HOME / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with dg.DagsterInstance.get() as fresh:
        other = World(world.raw, fresh)
        run_id = other.ingest()
        assert other.per_partition(run_id) == {
            (name, dg.DagsterEventType.ASSET_MATERIALIZATION.value): 1
            for name in ("empty.txt", "minutes.txt", "sanjia.txt")
        }
        tables = [
            entry.dagster_event.materialization.metadata["documents changed"].value
            for entry in other.events(run_id)
            if entry.dagster_event is not None
            and entry.dagster_event.is_step_materialization
            and entry.dagster_event.partition is None
        ]
        assert tables == [0] * 5
        assert other.per_partition(other.ingest()) == {}  # recorded now: nothing more


def test_the_raw_tables_alone_read_every_known_document(world: World, first_run: str) -> None:
    """Materialising a raw table alone (the UI allows it: a run without partitions) goes through every
    document partition, and reports the tables only."""
    from pipeline.defs.ingest_assets import documents

    path = world.raw / "sanjia.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("≥9 小时", "≥10 小时"), encoding="utf-8")
    result = dg.materialize([documents], selection=[dg.AssetKey(["raw", "indicators"])], instance=world.instance)
    assert result.success
    assert world.per_partition(result.run_id) == {}
    (indicators,) = [event for event in result.get_asset_materialization_events()]
    assert indicators.asset_key == dg.AssetKey(["raw", "indicators"])
    assert indicators.step_materialization_data.materialization.metadata["rows loaded"].value == 22
