"""Model -> page content: every HTML page of the status site, as data.

Pure: no MkDocs, no file system, no clock. Each :class:`Page` holds
Markdown whose structured parts are raw HTML blocks that this module writes
itself, so every user-written string passes through :func:`esc` on its way
in. User-written Markdown bodies (incidents, maintenance, post-mortems) are
rendered here and cleaned with nh3 before they are embedded.

Links are relative (``../../services/api/``) so a site served below a path
works, and so that MkDocs never has to rewrite them.

Choices a reader may want to know:

- Incident timelines list updates newest first (as Statuspage does): the
  latest news is what a customer opens the page for.
- History is paginated by three months: ``/history/`` holds the latest three
  months, ``/history/page/2/`` the three before, and so on.
- Uptime bars are one link per day to the service page's daily table
  (``#day-YYYY-MM-DD``); the link text is the day's summary, shown as a
  tooltip on hover and keyboard focus by CSS alone.
"""

from __future__ import annotations

import posixpath
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from html import escape

import markdown as md_lib
import nh3

from generator.compute.display import (
    format_interval,
    format_percent,
    format_seconds,
    format_share,
    format_stat,
)
from generator.compute.kpis import compute_kpis
from generator.compute.localtime import day_bounds, local_date
from generator.compute.status import (
    impacts_at,
    is_open_at,
    overall_status,
    service_statuses,
    status_indicator,
)
from generator.compute.uptime import ServiceUptime, compute_uptime
from generator.model import IMPACT_RANK, Incident, Maintenance, Postmortem, Service, Update
from generator.site import urls
from generator.site.charts import Chart, chart_specs
from generator.site.urls import FeedLink, feed_links
from generator.site.visibility import SiteContext, status_label
from generator.timeparse import format_duration, format_timestamp

MONTHS_PER_HISTORY_PAGE = 3
RECENT_DAYS = 14
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_MON = tuple(m[:3] for m in _MONTH_NAMES)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Page:
    """One page: ``path`` is its source name (``incidents/<id>/index.md``), ``url`` its directory URL.

    ``title`` and ``description`` are plain text; the renderer escapes them.
    """

    path: str
    url: str
    title: str
    markdown: str
    description: str = ""
    search: bool = True
    toc: bool = True
    feeds: tuple[FeedLink, ...] = ()
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class NavEntry:
    title: str
    path: str


@dataclass
class _Facts:
    """What several pages share, computed once per build."""

    ctx: SiteContext
    statuses: dict[str, str]
    uptime: dict[str, ServiceUptime]
    incidents: tuple[Incident, ...]  # newest first
    feeds: tuple[FeedLink, ...] = field(default_factory=tuple)
    by_id: dict[str, Incident] = field(default_factory=dict)  # per-day lookups stay O(1) with long histories


# ---------------------------------------------------------------- small helpers


def esc(text: object) -> str:
    """Plain text -> HTML text or attribute value (quotes too)."""
    return escape(str(text), quote=True)


@lru_cache(maxsize=65536)  # pure, and asked for the same pair (a page linking a service) again and again
def rel(page_url: str, target: str) -> str:
    """A link from the page at ``page_url`` (a directory URL such as ``incidents/x/``) to ``target``."""
    target, _, fragment = target.partition("#")
    here = "/" + page_url
    dest = "/" + target
    link = posixpath.relpath(dest, here if here.endswith("/") else posixpath.dirname(here))
    if target.endswith("/") or target == "":
        link = link.rstrip("/") + "/"
        if link == "./":
            link = "./"
    if link.startswith("./") and link != "./":
        link = link[2:]
    return link + (f"#{fragment}" if fragment else "")


def src_path(url: str) -> str:
    return f"{url}index.md"


def _date_text(day: date) -> str:
    return f"{day.day} {_MON[day.month - 1]} {day.year}"


def _time(ctx: SiteContext, value: datetime) -> str:
    """``<time>`` with the machine-readable UTC instant and the local, zone-named display."""
    return f'<time datetime="{format_timestamp(value)}">{esc(ctx.display_time(value))}</time>'


def _span_text(ctx: SiteContext, start: datetime, end: datetime) -> str:
    return f"{_time(ctx, start)} to {_time(ctx, end)}"


def _text_block(text: str) -> str:
    """Plain text (an update message) -> paragraphs, line breaks kept."""
    paras = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(f"<p>{esc(p).replace(chr(10), '<br>')}</p>" for p in paras) or "<p></p>"


# Valid HTML5 only (nh3's defaults include obsolete tags such as <center> that
# the validator rejects) and no <h1>: a page has one, ours.
_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "time": {"datetime"},
    "code": {"class"},
}
_MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "sane_lists"]


_MARKDOWN = threading.local()


def render_markdown(text: str) -> str:
    """User-written Markdown -> sanitised HTML: no scripts, event handlers, styles or javascript: links."""
    if not text.strip():
        return ""
    return _render_markdown(text)


@lru_cache(maxsize=32768)
def _render_markdown(text: str) -> str:
    # Pure, so remembered: a preview's rebuild, or the internal build after the public one,
    # does not convert the same body again. One Markdown instance per thread, reset between
    # texts (building one costs more than converting a short body).
    md = getattr(_MARKDOWN, "md", None)
    if md is None:
        md = _MARKDOWN.md = md_lib.Markdown(extensions=_MARKDOWN_EXTENSIONS, output_format="html")
    html = md.reset().convert(text)
    # Demote a body's "# Title" to h2: the page's own h1 is the title.
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def _prose(html: str) -> str:
    return f'<div class="sp-prose">\n{html}\n</div>' if html else ""


def _scroll_table(label: str, table_html: str, search: bool = True) -> str:
    """Tables scroll inside their own box on narrow screens; the box is focusable for keyboard scrolling."""
    skip = "" if search else " data-search-exclude"
    return f'<div class="sp-scroll" role="region" aria-label="{esc(label)}" tabindex="0"{skip}>{table_html}</div>'


def _heading(title: str, anchor: str, search: bool = True) -> str:
    """A Markdown h2 (it feeds the table of contents); only our own fixed words go here.

    ``search=False`` leaves the section out of the search index (the search plugin
    removes the attribute from the page).
    """
    skip = "" if search else ' data-search-exclude="1"'
    return f"\n## {title} {{#{anchor}{skip}}}\n"


# ---------------------------------------------------------------- status words and icons

_ICONS = {
    # Simple shapes, distinct without colour: check, dash, triangle, cross, wrench-ish diamond.
    "operational": '<path d="M3.5 8.5l3 3 6-7" fill="none" stroke="currentColor" stroke-width="2"/>',
    "degraded_performance": '<path d="M3 8h10" fill="none" stroke="currentColor" stroke-width="2.5"/>',
    "partial_outage": '<path d="M8 2l6.5 12h-13z" fill="currentColor"/>',
    "major_outage": '<path d="M3.5 3.5l9 9M12.5 3.5l-9 9" fill="none" stroke="currentColor" stroke-width="2.5"/>',
    "under_maintenance": '<path d="M8 1.5l6.5 6.5-6.5 6.5-6.5-6.5z" fill="currentColor"/>',
    "nodata": '<circle cx="8" cy="8" r="3" fill="currentColor"/>',
}


def _icon(word: str) -> str:
    shape = _ICONS.get(word, _ICONS["nodata"])
    return (
        f'<svg class="sp-icon sp-icon--{esc(word)}" viewBox="0 0 16 16" width="16" height="16" '
        f'aria-hidden="true" focusable="false">{shape}</svg>'
    )


def _status(word: str, text: str | None = None) -> str:
    label = text if text is not None else status_label(word)
    return f'<span class="sp-status sp-status--{esc(word)}">{_icon(word)}{esc(label)}</span>'


def _label(kind: str) -> str:
    """A visible "Draft" / "Internal" / "In review" marker."""
    return f'<span class="sp-label sp-label--{esc(kind.lower().replace(" ", "-"))}">{esc(kind)}</span>'


# ---------------------------------------------------------------- per-day levels for the bars


