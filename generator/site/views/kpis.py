"""The KPI page: medians and 90th percentiles with n and intervals, charts, response targets, post-mortems."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from generator import i18n
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
from generator.compute.stats import TEST_NAME
from generator.i18n import N_, _, ngettext, pgettext
from generator.site import urls
from generator.site.charts import Chart, chart_specs, dark_path, quarter_label
from generator.site.views.shared import Cell, Facts, PageInfo, Table, Time, rel, time_of
from generator.site.visibility import SiteContext
from generator.words import category_label

if TYPE_CHECKING:
    from generator.site.views.drills import DrillKpis

# (metric, label, how it is measured): English, marked; shown through ``_()``.
METRICS = (
    ("time_to_detect", N_("Time to detect"), N_("detected - started")),
    ("time_to_acknowledge", N_("Time to acknowledge"), N_("acknowledged - detected")),
    ("time_to_mitigate", N_("Time to mitigate"), N_("impact ended - started")),
    ("time_to_resolve", N_("Time to resolve"), N_("resolved - detected")),
)
# A tile's heading, whole: a language words "median" its own way (and German keeps its nouns capitalised).
MEDIAN_HEADINGS = {
    "Time to detect": N_("Median time to detect"),
    "Time to acknowledge": N_("Median time to acknowledge"),
    "Time to mitigate": N_("Median time to mitigate"),
    "Time to resolve": N_("Median time to resolve"),
}
# (group, heading, column head, "by ..." inside a sentence, "... " as the thing counted).
GROUPS = (
    ("severity", N_("By severity"), N_("Severity"), lambda: pgettext("kpi group", "by severity"),
     lambda: pgettext("kpi group item", "severity")),
    ("service", N_("By service"), N_("Service"), lambda: pgettext("kpi group", "by service"),
     lambda: pgettext("kpi group item", "service")),
    ("category", N_("By category"), N_("Category"), lambda: pgettext("kpi group", "by category"),
     lambda: pgettext("kpi group item", "category")),
    ("quarter", N_("By quarter"), N_("Quarter"), lambda: pgettext("kpi group", "by quarter"),
     lambda: pgettext("kpi group item", "quarter")),
)


KEYS = tuple(metric for metric, _label, _how in METRICS)
# Words the computation hands over (generator/compute/kpis.py), said in the reader's language.
CHANGE_TESTS = {TEST_NAME: N_("Mann-Whitney U, two-sided, normal approximation with tie correction"),
                "rank test": N_("rank test")}
VERDICTS = {"better": N_("better"), "worse": N_("worse"), "no detectable change": N_("no detectable change"),
            "not enough data": N_("not enough data")}


def num(value: object) -> str:
    """A count, in the language's digits."""
    return i18n.format_number(int(value))  # type: ignore[call-overload]


def target_text(target: object) -> str:
    if target == "next business day":  # the KPI engine's own word for that target (its JSON stays English)
        # Translators: A response target: before the end of the next business day.
        return _("next business day")
    # Translators: A response target that is not set.
    return str(target) if target else pgettext("target", "none")


def _places(value: float) -> int:
    exponent = Decimal(format(value, "g")).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def sample_text(stat: dict) -> str:
    """``n=35`` or, with open incidents in a Kaplan-Meier figure, ``n=35, 2 still open: Kaplan-Meier``."""
    n = int(stat.get("n", 0))
    censored = int(stat.get("censored", 0))
    if censored:
        return _("n=%(n)d, %(open)d still open: Kaplan-Meier") % {"n": n, "open": censored}
    return f"n={n}"


def stat_cell(stat: dict, which: str = "median") -> Cell:
    """A median or p90 ("at least X" where open incidents hold it) with n and interval, or "not enough data (n=k)"."""
    text = format_stat(stat, which)
    if not is_shown(stat, which):
        return Cell(text, nodata=True)
    interval = format_interval(stat, "ci95" if which == "median" else "p90_ci95")
    return Cell(text, _("(%(sample)s; 95%% interval %(interval)s)") % {"sample": sample_text(stat), "interval": interval})


