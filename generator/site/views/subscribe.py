"""The subscribe page: every way to hear about changes (feeds, calendar, API, badges, an outside service)."""

from __future__ import annotations

from dataclasses import dataclass

from generator.i18n import _
from generator.site import urls
from generator.site.views.about import FeedRow, feed_rows
from generator.site.views.shared import Facts, Link, PageInfo, rel

SUBSCRIBE_URL = "subscribe/"


@dataclass(frozen=True)
class BadgeRow:
    service: str
    status: Link  # the SVG
    uptime: Link
    status_json: Link  # shields.io endpoint JSON


@dataclass(frozen=True)
class SubscribeView:
    page: PageInfo
    outside: Link | None  # site.subscribe_url: email or chat updates from an outside service
    feeds: tuple[FeedRow, ...]  # all incidents, maintenance, post-mortems, then each service
    calendar: Link
    api: tuple[Link, ...]  # the text is the path
    badges: tuple[BadgeRow, ...]


def subscribe_view(facts: Facts) -> SubscribeView:
    url = SUBSCRIBE_URL
    config = facts.ctx.model.config
    outside = config.site.subscribe_url
    return SubscribeView(
        page=PageInfo(url, _("Subscribe"), feeds=facts.feeds, layout="status",
                      description=_("Feeds, calendar, API and badges of %(site)s") % {"site": config.site.name}),
        outside=Link(_("Get updates by email or chat"), outside) if outside else None,
        feeds=feed_rows(url, config),
        calendar=Link(urls.ics_path(), rel(url, urls.ics_path())),
        api=tuple(Link(urls.api_path(name), rel(url, urls.api_path(name))) for name in ("status", "summary")),
        badges=tuple(
            BadgeRow(svc.name,
                     Link(_("Status"), rel(url, urls.badge_path(svc.id, "status", "svg"))),
                     Link(_("Uptime"), rel(url, urls.badge_path(svc.id, "uptime", "svg"))),
                     Link("JSON", rel(url, urls.badge_path(svc.id, "status", "json"))))
            for svc in config.services),
    )
