"""Messages: golden snapshots of each channel's payload for one event, and the wording rules."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator.load import load_repository
from generator.notify import messages as msg
from generator.notify.events import derive_events
from generator.site.visibility import SiteContext
from generator.timeparse import parse_timestamp
from tests.notify_repo import OPEN_INCIDENT, T0, T2, make_repo

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "notify" / "golden"
UPDATE = os.environ.get("STATUSPRESS_UPDATE_GOLDEN") == "1"  # rewrite the snapshots after a wanted change


def _views(tmp_path: Path, now: str) -> tuple[SiteContext, dict]:
    model, problems = load_repository(make_repo(tmp_path / "repo"))
    assert not [p for p in problems if p.level == "error"]
    ctx = SiteContext(model, parse_timestamp(now), model.config.site.url)
    return ctx, {e.id: e for e in derive_events(model, ctx.now)}


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{name} changed; STATUSPRESS_UPDATE_GOLDEN=1 if wanted"


@pytest.mark.parametrize("event_id,stem", [
    (f"incident:{OPEN_INCIDENT}:updated:2026-11-26T09:40:00Z", "incident-updated"),
    ("maintenance:2026-11-26-dashboard-upgrade:completed", "maintenance-completed"),
    ("postmortem:2026-10-01-dashboard-outage:published", "postmortem-published"),
])
def test_golden_payloads(tmp_path: Path, event_id: str, stem: str) -> None:
    ctx, events = _views(tmp_path, T2)
    event = events[event_id]
    view = msg.view_for(event, ctx)
    mail = msg.email_message(view)
    _check(f"{stem}.email.txt", f"Subject: {mail.subject}\n\n{mail.text}")
    _check(f"{stem}.email.html", mail.html)
    for kind, make in (("slack", msg.slack_payload), ("teams", msg.teams_payload), ("discord", msg.discord_payload)):
        _check(f"{stem}.{kind}.json", json.dumps(make(view), indent=2, ensure_ascii=False) + "\n")
    _check(f"{stem}.webhook.json", json.dumps(msg.webhook_payload(view, event, ctx), indent=2, ensure_ascii=False) + "\n")


def test_same_input_same_bytes(tmp_path: Path) -> None:
    ctx, events = _views(tmp_path, T0)
    for event in events.values():
        one = msg.json_body(msg.webhook_payload(msg.view_for(event, ctx), event, ctx))
        two = msg.json_body(msg.webhook_payload(msg.view_for(event, ctx), event, ctx))
        assert one == two


def test_headlines_name_the_subject_and_its_status(tmp_path: Path) -> None:
    ctx, events = _views(tmp_path, T2)
    headlines = {eid: msg.view_for(e, ctx).headline for eid, e in events.items() if "2026-11-26" in eid}
    assert headlines == {
        f"incident:{OPEN_INCIDENT}:opened": "Investigating: Elevated API errors",
        f"incident:{OPEN_INCIDENT}:updated:2026-11-26T09:40:00Z": "Identified: Elevated API errors",
        "maintenance:2026-11-26-dashboard-upgrade:scheduled": "Maintenance scheduled: Dashboard upgrade",
        "maintenance:2026-11-26-dashboard-upgrade:started": "Maintenance in progress: Dashboard upgrade",
        "maintenance:2026-11-26-dashboard-upgrade:completed": "Maintenance completed: Dashboard upgrade",
    }


def test_discord_stays_within_its_limits_with_huge_text(tmp_path: Path) -> None:
    ctx, events = _views(tmp_path, T0)
    view = msg.view_for(events[f"incident:{OPEN_INCIDENT}:opened"], ctx)
    from dataclasses import replace

    big = replace(view, headline="H" * 400, message="m" * 9000,
                  facts=tuple(msg.Fact(f"F{i}" * 200, "v" * 2000) for i in range(30)))
    [embed] = msg.discord_payload(big)["embeds"]
    assert len(embed["title"]) == 256 and 0 < len(embed["fields"]) <= 25 and len(embed["description"]) <= 4096
    assert all(len(f["name"]) <= 256 and len(f["value"]) <= 1024 for f in embed["fields"])
    total = len(embed["title"]) + len(embed["description"]) + len(embed["footer"]["text"]) + sum(
        len(f["name"]) + len(f["value"]) for f in embed["fields"])
    assert total <= 6000
    slack = msg.slack_payload(big)
    assert len(slack["blocks"][0]["text"]["text"]) == 150 and len(slack["blocks"][1]["text"]["text"]) <= 3000
    assert len(slack["blocks"][2]["fields"]) == 10


def test_escapes() -> None:
    assert msg.slack_escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    assert msg.markdown_escape("**x** @everyone [a](b)") == "\\*\\*x\\*\\* \\@everyone \\[a\\](b)"
    assert msg.markdown_escape("# title\n- item\n1. one") == "\\# title\n\\- item\n\\1. one"
    assert msg.teams_escape("_x_ [a](b)") == "\\_x\\_ \\[a\\](b)"
