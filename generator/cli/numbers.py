"""``statuspress uptime`` and ``statuspress kpis``: the numbers in the terminal.

Thin: parse options, read the clock once, load and validate, call one compute
function, print it as a table, JSON or CSV.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from generator.cli import main
from generator.cli.common import NOW, now_option, resolve_now, root_option
from generator.compute.display import (
    format_interval,
    format_mean,
    format_minutes,
    format_percent,
    format_share,
    format_stat,
    is_shown,
)
from generator.compute.drills import DRILL_METRICS
from generator.compute.kpis import METRICS, compute_kpis
from generator.compute.uptime import WINDOWS, ServiceUptime, compute_uptime, uptime_json
from generator.model import Model
from generator.report import format_text
from generator.timeparse import format_timestamp
from generator.validate import check_repository

F = TypeVar("F", bound=Callable[..., Any])
KPI_GROUPS = ("severity", "service", "category", "quarter")
METRIC_LABELS = {
    "time_to_detect": "time to detect",
    "time_to_acknowledge": "time to acknowledge",
    "time_to_mitigate": "time to mitigate",
    "time_to_resolve": "time to resolve",
}


# ------------------------------------------------------------------ shared


def _load(root: Path, now: datetime) -> Model:
    """Load and validate; on errors print them and exit 1 (warnings are only counted)."""
    model, problems = check_repository(root, now)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        click.echo(format_text(problems), err=True, nl=False)
        raise SystemExit(1)
    if problems:
        count = len(problems)
        click.echo(f"note: {count} warning{'s' * (count != 1)}; run `statuspress validate` to see them", err=True)
    return model


def _check_services(model: Model, services: Sequence[str]) -> list[str] | None:
    if not services:
        return None
    known = model.config.service_ids
    unknown = [s for s in services if s not in known]
    if unknown:
        raise click.BadParameter(
            f"unknown service {', '.join(map(repr, unknown))}; known: {', '.join(known) or '(none)'}",
            param_hint="--service",
        )
    return list(dict.fromkeys(services))


def _number_options(func: F) -> F:
    func = root_option(func)
    func = click.option(
        "--service",
        "services",
        multiple=True,
        metavar="ID",
        help="Only this service (repeatable). Default: every service.",
    )(func)
    func = click.option(
        "--since",
        type=NOW,
        default=None,
        metavar="TIMESTAMP",
        help="Ignore everything before TIMESTAMP (RFC 3339, e.g. 2026-01-01T00:00:00Z).",
    )(func)
    func = now_option(func)
    func = click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json", "csv"]),
        default="table",
        show_default=True,
        help="table for people, json (the documented shape) or csv (one row per figure) for tools.",
    )(func)
    return func


def render_table(headers: Sequence[str], rows: Iterable[Sequence[str]], right: Iterable[int] = ()) -> str:
    """Columns padded to their widest cell; ``right`` holds the indexes of right-aligned columns."""
    body = [list(map(str, r)) for r in rows]
    widths = [len(h) for h in headers]
    for row in body:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    align_right = set(right)

    def line(cells: Sequence[str]) -> str:
        out = [c.rjust(widths[i]) if i in align_right else c.ljust(widths[i]) for i, c in enumerate(cells)]
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule] + [line(r) for r in body]) + "\n"


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else (repr(v) if isinstance(v, float) else v) for v in row])
    return buf.getvalue()


def _json(doc: Any) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# ------------------------------------------------------------------ uptime


def _budget_cell(up: ServiceUptime, window: str) -> str:
    budget = up.budgets.get(window)
    if budget is None:
        return "no SLO"
    if budget.remaining_minutes >= 0:
        return f"{format_minutes(budget.remaining_minutes)} left of {format_minutes(budget.allowed_minutes)}"
    return f"over by {format_minutes(-budget.remaining_minutes)} ({format_minutes(budget.allowed_minutes)} allowed)"


def uptime_table(model: Model, result: dict[str, ServiceUptime], now: datetime, by: str) -> str:
    head = f"Uptime as of {format_timestamp(now)} (maintenance excluded; rounded down)\n\n"
    if by == "windows":
        rows = []
        for sid, up in result.items():
            svc = model.config.service(sid)
            slo = f"{svc.slo:g}%" if svc is not None and svc.slo is not None else "-"
            rows.append(
                [sid, *(format_percent(v) for v in up.windows.values()), slo, _budget_cell(up, "30d"), _budget_cell(up, "month")]
            )
        headers = ["service", *WINDOWS, "SLO", "error budget (30d)", "error budget (this month)"]
        return head + render_table(headers, rows, right=range(1, len(WINDOWS) + 2))
    periods: list[str] = []
    for up in result.values():
        for key in getattr(up, by):
            if key not in periods:
                periods.append(key)
    periods.sort()
    rows = [[key, *(format_percent(getattr(up, by).get(key)) for up in result.values())] for key in periods]
    if by == "days":
        for row, key in zip(rows, periods, strict=True):
            ids = sorted({iid for up in result.values() for iid in up.day_incidents.get(key, ())})
            row.append(", ".join(ids))
    headers = ["month" if by == "months" else "day", *result]
    if by == "days":
        headers.append("incidents")
    tz = model.config.site.timezone
    return head + f"{by.capitalize()} in {tz}.\n\n" + render_table(headers, rows, right=range(1, len(result) + 1))


def uptime_csv(result: dict[str, ServiceUptime]) -> str:
    header = [
        "service",
        "window",
        "kind",
        "uptime_percent",
        "budget_allowed_minutes",
        "budget_consumed_minutes",
        "budget_remaining_minutes",
    ]
    rows: list[list[Any]] = []
    for sid, up in result.items():
        current_month = next(reversed(up.months), None)
        periods = (
            [(w, "rolling", v, up.budgets.get(w)) for w, v in up.windows.items()]
            + [(m, "month", v, up.budgets.get("month") if m == current_month else None) for m, v in up.months.items()]
            + [(d, "day", v, None) for d, v in up.days.items()]
        )
        for window, kind, value, budget in periods:
            money = [None, None, None] if budget is None else [
                budget.allowed_minutes, budget.consumed_minutes, budget.remaining_minutes
            ]
            rows.append([sid, window, kind, value, *money])
    return _csv(header, rows)


@main.command()
@_number_options
@click.option(
    "--by",
    type=click.Choice(["windows", "months", "days"]),
    default="windows",
    show_default=True,
    help="Table rows: rolling windows with error budgets, calendar months, or the bar days.",
)
def uptime(fmt: str, now: datetime | None, since: datetime | None, services: tuple[str, ...], root: Path, by: str) -> None:
    """Uptime per service: 24h, 7d, 30d, 90d, 365d, each month, each bar day; error budgets.

    Uptime = 1 - weighted impact time / (window - maintenance), see docs/computations.md.

    Exit status: 0 ok, 1 the repository has errors, 2 usage.

    \b
    Example:
      statuspress uptime --now 2026-11-26T12:00:00Z --service api
      statuspress uptime --format json --now 2026-11-26T12:00:00Z
    """
    moment = resolve_now(now)
    model = _load(root, moment)
    wanted = _check_services(model, services)
    result = compute_uptime(model, moment, since=since, service_ids=wanted)
    if fmt == "json":
        click.echo(_json(uptime_json(result, moment)), nl=False)
    elif fmt == "csv":
        click.echo(uptime_csv(result), nl=False)
    else:
        click.echo(uptime_table(model, result, moment, by), nl=False)


# ------------------------------------------------------------------ kpis


def _stat_row(label: str, key: str | None, stat: dict) -> list[str]:
    cells = [] if key is None else [key]
    return cells + [
        label,
        str(stat["n"]),
        str(stat.get("censored", 0)),
        str(stat.get("unknown", 0)),
        format_stat(stat, "median"),
        format_interval(stat, "ci95") if is_shown(stat, "median") else "-",
        format_stat(stat, "p90"),
        format_mean(stat),
    ]


STAT_HEADERS = ["metric", "n", "open", "unknown", "median", "95% interval (median)", "p90", "mean (outlier-sensitive)"]


def kpis_table(doc: dict, groups: Sequence[str]) -> str:
    """Sections separated by blank lines: overall, each breakdown, process figures, changes."""
    sections: list[str] = []
    scope = "all incidents" if doc["since"] is None else f"incidents since {doc['since']}"
    overall = doc["overall"]
    share = overall["customer_reported"]
    sections.append(
        f"Incident KPIs as of {doc['now']} ({scope}; services: {', '.join(doc['services'])})\n"
        "Median and p90 with n; a median needs n >= 10 and a p90 n >= 30. The 95% interval is a bootstrap.\n"
        "The mean is shown for detail only: one long incident moves it a lot.\n"
        "n counts open incidents too: where any is open, time to mitigate and resolve are Kaplan-Meier estimates\n"
        "(an open incident counts as lasting at least until now); \"at least\" marks a figure the open incidents hold.\n"
        "unknown: left out because a time is unknown."
    )
    sections.append(
        f"Overall: {overall['volume']} incidents ({overall['open']} open); "
        f"first reported by customers: {format_share(share['share'])} ({share['count']} of {share['n']})\n"
        + render_table(STAT_HEADERS, [_stat_row(METRIC_LABELS[m], None, overall[m]) for m in METRICS], right=[1, 2, 3])
    )
    for group in groups:
        rows = []
        for key, fig in doc[group].items():
            rows.append([key, "volume", str(fig["volume"]), str(fig["open"]), "", "", "", "", ""])
            rows.extend(_stat_row(METRIC_LABELS[m], "", fig[m]) for m in METRICS)
        body = render_table([group, *STAT_HEADERS], rows, right=[2, 3, 4]) if rows else "(none)"
        sections.append(f"By {group}\n{body}")

    rows = [
        [sev, t["target"] or "-", str(t["met"]), str(t["missed"]), str(t["pending"]), format_share(t["share_met"])]
        for sev, t in doc["response_targets"].items()
    ]
    sections.append(
        "Response targets (acknowledged within the target, by highest severity)\n"
        + render_table(["severity", "target", "met", "missed", "pending", "met share"], rows, right=[2, 3, 4, 5])
    )

    pms = doc["postmortems"]
    publish = pms["time_to_publish"]
    items = doc["action_items"]
    sections.append(
        "Post-mortems (when one is required: docs/computations.md)\n"
        f"required {pms['required']}, published {pms['published']} ({pms['published_late']} after the due date), pending {pms['pending']}, overdue {pms['overdue']}; "
        f"completion {format_share(pms['completion_rate'])}\n"
        f"open incidents already meeting the policy: {pms['open_incidents_meeting_policy']}\n"
        f"time to publish (median): {format_stat(publish)}"
        + (f" (n={publish['n']})" if is_shown(publish) else "")
        + f"\nAction items: {items['open']} open, {items['in_progress']} in progress, {items['done']} done, "
        f"{items['wont_do']} won't do; {items['overdue']} overdue"
    )

    rows = []
    for c in doc["changes"]:
        if c["metric"] not in ("time_to_detect", "time_to_resolve"):
            continue
        p_value = "-" if c["p_value"] is None else f"{c['p_value']:.3f}"
        opened = c.get("censored_from", 0) + c.get("censored_to", 0)
        rows.append([f"{c['from']} -> {c['to']}", METRIC_LABELS[c["metric"]], c["verdict"], p_value,
                     f"{c['n_from']} vs {c['n_to']}" + (f" ({opened} open: Gehan)" if opened else "")])
    sections.append(
        "Quarter on quarter (a change is named only when the test says it is more than noise)\n"
        + (render_table(["quarters", "metric", "verdict", "p-value", "n"], rows) if rows else "(fewer than two quarters)\n")
        + f"Test: {doc['method']['change_test']}, at {doc['method']['alpha']:.0%}; both quarters need n >= 10.\n"
        + f"With open incidents: {doc['method']['change_test_censored']}."
    )
    drills = doc.get("drills")
    if drills and (drills["volume"] or drills["cadence"]):
        sections.append(drills_table(drills))
    return "\n\n".join(s.rstrip("\n") for s in sections) + "\n"


def drills_table(drills: dict) -> str:
    """Drills apart from every real figure: count per quarter, response times, each group's cadence."""
    per_quarter = ", ".join(f"{q}: {n}" for q, n in drills["quarter"].items()) or "none"
    out = [f"Drills (rehearsals, in none of the figures above): {drills['volume']} ({per_quarter})",
           render_table(STAT_HEADERS, [_stat_row(METRIC_LABELS[m], None, drills[m]) for m in DRILL_METRICS],
                        right=[1, 2, 3])]
    for group, c in drills["cadence"].items():
        state = "OVERDUE" if c["overdue"] else f"next due {c['due']}"
        out.append(f"{group}: every {c['cadence_days']} days; latest drill {c['last_drill'] or 'none'}; {state}")
    return "\n".join(out)


