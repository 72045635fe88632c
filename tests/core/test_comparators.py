"""The comparator table (pipeline.core.comparators): each comparator once, each word meaning one of
them, and every reader of a value reading every word of it."""

from __future__ import annotations

import pytest

from pipeline.core.comparators import (
    CEILINGS,
    COMPARATOR_TABLE,
    COMPARATOR_WORDS,
    COMPARATORS,
    PREFIX_COMPARATORS,
    SUFFIX_COMPARATORS,
    trailing_comparator,
)
from pipeline.parse.layouts.prose_targets import target_list_items
from pipeline.parse.values import parse_value


def test_each_comparator_has_one_entry_and_each_spelling_one_meaning() -> None:
    assert sorted(entry.symbol for entry in COMPARATOR_TABLE) == sorted(COMPARATORS)
    before = [s for entry in COMPARATOR_TABLE for s in (*entry.signs, *entry.words_before)]
    after = [w for entry in COMPARATOR_TABLE for w in entry.words_after]
    assert len(before) == len(set(before)) == len(PREFIX_COMPARATORS)
    assert len(after) == len(set(after)) == len(SUFFIX_COMPARATORS)


@pytest.mark.parametrize(
    ("word", "symbol"),
    [
        ("不低于", ">="), ("至少", ">="), ("达到", ">="), ("大于等于", ">="),
        ("不超出", "<="), ("不超过", "<="), ("最多", "<="),
        ("高于", ">"), ("超过", ">"), ("低于", "<"), ("不足", "<"), ("等于", "="),
    ],
)  # fmt: skip
def test_words_mean_what_the_civil_code_reads(word: str, symbol: str) -> None:
    """超过 and 不满 exclude the number, 不低于 and 以内 include it (PRC Civil Code art. 1259)."""
    assert PREFIX_COMPARATORS[word] == symbol
    assert parse_value(f"{word}95%").comparator == symbol


def test_suffixes_include_the_number() -> None:
    assert parse_value("90%以上").comparator == ">="
    assert parse_value("7工作日以内").comparator == "<="
    assert SUFFIX_COMPARATORS["及以下"] == "<="


def test_ceilings_are_the_maxima() -> None:
    """The ``backwards`` flag looks for a ceiling on a rate where more is better (≤95%)."""
    assert set(CEILINGS) == {"<=", "<"}


def test_trailing_comparator_takes_the_longest_word() -> None:
    assert trailing_comparator("完成率不低于") == "不低于"
    assert trailing_comparator("完成率大于等于") == "大于等于"
    assert trailing_comparator("完成率") is None


@pytest.mark.parametrize("word", sorted(COMPARATOR_WORDS))
def test_the_prose_reader_reads_every_comparator_word(word: str) -> None:
    """The prose reader had a shorter list of its own (no 至少, 不超出, 等于 …): a target list item
    ``验收合格率至少95%`` lost its value. Every word of the table now starts a value there."""
    items = target_list_items(f"改造危房≥12户，验收合格率{word}95%")
    assert items is not None
    assert [(i.level3, i.value_text) for i in items] == [("改造危房", "≥12户"), ("验收合格率", f"{word}95%")]
    assert parse_value(items[1].value_text).comparator == PREFIX_COMPARATORS[word]
