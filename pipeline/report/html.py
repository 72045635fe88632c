"""The report's pages: an overview across towns (``index.html``) and one page per town (``towns/``).

``write_report`` writes them, plus the plotly library once as ``plotly.min.js``, into one folder
that opens offline from disk (no CDN, no server). Writing is idempotent: a file whose content
has not changed is left alone, and pages of towns no longer in the warehouse are removed.

Labels are Chinese with the English beside them (``labels.bi``); a value the warehouse does not
know is "未知" (a town whose projects state no budget has budget 未知, not 0.00 万元), and "—"
means there is nothing to show. Sources link to the file in the raw folder (``names.source_href``).
The overview lists first the documents that failed (with their error class, message and the
advice of ``core.errors.ERROR_CLASSES``) and the loaded documents of low confidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Final

from plotly.offline import get_plotlyjs  # type: ignore[import-untyped]

from pipeline.core.confidence import LOW_CONFIDENCE
from pipeline.core.errors import ERROR_CLASSES
from pipeline.report import charts
from pipeline.report.data import (
    BudgetCounts,
    Row,
    TownData,
    TownSummary,
    budget_counts,
    is_wrong,
    project_title,
    read_marts,
    summary_of,
)
from pipeline.report.flags import Flag
from pipeline.report.fonts import css_family, font_check_script, font_note
from pipeline.report.labels import NONE, UNKNOWN, UNKNOWN_COUNTY, UNKNOWN_TOWN, bi, flag_name
from pipeline.report.names import PAGE_SUFFIX, TOWNS_FOLDER, source_href, town_page_href, town_page_name

INDEX: Final = "index.html"
PLOTLY_JS: Final = "plotly.min.js"
YUAN_PER_WAN: Final = 10_000
COST_SLACK_SHARE: Final = 0.01
"""Cost figures within 1% of the budget are rounding (the cost_mismatch rule's tolerance)."""

STYLE: Final = (
    "body { font-family: " + css_family() + ";"
    """
       margin: 0 auto; max-width: 1150px; padding: 16px 24px 48px; color: #1a202c; background: #fff; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 1.6em; font-size: 1.25em; }
.en { color: #718096; font-size: 0.8em; font-weight: normal; }
.sub { color: #4a5568; margin-top: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { border: 1px solid #e2e8f0; border-radius: 8px; padding: 10px 14px; min-width: 130px; }
.card .v { font-size: 1.5em; font-weight: 600; } .card .k { color: #4a5568; font-size: 0.85em; }
.card.warn .v { color: #c53030; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.grid > div { min-width: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.88em; margin: 8px 0; }
th, td { border-bottom: 1px solid #e2e8f0; padding: 5px 7px; text-align: left; vertical-align: top; }
th { background: #f7fafc; } td.n { text-align: right; white-space: nowrap; } td:first-child a { white-space: nowrap; }
.bad { color: #c53030; font-weight: 600; }
.font-note { position: fixed; left: 0; right: 0; bottom: 0; z-index: 10; background: #fefcbf;
             border-top: 2px solid #d69e2e; padding: 8px 24px; }
nav a { margin-right: 12px; } details { margin: 12px 0; } summary { cursor: pointer; font-weight: 600; }
.note { color: #4a5568; font-size: 0.88em; }
@media (max-width: 900px) { .grid { grid-template-columns: 1fr; } }
"""
)


@dataclass(frozen=True)
class Links:
    """Where a page is and where the raw documents are, to link sources from it."""

    page_dir: Path
    raw_dir: Path | None
    """None: the raw folder is not known, sources are shown as text."""

    def source(self, source_file: str | None, line: int | None = None, page: int | None = None) -> str:
        """A document as a link to its file, with its page (PDF) or line (text): ``a.pdf 第 3 页``."""
        if not source_file:
            return UNKNOWN
        where = f" 第 {page} 页" if page is not None else f" 第 {line} 行" if line is not None else ""
        text = escape(source_file) + where
        if self.raw_dir is None:
            return text
        return f'<a href="{source_href(self.page_dir, self.raw_dir, source_file, page)}">{text}</a>'


def _page(title: str, body: str, generated: str, root: str = "") -> str:
    """A whole page; ``root`` leads from the page's folder to the report's (``../`` for a town page)."""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{escape(title)}</title>\n'
        f'<style>{STYLE}</style>\n<script src="{root}{PLOTLY_JS}"></script>\n</head>\n<body>\n{font_note()}\n'
        f'{body}\n<p class="note">生成于 {escape(generated)}，数据来自 jixiao 数据仓库'
        "（mart_town_year、mart_project_quality、mart_indicator_quality、dim_document、ingest_errors）。"
        '<span class="en">Generated from the jixiao warehouse; the flag rules are written out in '
        "dbt_project/models/marts/mart_indicator_quality.yml.</span></p>\n"
        f"{font_check_script()}\n</body>\n</html>\n"
    )


