"""The grid path of the core (``algorithm="grid"``, the default for 2-D and 3-D data).

Points in a box whose corners all have the same, clearly nearest, centroid take that
label without any distance computed. These tests check that this gives exactly the
labels of a direct search (ties to the lowest index) on data made to break it: exact
ties on integer lattices, centroids on grid corners, outliers, skew, flat axes; and
that the boxes really spare most points a search.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kmeans_anim import KMeansWarning, lloyd
from kmeans_anim.core.assign import boxes, grid
from kmeans_anim.core.assign.boxes import MIN_CELL_EXPONENT, DyadicCells, intervals
from kmeans_anim.core.lloyd import plan
from kmeans_anim.core.tuning import Tuning


def direct_labels(x: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Nearest centroid by squared distances summed column by column, first minimum."""
    d2 = sum((x[:, None, j] - c[None, :, j]) ** 2 for j in range(x.shape[1]))
    return np.argmin(d2, axis=1)


def first_labels(x: np.ndarray, c: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():  # fewer distinct points than centroids is fine here
        warnings.simplefilter("ignore", KMeansWarning)
        return next(lloyd(x, len(c), init=c, max_iter=1, algorithm="grid")).labels


def check_all_states(x: np.ndarray, c0: np.ndarray) -> None:
    """Every state's labels are the direct nearest of its own centroids, and the run
    matches the dense path state by state. The two paths sum the clusters in different
    orders, so their centroids may differ by rounding; they may then only part ways at a
    point whose two candidate centroids are within that rounding of each other."""
    grid = list(lloyd(x, len(c0), init=c0, algorithm="grid", max_iter=50))
    dense = list(lloyd(x, len(c0), init=c0, algorithm="dense", max_iter=50))
    for s in grid:
        np.testing.assert_array_equal(s.labels, direct_labels(x, s.centroids))
    # float64 sums of points far from 0 relative to their spread lose digits: relative
    # ~eps |x| / spread
    rel = 1e-9 + 100 * np.finfo(float).eps * np.abs(x).max() / max(x.std(axis=0).min(), 1e-300)
    for g, d in zip(grid, dense, strict=False):
        np.testing.assert_allclose(g.centroids, d.centroids, rtol=rel, atol=1e-12)
        differ = np.flatnonzero(g.labels != d.labels)
        if len(differ):
            cdiff = np.abs(g.centroids - d.centroids).max()
            d2 = ((x[differ, None, :] - g.centroids[None]) ** 2).sum(axis=2)
            rows = np.arange(len(differ))
            gap = np.abs(d2[rows, g.labels[differ]] - d2[rows, d.labels[differ]])
            assert np.all(gap <= 8 * cdiff * np.sqrt(d2.max()) + 1e-12), gap
            return
        assert (g.moved, g.converged) == (d.moved, d.converged)
        assert g.inertia == pytest.approx(d.inertia, rel=rel, abs=1e-9)
    assert len(grid) == len(dense)


@pytest.mark.parametrize("d", [2, 3])
def test_exact_ties_on_a_lattice_go_to_the_lowest_index(d):
    """Integer points and centroids on integers and half-integers: many points are
    exactly equidistant from two or more centroids, many centroids sit on corners."""
    rng = np.random.default_rng(d)
    x = rng.integers(0, 12, size=(20_000, d)).astype(np.float64)
    for trial in range(5):
        k = 2 + 3 * trial
        c = rng.integers(0, 24, size=(k, d)) / 2.0
        c[k // 2] = c[0]  # a duplicated centroid: its copy never wins
        np.testing.assert_array_equal(first_labels(x, c), direct_labels(x, c))


def test_ties_to_lowest_index_when_the_lower_index_comes_second():
    """Centroids given in an order where the tie-winner is not the first one found."""
    x = np.stack(np.meshgrid(np.arange(100.0), np.arange(100.0)), axis=-1).reshape(-1, 2)
    c = np.array([[60.0, 50.0], [40.0, 50.0], [50.0, 60.0], [50.0, 40.0]])
    labels = first_labels(x, c)
    np.testing.assert_array_equal(labels, direct_labels(x, c))
    assert labels[(x[:, 0] == 50.0) & (x[:, 1] == 50.0)][0] == 0  # all four tie


@pytest.mark.parametrize(
    "name",
    ["uniform", "outliers", "lognormal", "flat axis", "one point repeated", "offset 1e9"],
)
def test_labels_and_runs_match_a_direct_search(name):
    rng = np.random.default_rng(7)
    n = 30_000
    if name == "uniform":
        x = rng.uniform(-1, 1, size=(n, 2))
    elif name == "outliers":
        x = rng.normal(size=(n, 2))
        x[:20] *= 1e6
    elif name == "lognormal":
        x = rng.lognormal(0.0, 2.0, size=(n, 2))
    elif name == "flat axis":
        x = np.column_stack((rng.normal(size=n), np.full(n, 5.0)))
    elif name == "one point repeated":
        x = np.tile([[1.5, -2.0]], (n, 1))
        x[0], x[1] = [3.0, 3.0], [-4.0, 0.0]
    else:
        x = 1e9 + rng.normal(size=(n, 2))
    c0 = x[rng.choice(n, size=6, replace=False)]
    if name == "one point repeated":
        c0 = np.array([[1.5, -2.0], [3.0, 3.0], [0.0, 0.0]])
    check_all_states(x, c0)


def test_three_dimensions():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.normal(loc=m, scale=0.7, size=(5000, 3)) for m in (0, 3, 6)])
    check_all_states(x, x[rng.choice(len(x), size=5, replace=False)])


