"""`statuspress notify`."""

from __future__ import annotations

import os
from pathlib import Path

import click

from generator.cli import main
from generator.cli.common import now_option, resolve_now, root_option
from generator.notify.ledger import LedgerError
from generator.notify.run import DEFAULT_LEDGER, NotifyConfigError, run
from generator.timeparse import TimestampError, parse_duration
from generator.validate import check_repository, has_errors


class DurationType(click.ParamType):
    name = "DURATION"

    def convert(self, value, param, ctx):  # type: ignore[override]
        try:
            return parse_duration(str(value))
        except TimestampError as exc:
            self.fail(f"{value!r}: {exc.message} (hint: {exc.hint})", param, ctx)


@main.command()
@click.option("--ledger", "ledger_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=f"The ledger of delivered events. Default: {DEFAULT_LEDGER} under --root.")
@click.option("--dry-run", is_flag=True, help="Print every message it would send, per channel; send nothing, "
              "write nothing.")
@click.option("--max-age", type=DurationType(), default="24h", show_default=True,
              help="Send only events at most this old (upcoming maintenance is news until it starts).")
@now_option
@root_option
def notify(ledger_path: Path | None, dry_run: bool, max_age, now, root: Path) -> None:
    """Send what changed on the public page to the channels under notify: in site_config.yml, once.

    Each event (incident opened, updated, resolved; maintenance scheduled, started, updated,
    completed, cancelled; post-mortem published) goes to each channel once: the ledger records
    what was delivered. Exit status: 0 all delivered, 1 some channel failed (its events are
    sent by the next run), 2 usage, configuration or content problems.

    \b
    Example:
      statuspress notify --dry-run --now 2026-11-26T12:00:00Z
    """
    when = resolve_now(now)
    model, problems = check_repository(root, when)
    if has_errors(problems):
        n = sum(p.level == "error" for p in problems)
        click.echo(f"error: {n} problem(s) in the content or site_config.yml; nothing sent. "
                   "Run statuspress validate and fix them.", err=True)
        raise SystemExit(2)
    path = ledger_path if ledger_path is not None else root / DEFAULT_LEDGER
    try:
        report = run(model, when, path, dry_run=dry_run, max_age=max_age, env=os.environ,
                     echo=click.echo, warn=lambda text: click.echo(text, err=True))
    except (NotifyConfigError, LedgerError) as exc:
        for line in str(exc).splitlines():
            click.echo(f"error: {line}", err=True)
        raise SystemExit(2) from exc
    if not dry_run:
        failed = ", ".join(report.failed_channels)
        click.echo(f"{report.sent} message(s) sent" + (f"; not delivered to: {failed}" if failed else ""))
    raise SystemExit(report.exit_code)
