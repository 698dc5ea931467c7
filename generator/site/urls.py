"""Every URL the site links to, relative to the site root, in one place.

Relative paths never start with ``/`` so that a site served below a path
(``https://org.github.io/status/``) works; :func:`absolute` joins them onto
the build's ``base_url`` for feeds, the API and calendars, which need
absolute links.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple
from urllib.parse import quote

from generator.i18n import _
from generator.site.visibility import SiteContext

FEED_FORMATS = ("rss", "atom")
FEED_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
FEED_LABELS = {"rss": "RSS", "atom": "Atom"}

API_DIR = "api/v2/"
MAINTENANCE_ICS = "maintenance.ics"


def _seg(value: str) -> str:
    """One path segment, percent-encoded (ids are slugs, but never trust that)."""
    return quote(value, safe="-._~")


# ---------------------------------------------------------------- pages

def home_url() -> str:
    return ""


def history_url() -> str:
    return "history/"


def incident_url(incident_id: str) -> str:
    return f"incidents/{_seg(incident_id)}/"


def service_url(service_id: str) -> str:
    return f"services/{_seg(service_id)}/"


def postmortems_index_url() -> str:
    return "postmortems/"


def postmortem_url(postmortem_id: str) -> str:
    return f"postmortems/{_seg(postmortem_id)}/"


def maintenance_index_url() -> str:
    return "maintenance/"


def maintenance_url(maintenance_id: str) -> str:
    return f"maintenance/{_seg(maintenance_id)}/"


def kpis_url() -> str:
    return "kpis/"


def drills_url() -> str:
    """Internal builds only: the drills (``drill: true``)."""
    return "drills/"


# ---------------------------------------------------------------- machine outputs

def feed_path(kind: str, fmt: str) -> str:
    """``kind`` is incidents | postmortems | maintenance; ``fmt`` is rss | atom."""
    if kind not in ("incidents", "postmortems", "maintenance") or fmt not in FEED_FORMATS:
        raise ValueError(f"unknown feed {kind!r}/{fmt!r}")
    return f"feeds/{kind}.{fmt}"


def service_feed_path(service_id: str, fmt: str) -> str:
    if fmt not in FEED_FORMATS:
        raise ValueError(f"unknown feed format {fmt!r}")
    return f"feeds/services/{_seg(service_id)}.{fmt}"


def api_path(name: str) -> str:
    """``api_path("summary")`` -> ``api/v2/summary.json``."""
    return f"{API_DIR}{name}.json"


def badge_path(service_id: str, kind: str, ext: str) -> str:
    """``kind`` is status | uptime; ``ext`` is svg | json."""
    return f"badges/{_seg(service_id)}/{kind}.{ext}"


def ics_path() -> str:
    return MAINTENANCE_ICS


def tag_uri(ctx: SiteContext, when: datetime, kind: str, item_id: str) -> str:
    """RFC 4151 ``tag:<host>,<YYYY-MM-DD>:<kind>:<id>``: stable across rebuilds and base URLs."""
    return f"tag:{ctx.host},{when.astimezone(UTC).date().isoformat()}:{kind}:{quote(item_id, safe='-._~')}"


def absolute(ctx: SiteContext, rel: str) -> str:
    """``base_url`` + a relative path from this module."""
    return ctx.base_url + rel.lstrip("/")


# ---------------------------------------------------------------- autodiscovery

class FeedLink(NamedTuple):
    title: str
    href: str
    type: str


def feed_links(ctx: SiteContext, page_service_id: str | None = None) -> list[FeedLink]:
    """``(title, href, type)`` for ``<link rel="alternate">`` in a page's head.

    Titles are plain text; the page template escapes them. The service's own
    feeds come first on a service page, so readers that take the first
    alternate link subscribe to what the reader is looking at.
    """
    name = ctx.model.config.site.name
    out: list[FeedLink] = []
    if page_service_id is not None:
        svc = ctx.model.config.service(page_service_id)
        if svc is not None:
            for fmt in FEED_FORMATS:
                title = _("%(site)s: %(service)s") % {"site": name, "service": svc.name}
                out.append(FeedLink(f"{title} ({FEED_LABELS[fmt]})",
                                    absolute(ctx, service_feed_path(svc.id, fmt)), FEED_TYPES[fmt]))
    # The same titles as the feeds themselves (generator/site/feeds.py).
    for kind, title in (("incidents", _("%(site)s: incidents")), ("maintenance", _("%(site)s: maintenance")),
                        ("postmortems", _("%(site)s: post-mortems"))):
        for fmt in FEED_FORMATS:
            out.append(FeedLink(f"{title % {'site': name}} ({FEED_LABELS[fmt]})",
                                absolute(ctx, feed_path(kind, fmt)), FEED_TYPES[fmt]))
    return out
