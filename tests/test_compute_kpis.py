"""KPI figures against ``statistics`` on known data, plus the process figures."""

from __future__ import annotations

import json
import random
import statistics
from datetime import date, timedelta

import pytest

from generator.compute.kpis import compute_kpis, incident_durations, incident_observations
from tests.compute_factories import action, config, incident, model, postmortem, service, ts, update

NOW = ts("2026-11-26T12:00:00Z")
SERVICES = [service("api"), service("web")]


def timed(iid, start, detect_min, ack_min, resolve_min, *, mitigate_min=None, open_=False, **kw):
    """An incident with durations in minutes: detect after start, ack and resolve after detection."""
    detected = start + timedelta(minutes=detect_min)
    acknowledged = detected + timedelta(minutes=ack_min) if ack_min is not None else None
    resolved = None if open_ else detected + timedelta(minutes=resolve_min)
    mitigated = start + timedelta(minutes=mitigate_min) if mitigate_min is not None else None
    services = kw.pop("services", {"api": "partial_outage"})
    return incident(
        iid, services, start, detected=detected, acknowledged=acknowledged, mitigated=mitigated, resolved=resolved, **kw
    )


def test_durations_of_one_incident():
    start = ts("2026-11-01T10:00:00Z")
    inc = timed("a", start, 3, 5, 60, mitigate_min=40)
    assert incident_durations(inc, NOW) == {
        "time_to_detect": 180.0,
        "time_to_acknowledge": 300.0,
        "time_to_mitigate": 2400.0,
        "time_to_resolve": 3600.0,
    }
    # mitigated_at defaults to resolved_at; an open incident has no finished resolve or mitigate time...
    assert incident_durations(timed("b", start, 3, 5, 60), NOW)["time_to_mitigate"] == (3 + 60) * 60.0
    still_open = incident_durations(timed("c", start, 3, 5, None, open_=True), NOW)
    assert still_open["time_to_resolve"] is None and still_open["time_to_mitigate"] is None
    assert still_open["time_to_acknowledge"] == 300.0
    # ... but as observations it is censored at now: at least now - detected_at, now - started_at.
    observed = incident_observations(timed("c", start, 3, 5, None, open_=True), NOW)
    assert observed["time_to_resolve"] == ((NOW - start).total_seconds() - 180.0, False)
    assert observed["time_to_mitigate"] == ((NOW - start).total_seconds(), False)
    assert observed["time_to_detect"] == (180.0, True)
    mitigated = incident_observations(timed("d", start, 3, 5, None, open_=True, mitigate_min=40), NOW)
    assert mitigated["time_to_mitigate"] == (2400.0, True) and mitigated["time_to_resolve"][1] is False


def test_overall_figures_match_statistics():
    rng = random.Random(3)
    start = ts("2026-01-05T10:00:00Z")
    incidents = []
    detect, resolve = [], []
    for n in range(34):
        d, r = rng.randint(0, 40), rng.randint(5, 600)
        incidents.append(timed(f"i{n:02d}", start + timedelta(days=7 * n), d, rng.randint(0, 30), r))
        detect.append(d * 60.0)
        resolve.append(r * 60.0)
    kpis = compute_kpis(model(config(SERVICES), incidents), NOW)
    overall = kpis["overall"]
    assert overall["volume"] == 34 and overall["open"] == 0
    ttd, ttr = overall["time_to_detect"], overall["time_to_resolve"]
    assert ttd["n"] == 34 and ttr["n"] == 34
    assert ttr["estimator"] == "exact" and ttr["censored"] == 0
    assert ttd["median"] == statistics.median(detect)
    assert ttd["p90"] == statistics.quantiles(detect, n=10, method="inclusive")[8]
    assert ttd["mean"] == pytest.approx(statistics.fmean(detect))
    assert ttr["median"] == statistics.median(resolve)
    assert ttr["p90"] == statistics.quantiles(resolve, n=100, method="inclusive")[89]
    low, high = ttr["ci95"]
    assert low <= ttr["median"] <= high
    low, high = ttr["p90_ci95"]
    assert low <= ttr["p90"] <= high
    # Deterministic: the same input gives the same document, byte for byte.
    again = compute_kpis(model(config(SERVICES), list(reversed(incidents))), NOW)
    assert json.dumps(again, sort_keys=True) == json.dumps(kpis, sort_keys=True)


