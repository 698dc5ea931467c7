"""Statuspage v2 JSON (as the public API serves it) -> statuspress content. Pure, no I/O.

Accepted documents: ``summary.json`` (page, components, incidents, scheduled_maintenances),
``incidents.json``, ``scheduled-maintenances.json`` and ``{"incident": {...}}``. Several may be
given; records are merged by id (the first one seen wins, a later duplicate is reported).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from generator.importers.common import (
    ImportResult,
    Reporter,
    ServiceSpec,
    SiteSpec,
    content_file,
    future_times,
    html_to_markdown,
    unique_id,
    utc,
)
from generator.slug import slugify

SEVERITY = {"critical": "SEV-1", "major": "SEV-2", "minor": "SEV-3", "none": "SEV-4", "maintenance": "SEV-4"}
# Fallback impact per service when updates name no affected components.
IMPACT = {"critical": "major_outage", "major": "partial_outage", "minor": "degraded_performance", "none": "none"}
INCIDENT_STATUSES = ("investigating", "identified", "monitoring", "resolved")
MAINTENANCE_STATUSES = ("scheduled", "in_progress", "verifying", "completed")
COMPONENT_IMPACTS = ("operational", "degraded_performance", "partial_outage", "major_outage")
TITLE_MAX = 120
_NO_COMPONENTS = re.compile(r"^\s*No components were affected", re.IGNORECASE)
MESSAGE_MAX = 5000


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time with an offset, to the second, in UTC; None when absent or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(UTC).replace(microsecond=0)


def _records(doc: Any) -> tuple[dict[str, Any] | None, list[Any], list[Any], list[Any]]:
    """(page, components, incidents, maintenances) found in one document."""
    if not isinstance(doc, dict):
        return None, [], [], []
    page: Any = doc.get("page") if isinstance(doc.get("page"), dict) else None
    components: Any = doc.get("components") if isinstance(doc.get("components"), list) else []
    incidents: list[Any] = []
    maintenances: list[Any] = []
    for key in ("incidents",):
        if isinstance(doc.get(key), list):
            incidents.extend(doc[key])
    if isinstance(doc.get("scheduled_maintenances"), list):
        maintenances.extend(doc["scheduled_maintenances"])
    if isinstance(doc.get("incident"), dict):
        one = doc["incident"]
        (maintenances if one.get("scheduled_for") else incidents).append(one)
    # Incidents lists can carry maintenance records too (Statuspage's own exports do).
    moved = [i for i in incidents if isinstance(i, dict) and i.get("scheduled_for")]
    incidents = [i for i in incidents if i not in moved]
    return page, components, incidents, maintenances + moved


class _Components:
    """Statuspage components -> services, with the mapping file applied."""

    def __init__(self, mapping: dict[str, str], existing: set[str], report: Reporter) -> None:
        self.mapping = mapping
        self.existing = existing
        self.report = report
        self.by_key: dict[str, str] = {}  # component id or name -> service id
        self.services: dict[str, ServiceSpec] = {}
        self.groups: dict[str, str] = {}  # group component id -> group name
        # Without any components list, the components incidents name (with their ids) are the page's own.
        self.declared_list = False
        self.strays: dict[str, set[str]] = {}

    def declare_all(self, components: list[Any], source: str) -> None:
        if components:
            self.declared_list = True
        for c in components:
            if isinstance(c, dict) and c.get("group") is True and isinstance(c.get("id"), str):
                self.groups[c["id"]] = str(c.get("name") or "Services")
        for c in sorted((c for c in components if isinstance(c, dict)),
                        key=lambda c: int(c["position"]) if isinstance(c.get("position"), int) else 0):
            if c.get("group") is True:
                continue
            self.declare(c, source)

    def declare(self, c: dict[str, Any], source: str) -> str | None:
        raw_id, raw_name = c.get("id"), c.get("name")
        cid = raw_id if isinstance(raw_id, str) else None
        name = raw_name if isinstance(raw_name, str) and raw_name.strip() else None
        if name is None and cid is None:
            return None
        for key in (cid, name):
            if key and key in self.by_key:
                return self.by_key[key]
        mapped = next((self.mapping[k] for k in (cid, name) if k and k in self.mapping), None)
        sid = mapped or slugify(name or cid or "", fallback="service")
        for key in (cid, name):
            if key:
                self.by_key[key] = sid
        if mapped is None and sid not in self.services and sid not in self.existing:
            group = self.groups.get(str(c.get("group_id") or ""), "Services")
            raw_desc = c.get("description")
            desc = raw_desc if isinstance(raw_desc, str) else ""
            self.services[sid] = ServiceSpec(sid, (name or sid)[:100], group[:100], " ".join(desc.split())[:300])
        return sid

    def lookup(self, code: Any, name: Any, source: str) -> str | None:
        for key in (code, name):
            if isinstance(key, str) and key in self.by_key:
                return self.by_key[key]
            if isinstance(key, str) and key in self.mapping:
                self.by_key[key] = self.mapping[key]
                return self.mapping[key]
        if not self.declared_list and isinstance(code, str) and code:
            return self.declare({"id": code, "name": name if isinstance(name, str) else code}, source)
        stray = str(name or code)
        self.strays.setdefault(stray, set()).add(source)
        self.report.add(source, "I007", f"component {stray!r} is not declared and not in the mapping file")
        return None


def _updates(raw: Any) -> list[dict[str, Any]]:
    items = [u for u in raw if isinstance(u, dict)] if isinstance(raw, list) else []
    # The API lists newest first; equal times keep their chronological (reversed) order.
    items.reverse()
    keyed = [(parse_time(u.get("display_at")) or parse_time(u.get("created_at")), i, u) for i, u in enumerate(items)]
    return [dict(u, _at=at) for at, _, u in sorted(keyed, key=lambda t: (t[0] or datetime.max.replace(tzinfo=UTC), t[1]))]


def _message(body: Any, src: str, report: Reporter, at: str) -> str:
    text, other = html_to_markdown(body if isinstance(body, str) else "")
    if other:
        report.add(src, "I019", f"update at {at}: HTML beyond lists, links and emphasis; tags dropped")
    if not text:
        report.add(src, "I010", f"update at {at} has no text")
        text = "(This update has no text in the imported history.)"
    if len(text) > MESSAGE_MAX:
        report.add(src, "I009", f"update at {at}: message cut from {len(text)} to {MESSAGE_MAX} characters")
        text = text[: MESSAGE_MAX - 1].rstrip() + "…"
    return text


def _title(raw: Any, src: str, report: Reporter) -> str:
    title = " ".join(str(raw or "").split()) or "Untitled"
    if len(title) > TITLE_MAX:
        report.add(src, "I009", f"title cut from {len(title)} to {TITLE_MAX} characters")
        title = title[: TITLE_MAX - 1].rstrip() + "…"
    return title


def _source(system_id: str, inc: dict[str, Any]) -> dict[str, str]:
    out = {"system": "statuspage", "id": system_id}
    link = inc.get("shortlink")
    if isinstance(link, str) and link.startswith(("https://", "http://")) and " " not in link:
        out["url"] = link
    return out


def _incident(inc: dict[str, Any], src: str, comps: _Components, report: Reporter
              ) -> tuple[str, dict[str, Any], str] | None:
    """(date, front-matter, body) of one incident, or None when it cannot be imported as is."""
    oid = str(inc.get("id"))
    started = parse_time(inc.get("started_at")) or parse_time(inc.get("created_at"))
    if started is None:
        report.add(src, "I002", f"no readable started_at or created_at ({inc.get('started_at')!r}); skipped")
        return None
    status = inc.get("status")
    resolved = parse_time(inc.get("resolved_at"))
    if inc.get("resolved_at") and resolved is None:
        report.add(src, "I002", f"resolved_at {inc.get('resolved_at')!r} is unreadable; skipped")
        return None
    if resolved is not None and resolved < started:
        report.add(src, "I003", f"resolved_at {utc(resolved)} is before the start {utc(started)}; skipped")
        return None
    impact: str = str(inc.get("impact")) if inc.get("impact") in IMPACT else "none"
    if inc.get("impact") not in IMPACT:
        report.add(src, "I011", f"impact {inc.get('impact')!r} is not a Statuspage impact; read as none")
    # The incident's own component snapshots are full component records: declared like summary.json's.
    for c in inc.get("components") or []:
        if isinstance(c, dict) and isinstance(c.get("id"), str):
            comps.declare(c, src)
    updates: list[dict[str, Any]] = []
    body_notes: list[str] = []
    seen_times: dict[str, int] = {}
    any_affected = False
    first_seen: dict[str, str] = {}
    for u in _updates(inc.get("incident_updates")):
        at = u["_at"]
        if at is None:
            report.add(src, "I002", f"update {u.get('id')!r}: unreadable time {u.get('display_at') or u.get('created_at')!r}; "
                                    "its text is kept in the body")
            body_notes.append(_message(u.get("body"), src, report, "an unknown time"))
            continue
        stamp = utc(at)
        seen_times[stamp] = seen_times.get(stamp, 0) + 1
        if at < started:
            report.add(src, "I006", f"update at {stamp} is before started_at {utc(started)}; started_at set to {stamp}")
            started = at
        ustatus = u.get("status")
        message = _message(u.get("body"), src, report, stamp)
        if ustatus not in INCIDENT_STATUSES:
            report.add(src, "I011", f"update at {stamp} has status {ustatus!r}; kept in the body")
            body_notes.append(f"**{str(ustatus).capitalize()}** ({stamp}): {message}")
            continue
        entry: dict[str, Any] = {"at": stamp, "status": ustatus, "message": message}
        changes: dict[str, str] = {}
        affected = u.get("affected_components")
        if isinstance(affected, list):
            for a in affected:
                if not isinstance(a, dict) or (not a.get("code") and _NO_COMPONENTS.match(str(a.get("name") or ""))):
                    continue  # Statuspage's own placeholder entry, not a component
                sid = comps.lookup(a.get("code"), a.get("name"), src)
                new = a.get("new_status")
                if sid is None:
                    continue
                any_affected = True
                if new not in COMPONENT_IMPACTS:
                    report.add(src, "I011", f"update at {stamp}: {sid} went to {new!r}; not an incident impact")
                    continue
                changes[sid] = new
                first_seen.setdefault(sid, stamp)
        if changes:
            entry["services"] = dict(sorted(changes.items()))
        updates.append(entry)
    for stamp, n in sorted(seen_times.items()):
        if n > 1:
            report.add(src, "I005", f"{n} updates share the time {stamp}")
    if not updates:
        report.add(src, "I010", "no update with a status and a time; skipped")
        return None
    services: dict[str, str] = {}
    first_at = updates[0]["at"]
    if any_affected:
        # Initial impact: what the first update says; services first named later start at none.
        for sid in sorted(first_seen):
            services[sid] = updates[0].get("services", {}).get(sid, "none") if first_seen[sid] == first_at else "none"
            if services[sid] == "operational":
                services[sid] = "none"
        if "services" in updates[0]:
            updates[0]["services"] = {k: v for k, v in updates[0]["services"].items() if v != services.get(k)}
            if not updates[0]["services"]:
                del updates[0]["services"]
    else:
        for c in inc.get("components") or []:
            if isinstance(c, dict):
                sid = comps.declare(c, src)
                if sid:
                    services[sid] = IMPACT[impact]
        if services:
            report.add(src, "I008", f"no per-update affected components: {', '.join(sorted(services))} "
                                    f"at {IMPACT[impact]} (incident impact {impact}) for the whole incident")
    resolved_updates = [i for i, u in enumerate(updates) if u["status"] == "resolved"]
    if resolved_updates and any(u["status"] != "resolved" for u in updates[resolved_updates[0]:]):
        report.add(src, "I018", "updates follow a resolution: the incident is reopened")
    last_resolved = updates[resolved_updates[-1]]["at"] if resolved_updates else None
    front: dict[str, Any] = {
        "title": _title(inc.get("name"), src, report),
        "severity": SEVERITY[impact],
        "services": services,
        "started_at": utc(started),
        "detected_at": "unknown",
    }
    if any(u["status"] != "investigating" for u in updates):
        front["acknowledged_at"] = "unknown"
    final_status = updates[-1]["status"]
    if final_status == "resolved" or status in ("resolved", "postmortem"):
        if final_status != "resolved":
            at = resolved or datetime.fromisoformat(updates[-1]["at"].replace("Z", "+00:00"))
            report.add(src, "I013", f"status {status} without a closing resolved update; one added at {utc(at)}")
            updates.append({"at": utc(at), "status": "resolved", "message": "(Resolved; the imported history has no "
                                                                              "closing update.)"})
            last_resolved = utc(at)
        front["resolved_at"] = last_resolved or utc(resolved or started)
        if front["resolved_at"] == front["started_at"]:
            report.add(src, "I004", "resolved at its start: duration marked unknown")
            front["duration_unknown"] = True
    front["source"] = _source(oid, inc)
    front["updates"] = updates
    body = "\n\n".join(body_notes)
    return started.date().isoformat(), front, body


def _maintenance(inc: dict[str, Any], src: str, comps: _Components, report: Reporter
                 ) -> tuple[str, dict[str, Any], str] | None:
    oid = str(inc.get("id"))
    start = parse_time(inc.get("scheduled_for"))
    end = parse_time(inc.get("scheduled_until"))
    if start is None or end is None:
        report.add(src, "I002", f"scheduled_for/scheduled_until unreadable ({inc.get('scheduled_for')!r}, "
                                f"{inc.get('scheduled_until')!r}); skipped")
        return None
    if end <= start:
        report.add(src, "I003", f"scheduled_until {utc(end)} is not after scheduled_for {utc(start)}; skipped")
        return None
    services: dict[str, str] = {}
    for c in inc.get("components") or []:
        if isinstance(c, dict):
            sid = comps.declare(c, src)
            if sid:
                services[sid] = "under_maintenance"
    for u in inc.get("incident_updates") or []:
        for a in (u.get("affected_components") or []) if isinstance(u, dict) else []:
            if isinstance(a, dict):
                sid = comps.lookup(a.get("code"), a.get("name"), src)
                if sid:
                    services.setdefault(sid, "under_maintenance")
    if not services:
        report.add(src, "I007", "maintenance names no component; skipped (a window needs a service)")
        return None
    updates: list[dict[str, Any]] = []
    body_notes: list[str] = []
    seen: dict[str, int] = {}
    for u in _updates(inc.get("incident_updates")):
        if u["_at"] is None:
            report.add(src, "I002", f"update {u.get('id')!r}: unreadable time; its text is kept in the body")
            body_notes.append(_message(u.get("body"), src, report, "an unknown time"))
            continue
        stamp = utc(u["_at"])
        seen[stamp] = seen.get(stamp, 0) + 1
        message = _message(u.get("body"), src, report, stamp)
        if u.get("status") not in MAINTENANCE_STATUSES:
            report.add(src, "I011", f"update at {stamp} has status {u.get('status')!r}; kept in the body")
            body_notes.append(f"**{str(u.get('status')).capitalize()}** ({stamp}): {message}")
            continue
        updates.append({"at": stamp, "status": u["status"], "message": message})
    for stamp, n in sorted(seen.items()):
        if n > 1:
            report.add(src, "I005", f"{n} updates share the time {stamp}")
    front: dict[str, Any] = {
        "title": _title(inc.get("name"), src, report),
        "services": dict(sorted(services.items())),
        "scheduled_start": utc(start),
        "scheduled_end": utc(end),
    }
    if not updates:
        report.add(src, "I010", "maintenance without updates")
    front["source"] = _source(oid, inc)
    if updates:
        front["updates"] = updates
    return start.date().isoformat(), front, "\n\n".join(body_notes)


def import_statuspage(documents: list[tuple[str, Any]], mapping: dict[str, str] | None = None,
                      existing_services: set[str] | None = None, reported: list[tuple[str, str, str]] | None = None,
                      now: datetime | None = None) -> ImportResult:
    """``documents``: (source name, parsed JSON) pairs, in the order given on the command line.

    ``existing_services``: ids already in site_config.yml (mapped names may point at them).
    ``reported``: (source, code, message) found while reading, carried into the report.
    """
    mapping = dict(mapping or {})
    existing = set(existing_services or ())
    report = Reporter()
    for src, code, msg in reported or []:
        report.add(src, code, msg)
    comps = _Components(mapping, existing, report)
    page: dict[str, Any] | None = None
    incidents: dict[str, tuple[str, dict[str, Any]]] = {}
    maintenances: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, doc in documents:
        p, components, incs, maints = _records(doc)
        if p is None and not components and not incs and not maints:
            report.add(name, "I001", "not a Statuspage v2 document (no page, components, incidents or "
                                     "scheduled_maintenances)")
            continue
        page = page or p
        comps.declare_all(components, name)
        for target, records in ((incidents, incs), (maintenances, maints)):
            for r in records:
                if not isinstance(r, dict) or not isinstance(r.get("id"), (str, int)):
                    report.add(name, "I001", "a record without an id; skipped")
                    continue
                rid = str(r["id"])
                if rid in incidents or rid in maintenances:
                    if (incidents.get(rid) or maintenances.get(rid) or ("", {}))[1] != r:
                        report.add(f"{name} {rid}", "I015", "duplicate id with different content; the first is kept")
                    continue
                target[rid] = (name, r)
    files: dict[str, str] = {}
    taken: set[str] = set()
    counts = {"incidents": 0, "maintenance": 0, "skipped": 0}
    # Components named by incidents are declared in a fixed order (by start, then id).
    def order(item: tuple[str, tuple[str, dict[str, Any]]]) -> tuple[str, str]:
        rec = item[1][1]
        return (str(rec.get("started_at") or rec.get("scheduled_for") or rec.get("created_at") or ""), item[0])

    for folder, table, build, kind in (("incidents", incidents, _incident, "incidents"),
                                       ("maintenance", maintenances, _maintenance, "maintenance")):
        for rid, (name, rec) in sorted(table.items(), key=order):
            src = f"{name} {rid}"
            made = build(rec, src, comps, report)
            if made is None:
                counts["skipped"] += 1
                continue
            day, front, body = made
            late = future_times(front, now) if kind == "incidents" else [
                u["at"] for u in front.get("updates") or [] if now is not None and u["at"] > utc(now)]
            if late:
                report.add(src, "I020", f"time {late[0]} is after now; skipped")
                counts["skipped"] += 1
                continue
            stem = unique_id(f"{day}-{slugify(front['title'], fallback=kind)}", taken, rid)
            files[f"content/{folder}/{stem}.md"] = content_file(front, body)
            counts[kind] += 1
    site = None
    if page is not None:
        raw_url = page.get("url")
        url = raw_url if isinstance(raw_url, str) else ""
        if not url.endswith("/"):
            url += "/"
        raw_zone = page.get("time_zone")
        zone = raw_zone if isinstance(raw_zone, str) else "UTC"
        site = SiteSpec(str(page.get("name") or "Status")[:100], url, zone or "UTC")
    known = existing | set(comps.services)
    for key, sid in sorted(mapping.items()):
        if sid not in known:
            report.add("--map", "I017", f"{key!r} -> {sid!r}: no such service in site_config.yml or the import")
    counts["services"] = len(comps.services)
    return ImportResult(
        files=tuple(sorted(files.items())),
        services=tuple(comps.services.values()),
        report=report.sorted(),
        site=site,
        counts=tuple(counts.items()),
        strays=tuple(sorted((k, len(v)) for k, v in comps.strays.items())),
    )
