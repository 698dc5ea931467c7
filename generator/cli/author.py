"""``statuspress new incident|postmortem|maintenance``, ``update`` and ``resolve``.

Thin: parse options, read the clock once, call one function in generator.author,
print the path it wrote. Refusals (AuthoringError) become exit 1 with the hint.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import click

from generator import author
from generator.cli import main
from generator.cli.common import NOW, now_option, resolve_now, root_option
from generator.model import DETECTIONS, INCIDENT_STATUSES
from generator.timeparse import TimestampError, parse_duration

F = TypeVar("F", bound=Callable[..., Any])


class EtaType(click.ParamType):
    """An RFC 3339 timestamp, or ``+DURATION`` (``+45m``, ``+2h``): that long after the update's time."""

    name = "TS|+DURATION"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime | timedelta:
        if isinstance(value, datetime | timedelta):
            return value
        text = str(value).strip()
        if text.startswith("+"):
            try:
                return parse_duration(text[1:])
            except TimestampError as exc:
                self.fail(f"{value!r}: {exc.message} (hint: write e.g. +45m or +2h)", param, ctx)
        return NOW.convert(text, param, ctx)  # type: ignore[no-any-return]


def _service(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """``api`` or ``api=major_outage`` -> ("api", None) / ("api", "major_outage")."""
    out: list[tuple[str, str | None]] = []
    for value in values:
        sid, sep, impact = value.partition("=")
        if not sid.strip() or (sep and not impact.strip()):
            raise click.BadParameter(f"{value!r}: write ID or ID=IMPACT, e.g. api=major_outage", ctx, param)
        out.append((sid.strip(), impact.strip() if sep else None))
    return out


def _run(call: Callable[[], Path]) -> None:
    try:
        path = call()
    except author.AuthoringError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(str(path))


def _authoring(func: F) -> F:
    return root_option(now_option(func))


@main.group("new")
def new_group() -> None:
    """Write a new incident, post-mortem or maintenance file.

    \b
    Example:
      statuspress new incident "Elevated error rates on the API" --severity SEV-2 --service api=major_outage
    """


@new_group.command("incident", short_help="Declare an incident: content/incidents/YYYY-MM-DD-slug.md.")
@click.argument("title")
@click.option("--severity", required=True, metavar="SEV-n", help="SEV-1 (critical) .. SEV-4 (low); P1..P4 accepted.")
@click.option("--service", "services", multiple=True, required=True, callback=_service, metavar="ID[=IMPACT]",
              help="An affected service; IMPACT is degraded_performance, partial_outage (the default) or major_outage. Repeat for several.")
@click.option("--detection", type=click.Choice(DETECTIONS), help="How the team found out.")
@click.option("--category", help="One of the categories in site_config.yml.")
@click.option("--started-at", type=NOW, help="When customer impact began (default: now).")
@click.option("--detected-at", type=NOW, help="When the team became aware (default: now).")
@click.option("--reported-by", help="Person, team or system that reported it.")
@click.option("--commander", help="Incident lead (internal, never published).")
@click.option("-m", "--message", help="The first public update (default: 'We are investigating an issue affecting ...').")
@click.option("--drill", is_flag=True, help="A rehearsal (game day), written with drill: true: validated like any "
              "incident, shown only in the internal build, never counted in status, uptime or KPIs.")
@_authoring
def new_incident_cmd(
    title: str, severity: str, services: list[tuple[str, str | None]], detection: str | None, category: str | None,
    started_at: datetime | None, detected_at: datetime | None, reported_by: str | None, commander: str | None,
    message: str | None, drill: bool, now: datetime | None, root: Path,
) -> None:
    """Declare an incident: write content/incidents/YYYY-MM-DD-slug.md.

    The file gets a first `investigating` update at now. Commit it on a branch and
    open a pull request; CI validates it.

    \b
    Example:
      statuspress new incident "Elevated error rates on the API" --severity SEV-2 \\
          --service api=major_outage --service dashboard=degraded_performance \\
          --detection alert --started-at 2026-03-14T09:12:00Z
      statuspress new incident "Drill: database failover" --drill --severity SEV-2 --service api
    """
    when = resolve_now(now)
    _run(lambda: author.new_incident(
        root, when, title, severity, services, detection=detection, category=category, started_at=started_at,
        detected_at=detected_at, message=message, reported_by=reported_by, commander=commander, drill=drill,
    ))


@main.command("update", short_help="Append an update to an incident.")
@click.argument("incident_id", metavar="ID")
@click.option("--status", required=True, type=click.Choice(INCIDENT_STATUSES), help="The incident's status from now on.")
@click.option("-m", "--message", required=True, help="The public update text.")
@click.option("--service", "services", multiple=True, callback=_service, metavar="ID=IMPACT",
              help="Impact change from now on (degraded_performance, partial_outage or major_outage). Repeat for several.")
@click.option("--severity", metavar="SEV-n", help="Escalate or de-escalate from now on.")
@click.option("--eta", type=EtaType(), help="Expected resolution, shown while the incident is open: a time "
              "(RFC 3339) or +DURATION after now, e.g. +45m or +2h.")
@_authoring
def update_cmd(
    incident_id: str, status: str, message: str, services: list[tuple[str, str | None]], severity: str | None,
    eta: datetime | timedelta | None, now: datetime | None, root: Path,
) -> None:
    """Append an update to incident ID, keeping the rest of the file as it is.

    Sets acknowledged_at to now the first time the status moves past
    investigating; `--status resolved` also sets resolved_at (as `resolve` does).

    \b
    Example:
      statuspress update 2026-03-14-api-errors --status identified \\
          -m "A bad deploy is being rolled back." --service api=partial_outage
    """
    when = resolve_now(now)
    at = when + eta if isinstance(eta, timedelta) else eta
    _run(lambda: author.update_incident(
        root, when, incident_id, status, message, services=services, severity=severity, eta=at,
    ))


@main.command("resolve", short_help="Resolve an incident (resolved update + resolved_at).")
@click.argument("incident_id", metavar="ID")
@click.option("-m", "--message", required=True, help="The closing public update.")
@_authoring
def resolve_cmd(incident_id: str, message: str, now: datetime | None, root: Path) -> None:
    """Resolve incident ID: append a resolved update and set resolved_at to the same time.

    \b
    Example:
      statuspress resolve 2026-03-14-api-errors -m "Error rates are back to normal."
    """
    when = resolve_now(now)
    _run(lambda: author.resolve_incident(root, when, incident_id, message))


@new_group.command("postmortem", short_help="Start a draft post-mortem, timeline filled in.")
@click.argument("incident_id", metavar="ID")
@click.option("--author", "authors", multiple=True, default=(author.DEFAULT_AUTHOR,), show_default=True,
              help="Author (person or team). Repeat for several.")
@click.option("--title", help="Default: 'Post-mortem: <incident title>'.")
@click.option("--visibility", type=click.Choice(["public", "internal"]), default=None,
              help="Default: public; internal for a drill (never published).")
@_authoring
def new_postmortem_cmd(
    incident_id: str, authors: tuple[str, ...], title: str | None, visibility: str | None, now: datetime | None,
    root: Path,
) -> None:
    """Start the post-mortem for incident ID: content/postmortems/ID.md, a draft.

    Every required heading is there, the Timeline is filled in from the
    incident, and one example action item is due in 30 days.

    \b
    Example:
      statuspress new postmortem 2026-03-14-api-errors --author sre-team
    """
    when = resolve_now(now)
    _run(lambda: author.new_postmortem(root, when, incident_id, authors=authors, title=title, visibility=visibility))


@new_group.command("maintenance", short_help="Schedule maintenance: content/maintenance/YYYY-MM-DD-slug.md.")
@click.argument("title")
@click.option("--start", required=True, type=NOW, help="Scheduled start (RFC 3339).")
@click.option("--end", required=True, type=NOW, help="Scheduled end (RFC 3339).")
@click.option("--service", "services", multiple=True, required=True, callback=_service, metavar="ID[=IMPACT]",
              help="A service in the window; IMPACT defaults to under_maintenance. Repeat for several.")
@click.option("-m", "--message", help="The announcement (default: 'Scheduled maintenance of ...').")
@_authoring
def new_maintenance_cmd(
    title: str, start: datetime, end: datetime, services: list[tuple[str, str | None]], message: str | None,
    now: datetime | None, root: Path,
) -> None:
    """Schedule maintenance: write content/maintenance/YYYY-MM-DD-slug.md.

    \b
    Example:
      statuspress new maintenance "Database upgrade" --start 2026-04-02T22:00:00Z \\
          --end 2026-04-02T23:30:00Z --service api --service dashboard=degraded_performance
    """
    when = resolve_now(now)
    _run(lambda: author.new_maintenance(root, when, title, start, end, services, message=message))
