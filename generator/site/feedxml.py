"""RSS 2.0 and Atom 1.0 writer: the part of feedgen's ``FeedGenerator`` API the feeds use.

feedgen is published only as a source archive, so every fresh install built it (with
setuptools) and pulled in lxml; the feeds need one small, fixed shape. This module writes the
same documents feedgen 1.0 wrote for that shape, byte for byte (tests/test_feedxml.py checks
it against feedgen): the same element order, the same two-space indentation, the same escaping.

Text must already be XML-safe (``visibility.xml_safe``); datetimes must carry a time zone.
Unknown methods raise AttributeError rather than being silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
RSS_DOCS = "http://www.rssboard.org/rss-specification"
ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _attr(value: str) -> str:
    return (_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;"))


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("feed datetimes need a time zone")
    return value


def rfc822(value: datetime) -> str:
    """RSS dates, in English whatever the locale."""
    return (f"{_DAYS[value.weekday()]}, {value.day:02d} {_MONTHS[value.month - 1]} {value.year:04d} "
            f"{value:%H:%M:%S} {value:%z}")


class _Doc:
    """Lines of a pretty-printed XML document."""

    def __init__(self) -> None:
        self.lines = ["<?xml version='1.0' encoding='UTF-8'?>"]

    def element(self, depth: int, name: str, text: str | None = None, **attrs: str) -> None:
        attributes = "".join(f' {key}="{_attr(value)}"' for key, value in attrs.items())
        pad = "  " * depth
        if text is None:  # as lxml writes an element without text; "" gives an open/close pair
            self.lines.append(f"{pad}<{name}{attributes}/>")
        else:
            self.lines.append(f"{pad}<{name}{attributes}>{_text(text)}</{name}>")

    def open(self, depth: int, name: str, attributes: str = "") -> None:
        self.lines.append(f"{'  ' * depth}<{name}{attributes}>")

    def close(self, depth: int, name: str) -> None:
        self.lines.append(f"{'  ' * depth}</{name}>")

    def bytes(self) -> bytes:
        return ("\n".join(self.lines) + "\n").encode("utf-8")


@dataclass
class FeedEntry:
    _id: str = ""
    _title: str = ""
    _links: list[dict[str, str]] = field(default_factory=list)
    _published: datetime | None = None
    _updated: datetime | None = None
    # As feedgen keeps them: RSS description and content, Atom summary and content (text, type).
    _description: str | None = None
    _rss_content: str | None = None
    _summary: tuple[str, str | None] | None = None
    _content: tuple[str, str | None] | None = None
    _categories: list[tuple[str, str | None]] = field(default_factory=list)

    def id(self, value: str) -> None:
        self._id = value

    def title(self, value: str) -> None:
        self._title = value

    def link(self, href: str, rel: str = "alternate") -> None:
        self._links.append({"href": href, "rel": rel})

    def published(self, value: datetime) -> None:
        self._published = _aware(value)

    def updated(self, value: datetime) -> None:
        self._updated = _aware(value)

    def summary(self, value: str, type: str | None = None) -> None:  # noqa: A002 (feedgen's name)
        """Atom summary; also the RSS description unless one was set otherwise (feedgen's rule)."""
        if not self._description or (self._summary and self._description == self._summary[0]):
            self._description = value
        self._summary = (value, type)

    def description(self, value: str, isSummary: bool = False) -> None:  # noqa: N803 (feedgen's name)
        """RSS description; also the Atom summary (``isSummary``) or the Atom content."""
        self._description = value
        if isSummary:
            self._summary = (value, None)
        else:
            self._content = (value, None)

    def content(self, value: str, type: str | None = None) -> None:  # noqa: A002 (feedgen's name)
        if type not in (None, "html", "text"):
            raise NotImplementedError(f"content type {type!r}")
        self._content = (value, type)
        self._rss_content = value

    def category(self, term: str, label: str | None = None) -> None:
        self._categories.append((term, label))

    @staticmethod
    def _text_element(doc: _Doc, name: str, value: tuple[str, str | None] | None) -> None:
        if value is not None:
            text, kind = value
            doc.element(2, name, text or None, **({"type": kind} if kind else {}))

    def _atom(self, doc: _Doc) -> None:
        if not (self._id and self._title and self._updated):
            raise ValueError("an Atom entry needs an id, a title and updated")
        doc.open(1, "entry")
        doc.element(2, "id", self._id)
        doc.element(2, "title", self._title)
        doc.element(2, "updated", self._updated.isoformat())
        self._text_element(doc, "content", self._content)
        for link in self._links:
            doc.element(2, "link", href=link["href"])  # feedgen 1.0 writes entry links without rel
        self._text_element(doc, "summary", self._summary)
        for term, label in self._categories:
            doc.element(2, "category", **({"term": term, "label": label} if label else {"term": term}))
        if self._published:
            doc.element(2, "published", self._published.isoformat())
        doc.close(1, "entry")

    def _rss(self, doc: _Doc) -> None:
        if not (self._title or self._description or self._rss_content is not None):
            raise ValueError("an RSS item needs a title, a description or content")
        doc.open(2, "item")
        if self._title:
            doc.element(3, "title", self._title)
        alternate = [link["href"] for link in self._links if link["rel"] == "alternate"]
        if alternate:
            doc.element(3, "link", alternate[-1])
        if self._description and self._rss_content is not None:
            doc.element(3, "description", self._description)
            doc.element(3, "content:encoded", self._rss_content)
        elif self._description:
            doc.element(3, "description", self._description)
        elif self._rss_content is not None:
            doc.element(3, "description", self._rss_content)
        if self._id:
            doc.element(3, "guid", self._id, isPermaLink="false")
        for term, label in self._categories:
            doc.element(3, "category", term if label is None else label)
        if self._published:
            doc.element(3, "pubDate", rfc822(self._published))
        doc.close(2, "item")


@dataclass
class FeedGenerator:
    _id: str = ""
    _title: str = ""
    _subtitle: str = ""
    _authors: list[str] = field(default_factory=list)
    _language: str | None = None
    _generator: str | None = None
    _links: list[dict[str, str]] = field(default_factory=list)
    _updated: datetime | None = None
    _last_build: datetime | None = None
    _entries: list[FeedEntry] = field(default_factory=list)

    def id(self, value: str) -> None:
        self._id = value

    def title(self, value: str) -> None:
        self._title = value

    def subtitle(self, value: str) -> None:
        self._subtitle = value

    def author(self, value: dict[str, str]) -> None:
        if set(value) != {"name"}:
            raise NotImplementedError("only an author's name is written")
        self._authors.append(value["name"])

    def language(self, value: str) -> None:
        self._language = value

    def generator(self, value: str) -> None:
        self._generator = value

    def link(self, href: str, rel: str = "alternate") -> None:
        self._links.append({"href": href, "rel": rel})

    def updated(self, value: datetime) -> None:
        self._updated = _aware(value)

    def lastBuildDate(self, value: datetime) -> None:  # noqa: N802 (feedgen's name)
        self._last_build = _aware(value)

    def add_entry(self, order: str = "prepend") -> FeedEntry:
        entry = FeedEntry()
        if order == "append":
            self._entries.append(entry)
        else:
            self._entries.insert(0, entry)
        return entry

    def atom_str(self, pretty: bool = True) -> bytes:
        if not pretty:
            raise NotImplementedError("feeds are always pretty-printed")
        if not (self._id and self._title and self._updated):
            raise ValueError("an Atom feed needs an id, a title and updated")
        doc = _Doc()
        lang = f' xml:lang="{_attr(self._language)}"' if self._language else ""
        doc.open(0, "feed", f' xmlns="{ATOM_NS}"{lang}')
        doc.element(1, "id", self._id)
        doc.element(1, "title", self._title)
        doc.element(1, "updated", self._updated.isoformat())
        for name in self._authors:
            if name:
                doc.open(1, "author")
                doc.element(2, "name", name)
                doc.close(1, "author")
        for link in self._links:
            doc.element(1, "link", href=link["href"], rel=link["rel"])
        if self._generator:
            doc.element(1, "generator", self._generator)
        if self._subtitle:
            doc.element(1, "subtitle", self._subtitle)
        # Entries are kept newest first (added in that order), as feedgen writes them.
        for entry in self._entries:
            entry._atom(doc)
        doc.close(0, "feed")
        return doc.bytes()

    def rss_str(self, pretty: bool = True) -> bytes:
        if not pretty:
            raise NotImplementedError("feeds are always pretty-printed")
        alternate = [link["href"] for link in self._links if link["rel"] == "alternate"]
        if not (self._title and alternate and self._subtitle):
            raise ValueError("an RSS feed needs a title, an alternate link and a description")
        doc = _Doc()
        doc.open(0, "rss", f' xmlns:atom="{ATOM_NS}" xmlns:content="{CONTENT_NS}" version="2.0"')
        doc.open(1, "channel")
        doc.element(2, "title", self._title)
        doc.element(2, "link", alternate[-1])
        doc.element(2, "description", self._subtitle)
        for link in self._links:
            if link["rel"] == "self":
                doc.element(2, "atom:link", href=link["href"], rel="self")
        doc.element(2, "docs", RSS_DOCS)
        if self._generator:
            doc.element(2, "generator", self._generator)
        if self._language:
            doc.element(2, "language", self._language)
        if self._last_build:
            doc.element(2, "lastBuildDate", rfc822(self._last_build))
        for entry in self._entries:
            entry._rss(doc)
        doc.close(1, "channel")
        doc.close(0, "rss")
        return doc.bytes()
