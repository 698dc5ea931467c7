"""Hand-built Model objects for the feed, API, badge and calendar tests.

Small and explicit: each test states the content it cares about and gets
sensible defaults for the rest. Timestamps are written as RFC 3339 strings
and parsed with the project's own parser.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from generator.model import (
    DEFAULT_HEADINGS,
    ActionItem,
    Config,
    Incident,
    Maintenance,
    Model,
    Postmortem,
    PostmortemPolicy,
    Service,
    SeverityLevel,
    SiteInfo,
    Update,
    UptimeSettings,
)
from generator.site.visibility import SiteContext
from generator.timeparse import parse_timestamp

NOW = "2026-11-26T12:00:00Z"
BASE_URL = "https://status.acme.example/"


def ts(text: str) -> datetime:
    return parse_timestamp(text)


def make_config(services: list[Service] | None = None, **site: str) -> Config:
    info = SiteInfo(
        name=site.get("name", "Acme Status"),
        url=site.get("url", "https://status.acme.example/"),
        timezone=site.get("timezone", "Europe/Berlin"),
        description=site.get("description", "Current status of Acme services."),
    )
    if services is None:
        services = [
            Service("api", "Public API", "Core platform", "The REST API", 99.95, date(2025, 1, 1), 0),
            Service("dashboard", "Dashboard", "Core platform", "Web app", 99.9, date(2025, 1, 1), 1),
            Service("email", "Email delivery", "Messaging", "", None, date(2025, 6, 1), 2),
        ]
    return Config(
        site=info,
        services=tuple(services),
        severities={
            "SEV-1": SeverityLevel("SEV-1", "Critical", timedelta(hours=1)),
            "SEV-2": SeverityLevel("SEV-2", "Major", timedelta(hours=4)),
            "SEV-3": SeverityLevel("SEV-3", "Moderate", timedelta(hours=24)),
            "SEV-4": SeverityLevel("SEV-4", "Low", None, True),
        },
        categories=("deploy", "configuration", "capacity", "network", "database", "dependency", "other"),
        uptime=UptimeSettings(
            weights={"major_outage": 1.0, "partial_outage": 0.3, "degraded_performance": 0.0}, bars_days=90
        ),
        postmortems=PostmortemPolicy(
            required_for=("SEV-1", "SEV-2"),
            due_days={"SEV-1": 5, "SEV-2": 10, "default": 15},
            late_detection=timedelta(minutes=30),
            long_major_outage=timedelta(minutes=60),
            required_headings=DEFAULT_HEADINGS,
        ),
    )


def upd(at: str, status: str, message: str, **kw: object) -> Update:
    return Update(at=ts(at), status=status, message=message, **kw)  # type: ignore[arg-type]


def make_incident(
    id: str,
    title: str = "Elevated error rates on the API",
    *,
    severity: str = "SEV-2",
    services: dict[str, str] | None = None,
    started: str = "2026-03-14T09:12:00Z",
    updates: list[Update] | None = None,
    resolved: str | None = None,
    **kw: object,
) -> Incident:
    start = ts(started)
    if updates is None:
        updates = [upd(started, "investigating", "We are investigating.")]
    resolved_at = ts(resolved) if resolved else None
    if resolved_at is None and updates[-1].status == "resolved":
        resolved_at = updates[-1].at
    return Incident(
        id=id,
        path=f"content/incidents/{id}.md",
        title=title,
        severity=severity,
        services=services if services is not None else {"api": "major_outage"},
        started_at=start,
        detected_at=kw.pop("detected_at", start),  # type: ignore[arg-type]
        acknowledged_at=kw.pop("acknowledged_at", start),  # type: ignore[arg-type]
        updates=tuple(updates),
        resolved_at=resolved_at,
        **kw,  # type: ignore[arg-type]
    )


def make_maintenance(
    id: str,
    title: str = "Database upgrade",
    *,
    services: dict[str, str] | None = None,
    start: str = "2026-12-02T22:00:00Z",
    end: str = "2026-12-02T23:30:00Z",
    updates: list[Update] | None = None,
    cancelled: bool = False,
) -> Maintenance:
    return Maintenance(
        id=id,
        path=f"content/maintenance/{id}.md",
        title=title,
        services=services if services is not None else {"api": "under_maintenance"},
        scheduled_start=ts(start),
        scheduled_end=ts(end),
        cancelled=cancelled,
        updates=tuple(updates or ()),
    )


def make_postmortem(
    id: str,
    incidents: tuple[str, ...],
    *,
    title: str = "API errors after the deploy",
    status: str = "published",
    visibility: str = "public",
    summary: str = "A configuration change reached all regions at once.",
    published: str | None = "2026-03-18T12:00:00Z",
    factors: tuple[str, ...] = ("The pipeline did not canary configuration changes.",),
    body: str = "## Summary\n\nText.\n",
) -> Postmortem:
    return Postmortem(
        id=id,
        path=f"content/postmortems/{id}.md",
        title=title,
        incidents=incidents,
        status=status,
        visibility=visibility,
        authors=("sre-team",),
        summary=summary,
        contributing_factors=factors,
        action_items=(ActionItem("Route config changes through canary", "prevent", "platform", date(2026, 4, 15),
                                 "open"),),
        published_at=ts(published) if published else None,
        body=body,
    )


def make_model(
    incidents: list[Incident] | None = None,
    maintenance: list[Maintenance] | None = None,
    postmortems: list[Postmortem] | None = None,
    config: Config | None = None,
) -> Model:
    return Model(
        config=config or make_config(),
        incidents=tuple(sorted(incidents or (), key=lambda i: i.id)),
        maintenance=tuple(sorted(maintenance or (), key=lambda m: m.id)),
        postmortems=tuple(sorted(postmortems or (), key=lambda p: p.id)),
    )


def make_ctx(model: Model, now: str = NOW, *, internal: bool = False, drafts: bool = False,
             base_url: str = BASE_URL) -> SiteContext:
    return SiteContext(model=model, now=ts(now), base_url=base_url, internal=internal, drafts=drafts)


def sample_model() -> Model:
    """A small, realistic history: one resolved incident with escalation, one open, maintenance
    past, upcoming, in progress and cancelled, and post-mortems in every visibility state."""
    resolved = make_incident(
        "2026-03-14-api-errors",
        severity="SEV-2",
        services={"api": "major_outage", "dashboard": "degraded_performance"},
        started="2026-03-14T09:12:00Z",
        updates=[
            upd("2026-03-14T09:20:00Z", "investigating", "We are investigating elevated error rates on the API."),
            upd("2026-03-14T09:48:00Z", "identified", "A bad deploy is being rolled back.",
                services={"api": "partial_outage"}, severity="SEV-1"),
            upd("2026-03-14T10:30:00Z", "resolved", "Error rates are back to normal."),
        ],
        commander="sre-oncall-canary",
        novel=True,
        error_messages=("HTTP 503 canary-error-message",),
        category="deploy",
        detection="alert",
    )
    open_inc = make_incident(
        "2026-11-26-email-delays",
        "Delayed email delivery",
        severity="SEV-3",
        services={"email": "degraded_performance"},
        started="2026-11-26T10:00:00Z",
        updates=[
            upd("2026-11-26T10:05:00Z", "investigating", "Emails are delayed by up to 20 minutes."),
            upd("2026-11-26T11:00:00Z", "identified", "A queue is backed up; we are draining it.",
                eta=ts("2026-11-26T14:00:00Z")),
        ],
        commander="mail-oncall-canary",
    )
    past = make_maintenance(
        "2026-04-02-db-upgrade",
        start="2026-04-02T22:00:00Z",
        end="2026-04-02T23:30:00Z",
        services={"api": "under_maintenance", "dashboard": "degraded_performance"},
        updates=[
            upd("2026-03-30T09:00:00Z", "scheduled", "We will upgrade the primary database."),
            upd("2026-04-02T22:01:00Z", "in_progress", "The upgrade has started."),
            upd("2026-04-02T23:10:00Z", "completed", "The upgrade is complete."),
        ],
    )
    upcoming = make_maintenance(
        "2026-12-02-network",
        "Network switch replacement",
        start="2026-12-02T22:00:00Z",
        end="2026-12-03T01:00:00Z",
        services={"dashboard": "under_maintenance"},
        updates=[upd("2026-11-20T08:00:00Z", "scheduled", "Switches in rack 4 will be replaced.")],
    )
    active = make_maintenance(
        "2026-11-26-cache",
        "Cache cluster resize",
        start="2026-11-26T11:30:00Z",
        end="2026-11-26T13:00:00Z",
        services={"api": "under_maintenance"},
        updates=[upd("2026-11-25T08:00:00Z", "scheduled", "The cache cluster will be resized.")],
    )
    cancelled = make_maintenance(
        "2026-12-10-dns",
        "DNS provider migration",
        start="2026-12-10T06:00:00Z",
        end="2026-12-10T07:00:00Z",
        services={"api": "under_maintenance"},
        updates=[upd("2026-11-21T08:00:00Z", "scheduled", "We move DNS to a new provider.")],
        cancelled=True,
    )
    pms = [
        make_postmortem("2026-03-14-api-errors", ("2026-03-14-api-errors",)),
        make_postmortem("2026-03-14-api-errors-internal", ("2026-03-14-api-errors",),
                        title="Internal review canary-internal-title", visibility="internal",
                        summary="canary-internal-summary of the internal review."),
        make_postmortem("2026-03-14-api-errors-draft", ("2026-03-14-api-errors",),
                        title="Draft canary-draft-title", status="draft", published=None,
                        summary="canary-draft-summary not yet reviewed."),
    ]
    return make_model([resolved, open_inc], [past, upcoming, active, cancelled], pms)


# ---------------------------------------------------------------- rendering helpers


def render_all(ctx: SiteContext) -> dict[str, bytes]:
    """Every machine-readable output of a build (feeds, API, badges, calendar)."""
    from generator.site.api import render_api
    from generator.site.badges import render_badges
    from generator.site.feeds import render_feeds
    from generator.site.ics import render_ics

    out: dict[str, bytes] = {}
    for render in (render_feeds, render_api, render_badges, render_ics):
        part = render(ctx)
        assert not set(part) & set(out), "two renderers wrote the same path"
        out.update(part)
    return out


SCHEMA_NAME = "statuspage-v2-summary.schema.json"


def summary_schema_path() -> Path:
    """The shared schema beside the clone (``../shared/schemas/``), else the copy in tests/schemas/."""
    repo = Path(__file__).resolve().parents[1]
    shared = repo.parent / "shared" / "schemas" / SCHEMA_NAME
    return shared if shared.is_file() else repo / "tests" / "schemas" / SCHEMA_NAME
