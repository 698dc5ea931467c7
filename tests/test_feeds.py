"""RSS and Atom feeds, parsed back with feedparser (and lxml where feedparser would sanitise)."""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import UTC, datetime

import feedparser
import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from generator.site import urls
from generator.site.feeds import FEED_LIMIT, render_feeds
from generator.site.markdown import render_short_markdown
from generator.site.visibility import xml_safe
from tests.site_factories import make_ctx, make_incident, make_model, sample_model, ts, upd

ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = [
    "feeds/incidents", "feeds/maintenance", "feeds/postmortems",
    "feeds/services/api", "feeds/services/dashboard", "feeds/services/email",
]


@pytest.fixture(scope="module")
def public() -> dict[str, bytes]:
    return render_feeds(make_ctx(sample_model()))


def parse(data: bytes) -> feedparser.FeedParserDict:
    return feedparser.parse(data)


def when(struct) -> datetime:  # feedparser gives UTC struct_time
    return datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)


def test_every_feed_exists_in_both_formats_and_parses_cleanly(public):
    assert sorted(public) == sorted(f"{f}.{ext}" for f in FEEDS for ext in ("rss", "atom"))
    for path, data in public.items():
        d = parse(data)
        assert d.bozo == 0, (path, d.get("bozo_exception"))
        assert d.version == ("rss20" if path.endswith(".rss") else "atom10"), path


def test_ids_are_unique_stable_tag_uris_shared_by_rss_and_atom(public):
    for base in FEEDS:
        rss, atom = parse(public[base + ".rss"]), parse(public[base + ".atom"])
        atom_ids = [e.id for e in atom.entries]
        assert len(atom_ids) == len(set(atom_ids)), base
        assert [e.id for e in rss.entries] == atom_ids, base
        for e in atom.entries:
            assert e.id.startswith("tag:status.acme.example,20"), e.id
    # The RSS guid is the tag URI and says it is not a permalink.
    root = etree.fromstring(public["feeds/incidents.rss"])
    guids = root.findall("./channel/item/guid")
    assert guids and all(g.get("isPermaLink") == "false" for g in guids)
    inc = parse(public["feeds/incidents.atom"])
    assert "tag:status.acme.example,2026-03-14:incident:2026-03-14-api-errors" in [e.id for e in inc.entries]


def test_entries_are_newest_first(public):
    for base in FEEDS:
        atom = parse(public[base + ".atom"])
        times = [when(e.updated_parsed) for e in atom.entries]
        assert times == sorted(times, reverse=True), base
    assert [e.id.rsplit(":", 1)[1] for e in parse(public["feeds/incidents.atom"]).entries] == [
        "2026-11-26-email-delays", "2026-03-14-api-errors"]


def test_content_holds_every_update_newest_first_as_html(public):
    model = sample_model()
    for ext in ("rss", "atom"):
        d = parse(public[f"feeds/incidents.{ext}"])
        for entry in d.entries:
            inc = model.incident(entry.id.rsplit(":", 1)[1])
            assert inc is not None
            content = entry.content[0]
            assert content.type == "text/html"
            positions = [content.value.index(u.message) for u in inc.updates]
            assert positions == sorted(positions, reverse=True), "updates must be newest first"
            for u in inc.updates:
                assert f'datetime="{u.at.strftime("%Y-%m-%dT%H:%M:%SZ")}"' in content.value


def test_published_is_the_first_update_and_updated_the_last(public):
    model = sample_model()
    inc = model.incident("2026-03-14-api-errors")
    atom = {e.id: e for e in parse(public["feeds/incidents.atom"]).entries}
    rss = {e.id: e for e in parse(public["feeds/incidents.rss"]).entries}
    key = "tag:status.acme.example,2026-03-14:incident:2026-03-14-api-errors"
    assert when(atom[key].updated_parsed) == inc.updates[-1].at
    assert when(atom[key].published_parsed) == inc.updates[0].at
    assert when(rss[key].published_parsed) == inc.updates[0].at  # RSS pubDate


