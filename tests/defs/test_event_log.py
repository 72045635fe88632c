"""The event log of `make run`'s instance: Dagster's SQLite storage with engines kept, history intact."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from pipeline.defs.event_log import RECENT_RUN_ENGINES, KeptEngineSqliteEventLogStorage

PROJECT_HOME = Path(__file__).resolve().parents[2] / ".dagster_home"
LETTERS = dg.StaticPartitionsDefinition(["a", "b", "c"])


@dg.asset(partitions_def=LETTERS)
def letter(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"letter": context.partition_key})


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh $DAGSTER_HOME configured like the project's own."""
    shutil.copy(PROJECT_HOME / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def instance(home: Path) -> Iterator[dg.DagsterInstance]:
    with dg.DagsterInstance.get() as opened:
        yield opened


def storage_of(instance: dg.DagsterInstance) -> KeptEngineSqliteEventLogStorage:
    storage = instance.event_log_storage
    assert isinstance(storage, KeptEngineSqliteEventLogStorage)
    return storage


def materialise(instance: dg.DagsterInstance, partition: str) -> str:
    result = dg.materialize([letter], partition_key=partition, instance=instance)
    assert result.success
    return result.run_id


def test_project_instance_uses_it_where_dagster_keeps_history(home: Path, instance: dg.DagsterInstance) -> None:
    storage = storage_of(instance)
    assert Path(storage._base_dir) == home / "history" / "runs"


def test_events_written_are_read_by_another_instance(home: Path, instance: dg.DagsterInstance) -> None:
    run_ids = [materialise(instance, p) for p in ("a", "b", "c")]
    with dg.DagsterInstance.get() as reader:  # a second process, such as the UI, opens its own
        event = reader.get_latest_materialization_event(letter.key)
        assert event is not None and event.run_id == run_ids[-1]
        materialised = reader.get_materialized_partitions(letter.key)
        assert materialised == {"a", "b", "c"}
        assert {r.run_id for r in reader.get_runs()} == set(run_ids)
        step_events = reader.all_logs(run_ids[0])
        assert any(
            e.dagster_event and e.dagster_event.event_type == dg.DagsterEventType.RUN_SUCCESS for e in step_events
        )


def test_an_engine_per_database_not_per_event(instance: dg.DagsterInstance) -> None:
    storage = storage_of(instance)
    run_id = materialise(instance, "a")
    engines = dict(storage._engines)
    assert set(engines) == {"index", run_id}
    materialise(instance, "b")
    assert storage._engines["index"] is engines["index"]  # the index engine served both runs


def test_only_recent_runs_keep_an_engine(instance: dg.DagsterInstance) -> None:
    storage = storage_of(instance)
    run_ids = [materialise(instance, "abc"[i % 3]) for i in range(RECENT_RUN_ENGINES + 2)]
    assert set(storage._engines) == {"index", *run_ids[-RECENT_RUN_ENGINES:]}
    assert instance.get_materialized_partitions(letter.key) == {"a", "b", "c"}
    assert len(instance.all_logs(run_ids[0])) > 0  # a forgotten engine is remade on demand


def test_wipe_closes_engines_and_storage_goes_on(instance: dg.DagsterInstance) -> None:
    storage = storage_of(instance)
    materialise(instance, "a")
    storage.wipe()
    assert set(storage._engines) <= {"index"}  # no engine left on a deleted run database
    assert instance.get_latest_materialization_event(letter.key) is None
    materialise(instance, "b")
    assert instance.get_materialized_partitions(letter.key) == {"b"}


@dg.asset(partitions_def=LETTERS, backfill_policy=dg.BackfillPolicy.single_run())
def letters(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"letters": len(context.partition_keys)})


def test_a_range_run_plans_its_partitions_in_one_event(instance: dg.DagsterInstance) -> None:
    """Not one "materialisation planned" event per partition: a range of 1000 documents wrote 1000."""
    from pipeline.defs.partitions import range_tags

    result = dg.materialize([letters], instance=instance, tags=range_tags("a", "c"))
    planned = [
        entry
        for entry in instance.all_logs(result.run_id)
        if entry.dagster_event is not None
        and entry.dagster_event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED
    ]
    assert len(planned) == 1
    assert instance.get_materialized_partitions(letters.key) == {"a", "b", "c"}
