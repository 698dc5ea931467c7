"""What a change does to the site: pure comparison of two models at one ``now``.

Used by ``statuspress diff --base REV`` to write the pull-request job summary.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from generator.compute.display import format_minutes, format_percent
from generator.compute.status import overall_status, service_statuses
from generator.compute.uptime import compute_uptime
from generator.model import Incident, Model
from generator.timeparse import format_timestamp

WINDOWS = ("24h", "7d", "30d", "90d", "365d")


@dataclass(frozen=True)
class SiteDiff:
    now: datetime
    incidents_added: tuple[str, ...] = ()
    incidents_updated: tuple[str, ...] = ()
    incidents_resolved: tuple[str, ...] = ()
    incidents_removed: tuple[str, ...] = ()
    maintenance_added: tuple[str, ...] = ()
    maintenance_changed: tuple[str, ...] = ()
    postmortems_added: tuple[str, ...] = ()
    postmortems_changed: tuple[str, ...] = ()
    overall: tuple[str, str] = ("operational", "operational")
    status: dict[str, tuple[str, str]] = field(default_factory=dict)  # only services that change
    uptime: dict[str, dict[str, tuple[float | None, float | None]]] = field(default_factory=dict)
    budget_30d: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.incidents_added or self.incidents_updated or self.incidents_resolved or self.incidents_removed
                    or self.maintenance_added or self.maintenance_changed or self.postmortems_added
                    or self.postmortems_changed or self.status or self.uptime)


def _changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[str, ...]:
    return tuple(sorted(k for k in after if k in before and before[k] != after[k]))


def _comparable(item: Any) -> Any:
    # Paths and line numbers move when unrelated lines change; compare what the site shows.
    return item.__class__.__name__, {k: v for k, v in vars(item).items() if k not in ("lines", "path")}


def diff_models(before: Model, after: Model, now: datetime) -> SiteDiff:
    b_inc = {i.id: i for i in before.incidents}
    a_inc = {i.id: i for i in after.incidents}
    added = tuple(sorted(set(a_inc) - set(b_inc)))
    resolved = tuple(sorted(i for i in a_inc if i in b_inc and b_inc[i].is_open and not a_inc[i].is_open))
    updated = tuple(i for i in _changed({k: _comparable(v) for k, v in b_inc.items()},
                                        {k: _comparable(v) for k, v in a_inc.items()}) if i not in resolved)
    b_mw = {m.id: _comparable(m) for m in before.maintenance}
    a_mw = {m.id: _comparable(m) for m in after.maintenance}
    b_pm = {p.id: _comparable(p) for p in before.postmortems}
    a_pm = {p.id: _comparable(p) for p in after.postmortems}

    s_before, s_after = service_statuses(before, now), service_statuses(after, now)
    ids = [s.id for s in after.config.services]
    status = {sid: (s_before.get(sid, "operational"), s_after[sid]) for sid in ids
              if s_before.get(sid, "operational") != s_after[sid]}
    u_before = compute_uptime(before, now, service_ids=[s for s in ids if before.config.service(s)])
    u_after = compute_uptime(after, now, service_ids=ids)
    uptime: dict[str, dict[str, tuple[float | None, float | None]]] = {}
    budget: dict[str, tuple[float | None, float | None]] = {}
    for sid in ids:
        old, new = u_before.get(sid), u_after[sid]
        changes = {w: (old.windows.get(w) if old else None, new.windows.get(w)) for w in WINDOWS}
        changes = {w: pair for w, pair in changes.items() if pair[0] != pair[1]}
        if changes:
            uptime[sid] = changes
        ob = old.budgets.get("30d") if old else None
        nb = new.budgets.get("30d")
        pair = (ob.remaining_minutes if ob else None, nb.remaining_minutes if nb else None)
        if pair[0] != pair[1]:
            budget[sid] = pair
    titles = {i.id: i.title for i in (*before.incidents, *after.incidents)}
    titles |= {s.id: s.name for s in after.config.services}
    return SiteDiff(
        now=now, incidents_added=added, incidents_updated=updated, incidents_resolved=resolved,
        incidents_removed=tuple(sorted(set(b_inc) - set(a_inc))),
        maintenance_added=tuple(sorted(set(a_mw) - set(b_mw))), maintenance_changed=_changed(b_mw, a_mw),
        postmortems_added=tuple(sorted(set(a_pm) - set(b_pm))), postmortems_changed=_changed(b_pm, a_pm),
        overall=(overall_status(s_before) if s_before else "operational", overall_status(s_after)),
        status=status, uptime=uptime, budget_30d=budget, titles=titles,
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def _words(status: str) -> str:
    return status.replace("_", " ")


def diff_markdown(d: SiteDiff, after: Model) -> str:
    lines = [f"### What this change does to the status page (at {format_timestamp(d.now)})", ""]
    if d.empty:
        return "\n".join(lines + ["No visible change.", ""])
    if d.overall[0] != d.overall[1]:
        lines += [f"**Overall status:** {_words(d.overall[0])} → **{_words(d.overall[1])}**", ""]
    for label, ids in (("Incidents added", d.incidents_added), ("Incidents updated", d.incidents_updated),
                       ("Incidents resolved", d.incidents_resolved), ("Incidents removed", d.incidents_removed)):
        if ids:
            lines.append(f"**{label}:**")
            for i in ids:
                inc: Incident | None = after.incident(i)
                extra = f" — {inc.status}, {inc.max_severity}" if inc else ""
                lines.append(f"- `{i}`: {_cell(d.titles.get(i, i))}{extra}")
            lines.append("")
    for label, ids in (("Maintenance added", d.maintenance_added), ("Maintenance changed", d.maintenance_changed),
                       ("Post-mortems added", d.postmortems_added), ("Post-mortems changed", d.postmortems_changed)):
        if ids:
            lines += [f"**{label}:** " + ", ".join(f"`{i}`" for i in ids), ""]
    if d.status:
        lines += ["| service | status before | status after |", "| --- | --- | --- |"]
        lines += [f"| {_cell(d.titles.get(s, s))} | {_words(a)} | **{_words(b)}** |" for s, (a, b) in d.status.items()]
        lines.append("")
    if d.uptime:
        lines += ["| service | window | uptime before | uptime after |", "| --- | --- | --- | --- |"]
        for sid, windows in d.uptime.items():
            for w, (a, b) in windows.items():
                lines.append(f"| {_cell(d.titles.get(sid, sid))} | {w} | {format_percent(a)} | {format_percent(b)} |")
        lines.append("")
    if d.budget_30d:
        lines += ["| service | 30-day error budget left before | after |", "| --- | --- | --- |"]
        lines += [f"| {_cell(d.titles.get(s, s))} | {format_minutes(a)} | {format_minutes(b)} |"
                  for s, (a, b) in d.budget_30d.items()]
        lines.append("")
    return "\n".join(lines)


def diff_json(d: SiteDiff) -> str:
    payload = {
        "now": format_timestamp(d.now),
        "incidents": {"added": d.incidents_added, "updated": d.incidents_updated, "resolved": d.incidents_resolved,
                      "removed": d.incidents_removed},
        "maintenance": {"added": d.maintenance_added, "changed": d.maintenance_changed},
        "postmortems": {"added": d.postmortems_added, "changed": d.postmortems_changed},
        "overall": {"before": d.overall[0], "after": d.overall[1]},
        "status": {s: {"before": a, "after": b} for s, (a, b) in d.status.items()},
        "uptime": {s: {w: {"before": a, "after": b} for w, (a, b) in ws.items()} for s, ws in d.uptime.items()},
        "budget_remaining_minutes_30d": {s: {"before": a, "after": b} for s, (a, b) in d.budget_30d.items()},
    }
    return json.dumps(payload, indent=2) + "\n"
