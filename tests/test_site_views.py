"""View models: what each page says, asserted on data (the markup is the templates' and the snapshots')."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from generator.model import ActionItem
from generator.site.views.history import history_views
from generator.site.views.home import RECENT_DAYS, home_view
from generator.site.views.incident import incident_view
from generator.site.views.kpis import mean_cell, stat_cell
from generator.site.views.postmortems import action_rows, body_parts, postmortems_view
from generator.site.views.services import service_view
from generator.site.views.shared import bars, day_level, make_facts, text_lines, update_view
from tests.site_factories import (
    make_config,
    make_ctx,
    make_incident,
    make_maintenance,
    make_model,
    make_postmortem,
    sample_model,
    ts,
    upd,
)


def _outage(day: str = "2026-11-20", impact: str = "major_outage", **kw):  # type: ignore[no-untyped-def]
    return make_incident(f"{day}-outage", "Checkout down", services={"api": impact}, started=f"{day}T10:00:00Z",
                         updates=[upd(f"{day}T10:00:00Z", "investigating", "Looking."),
                                  upd(f"{day}T11:00:00Z", "resolved", "Fixed.")], **kw)


def test_day_levels_follow_the_worst_impact_and_maintenance() -> None:
    model = make_model([_outage("2026-11-20"), _outage("2026-11-21", "partial_outage")],
                       [make_maintenance("2026-11-22-db", start="2026-11-22T02:00:00Z", end="2026-11-22T03:00:00Z")])
    facts = make_facts(make_ctx(model))
    assert day_level(facts, "api", "2026-11-20") == "major_outage"
    assert day_level(facts, "api", "2026-11-21") == "partial_outage"
    assert day_level(facts, "api", "2026-11-22") == "under_maintenance"
    assert day_level(facts, "api", "2026-11-23") == "operational"
    assert day_level(facts, "dashboard", "2026-11-20") == "operational"  # not affected
    # Days before a service is tracked have no data.
    config = model.config
    late = replace(config, services=tuple(replace(s, since=date(2026, 11, 20)) if s.id == "email" else s
                                          for s in config.services))
    facts = make_facts(make_ctx(replace(model, config=late)))
    assert day_level(facts, "email", "2026-11-19") == "nodata" and day_level(facts, "email", "2026-11-20") == "operational"


def test_bars_say_each_day_in_words_and_link_to_the_daily_table() -> None:
    facts = make_facts(make_ctx(make_model([_outage("2026-11-20")])))
    view = bars(facts, "api", "Public API", "")
    assert view.label == f"Public API: daily status, last {len(view.days)} days"
    day = next(d for d in view.days if d.href.endswith("#day-2026-11-20"))
    assert day.href == "services/api/#day-2026-11-20" and day.level == "major_outage"
    assert day.summary.startswith("20 Nov 2026. Major outage. ") and day.summary.endswith("1 incident: Checkout down")
    quiet = next(d for d in view.days if d.href.endswith("#day-2026-11-23"))
    assert quiet.summary.endswith("No downtime. 100.00% uptime. no incidents")
    assert view.uptime_text.endswith("uptime (90 days)") and view.start_text == f"{len(view.days)} days ago"


def test_recent_history_has_fourteen_days_today_first() -> None:
    old = _outage("2026-10-01")
    model = make_model([_outage("2026-11-20"), old],
                       [make_maintenance("2026-11-24-db", start="2026-11-24T02:00:00Z", end="2026-11-24T03:00:00Z")])
    view = home_view(make_facts(make_ctx(model)))
    assert len(view.recent) == RECENT_DAYS
    assert view.recent[0].heading == "Thursday, 26 Nov 2026" and view.recent[-1].heading == "Friday, 13 Nov 2026"
    by_day = {d.heading: [i.link.text for i in d.items] for d in view.recent}
    assert by_day["Friday, 20 Nov 2026"] == ["Checkout down"]
    assert by_day["Tuesday, 24 Nov 2026"] == ["Database upgrade"]
    assert all(old.title not in names or day == "Friday, 20 Nov 2026" for day, names in by_day.items())
    item = view.recent[6].items[0]
    assert item.meta == ("Resolved",) and item.duration == "1 h 00 min"  # severity: only with publish.severity
    assert [a.impact for a in item.affected] == ["major outage"] and item.affected[0].service.href == "services/api/"
    assert view.banner.level == "operational" and view.active == ()


def test_history_is_paginated_by_three_months_with_prev_and_next() -> None:
    views = history_views(make_facts(make_ctx(sample_model())))
    assert [len(v.months) for v in views] == [3, 3, 3]
    assert [m.anchor for m in views[0].months] == ["2026-11", "2026-10", "2026-09"]
    middle = views[1].pagination
    assert [(p.text, p.href, p.rel) for p in middle] == [
        ("Newer", "../../", "prev"), ("1", "../../", ""), ("2", "", ""), ("3", "../3/", ""), ("Older", "../3/", "next")]
    assert views[0].page.title == "Incident history" and views[1].page.url == "history/page/2/"
    assert views[0].pagination[0].rel == "" and views[-1].pagination[-1].text == "3"


def test_action_items_state_due_dates_and_tracker_links() -> None:
    pm = replace(make_postmortem("2026-03-14-x", ("2026-03-14-api-errors",)), action_items=(
        ActionItem("Canary configs", "prevent", "platform", date(2026, 11, 1), "open",
                   tracker="https://tracker.example/T-1"),
        ActionItem("Page the owner", "detect", "sre", date(2027, 1, 1), "in_progress", tracker="javascript:alert(1)"),
        ActionItem("Rewrite it", "mitigate", "sre", None, "wont_do", reason="Too costly"),
    ))
    rows = action_rows(make_ctx(make_model(postmortems=[pm])), pm)
    assert [(r.title.href, r.overdue, r.due, r.state, r.reason) for r in rows] == [
        ("https://tracker.example/T-1", True, "1 Nov 2026", "Open", ""),
        ("", False, "1 Jan 2027", "In progress", ""),
        ("", False, "none", "Won't do", "Too costly"),
    ]
    view = postmortems_view(make_facts(make_ctx(make_model(postmortems=[pm]), drafts=True)))
    assert view.items[0].actions == "1 of 3 action items closed, 1 overdue"


def test_contributing_factors_and_action_items_go_into_the_bodys_own_sections() -> None:
    placed = body_parts("## Summary\n\nS.\n\n## Contributing factors\n\nWhy.\n\n## Action items\n\nWhat.\n\n## Lessons\n\nL.\n")
    assert [p.kind for p in placed] == ["prose", "factors", "prose", "actions", "prose"]
    assert "Why." in placed[0].prose and "What." in placed[2].prose and "Lessons" in placed[4].prose
    bare = body_parts("## Summary\n\nS.\n")
    assert [(p.kind, p.anchor) for p in bare] == [
        ("heading", "contributing-factors"), ("factors", ""), ("prose", ""), ("heading", "action-items"), ("actions", "")]


def test_update_notes_are_worded_once() -> None:
    ctx = make_ctx(make_model())
    u = upd("2026-11-26T10:00:00Z", "identified", "Found it.", services={"api": "partial_outage"}, severity="SEV-1",
            eta=ts("2026-11-26T14:00:00Z"))
    view = update_view(ctx, u, 2, show_eta=True)
    assert view.impact_note == "Impact changed: Public API: partial outage"
    assert view.severity_note == ""  # public pages show severity only with publish.severity
    shown = make_ctx(make_model(config=replace(make_config(), publish_severity=True)))
    assert update_view(shown, u, 2, show_eta=True).severity_note == "Severity: SEV-1 (Critical)"
    assert view.eta is not None and view.eta.text == "26 Nov 2026, 15:00 CET" and view.eta.iso == "2026-11-26T14:00:00Z"
    assert update_view(ctx, u, 2, show_eta=False).eta is None
    assert view.status_text == "Identified" and view.number == 2


def test_incident_view_states_escalation_and_internal_fields_only_when_internal() -> None:
    inc = make_incident("2026-11-26-x", severity="SEV-2", started="2026-11-26T10:00:00Z",
                        updates=[upd("2026-11-26T10:00:00Z", "investigating", "A."),
                                 upd("2026-11-26T10:30:00Z", "identified", "B.", severity="SEV-1")],
                        commander="alice-canary")
    model = make_model([inc])
    public = incident_view(make_facts(make_ctx(model)), inc)
    assert public.severity == "" and public.severity_note == ""  # impact is what customers read
    shown = incident_view(make_facts(make_ctx(make_model([inc], config=replace(make_config(), publish_severity=True)))), inc)
    assert shown.severity == "SEV-1 (Critical)" and shown.severity_note == "(highest reached; declared as SEV-2)"
    assert public.duration == "Ongoing for 2 h 00 min" and public.resolved is None and public.internal is None
    assert [u.number for u in public.updates] == [2, 1]  # newest first
    assert public.updates[0].eta is None and public.affected[0].now_text == ""
    internal = incident_view(make_facts(make_ctx(model, internal=True)), inc)
    assert internal.internal is not None and internal.internal.commander == "alice-canary"
    assert internal.severity == "SEV-1 (Critical)"  # internal builds always show it


def test_service_view_budget_months_and_days() -> None:
    model = make_model([_outage("2026-11-20")])
    facts = make_facts(make_ctx(model))
    view = service_view(facts, model.config.service("api"))  # type: ignore[arg-type]
    assert view.slo == "99.95%" and [b.label for b in view.budgets] == ["Last 30 days", "Last 90 days", "This month"]
    # An hour of major outage: more than 99.95% allows in 30 days (21.6 min), less than in 90 (64.8 min).
    assert [b.exhausted for b in view.budgets] == [True, False, True]
    assert view.budgets[0].allowed == "21.6 min" and view.budgets[0].remaining == "-38.4 min"
    assert view.months[0].name == "November 2026" and len(view.months) <= 12
    assert view.days[0].key == "2026-11-26" and view.days_heading == f"Daily, last {len(view.days)} days"
    day = next(d for d in view.days if d.key == "2026-11-20")
    assert day.status.word == "major_outage" and [link.text for link in day.incidents] == ["Checkout down"]
    assert [f.text for f in view.feeds] == ["RSS feed", "Atom feed"] and view.badges[0].svg.endswith("status.svg")


def test_kpi_cells_say_not_enough_data_instead_of_a_number() -> None:
    few = stat_cell({"n": 3, "median": None, "p90": None})
    assert few.nodata and few.text.startswith("not enough data") and few.note == ""
    enough = stat_cell({"n": 12, "median": 600.0, "ci95": [300.0, 900.0], "p90": None})
    assert not enough.nodata and enough.note.startswith("(n=12; 95% interval ")
    assert mean_cell({"n": 0}).text == "no data (n=0)" and mean_cell({"n": 2, "mean": 60.0}).note == "(n=2)"


@given(st.text(st.characters(blacklist_categories=("Cs",))))
def test_message_lines_keep_every_character(text: str) -> None:
    assert "\n".join(text_lines(text)) == text.replace("\r\n", "\n")
