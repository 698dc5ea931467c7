"""statuspress notify against real receivers on 127.0.0.1: an HTTP server for Slack, Teams,
Discord and the webhook, aiosmtpd for email. Payload shapes, signatures, exactly-once across
reruns, retries, failures, crashes between send and record, concurrent runs, leaks."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.notify_repo import (
    LEAK_MARKERS,
    MAINTENANCE,
    OLD_INCIDENT,
    OPEN_INCIDENT,
    RESOLVE_UPDATE,
    T0,
    T1,
    T2,
    incident_text,
    make_repo,
    write_incident,
)
from tests.support.receivers import HttpReceiver, SmtpReceiver

SECRET = "hook-secret-for-tests"
SITE = "https://status.acme.example/"
INCIDENT_URL = f"{SITE}incidents/{OPEN_INCIDENT}/"
MAINTENANCE_URL = f"{SITE}maintenance/{MAINTENANCE}/"


def env_for(http: HttpReceiver, smtp: SmtpReceiver | None) -> dict[str, str]:
    env = {"SLACK_URL": http.url("/slack"), "TEAMS_URL": http.url("/teams"), "DISCORD_URL": http.url("/discord"),
           "HOOK_URL": http.url("/webhook"), "HOOK_SECRET": SECRET, "DASH_URL": http.url("/dash"),
           "no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1", "http_proxy": "", "HTTP_PROXY": ""}
    if smtp is not None:
        env["SMTP_URL"] = smtp.url()
        env["SSL_CERT_FILE"] = str(smtp.cert)
    return env


def notify(root: Path, now: str, env: dict[str, str], *args: str):
    return CliRunner().invoke(main, ["notify", "--root", str(root), "--now", now, *args], env=env,
                              catch_exceptions=False)


def json_bodies(http: HttpReceiver, path: str) -> list[dict]:
    return [json.loads(b) for b in http.bodies(path)]


def ledger(root: Path) -> dict:
    return json.loads((root / ".statuspress" / "notified.json").read_text(encoding="utf-8"))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


@pytest.fixture
def smtp(tmp_path: Path):
    with SmtpReceiver(tmp_path) as receiver:
        yield receiver


# --------------------------------------------------------------------------- shapes


def test_every_channel_gets_its_documented_shape(repo: Path, smtp: SmtpReceiver) -> None:
    with HttpReceiver() as http:
        result = notify(repo, T0, env_for(http, smtp))
    assert result.exit_code == 0, result.output
    expected_ids = [f"postmortem:{OLD_INCIDENT}:published", f"incident:{OPEN_INCIDENT}:opened",
                    f"incident:{OPEN_INCIDENT}:updated:2026-11-26T09:40:00Z", f"maintenance:{MAINTENANCE}:scheduled"]

    # Slack: incoming webhook with Block Kit; plain fallback text; the link in mrkdwn.
    slack = json_bodies(http, "/slack")
    assert len(slack) == 4
    for payload in slack:
        assert set(payload) == {"text", "blocks"}
        assert [b["type"] for b in payload["blocks"]] in (["header", "section", "section", "context"],)
        assert payload["blocks"][0]["text"]["type"] == "plain_text"
        assert len(payload["blocks"][0]["text"]["text"]) <= 150
        assert all(len(f["text"]) <= 2000 for f in payload["blocks"][2]["fields"])
    opened = slack[1]
    assert opened["blocks"][0]["text"]["text"] == "Investigating: Elevated API errors"
    assert f"<{INCIDENT_URL}|View on the status page>" in opened["blocks"][3]["elements"][0]["text"]
    assert "*Services*\nPublic API: Major outage" in [f["text"] for f in opened["blocks"][2]["fields"]]

    # Teams: the Workflows envelope around one Adaptive Card with a link action.
    for payload in json_bodies(http, "/teams"):
        assert payload["type"] == "message"
        [attachment] = payload["attachments"]
        assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
        card = attachment["content"]
        assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
        assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
        assert card["actions"][0]["type"] == "Action.OpenUrl"
        assert card["actions"][0]["url"].startswith(SITE)
        assert {b["type"] for b in card["body"]} <= {"TextBlock", "FactSet"}

    # Discord: one embed within the limits; mentions switched off.
    discord = json_bodies(http, "/discord")
    for payload in discord:
        assert payload["allowed_mentions"] == {"parse": []}
        [embed] = payload["embeds"]
        assert len(embed["title"]) <= 256 and len(embed["description"]) <= 4096 and len(embed["fields"]) <= 25
        total = len(embed["title"]) + len(embed["description"]) + len(embed["footer"]["text"]) + sum(
            len(f["name"]) + len(f["value"]) for f in embed["fields"])
        assert total <= 6000
        assert embed["url"].startswith(SITE)
    assert discord[1]["embeds"][0]["url"] == INCIDENT_URL
    assert discord[1]["embeds"][0]["timestamp"] == "2026-11-26T09:05:00Z"

    # Webhook: Statuspage's shape, signed.
    hook_requests = [r for r in http.requests if r.path == "/webhook"]
    assert [r.headers["x-statuspress-event"] for r in hook_requests] == expected_ids
    for req in hook_requests:
        digest = hmac.new(SECRET.encode(), req.body, hashlib.sha256).hexdigest()
        assert req.headers["x-statuspress-signature"] == f"sha256={digest}"
        payload = json.loads(req.body)
        assert {"meta", "page", "incident"} <= set(payload)
        assert set(payload["page"]) == {"id", "status_indicator", "status_description"}
        assert payload["meta"]["event_id"] == req.headers["x-statuspress-event"]
        assert payload["incident"]["incident_updates"] is not None
    update = json.loads(hook_requests[2].body)
    assert update["incident"]["id"] == OPEN_INCIDENT
    assert update["incident"]["shortlink"] == INCIDENT_URL
    assert [u["status"] for u in update["incident"]["incident_updates"]] == ["identified", "investigating"]
    assert update["component_update"] == {"id": f"{OPEN_INCIDENT}-u2-api", "component_id": "api",
                                          "created_at": "2026-11-26T09:40:00Z", "old_status": "major_outage",
                                          "new_status": "partial_outage"}
    assert update["component"]["id"] == "api"
    maintenance = json.loads(hook_requests[3].body)
    assert maintenance["incident"]["status"] == "scheduled"
    assert maintenance["incident"]["scheduled_for"] == "2026-11-26T13:00:00Z"
    assert "component_update" not in maintenance

    # The service filter: the dashboard channel gets only what concerns the dashboard.
    dash = json_bodies(http, "/dash")
    assert [p["blocks"][0]["text"]["text"] for p in dash] == [
        "Post-mortem published: Dashboard outage review", "Maintenance scheduled: Dashboard upgrade"]

    # Email: subject names the incident and status; text and HTML parts, both with the link.
    assert len(smtp.messages) == 4
    assert smtp.envelopes[0] == ("status@acme.example", ["ops@acme.example", "cto@acme.example"])
    mail = smtp.messages[1]
    assert mail["Subject"] == "[Acme Status] Investigating: Elevated API errors"
    assert mail["From"] == "status@acme.example"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert INCIDENT_URL in text and f'href="{INCIDENT_URL}"' in html
    assert "We are investigating errors on the API." in text and "We are investigating errors on the API." in html
    assert mail["Message-ID"].endswith("@status.acme.example>")

    # Every delivery is in the ledger.
    channels = ledger(repo)["channels"]
    assert set(channels) == {"slack-slack-url", "teams-teams-url", "discord-discord-url", "webhook-hook-url",
                             "email-smtp-url", "dashboard-team"}
    assert sorted(channels["webhook-hook-url"]) == sorted(expected_ids)
    assert {e["state"] for ch in channels.values() for e in ch.values()} == {"delivered"}


def test_email_over_implicit_tls(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", channels="  - {type: email, smtp_url_env: SMTP_URL, from: s@acme.example, "
                     "to: [a@acme.example]}\n")
    with SmtpReceiver(tmp_path, implicit_tls=True) as smtp, HttpReceiver() as http:
        result = notify(repo, T0, env_for(http, smtp))
    assert result.exit_code == 0, result.output
    assert [m["Subject"] for m in smtp.messages][1] == "[Acme Status] Investigating: Elevated API errors"


def test_email_refuses_an_untrusted_certificate(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", channels="  - {type: email, smtp_url_env: SMTP_URL, from: s@acme.example, "
                     "to: [a@acme.example]}\n")
    with SmtpReceiver(tmp_path) as smtp, HttpReceiver() as http:
        env = env_for(http, smtp)
        env["SSL_CERT_FILE"] = str(tmp_path / "nothing.pem")  # trust nothing: the certificate is self-signed
        result = notify(repo, T0, env)
    assert result.exit_code == 1
    assert "TLS failed" in result.output
    assert smtp.messages == []


# --------------------------------------------------------------------------- exactly once


def test_rerun_sends_nothing_and_a_new_update_only_itself(repo: Path, smtp: SmtpReceiver) -> None:
    with HttpReceiver() as http:
        env = env_for(http, smtp)
        assert notify(repo, T0, env).exit_code == 0
        first = len(http.requests)
        again = notify(repo, T0, env)
        assert again.exit_code == 0 and "0 message(s) sent" in again.output
        assert len(http.requests) == first and len(smtp.messages) == 4

        write_incident(repo, incident_text(extra_updates=RESOLVE_UPDATE, resolved_at="2026-11-26T12:30:00Z"))
        later = notify(repo, "2026-11-26T12:45:00Z", env)
    assert later.exit_code == 0, later.output
    new = http.requests[first:]
    # One message per channel that covers the API (the dashboard channel does not).
    assert sorted(r.path for r in new) == ["/discord", "/slack", "/teams", "/webhook"]
    assert new[-1].headers["x-statuspress-event"] == f"incident:{OPEN_INCIDENT}:resolved:2026-11-26T12:30:00Z"
    slack = json.loads(next(r.body for r in new if r.path == "/slack"))
    assert slack["blocks"][0]["text"]["text"] == "Resolved: Elevated API errors"
    assert smtp.messages[-1]["Subject"] == "[Acme Status] Resolved: Elevated API errors"
    assert len(smtp.messages) == 5


def test_maintenance_starts_and_ends_with_the_clock(repo: Path) -> None:
    channels = "  - {type: webhook, url_env: HOOK_URL, services: [dashboard]}\n"
    (repo / "site_config.yml").write_text((repo / "site_config.yml").read_text().split("notify:")[0]
                                          + "notify:\n" + channels)
    with HttpReceiver() as http:
        env = env_for(http, None)
        for now in (T0, T1, T1, T2):
            assert notify(repo, now, env).exit_code == 0
    kinds = [(json.loads(b)["meta"]["event_kind"], json.loads(b)["incident"]["status"]) for b in http.bodies()]
    assert kinds == [("postmortem.published", "resolved"), ("maintenance.scheduled", "scheduled"),
                     ("maintenance.started", "in_progress"), ("maintenance.completed", "completed")]


def test_first_run_on_a_long_history_sends_nothing_old(repo: Path) -> None:
    channels = "  - {type: webhook, url_env: HOOK_URL}\n"
    (repo / "site_config.yml").write_text((repo / "site_config.yml").read_text().split("notify:")[0]
                                          + "notify:\n" + channels)
    with HttpReceiver() as http:
        env = env_for(http, None)
        assert notify(repo, "2026-11-26T09:45:00Z", env, "--max-age", "10m").exit_code == 0
        events = [r.headers["x-statuspress-event"] for r in http.requests]
        # 09:05 and 08:00 are too old; 09:40 is not; the upcoming maintenance is news until it starts.
        assert events == [f"incident:{OPEN_INCIDENT}:updated:2026-11-26T09:40:00Z", f"maintenance:{MAINTENANCE}:scheduled"]
        assert notify(repo, "2026-11-26T09:45:00Z", env, "--max-age", "400d").exit_code == 0
    events = [r.headers["x-statuspress-event"] for r in http.requests]
    assert f"incident:{OLD_INCIDENT}:opened" in events and f"incident:{OLD_INCIDENT}:resolved:2026-10-01T11:00:00Z" in events
    assert Counter(events).most_common(1)[0][1] == 1


def test_malformed_max_age_is_a_usage_error(repo: Path) -> None:
    result = notify(repo, T0, {}, "--max-age", "soon")
    assert result.exit_code == 2
    assert "--max-age" in result.output


# --------------------------------------------------------------------------- failures


def _only(repo: Path, channels: str) -> None:
    text = (repo / "site_config.yml").read_text().split("notify:")[0]
    (repo / "site_config.yml").write_text(text + "notify:\n" + channels)


def test_5xx_is_retried_until_delivered(repo: Path) -> None:
    _only(repo, "  - {type: discord, url_env: DISCORD_URL}\n")
    with HttpReceiver(fail_first=2, fail_status=503) as http:
        result = notify(repo, T0, env_for(http, None))
    assert result.exit_code == 0, result.output
    assert len(http.requests) == 4 + 2  # the first message took three attempts
    assert http.requests[0].body == http.requests[2].body
    assert len(ledger(repo)["channels"]["discord-discord-url"]) == 4


def test_a_timeout_is_retried(repo: Path) -> None:
    _only(repo, "  - {type: teams, url_env: TEAMS_URL, timeout: 1s}\n")
    with HttpReceiver(hang_first=1, hang_seconds=2.5) as http:
        result = notify(repo, T0, env_for(http, None))
    assert result.exit_code == 0, result.output
    assert len(http.requests) == 5
    assert http.requests[0].body == http.requests[1].body


def test_4xx_is_not_retried_and_other_channels_still_deliver(repo: Path, smtp: SmtpReceiver) -> None:
    with HttpReceiver() as http, HttpReceiver(fail_first=99, fail_status=404) as broken:
        env = env_for(http, smtp)
        env["SLACK_URL"] = broken.url("/slack")
        result = notify(repo, T0, env)
        assert result.exit_code == 1
        assert "slack-slack-url" in result.output and "HTTP 404" in result.output
        assert len(broken.requests) == 1  # not retried, and the channel's later events wait
        assert len(http.bodies("/teams")) == 4 and len(smtp.messages) == 4
        assert "slack-slack-url" not in ledger(repo)["channels"]

        env["SLACK_URL"] = http.url("/slack")
        fixed = notify(repo, T0, env)
    assert fixed.exit_code == 0
    assert len(http.bodies("/slack")) == 4 and len(http.bodies("/teams")) == 4


def test_unreachable_channel_fails_after_retries(repo: Path) -> None:
    _only(repo, "  - {type: slack, url_env: SLACK_URL, timeout: 1s}\n")
    with HttpReceiver() as http:
        url = http.url("/slack")
    result = notify(repo, T0, {"SLACK_URL": url})  # the server is gone: connection refused
    assert result.exit_code == 1
    assert "connection failed" in result.output and "4 attempts" in result.output
    assert url not in result.output  # the URL is a secret
    assert ledger(repo)["channels"] == {}


def test_crash_between_send_and_record_sends_again_with_a_warning(repo: Path) -> None:
    """At least once: the receiver kills the sender after getting the first message, before answering."""
    _only(repo, "  - {type: webhook, url_env: HOOK_URL}\n")
    procs: list[subprocess.Popen] = []

    def crash(_req) -> None:
        if len(http.requests) == 1:
            os.kill(procs[0].pid, signal.SIGKILL)
            procs[0].wait()

    with HttpReceiver(before_answer=crash) as http:
        env = {**os.environ, **env_for(http, None)}
        cmd = [sys.executable, "-m", "generator", "notify", "--root", str(repo), "--now", T0]
        procs.append(subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        procs[0].communicate(timeout=60)
        assert procs[0].returncode == -signal.SIGKILL
        first = http.requests[0].headers["x-statuspress-event"]
        assert ledger(repo)["channels"]["webhook-hook-url"] == {first: {"state": "sending", "at": T0}}

        rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{first} was being sent when an earlier run stopped; it may arrive twice" in rerun.stderr
    counts = Counter(r.headers["x-statuspress-event"] for r in http.requests)
    assert counts[first] == 2 and all(n == 1 for e, n in counts.items() if e != first)
    assert http.requests[0].body == http.requests[1].body  # the same message, the same event id
    assert {e["state"] for e in ledger(repo)["channels"]["webhook-hook-url"].values()} == {"delivered"}


def test_concurrent_runs_deliver_each_event_once(repo: Path) -> None:
    _only(repo, "  - {type: webhook, url_env: HOOK_URL}\n  - {type: slack, url_env: SLACK_URL}\n")
    with HttpReceiver(delay=0.2) as http:
        env = {**os.environ, **env_for(http, None)}
        cmd = [sys.executable, "-m", "generator", "notify", "--root", str(repo), "--now", T0]
        procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
        outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    sent = sorted(o[0].decode().count(": sent ") for o in outs)
    assert sent == [0, 8]  # one run sent everything; the other waited for the lock, then found nothing new
    keys = [(r.path, hashlib.sha256(r.body).hexdigest()) for r in http.requests]
    assert len(keys) == 8 and len(set(keys)) == 8


def test_corrupt_ledger_stops_the_run_and_is_kept(repo: Path) -> None:
    path = repo / ".statuspress" / "notified.json"
    path.parent.mkdir()
    path.write_text("{not json", encoding="utf-8")
    _only(repo, "  - {type: slack, url_env: SLACK_URL}\n")
    with HttpReceiver() as http:
        result = notify(repo, T0, env_for(http, None))
    assert result.exit_code == 2
    assert "cannot read the ledger" in result.output and str(path) in result.output
    assert path.read_text(encoding="utf-8") == "{not json" and http.requests == []


def test_ledger_is_replaced_atomically_and_lists_no_secret(repo: Path, smtp: SmtpReceiver) -> None:
    with HttpReceiver() as http:
        env = env_for(http, smtp)
        assert notify(repo, T0, env).exit_code == 0
    folder = repo / ".statuspress"
    assert sorted(p.name for p in folder.iterdir()) == ["notified.json", "notified.json.lock"]
    text = (folder / "notified.json").read_text(encoding="utf-8")
    assert SECRET not in text and "127.0.0.1" not in text and smtp.password not in text


# --------------------------------------------------------------------------- configuration and dry run


def test_dry_run_prints_every_message_and_sends_nothing(repo: Path) -> None:
    with HttpReceiver() as http:
        env = env_for(http, None)  # SMTP_URL unset: a warning, not an error
        result = notify(repo, T0, env, "--dry-run")
    assert result.exit_code == 0, result.output
    assert http.requests == []
    assert not (repo / ".statuspress" / "notified.json").exists()
    assert "environment variable SMTP_URL is not set" in result.output
    for name in ("slack-slack-url", "teams-teams-url", "discord-discord-url", "webhook-hook-url",
                 "email-smtp-url", "dashboard-team"):
        assert f"== {name} (" in result.output
    assert result.output.count(f"-- incident:{OPEN_INCIDENT}:opened") == 5
    assert "Subject: [Acme Status] Investigating: Elevated API errors" in result.output
    assert "X-Statuspress-Signature: sha256=" in result.output
    assert http.url() not in result.output


def test_unset_variable_is_an_error_naming_it(repo: Path) -> None:
    with HttpReceiver() as http:
        env = env_for(http, None)
        result = notify(repo, T0, env)
    assert result.exit_code == 2
    assert "environment variable SMTP_URL is not set" in result.output
    assert http.requests == [] and not (repo / ".statuspress" / "notified.json").exists()


def test_a_variable_that_is_not_a_url_is_an_error(repo: Path) -> None:
    _only(repo, "  - {type: slack, url_env: SLACK_URL}\n")
    result = notify(repo, T0, {"SLACK_URL": "hooks.slack.com/services/T000/B000/XXXX"})
    assert result.exit_code == 2
    assert "SLACK_URL does not hold an http(s) URL" in result.output
    assert "XXXX" not in result.output


def test_content_problems_stop_the_run(repo: Path) -> None:
    write_incident(repo, incident_text().replace("severity: SEV-2", "severity: SEV-9"))
    result = notify(repo, T0, {})
    assert result.exit_code == 2
    assert "statuspress validate" in result.output


def test_no_channels_is_not_an_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", channels="")
    result = notify(repo, T0, {})
    assert result.exit_code == 0
    assert "No channels" in result.output


# --------------------------------------------------------------------------- leaks and escaping


def test_no_internal_field_draft_or_internal_postmortem_reaches_any_message(repo: Path, smtp: SmtpReceiver) -> None:
    with HttpReceiver() as http:
        env = env_for(http, smtp)
        for now in (T0, T1, T2):
            assert notify(repo, now, env, "--max-age", "400d").exit_code == 0
        dry = notify(repo, T2, env, "--dry-run", "--ledger", str(repo / "other.json"), "--max-age", "400d")
    sent = [r.body.decode() for r in http.requests] + [m.as_string() for m in smtp.messages] + [dry.output]
    assert len(http.requests) > 20
    for marker in LEAK_MARKERS:
        for text in sent:
            assert marker not in text, marker
    assert not any("-draft:" in e or "-internal:" in e for e in ledger(repo)["channels"]["webhook-hook-url"])


def test_user_text_is_escaped_for_each_channel(tmp_path: Path, smtp: SmtpReceiver) -> None:
    title = '<!channel> *Bold* @everyone & <script>alert(1)</script>'
    hostile = incident_text(title=f"'{title}'")
    repo = make_repo(tmp_path / "repo", incident=hostile)
    with HttpReceiver() as http:
        assert notify(repo, T0, env_for(http, smtp)).exit_code == 0
    slack = json_bodies(http, "/slack")[1]
    assert slack["blocks"][0]["text"]["text"] == f"Investigating: {title}"  # plain_text is shown as written
    assert "&lt;!channel&gt;" in slack["text"] and "<!channel>" not in slack["text"]
    discord = json_bodies(http, "/discord")[1]
    assert "\\*Bold\\*" in discord["embeds"][0]["title"] and "\\@everyone" in discord["embeds"][0]["title"]
    assert discord["allowed_mentions"] == {"parse": []}
    html = smtp.messages[1].get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert smtp.messages[1]["Subject"] == f"[Acme Status] Investigating: {title}"
    webhook = json_bodies(http, "/webhook")[1]
    assert webhook["incident"]["name"] == title


def test_every_message_links_to_what_it_is_about(repo: Path) -> None:
    _only(repo, "  - {type: discord, url_env: DISCORD_URL}\n")
    with HttpReceiver() as http:
        for now in (T0, T2):
            assert notify(repo, now, env_for(http, None)).exit_code == 0
    urls = {json.loads(b)["embeds"][0]["title"].split(":")[0]: json.loads(b)["embeds"][0]["url"]
            for b in http.bodies()}
    assert urls["Post-mortem published"] == f"{SITE}postmortems/{OLD_INCIDENT}/"
    assert urls["Investigating"] == INCIDENT_URL
    assert urls["Maintenance completed"] == MAINTENANCE_URL
