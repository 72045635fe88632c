"""The report's pages: an overview across towns (``index.html``) and one page per town.

``write_report`` writes them, plus the plotly library once as ``plotly.min.js``, into one folder
that opens offline from disk (no CDN, no server). Writing is idempotent: a file whose content
has not changed is left alone, and pages of towns no longer in the warehouse are removed.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Final

from plotly.offline import get_plotlyjs  # type: ignore[import-untyped]

from pipeline.report import charts
from pipeline.report.data import (
    Flags,
    Row,
    Town,
    TownData,
    TownSummary,
    project_title,
    read_flags,
    summary_of,
    towns_of,
)

INDEX: Final = "index.html"
PLOTLY_JS: Final = "plotly.min.js"
TOWN_PAGE_PREFIX: Final = "town-"
YUAN_PER_WAN: Final = 10_000
COST_SLACK_SHARE: Final = 0.01
"""Cost figures within 1% of the budget are rounding (the cost_mismatch rule's tolerance)."""

STYLE: Final = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       margin: 0 auto; max-width: 1150px; padding: 16px 24px 48px; color: #1a202c; background: #fff; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 1.6em; font-size: 1.25em; }
.sub { color: #4a5568; margin-top: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { border: 1px solid #e2e8f0; border-radius: 8px; padding: 10px 14px; min-width: 130px; }
.card .v { font-size: 1.5em; font-weight: 600; } .card .k { color: #4a5568; font-size: 0.85em; }
.card.warn .v { color: #c53030; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.grid > div { min-width: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.88em; margin: 8px 0; }
th, td { border-bottom: 1px solid #e2e8f0; padding: 5px 7px; text-align: left; vertical-align: top; }
th { background: #f7fafc; } td.n { text-align: right; white-space: nowrap; }
.bad { color: #c53030; font-weight: 600; }
nav a { margin-right: 12px; } details { margin: 12px 0; } summary { cursor: pointer; font-weight: 600; }
.note { color: #4a5568; font-size: 0.88em; }
@media (max-width: 900px) { .grid { grid-template-columns: 1fr; } }
"""


def town_page_name(town: Town) -> str:
    """A stable, ASCII file name for a town's page (county and town names are Chinese)."""
    digest = hashlib.sha1("/".join(town.key).encode("utf-8")).hexdigest()[:10]
    return f"{TOWN_PAGE_PREFIX}{digest}.html"


def _page(title: str, body: str, generated: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{escape(title)}</title>\n'
        f'<style>{STYLE}</style>\n<script src="{PLOTLY_JS}"></script>\n</head>\n<body>\n{body}\n'
        f'<p class="note">Generated {escape(generated)} from the jixiao warehouse '
        "(mart_town_year, mart_project_quality, mart_indicator_quality). Flag rules: see "
        "dbt_project/models/marts/mart_indicator_quality.yml.</p>\n</body>\n</html>\n"
    )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def _wan(yuan: float | None) -> str:
    return "—" if yuan is None else f"{yuan / YUAN_PER_WAN:,.2f} 万元"


def _num(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _card(label: str, value: str, warn: bool = False) -> str:
    css = "card warn" if warn else "card"
    return f'<div class="{css}"><div class="v">{escape(value)}</div><div class="k">{escape(label)}</div></div>'


def _reconciliation(row: Row) -> str:
    diff = row["reconciliation_diff_yuan"]
    if diff is None:
        return "no unit total stated"
    if row["budgets_reconcile"]:
        return "projects add up to the unit total"
    return f"projects {'exceed' if diff > 0 else 'fall short of'} the unit total by {abs(diff):,.2f} 元"


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# --- overview -------------------------------------------------------------------------------------


def overview_page(towns: list[TownSummary], generated: str, flags: Flags) -> str:
    years = [row for town in towns for row in town.years]
    indicators = sum(row["indicator_count"] for row in years)
    quantified = sum(row["quantified_count"] for row in years)
    flagged = sum(row["flagged_count"] for row in years)
    substantive = sum(town.substantive for town in towns)
    cards = "".join(
        [
            _card("towns", str(len(towns))),
            _card("projects", f"{sum(row['project_count'] for row in years):,}"),
            _card("budget", _wan(sum(row["total_budget_yuan"] for row in years))),
            _card("targets", f"{indicators:,}"),
            _card("quantified", _pct(quantified / indicators) if indicators else "—"),
            _card("flagged (any)", _pct(flagged / indicators) if indicators else "—", warn=True),
            _card("wrong (backwards, implausible, cost, echo)", f"{substantive:,}", warn=substantive > 0),
        ]
    )
    rows = []
    for town in towns:
        town_scores = [score for _, score in town.scores]
        mean_score = sum(town_scores) / len(town_scores) if town_scores else None
        for row in town.years:
            rows.append(
                [
                    f'<a href="{town_page_name(town)}">{escape(row["town"] or "—")}</a>',
                    escape(row["county"] or "—"),
                    str(row["fiscal_year"]),
                    f"{row['project_count']:,}",
                    _wan(row["total_budget_yuan"]),
                    f"{row['indicator_count']:,}",
                    _pct(row["share_quantified"]),
                    _pct(row["share_flagged"]),
                    f"{row['backwards_count']}",
                    _num(row["median_satisfaction_target_pct"], 0)
                    + ("%" if row["median_satisfaction_target_pct"] is not None else ""),
                    escape(_reconciliation(row)),
                    _num(mean_score, 1),
                ]
            )
    table = _table(
        [
            "town",
            "county",
            "year",
            "projects",
            "budget",
            "targets",
            "quantified",
            "flagged",
            "backwards",
            "median satisfaction",
            "budget reconciliation",
            "mean project score",
        ],
        rows,
        numeric={3, 4, 5, 6, 7, 8, 9, 11},
    )
    nav = "".join(f'<a href="{town_page_name(town)}">{escape(town.label)}</a>' for town in towns)
    body = f"""
<h1>Township performance targets: how good are they?</h1>
<p class="sub">Every target (绩效指标) of every project in the warehouse, checked against seven rules.
One page per town: <nav style="display:inline">{nav}</nav></p>
<div class="cards">{cards}</div>
<h2>Towns side by side</h2>
{table}
<div class="grid">
<div>{charts.towns_share_quantified(towns)}</div>
<div>{charts.towns_scores(towns)}</div>
</div>
{charts.towns_flags_heatmap(towns, flags)}
{charts.towns_satisfaction(towns)}
<h2>What the flags mean</h2>
{_flag_legend(flags)}
"""
    return _page("Township performance targets — overview", body, generated)


def _flag_legend(flags: Flags) -> str:
    """Each flag and its rule in words, as the seed quality_flags states them."""
    return _table(["flag", "meaning"], [[f"<b>{escape(flag.name)}</b>", escape(flag.rule)] for flag in flags.all])


# --- one town ------------------------------------------------------------------------------------


def town_page(town: TownData, generated: str, flags: Flags) -> str:
    years = town.years
    indicators = sum(row["indicator_count"] for row in years)
    quantified = sum(row["quantified_count"] for row in years)
    flagged = sum(row["flagged_count"] for row in years)
    satisfaction = [i["satisfaction_target_pct"] for i in town.indicators if i["satisfaction_target_pct"] is not None]
    low = sum(1 for v in satisfaction if v < charts.SATISFACTION_FLOOR_PCT)
    cards = "".join(
        [
            _card("fiscal year" + ("s" if len(years) > 1 else ""), ", ".join(str(r["fiscal_year"]) for r in years)),
            _card("projects", f"{len(town.projects):,}"),
            _card("budget", _wan(sum(r["total_budget_yuan"] for r in years))),
            _card("targets", f"{indicators:,}"),
            _card("quantified", _pct(quantified / indicators) if indicators else "—"),
            _card("flagged (any)", _pct(flagged / indicators) if indicators else "—", warn=True),
            _card("satisfaction targets under 50%", str(low), warn=low > 0),
        ]
        + [
            _card(f"{r['fiscal_year']} budget reconciliation", _reconciliation(r), warn=r["budgets_reconcile"] is False)
            for r in years
        ]
    )
    several = len(years) > 1
    project_rows = [
        [
            (f"{p['fiscal_year']} " if several else "") + f"{p['table_no']:02d}",
            escape(project_title(p)),
            _wan(p["budget_yuan"]),
            str(p["indicator_count"]),
            _pct(p["share_quantified"]),
            str(p["flagged_count"]),
            escape(p["missing_categories"] or "—"),
            _wan(p["cost_sum_yuan"]),
            _cost_gap(p),
            _num(p["quality_score"], 1),
        ]
        for p in town.projects
    ]
    projects_table = _table(
        [
            "#",
            "project",
            "budget",
            "targets",
            "quantified",
            "flagged",
            "missing kinds",
            "cost figures",
            "cost − budget",
            "score",
        ],
        project_rows,
        numeric={2, 3, 4, 5, 7, 8, 9},
    )
    wrong = [i for i in town.indicators if any(i[kind] for kind in flags.substantive)]
    other = [i for i in town.indicators if i["is_flagged"] and not any(i[kind] for kind in flags.substantive)]
    body = f"""
<p><a href="{INDEX}">← all towns</a></p>
<h1>{escape(town.label)}</h1>
<div class="cards">{cards}</div>
<div class="grid">
<div>{charts.town_flags(town, flags)}</div>
<div>{charts.town_satisfaction(town)}</div>
</div>
<div class="grid">
<div>{charts.town_share_quantified(town)}</div>
<div>{charts.town_scores(town)}</div>
</div>
<h2>Projects</h2>
{projects_table}
<h2>Targets that look wrong ({len(wrong)})</h2>
<p class="note">{" or ".join(flags.substantive)}; source line/page points into the document.</p>
{_indicator_table(wrong)}
<details><summary>Other flagged targets ({len(other)}: {", ".join(flags.formal)} only)</summary>
{_indicator_table(other)}
</details>
"""
    return _page(f"{town.label} — performance targets", body, generated)


def _cost_gap(project: Row) -> str:
    """Cost figures minus budget; in red when off by more than the 1% rounding slack."""
    gap, budget = project["cost_gap_yuan"], project["budget_yuan"]
    if gap is None:
        return "—"
    text = f"{gap:,.2f} 元"
    off = budget is not None and abs(gap) > max(COST_SLACK_SHARE * abs(budget), 1.0)
    return f'<span class="bad">{text}</span>' if off else text


def _indicator_table(indicators: list[Row]) -> str:
    if not indicators:
        return '<p class="note">None.</p>'
    rows = [
        [
            escape(i["project_name"] or "—"),
            escape(i["level2"] or "—"),
            escape(i["level3"] or "—"),
            escape(i["value_text"] or "—"),
            escape(i["reason"] or ""),
            escape(f"{i['source_file']}:{i['source_line'] or i['source_page'] or ''}"),
        ]
        for i in indicators
    ]
    return _table(["project", "二级指标", "三级指标", "value", "why flagged", "source"], rows)


# --- writing ---------------------------------------------------------------------------------------


def _write_if_changed(path: Path, text: str) -> bool:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def write_report(warehouse: Path, out_dir: Path, now: datetime | None = None) -> list[Path]:
    """Read the marts and write the report into ``out_dir``; returns the pages written, index first.

    Town pages are written as the towns are read, one town in memory at a time; the overview,
    which needs every town's summary, last.
    """
    generated = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_if_changed(out_dir / PLOTLY_JS, get_plotlyjs())
    flags = read_flags(warehouse)
    summaries: list[TownSummary] = []
    town_pages: list[Path] = []
    with towns_of(warehouse) as towns:
        for town in towns:
            page = out_dir / town_page_name(town)
            _write_if_changed(page, town_page(town, generated, flags))
            town_pages.append(page)
            summaries.append(summary_of(town, flags))
    _write_if_changed(out_dir / INDEX, overview_page(summaries, generated, flags))
    for stale in out_dir.glob(f"{TOWN_PAGE_PREFIX}*.html"):
        if stale not in town_pages:
            stale.unlink()
    return [out_dir / INDEX, *town_pages]
