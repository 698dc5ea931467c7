"""Lifecycle rules for one incident or maintenance window: order, updates, the future."""

from __future__ import annotations

from datetime import datetime

from generator.model import Incident, Maintenance, Problem
from generator.timeparse import format_timestamp

# Each pair must be in order; a breach names both fields.
TIME_PAIRS = (("started_at", "detected_at"), ("detected_at", "acknowledged_at"), ("acknowledged_at", "resolved_at"),
              ("detected_at", "resolved_at"), ("started_at", "mitigated_at"), ("mitigated_at", "resolved_at"))


def _p(obj: Incident | Maintenance, key: str, code: str, message: str, hint: str) -> Problem:
    return Problem(obj.path, obj.lines.get(key, 1), code, message, hint)


def incident_rules(inc: Incident, now: datetime) -> list[Problem]:
    out: list[Problem] = []
    fields = {
        "started_at": inc.started_at, "detected_at": inc.detected_at, "acknowledged_at": inc.acknowledged_at,
        "mitigated_at": inc.mitigated_at, "resolved_at": inc.resolved_at,
    }
    for early, late in TIME_PAIRS:
        a, b = fields[early], fields[late]
        if a is not None and b is not None and a > b:
            out.append(_p(inc, late, "E030", f"{late} ({format_timestamp(b)}) is before {early} ({format_timestamp(a)})",
                          f"{early} <= {late} must hold: fix whichever is wrong"))
    for name, value in fields.items():
        if value is not None and value > now:
            out.append(_p(inc, name, "E034", f"{name} ({format_timestamp(value)}) is in the future of now "
                          f"({format_timestamp(now)})", "use the time it actually happened"))

    previous = None
    for i, u in enumerate(inc.updates):
        key = f"updates[{i + 1}]"
        line = u.line or inc.lines.get(key, 1)
        if u.at < inc.started_at:
            out.append(Problem(inc.path, line, "E031", f"update {i + 1} at {format_timestamp(u.at)} is before started_at "
                               f"({format_timestamp(inc.started_at)})", "move started_at earlier or fix the update time"))
        if inc.resolved_at is not None and u.at > inc.resolved_at:
            out.append(Problem(inc.path, line, "E032", f"update {i + 1} at {format_timestamp(u.at)} is after resolved_at "
                               f"({format_timestamp(inc.resolved_at)})", "updates end at resolution"))
        if previous is not None and u.at < previous.at:
            out.append(Problem(inc.path, line, "E033", f"update {i + 1} at {format_timestamp(u.at)} is earlier than "
                               f"update {i} ({format_timestamp(previous.at)})", "list updates in time order"))
        if u.at > now:
            out.append(Problem(inc.path, line, "E034", f"update {i + 1} at {format_timestamp(u.at)} is in the future of "
                               f"now ({format_timestamp(now)})", "post updates once they happen"))
        if previous is not None and previous.status == "resolved" and u.status == "resolved":
            out.append(Problem(inc.path, line, "E038", f"update {i + 1} resolves an incident that is already resolved",
                               "to reopen it, give the update status investigating, identified or monitoring; "
                               "otherwise merge the two updates"))
        if u.eta is not None and u.eta < u.at:
            out.append(Problem(inc.path, line, "E030", f"update {i + 1}: eta is before the update's own time",
                               "an eta is a future time"))
        previous = u

    last = inc.updates[-1]
    if last.status == "resolved" and inc.resolved_at is None:
        out.append(_p(inc, f"updates[{len(inc.updates)}]", "E035", "the last update is resolved but resolved_at is missing",
                      f"add 'resolved_at: {format_timestamp(last.at)}'"))
    elif last.status != "resolved" and inc.resolved_at is not None:
        out.append(_p(inc, "resolved_at", "E035", f"resolved_at is set but the last update is '{last.status}'",
                      "add a final update with status resolved, or remove resolved_at"))
    elif last.status == "resolved" and inc.resolved_at is not None and last.at != inc.resolved_at:
        out.append(_p(inc, "resolved_at", "E036", f"resolved_at ({format_timestamp(inc.resolved_at)}) differs from the "
                      f"resolved update ({format_timestamp(last.at)})", "make them the same time"))
    reopen_at = [b.at for a, b in zip(inc.updates, inc.updates[1:], strict=False) if a.status == "resolved" and b.status != "resolved"]
    if reopen_at and inc.mitigated_at is not None and inc.mitigated_at < reopen_at[-1]:
        out.append(_p(inc, "mitigated_at", "E030", f"mitigated_at ({format_timestamp(inc.mitigated_at)}) is before the "
                      f"update that reopened the incident ({format_timestamp(reopen_at[-1])})",
                      "after a reopening, mitigated_at is when the impact of the reopened incident ended: move it, "
                      "or remove it"))
    if inc.duration_unknown and inc.resolved_at is None:
        out.append(_p(inc, "duration_unknown", "E035", "duration_unknown is set but the incident is not resolved",
                      "remove duration_unknown: an open incident's duration is counted up to now"))
    if (inc.acknowledged_at is None and "acknowledged_at" not in inc.unknown_times
            and any(u.status != "investigating" for u in inc.updates)):
        out.append(_p(inc, "updates", "E037", "acknowledged_at is missing but an update is past investigating",
                      "add 'acknowledged_at:' with the time a responder took it on, or "
                      "'acknowledged_at: unknown' when no record says"))
    return out


def maintenance_rules(mw: Maintenance, now: datetime) -> list[Problem]:
    out: list[Problem] = []
    if mw.scheduled_end <= mw.scheduled_start:
        out.append(_p(mw, "scheduled_end", "E039", "scheduled_end is not after scheduled_start",
                      "the window must have a positive length"))
    previous = None
    for i, u in enumerate(mw.updates):
        line = u.line or mw.lines.get(f"updates[{i + 1}]", 1)
        if previous is not None and u.at < previous.at:
            out.append(Problem(mw.path, line, "E033", f"update {i + 1} is earlier than update {i}",
                               "list updates in time order"))
        if u.at > now:
            out.append(Problem(mw.path, line, "E034", f"update {i + 1} at {format_timestamp(u.at)} is in the future "
                               f"of now ({format_timestamp(now)})", "post updates once they happen"))
        if u.scheduled_end is not None and u.scheduled_end <= mw.effective_start:
            out.append(Problem(mw.path, line, "E039", f"update {i + 1} moves the planned end to "
                               f"{format_timestamp(u.scheduled_end)}, not after the window's start",
                               "scheduled_end on an update is the new planned end: after the start"))
        previous = u
    if mw.effective_end <= mw.effective_start and mw.scheduled_end > mw.scheduled_start:
        if any(u.status == "completed" for u in mw.updates):
            out.append(_p(mw, "updates", "E039", "the completed update comes before the in_progress one",
                          "check the update times"))
        else:
            out.append(_p(mw, "updates", "E039", f"work started after the planned end "
                          f"({format_timestamp(mw.planned_end)}), and no update moves or completes it",
                          "add 'scheduled_end:' with the new planned end to the in_progress update, or a completed "
                          "update"))
    return out