def test_a_new_update_moves_updated_but_not_the_id_or_published():
    inc = make_incident("2026-05-01-db", started="2026-05-01T10:00:00Z",
                        updates=[upd("2026-05-01T10:05:00Z", "investigating", "Looking into it.")])
    later = replace(inc, updates=inc.updates + (upd("2026-05-01T11:15:00Z", "identified", "Found it."),))
    before = render_feeds(make_ctx(make_model([inc])))
    after = render_feeds(make_ctx(make_model([later])))
    for ext in ("rss", "atom"):
        b, a = parse(before[f"feeds/incidents.{ext}"]), parse(after[f"feeds/incidents.{ext}"])
        assert a.entries[0].id == b.entries[0].id
        assert when(a.entries[0].published_parsed) == when(b.entries[0].published_parsed)
        assert "Found it." in a.entries[0].content[0].value
        assert "Found it." not in b.entries[0].content[0].value
        assert when(a.feed.updated_parsed) == ts("2026-05-01T11:15:00Z")
        assert when(b.feed.updated_parsed) == ts("2026-05-01T10:05:00Z")
    b_atom, a_atom = parse(before["feeds/incidents.atom"]), parse(after["feeds/incidents.atom"])
    assert when(b_atom.entries[0].updated_parsed) == ts("2026-05-01T10:05:00Z")
    assert when(a_atom.entries[0].updated_parsed) == ts("2026-05-01T11:15:00Z")


def test_feed_times_come_from_content_not_the_clock():
    model = sample_model()
    one = render_feeds(make_ctx(model, "2026-11-26T12:00:00Z"))
    two = render_feeds(make_ctx(model, "2026-11-27T08:30:00Z"))
    assert one == two
    atom = parse(one["feeds/incidents.atom"])
    assert when(atom.feed.updated_parsed) == max(when(e.updated_parsed) for e in atom.entries)
    rss = etree.fromstring(one["feeds/incidents.rss"])
    assert rss.findtext("./channel/lastBuildDate") == "Thu, 26 Nov 2026 11:00:00 +0000"
    assert rss.findtext("./channel/generator") == "statuspress"


def test_links_are_absolute_on_the_base_url_and_ids_ignore_it():
    model = sample_model()
    here = render_feeds(make_ctx(model))
    there = render_feeds(make_ctx(model, base_url="https://preview.example/status/"))
    a, b = parse(here["feeds/incidents.atom"]), parse(there["feeds/incidents.atom"])
    assert [e.id for e in a.entries] == [e.id for e in b.entries]
    assert b.entries[0].link == "https://preview.example/status/incidents/2026-11-26-email-delays/"
    rss = parse(there["feeds/incidents.rss"])
    assert rss.feed.link == "https://preview.example/status/history/"  # the HTML page, not the feed
    assert rss.entries[0].link == b.entries[0].link


def test_service_feeds_hold_only_that_services_incidents_and_maintenance(public):
    email = [e.id.split(":", 2)[2] for e in parse(public["feeds/services/email.atom"]).entries]
    assert email == ["incident:2026-11-26-email-delays"]
    dashboard = [e.id.split(":", 2)[2] for e in parse(public["feeds/services/dashboard.atom"]).entries]
    assert set(dashboard) == {"incident:2026-03-14-api-errors", "maintenance:2026-12-02-network",
                              "maintenance:2026-04-02-db-upgrade"}


def test_maintenance_feed_marks_cancelled_windows(public):
    entries = {e.id.rsplit(":", 1)[1]: e for e in parse(public["feeds/maintenance.atom"]).entries}
    assert set(entries) == {"2026-04-02-db-upgrade", "2026-12-02-network", "2026-11-26-cache", "2026-12-10-dns"}
    assert entries["2026-12-10-dns"].title.startswith("Cancelled: ")
    assert not entries["2026-12-02-network"].title.startswith("Cancelled")


