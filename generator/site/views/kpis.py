"""The KPI page: medians and 90th percentiles with n and intervals, charts, response targets, post-mortems."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from generator.compute.display import (
    format_interval,
    format_mean,
    format_seconds,
    format_share,
    format_stat,
    is_lower_bound,
    is_shown,
)
from generator.compute.kpis import compute_kpis
from generator.compute.localtime import quarter_key
from generator.site import urls
from generator.site.charts import Chart, chart_specs, dark_path, quarter_label
from generator.site.views.shared import Cell, Facts, PageInfo, Table, Time, rel, time_of
from generator.site.visibility import SiteContext
from generator.words import category_label

if TYPE_CHECKING:
    from generator.site.views.drills import DrillKpis

METRICS = (
    ("time_to_detect", "Time to detect", "detected - started"),
    ("time_to_acknowledge", "Time to acknowledge", "acknowledged - detected"),
    ("time_to_mitigate", "Time to mitigate", "impact ended - started"),
    ("time_to_resolve", "Time to resolve", "resolved - detected"),
)
GROUPS = (
    ("severity", "By severity", "Severity"),
    ("service", "By service", "Service"),
    ("category", "By category", "Category"),
    ("quarter", "By quarter", "Quarter"),
)


def sample_text(stat: dict) -> str:
    """``n=35`` or, with open incidents in a Kaplan-Meier figure, ``n=35, 2 still open: Kaplan-Meier``."""
    n = int(stat.get("n", 0))
    censored = int(stat.get("censored", 0))
    if censored:
        return f"n={n}, {censored} still open: Kaplan-Meier"
    return f"n={n}"


def stat_cell(stat: dict, which: str = "median") -> Cell:
    """A median or p90 ("at least X" where open incidents hold it) with n and interval, or "not enough data (n=k)"."""
    text = format_stat(stat, which)
    if not is_shown(stat, which):
        return Cell(text, nodata=True)
    interval = format_interval(stat, "ci95" if which == "median" else "p90_ci95")
    return Cell(text, f"({sample_text(stat)}; 95% interval {interval})")


def mean_cell(stat: dict) -> Cell:
    if not stat.get("n"):
        return Cell("no data (n=0)", nodata=True)
    return Cell(format_mean(stat), f"({sample_text(stat)})")


@dataclass(frozen=True)
class ChartView:
    title: str
    src: str  # relative to the page
    src_dark: str  # the same chart drawn for the dark scheme
    alt: str
    data: Table


@dataclass(frozen=True)
class Tile:
    """A headline figure: the median, its sample size and interval, or "not enough data"."""

    label: str  # "Time to resolve"
    value: str  # "1 h 39 min" | "not enough data"
    note: str  # "median of 33 incidents; 95% interval 1 h 29 min to 2 h 10 min" | "n=3, a median needs 10"
    nodata: bool = False


def tile(label: str, stat: dict, min_n: int) -> Tile:
    n = int(stat.get("n", 0))
    if not is_shown(stat, "median"):
        return Tile(label, "not enough data", f"n={n}; a median needs {min_n}", nodata=True)
    value = format_seconds(stat["median"])
    censored = int(stat.get("censored", 0))
    opened = f" ({censored} still open: Kaplan-Meier)" if censored else ""
    return Tile(label, f"at least {value}" if is_lower_bound(stat, "median") else value,
                f"median of {n} incidents{opened}; 95% interval {format_interval(stat, 'ci95')}")


def collapsed(table: Table, sentence: str) -> Table:
    """A table whose every figure lacks data says so in one sentence instead of rows of "not enough data"."""
    cells = [c for row in table.rows for c in row[1:] if c.nodata or c.note]
    if cells and all(c.nodata for c in cells):
        return replace(table, rows=(), empty=sentence)
    return table


@dataclass(frozen=True)
class GroupView:
    anchor: str
    title: str
    medians: Table
    p90s: Table
    p90s_summary: str
    means: Table
    means_summary: str


@dataclass(frozen=True)
class KpisView:
    page: PageInfo
    internal_only: bool  # publish.kpis is internal: the page says so
    open_counted: int  # incidents still open, counted as censored at now in the Kaplan-Meier figures (0: none)
    at_least: bool  # some figure is only "at least": the page explains it
    volume: int
    now: Time
    median_min_n: int
    p90_min_n: int
    tiles: tuple[Tile, ...]  # median time to detect, acknowledge, mitigate, resolve
    overall: Table
    overall_means: Table
    charts: tuple[ChartView, ...]
    groups: tuple[GroupView, ...]
    change_note: str  # "" when there are no quarter-on-quarter changes
    changes: Table | None
    response_targets: Table
    customer_reported: str  # "12% (3 of 25 incidents)"
    postmortems: Table
    action_items: Table
    drills: DrillKpis | None = None  # internal builds only


def _group_key_label(ctx: SiteContext, group: str, key: str) -> str:
    if group == "severity":
        return ctx.severity_text(key)
    if group == "service":
        return ctx.service_name(key)
    if group == "quarter":
        return quarter_label(key, quarter_key(ctx.now, ctx.model.config.site.timezone))
    if group == "category":
        return category_label(key)
    return key


def _figures(k: dict) -> list[dict]:
    """Every duration figure of the KPI document: overall and each group's."""
    figs = [k["overall"]] + [fig for group, _, _ in GROUPS for fig in k.get(group, {}).values()]
    return [fig[metric] for fig in figs for metric, _, _ in METRICS]


