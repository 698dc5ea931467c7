"""``statuspress uptime`` and ``statuspress kpis`` on a small real repository."""

from __future__ import annotations

import csv
import io
import json
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

NOW = "2026-06-10T12:00:00Z"
CONFIG = """\
site: {name: Numbers Status, url: https://status.numbers.example/, timezone: UTC, description: Test}
services:
  - {id: api, name: Public API, group: Core, description: REST API, slo: 99.9, since: 2026-01-01}
  - {id: web, name: Website, group: Web, description: Web app}
severities:
  SEV-1: {label: Critical, response_target: 1h}
  SEV-2: {label: Major, response_target: 4h}
  SEV-3: {label: Moderate, response_target: 24h}
  SEV-4: {label: Low, response_target: next_business_day}
categories: [deploy, configuration, capacity, network, database, dependency, security, hardware, other]
uptime: {weights: {major_outage: 1.0, partial_outage: 0.3, degraded_performance: 0.0}, bars_days: 7}
postmortems: {required_for: [SEV-1], due_days: {SEV-1: 5, default: 15}, late_detection: 30m, long_major_outage: 60m}
publish: {kpis: internal}
"""


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def incident_file(start: datetime, resolve_min: int, service: str = "api", impact: str = "partial_outage") -> str:
    detected = start + timedelta(minutes=2)
    acknowledged = detected + timedelta(minutes=3)
    resolved = detected + timedelta(minutes=resolve_min)
    return f"""---
title: Errors on {service}
severity: SEV-3
services: {{{service}: {impact}}}
started_at: {stamp(start)}
detected_at: {stamp(detected)}
acknowledged_at: {stamp(acknowledged)}
resolved_at: {stamp(resolved)}
detection: alert
reported_by: alertmanager
category: deploy
updates:
  - at: {stamp(acknowledged)}
    status: identified
    message: We found the cause.
  - at: {stamp(resolved)}
    status: resolved
    message: Fixed.
---
"""


# Twelve resolved partial API outages in spring: time to resolve 10, 20, ... 120 minutes after detection.
RESOLVE_MINUTES = [10 * (n + 1) for n in range(12)]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "site_config.yml").write_text(CONFIG, encoding="utf-8")
    folder = tmp_path / "content" / "incidents"
    folder.mkdir(parents=True)
    for n, minutes in enumerate(RESOLVE_MINUTES):
        start = datetime(2026, 3, 2, 10, 0, tzinfo=UTC) + timedelta(days=3 * n)
        (folder / f"{start:%Y-%m-%d}-spring-{n}.md").write_text(incident_file(start, minutes), encoding="utf-8")
    # Today: the API is down from 10:00 to 10:30 (2 + 28 minutes); the website degraded for 7 minutes.
    (folder / "2026-06-10-api-down.md").write_text(
        incident_file(datetime(2026, 6, 10, 10, 0, tzinfo=UTC), 28, impact="major_outage"), encoding="utf-8"
    )
    (folder / "2026-06-10-web-slow.md").write_text(
        incident_file(datetime(2026, 6, 10, 11, 0, tzinfo=UTC), 5, "web", "degraded_performance"), encoding="utf-8"
    )
    for sub in ("maintenance", "postmortems"):
        (tmp_path / "content" / sub).mkdir()
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_repository_is_valid(repo):
    code, out, _ = run("validate", "--root", str(repo), "--now", NOW)
    assert code == 0, out


def test_uptime_json_is_the_spec_shape(repo):
    code, out, _ = run("uptime", "--root", str(repo), "--now", NOW, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["now"] == NOW
    api = doc["services"]["api"]
    assert api["24h"] == pytest.approx(100 - 100 * 30 / 1440)
    assert api["7d"] == pytest.approx(100 - 100 * 30 / (7 * 1440))
    assert api["budget_remaining_minutes_30d"] == pytest.approx(0.001 * 30 * 1440 - 30)
    assert list(api["days"]) == [f"2026-06-{d:02d}" for d in range(4, 11)]
    assert api["days"]["2026-06-10"] == pytest.approx(100 - 100 * 30 / 720)  # 12 h of today so far
    # degraded_performance weighs 0: the website was slow but up; it has no SLO, so no budget.
    assert doc["services"]["web"]["24h"] == 100.0
    assert doc["services"]["web"]["budget_remaining_minutes_30d"] is None
    # The api's since (1 January) clips the year window: 161 days of 2026 so far.
    tracked = (datetime(2026, 6, 10, 12, tzinfo=UTC) - datetime(2026, 1, 1, tzinfo=UTC)).total_seconds() / 60
    down = 30 + 0.3 * sum(2 + m for m in RESOLVE_MINUTES)
    assert api["365d"] == pytest.approx(100 - 100 * down / tracked)


def test_uptime_table_is_readable_and_rounds_down(repo):
    code, out, _ = run("uptime", "--root", str(repo), "--now", NOW)
    assert code == 0
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("service"))
    api = next(line for line in lines if line.startswith("api "))
    assert "97.91%" in api  # 97.916...% rounded down
    assert "13 min left of 43 min" in api  # 43.2 allowed - 30 used, shown in whole minutes
    assert "no SLO" in next(line for line in lines if line.startswith("web "))
    # Columns line up: "24h" is right-aligned above the value.
    assert header.index("24h") + 3 == api.index("97.91%") + len("97.91%")


