"""KPI charts, drawn at build time as static SVG files (matplotlib, no JavaScript).

Two halves:

- :func:`chart_specs` (pure): what each chart shows, its text alternative
  and the data table printed under it, so the numbers are readable without
  the picture.
- :func:`draw` / :func:`render_charts`: matplotlib's object API (no pyplot,
  no global figure state) with the SVG backend. Output is deterministic:
  ``svg.hashsalt`` is fixed (element ids), the ``Date`` metadata is dropped
  and text is kept as text (``svg.fonttype: none``) rather than font paths.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any

from generator.compute.display import format_seconds
from generator.compute.kpis import incident_durations
from generator.compute.localtime import quarter_key, quarter_sequence
from generator.compute.stats import MIN_N_MEDIAN, median
from generator.model import Incident, severity_rank
from generator.site.visibility import SiteContext

# Colour plus pattern per severity: readable in greyscale and for colour-blind readers.
SEVERITY_STYLE = {
    "SEV-1": ("#b91c1c", "xxx"),
    "SEV-2": ("#c2410c", "///"),
    "SEV-3": ("#1d4ed8", "..."),
    "SEV-4": ("#4b5563", ""),
}
_METRIC_LABELS = {
    "time_to_detect": "Time to detect",
    "time_to_resolve": "Time to resolve",
}


@dataclass(frozen=True)
class Chart:
    """One chart: where it goes, what it says in words, and its data as a table."""

    path: str
    title: str
    alt: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    kind: str  # "volume" | "durations"
    series: tuple[tuple[str, tuple[float, ...]], ...]  # (label, values) for drawing
    categories: tuple[str, ...] = ()


def _visible_incidents(ctx: SiteContext) -> list[Incident]:
    return sorted((i for i in ctx.model.incidents if i.started_at <= ctx.now), key=lambda i: (i.started_at, i.id))


def _severities(ctx: SiteContext, incidents: list[Incident]) -> list[str]:
    found = set(ctx.model.config.severities) | {i.max_severity for i in incidents}
    return sorted(found, key=severity_rank)


def volume_chart(ctx: SiteContext) -> Chart:
    tz = ctx.model.config.site.timezone
    incidents = _visible_incidents(ctx)
    severities = _severities(ctx, incidents)
    quarters: list[str] = []
    current = quarter_key(ctx.now, tz)
    if incidents:
        quarters = quarter_sequence(quarter_key(incidents[0].started_at, tz), current)
    counts = {(q, s): 0 for q in quarters for s in severities}
    for inc in incidents:
        counts[(quarter_key(inc.started_at, tz), inc.max_severity)] += 1
    series = tuple((s, tuple(float(counts[(q, s)]) for q in quarters)) for s in severities)
    rows = tuple(
        (quarter_label(q, current), *(str(counts[(q, s)]) for s in severities),
         str(sum(counts[(q, s)] for s in severities)))
        for q in quarters
    )
    total = len(incidents)
    busiest = max(quarters, key=lambda q: (sum(counts[(q, s)] for s in severities), q)) if quarters else None
    alt = (
        f"Stacked bar chart of incident volume per quarter by severity, {quarters[0]} to {quarters[-1]} "
        f"({TO_DATE}): "
        f"{total} incidents in total; the busiest quarter was {busiest} with "
        f"{sum(counts[(busiest, s)] for s in severities)}. The table below lists every value."
        if quarters and busiest else "No incidents yet."
    )
    return Chart(
        path="kpis/volume-by-quarter.svg",
        title="Incidents per quarter, by severity",
        alt=alt,
        columns=("Quarter", *severities, "Total"),
        rows=rows,
        kind="volume",
        series=series,
        categories=tuple(quarter_label(q, current) for q in quarters),
    )


def duration_chart(ctx: SiteContext, metric: str) -> Chart:
    incidents = _visible_incidents(ctx)
    severities = _severities(ctx, incidents)
    values: dict[str, list[float]] = {s: [] for s in severities}
    for inc in incidents:
        v = incident_durations(inc, ctx.now)[metric]
        if v is not None:
            values[inc.max_severity].append(max(v, 1.0))  # log scale: zero-length shows as 1 s
    for s in values:
        values[s].sort()
    label = _METRIC_LABELS[metric]
    rows = tuple(
        (s, str(len(vs)), format_seconds(vs[0]) if vs else "-", format_seconds(vs[-1]) if vs else "-")
        for s, vs in values.items()
    )
    n = sum(len(v) for v in values.values())
    alt = (
        f"Dot plot of {label.lower()} per incident on a logarithmic time axis, one row per severity, "
        f"{n} incidents. The table below gives the count and range per severity."
    )
    return Chart(
        path=f"kpis/{metric.replace('_', '-')}.svg",
        title=f"{label} per incident (log scale)",
        alt=alt,
        columns=("Severity", "Incidents", "Shortest", "Longest"),
        rows=rows,
        kind="durations",
        series=tuple((s, tuple(vs)) for s, vs in values.items()),
    )


TO_DATE = "to date"


def quarter_label(quarter: str, current: str) -> str:
    """``2026-Q4 (to date)`` for the quarter still running: it is not a complete one."""
    return f"{quarter} ({TO_DATE})" if quarter == current else quarter


def trend_chart(ctx: SiteContext, metric: str = "time_to_resolve") -> Chart:
    """Every incident's duration per quarter (log scale), the median where a quarter has enough incidents."""
    tz = ctx.model.config.site.timezone
    incidents = _visible_incidents(ctx)
    current = quarter_key(ctx.now, tz)
    quarters: list[str] = quarter_sequence(quarter_key(incidents[0].started_at, tz), current) if incidents else []
    values: dict[str, list[float]] = {q: [] for q in quarters}
    for inc in incidents:
        v = incident_durations(inc, ctx.now)[metric]
        if v is not None:
            values[quarter_key(inc.started_at, tz)].append(max(v, 1.0))
    for q in values:
        values[q].sort()
    label = _METRIC_LABELS[metric]
    rows = tuple(
        (quarter_label(q, current), str(len(vs)),
         format_seconds(median(vs)) if len(vs) >= MIN_N_MEDIAN else f"not enough data (n={len(vs)})",
         format_seconds(vs[0]) if vs else "-", format_seconds(vs[-1]) if vs else "-")
        for q, vs in values.items())
    with_median = [q for q, vs in values.items() if len(vs) >= MIN_N_MEDIAN]
    alt = (
        f"Dot plot of {label.lower()} per incident by quarter on a logarithmic time axis, {quarters[0]} to "
        f"{quarters[-1]} ({TO_DATE}), {sum(len(v) for v in values.values())} incidents; "
        + (f"medians drawn for {', '.join(with_median)}" if with_median
           else f"no quarter has the {MIN_N_MEDIAN} incidents a median needs")
        + ". The table below gives the count, median and range per quarter."
        if quarters else "No incidents yet."
    )
    return Chart(
        path=f"kpis/{metric.replace('_', '-')}-by-quarter.svg",
        title=f"{label} by quarter (log scale)",
        alt=alt,
        columns=("Quarter", "Incidents", "Median", "Shortest", "Longest"),
        rows=rows,
        kind="trend",
        series=tuple((q, tuple(vs)) for q, vs in values.items()),
        categories=tuple(quarter_label(q, current) for q in quarters),
    )