def _pct(value: float | None) -> str:
    return NONE if value is None else f"{100 * value:.0f}%"


def _wan(yuan: float | None) -> str:
    return UNKNOWN if yuan is None else f"{yuan / YUAN_PER_WAN:,.2f} 万元"


def _num(value: float | None, digits: int = 0) -> str:
    return NONE if value is None else f"{value:,.{digits}f}"


def _card(label: str, value: str, warn: bool = False) -> str:
    """A figure with its label; ``label`` is HTML (``bi``), ``value`` plain text."""
    css = "card warn" if warn else "card"
    return f'<div class="{css}"><div class="v">{escape(value)}</div><div class="k">{label}</div></div>'


def _budget(years: list[Row], counts: BudgetCounts) -> str:
    """The budget of some town-years: 未知 when none of their projects states one, never 0.00 万元.

    mart_town_year adds the budgets a document states (none stated adds to 0); whether any was
    stated is read off the projects (``counts``). Projects without a budget are counted in the text:
    ``12.00 万元（2 个项目未写预算）``.
    """
    fiscal_years = {row["fiscal_year"] for row in years}
    unstated = sum(counts.get(year, (0, 0))[0] for year in fiscal_years)
    projects = sum(counts.get(year, (0, 0))[1] for year in fiscal_years)
    if unstated == projects:
        return UNKNOWN
    total = _wan(sum(row["total_budget_yuan"] for row in years))
    return total if unstated == 0 else f"{total}（{unstated} 个项目未写预算）"


def _merged(towns: list[TownSummary]) -> BudgetCounts:
    """The towns' budget counts added up per fiscal year."""
    merged: BudgetCounts = {}
    for town in towns:
        for year, (unstated, total) in town.budget_counts.items():
            before = merged.get(year, (0, 0))
            merged[year] = (before[0] + unstated, before[1] + total)
    return merged


def _reconciliation(row: Row) -> str:
    diff = row["reconciliation_diff_yuan"]
    if diff is None:
        return bi("未写单位合计", "no unit total stated")
    if row["budgets_reconcile"]:
        return bi("项目预算与单位合计相符", "projects add up to the unit total")
    zh = f"项目预算{'超出' if diff > 0 else '少于'}单位合计 {abs(diff):,.2f} 元"
    en = f"projects {'exceed' if diff > 0 else 'fall short of'} the unit total by {abs(diff):,.2f} 元"
    return bi(zh, en)


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    """A table; headers and cells are HTML."""
    numeric = numeric or set()
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# --- overview -------------------------------------------------------------------------------------


def _attention(documents: list[Row], links: Links) -> str:
    """The failed and low-confidence documents, each with its class and message."""
    if not documents:
        return f'<p class="note">{bi("全部文件均已读取，且置信度正常。", "Every document was read, none with low confidence.")}</p>'
    rows = []
    for doc in documents:
        if doc["status"] == "failed":
            status = f'<span class="bad">{bi("读取失败", "failed")}</span>'
            error_class = doc["error_class"] or UNKNOWN
            message = escape(doc["message"] or UNKNOWN)
            known = ERROR_CLASSES.get(error_class)
            advice = escape(known.advice) if known else ""
            stage = escape(doc["stage"] or UNKNOWN)
        else:
            status = bi("低置信度", "low confidence")
            error_class = "low_confidence"
            message = _low_confidence_message(doc)
            advice = bi("请对照原文件核对其指标行。", "Check its rows against the file.")
            stage = escape(doc["layout"] or UNKNOWN)
        rows.append([links.source(doc["source_file"]), status, escape(error_class), stage, message, advice])
    return _table(
        [
            bi("文件", "file"),
            bi("状态", "status"),
            bi("类别", "class"),
            bi("阶段 / 版式", "stage / layout"),
            bi("说明", "message"),
            bi("建议", "advice"),
        ],
        rows,
    )


