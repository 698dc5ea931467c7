"""Honest summary statistics: median, p90, bootstrap intervals, a rank test.

- Percentiles follow ``statistics.quantiles(..., method="inclusive")``: the
  smallest value is the 0th percentile, the largest the 100th, linear
  interpolation between the closest ranks in between.
- Every figure is a number whenever there is data; ``shown`` says whether n
  reaches what the KPI page needs to show it (10 for a median, 30 for a p90).
- The 95% interval is a percentile bootstrap with 2000 resamples from a
  deterministically seeded generator (same data -> same interval).
- A change between two groups is tested with the two-sided Mann-Whitney U
  test (normal approximation with tie and continuity correction) at 5%.
- Durations of incidents still open are right-censored: when any is, the
  median, p90 and their intervals come from the Kaplan-Meier estimate and a
  change is tested with Gehan's generalisation of the same rank test (see
  :func:`summarize_censored` and :func:`compare_observations`).
"""

from __future__ import annotations

import hashlib
import math
import operator
import random
import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from itertools import repeat

MIN_N_MEDIAN = 10
MIN_N_P90 = 30
BOOTSTRAP_RESAMPLES = 2000
ALPHA = 0.05
TEST_NAME = "Mann-Whitney U, two-sided, normal approximation with tie correction"

# A statistic is "the i-th of k cut points" of statistics.quantiles: median = (1, 2), p90 = (9, 10).
MEDIAN = (1, 2)
P90 = (9, 10)
ESTIMATOR_EXACT = "exact"  # no incident open: the durations themselves
ESTIMATOR_KM = "kaplan-meier"  # some open: product-limit estimate, open ones censored at now


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
    lows, highs = _rank_columns(n, which, resamples, seed)
    # The same arithmetic per draw as (xs[a] * (k - delta) + xs[b] * delta) / k, run by map() in C:
    # every figure on every page is one of these, so it is worth the speed.
    if delta:
        scaled_low = list(map(operator.mul, xs, repeat(k - delta)))
        scaled_high = list(map(operator.mul, xs, repeat(delta)))
        draws = sorted(map(operator.truediv, map(operator.add, map(scaled_low.__getitem__, lows),
                                                 map(scaled_high.__getitem__, highs)), repeat(k)))
    else:
        draws = list(map(xs.__getitem__, lows))  # lows are sorted and xs is: already in order
    return cut_point(draws, (1, 40)), cut_point(draws, (39, 40))


