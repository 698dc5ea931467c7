"""Uptime and status against a brute-force, minute-by-minute reading of the spec.

Histories are random but small: every timestamp is a whole minute inside a
few days around a DST change, so the oracle can look at each minute on its
own and count the untouched minutes before the history by arithmetic.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.compute.status import overall_status, service_statuses
from generator.compute.uptime import WINDOWS, compute_uptime
from generator.model import IMPACT_RANK
from tests.compute_factories import config, incident, maintenance, model, service, update

IMPACT_WORDS = ("degraded_performance", "partial_outage", "major_outage")
# (zone, first UTC minute of the random history): each span contains a DST change.
SCENARIOS = [
    ("Europe/Berlin", datetime(2026, 3, 27, 21, 0, tzinfo=UTC)),
    ("Europe/Berlin", datetime(2026, 10, 23, 20, 30, tzinfo=UTC)),
    ("America/New_York", datetime(2026, 3, 6, 3, 0, tzinfo=UTC)),
    ("America/New_York", datetime(2026, 10, 30, 2, 0, tzinfo=UTC)),
]
SPAN = 3 * 1440  # minutes of history after the base
SERVICES = ("a", "b")


@st.composite
def histories(draw):
    tz, base = draw(st.sampled_from(SCENARIOS))

    def at(minute: int) -> datetime:
        return base + timedelta(minutes=minute)

    def impacts(words=IMPACT_WORDS):
        return draw(st.dictionaries(st.sampled_from(SERVICES), st.sampled_from(words), min_size=1, max_size=2))

    incidents = []
    for n in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, SPAN))
        length = draw(st.integers(1, 1800))
        is_open = draw(st.booleans())
        ups = [update(at(start))]
        for _ in range(draw(st.integers(0, 3))):
            change = draw(st.integers(0, length))
            # An update may also mark a service operational while the incident goes on.
            ups.append(update(at(start + change), "identified", services=impacts(IMPACT_WORDS + ("operational",))))
        ups.sort(key=lambda u: u.at)
        mitigated = None
        if draw(st.booleans()):
            mitigated = at(start + draw(st.integers(0, length)))
        resolved = None
        if not is_open:
            resolved = at(start + length)
            ups.append(update(resolved, "resolved"))
            # Reopened: an update after the resolution, then perhaps a second resolution.
            # resolved_at is the last resolution; mitigated_at (the first span's) is dropped.
            if draw(st.booleans()):
                reopen = start + length + draw(st.integers(0, 600))
                ups.append(update(at(reopen), draw(st.sampled_from(("investigating", "identified", "monitoring"))),
                                  services=impacts(IMPACT_WORDS) if draw(st.booleans()) else None))
                mitigated = None
                resolved = None
                if draw(st.booleans()):
                    resolved = at(reopen + draw(st.integers(0, 900)))
                    ups.append(update(resolved, "resolved"))
        incidents.append(
            incident(f"i{n}", impacts(), at(start), mitigated=mitigated, resolved=resolved, updates=ups)
        )

    works = []
    for n in range(draw(st.integers(0, 2))):
        start = draw(st.integers(0, SPAN))
        end = start + draw(st.integers(0, 900))
        ups = []
        if draw(st.booleans()):
            ups.append(update(at(start + draw(st.integers(-60, 60))), "in_progress"))
        if ups and draw(st.booleans()):  # the planned end moves (an extension, or earlier)
            moved = replace(ups[0], scheduled_end=at(end + draw(st.integers(-30, 300))))
            if moved.scheduled_end > moved.at:
                ups[0] = moved
        if draw(st.booleans()):
            ups.append(update(at(end + draw(st.integers(-60, 120))), "completed"))
        ups.sort(key=lambda u: u.at)
        svcs = draw(
            st.dictionaries(
                st.sampled_from(SERVICES), st.sampled_from(("under_maintenance", "degraded_performance")), min_size=1
            )
        )
        works.append(maintenance(f"m{n}", svcs, at(start), at(end), cancelled=draw(st.booleans()), updates=ups))

    local_start = base.astimezone(ZoneInfo(tz)).date()
    since_a = draw(st.one_of(st.none(), st.integers(0, 3).map(lambda d: local_start + timedelta(days=d))))
    weights = {
        "major_outage": 1.0,
        "partial_outage": draw(st.sampled_from((0.3, 0.5, 1.0))),
        "degraded_performance": draw(st.sampled_from((0.0, 0.1))),
    }
    cfg = config(
        [service("a", slo=99.9, since=since_a), service("b", slo=99.5)], tz=tz, weights=weights, bars_days=6
    )
    now = at(draw(st.integers(1, SPAN + 1440)))
    since = draw(st.one_of(st.none(), st.integers(0, SPAN).map(at)))
    return model(cfg, incidents, works), now, since, base


# ------------------------------------------------------------------ oracle


def minute(moment: datetime) -> int:
    return int(moment.timestamp()) // 60


def oracle_maintenance(item) -> tuple[int, int] | None:
    """[start, end) in minutes, straight from the spec's wording."""
    if item.cancelled:
        return None
    start, end = item.scheduled_start, item.scheduled_end
    for u in item.updates:  # an update's scheduled_end moves the planned end
        if u.scheduled_end is not None:
            end = u.scheduled_end
    progress = [u.at for u in item.updates if u.status == "in_progress"]
    done = [u.at for u in item.updates if u.status == "completed"]
    if progress:
        start = progress[0]
    if done:
        end = done[0]
    return minute(start), minute(end)


