"""The exact 1-D optimum against kmeans1d, ckmeans and Lloyd's own runs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kmeans_anim import lloyd, optimum_1d
from kmeans_anim.core.optimum import MAX_CELLS

kmeans1d = pytest.importorskip("kmeans1d")


def inertia_of(x: np.ndarray, labels: np.ndarray) -> float:
    total = 0.0
    for j in np.unique(labels):
        part = x[labels == j]
        total += float(((part - part.mean()) ** 2).sum())
    return total


@st.composite
def data_and_k(draw):
    # small integers: ties and duplicates are common
    n = draw(st.integers(1, 40))
    pool = draw(st.sampled_from([3, 10, 1000]))
    x = np.array(draw(st.lists(st.integers(-pool, pool), min_size=n, max_size=n)), float)
    x /= draw(st.sampled_from([1.0, 7.0, 1e3]))
    k = draw(st.one_of(st.just(1), st.just(n), st.integers(1, n)))
    return x, k


@settings(max_examples=150, deadline=None)
@given(data_and_k())
def test_optimum_matches_kmeans1d(case):
    x, k = case
    centroids, labels, inertia = optimum_1d(x, k)
    theirs = kmeans1d.cluster(x, k)
    best = inertia_of(x, np.asarray(theirs.clusters))
    assert inertia == pytest.approx(best, rel=1e-9, abs=1e-12)
    assert inertia == pytest.approx(inertia_of(x, labels), rel=1e-12, abs=1e-12)
    assert np.all(np.diff(centroids) >= 0)
    assert labels.shape == x.shape and set(np.unique(labels)) <= set(range(k))
    # every cluster is non-empty, and its centroid is its mean
    for j in range(k):
        assert centroids[j] == pytest.approx(x[labels == j].mean(), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_optimum_equals_kmeans1d_on_continuous_data(seed):
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.normal(c, 0.7, size=60) for c in (-3.0, 0.0, 2.0, 6.0)])
    rng.shuffle(x)
    centroids, labels, _ = optimum_1d(x, 5)
    theirs = kmeans1d.cluster(x, 5)
    np.testing.assert_allclose(centroids, theirs.centroids, rtol=1e-12)
    np.testing.assert_array_equal(labels, theirs.clusters)  # the caller's order


@pytest.mark.parametrize("seed", range(3))
def test_optimum_inertia_equals_ckmeans(seed):
    ckmeans = pytest.importorskip("ckmeans", reason="the ckmeans package is not installed")
    rng = np.random.default_rng(seed)
    x = rng.gamma(2.0, size=300)
    groups = ckmeans.ckmeans(x, 6)
    theirs = sum(float(((g - g.mean()) ** 2).sum()) for g in groups)
    assert optimum_1d(x, 6)[2] == pytest.approx(theirs, rel=1e-10)


def test_optimum_is_never_worse_than_lloyd_from_many_seeds():
    rng = np.random.default_rng(4)
    x = np.concatenate(
        [rng.normal(c, s, size=m) for c, s, m in ((0, 1, 80), (4, 0.3, 20), (9, 2, 60))]
    )
    best = optimum_1d(x, 4)[2]
    finals = []
    for seed in range(60):
        for init in ("random", "k-means++", "farthest"):
            *_, last = lloyd(x, 4, init=init, seed=seed)
            finals.append(last.inertia)
    assert best <= min(finals) * (1 + 1e-12)
    assert max(finals) > best * 1.01  # some runs stop above it: the lesson exists


def test_optimum_refuses_what_it_cannot_do():
    with pytest.raises(ValueError, match=r"needs 1-D points; got points of shape \(3, 2\)"):
        optimum_1d(np.zeros((3, 2)), 2)
    with pytest.raises(ValueError, match=r"n_samples=2 should be >= k=3"):
        optimum_1d([1.0, 2.0], 3)
    n = MAX_CELLS // 4 + 1
    with pytest.raises(ValueError, match=rf"k=4 times n={n} is .* cells; at most"):
        optimum_1d(np.zeros(n), 4)
    with pytest.raises(TypeError, match="k must be an int"):
        optimum_1d([1.0, 2.0], 1.5)
