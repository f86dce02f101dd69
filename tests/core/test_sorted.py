"""The sorted path of the core (``algorithm="sorted"``, the default for 1-D data).

A state keeps its clusters as runs of the points sorted once (their edges and the
cluster of each run); these tests check the runs against a direct search on data made
of exact ties: points on midpoints, duplicated points and duplicated centroids.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

from kmeans_anim import KMeansWarning, lloyd


@pytest.mark.parametrize(("k", "seed"), [(2, 0), (5, 1), (9, 2)])
def test_runs_equal_a_direct_search_on_exact_ties(k, seed):
    """Half-integer points and centroids (many points exactly midway between two
    centroids, a duplicated centroid): every state's labels are the direct nearest,
    ties to the lowest index; its moved count is the number of changed labels; its
    members' ranges hold exactly its clusters."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 20, size=3000) / 2.0
    # distinct integers in a random order: a pair at an odd distance has a point on its
    # midpoint, and the lower index is as often the left as the right one
    c0 = rng.permutation(10)[:k].astype(np.float64)
    c0[-1] = c0[0]  # a copy never wins a point, at first
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KMeansWarning)
        states = list(lloyd(x, k, init=c0, algorithm="sorted", empty="keep", max_iter=30))
    for s in states:
        d2 = (x[:, None] - s.centroids[None, :, 0]) ** 2
        np.testing.assert_array_equal(s.labels, np.argmin(d2, axis=1))
        m = s.members
        np.testing.assert_array_equal(m.counts(), np.bincount(s.labels, minlength=k))
        for j in range(k):
            np.testing.assert_array_equal(
                m.values[m.starts[j] : m.stops[j]], np.sort(x[s.labels == j])
            )
    for prev, s in itertools.pairwise(states):
        assert s.moved == np.count_nonzero(s.labels != prev.labels)
