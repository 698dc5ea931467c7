"""Statistics helpers against Python's ``statistics`` and brute force."""

from __future__ import annotations

import random
import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.compute.stats import (
    MEDIAN,
    P90,
    bootstrap_ci,
    compare,
    cut_point,
    mann_whitney,
    percentile,
    summarize,
)

values = st.lists(st.integers(0, 10**6).map(float), min_size=2, max_size=60)


@settings(max_examples=200, deadline=None)
@given(values)
def test_cut_points_are_statistics_quantiles_inclusive(xs):
    s = sorted(xs)
    assert cut_point(s, MEDIAN) == statistics.median(xs)
    assert cut_point(s, P90) == statistics.quantiles(xs, n=10, method="inclusive")[8]
    assert percentile(xs, 95) == statistics.quantiles(xs, n=100, method="inclusive")[94]


def test_single_value_is_every_percentile():
    assert cut_point([42.0], MEDIAN) == 42.0
    assert cut_point([42.0], P90) == 42.0
    assert bootstrap_ci([42.0], MEDIAN, seed=1) == (42.0, 42.0)


@pytest.mark.parametrize(("n", "has_median", "has_p90"), [(0, False, False), (1, False, False), (9, False, False), (10, True, False), (29, True, False), (30, True, True)])
def test_figures_are_numbers_with_a_threshold_flag(n, has_median, has_p90):
    xs = [float(60 * (i % 7) + i) for i in range(n)]
    s = summarize(xs)
    assert s["n"] == n
    assert s["shown"] == {"median": has_median, "p90": has_p90}
    assert s["censored"] == 0 and s["estimator"] == "exact"
    assert not any(s["lower_bound"][k] for k in ("median", "p90", "mean"))
    if not n:
        assert (s["median"], s["p90"], s["mean"], s["ci95"], s["p90_ci95"]) == (None,) * 5
        return
    # Below the thresholds the values are still there, computed the same way.
    assert s["mean"] == statistics.fmean(xs)
    assert s["median"] == statistics.median(xs)
    assert s["p90"] == (xs[0] if n == 1 else statistics.quantiles(xs, n=10, method="inclusive")[8])
    for key, stat in (("ci95", "median"), ("p90_ci95", "p90")):
        low, high = s[key]
        assert low <= s[stat] <= high


def naive_bootstrap(xs, which, seed, resamples=2000):
    rng = random.Random(seed)
    draws = sorted(cut_point(sorted(rng.choices(xs, k=len(xs))), which) for _ in range(resamples))
    q = statistics.quantiles(draws, n=40, method="inclusive")
    return q[0], q[38]


@pytest.mark.parametrize("which", [MEDIAN, P90])
@pytest.mark.parametrize("n", [11, 40, 101])
def test_bootstrap_matches_resampling(which, n):
    # The order-statistic shortcut has the distribution of resample-and-sort; with
    # 2000 resamples each, both intervals land within a few ranks of each other.
    rng = random.Random(n)
    xs = sorted(rng.lognormvariate(7, 1) for _ in range(n))
    fast = bootstrap_ci(xs, which, seed=7)
    slow = naive_bootstrap(xs, which, seed=7)
    rank = {v: i for i, v in enumerate(xs)}

    def nearest_rank(v):
        return min(range(n), key=lambda i: abs(xs[i] - v)) if v not in rank else rank[v]

    for a, b in zip(fast, slow, strict=True):
        assert abs(nearest_rank(a) - nearest_rank(b)) <= max(2, n // 20)
    assert fast[0] <= cut_point(xs, which) <= fast[1]


def test_bootstrap_is_deterministic():
    xs = sorted(float(i * i) for i in range(50))
    assert bootstrap_ci(xs, MEDIAN, seed=3) == bootstrap_ci(xs, MEDIAN, seed=3)
    assert summarize(xs) == summarize(list(reversed(xs)))
    assert bootstrap_ci(xs, MEDIAN) == bootstrap_ci(list(xs), MEDIAN)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=1, max_size=15), st.lists(st.integers(0, 20), min_size=1, max_size=15))
def test_mann_whitney_u_counts_pairs(x, y):
    u, p = mann_whitney(x, y)
    assert u == sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in x for b in y)
    assert 0.0 <= p <= 1.0


def test_mann_whitney_p_value_matches_scipy():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = random.Random(5)
    for _ in range(20):
        x = [rng.randint(0, 30) for _ in range(rng.randint(10, 40))]
        y = [rng.randint(5, 40) for _ in range(rng.randint(10, 40))]
        ref = scipy_stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic")
        u, p = mann_whitney(x, y)
        assert u == pytest.approx(ref.statistic)
        assert p == pytest.approx(ref.pvalue, rel=1e-9)


def test_mann_whitney_small_hand_case():
    # x all below y: U = 0; mu = 4.5, var = 3*3/12 * 7 = 5.25, z = (4.5 - 0.5) / sqrt(5.25).
    import math

    u, p = mann_whitney([1, 2, 3], [4, 5, 6])
    assert u == 0
    assert p == pytest.approx(math.erfc(4 / math.sqrt(5.25) / math.sqrt(2)))
    assert mann_whitney([5, 5], [5, 5]) == (2.0, 1.0)


def test_compare_noise_is_no_detectable_change():
    rng = random.Random(11)
    before = [rng.expovariate(1 / 3600) for _ in range(25)]
    after = [rng.expovariate(1 / 3300) for _ in range(25)]  # a bit faster, but noisy
    result = compare(before, after)
    assert result["verdict"] == "no detectable change"
    assert result["p_value"] >= 0.05
    assert result["median_to"] != result["median_from"]  # the medians differ; that is not enough


def test_compare_clear_change_is_better_or_worse():
    rng = random.Random(12)
    slow = [rng.uniform(3000, 9000) for _ in range(20)]
    fast = [rng.uniform(300, 1200) for _ in range(20)]
    better = compare(slow, fast)
    assert better["verdict"] == "better"
    assert better["p_value"] < 0.05
    assert compare(fast, slow)["verdict"] == "worse"


def test_compare_needs_ten_each():
    result = compare([1.0] * 9, [100.0] * 30)
    assert result["verdict"] == "not enough data"
    assert result["p_value"] is None
    assert (result["n_from"], result["n_to"]) == (9, 30)
