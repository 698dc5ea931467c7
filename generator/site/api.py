"""Static files in the shape of Atlassian Statuspage's public API v2 (``api/v2/``).

Clients written for Statuspage (widgets, chat bots, aggregators) read these
files unchanged, so field names, enums and nesting follow Statuspage, not
our model. Services are components; their group becomes a group component
(``group: true`` with member ids) and members carry its ``group_id``.

Mapping choices (documented in docs/api.md):
- component and update ids are our own stable ids (service id, ``<incident>-u<n>``);
- ``impact`` is the worse of the incident's highest severity and its worst
  service impact; maintenance impact is always ``maintenance``;
- ``impact`` is ``none`` when no service had customer impact (impact ``none``, or a notice);
- ``shortlink`` is the original link of an imported item (``source.url``), else our page;
- ``scheduled_until`` is the planned end as last moved by an update;
- cancelled maintenance is left out (Statuspage has no such status; the ICS
  calendar carries the cancellation);
- list endpoints hold the 50 most recent items, as Statuspage's do.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from generator.compute.status import overall_status, service_statuses, status_indicator
from generator.model import COMPONENT_STATUSES, Incident, Maintenance, Service, Source, Update, severity_rank
from generator.site import urls
from generator.site.visibility import SiteContext
from generator.timeparse import format_timestamp

LIST_LIMIT = 50

IMPACT_LEVELS = ("none", "minor", "major", "critical")
# Severity -> Statuspage impact; SEV-4 ("Low") alone does not raise it.
_SEVERITY_IMPACT = {1: "critical", 2: "major", 3: "minor", 4: "none"}
_COMPONENT_IMPACT = {"degraded_performance": "minor", "partial_outage": "major", "major_outage": "critical"}
ACTIVE_MAINTENANCE = ("in_progress", "verifying")


def page_id(ctx: SiteContext) -> str:
    """A Statuspage-like 12-character id, derived from the site's host so it never changes."""
    digest = hashlib.sha256(ctx.host.encode()).digest()
    return base64.b32encode(digest).decode().lower()[:12]


def group_id(name: str) -> str:
    """Component id of a service group: ``group-<slug>`` (cannot clash with a service id's page)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "group"
    return f"group-{slug}"


def _shortlink(source: Source | None) -> str | None:
    """An imported item keeps its original public link, as Statuspage's ``shortlink`` did."""
    return source.url if source is not None and source.url else None


def _ts(value: datetime | None) -> str | None:
    return None if value is None else format_timestamp(value)


@dataclass(frozen=True)
class _Component:
    data: dict[str, Any]
    created: datetime
    updated: datetime


