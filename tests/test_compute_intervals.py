"""Interval primitives against set-of-points brute force."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.compute.intervals import Measure, subtract, union, worst_wins
from generator.compute.localtime import next_business_day_end, quarter_key, quarter_sequence
from tests.compute_factories import ts

spans = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=8)


def points(items) -> set[int]:
    return {t for a, b in items for t in range(a, b)}


@settings(max_examples=200, deadline=None)
@given(spans, spans)
def test_union_and_subtract(a, b):
    ua, ub = union(a), union(b)
    assert points(ua) == points(a)
    assert all(x[1] < y[0] for x, y in zip(ua, ua[1:], strict=False))  # disjoint, not touching
    assert points(subtract(ua, ub)) == points(a) - points(b)


@settings(max_examples=200, deadline=None)
@given(spans, st.integers(0, 70), st.integers(0, 70))
def test_measure_covered(a, lo, hi):
    m = Measure(union(a))
    assert m.covered(lo, hi) == len({t for t in points(a) if lo <= t < hi})


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(1, 3)), max_size=8))
def test_worst_wins(pieces):
    levels = worst_wins(pieces, 3)
    for t in range(41):
        want = max((lv for a, b, lv in pieces if a <= t < b), default=0)
        got = [lv + 1 for lv, spans_ in enumerate(levels) if any(a <= t < b for a, b in spans_)]
        assert got == ([want] if want else [])


def test_next_business_day_end():
    # Detected Friday 2026-03-13 in Berlin -> end of Monday 16 March, local midnight = 23:00Z.
    assert next_business_day_end(ts("2026-03-13T15:00:00Z"), "Europe/Berlin") == ts("2026-03-16T23:00:00Z")
    # Tuesday 23:30 local in Berlin (22:30Z) -> end of Wednesday.
    assert next_business_day_end(ts("2026-03-10T22:30:00Z"), "Europe/Berlin") == ts("2026-03-11T23:00:00Z")
    # Saturday in New York -> end of Monday (EDT from 8 March: midnight is 04:00Z).
    assert next_business_day_end(ts("2026-03-14T12:00:00Z"), "America/New_York") == ts("2026-03-17T04:00:00Z")


def test_quarters_use_the_local_date():
    assert quarter_key(ts("2025-12-31T23:30:00Z"), "Europe/Berlin") == "2026-Q1"
    assert quarter_key(ts("2025-12-31T23:30:00Z"), "UTC") == "2025-Q4"
    assert quarter_sequence("2025-Q3", "2026-Q2") == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
