"""Folding traditional script with pinyin glosses onto the simplified vocabulary, and back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.traditional import fold, folded_text


def test_glosses_go_and_vocabulary_is_simplified() -> None:
    assert folded_text("產(chǎn)出指標(biāo)") == "产出指标"
    assert folded_text("質(zhì)量指標(biāo)") == "质量指标"
    assert folded_text("項目總投資19萬元") == "项目总投资19万元"


def test_brackets_that_are_no_gloss_stay() -> None:
    assert folded_text("項目(工程)驗收合格率") == "项目(工程)验收合格率"
    assert folded_text("年初目标值(A)") == "年初目标值(A)"
    assert folded_text("道路长度(km)") == "道路长度(km)"


def test_simplified_text_is_its_own_fold() -> None:
    folded = fold("数量指标：新建温棚6栋")
    assert folded.text == folded.written == "数量指标：新建温棚6栋"
    assert folded.origin is None


def test_a_folded_span_is_cut_as_written_with_its_glosses() -> None:
    folded = fold("貧困學(xué)生1606人次")
    cut = folded.text.index("1606")
    assert folded.written_span(0, cut) == "貧困學(xué)生"
    assert folded.written_span(cut, len(folded.text)) == "1606人次"


@given(st.text(alphabet="學標數(xué)biāo)（A）人1606 ", max_size=30))
def test_folded_spans_rebuild_the_written_text(text: str) -> None:
    folded = fold(text)
    assert len(folded.text) <= len(text)
    assert folded.written_span(0, len(folded.text)) == text
    middle = len(folded.text) // 2
    assert folded.written_span(0, middle) + folded.written_span(middle, len(folded.text)) == text