class _Api:
    """Builds Statuspage objects for one context; computes statuses once."""

    def __init__(self, ctx: SiteContext) -> None:
        self.ctx = ctx
        self.model = ctx.model
        self.pid = page_id(ctx)
        self.statuses = service_statuses(self.model, ctx.now)
        self.overall = overall_status(self.statuses)
        self.updated_at = ctx.content_updated_at()
        self._components: list[dict[str, Any]] | None = None

    # ------------------------------------------------------------ page and status

    def page(self) -> dict[str, Any]:
        site = self.model.config.site
        return {
            "id": self.pid,
            "name": site.name,
            "url": self.ctx.base_url.rstrip("/"),
            "time_zone": site.timezone,
            "updated_at": _ts(self.updated_at),
        }

    def status(self) -> dict[str, str]:
        indicator, description = status_indicator(self.overall)
        return {"indicator": indicator, "description": description}

    # ------------------------------------------------------------ components

    def _created_at(self, svc: Service) -> datetime:
        """Start of tracking (``since`` at local midnight), else the first content time."""
        if svc.since is not None:
            return datetime.combine(svc.since, time(0), tzinfo=self.ctx.tz).astimezone(UTC)
        firsts = [inc.started_at for inc in self.model.incidents]
        firsts += [m.scheduled_start for m in self.model.maintenance]
        return min([t for t in firsts if t <= self.ctx.now], default=self.updated_at)

    def _changed_at(self, service_id: str, created: datetime) -> datetime:
        """Last time something about this service changed, at or before now."""
        times = [created]
        for inc in self.model.incidents:
            if service_id in inc.affected_service_ids():
                times.append(inc.started_at)
                times.extend(u.at for u in inc.updates)
                times.extend(t for t in (inc.mitigated_at, inc.resolved_at) if t is not None)
        for m in self.model.maintenance:
            if service_id in m.services:
                times.extend(u.at for u in m.updates)
                if not m.cancelled:
                    times.extend([m.effective_start, m.effective_end])
        return max([t for t in times if t <= self.ctx.now], default=created)

    def _service_component(self, svc: Service, position: int, gid: str | None) -> _Component:
        created = self._created_at(svc)
        updated = max(created, self._changed_at(svc.id, created))
        data = {
            "id": svc.id,
            "name": svc.name,
            "status": self.statuses.get(svc.id, "operational"),
            "created_at": _ts(created),
            "updated_at": _ts(updated),
            "position": position,
            "description": svc.description or None,
            "showcase": True,
            "start_date": svc.since.isoformat() if svc.since is not None else None,
            "group_id": gid,
            "page_id": self.pid,
            "group": False,
            "only_show_if_degraded": False,
        }
        return _Component(data, created, updated)

    def components(self) -> list[dict[str, Any]]:
        """Groups in config order, each followed by its members; ungrouped services stand alone.

        A group's status is the worst of its members', as on Statuspage.
        """
        if self._components is not None:
            return self._components
        out: list[dict[str, Any]] = []
        position = 0
        for name, members in self.model.config.groups():
            if not name:
                for svc in members:
                    position += 1
                    out.append(self._service_component(svc, position, None).data)
                continue
            gid = group_id(name)
            position += 1
            group_position = position
            children = []
            for svc in members:
                position += 1
                children.append(self._service_component(svc, position, gid))
            out.append({
                "id": gid,
                "name": name,
                "status": overall_status({c.data["id"]: c.data["status"] for c in children}),
                "created_at": _ts(min(c.created for c in children)),
                "updated_at": _ts(max(c.updated for c in children)),
                "position": group_position,
                "description": None,
                "showcase": False,
                "start_date": None,
                "group_id": None,
                "page_id": self.pid,
                "group": True,
                "only_show_if_degraded": False,
                "components": [c.data["id"] for c in children],
            })
            out.extend(c.data for c in children)
        self._components = out
        return out

    def _components_for(self, service_ids: list[str]) -> list[dict[str, Any]]:
        by_id = {c["id"]: c for c in self.components() if not c["group"]}
        return [by_id[sid] for sid in service_ids if sid in by_id]

    # ------------------------------------------------------------ incidents

    def _update(self, parent_id: str, n: int, u: Update, affected: list[dict[str, str]] | None) -> dict[str, Any]:
        return {
            "id": f"{parent_id}-u{n}",
            "status": u.status,
            "body": u.message,
            "incident_id": parent_id,
            "created_at": _ts(u.at),
            "updated_at": _ts(u.at),
            "display_at": _ts(u.at),
            "affected_components": affected,
        }

    def _affected(self, old: dict[str, str], new: dict[str, str]) -> list[dict[str, str]] | None:
        """Statuspage's ``affected_components``: the component changes an update made (or null)."""
        known = self.model.config.service_ids
        rows = []
        for sid in list(old) + [k for k in new if k not in old]:
            before, after = old.get(sid, "operational"), new.get(sid, "operational")
            if sid in known and before != after:
                rows.append({"code": sid, "name": self.ctx.service_name(sid), "old_status": before,
                             "new_status": after})
        return rows or None

    def _incident_updates(self, inc: Incident) -> list[dict[str, Any]]:
        """Statuspage order (newest first); each update lists the component changes it made."""
        current: dict[str, str] = {}
        out = []
        for n, u in enumerate(inc.updates, start=1):
            new = dict(current)
            if n == 1:
                new.update(inc.services)
            new.update(u.services)
            if u.status == "resolved":
                new = {}
            new = {sid: w for sid, w in new.items() if w in _COMPONENT_IMPACT}
            out.append(self._update(inc.id, n, u, self._affected(current, new)))
            current = new
        return out[::-1]

    def incident_impact(self, inc: Incident) -> str:
        declared = set(inc.services.values()) | {w for u in inc.updates for w in u.services.values()}
        if declared <= {"none", "operational"}:
            return "none"  # a notice, or affected without customer impact: whatever the severity
        levels = [_SEVERITY_IMPACT.get(severity_rank(inc.max_severity), "none")]
        impacts = list(inc.services.values()) + [w for u in inc.updates for w in u.services.values()]
        levels += [_COMPONENT_IMPACT[w] for w in impacts if w in _COMPONENT_IMPACT]
        return max(levels, key=IMPACT_LEVELS.index)

    def incident(self, inc: Incident) -> dict[str, Any]:
        monitoring = next((u.at for u in inc.updates if u.status == "monitoring"), None)
        resolved = inc.resolved_at
        if resolved is None and not inc.is_open and inc.updates:
            resolved = inc.updates[-1].at
        out: dict[str, Any] = {
            "id": inc.id,
            "name": inc.title,
            "status": inc.status,
            "created_at": _ts(inc.updates[0].at if inc.updates else inc.started_at),
            "updated_at": _ts(inc.last_update_at),
            "monitoring_at": _ts(monitoring),
            "resolved_at": _ts(resolved),
            "impact": self.incident_impact(inc),
            "shortlink": _shortlink(inc.source) or urls.absolute(self.ctx, urls.incident_url(inc.id)),
            "started_at": _ts(inc.started_at),
            "page_id": self.pid,
            "incident_updates": self._incident_updates(inc),
            "components": self._components_for(list(inc.affected_service_ids())),
        }
        internal = self.ctx.incident_internal_fields(inc)
        if internal is not None:
            # Internal build only; Statuspage clients ignore unknown keys.
            out["internal"] = internal
        return out

    def incidents(self, unresolved_only: bool = False) -> list[dict[str, Any]]:
        chosen = [inc for inc in self.model.incidents if inc.is_open or not unresolved_only]
        chosen.sort(key=lambda inc: (inc.started_at, inc.id), reverse=True)
        return [self.incident(inc) for inc in chosen[:LIST_LIMIT]]

    # ------------------------------------------------------------ maintenance

    def _maintenance_updates(self, m: Maintenance) -> list[dict[str, Any]]:
        """Components go to their planned status when work starts and back when it completes."""
        planned = {sid: (w if w in COMPONENT_STATUSES else "under_maintenance") for sid, w in m.services.items()}
        current: dict[str, str] = {}
        out = []
        for n, u in enumerate(m.updates, start=1):
            if u.status in ACTIVE_MAINTENANCE:
                new = dict(planned)
            elif u.status == "completed":
                new = {}
            else:
                new = dict(current)
            out.append(self._update(m.id, n, u, self._affected(current, new)))
            current = new
        return out[::-1]

    def maintenance(self, m: Maintenance) -> dict[str, Any]:
        state = m.state(self.ctx.now)
        created = m.updates[0].at if m.updates else min(m.scheduled_start, self.ctx.now)
        changes = [u.at for u in m.updates] + [m.effective_start, m.effective_end]
        updated = max([t for t in changes if t <= self.ctx.now] + [created])
        verifying = next((u.at for u in m.updates if u.status == "verifying"), None)
        return {
            "id": m.id,
            "name": m.title,
            "status": state,
            "created_at": _ts(created),
            "updated_at": _ts(updated),
            "monitoring_at": _ts(verifying),
            "resolved_at": _ts(m.effective_end) if state == "completed" else None,
            "impact": "maintenance",
            "shortlink": _shortlink(m.source) or urls.absolute(self.ctx, urls.maintenance_url(m.id)),
            "started_at": _ts(m.effective_start),
            "page_id": self.pid,
            "incident_updates": self._maintenance_updates(m),
            "components": self._components_for(list(m.services)),
            "scheduled_for": _ts(m.scheduled_start),
            "scheduled_until": _ts(m.planned_end),  # as last moved by an update
        }

    def maintenances(self, states: tuple[str, ...] | None = None, newest_first: bool = True) -> list[dict[str, Any]]:
        chosen = [m for m in self.model.maintenance
                  if not m.cancelled and (states is None or m.state(self.ctx.now) in states)]
        chosen.sort(key=lambda m: (m.scheduled_start, m.id), reverse=newest_first)
        return [self.maintenance(m) for m in chosen[:LIST_LIMIT]]


