"""Who published a document and for which year, read from its content — never from its file name.

- The unit line above each table (``909001 甲县乙镇人民政府本级``) gives unit code and name, and
  from the name the county and town. Titles carry OCR slips (a title may misspell the town by one
  character that every unit line spells right), so the town is the one most unit lines agree on; the title is only a fallback.
  Forms without a coded unit line name their unit in a labelled field (``填报单位（盖章）：甲县卫生
  健康局``, ``编制单位：…``, ``单位名称：…``), kept without a code.
- County departments and county-level documents have no town (town is null); their county is the
  county name the unit's name starts with (``甲县农业农村局`` → 甲县).
- Web pages and forms also name the unit as a field whose value is the next cell or line
  (``主管部门 | 甲市乙区建设和管理委员会``, ``[ 发布机构 ]`` then ``乙区丙镇``): ``UNIT_FIELDS``,
  the unit's own labels first. Failing all of these, a title line may name the place.
- Place names are Chinese characters only: ``来源:甲县`` gives 甲县, not the whole ``来源:甲县``, and prose
  (``…建设部印发的《城市…``) is never read for a place.
- The fiscal year is the one a title states (``2024 年部门预算绩效文本``); failing that, the year most
  project codes carry. A project code's first six digits are the county's administrative code and
  the next two the budget year (``13020823P…`` → 130208, 2023). A carried-over project keeps its
  old year in its code (002), which is why a stated title year wins.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from pipeline.core.labels import is_title
from pipeline.core.text import BLANKS, MARKUP_STARTS, compact, may_keep
from pipeline.core.types import DocumentMeta, Extraction, RawDocument, Row

YEAR_CENTURY: Final = 2000
MAX_UNIT_NAME: Final = 40
PLACES_REMEMBERED: Final = 1 << 10
"""Distinct unit names whose place is remembered: one or a few per document."""
TITLE_SEARCH_LINES: Final = 80
"""A document's year is stated in its title or first paragraphs; later years are about projects."""

