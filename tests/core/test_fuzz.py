"""Random input: every strategy of the core yields valid states or refuses k > n with
a ValueError."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from helpers import n_distinct
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kmeans_anim import KMeansWarning, lloyd

# --------------------------------------------------------------------------- the core

SPECIAL = [0.0, 1.0, -1.0, 0.5, 1e150, -1e150, 1e-150, -1e-150, 3.0, 1e-300, 7e149]


@st.composite
def point_sets(draw) -> np.ndarray:
    n = draw(st.integers(1, 40))
    d = draw(st.integers(1, 4))
    scale = draw(st.sampled_from([1.0, 1e150, 1e-150, 1e6, 1e-6]))
    elements = st.one_of(
        st.sampled_from(SPECIAL),
        st.integers(-3, 3).map(float),  # many duplicates
        st.floats(-1.0, 1.0, allow_nan=False).map(lambda v: v * scale),
    )
    x = draw(arrays(np.float64, (n, d), elements=elements))
    if draw(st.booleans()):  # a constant column
        x[:, draw(st.integers(0, d - 1))] = draw(st.sampled_from(SPECIAL))
    if n > 1 and draw(st.booleans()):  # duplicated rows
        x[draw(st.integers(0, n - 1))] = x[0]
    return x


@settings(max_examples=120, deadline=None)
@given(
    x=point_sets(),
    k=st.integers(1, 44),
    init=st.sampled_from(["k-means++", "random"]),
    empty=st.sampled_from(["farthest", "keep"]),
    max_iter=st.integers(1, 30),
    tol=st.sampled_from([0.0, 0.0, 1e-4]),
    seed=st.integers(0, 2**32),
    pick=st.integers(0, 5),
)
def test_lloyd_fuzz(x, k, init, empty, max_iter, tol, seed, pick) -> None:
    n, d = x.shape
    # every strategy that takes data of d dimensions (sorted: 1-D; grid: up to 3-D)
    valid = ["dense", *(["grid"] if d <= 3 else []), *(["sorted"] if d == 1 else [])]
    algorithm = valid[pick % len(valid)]
    kw = dict(init=init, seed=seed, max_iter=max_iter, tol=tol, empty=empty, algorithm=algorithm)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if k > n:
            with pytest.raises(ValueError, match=rf"n_samples={n} should be >= k={k}"):
                lloyd(x, k, **kw)
            return
        states = list(lloyd(x, k, **kw))
    # only the documented warnings: fewer distinct points than k, and columns whose
    # standard deviations differ tenfold or more
    kinds = {type(w.message) for w in caught}
    messages = [str(w.message) for w in caught]
    assert kinds <= {KMeansWarning}, messages
    assert any("fewer distinct" in m for m in messages) == (n_distinct(x) < k)
    with np.errstate(over="ignore", invalid="ignore"):
        sd = x.std(axis=0)
    sd = sd[np.isfinite(sd) & (sd > 0)]
    spread = bool(len(sd) >= 2 and sd.max() >= 10 * sd.min())
    assert any("scales differ" in m for m in messages) == spread, messages
    assert len(messages) == int(n_distinct(x) < k) + int(spread)

    assert [s.iteration for s in states] == list(range(len(states)))
    assert 1 <= len(states) <= max_iter + 1
    assert not any(s.converged for s in states[:-1])
    last = states[-1]
    assert last.converged or last.iteration == max_iter

    mean = x.mean(axis=0)
    tss = float(((x - mean) ** 2).sum())
    slack = 1e-9 * (tss + states[0].inertia) + 1e-300
    for s in states:
        assert s.centroids.shape == (k, d)
        assert np.isfinite(s.centroids).all()
        labels = s.labels
        assert labels.shape == (n,)
        assert labels.min() >= 0 and labels.max() < k
        assert s.counts().sum() == n
        assert np.isfinite(s.inertia) and s.inertia >= 0.0
        assert np.isfinite(s.shift) and s.shift >= 0.0
        assert 0 <= s.moved <= n
    for a, b in itertools.pairwise(states):
        assert b.inertia <= a.inertia + slack, (a.iteration, a.inertia, b.inertia, slack)
