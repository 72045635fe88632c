"""The report's Chinese renders as Chinese, not boxes, with the CJK fonts ``make fonts`` installs.

The overview is rendered twice in headless Chromium: with the machine's fonts, and with the same
fonts minus every font that covers Chinese (a fontconfig file that includes the system's and
rejects those files). Without a Chinese font the labels are boxes ("tofu") and the page's own
check shows its note; with one, the page finds it and the title is drawn differently. On a machine
without CJK fonts both renders are the same and these tests fail, saying to run ``make fonts``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from pipeline.report import INDEX, write_report
from pipeline.report.fonts import CJK_FONTS, FONT_ATTRIBUTE, FONT_NOTE_ID, NO_FONT
from tests.report.browser import WINDOW, run_chromium
from tests.warehouse_build import RAW_DIR, BuiltWarehouse, built_warehouse

NOTE_YELLOW = (0xFE, 0xFC, 0xBF)
"""The note's background (.font-note in pipeline/report/html.py)."""
TITLE_STRIP = (0, 0, WINDOW[0], 90)
"""The top of the overview: its title 乡镇项目绩效目标质量报告 (the note is at the bottom)."""
NOTE_PIXELS = 20_000
DIFFERENT_GREY = 48
"""A pixel differs between the renders when their difference is at least this grey (0-255), not anti-aliasing."""


@pytest.fixture(scope="module")
def overview(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built: BuiltWarehouse = built_warehouse(tmp_path_factory)
    folder = tmp_path_factory.mktemp("report")
    write_report(built.path, folder, raw_dir=RAW_DIR)
    return folder / INDEX


def chinese_font_files() -> list[str]:
    """The font files fontconfig knows that cover Chinese."""
    if shutil.which("fc-list") is None:
        pytest.fail("fc-list (fontconfig, a dependency of Chromium) is not installed")
    listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=True).stdout
    return sorted({line.split(":")[0].strip() for line in listed.splitlines() if line.strip()})


@pytest.fixture(scope="module")
def without_chinese(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose fontconfig is the system's minus the fonts that cover Chinese."""
    files = chinese_font_files()
    if not files:
        pytest.fail("no font covering Chinese is installed: run `make fonts` (Debian package fonts-noto-cjk)")
    folder = tmp_path_factory.mktemp("fontconfig")
    globs = "".join(f"<glob>{path}</glob>" for path in files)
    (folder / "fonts.conf").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        "<include>/etc/fonts/fonts.conf</include>\n"
        f"<selectfont><rejectfont>{globs}</rejectfont></selectfont>\n"
        f"<cachedir>{folder / 'cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(folder / "fonts.conf")}


def rendered(chromium: str, page: Path, profile: Path, env: dict[str, str] | None) -> tuple[str, Image.Image]:
    """The page's DOM after its scripts ran, and its screenshot."""
    dom = run_chromium(chromium, page, profile / "dom", "--dump-dom", env=env)
    assert dom.returncode == 0, dom.stderr.decode(errors="replace")[-2000:]
    png = profile / "shot.png"
    shot = run_chromium(chromium, page, profile / "shot", f"--screenshot={png}", env=env)
    assert shot.returncode == 0 and png.is_file(), shot.stderr.decode(errors="replace")[-2000:]
    with Image.open(png) as image:
        return dom.stdout.decode("utf-8"), image.convert("RGB")


def found_font(dom: str) -> str:
    [face] = re.findall(rf'<html[^>]*\b{FONT_ATTRIBUTE}="([^"]*)"', dom)
    return face


def note_shown(dom: str) -> bool:
    [tag] = re.findall(rf'<div id="{FONT_NOTE_ID}"[^>]*>', dom)
    return " hidden" not in tag


def yellow_pixels(image: Image.Image) -> int:
    return sum(count for count, rgb in image.getcolors(maxcolors=2_000_000) or [] if rgb == NOTE_YELLOW)


def test_chinese_renders_with_the_installed_fonts_and_is_boxes_without(
    chromium: str, overview: Path, without_chinese: dict[str, str], tmp_path: Path
) -> None:
    dom, image = rendered(chromium, overview, tmp_path / "fonts", env=None)
    bare_dom, bare = rendered(chromium, overview, tmp_path / "bare", env=without_chinese)

    # With the fonts: the page finds a face of its stack, keeps the note hidden.
    assert found_font(dom) in CJK_FONTS, "no face of the report's font stack found: run `make fonts`"
    assert not note_shown(dom)
    assert yellow_pixels(image) == 0
    # Without: the page says so, in plain sight.
    assert found_font(bare_dom) == NO_FONT
    assert note_shown(bare_dom)
    assert yellow_pixels(bare) > NOTE_PIXELS

    # The title is drawn in the Chinese font, not as the boxes of the render without one.
    strip, bare_strip = image.crop(TITLE_STRIP), bare.crop(TITLE_STRIP)
    differing = sum(ImageChops.difference(strip, bare_strip).convert("L").histogram()[DIFFERENT_GREY:])
    assert differing > 0.01 * strip.width * strip.height, "the title looks the same with and without a Chinese font"
