"""Interval arithmetic on integer microseconds.

Uptime is computed from sorted, disjoint half-open intervals ``[start, end)``
rather than from per-minute samples: each service's history is sorted and
merged once, and every window is then answered with two binary searches over
prefix sums. Integer microseconds since the Unix epoch keep every sum exact;
only the final ratio is a float.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
US_PER_MINUTE = 60_000_000
US_PER_SECOND = 1_000_000

Span = tuple[int, int]


def to_us(moment: datetime) -> int:
    """An aware datetime as exact integer microseconds since the epoch."""
    return (moment - EPOCH) // _US


def from_us(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=value)


def union(spans: Iterable[Span]) -> list[Span]:
    """Merge overlapping or touching spans into sorted disjoint spans; empty spans vanish."""
    out: list[Span] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def subtract(spans: Sequence[Span], holes: Sequence[Span]) -> list[Span]:
    """``spans`` minus ``holes``; both sorted and disjoint. Linear two-pointer walk."""
    out: list[Span] = []
    j = 0
    for start, end in spans:
        cur = start
        while j < len(holes) and holes[j][1] <= cur:
            j += 1
        k = j
        while k < len(holes) and holes[k][0] < end:
            h_start, h_end = holes[k]
            if h_start > cur:
                out.append((cur, h_start))
            cur = max(cur, h_end)
            if cur >= end:
                break
            k += 1
        if cur < end:
            out.append((cur, end))
    return out


def worst_wins(pieces: Iterable[tuple[int, int, int]], levels: int) -> list[list[Span]]:
    """Split overlapping ``(start, end, level)`` pieces so each instant carries its highest level.

    Returns one sorted disjoint span list per level ``1..levels`` (index 0 is level 1).
    One sort plus one sweep: O(n log n).
    """
    events: list[tuple[int, int, int]] = []
    for start, end, level in pieces:
        if end > start and 1 <= level <= levels:
            events.append((start, 1, level))
            events.append((end, -1, level))
    events.sort()
    counts = [0] * (levels + 1)
    out: list[list[Span]] = [[] for _ in range(levels)]
    current = 0  # level in force since ``since``
    since = 0
    i = 0
    while i < len(events):
        moment = events[i][0]
        while i < len(events) and events[i][0] == moment:
            counts[events[i][2]] += events[i][1]
            i += 1
        top = 0
        for level in range(levels, 0, -1):
            if counts[level] > 0:
                top = level
                break
        if top != current:
            if current and moment > since:
                spans = out[current - 1]
                if spans and spans[-1][1] == since:
                    spans[-1] = (spans[-1][0], moment)
                else:
                    spans.append((since, moment))
            current, since = top, moment
    return out


class Measure:
    """Sorted disjoint spans with prefix sums: the covered length inside ``[a, b)`` in O(log n)."""

    __slots__ = ("starts", "ends", "prefix")

    def __init__(self, spans: Sequence[Span]) -> None:
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]
        self.prefix = [0]
        total = 0
        for s, e in spans:
            total += e - s
            self.prefix.append(total)

    def __len__(self) -> int:
        return len(self.starts)

    def covered(self, a: int, b: int) -> int:
        """Microseconds of ``[a, b)`` covered by the spans."""
        if b <= a:
            return 0
        i = bisect_right(self.ends, a)  # first span ending after a
        j = bisect_left(self.starts, b)  # spans before j start before b
        if i >= j:
            return 0
        total = self.prefix[j] - self.prefix[i]
        total -= max(0, a - self.starts[i])
        total -= max(0, self.ends[j - 1] - b)
        return total

    def overlapping(self, a: int, b: int) -> range:
        """Indices of spans that overlap ``[a, b)``."""
        return range(bisect_right(self.ends, a), bisect_left(self.starts, b))