def _day_level(facts: _Facts, service_id: str, day_key: str) -> str:
    """operational | degraded_performance | partial_outage | major_outage | under_maintenance | nodata."""
    up = facts.uptime[service_id]
    if up.days.get(day_key) is None:
        return "nodata"
    ctx = facts.ctx
    tz = ctx.model.config.site.timezone
    start, end = day_bounds(date.fromisoformat(day_key), tz)
    end = min(end, ctx.now)
    worst = 0
    for iid in up.day_incidents.get(day_key, ()):
        inc = facts.by_id.get(iid)
        if inc is None:
            continue
        for a, b, impact in inc.impact_segments(ctx.now).get(service_id, []):
            if a < end and b > start:
                worst = max(worst, IMPACT_RANK.get(impact, 0))
    if worst:
        return ("operational", "degraded_performance", "partial_outage", "major_outage")[worst]
    for m in ctx.model.maintenance:
        if not m.cancelled and service_id in m.services and m.effective_start < end and m.effective_end > start:
            return "under_maintenance"
    return "operational"


_LEVEL_TEXT = {
    "operational": "No downtime",
    "degraded_performance": "Degraded performance",
    "partial_outage": "Partial outage",
    "major_outage": "Major outage",
    "under_maintenance": "Maintenance",
    "nodata": "No data (not yet tracked)",
}


def _bars(facts: _Facts, svc: Service, page_url: str) -> str:
    """90 (bars_days) focusable day links; each says its day, level, uptime and incidents in words."""
    up = facts.uptime[svc.id]
    items = []
    for day_key, pct in up.days.items():
        level = _day_level(facts, svc.id, day_key)
        ids = up.day_incidents.get(day_key, ())
        titles = []
        for iid in ids:
            inc = facts.by_id.get(iid)
            titles.append(inc.title if inc is not None else iid)
        words = [_date_text(date.fromisoformat(day_key)), _LEVEL_TEXT[level]]
        if pct is not None:
            words.append(f"{format_percent(pct)} uptime")
        if titles:
            words.append(f"{len(titles)} incident{'s' if len(titles) != 1 else ''}: " + "; ".join(titles))
        elif level != "nodata":
            words.append("no incidents")
        href = rel(page_url, urls.service_url(svc.id) + f"#day-{day_key}")
        items.append(
            f'<li><a class="sp-day sp-day--{level}" href="{esc(href)}">'
            f'<span class="sp-tip">{esc(". ".join(words))}</span></a></li>'
        )
    days = len(up.days)
    ninety = format_percent(up.windows.get("90d"))
    return (
        f'<div class="sp-bars" data-search-exclude>'
        f'<ol class="sp-bars__days" aria-label="{esc(svc.name)}: daily status, last {days} days">'
        + "".join(items)
        + "</ol>"
        f'<p class="sp-bars__axis"><span>{days} days ago</span>'
        f"<span>{esc(ninety)} uptime (90 days)</span><span>Today</span></p></div>"
    )


def _legend() -> str:
    parts = "".join(
        f'<li><span class="sp-swatch sp-swatch--{level}" aria-hidden="true"></span>{esc(text)}</li>'
        for level, text in _LEVEL_TEXT.items()
    )
    return (
        '<details class="sp-legend" data-search-exclude><summary>How to read the bars</summary>'
        "<p>One bar per day, today on the right. A shorter bar means a worse day: full height is no "
        "downtime, then degraded performance, partial outage and major outage; striped bars are "
        "maintenance. Focus or hover a bar for the day's summary; select it for the day's incidents.</p>"
        f'<ul class="sp-legend__items">{parts}</ul></details>'
    )


# ---------------------------------------------------------------- incident bits


def _incident_services(ctx: SiteContext, inc: Incident) -> list[tuple[str, str, str | None]]:
    """(service id, worst impact reached, impact now or None when resolved/mitigated)."""
    worst: dict[str, str] = {}
    for sid, pieces in inc.impact_segments(ctx.now).items():
        for _, _, impact in pieces:
            if IMPACT_RANK.get(impact, 0) > IMPACT_RANK.get(worst.get(sid, "operational"), 0):
                worst[sid] = impact
    now_impacts = impacts_at(inc, ctx.now)
    out = []
    for sid in inc.affected_service_ids():
        out.append((sid, worst.get(sid, inc.current_impacts().get(sid, "operational")), now_impacts.get(sid)))
    return out


def _incident_duration(ctx: SiteContext, inc: Incident) -> str:
    if inc.resolved_at is not None and not is_open_at(inc, ctx.now):
        return format_duration(inc.resolved_at - inc.started_at)
    return f"ongoing for {format_duration(ctx.now - inc.started_at)}"


def _service_link(ctx: SiteContext, page_url: str, sid: str) -> str:
    if ctx.model.config.service(sid) is None:
        return esc(sid)
    return f'<a href="{esc(rel(page_url, urls.service_url(sid)))}">{esc(ctx.service_name(sid))}</a>'


def _incident_link(ctx: SiteContext, page_url: str, inc: Incident) -> str:
    return f'<a href="{esc(rel(page_url, urls.incident_url(inc.id)))}">{esc(inc.title)}</a>'


def _affected_text(ctx: SiteContext, page_url: str, inc: Incident, current: bool) -> str:
    parts = []
    for sid, worst, now_impact in _incident_services(ctx, inc):
        impact = now_impact if current and now_impact else worst
        parts.append(f"{_service_link(ctx, page_url, sid)} ({esc(status_label(impact).lower())})")
    return ", ".join(parts)


def _update_notes(ctx: SiteContext, u: Update, show_eta: bool) -> str:
    notes = []
    if u.services:
        changes = ", ".join(f"{ctx.service_name(sid)}: {status_label(i).lower()}" for sid, i in u.services.items())
        notes.append(f"Impact changed: {esc(changes)}")
    if u.severity:
        notes.append(f"Severity: {esc(ctx.severity_text(u.severity))}")
    if u.eta is not None and show_eta:
        notes.append(f"Expected resolution: {_time(ctx, u.eta)}")
    return f'<p class="sp-update__notes">{"<br>".join(notes)}</p>' if notes else ""


def _timeline(ctx: SiteContext, updates: Sequence[Update], show_eta: bool, kind: str) -> str:
    if not updates:
        return "<p>No updates yet.</p>"
    ordered = sorted(enumerate(updates), key=lambda pair: (pair[1].at, pair[0]), reverse=True)
    items = []
    for index, u in ordered:
        items.append(
            f'<li class="sp-update sp-update--{esc(u.status)}" id="update-{index + 1}">'
            f'<p class="sp-update__head"><strong>{esc(status_label(u.status))}</strong> '
            f"<span>{_time(ctx, u.at)}</span></p>"
            f"{_text_block(u.message)}{_update_notes(ctx, u, show_eta)}</li>"
        )
    return f'<ol class="sp-timeline" aria-label="{esc(kind)} updates, newest first">' + "".join(items) + "</ol>"


def _incident_card(ctx: SiteContext, page_url: str, inc: Incident) -> str:
    latest = inc.updates[-1] if inc.updates else None
    worst_now = max(
        (IMPACT_RANK.get(i, 0) for i in impacts_at(inc, ctx.now).values()), default=0
    )
    word = ("operational", "degraded_performance", "partial_outage", "major_outage")[worst_now]
    latest_html = ""
    if latest is not None:
        latest_html = (
            f'<div class="sp-card__latest"><p><strong>{esc(status_label(latest.status))}</strong> '
            f"&#183; {_time(ctx, latest.at)}</p>{_text_block(latest.message)}"
            f"{_update_notes(ctx, latest, show_eta=True)}</div>"
        )
    return (
        f'<article class="sp-card sp-card--{word}">'
        f'<h3 class="sp-card__title">{_incident_link(ctx, page_url, inc)}</h3>'
        f'<p class="sp-card__meta">{_status(word if worst_now else "degraded_performance", status_label(inc.status))} '
        f"{esc(ctx.severity_text(inc.max_severity))} &#183; "
        f"{esc(_incident_duration(ctx, inc))} (since {_time(ctx, inc.started_at)})</p>"
        f"<p>Affected: {_affected_text(ctx, page_url, inc, current=True)}</p>"
        f"{latest_html}</article>"
    )


