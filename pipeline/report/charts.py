"""The report's charts (plotly), each returned as an HTML fragment without the plotly library.

The pages load ``plotly.min.js`` from the report folder (written once by ``pipeline.report.html``),
so every chart works offline and the library is not repeated in every page.
"""

from __future__ import annotations

from collections import Counter
from typing import Final

import plotly.graph_objects as go  # type: ignore[import-untyped]

from pipeline.report.data import Row, TownData, TownSummary, project_title
from pipeline.report.flags import Flag
from pipeline.report.fonts import plotly_family
from pipeline.report.labels import NONE, UNKNOWN_TOWN, chart_text, flag_name

PLOT_CONFIG: Final = {"displaylogo": False, "displayModeBar": False, "responsive": True}
BLUE: Final = "#2b6cb0"
RED: Final = "#c53030"
GREY: Final = "#a0aec0"
VAGUE: Final = "#718096"
"""Bars of flags that say a target is vague or undocumented; flags that say it is wrong are RED."""
SATISFACTION_FLOOR_PCT: Final = 50.0
"""Satisfaction targets below this are drawn in red (the implausible rule of mart_indicator_quality)."""
LABEL_CHARS: Final = 16


def short(text: str | None, limit: int = LABEL_CHARS) -> str:
    """A label that fits an axis: long project names are cut with an ellipsis."""
    text = text or NONE
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _html(fig: go.Figure, div_id: str) -> str:
    fig.update_layout(
        font={"family": plotly_family(), "size": 13},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        plot_bgcolor="white",
        paper_bgcolor="white",
    )
    fig.update_xaxes(automargin=True, gridcolor="#e2e8f0")
    fig.update_yaxes(automargin=True, gridcolor="#e2e8f0")
    html: str = fig.to_html(full_html=False, include_plotlyjs=False, config=PLOT_CONFIG, div_id=div_id)
    return html


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


# --- overview ---------------------------------------------------------------------------------------


def _town_year(row: Row) -> str:
    return f"{row['town'] or UNKNOWN_TOWN} {row['fiscal_year']}"


def towns_share_quantified(towns: list[TownSummary]) -> str:
    labels = [_town_year(row) for town in towns for row in town.years]
    values = [_pct(row["share_quantified"]) for town in towns for row in town.years]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            marker_color=BLUE,
            text=[f"{v:.0f}%" if v is not None else "" for v in values],
            textposition="auto",
            hovertemplate="%{y}：%{x:.1f}% 的指标有数值或日期<extra></extra>",
        )
    )
    fig.update_layout(
        title=chart_text("指标量化比例（有数值或日期）", "Share of targets quantified (a number or a date)"),
        xaxis={"range": [0, 105], "ticksuffix": "%", "tickvals": [0, 25, 50, 75, 100]},
        yaxis={"autorange": "reversed"},
        height=120 + 40 * len(labels),
    )
    return _html(fig, "overview-quantified")


def towns_flags_heatmap(towns: list[TownSummary], flags: tuple[Flag, ...]) -> str:
    rows = [row for town in towns for row in town.years]
    labels = [_town_year(row) for row in rows]
    shares = [
        [_pct(row[f"{flag.name}_count"] / row["indicator_count"]) if row["indicator_count"] else None for flag in flags]
        for row in rows
    ]
    counts = [[row[f"{flag.name}_count"] for flag in flags] for row in rows]
    fig = go.Figure(
        go.Heatmap(
            z=shares,
            x=[flag_name(flag.name) for flag in flags],
            y=labels,
            customdata=counts,
            colorscale="Reds",
            zmin=0,
            zmax=100,
            texttemplate="%{z:.0f}%",
            hovertemplate="%{y}<br>%{x}：%{customdata} 条指标（%{z:.1f}%）<extra></extra>",
            colorbar={"ticksuffix": "%", "title": {"text": "占指标"}},
        )
    )
    fig.update_layout(
        title=chart_text("各类问题占各乡镇指标的比例", "Flags by kind: share of each town's targets"),
        yaxis={"autorange": "reversed"},
        height=160 + 45 * len(labels),
    )
    return _html(fig, "overview-flags")


def towns_satisfaction(towns: list[TownSummary]) -> str:
    fig = go.Figure()
    for town in towns:
        names = [name for name, _ in town.satisfaction]
        fig.add_trace(
            go.Box(
                y=[value for _, value in town.satisfaction],
                name=town.town or UNKNOWN_TOWN,
                boxpoints="all",
                jitter=0.5,
                pointpos=0,
                marker={"color": BLUE, "size": 8, "opacity": 0.7},
                line={"color": GREY},
                fillcolor="rgba(0,0,0,0)",
                customdata=names,
                hovertemplate="%{customdata}: %{y}%<extra></extra>",
            )
        )
    fig.add_hline(
        y=SATISFACTION_FLOOR_PCT,
        line={"color": RED, "dash": "dash"},
        annotation_text="50%：低于此值不合常理 (implausible)",
        annotation_position="bottom right",
        annotation_font_color=RED,
    )
    fig.update_layout(
        title=chart_text("满意度指标值（每点一条指标）", "Satisfaction targets (each dot one target)"),
        yaxis={"range": [0, 105], "ticksuffix": "%"},
        showlegend=False,
        height=420,
    )
    return _html(fig, "overview-satisfaction")


