"""The national vocabulary of the 绩效目标表, as the reader recognises it in any script and spelling.

Offices write one closed set of 一级/二级 names (产出指标 → 数量指标 …), but the documents in the wild
spell them many ways, and the reader has to know a label when it sees one before it can place a cell:

* **Traditional script with pinyin glosses** (a mirror site's conversion): ``數(shù)量指標(biāo)`` is
  数量指标. Glosses are dropped and the characters of the vocabulary folded
  (``pipeline.core.traditional``) only to *recognise* a label; the text stored is as written.
* **Notes and tags** inside a label: ``产出指标(50分)``, ``成本指标(0-20)分``, ``数量指标 (必填硬性指标)``.
* **Wrapped labels**: ``社会效益\\n指标``, ``满意度指\\n标`` (the caller joins the pieces; ``is_level_label``
  tells it when the joined text is one label and the pieces are not).
* **Variants**: 一级 names such as ``项目完成指标``, ``项目效益指标``, ``产出类指标``; 二级 names are whatever
  ``pipeline.core.categories`` resolves to a canonical 二级 (aliases, a missing ending, one
  character off, or one core word: ``群众满意度指标``, ``日效性指标``, ``社会效益目标``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final, Literal, TypeAlias

from pipeline.core.categories import (
    COST,
    INDICATOR,
    LEVEL1_NAMES,
    LEVEL2_ALIASES,
    LEVEL2_PARENT,
    LEVEL2_SUFFIXES,
    SATISFACTION,
    clean_name,
    level2_name,
)
from pipeline.core.text import CACHED_STRINGS
from pipeline.core.traditional import folded_text

LevelKind: TypeAlias = Literal["level1", "level2", "both"]
"""A label that names a 一级 only, a 二级 only, or either (成本指标, 满意度指标: both frameworks use them)."""

LEVEL1_STEMS: Final[tuple[str, ...]] = (*(name.removesuffix(INDICATOR) for name in LEVEL1_NAMES), "完成", "管理")
"""What a 一级 name says before 指标: the four national ones, and 完成/管理 of older templates."""
LEVEL1_VARIANTS: Final[frozenset[str]] = frozenset(
    f"{project}{stem}{kind}{INDICATOR}" for project in ("", "项目") for stem in LEVEL1_STEMS for kind in ("", "类")
)
"""一级 names and their variants: 产出指标, 产出类指标, 项目完成指标, 项目效益指标, 管理类指标 (24 words)."""
BOTH_LEVELS: Final = frozenset({COST, SATISFACTION})
"""Names used as a 一级 in one framework and a 二级 in the other (成本指标), or in both columns (满意度指标)."""
MAX_LABEL_LENGTH: Final = 16


@lru_cache(maxsize=CACHED_STRINGS)
def fold(text: str) -> str:
    """The text with pinyin glosses dropped and vocabulary characters simplified, for matching only."""
    return folded_text(text)


@lru_cache(maxsize=CACHED_STRINGS)
def level_kind(text: str) -> LevelKind | None:
    """Whether a cell is a 一级 or 二级 label (or may be either); None for anything else."""
    key = clean_name(text)  # ``（一）產(chǎn)出指標(biāo)(50分)：`` → ``产出指标``
    if not key or len(key) > MAX_LABEL_LENGTH:
        return None
    if key in BOTH_LEVELS:
        return "both"
    if key in LEVEL1_VARIANTS:
        return "level1"
    if key.endswith(LEVEL2_SUFFIXES) and level2_name(key) is not None:
        return "level2"  # a cell without the ending (服务对象满意度) is a name, whatever it resembles
    return None


def is_level_label(text: str) -> bool:
    return level_kind(text) is not None


def is_framework_name(text: str) -> bool:
    """A canonical 一级/二级 name or a known alias (``生态环境成本指标``), not merely a variant's shape."""
    key = clean_name(text)
    return key in LEVEL1_NAMES or key in LEVEL2_PARENT or key in LEVEL2_ALIASES