@lru_cache(maxsize=512)
def _rank_columns(n: int, which: tuple[int, int], resamples: int, seed: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """:func:`_resample_ranks` as two columns (low ranks, high ranks); sorted when only the low one is used."""
    ranks = _resample_ranks(n, which, resamples, seed)
    i, k = which
    if (i * (n - 1)) % k:
        return tuple(a for a, _ in ranks), tuple(b for _, b in ranks)
    lows = tuple(sorted(a for a, _ in ranks))
    return lows, lows


def _shown(n: int) -> dict[str, bool]:
    """Whether n reaches the KPI page's bar for showing each figure (below it: "not enough data (n=k)")."""
    return {"median": n >= MIN_N_MEDIAN, "p90": n >= MIN_N_P90}


def _exact_bounds() -> dict:
    return {"median": False, "p90": False, "mean": False, "ci95": [False, False], "p90_ci95": [False, False]}


def summarize(values: Sequence[float]) -> dict:
    """One KPI figure of finished durations (nothing open).

    ``{"n", "censored", "estimator", "median", "p90", "mean", "ci95", "p90_ci95", "shown",
    "lower_bound"}``: every value is a number whenever n > 0 (``None`` only for n = 0);
    ``shown`` says whether n reaches the page's thresholds (n >= 10 for the median, n >= 30
    for the p90). ``ci95`` is the interval for the median. ``mean`` is outlier-sensitive,
    for detail tables only. ``censored`` is 0, ``estimator`` "exact" and no value is a
    lower bound; :func:`summarize_censored` gives the same shape with open incidents.
    """
    xs = sorted(values)
    n = len(xs)
    out: dict = {
        "n": n,
        "censored": 0,
        "estimator": ESTIMATOR_EXACT,
        "median": None,
        "p90": None,
        "mean": None,
        "ci95": None,
        "p90_ci95": None,
        "shown": _shown(n),
        "lower_bound": _exact_bounds(),
    }
    if n == 0:
        return out
    out["mean"] = statistics.fmean(xs)
    out["median"] = cut_point(xs, MEDIAN)
    out["ci95"] = list(bootstrap_ci(xs, MEDIAN))
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


# ---------------------------------------------------------------- open incidents: Kaplan-Meier
#
# An incident still open at ``now`` has a duration of *at least* its time so far: the
# observation is right-censored. An observation is ``(duration, ended)``: ``ended`` False
# means "still running after ``duration``". The product-limit (Kaplan-Meier) estimate uses
# each open incident for as long as it is known to have lasted and, after that, lets the
# incidents still at risk speak for it (Efron's "redistribute to the right").

Observation = tuple[float, bool]

# q of a statistic as an exact fraction: the median is q = 1/2, the p90 q = 9/10.
KM_Q = {MEDIAN: Fraction(1, 2), P90: Fraction(9, 10)}


@dataclass(frozen=True)
class _Cells:
    """Observations in Kaplan-Meier order, cut into cells.

    Order: by duration, an ended incident before an open one of the same duration (it is
    still at risk at that moment, the usual convention). A cell is either a run of ended
    observations between two open ones or one open observation. Inside a run nobody leaves
    the risk set except by ending, so the survival falls linearly with the count of
    endings: ``S = S_start * (R - k) / R`` after the k-th of the run. The estimate is
    therefore known from the cells alone, which keeps the bootstrap at a few draws per
    resample instead of n.
    """

    times: tuple[float, ...]  # durations, in Kaplan-Meier order
    cells: tuple[tuple[bool, int, int], ...]  # (ended run?, start, end) over ``times``
    censored: int


def _cells(observations: Sequence[Observation]) -> _Cells:
    order = sorted(observations, key=lambda o: (o[0], not o[1]))
    cells: list[tuple[bool, int, int]] = []
    start = 0
    for pos, (_, ended) in enumerate(order):
        if not ended:
            if pos > start:
                cells.append((True, start, pos))
            cells.append((False, pos, pos + 1))
            start = pos + 1
    if start < len(order):
        cells.append((True, start, len(order)))
    return _Cells(tuple(t for t, _ in order), tuple(cells), sum(1 for _, e in order if not e))


def km_survival(observations: Sequence[Observation]) -> list[tuple[float, Fraction]]:
    """The product-limit estimate: ``(t, S(t))`` at each distinct duration at which an incident ended.

    ``S(t) = prod over ended durations u <= t of (1 - d(u) / r(u))``: d(u) incidents
    ended after exactly u, r(u) were still running just before u (open incidents count
    at risk up to and including their time so far). Exact fractions, no rounding.
    """
    order = sorted(observations, key=lambda o: (o[0], not o[1]))
    at_risk = len(order)
    surv = Fraction(1)
    out: list[tuple[float, Fraction]] = []
    i = 0
    while i < len(order):
        t = order[i][0]
        ended = left = 0
        while i < len(order) and order[i][0] == t:
            ended += order[i][1]
            left += 1
            i += 1
        if ended:
            surv *= Fraction(at_risk - ended, at_risk)
            out.append((t, surv))
        at_risk -= left
    return out


def km_quantile(observations: Sequence[Observation], q: Fraction) -> tuple[float, bool]:
    """Quantile q (0 < q < 1) of the Kaplan-Meier estimate: ``(value, lower_bound)``.

    The value is the smallest duration t with ``S(t) <= 1 - q``. With nothing open this is
    the *lower* empirical quantile (the ceil(n q)-th shortest duration), not the inclusive
    interpolation that :func:`cut_point` uses: the median of 10 values is the 5th, not the
    mean of the 5th and 6th. :func:`summarize` therefore uses this only when an incident
    is open and keeps the interpolated figure otherwise.

    When ``S`` never falls to ``1 - q`` the incidents still open hold the quantile: it is
    beyond every duration seen so far, so the value is the longest time an open incident
    has run so far and ``lower_bound`` is True ("at least").
    """
    return _km_point(_cells(observations), (q,))[0]


def _km_point(data: _Cells, qs: Sequence[Fraction]) -> list[tuple[float, bool]]:
    """Exact (fraction) Kaplan-Meier quantiles of all weights 1, for increasing ``qs``, from the cells."""
    times = data.times
    if not times:
        raise ValueError("no data")
    found: list[tuple[float, bool] | None] = [None] * len(qs)
    surv = Fraction(1)
    risk = len(times)
    for ended, start, end in data.cells:
        size = end - start
        if ended:
            for idx, q in enumerate(qs):
                if found[idx] is None:
                    # Smallest k with surv * (risk - k) / risk <= 1 - q.
                    k = max(1, math.ceil(risk - (1 - q) * risk / surv))
                    if k <= size:
                        found[idx] = (times[start + k - 1], False)
            surv *= Fraction(risk - size, risk)
        risk -= size
        if all(f is not None for f in found):
            break
    return [f if f is not None else (times[-1], True) for f in found]


def km_mean(observations: Sequence[Observation]) -> tuple[float, bool]:
    """The mean of the Kaplan-Meier estimate (area under S up to the longest duration): ``(mean, lower_bound)``.

    Equal to the plain mean when nothing is open. When the longest incident is still open
    the curve stops there with the open share of incidents beyond it, so the mean is
    "at least" (``lower_bound`` True).
    """
    data = _cells(observations)
    times = data.times
    if not times:
        raise ValueError("no data")
    total = 0.0
    surv = 1.0
    risk = len(times)
    for ended, start, end in data.cells:
        size = end - start
        if ended:
            # Each ending in the run takes surv / risk of the probability.
            total += surv / risk * math.fsum(times[start:end])
            surv *= (risk - size) / risk
        risk -= size
    last_open = bool(data.cells) and not data.cells[-1][0]
    return total + surv * times[-1], last_open


def _binomial(rng: random.Random, n: int, p: float) -> int:
    """One Binomial(n, p) draw: the algorithm of Python 3.12's ``random.binomialvariate``.

    Devroye's geometric method when n p is small, Hörmann's BTRS (transformed rejection
    with squeeze) otherwise. Kept here while Python 3.11 is supported.
    """
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    if p > 0.5:
        return n - _binomial(rng, n, 1.0 - p)
    if n * p < 10.0:
        x = y = 0
        c = math.log(1.0 - p)
        if not c:
            return 0
        while True:
            y += math.floor(math.log(1.0 - rng.random()) / c) + 1
            if y > n:
                return x
            x += 1
    spq = math.sqrt(n * p * (1.0 - p))
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = n * p + 0.5
    vr = 0.92 - 4.2 / b
    alpha = (2.83 + 5.1 / b) * spq
    lpq = math.log(p / (1.0 - p))
    m = math.floor((n + 1) * p)
    h = math.lgamma(m + 1) + math.lgamma(n - m + 1)
    while True:
        u = rng.random() - 0.5
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + c)
        if k < 0 or k > n:
            continue
        v = rng.random()
        if us >= 0.07 and v <= vr:
            return k
        v *= alpha / (a / (us * us) + b)
        if v > 0 and math.log(v) <= h - math.lgamma(k + 1) - math.lgamma(n - k + 1) + (k - m) * lpq:
            return k


