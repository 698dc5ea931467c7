"""Event derivation: stable ids, only growing with the clock, only public things (property tests)."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model import Incident, Maintenance, Model, Postmortem, Update
from generator.notify.events import KINDS, derive_events
from generator.notify.messages import view_for
from generator.site.visibility import SiteContext
from tests.compute_factories import config, service

BASE = datetime.fromisoformat("2026-11-01T00:00:00+00:00")
STATUSES = ("investigating", "identified", "monitoring", "resolved")


@st.composite
def incidents(draw: st.DrawFn, n: int) -> Incident:
    start = BASE + timedelta(minutes=draw(st.integers(0, 20000)))
    gaps = draw(st.lists(st.integers(0, 600), min_size=1, max_size=6))  # 0: two updates at one moment
    updates, at = [], start
    for i, gap in enumerate(gaps):
        at = at + timedelta(minutes=gap)
        status = draw(st.sampled_from(STATUSES))
        impact = draw(st.sampled_from(({}, {"api": "partial_outage"}, {"web": "major_outage"}, {"api": "operational"})))
        updates.append(Update(at=at, status=status, message=f"update {i}", services=impact))
    return Incident(id=f"2026-11-01-inc-{n}", path="", title=f"Incident {n}", severity="SEV-2",
                    services={"api": "major_outage"}, started_at=start, detected_at=start, updates=tuple(updates),
                    commander="SECRET-COMMANDER", error_messages=("SECRET-ERROR",))


@st.composite
def windows(draw: st.DrawFn, n: int) -> Maintenance:
    start = BASE + timedelta(minutes=draw(st.integers(0, 20000)))
    end = start + timedelta(minutes=draw(st.integers(1, 600)))
    kinds = draw(st.lists(st.sampled_from(("scheduled", "in_progress", "verifying", "completed")), max_size=4))
    ups, at = [], start - timedelta(days=2)
    for i, status in enumerate(kinds):
        at = at + timedelta(minutes=draw(st.integers(0, 900)))
        ups.append(Update(at=at, status=status, message=f"window {i}"))
    return Maintenance(id=f"2026-11-01-mw-{n}", path="", title=f"Window {n}", services={"web": "under_maintenance"},
                       scheduled_start=start, scheduled_end=end, cancelled=draw(st.booleans()), updates=tuple(ups))


@st.composite
def models(draw: st.DrawFn) -> Model:
    incs = tuple(draw(incidents(i)) for i in range(draw(st.integers(0, 3))))
    mws = tuple(draw(windows(i)) for i in range(draw(st.integers(0, 3))))
    pms = []
    for i, inc in enumerate(incs):
        status = draw(st.sampled_from(("draft", "in_review", "published")))
        visibility = draw(st.sampled_from(("public", "internal")))
        pms.append(Postmortem(id=f"{inc.id}-pm{i}", path="", title=f"PM {i} {status} {visibility}",
                              incidents=(inc.id,), status=status, visibility=visibility, authors=("a",),
                              summary=f"summary {status} {visibility}", contributing_factors=("x",),
                              published_at=inc.started_at + timedelta(days=1)))
    cfg = config([service("api"), service("web")])
    return Model(config=cfg, incidents=incs, maintenance=mws, postmortems=tuple(pms))


moments = st.lists(st.integers(0, 40000), min_size=2, max_size=4).map(
    lambda xs: sorted(BASE + timedelta(minutes=x) for x in xs))


@settings(max_examples=150, deadline=None)
@given(models(), moments)
def test_events_only_grow_and_keep_their_ids(model: Model, nows: list[datetime]) -> None:
    previous: dict[str, object] = {}
    for now in nows:
        events = derive_events(model, now)
        ids = [e.id for e in events]
        assert len(ids) == len(set(ids)), "ids are unique"
        by_id = {e.id: e for e in events}
        assert set(previous) <= set(by_id), "an event never disappears as now advances"
        for eid, old in previous.items():
            new = by_id[eid]
            assert (new.kind, new.subject, new.subject_id, new.at, new.update) == old, "an event never changes"
        for e in events:
            assert e.kind in KINDS
            assert e.at is None or e.at <= now, "nothing from the future"
            assert e.id.startswith(f"{e.subject}:{e.subject_id}:")
        previous = {e.id: (e.kind, e.subject, e.subject_id, e.at, e.update) for e in events}


@settings(max_examples=100, deadline=None)
@given(models(), moments)
def test_derivation_is_deterministic_and_public(model: Model, nows: list[datetime]) -> None:
    now = nows[-1]
    assert derive_events(model, now) == derive_events(model, now)
    ctx = SiteContext(model, now, model.config.site.url)
    for e in derive_events(model, now):
        if e.subject == "postmortem":
            pm = next(p for p in model.postmortems if p.id == e.subject_id)
            assert pm.status == "published" and pm.visibility == "public"
        text = repr(view_for(e, ctx))
        assert "SECRET-COMMANDER" not in text and "SECRET-ERROR" not in text
        assert "draft" not in text.split("title=")[1].split(",")[0] if e.subject == "postmortem" else True


@settings(max_examples=100, deadline=None)
@given(models(), moments)
def test_every_incident_update_is_exactly_one_event(model: Model, nows: list[datetime]) -> None:
    now = nows[-1]
    events = derive_events(model, now)
    for inc in model.incidents:
        seen = [u for u in inc.updates if u.at <= now] if inc.started_at <= now else []
        mine = [e for e in events if e.subject_id == inc.id]
        assert len(mine) == len(seen)
        assert sorted(e.update for e in mine) == list(range(len(seen)))
        if mine:
            assert mine[0].kind == "incident.opened" or any(e.kind == "incident.opened" for e in mine)


def test_kinds_of_an_incident_including_reopening() -> None:
    t = BASE
    ups = tuple(Update(at=t + timedelta(minutes=m), status=s, message=s) for m, s in
                ((5, "investigating"), (10, "identified"), (20, "resolved"), (30, "investigating"), (40, "resolved")))
    inc = Incident(id="2026-11-01-x", path="", title="X", severity="SEV-3", services={"api": "major_outage"},
                   started_at=t, detected_at=t, updates=ups)
    model = Model(config=config([service("api")]), incidents=(inc,), maintenance=(), postmortems=())
    events = derive_events(model, t + timedelta(hours=1))
    assert [(e.kind, e.id) for e in events] == [
        ("incident.opened", "incident:2026-11-01-x:opened"),
        ("incident.updated", "incident:2026-11-01-x:updated:2026-11-01T00:10:00Z"),
        ("incident.resolved", "incident:2026-11-01-x:resolved:2026-11-01T00:20:00Z"),
        ("incident.reopened", "incident:2026-11-01-x:reopened:2026-11-01T00:30:00Z"),
        ("incident.resolved", "incident:2026-11-01-x:resolved:2026-11-01T00:40:00Z"),
    ]
    ctx = SiteContext(model, t + timedelta(hours=1), model.config.site.url)
    assert view_for(events[3], ctx).headline == "Reopened: X"


def test_same_moment_updates_get_distinct_ids() -> None:
    t = BASE
    ups = (Update(at=t, status="investigating", message="a"), Update(at=t, status="identified", message="b"),
           Update(at=t, status="identified", message="c"))
    inc = Incident(id="2026-11-01-y", path="", title="Y", severity="SEV-3", services={"api": "major_outage"},
                   started_at=t, detected_at=t, updates=ups)
    model = Model(config=config([service("api")]), incidents=(inc,), maintenance=(), postmortems=())
    assert [e.id for e in derive_events(model, t)] == [
        "incident:2026-11-01-y:opened", "incident:2026-11-01-y:updated:2026-11-01T00:00:00Z",
        "incident:2026-11-01-y:updated:2026-11-01T00:00:00Z~2"]


def test_a_cancelled_window_is_news_only_to_who_heard_of_it() -> None:
    start = BASE + timedelta(days=3)
    mw = Maintenance(id="2026-11-04-m", path="", title="M", services={"api": "under_maintenance"},
                     scheduled_start=start, scheduled_end=start + timedelta(hours=1), cancelled=True)
    model = Model(config=config([service("api")]), incidents=(), maintenance=(mw,), postmortems=())
    scheduled, cancelled = derive_events(model, BASE)
    assert scheduled.kind == "maintenance.scheduled" and not scheduled.deliverable(BASE, timedelta(days=1))
    assert cancelled.kind == "maintenance.cancelled" and cancelled.deliverable(BASE, timedelta(days=1))
    assert cancelled.requires == ("maintenance:2026-11-04-m:scheduled", "maintenance:2026-11-04-m:started")
