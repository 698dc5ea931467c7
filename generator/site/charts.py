"""KPI charts, drawn at build time as static SVG files (no JavaScript, no plotting library).

Two halves:

- :func:`chart_specs` (pure): what each chart shows, its text alternative
  and the data table printed under it, so the numbers are readable without
  the picture.
- :func:`draw` / :func:`render_charts`: the SVG itself, written here as text. Three small
  charts do not need a plotting library (matplotlib, numpy and pillow were most of the
  install). Output is deterministic: coordinates are rounded to 0.1 px, element ids are
  indexes, never user text, and nothing depends on the clock or the machine. Text and axes
  use ``currentColor`` and the fills are CSS classes; each chart is written twice, for the
  light scheme at its path and for the dark one at :func:`dark_path`, and the page shows the
  one that matches the reader's scheme (Material's toggle included).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from generator import i18n
from generator.compute.display import format_seconds
from generator.compute.kpis import incident_observations
from generator.compute.localtime import quarter_key, quarter_sequence
from generator.compute.stats import MIN_N_MEDIAN, Observation, median_estimate
from generator.i18n import N_, _, pgettext
from generator.model import Incident, severity_rank
from generator.site.visibility import SiteContext

# Colour (light scheme, dark scheme) plus pattern and marker per severity: readable in
# greyscale and for colour-blind readers, not by colour alone.
SEVERITY_STYLE = {
    "SEV-1": ("#b91c1c", "#f87171", "cross", "x"),
    "SEV-2": ("#c2410c", "#fb923c", "diagonal", "diamond"),
    "SEV-3": ("#1d4ed8", "#60a5fa", "dots", "circle"),
    "SEV-4": ("#4b5563", "#9ca3af", "", "square"),
}
_OTHER_STYLE = ("#6b7280", "#9ca3af", "", "circle")


@dataclass(frozen=True)
class Chart:
    """One chart: where it goes, what it says in words, and its data as a table."""

    path: str
    title: str
    alt: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    kind: str  # "volume" | "durations" | "trend"
    series: tuple[tuple[str, tuple[float, ...]], ...]  # (label, values) for drawing
    categories: tuple[str, ...] = ()
    # Per series: its median (value, "at least"?) where n >= MIN_N_MEDIAN, counting still-open
    # incidents as the KPI tables do (Kaplan-Meier); None: no median line.
    medians: tuple[tuple[float, bool] | None, ...] = ()


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
        (quarter_label(q, current), *(i18n.format_number(counts[(q, s)]) for s in severities),
         i18n.format_number(sum(counts[(q, s)] for s in severities)))
        for q in quarters
    )
    total = len(incidents)
    busiest = max(quarters, key=lambda q: (sum(counts[(q, s)] for s in severities), q)) if quarters else None
    alt = (
        _("Stacked bar chart of incident volume per quarter by severity, %(first)s to %(last)s (%(to_date)s): "
          "%(total)d incidents in total; the busiest quarter was %(busiest)s with %(most)d. The table below lists "
          "every value.") % {"first": quarters[0], "last": quarters[-1], "to_date": _(TO_DATE), "total": total,
                             "busiest": busiest, "most": sum(counts[(busiest, s)] for s in severities)}
        if quarters and busiest else _("No incidents yet.")
    )
    return Chart(
        path="kpis/volume-by-quarter.svg",
        title=_("Incidents per quarter, by severity"),
        alt=alt,
        columns=(_("Quarter"), *severities, _("Total")),
        rows=rows,
        kind="volume",
        series=series,
        categories=tuple(quarter_label(q, current) for q in quarters),
    )


def _median_line(obs: list[Observation]) -> tuple[float, bool] | None:
    """The KPI tables' median (open incidents censored at now) where n allows one; the log axis starts at 1 s."""
    if len(obs) < MIN_N_MEDIAN:
        return None
    value, bound = median_estimate(obs)
    return max(value, 1.0), bound


def _median_text(median: tuple[float, bool]) -> str:
    return _("at least %(value)s") % {"value": format_seconds(median[0])} if median[1] else format_seconds(median[0])


def _count_text(obs: list[Observation]) -> str:
    """``7`` or ``7 (2 still open)``: the n of the KPI tables; open incidents are not drawn as dots."""
    still_open = sum(1 for _value, ended in obs if not ended)
    if not still_open:
        return i18n.format_number(len(obs))
    return _("%(num)d (%(open)d still open)") % {"num": len(obs), "open": still_open}


