"""One event -> one message per channel type.

The wording lives in ``templates/`` (Jinja2; HTML autoescaped); :class:`MessageView` holds the
words a template may use, taken from allow-listed public fields only. Each channel escapes
user text in its own way: Slack mrkdwn (``& < >``), Markdown for Teams and Discord (with
mentions switched off on Discord), HTML by Jinja2's autoescape for email.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from generator import i18n
from generator.compute.status import overall_status, service_statuses, status_indicator
from generator.i18n import N_, _
from generator.model import IMPACT_RANK, Incident, Maintenance, Model
from generator.notify.events import Event
from generator.site import urls
from generator.site.api import _Api  # the public API's Statuspage objects, so both say the same
from generator.site.visibility import SiteContext
from generator.timeparse import format_timestamp
from generator.words import status_label

TEMPLATES = Path(__file__).resolve().parent / "templates"
LINK_TEXT = N_("View on the status page")

# Colours by what the event means (chat side bars, the email's heading rule).
_COLORS = {"major_outage": 0xD1242F, "partial_outage": 0xBC4C00, "degraded_performance": 0x9A6700,
           "resolved": 0x1A7F37, "maintenance": 0x0969DA, "postmortem": 0x6639BA, "investigating": 0xBC4C00}


@dataclass(frozen=True)
class Fact:
    label: str
    value: str  # plain text; lines separated by "\n"


@dataclass(frozen=True)
class MessageView:
    """Everything a message says, as plain (unescaped) text."""

    event_id: str
    kind: str
    subject: str
    site_name: str
    site_url: str
    title: str
    status: str
    status_label: str
    message: str
    facts: tuple[Fact, ...]
    url: str
    when: str  # the event's moment for people ("" when undated)
    at: str | None  # RFC 3339, for machines
    window: str
    planned_end: str
    color: int
    headline: str = ""
    lead: str = ""

    @property
    def color_hex(self) -> str:
        return f"#{self.color:06x}"


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


@cache
def _env(autoescape: bool, tag: str) -> jinja2.Environment:
    """One environment per language: the words come from the site language's catalog."""
    lang = i18n.language(tag)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=autoescape,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(lang.translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(lang=lang.tag, direction=lang.direction)
    return env


def render_text(name: str, view: MessageView) -> str:
    return _env(False, i18n.active().tag).get_template(name).render(v=view)


def render_html(name: str, view: MessageView) -> str:
    return _env(True, i18n.active().tag).get_template(name).render(v=view)


# ---------------------------------------------------------------- the view


def _impacts_after(inc: Incident, n: int) -> dict[str, str]:
    current = dict(inc.services)
    for u in inc.updates[: n + 1]:
        current.update(u.services)
    return current


def _severity_after(inc: Incident, n: int) -> str:
    sev = inc.severity
    for u in inc.updates[: n + 1]:
        if u.severity:
            sev = u.severity
    return sev


def _lines(items: list[str]) -> str:
    return "\n".join(items)


def view_for(event: Event, ctx: SiteContext) -> MessageView:
    """The message about ``event`` (the template decides the headline and lead)."""
    model = ctx.model
    site = model.config.site
    common: dict[str, Any] = {"event_id": event.id, "kind": event.kind, "subject": event.subject,
                              "site_name": site.name, "site_url": urls.absolute(ctx, urls.home_url()),
                              "when": ctx.display_time(event.at) if event.at else "",
                              "at": format_timestamp(event.at) if event.at else None,
                              "window": "", "planned_end": ""}
    if event.subject == "incident":
        inc = model.incident(event.subject_id)
        assert inc is not None and event.update is not None
        u = inc.updates[event.update]
        status = "reopened" if event.kind == "incident.reopened" else u.status
        impacts = _impacts_after(inc, event.update)
        rows = [f"{ctx.service_name(sid)}: {status_label('operational' if u.status == 'resolved' else w)}"
                for sid, w in impacts.items()]
        facts = [Fact(_("Status"), status_label(u.status)),
                 Fact(_("Severity"), ctx.severity_text(_severity_after(inc, event.update)))]
        if rows:
            facts.append(Fact(_("Services"), _lines(rows)))
        if u.eta is not None and u.status != "resolved":
            facts.append(Fact(_("Expected resolution"), ctx.display_time(u.eta)))
        worst = max(impacts.values(), key=lambda w: IMPACT_RANK.get(w, 0), default="")
        color = _COLORS["resolved"] if u.status == "resolved" else _COLORS.get(worst, _COLORS["investigating"])
        return _finish(MessageView(**common, title=inc.title, status=status, status_label=status_label(status),
                                   message=u.message, facts=tuple(facts),
                                   url=urls.absolute(ctx, urls.incident_url(inc.id)), color=color))
    if event.subject == "maintenance":
        m = next(x for x in model.maintenance if x.id == event.subject_id)
        return _finish(_maintenance_view(event, m, ctx, common))
    pm = next(x for x in model.postmortems if x.id == event.subject_id)
    covered = [model.incident(iid) for iid in pm.incidents]
    facts = [Fact(_("Incidents"), _lines([inc.title for inc in covered if inc is not None]))]
    return _finish(MessageView(**common, title=pm.title, status="published", status_label=status_label("published"),
                               message=pm.summary, facts=tuple(facts),
                               url=urls.absolute(ctx, urls.postmortem_url(pm.id)), color=_COLORS["postmortem"]))


def _maintenance_view(event: Event, m: Maintenance, ctx: SiteContext, common: dict[str, Any]) -> MessageView:
    status = {"maintenance.scheduled": "scheduled", "maintenance.started": "in_progress",
              "maintenance.completed": "completed", "maintenance.cancelled": "cancelled"}.get(event.kind)
    u = m.updates[event.update] if event.update is not None else None
    if status is None:
        status = u.status if u is not None else "scheduled"
    common = dict(common, window=_("%(start)s to %(end)s") % {"start": ctx.display_time(m.scheduled_start),
                                                          "end": ctx.display_time(m.planned_end)},
                  planned_end=ctx.display_time(m.planned_end))
    facts = (Fact(_("Window"), common["window"]),
             Fact(_("Services"), _lines([ctx.service_name(sid) for sid in m.services])))
    return MessageView(**common, title=m.title, status=status, status_label=status_label(status),
                       message=u.message if u is not None else "", facts=facts,
                       url=urls.absolute(ctx, urls.maintenance_url(m.id)),
                       color=_COLORS["resolved"] if status == "completed" else _COLORS["maintenance"])


def _finish(view: MessageView) -> MessageView:
    from dataclasses import replace

    headline = render_text("headline.txt", view).strip()
    view = replace(view, headline=headline)
    return replace(view, lead=render_text("lead.txt", view).strip())


# ---------------------------------------------------------------- escaping


def slack_escape(text: str) -> str:
    """Slack mrkdwn's three control characters (``<!channel>`` would ping everyone)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_DISCORD_INLINE = re.compile(r"([\\`*_~|>\[\]<@])")
_TEAMS_INLINE = re.compile(r"([\\*_\[\]])")
# At the start of a line: headings, list items, "1." numbered items.
_LINE_START = re.compile(r"^(\s*)(#|-|\+|\d+(?=\.))", re.MULTILINE)


def markdown_escape(text: str) -> str:
    """Backslash before Discord's Markdown characters (mentions are also off: allowed_mentions)."""
    return _LINE_START.sub(r"\1\\\2", _DISCORD_INLINE.sub(r"\\\1", text))


def teams_escape(text: str) -> str:
    """Adaptive Card TextBlocks know only bold, italic, links and lists: escape just those."""
    return _LINE_START.sub(r"\1\\\2", _TEAMS_INLINE.sub(r"\\\1", text))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


# ---------------------------------------------------------------- payloads


def slack_payload(view: MessageView) -> dict[str, Any]:
    """Incoming webhook, Block Kit: header, text, fields (at most 10), link; ``text`` is the fallback."""
    body = slack_escape(view.lead) + ("\n\n" + slack_escape(view.message) if view.message else "")
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(view.headline, 150), "emoji": False}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _cut(body, 3000)}},
    ]
    if view.facts:
        blocks.append({"type": "section", "fields": [
            {"type": "mrkdwn", "text": _cut(f"*{slack_escape(f.label)}*\n{slack_escape(f.value)}", 2000)}
            for f in view.facts[:10]]})
    blocks.append({"type": "context", "elements": [
        {"type": "mrkdwn", "text": f"<{view.url}|{_(LINK_TEXT)}> \u00b7 {slack_escape(view.site_name)}"}]})
    return {"text": f"{slack_escape(view.headline)}: {view.url}", "blocks": blocks}


