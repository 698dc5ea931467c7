"""What several page kinds share: the build's facts, links, times, status words, update views.

Everything here is plain data: strings already worded, dates formatted, links
relative to the page that shows them. No HTML; templates decide the markup.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from markupsafe import Markup

from generator import i18n
from generator.compute.display import format_percent
from generator.compute.localtime import day_bounds, local_date
from generator.compute.stale import standing_eta
from generator.compute.status import impacts_at, is_open_at, overall_status, service_statuses
from generator.compute.uptime import ServiceUptime, compute_uptime
from generator.i18n import N_, _, ngettext, pgettext
from generator.model import IMPACT_RANK, Incident, Maintenance, Postmortem, Update
from generator.site import urls
from generator.site.markdown import render_short_markdown
from generator.site.urls import FeedLink, feed_links
from generator.site.visibility import SiteContext, status_label
from generator.timeparse import format_duration, format_timestamp
from generator.words import ESTIMATE_PASSED, NO_ESTIMATE, banner_text

IMPACT_WORDS = ("operational", "degraded_performance", "partial_outage", "major_outage")

# What a day's bar means, in words (also the legend); English, marked: ``level_text`` says them.
LEVEL_TEXT = {
    "operational": N_("No downtime"),
    "degraded_performance": N_("Degraded performance"),
    "partial_outage": N_("Partial outage"),
    "major_outage": N_("Major outage"),
    "under_maintenance": N_("Maintenance"),
    "nodata": N_("No data (not yet tracked)"),
}
# Marks shown by the ``label`` macro, which shows them in the reader's language (their English
# word is the CSS class).
MARKS = (N_("Draft"), N_("In review"), N_("Internal"), N_("Cancelled"), N_("Overdue"), N_("Notice"), N_("Drill"),
         N_("Maintenance"))


def level_text(level: str) -> str:
    return _(LEVEL_TEXT[level])


@dataclass
class Facts:
    """What several pages share, computed once per build."""

    ctx: SiteContext
    statuses: dict[str, str]
    uptime: dict[str, ServiceUptime]
    incidents: tuple[Incident, ...]  # newest first
    drills: tuple[Incident, ...] = ()  # newest first; internal builds only (a public model has none)
    feeds: tuple[FeedLink, ...] = field(default_factory=tuple)
    by_id: dict[str, Incident] = field(default_factory=dict)  # per-day lookups stay O(1) with long histories
    # An incident appears on its page, in history, on each service's page and in cards: what it
    # says there is worked out once per build.
    _segments: dict[str, dict[str, list[tuple[datetime, datetime, str]]]] = field(default_factory=dict)
    _services: dict[str, list[tuple[str, str, str | None]]] = field(default_factory=dict)
    _summaries: dict[str, tuple[tuple[str, ...], Time, str]] = field(default_factory=dict)
    levels: dict[tuple[str, str], str] = field(default_factory=dict)  # (service id, day) -> bar level
    # History lines kept from the previous build of the same scope (``statuspress serve``):
    # (page URL, incident id) -> (the incident object it was made from, the line).
    kept_items: dict[tuple[str, str], tuple[Incident, ListItem]] | None = None

    def segments(self, inc: Incident) -> dict[str, list[tuple[datetime, datetime, str]]]:
        found = self._segments.get(inc.id)
        if found is None:
            found = self._segments[inc.id] = inc.impact_segments(self.ctx.now)
        return found

    def summary_of(self, inc: Incident) -> tuple[tuple[str, ...], Time, str]:
        """What a history line says of an incident besides links: (severity, state), start, duration."""
        found = self._summaries.get(inc.id)
        if found is None:
            ctx = self.ctx
            status = status_label(inc.status) if is_open_at(inc, ctx.now) else status_label("resolved")
            meta = (ctx.severity_text(inc.max_severity), status) if ctx.show_severity else (status,)
            found = self._summaries[inc.id] = (meta, time_of(ctx, inc.started_at), incident_duration(ctx, inc))
        return found

    def services_of(self, inc: Incident) -> list[tuple[str, str, str | None]]:
        """(service id, worst impact reached, impact now or None when resolved/mitigated)."""
        found = self._services.get(inc.id)
        if found is None:
            found = self._services[inc.id] = _incident_services(self, inc)
        return found


def make_facts(ctx: SiteContext, kept_items: dict[tuple[str, str], tuple[Incident, ListItem]] | None = None) -> Facts:
    incidents = tuple(
        sorted((i for i in ctx.model.incidents if i.started_at <= ctx.now),
               key=lambda i: (i.started_at, i.id), reverse=True)
    )
    drills = tuple(
        sorted((d for d in ctx.model.drills if d.started_at <= ctx.now),
               key=lambda i: (i.started_at, i.id), reverse=True)
    ) if ctx.internal else ()
    return Facts(
        ctx=ctx,
        statuses=service_statuses(ctx.model, ctx.now),
        uptime=compute_uptime(ctx.model, ctx.now),
        incidents=incidents,
        drills=drills,
        feeds=tuple(feed_links(ctx)),
        by_id={inc.id: inc for inc in ctx.model.incidents},
        kept_items=kept_items,
    )


# ---------------------------------------------------------------- small values


@lru_cache(maxsize=65536)  # pure, and asked for the same pair (a page linking a service) again and again
def rel(page_url: str, target: str) -> str:
    """A link from the page at ``page_url`` (a directory URL such as ``incidents/x/``) to ``target``."""
    target, _sep, fragment = target.partition("#")
    here = "/" + page_url
    dest = "/" + target
    link = posixpath.relpath(dest, here if here.endswith("/") else posixpath.dirname(here))
    if target.endswith("/") or target == "":
        link = link.rstrip("/") + "/"
    if link.startswith("./") and link != "./":
        link = link[2:]
    return link + (f"#{fragment}" if fragment else "")


@dataclass(frozen=True)
class Time:
    """A moment: ``iso`` for machines (UTC, RFC 3339), ``text`` for people (site zone, named)."""

    iso: str
    text: str


@dataclass(frozen=True)
class Span:
    start: Time
    end: Time


@dataclass(frozen=True)
class Link:
    """A link, or plain text when ``href`` is empty (a service that is no longer configured)."""

    text: str
    href: str = ""


@dataclass(frozen=True)
class Status:
    """A status pill: ``word`` picks the icon and colour, ``text`` is what it says."""

    word: str
    text: str


@dataclass(frozen=True)
class Affected:
    """A service an incident or window touches, with the impact shown beside it (lower case)."""

    service: Link
    impact: str


_TIMES: dict[tuple[str, str, datetime], Time] = {}


def time_of(ctx: SiteContext, value: datetime) -> Time:
    # The same moments show on many pages (an incident's start: its page, history, services), and
    # the text depends on nothing but the zone's name and the moment.
    key = (ctx.model.config.site.timezone, i18n.active().tag, value)
    found = _TIMES.get(key)
    if found is None:
        if len(_TIMES) > 200_000:
            _TIMES.clear()
        found = _TIMES[key] = Time(format_timestamp(value), ctx.display_time(value))
    return found


def span_of(ctx: SiteContext, start: datetime, end: datetime) -> Span:
    return Span(time_of(ctx, start), time_of(ctx, end))


def date_text(day: date) -> str:
    return i18n.format_day(day)


def status_of(word: str, text: str | None = None) -> Status:
    return Status(word, text if text is not None else status_label(word))


def text_lines(text: str) -> tuple[str, ...]:
    """Plain text (an update message) -> its lines, nothing trimmed: shown with line breaks kept."""
    return tuple(text.replace("\r\n", "\n").split("\n"))


# Site paths by id: asked for again and again (every list links every incident and service).
_service_url = lru_cache(maxsize=4096)(urls.service_url)
_incident_url = lru_cache(maxsize=65536)(urls.incident_url)


def service_link(ctx: SiteContext, page_url: str, sid: str) -> Link:
    if ctx.model.config.service(sid) is None:
        return Link(sid)
    return Link(ctx.service_name(sid), rel(page_url, _service_url(sid)))


def incident_link(page_url: str, inc: Incident) -> Link:
    return Link(inc.title, rel(page_url, _incident_url(inc.id)))


def maintenance_link(page_url: str, m: Maintenance) -> Link:
    return Link(m.title, rel(page_url, urls.maintenance_url(m.id)))


@dataclass(frozen=True)
class PageInfo:
    """What the frame needs besides the content: plain text, escaped by the renderer."""

    url: str
    title: str
    description: str = ""
    search: bool = True
    toc: bool = True
    feeds: tuple[FeedLink, ...] = ()
    labels: tuple[str, ...] = ()
    layout: str = "docs"  # "status": one column, no sidebar or table of contents (see contract.Page)


@dataclass(frozen=True)
class Cell:
    """A table cell: ``text``, then an optional ``note`` in small print (on a line of its own when ``below``)."""

    text: str
    note: str = ""
    below: bool = False
    nodata: bool = False  # "not enough data": styled apart


@dataclass(frozen=True)
class Table:
    """A table of plain cells; the first cell of each row is its header."""

    label: str  # the scroll box's accessible name
    head: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    classes: str = ""
    empty: str = ""  # set: every figure lacked data, and this one sentence stands for the table


def postmortem_marks(pm: Postmortem) -> tuple[str, ...]:
    """Visible marks of a post-mortem that is not public and published."""
    marks = []
    if pm.status == "draft":
        marks.append("Draft")
    elif pm.status == "in_review":
        marks.append("In review")
    if pm.visibility == "internal":
        marks.append("Internal")
    return tuple(marks)


# ---------------------------------------------------------------- updates


@dataclass(frozen=True)
class UpdateView:
    """One update of an incident or maintenance window; the notes are worded the same on pages and in feeds."""

    number: int  # 1 = first posted: the element id ``update-<n>`` never moves
    status: str  # status word (``identified``): styling
    status_text: str
    at: Time
    message: Markup  # sanitised Markdown (line breaks kept)
    impact_note: str = ""  # "Impact changed: Public API: partial outage"
    severity_note: str = ""  # "Severity: SEV-1 (Critical)"
    eta: Time | None = None  # expected resolution, shown while the incident is open
    eta_note: str = ""  # "Estimate passed, awaiting update": the standing estimate is in the past


def update_view(ctx: SiteContext, u: Update, number: int, show_eta: bool,
                standing: datetime | None = None, reopens: bool = False) -> UpdateView:
    """``standing``: the incident's estimate that still holds; marked as passed when it is in the past."""
    impact = ""
    if u.services:
        impact = _("Impact changed: %(changes)s") % {"changes": _(", ").join(
            _("%(service)s: %(impact)s") % {"service": ctx.service_name(sid), "impact": impact_word(i)}
            for sid, i in u.services.items())}
    if u.scheduled_end is not None:  # a maintenance update moving the planned end
        impact = _("Planned end moved to %(end)s") % {"end": ctx.display_time(u.scheduled_end)}
    return UpdateView(
        number=number,
        status=u.status,
        status_text=_("Reopened: %(status)s") % {"status": status_label(u.status)} if reopens else status_label(u.status),
        at=time_of(ctx, u.at),
        message=render_short_markdown(u.message),
        impact_note=impact,
        severity_note=(_("Severity: %(severity)s") % {"severity": ctx.severity_text(u.severity)}
                       if u.severity and ctx.show_severity else ""),
        eta=time_of(ctx, u.eta) if u.eta is not None and show_eta else None,
        eta_note=_(ESTIMATE_PASSED) if show_eta and u.eta is not None and u.eta == standing and u.eta < ctx.now else "",
    )


