"""Kaplan-Meier for incidents still open: a hand-computed case, brute force and properties."""

from __future__ import annotations

import math
import random
import statistics
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.compute.stats import (
    KM_Q,
    MEDIAN,
    P90,
    _binomial,
    compare,
    compare_observations,
    gehan,
    km_bootstrap_ci,
    km_mean,
    km_quantile,
    km_survival,
    mann_whitney,
    median_estimate,
    summarize,
    summarize_censored,
)

HALF, NINE_TENTHS = Fraction(1, 2), Fraction(9, 10)
H = 3600.0


def test_hand_computed_case():
    # Six incidents, durations in hours; "+" is still open (time so far):
    #   1, 2, 3+, 4, 5, 6+
    # In order, with r = incidents still running just before, d = ending then:
    #   t=1: r=6, d=1 -> S = 1 * (1 - 1/6)          = 5/6
    #   t=2: r=5, d=1 -> S = 5/6 * (1 - 1/5)        = 2/3
    #   3+ leaves the risk set without ending (censored)
    #   t=4: r=3, d=1 -> S = 2/3 * (1 - 1/3)        = 4/9
    #   t=5: r=2, d=1 -> S = 4/9 * (1 - 1/2)        = 2/9
    #   6+ censored; S never reaches 0.
    obs = [(1 * H, True), (2 * H, True), (3 * H, False), (4 * H, True), (5 * H, True), (6 * H, False)]
    assert km_survival(obs) == [(1 * H, Fraction(5, 6)), (2 * H, Fraction(2, 3)), (4 * H, Fraction(4, 9)),
                                (5 * H, Fraction(2, 9))]
    # Median: the first t with S(t) <= 1/2 is 4 (S(2) = 2/3 > 1/2, S(4) = 4/9).
    assert km_quantile(obs, HALF) == (4 * H, False)
    # p90 needs S <= 1/10, but S stops at 2/9 with the 6 h incident still open: "at least 6 h".
    assert km_quantile(obs, NINE_TENTHS) == (6 * H, True)
    # Mean: each ending takes the drop in S at its time; what is left (2/9) sits at 6 h, so "at least":
    #   1*(1/6) + 2*(1/6) + 4*(2/9) + 5*(2/9) + 6*(2/9) = 1/2 + 30/9 = 23/6 h.
    mean, bound = km_mean(obs)
    assert mean == pytest.approx(23 / 6 * H) and bound
    # Ignoring the open incidents (the old way) the median of 1, 2, 4, 5 would be 3 h: too short.
    assert statistics.median([1, 2, 4, 5]) * H < km_quantile(obs, HALF)[0]
    fig = summarize_censored(obs)
    assert (fig["n"], fig["censored"], fig["estimator"]) == (6, 2, "kaplan-meier")
    assert (fig["median"], fig["p90"]) == (4 * H, 6 * H)
    assert fig["lower_bound"]["median"] is False and fig["lower_bound"]["p90"] is True
    assert fig["shown"] == {"median": False, "p90": False}
    low, high = fig["ci95"]
    assert low <= fig["median"] <= high <= 6 * H
    # Every resample of the p90 runs out of endings past its last open incident: both ends "at least".
    assert fig["lower_bound"]["p90_ci95"] == [True, True]


def test_the_worked_example_of_the_docs():
    # docs/computations.md: six resolved (30 min, 45 min, 1 h, 2 h, 5 h, 8 h), one open for 26 h.
    resolved = [0.5 * H, 0.75 * H, 1 * H, 2 * H, 5 * H, 8 * H]
    obs = [(t, True) for t in resolved] + [(26 * H, False)]
    assert statistics.median(resolved) == 1.5 * H  # the open one left out
    assert statistics.quantiles(resolved, n=10, method="inclusive")[8] == 6.5 * H
    # S: 6/7, 5/7, 4/7, 3/7 (at 2 h: <= 1/2), 2/7, 1/7 (at 8 h: still > 1/10), then the open one.
    assert km_quantile(obs, HALF) == (2 * H, False)
    assert km_quantile(obs, NINE_TENTHS) == (26 * H, True)
    mean, bound = km_mean(obs)
    assert mean == pytest.approx(sum(resolved) / 7 + 26 * H / 7) and bound


