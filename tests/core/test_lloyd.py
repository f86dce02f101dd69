"""Tests of the K-means core: invariants of every run, an oracle, initialisation,
empty clusters and convergence."""

from __future__ import annotations

import dataclasses
import warnings
from fractions import Fraction
from itertools import pairwise

import numpy as np
import pytest
from helpers import run_beyond_checks
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kmeans_anim import KMeansState, KMeansWarning, lloyd, load_dataset, make_blobs
from kmeans_anim.core import plan

# --------------------------------------------------------------------------- helpers


def as2d(points) -> np.ndarray:
    x = np.asarray(points, dtype=np.float64)
    return x[:, None] if x.ndim == 1 else x


def n_distinct(points) -> int:
    return len(np.unique(as2d(points), axis=0))


def run(points, k, **kwargs) -> list[KMeansState]:
    """All states of a run; expects a KMeansWarning exactly when there are < k distinct points."""
    if n_distinct(points) < k:
        with pytest.warns(KMeansWarning, match=f"fewer distinct values than k={k}"):
            gen = lloyd(points, k, **kwargs)
    else:
        gen = lloyd(points, k, **kwargs)  # any warning fails: filterwarnings=error
    return list(gen)


def sq_dists(x: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Brute-force squared distances, shape (n, k)."""
    return ((x[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)


def total_ss(x: np.ndarray) -> float:
    return float(((x - x.mean(axis=0)) ** 2).sum())


def inertia_tol(x: np.ndarray) -> float:
    """1e-9 of the total sum of squares, plus a rounding term relative to the values'
    magnitude (float64 means of points far from 0 are only exact to ~eps * |x|)."""
    return 1e-9 * total_ss(x) + 1e-12 * float((x**2).sum()) + 1e-300


def expected_next(x: np.ndarray, c: np.ndarray, labels: np.ndarray, empty: str) -> np.ndarray:
    """The update step written out naively: each centroid becomes the mean of its cluster;
    an empty cluster keeps its centroid ('keep') or, with 'farthest', takes the point
    farthest from its own centroid (largest first, to the lowest-index empty cluster,
    ties to the lowest point index), which leaves its old cluster; no relocation onto a
    point at distance 0."""
    k = len(c)
    members = [list(np.flatnonzero(labels == j)) for j in range(k)]
    if empty == "farthest":
        diff = x - c[labels]
        dist = np.einsum("ij,ij->i", diff, diff)
        empties = [j for j in range(k) if not members[j]]
        far = np.argsort(-dist, kind="stable")[: len(empties)]
        for j, p in zip(empties, far, strict=True):
            if dist[p] <= 0.0:
                break
            members[labels[p]].remove(p)
            members[j] = [p]
    out = c.copy()
    for j in range(k):
        if members[j]:
            out[j] = x[members[j]].mean(axis=0)
    return out


# --------------------------------------------------------------------------- strategies

# Small integers give many duplicate points and exact ties; floats give everything else
# (but no tiny non-zero values, whose squared distances underflow to 0 in float64).
coord = st.one_of(
    st.integers(-5, 5).map(float),
    st.floats(-100, 100, allow_nan=False, allow_infinity=False).filter(
        lambda v: v == 0.0 or abs(v) >= 1e-6
    ),
)


@st.composite
def problems(draw, dims=(1, 2, 3), algorithms=("sorted", "grid", "dense", "auto")):
    """(points, kwargs for lloyd) with n <= 60, k <= 6."""
    d = draw(st.sampled_from(dims))
    n = draw(st.integers(1, 60))
    flat = d == 1 and draw(st.booleans())
    x = draw(arrays(np.float64, (n,) if flat else (n, d), elements=coord))
    k = draw(st.integers(1, min(n, 6)))
    algorithm = draw(st.sampled_from([a for a in algorithms if d == 1 or a != "sorted"]))
    init_kind = draw(st.sampled_from(["k-means++", "random", "array"]))
    if init_kind == "array":
        # arbitrary centroids, not data rows: makes empty clusters common
        init = draw(arrays(np.float64, (k,) if d == 1 else (k, d), elements=coord))
    else:
        init = init_kind
    kwargs = {
        "init": init,
        "seed": draw(st.integers(0, 2**32)),
        "max_iter": draw(st.one_of(st.integers(1, 20), st.just(300))),
        "empty": draw(st.sampled_from(["farthest", "keep"])),
        "algorithm": algorithm,
    }
    return x, k, kwargs


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- 1. properties


@SETTINGS
@given(problems())
def test_inertia_never_increases(problem):
    points, k, kw = problem
    x = as2d(points)
    states = run(points, k, **kw)
    tol = inertia_tol(x)
    for prev, cur in pairwise(states):
        assert cur.inertia <= prev.inertia + tol, (prev.iteration, prev.inertia, cur.inertia)


@SETTINGS
@given(problems())
def test_inertia_is_sum_of_squared_distances_to_own_centroid(problem):
    points, k, kw = problem
    x = as2d(points)
    for s in run(points, k, **kw):
        want = float(((x - s.centroids[s.labels]) ** 2).sum())
        assert s.inertia == pytest.approx(want, rel=1e-9, abs=inertia_tol(x))


@SETTINGS
@given(problems())
def test_labels_are_nearest_centroid(problem):
    points, k, kw = problem
    x = as2d(points)
    for s in run(points, k, **kw):
        d2 = sq_dists(x, s.centroids)
        own = d2[np.arange(len(x)), s.labels]
        assert np.all(own <= d2.min(axis=1) + 1e-9 * d2.max()), s.iteration
        assert s.labels.shape == (len(x),)
        assert np.all((s.labels >= 0) & (s.labels < k))


@SETTINGS
@given(problems())
def test_centroids_are_means_of_previous_clusters(problem):
    points, k, kw = problem
    x = as2d(points)
    states = run(points, k, **kw)
    atol = 1e-9 * (1.0 + np.abs(x).max())
    for prev, cur in pairwise(states):
        counts = np.bincount(prev.labels, minlength=k)
        # a cluster that kept its points (none relocated away) has its plain mean
        if not (counts == 0).any():
            for j in range(k):
                mean = x[prev.labels == j].mean(axis=0)
                np.testing.assert_allclose(cur.centroids[j], mean, rtol=0, atol=atol)
        if kw["empty"] == "keep":
            np.testing.assert_array_equal(cur.centroids[counts == 0], prev.centroids[counts == 0])
        want = expected_next(x, prev.centroids, prev.labels, kw["empty"])
        np.testing.assert_allclose(cur.centroids, want, rtol=0, atol=atol)


@SETTINGS
@given(problems())
def test_run_ends_within_max_iter_one_state_per_iteration(problem):
    points, k, kw = problem
    states = run(points, k, **kw)
    last = states[-1].iteration
    assert last <= kw["max_iter"]
    assert [s.iteration for s in states] == list(range(last + 1))
    assert len(states) >= 2  # state 0 and at least one update (max_iter >= 1)
    if not states[-1].converged:
        assert last == kw["max_iter"]


@SETTINGS
@given(problems())
def test_state_fields(problem):
    points, k, kw = problem
    x = as2d(points)
    n = len(x)
    states = run(points, k, **kw)
    s0 = states[0]
    assert s0.iteration == 0
    assert s0.shift == 0.0
    assert s0.moved == n
    assert s0.k == k
    assert s0.centroids.shape == (k, x.shape[1])
    assert s0.centroids.dtype == np.float64
    for prev, cur in pairwise(states):
        move = np.sqrt(((cur.centroids - prev.centroids) ** 2).sum(axis=1)).max()
        assert cur.shift == pytest.approx(move, rel=1e-12, abs=1e-300)
        assert cur.moved == int(np.count_nonzero(cur.labels != prev.labels))
    assert [s.converged for s in states[:-1]] == [False] * (len(states) - 1)
    # strict convergence (tol=0): converged exactly when the labels stopped changing,
    # and the run stops on the first such state
    assert states[-1].converged == (states[-1].moved == 0)
    assert all(s.moved > 0 for s in states[1:-1])
    for s in states:
        counts = s.counts()
        np.testing.assert_array_equal(counts, np.bincount(s.labels, minlength=k))
        assert counts.sum() == n


@SETTINGS
@given(problems())
def test_state_arrays_are_read_only(problem):
    points, k, kw = problem
    for s in run(points, k, **kw):
        with pytest.raises(ValueError, match="read-only"):
            s.centroids[0] = 1.0
        with pytest.raises(ValueError, match="read-only"):
            s.labels[0] = 0
        m = s.members
        for a in (m.order, m.starts, m.stops, m.labels, *([] if m.values is None else [m.values])):
            with pytest.raises(ValueError, match="read-only"):
                a[0] = 0
        with pytest.raises(dataclasses.FrozenInstanceError):
            s.inertia = 0.0  # type: ignore[misc]


@SETTINGS
@given(problems(), st.booleans())
def test_same_seed_same_states(problem, as_generator):
    points, k, kw = problem
    if as_generator:
        kw_a = {**kw, "seed": np.random.default_rng(kw["seed"])}
        kw_b = {**kw, "seed": np.random.default_rng(kw["seed"])}
    else:
        kw_a = kw_b = kw
    a, b = run(points, k, **kw_a), run(points, k, **kw_b)
    assert len(a) == len(b)
    for sa, sb in zip(a, b, strict=True):
        np.testing.assert_array_equal(sa.centroids, sb.centroids)
        np.testing.assert_array_equal(sa.labels, sb.labels)
        assert sa.inertia == sb.inertia
        assert (sa.shift, sa.moved, sa.converged) == (sb.shift, sb.moved, sb.converged)


@pytest.mark.parametrize(
    ("d", "strategy"),
    [(1, "sorted"), (2, "grid"), (3, "grid"), (4, "dense"), (7, "dense")],
)
def test_auto_is_sorted_for_1d_grid_for_2d_3d_and_dense_above(d, strategy):
    x, _ = make_blobs(dim=d, seed=1)
    assert plan(x, 3).algorithm == strategy
    # only the sorted strategy orders the members by value
    assert (next(lloyd(x, 3, seed=0)).members.values is not None) == (d == 1)
    assert next(lloyd(x, 3, seed=0, algorithm="dense")).members.values is None


@SETTINGS
@given(problems(dims=(1,), algorithms=("sorted",)))
def test_1d_members_are_runs_of_the_values_sorted_once(problem):
    """The sorted values and the permutation are those of the points, are shared by every
    state of a run, and each run holds exactly the values labelled with its cluster."""
    points, k, kw = problem
    v = as2d(points)[:, 0]
    states = run(points, k, **kw)
    first = states[0].members
    assert first.values is not None
    np.testing.assert_array_equal(first.values, np.sort(v))
    np.testing.assert_array_equal(np.sort(first.order), np.arange(len(v)))
    np.testing.assert_array_equal(v[first.order], first.values)
    for s in states:
        p = s.members
        assert p.values is first.values and p.order is first.order
        for j in range(k):
            run_j = p.values[p.starts[j] : p.stops[j]]
            np.testing.assert_array_equal(run_j, np.sort(v[s.labels == j]))


def test_1d_permutation_is_computed_only_for_the_labels_and_once_a_run():
    x = np.random.default_rng(0).normal(size=1000)
    states = list(lloyd(x, 4, seed=0, max_iter=10))
    for s in states:
        s.counts()
    shared = states[0].members._sorted
    assert all(s.members._sorted is shared for s in states)
    assert "order" not in vars(shared), "no permutation without labels"
    dense = list(lloyd(x, 4, seed=0, max_iter=10, algorithm="dense"))
    np.testing.assert_array_equal(states[-1].labels, dense[-1].labels)  # computes it
    order = vars(shared)["order"]
    assert states[0].members.order is order
    np.testing.assert_array_equal(x[order], states[0].members.values)
    assert not order.flags.writeable


def test_1d_labels_are_of_the_points_as_given_even_if_changed_later():
    x = np.array([3.0, 1.0, 2.0, 10.0, 11.0])  # float64, contiguous: lloyd could share it
    states = list(lloyd(x, 2, init=[1.0, 10.0]))
    x[:] = x[::-1].copy()
    np.testing.assert_array_equal(states[-1].labels, [0, 0, 0, 1, 1])


def _relocation_is_rounding_sensitive(x: np.ndarray, s: KMeansState, scale: float) -> bool:
    """Whether the 'farthest' relocation after state s hinges on rounding: the farthest
    distances (and 0, below which nothing moves) are within rounding of each other."""
    n_empty = int((s.counts() == 0).sum())
    if not n_empty:
        return False
    dist = np.sort(((x - s.centroids[s.labels]) ** 2).sum(axis=1))[::-1]
    top = np.append(dist[: n_empty + 1], 0.0)
    return bool(np.any(np.abs(np.diff(top)) <= 1e-9 * scale))


@settings(max_examples=100, deadline=None)
@given(problems(dims=(1,), algorithms=("sorted",)))
def test_sorted_and_dense_agree_on_1d(problem):
    """Same states from both paths. They compute means by different sums, so they may
    only part ways at a decision that rounding can flip: a point within rounding of two
    centroids, or a 'farthest' relocation among distances within rounding of each other."""
    points, k, kw = problem
    x = as2d(points)
    c0 = run(points, k, **kw)[0].centroids.copy()  # one init array for both
    kw = {**kw, "init": c0}
    a = run(points, k, **{**kw, "algorithm": "sorted"})
    b = run(points, k, **{**kw, "algorithm": "dense"})
    atol = 1e-9 * (1.0 + np.abs(x).max())
    scale = 1e-300 + float(np.ptp(np.concatenate([x[:, 0], *(s.centroids[:, 0] for s in a)])))
    scale = scale**2
    for i, (sa, sb) in enumerate(zip(a, b, strict=False)):
        if not np.allclose(sa.centroids, sb.centroids, rtol=0, atol=atol):
            assert i > 0 and kw["empty"] == "farthest"
            assert _relocation_is_rounding_sensitive(x, a[i - 1], scale) or (
                _relocation_is_rounding_sensitive(x, b[i - 1], scale)
            ), (i, sa.centroids, sb.centroids)
            return
        differ = np.flatnonzero(sa.labels != sb.labels)
        if len(differ):
            d2 = sq_dists(x[differ], sa.centroids)
            rows = np.arange(len(differ))
            gap = np.abs(d2[rows, sa.labels[differ]] - d2[rows, sb.labels[differ]])
            assert np.all(gap <= 1e-9 * scale), (i, differ, gap)
            return
        assert sa.inertia == pytest.approx(sb.inertia, rel=1e-9, abs=inertia_tol(x))
        assert (sa.iteration, sa.moved, sa.converged) == (sb.iteration, sb.moved, sb.converged)
        np.testing.assert_array_equal(sa.counts(), sb.counts())
    assert len(a) == len(b)


@pytest.mark.parametrize("algorithm", ["sorted", "grid", "dense"])
def test_point_on_a_rounded_midpoint_goes_to_the_truly_nearest(algorithm):
    # Regression (sorted path): fl(0.6) + fl(1.4) < 2 exactly, so 1.0 is nearer to
    # fl(1.4), but 0.5*0.6 + 0.5*1.4 rounds to 1.0 and the tie rule sent it to 0.6.
    assert Fraction(0.6) + Fraction(1.4) < 2
    s0 = next(lloyd([0.0, 1.0, 2.0], 2, init=[0.6, 1.4], algorithm=algorithm))
    np.testing.assert_array_equal(s0.labels, [0, 1, 1])
    # fl(4.6) < (fl(4.2) + 5) / 2, so 4.6 is nearer to fl(4.2) (index 1), though the
    # rounded midpoint is 4.6 and the tie rule favours index 0
    assert 2 * Fraction(4.6) < Fraction(4.2) + 5
    s0 = next(lloyd([4.6, 5.0, 4.0], 2, init=[5.0, 4.2], algorithm=algorithm))
    np.testing.assert_array_equal(s0.labels, [1, 0, 1])
    # an exact tie still goes to the lower index: 1 is midway between 0 and 2
    s0 = next(lloyd([1.0, 0.0, 2.0], 2, init=[2.0, 0.0], algorithm=algorithm))
    np.testing.assert_array_equal(s0.labels, [0, 1, 0])


# --------------------------------------------------------------------------- 2. oracle


def _sklearn_lloyd(x: np.ndarray, c0: np.ndarray):
    from sklearn.cluster import KMeans

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        km = KMeans(
            n_clusters=len(c0), init=c0, n_init=1, algorithm="lloyd", tol=0, max_iter=300
        ).fit(x)
    return km


def _old_faithful_1d():
    return load_dataset("old_faithful").points[:, 0]


ORACLE_DATA = {
    "old_faithful": lambda: load_dataset("old_faithful").points,
    "old_faithful_eruptions_1d": _old_faithful_1d,
    "iris": lambda: load_dataset("iris").points,
    "blobs_1d": lambda: make_blobs(n_clusters=4, dim=1, std=0.5, seed=11)[0],
    "blobs_2d": lambda: make_blobs(n_clusters=4, dim=2, std=0.6, seed=12)[0],
    "blobs_5d": lambda: make_blobs(n_clusters=5, dim=5, std=0.8, seed=13)[0],
    "blobs_8d": lambda: make_blobs(n_clusters=3, points_per_cluster=60, dim=8, std=1.0, seed=14)[
        0
    ],
}


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("k", [2, 3, 5])
@pytest.mark.parametrize("name", list(ORACLE_DATA))
def test_agrees_with_sklearn(name, k, seed):
    points = ORACLE_DATA[name]()
    x = as2d(points)
    rng = np.random.default_rng(1000 * seed + k)
    rows = np.unique(x, axis=0)
    c0 = rows[rng.choice(len(rows), size=k, replace=False)]
    km = _sklearn_lloyd(x, c0)
    d = x.shape[1]
    algorithms = ["dense", *(["grid"] if d <= 3 else []), *(["sorted"] if d == 1 else [])]
    for algorithm in algorithms:
        states = run(points, k, init=c0, algorithm=algorithm)
        last = states[-1]
        assert last.converged
        np.testing.assert_allclose(last.centroids, km.cluster_centers_, rtol=0, atol=1e-9)
        np.testing.assert_array_equal(last.labels, km.labels_)
        assert last.inertia == pytest.approx(km.inertia_, rel=1e-9)


# --------------------------------------------------------------------------- 3. init


def _rows_of(c: np.ndarray, x: np.ndarray) -> np.ndarray:
    """For each centroid, whether it equals some row of x exactly."""
    return (c[:, None, :] == x[None, :, :]).all(axis=2).any(axis=1)


def _is_submultiset(c: np.ndarray, x: np.ndarray) -> bool:
    rows_c, counts_c = np.unique(c, axis=0, return_counts=True)
    rows_x, counts_x = np.unique(x, axis=0, return_counts=True)
    for r, m in zip(rows_c, counts_c, strict=True):
        hit = (rows_x == r).all(axis=1)
        if not hit.any() or counts_x[hit][0] < m:
            return False
    return True


@pytest.mark.parametrize("algorithm", ["sorted", "grid", "dense"])
def test_random_init_picks_distinct_rows_of_duplicated_data(algorithm):
    # every value twice: distinct rows must still be distinct indices
    x = np.repeat(np.arange(10.0), 2)
    seen = set()
    for seed in range(40):
        c0 = next(lloyd(x, 10, init="random", seed=seed, algorithm=algorithm)).centroids
        assert _rows_of(c0, as2d(x)).all()
        assert _is_submultiset(c0, as2d(x))
        seen.add(tuple(np.sort(c0[:, 0])))
    assert len(seen) > 10  # actually random
    # k = n: the initial centroids are the data itself, each row once
    with pytest.warns(KMeansWarning):
        gen = lloyd(x, len(x), init="random", seed=3, algorithm=algorithm)
    c0 = next(gen).centroids
    np.testing.assert_array_equal(np.sort(c0[:, 0]), np.sort(x))


def test_random_init_distinct_rows_2d():
    x = np.repeat(make_blobs(dim=3, points_per_cluster=5, seed=0)[0], 3, axis=0)  # 45 rows
    for seed in range(20):
        c0 = next(lloyd(x, 8, init="random", seed=seed)).centroids
        assert _rows_of(c0, x).all()
        assert _is_submultiset(c0, x)
    with pytest.warns(KMeansWarning):
        gen = lloyd(x, len(x), init="random", seed=0)
    c0 = next(gen).centroids
    np.testing.assert_array_equal(np.unique(c0, axis=0), np.unique(x, axis=0))
    assert _is_submultiset(c0, x) and _is_submultiset(x, c0)


@pytest.mark.parametrize("dim", [1, 2, 4])
def test_kmeanspp_gives_rows_deterministic_per_seed(dim):
    x, _ = make_blobs(n_clusters=4, dim=dim, seed=5)
    x2 = as2d(x)
    firsts = set()
    for seed in range(15):
        a = next(lloyd(x, 4, init="k-means++", seed=seed)).centroids
        b = next(lloyd(x, 4, init="k-means++", seed=seed)).centroids
        np.testing.assert_array_equal(a, b)
        assert _rows_of(a, x2).all()
        assert len(np.unique(a, axis=0)) == 4
        firsts.add(tuple(a[0]))
    assert len(firsts) > 1  # the seed matters


def test_kmeanspp_with_fewer_distinct_points_than_k():
    x = np.array([1.0, 1.0, 1.0, 2.0, 2.0])
    for seed in range(10):
        with pytest.warns(KMeansWarning):
            gen = lloyd(x, 4, init="k-means++", seed=seed)
        c0 = next(gen).centroids
        assert _rows_of(c0, as2d(x)).all()
        assert _is_submultiset(c0, as2d(x))
        assert set(c0[:, 0]) == {1.0, 2.0}  # both distinct values are found first


def _separated_blobs(seed: int, k: int = 5, per: int = 30) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centers = np.array([[0, 0], [20, 0], [0, 20], [20, 20], [10, 40]], dtype=float)[:k]
    x = (centers[:, None, :] + rng.normal(0, 0.3, size=(k, per, 2))).reshape(-1, 2)
    return x, np.repeat(np.arange(k), per)


def _one_per_blob(init: str, seed: int) -> bool:
    x, truth = _separated_blobs(seed)
    c0 = next(lloyd(x, 5, init=init, seed=seed)).centroids
    blob_of = np.argmin(sq_dists(c0, np.array([x[truth == b].mean(0) for b in range(5)])), 1)
    return len(set(blob_of)) == 5


def test_kmeanspp_covers_separated_blobs_far_more_often_than_random():
    seeds = range(60)
    pp = sum(_one_per_blob("k-means++", s) for s in seeds)
    rnd = sum(_one_per_blob("random", s) for s in seeds)
    # random: 5!/5**5 ~ 4% of draws hit every blob; greedy k-means++ nearly always does
    assert pp >= 57, pp
    assert rnd <= 15, rnd
    assert pp >= rnd + 40


@pytest.mark.parametrize("algorithm", ["sorted", "grid", "dense"])
@pytest.mark.parametrize("shape", ["flat", "column"])
def test_explicit_init_1d_accepts_k_and_k_by_1(algorithm, shape):
    x = np.array([0.0, 1.0, 10.0, 11.0, 20.0])
    init = [0.5, 10.5, 25.0] if shape == "flat" else [[0.5], [10.5], [25.0]]
    states = run(x, 3, init=init, algorithm=algorithm)
    np.testing.assert_array_equal(states[0].centroids, [[0.5], [10.5], [25.0]])
    np.testing.assert_array_equal(states[0].labels, [0, 0, 1, 1, 2])
    np.testing.assert_array_equal(states[-1].centroids, [[0.5], [10.5], [20.0]])


def test_explicit_init_is_copied():
    x = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0], [11.0, 0.0]])
    init = np.array([[0.0, 0.0], [10.0, 0.0]])
    gen = lloyd(x, 2, init=init)
    init[:] = 99.0
    s0 = next(gen)
    np.testing.assert_array_equal(s0.centroids, [[0.0, 0.0], [10.0, 0.0]])
    assert init.flags.writeable  # the caller's array is left alone


def test_points_are_not_modified():
    x = np.array([3.0, 1.0, 2.0, 10.0, 11.0])
    before = x.copy()
    list(lloyd(x, 2, seed=0))
    np.testing.assert_array_equal(x, before)
    assert x.flags.writeable


# --------------------------------------------------------------------------- 4. empty clusters


@pytest.mark.parametrize("algorithm", ["sorted", "grid", "dense"])
def test_empty_cluster_keep_by_hand(algorithm):
    # points 0, 2, 10, 11; centroids 0.5, 100, 10.5
    # state 0: labels [0, 0, 2, 2] (100 is nobody's nearest);
    #          inertia 0.25 + 2.25 + 0.25 + 0.25 = 3.0
    # state 1 ('keep'): c0 = (0 + 2) / 2 = 1, c1 stays 100, c2 = (10 + 11) / 2 = 10.5;
    #          labels unchanged -> converged; inertia 1 + 1 + 0.25 + 0.25 = 2.5
    states = run(
        [0.0, 2.0, 10.0, 11.0], 3, init=[0.5, 100.0, 10.5], empty="keep", algorithm=algorithm
    )
    assert len(states) == 2
    s0, s1 = states
    np.testing.assert_array_equal(s0.labels, [0, 0, 2, 2])
    np.testing.assert_array_equal(s0.counts(), [2, 0, 2])
    assert s0.inertia == pytest.approx(3.0)
    np.testing.assert_allclose(s1.centroids[:, 0], [1.0, 100.0, 10.5], atol=1e-12)
    np.testing.assert_array_equal(s1.labels, [0, 0, 2, 2])
    assert s1.inertia == pytest.approx(2.5)
    assert (s1.moved, s1.converged) == (0, True)
    assert s1.shift == pytest.approx(0.5)  # c0 moved 0.5 -> 1


@pytest.mark.parametrize("algorithm", ["sorted", "grid", "dense"])
def test_empty_cluster_farthest_by_hand(algorithm):
    # same start; squared distances to own centroid in state 0:
    #   (0-0.5)^2 = 0.25, (2-0.5)^2 = 2.25, (10-10.5)^2 = 0.25, (11-10.5)^2 = 0.25
    # the unique farthest point is 2 (index 1); it goes to empty cluster 1 and leaves
    # cluster 0: c0 = 0 / 1 = 0, c1 = 2, c2 = (10 + 11) / 2 = 10.5
    # state 1: labels [0, 1, 2, 2], moved 1, inertia 0 + 0 + 0.25 + 0.25 = 0.5
    # state 2: same means, same labels -> converged
    states = run(
        [0.0, 2.0, 10.0, 11.0], 3, init=[0.5, 100.0, 10.5], empty="farthest", algorithm=algorithm
    )
    assert len(states) == 3
    s1, s2 = states[1], states[2]
    np.testing.assert_allclose(s1.centroids[:, 0], [0.0, 2.0, 10.5], atol=1e-12)
    np.testing.assert_array_equal(s1.labels, [0, 1, 2, 2])
    assert s1.inertia == pytest.approx(0.5)
    assert (s1.moved, s1.converged) == (1, False)
    assert s1.shift == pytest.approx(98.0)  # c1: 100 -> 2
    np.testing.assert_allclose(s2.centroids[:, 0], [0.0, 2.0, 10.5], atol=1e-12)
    assert (s2.moved, s2.converged, s2.shift) == (0, True, 0.0)


@pytest.mark.parametrize("algorithm", ["sorted", "grid", "dense"])
def test_two_empty_clusters_farthest_first_to_lowest_index(algorithm):
    # points 0, 3, 10, 14; centroids 1, 100, 200, 11
    # state 0: labels [0, 0, 3, 3]; squared distances 1, 4, 1, 9; clusters 1 and 2 empty
    # farthest first: 14 (9) -> cluster 1, then 3 (4) -> cluster 2
    # c0 = 0 / 1 = 0, c1 = 14, c2 = 3, c3 = 10 / 1 = 10
    # state 1: labels [0, 2, 3, 1], inertia 0
    states = run([0.0, 3.0, 10.0, 14.0], 4, init=[1.0, 100.0, 200.0, 11.0], algorithm=algorithm)
    s1 = states[1]
    np.testing.assert_allclose(s1.centroids[:, 0], [0.0, 14.0, 3.0, 10.0], atol=1e-12)
    np.testing.assert_array_equal(s1.labels, [0, 2, 3, 1])
    assert s1.inertia == pytest.approx(0.0, abs=1e-12)
    assert len(states) == 3 and states[2].converged


@pytest.mark.parametrize("empty", ["farthest", "keep"])
def test_empty_cluster_2d_by_hand(empty):
    # points (0,0), (3,0), (10,0), (10,1); centroids (1,0), (50,50), (10,0.5)
    # state 0: labels [0, 0, 2, 2]; squared distances 1, 4, 0.25, 0.25
    # farthest: (3,0) moves to cluster 1 -> c = (0,0), (3,0), (10,0.5); inertia 0.5
    # keep: c = (1.5,0), (50,50), (10,0.5); labels unchanged; inertia 2.25*2 + 0.5 = 5.0
    x = np.array([[0.0, 0.0], [3.0, 0.0], [10.0, 0.0], [10.0, 1.0]])
    init = [[1.0, 0.0], [50.0, 50.0], [10.0, 0.5]]
    s1 = run(x, 3, init=init, empty=empty)[1]
    if empty == "farthest":
        np.testing.assert_allclose(s1.centroids, [[0, 0], [3, 0], [10, 0.5]], atol=1e-12)
        np.testing.assert_array_equal(s1.labels, [0, 1, 2, 2])
        assert s1.inertia == pytest.approx(0.5)
    else:
        np.testing.assert_allclose(s1.centroids, [[1.5, 0], [50, 50], [10, 0.5]], atol=1e-12)
        np.testing.assert_array_equal(s1.labels, [0, 0, 2, 2])
        assert s1.inertia == pytest.approx(5.0)
        assert s1.converged


@pytest.mark.parametrize("algorithm", ["sorted", "grid", "dense"])
@pytest.mark.parametrize("empty", ["farthest", "keep"])
@pytest.mark.parametrize(
    ("init", "labels0"),
    [
        ([1.0, 2.0, 5.0], [0, 0, 0, 1, 1]),  # 5 is nobody's nearest
        ([1.0, 1.0, 2.0], [0, 0, 0, 2, 2]),  # duplicate centroids: ties to the lowest index
    ],
)
def test_all_distances_zero_nothing_relocates(algorithm, empty, init, labels0):
    # points 1,1,1,2,2: every point sits on its centroid, so 'farthest' has nothing to
    # move; the empty cluster keeps its centroid and the run converges at state 1
    x = [1.0, 1.0, 1.0, 2.0, 2.0]
    with pytest.warns(KMeansWarning, match="k=3"):
        gen = lloyd(x, 3, init=init, empty=empty, algorithm=algorithm)
    states = list(gen)
    assert len(states) == 2
    np.testing.assert_array_equal(states[0].labels, labels0)
    np.testing.assert_array_equal(states[1].centroids[:, 0], init)
    np.testing.assert_array_equal(states[1].labels, labels0)
    assert (states[1].moved, states[1].converged, states[1].inertia) == (0, True, 0.0)


# --------------------------------------------------------------------------- 5. convergence


@pytest.mark.parametrize("algorithm", ["sorted", "grid", "dense"])
def test_tol_stops_when_centroid_movement_is_small(algorithm):
    # points 0..19, centroids 0, 1. var = 33.25. The centroids go
    #   [0, 1] -> [0, 10] -> [2.5, 12.5] -> [3.5, 13.5] -> [4, 14] -> [4.5, 14.5]
    # with summed squared movement 81, 12.5, 2, 0.5, 0.5 and labels changing until the
    # last. tol=0.02 -> threshold 0.02 * 33.25 = 0.665: stop at state 4 (0.5 <= 0.665)
    # although one point still changed cluster.
    x = np.arange(20.0)
    strict = run(x, 2, init=[0.0, 1.0], algorithm=algorithm)
    assert [s.iteration for s in strict] == [0, 1, 2, 3, 4, 5]
    assert [s.moved for s in strict[1:]] == [5, 2, 1, 1, 0]
    states = run(x, 2, init=[0.0, 1.0], tol=0.02, algorithm=algorithm)
    assert [s.iteration for s in states] == [0, 1, 2, 3, 4]
    last = states[-1]
    assert last.converged and last.moved == 1
    np.testing.assert_allclose(last.centroids[:, 0], [4.0, 14.0])
    # just above the 2.0 movement of state 3 / 33.25 stops there instead
    assert len(run(x, 2, init=[0.0, 1.0], tol=2.01 / 33.25, algorithm=algorithm)) == 4
    assert len(run(x, 2, init=[0.0, 1.0], tol=1.99 / 33.25, algorithm=algorithm)) == 5


@settings(max_examples=60, deadline=None)
@given(problems(), st.floats(1e-6, 0.5))
def test_tol_property(problem, tol):
    points, k, kw = problem
    x = as2d(points)
    threshold = tol * float(np.mean(np.var(x, axis=0)))
    states = run(points, k, **{**kw, "tol": tol})
    for prev, cur in pairwise(states):
        movement = float(((cur.centroids - prev.centroids) ** 2).sum())
        stops = cur.moved == 0 or movement <= threshold
        if cur is states[-1]:
            assert cur.converged == stops
            assert stops or cur.iteration == kw["max_iter"]
        else:
            assert not stops and not cur.converged


@pytest.mark.parametrize("algorithm", ["sorted", "grid", "dense"])
def test_max_iter_1_not_converged(algorithm):
    # points 0..5, centroids 0, 1 -> state 1: [0, 3], point 1 changes cluster
    states = run(np.arange(6.0), 2, init=[0.0, 1.0], max_iter=1, algorithm=algorithm)
    assert [s.iteration for s in states] == [0, 1]
    assert states[1].moved == 1
    assert not states[1].converged
    np.testing.assert_allclose(states[1].centroids[:, 0], [0.0, 3.0])


@pytest.mark.parametrize("algorithm", ["sorted", "grid", "dense"])
def test_max_iter_1_converged(algorithm):
    states = run([0.0, 1.0, 10.0, 11.0], 2, init=[0.5, 10.5], max_iter=1, algorithm=algorithm)
    assert [(s.iteration, s.converged) for s in states] == [(0, False), (1, True)]


@pytest.mark.parametrize("max_iter", [1, 2, 3])
def test_max_iter_caps_a_long_run(max_iter):
    x = np.arange(20.0)
    states = run(x, 2, init=[0.0, 1.0], max_iter=max_iter)
    assert [s.iteration for s in states] == list(range(max_iter + 1))
    assert not states[-1].converged


def test_strict_convergence_stops_on_first_repeat_of_labels():
    x, _ = make_blobs(n_clusters=4, dim=2, std=0.7, seed=3)
    states = run(x, 4, init="random", seed=2)
    assert len(states) > 3
    labels = [s.labels for s in states]
    for i in range(1, len(states) - 1):
        assert not np.array_equal(labels[i], labels[i - 1])
    assert np.array_equal(labels[-1], labels[-2])
    assert states[-1].converged
    # the converged state's centroids are the means of its own clusters: a fixed point
    for j in range(4):
        np.testing.assert_allclose(states[-1].centroids[j], x[labels[-1] == j].mean(0))


def test_lloyd_is_lazy():
    x, _ = make_blobs(dim=2, seed=0)
    gen = lloyd(x, 3, seed=0)
    first = next(gen)
    assert first.iteration == 0
    assert next(gen).iteration == 1


@pytest.mark.parametrize(("algorithm", "dim"), [("sorted", 1), ("dense", 1), ("dense", 2)])
def test_identical_points_have_exact_means_and_runs_converge(algorithm, dim):
    # Regression: a mean computed as sum / count can be an ulp off the value of m identical
    # points; with a second (kept) centroid exactly on them the labels then flipped between
    # the two forever and runs on data with fewer distinct points than k hit max_iter.
    rng = np.random.default_rng(0)
    for t in range(100):
        values = rng.uniform(-100, 100, size=(2, dim))
        x = np.repeat(values, rng.integers(2, 8, size=2), axis=0)
        points = x[:, 0] if dim == 1 else x
        with pytest.warns(KMeansWarning):
            gen = lloyd(points, 3, seed=t, algorithm=algorithm)
        states = list(gen)
        assert states[-1].converged and len(states) <= 4, t
        last = states[-1]
        for j in np.unique(last.labels):
            np.testing.assert_array_equal(last.centroids[j], x[last.labels == j][0])


@pytest.mark.parametrize("power", [-900, 900])
def test_kmeanspp_picks_the_same_points_at_any_scale(power):
    # D² sampling does not depend on the scale. At 2^900 (about 1e271) squared distances
    # overflow and at 2^-900 they underflow; the points are scaled into [-1, 1] first,
    # so the same rows are picked as for the data itself.
    x = np.random.default_rng(5).normal(size=(400, 6))
    want = next(lloyd(x, 5, init="k-means++", seed=3)).centroids
    with np.errstate(all="ignore"):  # the run itself may overflow; the seeding may not
        run = run_beyond_checks(np.ldexp(x, power), 5)
        got = next(run.states(np.random.default_rng(3))).centroids
    np.testing.assert_array_equal(got, np.ldexp(want, power))


def test_kmeanspp_ignores_a_constant_column_far_from_zero():
    # A constant column of 2^900 adds nothing to any distance; it must not shrink the
    # other columns until their squared distances underflow (then every pick is random).
    x = np.random.default_rng(6).normal(size=(300, 2)) + np.repeat(
        [[0, 0], [9, 0], [0, 9]], 100, 0
    )
    far = np.column_stack([x, np.full(len(x), 2.0**900)])
    for seed in range(5):
        want = next(lloyd(x, 3, init="k-means++", seed=seed)).centroids
        with np.errstate(all="ignore"):  # the run's own distances overflow; not the seeding's
            got = next(run_beyond_checks(far, 3).states(np.random.default_rng(seed))).centroids
        np.testing.assert_array_equal(got[:, :2], want)
