"""Post-mortem rules: headings, action items, the publishing policy, and the blameless lint."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from generator.compute.policy import postmortem_required
from generator.model import Model, Postmortem, Problem
from generator.timeparse import format_timestamp
from generator.validate.blameless import disabled_rules, lint_blameless

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
# Words that show a title is not an instruction: determiners, pronouns, modals.
_NOT_VERBS = {
    "the", "a", "an", "we", "our", "this", "that", "these", "those", "it", "they", "there", "i", "you",
    "should", "must", "maybe", "perhaps", "need", "needs", "more", "better", "new", "no", "not", "all",
    "some", "any", "team", "ticket", "todo", "tbd",
}
_VERB_LIKE_ENDINGS = ("ing", "ed")
_IMPERATIVE_S = {"address", "access", "process", "assess", "discuss", "bypass", "express", "focus", "canvas"}


# What `statuspress new postmortem` writes for the authors to replace (generator/author.py).
_SCAFFOLD_TEXT = re.compile(r"^\s*(?:[-*]\s+)?Draft\s*[:\u2013\u2014-]", re.IGNORECASE)
SCAFFOLD_ACTION_TITLE = "Add a check, alert or automation for the first contributing factor"


def scaffold_leftovers(pm: Postmortem) -> list[Problem]:
    """W062 for each place a published post-mortem still holds the scaffold's placeholder text."""
    if pm.status != "published":
        return []
    out: list[Problem] = []
    where = "a published post-mortem still holds the text `statuspress new postmortem` wrote as a placeholder"
    fenced = False
    for i, text in enumerate(pm.body.split("\n")):
        if _FENCE.match(text):
            fenced = not fenced
        elif not fenced and _SCAFFOLD_TEXT.match(text):
            out.append(Problem(pm.path, pm.body_line + i, "W062", f"{where}: {text.strip()[:60]!r}",
                               "write this section, or remove the placeholder", "warning"))
    fields = [("summary", pm.summary)] + [(f"contributing_factors[{i + 1}]", f)
                                          for i, f in enumerate(pm.contributing_factors)]
    for key, text in fields:
        if _SCAFFOLD_TEXT.match(text):
            out.append(Problem(pm.path, pm.lines.get(key, pm.lines.get(key.split("[")[0], 1)), "W062",
                               f"{where}: {key.split('[')[0]} {text.strip()[:60]!r}", "replace it with the real text",
                               "warning"))
    for item in pm.action_items:
        if item.title.strip() == SCAFFOLD_ACTION_TITLE:
            out.append(Problem(pm.path, item.line, "W062", f"{where}: the example action item '{item.title}'",
                               "replace it with the real follow-up work, or remove it", "warning"))
    return out


def body_headings(body: str) -> list[str]:
    out, fenced = [], False
    for line in body.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            match = _HEADING.match(line)
            if match:
                out.append(match.group(1).strip().lower())
    return out


def is_verb_first(title: str) -> bool:
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", title)
    if not words:
        return False
    first = words[0].lower()
    if first in _NOT_VERBS:
        return False
    if first.endswith(_VERB_LIKE_ENDINGS) and first not in ("embed", "feed", "seed", "shed", "speed", "need"):
        return False
    if first.endswith("s") and not first.endswith("ss") and first not in _IMPERATIVE_S:
        return False  # "Adds", "Alerts": a description, not an instruction
    return True


def _sentences(text: str) -> int:
    return len([s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s])