_UNIT_LINE: Final = re.compile(r"^(\d{6})([^\d\s]{2,40}?)(?:\d[\d.,]*)?$")
_FIELD_GAP: Final = re.compile(r"\s{2,}|\t|\u3000")
_ANY_FIELD: Final = re.compile(r"[:：]")
_COUNTY_PREFIX: Final = re.compile(r"^((?:(?![省市县区旗])[\u4e00-\u9fff]){1,6}?(?:自治县|县|区|旗))")
_GOVERNMENT: Final = "人民政府"
_TRAILING_QUALIFIER: Final = re.compile(r"[（(][\u4e00-\u9fff]{1,6}[)）]$")
"""A bracketed word after a unit's name (``甲县乙镇人民政府（本级）``, ``(机关)``): which part of the
unit, not where it is."""
_ORG_SUFFIXES: Final = ("人民政府本级", "人民政府", "政府本级", "政府", "本级", "办事处", "党委")
_ORG_WORDS: Final = ("政府", "委员会", "办事处", "局", "中心", "党委", "街道", "镇", "乡")
_ORG_HINT: Final = re.compile("|".join(_ORG_WORDS))
_MAY_NAME_ORG: Final = re.compile(f"[&{''.join(word[0] for word in _ORG_WORDS)}]")
"""A line without one of these characters names no unit (see ``may_keep``: the same test for any
one organisation word, as one search)."""
_MARKUP_START: Final = f"[{re.escape(MARKUP_STARTS)}]"
_MAY_START_WITH_CODE: Final = re.compile(rf"(?:[{BLANKS}]*\d){{6}}|(?:[{BLANKS}]*\d){{0,5}}[{BLANKS}]*{_MARKUP_START}")
"""A line that cleans to a coded unit line (``909001 …``) starts, after blanks, with six digits — or
with markup among them, which cleaning removes or turns into one (``<b>909001…``, ``&#57;…``,
``## 909001``, ``90<b>9001``, a bookmark, ``$…$``): cleaning changes text only from where markup
starts and removes blanks, so a line whose first six characters but blanks hold anything else before
markup (``1.综合…``, ``项目 909001``) keeps that character where the code's digits should be."""
_MAY_HOLD_FIELD: Final = re.compile(r"[:：&]")
"""A line that holds a labelled unit (``编制单位：…``) has a colon, or an entity that may become one:
cleaning removes characters and turns markup into spaces, and only ``&…;`` makes new ones."""
_TOWN: Final = re.compile(r"((?:(?![县区旗市省州])[\u4e00-\u9fff]){1,8}?(?:镇|乡|街道))$")
_COUNTY: Final = re.compile(r"((?:(?![省市州])[\u4e00-\u9fff]){1,6}?(?:自治县|县|区|旗|市))$")
UNIT_FIELDS: Final[tuple[str, ...]] = (
    "单位名称", "预算单位", "编制单位", "填报单位", "申报单位", "部门名称", "部门单位名称", "单位信息",
    "实施单位", "项目实施单位", "预算主管部门", "主管部门", "业务主管部门", "主管部门及代码", "发布机构",
)  # fmt: skip
"""Labels whose value names a unit, the unit's own first: a 主管部门 is above the unit, a 发布机构 the
site that published it."""
_LABELLED_UNIT: Final = re.compile(
    "^(?:"
    + "|".join(UNIT_FIELDS[:-1])
    + r"|部门[（(]单位[)）]名称)(?:[（(]盖章[)）])?[:：](?:(\d{6})[-_—]?)?([^\d\s:：]{2,40})$"
)
"""``预算主管部门：甲市乙区人民政府丙街道办事处``: a unit field and its value in one cell."""
_MAY_LABEL_UNIT: Final = re.compile(f"[&{''.join(sorted({label[-1] for label in UNIT_FIELDS[:-1]}))}]")
"""A field that cleans to a labelled unit holds its label's last character (称, 位, 门 …; the label
``部门（单位）名称`` ends as 单位名称 does), or an entity that may become it: a field without one is not
cleaned to look."""
_CELL_SPLIT: Final = re.compile(r"[|\t]|\s{2,}|\u3000|\s*[\[\]【】]\s*")
_ORG_LINE: Final = re.compile(r"^[\u4e00-\u9fff]{2,30}(?:委员会|人民政府|政府|办事处|局|中心)$")
"""A line that is an organisation's name and nothing else (a letter's addressee, a signature)."""
_FIELD_KEY_NOISE: Final = re.compile(r"[\s:：()（）\[\]【】]|盖章")
_YEAR_WORD: Final = "年"
"""Every way a line states its year writes 年 after it: a line that cannot clean to one (``may_keep``,
most lines of a head) is not cleaned to look."""
_TITLE_YEAR: Final = re.compile(rf"^[^\d]{{0,24}}?(20\d{{2}}){_YEAR_WORD}度?(?:部门|单位|项目|整体|预算)")
_MAY_START_YEAR_LINE: Final = re.compile(rf"[{BLANKS}|]*[(（]|[{BLANKS}|]*{_MARKUP_START}")
"""A line that cleans to a year line (``（2022年度）``) starts, after blanks and a grid's bars, with its
bracket or with markup: cleaning changes text only from where markup starts and removes blanks (see
``_MAY_START_WITH_CODE``), and the bars before the bracket are stripped."""
_TITLE_START: Final = re.compile(rf"[{BLANKS}|]*(?:[\d附表]|{_MARKUP_START})")
"""A numbered title (``1.…``, ``表三``, ``附表2``) starts, after blanks and a grid's bars, with a digit,
附 or 表, or with markup that may clean to one (see ``_MAY_START_WITH_CODE``)."""
_FORM_TITLE_CHARS: Final = "绩效表"
"""Characters every form title holds (``绩效目标表``, ``绩效目标申报表``, ``绩效自评表``: ``FORM_TITLE``)."""
_CODE_PREFIX: Final = re.compile(r"^(\d{6})(\d{2})[A-Z]")
_YEAR_LINE: Final = re.compile(rf"^[(（](20\d{{2}}){_YEAR_WORD}度?[)）]$")
_AMOUNT: Final = re.compile(r"\d{2,}\.\d{2}")
"""An amount in a grid cell, written to the fen (``874.18``, ``3080.00``): too exact to recur by chance."""
_AMOUNT_WITH_UNIT: Final = re.compile(r"(?<![\d.])(?P<amount>\d{2,}\.\d{2})(?P<unit>万元|元)")
_ANY_YEAR: Final = re.compile(rf"(20\d{{2}}){_YEAR_WORD}")
_NUMBERED: Final = re.compile(r"^\d{1,3}[.．、]")


