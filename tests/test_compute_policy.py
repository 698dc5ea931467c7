"""The post-mortem policy predicate (shared with the validator)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from generator.compute.policy import (
    longest_major_outage,
    postmortem_due,
    postmortem_required,
    postmortem_triggers,
)
from tests.compute_factories import config, incident, ts, update

START = ts("2026-03-14T09:00:00Z")
CFG = config()


def make(**kw):
    services = kw.pop("services", {"api": "partial_outage"})
    resolved = kw.pop("resolved", START + timedelta(minutes=30))
    return incident("i", services, START, resolved=resolved, **kw)


def codes(inc, cfg=CFG, now=None):
    return [code for code, _ in postmortem_triggers(inc, cfg, now)]


def test_quiet_incident_needs_none():
    assert postmortem_required(make(), CFG) == []


@pytest.mark.parametrize("severity", ["SEV-1", "SEV-2"])
def test_severity_in_required_for(severity):
    reasons = postmortem_required(make(severity=severity), CFG)
    assert reasons == [f"severity {severity} is in postmortems.required_for"]


def test_escalation_counts_as_highest_severity():
    inc = make(updates=[update(START), update(START + timedelta(minutes=5), "identified", severity="SEV-2")])
    assert codes(inc) == ["severity"]
    assert codes(make(severity="SEV-1"), config(required_for=("SEV-1",))) == ["severity"]
    assert codes(make(severity="SEV-2"), config(required_for=("SEV-1",))) == []


def test_novel_and_customer_report():
    assert codes(make(novel=True)) == ["novel"]
    assert codes(make(detection="customer_report")) == ["customer_report"]


def test_late_detection_is_strictly_over_the_threshold():
    assert codes(make(detected=START + timedelta(minutes=30))) == []
    late = make(detected=START + timedelta(minutes=31))
    assert codes(late) == ["late_detection"]
    assert "31 min" in postmortem_required(late, CFG)[0]


def test_long_major_outage_is_one_continuous_stretch():
    long = make(services={"api": "major_outage"}, resolved=START + timedelta(minutes=61))
    assert codes(long) == ["long_major_outage"]
    assert codes(make(services={"api": "major_outage"}, resolved=START + timedelta(minutes=60))) == []
    # 40 min major, 20 min partial, 40 min major: never 60 min at a stretch.
    split = make(
        services={"api": "major_outage"},
        resolved=START + timedelta(minutes=100),
        updates=[
            update(START),
            update(START + timedelta(minutes=40), "identified", services={"api": "partial_outage"}),
            update(START + timedelta(minutes=60), "identified", services={"api": "major_outage"}),
            update(START + timedelta(minutes=100), "resolved"),
        ],
    )
    assert longest_major_outage(split) == ("api", timedelta(minutes=40))
    assert codes(split) == []


def test_open_major_outage_runs_to_now_when_given():
    inc = incident("o", {"api": "major_outage"}, START, updates=[update(START), update(START + timedelta(minutes=20))])
    assert codes(inc) == []  # known for sure: 20 minutes so far
    assert codes(inc, now=START + timedelta(minutes=90)) == ["long_major_outage"]


def test_several_reasons_in_a_stable_order():
    inc = make(severity="SEV-1", novel=True, detection="customer_report", detected=START + timedelta(hours=1))
    assert codes(inc) == ["severity", "novel", "late_detection", "customer_report"]


def test_due_date_by_highest_severity():
    assert postmortem_due(make(severity="SEV-1"), CFG) == START + timedelta(minutes=30, days=5)
    assert postmortem_due(make(severity="SEV-3"), CFG) == START + timedelta(minutes=30, days=15)
    assert postmortem_due(incident("o", {"api": "major_outage"}, START), CFG) is None
