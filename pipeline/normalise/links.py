"""Linking a project written as prose to the table of the same project in the same document.

003 states six projects twice: a paragraph with a hyphen-joined indicator list, and a 绩效目标表
with a different set of indicators. Both are kept (they are different targets); the prose one gets
``linked_project_id`` = the table project's id, so that counts and budget sums take each project
once. Two projects are the same when their budgets are equal (to the fen) and their names are alike
(``pipeline.layouts.prose_targets.name_similarity`` ≥ ``NAME_SIMILARITY``: 安保环保、安全生产、食药监管
and 安保、环保、安全生产、应急、食药监管 are; 乡镇人大工作站经费 and 河渠清理及河长制项目, both 20000 元,
are not). Each table project is linked at most once, the most alike pair first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from pipeline.layouts.prose_targets import NAME_SIMILARITY, name_similarity
from pipeline.types import SOURCE_PROSE, SOURCE_TABLE

FEN: Final = 0.005
"""Budgets closer than half a fen are equal (they are sums of decimal amounts, held as floats)."""


def _same_budget(a: object, b: object) -> bool:
    return isinstance(a, float) and isinstance(b, float) and abs(a - b) < FEN


def _similarity(a: Mapping[str, object], b: Mapping[str, object]) -> float:
    return name_similarity(str(a["project_name"] or ""), str(b["project_name"] or ""))


def restatement_links(projects: Sequence[Mapping[str, object]]) -> dict[str, str]:
    """prose project_id → table project_id of the same project, for the prose projects that restate one."""
    tables = [p for p in projects if p["source_kind"] == SOURCE_TABLE]
    candidates = [
        (_similarity(prose, table), str(prose["project_id"]), str(table["project_id"]))
        for prose in projects
        if prose["source_kind"] == SOURCE_PROSE
        for table in tables
        if _same_budget(prose["budget_yuan"], table["budget_yuan"])
    ]
    pairs = sorted(candidates, key=lambda pair: (-pair[0], pair[1], pair[2]))
    links: dict[str, str] = {}
    taken: set[str] = set()
    for similarity, prose_id, table_id in pairs:
        if similarity >= NAME_SIMILARITY and prose_id not in links and table_id not in taken:
            links[prose_id] = table_id
            taken.add(table_id)
    return links
