"""Town pages are named after the town as written; sources link to the file, at the PDF's page."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from pipeline.report.names import MAX_NAME_BYTES, source_href, town_page_href, town_page_name


def test_a_town_page_is_named_county_dash_town_as_written() -> None:
    assert town_page_name("甲县", "乙镇") == "甲县-乙镇.html"
    assert town_page_href("甲县", "乙镇") == "towns/%E7%94%B2%E5%8E%BF-%E4%B9%99%E9%95%87.html"
    assert unquote(town_page_href("甲县", "乙镇")) == "towns/甲县-乙镇.html"


def test_unsafe_characters_are_replaced_and_the_name_keeps_a_digest() -> None:
    name = town_page_name("甲县", "乙镇/丙村")
    assert re.fullmatch(r"甲县-乙镇_丙村-[0-9a-f]{8}\.html", name), name
    for unsafe in ("a:b", "a*b", "a?b", 'a"b', "a<b>", "a|b", "a#b", "a%b", "a b", "a\\b", "a\nb"):
        stem = town_page_name("甲县", unsafe).removesuffix(".html")
        assert not re.search(r'[/\\:*?"<>|#%\s]', stem), (unsafe, stem)


def test_names_that_would_collide_get_different_pages() -> None:
    """``乙镇/丙村`` and ``乙镇_丙村`` both read 乙镇_丙村 once made safe; a dash in a name could fake the join."""
    towns = [
        ("甲县", "乙镇/丙村"),
        ("甲县", "乙镇_丙村"),
        ("甲县", "乙镇:丙村"),
        ("甲县-乙镇", "丙村"),
        ("甲县", "乙镇-丙村"),
        (None, "乙镇"),
        ("未知", "乙镇"),
        ("甲县", None),
        ("甲县", "未知"),
    ]
    names = [town_page_name(county, town) for county, town in towns]
    assert len(set(names)) == len(names), names


def test_unknown_county_or_town_is_written_unknown() -> None:
    assert town_page_name(None, "乙镇").startswith("未知-乙镇-")
    assert town_page_name("甲县", None).startswith("甲县-未知-")


def test_long_names_are_cut_to_a_file_system_limit() -> None:
    name = town_page_name("甲县", "乙" * 200)
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES + 20
    assert name != town_page_name("甲县", "乙" * 201)


def test_a_source_links_relative_to_the_page_and_at_the_pdf_page(tmp_path: Path) -> None:
    raw, towns = tmp_path / "data" / "raw", tmp_path / "data" / "warehouse" / "report" / "towns"
    assert source_href(towns, raw, "甲县/a b.pdf", 3) == "../../../raw/%E7%94%B2%E5%8E%BF/a%20b.pdf#page=3"
    assert source_href(towns.parent, raw, "000_x.txt", None) == "../../raw/000_x.txt"
    assert (towns / unquote(source_href(towns, raw, "000_x.txt", None))).resolve() == (raw / "000_x.txt").resolve()
