"""RSS 2.0 and Atom feeds: all incidents, per service, post-mortems, maintenance.

One entry per incident (or window, or post-mortem), not one per update: the
entry's content holds every update, newest first, and its ``updated`` time
moves with each update, so readers show the incident once and flag it as
changed. Ids are tag URIs that never change. Nothing here reads the clock:
feed-level times come from the content, so equal input gives equal bytes.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from html import escape

from generator.model import Incident, Maintenance, Postmortem, Update
from generator.site import urls
from generator.site.feedxml import FeedGenerator
from generator.site.visibility import SiteContext, status_label, xml_safe
from generator.timeparse import format_timestamp

# Feeds carry the most recently updated entries; the history pages hold the rest.
FEED_LIMIT = 50
GENERATOR = "statuspress"


@dataclass(frozen=True)
class FeedEntry:
    """One feed entry, format-neutral. ``summary`` is plain text, ``content_html`` is escaped HTML."""

    id: str
    title: str
    link: str
    published: datetime
    updated: datetime
    summary: str
    content_html: str
    categories: tuple[tuple[str, str], ...] = ()  # (term, label)


def _text(value: str) -> str:
    """Plain text -> HTML: escaped, line breaks kept."""
    return escape(value, quote=True).replace("\r\n", "\n").replace("\n", "<br>\n")


def _time(ctx: SiteContext, value: datetime) -> str:
    return f'<time datetime="{format_timestamp(value)}">{escape(ctx.display_time(value))}</time>'


def _update_html(ctx: SiteContext, u: Update, show_eta: bool) -> str:
    parts = [f"<p><strong>{escape(status_label(u.status))}</strong> &#183; {_time(ctx, u.at)}</p>",
             f"<p>{_text(u.message)}</p>"]
    notes = []
    if u.services:
        changes = ", ".join(f"{ctx.service_name(sid)}: {status_label(impact)}" for sid, impact in u.services.items())
        notes.append(f"Impact: {escape(changes)}")
    if u.severity:
        notes.append(f"Severity: {escape(ctx.severity_text(u.severity))}")
    if u.eta is not None and show_eta:
        notes.append(f"Expected resolution: {_time(ctx, u.eta)}")
    if notes:
        parts.append(f"<p>{'<br>'.join(notes)}</p>")
    return "\n".join(parts)


def _updates_html(ctx: SiteContext, updates: Iterable[Update], show_eta: bool = False) -> str:
    # Newest first: a reader opening the entry sees the latest news on top.
    ordered = sorted(updates, key=lambda u: u.at, reverse=True)
    return "\n<hr>\n".join(_update_html(ctx, u, show_eta) for u in ordered)


def _internal_html(ctx: SiteContext, inc: Incident) -> str:
    fields = ctx.incident_internal_fields(inc)
    if fields is None:
        return ""
    errors = "; ".join(str(e) for e in fields["error_messages"]) or "none"  # type: ignore[attr-defined]
    return (
        "\n<hr>\n<p><strong>Internal</strong> (not in the public build)<br>"
        f"Commander: {escape(str(fields['commander'] or 'not set'))}<br>"
        f"Novel failure mode: {'yes' if fields['novel'] else 'no'}<br>"
        f"Error messages: {escape(errors)}</p>"
    )


# ---------------------------------------------------------------- entries


def _incident_order(ctx: SiteContext, inc: Incident) -> tuple[datetime, datetime, str]:
    """(updated, published, id) of the incident's entry: what feeds are ordered by."""
    published = inc.updates[0].at if inc.updates else inc.started_at
    return inc.last_update_at, published, urls.tag_uri(ctx, inc.started_at, "incident", inc.id)


def _maintenance_order(ctx: SiteContext, m: Maintenance) -> tuple[datetime, datetime, str]:
    first = m.updates[0].at if m.updates else m.scheduled_start
    last = m.updates[-1].at if m.updates else m.scheduled_start
    return last, first, urls.tag_uri(ctx, m.scheduled_start, "maintenance", m.id)


def incident_entry(ctx: SiteContext, inc: Incident) -> FeedEntry:
    services = ", ".join(ctx.service_name(sid) for sid in inc.affected_service_ids())
    head = (
        f"<p>Severity: {escape(ctx.severity_text(inc.max_severity))}<br>"
        f"Affected: {escape(services)}<br>"
        f"Started: {_time(ctx, inc.started_at)}"
        + (f"<br>Resolved: {_time(ctx, inc.resolved_at)}" if inc.resolved_at is not None else "")
        + f"<br>Status: {escape(status_label(inc.status))}</p>"
    )
    content = head + "\n<hr>\n" + _updates_html(ctx, inc.updates, show_eta=inc.is_open) + _internal_html(ctx, inc)
    latest = inc.updates[-1] if inc.updates else None
    summary = f"{status_label(inc.status)}: {latest.message}" if latest else status_label(inc.status)
    updated, published, entry_id = _incident_order(ctx, inc)
    return FeedEntry(
        id=entry_id,
        title=inc.title,
        link=urls.absolute(ctx, urls.incident_url(inc.id)),
        published=published,
        updated=updated,
        summary=summary,
        content_html=content,
        categories=tuple((sid, ctx.service_name(sid)) for sid in inc.affected_service_ids()),
    )


