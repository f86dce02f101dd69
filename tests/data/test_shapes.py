"""The shapes K-means gets wrong: sizes, classes, determinism, and the failure itself."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from kmeans_anim import SHAPES, lloyd, make_shapes
from kmeans_anim.shapes import MAX_SHAPE_POINTS, suggested_k


@pytest.mark.parametrize("kind", sorted(SHAPES))
@pytest.mark.parametrize("n", [1, 7, 301])
def test_shape_has_n_points_in_its_classes(kind, n):
    points, classes = make_shapes(kind, n=n, seed=0)
    assert points.shape == (n, 2) and points.dtype == np.float64
    assert classes.shape == (n,)
    assert np.isfinite(points).all()
    counts = np.bincount(classes, minlength=len(SHAPES[kind]))
    assert len(counts) == len(SHAPES[kind]) and counts.sum() == n
    if n >= 300:  # every class is there
        assert (counts > 0).all()


def test_shape_class_counts_follow_their_shares():
    _, classes = make_shapes("uneven_sizes", n=610, seed=1)
    assert np.bincount(classes).tolist() == [500, 100, 10]
    _, classes = make_shapes("moons", n=301, seed=1)
    assert np.bincount(classes).tolist() == [151, 150]
    _, classes = make_shapes("smiley", n=100, seed=1)
    assert np.bincount(classes).tolist() == [50, 12, 12, 26]


@pytest.mark.parametrize("kind", sorted(SHAPES))
def test_shape_is_deterministic_for_a_seed(kind):
    a, ca = make_shapes(kind, n=200, seed=5)
    b, cb = make_shapes(kind, n=200, seed=5)
    c, _ = make_shapes(kind, n=200, seed=6)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ca, cb)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize(
    "kind",
    ["moons", "circles", "rings", "smiley", "anisotropic", "unequal_variance"],
)
def test_kmeans_does_not_recover_the_classes(kind):
    points, classes = make_shapes(kind, n=600, seed=0)
    # the best of several runs, as scikit-learn's n_init: not an unlucky start
    runs = [list(lloyd(points, suggested_k(kind), seed=s))[-1] for s in range(8)]
    best = min(runs, key=lambda state: state.inertia)
    assert adjusted_rand_score(classes, best.labels) < 0.8


def test_shape_refuses_bad_arguments():
    with pytest.raises(ValueError, match=r"kind='blobs' is not valid; choose one of 'moons'"):
        make_shapes("blobs")
    with pytest.raises(ValueError, match=r"n=0 should be >= 1"):
        make_shapes("moons", n=0)
    with pytest.raises(ValueError, match=rf"n={MAX_SHAPE_POINTS + 1} should be <= "):
        make_shapes("moons", n=MAX_SHAPE_POINTS + 1)
    with pytest.raises(TypeError, match=r"n must be an int; got n=2.5"):
        make_shapes("moons", n=2.5)
    with pytest.raises(ValueError, match=r"seed=-1 should be >= 0"):
        make_shapes("moons", seed=-1)