def open_during(inc, t: int) -> bool:
    """Minute t is not in a gap between a resolution and the update that reopened the incident."""
    state_open = True
    for u in inc.updates:
        if minute(u.at) > t:
            break
        state_open = u.status != "resolved"
    return state_open or minute(inc.started_at) > t


def impact_at(inc, t: int, now: int) -> dict[str, str]:
    """The incident's impact per service during minute t."""
    start = minute(inc.started_at)
    end = inc.mitigated_at or inc.resolved_at
    end_minute = minute(end) if end is not None else now
    if not (start <= t < end_minute) or not open_during(inc, t):
        return {}
    current = dict(inc.services)
    for u in inc.updates:
        if max(minute(u.at), start) <= t:
            current.update(u.services)
    return current


class Oracle:
    def __init__(self, mdl, now: datetime, since: datetime | None, base: datetime) -> None:
        self.model = mdl
        self.now = minute(now)
        # Maintenance updates may move a start up to an hour before the base: look from 2 h earlier.
        self.base = minute(base) - 120
        self.weights = mdl.config.uptime.weights
        tz = ZoneInfo(mdl.config.site.timezone)
        self.start: dict[str, int | None] = {}
        for svc in mdl.config.services:
            starts = []
            if svc.since is not None:
                local = datetime(svc.since.year, svc.since.month, svc.since.day, tzinfo=tz)
                starts.append(minute(local.astimezone(UTC)))
            if since is not None:
                starts.append(minute(since))
            self.start[svc.id] = max(starts) if starts else None
        # Per service and minute from the base: (in maintenance, weight of the worst impact).
        self.minutes: dict[str, list[tuple[bool, float]]] = {}
        maint = [(oracle_maintenance(m), m.services) for m in mdl.maintenance]
        for svc in mdl.config.services:
            row = []
            for t in range(self.base, max(self.now, self.base)):
                in_maint = any(span and span[0] <= t < span[1] and svc.id in svcs for span, svcs in maint)
                worst = None
                for inc in mdl.incidents:
                    word = impact_at(inc, t, self.now).get(svc.id)
                    if word and word != "operational" and (worst is None or IMPACT_RANK[word] > IMPACT_RANK[worst]):
                        worst = word
                row.append((in_maint, self.weights[worst] if worst else 0.0))
            self.minutes[svc.id] = row

    def sums(self, sid: str, a: int, b: int) -> tuple[int, float]:
        """(tracked minutes, weighted minutes) in [a, b) clipped to since and now."""
        if self.start[sid] is not None:
            a = max(a, self.start[sid])
        b = min(b, self.now)
        if b <= a:
            return 0, 0.0
        tracked = max(0, min(b, self.base) - a)  # untouched minutes before the history
        weighted = 0.0
        for t in range(max(a, self.base), b):
            in_maint, weight = self.minutes[sid][t - self.base]
            if not in_maint:
                tracked += 1
                weighted += weight
        return tracked, weighted

    def uptime(self, sid: str, a: int, b: int) -> float | None:
        tracked, weighted = self.sums(sid, a, b)
        return None if tracked == 0 else 100 * (1 - weighted / tracked)


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)


