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

from generator.i18n import _
from generator.model import Incident, Maintenance, Postmortem
from generator.site import urls
from generator.site.feedxml import FeedGenerator
from generator.site.templating import templates_for
from generator.site.views.feeds import incident_entry_view, maintenance_entry_view, postmortem_entry_view
from generator.site.visibility import SiteContext, status_label, xml_safe

# Feeds carry the most recently updated entries; the history pages hold the rest.
FEED_LIMIT = 50
GENERATOR = "statuspress"


@dataclass(frozen=True)
class FeedEntry:
    """One feed entry, format-neutral. ``summary`` is plain text, ``content_html`` is HTML from the entry templates."""

    id: str
    title: str
    link: str
    published: datetime
    updated: datetime
    summary: str
    content_html: str
    categories: tuple[tuple[str, str], ...] = ()  # (term, label)


def _entry_html(ctx: SiteContext, template: str, entry: object) -> str:
    """The entry's HTML from the same templates (and overrides) as the pages: one wording for an update."""
    return templates_for(ctx.root).render(template, entry=entry)


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
    content = _entry_html(ctx, "feeds/incident.html", incident_entry_view(ctx, inc))
    latest = inc.updates[-1] if inc.updates else None
    summary = (_("%(status)s: %(message)s") % {"status": status_label(inc.status), "message": latest.message}
               if latest else status_label(inc.status))
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
    content = _entry_html(ctx, "feeds/maintenance.html", maintenance_entry_view(ctx, m))
    last, first, entry_id = _maintenance_order(ctx, m)
    when = _("%(start)s to %(end)s") % {"start": ctx.display_time(m.scheduled_start),
                                        "end": ctx.display_time(m.scheduled_end)}
    summary = _("Cancelled: %(when)s") % {"when": when} if m.cancelled else (
        _("%(status)s: %(message)s") % {"status": status_label(m.updates[-1].status), "message": m.updates[-1].message}
        if m.updates else _("Scheduled: %(when)s") % {"when": when}
    )
    return FeedEntry(
        id=entry_id,
        title=_("Cancelled: %(title)s") % {"title": m.title} if m.cancelled else m.title,
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
    content = _entry_html(ctx, "feeds/postmortem.html", postmortem_entry_view(ctx, pm))
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


class _Kept:
    """The entries of the last build and what they were made under."""

    scope: tuple[object, ...] | None = None
    entries: dict[tuple[str, str], tuple[Incident | Maintenance, FeedEntry]] = {}


_KEPT = _Kept()


class _Entries:
    """Entries made only for what a feed keeps: each feed's newest FEED_LIMIT items, picked by
    their order key (cheap), then made once (the content is the costly part) and shared."""

    def __init__(self, ctx: SiteContext) -> None:
        self._ctx = ctx
        self._made: dict[tuple[str, str], FeedEntry] = {}
        # Entries of the previous build are kept while the site-wide inputs stay the same
        # (``statuspress serve``): an unchanged file gives the very same object, and its entry.
        scope = (ctx.now, ctx.internal, ctx.drafts, ctx.base_url, ctx.model.config, templates_for(ctx.root))
        if _KEPT.scope != scope:
            _KEPT.scope = scope
            _KEPT.entries = {}
        self._kept = _KEPT.entries
        self._items: dict[tuple[str, str], Incident | Maintenance] = {}

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
            kept = self._kept.get(key)
            if kept is not None and kept[0] is item:
                entry = kept[1]
            else:
                entry = incident_entry(self._ctx, item) if isinstance(item, Incident) else maintenance_entry(self._ctx, item)
            self._made[key] = entry
            self._items[key] = item
        return entry

    def keep(self) -> None:
        """Keep this build's entries (and only those) for the next build."""
        self._kept.clear()
        for key, entry in self._made.items():
            self._kept[key] = (self._items[key], entry)


def _generator(ctx: SiteContext, spec: FeedSpec, self_path: str) -> FeedGenerator:
    site = ctx.model.config.site
    fg = FeedGenerator()
    # Feed id from the configured site URL (not base_url): stable for previews too.
    fg.id(site.url.rstrip("/") + "/" + self_path)
    fg.title(xml_safe(spec.title))
    fg.subtitle(xml_safe(spec.subtitle))
    fg.author({"name": xml_safe(site.name)})
    fg.language(ctx.model.config.site.language)  # RSS <language>, Atom xml:lang: the site's BCP 47 tag
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
        # Atom: the plain-text summary (type text) and the HTML content (type html). RSS: the
        # description is HTML by convention, so it carries the entry HTML, which is written as
        # XML text; user text inside it is escaped once more, so a reader shows "<img ...>" as
        # words instead of loading an image. (A plain-text description would be read as HTML.)
        fe.summary(xml_safe(e.summary))
        fe.description(xml_safe(e.content_html))
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
    return _("%(what)s. %(description)s") % {"what": what, "description": desc} if desc else _("%(what)s.") % {"what": what}


def feed_specs(ctx: SiteContext) -> list[FeedSpec]:
    """Every feed this build writes, in a fixed order."""
    model = ctx.model
    name = model.config.site.name
    entries = _Entries(ctx)
    specs = [
        FeedSpec(urls.feed_path("incidents", "rss"), urls.feed_path("incidents", "atom"),
                 _("%(site)s: incidents") % {"site": name},
                 _describe(ctx, _("Incidents on %(site)s, each with all its updates") % {"site": name}),
                 urls.absolute(ctx, urls.history_url()), entries.newest(model.incidents, ())),
        FeedSpec(urls.feed_path("maintenance", "rss"), urls.feed_path("maintenance", "atom"),
                 _("%(site)s: maintenance") % {"site": name},
                 _describe(ctx, _("Scheduled maintenance on %(site)s") % {"site": name}),
                 urls.absolute(ctx, urls.maintenance_index_url()), entries.newest((), model.maintenance)),
        FeedSpec(urls.feed_path("postmortems", "rss"), urls.feed_path("postmortems", "atom"),
                 _("%(site)s: post-mortems") % {"site": name},
                 _describe(ctx, _("Post-mortems published by %(site)s") % {"site": name}),
                 urls.absolute(ctx, urls.postmortems_index_url()),
                 _order(postmortem_entry(ctx, pm) for pm in ctx.visible_postmortems())),
    ]
    for svc in model.config.services:
        newest = entries.newest((inc for inc in model.incidents if svc.id in inc.affected_service_ids()),
                                (m for m in model.maintenance if svc.id in m.services))
        specs.append(FeedSpec(
            urls.service_feed_path(svc.id, "rss"), urls.service_feed_path(svc.id, "atom"),
            _("%(site)s: %(service)s") % {"site": name, "service": svc.name},
            _describe(ctx, _("Incidents and maintenance affecting %(service)s") % {"service": svc.name}),
            urls.absolute(ctx, urls.service_url(svc.id)), newest))
    entries.keep()
    return specs


def render_feeds(ctx: SiteContext) -> dict[str, bytes]:
    """All feeds: relative output path -> file bytes."""
    out: dict[str, bytes] = {}
    for spec in feed_specs(ctx):
        out.update(_render(ctx, spec))
    return out
