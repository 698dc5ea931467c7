"""The post-mortem policy as one pure predicate (used by KPIs and by the validator).

A post-mortem is required when any of these holds:

- ``severity``: the highest severity the incident reached is in ``postmortems.required_for``;
- ``novel``: the incident is marked ``novel: true`` (a new failure mode);
- ``late_detection``: time to detect (detected - started) is over ``postmortems.late_detection``;
- ``customer_report``: customers told us first (``detection: customer_report``);
- ``long_major_outage``: some service was in ``major_outage`` for one continuous stretch
  longer than ``postmortems.long_major_outage``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from generator.model import Config, Incident
from generator.timeparse import format_duration

REASON_CODES = ("severity", "novel", "late_detection", "customer_report", "long_major_outage")


def longest_major_outage(incident: Incident, now: datetime | None = None) -> tuple[str | None, timedelta]:
    """The service with the longest continuous major outage, and its length.

    An open incident's impact runs to ``now``; without ``now`` it is measured
    up to its latest update (what is known for sure).
    """
    until = now if now is not None else incident.last_update_at
    best: tuple[str | None, timedelta] = (None, timedelta(0))
    for sid, pieces in incident.impact_segments(until).items():
        run_start: datetime | None = None
        run_end: datetime | None = None
        for start, end, impact in pieces:
            if impact != "major_outage":
                continue
            if run_end is not None and start == run_end:
                run_end = end
            else:
                run_start, run_end = start, end
            assert run_start is not None and run_end is not None  # both set just above
            if run_end - run_start > best[1]:
                best = (sid, run_end - run_start)
    return best


def postmortem_triggers(incident: Incident, config: Config, now: datetime | None = None) -> list[tuple[str, str]]:
    """``(code, explanation)`` for each policy rule the incident meets, in REASON_CODES order."""
    policy = config.postmortems
    out: list[tuple[str, str]] = []
    severity = incident.max_severity
    if severity in policy.required_for:
        out.append(("severity", f"severity {severity} is in postmortems.required_for"))
    if incident.novel:
        out.append(("novel", "a novel failure mode (novel: true)"))
    detect = incident.detected_at - incident.started_at if incident.detected_at is not None else None
    if detect is not None and detect > policy.late_detection:
        out.append(
            (
                "late_detection",
                f"detected {format_duration(detect)} after it started "
                f"(over postmortems.late_detection, {format_duration(policy.late_detection)})",
            )
        )
    if incident.detection == "customer_report":
        out.append(("customer_report", "first reported by a customer (detection: customer_report)"))
    sid, longest = longest_major_outage(incident, now)
    if sid is not None and longest > policy.long_major_outage:
        out.append(
            (
                "long_major_outage",
                f"major outage of {sid} for {format_duration(longest)} "
                f"(over postmortems.long_major_outage, {format_duration(policy.long_major_outage)})",
            )
        )
    return out


def postmortem_required(incident: Incident, config: Config, now: datetime | None = None) -> list[str]:
    """Why this incident needs a post-mortem; an empty list means it does not."""
    return [text for _, text in postmortem_triggers(incident, config, now)]


def postmortem_due(incident: Incident, config: Config) -> datetime | None:
    """When the post-mortem is due: ``due_days`` (by highest severity) after resolution."""
    if incident.resolved_at is None:
        return None
    return incident.resolved_at + timedelta(days=config.postmortems.due_days_for(incident.max_severity))