@lru_cache(maxsize=256)
def _km_resamples(
    cells: tuple[tuple[bool, int, int], ...], n: int, qs: tuple[Fraction, ...], resamples: int, seed: int
) -> tuple[tuple[tuple[int, bool], ...], ...]:
    """Per statistic in ``qs``, per bootstrap resample: (index into the ordered durations, lower bound?).

    A resample draws n observations with replacement. Only how many land in each cell
    matters to the estimate (a multinomial, drawn cell by cell as conditional binomials),
    plus, in the run where the quantile falls, which of the run's durations is the k-th
    smallest of the m drawn there: the k-th smallest of m uniforms, Beta(k, m + 1 - k).
    The same distribution as drawing n pairs and running Kaplan-Meier on them, with a
    few draws per resample instead of n. Survival is a float here (at most a rounding
    step away from the exact fraction, which the point estimate uses).
    """
    rng = random.Random(seed)
    taus = [float(1 - q) for q in qs]
    out: list[list[tuple[int, bool]]] = [[] for _ in qs]
    for _ in range(resamples):
        found: list[tuple[int, bool] | None] = [None] * len(qs)
        pending = len(qs)
        draws_left = n  # also the weight still at risk
        population_left = n
        surv = 1.0
        last_open = -1
        for ended, start, end in cells:
            size = end - start
            m = draws_left if size >= population_left else _binomial(rng, draws_left, size / population_left)
            population_left -= size
            if m == 0:
                continue
            if ended:
                for idx, tau in enumerate(taus):
                    if found[idx] is None:
                        k = max(1, math.ceil(draws_left - tau * draws_left / surv - 1e-9))
                        if k <= m:
                            u = rng.betavariate(k, m + 1 - k)
                            found[idx] = (start + min(int(u * size), size - 1), False)
                            pending -= 1
                surv *= (draws_left - m) / draws_left
            else:
                last_open = start
            draws_left -= m
            if not pending or not draws_left:
                break
        for idx in range(len(qs)):
            out[idx].append(found[idx] or (last_open, True))
    return tuple(tuple(o) for o in out)