def _low_confidence_message(doc: Row) -> str:
    """Why a loaded document is of low confidence, as dim_document.low_confidence decides it."""
    confidence = doc["layout_confidence"]
    counts = f"{doc['project_count']} 个项目、{doc['indicator_count']} 条指标"
    if confidence is not None and confidence < LOW_CONFIDENCE:
        return bi(
            f"版式置信度 {confidence:.2f}，低于 {LOW_CONFIDENCE}（部分表格行未能读作指标行）；{counts}",
            f"layout confidence {confidence:.2f} under {LOW_CONFIDENCE}: some table rows were not read as targets",
        )
    return bi(f"有项目未读到指标行；{counts}", "a project without any target rows")


def overview_page(
    towns: list[TownSummary], flags: tuple[Flag, ...], attention: list[Row], links: Links, generated: str
) -> str:
    years = [row for town in towns for row in town.years]
    indicators = sum(row["indicator_count"] for row in years)
    quantified = sum(row["quantified_count"] for row in years)
    flagged = sum(row["flagged_count"] for row in years)
    substantive = sum(town.substantive for town in towns)
    failed = len({doc["source_file"] for doc in attention if doc["status"] == "failed"})
    low = len({doc["source_file"] for doc in attention if doc["status"] != "failed"})
    wrong_names = "、".join(flag_name(flag.name) for flag in flags if flag.wrong)
    cards = "".join(
        [
            _card(bi("乡镇", "towns"), str(len(towns))),
            _card(bi("项目", "projects"), f"{sum(row['project_count'] for row in years):,}"),
            _card(bi("预算合计", "budget"), _budget(years, _merged(towns))),
            _card(bi("绩效指标", "targets"), f"{indicators:,}"),
            _card(bi("已量化", "quantified"), _pct(quantified / indicators) if indicators else NONE),
            _card(bi("被标记", "flagged (any)"), _pct(flagged / indicators) if indicators else NONE, warn=True),
            _card(bi("明显有误", f"wrong: {wrong_names}"), f"{substantive:,}", warn=substantive > 0),
            _card(bi("读取失败的文件", "documents failed"), str(failed), warn=failed > 0),
            _card(bi("低置信度文件", "low-confidence documents"), str(low), warn=low > 0),
        ]
    )
    rows = []
    for town in towns:
        town_scores = [score for _, score in town.scores]
        mean_score = sum(town_scores) / len(town_scores) if town_scores else None
        for row in town.years:
            median = row["median_satisfaction_target_pct"]
            rows.append(
                [
                    f'<a href="{town_page_href(town.county, town.town)}">{escape(row["town"] or UNKNOWN_TOWN)}</a>',
                    escape(row["county"] or UNKNOWN_COUNTY),
                    str(row["fiscal_year"]),
                    f"{row['project_count']:,}",
                    escape(_budget([row], town.budget_counts)),
                    f"{row['indicator_count']:,}",
                    _pct(row["share_quantified"]),
                    _pct(row["share_flagged"]),
                    f"{row['backwards_count']}",
                    NONE if median is None else f"{median:,.0f}%",
                    _reconciliation(row),
                    _num(mean_score, 1),
                ]
            )
    table = _table(
        [
            bi("乡镇", "town"),
            bi("县（区）", "county"),
            bi("年度", "year"),
            bi("项目", "projects"),
            bi("预算", "budget"),
            bi("指标", "targets"),
            bi("已量化", "quantified"),
            bi("被标记", "flagged"),
            bi("方向颠倒", "backwards"),
            bi("满意度中位数", "median satisfaction"),
            bi("预算核对", "budget reconciliation"),
            bi("项目平均得分", "mean project score"),
        ],
        rows,
        numeric={3, 4, 5, 6, 7, 8, 9, 11},
    )
    nav = "".join(f'<a href="{town_page_href(town.county, town.town)}">{escape(town.label)}</a>' for town in towns)
    body = f"""
<h1>{bi("乡镇项目绩效目标质量报告", "Township performance targets: how good are they?")}</h1>
<p class="sub">数据仓库中每个项目的每条绩效指标，按 {len(flags)} 条规则检查。各乡镇分页：
<span class="en">Every target of every project in the warehouse, checked against {len(flags)} rules. One page per
town:</span> <nav style="display:inline">{nav}</nav></p>
<div class="cards">{cards}</div>
<h2>{bi("需要关注的文件", "Documents to check")}</h2>
{_attention(attention, links)}
<h2>{bi("各乡镇对比", "Towns side by side")}</h2>
{table}
<div class="grid">
<div>{charts.towns_share_quantified(towns)}</div>
<div>{charts.towns_scores(towns)}</div>
</div>
{charts.towns_flags_heatmap(towns, flags)}
{charts.towns_satisfaction(towns)}
<h2>{bi("各类问题的含义", "What the flags mean")}</h2>
{_flag_legend(flags)}
"""
    return _page("乡镇项目绩效目标质量报告 — 总览", body, generated)


