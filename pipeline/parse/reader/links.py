"""Linking a project written as prose to the table of the same project in the same document.

003 states six projects twice: a paragraph with a hyphen-joined indicator list, and a 绩效目标表
with a different set of indicators. Both are kept (they are different targets); the prose one gets
``linked_project_id`` = the table project's id, so that counts and budget sums take each project
once. Two projects are the same when their budgets are equal (to the fen) and their names are alike
(``name_similarity`` ≥ ``NAME_SIMILARITY``: 安保环保、安全生产、食药监管
and 安保、环保、安全生产、应急、食药监管 are; 乡镇人大工作站经费 and 河渠清理及河长制项目, both 20000 元,
are not). Each table project is linked at most once, the most alike pair first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from difflib import SequenceMatcher
from typing import Final

from pipeline.core.text import without_list_number
from pipeline.core.types import SOURCE_PROSE, SOURCE_TABLE

NAME_SIMILARITY: Final = 0.6
"""Two project names this alike (difflib ratio, punctuation ignored) name the same project."""
MIN_CONTAINED_CHARS: Final = 4
"""A name inside another counts as the same name only from this length (项目 is inside every name)."""

_NAME_NOISE: Final = re.compile(r"[\s、，,。.．（）()《》“”\"'：:;；\-]")
FEN: Final = 0.005
"""Budgets closer than half a fen are equal (they are sums of decimal amounts, held as floats)."""


def name_key(name: str) -> str:
    """A project name without punctuation, list number or spaces: what comparing names looks at."""
    return _NAME_NOISE.sub("", without_list_number(name.strip()))


def name_similarity(a: str, b: str) -> float:
    """1.0 for names equal but for punctuation (or one inside the other), else difflib's ratio."""
    key_a, key_b = name_key(a), name_key(b)
    if not key_a or not key_b:
        return 0.0
    if min(len(key_a), len(key_b)) >= MIN_CONTAINED_CHARS and (key_a in key_b or key_b in key_a):
        return 1.0
    return SequenceMatcher(None, key_a, key_b).ratio()


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