coord = st.one_of(
    st.integers(-4, 4).map(float),
    st.floats(-50, 50).filter(lambda v: abs(v) >= 1e-6 or v == 0),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(50, 3000),
    k=st.integers(1, 9),
    d=st.sampled_from([2, 3]),
    seed=st.integers(0, 2**32 - 1),
    centroids=st.data(),
)
def test_first_labels_equal_a_direct_search(n, k, d, seed, centroids):
    """Random data with many duplicates; centroids drawn freely, or exactly on data points."""
    rng = np.random.default_rng(seed)
    x = np.round(rng.normal(scale=3.0, size=(n, d)), rng.integers(0, 3))
    if centroids.draw(st.booleans()):
        c = centroids.draw(arrays(np.float64, (k, d), elements=coord))
    else:
        c = x[rng.choice(n, size=k, replace=False)]
    np.testing.assert_array_equal(first_labels(x, c), direct_labels(x, c))


def test_most_points_are_labelled_by_their_box(monkeypatch):
    """Well inside a cluster no distance is computed: on 200,000 uniform points with 8
    centroids, the points searched in an iteration are a small fraction (the grid's
    corners are searched too, and counted here)."""
    searched: list[int] = []
    real = grid.direct_two

    def counting(x, c):
        searched.append(len(x))
        return real(x, c)

    monkeypatch.setattr(grid, "direct_two", counting)
    monkeypatch.setattr(boxes, "direct_two", counting)
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(200_000, 2))
    states = list(lloyd(x, 8, init=x[:8], max_iter=5, algorithm="grid"))
    per_iteration = sum(searched) / len(states)
    assert per_iteration < 0.15 * len(x), per_iteration


