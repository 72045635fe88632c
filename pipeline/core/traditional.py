"""Reading traditional-script text with the simplified vocabulary of the indicator framework.

Some documents reach us through mirrors that convert a page to traditional characters and insert
the pinyin of some characters right after them, inside words: ``數(shù)量指標(biāo)`` for 数量指标,
``產(chǎn)出指標(biāo)`` for 产出指标. A reader that looks for 数量指标 finds nothing there.

``fold`` gives the text a reader can compare with the vocabulary, and keeps the way back:

* a pinyin gloss is a bracket of Latin letters with at least one tone mark, right after a CJK
  character: ``學(xué)`` → 學 (``(A)``, ``(km)``, ``(工程)`` are no glosses and stay);
* a traditional character of ``FOLD_TABLE`` becomes its simplified form, one character for one
  (``標`` → 标). The table holds the characters of the indicator vocabulary, of budget and title
  phrases and of common units; it is no converter: a character outside it stays as written;
* ``Folded.written_span(start, end)`` cuts the text *as written* that the folded span
  ``[start, end)`` came from, glosses included: in ``學(xué)生1606人次`` the folded name 学生 is
  written ``學(xué)生``. Output keeps the text as written; only comparisons use the folded text.

Simplified text folds to itself, so folding costs such a line one ``str.translate``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from pipeline.core.types import fields_set_directly

_TRADITIONAL: Final = (
    "標數產質時濟經滿對響續態環資預項績總額萬億設實務專會計劃內發業農區縣鎮鄉個檔學達準蓋費驗貧戶礎規來體類關於報評價議決財撥"
    "導並為與點節執責運轉維護築補貼調選參餘齡醫療衛養險勞動獎勵傳統綠興圖書館辦場廣氣優後進團隊級監測據積極強際號狀況確認歸屬"
    "緊開啟電網線車輛鐵橋門間問題層貨幣銀錢庫單簽訂購買賣處兩幾條樣綜織長壞國組將現稱複雜審覈聯絡當減畝噸臺棟塊裡裏歲週納應盡"
    "絕勢難釋備註義値"
)
_SIMPLIFIED: Final = (
    "标数产质时济经满对响续态环资预项绩总额万亿设实务专会计划内发业农区县镇乡个档学达准盖费验贫户础规来体类关于报评价议决财拨"
    "导并为与点节执责运转维护筑补贴调选参余龄医疗卫养险劳动奖励传统绿兴图书馆办场广气优后进团队级监测据积极强际号状况确认归属"
    "紧开启电网线车辆铁桥门间问题层货币银钱库单签订购买卖处两几条样综织长坏国组将现称复杂审核联络当减亩吨台栋块里里岁周纳应尽"
    "绝势难释备注义值"
)
FOLD_TABLE: Final = str.maketrans(_TRADITIONAL, _SIMPLIFIED)
"""Traditional to simplified, one character for one, for the vocabulary readers compare with."""
_ANY_TRADITIONAL: Final = re.compile(f"[{_TRADITIONAL}]")
"""Looking for one is cheaper than translating a line that has none (most lines)."""

_TONE_MARKS: Final = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
GLOSS: Final = re.compile(rf"(?<=[\u3400-\u9fff])[(（][a-zü{_TONE_MARKS}]*[{_TONE_MARKS}][a-zü{_TONE_MARKS}]*[)）]")
"""A pinyin gloss inside a word: ``(xué)`` after 學. A tone mark is required, so ``(A)`` is none."""
_ANY_TONE_MARK: Final = re.compile(f"[{_TONE_MARKS}]")
"""Every gloss holds a tone mark: a text without one has no gloss (most texts, many with brackets)."""
_ANY_TO_FOLD: Final = re.compile(f"[{_TRADITIONAL}{_TONE_MARKS}]")
"""A character ``FOLD_TABLE`` changes or a gloss's tone mark: a text without either folds to itself,
found in one search (most texts; ``fold`` runs on every paragraph of every document)."""


@fields_set_directly
@dataclass(frozen=True)
class Folded:
    """A text as written, its folded form, and where each folded character was written.

    ``origin`` has one entry per folded character plus one for the end; it is None when no gloss
    was removed (then a position means the same in both texts).
    """

    written: str
    text: str
    origin: tuple[int, ...] | None = None

    def _at(self, index: int) -> int:
        return index if self.origin is None else self.origin[index]

    def written_span(self, start: int, end: int) -> str:
        """The written text the folded span ``[start, end)`` came from, with the glosses after its
        last character (``学生`` of ``學(xué)生1606`` → ``學(xué)生``)."""
        return self.written[self._at(start) : self._at(end)]


def fold(text: str) -> Folded:
    """``text`` with pinyin glosses removed and the vocabulary's characters simplified (see the
    module docstring): ``資助標(biāo)準(zhǔn)100%`` → 资助标准100%."""
    if _ANY_TO_FOLD.search(text) is None:
        return Folded(text, text)
    traditional = _ANY_TRADITIONAL.search(text) is not None
    simplified = text.translate(FOLD_TABLE) if traditional else text
    if _ANY_TONE_MARK.search(text) is None or GLOSS.search(text) is None:
        return Folded(text, simplified)
    kept: list[str] = []
    origin: list[int] = []
    at = 0
    for gloss in GLOSS.finditer(text):
        kept.append(simplified[at : gloss.start()])
        origin.extend(range(at, gloss.start()))
        at = gloss.end()
    kept.append(simplified[at:])
    origin.extend(range(at, len(text)))
    origin.append(len(text))
    return Folded(text, "".join(kept), tuple(origin))


def folded_text(text: str) -> str:
    """Only the folded text, for comparisons (``數(shù)量指標(biāo)`` → 数量指标)."""
    return fold(text).text
