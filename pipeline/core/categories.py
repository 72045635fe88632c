"""Canonical level-1 / level-2 indicator names (一级指标 / 二级指标) of the national framework.

Project tables classify each indicator under the framework of the Ministry of Finance for project
spending. Two generations of it occur in township documents, and both are kept as the table says:

* older tables: 产出指标 → 数量/质量/时效/成本指标, 效益指标 → 经济/社会/生态效益指标 and 可持续影响指标,
  满意度指标 → 服务对象满意度指标 (older templates still say 环境效益指标 for 生态效益指标);
* newer tables (from 2021): 成本指标 is a level 1 of its own, with 经济/社会/生态环境成本指标 below it.

So 成本指标 is a level-2 name under 产出指标 *and* a level-1 name. Only the spelling is canonicalised.

What ``canonical_categories`` repairs, each with a note (formatting alone — wrap spaces, a list
number such as ``一、`` or ``(一)``, a trailing colon — is removed silently):

1. exact names, then the aliases in ``LEVEL2_ALIASES`` (older or variant names);
2. a missing ``指标`` / ``标`` suffix (``数量`` → 数量指标, ``社会效益指`` → 社会效益指标);
3. at most **one** character edit onto a known name, only when exactly one known name is that close
   and the written name has at least ``MIN_FUZZY_LENGTH`` characters (``x量指标`` is as close to
   数量指标 as to 质量指标 and maps to nothing);
4. a level 2 under the wrong level 1: level 1 follows level 2 (the finer, more often right cell);
5. a blank level 1 (after the caller's carry-down): inferred from level 2;
6. a level-1 name in the level-2 column: 满意度指标 has one level 2 only, so it becomes
   服务对象满意度指标; 产出指标 / 效益指标 have several, so level 2 stays None. For the same reason a
   blank level 2 under 满意度指标 (004's ``三、满意度指标``) is 服务对象满意度指标;
7. a level-2 name in the level-1 column: level 1 comes from level 2 (or from that name's parent).

Anything else keeps a null canonical name and a note: ``对经济发展带来效果`` as a level 2 is None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from pipeline.core.text import WHITESPACE, without_list_number
from pipeline.core.traditional import folded_text

INDICATOR: Final = "指标"
"""The word that ends a category name (产出指标, 数量指标)."""
OUTPUT: Final = "产出指标"
BENEFIT: Final = "效益指标"
SATISFACTION: Final = "满意度指标"
COST: Final = "成本指标"

LEVEL1_NAMES: Final[tuple[str, ...]] = (OUTPUT, BENEFIT, SATISFACTION, COST)

LEVEL2_PARENT: Final[dict[str, str]] = {
    "数量指标": OUTPUT,
    "质量指标": OUTPUT,
    "时效指标": OUTPUT,
    COST: OUTPUT,  # older framework: 成本指标 is a level 2 under 产出指标
    "经济成本指标": COST,
    "社会成本指标": COST,
    "生态环境成本指标": COST,
    "经济效益指标": BENEFIT,
    "社会效益指标": BENEFIT,
    "生态效益指标": BENEFIT,
    "可持续影响指标": BENEFIT,
    "服务对象满意度指标": SATISFACTION,
}
"""Each canonical level-2 name and the level 1 it belongs under."""

LEVEL2_NAMES: Final[tuple[str, ...]] = tuple(LEVEL2_PARENT)

LEVEL2_ALIASES: Final[dict[str, str]] = {
    "环境效益指标": "生态效益指标",
    "生态环境效益指标": "生态效益指标",
    "可持续影响力指标": "可持续影响指标",
    "可持续发展指标": "可持续影响指标",
    "服务对象满意指标": "服务对象满意度指标",
    "社会公众或服务对象满意度指标": "服务对象满意度指标",
    "服务对象或受益者满意度指标": "服务对象满意度指标",
    "时效性指标": "时效指标",
    "可持续性影响指标": "可持续影响指标",
    "可持续性发展影响指标": "可持续影响指标",
}
"""Variant and older names of level-2 indicators, mapped to the canonical name."""

ONLY_CHILD: Final[dict[str, str]] = {
    parent: children[0]
    for parent in LEVEL1_NAMES
    if len(children := [child for child, p in LEVEL2_PARENT.items() if p == parent]) == 1
}
"""Level-1 names with exactly one level 2 below them (满意度指标 → 服务对象满意度指标)."""

SUFFIXES: Final[tuple[str, ...]] = (INDICATOR, "标")
"""What a name with a missing ending is completed with."""
MIN_FUZZY_LENGTH: Final = 4
"""Shorter names are not edited onto a known name: too many known names are one edit away."""
MAX_EDITS: Final = 1

NOTE_SEPARATOR: Final = "; "
CACHED_PAIRS: Final = 1 << 10
"""Distinct (level1, level2) pairs remembered: few per document, so this spans many documents."""

_AFTER_NUMBER: Final = "、.．"
"""What a list number such as ``（一）、`` may leave behind."""
_TRAILING_PUNCTUATION: Final = re.compile(r"[:：;；,，.。、]+$")
_NOTE: Final = re.compile(r"[(（【\[][^()（）【】\[\]]*[)）】\]]\s*分?")
"""Notes and tags inside a name: ``产出指标(50分)``, ``成本指标(0-20)分``, ``数量指标 (必填硬性指标)``."""
_MARKS: Final = re.compile(r"[*★☆]+")

LEVEL2_CORES: Final[tuple[tuple[str, str], ...]] = (
    ("生态环境成本", "生态环境成本指标"),
    ("社会成本", "社会成本指标"),
    ("经济成本", "经济成本指标"),
    ("经济效益", "经济效益指标"),
    ("社会效益", "社会效益指标"),
    ("生态效益", "生态效益指标"),
    ("环境效益", "生态效益指标"),
    ("可持续", "可持续影响指标"),
    ("影响", "可持续影响指标"),
    ("满意", "服务对象满意度指标"),
    ("数量", "数量指标"),
    ("质量", "质量指标"),
    ("时效", "时效指标"),
    ("日效", "时效指标"),
    ("成本", COST),
)
"""The word at the core of a 二级 name, longest first, for names the other rules miss: a 二级 name that
holds one core (``群众满意度指标``, ``服务对象或受益者满意度指标``, ``可持续性发展影响指标``, ``日效性指标``)
is that category; one that holds two, or lists several (``经济和社会效益指标``), is none."""
_LISTED: Final = re.compile("[和及与、]")
_WORDS_ONLY: Final = re.compile(r"[\u4e00-\u9fff]+")
LEVEL2_SUFFIXES: Final = (INDICATOR, "目标")
NOT_CATEGORIES: Final = frozenset({"绩效指标", "年度绩效指标", "绩效目标", "年度绩效目标"})
"""Labels of the whole indicator block (绩效指标 spans all rows at the left of many forms): one character
from 时效指标, but never a category."""


@dataclass(frozen=True)
class CategoryResult:
    """Canonical level-1 and level-2 names (None when not mappable with confidence) and why."""

    level1: str | None
    level2: str | None
    note: str | None


@dataclass(frozen=True)
class _Name:
    """A written name resolved to a known name, or not, with the notes of the repair."""

    written: str
    known: str | None
    notes: tuple[str, ...] = ()


def clean_name(text: str | None) -> str:
    """The name without wrap spaces, list number (一、 / (一) / 1.), notes and tags (``(50分)``,
    ``(必填)``) or trailing colon, folded onto simplified script (``數(shù)量指標(biāo)`` → 数量指标, see
    ``traditional``)."""
    if not text:
        return ""
    text = without_list_number(folded_text(WHITESPACE.sub("", _MARKS.sub("", text)))).lstrip(_AFTER_NUMBER)
    return _TRAILING_PUNCTUATION.sub("", _NOTE.sub("", text))


def within_one_edit(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by at most one insertion, deletion or substitution."""
    if abs(len(a) - len(b)) > MAX_EDITS:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= MAX_EDITS
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _lookup(name: str, known: tuple[str, ...], aliases: dict[str, str]) -> tuple[str | None, str | None]:
    """(known name, note) for an exact name or alias, else (None, None)."""
    if name in known:
        return name, None
    if name in aliases:
        return aliases[name], f"'{name}' read as '{aliases[name]}'"
    return None, None


