"""Honest summary statistics: median, p90, bootstrap intervals, a rank test.

- Percentiles follow ``statistics.quantiles(..., method="inclusive")``: the
  smallest value is the 0th percentile, the largest the 100th, linear
  interpolation between the closest ranks in between.
- A median needs at least 10 values and a p90 at least 30; below that the
  figure is ``None`` and only ``n`` is reported.
- The 95% interval is a percentile bootstrap with 2000 resamples from a
  deterministically seeded generator (same data -> same interval).
- A change between two groups is tested with the two-sided Mann-Whitney U
  test (normal approximation with tie and continuity correction) at 5%.
"""

from __future__ import annotations

import hashlib
import math
import random
import statistics
from collections.abc import Sequence
from functools import lru_cache

MIN_N_MEDIAN = 10
MIN_N_P90 = 30
BOOTSTRAP_RESAMPLES = 2000
ALPHA = 0.05
TEST_NAME = "Mann-Whitney U, two-sided, normal approximation with tie correction"

# A statistic is "the i-th of k cut points" of statistics.quantiles: median = (1, 2), p90 = (9, 10).
MEDIAN = (1, 2)
P90 = (9, 10)


def seed_for(key: str) -> int:
    """A stable seed from a text key (Python's hash() is salted per process; sha256 is not)."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")


def cut_point(sorted_values: Sequence[float], which: tuple[int, int]) -> float:
    """Cut point ``i`` of ``k`` with ``statistics.quantiles(method="inclusive")`` arithmetic.

    Works for a single value too (it is every percentile of itself).
    """
    n = len(sorted_values)
    if n == 0:
        raise ValueError("no data")
    if n == 1:
        return sorted_values[0]
    i, k = which
    j, delta = divmod(i * (n - 1), k)
    if delta == 0:
        return sorted_values[j]
    return (sorted_values[j] * (k - delta) + sorted_values[j + 1] * delta) / k


def percentile(values: Sequence[float], p: int) -> float:
    """The p-th percentile (0..100), inclusive method."""
    return cut_point(sorted(values), (p, 100))


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def p90(values: Sequence[float]) -> float:
    return cut_point(sorted(values), P90)


@lru_cache(maxsize=512)
def _resample_ranks(n: int, which: tuple[int, int], resamples: int, seed: int) -> tuple[tuple[int, int], ...]:
    """For each bootstrap resample of n values: the sorted-data indexes its statistic interpolates.

    Resampling n values with replacement and sorting them is equivalent to
    drawing n uniform numbers ``U`` and taking ``x[floor(n * U)]`` in order, and
    the r-th smallest of n uniforms follows Beta(r, n + 1 - r); given it, the
    next one is the smallest of the remaining n - r uniforms above it. So each
    resample's two needed order statistics are drawn directly: two draws per
    resample instead of n draws and a sort, with the same distribution. The
    draws depend only on n and the statistic, so they are shared (cached).
    """
    rng = random.Random(seed)
    i, k = which
    j, delta = divmod(i * (n - 1), k)  # the statistic uses resample ranks j and j+1 (0-based)
    top = n - 1
    out = []
    for _ in range(resamples):
        u = rng.betavariate(j + 1, n - j)  # the (j+1)-th smallest of n uniforms
        low = min(int(u * n), top)
        if delta:
            nxt = u + (1 - u) * (1 - rng.random() ** (1 / (n - j - 1)))
            out.append((low, min(int(nxt * n), top)))
        else:
            out.append((low, low))
    return tuple(out)


def bootstrap_ci(
    sorted_values: Sequence[float],
    which: tuple[int, int],
    seed: int | None = None,
    resamples: int = BOOTSTRAP_RESAMPLES,
) -> tuple[float, float]:
    """Percentile-bootstrap 95% interval for a cut point (e.g. the median) of sorted data.

    The seed defaults to one derived from n and the statistic, so the same
    data always gets the same interval.
    """
    xs = sorted_values
    n = len(xs)
    if n == 0:
        raise ValueError("no data")
    if n == 1:
        return xs[0], xs[0]
    if seed is None:
        seed = seed_for(f"bootstrap/{n}/{which[0]}/{which[1]}/{resamples}")
    i, k = which
    delta = (i * (n - 1)) % k
    ranks = _resample_ranks(n, which, resamples, seed)
    if delta:
        draws = sorted((xs[a] * (k - delta) + xs[b] * delta) / k for a, b in ranks)
    else:
        draws = sorted(xs[a] for a, _ in ranks)
    return cut_point(draws, (1, 40)), cut_point(draws, (39, 40))


def summarize(values: Sequence[float]) -> dict:
    """``{"n", "median", "p90", "mean", "ci95", "p90_ci95"}`` with the honesty thresholds applied.

    ``ci95`` is the interval for the median. ``mean`` is outlier-sensitive and
    is given whenever there is data, for detail tables only.
    """
    xs = sorted(values)
    n = len(xs)
    out: dict = {"n": n, "median": None, "p90": None, "mean": None, "ci95": None, "p90_ci95": None}
    if n == 0:
        return out
    out["mean"] = statistics.fmean(xs)
    if n >= MIN_N_MEDIAN:
        out["median"] = cut_point(xs, MEDIAN)
        out["ci95"] = list(bootstrap_ci(xs, MEDIAN))
    if n >= MIN_N_P90:
        out["p90"] = cut_point(xs, P90)
        out["p90_ci95"] = list(bootstrap_ci(xs, P90))
    return out


def _ranks(values: Sequence[float]) -> tuple[list[float], float]:
    """Average ranks (1-based) of ``values`` and the tie term sum(t^3 - t)."""
    order = sorted(range(len(values)), key=lambda idx: values[idx])
    ranks = [0.0] * len(values)
    ties = 0.0
    pos = 0
    while pos < len(order):
        end = pos
        while end + 1 < len(order) and values[order[end + 1]] == values[order[pos]]:
            end += 1
        avg = (pos + end) / 2 + 1
        for idx in order[pos : end + 1]:
            ranks[idx] = avg
        t = end - pos + 1
        ties += t**3 - t
        pos = end + 1
    return ranks, ties


def mann_whitney(x: Sequence[float], y: Sequence[float]) -> tuple[float, float]:
    """Two-sided Mann-Whitney U test of ``x`` against ``y``: ``(U_x, p_value)``.

    ``U_x`` counts pairs where x beats (is larger than) y, ties as halves;
    it is below ``len(x) * len(y) / 2`` when x tends to be smaller.
    Same p-value as ``scipy.stats.mannwhitneyu(x, y, method="asymptotic")``.
    """
    n1, n2 = len(x), len(y)
    if n1 == 0 or n2 == 0:
        raise ValueError("both samples need data")
    ranks, ties = _ranks(list(x) + list(y))
    u1 = sum(ranks[:n1]) - n1 * (n1 + 1) / 2
    mu = n1 * n2 / 2
    total = n1 + n2
    var = n1 * n2 / 12 * ((total + 1) - ties / (total * (total - 1)))
    if var <= 0:
        return u1, 1.0
    z = max(abs(u1 - mu) - 0.5, 0.0) / math.sqrt(var)
    return u1, min(1.0, math.erfc(z / math.sqrt(2)))


def compare(previous: Sequence[float], current: Sequence[float]) -> dict:
    """Did durations get shorter ("better") or longer ("worse"), or is it noise?

    Both groups need at least ``MIN_N_MEDIAN`` values (the same bar as for
    showing a median at all); otherwise the verdict is "not enough data".
    """
    out: dict = {
        "n_from": len(previous),
        "n_to": len(current),
        "median_from": cut_point(sorted(previous), MEDIAN) if len(previous) >= MIN_N_MEDIAN else None,
        "median_to": cut_point(sorted(current), MEDIAN) if len(current) >= MIN_N_MEDIAN else None,
        "test": TEST_NAME,
        "alpha": ALPHA,
        "p_value": None,
        "verdict": "not enough data",
    }
    if len(previous) < MIN_N_MEDIAN or len(current) < MIN_N_MEDIAN:
        return out
    u_current, p_value = mann_whitney(current, previous)
    out["p_value"] = p_value
    if p_value < ALPHA:
        out["verdict"] = "better" if u_current < len(current) * len(previous) / 2 else "worse"
    else:
        out["verdict"] = "no detectable change"
    return out