def test_not_enough_data_is_null_with_n():
    start = ts("2026-11-02T10:00:00Z")
    incidents = [timed(f"i{n}", start + timedelta(hours=n), 2, 3, 30) for n in range(3)]
    fig = compute_kpis(model(config(SERVICES), incidents), NOW)["overall"]["time_to_resolve"]
    assert fig["n"] == 3
    # Below the threshold the figures are numbers, flagged as not shown on the page.
    assert fig["median"] == fig["p90"] == fig["mean"] == 1800.0 and fig["ci95"] == [1800.0, 1800.0]
    assert fig["shown"] == {"median": False, "p90": False}
    empty = compute_kpis(model(config(SERVICES), []), NOW)
    ttd = empty["overall"]["time_to_detect"]
    assert (ttd["n"], ttd["median"], ttd["p90"], ttd["mean"], ttd["ci95"], ttd["p90_ci95"]) == (0, None, None, None, None, None)
    assert empty["quarter"] == {} and empty["changes"] == []


def test_groups_by_highest_severity_each_service_category_and_local_quarter():
    start = ts("2025-12-31T23:30:00Z")  # already 2026 in Berlin
    escalated = timed(
        "esc",
        start,
        1,
        1,
        10,
        severity="SEV-3",
        services={"api": "major_outage", "web": "degraded_performance"},
        category=None,
        updates=[update(start), update(start + timedelta(minutes=5), "identified", severity="SEV-1")],
    )
    plain = timed("plain", ts("2026-05-01T10:00:00Z"), 1, 1, 10, severity="SEV-2", category="network")
    kpis = compute_kpis(model(config(SERVICES), [escalated, plain]), NOW)
    assert kpis["severity"]["SEV-1"]["volume"] == 1
    assert kpis["severity"]["SEV-2"]["volume"] == 1
    assert kpis["severity"]["SEV-3"]["volume"] == 0
    assert list(kpis["severity"]) == ["SEV-1", "SEV-2", "SEV-3", "SEV-4"]
    assert kpis["service"]["api"]["volume"] == 2 and kpis["service"]["web"]["volume"] == 1
    assert kpis["category"]["network"]["volume"] == 1
    assert kpis["category"]["uncategorised"]["volume"] == 1
    assert kpis["category"]["deploy"]["volume"] == 0
    assert list(kpis["quarter"]) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert [kpis["quarter"][q]["volume"] for q in kpis["quarter"]] == [1, 1, 0, 0]


def test_since_and_service_filters():
    a = timed("a", ts("2026-03-01T10:00:00Z"), 1, 1, 10)
    b = timed("b", ts("2026-06-01T10:00:00Z"), 1, 1, 10, services={"web": "major_outage"})
    mdl = model(config(SERVICES), [a, b])
    assert compute_kpis(mdl, NOW, since=ts("2026-04-01T00:00:00Z"))["overall"]["volume"] == 1
    only_api = compute_kpis(mdl, NOW, service_ids=["api"])
    assert only_api["overall"]["volume"] == 1 and list(only_api["service"]) == ["api"]
    with pytest.raises(ValueError):
        compute_kpis(mdl, NOW, service_ids=["nope"])


def quarter_incidents(prefix, quarter_start, resolve_minutes):
    return [
        timed(f"{prefix}{n:02d}", quarter_start + timedelta(days=2 * n, hours=1), 5, 2, minutes)
        for n, minutes in enumerate(resolve_minutes)
    ]