def maintenance_entry(ctx: SiteContext, m: Maintenance) -> FeedEntry:
    affected = ", ".join(f"{ctx.service_name(sid)} ({status_label(word)})" for sid, word in m.services.items())
    head = (
        f"<p>{'<strong>Cancelled.</strong> ' if m.cancelled else ''}"
        f"Scheduled: {_time(ctx, m.scheduled_start)} to {_time(ctx, m.scheduled_end)}<br>"
        f"Affected: {escape(affected)}</p>"
    )
    content = head + ("\n<hr>\n" + _updates_html(ctx, m.updates) if m.updates else "")
    last, first, entry_id = _maintenance_order(ctx, m)
    when = f"{ctx.display_time(m.scheduled_start)} to {ctx.display_time(m.scheduled_end)}"
    summary = f"Cancelled: {when}" if m.cancelled else (
        f"{status_label(m.updates[-1].status)}: {m.updates[-1].message}" if m.updates else f"Scheduled: {when}"
    )
    return FeedEntry(
        id=entry_id,
        title=f"Cancelled: {m.title}" if m.cancelled else m.title,
        link=urls.absolute(ctx, urls.maintenance_url(m.id)),
        published=first,
        updated=last,
        summary=summary,
        content_html=content,
        categories=tuple((sid, ctx.service_name(sid)) for sid in m.services),
    )


def _postmortem_date(ctx: SiteContext, pm: Postmortem) -> datetime:
    """A fixed date for the tag URI: the first incident's start (it does not move on publishing)."""
    for iid in pm.incidents:
        inc = ctx.model.incident(iid)
        if inc is not None:
            return inc.started_at
    return pm.published_at or ctx.content_updated_at()


def _postmortem_time(ctx: SiteContext, pm: Postmortem) -> datetime:
    if pm.published_at is not None:
        return pm.published_at
    # A draft (drafts builds only) has no publication time: use its incidents' last news.
    times = [inc.last_update_at for iid in pm.incidents if (inc := ctx.model.incident(iid)) is not None]
    return max(times) if times else ctx.content_updated_at()


def postmortem_entry(ctx: SiteContext, pm: Postmortem) -> FeedEntry:
    marks = []
    if pm.status != "published":
        marks.append(f"{pm.status.replace('_', ' ')}")
    if pm.visibility != "public":
        marks.append("internal")
    title = pm.title + (f" ({', '.join(marks)})" if marks else "")
    links = []
    for iid in pm.incidents:
        inc = ctx.model.incident(iid)
        label = inc.title if inc is not None else iid
        links.append(f'<a href="{escape(urls.absolute(ctx, urls.incident_url(iid)))}">{escape(label)}</a>')
    content = f"<p>{_text(pm.summary)}</p>\n<p>Incidents: {', '.join(links)}</p>"
    when = _postmortem_time(ctx, pm)
    return FeedEntry(
        id=urls.tag_uri(ctx, _postmortem_date(ctx, pm), "postmortem", pm.id),
        title=title,
        link=urls.absolute(ctx, urls.postmortem_url(pm.id)),
        published=when,
        updated=when,
        summary=pm.summary,
        content_html=content,
    )


# ---------------------------------------------------------------- feeds


@dataclass(frozen=True)
class FeedSpec:
    """One logical feed, written as both RSS (``<base>.rss``) and Atom (``<base>.atom``)."""

    rss_path: str
    atom_path: str
    title: str
    subtitle: str
    page_link: str  # absolute URL of the HTML page the feed mirrors
    entries: tuple[FeedEntry, ...]


def _order(entries: Iterable[FeedEntry]) -> tuple[FeedEntry, ...]:
    # Newest news first; ties broken by id so the order never depends on input order.
    ordered = sorted(entries, key=lambda e: (e.updated, e.published, e.id), reverse=True)
    return tuple(ordered[:FEED_LIMIT])