def _resolve(written: str, known: tuple[str, ...], aliases: dict[str, str]) -> _Name:
    """Exact → alias → missing suffix → one edit (unique); otherwise unresolved."""
    found, note = _lookup(written, known, aliases)
    if found is not None:
        return _Name(written, found, (note,) if note else ())
    for suffix in SUFFIXES:
        found, note = _lookup(written + suffix, known, aliases)
        if found is not None:
            notes = [f"'{written}' lacks the ending '{suffix}'"] + ([note] if note else [])
            return _Name(written, found, tuple(notes))
    if len(written) < MIN_FUZZY_LENGTH:
        return _Name(written, None)
    candidates = sorted({aliases.get(n, n) for n in (*known, *aliases) if within_one_edit(written, n)})
    if len(candidates) == 1:
        return _Name(written, candidates[0], (f"'{written}' read as '{candidates[0]}' (one character differs)",))
    if candidates:
        return _Name(written, None, (f"'{written}' is one character from several names ({', '.join(candidates)})",))
    return _Name(written, None)


def _resolve_level1(raw: str | None) -> _Name:
    written = clean_name(raw)
    if not written:
        return _Name("", None)
    as_level1 = _resolve(written, LEVEL1_NAMES, {})
    if as_level1.known is not None:
        return as_level1
    return _Name(written, None, as_level1.notes)


