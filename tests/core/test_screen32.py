"""The BLAS search (d > 4) screens centroids in float32 and decides near-ties on float64
distances: its labels must be exactly those of a brute-force float64 search, ties to the
lowest index, even where float32 cannot tell the two nearest centroids apart."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import run_beyond_checks

from kmeans_anim import KMeansWarning, Tuning, lloyd
from kmeans_anim.core.assign.dense import DenseSteps


def brute_force(x: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Nearest centroid by float64 distances, the first index among exact ties."""
    return np.argmin(((x[:, None, :] - c[None, :, :]) ** 2).sum(axis=2), axis=1)


def labels(x: np.ndarray, c: np.ndarray, **kw) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KMeansWarning)
        return next(lloyd(x, len(c), init=c, max_iter=1, algorithm="dense", **kw)).labels


def pair(rng: np.random.Generator, d: int, k: int, i: int, j: int) -> np.ndarray:
    """k integer centroids, far apart, of which ``i`` and ``j`` differ only in column 0
    (by -1 and +1): a point is nearer to ``i`` exactly when its column 0 is negative."""
    c = rng.integers(-1000, 1000, size=(k, d)).astype(float) * 8
    c[j] = c[i]
    c[i, 0], c[j, 0] = -1.0, 1.0
    return c


@pytest.mark.parametrize(("i", "j"), [(1, 3), (2, 0)])
def test_exact_ties_in_50_d_go_to_the_lowest_index(i, j):
    # Integer points with column 0 at 0: exactly equidistant (in float64, whatever the
    # order of the sums) from centroids i and j, nearer to them than to the others. Their
    # float32 distances, off by up to ~1e-5 relatively, would pick either.
    rng = np.random.default_rng(i)
    c = pair(rng, 50, 5, i, j)
    x = c[i] + rng.integers(-300, 300, size=(3000, 50))
    x[:, 0] = 0.0
    want = brute_force(x, c)
    assert np.all(want == min(i, j))
    np.testing.assert_array_equal(labels(x, c), want)


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_distances_a_relative_1e_9_apart_are_told_apart(sign):
    # Points whose squared distances to centroids 1 and 3 differ by a relative 1e-9 (far
    # below float32's 6e-8, far above float64's 1e-16), nearer to one or the other.
    rng = np.random.default_rng(7)
    c = pair(rng, 50, 5, 1, 3)
    x = c[1] + rng.uniform(-300.0, 300.0, size=(4000, 50))
    x[:, 0] = 0.0
    dist = ((x - c[1]) ** 2).sum(axis=1)
    # |x - c_1|^2 - |x - c_3|^2 = 4 x_0: a relative difference of 1e-9 in either direction
    x[:, 0] = sign * np.where(np.arange(len(x)) % 2, 1.0, -1.0) * 0.25e-9 * dist
    want = brute_force(x, c)
    assert set(want) == {1, 3}
    np.testing.assert_array_equal(labels(x, c), want)


def test_far_offset_data_keeps_exact_labels_every_state():
    # Data centred around 1e6: the float32 screening works on centred points, and every
    # state's labels are the float64 ones.
    rng = np.random.default_rng(3)
    x = 1e6 + rng.uniform(-1.0, 1.0, size=(5000, 20))
    x[::7, 0] = 1e6  # and points exactly on a tie between centroids 0 and 1
    c = x[:6].copy()
    c[1] = c[0]
    c[0, 0], c[1, 0] = 1e6 - 0.5, 1e6 + 0.5
    for state in lloyd(x, 6, init=c, max_iter=8, algorithm="dense"):
        np.testing.assert_array_equal(
            state.labels, brute_force(x, state.centroids), err_msg=f"state {state.iteration}"
        )


@pytest.mark.parametrize("scale", [1.0, 2.0**500, 2.0**-500])
def test_smallest_blas_dimension_is_exact_with_ties_at_any_scale(scale):
    # d = 5, the smallest d searched by BLAS. Half-integers (scaled by a power of two, so
    # exactly) put many points on exact ties; at 2^500 the float32 values would overflow
    # without the scaling of the screening, at 2^-500 underflow.
    assert Tuning().direct_d == 4
    rng = np.random.default_rng(5)
    x = rng.integers(-4, 5, size=(2000, 5)) / 2 * scale
    c = rng.integers(-4, 5, size=(9, 5)) / 2 * scale
    c[8] = c[3]  # a duplicate centroid: never chosen over the lower index
    want = brute_force(x, c)
    np.testing.assert_array_equal(labels(x, c), want)
    states = list(lloyd(x, 9, init=c, max_iter=10, algorithm="dense"))
    for state in states:
        np.testing.assert_array_equal(state.labels, brute_force(x, state.centroids))


