"""Current status per service and overall, in Statuspage's words."""

from __future__ import annotations

import pytest

from generator.compute.status import impacts_at, overall_status, service_statuses, status_indicator
from tests.compute_factories import config, incident, maintenance, model, service, ts, update

NOW = ts("2026-11-26T12:00:00Z")
SERVICES = [service("api"), service("web"), service("db")]


def statuses(incidents=(), works=(), now=NOW):
    return service_statuses(model(config(SERVICES), incidents, works), now)


def test_all_operational_without_incidents():
    got = statuses()
    assert got == {"api": "operational", "web": "operational", "db": "operational"}
    assert overall_status(got) == "operational"
    assert status_indicator("operational") == ("none", "All Systems Operational")


def test_open_incident_impact_as_of_its_latest_update():
    start = ts("2026-11-26T10:00:00Z")
    inc = incident(
        "i1",
        {"api": "major_outage", "web": "degraded_performance"},
        start,
        updates=[update(start), update(ts("2026-11-26T11:00:00Z"), "identified", services={"api": "partial_outage"})],
    )
    got = statuses([inc])
    assert got == {"api": "partial_outage", "web": "degraded_performance", "db": "operational"}
    assert overall_status(got) == "partial_outage"
    assert status_indicator(overall_status(got)) == ("major", "Partial System Outage")
    # Before that update, as of an earlier now, the API was in a major outage.
    earlier = statuses([inc], now=ts("2026-11-26T10:30:00Z"))
    assert earlier["api"] == "major_outage"
    assert status_indicator(overall_status(earlier)) == ("critical", "Major System Outage")


def test_resolved_mitigated_and_future_incidents_do_not_count():
    resolved = incident("r", {"api": "major_outage"}, ts("2026-11-26T08:00:00Z"), resolved=ts("2026-11-26T09:00:00Z"))
    mitigated = incident("m", {"web": "major_outage"}, ts("2026-11-26T08:00:00Z"), mitigated=ts("2026-11-26T09:00:00Z"))
    future = incident("f", {"db": "major_outage"}, ts("2026-11-26T13:00:00Z"))
    assert overall_status(statuses([resolved, mitigated, future])) == "operational"
    # With a --now before the resolution, the same incident is open.
    assert statuses([resolved], now=ts("2026-11-26T08:30:00Z"))["api"] == "major_outage"
    assert impacts_at(resolved, ts("2026-11-26T08:30:00Z")) == {"api": "major_outage"}


def test_worst_of_several_incidents_wins():
    a = incident("a", {"api": "degraded_performance"}, ts("2026-11-26T08:00:00Z"))
    b = incident("b", {"api": "major_outage"}, ts("2026-11-26T09:00:00Z"))
    c = incident("c", {"api": "partial_outage"}, ts("2026-11-26T10:00:00Z"))
    assert statuses([a, b, c])["api"] == "major_outage"


def test_maintenance_in_progress_and_precedence():
    work = maintenance(
        "m1", {"db": "under_maintenance", "web": "degraded_performance"}, ts("2026-11-26T11:00:00Z"), ts("2026-11-26T13:00:00Z")
    )
    got = statuses(works=[work])
    assert got == {"api": "operational", "web": "degraded_performance", "db": "under_maintenance"}
    assert status_indicator(overall_status({"db": "under_maintenance"})) == ("maintenance", "Service Under Maintenance")
    # An incident during maintenance is not hidden behind "under maintenance".
    inc = incident("i1", {"db": "partial_outage"}, ts("2026-11-26T11:30:00Z"))
    assert statuses([inc], [work])["db"] == "partial_outage"
    # An outage elsewhere outranks maintenance in the overall status.
    assert overall_status({"db": "under_maintenance", "api": "degraded_performance"}) == "degraded_performance"


@pytest.mark.parametrize(
    ("updates", "cancelled", "expected"),
    [
        ((), False, "under_maintenance"),
        ((), True, "operational"),
        ((("2026-11-26T11:50:00Z", "completed"),), False, "operational"),
        ((("2026-11-26T11:50:00Z", "verifying"),), False, "under_maintenance"),
    ],
)
def test_maintenance_state_follows_updates(updates, cancelled, expected):
    work = maintenance(
        "m1",
        {"api": "under_maintenance"},
        ts("2026-11-26T11:00:00Z"),
        ts("2026-11-26T13:00:00Z"),
        cancelled=cancelled,
        updates=[update(ts(at), status) for at, status in updates],
    )
    assert statuses(works=[work])["api"] == expected


def test_unknown_services_are_ignored_and_all_configured_are_listed():
    inc = incident("i1", {"ghost": "major_outage"}, ts("2026-11-26T10:00:00Z"))
    got = statuses([inc])
    assert set(got) == {"api", "web", "db"}
    assert overall_status(got) == "operational"
    assert overall_status({}) == "operational"


def test_update_can_mark_one_service_operational():
    start = ts("2026-11-26T10:00:00Z")
    inc = incident(
        "i1",
        {"api": "major_outage", "web": "major_outage"},
        start,
        updates=[update(start), update(ts("2026-11-26T11:00:00Z"), "monitoring", services={"web": "operational"})],
    )
    assert statuses([inc]) == {"api": "major_outage", "web": "operational", "db": "operational"}