def _incident_row(ctx: SiteContext, page_url: str, inc: Incident) -> str:
    """One line of a history list."""
    status = status_label(inc.status) if inc.is_open else "Resolved"
    return (
        f'<li class="sp-item"><p class="sp-item__title">{_incident_link(ctx, page_url, inc)}</p>'
        f'<p class="sp-item__meta">{esc(ctx.severity_text(inc.max_severity))} &#183; {esc(status)} &#183; '
        f"{_time(ctx, inc.started_at)} &#183; {esc(_incident_duration(ctx, inc))}<br>"
        f"{_affected_text(ctx, page_url, inc, current=False)}</p></li>"
    )


# ---------------------------------------------------------------- maintenance bits


def _maintenance_state(ctx: SiteContext, m: Maintenance) -> str:
    return m.state(ctx.now)


def _maintenance_services(ctx: SiteContext, page_url: str, m: Maintenance) -> str:
    return ", ".join(
        f"{_service_link(ctx, page_url, sid)} ({esc(status_label(word).lower())})" for sid, word in m.services.items()
    )


def _maintenance_card(ctx: SiteContext, page_url: str, m: Maintenance) -> str:
    state = _maintenance_state(ctx, m)
    word = "under_maintenance" if state in ("in_progress", "verifying") else "operational"
    title = f'<a href="{esc(rel(page_url, urls.maintenance_url(m.id)))}">{esc(m.title)}</a>'
    latest = m.updates[-1] if m.updates else None
    latest_html = ""
    if latest is not None and latest.at <= ctx.now:
        latest_html = (
            f'<div class="sp-card__latest"><p><strong>{esc(status_label(latest.status))}</strong> '
            f"&#183; {_time(ctx, latest.at)}</p>{_text_block(latest.message)}</div>"
        )
    return (
        f'<article class="sp-card sp-card--maintenance sp-card--{esc(state)}">'
        f'<h3 class="sp-card__title">{title}</h3>'
        f'<p class="sp-card__meta">{_status(word, status_label(state))} '
        f"{_span_text(ctx, m.effective_start, m.effective_end)}</p>"
        f"<p>Affected: {_maintenance_services(ctx, page_url, m)}</p>{latest_html}</article>"
    )


def _maintenance_row(ctx: SiteContext, page_url: str, m: Maintenance) -> str:
    state = _maintenance_state(ctx, m)
    mark = " " + _label("Cancelled") if state == "cancelled" else ""
    return (
        f'<li class="sp-item"><p class="sp-item__title">'
        f'<a href="{esc(rel(page_url, urls.maintenance_url(m.id)))}">{esc(m.title)}</a>{mark}</p>'
        f'<p class="sp-item__meta">Maintenance &#183; {esc(status_label(state))} &#183; '
        f"{_span_text(ctx, m.scheduled_start if state == 'cancelled' else m.effective_start, m.scheduled_end if state == 'cancelled' else m.effective_end)}<br>"
        f"{_maintenance_services(ctx, page_url, m)}</p></li>"
    )


# ---------------------------------------------------------------- pages


def _page(facts: _Facts, url: str, title: str, body: str, **kw: object) -> Page:
    feeds = kw.pop("feeds", None)
    return Page(
        path=src_path(url),
        url=url,
        title=title,
        markdown=body.strip() + "\n",
        feeds=tuple(feeds) if feeds is not None else facts.feeds,  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def _h1(title: str, labels: Iterable[str] = ()) -> str:
    marks = "".join(" " + _label(label) for label in labels)
    return f'<h1 class="sp-title">{esc(title)}{marks}</h1>'


def home_page(facts: _Facts) -> Page:
    ctx = facts.ctx
    url = urls.home_url()
    config = ctx.model.config
    overall = overall_status(facts.statuses)
    _indicator, description = status_indicator(overall)
    parts = [
        _h1("Current status"),
        f'<div class="sp-banner sp-banner--{esc(overall)}">{_icon(overall)}'
        f'<p class="sp-banner__text"><strong>{esc(description)}</strong>'
        f'<span class="sp-banner__when">As of {_time(ctx, ctx.now)}</span></p></div>',
    ]
    active = [i for i in facts.incidents if is_open_at(i, ctx.now)]
    if active:
        parts.append(_heading("Active incidents", "active-incidents"))
        parts.append('<div class="sp-cards">' + "".join(_incident_card(ctx, url, i) for i in active) + "</div>")
    running = [m for m in ctx.model.maintenance if _maintenance_state(ctx, m) in ("in_progress", "verifying")]
    upcoming = sorted(
        (m for m in ctx.model.maintenance if _maintenance_state(ctx, m) == "scheduled"),
        key=lambda m: (m.scheduled_start, m.id),
    )
    if running:
        parts.append(_heading("Maintenance in progress", "maintenance-in-progress"))
        parts.append('<div class="sp-cards">' + "".join(_maintenance_card(ctx, url, m) for m in running) + "</div>")
    if upcoming:
        parts.append(_heading("Upcoming maintenance", "upcoming-maintenance"))
        parts.append('<div class="sp-cards">' + "".join(_maintenance_card(ctx, url, m) for m in upcoming) + "</div>")

    parts.append(_heading("Services", "services"))
    for group, services in config.groups():
        rows = []
        for svc in services:
            word = facts.statuses.get(svc.id, "operational")
            rows.append(
                f'<li class="sp-service"><div class="sp-service__head">'
                f'<h4 class="sp-service__name"><a href="{esc(rel(url, urls.service_url(svc.id)))}">{esc(svc.name)}</a></h4>'
                f"{_status(word)}</div>{_bars(facts, svc, url)}</li>"
            )
        parts.append(
            f'<section class="sp-group" aria-label="{esc(group)}"><h3 class="sp-group__name">{esc(group)}</h3>'
            f'<ul class="sp-services">{"".join(rows)}</ul></section>'
        )
    parts.append(_legend())

    parts.append(_heading("Recent history", "recent-history"))
    tz = config.site.timezone
    today = local_date(ctx.now, tz)
    by_day: dict[date, list[str]] = {}
    for inc in facts.incidents:
        by_day.setdefault(local_date(inc.started_at, tz), []).append(_incident_row(ctx, url, inc))
    for m in sorted(ctx.model.maintenance, key=lambda m: (m.scheduled_start, m.id), reverse=True):
        if _maintenance_state(ctx, m) == "completed":
            by_day.setdefault(local_date(m.effective_start, tz), []).append(_maintenance_row(ctx, url, m))
    days = []
    for offset in range(RECENT_DAYS):
        day = today - timedelta(days=offset)
        items = by_day.get(day, [])
        inner = f'<ul class="sp-list">{"".join(items)}</ul>' if items else '<p class="sp-none">No incidents reported.</p>'
        days.append(f'<section class="sp-day-history"><h3>{esc(_WEEKDAYS[day.weekday()])}, {esc(_date_text(day))}</h3>{inner}</section>')
    parts.append('<div class="sp-recent" data-search-exclude>' + "".join(days) + "</div>")
    parts.append(f'<p><a href="{esc(rel(url, urls.history_url()))}">Incident history</a></p>')
    return _page(facts, url, "Current status", "\n\n".join(parts), search=False,
                 description=config.site.description or f"Current status of {config.site.name}")


def incident_page(facts: _Facts, inc: Incident) -> Page:
    ctx = facts.ctx
    url = urls.incident_url(inc.id)
    open_now = is_open_at(inc, ctx.now)
    facts_rows: list[tuple[str, str]] = [
        ("Status", esc(status_label(inc.status))),
        ("Severity", esc(ctx.severity_text(inc.max_severity))
         + (f" (highest reached; declared as {esc(inc.severity)})" if inc.max_severity != inc.severity else "")),
        ("Started", _time(ctx, inc.started_at)),
        ("Detected", _time(ctx, inc.detected_at)),
    ]
    if inc.acknowledged_at is not None:
        facts_rows.append(("Acknowledged", _time(ctx, inc.acknowledged_at)))
    if inc.mitigated_at is not None:
        facts_rows.append(("Impact ended", _time(ctx, inc.mitigated_at)))
    if inc.resolved_at is not None and not open_now:
        facts_rows.append(("Resolved", _time(ctx, inc.resolved_at)))
    facts_rows.append(("Duration", esc(_incident_duration(ctx, inc).capitalize())))
    if inc.detection:
        facts_rows.append(("Detected by", esc(inc.detection.replace("_", " "))))
    if inc.category:
        facts_rows.append(("Category", esc(inc.category)))
    pms = ctx.visible_postmortems_for(inc.id)
    if pms:
        links = []
        for pm in pms:
            marks = "".join(" " + _label(m) for m in _postmortem_marks(pm))
            links.append(f'<a href="{esc(rel(url, urls.postmortem_url(pm.id)))}">{esc(pm.title)}</a>{marks}')
        facts_rows.append(("Post-mortem", "<br>".join(links)))
    # Search indexes what people look for (title, description, updates); the facts and the
    # services table only repeat words on every page and made the index a third larger.
    dl = ('<dl class="sp-facts" data-search-exclude>' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts_rows)
          + "</dl>")

    rows = []
    for sid, worst, now_impact in _incident_services(ctx, inc):
        now_cell = _status(now_impact) if now_impact else esc("Recovered" if open_now else "-")
        rows.append(f"<tr><td>{_service_link(ctx, url, sid)}</td><td>{_status(worst)}</td><td>{now_cell}</td></tr>")
    table = _scroll_table(
        "Affected services",
        '<table class="sp-table"><thead><tr><th scope="col">Service</th><th scope="col">Worst impact</th>'
        f'<th scope="col">Now</th></tr></thead><tbody>{"".join(rows)}</tbody></table>',
        search=False,
    )
    parts = [_h1(inc.title), dl]
    body = render_markdown(inc.body)
    if body:
        parts.append(_prose(body))
    parts.append(_heading("Affected services", "affected-services", search=False))
    parts.append(table)
    parts.append(_heading("Updates", "updates"))
    parts.append('<p class="sp-note">Newest first. Times in ' + esc(ctx.model.config.site.timezone) + ".</p>")
    parts.append(_timeline(ctx, inc.updates, show_eta=open_now, kind="Incident"))
    internal = ctx.incident_internal_fields(inc)
    if internal is not None:
        errors = internal["error_messages"] or []
        err_html = (
            "<ul>" + "".join(f"<li><code>{esc(e)}</code></li>" for e in errors) + "</ul>"  # type: ignore[union-attr]
            if errors else "<p>None recorded.</p>"
        )
        parts.append(_heading("Internal details", "internal"))
        parts.append(
            f'<div class="sp-internal">{_label("Internal")}'
            '<p class="sp-note">Not part of the public site.</p><dl class="sp-facts">'
            f"<dt>Commander</dt><dd>{esc(internal['commander'] or 'not set')}</dd>"
            f"<dt>Novel failure mode</dt><dd>{'yes' if internal['novel'] else 'no'}</dd>"
            f"<dt>Error messages</dt><dd>{err_html}</dd></dl></div>"
        )
    services = [sid for sid in inc.affected_service_ids() if ctx.model.config.service(sid) is not None]
    feeds = tuple(feed_links(ctx, services[0])) if len(services) == 1 else facts.feeds
    summary = inc.updates[-1].message if inc.updates else inc.title
    return _page(facts, url, inc.title, "\n\n".join(parts), feeds=feeds,
                 description=f"{status_label(inc.status)}: {summary}"[:300])


