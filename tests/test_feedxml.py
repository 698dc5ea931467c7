"""generator/site/feedxml.py writes what feedgen 1.0 wrote for the feeds' shape, byte for byte.

feedgen stays a test dependency only, as the reference: any text, link, date or category the
feeds can carry gives the same RSS and Atom documents from both.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import feedparser
import pytest
from feedgen.feed import FeedGenerator as Reference
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.site.feedxml import FeedGenerator, rfc822
from generator.site.visibility import xml_safe

texts = st.text(min_size=1, max_size=40).map(xml_safe).filter(bool)
maybe_empty = st.text(max_size=40).map(xml_safe)
moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1),
                       timezones=st.sampled_from([UTC, timezone(timedelta(hours=2))]))
entries = st.lists(
    st.fixed_dictionaries({
        "id": texts, "title": texts, "link": texts, "published": moments, "updated": moments,
        "summary": maybe_empty, "content": texts,
        "categories": st.lists(st.tuples(texts, texts), max_size=3),
        "style": st.sampled_from(["summary-and-html-description", "description-as-summary"]),
    }),
    max_size=4,
)


def fill(fg, feed: dict, items: list[dict]):  # type: ignore[no-untyped-def]
    fg.id(feed["id"])
    fg.title(feed["title"])
    fg.subtitle(feed["subtitle"])
    fg.author({"name": feed["author"]})
    fg.language("en")
    fg.generator("statuspress")
    fg.link(href=feed["self"], rel="self")
    fg.link(href=feed["page"], rel="alternate")
    fg.updated(feed["updated"])
    fg.lastBuildDate(feed["updated"])
    for item in items:
        fe = fg.add_entry(order="append")
        fe.id(item["id"])
        fe.title(item["title"])
        fe.link(href=item["link"], rel="alternate")
        fe.published(item["published"])
        fe.updated(item["updated"])
        if item["style"] == "summary-and-html-description":  # as the feeds call it
            fe.summary(item["summary"])
            fe.description(item["content"])
        else:
            fe.description(item["summary"], isSummary=True)
        fe.content(item["content"], type="html")
        for term, label in item["categories"]:
            fe.category(term=term, label=label)
    return fg


feeds = st.fixed_dictionaries({
    "id": texts, "title": texts, "subtitle": texts, "author": texts, "self": texts, "page": texts,
    "updated": moments,
})


@settings(max_examples=150, deadline=None)
@given(feeds, entries)
def test_same_bytes_as_feedgen(feed: dict, items: list[dict]) -> None:
    ours, theirs = fill(FeedGenerator(), feed, items), fill(Reference(), feed, items)
    assert ours.rss_str(pretty=True) == theirs.rss_str(pretty=True)
    assert ours.atom_str(pretty=True) == theirs.atom_str(pretty=True)


def test_hostile_text_is_escaped_and_parses_back() -> None:
    nasty = '</title><script>alert("x")</script> & ]]> \'quoted\''
    feed = {"id": "urn:x", "title": nasty, "subtitle": nasty, "author": nasty, "self": 'https://e.example/a"b',
            "page": "https://e.example/", "updated": datetime(2026, 11, 26, 12, tzinfo=UTC)}
    item = {"id": "urn:1", "title": nasty, "link": "https://e.example/1", "summary": nasty, "content": f"<p>{nasty}</p>",
            "published": datetime(2026, 11, 26, 11, tzinfo=UTC), "updated": datetime(2026, 11, 26, 12, tzinfo=UTC),
            "categories": [("t&", nasty)], "style": "summary-and-html-description"}
    fg = fill(FeedGenerator(), feed, [item])
    for doc in (fg.rss_str(), fg.atom_str()):
        assert b"<script" not in doc
        parsed = feedparser.parse(doc)
        assert not parsed.bozo, parsed.bozo_exception
        assert parsed.feed.title == nasty and parsed.entries[0].title == nasty


def test_rss_dates_are_english_whatever_the_locale() -> None:
    assert rfc822(datetime(2026, 11, 26, 7, 52, tzinfo=UTC)) == "Thu, 26 Nov 2026 07:52:00 +0000"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        FeedGenerator().updated(datetime(2026, 11, 26, 12))