def timeline(ctx: SiteContext, updates: tuple[Update, ...] | list[Update], show_eta: bool,
             standing: datetime | None = None) -> tuple[UpdateView, ...]:
    """Updates newest first (the latest news is what a reader opens the page for); ties keep file order reversed."""
    ordered = sorted(enumerate(updates), key=lambda pair: (pair[1].at, pair[0]), reverse=True)
    # An incident update after a resolved one reopens it (maintenance has no "resolved").
    reopens = {i for i in range(1, len(updates)) if updates[i - 1].status == "resolved" and updates[i].status
               in ("investigating", "identified", "monitoring")}
    return tuple(update_view(ctx, u, index + 1, show_eta, standing, index in reopens) for index, u in ordered)


# ---------------------------------------------------------------- incidents


def _incident_services(facts: Facts, inc: Incident) -> list[tuple[str, str, str | None]]:
    ctx = facts.ctx
    worst: dict[str, str] = {}
    for sid, pieces in facts.segments(inc).items():
        for _start, _end, impact in pieces:
            if IMPACT_RANK.get(impact, 0) > IMPACT_RANK.get(worst.get(sid, "operational"), 0):
                worst[sid] = impact
    now_impacts = impacts_at(inc, ctx.now)
    return [(sid, worst.get(sid, inc.current_impacts().get(sid, "operational")), now_impacts.get(sid))
            for sid in inc.affected_service_ids()]


