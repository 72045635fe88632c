"""Putting the projects read from prose beside the projects read from tables, in one extraction."""

from __future__ import annotations

import dataclasses

from pipeline.core.types import Extraction


def combine(tables: Extraction, prose: Extraction) -> Extraction:
    """The tables' extraction with the prose projects added after its own, numbered on from its last.

    The document keeps the table layout's name and confidence (the tables are what it was
    recognised by); each prose project carries its own layout and ``source_kind``.
    """
    offset = max((project.table_no for project in tables.projects), default=0)
    projects = tuple(dataclasses.replace(p, table_no=p.table_no + offset) for p in prose.projects)
    indicators = tuple(dataclasses.replace(r, table_no=r.table_no + offset) for r in prose.indicators)
    return dataclasses.replace(
        tables,
        projects=tables.projects + projects,
        indicators=tables.indicators + indicators,
        notes=tables.notes + prose.notes,
    )
