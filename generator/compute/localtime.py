"""Calendar boundaries in ``site.timezone``: days, months, quarters, business days.

A local day runs from local midnight to the next local midnight, so a day on
which the clocks change is 23 or 25 hours long. Boundaries are returned as
aware UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo


@lru_cache(maxsize=32)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_midnight(day: date, tz: str) -> datetime:
    """The UTC instant at which ``day`` starts in ``tz``.

    Where midnight does not exist (a zone that springs forward at 00:00),
    zoneinfo resolves it with the earlier offset, which is the first instant
    of that day.
    """
    return datetime.combine(day, time(0), tzinfo=zone(tz)).astimezone(UTC)


def local_date(moment: datetime, tz: str) -> date:
    return moment.astimezone(zone(tz)).date()


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    return local_midnight(day, tz), local_midnight(day + timedelta(days=1), tz)


def month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def month_bounds(year: int, month: int, tz: str) -> tuple[datetime, datetime]:
    first = date(year, month, 1)
    return local_midnight(first, tz), local_midnight(next_month(first), tz)


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def quarter_key(moment: datetime, tz: str) -> str:
    """``2026-Q1`` for the quarter holding ``moment`` in ``tz``."""
    d = local_date(moment, tz)
    return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"


def quarter_sequence(first: str, last: str) -> list[str]:
    """Every quarter key from ``first`` to ``last`` inclusive."""
    y, q = int(first[:4]), int(first[-1])
    ly, lq = int(last[:4]), int(last[-1])
    out = []
    while (y, q) <= (ly, lq):
        out.append(f"{y:04d}-Q{q}")
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out


def next_business_day_end(moment: datetime, tz: str) -> datetime:
    """End of the first Monday-to-Friday day after ``moment``'s local date.

    Detected on Friday (or Saturday, or Sunday) -> the deadline is the end of
    Monday. No public holidays are known to statuspress.
    """
    d = local_date(moment, tz) + timedelta(days=1)
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return local_midnight(d + timedelta(days=1), tz)