def incident_duration(ctx: SiteContext, inc: Incident) -> str:
    if inc.duration_unknown and inc.resolved_at is not None and not is_open_at(inc, ctx.now):
        return _("unknown")  # the recorded resolution time is a placeholder: never "0 s"
    if inc.resolved_at is not None and not is_open_at(inc, ctx.now):
        return format_duration(inc.resolved_at - inc.started_at)
    return _("ongoing for %(duration)s") % {"duration": format_duration(ctx.now - inc.started_at)}


def affected(facts: Facts, page_url: str, inc: Incident, current: bool) -> tuple[Affected, ...]:
    ctx = facts.ctx
    out = []
    for sid, worst, now_impact in facts.services_of(inc):
        impact = now_impact if current and now_impact else worst
        out.append(Affected(service_link(ctx, page_url, sid), impact_word(impact)))
    return tuple(out)


@dataclass(frozen=True)
class Estimate:
    """When a fix is expected: ``text`` alone ("No estimate yet"), or ``text`` and ``at``."""

    text: str  # "Expected resolution" | "No estimate yet" | "Estimate passed, awaiting update"
    at: Time | None = None
    passed: bool = False


def estimate_of(ctx: SiteContext, inc: Incident) -> Estimate:
    eta = standing_eta(inc, ctx.now)
    if eta is None:
        return Estimate(_(NO_ESTIMATE))
    if eta < ctx.now:
        return Estimate(_(ESTIMATE_PASSED), time_of(ctx, eta), passed=True)
    return Estimate(_("Expected resolution"), time_of(ctx, eta))


