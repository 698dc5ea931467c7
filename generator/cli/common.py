"""Options and helpers shared by the command modules."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import click

from generator.timeparse import TimestampError, parse_timestamp


class NowType(click.ParamType):
    """An RFC 3339 timestamp with offset; the command's idea of "now"."""

    name = "TIMESTAMP"

    def convert(self, value, param, ctx):  # type: ignore[override]
        if isinstance(value, datetime):
            return value
        try:
            return parse_timestamp(str(value))
        except TimestampError as exc:
            self.fail(f"{value!r}: {exc.message} (hint: {exc.hint})", param, ctx)


NOW = NowType()


# The moments a command may take as "now": the sitemap's gzip header (and many tools) hold a
# 32-bit Unix time, and a year typed as 9026 would make a build lay out thousands of years.
EARLIEST_NOW = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_NOW = datetime(2106, 1, 1, tzinfo=UTC)


def _checked(now: datetime, source: str) -> datetime:
    if not EARLIEST_NOW <= now < LATEST_NOW:
        raise click.UsageError(f"{source} {now.isoformat()} is outside 1970-01-01 to 2105-12-31; check the year")
    return now


def resolve_now(now: datetime | None) -> datetime:
    """The clock is read here, once, at the edge: --now, else SOURCE_DATE_EPOCH, else the real clock."""
    if now is not None:
        return _checked(now.astimezone(UTC), "--now")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            value = datetime.fromtimestamp(int(epoch), tz=UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise click.UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp") from exc
        return _checked(value, "SOURCE_DATE_EPOCH")
    return datetime.now(UTC).replace(microsecond=0)


now_option = click.option(
    "--now",
    type=NOW,
    default=None,
    help="Pretend the time is TIMESTAMP (RFC 3339, e.g. 2026-11-26T12:00:00Z). Default: SOURCE_DATE_EPOCH or the clock.",
)

root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The status repository (where site_config.yml is).",
)
