"""Incident drills (``drill: true``): how many, how fast, and whether each group is due one.

Pure: the model and ``now`` in, plain values out. Drills live in ``Model.drills``, apart from
the real incidents, so none of these figures can mix into the real ones (and the real
KPIs never see a drill).

- Per quarter: drills by the quarter of their ``started_at`` in ``site.timezone``, every
  quarter from the first drill's to ``now``'s (a quarter without a drill is a 0, not a gap).
- Time to detect, acknowledge and mitigate in drills: the same definitions and honesty
  rules as the real KPIs (:func:`generator.compute.kpis.incident_observations`,
  :func:`generator.compute.stats.summarize_censored`): n always, numbers wherever n > 0
  with ``shown`` saying whether n reaches 10 (median) and 30 (p90), a drill still open
  censored at now (Kaplan-Meier), unknown times left out and counted.
- Cadence (``drills:`` in site_config.yml): a drill counts for the group of every service it
  lists. A group is overdue when its latest drill started more than ``cadence_days`` before
  ``now``. A group that never had a drill counts from 00:00 (site.timezone) of the earliest
  ``since`` of its services, so a new service has one cadence to hold its first drill; with
  no ``since`` at all there is nothing to count from, and it is overdue at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from generator.compute.kpis import incident_observations, unknown_metrics
from generator.compute.localtime import local_midnight, quarter_key, quarter_sequence
from generator.compute.stats import summarize_censored
from generator.model import Config, Incident, Model
from generator.timeparse import format_timestamp

# What a drill rehearses: the response. Resolution of a rehearsal says little, so it is not compared.
DRILL_METRICS = ("time_to_detect", "time_to_acknowledge", "time_to_mitigate")


def drills_by(model: Model, now: datetime, since: datetime | None = None,
              service_ids: Iterable[str] | None = None) -> list[Incident]:
    """The drills that started by ``now`` (and at or after ``since``, touching the given services), oldest first."""
    wanted = None if service_ids is None else set(service_ids)
    return [d for d in model.drills if d.started_at <= now and (since is None or d.started_at >= since)
            and (wanted is None or wanted.intersection(d.affected_service_ids()))]


def drill_groups(drill: Incident, config: Config) -> tuple[str, ...]:
    """The service groups a drill counts for: those of the services it lists, in config order."""
    listed = set(drill.affected_service_ids())
    return tuple(dict.fromkeys(svc.group for svc in config.services if svc.id in listed))


def per_quarter(drills: Sequence[Incident], tz: str, now: datetime) -> dict[str, int]:
    """Drills per quarter of ``started_at``, every quarter from the first drill's to now's."""
    if not drills:
        return {}
    first = min(quarter_key(d.started_at, tz) for d in drills)
    counts = dict.fromkeys(quarter_sequence(first, quarter_key(now, tz)), 0)
    for d in drills:
        counts[quarter_key(d.started_at, tz)] += 1
    return counts


def response_figures(incidents: Sequence[Incident], now: datetime) -> dict[str, dict]:
    """Time to detect, acknowledge and mitigate (seconds): each summarised, plus unknown counts."""
    observations = [incident_observations(inc, now) for inc in incidents]
    out: dict[str, dict] = {}
    for metric in DRILL_METRICS:
        stat = summarize_censored([o for d in observations if (o := d[metric]) is not None])
        stat["unknown"] = sum(1 for inc in incidents if metric in unknown_metrics(inc))
        out[metric] = stat
    return out


@dataclass(frozen=True)
class GroupCadence:
    """Where one service group stands against its drill cadence at ``now``."""

    group: str
    cadence_days: int
    last_drill: Incident | None
    counts_from: datetime | None  # the latest drill's start, else the group's first tracked day
    due: datetime | None  # counts_from + cadence; None: never drilled and nothing to count from
    overdue: bool

    def days_since(self, now: datetime) -> int | None:
        return None if self.counts_from is None else (now - self.counts_from) // timedelta(days=1)


def cadence_status(model: Model, now: datetime) -> list[GroupCadence]:
    """Every group held to a cadence, in config order (groups without one are left out)."""
    config = model.config
    drills = drills_by(model, now)
    out = []
    for group, services in config.groups():
        cadence = config.drills.cadence_for(group)
        if cadence is None:
            continue
        mine = [d for d in drills if group in drill_groups(d, config)]
        last = max(mine, key=lambda d: (d.started_at, d.id)) if mine else None
        counts_from: datetime | None
        if last is not None:
            counts_from = last.started_at
        else:
            sinces = [svc.since for svc in services if svc.since is not None]
            counts_from = local_midnight(min(sinces), config.site.timezone) if sinces else None
        due = None if counts_from is None else counts_from + timedelta(days=cadence)
        out.append(GroupCadence(group, cadence, last, counts_from, due, due is None or now > due))
    return out


def cadence_json(status: Sequence[GroupCadence], now: datetime) -> dict[str, dict]:
    return {
        c.group: {
            "cadence_days": c.cadence_days,
            "last_drill": None if c.last_drill is None else c.last_drill.id,
            "last_drill_at": None if c.last_drill is None else format_timestamp(c.last_drill.started_at),
            "due": None if c.due is None else format_timestamp(c.due),
            "overdue": c.overdue,
            "days_since": c.days_since(now),
        }
        for c in status
    }


def compute_drills(model: Model, now: datetime, since: datetime | None = None,
                   service_ids: Iterable[str] | None = None) -> dict:
    """The ``drills`` section of ``statuspress kpis --format json`` (``cadence``: every group, unscoped)."""
    drills = drills_by(model, now, since, service_ids)
    return {
        "volume": len(drills),
        "open": sum(1 for d in drills if d.resolved_at is None or d.resolved_at > now),
        "quarter": per_quarter(drills, model.config.site.timezone, now),
        **response_figures(drills, now),
        "cadence": cadence_json(cadence_status(model, now), now),
    }
