"""The dense path skips distance computations by bounds (Hamerly) and works in blocks:
whatever it skipped, every state's labels must be those of a brute-force search, ties
to the lowest index, and the results must not depend on the block sizes."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kmeans_anim import KMeansWarning, Tuning, lloyd
from kmeans_anim.core import plan
from kmeans_anim.core.assign.dense import DenseSteps


def states_of(x: np.ndarray, k: int, *, seed: int = 0, tuning: Tuning | None = None, **kw) -> list:
    """The dense strategy's states, with the work split by ``tuning``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KMeansWarning)
        run = plan(x, k, algorithm="dense", tuning=tuning, **kw)
        return list(run.states(np.random.default_rng(seed)))


def sq_dists(x: np.ndarray, c: np.ndarray) -> np.ndarray:
    return ((x[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)


def assert_brute_force(x: np.ndarray, states: list, exact: bool) -> None:
    """Labels, moved and inertia of every state against a brute-force search.

    ``exact``: the distances here are computed as the direct search computes them (few
    columns), so labels must match bit for bit, ties included. Otherwise (BLAS search)
    a label may differ only between centroids within rounding of each other."""
    prev = None
    for s in states:
        d2 = sq_dists(x, s.centroids)
        want = np.argmin(d2, axis=1)  # the first index among exact ties
        if exact:
            np.testing.assert_array_equal(s.labels, want, err_msg=f"state {s.iteration}")
        else:
            rows = np.arange(len(x))
            gap = d2[rows, s.labels] - d2[rows, want]
            assert np.all(np.abs(gap) <= 1e-12 * (1.0 + d2.max())), s.iteration
        if prev is not None:
            assert s.moved == np.count_nonzero(s.labels != prev.labels)
        inertia = float(d2[np.arange(len(x)), s.labels].sum())
        assert s.inertia == pytest.approx(inertia, rel=1e-9, abs=1e-9 * (1.0 + (x**2).sum()))
        prev = s


# Small integers and half-integers: many duplicate points, points on exact midpoints
# between centroids, centroids shared by several clusters.
grid = st.integers(-4, 4).map(lambda v: v / 2)


@st.composite
def tie_heavy(draw, dims):
    d = draw(st.sampled_from(dims))
    n = draw(st.integers(1, 150))
    x = draw(arrays(np.float64, (n, d), elements=grid))
    k = draw(st.integers(1, min(n, 8)))
    if draw(st.booleans()):
        init = draw(arrays(np.float64, (k, d), elements=grid))
    else:
        init = x[draw(st.lists(st.integers(0, n - 1), min_size=k, max_size=k))]
    return x, k, init, draw(st.sampled_from(["farthest", "keep"]))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tie_heavy(dims=(1, 2, 3)))
def test_direct_search_labels_are_brute_force_with_ties(problem):
    x, k, init, empty = problem
    assert_brute_force(x, states_of(x, k, init=init, empty=empty, max_iter=30), exact=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tie_heavy(dims=(5, 7)))
def test_blas_search_labels_are_brute_force_with_ties(problem):
    x, k, init, empty = problem
    assert_brute_force(x, states_of(x, k, init=init, empty=empty, max_iter=30), exact=False)


@pytest.mark.parametrize(("d", "exact"), [(2, True), (6, False)])
def test_bounds_skip_most_points_and_stay_exact(d, exact, monkeypatch):
    # Blobs with duplicated, rounded points: after the first iterations most points are
    # decided by their bounds alone (checked by counting searched points), and the
    # labels still match brute force in every state.
    rng = np.random.default_rng(d)
    centres = rng.uniform(-10, 10, size=(6, d))
    x = np.round(centres[rng.integers(6, size=4000)] + rng.normal(size=(4000, d)), 1)
    x = np.concatenate([x, x[:500]])
    searched = []
    search = DenseSteps._search

    def counting(self, pts, *args):
        searched.append(pts.stop - pts.start if isinstance(pts, slice) else len(pts))
        return search(self, pts, *args)

    monkeypatch.setattr(DenseSteps, "_search", counting)
    states = states_of(x, 6, init=x[:6].copy(), max_iter=40)
    assert_brute_force(x, states, exact=exact)
    assert len(states) > 5
    monkeypatch.undo()
    # the last iteration searched few points (without bounds it would be all of them)
    assert searched and searched[-1] < len(x) // 4


@pytest.mark.parametrize("d", [2, 6])
def test_results_do_not_depend_on_the_block_sizes(d):
    rng = np.random.default_rng(3)
    x = np.round(rng.normal(size=(3000, d)) * 3, 1)
    ref = states_of(x, 7, seed=4, max_iter=25)
    # blocks of a few rows, the float32 search's per-point part and the first
    # statistics' sets of blocks too
    tiny = Tuning(block=100, cache_block=60, part=700, parts=3)
    small = states_of(x, 7, seed=4, max_iter=25, tuning=tiny)
    assert len(small) == len(ref)
    for a, b in zip(ref, small, strict=True):
        np.testing.assert_array_equal(a.labels, b.labels)
        np.testing.assert_allclose(a.centroids, b.centroids, rtol=1e-12, atol=1e-12)
        assert b.inertia == pytest.approx(a.inertia, rel=1e-12)


@pytest.mark.parametrize(("d", "k"), [(2, 8), (2, 5000), (6, 16), (50, 3)])
def test_search_blocks_are_bounded(d, k):
    """The direct search holds a few rows of d + 4 values (whatever k); the BLAS one k
    distances a row: either way one block stays within its budget."""
    x = np.zeros((3, d))
    tuning = Tuning()
    steps = DenseSteps(x, tuning)
    n = 1_000_003
    blocks = list(steps._blocks(n, k))
    assert blocks[0].start == 0 and blocks[-1].stop == n
    rows = max(b.stop - b.start for b in blocks)
    if d <= tuning.direct_d:
        assert rows * (d + 4) <= tuning.cache_block
    else:
        assert rows * max(k, d) <= tuning.block


def test_tight_far_cluster_has_exact_inertia_and_mean():
    # Two clusters of nearly identical points far from the data's mean: the running
    # statistics cancel there, so those clusters are summed directly.
    a = 1e6 + np.array([[0.0, 0.0], [1e-3, 0.0], [0.0, 1e-3]])
    b = -1e6 + np.zeros((4, 2))
    x = np.concatenate([a, b])
    last = states_of(x, 2, init=np.array([[1e6, 1e6 + 1], [-1e6, 1 - 1e6]]))[-1]
    assert last.converged
    np.testing.assert_array_equal(last.centroids[1], [-1e6, -1e6])
    want = float(((a - a.mean(axis=0)) ** 2).sum())
    assert last.inertia == pytest.approx(want, rel=1e-9)


@pytest.mark.parametrize("d", [2, 6])
def test_results_do_not_depend_on_the_threads(d):
    # Blocks are searched in a thread pool; each writes only its own points and the
    # statistics are updated after, in order: one worker or two give the same states.
    rng = np.random.default_rng(5)
    x = np.round(rng.normal(size=(4000, d)) * 3, 1)
    runs = []
    for workers in (1, 2, 3):
        # many blocks for the direct search and for the BLAS one
        tuning = Tuning(cache_block=300, block=2000, n_threads=workers)
        runs.append(states_of(x, 9, seed=6, max_iter=30, tuning=tuning))
    for other in runs[1:]:
        assert len(other) == len(runs[0])
        for a, b in zip(runs[0], other, strict=True):
            np.testing.assert_array_equal(a.labels, b.labels)
            np.testing.assert_array_equal(a.centroids, b.centroids)
            assert (a.inertia, a.moved) == (b.inertia, b.moved)


@pytest.mark.parametrize(
    ("value", "d", "algorithm"),
    [
        (1e150, 1, "dense"),
        (1e150, 1, "grid"),
        (1e150, 1, "sorted"),
        (1e150, 2, "grid"),
        (-3e10, 5, "dense"),
        (1e150, 6, "dense"),
    ],
)
def test_identical_points_at_the_mean_have_zero_inertia(value, d, algorithm):
    # Found by the fuzz test: 36 copies of one point. Their mean is an ulp or so off the
    # point, so the raw sums cannot tell the points from the mean; the statistics gave
    # an inertia of 1.8e271 (and centroids an ulp off that flipped every iteration).
    x = np.full((36, d), value)
    with pytest.warns(KMeansWarning):
        states = list(lloyd(x, 2, init="k-means++", seed=0, max_iter=3, algorithm=algorithm))
    for s in states:
        assert s.inertia == 0.0
        assert (s.centroids == value).all()
    assert states[-1].converged


@pytest.mark.parametrize(("d", "exact"), [(3, True), (8, False)])
def test_bounds_for_the_sample_only_then_for_all_again(d, exact, monkeypatch):
    # Noise first (most points fail their bounds: only the sample's are kept), then
    # converging blobs (bounds for all again, and the cheaper checks). Every state has
    # brute-force labels, and both modes and the way back were taken.
    rng = np.random.default_rng(d)
    centres = rng.uniform(-6, 6, size=(5, d))
    x = centres[rng.integers(5, size=6000)] + rng.normal(size=(6000, d))
    modes = []
    search = DenseSteps._search

    def recording(self, pts, *args):
        modes.append(
            "all"
            if isinstance(pts, slice) and self.bounded
            else "sample"
            if isinstance(pts, slice)
            else "checked"
        )
        return search(self, pts, *args)

    monkeypatch.setattr(DenseSteps, "_search", recording)
    init = x[rng.choice(len(x), 5, replace=False)] * 0.1  # far from the blobs: noisy start
    states = states_of(x, 5, init=init, max_iter=60, tuning=Tuning(sample=300))
    monkeypatch.undo()
    assert_brute_force(x, states, exact=exact)
    assert "sample" in modes, modes
    assert "checked" in modes[modes.index("sample") :], modes