def _flag_legend(flags: tuple[Flag, ...]) -> str:
    rows = [
        [
            f"<b>{escape(flag_name(flag.name))}</b>",
            bi("有误", "wrong") if flag.wrong else bi("不清晰", "vague or undocumented"),
            escape(flag.rule),
        ]
        for flag in flags
    ]
    return _table([bi("问题", "flag"), bi("性质", "severity"), bi("规则", "rule")], rows)


# --- one town ------------------------------------------------------------------------------------


def town_page(town: TownData, flags: tuple[Flag, ...], links: Links, generated: str) -> str:
    years = town.years
    indicators = sum(row["indicator_count"] for row in years)
    quantified = sum(row["quantified_count"] for row in years)
    flagged = sum(row["flagged_count"] for row in years)
    satisfaction = [i["satisfaction_target_pct"] for i in town.indicators if i["satisfaction_target_pct"] is not None]
    low = sum(1 for v in satisfaction if v < charts.SATISFACTION_FLOOR_PCT)
    cards = "".join(
        [
            _card(bi("年度", "fiscal years"), ", ".join(str(r["fiscal_year"]) for r in years)),
            _card(bi("项目", "projects"), f"{len(town.projects):,}"),
            _card(bi("预算", "budget"), _budget(years, budget_counts(town.projects))),
            _card(bi("绩效指标", "targets"), f"{indicators:,}"),
            _card(bi("已量化", "quantified"), _pct(quantified / indicators) if indicators else NONE),
            _card(bi("被标记", "flagged (any)"), _pct(flagged / indicators) if indicators else NONE, warn=True),
            _card(bi("满意度低于 50%", "satisfaction targets under 50%"), str(low), warn=low > 0),
        ]
        + [
            f'<div class="card{" warn" if r["budgets_reconcile"] is False else ""}"><div class="k">'
            f"{r['fiscal_year']} {bi('预算核对', 'budget reconciliation')}</div><div>{_reconciliation(r)}</div></div>"
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
            escape(p["missing_categories"] or NONE),
            NONE if p["cost_sum_yuan"] is None else _wan(p["cost_sum_yuan"]),
            _cost_gap(p),
            _num(p["quality_score"], 1),
        ]
        for p in town.projects
    ]
    projects_table = _table(
        [
            "#",
            bi("项目", "project"),
            bi("预算", "budget"),
            bi("指标", "targets"),
            bi("已量化", "quantified"),
            bi("被标记", "flagged"),
            bi("缺少的指标类别", "missing kinds"),
            bi("成本指标合计", "cost figures"),
            bi("成本 − 预算", "cost − budget"),
            bi("得分", "score"),
        ],
        project_rows,
        numeric={2, 3, 4, 5, 7, 8, 9},
    )
    wrong = [i for i in town.indicators if is_wrong(i, flags)]
    other = [i for i in town.indicators if i["is_flagged"] and not is_wrong(i, flags)]
    wrong_names = "、".join(flag_name(flag.name) for flag in flags if flag.wrong)
    vague_names = "、".join(flag_name(flag.name) for flag in flags if not flag.wrong)
    body = f"""
<p><a href="../{INDEX}">← {bi("全部乡镇", "all towns")}</a></p>
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
<h2>{bi("项目", "Projects")}</h2>
{projects_table}
<h2>{bi(f"明显有误的指标（{len(wrong)}）", f"Targets that look wrong ({len(wrong)})")}</h2>
<p class="note">{escape(wrong_names)}；{bi("来源链接到原文件（第几页 / 第几行）。", "the source links to the file.")}</p>
{_indicator_table(wrong, links)}
<details><summary>{bi(f"其他被标记的指标（{len(other)}）", f"Other flagged targets ({len(other)})")}：{escape(vague_names)}</summary>
{_indicator_table(other, links)}
</details>
"""
    return _page(f"{town.label} — 绩效目标", body, generated, root="../")


