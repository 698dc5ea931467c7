"""The about page: feeds, calendar, API endpoints, and how uptime is counted."""

from __future__ import annotations

from dataclasses import dataclass

from generator import i18n
from generator.i18n import _
from generator.model import Config
from generator.site import urls
from generator.site.views.shared import Facts, LegendItem, Link, PageInfo, legend, rel

API_ENDPOINTS = (
    "summary", "status", "components", "incidents", "incidents/unresolved",
    "scheduled-maintenances", "scheduled-maintenances/upcoming", "scheduled-maintenances/active",
)


@dataclass(frozen=True)
class FeedRow:
    name: str
    links: tuple[Link, ...]  # one per format


@dataclass(frozen=True)
class AboutView:
    page: PageInfo
    description: str
    feeds: tuple[FeedRow, ...]
    calendar: Link
    api: tuple[Link, ...]  # the text is the path
    major_weight: str
    partial_weight: str
    degraded_weight: str
    timezone: str
    legend: tuple[LegendItem, ...]


def feed_rows(url: str, config: Config) -> tuple[FeedRow, ...]:
    """Every feed, linked from the page at ``url``: all incidents, maintenance, post-mortems, then each service."""
    rows = []
    for kind, label in (("incidents", _("All incidents")), ("maintenance", _("Maintenance")),
                        ("postmortems", _("Post-mortems"))):
        rows.append(FeedRow(label, tuple(Link(urls.FEED_LABELS[fmt], rel(url, urls.feed_path(kind, fmt)))
                                         for fmt in urls.FEED_FORMATS)))
    for svc in config.services:
        rows.append(FeedRow(svc.name, tuple(Link(urls.FEED_LABELS[fmt], rel(url, urls.service_feed_path(svc.id, fmt)))
                                            for fmt in urls.FEED_FORMATS)))
    return tuple(rows)


def about_view(facts: Facts) -> AboutView:
    url = "about/"
    config = facts.ctx.model.config
    rows = feed_rows(url, config)
    weights = config.uptime.weights
    return AboutView(
        page=PageInfo(url, _("About"), feeds=facts.feeds),
        description=config.site.description,
        feeds=tuple(rows),
        calendar=Link(urls.ics_path(), rel(url, urls.ics_path())),
        api=tuple(Link(urls.api_path(name), rel(url, urls.api_path(name))) for name in API_ENDPOINTS),
        major_weight=i18n.format_number(float(weights.get("major_outage", 1.0))),
        partial_weight=i18n.format_number(float(weights.get("partial_outage", 0.3))),
        degraded_weight=i18n.format_number(float(weights.get("degraded_performance", 0.0))),
        timezone=config.site.timezone,
        legend=legend(),
    )
