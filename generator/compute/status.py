"""Current status per service and overall, in Statuspage's words.

Order of precedence (worst last): operational, under_maintenance,
degraded_performance, partial_outage, major_outage. An open incident's impact
outranks maintenance, so a real problem during planned work is never hidden
behind "under maintenance"; maintenance still shows when nothing is broken.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from generator.model import IMPACTS, Incident, Maintenance, Model

STATUS_RANK = {
    "operational": 0,
    "under_maintenance": 1,
    "degraded_performance": 2,
    "partial_outage": 3,
    "major_outage": 4,
}

_INDICATORS = {
    "operational": ("none", "All Systems Operational"),
    "under_maintenance": ("maintenance", "Service Under Maintenance"),
    "degraded_performance": ("minor", "Minor Service Outage"),
    "partial_outage": ("major", "Partial System Outage"),
    "major_outage": ("critical", "Major System Outage"),
}

ACTIVE_MAINTENANCE_STATES = ("in_progress", "verifying")


def worst_status(statuses: list[str] | tuple[str, ...]) -> str:
    return max(statuses, key=lambda s: STATUS_RANK.get(s, 0), default="operational")


def is_open_at(incident: Incident, now: datetime) -> bool:
    """Started, and not yet resolved, as of ``now``."""
    if incident.started_at > now:
        return False
    if incident.resolved_at is not None and incident.resolved_at <= now:
        return False
    seen = [u for u in incident.updates if u.at <= now]
    return not (seen and seen[-1].status == "resolved")


def impacts_at(incident: Incident, now: datetime) -> dict[str, str]:
    """Service id -> impact the incident has at ``now`` (empty once resolved or mitigated).

    Impact changes come from updates at or before ``now``; customer impact
    ends at ``mitigated_at`` even while the incident stays open (monitoring).
    """
    if not is_open_at(incident, now):
        return {}
    if incident.mitigated_at is not None and incident.mitigated_at <= now:
        return {}
    current = dict(incident.services)
    for update in incident.updates:
        if update.at <= now:
            current.update(update.services)
    return {sid: impact for sid, impact in current.items() if impact in IMPACTS}


def maintenance_statuses_at(item: Maintenance, now: datetime) -> dict[str, str]:
    """Service id -> status word while the maintenance is in progress (or verifying)."""
    if item.state(now) not in ACTIVE_MAINTENANCE_STATES:
        return {}
    return {sid: (word if word in STATUS_RANK else "under_maintenance") for sid, word in item.services.items()}


def service_statuses(model: Model, now: datetime) -> dict[str, str]:
    """Every configured service id -> its Statuspage component status at ``now``."""
    found: dict[str, list[str]] = {sid: [] for sid in model.config.service_ids}
    for incident in model.incidents:
        for sid, impact in impacts_at(incident, now).items():
            if sid in found:
                found[sid].append(impact)
    for item in model.maintenance:
        for sid, word in maintenance_statuses_at(item, now).items():
            if sid in found:
                found[sid].append(word)
    return {sid: worst_status(words) for sid, words in found.items()}


def overall_status(statuses: Mapping[str, str]) -> str:
    """The worst service status (operational when there are no services)."""
    return worst_status(list(statuses.values()))


def status_indicator(overall: str) -> tuple[str, str]:
    """Statuspage's ``status.indicator`` and ``status.description`` for an overall status."""
    return _INDICATORS.get(overall, _INDICATORS["operational"])