def chart_specs(ctx: SiteContext) -> list[Chart]:
    return [trend_chart(ctx), volume_chart(ctx), duration_chart(ctx, "time_to_detect"),
            duration_chart(ctx, "time_to_resolve")]


# ---------------------------------------------------------------- drawing

_RC: Any = {  # matplotlib types its keys as a Literal of every rc name
    "svg.hashsalt": "statuspress",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 0.8,
}


@dataclass(frozen=True)
class Ink:
    """The colours of text, axes and lines: one set per colour scheme (the background stays transparent)."""

    text: str
    grid: str
    edge: str  # between stacked bars


LIGHT = Ink("#111827", "#e5e7eb", "#ffffff")
DARK = Ink("#e5e7eb", "#374151", "#1e2129")  # on Material's slate background
# Marks at least 3:1 against the dark background (the light scheme's colours are too dark there).
DARK_SEVERITY = {"SEV-1": "#f87171", "SEV-2": "#fb923c", "SEV-3": "#93c5fd", "SEV-4": "#d1d5db"}
TREND_DOT = {LIGHT: "#1d4ed8", DARK: "#93c5fd"}


def _colour(sev: str, ink: Ink) -> str:
    colour = SEVERITY_STYLE.get(sev, ("#6b7280", ""))[0]
    return DARK_SEVERITY.get(sev, "#d1d5db") if ink == DARK else colour
