"""KPIs with incidents still open: the JSON shape, the terminal, the page."""

from __future__ import annotations

import csv
import io
import json
import re
import statistics
from dataclasses import replace
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.compute.kpis import METRICS, compute_kpis
from generator.compute.stats import km_quantile
from generator.site.charts import trend_chart
from generator.site.pages import build_pages
from generator.site.views.kpis import kpis_view
from generator.site.views.shared import make_facts
from tests.compute_factories import config, incident, model, service, ts
from tests.site_factories import make_ctx

NOW = ts("2026-11-26T12:00:00Z")
SERVICES = [service("api"), service("web")]


def resolved(iid, start, minutes, **kw):
    """Detected at the start, resolved ``minutes`` later."""
    return incident(iid, kw.pop("services", {"api": "partial_outage"}), start,
                    acknowledged=start + timedelta(minutes=1), resolved=start + timedelta(minutes=minutes), **kw)


def still_open(iid, start, **kw):
    return incident(iid, kw.pop("services", {"api": "partial_outage"}), start, acknowledged=start + timedelta(minutes=1), **kw)


def history(open_starts=("2026-11-26T06:00:00Z",), minutes=(10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120)):
    base = ts("2026-10-05T10:00:00Z")
    incidents = [resolved(f"r{n:02d}", base + timedelta(days=n), m) for n, m in enumerate(minutes)]
    incidents += [still_open(f"o{n}", ts(s)) for n, s in enumerate(open_starts)]
    return model(config(SERVICES), incidents)


def test_open_incident_is_censored_at_now_and_counted():
    doc = compute_kpis(history(), NOW)
    ttr = doc["overall"]["time_to_resolve"]
    # Twelve resolved (10..120 min) and one open for 6 h so far: n counts all thirteen.
    assert (ttr["n"], ttr["censored"], ttr["unknown"], ttr["estimator"]) == (13, 1, 0, "kaplan-meier")
    obs = [(m * 60.0, True) for m in range(10, 130, 10)] + [(6 * 3600.0, False)]
    assert ttr["median"] == km_quantile(obs, Fraction(1, 2))[0] == 70 * 60.0  # the 7th of 13
    assert ttr["lower_bound"]["median"] is False
    # The p90 falls past the last resolution (S = 1/13 only after 120 min... but 1/13 <= 1/10): 120 min.
    assert ttr["p90"] == 120 * 60.0
    # The old figure, open incident left out, was the interpolated 65 min: shorter than it is.
    assert statistics.median(m * 60.0 for m in range(10, 130, 10)) == 65 * 60.0
    # Time to detect never censors: the open incident was detected, that duration is finished.
    assert doc["overall"]["time_to_detect"]["estimator"] == "exact"
    assert doc["overall"]["time_to_detect"]["n"] == 13
    # The same open incident is censored in every group it belongs to, and only there.
    assert doc["quarter"]["2026-Q4"]["time_to_resolve"]["censored"] == 1
    assert doc["service"]["web"]["time_to_resolve"]["n"] == 0
    assert doc["severity"]["SEV-3"]["time_to_mitigate"]["censored"] == 1


def test_lower_bound_when_open_incidents_hold_the_median():
    # Four resolved and six open for days: the median is beyond every resolution.
    doc = compute_kpis(history(open_starts=[f"2026-11-2{d}T10:00:00Z" for d in range(6)],
                               minutes=(10, 20, 30, 40)), NOW)
    ttr = doc["overall"]["time_to_resolve"]
    assert (ttr["n"], ttr["censored"]) == (10, 6)
    longest = (NOW - ts("2026-11-20T10:00:00Z")).total_seconds()
    assert ttr["median"] == longest and ttr["lower_bound"]["median"] is True
    assert ttr["shown"]["median"] is True  # n = 10 reaches the page's threshold