def _cost_gap(project: Row) -> str:
    """Cost figures minus budget; in red when off by more than the 1% rounding slack."""
    gap, budget = project["cost_gap_yuan"], project["budget_yuan"]
    if gap is None:
        return NONE
    text = f"{gap:,.2f} 元"
    off = budget is not None and abs(gap) > max(COST_SLACK_SHARE * abs(budget), 1.0)
    return f'<span class="bad">{text}</span>' if off else text


def _indicator_table(indicators: list[Row], links: Links) -> str:
    if not indicators:
        return f'<p class="note">{bi("无。", "None.")}</p>'
    rows = [
        [
            escape(i["project_name"] or UNKNOWN),
            escape(i["level2"] or UNKNOWN),
            escape(i["level3"] or UNKNOWN),
            escape(i["value_text"] or UNKNOWN),
            escape(i["reason"] or ""),
            links.source(i["source_file"], i["source_line"], i["source_page"]),
        ]
        for i in indicators
    ]
    return _table(
        [
            bi("项目", "project"),
            "二级指标",
            "三级指标",
            bi("指标值", "value"),
            bi("标记原因", "why flagged"),
            bi("来源", "source"),
        ],
        rows,
    )


# --- writing ---------------------------------------------------------------------------------------


def _write_if_changed(path: Path, text: str) -> bool:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def write_report(
    warehouse: Path, out_dir: Path, now: datetime | None = None, raw_dir: Path | None = None
) -> list[Path]:
    """Read the marts and write the report into ``out_dir``; returns the pages written, index first.

    ``raw_dir`` is the folder the documents were read from (JIXIAO_RAW_DIR): sources link into it.
    Town pages are written as the towns are read, one town in memory at a time; the overview,
    which needs every town's summary, last.
    """
    generated = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    towns_dir = out_dir / TOWNS_FOLDER
    towns_dir.mkdir(parents=True, exist_ok=True)
    _write_if_changed(out_dir / PLOTLY_JS, get_plotlyjs())
    summaries: list[TownSummary] = []
    town_pages: list[Path] = []
    town_links = Links(page_dir=towns_dir, raw_dir=raw_dir)
    with read_marts(warehouse) as marts:
        for town in marts.towns:
            page = towns_dir / town_page_name(town.county, town.town)
            _write_if_changed(page, town_page(town, marts.flags, town_links, generated))
            town_pages.append(page)
            summaries.append(summary_of(town, marts.flags))
        index = overview_page(summaries, marts.flags, marts.attention, Links(out_dir, raw_dir), generated)
    _write_if_changed(out_dir / INDEX, index)
    for stale in towns_dir.glob(f"*{PAGE_SUFFIX}"):
        if stale not in town_pages:
            stale.unlink()
    return [out_dir / INDEX, *town_pages]
