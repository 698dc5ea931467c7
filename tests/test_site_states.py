"""What status pages say about the present: banner, estimates, stale states, words, subscribe, 404, KPI tiles."""

from __future__ import annotations

from dataclasses import replace

from generator.model import Incident
from generator.site.charts import trend_chart, volume_chart
from generator.site.pages import build_site_pages
from generator.site.views.home import home_view
from generator.site.views.incident import incident_view
from generator.site.views.kpis import collapsed, kpis_view, stat_cell
from generator.site.views.not_found import not_found_view
from generator.site.views.shared import (
    Cell,
    Table,
    banner_of,
    incident_card,
    maintenance_card,
    make_facts,
    timeline,
)
from generator.site.views.subscribe import subscribe_view
from generator.words import (
    ESTIMATE_PASSED,
    NO_ESTIMATE,
    banner_text,
    category_label,
    detection_label,
    status_label,
)
from tests.site_factories import (
    make_config,
    make_ctx,
    make_incident,
    make_maintenance,
    make_model,
    sample_model,
    ts,
    upd,
)


def _open(id: str, services: dict[str, str], started: str, *updates, **kw) -> Incident:  # type: ignore[no-untyped-def]
    return make_incident(id, f"Trouble {id}", services=services, started=started,
                         updates=list(updates) or [upd(started, "investigating", "Looking.")], **kw)


# ---------------------------------------------------------------- banner


def test_banner_names_every_service_not_operational_worst_first() -> None:
    model = make_model([_open("2026-11-26-a", {"dashboard": "degraded_performance"}, "2026-11-26T09:00:00Z"),
                        _open("2026-11-26-b", {"email": "major_outage"}, "2026-11-26T10:00:00Z")])
    banner = banner_of(make_facts(make_ctx(model)))
    assert banner.level == "major_outage"
    assert banner.services == ("Email delivery", "Dashboard")
    assert banner.text == "Major outage: Email delivery, Dashboard"


def test_banner_with_nothing_wrong_names_nobody() -> None:
    banner = banner_of(make_facts(make_ctx(make_model())))
    assert banner.text == "All systems operational" and banner.services == ()
    assert banner_text("operational", ["Public API"]) == "All systems operational"


def test_every_status_page_starts_with_the_banner() -> None:
    ctx = make_ctx(sample_model())
    pages, not_found = build_site_pages(ctx)
    by_url = {p.url: p for p in pages}
    for url in ("", "history/", "incidents/2026-03-14-api-errors/", "services/api/", "maintenance/",
                next(u for u in by_url if u.startswith("maintenance/") and u != "maintenance/")):
        assert by_url[url].html.lstrip().startswith('<') and 'class="sp-banner ' in by_url[url].html.split("\n", 1)[0], url
        assert by_url[url].layout == "status", url
    assert by_url[""].html.lstrip().startswith('<h1 class="sp-banner')  # home: the status is the heading
    assert by_url["about/"].layout == "docs" and not_found.lstrip().startswith('<div class="sp-banner')
    assert all(p.layout == "docs" for u, p in by_url.items() if u.startswith("postmortems/"))


# ---------------------------------------------------------------- estimates and stale states


def test_card_shows_impact_status_since_and_estimate_apart() -> None:
    inc = _open("2026-11-26-a", {"api": "partial_outage"}, "2026-11-26T10:00:00Z",
                upd("2026-11-26T10:00:00Z", "investigating", "Looking."),
                upd("2026-11-26T10:30:00Z", "identified", "Found.", eta=ts("2026-11-26T13:00:00Z")))
    facts = make_facts(make_ctx(make_model([inc])))
    card = incident_card(facts, "", inc)
    assert card.status == "Identified" and card.impact.text == "Partial outage" and card.impact.word == "partial_outage"
    assert card.estimate.text == "Expected resolution" and card.estimate.at is not None
    assert card.estimate.at.text == "26 Nov 2026, 14:00 CET" and not card.estimate.passed
    assert card.since.iso == "2026-11-26T10:00:00Z" and card.severity == ""
    assert card.latest is not None and card.latest.eta is None  # said once, on its own line


def test_no_estimate_and_estimate_passed() -> None:
    none = _open("2026-11-26-a", {"api": "degraded_performance"}, "2026-11-26T10:00:00Z")
    late = _open("2026-11-26-b", {"api": "partial_outage"}, "2026-11-26T08:00:00Z",
                 upd("2026-11-26T08:00:00Z", "identified", "Found.", eta=ts("2026-11-26T09:00:00Z")),
                 upd("2026-11-26T09:30:00Z", "monitoring", "Watching."))  # a later update without a new eta
    facts = make_facts(make_ctx(make_model([none, late])))
    assert incident_card(facts, "", none).estimate.text == NO_ESTIMATE
    passed = incident_card(facts, "", late).estimate
    assert passed.text == ESTIMATE_PASSED and passed.passed and passed.at is not None
    # On the incident page, the update that set the estimate says it has passed; only that one.
    page = incident_view(facts, late)
    notes = {u.number: u.eta_note for u in page.updates}
    assert notes == {2: "", 1: ESTIMATE_PASSED}


