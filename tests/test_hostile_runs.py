"""Runs that lose data or fail unhelpfully (issue 17): a missing or emptied raw folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.batch import ALLOW_WITHDRAW_ALL_ENV, MassWithdrawalError, ingest_documents
from pipeline.config import RAW_DIR_ENV, WAREHOUSE_ENV
from pipeline.discovery import fingerprints
from pipeline.ingest import RawFolderMissingError
from pipeline.warehouse import loaded_versions
from tests.test_batch import seed_folder


def statuses(warehouse: Path) -> dict[str, str]:
    return {name: version.status for name, version in loaded_versions(warehouse).items()}


@pytest.fixture
def loaded(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """Four seed documents loaded: (raw folder, warehouse, their names)."""
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse" / "w.duckdb"
    names = sorted(seed_folder(raw, 4))
    list(ingest_documents(names, raw, warehouse, workers=1))
    assert set(statuses(warehouse).values()) == {"loaded"}
    return raw, warehouse, names


# -- 1: a missing raw folder, a mass withdrawal --------------------------------------------------
def test_missing_raw_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RawFolderMissingError, match="does not exist"):
        fingerprints(tmp_path / "not-mounted")


def test_make_run_refuses_a_missing_raw_folder_before_touching_anything(
    loaded: tuple[Path, Path, list[str]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from pipeline.run import main

    raw, warehouse, _ = loaded
    monkeypatch.setenv(RAW_DIR_ENV, str(raw.parent / "raw-typo"))
    monkeypatch.setenv(WAREHOUSE_ENV, str(warehouse))
    assert main([]) == 2
    assert "JIXIAO_RAW_DIR" in capsys.readouterr().err
    assert set(statuses(warehouse).values()) == {"loaded"}


def test_a_run_refuses_to_withdraw_most_of_the_warehouse(loaded: tuple[Path, Path, list[str]]) -> None:
    raw, warehouse, names = loaded
    for name in names[:3]:
        (raw / name).unlink()
    with pytest.raises(MassWithdrawalError, match="--allow-withdraw-all"):
        list(ingest_documents(names[:1], raw, warehouse, workers=1))  # one range of many: counted over all
    assert set(statuses(warehouse).values()) == {"loaded"}


def test_an_emptied_folder_is_refused_too(
    loaded: tuple[Path, Path, list[str]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from pipeline.run import main

    raw, warehouse, _ = loaded
    shutil.rmtree(raw)
    raw.mkdir()  # an empty mount point
    monkeypatch.setenv(RAW_DIR_ENV, str(raw))
    monkeypatch.setenv(WAREHOUSE_ENV, str(warehouse))
    assert main([]) == 2
    assert "refusing to withdraw 4 of the 4 documents" in capsys.readouterr().err


def test_withdrawing_most_documents_when_told_to(
    loaded: tuple[Path, Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, warehouse, names = loaded
    for name in names[:3]:
        (raw / name).unlink()
    monkeypatch.setenv(ALLOW_WITHDRAW_ALL_ENV, "1")
    list(ingest_documents(names, raw, warehouse, workers=1))
    assert sorted(statuses(warehouse).values()) == ["loaded", "withdrawn", "withdrawn", "withdrawn"]


def test_withdrawing_a_few_documents_needs_no_permission(loaded: tuple[Path, Path, list[str]]) -> None:
    raw, warehouse, names = loaded
    (raw / names[0]).unlink()
    list(ingest_documents(names, raw, warehouse, workers=1))
    assert statuses(warehouse)[names[0]] == "withdrawn"
