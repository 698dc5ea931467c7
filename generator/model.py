"""Frozen dataclasses for everything statuspress reads.

The core (model, load, validate, compute) is pure: no clock, no output folder.
All datetimes here are timezone-aware UTC; dates are plain ``datetime.date``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

# Statuspage component words, worst last.
IMPACTS = ("degraded_performance", "partial_outage", "major_outage")
# What an incident may declare per service: ``none`` is "affected, no customer impact".
INCIDENT_IMPACTS = ("none", *IMPACTS)
SOURCE_SYSTEMS = ("statuspage", "cstate", "other")
ACTION_ITEM_POLICIES = ("structured", "free_text")
# Fields an incident may declare ``unknown`` instead of a time.
UNKNOWABLE_TIMES = ("detected_at", "acknowledged_at")
COMPONENT_STATUSES = ("operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance")
INCIDENT_STATUSES = ("investigating", "identified", "monitoring", "resolved")
MAINTENANCE_STATUSES = ("scheduled", "in_progress", "verifying", "completed")
SEVERITIES = ("SEV-1", "SEV-2", "SEV-3", "SEV-4")
SEVERITY_ALIASES = {"P1": "SEV-1", "P2": "SEV-2", "P3": "SEV-3", "P4": "SEV-4"}
DETECTIONS = ("alert", "synthetic", "customer_report", "internal_report", "other")
POSTMORTEM_STATUSES = ("draft", "in_review", "published")
VISIBILITIES = ("public", "internal")
ACTION_TYPES = ("prevent", "mitigate", "detect", "process")
ACTION_STATUSES = ("open", "in_progress", "done", "wont_do")

IMPACT_RANK = {"operational": 0, "none": 0, "degraded_performance": 1, "partial_outage": 2, "major_outage": 3}


def severity_rank(severity: str) -> int:
    """SEV-1 is the highest: rank 1. Lower number = more severe."""
    return int(severity.split("-")[1])


def worst_severity(severities: list[str] | tuple[str, ...]) -> str:
    return min(severities, key=severity_rank)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input. ``level`` is "error" or "warning"."""

    path: str
    line: int
    code: str
    message: str
    hint: str = ""
    level: str = "error"

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line, self.code, self.message)


# ---------------------------------------------------------------- config


@dataclass(frozen=True)
class SiteInfo:
    name: str
    url: str
    timezone: str
    description: str = ""
    subscribe_url: str = ""  # theme.subscribe_url: an outside email/chat subscription service
    language: str = "en"  # site.language: BCP 47 tag of the reader's language


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    group: str
    description: str = ""
    slo: float | None = None  # percent, e.g. 99.95
    since: date | None = None
    position: int = 0


@dataclass(frozen=True)
class SeverityLevel:
    id: str
    label: str
    # None with ``next_business_day`` True means "before the end of the next business day".
    response_target: timedelta | None
    next_business_day: bool = False


@dataclass(frozen=True)
class UptimeSettings:
    weights: Mapping[str, float]
    bars_days: int = 90


@dataclass(frozen=True)
class PostmortemPolicy:
    required_for: tuple[str, ...]
    due_days: Mapping[str, int]  # severity -> days, plus "default"
    late_detection: timedelta
    long_major_outage: timedelta
    required_headings: tuple[str, ...]
    action_items: str = "structured"  # structured | free_text
    # W060/W061 only for incidents resolved (post-mortems covering events) on or after this day.
    policy_since: date | None = None

    def due_days_for(self, severity: str) -> int:
        return self.due_days.get(severity, self.due_days.get("default", 15))


DEFAULT_HEADINGS = (
    "Summary",
    "Impact",
    "Timeline",
    "Contributing factors",
    "What went well",
    "What went wrong",
    "Where we got lucky",
    "Action items",
)


@dataclass(frozen=True)
class NotifyChannel:
    """One entry of ``notify:``: where notifications go. Secrets are only named, never held."""

    type: str  # slack | teams | discord | webhook | email
    name: str  # the channel's key in the ledger
    url_env: str | None = None
    secret_env: str | None = None
    smtp_url_env: str | None = None
    sender: str | None = None  # ``from:``
    to: tuple[str, ...] = ()
    services: tuple[str, ...] | None = None  # None: every service
    timeout: timedelta = timedelta(seconds=10)
    line: int = 0