def test_a_superseded_estimate_is_not_marked_passed() -> None:
    inc = _open("2026-11-26-a", {"api": "partial_outage"}, "2026-11-26T08:00:00Z",
                upd("2026-11-26T08:00:00Z", "identified", "A.", eta=ts("2026-11-26T09:00:00Z")),
                upd("2026-11-26T10:00:00Z", "identified", "B.", eta=ts("2026-11-26T15:00:00Z")))
    ctx = make_ctx(make_model([inc]))
    assert [u.eta_note for u in timeline(ctx, inc.updates, True, ts("2026-11-26T15:00:00Z"))] == ["", ""]
    assert incident_card(make_facts(ctx), "", inc).estimate.passed is False


def test_an_ongoing_incident_is_in_recent_history_on_every_day_it_spans() -> None:
    long = _open("2026-11-20-long", {"api": "major_outage"}, "2026-11-20T10:00:00Z")
    view = home_view(make_facts(make_ctx(make_model([long]))))
    days = [d.heading for d in view.recent if any(i.link.text == long.title for i in d.items)]
    assert days == ["Thursday, 26 Nov 2026", "Wednesday, 25 Nov 2026", "Tuesday, 24 Nov 2026", "Monday, 23 Nov 2026",
                    "Sunday, 22 Nov 2026", "Saturday, 21 Nov 2026", "Friday, 20 Nov 2026"]


def test_a_resolved_incident_over_midnight_is_on_both_days_and_no_other() -> None:
    inc = make_incident("2026-11-22-night", "Night trouble", services={"api": "partial_outage"},
                        started="2026-11-22T21:00:00Z", resolved="2026-11-23T02:00:00Z",
                        updates=[upd("2026-11-22T21:00:00Z", "investigating", "Looking."),
                                 upd("2026-11-23T02:00:00Z", "resolved", "Fixed.")])
    view = home_view(make_facts(make_ctx(make_model([inc]))))
    days = [d.heading for d in view.recent if d.items]
    assert days == ["Monday, 23 Nov 2026", "Sunday, 22 Nov 2026"]


# ---------------------------------------------------------------- words


def test_words_for_people() -> None:
    assert detection_label("alert") == "Automated alert"
    assert detection_label("customer_report") == "Reported by a customer"
    assert detection_label("") == ""
    assert category_label("dependency") == "Dependency" and category_label("third_party") == "Third party"
    assert status_label("published") == "Published" and status_label("in_review") == "In review"
    assert status_label("wont_do") == "Won't do"


def test_incident_page_words() -> None:
    inc = make_incident("2026-11-20-x", "X", services={"api": "major_outage"}, started="2026-11-20T10:00:00Z",
                        resolved="2026-11-20T11:00:00Z", detection="customer_report", category="dependency",
                        updates=[upd("2026-11-20T10:00:00Z", "investigating", "A."),
                                 upd("2026-11-20T11:00:00Z", "resolved", "B.")])
    view = incident_view(make_facts(make_ctx(make_model([inc]))), inc)
    assert view.detected_by == "Reported by a customer" and view.category == "Dependency"
    row = view.affected[0]
    assert row.now is not None and row.now.text == "Operational" and row.now_text == ""  # never "-"


def test_scheduled_maintenance_has_a_calendar_mark_not_a_check() -> None:
    m = make_maintenance("2026-12-02-db")
    card = maintenance_card(make_ctx(make_model([], [m])), "", m)
    assert card.status.word == "scheduled" and card.status.text == "Scheduled"
    home = {p.url: p for p in build_site_pages(make_ctx(make_model([], [m])))[0]}[""].html
    upcoming = home.split('id="upcoming-maintenance"')[1].split("<h2")[0]
    assert "sp-icon--scheduled" in upcoming and "sp-icon--operational" not in upcoming


def test_severity_only_with_publish_severity_and_always_internally() -> None:
    inc = _open("2026-11-26-a", {"api": "partial_outage"}, "2026-11-26T10:00:00Z", severity="SEV-1")
    for config, internal, shown in ((make_config(), False, False), (replace(make_config(), publish_severity=True), False, True),
                                    (make_config(), True, True)):
        ctx = make_ctx(make_model([inc], config=config), internal=internal)
        facts = make_facts(ctx)
        pages = {p.url: p.html for p in build_site_pages(ctx)[0]}
        assert (incident_card(facts, "", inc).severity == "SEV-1 (Critical)") == shown
        assert ("SEV-1" in pages["incidents/2026-11-26-a/"]) == shown
        assert ("SEV-1" in pages[""]) == shown


# ---------------------------------------------------------------- subscribe and 404