def _resolve_level2(raw: str | None) -> _Name:
    written = clean_name(raw)
    if not written or written in NOT_CATEGORIES:
        return _Name(written, None)
    found = _resolve(written, LEVEL2_NAMES, LEVEL2_ALIASES)
    if found.known is not None or written in LEVEL1_NAMES:
        return found
    core = _by_core_word(written)
    if core is None:
        return found
    return _Name(written, core, (f"'{written}' read as '{core}' (its core word)",))


def level2_name(text: str | None) -> str | None:
    """The canonical 二级 name a written label stands for (exact, alias, repair or core word), or None."""
    return _resolve_level2(text).known


def _by_core_word(written: str) -> str | None:
    """The one 二级 category a variant name's core word says (see ``LEVEL2_CORES``), or None."""
    if not written.endswith(LEVEL2_SUFFIXES) or sum(written.count(suffix) for suffix in LEVEL2_SUFFIXES) > 1:
        return None
    if _LISTED.search(written) or not _WORDS_ONLY.fullmatch(written):
        return None  # a list of categories, or a value that ends in a name (≥95质量指标)
    rest, found = written, set()
    for core, canonical in LEVEL2_CORES:
        if core in rest:
            found.add(canonical)
            rest = rest.replace(core, "")
    return found.pop() if len(found) == 1 else None


def _level1_only(written: str) -> str | None:
    """The level-1 name a level-2 cell holds (效益指标 written as a level 2), if it holds one."""
    if written in LEVEL2_ALIASES or written in LEVEL2_PARENT:
        return None
    found = _resolve(written, LEVEL1_NAMES, {})
    return found.known if found.known != COST else None


def _join(notes: list[str]) -> str | None:
    return NOTE_SEPARATOR.join(notes) if notes else None


def _reconcile(level1: str | None, written1: str, level2: str, notes: list[str]) -> str:
    """Level 1 that fits ``level2``: inferred when blank, following level 2 when it disagrees."""
    parent = LEVEL2_PARENT[level2]
    if level1 is None:
        blank = "" if written1 else "level 1 blank; "
        notes.append(f"{blank}level 1 '{parent}' inferred from level 2 '{level2}'")
    elif level1 != parent:
        notes.append(f"'{level2}' belongs under '{parent}', not '{level1}'; level 1 follows level 2")
    return parent


@lru_cache(maxsize=CACHED_PAIRS)
def canonical_categories(level1_raw: str | None, level2_raw: str | None) -> CategoryResult:
    """Canonical (level1, level2) for one indicator row as written; see the module docstring.

    Memoised (pure, frozen result): a document writes a handful of distinct pairs over hundreds of rows.
    """
    notes: list[str] = []
    one = _resolve_level1(level1_raw)
    two = _resolve_level2(level2_raw)
    notes.extend(one.notes)
    level1 = one.known

    if one.written and level1 is None:
        misplaced = _resolve(one.written, LEVEL2_NAMES, LEVEL2_ALIASES).known
        if misplaced is not None and not two.written:
            notes.append(f"level-2 name '{one.written}' in the level-1 column; read as level 2")
            two = _Name(one.written, misplaced)
        elif misplaced is not None:
            notes.append(f"level-2 name '{one.written}' in the level-1 column")
        else:
            notes.append(f"level 1 '{one.written}' is not a framework name")

    if not two.written:
        if level1 in ONLY_CHILD:
            notes.append(f"level 2 blank; '{ONLY_CHILD[level1]}' is the only level 2 under '{level1}'")
            return CategoryResult(level1, ONLY_CHILD[level1], _join(notes))
        if level1 is not None or one.written:
            notes.append("level 2 blank")
        else:
            notes.append("level 1 and level 2 blank")
        return CategoryResult(level1, None, _join(notes))

    notes.extend(two.notes)
    level2 = two.known
    if level2 is None:
        lone = _level1_only(two.written)
        if lone is not None and lone in ONLY_CHILD:
            child = ONLY_CHILD[lone]
            notes.append(f"level-1 name '{two.written}' in the level-2 column; its only level 2 is '{child}'")
            return CategoryResult(_reconcile(level1, one.written, child, notes), child, _join(notes))
        if lone is not None:
            notes.append(f"level-1 name '{two.written}' in the level-2 column; level 2 not named")
            if level1 is None:
                notes.append(f"level 1 '{lone}' taken from it")
            return CategoryResult(level1 or lone, None, _join(notes))
        notes.append(f"level 2 '{two.written}' is not a framework name")
        return CategoryResult(level1, None, _join(notes))

    if level2 == COST and level1 == COST:
        notes.append("'成本指标' under level 1 '成本指标': the kind of cost (经济/社会/生态环境) is not named")
        return CategoryResult(level1, None, _join(notes))
    return CategoryResult(_reconcile(level1, one.written, level2, notes), level2, _join(notes))