SCHEMES = (("", LIGHT), ("-dark", DARK))


def dark_path(path: str) -> str:
    """``kpis/x.svg`` -> ``kpis/x-dark.svg``: the same chart drawn for the dark scheme."""
    return path.removesuffix(".svg") + "-dark.svg"


def _draw_volume(ax, chart: Chart, ink: Ink = LIGHT) -> None:  # type: ignore[no-untyped-def]
    x = list(range(len(chart.categories)))
    bottom = [0.0] * len(x)
    for sev, vals in chart.series:
        _light, hatch = SEVERITY_STYLE.get(sev, ("#6b7280", ""))
        colour = _colour(sev, ink)
        ax.bar(x, vals, bottom=bottom, label=sev, color=colour, hatch=hatch, edgecolor=ink.edge, linewidth=0.6)
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    ax.set_xticks(x, chart.categories, rotation=45, ha="right")
    ax.set_ylabel("Incidents")
    top = max(bottom, default=0.0)
    ax.set_ylim(0, max(1.0, top) * 1.15)
    ax.yaxis.get_major_locator().set_params(integer=True)
    legend = ax.legend(title="Severity", frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                       labelcolor=ink.text)
    legend.get_title().set_color(ink.text)


_TICKS = ((60, "1 min"), (600, "10 min"), (3600, "1 h"), (6 * 3600, "6 h"), (86400, "1 d"), (7 * 86400, "7 d"))


def _log_y(ax, values: list[float]) -> None:  # type: ignore[no-untyped-def]
    from matplotlib.ticker import NullLocator

    lo = min(values, default=60.0)
    hi = max(values, default=86400.0)
    ax.set_yscale("log")
    ax.set_ylim(10 ** math.floor(math.log10(max(lo, 1.0))), 10 ** math.ceil(math.log10(max(hi, 10.0))))
    ticks = [(t, name) for t, name in _TICKS if ax.get_ylim()[0] <= t <= ax.get_ylim()[1]]
    if ticks:
        ax.set_yticks([t for t, _ in ticks], [name for _, name in ticks])
        ax.yaxis.set_minor_locator(NullLocator())


def _draw_trend(ax, chart: Chart, ink: Ink = LIGHT) -> None:  # type: ignore[no-untyped-def]
    all_values = [v for _, vs in chart.series for v in vs]
    last = len(chart.series) - 1
    for col, (_quarter, vals) in enumerate(chart.series):
        xs = [col + ((i % 7) - 3) * 0.05 for i in range(len(vals))]
        if col == last:  # the quarter still running: hollow, it is not complete
            ax.scatter(xs, vals, s=22, marker="o", facecolors="none", edgecolors=TREND_DOT[ink], linewidths=1.2)
        else:
            ax.scatter(xs, vals, s=22, marker="o", color=TREND_DOT[ink], alpha=0.85, linewidths=0)
        if len(vals) >= MIN_N_MEDIAN:
            mid = median(list(vals))
            ax.plot([col - 0.3, col + 0.3], [mid, mid], color=ink.text, linewidth=1.5)
    _log_y(ax, all_values)
    ax.set_xticks(range(len(chart.categories)), chart.categories, rotation=45, ha="right")
    ax.set_xlim(-0.6, len(chart.categories) - 0.4)
    ax.set_ylabel("Duration (log scale)")
    ax.set_xlabel(f"Horizontal line: median (where n >= {MIN_N_MEDIAN}); hollow: quarter to date")
    ax.grid(axis="y", color=ink.grid, linewidth=0.6)
    ax.set_axisbelow(True)