def _month_key(moment: datetime, tz: str) -> tuple[int, int]:
    d = local_date(moment, tz)
    return d.year, d.month


def history_pages(facts: _Facts) -> list[Page]:
    ctx = facts.ctx
    tz = ctx.model.config.site.timezone
    items: dict[tuple[int, int], list[tuple[datetime, str, str]]] = {}
    for inc in facts.incidents:
        items.setdefault(_month_key(inc.started_at, tz), []).append((inc.started_at, inc.id, "i"))
    for m in ctx.model.maintenance:
        if _maintenance_state(ctx, m) in ("completed", "cancelled"):
            items.setdefault(_month_key(m.scheduled_start, tz), []).append((m.scheduled_start, m.id, "m"))
    newest = _month_key(ctx.now, tz)
    oldest = min(items, default=newest)
    months: list[tuple[int, int]] = []
    y, mo = newest
    while (y, mo) >= oldest:
        months.append((y, mo))
        y, mo = (y - 1, 12) if mo == 1 else (y, mo - 1)
    chunks = [months[i:i + MONTHS_PER_HISTORY_PAGE] for i in range(0, len(months), MONTHS_PER_HISTORY_PAGE)]
    maint_by_id = {m.id: m for m in ctx.model.maintenance}
    pages = []
    for n, chunk in enumerate(chunks, start=1):
        url = urls.history_url() if n == 1 else f"{urls.history_url()}page/{n}/"
        first, last = chunk[-1], chunk[0]
        span = f"{_MONTH_NAMES[first[1] - 1]} {first[0]} to {_MONTH_NAMES[last[1] - 1]} {last[0]}"
        parts = [_h1("Incident history"), f'<p class="sp-note">{esc(span)}. Times in {esc(tz)}.</p>']
        for year, month in chunk:
            entries = sorted(items.get((year, month), []), reverse=True)
            rows = []
            for _, item_id, kind in entries:
                if kind == "i":
                    inc = ctx.model.incident(item_id)
                    if inc is not None:
                        rows.append(_incident_row(ctx, url, inc))
                else:
                    rows.append(_maintenance_row(ctx, url, maint_by_id[item_id]))
            inner = f'<ul class="sp-list">{"".join(rows)}</ul>' if rows else '<p class="sp-none">No incidents reported.</p>'
            parts.append(_heading(f"{_MONTH_NAMES[month - 1]} {year}", f"{year:04d}-{month:02d}"))
            parts.append(inner)
        parts.append(_pagination(url, n, len(chunks)))
        title = "Incident history" if n == 1 else f"Incident history, page {n}"
        pages.append(_page(facts, url, title, "\n\n".join(parts), search=False))
    return pages


def _history_url(n: int) -> str:
    return urls.history_url() if n == 1 else f"{urls.history_url()}page/{n}/"


def _pagination(url: str, n: int, total: int) -> str:
    if total <= 1:
        return ""
    links = []
    if n > 1:
        links.append(f'<a rel="prev" href="{esc(rel(url, _history_url(n - 1)))}">Newer</a>')
    for i in range(1, total + 1):
        if i == n:
            links.append(f'<span aria-current="page">{i}</span>')
        else:
            links.append(f'<a href="{esc(rel(url, _history_url(i)))}">{i}</a>')
    if n < total:
        links.append(f'<a rel="next" href="{esc(rel(url, _history_url(n + 1)))}">Older</a>')
    return '<nav class="sp-pagination" aria-label="History pages">' + " ".join(links) + "</nav>"


_WINDOW_LABELS = {"24h": "24 hours", "7d": "7 days", "30d": "30 days", "90d": "90 days", "365d": "365 days"}
_BUDGET_LABELS = {"30d": "Last 30 days", "90d": "Last 90 days", "month": "This month"}


def _minutes(value: float) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value):,.1f} min"