def test_subscribe_lists_every_feed_calendar_api_badges_and_the_outside_service() -> None:
    config = replace(make_config(), site=replace(make_config().site, subscribe_url="https://updates.acme.example/join"))
    view = subscribe_view(make_facts(make_ctx(make_model(config=config))))
    names = [row.name for row in view.feeds]
    assert names == ["All incidents", "Maintenance", "Post-mortems", "Public API", "Dashboard", "Email delivery"]
    assert all({link.text for link in row.links} == {"RSS", "Atom"} for row in view.feeds)
    assert view.feeds[3].links[0].href == "../feeds/services/api.rss"
    assert view.calendar.href == "../maintenance.ics"
    assert [a.text for a in view.api] == ["api/v2/status.json", "api/v2/summary.json"]
    assert [b.service for b in view.badges] == ["Public API", "Dashboard", "Email delivery"]
    assert view.badges[0].status.href == "../badges/api/status.svg"
    assert view.outside is not None and view.outside.href == "https://updates.acme.example/join"
    assert subscribe_view(make_facts(make_ctx(make_model()))).outside is None


def test_not_found_has_the_banner_and_absolute_links_home_and_to_history() -> None:
    model = make_model([_open("2026-11-26-a", {"api": "major_outage"}, "2026-11-26T10:00:00Z")])
    view = not_found_view(make_facts(make_ctx(model)))
    assert view.banner.text == "Major outage: Public API"
    assert view.home.href == "https://status.acme.example/" and view.history.href == "https://status.acme.example/history/"
    html = build_site_pages(make_ctx(model))[1]
    assert "Major outage: Public API" in html and 'href="https://status.acme.example/history/"' in html


# ---------------------------------------------------------------- KPI page


def test_kpi_tiles_collapsed_tables_and_quarter_to_date() -> None:
    model = replace(sample_model(), config=replace(sample_model().config, publish_kpis="public"))
    ctx = make_ctx(model)
    view = kpis_view(make_facts(ctx))
    assert [t.label for t in view.tiles] == ["Time to detect", "Time to acknowledge", "Time to mitigate", "Time to resolve"]
    assert all(t.nodata and t.value == "not enough data" and t.note.endswith("a median needs 10") for t in view.tiles)
    # The sample has a handful of incidents: every breakdown of medians is one sentence.
    assert all(g.medians.rows == () and g.medians.empty.startswith("Not enough data") for g in view.groups)
    assert volume_chart(ctx).categories[-1] == "2026-Q4 (to date)"
    trend = trend_chart(ctx)
    assert trend.rows[-1][0] == "2026-Q4 (to date)" and all(r[2].startswith("not enough data") for r in trend.rows)


def test_collapse_keeps_a_table_with_any_figure() -> None:
    enough = stat_cell({"n": 12, "median": 600.0, "ci95": [300.0, 900.0]})
    few = stat_cell({"n": 3, "median": None})
    table = Table("t", ("Group", "Incidents", "Median"), ((Cell("A"), Cell("3"), few), (Cell("B"), Cell("12"), enough)))
    assert collapsed(table, "none") is table
    empty = Table("t", ("Group", "Incidents", "Median"), ((Cell("A"), Cell("3"), few),))
    assert collapsed(empty, "Not enough data.").empty == "Not enough data." and collapsed(empty, "x").rows == ()


def test_charts_are_drawn_for_light_and_dark() -> None:
    from generator.site.charts import render_charts

    files = render_charts(make_ctx(sample_model()))
    light = sorted(p for p in files if not p.endswith("-dark.svg"))
    assert light == ["kpis/time-to-detect.svg", "kpis/time-to-resolve-by-quarter.svg", "kpis/time-to-resolve.svg",
                     "kpis/volume-by-quarter.svg"]
    for path in light:
        day, night = files[path].decode(), files[path.replace(".svg", "-dark.svg")].decode()
        # Each file paints its scheme's background and ink; neither carries the other scheme's.
        assert ".sp-bg{fill:#ffffff}" in day and ".sp-chart-svg{color:#1f2937}" in day, path
        assert ".sp-bg{fill:#1e2129}" in night and ".sp-chart-svg{color:#e5e7eb}" in night, path
        assert "#1f2937" not in night and "#1e2129" not in day, path


def test_an_incident_is_in_every_history_month_it_spans() -> None:
    from generator.site.views.history import history_views

    long = _open("2026-09-28-long", {"api": "partial_outage"}, "2026-09-28T10:00:00Z")
    short = make_incident("2026-10-05-short", "Short", services={"api": "major_outage"}, started="2026-10-05T10:00:00Z",
                          resolved="2026-10-05T11:00:00Z", updates=[upd("2026-10-05T10:00:00Z", "investigating", "A."),
                                                                   upd("2026-10-05T11:00:00Z", "resolved", "B.")])
    views = history_views(make_facts(make_ctx(make_model([long, short]))))
    months = {m.name: [i.link.text for i in m.items] for v in views for m in v.months}
    assert months["November 2026"] == [long.title] and months["October 2026"] == [short.title, long.title]
    assert months["September 2026"] == [long.title]