@settings(max_examples=150, deadline=None)
@given(histories())
def test_uptime_matches_minute_oracle(case):
    mdl, now, since, base = case
    result = compute_uptime(mdl, now, since=since)
    oracle = Oracle(mdl, now, since, base)
    tz = ZoneInfo(mdl.config.site.timezone)
    now_m = minute(now)
    for sid in SERVICES:
        got = result[sid]
        for label, length in WINDOWS.items():
            want = oracle.uptime(sid, now_m - int(length.total_seconds()) // 60, now_m)
            assert close(got.windows[label], want), (sid, label, got.windows[label], want)
        # Bar days: local midnight to local midnight, DST days 23 or 25 hours long.
        assert len(got.days) == 6
        for key, value in got.days.items():
            day = date.fromisoformat(key)
            a = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
            nxt = day + timedelta(days=1)
            b = datetime(nxt.year, nxt.month, nxt.day, tzinfo=tz).astimezone(UTC)
            assert close(value, oracle.uptime(sid, minute(a), minute(b))), (sid, key)
        for key, value in got.months.items():
            year, month = map(int, key.split("-"))
            a = datetime(year, month, 1, tzinfo=tz).astimezone(UTC)
            b = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz).astimezone(UTC)
            assert close(value, oracle.uptime(sid, minute(a), minute(b))), (sid, key)
        # The 30-day error budget: allowed from tracked minutes, consumed = weighted minutes.
        tracked, weighted = oracle.sums(sid, now_m - 30 * 1440, now_m)
        budget = got.budgets["30d"]
        slo = mdl.config.service(sid).slo
        assert math.isclose(budget.allowed_minutes, (1 - slo / 100) * tracked, abs_tol=1e-6)
        assert math.isclose(budget.consumed_minutes, weighted, abs_tol=1e-6)
        assert math.isclose(budget.remaining_minutes, budget.allowed_minutes - budget.consumed_minutes)


def oracle_status(mdl, now: datetime) -> dict[str, str]:
    rank = {"operational": 0, "under_maintenance": 1, "degraded_performance": 2, "partial_outage": 3, "major_outage": 4}
    out = {}
    for svc in mdl.config.services:
        words = ["operational"]
        for inc in mdl.incidents:
            seen = [u for u in inc.updates if u.at <= now]
            resolved = (inc.resolved_at is not None and inc.resolved_at <= now) or (
                seen and seen[-1].status == "resolved"
            )
            mitigated = inc.mitigated_at is not None and inc.mitigated_at <= now
            if inc.started_at > now or resolved or mitigated:
                continue
            current = dict(inc.services)
            for u in seen:
                current.update(u.services)
            if svc.id in current:
                words.append(current[svc.id])
        for item in mdl.maintenance:
            span = oracle_maintenance(item)
            explicit = [u.status for u in item.updates if u.at <= now]
            if span is not None and minute(now) >= span[1]:
                active = False  # past its (moved) planned end, or completed: over either way
            elif explicit and explicit[-1] in ("in_progress", "verifying", "completed"):
                active = explicit[-1] != "completed"
            else:
                active = span is not None and span[0] <= minute(now) < span[1]
            if active and not item.cancelled and svc.id in item.services:
                words.append(item.services[svc.id])
        out[svc.id] = max(words, key=rank.__getitem__)
    return out


@settings(max_examples=150, deadline=None)
@given(histories())
def test_status_matches_oracle(case):
    mdl, now, _, _ = case
    want = oracle_status(mdl, now)
    got = service_statuses(mdl, now)
    assert got == want
    order = ["operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage"]
    assert overall_status(got) == max(want.values(), key=order.index)
