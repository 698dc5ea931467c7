"""Events: what changed on the public page, derived from the model at ``now`` (pure).

An event's ``id`` is stable: the same content gives the same ids at every later ``now``, and
as ``now`` advances the set of events only grows (maintenance starts and ends with the
clock). Only what the public build shows becomes an event: post-mortems must be published
and public (``SiteContext.postmortem_visible`` of a public build), and no event carries an
internal field: messages are made from the allow-listed fields in ``messages``.

Ids, by kind (``<at>`` is the moment in RFC 3339 UTC):

- ``incident:<id>:opened`` (the first update), ``incident:<id>:updated:<at>``,
  ``incident:<id>:resolved:<at>``, ``incident:<id>:reopened:<at>`` (an update after a resolved one);
- ``maintenance:<id>:scheduled``, ``maintenance:<id>:started``, ``maintenance:<id>:updated:<at>``,
  ``maintenance:<id>:completed``, ``maintenance:<id>:cancelled``;
- ``postmortem:<id>:published``.

Two updates at the same moment get ``~2``, ``~3``... after the later ones' ids.

An update after a resolved one reopens the incident (``reopened``). A maintenance update that
moves the planned end (``scheduled_end:``) is a ``maintenance.updated`` event like any other
update; a window with no completing update is ``completed`` at its (moved) planned end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from generator.model import Incident, Maintenance, Model, Update
from generator.site.visibility import SiteContext
from generator.timeparse import format_timestamp

INCIDENT_KINDS = ("incident.opened", "incident.updated", "incident.resolved", "incident.reopened")
MAINTENANCE_KINDS = ("maintenance.scheduled", "maintenance.started", "maintenance.updated",
                     "maintenance.completed", "maintenance.cancelled")
POSTMORTEM_KINDS = ("postmortem.published",)
KINDS = INCIDENT_KINDS + MAINTENANCE_KINDS + POSTMORTEM_KINDS
_KIND_RANK = {kind: rank for rank, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class Event:
    """One thing that changed. ``at`` is when it happened (None: the content does not say).

    An event may be sent while ``now - at <= max_age``, or, whatever its age, while
    ``now < fresh_until`` (an upcoming window stays news until it starts). ``requires``:
    send only to a channel that already got one of these events (a cancellation is news
    only to whoever heard of the window).
    """

    id: str
    kind: str
    subject: str  # incident | maintenance | postmortem
    subject_id: str
    at: datetime | None
    services: tuple[str, ...]
    update: int | None = None  # index into the subject's updates, when the event is one
    fresh_until: datetime | None = None
    requires: tuple[str, ...] = ()
    order_at: datetime | None = None  # where an undated, never-fresh event sorts

    @property
    def sort_key(self) -> tuple[datetime, int, str]:
        when = self.at or self.fresh_until or self.order_at
        assert when is not None
        return (when, _KIND_RANK[self.kind], self.id)

    def deliverable(self, now: datetime, max_age: timedelta) -> bool:
        if self.at is not None and now - self.at <= max_age:
            return True
        return self.fresh_until is not None and now < self.fresh_until


def _ts(value: datetime) -> str:
    return format_timestamp(value)


def _dedupe(ids: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i in ids:
        seen[i] = seen.get(i, 0) + 1
        out.append(i if seen[i] == 1 else f"{i}~{seen[i]}")
    return out


def incident_events(inc: Incident, now: datetime) -> list[Event]:
    if inc.started_at > now:
        return []
    updates: list[tuple[int, Update]] = [(n, u) for n, u in enumerate(inc.updates) if u.at <= now]
    services = list(inc.services)
    pending: list[tuple[str, str, int, Update, tuple[str, ...]]] = []
    previous: str | None = None
    for n, u in updates:
        for sid in u.services:
            if sid not in services:
                services.append(sid)
        if previous is None:
            kind, base = "incident.opened", f"incident:{inc.id}:opened"
        elif u.status == "resolved" and previous != "resolved":
            kind, base = "incident.resolved", f"incident:{inc.id}:resolved:{_ts(u.at)}"
        elif previous == "resolved" and u.status != "resolved":
            kind, base = "incident.reopened", f"incident:{inc.id}:reopened:{_ts(u.at)}"
        else:
            kind, base = "incident.updated", f"incident:{inc.id}:updated:{_ts(u.at)}"
        pending.append((kind, base, n, u, tuple(services)))
        previous = u.status
    ids = _dedupe([base for _, base, _, _, _ in pending])
    return [Event(eid, kind, "incident", inc.id, u.at, svcs, update=n)
            for eid, (kind, _, n, u, svcs) in zip(ids, pending, strict=True)]


def maintenance_events(m: Maintenance, now: datetime) -> list[Event]:
    services = tuple(m.services)
    base = f"maintenance:{m.id}"
    updates = [(n, u) for n, u in enumerate(m.updates) if u.at <= now]
    out: list[Event] = []
    announced = m.updates[0] if m.updates and m.updates[0].status == "scheduled" else None
    if announced is not None and announced.at > now:
        return []  # announced later: nothing to say yet
    first = (0, announced) if announced is not None else None
    if m.cancelled:
        # Cancelled windows are not announced any more; the event stays so that ``requires`` can name it.
        return [Event(f"{base}:scheduled", "maintenance.scheduled", "maintenance", m.id, None, services,
                      update=0 if first else None, order_at=m.scheduled_start),
                Event(f"{base}:cancelled", "maintenance.cancelled", "maintenance", m.id, None, services,
                      fresh_until=m.effective_end, requires=(f"{base}:scheduled", f"{base}:started"))]
    # Announced: with its first update's time when it has one; news in any case until it starts.
    out.append(Event(f"{base}:scheduled", "maintenance.scheduled", "maintenance", m.id,
                     announced.at if announced else None, services, update=0 if first else None,
                     fresh_until=m.effective_start))
    used: set[int | None] = {first[0]} if first else set()
    start, end = m.effective_start, m.effective_end
    if now >= start or now >= end:
        n_start = next((n for n, u in updates if u.status == "in_progress" and u.at == start), None) \
            if start <= end else None
        out.append(Event(f"{base}:started", "maintenance.started", "maintenance", m.id, min(start, end),
                         services, update=n_start))
        used.add(n_start)
    if now >= end:
        n_end = next((n for n, u in updates if u.status == "completed" and u.at == end), None)
        out.append(Event(f"{base}:completed", "maintenance.completed", "maintenance", m.id, end, services,
                         update=n_end))
        used.add(n_end)
    rest = [(n, u) for n, u in updates if n not in used]
    ids = _dedupe([f"{base}:updated:{_ts(u.at)}" for _, u in rest])
    out += [Event(eid, "maintenance.updated", "maintenance", m.id, u.at, services, update=n)
            for eid, (n, u) in zip(ids, rest, strict=True)]
    return out


def derive_events(model: Model, now: datetime) -> list[Event]:
    """Every event of the public page up to ``now``, oldest first."""
    ctx = SiteContext(model, now, model.config.site.url)  # a public build: no internal, no drafts
    events: list[Event] = []
    for inc in model.incidents:
        events += incident_events(inc, now)
    for m in model.maintenance:
        events += maintenance_events(m, now)
    for pm in ctx.visible_postmortems():
        if pm.published_at is None or pm.published_at > now:
            continue
        services: list[str] = []
        for iid in pm.incidents:
            covered = model.incident(iid)
            for sid in covered.affected_service_ids() if covered is not None else ():
                if sid not in services:
                    services.append(sid)
        events.append(Event(f"postmortem:{pm.id}:published", "postmortem.published", "postmortem", pm.id,
                            pm.published_at, tuple(services)))
    return sorted(events, key=lambda e: e.sort_key)
