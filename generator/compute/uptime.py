"""Uptime, daily bars and error budgets per service, by interval arithmetic.

For one service and a window ``[a, b)`` (already clipped to the service's
``since`` and to ``now``):

    tracked  = (b - a) - maintenance time inside the window
    weighted = sum over impact levels of weight(level) x time at that level,
               counting only non-maintenance time, worst level wins at each instant
    uptime % = 100 x (1 - weighted / tracked)      (None when tracked is 0)

Each service's incidents are merged into disjoint spans per impact level once
(``worst_wins``), maintenance is subtracted once, and every window is then a
pair of binary searches over prefix sums, so ten years of history cost the
same per window as ten days.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from generator.compute.display import format_percent
from generator.compute.intervals import (
    US_PER_MINUTE,
    Measure,
    Span,
    from_us,
    subtract,
    to_us,
    union,
    worst_wins,
)
from generator.compute.localtime import (
    day_bounds,
    local_date,
    local_midnight,
    month_bounds,
    month_key,
    next_month,
)
from generator.model import IMPACT_RANK, IMPACTS, Model
from generator.timeparse import format_timestamp

__all__ = [
    "Budget",
    "ServiceUptime",
    "WINDOWS",
    "BUDGET_WINDOWS",
    "DEFAULT_WEIGHTS",
    "compute_uptime",
    "uptime_json",
    "format_percent",
]

WINDOWS: dict[str, timedelta] = {
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
    "365d": timedelta(days=365),
}
BUDGET_WINDOWS = ("30d", "90d", "month")
DEFAULT_WEIGHTS = {"major_outage": 1.0, "partial_outage": 0.3, "degraded_performance": 0.0}
_LEVELS = len(IMPACTS)  # degraded=1, partial=2, major=3, as in IMPACT_RANK


@dataclass(frozen=True)
class Budget:
    window: str
    slo: float
    allowed_minutes: float
    consumed_minutes: float
    remaining_minutes: float


@dataclass(frozen=True)
class ServiceUptime:
    service_id: str
    windows: dict[str, float | None]  # "24h", "7d", "30d", "90d", "365d" -> percent
    months: dict[str, float | None]  # "YYYY-MM" -> percent
    days: dict[str, float | None]  # "YYYY-MM-DD" -> percent, oldest first
    budgets: dict[str, Budget]  # "30d", "90d", "month" (only with an slo)
    day_incidents: dict[str, tuple[str, ...]]  # bar day -> incident ids touching the service


class ServiceHistory:
    """One service's merged history; answers any window in O(log n)."""

    def __init__(
        self,
        pieces: Iterable[tuple[int, int, int]],
        maintenance: Iterable[Span],
        weights: Mapping[str, float],
        start: int | None,
    ) -> None:
        self.maintenance = union(maintenance)
        per_level = worst_wins(pieces, _LEVELS)
        self.levels = [Measure(subtract(spans, self.maintenance)) for spans in per_level]
        self.weights = [float(weights.get(word, DEFAULT_WEIGHTS[word])) for word in IMPACTS]
        self.maint = Measure(self.maintenance)
        self.start = start  # first tracked instant (since), or None

    def clip(self, a: int, b: int) -> tuple[int, int]:
        if self.start is not None and a < self.start:
            a = self.start
        return a, b

    def tracked_us(self, a: int, b: int) -> int:
        a, b = self.clip(a, b)
        if b <= a:
            return 0
        return (b - a) - self.maint.covered(a, b)

    def weighted_us(self, a: int, b: int) -> float:
        a, b = self.clip(a, b)
        if b <= a:
            return 0.0
        return sum(w * m.covered(a, b) for w, m in zip(self.weights, self.levels, strict=True) if w)

    def uptime(self, a: int, b: int) -> float | None:
        tracked = self.tracked_us(a, b)
        if tracked <= 0:
            return None
        weighted = self.weighted_us(a, b)
        return max(0.0, 100.0 - 100.0 * weighted / tracked)


def error_share(slo: float) -> float:
    """``1 - slo/100`` computed in decimal, so 99.95 gives exactly 0.0005 (not 0.000499999...)."""
    return float((Decimal(100) - Decimal(repr(float(slo)))) / 100)


def _since_start(model: Model, service_id: str, since: datetime | None) -> int | None:
    svc = model.config.service(service_id)
    starts = []
    if svc is not None and svc.since is not None:
        starts.append(to_us(local_midnight(svc.since, model.config.site.timezone)))
    if since is not None:
        starts.append(to_us(since))
    return max(starts) if starts else None


def _history_start(model: Model, now: datetime) -> datetime:
    """The first instant the repository knows anything about (for month lists without ``since``)."""
    moments = [i.started_at for i in model.incidents]
    moments += [m.effective_start for m in model.maintenance if not m.cancelled]
    moments = [m for m in moments if m <= now]
    return min(moments, default=now)


