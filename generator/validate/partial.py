"""Rules for files with field errors, so that one run reports every problem it can find.

A file whose required fields are missing or unreadable is not turned into an
:class:`~generator.model.Incident` (or maintenance window, or post-mortem),
so the rules that need the whole object cannot run on it. These run on the
values that did convert: unknown services and categories, a missing
``acknowledged_at``, times out of order or in the future, post-mortem
headings, action items and the blameless lint. Problems that depend on a
missing or broken field are left to the error that field already has.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from generator.model import Model, Partial, Problem
from generator.schema import did_you_mean
from generator.timeparse import format_timestamp
from generator.validate.blameless import disabled_rules, lint_blameless
from generator.validate.lifecycle import TIME_PAIRS
from generator.validate.postmortem import body_headings, is_verb_first


def partial_rules(model: Model, now: datetime, config_usable: bool) -> list[Problem]:
    out: list[Problem] = []
    for part in model.partial:
        if part.kind == "postmortems":
            out.extend(_postmortem(part, model, now))
            continue
        if config_usable:
            out.extend(_services(part, model))
        if part.kind == "incidents":
            out.extend(_incident(part, now))
        else:
            out.extend(_updates(part, now))
    return out


def _services(part: Partial, model: Model) -> list[Problem]:
    out: list[Problem] = []
    known = model.config.service_ids
    line = part.lines.get

    def check(services: Any, where: int, prefix: str = "") -> None:
        if isinstance(services, Mapping):
            for sid in services:
                if sid not in known:
                    out.append(Problem(part.path, line(f"services.{sid}", where), "E040",
                                       f"{prefix}unknown service '{sid}'", did_you_mean(sid, known)))

    check(part.values.get("services"), line("services", 1))
    for i, update in enumerate(part.values.get("updates") or []):
        if update is not None:
            values, node = update
            for sid in values.get("services") or {}:
                if sid not in known:
                    out.append(Problem(part.path, node.line, "E040", f"update {i + 1}: unknown service '{sid}'",
                                       did_you_mean(sid, known)))
    category = part.values.get("category")
    if part.kind == "incidents" and category is not None and category not in model.config.categories:
        out.append(Problem(part.path, line("category", 1), "E041", f"unknown category '{category}'",
                           did_you_mean(category, model.config.categories)))
    return out


def _time(value: object) -> datetime | None:
    """A converted time, or None for an absent one or one declared ``unknown``."""
    return value if isinstance(value, datetime) else None


def _incident(part: Partial, now: datetime) -> list[Problem]:
    out: list[Problem] = []
    v, line = part.values, part.lines.get
    for early, late in TIME_PAIRS:
        a, b = _time(v.get(early)), _time(v.get(late))
        if a is not None and b is not None and a > b:
            out.append(Problem(part.path, line(late, 1), "E030", f"{late} ({format_timestamp(b)}) is before {early} "
                               f"({format_timestamp(a)})", f"{early} <= {late} must hold: fix whichever is wrong"))
    for name in ("started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at"):
        value = _time(v.get(name))
        if value is not None and value > now:
            out.append(Problem(part.path, line(name, 1), "E034", f"{name} ({format_timestamp(value)}) is in the future "
                               f"of now ({format_timestamp(now)})", "use the time it actually happened"))
    out.extend(_updates(part, now))
    statuses = [u.get("status") for u in part.entries("updates")]
    # Only when the key is absent: a present but broken acknowledged_at has its own error.
    if "acknowledged_at" not in part.lines and any(s not in (None, "investigating") for s in statuses):
        out.append(Problem(part.path, line("updates", 1), "E037",
                           "acknowledged_at is missing but an update is past investigating",
                           "add 'acknowledged_at:' with the time a responder took it on"))
    return out


def _updates(part: Partial, now: datetime) -> list[Problem]:
    out: list[Problem] = []
    previous: datetime | None = None
    for i, update in enumerate(part.values.get("updates") or []):
        if update is None:
            continue
        values, node = update
        at = values.get("at")
        if at is None:
            continue
        if previous is not None and at < previous:
            out.append(Problem(part.path, node.line, "E033", f"update {i + 1} at {format_timestamp(at)} is earlier "
                               "than the update before it", "list updates in time order"))
        if at > now:
            out.append(Problem(part.path, node.line, "E034", f"update {i + 1} at {format_timestamp(at)} is in the "
                               f"future of now ({format_timestamp(now)})", "post updates once they happen"))
        previous = at
    return out


def _postmortem(part: Partial, model: Model, now: datetime) -> list[Problem]:
    out: list[Problem] = []
    v, line = part.values, part.lines.get
    headings = set(body_headings(part.body))
    for heading in model.config.postmortems.required_headings:
        if heading.lower() not in headings:
            out.append(Problem(part.path, part.body_line, "E050", f"missing required heading '## {heading}'",
                               f"add a '## {heading}' section to the body"))
    published_at = v.get("published_at")
    if published_at is not None and published_at > now:
        out.append(Problem(part.path, line("published_at", 1), "E034",
                           f"published_at ({format_timestamp(published_at)}) is in the future of now",
                           "use the time it was published"))
    for i, update in enumerate(v.get("action_items") or []):
        if update is None:
            continue
        item, node = update
        title = item.get("title")
        if title is not None and not is_verb_first(title):
            out.append(Problem(part.path, node.line, "E052", f"action item '{title}' does not start with a verb",
                               "start with what will be done, e.g. 'Add an alert for ...'"))
        if item.get("status") == "wont_do" and not item.get("reason"):
            out.append(Problem(part.path, node.line, "E053",
                               f"action item '{title or i + 1}' is wont_do without a reason",
                               "add 'reason:' saying why it will not be done"))
    texts: list[tuple[int, str]] = [(part.body_line + i, text) for i, text in enumerate(part.body.split("\n"))]
    if v.get("summary"):
        texts.append((line("summary", 1), v["summary"]))
    for i, factor in enumerate(v.get("contributing_factors") or ()):
        texts.append((line(f"contributing_factors[{i + 1}]", line("contributing_factors", 1)), factor))
    for update in v.get("action_items") or []:  # titles are prose too
        if update is not None and isinstance(update[0].get("title"), str):
            texts.append((update[1].line, update[0]["title"]))
    out.extend(lint_blameless(part.path, texts, disabled_rules(part.body)))
    return out