@dataclass(frozen=True)
class Place:
    county: str | None
    town: str | None


@lru_cache(maxsize=PLACES_REMEMBERED)
def place_from_name(name: str) -> Place:
    """甲县乙镇人民政府本级 → (甲县, 乙镇), also written ``…人民政府（本级）``; a county
    department gives (county, None). Remembered: a document names its unit above every table."""
    core = _TRAILING_QUALIFIER.sub("", compact(name))
    for suffix in _ORG_SUFFIXES:
        if core.endswith(suffix):
            core = core[: -len(suffix)]
            break
    core = core.replace(_GOVERNMENT, "")  # 乙区人民政府丙街道: the town is 丙街道
    town_match = _TOWN.search(core)
    town = town_match.group(1) if town_match else None
    rest = core[: town_match.start()] if town_match else core
    county_match = _COUNTY.search(rest)
    if county_match is None and town is None:  # a county department: 甲县农业农村局
        county_match = _COUNTY_PREFIX.search(rest)
    return Place(county=county_match.group(1) if county_match else None, town=town)


def _may_hold_labelled_unit(text: str) -> bool:
    """Whether a line or a field of one can clean to a labelled unit (``编制单位：…``): it holds a colon
    (``_MAY_HOLD_FIELD``) and a unit label's last character (``_MAY_LABEL_UNIT``), or entities that
    may become them."""
    return _MAY_HOLD_FIELD.search(text) is not None and _MAY_LABEL_UNIT.search(text) is not None


def unit_lines(lines: Iterable[str]) -> list[tuple[str | None, str]]:
    """(unit code, unit name) of every line that names a budget unit; a labelled unit may have no code."""
    found: list[tuple[str | None, str]] = []
    for line in lines:
        if not _MAY_NAME_ORG.search(line):
            continue  # most lines: no unit name can be in them, so they are not cleaned
        match = _UNIT_LINE.match(compact(line)) if _MAY_START_WITH_CODE.match(line) else None
        if match and _ORG_HINT.search(match.group(2)):
            found.append((match.group(1), match.group(2)))
            continue
        if not _may_hold_labelled_unit(line):
            continue  # no field of the line can hold one (each field is part of it), so it is not split
        for field in _FIELD_GAP.split(line):
            if not _may_hold_labelled_unit(field):
                continue  # the colon or the label is in another field of the line: this one is not cleaned
            labelled = _LABELLED_UNIT.match(compact(field))
            if labelled and _ORG_HINT.search(labelled.group(2)):
                found.append((labelled.group(1), labelled.group(2)))
    return found


def labelled_units(lines: Iterable[str]) -> list[str]:
    """Unit names given as the value of a unit field (``UNIT_FIELDS``), in the order of those labels:
    the value is the next cell of the line or, when the label ends its line, the next line."""
    cells = [cell for line in lines for cell in (c.strip() for c in _CELL_SPLIT.split(line)) if cell]
    found: dict[str, list[str]] = {label: [] for label in UNIT_FIELDS}
    for label, value in itertools.pairwise(cells):
        key = _FIELD_KEY_NOISE.sub("", label)
        name = compact(value)
        if key in found and _ORG_HINT.search(name) and len(name) <= MAX_UNIT_NAME and not _ANY_FIELD.search(name):
            found[key].append(re.sub(r"^[\[(（]?\d{3,}[\])）]?[-_—]?", "", name))
    return [name for label in UNIT_FIELDS for name in found[label]]


def _most_common(values: Iterable[str | int | None]) -> str | int | None:
    """The value given most often (the first of those given as often), None ignored: what
    ``Counter(…).most_common(1)`` answers, without building a Counter for the few values of a document."""
    counted: dict[str | int, int] = {}
    for value in values:
        if value is not None:
            counted[value] = counted.get(value, 0) + 1
    return max(counted, key=counted.__getitem__) if counted else None


def _year_text(line: str) -> str:
    """A head line as the year patterns read it: cleaned, without a grid's outer bars (``|（2022年度）|``)."""
    return compact(line).strip("|")