def _open_note(still_open: int) -> str:
    """`` (2 still open, not drawn; counted in the medians)`` inside a chart's description, or nothing."""
    if not still_open:
        return ""
    return " " + _("(%(open)d still open, not drawn; counted in the medians)") % {"open": still_open}


def duration_chart(ctx: SiteContext, metric: str) -> Chart:
    incidents = _visible_incidents(ctx)
    severities = _severities(ctx, incidents)
    values: dict[str, list[float]] = {s: [] for s in severities}
    observed: dict[str, list[Observation]] = {s: [] for s in severities}
    for inc in incidents:
        o = incident_observations(inc, ctx.now)[metric]
        if o is None:
            continue
        observed[inc.max_severity].append(o)
        if o[1]:
            values[inc.max_severity].append(max(o[0], 1.0))  # log scale: zero-length shows as 1 s
    for s in values:
        values[s].sort()
    rows = tuple(
        (s, _count_text(observed[s]), format_seconds(vs[0]) if vs else "-", format_seconds(vs[-1]) if vs else "-")
        for s, vs in values.items()
    )
    n = sum(len(v) for v in values.values())
    still_open = sum(1 for obs in observed.values() for _value, ended in obs if not ended)
    words = _CHART_WORDS[metric]()
    alt = _("Dot plot of %(metric)s per incident on a logarithmic time axis, one row per severity, %(n)d incidents"
            "%(open)s. The table below gives the count and range per severity.") % {
        "metric": words["in_sentence"], "n": n, "open": _open_note(still_open)}
    return Chart(
        path=f"kpis/{metric.replace('_', '-')}.svg",
        title=words["per_incident"],
        alt=alt,
        columns=(_("Severity"), _("Incidents"), _("Shortest"), _("Longest")),
        rows=rows,
        kind="durations",
        series=tuple((s, tuple(vs)) for s, vs in values.items()),
        medians=tuple(_median_line(observed[s]) for s in values),
    )


TO_DATE = N_("to date")

# Each chart's own words about its measure, whole (so a language need not splice "time to resolve" in).
_CHART_WORDS = {
    "time_to_detect": lambda: {"in_sentence": pgettext("chart", "time to detect"),
                               "per_incident": _("Time to detect per incident (log scale)"),
                               "by_quarter": _("Time to detect by quarter (log scale)")},
    "time_to_resolve": lambda: {"in_sentence": pgettext("chart", "time to resolve"),
                                "per_incident": _("Time to resolve per incident (log scale)"),
                                "by_quarter": _("Time to resolve by quarter (log scale)")},
}


def quarter_label(quarter: str, current: str) -> str:
    """``2026-Q4 (to date)`` for the quarter still running: it is not a complete one."""
    return _("%(quarter)s (to date)") % {"quarter": quarter} if quarter == current else quarter


def trend_chart(ctx: SiteContext, metric: str = "time_to_resolve") -> Chart:
    """Every incident's duration per quarter (log scale), the median where a quarter has enough incidents."""
    tz = ctx.model.config.site.timezone
    incidents = _visible_incidents(ctx)
    current = quarter_key(ctx.now, tz)
    quarters: list[str] = quarter_sequence(quarter_key(incidents[0].started_at, tz), current) if incidents else []
    values: dict[str, list[float]] = {q: [] for q in quarters}
    observed: dict[str, list[Observation]] = {q: [] for q in quarters}
    for inc in incidents:
        o = incident_observations(inc, ctx.now)[metric]
        if o is None:
            continue
        key = quarter_key(inc.started_at, tz)
        observed[key].append(o)
        if o[1]:
            values[key].append(max(o[0], 1.0))
    for q in values:
        values[q].sort()
    medians = {q: _median_line(obs) for q, obs in observed.items()}
    words = _CHART_WORDS[metric]()
    rows = tuple(
        (quarter_label(q, current), _count_text(observed[q]),
         _median_text(m) if (m := medians[q]) is not None
         else _("not enough data (n=%(n)d)") % {"n": len(observed[q])},
         format_seconds(vs[0]) if vs else "-", format_seconds(vs[-1]) if vs else "-")
        for q, vs in values.items())
    with_median = [q for q, m in medians.items() if m is not None]
    still_open = sum(1 for obs in observed.values() for _, ended in obs if not ended)
    alt = (
        _("Dot plot of %(metric)s per incident by quarter on a logarithmic time axis, %(first)s to %(last)s "
          "(%(to_date)s), %(n)d incidents%(open)s; %(medians)s. The table below gives the count, median and range "
          "per quarter.") % {
            "metric": words["in_sentence"], "first": quarters[0], "last": quarters[-1], "to_date": _(TO_DATE),
            "n": sum(len(v) for v in values.values()), "open": _open_note(still_open),
            "medians": (_("medians drawn for %(quarters)s") % {"quarters": _(", ").join(with_median)} if with_median
                        else _("no quarter has the %(min_n)d incidents a median needs") % {"min_n": MIN_N_MEDIAN})}
        if quarters else _("No incidents yet.")
    )
    return Chart(
        path=f"kpis/{metric.replace('_', '-')}-by-quarter.svg",
        title=words["by_quarter"],
        alt=alt,
        columns=(_("Quarter"), _("Incidents"), _("Median"), _("Shortest"), _("Longest")),
        rows=rows,
        kind="trend",
        series=tuple((q, tuple(vs)) for q, vs in values.items()),
        categories=tuple(quarter_label(q, current) for q in quarters),
        medians=tuple(medians[q] for q in values),
    )