def service_page(facts: _Facts, svc: Service) -> Page:
    ctx = facts.ctx
    url = urls.service_url(svc.id)
    up = facts.uptime[svc.id]
    word = facts.statuses.get(svc.id, "operational")
    parts = [_h1(svc.name)]
    if svc.description:
        parts.append(f"<p>{esc(svc.description)}</p>")
    since = f" Tracked since {_date_text(svc.since)}." if svc.since else ""
    parts.append(f'<p class="sp-current">Current status: {_status(word)}{esc(since)}</p>')
    mine = [i for i in facts.incidents if svc.id in i.affected_service_ids()]
    active = [i for i in mine if is_open_at(i, ctx.now)]
    if active:
        parts.append(_heading("Active incidents", "active-incidents"))
        parts.append('<div class="sp-cards">' + "".join(_incident_card(ctx, url, i) for i in active) + "</div>")

    parts.append(_heading("Uptime", "uptime"))
    parts.append(_bars(facts, svc, url))
    parts.append(_legend())
    cells = "".join(f'<th scope="col">{esc(_WINDOW_LABELS.get(k, k))}</th>' for k in up.windows)
    values = "".join(f"<td>{esc(format_percent(v))}</td>" for v in up.windows.values())
    parts.append(_scroll_table(
        "Uptime per window",
        f'<table class="sp-table"><thead><tr><th scope="col">Window</th>{cells}</tr></thead>'
        f'<tbody><tr><th scope="row">Uptime</th>{values}</tr></tbody></table>',
    ))
    weights = ctx.model.config.uptime.weights
    parts.append(
        '<p class="sp-note">Uptime counts each minute of major outage fully and partial outage at '
        f"{esc(format(float(weights.get('partial_outage', 0.3)) * 100, 'g'))}%; degraded performance at "
        f"{esc(format(float(weights.get('degraded_performance', 0.0)) * 100, 'g'))}%. Maintenance is not counted.</p>"
    )

    if svc.slo is not None and up.budgets:
        parts.append(_heading("Error budget", "error-budget"))
        parts.append(f"<p>Objective (SLO): {esc(format(svc.slo, 'g'))}% uptime.</p>")
        rows = []
        for key, b in up.budgets.items():
            state = "sp-over" if b.remaining_minutes < 0 else ""
            rows.append(
                f'<tr class="{state}"><th scope="row">{esc(_BUDGET_LABELS.get(key, key))}</th>'
                f"<td>{esc(_minutes(b.allowed_minutes))}</td><td>{esc(_minutes(b.consumed_minutes))}</td>"
                f"<td>{esc(_minutes(b.remaining_minutes))}{' (exhausted)' if b.remaining_minutes < 0 else ''}</td></tr>"
            )
        parts.append(_scroll_table(
            "Error budget",
            '<table class="sp-table"><thead><tr><th scope="col">Window</th><th scope="col">Allowed</th>'
            f'<th scope="col">Consumed</th><th scope="col">Remaining</th></tr></thead><tbody>{"".join(rows)}</tbody></table>',
        ))

    if up.months:
        parts.append(_heading("Monthly uptime", "monthly"))
        rows = []
        for key in sorted(up.months, reverse=True):
            y, m = int(key[:4]), int(key[5:7])
            rows.append(f'<tr><th scope="row">{esc(_MONTH_NAMES[m - 1])} {y}</th><td>{esc(format_percent(up.months[key]))}</td></tr>')

        def month_table(label: str, chunk: list[str]) -> str:
            return _scroll_table(
                label,
                '<table class="sp-table"><thead><tr><th scope="col">Month</th><th scope="col">Uptime</th></tr></thead>'
                f'<tbody>{"".join(chunk)}</tbody></table>',
            )

        # The last year in view; older months one click away, so the page stays short.
        parts.append(month_table("Monthly uptime", rows[:12]))
        if rows[12:]:
            parts.append('<details class="sp-detail"><summary>Earlier months</summary>'
                         + month_table("Earlier months", rows[12:]) + "</details>")

    parts.append(_heading(f"Daily, last {len(up.days)} days", "daily"))
    rows = []
    for key in reversed(list(up.days)):
        level = _day_level(facts, svc.id, key)
        links = []
        for iid in up.day_incidents.get(key, ()):
            inc = facts.by_id.get(iid)
            if inc is not None:
                links.append(_incident_link(ctx, url, inc))
        rows.append(
            f'<tr id="day-{esc(key)}"><th scope="row"><time datetime="{esc(key)}">{esc(_date_text(date.fromisoformat(key)))}</time></th>'
            f"<td>{_status(level, _LEVEL_TEXT[level])}</td><td>{esc(format_percent(up.days[key]))}</td>"
            f"<td>{'<br>'.join(links) if links else 'None'}</td></tr>"
        )
    parts.append('<div data-search-exclude>' + _scroll_table(
        "Daily status",
        '<table class="sp-table sp-table--days"><thead><tr><th scope="col">Day</th><th scope="col">Status</th>'
        f'<th scope="col">Uptime</th><th scope="col">Incidents</th></tr></thead><tbody>{"".join(rows)}</tbody></table>',
    ) + "</div>")

    parts.append(_heading("Incidents", "incidents"))
    if mine:
        parts.append('<ul class="sp-list" data-search-exclude>' + "".join(_incident_row(ctx, url, i) for i in mine) + "</ul>")
    else:
        parts.append('<p class="sp-none">No incidents recorded.</p>')

    parts.append(_heading("Subscribe", "subscribe"))
    feed_items = []
    for fmt in urls.FEED_FORMATS:
        feed_items.append(
            f'<li><a href="{esc(rel(url, urls.service_feed_path(svc.id, fmt)))}">{esc(urls.FEED_LABELS[fmt])} feed</a></li>'
        )
    status_badge = rel(url, urls.badge_path(svc.id, "status", "svg"))
    uptime_badge = rel(url, urls.badge_path(svc.id, "uptime", "svg"))
    feed_items.append(f'<li><a href="{esc(status_badge)}">Status badge (SVG)</a>, '
                      f'<a href="{esc(rel(url, urls.badge_path(svc.id, "status", "json")))}">shields.io endpoint</a></li>')
    feed_items.append(f'<li><a href="{esc(uptime_badge)}">Uptime badge (SVG)</a>, '
                      f'<a href="{esc(rel(url, urls.badge_path(svc.id, "uptime", "json")))}">shields.io endpoint</a></li>')
    parts.append('<ul class="sp-links">' + "".join(feed_items) + "</ul>")
    return _page(facts, url, svc.name, "\n\n".join(parts), feeds=tuple(feed_links(ctx, svc.id)),
                 description=f"{svc.name}: {status_label(word)}. {svc.description}".strip())


def services_index(facts: _Facts) -> Page:
    ctx = facts.ctx
    url = "services/"
    parts = [_h1("Services")]
    for group, services in ctx.model.config.groups():
        rows = []
        for svc in services:
            up = facts.uptime[svc.id]
            rows.append(
                f'<tr><th scope="row"><a href="{esc(rel(url, urls.service_url(svc.id)))}">{esc(svc.name)}</a></th>'
                f"<td>{_status(facts.statuses.get(svc.id, 'operational'))}</td>"
                f"<td>{esc(format_percent(up.windows.get('90d')))}</td>"
                f"<td>{esc(format(svc.slo, 'g') + '%') if svc.slo is not None else 'none'}</td></tr>"
            )
        parts.append(f'<h2 class="sp-group__name">{esc(group)}</h2>')
        parts.append(_scroll_table(
            group,
            '<table class="sp-table"><thead><tr><th scope="col">Service</th><th scope="col">Status</th>'
            f'<th scope="col">Uptime (90 days)</th><th scope="col">SLO</th></tr></thead><tbody>{"".join(rows)}</tbody></table>',
        ))
    return _page(facts, url, "Services", "\n\n".join(parts), toc=False)


# ---------------------------------------------------------------- post-mortems


def _postmortem_marks(pm: Postmortem) -> list[str]:
    marks = []
    if pm.status == "draft":
        marks.append("Draft")
    elif pm.status == "in_review":
        marks.append("In review")
    if pm.visibility == "internal":
        marks.append("Internal")
    return marks


def _split_section(body: str, heading: str) -> tuple[str, str] | None:
    """Split Markdown after the prose of the ``## heading`` section (before the next ``## ``)."""
    lines = body.splitlines(keepends=True)
    start = None
    fence = False
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if fence:
            continue
        if start is None and re.match(rf"^##\s+{re.escape(heading)}\s*#*\s*$", line.strip(), re.IGNORECASE):
            start = i
        elif start is not None and re.match(r"^#{1,2}\s", line):
            return "".join(lines[:i]), "".join(lines[i:])
    if start is None:
        return None
    return "".join(lines), ""


