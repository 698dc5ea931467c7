"""maintenance.ics, parsed back with icalendar."""

from __future__ import annotations

from dataclasses import replace

import pytest
from icalendar import Calendar

from generator.site.ics import render_ics
from tests.site_factories import make_ctx, make_maintenance, make_model, sample_model, ts, upd


def events(data: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(data)
    assert cal["version"] == "2.0" and "statuspress" in str(cal["prodid"])
    return {str(ev["uid"]): ev for ev in cal.walk("VEVENT")}


@pytest.fixture(scope="module")
def ics() -> bytes:
    out = render_ics(make_ctx(sample_model()))
    assert list(out) == ["maintenance.ics"]
    return out["maintenance.ics"]


def test_one_event_per_maintenance_with_stable_uids(ics):
    evs = events(ics)
    assert set(evs) == {f"{m.id}@status.acme.example" for m in sample_model().maintenance}
    # UIDs and every byte stay the same across runs, clocks and preview URLs (apart from URLs).
    again = render_ics(make_ctx(sample_model(), "2027-01-05T00:00:00Z"))["maintenance.ics"]
    assert again == ics
    moved = render_ics(make_ctx(sample_model(), base_url="https://preview.example/"))["maintenance.ics"]
    assert set(events(moved)) == set(evs)
    assert str(events(moved)["2026-12-02-network@status.acme.example"]["url"]) == (
        "https://preview.example/maintenance/2026-12-02-network/")


def test_cancelled_windows_are_cancelled_and_others_confirmed(ics):
    evs = events(ics)
    assert str(evs["2026-12-10-dns@status.acme.example"]["status"]) == "CANCELLED"
    for uid, ev in evs.items():
        if not uid.startswith("2026-12-10-dns"):
            assert str(ev["status"]) == "CONFIRMED", uid
    assert ics.count(b"STATUS:CANCELLED") == 1


def test_times_follow_the_effective_window_and_dtstamp_the_content(ics):
    done = events(ics)["2026-04-02-db-upgrade@status.acme.example"]
    assert done.decoded("dtstart") == ts("2026-04-02T22:01:00Z")  # first in_progress update
    assert done.decoded("dtend") == ts("2026-04-02T23:10:00Z")  # completed update
    assert done.decoded("dtstamp") == ts("2026-04-02T23:10:00Z")  # last update
    assert done["sequence"] == 3
    nxt = events(ics)["2026-12-02-network@status.acme.example"]
    assert (nxt.decoded("dtstart"), nxt.decoded("dtend")) == (ts("2026-12-02T22:00:00Z"), ts("2026-12-03T01:00:00Z"))
    assert nxt["sequence"] == 1
    assert str(nxt["summary"]) == "Network switch replacement"
    desc = str(nxt["description"])
    assert "Affected services: Dashboard (under maintenance)" in desc
    assert "Switches in rack 4 will be replaced." in desc
    assert str(nxt["url"]) == "https://status.acme.example/maintenance/2026-12-02-network/"
    # A cancellation must out-rank the last version subscribers saw.
    assert events(ics)["2026-12-10-dns@status.acme.example"]["sequence"] == 2


def test_without_updates_dtstamp_is_the_scheduled_start():
    m = make_maintenance("2026-12-05-x", start="2026-12-05T01:00:00Z", end="2026-12-05T02:00:00Z")
    ev = events(render_ics(make_ctx(make_model(maintenance=[m])))["maintenance.ics"])["2026-12-05-x@status.acme.example"]
    assert ev.decoded("dtstamp") == ts("2026-12-05T01:00:00Z")
    assert ev["sequence"] == 0


def test_an_update_raises_sequence_and_dtstamp():
    m = make_maintenance("2026-12-05-x", updates=[upd("2026-11-20T08:00:00Z", "scheduled", "Planned.")])
    later = replace(m, updates=m.updates + (upd("2026-11-25T08:00:00Z", "scheduled", "Moved, same slot."),))
    a = events(render_ics(make_ctx(make_model(maintenance=[m])))["maintenance.ics"])["2026-12-05-x@status.acme.example"]
    b = events(render_ics(make_ctx(make_model(maintenance=[later])))["maintenance.ics"])[
        "2026-12-05-x@status.acme.example"]
    assert b["sequence"] > a["sequence"]
    assert b.decoded("dtstamp") > a.decoded("dtstamp")
    assert "Moved, same slot." in str(b["description"])


def test_text_is_escaped_per_rfc5545_and_round_trips():
    title = "Upgrade; DB, cache \\ and\nqueue \x01"
    m = make_maintenance("2026-12-05-x", title, updates=[upd("2026-11-20T08:00:00Z", "scheduled", "a, b; c")])
    data = render_ics(make_ctx(make_model(maintenance=[m])))["maintenance.ics"]
    assert b"SUMMARY:Upgrade\\; DB\\, cache \\\\ and\\nqueue \r\n" in data
    assert b"\x01" not in data
    ev = events(data)["2026-12-05-x@status.acme.example"]
    assert str(ev["summary"]) == "Upgrade; DB, cache \\ and\nqueue "
    assert "a, b; c" in str(ev["description"])
    # Lines are folded at 75 octets and end in CRLF.
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert data.endswith(b"END:VCALENDAR\r\n")


def test_empty_calendar_is_valid():
    data = render_ics(make_ctx(make_model()))["maintenance.ics"]
    assert events(data) == {}
