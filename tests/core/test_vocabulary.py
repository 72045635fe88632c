"""The 一级 names and their variants (pipeline.core.vocabulary): one list for every reader."""

from __future__ import annotations

import pytest

from pipeline.core.vocabulary import LEVEL1_VARIANTS, level_kind


@pytest.mark.parametrize("name", ["产出指标", "效益指标", "产出类指标", "项目完成指标", "项目效益指标", "管理类指标"])
def test_variants_of_a_level1_name_are_level1(name: str) -> None:
    assert name in LEVEL1_VARIANTS
    assert level_kind(name) == "level1"


@pytest.mark.parametrize("name", ["成本类指标", "满意度指标"])
def test_names_of_both_frameworks_stay_either_level(name: str) -> None:
    """成本指标 is a 一级 in the newer framework and a 二级 in the older; its 类 variant is a 一级."""
    assert level_kind(name) == ("level1" if "类" in name else "both")


@pytest.mark.parametrize("text", ["产出类", "项目指标", "完成类目标", "项目项目产出指标"])
def test_other_words_are_not_level1(text: str) -> None:
    assert text not in LEVEL1_VARIANTS
    assert level_kind(text) is None
