"""Drills: a post-mortem of a drill stays internal (E045); a group overdue for a drill (W100)."""

from __future__ import annotations

from datetime import datetime

from generator.compute.drills import cadence_status
from generator.load import CONFIG_FILE
from generator.model import Model, Problem
from generator.timeparse import format_timestamp


def drill_rules(model: Model, now: datetime) -> list[Problem]:
    out: list[Problem] = []
    for pm in model.postmortems:
        named = [iid for iid in pm.incidents if iid in model.drill_ids]
        if named and pm.visibility == "public":
            out.append(Problem(pm.path, pm.lines.get("visibility", pm.lines.get("incidents", 1)), "E045",
                               f"post-mortem of the drill {', '.join(named)} is visibility: public; drills are "
                               "never published", "write 'visibility: internal'"))
    policy = model.config.drills
    for c in cadence_status(model, now):
        if not c.overdue:
            continue
        line = policy.group_lines.get(c.group, policy.line) or 1
        setting = (f"drills.groups.{c.group}.cadence_days" if c.group in policy.groups else "drills.cadence_days")
        if c.last_drill is not None:
            days = c.days_since(now)
            message = (f"service group '{c.group}' last held a drill {days} days ago ({c.last_drill.id}, "
                       f"{format_timestamp(c.last_drill.started_at)}), longer than {setting} ({c.cadence_days})")
        elif c.due is not None:
            message = (f"service group '{c.group}' has never held a drill; one was due by {format_timestamp(c.due)} "
                       f"({setting} {c.cadence_days} after its first tracked day)")
        else:
            message = (f"service group '{c.group}' has never held a drill, and none of its services has a `since` "
                       f"to count {setting} ({c.cadence_days}) from")
        out.append(Problem(CONFIG_FILE, line, "W100", message,
                           "record a drill: statuspress new incident TITLE --drill --service ID ...", "warning"))
    return out
