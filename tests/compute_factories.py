"""Build real Model objects for the compute tests, without files."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

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
from generator.timeparse import parse_timestamp


def ts(text: str) -> datetime:
    """``2026-03-14T09:12:00Z`` (or with an offset) -> aware UTC datetime."""
    return parse_timestamp(text)


def service(sid: str, slo: float | None = None, since: date | None = None, group: str = "Core") -> Service:
    return Service(id=sid, name=sid.upper(), group=group, slo=slo, since=since)


DEFAULT_SEVERITIES = {
    "SEV-1": SeverityLevel("SEV-1", "Critical", timedelta(hours=1)),
    "SEV-2": SeverityLevel("SEV-2", "Major", timedelta(hours=4)),
    "SEV-3": SeverityLevel("SEV-3", "Moderate", timedelta(hours=24)),
    "SEV-4": SeverityLevel("SEV-4", "Low", None, next_business_day=True),
}


def config(
    services: Iterable[Service] = (),
    tz: str = "Europe/Berlin",
    weights: Mapping[str, float] | None = None,
    bars_days: int = 90,
    required_for: tuple[str, ...] = ("SEV-1", "SEV-2"),
    late_detection: timedelta = timedelta(minutes=30),
    long_major_outage: timedelta = timedelta(minutes=60),
) -> Config:
    svcs = tuple(services) or (service("api"),)
    return Config(
        site=SiteInfo(name="Test Status", url="https://status.test/", timezone=tz),
        services=tuple(Service(**{**s.__dict__, "position": n}) for n, s in enumerate(svcs)),
        severities=dict(DEFAULT_SEVERITIES),
        categories=("deploy", "configuration", "capacity", "network", "database", "other"),
        uptime=UptimeSettings(
            weights=dict(weights or {"major_outage": 1.0, "partial_outage": 0.3, "degraded_performance": 0.0}),
            bars_days=bars_days,
        ),
        postmortems=PostmortemPolicy(
            required_for=required_for,
            due_days={"SEV-1": 5, "SEV-2": 10, "default": 15},
            late_detection=late_detection,
            long_major_outage=long_major_outage,
            required_headings=DEFAULT_HEADINGS,
        ),
    )


def update(
    at: datetime,
    status: str = "investigating",
    services: Mapping[str, str] | None = None,
    severity: str | None = None,
) -> Update:
    return Update(at=at, status=status, message=f"{status} at {at.isoformat()}", services=dict(services or {}), severity=severity)


def incident(
    iid: str,
    services: Mapping[str, str],
    started: datetime,
    *,
    detected: datetime | None = None,
    acknowledged: datetime | None = None,
    mitigated: datetime | None = None,
    resolved: datetime | None = None,
    updates: Iterable[Update] | None = None,
    severity: str = "SEV-3",
    detection: str = "alert",
    category: str | None = "deploy",
    novel: bool = False,
) -> Incident:
    """An incident; without explicit updates it gets one investigating update (and a resolved one)."""
    if updates is None:
        ups = [update(started)]
        if resolved is not None:
            ups.append(update(resolved, "resolved"))
    else:
        ups = list(updates)
    return Incident(
        id=iid,
        path=f"content/incidents/{iid}.md",
        title=f"Incident {iid}",
        severity=severity,
        services=dict(services),
        started_at=started,
        detected_at=detected or started,
        acknowledged_at=acknowledged,
        mitigated_at=mitigated,
        resolved_at=resolved,
        updates=tuple(ups),
        detection=detection,
        category=category,
        novel=novel,
    )


def maintenance(
    mid: str,
    services: Mapping[str, str],
    start: datetime,
    end: datetime,
    *,
    cancelled: bool = False,
    updates: Iterable[Update] = (),
) -> Maintenance:
    return Maintenance(
        id=mid,
        path=f"content/maintenance/{mid}.md",
        title=f"Maintenance {mid}",
        services=dict(services),
        scheduled_start=start,
        scheduled_end=end,
        cancelled=cancelled,
        updates=tuple(updates),
    )


def action(status: str = "open", due: date | None = None, title: str = "Add a canary stage") -> ActionItem:
    return ActionItem(title=title, type="prevent", owner="platform", due=due, status=status)


def postmortem(
    pid: str,
    incidents: Iterable[str],
    *,
    status: str = "published",
    published: datetime | None = None,
    visibility: str = "public",
    actions: Iterable[ActionItem] = (),
) -> Postmortem:
    return Postmortem(
        id=pid,
        path=f"content/postmortems/{pid}.md",
        title=f"Post-mortem {pid}",
        incidents=tuple(incidents),
        status=status,
        visibility=visibility,
        authors=("sre",),
        summary="What happened.",
        contributing_factors=("A factor.",),
        action_items=tuple(actions),
        published_at=published,
    )


def model(
    cfg: Config | None = None,
    incidents: Iterable[Incident] = (),
    maintenance: Iterable[Maintenance] = (),
    postmortems: Iterable[Postmortem] = (),
) -> Model:
    return Model(
        config=cfg or config(),
        incidents=tuple(sorted(incidents, key=lambda i: (i.started_at, i.id))),
        maintenance=tuple(maintenance),
        postmortems=tuple(postmortems),
    )