@pytest.mark.parametrize(
    ("internal", "drafts", "extra"),
    [
        (False, False, set()),
        (True, False, {"2026-03-14-api-errors-internal"}),
        (False, True, {"2026-03-14-api-errors-draft"}),
        (True, True, {"2026-03-14-api-errors-internal", "2026-03-14-api-errors-draft"}),
    ],
)
def test_postmortem_feed_follows_visibility(internal, drafts, extra):
    out = render_feeds(make_ctx(sample_model(), internal=internal, drafts=drafts))
    for ext in ("rss", "atom"):
        d = parse(out[f"feeds/postmortems.{ext}"])
        assert d.bozo == 0
        assert {e.id.rsplit(":", 1)[1] for e in d.entries} == {"2026-03-14-api-errors"} | extra
    titles = {e.id.rsplit(":", 1)[1]: e.title for e in parse(out["feeds/postmortems.atom"]).entries}
    if drafts:
        assert titles["2026-03-14-api-errors-draft"].endswith("(draft)")
    if internal:
        assert titles["2026-03-14-api-errors-internal"].endswith("(internal)")
    assert titles["2026-03-14-api-errors"] == "API errors after the deploy"


def test_internal_feed_shows_internal_fields_marked():
    internal = render_feeds(make_ctx(sample_model(), internal=True))
    entry = next(e for e in parse(internal["feeds/incidents.atom"]).entries if e.id.endswith("api-errors"))
    assert "Internal" in entry.content[0].value
    assert "sre-oncall-canary" in entry.content[0].value
    assert "canary-error-message" in entry.content[0].value


def test_empty_site_still_has_valid_feeds():
    out = render_feeds(make_ctx(make_model()))
    for path, data in out.items():
        d = parse(data)
        assert d.bozo == 0 and d.entries == [], path
        if path.endswith(".atom"):
            assert when(d.feed.updated_parsed) == ts("2026-11-26T12:00:00Z")


def test_long_history_keeps_the_most_recent_entries():
    incidents = [
        make_incident(f"2026-01-{day:02d}-x{n}", started=f"2026-01-{day:02d}T0{n}:00:00Z",
                      updates=[upd(f"2026-01-{day:02d}T0{n}:10:00Z", "resolved", "Done.")])
        for day in range(1, 29) for n in range(2)
    ]
    atom = parse(render_feeds(make_ctx(make_model(incidents)))["feeds/incidents.atom"])
    assert len(atom.entries) == FEED_LIMIT < len(incidents)
    assert atom.entries[0].id.endswith("2026-01-28-x1")


def test_feed_links_for_autodiscovery():
    ctx = make_ctx(sample_model())
    links = urls.feed_links(ctx)
    assert [(link.href, link.type) for link in links[:2]] == [
        ("https://status.acme.example/feeds/incidents.rss", "application/rss+xml"),
        ("https://status.acme.example/feeds/incidents.atom", "application/atom+xml"),
    ]
    assert len(links) == 6 and all(link.title.startswith("Acme Status: ") for link in links)
    on_service = urls.feed_links(ctx, page_service_id="email")
    assert on_service[0].href == "https://status.acme.example/feeds/services/email.rss"
    assert on_service[0].title == "Acme Status: Email delivery (RSS)"
    assert urls.feed_links(ctx, page_service_id="nope") == links
    out = render_feeds(ctx)
    for link in on_service:  # every advertised feed is written
        assert link.href.removeprefix(ctx.base_url) in out


_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), min_size=1,
                max_size=40).filter(lambda s: xml_safe(s).strip() != "")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_text, message=_text)