@dataclass(frozen=True)
class IncidentCard:
    """An open incident, as a card on the home and service pages: status apart from impact."""

    link: Link
    level: str  # worst impact now: the card's colour
    status: str  # "Identified": where the work is
    impact: Status  # "Partial outage": what customers feel now
    severity: str  # "" unless severity is shown (publish.severity, internal builds)
    duration: str  # "ongoing for 2 h 5 min"
    since: Time
    estimate: Estimate
    affected: tuple[Affected, ...]
    latest: UpdateView | None
    updated_ago: str = ""  # "25 min ago": since the latest update (recomputed in the browser)


def incident_card(facts: Facts, page_url: str, inc: Incident) -> IncidentCard:
    ctx = facts.ctx
    worst_now = max((IMPACT_RANK.get(i, 0) for i in impacts_at(inc, ctx.now).values()), default=0)
    word = IMPACT_WORDS[worst_now]
    # The estimate has its own line on the card: the latest update does not repeat it.
    latest = update_view(ctx, inc.updates[-1], len(inc.updates), show_eta=False) if inc.updates else None
    return IncidentCard(
        link=incident_link(page_url, inc),
        level=word,
        status=status_label(inc.status),
        impact=status_of(word),
        severity=ctx.severity_text(inc.max_severity) if ctx.show_severity else "",
        duration=incident_duration(ctx, inc),
        since=time_of(ctx, inc.started_at),
        estimate=estimate_of(ctx, inc),
        affected=affected(facts, page_url, inc, current=True),
        latest=latest,
        updated_ago=(_("%(duration)s ago") % {"duration": format_duration(max(ctx.now - inc.updates[-1].at, timedelta(0)))}
                     if inc.updates else ""),
    )


@dataclass(frozen=True)
class ListItem:
    """One line of a history list: an incident or a finished or cancelled maintenance window."""

    link: Link
    meta: tuple[str, ...]  # "SEV-2 (Major)", "Resolved": parted by a middle dot
    start: Time
    end: Time | None  # maintenance windows: when it ended (or was to end)
    duration: str  # incidents only
    affected: tuple[Affected, ...]
    labels: tuple[str, ...] = ()


