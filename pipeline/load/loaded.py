"""What the warehouse already holds: the one rule that lets a run skip a file it has loaded before."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from pipeline.core.version import PARSER_VERSION
from pipeline.load.warehouse import RAW_SCHEMA, reader


class LoadedVersion(NamedTuple):
    """What the warehouse holds for one file: compared with the file's digest to skip unchanged ones."""

    sha256: str
    parser_version: str
    status: str


def loaded_versions(warehouse: Path) -> dict[str, LoadedVersion]:
    """What the warehouse holds for every file, in one read-only query: source_file → (sha256, parser_version, status)."""
    if not warehouse.exists():
        return {}
    with reader(warehouse) as con:
        found = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 'documents'",
            [RAW_SCHEMA],
        ).fetchone()
        if not found or not found[0]:
            return {}
        rows = con.execute(f"SELECT source_file, sha256, parser_version, status FROM {RAW_SCHEMA}.documents").fetchall()
    return {str(source): LoadedVersion(str(sha), str(version), str(status)) for source, sha, version, status in rows}


def is_unchanged(loaded: LoadedVersion | None, sha256: str | None) -> bool:
    """The warehouse already holds this exact file parsed by this exact parser, or already knows it is gone.

    ``loaded`` is what ``loaded_versions`` read for the file; ``sha256`` its
    digest now (``pipeline.parse.read.files.digest_inside``), None when there is no readable file.
    """
    if loaded is None:
        return False
    if sha256 is None:
        return loaded.status == "withdrawn"
    return loaded.status != "withdrawn" and (loaded.sha256, loaded.parser_version) == (sha256, PARSER_VERSION)
