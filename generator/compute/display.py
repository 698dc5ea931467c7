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


def is_shown(stat: Mapping[str, Any], which: str = "median") -> bool:
    """Whether a KPI figure has the n its threshold asks for (the JSON's ``shown``)."""
    if stat.get(which) is None:
        return False
    shown = stat.get("shown")
    return bool(shown.get(which, True)) if isinstance(shown, Mapping) else True


def is_lower_bound(stat: Mapping[str, Any], which: str = "median") -> bool:
    """Whether a KPI figure is only "at least" (the incidents still open hold it)."""
    bounds = stat.get("lower_bound")
    return isinstance(bounds, Mapping) and bounds.get(which) is True


def format_stat(stat: Mapping[str, Any], which: str = "median") -> str:
    """One figure of a KPI statistic: the value ("at least" when open incidents bound it), or why there is none."""
    n = stat.get("n", 0)
    if n == 0:
        return _("no data (n=0)")
    if not is_shown(stat, which):
        return _("not enough data (n=%(n)d)") % {"n": n}
    text = format_seconds(stat[which])
    return _("at least %(value)s") % {"value": text} if is_lower_bound(stat, which) else text


def format_interval(stat: Mapping[str, Any], key: str = "ci95") -> str:
    interval = stat.get(key)
    if not interval:
        return "-"
    low, high = interval
    bounds = stat.get("lower_bound")
    flags = bounds.get(key) if isinstance(bounds, Mapping) else None
    low_bound, high_bound = flags if isinstance(flags, list | tuple) and len(flags) == 2 else (False, False)
    low_text = _("at least %(value)s") % {"value": format_seconds(low)} if low_bound else format_seconds(low)
    high_text = _("at least %(value)s") % {"value": format_seconds(high)} if high_bound else format_seconds(high)
    return _("%(start)s to %(end)s") % {"start": low_text, "end": high_text}


def format_mean(stat: Mapping[str, Any]) -> str:
    """The mean ("at least" when the longest incident is still open), or "-" without data."""
    if not stat.get("n") or stat.get("mean") is None:
        return "-"
    text = format_seconds(stat["mean"])
    return _("at least %(value)s") % {"value": text} if is_lower_bound(stat, "mean") else text


def format_share(share: float | None) -> str:
    """A proportion 0..1 as a whole-number percentage, rounded down like uptime."""
    if share is None:
        return _("no data")
    return format_percent(share * 100, 0)
