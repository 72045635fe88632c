"""Targets written as prose in real documents of ``../shared/realdocs`` (issue 16).

The expected rows are the hand-read reference rows (``reference/PREFIX_rows.csv``) and the facts of
``gold.json``, typed in here: level 3 and value as written, budget in 元. The documents are public
and not ours, so they are not in the repository: each test is skipped, saying why, where the
folder is absent.
"""

from __future__ import annotations

import polars as pl
import pytest

from pipeline.parse.frames import DocumentFrames
from tests.conftest import parse_realdoc as _document


def _rows(frames: DocumentFrames) -> list[tuple[object, ...]]:
    return frames.indicators.sort("table_no", "row_no").select("level3", "value_text").rows()


def _project(frames: DocumentFrames) -> tuple[object, ...]:
    assert frames.projects.height == 1
    return frames.projects.select("project_name", "budget_yuan", "source_kind").row(0)


def test_a06_star_lists_with_template_hints_and_group_labels() -> None:
    frames = _document("a06_")
    assert _project(frames) == ("下马关镇设施农业黄金蜜(葡萄)种植项目", 500000.0, "prose")
    assert _rows(frames) == [
        ("黄金蜜(葡萄)种植数量", ">=17600株"),
        ("种植作物成活率", ">=85%"),  # reference >=85: the template (≥**%) gives the unit
        ("完成及时率", ">=100%"),
        ("黄金蜜(葡萄)补助成本", "≤28.40/株"),
        ("脱贫地区特色产业产值", "≥80万元"),
        ("促使脱贫户、监测户增加收入", "≥80万元"),
        ("受益脱贫户、监测户人口数", "≥10户"),
        ("受益脱贫户满意度", "≥95%"),
    ]
    categories = frames.indicators.sort("row_no").select("level1", "level2_raw").rows()
    assert categories[3] == ("产出指标", "成本指标")  # after "。成本指标:" in the middle of a line
    assert categories[6] == ("效益指标", "社会效益目标")  # as written
    assert categories[7] == ("满意度指标", "服务对象满意度指标")  # "服务对象满意度指标," then the item
    core = frames.indicators.filter(pl.col("is_core"))["level3"].to_list()
    assert core == ["黄金蜜(葡萄)种植数量", "受益脱贫户、监测户人口数"]


def test_e07_numbered_traditional_prose() -> None:
    frames = _document("e07_")
    assert _project(frames) == ("普通高中國家助學(xué)金", 1607700.0, "prose")
    assert _rows(frames) == [
        ("全年資助普通高中家庭經(jīng)濟困難學(xué)生", "1606人次"),
        ("資助金額", "160.77萬元"),
        ("資助標(biāo)準(zhǔn)", "100%達標(biāo)"),
        ("資助人數(shù)覆蓋率", "100%"),
        ("資助經(jīng)費到位率", "100%達標(biāo)"),
        ("資助標(biāo)準(zhǔn)", "每生每年3000元、2000元、1000元3個檔次"),
    ]
    first = frames.indicators.sort("row_no").row(0, named=True)
    assert (first["level1_raw"], first["level2_raw"], first["level1"], first["level2"]) == (
        "產(chǎn)出指標(biāo)",
        "數(shù)量指標(biāo)",
        "产出指标",
        "数量指标",
    )


def test_e11_one_sentence_of_targets_without_categories() -> None:
    frames = _document("e11_")
    assert _project(frames) == ("高其坑通組道路工程", 190000.0, "prose")
    assert _rows(frames) == [
        ("道路硬化", "≥0.565km"),
        ("項目(工程)驗收合格率", "≥100%"),
        ("受益貧困人口滿意度", "≥96%"),
        ("受益建檔立卡貧困人口數(shù)", "≥23人"),  # "…≥23人改善村基礎(chǔ)設(shè)施": the value stops after 人
    ]
    assert frames.indicators["level2_raw"].null_count() == 4
    assert frames.indicators["comparator"].to_list() == [">="] * 4


@pytest.mark.parametrize(("prefix", "narrative"), [("a06_", "80万元,受益"), ("e07_", "85.5"), ("e11_", "19萬元")])
def test_narrative_numbers_are_no_rows(prefix: str, narrative: str) -> None:
    """增加特色产业产值80万元,受益… (总体绩效目标), 资助资金85.5万元 (建设内容), 项目总投资19万元 (概况):
    sentences that are no target list give no row."""
    frames = _document(prefix)
    assert not any(narrative in str(text) for text in frames.indicators["description"].to_list())
    assert not any("85.5" in str(value) for value in frames.indicators["value_text"].to_list())