def _draw_durations(ax, chart: Chart, ink: Ink = LIGHT) -> None:  # type: ignore[no-untyped-def]
    labels = [s for s, _ in chart.series]
    all_values = [v for _, vs in chart.series for v in vs]
    for row, (sev, vals) in enumerate(chart.series):
        colour = _colour(sev, ink)
        # Deterministic spread instead of random jitter: same data, same picture.
        ys = [row + ((i % 5) - 2) * 0.06 for i in range(len(vals))]
        marker = {"SEV-1": "X", "SEV-2": "D", "SEV-3": "o", "SEV-4": "s"}.get(sev, "o")
        ax.scatter(vals, ys, s=22, color=colour, marker=marker, alpha=0.85, linewidths=0)
        if len(vals) >= MIN_N_MEDIAN:
            # Same rule as the tables: no median below n=10.
            mid = median(vals)
            ax.plot([mid, mid], [row - 0.3, row + 0.3], color=ink.text, linewidth=1.5)
    ax.set_xscale("log")
    lo = min(all_values, default=60.0)
    hi = max(all_values, default=86400.0)
    ax.set_xlim(10 ** math.floor(math.log10(max(lo, 1.0))), 10 ** math.ceil(math.log10(max(hi, 10.0))))
    ticks = [(t, name) for t, name in _TICKS if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    if ticks:
        ax.set_xticks([t for t, _ in ticks], [name for _, name in ticks])
        ax.minorticks_off()
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(-0.6, len(labels) - 0.4)
    ax.invert_yaxis()
    ax.set_xlabel(f"Duration (log scale); vertical line: median (where n >= {MIN_N_MEDIAN})")
    ax.grid(axis="x", color=ink.grid, linewidth=0.6)
    ax.set_axisbelow(True)


_DRAWN: dict[str, bytes] = {}
_DRAWN_MAX = 64


def draw(chart: Chart, ink: Ink = LIGHT) -> bytes:
    """The chart as SVG bytes (same chart, same bytes)."""
    # Drawing is the slow part of a preview's rebuild, and a chart whose data did not change
    # is the same picture: keep the last few (keyed by repr, so 2 and 2.0 stay different).
    key = repr((chart, ink))
    svg = _DRAWN.get(key)
    if svg is None:
        svg = _draw(chart, ink)
        if len(_DRAWN) >= _DRAWN_MAX:
            _DRAWN.pop(next(iter(_DRAWN)))
        _DRAWN[key] = svg
    return svg


def _draw(chart: Chart, ink: Ink) -> bytes:
    import matplotlib
    from matplotlib.figure import Figure

    rc = {**_RC, "text.color": ink.text, "axes.labelcolor": ink.text, "axes.edgecolor": ink.text,
          "xtick.color": ink.text, "ytick.color": ink.text}
    with matplotlib.rc_context(rc):
        # Transparent: the page's own background shows through, light or dark.
        fig = Figure(figsize=(7.2, 3.6), dpi=100, facecolor="none")
        ax = fig.add_subplot()
        ax.set_facecolor("none")
        ax.set_title(chart.title, loc="left", fontsize=11)
        if chart.kind == "volume":
            _draw_volume(ax, chart, ink)
        elif chart.kind == "trend":
            _draw_trend(ax, chart, ink)
        else:
            _draw_durations(ax, chart, ink)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "statuspress"})
    return buf.getvalue()


def render_charts(ctx: SiteContext) -> dict[str, bytes]:
    """Each chart twice: for the light scheme at its path, for the dark one at :func:`dark_path`."""
    out = {}
    for chart in chart_specs(ctx):
        out[chart.path] = draw(chart, LIGHT)
        out[dark_path(chart.path)] = draw(chart, DARK)
    return out
