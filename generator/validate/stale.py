"""Open incidents that look forgotten: open for days, silent for hours, an estimate gone by (warnings)."""

from __future__ import annotations

from datetime import datetime, timedelta

from generator.compute.stale import last_word, posted, standing_eta
from generator.compute.status import is_open_at
from generator.model import Incident, Model, Problem
from generator.timeparse import format_duration, format_timestamp


def _w(inc: Incident, line: int, code: str, message: str, hint: str) -> Problem:
    return Problem(inc.path, line, code, message, hint, level="warning")


def stale_rules(model: Model, now: datetime) -> list[Problem]:
    config = model.config
    out: list[Problem] = []
    for inc in (*model.incidents, *model.drills):  # a drill left open is as forgotten as an incident
        if not is_open_at(inc, now):
            continue
        status_line = inc.lines.get("status", inc.lines.get("started_at", 1))
        if now - inc.started_at > timedelta(days=config.stale_open_days):
            out.append(_w(inc, inc.lines.get("started_at", 1), "W090",
                          f"incident open for {format_duration(now - inc.started_at)}, longer than "
                          f"stale.open_days ({config.stale_open_days} days)",
                          f"resolve it with 'statuspress resolve {inc.id} -m ...', or post an update saying why "
                          "it is still open"))
        heard = last_word(inc, now)
        if now - heard > timedelta(hours=config.stale_update_hours):
            ups = posted(inc, now)
            line = ups[-1].line if ups and ups[-1].line else status_line
            out.append(_w(inc, line, "W091",
                          f"no update for {format_duration(now - heard)} (since {format_timestamp(heard)}), longer "
                          f"than stale.update_hours ({config.stale_update_hours} hours)",
                          f"post an update: statuspress update {inc.id} --status ... -m ..."))
        eta = standing_eta(inc, now)
        if eta is not None and eta < now:
            setter = next((u for u in reversed(posted(inc, now)) if u.eta is not None), None)
            line = setter.line if setter is not None and setter.line else status_line
            out.append(_w(inc, line, "W092",
                          f"expected resolution {format_timestamp(eta)} has passed; the page says "
                          "\"Estimate passed, awaiting update\"",
                          f"post an update with a new estimate (statuspress update {inc.id} ... --eta +1h) or "
                          "resolve it"))
    return out