KPI_CSV_HEADER = [
    "group", "key", "metric", "n", "value", "median", "p90", "mean", "ci95_low", "ci95_high", "note",
    "p90_ci95_low", "p90_ci95_high", "censored", "unknown", "estimator", "median_shown", "p90_shown",
    "median_lower_bound", "p90_lower_bound", "mean_lower_bound",
]


def kpis_csv(doc: dict, groups: Sequence[str]) -> str:
    """One row per (group, key, metric); the duration rows fill every column, the others the first eleven."""
    width = len(KPI_CSV_HEADER)
    rows: list[list[Any]] = []

    def add(*cells: Any) -> None:
        rows.append([*cells, *[None] * (width - len(cells))])

    def stat_row(group: str, key: str, metric: str, s: dict, note: str | None) -> None:
        low, high = s["ci95"] or (None, None)
        p90_low, p90_high = s.get("p90_ci95") or (None, None)
        bounds = s.get("lower_bound", {})
        shown = s.get("shown", {})
        add(group, key, metric, s["n"], None, s["median"], s["p90"], s["mean"], low, high, note,
            p90_low, p90_high, s.get("censored", 0), s.get("unknown"), s.get("estimator"),
            shown.get("median"), shown.get("p90"), bounds.get("median"), bounds.get("p90"), bounds.get("mean"))

    def figure(group: str, key: str, fig: dict) -> None:
        add(group, key, "volume", fig["volume"], fig["volume"])
        add(group, key, "open", fig["volume"], fig["open"])
        share = fig["customer_reported"]
        add(group, key, "customer_reported_share", share["n"], share["share"])
        for m in METRICS:
            s = fig[m]
            note = "" if is_shown(s, "median") or s["n"] == 0 else f"not enough data (n={s['n']})"
            stat_row(group, key, m, s, note)

    figure("overall", "all", doc["overall"])
    for group in groups:
        for key, fig in doc[group].items():
            figure(group, key, fig)
    for sev, t in doc["response_targets"].items():
        add("response_targets", sev, "share_met", t["n"], t["share_met"], None, None, None, None, None, t["target"])
    pms = doc["postmortems"]
    for metric in ("required", "published", "published_late", "pending", "overdue", "completion_rate"):
        add("postmortems", "all", metric, pms["required"], pms[metric])
    stat_row("postmortems", "all", "time_to_publish", pms["time_to_publish"], None)
    for status, count in doc["action_items"].items():
        add("action_items", "all", status, doc["action_items"]["total"], count)
    for c in doc["changes"]:
        add("changes", f"{c['from']}..{c['to']}", c["metric"], c["n_to"], c["p_value"], c["median_to"], None, None,
            None, None, c["verdict"], None, None, c.get("censored_to"), None, c.get("estimator"), None, None,
            c.get("lower_bound_to"))
    return _csv(KPI_CSV_HEADER, rows)


