"""The fonts the report asks for: Chinese faces of Windows, macOS and Linux, and a note when none is there.

The same stack is given to the page's CSS and to plotly (charts draw their own text), so the
labels of a chart look like the labels of the tables around it. A browser takes the first face of
the stack that is installed: on Windows 微软雅黑 (Microsoft YaHei), on macOS 苹方 (PingFang SC),
on Linux 思源黑体 / Noto Sans CJK SC (Debian: fonts-noto-cjk, installed by ``make fonts``) or
文泉驿 (WenQuanYi). Without any of them the Chinese labels may be drawn as boxes ("tofu"): a
script in the page then looks for each face (a face is installed when text set in it is wider or
narrower than in the browser's own monospace and serif) and, when none is found, shows the note
``FONT_NOTE`` at the top of the page and sets ``data-cjk-font="none"`` on ``<html>`` (otherwise the
face found, e.g. ``data-cjk-font="Noto Sans CJK SC"``).
"""

from __future__ import annotations

import json
from typing import Final

CJK_FONTS: Final[tuple[str, ...]] = (
    # macOS
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    # Windows
    "Microsoft YaHei",
    "DengXian",
    "SimHei",
    "SimSun",
    # Linux
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
)
"""Chinese (simplified) sans-serif faces, by system; the first installed one draws the page."""
GENERIC: Final = "sans-serif"

FONT_NOTE_ID: Final = "font-note"
FONT_ATTRIBUTE: Final = "data-cjk-font"
NO_FONT: Final = "none"
PROBE_TEXT: Final = "mmmmmmmmmmlliWW 0123 中文指标"
"""Latin letters of different widths (a face's Latin glyphs differ from monospace's and serif's)
and Chinese ones."""


def css_family() -> str:
    """The stack as a CSS ``font-family`` value: each face quoted, the generic family last."""
    return ", ".join([*(f'"{face}"' for face in CJK_FONTS), GENERIC])


def plotly_family() -> str:
    """The stack as plotly's ``font.family`` (plotly quotes nothing; names are comma-separated)."""
    return ", ".join([*CJK_FONTS, GENERIC])


def font_note() -> str:
    """The note shown when no face of the stack is installed (hidden until the script shows it)."""
    faces = "、".join(CJK_FONTS)
    return (
        f'<div id="{FONT_NOTE_ID}" class="font-note" hidden>'
        "未找到中文字体，中文可能显示为方框。请安装其中一种字体：" + faces + "（Linux：<code>make fonts</code> "
        "或安装 fonts-noto-cjk）。"
        '<span class="en">No Chinese font was found on this computer, so Chinese text may show as boxes. '
        "Install one of the fonts above (Linux: <code>make fonts</code>, or the package fonts-noto-cjk).</span>"
        "</div>"
    )


def font_check_script() -> str:
    """The script that finds the first installed face and shows the note when there is none."""
    faces = json.dumps(list(CJK_FONTS), ensure_ascii=False)
    probe = json.dumps(PROBE_TEXT, ensure_ascii=False)
    return f"""<script>
(function () {{
  var faces = {faces}, probe = {probe}, baselines = ["monospace", "serif"];
  var ctx = document.createElement("canvas").getContext("2d");
  function width(family) {{ ctx.font = "72px " + family; return ctx.measureText(probe).width; }}
  var base = baselines.map(width);
  var found = faces.filter(function (face) {{
    return baselines.some(function (b, i) {{ return width('"' + face + '", ' + b) !== base[i]; }});
  }});
  document.documentElement.setAttribute("{FONT_ATTRIBUTE}", found.length ? found[0] : "{NO_FONT}");
  if (!found.length) {{ document.getElementById("{FONT_NOTE_ID}").hidden = false; }}
}})();
</script>"""
