"""Incident KPIs and process figures, presented honestly.

Durations (seconds), per incident:

- time_to_detect      = detected_at - started_at
- time_to_acknowledge = acknowledged_at - detected_at
- time_to_mitigate    = mitigated_at (else resolved_at) - started_at
- time_to_resolve     = resolved_at - detected_at

Time to resolve and time to mitigate of an incident still open at ``now``
are censored there: at least ``now - detected_at`` (resolve) and at least
``now - started_at`` (mitigate, while not yet mitigated). A group with any
such incident is summarised with the Kaplan-Meier estimate
(:func:`generator.compute.stats.summarize_censored`); a group without keeps
the exact figures. Time to detect and to acknowledge count only once their
end has happened. Times declared unknown are left out, never guessed, and
counted (``unknown``).

Each duration is summarised by n, median, p90, a bootstrap 95% interval and
the mean (a labelled detail), overall and by severity (the highest reached),
service (each affected service), category and quarter (of started_at in
site.timezone).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from generator.compute.localtime import (
    local_date,
    next_business_day_end,
    quarter_key,
    quarter_sequence,
)
from generator.compute.policy import REASON_CODES, postmortem_due, postmortem_triggers
from generator.compute.stats import (
    ALPHA,
    BOOTSTRAP_RESAMPLES,
    GEHAN_TEST_NAME,
    MIN_N_MEDIAN,
    MIN_N_P90,
    TEST_NAME,
    Observation,
    compare_observations,
    summarize,
    summarize_censored,
)
from generator.model import SEVERITIES, Incident, Model, severity_rank
from generator.timeparse import format_duration, format_timestamp

METRICS = ("time_to_detect", "time_to_acknowledge", "time_to_mitigate", "time_to_resolve")
GROUPS = ("severity", "service", "category", "quarter")
UNCATEGORISED = "uncategorised"
ACTION_STATES = ("open", "in_progress", "done", "wont_do")


def _seconds(start: datetime | None, end: datetime | None, now: datetime) -> float | None:
    if start is None or end is None or end > now:
        return None
    return (end - start).total_seconds()


def incident_durations(incident: Incident, now: datetime) -> dict[str, float | None]:
    """The four durations of one incident in seconds; None where not (yet) known at ``now``."""
    mitigated = incident.mitigated_at if incident.mitigated_at is not None else incident.resolved_at
    if incident.duration_unknown:  # a placeholder resolution time: the durations are unknown, never 0 s
        mitigated = None
    resolved = None if incident.duration_unknown else incident.resolved_at
    return {
        "time_to_detect": _seconds(incident.started_at, incident.detected_at, now),
        "time_to_acknowledge": _seconds(incident.detected_at, incident.acknowledged_at, now),
        "time_to_mitigate": _seconds(incident.started_at, mitigated, now),
        "time_to_resolve": _seconds(incident.detected_at, resolved, now),
    }


CENSORED_METRICS = ("time_to_mitigate", "time_to_resolve")


def incident_observations(incident: Incident, now: datetime) -> dict[str, Observation | None]:
    """Each metric as ``(seconds, ended)``: ``ended`` False for a duration still running at ``now``.

    Time to resolve of an incident not resolved by ``now`` is ``now - detected_at`` so far
    (when it has been detected by then); time to mitigate of one neither mitigated nor
    resolved by ``now`` is ``now - started_at`` so far. None where a time is unknown, or
    for time to detect and acknowledge while their end has not happened.
    """
    out: dict[str, Observation | None] = {
        metric: None if value is None else (value, True) for metric, value in incident_durations(incident, now).items()
    }
    unknown = unknown_metrics(incident)
    if out["time_to_resolve"] is None and "time_to_resolve" not in unknown:
        if incident.detected_at is not None and incident.detected_at <= now:
            out["time_to_resolve"] = ((now - incident.detected_at).total_seconds(), False)
    if out["time_to_mitigate"] is None and "time_to_mitigate" not in unknown:
        out["time_to_mitigate"] = ((now - incident.started_at).total_seconds(), False)
    return out


def unknown_metrics(incident: Incident) -> tuple[str, ...]:
    """The metrics this incident leaves out because a time is declared unknown (not merely still open)."""
    out = []
    if "detected_at" in incident.unknown_times:
        out += ["time_to_detect", "time_to_acknowledge", "time_to_resolve"]
    if "acknowledged_at" in incident.unknown_times:
        out.append("time_to_acknowledge")
    if incident.duration_unknown:
        out += ["time_to_mitigate", "time_to_resolve"]
    return tuple(m for m in METRICS if m in out)


def _resolved_by(incident: Incident, now: datetime) -> bool:
    return incident.resolved_at is not None and incident.resolved_at <= now


def _figure(incidents: Sequence[Incident], observations: dict[str, dict[str, Observation | None]], now: datetime) -> dict:
    fig: dict = {
        "volume": len(incidents),
        "open": sum(1 for i in incidents if not _resolved_by(i, now)),
    }
    for metric in METRICS:
        obs = [o for i in incidents if (o := observations[i.id][metric]) is not None]
        stat = summarize_censored(obs)
        # Left out because a time is unknown (imported history): counted beside n.
        stat["unknown"] = sum(1 for i in incidents if metric in unknown_metrics(i))
        fig[metric] = stat
    customers = sum(1 for i in incidents if i.detection == "customer_report")
    fig["customer_reported"] = {
        "n": len(incidents),
        "count": customers,
        "share": customers / len(incidents) if incidents else None,
    }
    return fig


def target_text(target: timedelta) -> str:
    """``1 h``, ``24 h``, ``30 min``: a response target as configured, not re-split into days."""
    seconds = int(target.total_seconds())
    if seconds and seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return format_duration(target)


def _response_targets(model: Model, incidents: Sequence[Incident], now: datetime) -> dict:
    """Acknowledged within the severity's response target, per (highest) severity.

    Unacknowledged incidents count as missed once the deadline has passed and
    as pending before that.
    """
    tz = model.config.site.timezone
    out: dict = {}
    for sev_id in sorted(model.config.severities, key=severity_rank):
        level = model.config.severities[sev_id]
        if level.next_business_day:
            target = "next business day"
        elif level.response_target is not None:
            target = target_text(level.response_target)
        else:
            target = None
        met = missed = pending = unknown = 0
        for inc in incidents:
            if inc.max_severity != sev_id or target is None:
                continue
            if inc.detected_at is None or "acknowledged_at" in inc.unknown_times:
                unknown += 1  # neither met nor missed: nobody knows
                continue
            ack = inc.acknowledged_at if inc.acknowledged_at is not None and inc.acknowledged_at <= now else None
            if level.next_business_day:
                deadline = next_business_day_end(inc.detected_at, tz)
                ok = ack is not None and ack < deadline
            else:
                assert level.response_target is not None
                deadline = inc.detected_at + level.response_target
                ok = ack is not None and ack <= deadline
            if ok:
                met += 1
            elif ack is not None or now >= deadline:
                missed += 1
            else:
                pending += 1
        n = met + missed
        out[sev_id] = {
            "target": target,
            "target_seconds": None if level.response_target is None else level.response_target.total_seconds(),
            "n": n,
            "met": met,
            "missed": missed,
            "pending": pending,
            "unknown": unknown,
            "share_met": met / n if n else None,
        }
    return out


def _postmortems(model: Model, incidents: Sequence[Incident], now: datetime) -> dict:
    config = model.config
    in_scope = {i.id for i in incidents}
    by_id = {i.id: i for i in model.incidents}
    published_for: dict[str, datetime] = {}  # incident id -> first publication of a linked post-mortem
    publish_seconds: list[float] = []
    for pm in model.postmortems:
        if pm.status != "published" or pm.published_at is None or pm.published_at > now:
            continue
        linked = [by_id.get(iid) for iid in pm.incidents]
        if not any(iid in in_scope for iid in pm.incidents):
            continue
        for iid in pm.incidents:
            if iid not in published_for or pm.published_at < published_for[iid]:
                published_for[iid] = pm.published_at
        # Time to publish runs from the resolution of the latest linked incident.
        if linked and all(i is not None and _resolved_by(i, now) for i in linked):
            latest = max(i.resolved_at for i in linked if i is not None and i.resolved_at is not None)
            publish_seconds.append((pm.published_at - latest).total_seconds())
    required = published = late = overdue = pending = open_meeting_policy = 0
    reasons = dict.fromkeys(REASON_CODES, 0)
    for inc in incidents:
        triggers = postmortem_triggers(inc, config, now)
        if not triggers:
            continue
        if not _resolved_by(inc, now):
            open_meeting_policy += 1
            continue
        required += 1
        for code, _ in triggers:
            reasons[code] += 1
        due = postmortem_due(inc, config)
        if inc.id in published_for:
            published += 1
            if due is not None and published_for[inc.id] > due:
                late += 1
        else:
            if due is not None and now > due:
                overdue += 1
            else:
                pending += 1
    return {
        "required": required,
        "published": published,
        "published_late": late,
        "pending": pending,
        "overdue": overdue,
        "completion_rate": published / required if required else None,
        "open_incidents_meeting_policy": open_meeting_policy,
        "reasons": reasons,
        "time_to_publish": summarize(publish_seconds),
    }


def _action_items(model: Model, incidents: Sequence[Incident], now: datetime, scoped: bool) -> dict:
    today = local_date(now, model.config.site.timezone)
    in_scope = {i.id for i in incidents}
    counts = dict.fromkeys(ACTION_STATES, 0)
    counts["overdue"] = 0
    counts["total"] = 0
    for pm in model.postmortems:
        if scoped and not any(iid in in_scope for iid in pm.incidents):
            continue
        if model.covers_drill(pm):  # a drill's follow-ups are not the real incidents' figures
            continue
        for item in pm.action_items:
            counts["total"] += 1
            if item.status in counts:
                counts[item.status] += 1
            if item.is_overdue(today):
                counts["overdue"] += 1
    return counts


def _changes(quarters: dict[str, list[Incident]], observations: dict[str, dict[str, Observation | None]]) -> list[dict]:
    """Each quarter against the one before it, for every duration metric (open incidents censored)."""
    out = []
    keys = list(quarters)
    for previous, current in zip(keys, keys[1:], strict=False):
        for metric in METRICS:
            before = [o for i in quarters[previous] if (o := observations[i.id][metric]) is not None]
            after = [o for i in quarters[current] if (o := observations[i.id][metric]) is not None]
            out.append({"metric": metric, "from": previous, "to": current, **compare_observations(before, after)})
    return out


def select_incidents(
    model: Model, now: datetime, since: datetime | None = None, service_ids: Iterable[str] | None = None
) -> list[Incident]:
    """Incidents that started by ``now`` (and at or after ``since``), touching the given services."""
    wanted = None if service_ids is None else set(service_ids)
    out = []
    for inc in model.incidents:
        if inc.started_at > now or (since is not None and inc.started_at < since):
            continue
        if wanted is not None and not wanted.intersection(inc.affected_service_ids()):
            continue
        out.append(inc)
    return out


def compute_kpis(
    model: Model,
    now: datetime,
    since: datetime | None = None,
    service_ids: Iterable[str] | None = None,
) -> dict:
    """The ``statuspress kpis --format json`` document."""
    config = model.config
    tz = config.site.timezone
    ids = config.select_services(service_ids)
    incidents = select_incidents(model, now, since, None if service_ids is None else ids)
    observations = {inc.id: incident_observations(inc, now) for inc in incidents}

    severity_keys = sorted(set(config.severities) | set(SEVERITIES), key=severity_rank)
    by_severity: dict[str, list[Incident]] = {k: [] for k in severity_keys}
    by_service: dict[str, list[Incident]] = {k: [] for k in ids}
    categories = list(config.categories)
    by_category: dict[str, list[Incident]] = {k: [] for k in categories}
    by_quarter: dict[str, list[Incident]] = {}
    if incidents:
        first = min(quarter_key(i.started_at, tz) for i in incidents)
        by_quarter = {k: [] for k in quarter_sequence(first, quarter_key(now, tz))}
    for inc in incidents:
        by_severity.setdefault(inc.max_severity, []).append(inc)
        for sid in inc.affected_service_ids():
            if sid in by_service:
                by_service[sid].append(inc)
        by_category.setdefault(inc.category or UNCATEGORISED, []).append(inc)
        by_quarter[quarter_key(inc.started_at, tz)].append(inc)

    def figures(members: dict[str, list[Incident]]) -> dict:
        return {key: _figure(items, observations, now) for key, items in members.items()}

    return {
        "now": format_timestamp(now),
        "since": None if since is None else format_timestamp(since),
        "services": ids,
        "units": "seconds",
        "method": {
            "median_min_n": MIN_N_MEDIAN,
            "p90_min_n": MIN_N_P90,
            "percentiles": 'statistics.quantiles(method="inclusive")',
            "ci95": f"percentile bootstrap, {BOOTSTRAP_RESAMPLES} resamples, fixed seeds",
            "change_test": TEST_NAME,
            "change_test_censored": GEHAN_TEST_NAME,
            "censored": "open incidents count at risk up to now (Kaplan-Meier); see docs/computations.md",
            "alpha": ALPHA,
        },
        "overall": _figure(incidents, observations, now),
        "severity": figures(by_severity),
        "service": figures(by_service),
        "category": figures(by_category),
        "quarter": figures(by_quarter),
        "response_targets": _response_targets(model, incidents, now),
        "postmortems": _postmortems(model, incidents, now),
        "action_items": _action_items(model, incidents, now, scoped=since is not None or service_ids is not None),
        "changes": _changes(by_quarter, observations),
        "drills": _drills(model, now, since, None if service_ids is None else ids),
    }


def _drills(model: Model, now: datetime, since: datetime | None, service_ids: list[str] | None) -> dict:
    from generator.compute.drills import compute_drills  # it builds on this module's durations

    return compute_drills(model, now, since, service_ids)
