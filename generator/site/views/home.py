"""The home page: overall status, active incidents, maintenance, services with bars, recent days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from generator import i18n
from generator.compute.localtime import local_date
from generator.compute.status import is_open_at
from generator.i18n import _
from generator.site import urls
from generator.site.views.shared import (
    Banner,
    Bars,
    Facts,
    IncidentCard,
    LegendItem,
    Link,
    ListItem,
    MaintenanceCard,
    PageInfo,
    Status,
    banner_of,
    bars,
    days_spanned,
    incident_card,
    incident_item,
    legend,
    maintenance_card,
    maintenance_item,
    rel,
    status_of,
)

RECENT_DAYS = 14


@dataclass(frozen=True)
class ServiceRow:
    """A service on the home page: name, status now and its daily bars."""

    link: Link
    status: Status
    bars: Bars


@dataclass(frozen=True)
class ServiceGroup:
    name: str
    services: tuple[ServiceRow, ...]


@dataclass(frozen=True)
class RecentDay:
    heading: str  # "Thursday, 26 Nov 2026"
    items: tuple[ListItem, ...]


@dataclass(frozen=True)
class HomeView:
    page: PageInfo
    banner: Banner
    active: tuple[IncidentCard, ...]
    maintenance_running: tuple[MaintenanceCard, ...]
    maintenance_upcoming: tuple[MaintenanceCard, ...]
    groups: tuple[ServiceGroup, ...]
    legend: tuple[LegendItem, ...]
    recent: tuple[RecentDay, ...]  # today first
    history: Link


def home_view(facts: Facts) -> HomeView:
    ctx = facts.ctx
    url = urls.home_url()
    config = ctx.model.config
    states = {m.id: m.state(ctx.now) for m in ctx.model.maintenance}
    running = [m for m in ctx.model.maintenance if states[m.id] in ("in_progress", "verifying")]
    upcoming = sorted((m for m in ctx.model.maintenance if states[m.id] == "scheduled"),
                      key=lambda m: (m.scheduled_start, m.id))
    groups = []
    for group, services in config.groups():
        groups.append(ServiceGroup(group, tuple(
            ServiceRow(Link(svc.name, rel(url, urls.service_url(svc.id))),
                       status_of(facts.statuses.get(svc.id, "operational")),
                       bars(facts, svc.id, svc.name, url))
            for svc in services)))

    tz = config.site.timezone
    today = local_date(ctx.now, tz)
    oldest = today - timedelta(days=RECENT_DAYS - 1)
    by_day: dict[date, list[ListItem]] = {}
    for inc in facts.incidents:  # newest first
        # An incident shows on every day it was open: an outage that began last week is still news today.
        if local_date(inc.started_at, tz) < oldest and not (is_open_at(inc, ctx.now) or (
                inc.resolved_at is not None and local_date(inc.resolved_at, tz) >= oldest)):
            continue
        item = incident_item(facts, url, inc)
        for day in days_spanned(ctx, inc, oldest, today):
            by_day.setdefault(day, []).append(item)
    for m in sorted(ctx.model.maintenance, key=lambda m: (m.scheduled_start, m.id), reverse=True):
        if states[m.id] == "completed":
            by_day.setdefault(local_date(m.effective_start, tz), []).append(maintenance_item(ctx, url, m))
    recent = []
    for offset in range(RECENT_DAYS):
        day = today - timedelta(days=offset)
        recent.append(RecentDay(i18n.format_weekday_day(day), tuple(by_day.get(day, ()))))
    return HomeView(
        page=PageInfo(url, _("Current status"), search=False, feeds=facts.feeds, layout="status",
                      description=config.site.description or _("Current status of %(site)s") % {"site": config.site.name}),
        banner=banner_of(facts),
        active=tuple(incident_card(facts, url, i) for i in facts.incidents if is_open_at(i, ctx.now)),
        maintenance_running=tuple(maintenance_card(ctx, url, m) for m in running),
        maintenance_upcoming=tuple(maintenance_card(ctx, url, m) for m in upcoming),
        groups=tuple(groups),
        legend=legend(),
        recent=tuple(recent),
        history=Link(_("Incident history"), rel(url, urls.history_url())),
    )