def incident_item(facts: Facts, page_url: str, inc: Incident) -> ListItem:
    kept = facts.kept_items
    if kept is not None:
        hit = kept.get((page_url, inc.id))
        if hit is not None and hit[0] is inc:  # the loader hands back the same object for an unchanged file
            return hit[1]
        item = _incident_item(facts, page_url, inc)
        kept[(page_url, inc.id)] = (inc, item)
        return item
    return _incident_item(facts, page_url, inc)


def _incident_item(facts: Facts, page_url: str, inc: Incident) -> ListItem:
    meta, start, duration = facts.summary_of(inc)
    return ListItem(
        link=incident_link(page_url, inc),
        meta=meta,
        start=start,
        end=None,
        duration=duration,
        affected=affected(facts, page_url, inc, current=False),
        labels=(*(("Drill",) if inc.drill else ()),
                *(("Notice",) if not inc.affected_service_ids() else ())),  # about no service
    )


# ---------------------------------------------------------------- maintenance


def maintenance_affected(ctx: SiteContext, page_url: str, m: Maintenance) -> tuple[Affected, ...]:
    return tuple(Affected(service_link(ctx, page_url, sid), impact_word(word)) for sid, word in m.services.items())


@dataclass(frozen=True)
class MaintenanceCard:
    link: Link
    state: str  # scheduled | in_progress | verifying ...: the card's class
    status: Status
    span: Span
    affected: tuple[Affected, ...]
    latest: UpdateView | None


def maintenance_card(ctx: SiteContext, page_url: str, m: Maintenance) -> MaintenanceCard:
    state = m.state(ctx.now)
    # A calendar mark for what is planned, never the green check of "operational".
    word = "under_maintenance" if state in ("in_progress", "verifying") else "scheduled"
    latest = m.updates[-1] if m.updates else None
    return MaintenanceCard(
        link=maintenance_link(page_url, m),
        state=state,
        status=status_of(word, status_label(state)),
        span=span_of(ctx, m.effective_start, m.effective_end),
        affected=maintenance_affected(ctx, page_url, m),
        latest=(update_view(ctx, latest, len(m.updates), show_eta=False)
                if latest is not None and latest.at <= ctx.now else None),
    )


def maintenance_item(ctx: SiteContext, page_url: str, m: Maintenance) -> ListItem:
    state = m.state(ctx.now)
    cancelled = state == "cancelled"
    return ListItem(
        link=maintenance_link(page_url, m),
        meta=(_("Maintenance"), status_label(state)),
        start=time_of(ctx, m.scheduled_start if cancelled else m.effective_start),
        end=time_of(ctx, m.scheduled_end if cancelled else m.effective_end),
        duration="",
        affected=maintenance_affected(ctx, page_url, m),
        labels=("Cancelled",) if cancelled else (),
    )


# ---------------------------------------------------------------- the overall banner


@dataclass(frozen=True)
class Banner:
    """The overall status, first under the header of every status page."""

    level: str  # overall status word
    text: str  # "Partial outage: Card Processing, Payouts"
    as_of: Time
    services: tuple[str, ...] = ()  # the names of the services that are not operational, worst first


def banner_of(facts: Facts) -> Banner:
    ctx = facts.ctx
    overall = overall_status(facts.statuses)
    rank = {"under_maintenance": 0.5, **IMPACT_RANK}
    names = [svc.name for svc in sorted(
        (svc for svc in ctx.model.config.services if facts.statuses.get(svc.id, "operational") != "operational"),
        key=lambda svc: -rank.get(facts.statuses.get(svc.id, "operational"), 0))]
    return Banner(overall, banner_text(overall, names), time_of(ctx, ctx.now), tuple(names))


def days_spanned(ctx: SiteContext, inc: Incident, first: date, last: date) -> list[date]:
    """The local days from ``first`` to ``last`` an incident was open on (an ongoing one: up to today)."""
    tz = ctx.model.config.site.timezone
    end = inc.resolved_at if inc.resolved_at is not None and inc.resolved_at <= ctx.now else ctx.now
    start_day, end_day = max(local_date(inc.started_at, tz), first), min(local_date(end, tz), last)
    out = []
    day = start_day
    while day <= end_day:
        out.append(day)
        day = date.fromordinal(day.toordinal() + 1)
    return out