def test_any_text_survives_the_round_trip(title, message):
    inc = make_incident("2026-05-01-x", title, started="2026-05-01T10:00:00Z",
                        updates=[upd("2026-05-01T10:05:00Z", "investigating", message)])
    out = render_feeds(make_ctx(make_model([inc])))
    root = etree.fromstring(out["feeds/incidents.atom"])
    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == xml_safe(title)
    # The content is HTML: one more level of escaping, which an HTML parser undoes.
    html = entry.findtext(f"{ATOM}content")
    # Messages are Markdown: the feed carries the same sanitised HTML as the incident's page.
    assert xml_safe(str(render_short_markdown(message))) in html
    lxml.html.fromstring(f"<div>{html}</div>")  # and it parses
    rss = etree.fromstring(out["feeds/incidents.rss"])
    assert rss.findtext("./channel/item/title") == xml_safe(title)
    assert parse(out["feeds/incidents.rss"]).bozo == 0


# ---------------------------------------------------------------- URLs and context


def test_urls_are_relative_encoded_and_joined_on_the_base_url():
    ctx = make_ctx(make_model(), base_url="https://org.github.io/status")  # slash added
    assert ctx.base_url == "https://org.github.io/status/"
    assert urls.incident_url("2026-01-01 a/b") == "incidents/2026-01-01%20a%2Fb/"
    assert urls.absolute(ctx, urls.service_url("api")) == "https://org.github.io/status/services/api/"
    assert urls.absolute(ctx, urls.home_url()) == "https://org.github.io/status/"
    assert urls.feed_path("postmortems", "atom") == "feeds/postmortems.atom"
    assert urls.service_feed_path("api", "rss") == "feeds/services/api.rss"
    assert urls.api_path("scheduled-maintenances/active") == "api/v2/scheduled-maintenances/active.json"
    assert urls.badge_path("api", "uptime", "svg") == "badges/api/uptime.svg"
    with pytest.raises(ValueError):
        urls.feed_path("everything", "rss")
    # Ids come from site.url, not where this build is served.
    assert urls.tag_uri(ctx, ts("2026-03-14T23:30:00-02:00"), "incident", "x") == (
        "tag:status.acme.example,2026-03-15:incident:x")


def test_context_needs_an_aware_now_and_keeps_it_in_utc():
    with pytest.raises(ValueError):
        make_ctx(make_model()).__class__(make_model(), datetime(2026, 1, 1), "https://x.example/")
    ctx = make_ctx(make_model(), "2026-03-14T10:00:00+01:00")
    assert ctx.now == ts("2026-03-14T09:00:00Z") and ctx.now.tzinfo is UTC
    assert ctx.display_time(ts("2026-07-01T10:00:00Z")) == "1 Jul 2026, 12:00 CEST"
    assert not ctx.kpis_public and make_ctx(make_model(), internal=True).kpis_public


def test_rss_description_shows_user_markup_as_text_and_loads_nothing():
    # A reader treats an RSS description as HTML: user text inside it must arrive escaped in that HTML.
    hostile = "Looking into it <img src=https://tracker.example/p.png> & more"
    inc = make_incident("2026-11-26-x", title="Tracker <img src=https://tracker.example/t.png>",
                        started="2026-11-26T10:00:00Z", updates=[upd("2026-11-26T10:00:00Z", "investigating", hostile)])
    feeds = render_feeds(make_ctx(make_model([inc])))
    entry = parse(feeds["feeds/incidents.rss"]).entries[0]
    # Update messages are Markdown, sanitised: the image is dropped (nothing loads), the words stay.
    assert "<img" not in entry.summary and "tracker.example/p.png" not in entry.summary
    assert "Looking into it  &amp; more" in entry.summary
    # The raw XML: the description's text is HTML without an <img> element (no image loads).
    item = etree.fromstring(feeds["feeds/incidents.rss"]).find("./channel/item")
    description = lxml.html.fromstring(item.findtext("description"))
    assert description.xpath("//img") == [] and "Looking into it  & more" in description.text_content()
    assert item.findtext("title") == "Tracker <img src=https://tracker.example/t.png>"  # RSS titles are plain text
    # Atom keeps a plain-text summary and the HTML content.
    atom = parse(feeds["feeds/incidents.atom"]).entries[0]
    assert atom.summary_detail.type == "text/plain" and "<img src=https://tracker.example/p.png>" in atom.summary
    assert "<img" not in atom.content[0].value