@main.command()
@_number_options
@click.option(
    "--by",
    "groups",
    type=click.Choice(KPI_GROUPS),
    multiple=True,
    help="Break down by this (repeatable) in table and csv output. Default: all four. JSON always has all.",
)
def kpis(fmt: str, now: datetime | None, since: datetime | None, services: tuple[str, ...], root: Path, groups: tuple[str, ...]) -> None:
    """Incident KPIs: time to detect, acknowledge, mitigate and resolve; volume; process figures.

    Medians and p90 with n and a bootstrap 95% interval; "not enough data (n=k)"
    below n=10 (median) or n=30 (p90) in the table (JSON and CSV give the number
    with a flag). Open incidents count as censored at now (Kaplan-Meier) for time
    to mitigate and resolve. Quarter-on-quarter changes are named only when a
    Mann-Whitney U test (Gehan's with open incidents) finds them at 5%.
    Definitions: docs/computations.md.

    Exit status: 0 ok, 1 the repository has errors, 2 usage.

    \b
    Example:
      statuspress kpis --now 2026-11-26T12:00:00Z --by severity --by quarter
      statuspress kpis --format json --since 2026-01-01T00:00:00Z
    """
    moment = resolve_now(now)
    model = _load(root, moment)
    wanted = _check_services(model, services)
    doc = compute_kpis(model, moment, since=since, service_ids=wanted)
    chosen = [g for g in KPI_GROUPS if g in groups] if groups else list(KPI_GROUPS)
    if fmt == "json":
        click.echo(_json(doc), nl=False)
    elif fmt == "csv":
        click.echo(kpis_csv(doc, chosen), nl=False)
    else:
        click.echo(kpis_table(doc, chosen), nl=False)
