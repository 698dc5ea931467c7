"""RFC 3339 timestamps, dates and durations, parsed from the raw YAML text.

We never let PyYAML's implicit timestamp resolution decide: it loads naive
values, leaves ``+0530`` as a string and raises a bare ValueError on
``2024-13-01``. Each failure here carries a code and a hint instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from generator.i18n import _

# [0-9], not \d: \d also matches Arabic-Indic and other digits, which RFC 3339 does not allow.
_TS = re.compile(
    r"^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ](?P<h>[0-9]{2}):(?P<m>[0-9]{2})(?::(?P<s>[0-9]{2})(?P<frac>\.[0-9]+)?)?"
    r"(?P<tz>[Zz]|[+-][0-9]{2}:[0-9]{2}|[+-][0-9]{4}|[+-][0-9]{2})?$"
)
_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_DURATION = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(s|m|min|h|d)\s*$")
# Dates outside these years are typos, and near year 1 or 9999 date arithmetic
# (time zones, windows, deadlines) would overflow instead of reporting a problem.
MIN_YEAR, MAX_YEAR = 1970, 9000
MAX_DURATION = timedelta(days=36500)  # a century: more is a typo, and would overflow deadlines


@dataclass
class TimestampError(Exception):
    code: str
    message: str
    hint: str

    def __str__(self) -> str:
        return self.message


def _parse_date(text: str) -> date:
    m = _DATE.match(text)
    if not m:
        raise TimestampError("E013", f"{text!r} is not a date", "write YYYY-MM-DD")
    try:
        value = date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise TimestampError("E014", f"{text!r} is an impossible date ({exc})", "check the month and day") from None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise TimestampError("E014", f"{text!r} is out of range (years {MIN_YEAR} to {MAX_YEAR})", "check the year")
    return value


def parse_timestamp(text: str) -> datetime:
    """Parse an RFC 3339 timestamp that has ``Z`` or ``+HH:MM``; return it in UTC."""
    raw = str(text).strip()
    if _DATE.match(raw):
        _parse_date(raw)
        raise TimestampError(
            "E020", f"{raw!r} is a date, but a timestamp is needed", f"write e.g. {raw}T00:00:00Z"
        )
    m = _TS.match(raw)
    if not m:
        raise TimestampError(
            "E013", f"{raw!r} is not an RFC 3339 timestamp", "write e.g. 2026-03-14T09:12:00Z"
        )
    d = _parse_date(m["date"])
    tz = m["tz"]
    if tz is None:
        raise TimestampError("E012", f"{raw!r} has no time zone offset", "add Z or +HH:MM")
    if len(tz) in (3, 5) and tz[0] in "+-":
        fixed = f"{tz[:3]}:{tz[3:] or '00'}"
        raise TimestampError("E015", f"{raw!r} has an offset without a colon", f"write the offset as {fixed}")
    try:
        hour, minute, second = int(m["h"]), int(m["m"]), int(m["s"] or 0)
        micro = int(round(float(m["frac"]) * 1_000_000)) if m["frac"] else 0
        if micro >= 1_000_000:
            micro = 999_999
        if tz in ("Z", "z"):
            offset = timedelta(0)
        else:
            sign = 1 if tz[0] == "+" else -1
            oh, om = int(tz[1:3]), int(tz[4:6])
            if oh > 23 or om > 59:
                raise ValueError("offset out of range")
            offset = sign * timedelta(hours=oh, minutes=om)
        naive = datetime(d.year, d.month, d.day, hour, minute, second, micro)
    except ValueError as exc:
        raise TimestampError("E014", f"{raw!r} is an impossible time ({exc})", "check hours, minutes and offset") from None
    return (naive - offset).replace(tzinfo=UTC)


def parse_date(text: str) -> date:
    """Parse ``YYYY-MM-DD``."""
    return _parse_date(str(text).strip())


def parse_duration(text: str) -> timedelta:
    """Parse ``30m``, ``1h``, ``2d``, ``45s``."""
    m = _DURATION.match(str(text))
    if not m:
        raise TimestampError("E022", f"{text!r} is not a duration", "write e.g. 30m, 4h or 2d")
    value, unit = float(m[1]), m[2]
    seconds = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}[unit]
    if value * seconds > MAX_DURATION.total_seconds():
        raise TimestampError("E022", f"{text!r} is longer than {MAX_DURATION.days} days", "write e.g. 30m, 4h or 2d")
    return timedelta(seconds=value * seconds)


def format_timestamp(value: datetime) -> str:
    """UTC, second precision, ``Z`` suffix: the one way we write timestamps."""
    v = value.astimezone(UTC)
    if v.microsecond:
        return v.isoformat().replace("+00:00", "Z")
    return v.strftime("%Y-%m-%dT%H:%M:%SZ")


def format_duration(delta: timedelta) -> str:
    """``1 h 05 min`` style, for people."""
    total = int(delta.total_seconds())
    if total < 0:
        total = 0
    days, rem = divmod(total, 86400)
    hours, rem = divmod(rem, 3600)
    minutes = rem // 60
    # Unit abbreviations from the catalogs: English on the terminal, the site's language in a build.
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    if minutes:
        return _("%(minutes)d min") % {"minutes": minutes}
    return _("%(seconds)d s") % {"seconds": total}