def lattice_run(points_per_box: int, k: int, seed: int) -> tuple[np.ndarray, list]:
    """All states of a grid run on integer points with many duplicates and exact ties
    (a lattice of 15 x 15 values), the labels of none read yet."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 15, size=(6000, 2)).astype(np.float64)
    c0 = rng.integers(0, 30, size=(k, 2)) / 2.0
    tuning = Tuning(grid_points=points_per_box)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KMeansWarning)
        run = plan(x, k, init=c0, algorithm="grid", max_iter=40, tuning=tuning)
    return x, list(run.states(np.random.default_rng(0)))


@pytest.mark.parametrize(("points_per_box", "k", "seed"), [(1, 7, 0), (4, 12, 1), (64, 5, 2)])
def test_moved_from_the_boxes_is_the_count_of_changed_labels(points_per_box, k, seed):
    """The moved count, taken from the boxes' owners and the searched points only, is
    the number of points whose label differs from the previous state's, on data with
    duplicates and ties, boxes going from searched to pure and back."""
    _, states = lattice_run(points_per_box, k, seed)
    assert len(states) > 3
    for prev, s in itertools.pairwise(states):
        assert s.moved == np.count_nonzero(s.labels != prev.labels), s.iteration


@pytest.mark.parametrize(("points_per_box", "k", "seed"), [(1, 7, 3), (16, 9, 4)])
def test_labels_read_after_the_run_are_each_states_own(points_per_box, k, seed):
    """Labels are built only when read, from the state's own boxes and searched points:
    read after the whole run, each state's labels are still the direct nearest of its
    centroids (ties to the lowest index), read-only, and agree with its members."""
    x, states = lattice_run(points_per_box, k, seed)
    for s in states:
        labels = s.labels
        np.testing.assert_array_equal(labels, direct_labels(x, s.centroids))
        assert not labels.flags.writeable and s.labels is labels
        m = s.members
        np.testing.assert_array_equal(m.counts(), np.bincount(labels, minlength=k))
        for j in range(k):
            assert np.all(labels[m.order[m.starts[j] : m.stops[j]]] == j)
        assert m.own_bytes >= labels.nbytes


@pytest.mark.parametrize(("points_per_box", "k", "seed"), [(1, 7, 5), (16, 9, 6)])
def test_labels_of_some_points_need_not_build_them_all(points_per_box, k, seed):
    """``labels_of(idx)`` is the direct nearest centroid of those points, read before
    and after the whole labels are built; idx holds searched points and pure ones."""
    x, states = lattice_run(points_per_box, k, seed)
    idx = np.sort(np.random.default_rng(seed).choice(len(x), 500, replace=False))
    for s in states:
        expected = direct_labels(x, s.centroids)[idx]
        early = s.members.labels_of(idx)
        assert "_labels" not in vars(s.members)  # the answer did not build them all
        np.testing.assert_array_equal(early, expected)
        s.labels  # noqa: B018  (built now)
        np.testing.assert_array_equal(s.members.labels_of(idx), expected)
    assert any(len(s.members._parts[2]) for s in states)  # some points were searched


def test_only_corners_near_a_boundary_are_searched(monkeypatch):
    """Blocks of boxes whose own corners are firm make their boxes pure: in an
    iteration far fewer corners are searched than the grid has."""
    searched: list[int] = []
    real = boxes.BoxGrid._firm

    def counting(self, corners, c):
        searched.append(len(corners))
        return real(self, corners, c)

    monkeypatch.setattr(boxes.BoxGrid, "_firm", counting)
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, size=(200_000, 2))
    steps = grid.GridSteps(x, Tuning())
    steps.start(x[:8])
    corners = len(steps.grid.corners)
    assert sum(searched) < 0.4 * corners, (sum(searched), corners)


@settings(max_examples=50, deadline=None)
@given(
    values=arrays(
        np.float64,
        st.integers(1, 400),
        elements=st.one_of(st.integers(-3, 3).map(float), st.floats(-1e300, 1e300)),
    ),
    cuts=st.lists(st.floats(0, 1), max_size=40),
)
def test_intervals_is_exactly_searchsorted(values, cuts):
    """The boxes' lookup table plus steps gives the interval searchsorted gives, for
    lines anywhere (on values, between them, crowded together, across a huge span)."""
    lo, hi = values.min(), values.max()
    picks = values[(np.array(cuts) * (len(values) - 1)).astype(int)]
    between = lo + (hi / 2 - lo / 2) * 2 * np.array(cuts) if np.isfinite(hi / 2 - lo / 2) else []
    inner = np.unique(np.concatenate([picks, between]))
    inner = inner[(inner > lo) & (inner < hi)]
    lines = np.concatenate(([lo], inner, [hi]))
    expected = np.searchsorted(inner, values, side="right")
    np.testing.assert_array_equal(intervals(values, lines), expected)


def test_intervals_on_skewed_data_and_a_far_outlier():
    """Many lines in one cell of the lookup table (lognormal data, a far outlier)."""
    rng = np.random.default_rng(5)
    for v in (rng.lognormal(0.0, 3.0, 50_000), np.append(rng.normal(size=50_000), 1e9)):
        inner = np.unique(np.quantile(v, np.linspace(0, 1, 200)[1:-1]))
        inner = inner[(inner > v.min()) & (inner < v.max())]
        lines = np.concatenate(([v.min()], inner, [v.max()]))
        expected = np.searchsorted(inner, v, side="right")
        np.testing.assert_array_equal(intervals(v, lines), expected)


@settings(max_examples=200, deadline=None)
@given(
    values=arrays(
        np.float64,
        st.integers(1, 300),
        elements=st.one_of(
            st.integers(-5, 5).map(float),
            st.floats(-1e300, 1e300),
            st.floats(-1e-300, 1e-300),  # subnormals too
        ),
    ),
    q=st.lists(st.floats(0, 1), max_size=30),
    cells=st.integers(1, 4_000),
)
@example(values=np.array([0.0, 2.225073858507203e-309]), q=[], cells=1)  # a subnormal span
def test_dyadic_cells_place_values_as_searchsorted_does_or_decline(values, q, cells):
    """A value's box by arithmetic on power-of-two cells is the interval searchsorted
    finds among the lines; a fit is declined only where that arithmetic could be wrong."""
    lo, hi = float(values.min()), float(values.max())
    a = np.abs(values)
    tiny = float(a.min(where=a > 0, initial=np.inf))
    fit = DyadicCells.fit(np.quantile(values, q), lo, hi, tiny, cells)
    if fit is None:
        # a value scaled to cells would round to zero, or cells be too many to count
        span = hi - lo if hi > lo else max(abs(hi), 1.0)
        e = max(np.frexp(span / cells)[1], MIN_CELL_EXPONENT)
        assert tiny < 2.0 ** (e - 1074) or max(abs(lo), abs(hi)) >= 2.0 ** (e + 52) / 2
        return
    axis, lines = fit
    assert lines[0] <= lo and hi < lines[-1] and (np.diff(lines) > 0).all()
    assert len(lines) - 1 == axis.boxes
    expected = np.searchsorted(lines[1:-1], values, side="right")
    np.testing.assert_array_equal(axis.place(values), expected)


def test_dyadic_cells_decline_values_that_would_round_to_zero():
    # -1e-320 scaled by 2^-17 for cells 2^17 wide rounds to -0: floor would give
    # cell 0, not -1; and values 2^52 cells or more from 0 cannot be numbered exactly
    v = np.array([-1e-320, 0.0, 1e6])
    assert DyadicCells.fit(v, -1e-320, 1e6, 1e-320, 10) is None
    axis, lines = DyadicCells.fit(v[1:], 0.0, 1e6, 1e6, 10)
    assert axis.inv == 2.0**-17 and list(axis.place(v[1:])) == [0, len(lines) - 2]
    far = np.array([1e17, 1e17 + 1024])
    assert DyadicCells.fit(far, far[0], far[1], far[0], 1_000) is None
    assert DyadicCells.fit(far, far[0], far[1], far[0], 10) is not None