def chart_specs(ctx: SiteContext) -> list[Chart]:
    return [trend_chart(ctx), volume_chart(ctx), duration_chart(ctx, "time_to_detect"),
            duration_chart(ctx, "time_to_resolve")]


# ---------------------------------------------------------------- drawing

WIDTH, HEIGHT = 720, 360
_FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'DejaVu Sans', Helvetica, Arial, sans-serif"
# Horizontal ticks of the duration axis, where they fall inside its range.
_TICKS = (
    (1, N_("1 s")), (10, N_("10 s")), (60, N_("1 min")), (600, N_("10 min")), (3600, N_("1 h")), (6 * 3600, N_("6 h")),
    (86400, N_("1 d")), (7 * 86400, N_("7 d")), (30 * 86400, N_("30 d")), (365 * 86400, N_("1 y")),
)


def _n(value: float) -> str:
    """A coordinate as short, stable text: 0.1 px is finer than any screen needs."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _style(severity: str) -> tuple[str, str, str, str]:
    return SEVERITY_STYLE.get(severity, _OTHER_STYLE)


@dataclass(frozen=True)
class Scheme:
    """The colours of one colour scheme: text and axes, background, and which severity colour."""

    suffix: str  # "" for light, "-dark" for dark (the file name's ending)
    ink: str
    background: str
    severity_index: int  # 0: SEVERITY_STYLE's light colour, 1: its dark one
    dot: str  # the trend chart's marks


LIGHT = Scheme("", "#1f2937", "#ffffff", 0, "#1d4ed8")
# Marks at least 3:1 against Material's slate background.
DARK = Scheme("-dark", "#e5e7eb", "#1e2129", 1, "#93c5fd")
SCHEMES = (LIGHT, DARK)


def dark_path(path: str) -> str:
    """``kpis/x.svg`` -> ``kpis/x-dark.svg``: the same chart drawn for the dark scheme."""
    return path.removesuffix(".svg") + DARK.suffix + ".svg"


def _stylesheet(severities: list[str], scheme: Scheme) -> str:
    fills = [f".sp-s{i}{{fill:{_style(s)[scheme.severity_index]}}}" for i, s in enumerate(severities)]
    return (
        "<style>"
        f".sp-chart-svg{{color:{scheme.ink}}}.sp-bg{{fill:{scheme.background}}}"
        ".sp-grid{stroke:currentColor;stroke-opacity:.16}"
        ".sp-chart-svg text{fill:currentColor}.sp-ink{stroke:currentColor;fill:none}"
        f".sp-hatch{{stroke:{scheme.background}}}.sp-dot{{fill:{scheme.dot}}}"
        f".sp-dot--open{{fill:none;stroke:{scheme.dot};stroke-width:1.2}}" + "".join(fills) +
        "</style>"
    )


def _pattern(pid: str, index: int, kind: str) -> str:
    """A fill pattern over the severity's colour (SEV-4 stays plain)."""
    marks = {
        "cross": '<path class="sp-hatch" d="M0 0L6 6M6 0L0 6" stroke-width="0.9"/>',
        "diagonal": '<path class="sp-hatch" d="M0 6L6 0M-1 1L1 -1M5 7L7 5" stroke-width="0.9"/>',
        "dots": '<circle class="sp-hatch sp-bg" cx="3" cy="3" r="0.9" stroke-width="0"/>',
    }
    return (
        f'<pattern id="{pid}-p{index}" patternUnits="userSpaceOnUse" width="6" height="6">'
        f'<rect class="sp-s{index}" width="6" height="6"/>{marks.get(kind, "")}</pattern>'
    )


