"""The report for its readers: Chinese labels, towns and sources as written and linked, 未知 for what
is unknown, and the documents that failed or are of low confidence on the overview.

The warehouse is the session's seed build (tests/warehouse_build.py); the documents that fail or
are of low confidence are real ones from ../shared/realdocs (a04: a preview whose table holds only
bare numbers, no layout recognises it; b13: a table read with confidence 0.85), loaded into a copy.
"""

from __future__ import annotations

import csv
import re
import shutil
from dataclasses import dataclass
from html import escape, unescape
from pathlib import Path
from urllib.parse import unquote

import duckdb
import pytest

from pipeline.core.errors import ERROR_CLASSES
from pipeline.defs.dbt_vars import QUALITY_FLAGS_SEED
from pipeline.report import INDEX, TOWNS_FOLDER, write_report
from pipeline.report.flags import FlagsMissingError
from pipeline.report.fonts import CJK_FONTS
from tests.warehouse_build import (
    RAW_DIR,
    REPO,
    BuiltWarehouse,
    built_warehouse,
    dbt_build,
    release_dbt_duckdb,
)

REALDOCS_RAW = REPO.parent / "shared" / "realdocs" / "raw"
FAILING = "a04_ningxiang_batang_runon.txt"
LOW_CONFIDENCE = "b13_anhui_luan_nyncj_2024_target_twin_columns_cut.txt"
SEED_PAGES = {
    "丰润区-李钊庄镇.html",
    "巨鹿县-阎疃镇.html",
    "承德县-三家镇.html",
    "玉田县-亮甲店镇.html",
    "门源县-浩门镇.html",
}
"""The seeds' counties and towns, as the documents write them."""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    return built_warehouse(tmp_path_factory)


