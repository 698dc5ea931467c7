"""``statuspress notify``: send every new event to every channel, once.

The flow for each channel, oldest event first: skip what the ledger has delivered, what is
older than ``max_age`` (unless still upcoming) and what concerns none of the channel's
services; mark the event ``sending``, deliver, mark it ``delivered``. A channel that fails
(after its retries) stops for this run, so its events stay in order for the next one; the
other channels go on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from generator import i18n
from generator.model import Model, NotifyChannel
from generator.notify import ledger as ledger_mod
from generator.notify import messages as msg
from generator.notify import send
from generator.notify.events import Event, derive_events
from generator.site.visibility import SiteContext

DEFAULT_LEDGER = Path(".statuspress") / "notified.json"
DEFAULT_MAX_AGE = timedelta(hours=24)


class NotifyConfigError(Exception):
    """Configuration that stops the run before anything is sent (exit status 2)."""


@dataclass(frozen=True)
class Outgoing:
    """One message for one channel, ready to send (or to print)."""

    event: Event
    kind: str  # http | email
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    email: msg.Email | None = None

    def describe(self) -> str:
        if self.email is not None:
            return f"Subject: {self.email.subject}\n\n{self.email.text}"
        headers = "".join(f"{k}: {v}\n" for k, v in self.headers.items())
        return headers + json.dumps(json.loads(self.body), indent=2, ensure_ascii=False) + "\n"


@dataclass
class Report:
    sent: int = 0
    failed_channels: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed_channels else 0


def resolve_secrets(channels: tuple[NotifyChannel, ...], env: Mapping[str, str]
                    ) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Channel name -> {variable: value}, and a problem for each unset or malformed variable."""
    values: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for ch in channels:
        got: dict[str, str] = {}
        for var in (ch.url_env, ch.secret_env, ch.smtp_url_env):
            if var is None:
                continue
            value = env.get(var, "")
            if not value:
                problems.append(f"channel {ch.name} (site_config.yml:{ch.line}): environment variable {var} "
                                "is not set; set it (a repository secret in CI) or remove the channel")
                continue
            if var in (ch.url_env,) and urlsplit(value).scheme not in ("http", "https"):
                problems.append(f"channel {ch.name}: {var} does not hold an http(s) URL")
                continue
            if var == ch.smtp_url_env and (why := send.smtp_url_problem(value)):
                problems.append(f"channel {ch.name}: {var} {why}")
                continue
            got[var] = value
        values[ch.name] = got
    return values, problems


def _wanted(ch: NotifyChannel, event: Event) -> bool:
    return ch.services is None or bool(set(ch.services) & set(event.services))


def outgoing(ch: NotifyChannel, event: Event, ctx: SiteContext, secrets: Mapping[str, str]) -> Outgoing:
    # The message in the site's language (the command's own output stays English).
    with i18n.use(ctx.model.config.site.language):
        view = msg.view_for(event, ctx)
        if ch.type == "email":
            mail = msg.email_message(view)
            return Outgoing(event, "email", email=mail)
        payload = {"slack": msg.slack_payload, "teams": msg.teams_payload, "discord": msg.discord_payload}.get(ch.type)
        data = payload(view) if payload is not None else msg.webhook_payload(view, event, ctx)
    body = msg.json_body(data)
    headers: dict[str, str] = {}
    if ch.type == "webhook":
        headers["X-Statuspress-Event"] = event.id
        secret = secrets.get(ch.secret_env or "")
        if secret:
            headers["X-Statuspress-Signature"] = send.signature(secret, body)
    return Outgoing(event, "http", body=body, headers=headers)


def message_id(ch: NotifyChannel, event: Event, host: str) -> str:
    """The same for every delivery of one event to one channel, so mail clients fold duplicates."""
    digest = hashlib.sha256(f"{ch.name}\n{event.id}".encode()).hexdigest()[:32]
    return f"<{digest}@{host}>"


def pending_for(ch: NotifyChannel, events: list[Event], ledger: ledger_mod.Ledger, now: datetime,
                max_age: timedelta) -> list[Event]:
    out: list[Event] = []
    for e in events:
        if ledger.delivered(ch.name, e.id) or not e.deliverable(now, max_age) or not _wanted(ch, e):
            continue
        if e.requires and not any(ledger.delivered(ch.name, r) for r in e.requires) and \
                not any(r in {x.id for x in out} for r in e.requires):
            continue
        out.append(e)
    return out


def run(model: Model, now: datetime, ledger_path: Path, *, dry_run: bool, max_age: timedelta,
        env: Mapping[str, str], echo: Callable[[str], None], warn: Callable[[str], None]) -> Report:
    channels = model.config.notify
    report = Report()
    if not channels:
        echo("No channels under notify: in site_config.yml; nothing to send.")
        return report
    secrets, problems = resolve_secrets(channels, env)
    if problems and not dry_run:
        raise NotifyConfigError("\n".join(problems))
    for p in problems:
        warn(f"warning: {p} (dry run: shown, would not be sent)")
    ctx = SiteContext(model, now, model.config.site.url)  # public: no internal fields, no drafts
    events = derive_events(model, now)
    if dry_run:
        ledger = ledger_mod.Ledger.load(ledger_path)
        for ch in channels:
            todo = pending_for(ch, events, ledger, now, max_age)
            echo(f"== {ch.name} ({ch.type}): {len(todo)} message(s) would be sent ==")
            for e in todo:
                out = outgoing(ch, e, ctx, secrets[ch.name])
                echo(f"-- {e.id}")
                echo(out.describe())
        return report
    with ledger_mod.locked(ledger_path):
        ledger = ledger_mod.Ledger.load(ledger_path)  # read under the lock: another run may just have written
        for ch in channels:
            for e in pending_for(ch, events, ledger, now, max_age):
                if ledger.state(ch.name, e.id) == ledger_mod.SENDING:
                    warn(f"warning: {ch.name}: {e.id} was being sent when an earlier run stopped; it may arrive twice")
                out = outgoing(ch, e, ctx, secrets[ch.name])
                ledger.mark(ch.name, e.id, ledger_mod.SENDING, now)
                ledger.save()
                result = _deliver(ch, out, secrets[ch.name], ctx, now)
                if result.ok:
                    ledger.mark(ch.name, e.id, ledger_mod.DELIVERED, now)
                    ledger.save()
                    report.sent += 1
                    echo(f"{ch.name}: sent {e.id} ({result.detail})")
                else:
                    ledger.forget(ch.name, e.id)
                    ledger.save()
                    report.failed_channels.append(ch.name)
                    warn(f"error: {ch.name}: {e.id} not delivered: {result.detail}; later events for this "
                         "channel wait for the next run")
                    break
        ledger.save()  # also when nothing was new: the next run (and the CI cache) finds a ledger
    return report


def _deliver(ch: NotifyChannel, out: Outgoing, secrets: Mapping[str, str], ctx: SiteContext,
             now: datetime) -> send.Delivery:
    timeout = ch.timeout.total_seconds()
    if out.email is not None:
        assert ch.smtp_url_env and ch.sender
        mail = send.build_email(ch.sender, ch.to, out.email.subject, out.email.text, out.email.html,
                                message_id(ch, out.event, ctx.host), now)
        return send.send_email(secrets[ch.smtp_url_env], mail, timeout)
    assert ch.url_env
    return send.post_json(secrets[ch.url_env], out.body, dict(out.headers), timeout)