def efron_redistribute(obs):
    """Efron's redistribute-to-the-right, by brute force: S(t) at each ended time."""
    order = sorted(obs, key=lambda o: (o[0], not o[1]))
    mass = [Fraction(1, len(order))] * len(order)
    for i, (_, ended) in enumerate(order):
        if not ended and i + 1 < len(order):
            share = mass[i] / (len(order) - i - 1)
            for j in range(i + 1, len(order)):
                mass[j] += share
            mass[i] = Fraction(0)
    out = []
    for t in sorted({t for t, e in order if e}):
        out.append((t, 1 - sum(m for (u, e), m in zip(order, mass, strict=True) if e and u <= t)))
    return out


observations = st.lists(st.tuples(st.integers(0, 40).map(float), st.booleans()), min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(observations)
def test_product_limit_equals_redistribute_to_the_right(obs):
    assert km_survival(obs) == efron_redistribute(obs)


def brute_quantile(obs, q):
    """Smallest t with S(t) <= 1 - q by scanning the brute-force curve; else the longest time, flagged."""
    for t, s in efron_redistribute(obs):
        if s <= 1 - q:
            return t, False
    return max(t for t, _ in obs), True


@settings(max_examples=300, deadline=None)
@given(observations)
def test_quantiles_match_the_brute_force_curve(obs):
    for q in (HALF, NINE_TENTHS, Fraction(1, 4)):
        assert km_quantile(obs, q) == brute_quantile(obs, q)
    # A lower bound happens only when the longest incident is still open, and is its time so far.
    value, bound = km_quantile(obs, NINE_TENTHS)
    if bound:
        longest = max(t for t, _ in obs)
        assert value == longest and any(not e and t == longest for t, e in obs)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 10**6).map(float), min_size=1, max_size=60))
def test_nothing_open_is_the_lower_empirical_quantile(xs):
    s = sorted(xs)
    obs = [(x, True) for x in xs]
    for q in (HALF, NINE_TENTHS):
        assert km_quantile(obs, q) == (s[math.ceil(len(s) * q) - 1], False)
    mean, bound = km_mean(obs)
    assert mean == pytest.approx(statistics.fmean(xs)) and not bound
    # And summarize_censored keeps the exact (interpolated) figures when nothing is open.
    assert summarize_censored(obs) == summarize(xs)
    assert median_estimate(obs) == (statistics.median(xs), False)


@settings(max_examples=200, deadline=None)
@given(observations, st.data())
def test_a_longer_open_incident_never_lowers_the_estimate(obs, data):
    # An open incident that keeps running (a later now) can only push the curve up: no quantile drops.
    still_open = [i for i, (_, e) in enumerate(obs) if not e]
    if not still_open:
        return
    i = data.draw(st.sampled_from(still_open))
    later = list(obs)
    later[i] = (obs[i][0] + data.draw(st.integers(1, 50)), False)
    for q in (HALF, NINE_TENTHS):
        assert km_quantile(later, q)[0] >= km_quantile(obs, q)[0]


@settings(max_examples=200, deadline=None)
@given(observations)
def test_never_below_counting_open_incidents_as_ended_now(obs):
    # Treating an open incident as if it ended now understates; Kaplan-Meier is never below that floor.
    floor = [(t, True) for t, _ in obs]
    for q in (HALF, NINE_TENTHS):
        assert km_quantile(obs, q)[0] >= km_quantile(floor, q)[0]


def naive_km_bootstrap(obs, which, seed, resamples=2000):
    rng = random.Random(seed)
    q = KM_Q[which]
    draws = sorted(km_quantile(rng.choices(obs, k=len(obs)), q)[0] for _ in range(resamples))
    cuts = statistics.quantiles(draws, n=40, method="inclusive")
    return cuts[0], cuts[38]