@pytest.mark.parametrize("count", [1, 3, 9, 10, 29, 30])
def test_numbers_wherever_n_is_positive_with_a_shown_flag(count):
    doc = compute_kpis(history(open_starts=(), minutes=tuple(5 * (n + 1) for n in range(count))), NOW)
    for metric in METRICS:
        fig = doc["overall"][metric]
        assert fig["n"] == count
        for key in ("median", "p90", "mean"):
            assert isinstance(fig[key], float), (metric, key)
        for key in ("ci95", "p90_ci95"):
            assert len(fig[key]) == 2 and all(isinstance(v, float) for v in fig[key])
        assert fig["shown"] == {"median": count >= 10, "p90": count >= 30}
    # null only where there is nothing to summarise
    empty = doc["service"]["web"]["time_to_resolve"]
    assert empty["n"] == 0 and [empty[k] for k in ("median", "p90", "mean", "ci95", "p90_ci95")] == [None] * 5
    assert empty["shown"] == {"median": False, "p90": False}


def test_unknown_times_are_counted_per_figure_never_invented():
    base = history()
    unknown = replace(base.incidents[0], detected_at=None, unknown_times=("detected_at",))
    doc = compute_kpis(replace(base, incidents=(unknown, *base.incidents[1:])), NOW)
    ttr = doc["overall"]["time_to_resolve"]
    assert (ttr["n"], ttr["unknown"], ttr["censored"]) == (12, 1, 1)
    assert doc["overall"]["time_to_mitigate"]["unknown"] == 0
    assert "unknown" not in doc["overall"]  # folded into each figure


def test_quarter_changes_with_open_incidents_use_gehan():
    fast = [resolved(f"q3-{n}", ts("2026-07-06T10:00:00Z") + timedelta(days=5 * n), 200 + 10 * n) for n in range(12)]
    slow = [resolved(f"q4-{n}", ts("2026-10-05T10:00:00Z") + timedelta(days=3 * n), 20 + n) for n in range(12)]
    slow.append(still_open("q4-open", ts("2026-11-26T11:00:00Z")))
    doc = compute_kpis(model(config(SERVICES), fast + slow), NOW)
    change = next(c for c in doc["changes"] if c["metric"] == "time_to_resolve" and c["to"] == "2026-Q4")
    assert change["test"].startswith("Gehan") and change["censored_to"] == 1 and change["n_to"] == 13
    assert change["verdict"] == "better"
    detect = next(c for c in doc["changes"] if c["metric"] == "time_to_detect" and c["to"] == "2026-Q4")
    assert detect["test"].startswith("Mann-Whitney") and detect["estimator"] == "exact"


# ---------------------------------------------------------------- the terminal


