"""The parser's shortcuts give what the plain computation they replace gives (hypothesis).

Each shortcut exists only for speed (bench/results.md, "Parse speed, session 3"); here it is
compared with the straightforward version written out, on text drawn from the characters the
documents are made of (CJK labels, spaces, tabs, markup, entities).
"""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.layouts.forms import _ALL_HEADER_KEYS, header_key, is_header_row
from pipeline.layouts.spaced_columns import _chunk_count, chunks
from pipeline.normalise.text import clean_text
from pipeline.read.text import _printable_share

EXAMPLES = 300
PIECES = st.sampled_from(
    [
        "指标值",
        "一级指标",
        "三级指标",
        "项目名称",
        "绩效",
        "值",
        " ",
        "  ",
        "\u3000",
        "\t",
        "\n",
        "\r",
        "\f",
        "\x00",
        "\x07",
        "<b>",
        "</p>",
        "&#20540;",
        "&amp;",
        "（%）",
        "$\\geq$",
        "95%",
        "",
        "x",
    ]
)
TEXT = st.lists(PIECES, max_size=12).map("".join)
CELLS = st.lists(TEXT, max_size=6)


@settings(max_examples=EXAMPLES)
@given(TEXT)
def test_chunk_count_is_the_number_of_chunks(line: str) -> None:
    assert _chunk_count(line) == len(chunks(line))


@settings(max_examples=EXAMPLES)
@given(st.one_of(TEXT, st.text(max_size=40)))
def test_printable_share_counts_every_character(text: str) -> None:
    if not text:
        return
    counts = Counter(text)
    printable = sum(n for ch, n in counts.items() if ch.isprintable() or ch in "\t\n\r")
    assert _printable_share(text) == printable / len(text)


@settings(max_examples=EXAMPLES)
@given(CELLS)
def test_is_header_row_is_every_filled_cell_a_header_label(cells: list[str]) -> None:
    keys = [header_key(c) for c in cells if clean_text(c)]
    assert is_header_row(cells) == (len(keys) >= 2 and all(k in _ALL_HEADER_KEYS for k in keys))