def test_quarter_changes_noise_versus_clear():
    rng = random.Random(21)
    q1 = quarter_incidents("a", ts("2026-01-05T00:00:00Z"), [rng.randint(20, 400) for _ in range(20)])
    # Q2: same process, slightly different draws: medians differ, the test says noise.
    q2 = quarter_incidents("b", ts("2026-04-05T00:00:00Z"), [rng.randint(20, 380) for _ in range(20)])
    # Q3: resolution became much faster.
    q3 = quarter_incidents("c", ts("2026-07-05T00:00:00Z"), [rng.randint(5, 30) for _ in range(20)])
    # Q4: only three incidents.
    q4 = quarter_incidents("d", ts("2026-10-05T00:00:00Z"), [500, 600, 700])
    kpis = compute_kpis(model(config(SERVICES), q1 + q2 + q3 + q4), NOW)
    changes = {(c["from"], c["to"], c["metric"]): c for c in kpis["changes"]}
    noisy = changes[("2026-Q1", "2026-Q2", "time_to_resolve")]
    assert noisy["median_from"] != noisy["median_to"]
    assert noisy["verdict"] == "no detectable change" and noisy["p_value"] >= 0.05
    clear = changes[("2026-Q2", "2026-Q3", "time_to_resolve")]
    assert clear["verdict"] == "better" and clear["p_value"] < 0.05
    assert "Mann-Whitney" in clear["test"]
    # Detection time is identical (5 min) in every quarter: no change.
    assert changes[("2026-Q2", "2026-Q3", "time_to_detect")]["verdict"] == "no detectable change"
    assert changes[("2026-Q3", "2026-Q4", "time_to_resolve")]["verdict"] == "not enough data"
    # Slower is "worse".
    reverse = compute_kpis(model(config(SERVICES), q3 + [
        timed(f"s{n}", ts("2026-10-05T00:00:00Z") + timedelta(days=n), 5, 2, 300 + n) for n in range(15)
    ]), NOW)
    worse = [c for c in reverse["changes"] if c["to"] == "2026-Q4" and c["metric"] == "time_to_resolve"]
    assert worse[0]["verdict"] == "worse"


def test_response_target_compliance():
    monday = ts("2026-11-02T09:00:00Z")  # Monday, 10:00 in Berlin
    friday = ts("2026-11-06T15:00:00Z")
    incidents = [
        timed("s1-ok", monday, 0, 60, 90, severity="SEV-1"),  # exactly on the 1 h target: met
        timed("s1-late", monday, 0, 61, 90, severity="SEV-1"),
        timed("s1-never", monday, 0, None, None, severity="SEV-1", open_=True),  # past deadline: missed
        timed("s4-ok", friday, 0, 3 * 24 * 60 + 7 * 60, 5000, severity="SEV-4"),  # Monday 23:00 Berlin = 22:00Z
        timed("s4-late", friday, 0, 3 * 24 * 60 + 8 * 60 + 1, 5000, severity="SEV-4"),  # after Monday ends
        timed("s3-wait", ts("2026-11-26T11:00:00Z"), 0, None, None, severity="SEV-3", open_=True),  # pending
    ]
    targets = compute_kpis(model(config(SERVICES), incidents), NOW)["response_targets"]
    assert targets["SEV-1"] == {
        "target": "1 h", "target_seconds": 3600.0, "n": 3, "met": 1, "missed": 2, "pending": 0, "unknown": 0,
            "share_met": 1 / 3
    }
    assert targets["SEV-4"]["target"] == "next business day"
    assert (targets["SEV-4"]["met"], targets["SEV-4"]["missed"]) == (1, 1)
    assert targets["SEV-3"]["pending"] == 1 and targets["SEV-3"]["share_met"] is None


def test_customer_reported_share():
    start = ts("2026-11-02T09:00:00Z")
    incidents = [
        timed("a", start, 1, 1, 5, detection="customer_report"),
        timed("b", start, 1, 1, 5, detection="alert"),
        timed("c", start, 1, 1, 5, detection="synthetic"),
        timed("d", start, 1, 1, 5, detection="customer_report"),
    ]
    share = compute_kpis(model(config(SERVICES), incidents), NOW)["overall"]["customer_reported"]
    assert share == {"n": 4, "count": 2, "share": 0.5}


