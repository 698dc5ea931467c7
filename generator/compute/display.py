"""Display strings for computed numbers: percentages, durations, honest statistics.

Pure helpers shared by the terminal tables and the site, so that both say
the same thing the same way: in English on the terminal, in the site's language
during a build (:mod:`generator.i18n`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from generator import i18n
from generator.i18n import _
from generator.timeparse import format_duration


def format_percent(value: float | None, places: int = 2) -> str:
    """``99.95%``: rounded down, so any weighted downtime never displays as 100.00%.

    The float's shortest repr is truncated (not its binary expansion), so a
    value computed as exactly 99.99 shows as 99.99, not 99.98.
    """
    if value is None:
        return _("no data")
    clamped = min(max(float(value), 0.0), 100.0)
    step = Decimal(1).scaleb(-places)
    shown = Decimal(repr(clamped)).quantize(step, rounding=ROUND_DOWN)
    if clamped < 100.0 and shown >= 100:
        shown = Decimal(100) - step  # unreachable with floats, kept as the guarantee
    return i18n.format_percent_value(shown, places)


def format_seconds(seconds: float | None) -> str:
    """``45 s``, ``12 min``, ``1 h 05 min``, ``2 d 3 h``; negative values get a minus sign."""
    if seconds is None:
        return _("no data")
    sign = "-" if seconds < 0 else ""
    return sign + format_duration(timedelta(seconds=abs(seconds)))


def format_minutes(minutes: float | None) -> str:
    return format_seconds(None if minutes is None else minutes * 60)


def format_stat(stat: Mapping[str, Any], which: str = "median") -> str:
    """One figure of a KPI statistic: the value, or why there is none."""
    n = stat.get("n", 0)
    value = stat.get(which)
    if n == 0:
        return _("no data (n=0)")
    if value is None:
        return _("not enough data (n=%(n)d)") % {"n": n}
    return format_seconds(value)


def format_interval(stat: Mapping[str, Any], key: str = "ci95") -> str:
    interval = stat.get(key)
    if not interval:
        return "-"
    low, high = interval
    return _("%(start)s to %(end)s") % {"start": format_seconds(low), "end": format_seconds(high)}


def format_share(share: float | None) -> str:
    """A proportion 0..1 as a whole-number percentage, rounded down like uptime."""
    if share is None:
        return _("no data")
    return format_percent(share * 100, 0)
