"""A small status repository for the notification tests, with internal fields, a draft and an
internal post-mortem whose markers must never reach a message."""

from __future__ import annotations

from pathlib import Path

from tests.site_repo import postmortem_text

# Anything containing one of these in a message is a leak.
LEAK_MARKERS = ("Commander-Zelda-Internal", "INTERNAL-ERROR-7f3a", "DRAFT-PM-MARKER", "INTERNAL-PM-MARKER",
                "Draft post-mortem title", "Internal post-mortem title")

OPEN_INCIDENT = "2026-11-26-api-errors"
OLD_INCIDENT = "2026-10-01-dashboard-outage"
MAINTENANCE = "2026-11-26-dashboard-upgrade"

# T0: the incident is open, the maintenance upcoming; T1 it has started; T2 it has ended.
T0, T1, T2 = "2026-11-26T12:00:00Z", "2026-11-26T13:30:00Z", "2026-11-26T15:30:00Z"

CONFIG = """\
site:
  name: Acme Status
  url: https://status.acme.example/
  timezone: Europe/Berlin
services:
  - {id: api, name: Public API, group: Core}
  - {id: dashboard, name: Dashboard, group: Core}
notify:
"""

ALL_CHANNELS = """\
  - {type: slack, url_env: SLACK_URL, timeout: 2s}
  - {type: teams, url_env: TEAMS_URL, timeout: 2s}
  - {type: discord, url_env: DISCORD_URL, timeout: 2s}
  - {type: webhook, url_env: HOOK_URL, secret_env: HOOK_SECRET, timeout: 2s}
  - {type: email, smtp_url_env: SMTP_URL, from: status@acme.example, to: [ops@acme.example, cto@acme.example]}
  - {type: slack, name: dashboard-team, url_env: DASH_URL, services: [dashboard], timeout: 2s}
"""


def incident_text(title: str = "Elevated API errors", extra_updates: str = "", resolved_at: str = "") -> str:
    resolved = f"resolved_at: {resolved_at}\n" if resolved_at else ""
    return f"""---
title: {title}
severity: SEV-2
services: {{api: major_outage}}
started_at: 2026-11-26T09:00:00Z
detected_at: 2026-11-26T09:03:00Z
acknowledged_at: 2026-11-26T09:05:00Z
{resolved}commander: Commander-Zelda-Internal
novel: true
error_messages: [INTERNAL-ERROR-7f3a]
updates:
  - at: 2026-11-26T09:05:00Z
    status: investigating
    message: We are investigating errors on the API.
  - at: 2026-11-26T09:40:00Z
    status: identified
    message: A bad deploy is being rolled back.
    services: {{api: partial_outage}}
{extra_updates}---
The API returned errors for some requests.
"""


RESOLVE_UPDATE = """\
  - at: 2026-11-26T12:30:00Z
    status: resolved
    message: Error rates are back to normal.
    services: {api: operational}
"""

OLD_INCIDENT_TEXT = """---
title: Dashboard outage
severity: SEV-2
services: {dashboard: major_outage}
started_at: 2026-10-01T10:00:00Z
detected_at: 2026-10-01T10:02:00Z
acknowledged_at: 2026-10-01T10:04:00Z
resolved_at: 2026-10-01T11:00:00Z
updates:
  - at: 2026-10-01T10:04:00Z
    status: investigating
    message: The dashboard does not load.
  - at: 2026-10-01T11:00:00Z
    status: resolved
    message: The dashboard loads again.
---
"""

MAINTENANCE_TEXT = """---
title: Dashboard upgrade
services: {dashboard: under_maintenance}
scheduled_start: 2026-11-26T13:00:00Z
scheduled_end: 2026-11-26T15:00:00Z
---
"""


def make_repo(root: Path, channels: str = ALL_CHANNELS, incident: str | None = None) -> Path:
    (root / "content" / "incidents").mkdir(parents=True, exist_ok=True)
    (root / "content" / "maintenance").mkdir(parents=True, exist_ok=True)
    (root / "content" / "postmortems").mkdir(parents=True, exist_ok=True)
    (root / "site_config.yml").write_text(CONFIG + channels, encoding="utf-8")
    write_incident(root, incident or incident_text())
    (root / "content" / "incidents" / f"{OLD_INCIDENT}.md").write_text(OLD_INCIDENT_TEXT, encoding="utf-8")
    (root / "content" / "maintenance" / f"{MAINTENANCE}.md").write_text(MAINTENANCE_TEXT, encoding="utf-8")
    pms = root / "content" / "postmortems"
    public = postmortem_text(OLD_INCIDENT, title="Dashboard outage review", summary="A full disk stopped the dashboard.",
                             body_marker="Public.", action_title="Add disk alerts", owner="Web team")
    # Published on the day, so it is news at T0.
    (pms / f"{OLD_INCIDENT}.md").write_text(public.replace("2026-11-20T10:00:00Z", "2026-11-26T08:00:00Z"),
                                            encoding="utf-8")
    draft = postmortem_text(OLD_INCIDENT, title="Draft post-mortem title", summary="DRAFT-PM-MARKER summary.",
                            body_marker="DRAFT-PM-MARKER", action_title="Add DRAFT checks", owner="Web team",
                            status="draft")
    (pms / f"{OLD_INCIDENT}-draft.md").write_text(draft, encoding="utf-8")
    internal = postmortem_text(OLD_INCIDENT, title="Internal post-mortem title", summary="INTERNAL-PM-MARKER summary.",
                               body_marker="INTERNAL-PM-MARKER", action_title="Add internal checks",
                               owner="Web team", visibility="internal")
    (pms / f"{OLD_INCIDENT}-internal.md").write_text(internal.replace("2026-11-20T10:00:00Z", "2026-11-26T08:00:00Z"),
                                                     encoding="utf-8")
    return root


def write_incident(root: Path, text: str) -> None:
    (root / "content" / "incidents" / f"{OPEN_INCIDENT}.md").write_text(text, encoding="utf-8")
