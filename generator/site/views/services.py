"""Service pages (status, bars, uptime, error budget, months, days, incidents, subscriptions) and the index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from generator import i18n
from generator.compute.display import format_percent
from generator.compute.status import is_open_at
from generator.i18n import N_, _, ngettext
from generator.model import Service
from generator.site import urls
from generator.site.urls import feed_links
from generator.site.views.shared import (
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
    legend,
    level_text,
    rel,
    status_of,
)
from generator.site.visibility import status_label

_WINDOW_LABELS = {"24h": N_("24 hours"), "7d": N_("7 days"), "30d": N_("30 days"), "90d": N_("90 days"),
                  "365d": N_("365 days")}
_BUDGET_LABELS = {"30d": N_("Last 30 days"), "90d": N_("Last 90 days"), "month": N_("This month")}
MONTHS_IN_VIEW = 12  # the last year; older months one click away, so the page stays short


def _minutes(value: float) -> str:
    sign = "-" if value < 0 else ""
    # Rounded half-even to a tenth as before; only the digits and separators follow the language.
    return sign + _("%(minutes)s min") % {"minutes": i18n.format_number(round(abs(value), 1), 1)}


def slo_text(slo: float) -> str:
    """An objective as configured (``99.95%``; no rounding: it is the user's number)."""
    shown = Decimal(format(slo, "g"))
    exponent = shown.as_tuple().exponent
    return i18n.format_percent_value(shown, max(0, -exponent) if isinstance(exponent, int) else 0)


def weight_percent(weight: float) -> str:
    """An uptime weight (0.3) as a percentage (``30%``), written as precisely as configured."""
    return slo_text(float(weight) * 100)


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
        months.append(MonthUptime(i18n.format_month(y, m), format_percent(up.months[key])))
    days = []
    for key in reversed(list(up.days)):
        level = day_level(facts, svc.id, key)
        links = tuple(incident_link(url, inc) for iid in up.day_incidents.get(key, ())
                      if (inc := facts.by_id.get(iid)) is not None)
        days.append(DayRow(key, date_text(date.fromisoformat(key)), status_of(level, level_text(level)),
                           format_percent(up.days[key]), links))
    budgets: tuple[BudgetRow, ...] = ()
    if svc.slo is not None and up.budgets:
        budgets = tuple(
            BudgetRow(_(_BUDGET_LABELS[key]) if key in _BUDGET_LABELS else key, _minutes(b.allowed_minutes), _minutes(b.consumed_minutes),
                      _minutes(b.remaining_minutes), b.remaining_minutes < 0)
            for key, b in up.budgets.items())
    return ServiceView(
        page=PageInfo(url, svc.name, feeds=tuple(feed_links(ctx, svc.id)), layout="status",
                      description=(_("%(service)s: %(status)s.") % {"service": svc.name, "status": status_label(word)}
                                   + " " + svc.description).strip()),
        banner=banner_of(facts),
        name=svc.name,
        description=svc.description,
        status=status_of(word),
        since=" " + _("Tracked since %(day)s.") % {"day": date_text(svc.since)} if svc.since else "",
        active=tuple(incident_card(facts, url, i) for i in mine if is_open_at(i, ctx.now)),
        bars=bars(facts, svc.id, svc.name, url),
        legend=legend(),
        windows=tuple(WindowUptime(_(_WINDOW_LABELS[k]) if k in _WINDOW_LABELS else k, format_percent(v)) for k, v in up.windows.items()),
        weight_note=_("Uptime counts each minute of major outage fully and partial outage at %(partial)s; "
                      "degraded performance at %(degraded)s. Maintenance is not counted.") % {
            "partial": weight_percent(weights.get("partial_outage", 0.3)),
            "degraded": weight_percent(weights.get("degraded_performance", 0.0))},
        slo=slo_text(svc.slo) if budgets and svc.slo is not None else "",
        budgets=budgets,
        months=tuple(months[:MONTHS_IN_VIEW]),
        earlier_months=tuple(months[MONTHS_IN_VIEW:]),
        days_heading=ngettext("Daily, last %(num)d day", "Daily, last %(num)d days", len(up.days)) % {"num": len(up.days)},
        days=tuple(days),
        incidents=tuple(incident_item(facts, url, i) for i in mine),
        feeds=tuple(Link(_("%(format)s feed") % {"format": urls.FEED_LABELS[fmt]}, rel(url, urls.service_feed_path(svc.id, fmt)))
                    for fmt in urls.FEED_FORMATS),
        badges=tuple(
            BadgeLinks(text, rel(url, urls.badge_path(svc.id, kind, "svg")),
                       rel(url, urls.badge_path(svc.id, kind, "json")))
            for kind, text in (("status", _("Status badge (SVG)")), ("uptime", _("Uptime badge (SVG)")))),
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
                slo_text(svc.slo) if svc.slo is not None else _("none"),
            ) for svc in services)))
    return ServicesView(PageInfo(url, _("Services"), toc=False, feeds=facts.feeds, layout="status"), tuple(groups))
