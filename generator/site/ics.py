"""``maintenance.ics``: every maintenance window as a calendar event.

Calendar apps match events by UID and take the one with the highest
SEQUENCE, so the UID never changes (``<id>@<host>``) and SEQUENCE counts
the window's updates: each update replaces the event in subscribers'
calendars. DTSTAMP comes from the content (last update, else the scheduled
start), never the clock, so equal input gives equal bytes. A cancelled
window stays in the file with STATUS:CANCELLED, which is how calendars learn
to remove it.
"""

from __future__ import annotations

from icalendar import Calendar, Event

from generator.i18n import _
from generator.model import Maintenance
from generator.site import urls
from generator.site.views.shared import impact_word
from generator.site.visibility import SiteContext, status_label, xml_safe

PRODID = "-//statuspress//maintenance calendar//EN"


def _text(value: str) -> str:
    """Plain text for a property: no control characters (RFC 5545 allows none but tab), \\n line breaks."""
    return xml_safe(value.replace("\r\n", "\n")).replace("\r", "\n")


def maintenance_uid(ctx: SiteContext, m: Maintenance) -> str:
    return f"{m.id}@{ctx.host}"


def _description(ctx: SiteContext, m: Maintenance) -> str:
    lines = []
    if m.cancelled:
        lines.append(_("This maintenance was cancelled."))
    affected = _(", ").join(_("%(service)s (%(impact)s)") % {"service": ctx.service_name(sid), "impact": impact_word(word)}
                            for sid, word in m.services.items())
    lines.append(_("Affected services: %(services)s") % {"services": affected})
    if m.updates:
        last = m.updates[-1]
        lines.append("")
        lines.append(_("Latest update (%(status)s, %(when)s):") % {"status": status_label(last.status),
                                                                   "when": ctx.display_time(last.at)})
        lines.append(last.message)
    lines.append("")
    lines.append(urls.absolute(ctx, urls.maintenance_url(m.id)))
    return "\n".join(lines)


def maintenance_event(ctx: SiteContext, m: Maintenance) -> Event:
    ev = Event()
    ev.add("uid", maintenance_uid(ctx, m))
    ev.add("dtstamp", m.updates[-1].at if m.updates else m.scheduled_start)
    if m.updates:
        ev.add("created", m.updates[0].at)
        ev.add("last-modified", m.updates[-1].at)
    ev.add("dtstart", m.effective_start)
    # An end before the start (a window completed early) would be an invalid event.
    ev.add("dtend", max(m.effective_end, m.effective_start))
    ev.add("summary", _text(m.title))
    ev.add("description", _text(_description(ctx, m)))
    ev.add("url", urls.absolute(ctx, urls.maintenance_url(m.id)))
    ev.add("status", "CANCELLED" if m.cancelled else "CONFIRMED")
    # Calendars apply a change only with a higher SEQUENCE: each update counts, and so does
    # cancelling (a front-matter flag, not always accompanied by an update).
    ev.add("sequence", len(m.updates) + (1 if m.cancelled else 0))
    # Maintenance does not make the subscriber busy.
    ev.add("transp", "TRANSPARENT")
    return ev


def maintenance_calendar(ctx: SiteContext) -> Calendar:
    site = ctx.model.config.site
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _text(_("%(site)s: maintenance") % {"site": site.name}))
    cal.add("x-wr-caldesc", _text(_("Scheduled maintenance windows of %(site)s") % {"site": site.name}))
    for m in sorted(ctx.model.maintenance, key=lambda m: (m.scheduled_start, m.id)):
        cal.add_component(maintenance_event(ctx, m))
    return cal


def render_ics(ctx: SiteContext) -> dict[str, bytes]:
    """``maintenance.ics`` (RFC 5545; icalendar escapes commas, semicolons and newlines)."""
    return {urls.ics_path(): maintenance_calendar(ctx).to_ical()}