@dataclass(frozen=True)
class DrillPolicy:
    """``drills:``: how often each service group rehearses an incident (W100 when one is overdue).

    ``cadence_days`` applies to every group; ``groups`` overrides it per group name, where
    ``None`` means "this group is not held to a cadence". No entry at all: no cadence.
    """

    cadence_days: int | None = None
    groups: Mapping[str, int | None] = field(default_factory=dict)
    line: int = 0  # the ``drills:`` key in site_config.yml
    group_lines: Mapping[str, int] = field(default_factory=dict)

    def cadence_for(self, group: str) -> int | None:
        if group in self.groups:
            return self.groups[group]
        return self.cadence_days


@dataclass(frozen=True)
class Config:
    site: SiteInfo
    services: tuple[Service, ...]
    severities: Mapping[str, SeverityLevel]
    categories: tuple[str, ...]
    uptime: UptimeSettings
    postmortems: PostmortemPolicy
    publish_kpis: str = "internal"  # public | internal
    path: str = "site_config.yml"
    publish_severity: bool = False  # severity on public pages, feeds and notifications
    stale_open_days: int = 7  # W090: open longer than this
    stale_update_hours: int = 24  # W091: no update for longer than this
    notify: tuple[NotifyChannel, ...] = ()
    drills: DrillPolicy = field(default_factory=DrillPolicy)

    def service(self, service_id: str) -> Service | None:
        for svc in self.services:
            if svc.id == service_id:
                return svc
        return None

    @property
    def service_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.services)

    def select_services(self, service_ids: Iterable[str] | None) -> list[str]:
        """The given service ids (all when None), refusing ids the config does not declare."""
        ids = list(self.service_ids if service_ids is None else service_ids)
        unknown = [sid for sid in ids if self.service(sid) is None]
        if unknown:
            raise ValueError(f"unknown service id(s): {', '.join(unknown)}")
        return ids

    def groups(self) -> list[tuple[str, list[Service]]]:
        """Services by group, groups in order of first appearance."""
        out: dict[str, list[Service]] = {}
        for svc in self.services:
            out.setdefault(svc.group, []).append(svc)
        return list(out.items())


# ---------------------------------------------------------------- content


@dataclass(frozen=True)
class Update:
    at: datetime
    status: str
    message: str
    services: Mapping[str, str] = field(default_factory=dict)  # impact changes from this moment
    severity: str | None = None
    eta: datetime | None = None
    line: int = 0
    scheduled_end: datetime | None = None  # maintenance only: the planned end moves here


@dataclass(frozen=True)
class Source:
    """Where an imported item came from: its id and public link in the original system."""

    system: str  # statuspage | cstate | other
    id: str
    url: str | None = None