def _open_counted(k: dict) -> int:
    """How many incidents are still open when some figure counts them as censored (else 0)."""
    if any(int(k["overall"][metric].get("censored", 0)) for metric, _, _ in METRICS):
        return int(k["overall"]["open"])
    return 0


def _any_at_least(k: dict) -> bool:
    """Whether a figure the page shows (a median, p90 or an end of their interval) is only "at least"."""
    def held(stat: dict, which: str, interval: str) -> bool:
        ends = stat.get("lower_bound", {}).get(interval) or ()
        return is_shown(stat, which) and (is_lower_bound(stat, which) or any(ends))

    return any(held(s, "median", "ci95") or held(s, "p90", "p90_ci95") for s in _figures(k)) or any(
        c.get("lower_bound_from") or c.get("lower_bound_to") for c in k.get("changes", []))


def chart_view(chart: Chart, page_url: str) -> ChartView:
    return ChartView(chart.title, rel(page_url, chart.path), rel(page_url, dark_path(chart.path)), chart.alt, Table(
        f"Data for: {chart.title}", tuple(chart.columns), tuple(tuple(Cell(c) for c in row) for row in chart.rows)))


def kpis_view(facts: Facts) -> KpisView:
    ctx = facts.ctx
    url = urls.kpis_url()
    k = compute_kpis(ctx.model, ctx.now)
    internal_only = ctx.model.config.publish_kpis != "public"
    method = k.get("method", {})
    names = tuple(label for _, label, _ in METRICS)

    unknown = {metric: int(k["overall"][metric].get("unknown", 0)) for metric, _, _ in METRICS}
    if any(unknown.values()):
        # Imported history: incidents whose time is declared unknown are left out, and counted here.
        overall = Table("Overall KPIs", ("Measure", "Median", "90th percentile", "Left out: time unknown"), tuple(
            (Cell(label, how, below=True), stat_cell(k["overall"][metric]), stat_cell(k["overall"][metric], "p90"),
             Cell(f"unknown: {unknown.get(metric, 0)}"))
            for metric, label, how in METRICS))
    else:
        overall = Table("Overall KPIs", ("Measure", "Median", "90th percentile"), tuple(
            (Cell(label, how, below=True), stat_cell(k["overall"][metric]), stat_cell(k["overall"][metric], "p90"))
            for metric, label, how in METRICS))
    overall_means = Table("Overall means", ("Measure", "Mean"), tuple(
        (Cell(label), mean_cell(k["overall"][metric])) for metric, label, _ in METRICS))

    groups = []
    for group, title, head in GROUPS:
        figures = k.get(group, {})
        if not figures:
            continue
        med, p90, mean = [], [], []
        for key, fig in figures.items():
            name = Cell(_group_key_label(ctx, group, key))
            med.append((name, Cell(str(fig["volume"])), *(stat_cell(fig[m]) for m, _, _ in METRICS)))
            p90.append((name, *(stat_cell(fig[m], "p90") for m, _, _ in METRICS)))
            mean.append((name, *(mean_cell(fig[m]) for m, _, _ in METRICS)))
        lower = title.lower()
        few = (f"Not enough data {lower} yet: no {head.lower()} has the "
               f"{int(method.get('median_min_n', 10))} incidents a median needs")
        groups.append(GroupView(
            anchor=f"by-{group}", title=title,
            medians=collapsed(Table(f"Medians {lower}", (head, "Incidents", *names), tuple(med), "sp-table--kpi"),
                              f"{few} (incidents per {head.lower()}: "
                              + ", ".join(f"{row[0].text} {row[1].text}" for row in med) + ")."),
            p90s=collapsed(Table(f"90th percentiles {lower}", (head, *names), tuple(p90), "sp-table--kpi"),
                           f"Not enough data {lower} yet: a 90th percentile needs "
                           f"{int(method.get('p90_min_n', 30))} incidents."),
            p90s_summary=f"90th percentiles {lower}",
            means=Table(f"Means {lower}", (head, *names), tuple(mean), "sp-table--kpi"),
            means_summary=f"Means {lower} (outlier-sensitive)",
        ))

    changes = k.get("changes", [])
    change_table = None
    change_note = ""
    if changes:
        change_note = (
            f"A change is called better or worse only when the {method.get('change_test', 'rank test')} "
            f"finds it at the {format(float(method.get('alpha', 0.05)) * 100, 'g')}% level; otherwise it is "
            "noise as far as the data can tell.")
        by_metric = {m: label for m, label, _ in METRICS}
        rows = []
        def change_median(c: dict, side: str) -> str:
            value = c.get(f"median_{side}")
            if value is None:
                return f"n={c[f'n_{side}']}"
            return ("at least " if c.get(f"lower_bound_{side}") else "") + format_seconds(value)

        for c in changes:
            med_from, med_to = change_median(c, "from"), change_median(c, "to")
            verdict = Cell(c["verdict"], f"(p={c['p_value']:.3f})" if c.get("p_value") is not None else "")
            rows.append((Cell(f"{c['from']} to {c['to']}"), Cell(by_metric.get(c["metric"], c["metric"])),
                         Cell(med_from), Cell(med_to), verdict))
        change_table = Table("Quarter on quarter", ("Quarters", "Measure", "Median before", "Median after", "Verdict"),
                             tuple(rows))

    response = k.get("response_targets", {})
    if any(r.get("unknown") for r in response.values()):
        targets = Table("Response targets", ("Severity", "Target (acknowledge)", "Met", "Missed", "Pending",
                                             "Unknown", "Share met"), tuple(
            (Cell(ctx.severity_text(sev)), Cell(r["target"] or "none"), Cell(str(r["met"])), Cell(str(r["missed"])),
             Cell(str(r["pending"])), Cell(str(r["unknown"])), Cell(format_share(r["share_met"]), f"(n={int(r['n'])})"))
            for sev, r in response.items()))
    else:
        targets = Table("Response targets", ("Severity", "Target (acknowledge)", "Met", "Missed", "Pending",
                                             "Share met"), tuple(
            (Cell(ctx.severity_text(sev)), Cell(r["target"] or "none"), Cell(str(r["met"])), Cell(str(r["missed"])),
             Cell(str(r["pending"])), Cell(format_share(r["share_met"]), f"(n={int(r['n'])})"))
            for sev, r in response.items()))
    cust = k["overall"]["customer_reported"]
    pm = k.get("postmortems", {})
    ai = k.get("action_items", {})

    def figures_table(label: str, head: tuple[str, str], rows: list[tuple[str, Cell]]) -> Table:
        return Table(label, head, tuple((Cell(name), cell) for name, cell in rows))

    from generator.site.views.drills import drill_kpis  # it builds on this module's cells

    return KpisView(
        drills=drill_kpis(facts, k) if ctx.internal else None,
        page=PageInfo(url, "Incident KPIs", labels=("Internal",) if internal_only else (), feeds=facts.feeds,
                      description="Incident KPIs: time to detect, acknowledge, mitigate and resolve, with sample sizes."),
        internal_only=internal_only,
        open_counted=_open_counted(k),
        at_least=_any_at_least(k),
        volume=int(k["overall"]["volume"]),
        now=time_of(ctx, ctx.now),
        median_min_n=int(method.get("median_min_n", 10)),
        p90_min_n=int(method.get("p90_min_n", 30)),
        tiles=tuple(tile(label, k["overall"][metric], int(method.get("median_min_n", 10)))
                    for metric, label, _ in METRICS),
        overall=overall,
        overall_means=overall_means,
        charts=tuple(chart_view(chart, url) for chart in chart_specs(ctx)),
        groups=tuple(groups),
        change_note=change_note,
        changes=change_table,
        response_targets=targets,
        customer_reported=f"{format_share(cust['share'])} ({int(cust['count'])} of {int(cust['n'])} incidents)",
        postmortems=figures_table("Post-mortems", ("Figure", "Value"), [
            ("Required by policy", Cell(str(pm.get("required", 0)))),
            ("Published", Cell(str(pm.get("published", 0)))),
            ("Pending (within the due time)", Cell(str(pm.get("pending", 0)))),
            ("Overdue", Cell(str(pm.get("overdue", 0)))),
            ("Completion rate", Cell(format_share(pm.get("completion_rate")))),
            ("Time to publish, median", stat_cell(pm.get("time_to_publish", {"n": 0}))),
        ]),
        action_items=figures_table("Action items", ("State", "Count"), [
            ("Open", Cell(str(ai.get("open", 0)))),
            ("In progress", Cell(str(ai.get("in_progress", 0)))),
            ("Done", Cell(str(ai.get("done", 0)))),
            ("Won't do", Cell(str(ai.get("wont_do", 0)))),
            ("Overdue (open or in progress past due)", Cell(str(ai.get("overdue", 0)))),
        ]),
    )