def _title_year(lines: Iterable[str]) -> int | None:
    """The year a form's year line states (``（2022年度）``), else the year in a title
    (``2023年一般性项目绩效目标表``, ``2024 年部门预算绩效文本``), else a budget year in the first lines.

    Each pass cleans only lines that can match it, and stops at its first match: a long line of a
    grid's head (a tab row ``调委会工作经费  1.59  <p>目标一：…</p>``) is cleaned once at most, most often not."""
    dated = [line for line in lines if may_keep(line, _YEAR_WORD)]
    found = (
        next(
            (m for line in dated if _MAY_START_YEAR_LINE.match(line) and (m := _YEAR_LINE.match(_year_text(line)))),
            None,
        )
        or next(
            (
                m
                for line in dated
                if _may_be_title(line)
                and is_title(text := _year_text(line))
                and not _NUMBERED.match(text)
                and (m := _ANY_YEAR.search(text))
            ),
            None,
        )
        or next((m for line in dated if (m := _TITLE_YEAR.search(_year_text(line)))), None)
    )
    return int(found.group(1)) if found else None


def _may_be_title(line: str) -> bool:
    """Whether the line can clean to a title (``is_title``): one that holds no form title's characters
    and starts with no number, 附 or 表 cannot."""
    return may_keep(line, _FORM_TITLE_CHARS) or _TITLE_START.match(line) is not None


def _code_parts(codes: Iterable[str | None]) -> list[tuple[str, int]]:
    parts = []
    for code in codes:
        match = _CODE_PREFIX.match(code or "")
        if match:
            parts.append((match.group(1), YEAR_CENTURY + int(match.group(2))))
    return parts


def _title_place(lines: Iterable[str]) -> Place:
    """The place a title or an organisation line names (``甲县住房和城乡建设委员会``); prose never."""
    for line in lines:
        text = compact(line)
        alone = _ORG_LINE.match(line.strip()) is not None  # one cell: no label or second field beside it
        if _ORG_HINT.search(text) and (is_title(text) or alone) and len(text) <= TITLE_SEARCH_LINES:
            place = place_from_name(text)
            if place.town or place.county:
                return place
    return Place(None, None)


def restated_unit(doc: RawDocument) -> str | None:
    """The money unit of a grid that states none, from its own amounts restated in its text: a
    明细 cell ``874.18`` that the 测算依据 writes as ``874.18万元`` says the grid counts in 万元."""
    amounts = {
        text
        for block in doc.blocks
        if isinstance(block, Row)
        for cell in block.cells
        if _AMOUNT.fullmatch(text := compact(cell).replace(",", ""))
    }
    units = Counter(
        match["unit"]
        for line in doc.lines
        for match in _AMOUNT_WITH_UNIT.finditer(compact(line).replace(",", ""))
        if match["amount"] in amounts
    )
    return units.most_common(1)[0][0] if units else None


def _labelled_place(names: Iterable[str]) -> tuple[str | None, str | None]:
    """(town, county) of the first labelled unit that names a place."""
    for name in names:
        place = place_from_name(name)
        if place.town or place.county:
            return place.town, place.county
    return None, None


def document_meta(doc: RawDocument, extraction: Extraction) -> DocumentMeta:
    """Town, county, year and unit of a document, each from the most reliable place that states it."""
    head = doc.lines[:TITLE_SEARCH_LINES]
    units = unit_lines(doc.lines)
    places = [place_from_name(name) for _, name in units]
    town = _most_common(p.town for p in places)
    county = _most_common(p.county for p in places)
    if town is None and county is None:
        town, county = _labelled_place(labelled_units(head))
    if town is None and county is None:
        fallback = _title_place(head)
        town, county = fallback.town, fallback.county
    code_parts = _code_parts(p.project_code for p in extraction.projects)
    year = _title_year(head) or _most_common(year for _, year in code_parts)
    unit_code = _most_common(code for code, _ in units)
    unit_name = _most_common(name for code, name in units if code == unit_code)
    amount_unit = (
        _most_common(p.amount_unit for p in extraction.projects) or extraction.unit_total_unit or restated_unit(doc)
    )
    return DocumentMeta(
        town=str(town) if town else None,
        county=str(county) if county else None,
        county_code=str(_most_common(code for code, _ in code_parts) or "") or None,
        fiscal_year=int(year) if year else None,
        unit_code=str(unit_code) if unit_code else None,
        unit_name=str(unit_name) if unit_name else None,
        amount_unit=str(amount_unit) if amount_unit else None,
    )