@dataclass(frozen=True)
class Incident:
    id: str
    path: str
    title: str
    severity: str  # declared (initial) severity
    services: Mapping[str, str]  # service id -> initial impact; empty for a notice
    started_at: datetime
    detected_at: datetime | None  # None only when declared ``detected_at: unknown``
    updates: tuple[Update, ...]
    acknowledged_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    detection: str | None = None
    reported_by: str | None = None
    category: str | None = None
    unknown_times: tuple[str, ...] = ()  # fields declared ``unknown`` (detected_at, acknowledged_at)
    duration_unknown: bool = False  # resolved_at is a placeholder: the duration is not known
    source: Source | None = None
    # A rehearsal (game day): kept in Model.drills, never in Model.incidents, so no real figure or
    # public output can reach it by iterating incidents.
    drill: bool = False
    # internal fields: never in public output
    commander: str | None = None
    novel: bool = False
    error_messages: tuple[str, ...] = ()
    body: str = ""
    lines: Mapping[str, int] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return self.updates[-1].status if self.updates else "investigating"

    @property
    def is_open(self) -> bool:
        return self.status != "resolved"

    @property
    def max_severity(self) -> str:
        """The highest severity reached (SEV-1 beats SEV-2)."""
        return worst_severity([self.severity] + [u.severity for u in self.updates if u.severity])

    def current_severity(self) -> str:
        sev = self.severity
        for u in self.updates:
            if u.severity:
                sev = u.severity
        return sev

    def impact_end(self, now: datetime) -> datetime:
        """When customer impact ended: mitigated_at, else resolved_at, else now."""
        if self.mitigated_at is not None:
            return self.mitigated_at
        if self.resolved_at is not None:
            return self.resolved_at
        return now

    @property
    def reopened(self) -> bool:
        """An update after a resolved one reopened the incident."""
        return any(a.status == "resolved" and b.status != "resolved" for a, b in zip(self.updates, self.updates[1:], strict=False))

    def open_spans(self, now: datetime) -> list[tuple[datetime, datetime]]:
        """``[start, end)`` spans while the incident was open: each resolution closes one, each
        reopening update starts the next; one still open runs to ``now``. Impact pieces end at
        :meth:`impact_end` already (mitigated_at applies to the last span)."""
        spans: list[tuple[datetime, datetime]] = []
        start: datetime | None = self.started_at
        for u in self.updates:
            if u.status == "resolved" and start is not None:
                spans.append((start, max(start, u.at)))
                start = None
            elif u.status != "resolved" and start is None:
                start = max(u.at, self.started_at)
        if start is not None:
            spans.append((start, now))
        return [(a, b) for a, b in spans if b > a]

    def impact_segments(self, now: datetime) -> dict[str, list[tuple[datetime, datetime, str]]]:
        """Per service, ``[start, end, impact)`` pieces; impact changes come from updates."""
        end = self.impact_end(now)
        changes: list[tuple[datetime, Mapping[str, str]]] = [(self.started_at, self.services)]
        for u in self.updates:
            if u.services:
                changes.append((max(u.at, self.started_at), u.services))
        service_ids: list[str] = []
        for _, svcs in changes:
            for sid in svcs:
                if sid not in service_ids:
                    service_ids.append(sid)
        out: dict[str, list[tuple[datetime, datetime, str]]] = {}
        for sid in service_ids:
            points = [(at, svcs[sid]) for at, svcs in changes if sid in svcs]
            pieces = []
            for i, (at, impact) in enumerate(points):
                stop = points[i + 1][0] if i + 1 < len(points) else end
                stop = min(stop, end)
                if stop > at and IMPACT_RANK.get(impact, 0) > 0:
                    pieces.append((at, stop, impact))
            out[sid] = _clip(pieces, self.open_spans(now)) if self.reopened else pieces
        return out

    def affected_service_ids(self) -> tuple[str, ...]:
        return self._affected_service_ids

    @cached_property
    def _affected_service_ids(self) -> tuple[str, ...]:
        # Asked for every incident on every service page: worked out once per (immutable) incident.
        ids = list(self.services)
        for u in self.updates:
            for sid in u.services:
                if sid not in ids:
                    ids.append(sid)
        return tuple(ids)

    def current_impacts(self) -> dict[str, str]:
        """Impact per service as of the last update (for open incidents)."""
        cur = dict(self.services)
        for u in self.updates:
            cur.update(u.services)
        return cur

    @property
    def last_update_at(self) -> datetime:
        return self.updates[-1].at if self.updates else self.started_at


@dataclass(frozen=True)
class Maintenance:
    id: str
    path: str
    title: str
    services: Mapping[str, str]  # service id -> under_maintenance | impact word
    scheduled_start: datetime
    scheduled_end: datetime
    cancelled: bool = False
    updates: tuple[Update, ...] = ()
    body: str = ""
    lines: Mapping[str, int] = field(default_factory=dict)
    source: Source | None = None

    @property
    def planned_end(self) -> datetime:
        """The planned end as last moved by an update's ``scheduled_end`` (else the declared one)."""
        end = self.scheduled_end
        for u in self.updates:
            if u.scheduled_end is not None:
                end = u.scheduled_end
        return end

    @property
    def extended(self) -> bool:
        return self.planned_end != self.scheduled_end

    @property
    def effective_start(self) -> datetime:
        """The first in_progress update moves the start."""
        for u in self.updates:
            if u.status == "in_progress":
                return u.at
        return self.scheduled_start

    @property
    def effective_end(self) -> datetime:
        """A completed update moves the end; without one the window ends at its (moved) planned end."""
        for u in self.updates:
            if u.status == "completed":
                return u.at
        return self.planned_end

    def state(self, now: datetime) -> str:
        """scheduled | in_progress | verifying | completed | cancelled, as of ``now``."""
        if self.cancelled:
            return "cancelled"
        explicit = [u for u in self.updates if u.at <= now]
        if now >= self.effective_end:  # no completing update: it ended at its planned end, as on Statuspage
            return "completed"
        if explicit:
            last = explicit[-1].status
            if last in ("completed", "verifying", "in_progress"):
                return last
        if now >= self.effective_end:
            return "completed"
        if now >= self.effective_start:
            return "in_progress"
        return "scheduled"


@dataclass(frozen=True)
class ActionItem:
    title: str
    type: str | None
    owner: str | None
    due: date | None
    status: str | None  # None: a free-text item whose state is not recorded
    tracker: str | None = None
    reason: str | None = None
    line: int = 0
    free_text: bool = False  # written as a plain string

    def is_overdue(self, today: date) -> bool:
        return self.status in ("open", "in_progress") and self.due is not None and self.due < today