@pytest.mark.parametrize("which", [MEDIAN, P90])
@pytest.mark.parametrize(("n", "open_count"), [(15, 2), (60, 5)])
def test_bootstrap_matches_resampling_pairs(which, n, open_count):
    # The cell-by-cell shortcut has the distribution of resample-pairs-and-run-Kaplan-Meier;
    # with 2000 resamples each, both intervals land within a few ranks of each other.
    rng = random.Random(n + open_count)
    obs = [(rng.lognormvariate(8, 1), True) for _ in range(n - open_count)]
    obs += [(rng.lognormvariate(8.5, 1), False) for _ in range(open_count)]
    (fast_low, fast_high), _ = km_bootstrap_ci(obs, which, seed=5)
    slow = naive_km_bootstrap(obs, which, seed=5)
    times = sorted(t for t, _ in obs)

    def rank(v):
        return min(range(len(times)), key=lambda i: abs(times[i] - v))

    for a, b in zip((fast_low, fast_high), slow, strict=True):
        assert abs(rank(a) - rank(b)) <= max(2, n // 15)
    point = km_quantile(obs, KM_Q[which])[0]
    assert fast_low <= point <= fast_high or km_quantile(obs, KM_Q[which])[1]


def test_bootstrap_is_deterministic_and_order_free():
    rng = random.Random(9)
    obs = [(rng.expovariate(1 / 3600), rng.random() > 0.2) for _ in range(40)]
    assert km_bootstrap_ci(obs, MEDIAN) == km_bootstrap_ci(list(reversed(obs)), MEDIAN)
    assert summarize_censored(obs) == summarize_censored(sorted(obs))


def test_bootstrap_stays_fast_on_thousands():
    import time

    from generator.compute.stats import _km_resamples

    rng = random.Random(4)
    obs = [(rng.lognormvariate(8, 1.5), True) for _ in range(5000)] + [(rng.lognormvariate(9, 1), False) for _ in range(5)]
    _km_resamples.cache_clear()
    start = time.perf_counter()
    fig = summarize_censored(obs)
    elapsed = time.perf_counter() - start
    assert fig["n"] == 5005 and fig["censored"] == 5
    # A few draws per resample, not n: measured about 0.03 s here; the bound leaves room for a slow machine.
    assert elapsed < 1.5


@pytest.mark.parametrize(("n", "p"), [(30, 0.2), (2000, 0.3), (500, 0.9), (1, 0.5), (7, 0.0)])
def test_binomial_draws_follow_the_binomial(n, p):
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = random.Random(n)
    draws = [_binomial(rng, n, p) for _ in range(20000)]
    assert all(0 <= d <= n for d in draws)
    if p == 0.0:
        assert set(draws) == {0}
        return
    counts: dict[int, int] = {}
    for d in draws:
        counts[d] = counts.get(d, 0) + 1
    # Total variation distance between the empirical and the exact distribution.
    tv = 0.5 * sum(abs(counts.get(k, 0) / len(draws) - scipy_stats.binom.pmf(k, n, p)) for k in range(n + 1))
    assert tv < 0.05


ended_only = st.lists(st.integers(0, 20).map(float), min_size=1, max_size=15)


@settings(max_examples=150, deadline=None)
@given(ended_only, ended_only)
def test_gehan_without_open_incidents_is_mann_whitney(x, y):
    w, p = gehan([(v, True) for v in x], [(v, True) for v in y])
    u, p_mw = mann_whitney(x, y)
    assert w == pytest.approx(2 * u - len(x) * len(y))
    assert p == pytest.approx(p_mw, rel=1e-9, abs=1e-12)


def certainly_longer(a, b):
    """+1 if a is certainly longer than b, -1 if certainly shorter, 0 if it cannot be told."""
    (ta, ea), (tb, eb) = a, b
    if eb and (ta > tb or (not ea and ta >= tb)):
        return 1
    if ea and (tb > ta or (not eb and tb >= ta)):
        return -1
    return 0


@settings(max_examples=150, deadline=None)
@given(observations, observations)
def test_gehan_scores_pairs(x, y):
    w, p = gehan(x, y)
    assert w == sum(certainly_longer(a, b) for a in x for b in y)
    assert 0.0 <= p <= 1.0


def test_changes_with_open_incidents_use_gehan_and_kaplan_meier():
    rng = random.Random(2)
    slow = [(rng.uniform(3000, 9000), True) for _ in range(18)] + [(20000.0, False), (15000.0, False)]
    fast = [(rng.uniform(300, 1200), True) for _ in range(18)] + [(400.0, False)]
    result = compare_observations(slow, fast)
    assert result["verdict"] == "better" and result["p_value"] < 0.05
    assert result["test"].startswith("Gehan") and result["estimator"] == "kaplan-meier"
    assert (result["censored_from"], result["censored_to"]) == (2, 1)
    assert result["median_from"] == km_quantile(slow, HALF)[0]
    assert compare_observations(fast, slow)["verdict"] == "worse"
    # Nothing open: the same document as before, plus the counts.
    plain = [(t, True) for t, _ in slow[:18]], [(t, True) for t, _ in fast[:18]]
    exact = compare_observations(*plain)
    assert {k: exact[k] for k in compare([1.0], [2.0])} == compare([t for t, _ in plain[0]], [t for t, _ in plain[1]])
    assert exact["estimator"] == "exact" and exact["censored_to"] == 0
    assert compare_observations(slow[:5], fast)["verdict"] == "not enough data"