def _marker(pid: str, index: int, kind: str) -> str:
    """A data point's shape, drawn once and placed with <use>."""
    shapes = {
        "x": "M-3.5 -2.1L-2.1 -3.5L0 -1.4L2.1 -3.5L3.5 -2.1L1.4 0L3.5 2.1L2.1 3.5L0 1.4L-2.1 3.5L-3.5 2.1L-1.4 0Z",
        "diamond": "M0 -3.8L3.8 0L0 3.8L-3.8 0Z",
        "square": "M-3 -3H3V3H-3Z",
    }
    if kind in shapes:
        return f'<path id="{pid}-m{index}" class="sp-s{index}" fill-opacity="0.85" d="{shapes[kind]}"/>'
    return f'<circle id="{pid}-m{index}" class="sp-s{index}" fill-opacity="0.85" r="3.3"/>'


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def _nice_step(top: float, most: int = 6) -> int:
    """The smallest 1/2/5 x 10^k integer step that needs at most ``most`` ticks to reach ``top``."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if math.ceil(top / (step * factor)) <= most:
                return step * factor
        step *= 10


def _ids(chart: Chart) -> str:
    """Element ids for one chart, from its fixed file name (never user text), so two charts
    inlined in one page would not share ids."""
    return chart.path.rsplit("/", 1)[-1].removesuffix(".svg")


def _frame(chart: Chart, severities: list[str], defs: list[str], body: list[str], scheme: Scheme) -> bytes:
    pid = _ids(chart)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sp-chart-svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{pid}-title {pid}-desc" '
        f"font-family={quoteattr(_FONT)} font-size=\"11\">",
        f'<title id="{pid}-title">{escape(chart.title)}</title>',
        f'<desc id="{pid}-desc">{escape(chart.alt)}</desc>',
        _stylesheet(severities, scheme),
        f"<defs>{''.join(defs)}</defs>" if defs else "",
        f'<rect class="sp-bg" width="{WIDTH}" height="{HEIGHT}"/>',
        _text(12, 22, chart.title, extra=' font-size="14" font-weight="600"'),
        *body,
        "</svg>",
    ]
    return ("\n".join(p for p in parts if p) + "\n").encode("utf-8")


def _draw_volume(chart: Chart, scheme: Scheme) -> bytes:
    severities = [s for s, _ in chart.series]
    quarters = chart.categories
    left, right, top, bottom = 56.0, WIDTH - 118.0, 40.0, HEIGHT - 66.0
    totals = [sum(vals[i] for _, vals in chart.series) for i in range(len(quarters))]
    step = _nice_step(max(max(totals, default=0.0) * 1.1, 1.0))
    ymax = step * max(1, math.ceil(max(totals, default=0.0) * 1.1 / step))

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * value / ymax

    pid = _ids(chart)
    defs = [_pattern(pid, i, _style(s)[2]) for i, s in enumerate(severities)]
    body: list[str] = []
    for tick in range(0, ymax + 1, step):  # horizontal grid and y ticks
        y = y_of(tick)
        body.append(f'<path class="sp-grid" d="M{_n(left)} {_n(y)}H{_n(right)}"/>')
        body.append(_text(left - 6, y + 4, str(tick), "end"))
    body.append(_text(16, (top + bottom) / 2, _("Incidents"), "middle",
                      f' transform="rotate(-90 16 {_n((top + bottom) / 2)})"'))
    if not quarters:
        body.append(_text((left + right) / 2, (top + bottom) / 2, _("No incidents yet"), "middle"))
    slot = (right - left) / max(len(quarters), 1)
    bar = slot * 0.72
    label_every = math.ceil(len(quarters) / 36) or 1  # keep rotated labels from overlapping
    for qi, quarter in enumerate(quarters):
        x = left + slot * qi + (slot - bar) / 2
        base = 0.0
        for si, (severity, vals) in enumerate(chart.series):
            value = vals[qi]
            if value > 0:
                y0, y1 = y_of(base + value), y_of(base)
                body.append(
                    f'<rect x="{_n(x)}" y="{_n(y0)}" width="{_n(bar)}" height="{_n(y1 - y0)}" fill="url(#{pid}-p{si})">'
                    f"<title>{escape(f'{quarter}, {severity}: {value:g}')}</title></rect>"
                )
            base += value
        cx = x + bar / 2
        body.append(f'<path class="sp-ink" d="M{_n(cx)} {_n(bottom)}V{_n(bottom + 4)}"/>')
        if qi % label_every == 0:
            body.append(_text(cx + 3, bottom + 14, quarter, "end",
                              f' transform="rotate(-45 {_n(cx + 3)} {_n(bottom + 14)})"'))
    body.append(f'<path class="sp-ink" d="M{_n(left)} {_n(top)}V{_n(bottom)}H{_n(right)}"/>')
    # Legend, top to bottom in the stacking order's reverse (the top segment first).
    lx = right + 18
    body.append(_text(lx, top + 4, _("Severity"), extra=' font-weight="600"'))
    for row, si in enumerate(reversed(range(len(severities)))):
        y = top + 16 + row * 20
        body.append(f'<rect x="{_n(lx)}" y="{_n(y)}" width="14" height="14" fill="url(#{pid}-p{si})"/>')
        body.append(_text(lx + 20, y + 11, severities[si]))
    return _frame(chart, severities, defs, body, scheme)


def _log_axis(values: list[float]) -> tuple[int, int, list[tuple[float, str]]]:
    """Decades spanned by the values (at least one) and the named ticks inside them."""
    lo_exp = math.floor(math.log10(max(min(values, default=60.0), 1.0)))
    hi_exp = max(math.ceil(math.log10(max(max(values, default=86400.0), 10.0))), lo_exp + 1)
    ticks: list[tuple[float, str]] = [(t, _(name)) for t, name in _TICKS if 10**lo_exp <= t <= 10**hi_exp]
    if len(ticks) < 2:  # a narrow range: label the decades instead
        ticks = [(10**e, format_seconds(10**e)) for e in range(lo_exp, hi_exp + 1)]
    return lo_exp, hi_exp, ticks


def _share(seconds: float, lo_exp: int, hi_exp: int) -> float:
    return (math.log10(max(seconds, 1.0)) - lo_exp) / (hi_exp - lo_exp)


def _draw_durations(chart: Chart, scheme: Scheme) -> bytes:
    severities = [s for s, _ in chart.series]
    values = [v for _, vs in chart.series for v in vs] + [m[0] for m in chart.medians if m is not None]
    left, right, top, bottom = 64.0, WIDTH - 24.0, 40.0, HEIGHT - 52.0
    lo_exp, hi_exp, ticks = _log_axis(values)

    def x_of(seconds: float) -> float:
        return left + (right - left) * _share(seconds, lo_exp, hi_exp)

    rows = max(len(severities), 1)
    row_height = (bottom - top) / rows
    pid = _ids(chart)
    defs = [_marker(pid, i, _style(s)[3]) for i, s in enumerate(severities)]
    body: list[str] = []
    for seconds, name in ticks:
        x = x_of(seconds)
        body.append(f'<path class="sp-grid" d="M{_n(x)} {_n(top)}V{_n(bottom)}"/>')
        body.append(f'<path class="sp-ink" d="M{_n(x)} {_n(bottom)}V{_n(bottom + 4)}"/>')
        body.append(_text(x, bottom + 16, name, "middle"))
    body.append(_text((left + right) / 2, HEIGHT - 12,
                      _("Duration (log scale); vertical line: median (where n >= %(min_n)d)") % {"min_n": MIN_N_MEDIAN},
                      "middle"))
    for si, (severity, vals) in enumerate(chart.series):
        centre = top + row_height * (si + 0.5)
        body.append(f'<path class="sp-ink" d="M{_n(left - 4)} {_n(centre)}H{_n(left)}"/>')
        body.append(_text(left - 8, centre + 4, severity, "end"))
        spread = min(row_height * 0.12, 8.0)
        for i, value in enumerate(vals):
            # Deterministic spread instead of random jitter: same data, same picture.
            y = centre + ((i % 5) - 2) * spread
            body.append(f'<use href="#{pid}-m{si}" x="{_n(x_of(value))}" y="{_n(y)}"/>')
        line = _series_median(chart, si, vals)
        if line is not None:
            # Same rule and figure as the tables: no median below n=10, open incidents counted.
            mid = x_of(line[0])
            half = row_height * 0.3
            body.append(f'<path class="sp-ink" stroke-width="2" d="M{_n(mid)} {_n(centre - half)}V{_n(centre + half)}">'
                        f"<title>{escape(_('%(group)s: median %(median)s') % {'group': severity, 'median': _median_text(line)})}</title></path>")
    if not values:
        body.append(_text((left + right) / 2, (top + bottom) / 2, _("No incidents with this measure yet"), "middle"))
    body.append(f'<path class="sp-ink" d="M{_n(left)} {_n(top)}V{_n(bottom)}H{_n(right)}"/>')
    return _frame(chart, severities, defs, body, scheme)


def _series_median(chart: Chart, index: int, vals: tuple[float, ...]) -> tuple[float, bool] | None:
    """The median line of one series: the chart's own (open incidents counted) or, without one, its dots'."""
    if chart.medians:
        return chart.medians[index]
    return _median_line([(v, True) for v in vals])


def _draw_trend(chart: Chart, scheme: Scheme) -> bytes:
    """One column of dots per quarter on a logarithmic duration axis; the running quarter's dots hollow."""
    values = [v for _, vs in chart.series for v in vs] + [m[0] for m in chart.medians if m is not None]
    quarters = chart.categories
    left, right, top, bottom = 64.0, WIDTH - 24.0, 40.0, HEIGHT - 80.0
    lo_exp, hi_exp, ticks = _log_axis(values)

    def y_of(seconds: float) -> float:
        return bottom - (bottom - top) * _share(seconds, lo_exp, hi_exp)

    body: list[str] = []
    for seconds, name in ticks:
        y = y_of(seconds)
        body.append(f'<path class="sp-grid" d="M{_n(left)} {_n(y)}H{_n(right)}"/>')
        body.append(_text(left - 6, y + 4, name, "end"))
    body.append(_text((left + right) / 2, HEIGHT - 10,
                      _("Horizontal line: median (where n >= %(min_n)d); hollow: quarter to date")
                      % {"min_n": MIN_N_MEDIAN}, "middle"))
    slot = (right - left) / max(len(quarters), 1)
    label_every = math.ceil(len(quarters) / 36) or 1
    last = len(chart.series) - 1
    for qi, (_quarter, vals) in enumerate(chart.series):
        cx = left + slot * (qi + 0.5)
        spread = min(slot * 0.08, 4.0)
        css = "sp-dot sp-dot--open" if qi == last else "sp-dot"
        for i, value in enumerate(vals):
            # Deterministic spread instead of random jitter: same data, same picture.
            body.append(f'<circle class="{css}" cx="{_n(cx + ((i % 7) - 3) * spread)}" cy="{_n(y_of(value))}" r="3"/>')
        line = _series_median(chart, qi, vals)
        if line is not None:
            half = min(slot * 0.3, 18.0)
            body.append(f'<path class="sp-ink" stroke-width="2" d="M{_n(cx - half)} {_n(y_of(line[0]))}H{_n(cx + half)}">'
                        f"<title>{escape(_('%(group)s: median %(median)s') % {'group': quarters[qi], 'median': _median_text(line)})}</title></path>")
        body.append(f'<path class="sp-ink" d="M{_n(cx)} {_n(bottom)}V{_n(bottom + 4)}"/>')
        if qi % label_every == 0:
            body.append(_text(cx + 3, bottom + 14, quarters[qi], "end",
                              f' transform="rotate(-45 {_n(cx + 3)} {_n(bottom + 14)})"'))
    if not values:
        body.append(_text((left + right) / 2, (top + bottom) / 2, _("No incidents with this measure yet"), "middle"))
    body.append(f'<path class="sp-ink" d="M{_n(left)} {_n(top)}V{_n(bottom)}H{_n(right)}"/>')
    return _frame(chart, [], [], body, scheme)


def draw(chart: Chart, scheme: Scheme = LIGHT) -> bytes:
    """The chart as SVG bytes for one colour scheme (same chart, same bytes)."""
    if chart.kind == "volume":
        return _draw_volume(chart, scheme)
    if chart.kind == "trend":
        return _draw_trend(chart, scheme)
    return _draw_durations(chart, scheme)


def render_charts(ctx: SiteContext) -> dict[str, bytes]:
    """Each chart twice: for the light scheme at its path, for the dark one at :func:`dark_path`."""
    out = {}
    for chart in chart_specs(ctx):
        out[chart.path] = draw(chart, LIGHT)
        out[dark_path(chart.path)] = draw(chart, DARK)
    return out