def test_postmortem_figures_and_action_items():
    start = ts("2026-10-01T10:00:00Z")
    sev1 = timed("sev1", start, 1, 1, 60, severity="SEV-1")  # resolved 11:01
    sev2 = timed("sev2", start + timedelta(days=1), 1, 1, 60, severity="SEV-2")
    late = timed("late", start + timedelta(days=2), 45, 1, 60)  # detected after 45 min > 30 min
    quiet = timed("quiet", start + timedelta(days=3), 1, 1, 60)  # SEV-3, nothing notable
    open_sev1 = timed("open", ts("2026-11-26T10:00:00Z"), 1, 1, None, severity="SEV-1", open_=True)
    # One post-mortem covers sev1 and sev2: time to publish runs from sev2's resolution.
    pm = postmortem(
        "pm1",
        ["sev1", "sev2"],
        published=sev2.resolved_at + timedelta(days=3),
        actions=[
            action("open", due=date(2026, 11, 25)),  # overdue
            action("in_progress", due=date(2026, 11, 26)),  # due today: not overdue
            action("done", due=date(2026, 10, 1)),
            action("wont_do"),
        ],
    )
    draft = postmortem("pm2", ["late"], status="draft", actions=[action("open", due=date(2026, 12, 1))])
    kpis = compute_kpis(model(config(SERVICES), [sev1, sev2, late, quiet, open_sev1], postmortems=[pm, draft]), NOW)
    pms = kpis["postmortems"]
    assert (pms["required"], pms["published"], pms["overdue"], pms["pending"]) == (3, 2, 1, 0)
    # Published 3 days after sev2 resolved: within SEV-1's 5 days counted from sev1's resolution.
    assert pms["published_late"] == 0
    assert pms["completion_rate"] == pytest.approx(2 / 3)
    assert pms["open_incidents_meeting_policy"] == 1
    assert pms["reasons"]["severity"] == 2 and pms["reasons"]["late_detection"] == 1
    assert pms["time_to_publish"]["n"] == 1 and pms["time_to_publish"]["mean"] == 3 * 86400
    assert kpis["action_items"] == {"open": 2, "in_progress": 1, "done": 1, "wont_do": 1, "overdue": 1, "total": 5}


def test_kpis_json_serialisable_and_has_spec_keys():
    start = ts("2026-02-01T10:00:00Z")
    incidents = [timed(f"i{n}", start + timedelta(days=n), 2, 3, 30 + n) for n in range(12)]
    kpis = compute_kpis(model(config(SERVICES), incidents), NOW)
    json.dumps(kpis, allow_nan=False)
    for group in ("overall", "severity", "service", "category", "quarter"):
        assert group in kpis
    fig = kpis["overall"]
    for metric in ("time_to_detect", "time_to_acknowledge", "time_to_resolve", "time_to_mitigate"):
        assert set(fig[metric]) >= {"n", "median", "p90", "mean", "ci95"}
    assert fig["volume"] == 12
    assert fig["time_to_resolve"]["median"] == statistics.median([(30 + n) * 60.0 for n in range(12)])


def test_late_publication_counts_as_published_late():
    sev1 = timed("sev1", ts("2026-10-01T10:00:00Z"), 1, 1, 60, severity="SEV-1")
    pm = postmortem("pm", ["sev1"], published=sev1.resolved_at + timedelta(days=6))  # due after 5 days
    pms = compute_kpis(model(config(SERVICES), [sev1], postmortems=[pm]), NOW)["postmortems"]
    assert (pms["required"], pms["published"], pms["published_late"], pms["overdue"]) == (1, 1, 1, 0)
    assert pms["completion_rate"] == 1.0
    assert pms["time_to_publish"]["mean"] == 6 * 86400