def _interval_of(draws: list[tuple[float, bool]]) -> tuple[list[float], list[bool]]:
    """The 2.5th and 97.5th percentile of bootstrap draws, and whether each end is a lower bound.

    An end is a lower bound when a draw that was itself only "at least" sits at or below
    the ranks it is read from: that draw could be larger, and the end with it.
    """
    draws.sort(key=lambda d: (d[0], d[1]))  # at equal values an exact draw goes first
    values = [v for v, _ in draws]
    ends: list[float] = []
    bounds: list[bool] = []
    last = len(draws) - 1
    for which in ((1, 40), (39, 40)):
        ends.append(cut_point(values, which))
        j, delta = divmod(which[0] * last, which[1])
        top = min(j + (1 if delta else 0), last)
        bounds.append(any(b for _, b in draws[: top + 1]))
    return ends, bounds


def km_bootstrap_ci(
    observations: Sequence[Observation],
    which: tuple[int, int],
    seed: int | None = None,
    resamples: int = BOOTSTRAP_RESAMPLES,
) -> tuple[list[float], list[bool]]:
    """Percentile-bootstrap 95% interval of a Kaplan-Meier quantile: ``([low, high], [low_is_bound, high_is_bound])``.

    Resamples (duration, ended) pairs with replacement; each resample's quantile is
    :func:`km_quantile` of it (its longest open time, flagged, when it has none). The seed
    defaults to one derived from n, the number open and the statistic.
    """
    data = _cells(observations)
    return _km_intervals(data, (which,), seed, resamples)[0]


def _km_intervals(
    data: _Cells, whichs: Sequence[tuple[int, int]], seed: int | None, resamples: int
) -> list[tuple[list[float], list[bool]]]:
    n = len(data.times)
    if n == 0:
        raise ValueError("no data")
    qs = tuple(KM_Q[w] if w in KM_Q else Fraction(w[0], w[1]) for w in whichs)
    if seed is None:
        seed = seed_for(f"km-bootstrap/{n}/{data.censored}/{'/'.join(map(str, qs))}/{resamples}")
    per_stat = _km_resamples(data.cells, n, qs, resamples, seed)
    return [_interval_of([(data.times[i], b) for i, b in rs]) for rs in per_stat]


def summarize_censored(observations: Sequence[Observation]) -> dict:
    """Like :func:`summarize`, for durations some of which are still running (``ended`` False).

    With nothing open this *is* :func:`summarize` of the durations (interpolated
    percentiles, same intervals). With any incident open, the median, p90 and their
    intervals come from the Kaplan-Meier estimate (:func:`km_quantile`,
    :func:`km_bootstrap_ci`) and the mean is :func:`km_mean`; ``lower_bound`` says which
    figures are only "at least". ``n`` counts every observation, ended and open;
    ``censored`` counts the open ones.
    """
    if all(ended for _, ended in observations):
        return summarize([t for t, _ in observations])
    data = _cells(observations)
    n = len(data.times)
    (median_value, median_bound), (p90_value, p90_bound) = _km_point(data, (KM_Q[MEDIAN], KM_Q[P90]))
    mean_value, mean_bound = km_mean(observations)
    (ci, ci_bound), (p90_ci, p90_ci_bound) = _km_intervals(data, (MEDIAN, P90), None, BOOTSTRAP_RESAMPLES)
    return {
        "n": n,
        "censored": data.censored,
        "estimator": ESTIMATOR_KM,
        "median": median_value,
        "p90": p90_value,
        "mean": mean_value,
        "ci95": ci,
        "p90_ci95": p90_ci,
        "shown": _shown(n),
        "lower_bound": {
            "median": median_bound,
            "p90": p90_bound,
            "mean": mean_bound,
            "ci95": ci_bound,
            "p90_ci95": p90_ci_bound,
        },
    }


GEHAN_TEST_NAME = (
    "Gehan's generalised Wilcoxon (Mann-Whitney for open incidents), two-sided, "
    "normal approximation with permutation variance"
)