def towns_scores(towns: list[TownSummary]) -> str:
    fig = go.Figure()
    for town in towns:
        fig.add_trace(
            go.Box(
                y=[score for _, score in town.scores],
                name=town.town or UNKNOWN_TOWN,
                boxpoints="all",
                jitter=0.5,
                pointpos=0,
                marker={"color": BLUE, "size": 7},
                line={"color": GREY},
                customdata=[name for name, _ in town.scores],
                hovertemplate="%{customdata}: %{y:.1f}<extra></extra>",
            )
        )
    fig.update_layout(
        title=chart_text("项目质量得分（0–100，每点一个项目）", "Project quality scores (0-100, each dot one project)"),
        yaxis={"range": [0, 102]},
        showlegend=False,
        height=420,
    )
    return _html(fig, "overview-scores")


# --- one town ---------------------------------------------------------------------------------------


def _project_label(project: Row, several_years: bool) -> str:
    prefix = f"{project['fiscal_year']} " if several_years else ""
    return f"{prefix}{project['table_no']:02d} {short(project_title(project))}"


def town_share_quantified(town: TownData) -> str:
    several = len(town.years) > 1
    projects = town.projects
    values = [_pct(p["share_quantified"]) for p in projects]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=[_project_label(p, several) for p in projects],
            orientation="h",
            marker_color=[BLUE if (v or 0) >= 50 else RED for v in values],
            customdata=[[p["project_name"], p["quantified_count"], p["indicator_count"]] for p in projects],
            hovertemplate="%{customdata[0]}<br>%{customdata[2]} 条指标中 %{customdata[1]} 条已量化"
            "（%{x:.0f}%）<extra></extra>",
        )
    )
    fig.update_layout(
        title=chart_text("各项目指标量化比例", "Share of each project's targets quantified"),
        xaxis={"range": [0, 105], "ticksuffix": "%", "tickvals": [0, 25, 50, 75, 100]},
        yaxis={"autorange": "reversed"},
        height=140 + 24 * len(projects),
    )
    return _html(fig, "town-quantified")


def town_flags(town: TownData, flags: tuple[Flag, ...]) -> str:
    totals = {flag.name: sum(row[f"{flag.name}_count"] for row in town.years) for flag in flags}
    targets = sum(row["indicator_count"] for row in town.years)
    fig = go.Figure(
        go.Bar(
            x=[flag_name(flag.name) for flag in flags],
            y=[totals[flag.name] for flag in flags],
            marker_color=[RED if flag.wrong else VAGUE for flag in flags],
            text=[str(totals[flag.name]) for flag in flags],
            textposition="outside",
            hovertemplate="%{x}：" + str(targets) + " 条指标中 %{y} 条<extra></extra>",
        )
    )
    fig.update_layout(
        title=chart_text(f"各类问题（共 {targets} 条指标）", f"Flags by kind (targets flagged, of {targets})"),
        yaxis={"range": [0, max(1, *totals.values()) * 1.2]},
        height=380,
    )
    return _html(fig, "town-flags")


def town_satisfaction(town: TownData) -> str:
    values = [i["satisfaction_target_pct"] for i in town.indicators if i["satisfaction_target_pct"] is not None]
    counts = Counter(values)
    levels = sorted(counts)
    fig = go.Figure(
        go.Bar(
            x=[f"{v:g}%" for v in levels],
            y=[counts[v] for v in levels],
            marker_color=[RED if v < SATISFACTION_FLOOR_PCT else BLUE for v in levels],
            text=[str(counts[v]) for v in levels],
            textposition="outside",
            hovertemplate="指标值 %{x}：%{y} 条满意度指标<extra></extra>",
        )
    )
    fig.update_layout(
        title=chart_text(
            f"满意度指标值（{len(values)} 条有数值；红色：低于 50%）",
            f"Satisfaction targets ({len(values)} with a number; red: under 50%)",
        ),
        xaxis={"type": "category", "title": {"text": "指标值 target"}},
        yaxis={"title": {"text": "指标数 targets"}, "range": [0, max(counts.values(), default=1) * 1.2]},
        height=360,
    )
    return _html(fig, "town-satisfaction")


def town_scores(town: TownData) -> str:
    several = len(town.years) > 1
    projects = town.projects
    fig = go.Figure(
        go.Bar(
            x=[p["quality_score"] for p in projects],
            y=[_project_label(p, several) for p in projects],
            orientation="h",
            marker_color=BLUE,
            customdata=[p["project_name"] for p in projects],
            hovertemplate="%{customdata}: %{x:.1f}<extra></extra>",
        )
    )
    fig.update_layout(
        title=chart_text("项目质量得分（0–100）", "Project quality score (0-100)"),
        xaxis={"range": [0, 102]},
        yaxis={"autorange": "reversed"},
        height=140 + 24 * len(projects),
    )
    return _html(fig, "town-scores")
