"""Page furniture (pipeline.core.text.is_page_furniture): the one rule the spaced-columns layout and
the scan reader share."""

from __future__ import annotations

import pytest

from pipeline.core.text import is_page_furniture


@pytest.mark.parametrize("line", ["- 3 -", "第 3 页", "第2页共9页", "17", "2/9", "续表", "续表1"])
def test_page_numbers_are_furniture(line: str) -> None:
    assert is_page_furniture(line)


@pytest.mark.parametrize("line", ["3月底", "100%", "项目名称", "≥95%", "1200"])
def test_values_and_labels_are_not(line: str) -> None:
    assert not is_page_furniture(line)
