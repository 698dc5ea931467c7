"""Incident history, paginated by three months: ``/history/`` the latest three, ``/history/page/2/`` the three before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from generator import i18n
from generator.compute.localtime import local_date
from generator.i18n import _
from generator.site import urls
from generator.site.views.shared import (
    Banner,
    Facts,
    ListItem,
    PageInfo,
    banner_of,
    incident_item,
    maintenance_item,
    rel,
)

MONTHS_PER_HISTORY_PAGE = 3


@dataclass(frozen=True)
class Month:
    anchor: str  # "2026-11": the heading's id
    name: str  # "November 2026"
    items: tuple[ListItem, ...]  # newest first


@dataclass(frozen=True)
class PageLink:
    """One entry of the pagination: a link, or the current page (no ``href``)."""

    text: str
    href: str = ""
    rel: str = ""  # "prev" | "next" | ""


@dataclass(frozen=True)
class HistoryView:
    page: PageInfo
    banner: Banner  # the whole site's status, first under the header
    span: str  # "September 2026 to November 2026"
    timezone: str
    months: tuple[Month, ...]
    pagination: tuple[PageLink, ...]  # empty when there is a single page


def _month_key(moment: datetime, tz: str) -> tuple[int, int]:
    d = local_date(moment, tz)
    return d.year, d.month


def history_page_url(n: int) -> str:
    return urls.history_url() if n == 1 else f"{urls.history_url()}page/{n}/"


def _pagination(url: str, n: int, total: int) -> tuple[PageLink, ...]:
    if total <= 1:
        return ()
    links = []
    if n > 1:
        links.append(PageLink(_("Newer"), rel(url, history_page_url(n - 1)), "prev"))
    for i in range(1, total + 1):
        links.append(PageLink(i18n.format_number(i)) if i == n else PageLink(i18n.format_number(i), rel(url, history_page_url(i))))
    if n < total:
        links.append(PageLink(_("Older"), rel(url, history_page_url(n + 1)), "next"))
    return tuple(links)


def history_views(facts: Facts) -> list[HistoryView]:
    ctx = facts.ctx
    tz = ctx.model.config.site.timezone
    items: dict[tuple[int, int], list[tuple[datetime, str, str]]] = {}
    drill_by_id = {d.id: d for d in facts.drills}  # internal builds: drills too, marked Drill
    for inc in (*facts.incidents, *facts.drills):
        # Listed in every month it was open: an outage from last month still running is this month's news too.
        end = inc.resolved_at if inc.resolved_at is not None and inc.resolved_at <= ctx.now else ctx.now
        key, last_key = _month_key(inc.started_at, tz), _month_key(max(end, inc.started_at), tz)
        while key <= last_key:
            items.setdefault(key, []).append((inc.started_at, inc.id, "i"))
            key = (key[0] + 1, 1) if key[1] == 12 else (key[0], key[1] + 1)
    maint_by_id = {m.id: m for m in ctx.model.maintenance}
    for m in ctx.model.maintenance:
        if m.state(ctx.now) in ("completed", "cancelled"):
            items.setdefault(_month_key(m.scheduled_start, tz), []).append((m.scheduled_start, m.id, "m"))
    newest = _month_key(ctx.now, tz)
    oldest = min(items, default=newest)
    months: list[tuple[int, int]] = []
    y, mo = newest
    while (y, mo) >= oldest:
        months.append((y, mo))
        y, mo = (y - 1, 12) if mo == 1 else (y, mo - 1)
    chunks = [months[i:i + MONTHS_PER_HISTORY_PAGE] for i in range(0, len(months), MONTHS_PER_HISTORY_PAGE)]
    views = []
    for n, chunk in enumerate(chunks, start=1):
        url = history_page_url(n)
        first, last = chunk[-1], chunk[0]
        month_views = []
        for year, month in chunk:
            rows = []
            for _at, item_id, kind in sorted(items.get((year, month), []), reverse=True):
                if kind == "i":
                    found = facts.by_id.get(item_id) or drill_by_id.get(item_id)
                    if found is not None:
                        rows.append(incident_item(facts, url, found))
                else:
                    rows.append(maintenance_item(ctx, url, maint_by_id[item_id]))
            month_views.append(Month(f"{year:04d}-{month:02d}", i18n.format_month(year, month), tuple(rows)))
        title = _("Incident history") if n == 1 else _("Incident history, page %(num)d") % {"num": n}
        views.append(HistoryView(
            page=PageInfo(url, title, search=False, feeds=facts.feeds, layout="status"),
            banner=banner_of(facts),
            span=_("%(start)s to %(end)s") % {"start": i18n.format_month(*first), "end": i18n.format_month(*last)},
            timezone=tz,
            months=tuple(month_views),
            pagination=_pagination(url, n, len(chunks)),
        ))
    return views
