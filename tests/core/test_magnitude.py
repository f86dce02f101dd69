"""Data of any magnitude float64 can square: computed right, with no numpy warning
(the suite turns every warning into an error); beyond that, refused naming it."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from helpers import decode
from sklearn.cluster import KMeans

from kmeans_anim import animate, lloyd, make_blobs

POINTS, _ = make_blobs(3, 50, dim=2, seed=4)
#: Just under the refusal: (2 max|x|)² · n · d reaches float64's largest value.
LIMIT = math.sqrt(np.finfo(np.float64).max / (4.0 * POINTS.size))
SCALE = 0.99 * LIMIT / np.abs(POINTS).max()


@pytest.mark.parametrize("standardize", [False, True])
def test_points_near_the_limit_cluster_as_sklearn_does(standardize: bool) -> None:
    init = POINTS[[0, 50, 100]]
    last = list(lloyd(POINTS * SCALE, 3, init=init * SCALE, standardize=standardize))[-1]
    km = KMeans(3, init=init, n_init=1, algorithm="lloyd", tol=0).fit(POINTS)
    assert np.isfinite(last.inertia)
    np.testing.assert_allclose(last.centroids / SCALE, km.cluster_centers_, rtol=1e-9)
    if not standardize:
        np.testing.assert_allclose(last.inertia / SCALE**2, km.inertia_, rtol=1e-9)


def test_points_near_the_limit_render_without_warnings(tmp_path: Path) -> None:
    anim = animate(
        POINTS * SCALE, 3, seed=0, regions=True, trails=True, objective=True, dpi=30, hold=0
    )
    _, frames = decode(anim.save(tmp_path / "big.mp4", progress=False))
    assert len(frames) == anim.frame_count()
    assert np.ptp(frames[-1]) > 100  # something was drawn


def test_points_just_over_the_limit_are_refused() -> None:
    x = POINTS * SCALE / 0.99 * 1.01
    with pytest.raises(ValueError, match=r"points has values up to .* in magnitude; for 150 "):
        lloyd(x, 3)
