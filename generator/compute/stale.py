"""When an open incident looks forgotten: its standing estimate, how long since its last word."""

from __future__ import annotations

from datetime import datetime

from generator.compute.status import is_open_at
from generator.model import Incident, Update


def posted(inc: Incident, now: datetime) -> list[Update]:
    """The updates posted by ``now``, in time order (file order for ties)."""
    return sorted((u for u in inc.updates if u.at <= now), key=lambda u: u.at)


def standing_eta(inc: Incident, now: datetime) -> datetime | None:
    """The expected resolution that still stands: the one set by the latest update that set one."""
    for u in reversed(posted(inc, now)):
        if u.eta is not None:
            return u.eta
    return None


def last_word(inc: Incident, now: datetime) -> datetime:
    """When customers last heard about the incident: its latest update, or its start."""
    ups = posted(inc, now)
    return ups[-1].at if ups else inc.started_at


def estimate_passed(inc: Incident, now: datetime) -> bool:
    eta = standing_eta(inc, now)
    return eta is not None and eta < now and is_open_at(inc, now)