def postmortem_rules(pm: Postmortem, model: Model, now: datetime) -> list[Problem]:
    out: list[Problem] = []
    line = pm.lines.get
    headings = set(body_headings(pm.body))
    for heading in model.config.postmortems.required_headings:
        if heading.lower() not in headings:
            out.append(Problem(pm.path, pm.body_line, "E050", f"missing required heading '## {heading}'",
                               f"add a '## {heading}' section to the body"))
    # A published_at that is there but unusable (a date, a typo) has its own error already.
    if pm.status == "published" and pm.published_at is None and "published_at" not in pm.lines:
        out.append(Problem(pm.path, line("status", 1), "E054", "a published post-mortem needs published_at",
                           "add 'published_at:' with the time it was published"))
    if pm.published_at is not None and pm.published_at > now:
        out.append(Problem(pm.path, line("published_at", 1), "E034",
                           f"published_at ({format_timestamp(pm.published_at)}) is in the future of now",
                           "use the time it was published"))
    if _sentences(pm.summary) > 3:
        out.append(Problem(pm.path, line("summary", 1), "E055", "summary is longer than three sentences",
                           "keep the summary to 1-3 sentences; the body holds the detail"))
    if not pm.contributing_factors:
        out.append(Problem(pm.path, line("contributing_factors", 1), "E010", "contributing_factors is empty",
                           "list at least one contributing factor"))
    if not pm.authors:
        out.append(Problem(pm.path, line("authors", 1), "E010", "authors is empty", "list at least one author"))
    if not pm.incidents:
        if pm.started_at is None and "started_at" not in pm.lines:
            out.append(Problem(pm.path, line("incidents", line("title", 1)), "E044",
                               "a post-mortem with no incidents needs started_at", "add 'started_at:' with when the "
                               "event began, or name the incident ids it covers under 'incidents:'"))
    if pm.started_at is not None and pm.ended_at is not None and pm.ended_at < pm.started_at:
        out.append(Problem(pm.path, line("ended_at", 1), "E044", f"ended_at ({format_timestamp(pm.ended_at)}) is "
                           f"before started_at ({format_timestamp(pm.started_at)})", "fix whichever is wrong"))
    structured = model.config.postmortems.action_items == "structured"
    for idx, item in enumerate(pm.action_items):
        if structured and item.free_text:
            out.append(Problem(pm.path, item.line, "E056", f"action item '{item.title[:60]}' is plain text, but "
                               "postmortems.action_items is structured", "write it as '- title: ...' with type, owner, "
                               "due and status, or set 'postmortems: {action_items: free_text}' in site_config.yml"))
        elif structured:
            # A field that is there but broken has its own error already.
            missing = [k for k in ("type", "owner", "due", "status") if getattr(item, k) is None
                       and f"action_items[{idx + 1}].{k}" not in pm.lines]
            if missing:
                out.append(Problem(pm.path, item.line, "E010", f"action item '{item.title[:60]}' lacks "
                                   f"{', '.join(missing)}", "add them, or set 'postmortems: {action_items: "
                                   "free_text}' in site_config.yml to make them optional"))
        if item.free_text:
            continue  # prose as written: no verb-first rule for imported or free-text items
        if not is_verb_first(item.title):
            out.append(Problem(pm.path, item.line, "E052", f"action item '{item.title}' does not start with a verb",
                               "start with what will be done, e.g. 'Add an alert for ...'"))
        if item.status == "wont_do" and not item.reason:
            out.append(Problem(pm.path, item.line, "E053", f"action item '{item.title}' is wont_do without a reason",
                               "add 'reason:' saying why it will not be done"))

    # Blameless lint over the prose: body lines, summary and contributing factors.
    texts: list[tuple[int, str]] = [(pm.body_line + i, text) for i, text in enumerate(pm.body.split("\n"))]
    texts.append((line("summary", 1), pm.summary))
    for i, factor in enumerate(pm.contributing_factors):
        texts.append((line(f"contributing_factors[{i + 1}]", line("contributing_factors", 1)), factor))
    texts.extend((item.line, item.title) for item in pm.action_items if item.line)  # titles are prose too
    out.extend(lint_blameless(pm.path, texts, disabled_rules(pm.body)))
    out.extend(scaffold_leftovers(pm))
    return out


def _event_day(pm: Postmortem, model: Model, tz: ZoneInfo) -> date | None:
    """The local day the post-mortem's event began: its first incident's start, else its own started_at."""
    starts = [inc.started_at for iid in pm.incidents if (inc := model.incident_or_drill(iid)) is not None]
    if pm.started_at is not None:
        starts.append(pm.started_at)
    return min(starts).astimezone(tz).date() if starts else None


def policy_rules(model: Model, now: datetime) -> list[Problem]:
    """Required post-mortems that are missing or late, and overdue action items (warnings)."""
    out: list[Problem] = []
    config = model.config
    since = config.postmortems.policy_since
    tz = ZoneInfo(config.site.timezone)
    for inc in model.incidents:
        if inc.resolved_at is None:
            continue
        if since is not None and inc.resolved_at.astimezone(tz).date() < since:
            continue  # history from before the policy: no post-mortem was ever due
        reasons = postmortem_required(inc, config)
        if not reasons:
            continue
        due = inc.resolved_at + timedelta(days=config.postmortems.due_days_for(inc.max_severity))
        linked = model.postmortems_for(inc.id)
        published_at = [pm.published_at for pm in linked if pm.status == "published" and pm.published_at is not None]
        published = [pm for pm in linked if pm.status == "published" and pm.published_at is not None]
        if any(at <= due for at in published_at):
            continue
        if published:
            late = min(published_at)
            out.append(Problem(published[0].path, published[0].lines.get("published_at", 1), "W060",
                               f"post-mortem for {inc.id} was published {format_timestamp(late)}, after its due date "
                               f"{format_timestamp(due)}", "publish post-mortems within the policy's due_days",
                               "warning"))
        elif now > due:
            where = linked[0] if linked else None
            out.append(Problem(
                where.path if where else inc.path, where.lines.get("status", 1) if where else inc.lines.get("title", 1),
                "W060", f"post-mortem for {inc.id} is required ({', '.join(reasons)}) and was due "
                f"{format_timestamp(due)}; none is published",
                f"run 'statuspress new postmortem {inc.id}'" if not where else "finish and publish it", "warning"))
    today = now.astimezone(ZoneInfo(config.site.timezone)).date()
    for pm in model.postmortems:
        day = _event_day(pm, model, tz) if since is not None else None
        if since is not None and day is not None and day < since:
            continue
        for item in pm.action_items:
            if item.is_overdue(today):
                out.append(Problem(pm.path, item.line, "W061", f"action item '{item.title}' was due {item.due} and is "
                                   f"still {item.status}", "finish it, move the due date, or mark it wont_do with a reason",
                                   "warning"))
    return out