class _Entries:
    """Entries made only for what a feed keeps: each feed's newest FEED_LIMIT items, picked by
    their order key (cheap), then made once (the content is the costly part) and shared."""

    def __init__(self, ctx: SiteContext) -> None:
        self._ctx = ctx
        self._made: dict[tuple[str, str], FeedEntry] = {}

    def newest(self, incidents: Iterable[Incident], maintenance: Iterable[Maintenance]) -> tuple[FeedEntry, ...]:
        ctx = self._ctx
        keyed: list[tuple[tuple[datetime, datetime, str], Incident | Maintenance]] = []
        keyed.extend((_incident_order(ctx, inc), inc) for inc in incidents)
        keyed.extend((_maintenance_order(ctx, m), m) for m in maintenance)
        chosen = heapq.nlargest(FEED_LIMIT, keyed, key=lambda pair: pair[0])  # ids are unique: no ties
        return _order(self._entry(item) for _, item in chosen)

    def _entry(self, item: Incident | Maintenance) -> FeedEntry:
        key = ("i" if isinstance(item, Incident) else "m", item.id)
        entry = self._made.get(key)
        if entry is None:
            entry = incident_entry(self._ctx, item) if isinstance(item, Incident) else maintenance_entry(self._ctx, item)
            self._made[key] = entry
        return entry


def _generator(ctx: SiteContext, spec: FeedSpec, self_path: str) -> FeedGenerator:
    site = ctx.model.config.site
    fg = FeedGenerator()
    # Feed id from the configured site URL (not base_url): stable for previews too.
    fg.id(site.url.rstrip("/") + "/" + self_path)
    fg.title(xml_safe(spec.title))
    fg.subtitle(xml_safe(spec.subtitle))
    fg.author({"name": xml_safe(site.name)})
    fg.language("en")
    fg.generator(GENERATOR)
    fg.link(href=urls.absolute(ctx, self_path), rel="self")
    # RSS <link> is whichever link() came last: the HTML page.
    fg.link(href=spec.page_link, rel="alternate")
    # Feed time = newest entry time, never the clock (sets RSS lastBuildDate too).
    feed_updated = max((e.updated for e in spec.entries), default=ctx.content_updated_at())
    fg.updated(feed_updated)
    fg.lastBuildDate(feed_updated)
    for e in spec.entries:  # already newest first
        fe = fg.add_entry(order="append")
        fe.id(e.id)  # also the RSS guid, isPermaLink="false"
        fe.title(xml_safe(e.title))
        fe.link(href=e.link, rel="alternate")
        fe.published(e.published)  # RSS pubDate comes only from here
        fe.updated(e.updated)
        fe.description(xml_safe(e.summary), isSummary=True)
        # type="html": feedgen escapes the (already escaped) markup as XML text.
        fe.content(xml_safe(e.content_html), type="html")
        for term, label in e.categories:
            fe.category(term=xml_safe(term), label=xml_safe(label))
    return fg


def _render(ctx: SiteContext, spec: FeedSpec) -> dict[str, bytes]:
    return {
        spec.rss_path: _generator(ctx, spec, spec.rss_path).rss_str(pretty=True),
        spec.atom_path: _generator(ctx, spec, spec.atom_path).atom_str(pretty=True),
    }


def _describe(ctx: SiteContext, what: str) -> str:
    desc = ctx.model.config.site.description.strip()
    return f"{what}. {desc}" if desc else f"{what}."


def feed_specs(ctx: SiteContext) -> list[FeedSpec]:
    """Every feed this build writes, in a fixed order."""
    model = ctx.model
    name = model.config.site.name
    entries = _Entries(ctx)
    specs = [
        FeedSpec(urls.feed_path("incidents", "rss"), urls.feed_path("incidents", "atom"),
                 f"{name}: incidents", _describe(ctx, f"Incidents on {name}, each with all its updates"),
                 urls.absolute(ctx, urls.history_url()), entries.newest(model.incidents, ())),
        FeedSpec(urls.feed_path("maintenance", "rss"), urls.feed_path("maintenance", "atom"),
                 f"{name}: maintenance", _describe(ctx, f"Scheduled maintenance on {name}"),
                 urls.absolute(ctx, urls.maintenance_index_url()), entries.newest((), model.maintenance)),
        FeedSpec(urls.feed_path("postmortems", "rss"), urls.feed_path("postmortems", "atom"),
                 f"{name}: post-mortems", _describe(ctx, f"Post-mortems published by {name}"),
                 urls.absolute(ctx, urls.postmortems_index_url()),
                 _order(postmortem_entry(ctx, pm) for pm in ctx.visible_postmortems())),
    ]
    for svc in model.config.services:
        newest = entries.newest((inc for inc in model.incidents if svc.id in inc.affected_service_ids()),
                                (m for m in model.maintenance if svc.id in m.services))
        specs.append(FeedSpec(
            urls.service_feed_path(svc.id, "rss"), urls.service_feed_path(svc.id, "atom"),
            f"{name}: {svc.name}", _describe(ctx, f"Incidents and maintenance affecting {svc.name}"),
            urls.absolute(ctx, urls.service_url(svc.id)), newest))
    return specs


def render_feeds(ctx: SiteContext) -> dict[str, bytes]:
    """All feeds: relative output path -> file bytes."""
    out: dict[str, bytes] = {}
    for spec in feed_specs(ctx):
        out.update(_render(ctx, spec))
    return out
