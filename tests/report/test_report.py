"""The HTML report: built from the seeds' marts, opened in headless Chromium, charts drawn.

Chromium must be installed (Debian/Ubuntu: ``apt-get install -y chromium``) or named by
``JIXIAO_CHROMIUM``; without it the browser tests fail with that instruction rather than pass
silently. The warehouse is the session's seed build (tests/warehouse_build.py).
"""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from PIL import Image

from pipeline.report import (
    INDEX,
    PLOTLY_JS,
    TOWNS_FOLDER,
    TownData,
    charts,
    read_marts,
    town_page_href,
    town_page_name,
    write_report,
)
from tests.report.browser import WINDOW, run_chromium
from tests.warehouse_build import BuiltWarehouse, built_warehouse

FIXED_NOW = datetime(2026, 1, 1, 2, 0, tzinfo=UTC)
TOWNS = ("阎疃镇", "李钊庄镇", "三家镇", "亮甲店镇", "浩门镇")
CHARTS_PER_PAGE = {"overview": 4, "town": 4}
CHART_BLUE = (0x2B, 0x6C, 0xB0)
"""pipeline.report.charts.BLUE as RGB."""
COLOUR_SLACK = 12


def all_towns(warehouse: Path) -> list[TownData]:
    with read_marts(warehouse) as marts:
        return list(marts.towns)


def town_page(report: list[Path], town: TownData) -> Path:
    return report[0].parent / TOWNS_FOLDER / town_page_name(town.county, town.town)


def _near(rgb: tuple[int, int, int], reference: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= COLOUR_SLACK for a, b in zip(rgb, reference, strict=True))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    return built_warehouse(tmp_path_factory)


@pytest.fixture(scope="module")
def report(built: BuiltWarehouse, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_report(built.path, tmp_path_factory.mktemp("report"), now=FIXED_NOW)


def test_one_page_per_town_plus_an_overview(report: list[Path], built: BuiltWarehouse) -> None:
    folder = report[0].parent
    assert report[0].name == INDEX
    assert len(report) == 1 + len(TOWNS)
    assert (folder / PLOTLY_JS).stat().st_size > 1_000_000  # the library itself, shipped from PyPI
    index = report[0].read_text(encoding="utf-8")
    for town in all_towns(built.path):
        page = town_page(report, town)
        assert page in report
        assert f'href="{town_page_href(town.county, town.town)}"' in index
        assert f"<h1>{town.town}" in page.read_text(encoding="utf-8")
    for town in TOWNS:
        assert town in index


def test_towns_carry_every_project_and_target(built: BuiltWarehouse) -> None:
    """Towns are read one at a time from copies ordered by DuckDB: no row may fall between two towns.

    The seeds: 70 projects (62 tables + 8 from 003's prose), 677 targets, five towns.
    """
    towns = all_towns(built.path)
    assert sorted(t.town for t in towns) == sorted(TOWNS)
    assert sum(len(t.projects) for t in towns) == 70
    assert sum(len(t.indicators) for t in towns) == 677
    assert all(row["town"] == t.town for t in towns for row in [*t.years, *t.projects, *t.indicators])


def test_pages_work_offline(report: list[Path]) -> None:
    for page in report:
        html = page.read_text(encoding="utf-8")
        sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)
        assert [(page.parent / source).resolve() for source in sources] == [report[0].parent / PLOTLY_JS], sources
        assert "cdn." not in html and "https://" not in html.split("</head>")[0]


def test_pages_carry_the_findings(report: list[Path], built: BuiltWarehouse) -> None:
    towns = {t.town: t for t in all_towns(built.path)}
    yantuan = town_page(report, towns["阎疃镇"]).read_text(encoding="utf-8")
    assert "backwards: 运转保障率 is a rate where more is better" in yantuan
    assert "satisfaction target of ≥25% is under 50%" in yantuan
    haomen = town_page(report, towns["浩门镇"]).read_text(encoding="utf-8")
    assert "projects fall short of the unit total by 100.00 元" in haomen
    sanjia = town_page(report, towns["三家镇"]).read_text(encoding="utf-8")
    assert "cost_mismatch: 资金总成本 24万元" in sanjia
    liangjiadian = town_page(report, towns["亮甲店镇"]).read_text(encoding="utf-8")
    assert "<td>文字·人员类经费</td>" in liangjiadian  # 003's prose project, marked as such
    assert "<td>残疾人保障金</td>" in liangjiadian and "<td>文字·预算残疾人保障金</td>" in liangjiadian


def test_writing_twice_changes_nothing(report: list[Path], built: BuiltWarehouse) -> None:
    before = {p: p.read_bytes() for p in report[0].parent.rglob("*") if p.is_file()}
    again = write_report(built.path, report[0].parent, now=FIXED_NOW)
    assert again == report
    assert {p: p.read_bytes() for p in report[0].parent.rglob("*") if p.is_file()} == before