def teams_payload(view: MessageView) -> dict[str, Any]:
    """Workflows webhook ("Post to a channel when a webhook request is received"): an Adaptive Card."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": teams_escape(view.headline), "weight": "Bolder", "size": "Medium",
         "wrap": True},
        {"type": "TextBlock", "text": teams_escape(view.lead), "isSubtle": True, "wrap": True,
         "spacing": "None"},
    ]
    if view.message:
        body.append({"type": "TextBlock", "text": teams_escape(view.message), "wrap": True})
    if view.facts:
        body.append({"type": "FactSet", "facts": [
            {"title": f.label, "value": teams_escape(f.value.replace("\n", "; "))} for f in view.facts]})
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
            "version": "1.4", "body": body,
            "actions": [{"type": "Action.OpenUrl", "title": _(LINK_TEXT), "url": view.url}],
            "msteams": {"width": "Full"}}
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}


def discord_payload(view: MessageView) -> dict[str, Any]:
    """Channel webhook with one embed, inside Discord's limits (6,000 characters in all); no mentions."""
    title = _cut(markdown_escape(view.headline), 256)
    footer = _cut(view.site_name, 2048)
    budget = 6000 - len(title) - len(footer)
    wanted = [(_cut(f.label, 256), _cut(markdown_escape(f.value), 1024)) for f in view.facts[:25]]
    description = markdown_escape(view.lead) + ("\n\n" + markdown_escape(view.message) if view.message else "")
    # The text comes first; the facts get what is left (at least some room for them).
    description = _cut(description, min(4096, budget - min(sum(len(n) + len(v) for n, v in wanted), 1500)))
    budget -= len(description)
    fields = []
    for name, value in wanted:
        room = budget - len(name)
        if room < min(len(value), 20):
            break
        value = _cut(value, room)
        fields.append({"name": name, "value": value, "inline": False})
        budget -= len(name) + len(value)
    embed: dict[str, Any] = {"title": title, "url": view.url, "description": description,
                             "color": view.color, "fields": fields, "footer": {"text": footer}}
    if view.at:
        embed["timestamp"] = view.at
    return {"content": "", "embeds": [embed], "allowed_mentions": {"parse": []}}


