"""Cleaning cell text of what converters add: markup, line-wrap spaces, LaTeX maths.

Chinese is written without spaces, so a space next to a CJK character is an artefact of a
line wrap or of a converter padding numbers ("受益对象满 意度", "≤19 万元", "2024 年底"). The one
space kept is the one before a list enumerator ("…到位 2.提高…"), which separates items.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

CJK_IDEOGRAPHS: Final = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
"""The CJK ideograph blocks (extension A, unified, compatibility), for character classes."""
CJK_CLASS: Final = (
    "\u2e80-\u2fdf"  # radicals
    "\u3000-\u303f"  # CJK punctuation
    + CJK_IDEOGRAPHS
    + "\ufe30-\ufe4f"  # compatibility forms
    "\uff00-\uffef"  # full-width forms
    "\u2018-\u201f"  # curly quotes
    "\u2160-\u217f"  # roman numerals
    "≥≤＞＜<>=≠±×÷"  # comparators: "≥ 95%" is "≥95%"
)
_TAG: Final = re.compile(r"</?\s*(?:b|strong|i|em|u|span|p|br|div|font|sup|sub|td|th|tr)\b[^>]*>", re.IGNORECASE)
_LATEX_MATH: Final = re.compile(r"\$([^$]{1,80})\$")
_LATEX_SYMBOLS: Final = {
    r"\geq": "≥",
    r"\ge": "≥",
    r"\leq": "≤",
    r"\le": "≤",
    r"\neq": "≠",
    r"\times": "×",
    r"\%": "%",
    r"\sim": "~",
    r"\pm": "±",
}
BLANKS: Final = r"\s\u00a0\u3000\u200b\ufeff"
"""The blank characters, as the inside of a regex class: spaces, tabs, newlines, no-break,
ideographic and zero-width spaces, BOMs."""
WHITESPACE: Final = re.compile(f"[{BLANKS}]+")
"""Any run of blank."""
SPACED_LIST_NUMBER: Final = r"\d{1,2}[.．、](?!\d)"
"""A list enumerator inside a line ("2." of "…到位 2.提高…"): the space before it is kept, even after CJK."""
_SPACE_BY_CJK: Final = re.compile(rf"(?<=[{CJK_CLASS}]) (?!{SPACED_LIST_NUMBER})|(?<=\S) (?=[{CJK_CLASS}])")
_BOOKMARK: Final = re.compile(r"\[bookmark:[^\]]*\]")
_HEADING_MARKS: Final = re.compile(r"^\s*#{1,6}\s*")
LIST_NUMBER: Final = (
    r"(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,3}\s*[、.．](?!\d))"
)
"""A list number before a heading or item: 一、 / （一） / (1) / 1. — not the 1. of 1.5."""
_LEADING_LIST_NUMBER: Final = re.compile(rf"^\s*{LIST_NUMBER}\s*")
CACHED_STRINGS: Final = 1 << 13
"""Distinct cell texts remembered per cleaning function: every layout that scores a document cleans
the same cells again, so the cache turns most of those regex passes into lookups (bounded memory)."""


def _latex_to_text(match: re.Match[str]) -> str:
    body = match.group(1)
    for latex, symbol in sorted(_LATEX_SYMBOLS.items(), key=lambda item: -len(item[0])):
        body = body.replace(latex, symbol)
    return body.replace("\\", "")


MARKUP_STARTS: Final = "<&[#$"
"""The characters the markup ``strip_markup`` removes or rewrites starts with: a tag, an entity, a
bookmark, a heading mark, LaTeX. A text holding none of them is left as it is."""


@lru_cache(maxsize=CACHED_STRINGS)
def strip_markup(text: str) -> str:
    """Remove HTML tags and entities, Word bookmarks, markdown heading marks, and LaTeX maths.

    Each pattern runs only on a text holding the character it starts with (``<``, ``[``, ``#``,
    ``$``; ``html.unescape`` looks for ``&`` itself): most cells hold none, and a search for one
    character costs a fraction of a regex pass. Unescaping can make such a character (``&lt;b&gt;``
    → ``<b>``), so each is looked for in the text as it stands when its pattern would run."""
    if "<" in text:
        text = _TAG.sub(" ", text)
    text = html.unescape(text)
    if "[" in text:
        text = _BOOKMARK.sub("", text)
    if "#" in text:
        text = _HEADING_MARKS.sub("", text)
    return _LATEX_MATH.sub(_latex_to_text, text) if "$" in text else text


@lru_cache(maxsize=CACHED_STRINGS)
def clean_text(text: str | None) -> str:
    """A cell's text as a reader would write it: no markup, no wrap spaces, single spaces elsewhere."""
    if not text:
        return ""
    text = WHITESPACE.sub(" ", strip_markup(text)).strip()
    if " " not in text:  # most cells: no space left to remove
        return text
    previous = None
    while previous != text:  # "满 意 度": each pass removes the spaces it can see
        previous = text
        text = _SPACE_BY_CJK.sub("", text)
    return text


@lru_cache(maxsize=CACHED_STRINGS)
def compact(text: str | None) -> str:
    """All whitespace removed: for codes, values and labels, where no space carries meaning."""
    if not text:
        return ""
    return WHITESPACE.sub("", strip_markup(text))


PAGE_FURNITURE: Final = re.compile(r"^(?:第\d+页(?:共\d+页)?|[-—–]+\d+[-—–]+|\d{1,3}|\d+/\d+|续表\d*)$")
"""A line that is only page furniture once its whitespace is removed: a page number ("第 2 页",
"第2页共9页", "- 3 -", "17", "2/9") or "续表" over a table going on."""


def is_page_furniture(text: str) -> bool:
    """Whether a line is page furniture ("- 3 -" is; "3月底" is not)."""
    return PAGE_FURNITURE.match(compact(text)) is not None


def may_keep(text: str, chars: Iterable[str]) -> bool:
    """Whether cleaning ``text`` (any function here) could leave every one of ``chars`` (CJK) in it.

    Cleaning removes characters or turns them into spaces, and LaTeX into symbols (≥, ±, …); only an
    HTML entity (``&…;``) can become a CJK character. A cheap test before the cleaning itself: a
    text failing it cannot clean to a label holding those characters.
    """
    if "&" in text:
        return True
    for ch in chars:  # noqa: SIM110 — on every line of a document: all() over a generator costs 4× this loop
        if ch not in text:
            return False
    return True


def join_wrapped(first: str, second: str) -> str:
    """Join two pieces of one cell cut by a line or page break, without inventing a space in Chinese."""
    if not first:
        return second
    if not second:
        return first
    return clean_text(f"{first} {second}")


_LABEL_NOISE: Final = re.compile(r"[\s:：*★☆()（）%％]")


@lru_cache(maxsize=CACHED_STRINGS)
def label_key(text: str | None) -> str:
    """A form label reduced for matching: "其中：财政 资金" and "资金支出计 划（%）" compare by content."""
    return _LABEL_NOISE.sub("", compact(text))


@lru_cache(maxsize=CACHED_STRINGS)
def without_list_number(text: str) -> str:
    """ "（一）数量指标：…" → "数量指标：…" (memoised: asked of every table row's first cell, ``产出指标`` again and again)."""
    return _LEADING_LIST_NUMBER.sub("", text)


def strip_heading_number(text: str) -> str:
    """ "## 1.2020 年…绩效目标表" → "2020 年…绩效目标表": the running number of a table title."""
    return re.sub(r"^\s*\d{1,3}\s*[.．、]\s*", "", text)