# ---------------------------------------------------------------- uptime bars


def day_level(facts: Facts, service_id: str, day_key: str) -> str:
    """operational | degraded_performance | partial_outage | major_outage | under_maintenance | nodata."""
    key = (service_id, day_key)
    found = facts.levels.get(key)  # the bars and the daily table ask for the same days
    if found is None:
        found = facts.levels[key] = _day_level(facts, service_id, day_key)
    return found


def _day_level(facts: Facts, service_id: str, day_key: str) -> str:
    up = facts.uptime[service_id]
    if up.days.get(day_key) is None:
        return "nodata"
    ctx = facts.ctx
    start, end = day_bounds(date.fromisoformat(day_key), ctx.model.config.site.timezone)
    end = min(end, ctx.now)
    worst = 0
    for iid in up.day_incidents.get(day_key, ()):
        inc = facts.by_id.get(iid)
        if inc is None:
            continue
        for a, b, impact in facts.segments(inc).get(service_id, []):
            if a < end and b > start:
                worst = max(worst, IMPACT_RANK.get(impact, 0))
    if worst:
        return IMPACT_WORDS[worst]
    for m in ctx.model.maintenance:
        if not m.cancelled and service_id in m.services and m.effective_start < end and m.effective_end > start:
            return "under_maintenance"
    return "operational"


@dataclass(frozen=True)
class Bar:
    """One day's bar: its level and its summary in words (the link text, shown as a tooltip)."""

    level: str
    href: str
    summary: str


@dataclass(frozen=True)
class Bars:
    label: str  # "Public API: daily status, last 90 days"
    days: tuple[Bar, ...]  # oldest first
    start_text: str  # "90 days ago"
    uptime_text: str  # "99.95% uptime (90 days)"


def bars(facts: Facts, service_id: str, service_name: str, page_url: str) -> Bars:
    """One focusable day link per day of ``bars_days``; each says its day, level, uptime and incidents in words."""
    up = facts.uptime[service_id]
    items = []
    for day_key, pct in up.days.items():
        level = day_level(facts, service_id, day_key)
        titles = []
        for iid in up.day_incidents.get(day_key, ()):
            inc = facts.by_id.get(iid)
            titles.append(inc.title if inc is not None else iid)
        words = [date_text(date.fromisoformat(day_key)), level_text(level)]
        if pct is not None:
            words.append(_("%(percent)s uptime") % {"percent": format_percent(pct)})
        if titles:
            words.append(ngettext("%(num)d incident: %(titles)s", "%(num)d incidents: %(titles)s", len(titles))
                         % {"num": len(titles), "titles": _("; ").join(titles)})
        elif level != "nodata":
            words.append(_("no incidents"))
        items.append(Bar(level, rel(page_url, urls.service_url(service_id) + f"#day-{day_key}"), _(". ").join(words)))
    days = len(up.days)
    return Bars(
        label=ngettext("%(service)s: daily status, last %(num)d day", "%(service)s: daily status, last %(num)d days",
                       days) % {"service": service_name, "num": days},
        days=tuple(items),
        start_text=ngettext("%(num)d day ago", "%(num)d days ago", days) % {"num": days},
        uptime_text=_("%(percent)s uptime (90 days)") % {"percent": format_percent(up.windows.get("90d"))},
    )


@dataclass(frozen=True)
class LegendItem:
    level: str
    text: str


def legend() -> tuple[LegendItem, ...]:
    """The legend of the bars, in the active language."""
    return tuple(LegendItem(level, _(text)) for level, text in LEVEL_TEXT.items())


def impact_word(word: str) -> str:
    """An impact beside a service name, lower case in English (``Public API (partial outage)``): its own
    message (context "impact"), as not every language lower-cases a status word inside a sentence."""
    found = _IMPACT_IN_SENTENCE.get(word)
    return found() if found else status_label(word).lower()


_IMPACT_IN_SENTENCE = {
    "operational": lambda: pgettext("impact", "operational"),
    "degraded_performance": lambda: pgettext("impact", "degraded performance"),
    "partial_outage": lambda: pgettext("impact", "partial outage"),
    "major_outage": lambda: pgettext("impact", "major outage"),
    "under_maintenance": lambda: pgettext("impact", "under maintenance"),
}