def dump_json(payload: dict[str, Any]) -> bytes:
    """Pretty, stable JSON; ``<``, ``>`` and ``&`` escaped so no file can be read as markup.

    Those characters only occur inside JSON strings, so replacing them with
    ``\\u`` escapes leaves the same data for every JSON parser.
    """
    text = json.dumps(payload, ensure_ascii=False, indent=2)
    for raw, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                     ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, esc)
    return (text + "\n").encode("utf-8")


def api_payloads(ctx: SiteContext) -> dict[str, dict[str, Any]]:
    """The API as Python data: relative path -> payload (what :func:`render_api` writes)."""
    api = _Api(ctx)
    page = api.page()
    components = api.components()
    unresolved = api.incidents(unresolved_only=True)
    upcoming = list(reversed(api.maintenances(("scheduled",))))  # soonest first
    active = list(reversed(api.maintenances(ACTIVE_MAINTENANCE)))
    summary_maint = sorted(active + upcoming, key=lambda m: (m["scheduled_for"], m["id"]))
    return {
        urls.api_path("summary"): {"page": page, "components": components, "incidents": unresolved,
                                   "scheduled_maintenances": summary_maint, "status": api.status()},
        urls.api_path("status"): {"page": page, "status": api.status()},
        urls.api_path("components"): {"page": page, "components": components},
        urls.api_path("incidents"): {"page": page, "incidents": api.incidents()},
        urls.api_path("incidents/unresolved"): {"page": page, "incidents": unresolved},
        urls.api_path("scheduled-maintenances"): {"page": page, "scheduled_maintenances": api.maintenances()},
        urls.api_path("scheduled-maintenances/upcoming"): {"page": page, "scheduled_maintenances": upcoming},
        urls.api_path("scheduled-maintenances/active"): {"page": page, "scheduled_maintenances": active},
    }


def render_api(ctx: SiteContext) -> dict[str, bytes]:
    """All ``api/v2/`` files: relative output path -> JSON bytes."""
    return {path: dump_json(payload) for path, payload in api_payloads(ctx).items()}