@dataclass(frozen=True)
class Postmortem:
    id: str
    path: str
    title: str
    incidents: tuple[str, ...]
    status: str
    visibility: str
    authors: tuple[str, ...]
    summary: str
    contributing_factors: tuple[str, ...]
    action_items: tuple[ActionItem, ...] = ()
    published_at: datetime | None = None
    review_meeting: date | None = None
    follow_up_review: date | None = None
    body: str = ""
    body_line: int = 1  # file line where the Markdown body starts
    lines: Mapping[str, int] = field(default_factory=dict)
    started_at: datetime | None = None  # for a post-mortem with no status-page incident
    ended_at: datetime | None = None
    source: Source | None = None

    @property
    def is_public(self) -> bool:
        return self.status == "published" and self.visibility == "public"


def _clip(pieces: list[tuple[datetime, datetime, str]], spans: list[tuple[datetime, datetime]]
          ) -> list[tuple[datetime, datetime, str]]:
    """The parts of ``pieces`` inside ``spans`` (both sorted, spans disjoint)."""
    out = []
    for a, b, impact in pieces:
        for s, e in spans:
            lo, hi = max(a, s), min(b, e)
            if hi > lo:
                out.append((lo, hi, impact))
    return out


@dataclass(frozen=True)
class Partial:
    """A content file with field errors: the values that did convert, so the other rules still run.

    ``values`` is what :func:`generator.schema.convert` returned (list fields hold
    ``(values, node)`` pairs, ``None`` for an entry that is not a mapping).
    """

    kind: str  # incidents | maintenance | postmortems
    id: str
    path: str
    values: Mapping[str, Any]
    lines: Mapping[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    def entries(self, key: str) -> list[Mapping[str, Any]]:
        """The converted values of each mapping in list field ``key``."""
        raw = self.values.get(key) or []
        return [entry[0] for entry in raw if entry is not None]


@dataclass(frozen=True)
class Model:
    """Everything loaded: config plus content, each sorted deterministically.

    ``incidents`` are the real ones only; ``drills`` (``drill: true``) are apart, so that
    status, uptime, KPIs, feeds, the API, badges, notifications and ``diff`` (which all iterate
    ``incidents``) never count a rehearsal, in any build. Pages that show drills (the internal
    build's history, drill pages and KPI drills section) ask for ``drills`` by name.
    """

    config: Config
    incidents: tuple[Incident, ...]
    maintenance: tuple[Maintenance, ...]
    postmortems: tuple[Postmortem, ...]
    unparsed: tuple[str, ...] = ()  # content files that could not be loaded (their problems say why)
    partial: tuple[Partial, ...] = ()  # those of them whose front-matter parsed: what did convert
    drills: tuple[Incident, ...] = ()

    def incident(self, incident_id: str) -> Incident | None:
        """A real incident by id (never a drill: see :meth:`drill`)."""
        return self._incidents_by_id.get(incident_id)

    def drill(self, incident_id: str) -> Incident | None:
        return self._drills_by_id.get(incident_id)

    def incident_or_drill(self, incident_id: str) -> Incident | None:
        return self.incident(incident_id) or self.drill(incident_id)

    @property
    def drill_ids(self) -> frozenset[str]:
        return frozenset(self._drills_by_id)

    def covers_drill(self, pm: Postmortem) -> bool:
        """Whether the post-mortem names a drill: it is then treated as internal (see visibility)."""
        return any(iid in self._drills_by_id for iid in pm.incidents)

    def postmortems_for(self, incident_id: str) -> tuple[Postmortem, ...]:
        return self._postmortems_by_incident.get(incident_id, ())

    # Indexes, built on first use: pages and feeds look incidents up by id thousands of
    # times, and a scan per lookup made large histories quadratic.
    @cached_property
    def _incidents_by_id(self) -> dict[str, Incident]:
        index: dict[str, Incident] = {}
        for inc in self.incidents:
            index.setdefault(inc.id, inc)  # the first one, should an id repeat
        return index

    @cached_property
    def _drills_by_id(self) -> dict[str, Incident]:
        index: dict[str, Incident] = {}
        for inc in self.drills:
            index.setdefault(inc.id, inc)
        return index

    @cached_property
    def _postmortems_by_incident(self) -> dict[str, tuple[Postmortem, ...]]:
        index: dict[str, list[Postmortem]] = {}
        for pm in self.postmortems:
            for iid in dict.fromkeys(pm.incidents):
                index.setdefault(iid, []).append(pm)
        return {iid: tuple(pms) for iid, pms in index.items()}