def webhook_payload(view: MessageView, event: Event, ctx: SiteContext) -> dict[str, Any]:
    """Statuspage's webhook shape: ``meta``, ``page``, ``incident`` (with ``incident_updates``) and,
    when the update changed a component, ``component_update`` (one change) / ``component_updates``."""
    api = _Api(ctx)
    indicator, description = status_indicator(overall_status(service_statuses(ctx.model, ctx.now)))
    payload: dict[str, Any] = {
        "meta": {"unsubscribe": None, "documentation": None, "event_id": event.id, "event_kind": event.kind,
                 "url": view.url, "headline": view.headline, "text": render_text("text.txt", view)},
        "page": {"id": api.pid, "status_indicator": indicator, "status_description": description},
    }
    model: Model = ctx.model
    if event.subject == "incident":
        inc = model.incident(event.subject_id)
        assert inc is not None and event.update is not None
        payload["incident"] = api.incident(inc)
        update_id = f"{inc.id}-u{event.update + 1}"
        update = next(x for x in payload["incident"]["incident_updates"] if x["id"] == update_id)
        changes = [{"id": f"{update_id}-{row['code']}", "component_id": row["code"], "created_at": update["created_at"],
                    "old_status": row["old_status"], "new_status": row["new_status"]}
                   for row in update["affected_components"] or []]
        if changes:
            payload["component_updates"] = changes
        if len(changes) == 1:
            payload["component_update"] = changes[0]
            payload["component"] = next((c for c in api.components() if c["id"] == changes[0]["component_id"]), None)
    elif event.subject == "maintenance":
        m = next(x for x in model.maintenance if x.id == event.subject_id)
        payload["incident"] = api.maintenance(m)
        if m.cancelled:
            payload["incident"]["status"] = "cancelled"
    else:
        pm = next(x for x in model.postmortems if x.id == event.subject_id)
        inc = model.incident(pm.incidents[0]) if pm.incidents else None
        incident = api.incident(inc) if inc is not None else {}
        incident.update({"postmortem_body": pm.summary, "postmortem_published_at": view.at,
                         "postmortem_url": view.url, "postmortem_title": pm.title})
        payload["incident"] = incident
    return payload


def email_message(view: MessageView) -> Email:
    return Email(subject=render_text("subject.txt", view).strip(), text=render_text("text.txt", view),
                 html=render_html("email.html", view))


def json_body(payload: dict[str, Any]) -> bytes:
    """The bytes that are sent (and signed)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