def build_histories(
    model: Model, now: datetime, since: datetime | None, service_ids: Iterable[str]
) -> dict[str, ServiceHistory]:
    """Sort and merge every service's impact and maintenance once."""
    wanted = list(service_ids)
    pieces: dict[str, list[tuple[int, int, int]]] = {sid: [] for sid in wanted}
    maint: dict[str, list[Span]] = {sid: [] for sid in wanted}
    for incident in model.incidents:
        for sid, segs in incident.impact_segments(now).items():
            if sid in pieces:
                pieces[sid].extend((to_us(s), to_us(e), IMPACT_RANK[impact]) for s, e, impact in segs)
    for item in model.maintenance:
        if item.cancelled:
            continue
        span = (to_us(item.effective_start), to_us(item.effective_end))
        for sid in item.services:
            if sid in maint:
                maint[sid].append(span)
    weights = model.config.uptime.weights
    return {
        sid: ServiceHistory(pieces[sid], maint[sid], weights, _since_start(model, sid, since)) for sid in wanted
    }


def _day_incidents(
    model: Model, now: datetime, service_id: str, days: list[tuple[str, int, int]]
) -> dict[str, tuple[str, ...]]:
    """Incidents affecting the service whose [started, resolved-or-now] overlaps each bar day."""
    now_us = to_us(now)
    if not days:
        return {}
    first, last = days[0][1], days[-1][2]
    spans: list[tuple[int, int, str]] = []
    for incident in model.incidents:
        if service_id not in incident.affected_service_ids():
            continue
        start = to_us(incident.started_at)
        if start > now_us:
            continue
        end = now_us if incident.resolved_at is None else min(to_us(incident.resolved_at), now_us)
        end = max(end, start + 1)  # an instant-long incident still marks its day
        if start < last and end > first:
            spans.append((start, end, incident.id))
    spans.sort()
    return {
        key: tuple(iid for start, end, iid in spans if start < b and end > a) for key, a, b in days
    }


def compute_uptime(
    model: Model,
    now: datetime,
    since: datetime | None = None,
    service_ids: Iterable[str] | None = None,
) -> dict[str, ServiceUptime]:
    """Uptime per window, calendar month and bar day, plus error budgets, for each service."""
    config = model.config
    tz = config.site.timezone
    ids = config.select_services(service_ids)
    histories = build_histories(model, now, since, ids)
    now_us = to_us(now)

    # Bar days: the last ``bars_days`` local days, today (possibly partial) last.
    today = local_date(now, tz)
    bar_days: list[tuple[str, int, int]] = []
    for offset in range(config.uptime.bars_days - 1, -1, -1):
        day = today - timedelta(days=offset)
        start, end = day_bounds(day, tz)
        bar_days.append((day.isoformat(), to_us(start), min(to_us(end), now_us)))

    history_start = _history_start(model, now)
    this_month_start, this_month_end = month_bounds(today.year, today.month, tz)

    out: dict[str, ServiceUptime] = {}
    for sid in ids:
        hist = histories[sid]
        windows = {label: hist.uptime(to_us(now - length), now_us) for label, length in WINDOWS.items()}

        # Months from ``since`` (else the first thing the repository records) to now.
        months: dict[str, float | None] = {}
        if hist.start is None or hist.start <= now_us:
            first = history_start if hist.start is None else from_us(hist.start)
            month = local_date(first, tz).replace(day=1)
            while month <= today:
                a, b = month_bounds(month.year, month.month, tz)
                months[month_key(month)] = hist.uptime(to_us(a), min(to_us(b), now_us))
                month = next_month(month)

        days = {key: hist.uptime(a, b) for key, a, b in bar_days}
        budgets: dict[str, Budget] = {}
        svc = config.service(sid)
        if svc is not None and svc.slo is not None:
            spans = {
                "30d": (to_us(now - WINDOWS["30d"]), now_us, now_us),
                "90d": (to_us(now - WINDOWS["90d"]), now_us, now_us),
                # The month's allowance covers the whole calendar month; consumption is to date.
                "month": (to_us(this_month_start), to_us(this_month_end), now_us),
            }
            allowed_share = error_share(svc.slo)
            for label, (start_us, b_allowed, b_used) in spans.items():
                allowed = allowed_share * hist.tracked_us(start_us, b_allowed) / US_PER_MINUTE
                consumed = hist.weighted_us(start_us, b_used) / US_PER_MINUTE
                budgets[label] = Budget(label, svc.slo, allowed, consumed, allowed - consumed)
        out[sid] = ServiceUptime(
            service_id=sid,
            windows=windows,
            months=months,
            days=days,
            budgets=budgets,
            day_incidents=_day_incidents(model, now, sid, bar_days),
        )
    return out


def uptime_json(result: Mapping[str, ServiceUptime], now: datetime) -> dict:
    """The ``statuspress uptime --format json`` document (full-precision percentages)."""
    services: dict[str, dict] = {}
    for sid, up in result.items():
        entry: dict = dict(up.windows)
        budget_30d = up.budgets.get("30d")
        entry["budget_remaining_minutes_30d"] = None if budget_30d is None else budget_30d.remaining_minutes
        entry["days"] = dict(up.days)
        entry["months"] = dict(up.months)
        entry["budgets"] = {
            label: {
                "slo": b.slo,
                "allowed_minutes": b.allowed_minutes,
                "consumed_minutes": b.consumed_minutes,
                "remaining_minutes": b.remaining_minutes,
            }
            for label, b in up.budgets.items()
        }
        services[sid] = entry
    return {"now": format_timestamp(now), "services": services}