def _action_items(ctx: SiteContext, page_url: str, pm: Postmortem) -> str:
    if not pm.action_items:
        return "<p>No action items.</p>"
    today = local_date(ctx.now, ctx.model.config.site.timezone)
    rows = []
    for item in pm.action_items:
        overdue = item.is_overdue(today)
        due = esc(item.due.isoformat()) if item.due else "none"
        if overdue:
            due += " " + _label("Overdue")
        title = esc(item.title)
        if item.tracker and re.match(r"^https?://", item.tracker):
            title = f'<a href="{esc(item.tracker)}" rel="noopener noreferrer nofollow">{title}</a>'
        state = esc(status_label(item.status) if item.status != "wont_do" else "Won't do")
        if item.status == "wont_do" and item.reason:
            state += f"<br><small>{esc(item.reason)}</small>"
        rows.append(
            f'<tr class="{"sp-overdue" if overdue else ""}"><td>{title}</td><td>{esc(item.type)}</td>'
            f"<td>{esc(item.owner)}</td><td>{due}</td><td>{state}</td></tr>"
        )
    return _scroll_table(
        "Action items",
        '<table class="sp-table sp-table--actions"><thead><tr><th scope="col">Action</th><th scope="col">Type</th>'
        '<th scope="col">Owner</th><th scope="col">Due</th><th scope="col">State</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table>',
    )


