"""Service pages (status, bars, uptime, error budget, months, days, incidents, subscriptions) and the index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from generator.compute.display import format_percent
from generator.compute.status import is_open_at
from generator.model import Service
from generator.site import urls
from generator.site.urls import feed_links
from generator.site.views.shared import (
    LEGEND,
    LEVEL_TEXT,
    MONTH_NAMES,
    Banner,
    Bars,
    Facts,
    IncidentCard,
    LegendItem,
    Link,
    ListItem,
    PageInfo,
    Status,
    banner_of,
    bars,
    date_text,
    day_level,
    incident_card,
    incident_item,
    incident_link,
    rel,
    status_of,
)
from generator.site.visibility import status_label

_WINDOW_LABELS = {"24h": "24 hours", "7d": "7 days", "30d": "30 days", "90d": "90 days", "365d": "365 days"}
_BUDGET_LABELS = {"30d": "Last 30 days", "90d": "Last 90 days", "month": "This month"}
MONTHS_IN_VIEW = 12  # the last year; older months one click away, so the page stays short


def _minutes(value: float) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value):,.1f} min"


@dataclass(frozen=True)
class WindowUptime:
    label: str  # "30 days"
    uptime: str  # "99.95%"


@dataclass(frozen=True)
class BudgetRow:
    label: str
    allowed: str
    consumed: str
    remaining: str
    exhausted: bool


@dataclass(frozen=True)
class MonthUptime:
    name: str  # "November 2026"
    uptime: str


@dataclass(frozen=True)
class DayRow:
    key: str  # "2026-11-26": the row id and the machine date
    text: str  # "26 Nov 2026"
    status: Status
    uptime: str
    incidents: tuple[Link, ...]


@dataclass(frozen=True)
class BadgeLinks:
    text: str  # "Status badge (SVG)"
    svg: str
    endpoint: str  # shields.io JSON


@dataclass(frozen=True)
class ServiceView:
    page: PageInfo
    banner: Banner  # the whole site's status, first under the header
    name: str
    description: str
    status: Status
    since: str  # "Tracked since 1 Jan 2025." or ""
    active: tuple[IncidentCard, ...]
    bars: Bars
    legend: tuple[LegendItem, ...]
    windows: tuple[WindowUptime, ...]
    weight_note: str
    slo: str  # "99.95" or "" (no error budget section)
    budgets: tuple[BudgetRow, ...]
    months: tuple[MonthUptime, ...]  # newest first, the last year
    earlier_months: tuple[MonthUptime, ...]
    days_heading: str  # "Daily, last 90 days"
    days: tuple[DayRow, ...]  # today first
    incidents: tuple[ListItem, ...]
    feeds: tuple[Link, ...]
    badges: tuple[BadgeLinks, ...]


def service_view(facts: Facts, svc: Service) -> ServiceView:
    ctx = facts.ctx
    url = urls.service_url(svc.id)
    up = facts.uptime[svc.id]
    word = facts.statuses.get(svc.id, "operational")
    mine = [i for i in facts.incidents if svc.id in i.affected_service_ids()]
    weights = ctx.model.config.uptime.weights
    months = []
    for key in sorted(up.months, reverse=True):
        y, m = int(key[:4]), int(key[5:7])
        months.append(MonthUptime(f"{MONTH_NAMES[m - 1]} {y}", format_percent(up.months[key])))
    days = []
    for key in reversed(list(up.days)):
        level = day_level(facts, svc.id, key)
        links = tuple(incident_link(url, inc) for iid in up.day_incidents.get(key, ())
                      if (inc := facts.by_id.get(iid)) is not None)
        days.append(DayRow(key, date_text(date.fromisoformat(key)), status_of(level, LEVEL_TEXT[level]),
                           format_percent(up.days[key]), links))
    budgets: tuple[BudgetRow, ...] = ()
    if svc.slo is not None and up.budgets:
        budgets = tuple(
            BudgetRow(_BUDGET_LABELS.get(key, key), _minutes(b.allowed_minutes), _minutes(b.consumed_minutes),
                      _minutes(b.remaining_minutes), b.remaining_minutes < 0)
            for key, b in up.budgets.items())
    return ServiceView(
        page=PageInfo(url, svc.name, feeds=tuple(feed_links(ctx, svc.id)), layout="status",
                      description=f"{svc.name}: {status_label(word)}. {svc.description}".strip()),
        banner=banner_of(facts),
        name=svc.name,
        description=svc.description,
        status=status_of(word),
        since=f" Tracked since {date_text(svc.since)}." if svc.since else "",
        active=tuple(incident_card(facts, url, i) for i in mine if is_open_at(i, ctx.now)),
        bars=bars(facts, svc.id, svc.name, url),
        legend=LEGEND,
        windows=tuple(WindowUptime(_WINDOW_LABELS.get(k, k), format_percent(v)) for k, v in up.windows.items()),
        weight_note=(
            "Uptime counts each minute of major outage fully and partial outage at "
            f"{format(float(weights.get('partial_outage', 0.3)) * 100, 'g')}%; degraded performance at "
            f"{format(float(weights.get('degraded_performance', 0.0)) * 100, 'g')}%. Maintenance is not counted."),
        slo=format(svc.slo, "g") if budgets and svc.slo is not None else "",
        budgets=budgets,
        months=tuple(months[:MONTHS_IN_VIEW]),
        earlier_months=tuple(months[MONTHS_IN_VIEW:]),
        days_heading=f"Daily, last {len(up.days)} days",
        days=tuple(days),
        incidents=tuple(incident_item(facts, url, i) for i in mine),
        feeds=tuple(Link(f"{urls.FEED_LABELS[fmt]} feed", rel(url, urls.service_feed_path(svc.id, fmt)))
                    for fmt in urls.FEED_FORMATS),
        badges=tuple(
            BadgeLinks(f"{kind.capitalize()} badge (SVG)", rel(url, urls.badge_path(svc.id, kind, "svg")),
                       rel(url, urls.badge_path(svc.id, kind, "json")))
            for kind in ("status", "uptime")),
    )


@dataclass(frozen=True)
class ServiceSummary:
    link: Link
    status: Status
    uptime_90d: str
    slo: str  # "99.95%" or "none"


@dataclass(frozen=True)
class ServiceTable:
    group: str
    services: tuple[ServiceSummary, ...]


@dataclass(frozen=True)
class ServicesView:
    page: PageInfo
    groups: tuple[ServiceTable, ...]


def services_view(facts: Facts) -> ServicesView:
    url = "services/"
    groups = []
    for group, services in facts.ctx.model.config.groups():
        groups.append(ServiceTable(group, tuple(
            ServiceSummary(
                Link(svc.name, rel(url, urls.service_url(svc.id))),
                status_of(facts.statuses.get(svc.id, "operational")),
                format_percent(facts.uptime[svc.id].windows.get("90d")),
                format(svc.slo, "g") + "%" if svc.slo is not None else "none",
            ) for svc in services)))
    return ServicesView(PageInfo(url, "Services", toc=False, feeds=facts.feeds, layout="status"), tuple(groups))