def gehan(x: Sequence[Observation], y: Sequence[Observation]) -> tuple[float, float]:
    """Gehan's two-sided test of ``x`` against ``y`` with open incidents: ``(W_x, p_value)``.

    Every pair (a from x, b from y) scores +1 when a is certainly longer than b, -1 when
    certainly shorter, 0 when it cannot be told (a tie, or both open, or the open one's
    time so far is shorter than the other's duration). An open incident is certainly
    longer than an ended one of at most its time so far. ``W_x`` is the sum, negative when
    x tends to be shorter. The variance is the permutation variance (Mantel):
    ``n_x n_y / (N (N - 1)) * sum of U_i^2`` with U_i an observation's score against all
    others. With nothing open, ``W_x = 2 U_x - n_x n_y`` and the p-value (continuity
    correction 1 on this scale) is exactly :func:`mann_whitney`'s.
    """
    n1, n2 = len(x), len(y)
    if n1 == 0 or n2 == 0:
        raise ValueError("both samples need data")
    both = list(x) + list(y)
    ended_times = sorted(t for t, e in both if e)
    open_times = sorted(t for t, e in both if not e)
    all_times = sorted(t for t, _ in both)
    total = n1 + n2
    scores = []
    for t, ended in both:
        below = bisect_left(ended_times, t)  # ended strictly shorter: certainly shorter than this one
        if not ended:
            below = bisect_right(ended_times, t)  # an open one outlasts an ended one of equal length
            scores.append(float(below))
            continue
        above = total - bisect_right(all_times, t)  # anything longer, ended or open
        above += bisect_right(open_times, t) - bisect_left(open_times, t)  # open at exactly this length
        scores.append(float(below - above))
    w = math.fsum(scores[:n1])
    var = n1 * n2 / (total * (total - 1)) * math.fsum(s * s for s in scores)
    if var <= 0:
        return w, 1.0
    z = max(abs(w) - 1.0, 0.0) / math.sqrt(var)
    return w, min(1.0, math.erfc(z / math.sqrt(2)))


def compare_observations(previous: Sequence[Observation], current: Sequence[Observation]) -> dict:
    """:func:`compare` for durations some of which may still be running.

    Nothing open in either group: exactly :func:`compare` (Mann-Whitney on the
    durations). Otherwise Gehan's test (:func:`gehan`) with the Kaplan-Meier medians;
    ``n`` counts ended and open incidents alike and both groups need ``MIN_N_MEDIAN``.
    """
    censored_from = sum(1 for _, e in previous if not e)
    censored_to = sum(1 for _, e in current if not e)
    if not censored_from and not censored_to:
        exact = compare([t for t, _ in previous], [t for t, _ in current])
        return {**exact, "censored_from": 0, "censored_to": 0, "estimator": ESTIMATOR_EXACT,
                "lower_bound_from": False, "lower_bound_to": False}

    def km_median(obs: Sequence[Observation]) -> tuple[float | None, bool]:
        if len(obs) < MIN_N_MEDIAN:
            return None, False
        if all(e for _, e in obs):
            return cut_point(sorted(t for t, _ in obs), MEDIAN), False
        return km_quantile(obs, KM_Q[MEDIAN])

    median_from, bound_from = km_median(previous)
    median_to, bound_to = km_median(current)
    out: dict = {
        "n_from": len(previous),
        "n_to": len(current),
        "median_from": median_from,
        "median_to": median_to,
        "test": GEHAN_TEST_NAME,
        "alpha": ALPHA,
        "p_value": None,
        "verdict": "not enough data",
        "censored_from": censored_from,
        "censored_to": censored_to,
        "estimator": ESTIMATOR_KM,
        "lower_bound_from": bound_from,
        "lower_bound_to": bound_to,
    }
    if len(previous) < MIN_N_MEDIAN or len(current) < MIN_N_MEDIAN:
        return out
    w_current, p_value = gehan(current, previous)
    out["p_value"] = p_value
    if p_value < ALPHA:
        out["verdict"] = "better" if w_current < 0 else "worse"
    else:
        out["verdict"] = "no detectable change"
    return out


def median_estimate(observations: Sequence[Observation]) -> tuple[float, bool]:
    """The median as :func:`summarize_censored` gives it, without the interval: ``(value, lower_bound)``.

    Interpolated (``statistics.median``) with nothing open, Kaplan-Meier otherwise.
    """
    if not observations:
        raise ValueError("no data")
    if all(ended for _, ended in observations):
        return cut_point(sorted(t for t, _ in observations), MEDIAN), False
    return km_quantile(observations, KM_Q[MEDIAN])
