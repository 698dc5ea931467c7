"""What the site code hands a renderer: pages of finished HTML, other files as bytes.

Views and templates make :class:`Page` objects (the HTML of each page's
content, already escaped and sanitised) and the machine files (feeds, API,
badges, calendar, charts) as bytes; a renderer (MkDocs + Material today) puts
them in a site frame (header, navigation, footer, search) and writes the
folder. Nothing on this side knows which renderer is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from generator.site.urls import FeedLink


@dataclass(frozen=True)
class Heading:
    """One heading of a page's content, for its table of contents. ``title`` is plain text."""

    level: int  # 2..6: the page's own <h1> is its title
    id: str  # the element id in ``Page.html``
    title: str


@dataclass(frozen=True)
class Page:
    """One page of the site.

    ``url`` is its directory URL relative to the site root (``""`` for the home
    page, ``incidents/<id>/``); ``html`` is the finished HTML of its content
    (everything inside the frame: the renderer inserts it as it is);
    ``title`` and ``description`` are plain text, escaped by the renderer.
    """

    url: str
    title: str
    html: str
    headings: tuple[Heading, ...] = ()
    description: str = ""
    search: bool = True  # in the site search index
    toc: bool = True  # show the table of contents beside the content
    feeds: tuple[FeedLink, ...] = ()  # autodiscovery links (plain text; the renderer escapes)
    labels: tuple[str, ...] = ()  # plain-text marks such as "Draft", "Internal"
    # "status": one centred column, no navigation sidebar and no table of contents (home, incidents,
    # services, maintenance, history, subscribe, 404); "docs": sidebar and table of contents kept
    # (post-mortems, KPIs, About), where a long page needs them.
    layout: str = "docs"

    @property
    def path(self) -> str:
        """The page's source name (``incidents/<id>/index.md``): its identity for renderers that want one."""
        return f"{self.url}index.md"


@dataclass(frozen=True)
class NavEntry:
    """A top-level navigation entry: plain-text title, directory URL of the page."""

    title: str
    path: str


class SiteRenderer(Protocol):
    """A renderer: pages and files in, a complete site folder out (see ``docs/site.md``)."""

    def render(self, pages, files, nav, settings, folder, now) -> object:  # pragma: no cover - protocol
        ...
