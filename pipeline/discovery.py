"""Which documents are in the raw folder and which changed since last looked: plain functions the
sensor, the schedule and ``make run`` share."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.ingest import discover_documents, source_file_of

Fingerprint = str
"""size and modification time: cheap to take for thousands of files, changes when a file does."""


def fingerprints(raw_dir: Path) -> dict[str, Fingerprint]:
    """Every document's partition key (its path relative to the raw folder) and fingerprint."""
    prints = {}
    for path in discover_documents(raw_dir):
        stat = path.stat()
        prints[source_file_of(path, raw_dir)] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return prints


@dataclass(frozen=True)
class FolderChanges:
    added: list[str]
    changed: list[str]
    removed: list[str]


def folder_changes(previous: dict[str, Fingerprint], current: dict[str, Fingerprint]) -> FolderChanges:
    """New, changed and removed documents between two looks at the raw folder."""
    return FolderChanges(
        added=sorted(set(current) - set(previous)),
        changed=sorted(k for k in set(current) & set(previous) if current[k] != previous[k]),
        removed=sorted(set(previous) - set(current)),
    )
