"""What a feed entry's HTML says: incident, maintenance window, post-mortem (rendered by ``feeds/*.html``)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from generator.i18n import _, format_list, pgettext
from generator.model import Incident, Maintenance, Postmortem
from generator.site import urls
from generator.site.markdown import render_short_markdown
from generator.site.views.shared import Link, Time, UpdateView, impact_word, time_of, timeline
from generator.site.visibility import SiteContext, status_label


@dataclass(frozen=True)
class InternalNote:
    commander: str
    novel: str
    error_messages: str  # joined with "; ", or "none"


@dataclass(frozen=True)
class IncidentEntry:
    severity: str  # "" unless severity is shown (publish.severity, internal builds)
    affected: str  # service names, comma-separated
    started: Time
    resolved: Time | None
    status_text: str
    updates: tuple[UpdateView, ...]  # newest first
    internal: InternalNote | None


def incident_entry_view(ctx: SiteContext, inc: Incident) -> IncidentEntry:
    fields = ctx.incident_internal_fields(inc)
    internal = None
    if fields is not None:
        internal = InternalNote(
            commander=str(fields["commander"] or _("not set")),
            novel=_("yes") if fields["novel"] else _("no"),
            error_messages=format_list((str(e) for e in fields["error_messages"]), "; ") or pgettext("error messages", "none"),  # type: ignore[attr-defined]
        )
    return IncidentEntry(
        severity=ctx.severity_text(inc.max_severity) if ctx.show_severity else "",
        affected=format_list(ctx.service_name(sid) for sid in inc.affected_service_ids()),
        started=time_of(ctx, inc.started_at),
        resolved=time_of(ctx, inc.resolved_at) if inc.resolved_at is not None else None,
        status_text=status_label(inc.status),
        # No "estimate passed" here: a feed entry depends on the content, never on the build's clock.
        updates=timeline(ctx, inc.updates, show_eta=inc.is_open),
        internal=internal,
    )


@dataclass(frozen=True)
class MaintenanceEntry:
    cancelled: bool
    scheduled_start: Time
    scheduled_end: Time
    affected: str  # "Public API (under maintenance), ..."
    updates: tuple[UpdateView, ...]


def maintenance_entry_view(ctx: SiteContext, m: Maintenance) -> MaintenanceEntry:
    return MaintenanceEntry(
        cancelled=m.cancelled,
        scheduled_start=time_of(ctx, m.scheduled_start),
        scheduled_end=time_of(ctx, m.planned_end),
        affected=format_list(_("%(service)s (%(impact)s)") % {"service": ctx.service_name(sid), "impact": impact_word(word)}
                            for sid, word in m.services.items()),
        updates=timeline(ctx, m.updates, show_eta=False),
    )


@dataclass(frozen=True)
class PostmortemEntry:
    summary: Markup  # sanitised Markdown, as on the post-mortem's page
    incidents: tuple[Link, ...]  # absolute links


def postmortem_entry_view(ctx: SiteContext, pm: Postmortem) -> PostmortemEntry:
    links = []
    for iid in pm.incidents:
        inc = ctx.model.incident(iid)
        links.append(Link(inc.title if inc is not None else iid, urls.absolute(ctx, urls.incident_url(iid))))
    return PostmortemEntry(render_short_markdown(pm.summary), tuple(links))
