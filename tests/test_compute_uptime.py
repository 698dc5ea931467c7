"""Hand-computed uptime cases: DST days, weights, overlaps, maintenance, since, budgets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.compute.display import format_percent
from generator.compute.uptime import compute_uptime, uptime_json
from tests.compute_factories import config, incident, maintenance, model, service, ts, update

# ------------------------------------------------------------------ DST days


@pytest.mark.parametrize(
    ("tz", "day", "start", "minutes", "length_h"),
    [
        # Europe/Berlin springs forward on 2026-03-29: local midnight is 23:00Z, the day has 23 h.
        ("Europe/Berlin", "2026-03-29", "2026-03-29T08:00:00Z", 69, 23),
        # ... and falls back on 2026-10-25: 22:00Z to 23:00Z next day, 25 h.
        ("Europe/Berlin", "2026-10-25", "2026-10-25T08:00:00Z", 75, 25),
        # America/New_York: 2026-03-08 runs 05:00Z to 04:00Z (23 h), 2026-11-01 04:00Z to 05:00Z (25 h).
        ("America/New_York", "2026-03-08", "2026-03-08T15:00:00Z", 69, 23),
        ("America/New_York", "2026-11-01", "2026-11-01T15:00:00Z", 75, 25),
    ],
)
def test_dst_day_is_its_real_length(tz, day, start, minutes, length_h):
    begin = ts(start)
    inc = incident("i1", {"api": "major_outage"}, begin, resolved=begin + timedelta(minutes=minutes))
    mdl = model(config([service("api")], tz=tz, bars_days=3), [inc])
    now = ts(f"{date.fromisoformat(day) + timedelta(days=1)}T18:00:00Z")
    days = compute_uptime(mdl, now)["api"].days
    # minutes / (length_h * 60) is exactly 5% in every case.
    assert length_h * 60 * 0.05 == minutes
    assert days[day] == pytest.approx(95.0, abs=1e-12)
    before = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
    assert days[before] == 100.0
    assert list(days) == [before, day, (date.fromisoformat(day) + timedelta(days=1)).isoformat()]


def test_incident_across_local_midnight_on_a_dst_day():
    # 22:30Z on 28 March is 23:30 CET; local midnight is 23:00Z; the 29th is 23 h long.
    inc = incident("i1", {"api": "major_outage"}, ts("2026-03-28T22:30:00Z"), resolved=ts("2026-03-28T23:30:00Z"))
    mdl = model(config([service("api")], tz="Europe/Berlin", bars_days=3), [inc])
    up = compute_uptime(mdl, ts("2026-03-30T12:00:00Z"))["api"]
    assert up.days["2026-03-28"] == pytest.approx(100 - 100 * 30 / 1440)
    assert up.days["2026-03-29"] == pytest.approx(100 - 100 * 30 / 1380)
    assert up.day_incidents["2026-03-28"] == ("i1",)
    assert up.day_incidents["2026-03-29"] == ("i1",)
    assert up.day_incidents["2026-03-30"] == ()


def test_today_is_partial_up_to_now():
    now = ts("2026-06-10T12:00:00Z")  # 14:00 in Berlin: today has 14 h tracked
    inc = incident("i1", {"api": "major_outage"}, ts("2026-06-10T10:00:00Z"))  # open: runs to now
    up = compute_uptime(model(config([service("api")], bars_days=2), [inc]), now)["api"]
    assert up.days["2026-06-10"] == pytest.approx(100 - 100 * 120 / (14 * 60))
    assert up.windows["24h"] == pytest.approx(100 - 100 * 120 / 1440)


# ------------------------------------------------------------------ the formula


NOW = ts("2026-06-10T12:00:00Z")


def uptime_24h(incidents=(), works=(), weights=None, svc=None):
    mdl = model(config([svc or service("api")], weights=weights, tz="UTC"), incidents, works)
    return compute_uptime(mdl, NOW)["api"].windows["24h"]


def test_weights_apply_per_impact():
    inc = incident("i1", {"api": "partial_outage"}, ts("2026-06-10T01:00:00Z"), resolved=ts("2026-06-10T02:40:00Z"))
    assert uptime_24h([inc]) == pytest.approx(100 - 100 * 0.3 * 100 / 1440)
    custom = {"major_outage": 1.0, "partial_outage": 0.5, "degraded_performance": 0.1}
    assert uptime_24h([inc], weights=custom) == pytest.approx(100 - 100 * 0.5 * 100 / 1440)
    degraded = incident("i2", {"api": "degraded_performance"}, ts("2026-06-10T01:00:00Z"), resolved=ts("2026-06-10T05:00:00Z"))
    assert uptime_24h([degraded]) == 100.0


def test_worst_impact_wins_on_overlap():
    major = incident("i1", {"api": "major_outage"}, ts("2026-06-10T10:00:00Z"), resolved=ts("2026-06-10T11:00:00Z"))
    partial = incident("i2", {"api": "partial_outage"}, ts("2026-06-10T10:30:00Z"), resolved=ts("2026-06-10T12:00:00Z"))
    # 60 major minutes, then 60 partial minutes; the overlapping half hour counts once, as major.
    assert uptime_24h([major, partial]) == pytest.approx(100 - 100 * (60 + 0.3 * 60) / 1440)
    twice = incident("i3", {"api": "major_outage"}, ts("2026-06-10T10:15:00Z"), resolved=ts("2026-06-10T10:45:00Z"))
    assert uptime_24h([major, twice]) == pytest.approx(100 - 100 * 60 / 1440)


def test_impact_changes_with_updates_and_ends_at_mitigation():
    start = ts("2026-06-10T10:00:00Z")
    inc = incident(
        "i1",
        {"api": "partial_outage"},
        start,
        mitigated=ts("2026-06-10T10:50:00Z"),
        resolved=ts("2026-06-10T11:30:00Z"),
        updates=[
            update(start),
            update(ts("2026-06-10T10:20:00Z"), "identified", services={"api": "major_outage"}),
            update(ts("2026-06-10T11:30:00Z"), "resolved"),
        ],
    )
    assert uptime_24h([inc]) == pytest.approx(100 - 100 * (0.3 * 20 + 30) / 1440)


def test_maintenance_is_removed_from_both_sides():
    inc = incident("i1", {"api": "major_outage"}, ts("2026-06-10T09:30:00Z"), resolved=ts("2026-06-10T10:30:00Z"))
    work = maintenance("m1", {"api": "under_maintenance"}, ts("2026-06-10T10:00:00Z"), ts("2026-06-10T12:00:00Z"))
    assert uptime_24h([inc], [work]) == pytest.approx(100 - 100 * 30 / (1440 - 120))
    cancelled = maintenance(
        "m2", {"api": "under_maintenance"}, ts("2026-06-10T10:00:00Z"), ts("2026-06-10T12:00:00Z"), cancelled=True
    )
    assert uptime_24h([inc], [cancelled]) == pytest.approx(100 - 100 * 60 / 1440)
    other = maintenance("m3", {"web": "under_maintenance"}, ts("2026-06-10T10:00:00Z"), ts("2026-06-10T12:00:00Z"))
    assert uptime_24h([inc], [other]) == pytest.approx(100 - 100 * 60 / 1440)


def test_maintenance_updates_move_start_and_end():
    work = maintenance(
        "m1",
        {"api": "under_maintenance"},
        ts("2026-06-10T10:00:00Z"),
        ts("2026-06-10T11:00:00Z"),
        updates=[
            update(ts("2026-06-10T10:10:00Z"), "in_progress"),
            update(ts("2026-06-10T11:40:00Z"), "completed"),
        ],
    )
    inc = incident("i1", {"api": "major_outage"}, ts("2026-06-10T10:00:00Z"), resolved=ts("2026-06-10T12:00:00Z"))
    # Maintenance 10:10-11:40 (90 min); incident minutes outside it: 10 + 20.
    assert uptime_24h([inc], [work]) == pytest.approx(100 - 100 * 30 / (1440 - 90))


def test_since_clips_the_window_and_starts_at_local_midnight():
    svc = service("api", since=date(2026, 6, 10))
    cfg = config([svc], tz="Europe/Berlin", bars_days=3)  # 10 June 00:00 in Berlin is 9 June 22:00Z
    early = incident("i0", {"api": "major_outage"}, ts("2026-06-09T20:00:00Z"), resolved=ts("2026-06-09T23:00:00Z"))
    up = compute_uptime(model(cfg, [early]), NOW)["api"]
    # Tracked from 22:00Z to 12:00Z (14 h); the incident's last hour is inside it.
    assert up.windows["24h"] == pytest.approx(100 - 100 * 60 / (14 * 60))
    assert up.windows["365d"] == up.windows["24h"]
    assert up.days["2026-06-08"] is None and up.days["2026-06-09"] is None
    assert list(up.months) == ["2026-06"]
    # A --since in the middle clips further.
    later = compute_uptime(model(cfg, [early]), NOW, since=ts("2026-06-09T23:00:00Z"))["api"]
    assert later.windows["24h"] == 100.0


def test_no_tracked_time_is_none_and_no_data():
    svc = service("api", since=date(2026, 7, 1))
    up = compute_uptime(model(config([svc]), []), NOW)["api"]
    assert all(v is None for v in up.windows.values())
    assert up.months == {}
    assert format_percent(up.windows["24h"]) == "no data"
    # A window entirely under maintenance has no tracked time either.
    work = maintenance("m1", {"api": "under_maintenance"}, ts("2026-06-09T00:00:00Z"), ts("2026-06-11T00:00:00Z"))
    assert uptime_24h([], [work]) is None


def test_months_run_from_since_to_now():
    svc = service("api", since=date(2026, 3, 15))
    inc = incident("i1", {"api": "major_outage"}, ts("2026-04-10T00:00:00Z"), resolved=ts("2026-04-10T03:00:00Z"))
    up = compute_uptime(model(config([svc], tz="UTC"), [inc]), NOW)["api"]
    assert list(up.months) == ["2026-03", "2026-04", "2026-05", "2026-06"]
    assert up.months["2026-03"] == 100.0
    assert up.months["2026-04"] == pytest.approx(100 - 100 * 180 / (30 * 1440))


def test_months_without_since_start_at_the_first_record():
    inc = incident("i1", {"api": "major_outage"}, ts("2026-04-10T00:00:00Z"), resolved=ts("2026-04-10T03:00:00Z"))
    up = compute_uptime(model(config([service("api"), service("web")], tz="UTC"), [inc]), NOW)
    assert list(up["web"].months) == ["2026-04", "2026-05", "2026-06"]


def test_error_budgets():
    now = ts("2026-04-10T00:00:00Z")
    svc = service("api", slo=99.9)
    inc = incident("i1", {"api": "major_outage"}, ts("2026-04-09T10:00:00Z"), resolved=ts("2026-04-09T10:10:00Z"))
    later = maintenance("m1", {"api": "under_maintenance"}, ts("2026-04-20T00:00:00Z"), ts("2026-04-21T00:00:00Z"))
    up = compute_uptime(model(config([svc], tz="UTC"), [inc], [later]), now)["api"]
    b30 = up.budgets["30d"]
    assert b30.allowed_minutes == pytest.approx(0.001 * 30 * 1440)
    assert b30.consumed_minutes == pytest.approx(10)
    assert b30.remaining_minutes == pytest.approx(0.001 * 30 * 1440 - 10)
    # The month's allowance is the whole of April minus its (future) maintenance day.
    month = up.budgets["month"]
    assert month.allowed_minutes == pytest.approx(0.001 * (30 * 1440 - 1440))
    assert month.consumed_minutes == pytest.approx(10)
    assert up.budgets["90d"].allowed_minutes == pytest.approx(0.001 * 90 * 1440)
    no_slo = compute_uptime(model(config([service("api")], tz="UTC"), [inc]), now)["api"]
    assert no_slo.budgets == {}


def test_overspent_budget_goes_negative():
    svc = service("api", slo=99.9)
    inc = incident("i1", {"api": "major_outage"}, ts("2026-06-09T12:00:00Z"), resolved=ts("2026-06-09T14:00:00Z"))
    b = compute_uptime(model(config([svc]), [inc]), NOW)["api"].budgets["30d"]
    assert b.remaining_minutes == pytest.approx(43.2 - 120)


def test_day_incidents_and_service_filter():
    a = incident("a", {"api": "major_outage"}, ts("2026-06-09T10:00:00Z"), resolved=ts("2026-06-09T11:00:00Z"))
    b = incident("b", {"web": "partial_outage"}, ts("2026-06-09T10:00:00Z"), resolved=ts("2026-06-09T11:00:00Z"))
    c = incident("c", {"api": "degraded_performance"}, ts("2026-06-10T09:00:00Z"))  # open
    mdl = model(config([service("api"), service("web")], tz="UTC", bars_days=2), [a, b, c])
    result = compute_uptime(mdl, NOW, service_ids=["api"])
    assert list(result) == ["api"]
    assert result["api"].day_incidents == {"2026-06-09": ("a",), "2026-06-10": ("c",)}
    with pytest.raises(ValueError, match="nope"):
        compute_uptime(mdl, NOW, service_ids=["nope"])


def test_uptime_json_shape():
    svc = service("api", slo=99.9)
    inc = incident("i1", {"api": "major_outage"}, ts("2026-06-10T10:00:00Z"), resolved=ts("2026-06-10T10:30:00Z"))
    mdl = model(config([svc, service("web")], bars_days=3), [inc])
    doc = uptime_json(compute_uptime(mdl, NOW), NOW)
    assert doc["now"] == "2026-06-10T12:00:00Z"
    api = doc["services"]["api"]
    for key in ("24h", "7d", "30d", "90d", "365d", "budget_remaining_minutes_30d", "days"):
        assert key in api
    assert api["24h"] == pytest.approx(100 - 100 * 30 / 1440)
    assert list(api["days"]) == ["2026-06-08", "2026-06-09", "2026-06-10"]
    assert api["budget_remaining_minutes_30d"] == pytest.approx(43.2 - 30)
    assert doc["services"]["web"]["budget_remaining_minutes_30d"] is None


def test_ten_years_of_history():
    # Sorted once, answered per window by bisection: a large history is still exact.
    start = ts("2016-06-10T00:00:00Z")
    incidents = [
        incident(f"i{n}", {"api": "major_outage"}, start + timedelta(hours=17 * n), resolved=start + timedelta(hours=17 * n, minutes=6))
        for n in range(5200)
    ]
    mdl = model(config([service("api", slo=99.9)], tz="Europe/Berlin"), incidents)
    now = start + timedelta(hours=17 * 5200)
    up = compute_uptime(mdl, now)["api"]
    assert up.windows["365d"] == pytest.approx(100 - 100 * 6 / (17 * 60), rel=1e-3)
    assert now.date() == date(2026, 7, 11)
    assert len(up.months) == 12 * 10 + 2  # June 2016 to July 2026
    assert len(up.days) == 90


# ------------------------------------------------------------------ display rounding


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (100.0, "100.00%"),
        (99.999999, "99.99%"),
        (99.99, "99.99%"),
        (99.95, "99.95%"),
        (99.9549, "99.95%"),
        (0.0, "0.00%"),
        (None, "no data"),
    ],
)
def test_format_percent(value, shown):
    assert format_percent(value) == shown


def test_one_second_down_in_a_year_is_not_100():
    inc = incident("i1", {"api": "major_outage"}, ts("2026-06-01T00:00:00Z"), resolved=ts("2026-06-01T00:00:01Z"))
    up = compute_uptime(model(config([service("api", since=date(2025, 1, 1))]), [inc]), NOW)["api"]
    assert up.windows["365d"] < 100
    assert format_percent(up.windows["365d"]) == "99.99%"
    assert format_percent(up.windows["365d"], places=4) == "99.9999%"


@settings(max_examples=300, deadline=None)
@given(
    tracked=st.integers(1, 400 * 24 * 3600 * 10**6),
    down=st.integers(1, 10**12),
    weight=st.sampled_from((1.0, 0.3, 0.01)),
    places=st.integers(0, 4),
)
def test_percent_never_shows_100_with_downtime(tracked, down, weight, places):
    weighted = weight * min(down, tracked)
    value = max(0.0, 100.0 - 100.0 * weighted / tracked)
    shown = format_percent(value, places)
    assert not shown.startswith("100")
    assert float(shown.rstrip("%")) <= value


def test_operational_update_ends_impact_for_that_service():
    start = ts("2026-06-10T10:00:00Z")
    inc = incident(
        "i1",
        {"api": "major_outage"},
        start,
        resolved=ts("2026-06-10T11:00:00Z"),
        updates=[
            update(start),
            update(ts("2026-06-10T10:20:00Z"), "monitoring", services={"api": "operational"}),
            update(ts("2026-06-10T11:00:00Z"), "resolved"),
        ],
    )
    assert uptime_24h([inc]) == pytest.approx(100 - 100 * 20 / 1440)