def postmortem_page(facts: _Facts, pm: Postmortem) -> Page:
    ctx = facts.ctx
    url = urls.postmortem_url(pm.id)
    marks = _postmortem_marks(pm)
    rows: list[tuple[str, str]] = [("Status", esc(pm.status.replace("_", " ")))]
    if pm.published_at is not None:
        rows.append(("Published", _time(ctx, pm.published_at)))
    rows.append(("Authors", esc(", ".join(pm.authors))))
    if pm.review_meeting:
        rows.append(("Review meeting", esc(_date_text(pm.review_meeting))))
    if pm.follow_up_review:
        rows.append(("Follow-up review", esc(_date_text(pm.follow_up_review))))
    incident_links = []
    for iid in pm.incidents:
        inc = ctx.model.incident(iid)
        incident_links.append(_incident_link(ctx, url, inc) if inc is not None else esc(iid))
    rows.append(("Incidents", "<br>".join(incident_links)))
    parts = [_h1(pm.title, marks)]
    if marks:
        parts.append(f'<p class="sp-notice">This post-mortem is {esc(" and ".join(m.lower() for m in marks))}: '
                     "it is not part of the public site.</p>")
    parts.append(f'<p class="sp-lead">{esc(pm.summary)}</p>')
    parts.append('<dl class="sp-facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>")
    factors = '<ul class="sp-factors">' + "".join(f"<li>{esc(f)}</li>" for f in pm.contributing_factors) + "</ul>"
    actions = _action_items(ctx, url, pm)

    # Insert the front-matter lists into the body's own sections when it has them.
    body = pm.body
    chunks: list[str] = []
    placed_factors = placed_actions = False
    split = _split_section(body, "Contributing factors")
    if split is not None:
        head, body = split
        chunks.append(_prose(render_markdown(head)))
        chunks.append(factors)
        placed_factors = True
    split = _split_section(body, "Action items")
    if split is not None:
        head, body = split
        chunks.append(_prose(render_markdown(head)))
        chunks.append(actions)
        placed_actions = True
    chunks.append(_prose(render_markdown(body)))
    if not placed_factors:
        parts.append(_heading("Contributing factors", "contributing-factors"))
        parts.append(factors)
    parts.extend(c for c in chunks if c)
    if not placed_actions:
        parts.append(_heading("Action items", "action-items"))
        parts.append(actions)
    return _page(facts, url, pm.title, "\n\n".join(parts), labels=tuple(marks), description=pm.summary[:300])


def _postmortem_sort_key(ctx: SiteContext, pm: Postmortem) -> tuple[datetime, str]:
    if pm.published_at is not None:
        return pm.published_at, pm.id
    starts = [inc.started_at for iid in pm.incidents if (inc := ctx.model.incident(iid)) is not None]
    return (max(starts) if starts else ctx.now), pm.id


def postmortems_index(facts: _Facts) -> Page:
    ctx = facts.ctx
    url = urls.postmortems_index_url()
    pms = sorted(ctx.visible_postmortems(), key=lambda p: _postmortem_sort_key(ctx, p), reverse=True)
    parts = [_h1("Post-mortems"),
             "<p>Blameless reviews of significant incidents: what happened, why, and what we are changing.</p>"]
    if not pms:
        parts.append('<p class="sp-none">No post-mortems published yet.</p>')
    items = []
    today = local_date(ctx.now, ctx.model.config.site.timezone)
    for pm in pms:
        marks = "".join(" " + _label(m) for m in _postmortem_marks(pm))
        when = f"Published {_time(ctx, pm.published_at)}" if pm.published_at else "Not published"
        done = sum(1 for a in pm.action_items if a.status in ("done", "wont_do"))
        overdue = sum(1 for a in pm.action_items if a.is_overdue(today))
        actions = f"{done} of {len(pm.action_items)} action items closed" + (f", {overdue} overdue" if overdue else "")
        items.append(
            f'<li class="sp-item"><p class="sp-item__title"><a href="{esc(rel(url, urls.postmortem_url(pm.id)))}">'
            f"{esc(pm.title)}</a>{marks}</p><p>{esc(pm.summary)}</p>"
            f'<p class="sp-item__meta">{when} &#183; {esc(actions)}</p></li>'
        )
    if items:
        parts.append('<ul class="sp-list">' + "".join(items) + "</ul>")
    return _page(facts, url, "Post-mortems", "\n\n".join(parts), toc=False)


# ---------------------------------------------------------------- maintenance


def maintenance_page(facts: _Facts, m: Maintenance) -> Page:
    ctx = facts.ctx
    url = urls.maintenance_url(m.id)
    state = _maintenance_state(ctx, m)
    labels = ["Cancelled"] if state == "cancelled" else []
    rows = [
        ("State", esc(status_label(state))),
        ("Scheduled", _span_text(ctx, m.scheduled_start, m.scheduled_end)),
    ]
    if not m.cancelled and (m.effective_start, m.effective_end) != (m.scheduled_start, m.scheduled_end):
        rows.append(("Actual", _span_text(ctx, m.effective_start, m.effective_end)))
    rows.append(("Affected", _maintenance_services(ctx, url, m)))
    parts = [_h1(m.title, labels),
             '<dl class="sp-facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"]
    body = render_markdown(m.body)
    if body:
        parts.append(_prose(body))
    parts.append(_heading("Updates", "updates"))
    visible = [u for u in m.updates if u.at <= ctx.now]
    parts.append(_timeline(ctx, visible, show_eta=False, kind="Maintenance"))
    return _page(facts, url, m.title, "\n\n".join(parts), labels=tuple(labels),
                 description=f"{status_label(state)} maintenance: {m.title}")


def maintenance_index(facts: _Facts) -> Page:
    ctx = facts.ctx
    url = urls.maintenance_index_url()
    groups: dict[str, list[Maintenance]] = {"running": [], "scheduled": [], "completed": [], "cancelled": []}
    for m in ctx.model.maintenance:
        state = _maintenance_state(ctx, m)
        key = "running" if state in ("in_progress", "verifying") else state
        groups.setdefault(key, []).append(m)
    parts = [_h1("Maintenance"), f'<p><a href="{esc(rel(url, urls.ics_path()))}">Calendar (ICS)</a> of all windows. '
             f"Times in {esc(ctx.model.config.site.timezone)}.</p>"]
    sections = (
        ("running", "In progress", "in-progress", False),
        ("scheduled", "Scheduled", "scheduled", False),
        ("completed", "Past", "past", True),
        ("cancelled", "Cancelled", "cancelled", True),
    )
    for key, title, anchor, newest_first in sections:
        items = sorted(groups.get(key, []), key=lambda m: (m.scheduled_start, m.id), reverse=newest_first)
        parts.append(_heading(title, anchor))
        if not items:
            parts.append('<p class="sp-none">None.</p>')
        elif key in ("running", "scheduled"):
            parts.append('<div class="sp-cards">' + "".join(_maintenance_card(ctx, url, m) for m in items) + "</div>")
        else:
            parts.append('<ul class="sp-list">' + "".join(_maintenance_row(ctx, url, m) for m in items) + "</ul>")
    return _page(facts, url, "Maintenance", "\n\n".join(parts))


# ---------------------------------------------------------------- about


def about_page(facts: _Facts) -> Page:
    ctx = facts.ctx
    url = "about/"
    config = ctx.model.config
    feeds = []
    for kind, label in (("incidents", "All incidents"), ("maintenance", "Maintenance"), ("postmortems", "Post-mortems")):
        links = ", ".join(
            f'<a href="{esc(rel(url, urls.feed_path(kind, fmt)))}">{esc(urls.FEED_LABELS[fmt])}</a>'
            for fmt in urls.FEED_FORMATS
        )
        feeds.append(f"<tr><th scope=\"row\">{esc(label)}</th><td>{links}</td></tr>")
    for svc in config.services:
        links = ", ".join(
            f'<a href="{esc(rel(url, urls.service_feed_path(svc.id, fmt)))}">{esc(urls.FEED_LABELS[fmt])}</a>'
            for fmt in urls.FEED_FORMATS
        )
        feeds.append(f"<tr><th scope=\"row\">{esc(svc.name)}</th><td>{links}</td></tr>")
    api = [
        "summary", "status", "components", "incidents", "incidents/unresolved",
        "scheduled-maintenances", "scheduled-maintenances/upcoming", "scheduled-maintenances/active",
    ]
    api_items = "".join(
        f'<li><a href="{esc(rel(url, urls.api_path(name)))}"><code>{esc(urls.api_path(name))}</code></a></li>'
        for name in api
    )
    weights = config.uptime.weights
    parts = [
        _h1("About this page"),
        f"<p>{esc(config.site.description)}</p>" if config.site.description else "",
        _heading("Subscribe", "subscribe"),
        "<p>Each feed has one entry per incident (or maintenance window, or post-mortem) that "
        "changes whenever it gets an update.</p>",
        _scroll_table("Feeds", '<table class="sp-table"><thead><tr><th scope="col">Feed</th><th scope="col">Formats</th>'
                      f'</tr></thead><tbody>{"".join(feeds)}</tbody></table>'),
        f'<p>Maintenance calendar: <a href="{esc(rel(url, urls.ics_path()))}">{esc(urls.ics_path())}</a> (iCalendar).</p>',
        _heading("API", "api"),
        "<p>Read-only JSON in the shape of the Atlassian Statuspage public API (v2), so existing "
        "clients and widgets can read it.</p>",
        f'<ul class="sp-links">{api_items}</ul>',
        _heading("How uptime is counted", "uptime"),
        "<p>Uptime is <code>1 - weighted downtime / (window - maintenance)</code>. A minute of major outage "
        f"counts {esc(format(float(weights.get('major_outage', 1.0)), 'g'))}, partial outage "
        f"{esc(format(float(weights.get('partial_outage', 0.3)), 'g'))} and degraded performance "
        f"{esc(format(float(weights.get('degraded_performance', 0.0)), 'g'))}. Figures are rounded down, so "
        "100.00% means no counted downtime at all. Days start at midnight in "
        f"{esc(config.site.timezone)}.</p>",
        _legend(),
    ]
    return _page(facts, url, "About", "\n\n".join(p for p in parts if p))


# ---------------------------------------------------------------- entry points


# ---------------------------------------------------------------- KPIs

_METRICS = (
    ("time_to_detect", "Time to detect", "detected - started"),
    ("time_to_acknowledge", "Time to acknowledge", "acknowledged - detected"),
    ("time_to_mitigate", "Time to mitigate", "impact ended - started"),
    ("time_to_resolve", "Time to resolve", "resolved - detected"),
)
_GROUPS = (
    ("severity", "By severity", "Severity"),
    ("service", "By service", "Service"),
    ("category", "By category", "Category"),
    ("quarter", "By quarter", "Quarter"),
)


def _stat_cell(stat: dict, which: str = "median") -> str:
    """A median or p90 with its n and interval, or an honest "not enough data (n=k)"."""
    ci_key = "ci95" if which == "median" else "p90_ci95"
    text = format_stat(stat, which)
    if stat.get(which) is None:
        return f'<span class="sp-nodata">{esc(text)}</span>'
    interval = format_interval(stat, ci_key)
    return f"{esc(text)} <small>(n={int(stat.get('n', 0))}; 95% interval {esc(interval)})</small>"


def _mean_cell(stat: dict) -> str:
    if not stat.get("n"):
        return "no data (n=0)"
    return f"{esc(format_seconds(stat.get('mean')))} <small>(n={int(stat['n'])})</small>"


def _table(label: str, head: Sequence[str], rows: Iterable[Sequence[str]], classes: str = "") -> str:
    """``head`` cells are plain text; row cells are HTML (the first becomes a row header)."""
    th = "".join(f'<th scope="col">{esc(h)}</th>' for h in head)
    body = "".join(
        "<tr>" + f'<th scope="row">{row[0]}</th>' + "".join(f"<td>{c}</td>" for c in row[1:]) + "</tr>" for row in rows
    )
    return _scroll_table(label, f'<table class="sp-table {classes}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>')


def _group_key_label(ctx: SiteContext, group: str, key: str) -> str:
    if group == "severity":
        return esc(ctx.severity_text(key))
    if group == "service":
        return esc(ctx.service_name(key))
    return esc(key)


def _share(value: float | None) -> str:
    return esc(format_share(value))


def _chart_html(chart: Chart, page_url: str) -> str:
    src = rel(page_url, chart.path)
    table = _table(f"Data for: {chart.title}", chart.columns, [[esc(c) for c in row] for row in chart.rows])
    return (
        f'<figure class="sp-chart"><img src="{esc(src)}" alt="{esc(chart.alt)}" width="720" height="360" loading="lazy">'
        f"<figcaption>{esc(chart.title)}</figcaption></figure>"
        f'<details class="sp-chart-data"><summary>Data table: {esc(chart.title)}</summary>{table}</details>'
    )


def kpi_page(facts: _Facts) -> Page:
    ctx = facts.ctx
    url = urls.kpis_url()
    k = compute_kpis(ctx.model, ctx.now)
    internal_only = ctx.model.config.publish_kpis != "public"
    labels = ["Internal"] if internal_only else []
    parts = [_h1("Incident KPIs", labels)]
    if internal_only:
        parts.append('<p class="sp-notice">These figures are internal (<code>publish.kpis: internal</code>): '
                     "they are not part of the public site.</p>")
    method = k.get("method", {})
    parts.append(
        f"<p>{int(k['overall']['volume'])} incidents up to {_time(ctx, ctx.now)}. Each figure is a median or a "
        "90th percentile with its sample size (n) and a bootstrap 95% interval. A median needs at least "
        f"{int(method.get('median_min_n', 10))} incidents and a 90th percentile at least "
        f"{int(method.get('p90_min_n', 30))}; below that the page says \"not enough data\". Means are "
        "outlier-sensitive and appear only in the detail tables.</p>"
    )
    rows = []
    for metric, label, how in _METRICS:
        stat = k["overall"][metric]
        rows.append([f"{esc(label)}<br><small>{esc(how)}</small>", _stat_cell(stat), _stat_cell(stat, "p90")])
    parts.append(_heading("Overall", "overall"))
    parts.append(_table("Overall KPIs", ("Measure", "Median", "90th percentile"), rows))
    parts.append(
        '<details class="sp-detail"><summary>Means (outlier-sensitive)</summary>'
        + _table("Overall means", ("Measure", "Mean"),
                 [[esc(label), _mean_cell(k["overall"][metric])] for metric, label, _ in _METRICS])
        + "</details>"
    )

    parts.append(_heading("Charts", "charts"))
    for chart in chart_specs(ctx):
        parts.append(_chart_html(chart, url))

    for group, title, head in _GROUPS:
        figures = k.get(group, {})
        if not figures:
            continue
        parts.append(_heading(title, f"by-{group}"))
        med_rows, p90_rows, mean_rows = [], [], []
        for key, fig in figures.items():
            name = _group_key_label(ctx, group, key)
            med_rows.append([name, esc(str(fig["volume"]))] + [_stat_cell(fig[m]) for m, _, _ in _METRICS])
            p90_rows.append([name] + [_stat_cell(fig[m], "p90") for m, _, _ in _METRICS])
            mean_rows.append([name] + [_mean_cell(fig[m]) for m, _, _ in _METRICS])
        names = [label for _, label, _ in _METRICS]
        parts.append(_table(f"Medians {title.lower()}", (head, "Incidents", *names), med_rows, "sp-table--kpi"))
        parts.append(
            f'<details class="sp-detail"><summary>90th percentiles {esc(title.lower())}</summary>'
            + _table(f"90th percentiles {title.lower()}", (head, *names), p90_rows, "sp-table--kpi")
            + "</details>"
            f'<details class="sp-detail"><summary>Means {esc(title.lower())} (outlier-sensitive)</summary>'
            + _table(f"Means {title.lower()}", (head, *names), mean_rows, "sp-table--kpi")
            + "</details>"
        )

    changes = k.get("changes", [])
    if changes:
        parts.append(_heading("Quarter on quarter", "changes"))
        parts.append(
            f"<p>A change is called better or worse only when the {esc(str(method.get('change_test', 'rank test')))} "
            f"finds it at the {esc(format(float(method.get('alpha', 0.05)) * 100, 'g'))}% level; otherwise it is "
            "noise as far as the data can tell.</p>"
        )
        labels_by_metric = {m: label for m, label, _ in _METRICS}
        rows = []
        for c in changes:
            med_from = format_seconds(c["median_from"]) if c.get("median_from") is not None else f"n={c['n_from']}"
            med_to = format_seconds(c["median_to"]) if c.get("median_to") is not None else f"n={c['n_to']}"
            rows.append([
                esc(f"{c['from']} to {c['to']}"), esc(labels_by_metric.get(c["metric"], c["metric"])),
                esc(med_from), esc(med_to),
                esc(c["verdict"]) + (f" <small>(p={c['p_value']:.3f})</small>" if c.get("p_value") is not None else ""),
            ])
        parts.append(_table("Quarter on quarter", ("Quarters", "Measure", "Median before", "Median after", "Verdict"), rows))

    parts.append(_heading("Response targets", "response-targets"))
    rows = []
    for sev, r in k.get("response_targets", {}).items():
        rows.append([esc(ctx.severity_text(sev)), esc(r["target"] or "none"), esc(str(r["met"])), esc(str(r["missed"])),
                     esc(str(r["pending"])), _share(r["share_met"]) + f" <small>(n={int(r['n'])})</small>"])
    parts.append(_table("Response targets", ("Severity", "Target (acknowledge)", "Met", "Missed", "Pending", "Share met"), rows))
    cust = k["overall"]["customer_reported"]
    parts.append(f"<p>First reported by customers: {_share(cust['share'])} "
                 f"({int(cust['count'])} of {int(cust['n'])} incidents).</p>")

    pm = k.get("postmortems", {})
    ai = k.get("action_items", {})
    parts.append(_heading("Post-mortems and action items", "postmortems"))
    parts.append(_table("Post-mortems", ("Figure", "Value"), [
        ["Required by policy", esc(str(pm.get("required", 0)))],
        ["Published", esc(str(pm.get("published", 0)))],
        ["Pending (within the due time)", esc(str(pm.get("pending", 0)))],
        ["Overdue", esc(str(pm.get("overdue", 0)))],
        ["Completion rate", _share(pm.get("completion_rate"))],
        ["Time to publish, median", _stat_cell(pm.get("time_to_publish", {"n": 0}))],
    ]))
    parts.append(_table("Action items", ("State", "Count"), [
        ["Open", esc(str(ai.get("open", 0)))],
        ["In progress", esc(str(ai.get("in_progress", 0)))],
        ["Done", esc(str(ai.get("done", 0)))],
        ["Won't do", esc(str(ai.get("wont_do", 0)))],
        ["Overdue (open or in progress past due)", esc(str(ai.get("overdue", 0)))],
    ]))
    return _page(facts, url, "Incident KPIs", "\n\n".join(parts), labels=tuple(labels),
                 description="Incident KPIs: time to detect, acknowledge, mitigate and resolve, with sample sizes.")


def nav_entries(ctx: SiteContext) -> list[NavEntry]:
    """The navigation: sections only. Incident pages are reached from lists, never from the nav."""
    entries = [
        NavEntry("Home", src_path(urls.home_url())),
        NavEntry("History", src_path(urls.history_url())),
        NavEntry("Maintenance", src_path(urls.maintenance_index_url())),
        NavEntry("Post-mortems", src_path(urls.postmortems_index_url())),
        NavEntry("Services", src_path("services/")),
    ]
    if ctx.kpis_public:
        entries.append(NavEntry("KPIs", src_path(urls.kpis_url())))
    entries.append(NavEntry("About", src_path("about/")))
    return entries


def make_facts(ctx: SiteContext) -> _Facts:
    incidents = tuple(
        sorted((i for i in ctx.model.incidents if i.started_at <= ctx.now),
               key=lambda i: (i.started_at, i.id), reverse=True)
    )
    return _Facts(
        ctx=ctx,
        statuses=service_statuses(ctx.model, ctx.now),
        uptime=compute_uptime(ctx.model, ctx.now),
        incidents=incidents,
        feeds=tuple(feed_links(ctx)),
        by_id={inc.id: inc for inc in ctx.model.incidents},
    )


class PageMemo:
    """Incident pages kept between the builds of a long-running process (``statuspress serve``).

    An incident page depends on nothing but the incident, its visible
    post-mortems and site-wide inputs (now, build flags, base URL,
    configuration). For a file that did not change the loader hands back the
    very same immutable objects, so an unchanged incident's page is reused as
    long as the site-wide inputs are equal; anything else makes it again.
    """

    def __init__(self) -> None:
        self._scope: tuple[object, ...] | None = None
        self._pages: dict[str, tuple[Incident, tuple[Postmortem, ...], Page]] = {}

    def incident_pages(self, facts: _Facts) -> list[Page]:
        ctx = facts.ctx
        scope = (ctx.now, ctx.internal, ctx.drafts, ctx.base_url, ctx.model.config)
        if self._scope is None or self._scope != scope:
            self._pages.clear()
        self._scope = scope
        kept: dict[str, tuple[Incident, tuple[Postmortem, ...], Page]] = {}
        out = []
        for inc in facts.incidents:
            pms = ctx.visible_postmortems_for(inc.id)
            hit = self._pages.get(inc.id)
            if (hit is not None and hit[0] is inc and len(hit[1]) == len(pms)
                    and all(a is b for a, b in zip(hit[1], pms, strict=True))):
                page = hit[2]
            else:
                page = incident_page(facts, inc)
            kept[inc.id] = (inc, pms, page)
            out.append(page)
        self._pages = kept
        return out


def build_pages(ctx: SiteContext, memo: PageMemo | None = None) -> list[Page]:
    """Every HTML page of the site, in a fixed order (``memo``: see :class:`PageMemo`)."""
    facts = make_facts(ctx)
    pages = [home_page(facts)]
    pages.extend(history_pages(facts))
    if memo is not None:
        pages.extend(memo.incident_pages(facts))
    else:
        pages.extend(incident_page(facts, inc) for inc in facts.incidents)
    pages.append(services_index(facts))
    pages.extend(service_page(facts, svc) for svc in ctx.model.config.services)
    pages.append(maintenance_index(facts))
    pages.extend(maintenance_page(facts, m) for m in sorted(ctx.model.maintenance, key=lambda m: m.id))
    pages.append(postmortems_index(facts))
    pages.extend(postmortem_page(facts, pm) for pm in sorted(ctx.visible_postmortems(), key=lambda p: p.id))
    if ctx.kpis_public:
        pages.append(kpi_page(facts))
    pages.append(about_page(facts))
    return pages