def test_uptime_days_and_months_tables(repo):
    code, out, _ = run("uptime", "--root", str(repo), "--now", NOW, "--by", "days")
    assert code == 0
    today = next(line for line in out.splitlines() if line.startswith("2026-06-10"))
    assert "2026-06-10-api-down" in today and "2026-06-10-web-slow" in today
    code, out, _ = run("uptime", "--root", str(repo), "--now", NOW, "--by", "months", "--service", "api")
    assert [line.split()[0] for line in out.splitlines() if line.startswith("2026-")] == [
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"
    ]


def test_uptime_csv_one_row_per_service_and_window(repo):
    code, out, _ = run("uptime", "--root", str(repo), "--now", NOW, "--format", "csv", "--service", "api")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    keys = [(r["service"], r["window"]) for r in rows]
    assert len(keys) == len(set(keys))
    assert {r["service"] for r in rows} == {"api"}
    by_window = {r["window"]: r for r in rows}
    assert float(by_window["24h"]["uptime_percent"]) == pytest.approx(100 - 100 * 30 / 1440)
    assert float(by_window["30d"]["budget_consumed_minutes"]) == pytest.approx(30)
    assert by_window["2026-06"]["kind"] == "month" and by_window["2026-06"]["budget_allowed_minutes"]
    assert by_window["2026-06-04"]["kind"] == "day"


def test_since_option_clips(repo):
    code, out, _ = run("uptime", "--root", str(repo), "--now", NOW, "--format", "json", "--since", "2026-06-10T10:15:00Z")
    assert json.loads(out)["services"]["api"]["24h"] == pytest.approx(100 - 100 * 15 / 105)


def test_kpis_json_matches_statistics(repo):
    code, out, _ = run("kpis", "--root", str(repo), "--now", NOW, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    ttr = doc["overall"]["time_to_resolve"]
    values = [m * 60.0 for m in RESOLVE_MINUTES + [28, 5]]
    assert ttr["n"] == 14
    assert ttr["median"] == statistics.median(values)
    # n < 30: the p90 is still a number, flagged as below the page's threshold.
    assert ttr["p90"] == statistics.quantiles(values, n=10, method="inclusive")[8]
    assert ttr["shown"] == {"median": True, "p90": False}
    assert ttr["censored"] == 0 and ttr["unknown"] == 0 and ttr["estimator"] == "exact"
    assert ttr["mean"] == pytest.approx(statistics.fmean(values))
    assert doc["overall"]["time_to_detect"]["median"] == 120.0
    web = doc["service"]["web"]["time_to_resolve"]
    assert (web["n"], web["median"], web["p90"], web["mean"], web["ci95"]) == (1, 300.0, 300.0, 300.0, [300.0, 300.0])
    assert web["shown"] == {"median": False, "p90": False}
    assert doc["quarter"]["2026-Q1"]["volume"] == 10 and doc["quarter"]["2026-Q2"]["volume"] == 4
    assert doc["response_targets"]["SEV-3"]["met"] == 14


def test_kpis_table_says_not_enough_data(repo):
    code, out, _ = run("kpis", "--root", str(repo), "--now", NOW, "--by", "service")
    assert code == 0
    assert "By service" in out and "By severity" not in out
    assert "not enough data (n=1)" in out
    overall = next(line for line in out.splitlines() if line.startswith("time to resolve"))
    assert "55 min" in overall  # 5, 10, 20, 28, 30, 40, 50 | 60, ... 120 minutes: (50 + 60) / 2
    assert "not enough data (n=14)" in overall  # the p90 needs 30


def test_kpis_csv_rows_are_unique(repo):
    code, out, _ = run("kpis", "--root", str(repo), "--now", NOW, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    keys = [(r["group"], r["key"], r["metric"]) for r in rows]
    assert len(keys) == len(set(keys))
    ttr = next(r for r in rows if r["group"] == "overall" and r["metric"] == "time_to_resolve")
    assert float(ttr["median"]) == statistics.median(m * 60.0 for m in RESOLVE_MINUTES + [28, 5])
    web = next(r for r in rows if r["group"] == "service" and r["key"] == "web" and r["metric"] == "time_to_resolve")
    assert web["note"] == "not enough data (n=1)" and float(web["median"]) == 300.0
    assert (web["median_shown"], web["p90_shown"], web["censored"], web["estimator"]) == ("False", "False", "0", "exact")


def test_output_is_deterministic(repo):
    first = run("kpis", "--root", str(repo), "--now", NOW, "--format", "json")
    second = run("kpis", "--root", str(repo), "--now", NOW, "--format", "json")
    assert first == second


def test_errors_are_printed_and_exit_1(repo):
    broken = repo / "content" / "incidents" / "2026-06-01-broken.md"
    broken.write_text(incident_file(datetime(2026, 6, 1, 10, tzinfo=UTC), 5).replace("Z\n", "\n", 1), encoding="utf-8")
    for command in ("uptime", "kpis"):
        code, out, err = run(command, "--root", str(repo), "--now", NOW)
        assert code == 1
        assert "content/incidents/2026-06-01-broken.md:5" in err
        assert out == ""


def test_unknown_service_is_a_usage_error(repo):
    result = CliRunner().invoke(main, ["uptime", "--root", str(repo), "--now", NOW, "--service", "nope"])
    assert result.exit_code == 2
    assert "unknown service 'nope'" in result.stderr and "api, web" in result.stderr


@pytest.mark.parametrize("command", ["uptime", "kpis"])
def test_help_has_an_example(command):
    code, out, _ = run(command, "--help")
    assert code == 0
    assert "Example:" in out and f"statuspress {command} " in out
