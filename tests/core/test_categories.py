"""canonical_categories, case by case: every level-1/level-2 name the seed documents write, and each repair."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.categories import (
    LEVEL1_NAMES,
    LEVEL2_ALIASES,
    LEVEL2_NAMES,
    LEVEL2_PARENT,
    ONLY_CHILD,
    CategoryResult,
    canonical_categories,
    clean_name,
    within_one_edit,
)
from pipeline.core.text import compact

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"


def _in_document(prefix: str, *names: str) -> bool:
    (path,) = RAW.glob(f"{prefix}_*.txt")
    text = compact(path.read_text(encoding="utf-8"))
    return all(compact(name) in text for name in names)


def test_framework_tables() -> None:
    assert set(LEVEL1_NAMES) == {"产出指标", "效益指标", "满意度指标", "成本指标"}
    assert set(LEVEL2_NAMES) == {
        "数量指标", "质量指标", "时效指标", "成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标",
        "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标",
    }  # fmt: skip
    assert all(parent in LEVEL1_NAMES for parent in LEVEL2_PARENT.values())
    assert all(target in LEVEL2_NAMES for target in LEVEL2_ALIASES.values())
    assert ONLY_CHILD == {"满意度指标": "服务对象满意度指标"}


# --- every pair the seed tables write ----------------------------------------------------------------

# (document, level 1 as written, level 2 as written, canonical level 1, canonical level 2)
SEED_TABLE_PAIRS = [
    ("000", "产出指标", "数量指标", "产出指标", "数量指标"),
    ("000", "产出指标", "质量指标", "产出指标", "质量指标"),
    ("000", "产出指标", "时效指标", "产出指标", "时效指标"),
    ("000", "产出指标", "成本指标", "产出指标", "成本指标"),  # older framework: cost under output
    ("000", "效益指标", "社会效益指标", "效益指标", "社会效益指标"),
    ("000", "效益指标", "社会效益指 标", "效益指标", "社会效益指标"),  # wrapped cell
    ("000", "效益指标", "可持续影响指标", "效益指标", "可持续影响指标"),
    ("000", "效益指标", "可持续影响 指标", "效益指标", "可持续影响指标"),
    ("000", "满意度指标", "服务对象满意度指标", "满意度指标", "服务对象满意度指标"),
    ("000", "满意度指标", "服务对象满 意度指标", "满意度指标", "服务对象满意度指标"),
    ("001", "效益指标", "生态效益指标", "效益指标", "生态效益指标"),
    ("002", "效益指标", "经济效益指标", "效益指标", "经济效益指标"),
    ("003", "效益指标", "生态效益指标", "效益指标", "生态效益指标"),
    # 004 writes its tables as headed lists
    ("004", "一、产出指标", "(一) 数量指标：", "产出指标", "数量指标"),
    ("004", "一、产出指标", "(二) 质量指标：", "产出指标", "质量指标"),
    ("004", "一、产出指标", "(三) 时效指标：", "产出指标", "时效指标"),
    ("004", "一、产出指标", "(四) 成本指标：", "产出指标", "成本指标"),
    ("004", "二、效益指标", "(一) 社会效益指标：", "效益指标", "社会效益指标"),
    ("004", "二、效益指标", "(二) 可持续影响指标：", "效益指标", "可持续影响指标"),
    ("004", "二、效益指标", "(一)社会效益指标", "效益指标", "社会效益指标"),
]


@pytest.mark.parametrize(("doc", "level1", "level2", "canonical1", "canonical2"), SEED_TABLE_PAIRS)
def test_seed_pairs(doc: str, level1: str, level2: str, canonical1: str, canonical2: str) -> None:
    assert _in_document(doc, level1, level2)
    result = canonical_categories(level1, level2)
    assert (result.level1, result.level2) == (canonical1, canonical2)
    assert result.note is None, "formatting alone is not a change worth a note"


def test_004_satisfaction_without_level2() -> None:
    """``三、满意度指标`` is followed directly by the indicator: its only level 2 is implied."""
    assert _in_document("004", "三、满意度指标")
    result = canonical_categories("三、满意度指标", None)
    assert (result.level1, result.level2) == ("满意度指标", "服务对象满意度指标")
    assert result.note is not None and "only level 2" in result.note


def test_004_satisfaction_heading_under_benefit() -> None:
    """004 (民政/殡仪馆) writes ``(三) 满意度指标`` as a third level 2 under ``二、效益指标``."""
    assert _in_document("004", "(三) 满意度指标")
    result = canonical_categories("二、效益指标", "(三) 满意度指标")
    assert (result.level1, result.level2) == ("满意度指标", "服务对象满意度指标")
    assert result.note is not None
    assert "level-1 name" in result.note and "level 1 follows level 2" in result.note


# 003's prose part writes "level2-level3-…-value": the level 2 names it uses, one by one.
PROSE_LEVEL2 = [
    ("数量指标", "产出指标", "数量指标", False),
    ("质量指标", "产出指标", "质量指标", False),
    ("时效指标", "产出指标", "时效指标", False),
    ("成本指标", "产出指标", "成本指标", False),
    ("经济效益指标", "效益指标", "经济效益指标", False),
    ("社会效益指标", "效益指标", "社会效益指标", False),
    ("生态效益指标", "效益指标", "生态效益指标", False),
    ("可持续影响指标", "效益指标", "可持续影响指标", False),
    ("可持续影响力指标", "效益指标", "可持续影响指标", True),
    ("服务对象满意度指标", "满意度指标", "服务对象满意度指标", False),
    ("服务对象满意度", "满意度指标", "服务对象满意度指标", True),
]


@pytest.mark.parametrize(("level2", "parent", "canonical", "renamed"), PROSE_LEVEL2)
def test_003_prose_level2(level2: str, parent: str, canonical: str, renamed: bool) -> None:
    assert _in_document("003", f"{level2}-")
    result = canonical_categories(parent, level2)
    assert (result.level1, result.level2) == (parent, canonical)
    assert (result.note is not None) == renamed


def test_003_prose_satisfaction_as_level1() -> None:
    """``满意度指标-服务对象满意度-…``: 003 writes the level 1 where the other items write a level 2."""
    assert _in_document("003", "满意度指标-服务对象满意度-")
    result = canonical_categories("满意度指标", "服务对象满意度")
    assert (result.level1, result.level2) == ("满意度指标", "服务对象满意度指标")


def test_003_prose_unmappable_level2() -> None:
    """``经济效益指标-对经济发展带来效果``: read one step off, the level 3 is no framework name."""
    assert _in_document("003", "对经济发展带来效果")
    result = canonical_categories("效益指标", "对经济发展带来效果")
    assert result.level1 == "效益指标"
    assert result.level2 is None
    assert result.note is not None and "对经济发展带来效果" in result.note


# --- repairs -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level1", "level2", "expected1", "expected2", "note_part"),
    [
        # older template names
        ("效益指标", "环境效益指标", "效益指标", "生态效益指标", "环境效益指标"),
        ("效益指标", "生态环境效益指标", "效益指标", "生态效益指标", "生态环境效益指标"),
        # missing suffixes
        ("效益指标", "社会效益指", "效益指标", "社会效益指标", "'标'"),
        ("效益指", "社会效益指标", "效益指标", "社会效益指标", "'标'"),
        ("产出", "数量", "产出指标", "数量指标", "'指标'"),
        ("满意度", "服务对象满意度", "满意度指标", "服务对象满意度指标", "'指标'"),
        # one character differs, onto one known name only
        ("产出指标", "质童指标", "产出指标", "质量指标", "one character"),
        ("效益指标", "社会效溢指标", "效益指标", "社会效益指标", "one character"),
        ("产出指杯", "数量指标", "产出指标", "数量指标", "one character"),
        # a level 2 under the wrong level 1: level 1 follows
        ("产出指标", "社会效益指标", "效益指标", "社会效益指标", "level 1 follows level 2"),
        ("效益指标", "成本指标", "产出指标", "成本指标", "level 1 follows level 2"),
        ("产出指标", "经济成本指标", "成本指标", "经济成本指标", "level 1 follows level 2"),
        # level 1 blank after carry-down: inferred
        (None, "社会效益指标", "效益指标", "社会效益指标", "inferred"),
        ("", "成本指标", "产出指标", "成本指标", "inferred"),
        (None, "生态环境成本指标", "成本指标", "生态环境成本指标", "inferred"),
        # a level-1 name in the level-2 column
        (None, "满意度指标", "满意度指标", "服务对象满意度指标", "only level 2"),
        ("产出指标", "效益指标", "产出指标", None, "level-1 name"),
        (None, "效益指标", "效益指标", None, "level-1 name"),
        # a level-2 name in the level-1 column
        ("社会效益指标", None, "效益指标", "社会效益指标", "level-1 column"),
        ("社会效益指标", "经济效益指标", "效益指标", "经济效益指标", "level-1 column"),
        # not mappable with confidence
        ("产出指标", "x量指标", "产出指标", None, "several names"),
        ("效益指标", "社会影响", "效益指标", None, "not a framework name"),
        ("其他", "数量指标", "产出指标", "数量指标", "not a framework name"),
        ("成本指标", "成本指标", "成本指标", None, "kind of cost"),
        # blanks
        ("成本指标", None, "成本指标", None, "level 2 blank"),
        ("产出指标", "  ", "产出指标", None, "level 2 blank"),
        (None, None, None, None, "blank"),
    ],
)
def test_repairs(
    level1: str | None, level2: str | None, expected1: str | None, expected2: str | None, note_part: str
) -> None:
    result = canonical_categories(level1, level2)
    assert (result.level1, result.level2) == (expected1, expected2)
    assert result.note is not None and note_part in result.note, result.note


def test_new_framework_is_kept() -> None:
    for level2 in ("经济成本指标", "社会成本指标", "生态环境成本指标"):
        assert canonical_categories("成本指标", level2) == CategoryResult("成本指标", level2, None)


def test_fuzzy_step_is_limited_to_one_edit() -> None:
    assert canonical_categories("产出指标", "质童指木").level2 is None  # two edits
    assert canonical_categories("产出指标", "质指").level2 is None  # too short to edit
    assert within_one_edit("社会效益指", "社会效益指标")
    assert within_one_edit("质童指标", "质量指标")
    assert not within_one_edit("质童指木", "质量指标")


def test_clean_name() -> None:
    assert clean_name(" (一) 数量 指标： ") == "数量指标"
    assert clean_name("三、满意度指标") == "满意度指标"
    assert clean_name("（二）质量指标") == "质量指标"
    assert clean_name(None) == ""


NAMES = st.sampled_from(
    [*LEVEL1_NAMES, *LEVEL2_NAMES, *LEVEL2_ALIASES, "满意度", "数量", "效益指", "其他", ""]
)


@given(st.one_of(st.none(), NAMES, st.text(max_size=12)), st.one_of(st.none(), NAMES, st.text(max_size=12)))
def test_results_are_canonical_or_none(level1: str | None, level2: str | None) -> None:
    result = canonical_categories(level1, level2)
    assert result.level1 is None or result.level1 in LEVEL1_NAMES
    assert result.level2 is None or result.level2 in LEVEL2_NAMES
    if result.level2 is not None:
        assert result.level1 is not None
        assert LEVEL2_PARENT[result.level2] == result.level1
    if (result.level1, result.level2) != (clean_name(level1) or None, clean_name(level2) or None):
        assert result.note is not None


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("时效性指标", "时效指标"),
        ("社会公众或服务对象满意度指标", "服务对象满意度指标"),
        ("服务对象或受益者满意度指标", "服务对象满意度指标"),
        ("可持续性影响指标", "可持续影响指标"),
        ("可持续性发展影响指标", "可持续影响指标"),
    ],
)
def test_template_variant_names(written: str, canonical: str) -> None:
    """Template spellings of 二级 names, which the glued-row reader also takes as level words."""
    result = canonical_categories(None, written)
    assert (result.level2, result.level1) == (canonical, LEVEL2_PARENT[canonical])
