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
    if incidents:
        quarters = quarter_sequence(quarter_key(incidents[0].started_at, tz), quarter_key(ctx.now, tz))
    counts = {(q, s): 0 for q in quarters for s in severities}
    for inc in incidents:
        counts[(quarter_key(inc.started_at, tz), inc.max_severity)] += 1
    series = tuple((s, tuple(float(counts[(q, s)]) for q in quarters)) for s in severities)
    rows = tuple(
        (q, *(str(counts[(q, s)]) for s in severities), str(sum(counts[(q, s)] for s in severities)))
        for q in quarters
    )
    total = len(incidents)
    busiest = max(quarters, key=lambda q: (sum(counts[(q, s)] for s in severities), q)) if quarters else None
    alt = (
        f"Stacked bar chart of incident volume per quarter by severity, {quarters[0]} to {quarters[-1]}: "
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
        categories=tuple(quarters),
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


def chart_specs(ctx: SiteContext) -> list[Chart]:
    return [volume_chart(ctx), duration_chart(ctx, "time_to_detect"), duration_chart(ctx, "time_to_resolve")]


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


def _draw_volume(ax, chart: Chart) -> None:  # type: ignore[no-untyped-def]
    x = list(range(len(chart.categories)))
    bottom = [0.0] * len(x)
    for sev, vals in chart.series:
        colour, hatch = SEVERITY_STYLE.get(sev, ("#6b7280", ""))
        ax.bar(x, vals, bottom=bottom, label=sev, color=colour, hatch=hatch, edgecolor="white", linewidth=0.6)
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    ax.set_xticks(x, chart.categories, rotation=45, ha="right")
    ax.set_ylabel("Incidents")
    top = max(bottom, default=0.0)
    ax.set_ylim(0, max(1.0, top) * 1.15)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(title="Severity", frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))


_TICKS = ((60, "1 min"), (600, "10 min"), (3600, "1 h"), (6 * 3600, "6 h"), (86400, "1 d"), (7 * 86400, "7 d"))


def _draw_durations(ax, chart: Chart) -> None:  # type: ignore[no-untyped-def]
    labels = [s for s, _ in chart.series]
    all_values = [v for _, vs in chart.series for v in vs]
    for row, (sev, vals) in enumerate(chart.series):
        colour, _hatch = SEVERITY_STYLE.get(sev, ("#6b7280", ""))
        # Deterministic spread instead of random jitter: same data, same picture.
        ys = [row + ((i % 5) - 2) * 0.06 for i in range(len(vals))]
        marker = {"SEV-1": "X", "SEV-2": "D", "SEV-3": "o", "SEV-4": "s"}.get(sev, "o")
        ax.scatter(vals, ys, s=22, color=colour, marker=marker, alpha=0.85, linewidths=0)
        if len(vals) >= MIN_N_MEDIAN:
            # Same rule as the tables: no median below n=10.
            mid = median(vals)
            ax.plot([mid, mid], [row - 0.3, row + 0.3], color="#111827", linewidth=1.5)
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
    ax.grid(axis="x", color="#e5e7eb", linewidth=0.6)
    ax.set_axisbelow(True)


_DRAWN: dict[str, bytes] = {}
_DRAWN_MAX = 64


def draw(chart: Chart) -> bytes:
    """The chart as SVG bytes (same chart, same bytes)."""
    # Drawing is the slow part of a preview's rebuild, and a chart whose data did not change
    # is the same picture: keep the last few (keyed by repr, so 2 and 2.0 stay different).
    key = repr(chart)
    svg = _DRAWN.get(key)
    if svg is None:
        svg = _draw(chart)
        if len(_DRAWN) >= _DRAWN_MAX:
            _DRAWN.pop(next(iter(_DRAWN)))
        _DRAWN[key] = svg
    return svg


def _draw(chart: Chart) -> bytes:
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(7.2, 3.6), dpi=100, facecolor="white")
        ax = fig.add_subplot()
        ax.set_title(chart.title, loc="left", fontsize=11)
        if chart.kind == "volume":
            _draw_volume(ax, chart)
        else:
            _draw_durations(ax, chart)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "statuspress"})
    return buf.getvalue()


def render_charts(ctx: SiteContext) -> dict[str, bytes]:
    return {chart.path: draw(chart) for chart in chart_specs(ctx)}