INCIDENT = """---
title: Errors {n}
severity: SEV-3
services: {{api: partial_outage}}
started_at: {start}
detected_at: {start}
acknowledged_at: {start}
{resolved}detection: alert
category: deploy
updates:
  - at: {start}
    status: investigating
    message: Looking.
{final}---
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "site_config.yml").write_text(
        "site: {name: S, url: https://s.example/, timezone: UTC, description: T}\n"
        "services:\n  - {id: api, name: API, group: Core, description: API}\n"
        "severities:\n  SEV-1: {label: Critical, response_target: 1h}\n  SEV-2: {label: Major, response_target: 4h}\n"
        "  SEV-3: {label: Moderate, response_target: 24h}\n  SEV-4: {label: Low, response_target: next_business_day}\n"
        "categories: [deploy, other]\npublish: {kpis: internal}\n", encoding="utf-8")
    folder = tmp_path / "content" / "incidents"
    folder.mkdir(parents=True)
    for n in range(11):
        start = ts("2026-10-01T10:00:00Z") + timedelta(days=4 * n)
        end = start + timedelta(minutes=10 * (n + 1))
        fmt = "%Y-%m-%dT%H:%M:%SZ"
        (folder / f"{start:%Y-%m-%d}-r{n}.md").write_text(INCIDENT.format(
            n=n, start=start.strftime(fmt), resolved=f"resolved_at: {end.strftime(fmt)}\n",
            final=f"  - at: {end.strftime(fmt)}\n    status: resolved\n    message: Fixed.\n"), encoding="utf-8")
    (folder / "2026-11-20-open.md").write_text(INCIDENT.format(
        n="open", start="2026-11-20T10:00:00Z", resolved="", final=""), encoding="utf-8")
    for sub in ("maintenance", "postmortems"):
        (tmp_path / "content" / sub).mkdir()
    return tmp_path


def kpis(repo: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["kpis", "--root", str(repo), "--now", "2026-11-26T12:00:00Z", *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_cli_json_has_the_censored_shape(repo):
    doc = json.loads(kpis(repo, "--format", "json"))
    ttr = doc["overall"]["time_to_resolve"]
    assert (ttr["n"], ttr["censored"], ttr["estimator"], ttr["unknown"]) == (12, 1, "kaplan-meier", 0)
    assert ttr["shown"] == {"median": True, "p90": False} and isinstance(ttr["p90"], float)
    # Eleven resolved after 10..110 min plus one open for 6 d 2 h: S falls by 1/12 per resolution,
    # to 1/12 <= 1/10 at the 11th, so the p90 is 110 min and no bound; the mean is held by the open one.
    assert ttr["p90"] == 110 * 60.0 and ttr["lower_bound"]["p90"] is False
    assert ttr["lower_bound"]["mean"] is True and ttr["lower_bound"]["median"] is False
    assert doc["method"]["change_test_censored"].startswith("Gehan")


def test_cli_table_and_csv(repo):
    table = kpis(repo)
    line = next(row for row in table.splitlines() if row.startswith("time to resolve"))
    # n, open, unknown, the Kaplan-Meier median (the 6th of 12: 60 min), "not enough data" for the p90
    assert line.split()[3:6] == ["12", "1", "0"]
    assert "1 h 00 min" in line and "not enough data (n=12)" in line
    assert "Kaplan-Meier" in table
    rows = list(csv.DictReader(io.StringIO(kpis(repo, "--format", "csv"))))
    ttr = next(r for r in rows if r["group"] == "overall" and r["metric"] == "time_to_resolve")
    assert (ttr["n"], ttr["censored"], ttr["estimator"], ttr["median_shown"], ttr["p90_shown"]) == (
        "12", "1", "kaplan-meier", "True", "False")
    assert ttr["mean_lower_bound"] == "True" and float(ttr["median"]) == 3600.0
    assert ttr["note"] == ""


# ---------------------------------------------------------------- the page


def page_html(m) -> str:
    ctx = make_ctx(replace(m, config=replace(m.config, publish_kpis="public")))
    return next(p.html for p in build_pages(ctx) if p.url == "kpis/")


def test_page_says_kaplan_meier_and_at_least():
    m = history(open_starts=[f"2026-11-2{d}T10:00:00Z" for d in range(6)], minutes=(10, 20, 30, 40))
    ctx = make_ctx(m)
    view = kpis_view(make_facts(ctx))
    tile = next(t for t in view.tiles if t.label == "Time to resolve")
    assert tile.value.startswith("at least ") and "6 still open: Kaplan-Meier" in tile.note
    assert view.open_counted == 6 and view.at_least
    html = page_html(m)
    assert "6 incidents are still open" in html and "censored at now" in html
    assert "at least 6 d 2 h" in html and "n=10, 6 still open: Kaplan-Meier" in html
    # Below the thresholds the page keeps saying so, whatever the JSON carries.
    assert "not enough data (n=10)" in html  # the p90 needs 30


def test_page_without_open_incidents_has_no_censoring_note():
    html = page_html(history(open_starts=()))
    assert "Kaplan-Meier" not in html and "still open" not in html
    assert not re.search(r"at least \d+ (s|min|h|d)\b", html)  # no figure is a bound
    assert "not enough data (n=12)" in html


def test_trend_chart_counts_open_incidents_like_the_tables():
    m = history(open_starts=[f"2026-11-2{d}T10:00:00Z" for d in range(6)], minutes=(10, 20, 30, 40))
    chart = trend_chart(make_ctx(m))
    q4 = next(r for r in chart.rows if r[0].startswith("2026-Q4"))
    assert q4[1] == "10 (6 still open)" and q4[2].startswith("at least ")
    assert "6 still open, not drawn" in chart.alt