@pytest.fixture(scope="module")
def report(built: BuiltWarehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds' report, its sources linked into data/raw; returns the report's folder."""
    folder = tmp_path_factory.mktemp("report")
    write_report(built.path, folder, raw_dir=RAW_DIR)
    return folder


def page(report: Path, name: str) -> str:
    return (report / TOWNS_FOLDER / name).read_text(encoding="utf-8")


def text_of(html: str) -> str:
    """The page's text without tags (what a reader reads)."""
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_labels_are_chinese_with_the_english_beside_them(report: Path) -> None:
    index = (report / INDEX).read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in index
    assert '乡镇项目绩效目标质量报告 <span class="en" lang="en">Township performance targets' in index
    for zh, en in [("需要关注的文件", "Documents to check"), ("各乡镇对比", "Towns side by side"), ("预算", "budget")]:
        assert f'{zh} <span class="en" lang="en">{en}</span>' in index
    yantuan = page(report, "巨鹿县-阎疃镇.html")
    assert "明显有误的指标（13）" in yantuan  # ten ceilings on rates (backwards), three 25% satisfaction targets
    assert "方向颠倒 (backwards)" in yantuan  # the flag chart's axis


def test_the_flag_legend_states_each_rule_as_the_seed_does(report: Path) -> None:
    """The legend reads the flags from the warehouse (the seed's table): each rule is the seed's."""
    with QUALITY_FLAGS_SEED.open(encoding="utf-8", newline="") as seed:
        rules = {row["name"]: row["rule"] for row in csv.DictReader(seed)}
    assert set(rules) == {
        "unquantified",
        "backwards",
        "implausible",
        "cost_mismatch",
        "echo",
        "boilerplate",
        "no_basis",
    }
    index = (report / INDEX).read_text(encoding="utf-8")
    legend = index[index.index("各类问题的含义") :]
    for name, rule in rules.items():
        assert escape(rule) in legend, name
    assert "<b>方向颠倒 (backwards)</b>" in legend and "<b>无确定依据 (no_basis)</b>" in legend


def test_the_font_stack_names_cjk_fonts_of_windows_macos_and_linux(report: Path) -> None:
    index = (report / INDEX).read_text(encoding="utf-8")
    [body_fonts] = re.findall(r"body \{ font-family: ([^;]+);", index)
    for face in (
        "Microsoft YaHei",
        "SimSun",
        "PingFang SC",
        "Hiragino Sans GB",
        "Noto Sans CJK SC",
        "WenQuanYi Micro Hei",
    ):
        assert f'"{face}"' in body_fonts
    assert body_fonts.endswith("sans-serif")
    # plotly draws the chart labels itself: it is given the same faces in the same order
    assert f'"family":"{", ".join(CJK_FONTS)}, sans-serif"' in index


def test_town_pages_are_named_by_county_and_town_as_written(report: Path) -> None:
    assert {p.name for p in (report / TOWNS_FOLDER).iterdir()} == SEED_PAGES
    index = (report / INDEX).read_text(encoding="utf-8")
    linked = {unquote(h) for h in re.findall(r'href="(towns/[^"]+)"', index)}
    assert linked == {f"{TOWNS_FOLDER}/{name}" for name in SEED_PAGES}


def test_a_source_links_to_its_file_and_says_the_line(report: Path) -> None:
    """阎疃镇's 运转保障率 ≤95% (flagged backwards) links to 000_….txt, at the line that states it."""
    yantuan = page(report, "巨鹿县-阎疃镇.html")
    rows = [row for row in re.findall(r"<tr>(.*?)</tr>", yantuan) if "<td>运转保障率</td>" in row]
    assert rows
    for row in rows:
        [(link, name, line)] = re.findall(r'<a href="([^"]+)">([^<]+) 第 (\d+) 行</a>', row)
        document = (report / TOWNS_FOLDER / unquote(link)).resolve()
        assert document == (RAW_DIR / name).resolve() and name.startswith("000_")
        assert "运转保障率" in document.read_text(encoding="utf-8").splitlines()[int(line) - 1]


def test_an_unknown_budget_is_unknown_never_zero(built: BuiltWarehouse, tmp_path: Path) -> None:
    """三家镇's two projects with no budget stated: mart_town_year adds nothing to 0, the report says 未知.

    李钊庄镇 with one of its eight projects without a budget: the sum of the others, and how many lack one.
    """
    warehouse = tmp_path / "jixiao.duckdb"
    shutil.copy(built.path, warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("update main.mart_project_quality set budget_yuan = null where town = '三家镇'")
        con.execute("update main.mart_town_year set total_budget_yuan = 0 where town = '三家镇'")
        con.execute(
            "update main.mart_project_quality set budget_yuan = null where town = '李钊庄镇' "
            "and table_no = (select min(table_no) from main.mart_project_quality where town = '李钊庄镇')"
        )
    finally:
        con.close()
    folder = tmp_path / "report"
    write_report(warehouse, folder, raw_dir=RAW_DIR)
    index = (folder / INDEX).read_text(encoding="utf-8")
    sanjia = page(folder, "承德县-三家镇.html")
    [sanjia_row] = [row for row in re.findall(r"<tr>(.*?)</tr>", index) if ">三家镇</a>" in row]
    assert '<td class="n">未知</td>' in sanjia_row
    assert "0.00 万元" not in index and "0.00 万元" not in sanjia
    assert '<div class="v">未知</div><div class="k">预算' in sanjia
    assert sanjia.count('<td class="n">未知</td>') == 2  # each project's budget
    [lizhao_row] = [row for row in re.findall(r"<tr>(.*?)</tr>", index) if ">李钊庄镇</a>" in row]
    assert "（1 个项目未写预算）" in lizhao_row


@dataclass(frozen=True)
class Troubled:
    report: Path
    failure: tuple[str, str, str]
    """(stage, error_class, message) of the failed document as ingest_errors holds it."""


@pytest.fixture(scope="module")
def troubled(built: BuiltWarehouse, tmp_path_factory: pytest.TempPathFactory) -> Troubled:
    """The seeds plus a04 (fails) and b13 (low confidence), parsed, loaded and modelled."""
    if not REALDOCS_RAW.is_dir():
        pytest.skip(f"the real documents are not at {REALDOCS_RAW}")
    from pipeline.load.warehouse import load_document
    from pipeline.parse.document import parse_document

    tmp = tmp_path_factory.mktemp("troubled")
    warehouse = tmp / "jixiao.duckdb"
    shutil.copy(built.path, warehouse)
    for name in (FAILING, LOW_CONFIDENCE):
        load_document(warehouse, parse_document(REALDOCS_RAW / name, REALDOCS_RAW))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JIXIAO_WAREHOUSE", str(warehouse))
        result = dbt_build(tmp, "--quiet")
    release_dbt_duckdb()
    assert result.success, result.exception
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        failure = con.execute(
            "select stage, error_class, message from main.ingest_errors where source_file = ?", [FAILING]
        ).fetchone()
    finally:
        con.close()
    assert failure is not None
    folder = tmp / "report"
    write_report(warehouse, folder, raw_dir=REALDOCS_RAW)
    return Troubled(report=folder, failure=failure)


def test_a_failed_document_is_on_the_overview_with_its_class_message_and_advice(troubled: Troubled) -> None:
    index = (troubled.report / INDEX).read_text(encoding="utf-8")
    stage, error_class, message = troubled.failure
    assert (stage, error_class) == ("recognise", "unknown_layout")
    [row] = [row for row in re.findall(r"<tr>(.*?)</tr>", index) if FAILING in row]
    assert "读取失败" in row and f"<td>{error_class}</td>" in row and escape(message) in row
    assert escape(ERROR_CLASSES["unknown_layout"].advice) in row
    [link] = re.findall(r'<a href="([^"]+)">' + re.escape(FAILING), row)
    assert (troubled.report / unquote(link)).resolve() == (REALDOCS_RAW / FAILING).resolve()
    assert '<div class="v">1</div><div class="k">读取失败的文件' in index


def test_a_low_confidence_document_is_on_the_overview_with_its_confidence(troubled: Troubled) -> None:
    index = (troubled.report / INDEX).read_text(encoding="utf-8")
    [row] = [row for row in re.findall(r"<tr>(.*?)</tr>", index) if LOW_CONFIDENCE in row]
    text = text_of(row)
    assert "低置信度" in text and "low_confidence" in text and "text_cells" in text
    assert "版式置信度 0.85，低于 0.9" in text
    assert '<div class="v">1</div><div class="k">低置信度文件' in index
    assert FAILING not in text_of(row)


def test_a_warehouse_without_its_flag_list_gives_no_report_without_flags(
    built: BuiltWarehouse, tmp_path: Path
) -> None:
    """A warehouse built without the seed of the flags: a clear error, not a report without flags."""
    warehouse = tmp_path / "jixiao.duckdb"
    shutil.copy(built.path, warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("drop table main.quality_flags")
    finally:
        con.close()
    with pytest.raises(FlagsMissingError, match=r"quality_flags\.csv"):
        write_report(warehouse, tmp_path / "report", raw_dir=RAW_DIR)
