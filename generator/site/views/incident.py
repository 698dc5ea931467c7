"""An incident's page: facts, body, affected services, updates, and internal details in internal builds."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from generator.compute.stale import standing_eta
from generator.compute.status import is_open_at
from generator.i18n import _
from generator.model import Incident, Source
from generator.site import urls
from generator.site.markdown import render_markdown
from generator.site.urls import feed_links
from generator.site.views.shared import (
    Banner,
    Facts,
    Link,
    PageInfo,
    Status,
    Time,
    UpdateView,
    banner_of,
    incident_duration,
    postmortem_marks,
    rel,
    service_link,
    status_of,
    time_of,
    timeline,
)
from generator.words import RECOVERED, category_label, detection_label, status_label


@dataclass(frozen=True)
class PostmortemLink:
    link: Link
    labels: tuple[str, ...]


@dataclass(frozen=True)
class AffectedRow:
    service: Link
    worst: Status
    now: Status | None  # None: ``now_text`` instead
    now_text: str  # "Recovered" while the incident is open (a resolved one shows "Operational" in ``now``)


@dataclass(frozen=True)
class InternalDetails:
    commander: str
    novel: str  # "yes" | "no"
    error_messages: tuple[str, ...]


@dataclass(frozen=True)
class IncidentView:
    page: PageInfo
    banner: Banner  # the whole site's status, above the incident
    title: str
    status_text: str
    severity: str  # "" unless severity is shown (publish.severity, internal builds)
    severity_note: str  # "(highest reached; declared as SEV-2)" or ""
    started: Time
    detected: Time | None  # None: unknown
    acknowledged: Time | None
    acknowledged_unknown: bool
    mitigated: Time | None
    resolved: Time | None
    duration: str  # "2 h 5 min", "Ongoing for 1 h"
    detected_by: str  # "Reported by a customer"
    category: str  # "Dependency"
    postmortems: tuple[PostmortemLink, ...]
    body: Markup  # sanitised Markdown
    affected: tuple[AffectedRow, ...]
    timezone: str
    updates: tuple[UpdateView, ...]  # newest first
    internal: InternalDetails | None
    source: Link | None = None  # the original page of an imported incident
    reopened: bool = False
    drill: bool = False  # a rehearsal: marked at the top (internal builds only ever show one)
    drills_page: str = ""  # link to the drills page, for a drill


def source_link(source: Source | None) -> Link | None:
    """``Originally published on Statuspage``: the imported item's original page, when it has one."""
    if source is None or not source.url:
        return None
    name = {"statuspage": "Statuspage", "cstate": "cState"}.get(source.system)
    if name is None:
        return Link(_("Originally published on the original status page"), source.url)
    return Link(_("Originally published on %(system)s") % {"system": name}, source.url)


def _first_upper(text: str) -> str:
    """``ongoing for 2 h`` -> ``Ongoing for 2 h`` (``str.capitalize`` would lower-case the rest)."""
    return text[:1].upper() + text[1:]


def incident_view(facts: Facts, inc: Incident) -> IncidentView:
    ctx = facts.ctx
    url = urls.incident_url(inc.id)
    open_now = is_open_at(inc, ctx.now)
    pms = ctx.visible_postmortems_for(inc.id)
    fields = ctx.incident_internal_fields(inc)
    internal = None
    if fields is not None:
        internal = InternalDetails(
            commander=str(fields["commander"] or _("not set")),
            novel=_("yes") if fields["novel"] else _("no"),
            error_messages=tuple(str(e) for e in (fields["error_messages"] or ())),  # type: ignore[attr-defined]
        )
    services = [sid for sid in inc.affected_service_ids() if ctx.model.config.service(sid) is not None]
    feeds = tuple(feed_links(ctx, services[0])) if len(services) == 1 else facts.feeds
    summary = inc.updates[-1].message if inc.updates else inc.title
    return IncidentView(
        page=PageInfo(url, _("Drill: %(title)s") % {"title": inc.title} if inc.drill else inc.title, feeds=feeds,
                      layout="status",
                      description=((_("Drill.") + " " if inc.drill else "")
                                   + _("%(status)s: %(summary)s") % {"status": status_label(inc.status),
                                                                       "summary": summary})[:300],
                      labels=("Drill",) if inc.drill else ()),
        banner=banner_of(facts),
        title=inc.title,
        status_text=status_label(inc.status) if open_now else status_label("resolved"),
        severity=ctx.severity_text(inc.max_severity) if ctx.show_severity else "",
        severity_note=(_("(highest reached; declared as %(severity)s)") % {"severity": inc.severity}
                       if inc.max_severity != inc.severity and ctx.show_severity else ""),
        started=time_of(ctx, inc.started_at),
        detected=time_of(ctx, inc.detected_at) if inc.detected_at is not None else None,
        acknowledged=time_of(ctx, inc.acknowledged_at) if inc.acknowledged_at is not None else None,
        acknowledged_unknown="acknowledged_at" in inc.unknown_times,
        mitigated=time_of(ctx, inc.mitigated_at) if inc.mitigated_at is not None else None,
        resolved=time_of(ctx, inc.resolved_at) if inc.resolved_at is not None and not open_now else None,
        duration=_first_upper(incident_duration(ctx, inc)),
        detected_by=detection_label(inc.detection or ""),
        category=category_label(inc.category or ""),
        postmortems=tuple(PostmortemLink(Link(pm.title, rel(url, urls.postmortem_url(pm.id))), postmortem_marks(pm))
                          for pm in pms),
        body=render_markdown(inc.body),
        affected=tuple(
            AffectedRow(service_link(ctx, url, sid), status_of(worst),
                        status_of(now_impact) if now_impact else (None if open_now else status_of("operational")),
                        "" if now_impact or not open_now else _(RECOVERED))
            for sid, worst, now_impact in facts.services_of(inc)),
        timezone=ctx.model.config.site.timezone,
        updates=timeline(ctx, inc.updates, show_eta=open_now, standing=standing_eta(inc, ctx.now)),
        internal=internal,
        source=source_link(inc.source),
        reopened=inc.reopened,
        drill=inc.drill,
        drills_page=rel(url, urls.drills_url()) if inc.drill else "",
    )