def mean_cell(stat: dict) -> Cell:
    if not stat.get("n"):
        return Cell(_("no data (n=0)"), nodata=True)
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

    @property
    def heading(self) -> str:
        """``Median time to resolve``: one message, so a language can word it (and capitalise nouns) its own way."""
        return _(MEDIAN_HEADINGS.get(self.label, self.label))


def tile(label: str, stat: dict, min_n: int) -> Tile:
    n = int(stat.get("n", 0))
    if not is_shown(stat, "median"):
        return Tile(label, _("not enough data"), _("n=%(n)d; a median needs %(min_n)d") % {"n": n, "min_n": min_n},
                    nodata=True)
    value = format_seconds(stat["median"])
    censored = int(stat.get("censored", 0))
    interval = format_interval(stat, "ci95")
    if censored:
        note = ngettext("median of %(n)d incident (%(open)d still open: Kaplan-Meier); 95%% interval %(interval)s",
                        "median of %(n)d incidents (%(open)d still open: Kaplan-Meier); 95%% interval %(interval)s",
                        n) % {"n": n, "open": censored, "interval": interval}
    else:
        note = ngettext("median of %(n)d incident; 95%% interval %(interval)s",
                        "median of %(n)d incidents; 95%% interval %(interval)s", n) % {"n": n, "interval": interval}
    return Tile(label, _("at least %(value)s") % {"value": value} if is_lower_bound(stat, "median") else value, note)


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
    figs = [k["overall"]] + [fig for group, *_words in GROUPS for fig in k.get(group, {}).values()]
    return [fig[metric] for fig in figs for metric in KEYS]


def _open_counted(k: dict) -> int:
    """How many incidents are still open when some figure counts them as censored (else 0)."""
    if any(int(k["overall"][metric].get("censored", 0)) for metric in KEYS):
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
        _("Data for: %(title)s") % {"title": chart.title}, tuple(chart.columns), tuple(tuple(Cell(c) for c in row) for row in chart.rows)))


