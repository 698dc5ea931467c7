"""The content model for real histories, end to end over ``tests/fixtures/history``.

Unknown times, a zero-length back-dated import, a notice, impact none, a reopened incident, a
maintenance window extended twice and one never completed, a post-mortem without an incident
with free-text action items, and provenance links: what validation, uptime, KPIs, status, the
API, pages and notifications make of each.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from generator import schema as s
from generator.cli import main
from generator.compute.kpis import compute_kpis, incident_durations
from generator.compute.status import service_statuses
from generator.compute.uptime import compute_uptime
from generator.notify.events import derive_events
from generator.site.api import api_payloads
from generator.site.views.incident import incident_view
from generator.site.views.maintenance import maintenance_view
from generator.site.views.postmortems import postmortem_view
from generator.site.views.shared import make_facts
from generator.site.visibility import SiteContext
from generator.validate import check_repository
from generator.yamlsrc import parse_yaml

HISTORY = Path(__file__).parent / "fixtures" / "history"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def load(now: datetime = NOW):
    model, problems = check_repository(HISTORY, now)
    assert problems == [], problems
    return model


def ctx_at(now: datetime = NOW) -> SiteContext:
    """The history (validated at NOW) as a page would show it at ``now``."""
    return SiteContext(model=load(), now=now, base_url="https://status.history.example/")


# ---------------------------------------------------------------- loading


def test_unknown_times_load_as_unknown_never_as_a_time() -> None:
    inc = load().incident("2026-03-01-imported-unknown-times")
    assert inc is not None
    assert inc.detected_at is None and inc.acknowledged_at is None
    assert inc.unknown_times == ("detected_at", "acknowledged_at")
    assert inc.source is not None and inc.source.url == "https://www.githubstatus.com/incidents/abc123xyz"


def test_notice_and_impact_none_load() -> None:
    model = load()
    assert model.incident("2026-03-03-notice").services == {}
    assert model.incident("2026-03-04-no-impact").services == {"api": "none"}


def test_reopened_incident_has_two_open_spans() -> None:
    inc = load().incident("2026-03-05-reopened")
    assert inc is not None and inc.reopened and not inc.is_open
    assert inc.open_spans(NOW) == [(ts("2026-03-05T10:00:00Z"), ts("2026-03-05T11:00:00Z")),
                                   (ts("2026-03-05T12:00:00Z"), ts("2026-03-05T14:00:00Z"))]
    assert inc.impact_segments(NOW)["git"] == [
        (ts("2026-03-05T10:00:00Z"), ts("2026-03-05T11:00:00Z"), "major_outage"),
        (ts("2026-03-05T12:00:00Z"), ts("2026-03-05T14:00:00Z"), "major_outage")]


def test_maintenance_planned_end_moves_and_ends_the_window() -> None:
    model = load()
    extended = next(m for m in model.maintenance if m.id == "2026-03-06-extended")
    assert extended.planned_end == ts("2026-03-06T20:30:00Z") and extended.extended
    assert extended.state(ts("2026-03-06T19:00:00Z")) == "in_progress"
    assert extended.state(ts("2026-03-06T20:30:00Z")) == "completed"
    never = next(m for m in model.maintenance if m.id == "2026-03-07-never-completed")
    # In progress, and never completed: over at its planned end, as on Statuspage.
    assert never.state(ts("2026-03-07T02:59:00Z")) == "in_progress"
    assert never.state(NOW) == "completed"


def test_standalone_postmortem_with_free_text_action_items() -> None:
    pm = load().postmortems[0]
    assert pm.incidents == () and pm.started_at == ts("2026-02-10T08:00:00Z")
    first, second = pm.action_items
    assert first.free_text and first.title == "Add rate limiting to the rebalance job" and first.status is None
    assert not second.free_text and second.owner == "Storage team" and second.due is None


# ---------------------------------------------------------------- numbers


def test_kpis_leave_unknown_times_out_and_count_them() -> None:
    k = compute_kpis(load(), NOW)["overall"]
    # Five incidents: two with detected_at unknown, one of them also with an unknown duration.
    assert k["volume"] == 5
    # Each figure counts what it left out beside n.
    assert {m: k[m]["unknown"] for m in ("time_to_detect", "time_to_acknowledge", "time_to_mitigate",
                                          "time_to_resolve")} == {
        "time_to_detect": 2, "time_to_acknowledge": 2, "time_to_mitigate": 1, "time_to_resolve": 2}
    assert k["time_to_detect"]["n"] == 3 and k["time_to_acknowledge"]["n"] == 3
    assert k["time_to_mitigate"]["n"] == 4  # never the back-dated "0 s"
    inc = load().incident("2026-03-02-back-dated")
    assert inc is not None
    assert incident_durations(inc, NOW)["time_to_mitigate"] is None


def test_kpis_json_shows_the_unknown_counts() -> None:
    result = CliRunner().invoke(main, ["kpis", "--format", "json", "--root", str(HISTORY), "--now",
                                       "2026-11-26T12:00:00Z"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["overall"]["time_to_detect"]["unknown"] == 2


def test_response_targets_count_unknown_acknowledgement_as_unknown() -> None:
    targets = compute_kpis(load(), NOW)["response_targets"]
    assert targets["SEV-3"]["unknown"] == 1 and targets["SEV-2"]["unknown"] == 1
    assert targets["SEV-2"]["n"] == 1  # the reopened one, acknowledged in time


def test_uptime_uses_the_reopened_span_and_ignores_notices_and_none() -> None:
    model = load()
    now = ts("2026-03-06T00:00:00Z")
    day = compute_uptime(model, now)["git"].days
    # 1 h + 2 h of major outage on 5 March, not the 4 h from start to last resolution.
    assert abs(day["2026-03-05"] - 100 * (1 - 180 / 1440)) < 1e-9
    api = compute_uptime(model, now)["api"].days
    assert api["2026-03-03"] == 100.0 and api["2026-03-04"] == 100.0  # notice, impact none
    assert api["2026-03-02"] == 100.0  # zero-length back-dated import: no minutes


def test_uptime_uses_the_moved_maintenance_end() -> None:
    model = load()
    got = compute_uptime(model, ts("2026-03-07T00:00:00Z"))["api"].days
    assert got["2026-03-06"] == 100.0  # maintenance is not downtime
    # Under maintenance until the moved end (20:30), not the first planned one (16:30).
    assert service_statuses(model, ts("2026-03-06T17:00:00Z"))["api"] == "under_maintenance"
    assert service_statuses(model, ts("2026-03-06T20:00:00Z"))["api"] == "under_maintenance"
    assert service_statuses(model, ts("2026-03-06T20:30:00Z"))["api"] == "operational"


# ---------------------------------------------------------------- API, pages, notify


def test_api_agrees_with_uptime_and_keeps_original_links() -> None:
    payloads = api_payloads(ctx_at())
    summary = payloads["api/v2/summary.json"]
    assert summary["status"]["indicator"] == "none"  # the never-completed window is over
    assert summary["scheduled_maintenances"] == []
    incidents = {i["id"]: i for i in payloads["api/v2/incidents.json"]["incidents"]}
    assert incidents["2026-03-03-notice"]["impact"] == "none"
    assert incidents["2026-03-04-no-impact"]["impact"] == "none"
    assert incidents["2026-03-05-reopened"]["impact"] == "critical"
    assert incidents["2026-03-01-imported-unknown-times"]["shortlink"] == \
        "https://www.githubstatus.com/incidents/abc123xyz"
    assert incidents["2026-03-03-notice"]["shortlink"] == \
        "https://status.history.example/incidents/2026-03-03-notice/"
    body = incidents["2026-03-01-imported-unknown-times"]["incident_updates"][-1]["body"]
    assert body == "We are investigating reports of degraded performance. Details: https://example.com/notes"
    windows = {m["id"]: m for m in payloads["api/v2/scheduled-maintenances.json"]["scheduled_maintenances"]}
    assert windows["2026-03-06-extended"]["scheduled_until"] == "2026-03-06T20:30:00Z"
    assert windows["2026-03-06-extended"]["shortlink"] == "https://www.githubstatus.com/incidents/mnt42"
    assert windows["2026-03-07-never-completed"]["status"] == "completed"


def test_api_shows_in_progress_maintenance_during_the_extension() -> None:
    summary = api_payloads(ctx_at(ts("2026-03-06T19:00:00Z")))["api/v2/summary.json"]
    assert summary["status"]["indicator"] == "maintenance"


def test_incident_page_shows_unknown_reopened_and_markdown() -> None:
    ctx = ctx_at()
    facts = make_facts(ctx)
    page = incident_view(facts, ctx.model.incident("2026-03-01-imported-unknown-times"))
    assert page.detected is None and page.acknowledged_unknown
    assert page.source is not None and page.source.href.startswith("https://www.githubstatus.com/")
    messages = {str(u.message) for u in page.updates}
    assert any('<a href="https://example.com/notes"' in m for m in messages)
    assert any("<code>fsck</code>" in m and "<del>17:00</del>" in m for m in messages)
    back = incident_view(facts, ctx.model.incident("2026-03-02-back-dated"))
    assert back.duration == "Unknown"
    reopened = incident_view(facts, ctx.model.incident("2026-03-05-reopened"))
    assert reopened.reopened
    assert [u.status_text for u in reopened.updates] == ["Resolved", "Reopened: Investigating", "Resolved",
                                                         "Investigating"]


def test_open_again_after_reopening_shows_open() -> None:
    ctx = ctx_at(ts("2026-03-05T13:00:00Z"))
    statuses = service_statuses(ctx.model, ctx.now)
    assert statuses["git"] == "major_outage"
    assert service_statuses(ctx.model, ts("2026-03-05T11:30:00Z"))["git"] == "operational"  # in the gap


def test_maintenance_page_shows_the_extension() -> None:
    ctx = ctx_at()
    page = maintenance_view(make_facts(ctx), next(m for m in ctx.model.maintenance if m.id == "2026-03-06-extended"))
    assert page.extension is not None and page.extension.later
    assert "20:30" in page.extension.end.text and "16:30" in page.extension.planned.text


def test_postmortem_page_renders_markdown_and_free_text_items() -> None:
    ctx = ctx_at()
    page = postmortem_view(make_facts(ctx), ctx.model.postmortems[0])
    assert "<strong>stopped accepting writes</strong>" in str(page.summary)
    assert '<a href="https://example.com/report"' in str(page.summary)
    assert str(page.factors[0]) == "The <code>rebalance</code> job had no rate limit."
    assert page.incidents == () and page.event is not None
    assert [(a.owner, a.due, a.state) for a in page.actions] == [("-", "-", "-"), ("Storage team", "-", "-")]
    assert page.source is not None and page.source.href == "https://blog.example.com/storage-outage"


def test_notify_derives_reopened_event() -> None:
    ids = [e.id for e in derive_events(load(), NOW)]
    assert "incident:2026-03-05-reopened:reopened:2026-03-05T12:00:00Z" in ids
    assert "maintenance:2026-03-07-never-completed:completed" in ids


def test_policy_since_keeps_w060_off_older_history(tmp_path: Path) -> None:
    # Without policy_since the reopened SEV-2 incident would need a post-mortem.
    import shutil
    shutil.copytree(HISTORY, tmp_path / "repo")
    config = tmp_path / "repo" / "site_config.yml"
    config.write_text(config.read_text().replace("  policy_since: 2026-06-01\n", ""))
    _model, problems = check_repository(tmp_path / "repo", NOW)
    assert {p.code for p in problems} == {"W060"}


# ---------------------------------------------------------------- parsing


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs", "Cc")), max_size=40),
                 st.sampled_from(["unknown", " unknown", "Unknown", "unkown", "2026-03-01T10:00:00Z", "2026-03-01"])))
def test_timestamp_or_unknown_never_raises(text: str) -> None:
    doc, _ = parse_yaml(f"t: {json.dumps(text)}\n")
    if doc is None:
        return  # not YAML this test can write; the loader's own tests cover broken YAML
    c = s.Collector("x.md")
    field = s.INCIDENT.field("detected_at")
    assert field is not None
    got = s.CONVERTERS[field.type](c, doc.value["t"], field, "")
    if text.strip() == "unknown":
        assert got == s.UNKNOWN and c.problems == []
    else:
        assert (got is None) == bool(c.problems)
        assert got is None or isinstance(got, datetime)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 600), st.sampled_from(("investigating", "monitoring", "resolved"))),
                min_size=1, max_size=8))
def test_open_spans_are_disjoint_ordered_and_inside_the_incident(raw) -> None:
    from tests.compute_factories import incident, update
    base = datetime(2026, 1, 1, tzinfo=UTC)
    ups = [update(base + timedelta(minutes=m), status) for m, status in sorted(raw)]
    # Valid histories only: resolving twice in a row is E038.
    assume(all(not (a.status == b.status == "resolved") for a, b in zip(ups, ups[1:], strict=False)))
    resolved = ups[-1].at if ups[-1].status == "resolved" else None
    inc = incident("i", {"api": "major_outage"}, base, resolved=resolved, updates=ups)
    now = base + timedelta(minutes=700)
    spans = inc.open_spans(now)
    for a, b in spans:
        assert base <= a < b <= now
    for (_, b1), (a2, _) in zip(spans, spans[1:], strict=False):
        assert b1 <= a2
    total = sum((b - a for a, b, _ in inc.impact_segments(now).get("api", [])), timedelta())
    assert total <= sum((b - a for a, b in spans), timedelta())


def test_kpi_page_shows_the_unknown_counts() -> None:
    from generator.site.views.kpis import kpis_view
    ctx = ctx_at()
    page = kpis_view(make_facts(ctx))
    assert page.overall.head[-1] == "Left out: time unknown"
    assert [row[-1].text for row in page.overall.rows] == ["unknown: 2", "unknown: 2", "unknown: 1", "unknown: 2"]
    assert "Unknown" in page.response_targets.head


def test_notice_is_in_history_marked_and_affects_no_service() -> None:
    from generator.site.views.history import history_views
    ctx = ctx_at()
    facts = make_facts(ctx)
    items = [item for view in history_views(facts) for month in view.months for item in month.items]
    notice = [i for i in items if i.link.text == "Investigating reports of degraded performance"]
    assert len(notice) == 1 and notice[0].labels == ("Notice",) and notice[0].affected == ()
    assert incident_view(facts, ctx.model.incident("2026-03-03-notice")).affected == ()
