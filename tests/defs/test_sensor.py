"""The raw-folder sensor: new and changed files are ingested, deleted ones withdrawn, nothing twice."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pytest

from pipeline.defs.config import RAW_DIR_ENV
from pipeline.defs.discovery import folder_changes


def test_folder_changes() -> None:
    changes = folder_changes({"a.txt": "1:1", "b.txt": "2:2"}, {"b.txt": "2:3", "c.txt": "5:5"})
    assert (changes.added, changes.changed, changes.removed) == (["c.txt"], ["b.txt"], ["a.txt"])


def test_sensor_requests_runs_for_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.defs.automation import raw_folder_sensor

    monkeypatch.setenv(RAW_DIR_ENV, str(tmp_path))
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("一", encoding="utf-8")
    (tmp_path / "sub" / "镇 文件.txt").write_text("二", encoding="utf-8")
    (tmp_path / ".hidden").write_text("x", encoding="utf-8")
    with dg.instance_for_test() as instance:
        first = raw_folder_sensor(dg.build_sensor_context(instance=instance, cursor=None))
        assert sorted(r.partition_key for r in first.run_requests) == ["a.txt", "sub/镇 文件.txt"]
        assert first.dynamic_partitions_requests[0].partition_keys == ["a.txt", "sub/镇 文件.txt"]

        again = raw_folder_sensor(dg.build_sensor_context(instance=instance, cursor=first.cursor))
        assert again.run_requests == []

        (tmp_path / "a.txt").write_text("一改", encoding="utf-8")
        os.utime(tmp_path / "a.txt", ns=(1, 1))
        (tmp_path / "sub" / "镇 文件.txt").unlink()
        later = raw_folder_sensor(dg.build_sensor_context(instance=instance, cursor=first.cursor))
        assert sorted((r.partition_key, r.run_key.split("@")[1] == "withdrawn") for r in later.run_requests) == [
            ("a.txt", False),
            ("sub/镇 文件.txt", True),
        ]


def test_nightly_schedule_requests_ranges_not_one_run_per_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    from pipeline.defs import automation

    monkeypatch.setenv(RAW_DIR_ENV, str(tmp_path))
    monkeypatch.setattr(automation, "MAX_PARTITIONS_PER_RUN", 2)
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(name, encoding="utf-8")
    with dg.instance_for_test() as instance:
        requests = automation.nightly_refresh(dg.build_schedule_context(instance=instance))
    assert isinstance(requests, list)
    assert [(r.tags[ASSET_PARTITION_RANGE_START_TAG], r.tags[ASSET_PARTITION_RANGE_END_TAG]) for r in requests] == [
        ("a.txt", "b.txt"),
        ("c.txt", "c.txt"),
    ]


def test_covering_ranges_span_changed_keys_and_respect_the_size() -> None:
    from pipeline.defs.partitions import covering_ranges

    keys = [f"{i:02d}.txt" for i in range(10)]
    assert covering_ranges(keys, ["03.txt", "01.txt", "09.txt", "04.txt"], 3) == [
        ("01.txt", "03.txt"),
        ("04.txt", "04.txt"),
        ("09.txt", "09.txt"),
    ]
    assert covering_ranges(keys, ["00.txt", "02.txt", "02.txt"], 10) == [("00.txt", "02.txt")]
    assert covering_ranges(keys, [], 3) == []


def test_many_changed_files_run_as_ranges_not_one_run_each(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder copied in at once: a few range runs over the new partitions, withdrawals included."""
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    from pipeline.defs import automation

    monkeypatch.setenv(RAW_DIR_ENV, str(tmp_path))
    monkeypatch.setattr(automation, "MAX_PARTITIONS_PER_RUN", 8)
    names = [f"镇{i:02d}.txt" for i in range(20)]
    for name in names:
        (tmp_path / name).write_text(name, encoding="utf-8")
    with dg.instance_for_test() as instance:
        first = automation.raw_folder_sensor(dg.build_sensor_context(instance=instance, cursor=None))
        spans = [
            (r.tags[ASSET_PARTITION_RANGE_START_TAG], r.tags[ASSET_PARTITION_RANGE_END_TAG]) for r in first.run_requests
        ]
        assert spans == [(names[0], names[7]), (names[8], names[15]), (names[16], names[19])]
        assert all(r.partition_key is None for r in first.run_requests)
        instance.add_dynamic_partitions("documents", names)  # what the daemon does with the request

        again = automation.raw_folder_sensor(dg.build_sensor_context(instance=instance, cursor=first.cursor))
        assert again.run_requests == []
        for name in names[2:14]:  # 12 files: above the one-run-per-document limit
            (tmp_path / name).unlink()
        later = automation.raw_folder_sensor(dg.build_sensor_context(instance=instance, cursor=first.cursor))
        spans = [
            (r.tags[ASSET_PARTITION_RANGE_START_TAG], r.tags[ASSET_PARTITION_RANGE_END_TAG]) for r in later.run_requests
        ]
        assert spans == [(names[2], names[9]), (names[10], names[13])]
        repeat = automation.raw_folder_sensor(dg.build_sensor_context(instance=instance, cursor=first.cursor))
        assert [r.run_key for r in repeat.run_requests] == [r.run_key for r in later.run_requests]
        assert len({r.run_key for r in later.run_requests}) == 2


def test_first_tick_after_a_complete_run_starts_no_run_for_what_it_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``make ui`` right after ``make run``: the sensor starts from the folder as that run ingested it."""
    from pipeline.defs.automation import raw_folder_sensor, record_folder_seen
    from pipeline.defs.discovery import fingerprints

    monkeypatch.setenv(RAW_DIR_ENV, str(tmp_path))
    for name in ("甲镇.txt", "乙镇.txt"):
        (tmp_path / name).write_text(name, encoding="utf-8")
    with dg.instance_for_test() as instance:
        record_folder_seen(instance, fingerprints(tmp_path))
        (tmp_path / "丙镇.txt").write_text("丙", encoding="utf-8")  # arrives after the run
        first = raw_folder_sensor(dg.build_sensor_context(instance=instance, cursor=None))
    assert [r.partition_key for r in first.run_requests] == ["丙镇.txt"]
    assert [r.tags["jixiao/what"] for r in first.run_requests] == ["ingest 丙镇.txt"]
