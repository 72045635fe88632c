"""What the warehouse already holds: the one rule that lets a run skip a file it has loaded before."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from pipeline.core.version import PARSER_VERSION
from pipeline.load.warehouse import RAW_SCHEMA, raw_columns, reader
from pipeline.parse.read.files import FileStat, digest_inside, stat_of


class LoadedVersion(NamedTuple):
    """What the warehouse holds for one file: compared with the file's digest to skip unchanged ones."""

    sha256: str
    parser_version: str
    status: str
    file_stat: FileStat | None
    """The file's status when it was read; None when unknown (not read, or loaded before it was recorded)."""


def loaded_versions(warehouse: Path) -> dict[str, LoadedVersion]:
    """What the warehouse holds for every file, in one read-only query: source_file → ``LoadedVersion``.

    A warehouse written before ``file_stat`` was recorded lacks the column until its next load:
    its files are then hashed as before."""
    if not warehouse.exists():
        return {}
    with reader(warehouse) as con:
        columns = raw_columns(con, "documents")
        if not columns:
            return {}
        file_stat = "file_stat" if "file_stat" in columns else "NULL"
        rows = con.execute(
            f"SELECT source_file, sha256, parser_version, status, {file_stat} FROM {RAW_SCHEMA}.documents"
        ).fetchall()
    return {
        str(source): LoadedVersion(str(sha), str(version), str(status), stat or None)
        for source, sha, version, status, stat in rows
    }


def digest_now(loaded: LoadedVersion, path: Path, raw_dir: Path) -> str | None:
    """The file's sha256 now: the one recorded when the file's status is the one recorded with it,
    else read from the file (``digest_inside``: None when there is no readable file)."""
    if loaded.file_stat is not None and stat_of(path) == loaded.file_stat:
        return loaded.sha256
    return digest_inside(path, raw_dir)


def is_unchanged(loaded: LoadedVersion | None, sha256: str | None) -> bool:
    """The warehouse already holds this exact file parsed by this exact parser, or already knows it is gone.

    ``loaded`` is what ``loaded_versions`` read for the file; ``sha256`` its
    digest now (``digest_now``), None when there is no readable file.
    """
    if loaded is None:
        return False
    if sha256 is None:
        return loaded.status == "withdrawn"
    return loaded.status != "withdrawn" and (loaded.sha256, loaded.parser_version) == (sha256, PARSER_VERSION)
