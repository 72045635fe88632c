"""Which documents are in the raw folder and which changed since last looked: plain functions the
sensor, the schedule and ``make run`` share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pipeline.parse.read.files import FileStat, discover_documents, file_stat, source_file_of

_KEY_ESCAPES: Final = (("%", "%25"), ("...", "%2E%2E%2E"), ("\n", "%0A"), ("\r", "%0D"), ("\t", "%09"))
"""Dagster partition keys may not contain these; a file name may. Escaped both ways, '%' first."""
_NON_UTF8_BYTE: Final = re.compile("[\udc80-\udcff]")
"""A byte of a file name that is not UTF-8, as Python lists it (surrogate escape): Dagster's run
storage cannot encode it, so it becomes ``%XX`` (80–FF) in the key, and back."""
_ESCAPED_BYTE: Final = re.compile("%([89A-F][0-9A-F])")

Fingerprint = FileStat
"""A file's size, times and inode: cheap to take for thousands of files, changes when a file does."""


def partition_key(source_file: str) -> str:
    """The Dagster partition key of a document: its path relative to the raw folder, escaped."""
    for raw, escaped in _KEY_ESCAPES:
        source_file = source_file.replace(raw, escaped)
    return _NON_UTF8_BYTE.sub(lambda byte: f"%{ord(byte.group()) - 0xDC00:02X}", source_file)


def source_file_of_key(key: str) -> str:
    key = _ESCAPED_BYTE.sub(lambda byte: chr(0xDC00 + int(byte.group(1), 16)), key)
    for raw, escaped in reversed(_KEY_ESCAPES):
        key = key.replace(escaped, raw)
    return key


def fingerprints(raw_dir: Path) -> dict[str, Fingerprint]:
    """Every document's partition key and fingerprint; a dangling symlink still counts as present."""
    prints = {}
    for path in discover_documents(raw_dir):
        stat = path.lstat() if not path.exists() else path.stat()
        prints[partition_key(source_file_of(path, raw_dir))] = file_stat(stat)
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