def quiet_labels(x: np.ndarray, c: np.ndarray, algorithm: str) -> np.ndarray:
    """State-0 labels with numpy's overflow and underflow warnings silenced (the data
    below overflow or underflow in float64 by design)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", KMeansWarning)
        run = run_beyond_checks(x, len(c), init=c, max_iter=1, algorithm=algorithm)
        return next(run.states(np.random.default_rng(0))).labels


def test_rounding_near_ties_follow_the_direct_sum():
    """Non-integer data with one decimal: some points are within float64 rounding of two
    centroids, so the order of the sums decides; it must be that of the direct sum."""
    for seed in range(8):
        rng = np.random.default_rng(seed)
        x = np.round(rng.normal(size=(3000, 5 + seed)) * 3, 1)
        c = x[rng.choice(len(x), 4, replace=False)]
        np.testing.assert_array_equal(labels(x, c), brute_force(x, c))


@pytest.mark.parametrize("algorithm", ["dense", "grid"])
def test_subnormal_distances_still_give_direct_labels(algorithm):
    """At 1e-162 squared distances are subnormal: rounding is absolute, not relative."""
    d = 5 if algorithm == "dense" else 2
    rng = np.random.default_rng(3)
    u = 1e-162
    cases = [  # both paths once gave another label here
        (np.array([[1.5, 1.5], [1.0, -1.5], [0.5, 1.0]]), np.array([[-1.5, -0.5], [1.5, -1.0]])),
        (
            np.array(
                [[1.5, 0.5, 1.25, -1.5, 1.25], [1, 0.5, 0.75, -1, -1], [-0.25, -1.5, 0, -1, 1.5]]
            ),
            np.array([[-1.25, 1.25, 0.5, 0.75, 0.25], [1, -1.5, -1.25, 0.25, -0.25]]),
        ),
    ]
    cases = [(x, c) for x, c in cases if x.shape[1] == d]
    for _ in range(40):
        cases.append((rng.normal(size=(300, d)), rng.normal(size=(3, d))))
        cases.append((rng.integers(-6, 7, size=(300, d)) / 4.0, rng.integers(-6, 7, (3, d)) / 4.0))
    for x, c in cases:
        with np.errstate(all="ignore"):
            expected = brute_force(x * u, c * u)
        np.testing.assert_array_equal(quiet_labels(x * u, c * u, algorithm), expected)


def test_overflowing_distances_are_decided_in_float64():
    """At 1e154 squared norms overflow to inf; a point at distance 0 of a centroid must
    still get that centroid."""
    v = 1e154
    x = np.array([[v] * 5, [-v] * 5, [0.0] * 5, [1.0, 0, 0, 0, 0]])
    c = x[[0, 1]]
    np.testing.assert_array_equal(quiet_labels(x, c, "dense"), [0, 1, 0, 0])


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("d", [4, 6, 50])
def test_the_callers_errstate_holds_in_the_worker_threads(d, workers):
    # Two clusters of equal points at +-1e306 (their sums overflow) and one point at 0;
    # the caller silences numpy, so no warning may come from a worker thread either
    # (pytest runs with -W error), whatever the number of threads. Labels stay exact.
    n = 2000
    sign = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)[:, None]
    x = sign * np.full((n, d), 1e306)
    x[-1] = 0.0
    with np.errstate(all="ignore"):
        run = run_beyond_checks(
            x, 3, init=x[[0, 1, -1]], max_iter=3, algorithm="dense", n_threads=workers
        )
        states = list(run.states(np.random.default_rng(0)))
        for s in states:
            want = np.argmin(((x[:, None, :] - s.centroids[None]) ** 2).sum(-1), axis=1)
            np.testing.assert_array_equal(s.labels, want)


def test_float32_copy_is_scaled_column_by_column_and_stays_in_range():
    # The scale comes from each column's extremes about its mean: a far constant column
    # does not shrink the others to nothing, and columns at opposite ends of the float64
    # range (whose differences overflow) still give values within [-1, 1].
    x = np.random.default_rng(7).normal(size=(500, 6)) * 10.0
    far = np.column_stack([x, np.full(len(x), 2.0**400)])
    assert DenseSteps(far, Tuning()).scale == DenseSteps(x, Tuning()).scale
    huge = np.zeros((4, 6))
    huge[0, 0], huge[0, 1] = 1.7e308, -1.7e308  # means finite, cross-column spans not
    steps = DenseSteps(huge, Tuning())
    assert np.isfinite(steps.xs1).all() and np.abs(steps.xs1).max() <= 1.0