def kpis_view(facts: Facts) -> KpisView:
    ctx = facts.ctx
    url = urls.kpis_url()
    k = compute_kpis(ctx.model, ctx.now)
    internal_only = ctx.model.config.publish_kpis != "public"
    method = k.get("method", {})
    metrics = tuple((metric, _(label), _(how)) for metric, label, how in METRICS)
    names = tuple(label for _metric, label, _how in metrics)

    unknown = {metric: int(k["overall"][metric].get("unknown", 0)) for metric in KEYS}
    if any(unknown.values()):
        # Imported history: incidents whose time is declared unknown are left out, and counted here.
        overall = Table(_("Overall KPIs"), (_("Measure"), _("Median"), _("90th percentile"),
                                            _("Left out: time unknown")), tuple(
            (Cell(label, how, below=True), stat_cell(k["overall"][metric]), stat_cell(k["overall"][metric], "p90"),
             Cell(_("unknown: %(num)d") % {"num": unknown.get(metric, 0)}))
            for metric, label, how in metrics))
    else:
        overall = Table(_("Overall KPIs"), (_("Measure"), _("Median"), _("90th percentile")), tuple(
            (Cell(label, how, below=True), stat_cell(k["overall"][metric]), stat_cell(k["overall"][metric], "p90"))
            for metric, label, how in metrics))
    overall_means = Table(_("Overall means"), (_("Measure"), _("Mean")), tuple(
        (Cell(label), mean_cell(k["overall"][metric])) for metric, label, _how in metrics))

    groups = []
    median_min_n, p90_min_n = int(method.get("median_min_n", 10)), int(method.get("p90_min_n", 30))
    for group, title_en, head_en, by_words, item_word in GROUPS:
        title, head, by, what = _(title_en), _(head_en), by_words(), item_word()
        figures = k.get(group, {})
        if not figures:
            continue
        med, p90, mean = [], [], []
        for key, fig in figures.items():
            name = Cell(_group_key_label(ctx, group, key))
            med.append((name, Cell(i18n.format_number(fig["volume"])), *(stat_cell(fig[m]) for m in KEYS)))
            p90.append((name, *(stat_cell(fig[m], "p90") for m in KEYS)))
            mean.append((name, *(mean_cell(fig[m]) for m in KEYS)))
        words = {"by": by, "what": what}
        counts = i18n.format_list(f"{row[0].text} {row[1].text}" for row in med)
        groups.append(GroupView(
            anchor=f"by-{group}", title=title,
            medians=collapsed(Table(_("Medians %(by)s") % words, (head, _("Incidents"), *names), tuple(med),
                                    "sp-table--kpi"),
                              ngettext("Not enough data %(by)s yet: no %(what)s has the %(min_n)d incident a median "
                                       "needs (incidents per %(what)s: %(counts)s).",
                                       "Not enough data %(by)s yet: no %(what)s has the %(min_n)d incidents a median "
                                       "needs (incidents per %(what)s: %(counts)s).", median_min_n)
                              % {**words, "min_n": median_min_n, "counts": counts}),
            p90s=collapsed(Table(_("90th percentiles %(by)s") % words, (head, *names), tuple(p90), "sp-table--kpi"),
                           ngettext("Not enough data %(by)s yet: a 90th percentile needs %(min_n)d incident.",
                                    "Not enough data %(by)s yet: a 90th percentile needs %(min_n)d incidents.", p90_min_n)
                           % {**words, "min_n": p90_min_n}),
            p90s_summary=_("90th percentiles %(by)s") % words,
            means=Table(_("Means %(by)s") % words, (head, *names), tuple(mean), "sp-table--kpi"),
            means_summary=_("Means %(by)s (outlier-sensitive)") % words,
        ))

    changes = k.get("changes", [])
    change_table = None
    change_note = ""
    if changes:
        change_note = _(
            "A change is called better or worse only when the %(test)s finds it at the %(level)s level; "
            "otherwise it is noise as far as the data can tell.") % {
            "test": _(CHANGE_TESTS.get(str(method.get("change_test", "rank test")), str(method.get("change_test")))),
            "level": i18n.format_percent_value(Decimal(format(float(method.get("alpha", 0.05)) * 100, "g")),
                                               _places(float(method.get("alpha", 0.05)) * 100))}
        by_metric = {m: label for m, label, _how in metrics}
        rows = []
        def change_median(c: dict, side: str) -> str:
            value = c.get(f"median_{side}")
            if value is None:
                return f"n={c[f'n_{side}']}"
            if c.get(f"lower_bound_{side}"):
                return _("at least %(value)s") % {"value": format_seconds(value)}
            return format_seconds(value)

        for c in changes:
            med_from, med_to = change_median(c, "from"), change_median(c, "to")
            verdict = Cell(_(VERDICTS.get(c["verdict"], c["verdict"])),
                           f"(p={i18n.format_number(c['p_value'], 3)})" if c.get("p_value") is not None else "")
            # Translators: Two quarters compared, e.g. "2026-Q2 to 2026-Q3".
            rows.append((Cell(pgettext("quarter range", "%(start)s to %(end)s") % {"start": c["from"], "end": c["to"]}),
                         Cell(by_metric.get(c["metric"], c["metric"])), Cell(med_from), Cell(med_to), verdict))
        change_table = Table(_("Quarter on quarter"), (_("Quarters"), _("Measure"), _("Median before"),
                                                       _("Median after"), _("Verdict")), tuple(rows))

    response = k.get("response_targets", {})
    if any(r.get("unknown") for r in response.values()):
        targets = Table(_("Response targets"), (_("Severity"), _("Target (acknowledge)"), _("Met"), _("Missed"),
                                                _("Pending"), _("Unknown"), _("Share met")), tuple(
            (Cell(ctx.severity_text(sev)), Cell(target_text(r["target"])), Cell(num(r["met"])), Cell(num(r["missed"])),
             Cell(num(r["pending"])), Cell(num(r["unknown"])), Cell(format_share(r["share_met"]), f"(n={int(r['n'])})"))
            for sev, r in response.items()))
    else:
        targets = Table(_("Response targets"), (_("Severity"), _("Target (acknowledge)"), _("Met"), _("Missed"),
                                                _("Pending"), _("Share met")), tuple(
            (Cell(ctx.severity_text(sev)), Cell(target_text(r["target"])), Cell(num(r["met"])), Cell(num(r["missed"])),
             Cell(num(r["pending"])), Cell(format_share(r["share_met"]), f"(n={int(r['n'])})"))
            for sev, r in response.items()))
    cust = k["overall"]["customer_reported"]
    pm = k.get("postmortems", {})
    ai = k.get("action_items", {})

    def figures_table(label: str, head: tuple[str, str], rows: list[tuple[str, Cell]]) -> Table:
        return Table(label, head, tuple((Cell(name), cell) for name, cell in rows))

    from generator.site.views.drills import drill_kpis  # it builds on this module's cells

    return KpisView(
        drills=drill_kpis(facts, k) if ctx.internal else None,
        page=PageInfo(url, _("Incident KPIs"), labels=("Internal",) if internal_only else (), feeds=facts.feeds,
                      description=_("Incident KPIs: time to detect, acknowledge, mitigate and resolve, with sample "
                                    "sizes.")),
        internal_only=internal_only,
        open_counted=_open_counted(k),
        at_least=_any_at_least(k),
        volume=int(k["overall"]["volume"]),
        now=time_of(ctx, ctx.now),
        median_min_n=int(method.get("median_min_n", 10)),
        p90_min_n=int(method.get("p90_min_n", 30)),
        tiles=tuple(tile(label, k["overall"][metric], int(method.get("median_min_n", 10)))
                    for metric, label, _how in METRICS),
        overall=overall,
        overall_means=overall_means,
        charts=tuple(chart_view(chart, url) for chart in chart_specs(ctx)),
        groups=tuple(groups),
        change_note=change_note,
        changes=change_table,
        response_targets=targets,
        customer_reported=ngettext("%(share)s (%(count)d of %(n)d incident)", "%(share)s (%(count)d of %(n)d incidents)",
                                   int(cust["n"])) % {"share": format_share(cust["share"]), "count": int(cust["count"]),
                                                      "n": int(cust["n"])},
        postmortems=figures_table(_("Post-mortems"), (_("Figure"), _("Value")), [
            (_("Required by policy"), Cell(num(pm.get("required", 0)))),
            # Translators: A row of a table of counts (how many post-mortems are published), not a state.
            (pgettext("count row", "Published"), Cell(num(pm.get("published", 0)))),
            (_("Pending (within the due time)"), Cell(num(pm.get("pending", 0)))),
            # Translators: A row of a table of counts (how many are overdue), not a state.
            (pgettext("count row", "Overdue"), Cell(num(pm.get("overdue", 0)))),
            (_("Completion rate"), Cell(format_share(pm.get("completion_rate")))),
            (_("Time to publish, median"), stat_cell(pm.get("time_to_publish", {"n": 0}))),
        ]),
        action_items=figures_table(_("Action items"), (_("State"), _("Count")), [
            # Translators: A row of a table of counts (how many action items are open), not a state.
            (pgettext("count row", "Open"), Cell(num(ai.get("open", 0)))),
            # Translators: A row of a table of counts (how many action items are in progress).
            (pgettext("count row", "In progress"), Cell(num(ai.get("in_progress", 0)))),
            # Translators: A row of a table of counts (how many action items are done).
            (pgettext("count row", "Done"), Cell(num(ai.get("done", 0)))),
            # Translators: A row of a table of counts (how many action items will not be done).
            (pgettext("count row", "Won't do"), Cell(num(ai.get("wont_do", 0)))),
            (_("Overdue (open or in progress past due)"), Cell(num(ai.get("overdue", 0)))),
        ]),
    )