def test_stale_town_pages_are_removed(built: BuiltWarehouse, tmp_path: Path) -> None:
    stale = tmp_path / TOWNS_FOLDER / "甲县-乙镇.html"
    stale.parent.mkdir()
    stale.write_text("old", encoding="utf-8")
    write_report(built.path, tmp_path, now=FIXED_NOW)
    assert not stale.exists()


@pytest.mark.parametrize("kind", ["overview", "town"])
def test_charts_render_in_chromium(
    kind: str, chromium: str, report: list[Path], built: BuiltWarehouse, tmp_path: Path
) -> None:
    towns = {t.town: t for t in all_towns(built.path)}
    page = report[0] if kind == "overview" else town_page(report, towns["浩门镇"])
    expected = CHARTS_PER_PAGE[kind]
    assert "#{:02x}{:02x}{:02x}".format(*CHART_BLUE) == charts.BLUE
    assert page.read_text(encoding="utf-8").count('class="plotly-graph-div"') == expected

    dom = run_chromium(chromium, page, tmp_path / "profile-dom", "--dump-dom")
    assert dom.returncode == 0, dom.stderr.decode(errors="replace")[-2000:]
    rendered = dom.stdout.decode("utf-8")
    # plotly.js ran: every chart div became a plot with its SVG layers and at least one trace.
    assert rendered.count("js-plotly-plot") == expected
    assert rendered.count('class="main-svg"') >= expected
    assert rendered.count('class="trace') >= expected - 1  # the heatmap draws into an image, not a trace group

    png = tmp_path / f"{kind}.png"
    shot = run_chromium(chromium, page, tmp_path / "profile-shot", f"--screenshot={png}")
    assert shot.returncode == 0 and png.is_file(), shot.stderr.decode(errors="replace")[-2000:]
    with Image.open(png) as image:
        pixels = image.convert("RGB")
        assert pixels.size == WINDOW
        colours = pixels.getcolors(maxcolors=1_000_000) or []
        non_white = sum(count for count, rgb in colours if sum(rgb) < 3 * 235)
        chart_blue = sum(count for count, rgb in colours if _near(rgb, CHART_BLUE))
    assert len(colours) > 50, "the screenshot is (almost) one colour"
    assert non_white > 0.08 * WINDOW[0] * WINDOW[1], "the screenshot is almost blank"
    # Only plotly draws in the charts' blue (#2b6cb0); links and text never use it. Without the
    # library the page still has its tables but this count is 0.
    assert chart_blue > 5_000, "no chart bars or points drawn (the charts' blue is missing)"


def test_dagster_asset_writes_the_report_next_to_the_warehouse(
    built: BuiltWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.defs.report_assets import REPORT_GROUP, town_report

    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(built.path))
    spec = town_report.specs_by_key[dg.AssetKey("town_report")]
    assert {dep.asset_key for dep in spec.deps} >= {dg.AssetKey("mart_town_year"), dg.AssetKey("mart_project_quality")}
    assert spec.group_name == REPORT_GROUP
    result = dg.materialize([town_report])
    assert result.success
    index = built.path.parent / "report" / INDEX
    assert index.is_file()
    [event] = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    assert metadata["towns"].value == len(TOWNS)


def test_towns_read_chunk_by_chunk_are_the_towns_read_at_once(built: BuiltWarehouse) -> None:
    """Chunks only bound what DuckDB sorts at once: a chunk per town gives the same towns, rows and order."""
    with read_marts(built.path, chunk_rows=1) as marts:
        per_town = list(marts.towns)
    with read_marts(built.path, chunk_rows=10**9) as marts:
        at_once = list(marts.towns)
    assert per_town == at_once
    assert [t.key for t in per_town] == sorted(t.key for t in per_town)
    assert len(per_town) == len(TOWNS)
    assert sum(len(t.indicators) for t in per_town) == 677


def test_empty_marts_give_the_overview_alone(built: BuiltWarehouse, tmp_path: Path) -> None:
    """Every document failed, say: no town, no chunk to read, and still an overview page."""
    warehouse = tmp_path / "empty.duckdb"
    shutil.copy(built.path, warehouse)
    con = duckdb.connect(str(warehouse))
    for mart in ("mart_town_year", "mart_project_quality", "mart_indicator_quality"):
        con.execute(f"delete from main.{mart}")
    con.close()
    pages = write_report(warehouse, tmp_path / "report", now=FIXED_NOW)
    assert [page.name for page in pages] == [INDEX]
    assert all(town not in pages[0].read_text(encoding="utf-8") for town in TOWNS)
