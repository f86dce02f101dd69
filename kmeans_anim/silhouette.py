"""How good a clustering is, for choosing k: the mean silhouette, and the knee of the
elbow curve."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_points, check_int

__all__ = ["EXACT_SILHOUETTE", "knee", "silhouette_score"]

#: Up to this many points the silhouette is exact; above, it is that of a seeded sample
#: of this many (as scikit-learn's ``sample_size``): its cost grows with the square.
EXACT_SILHOUETTE = 10_000
#: Values of the distance matrix computed at once (32 MB of float64).
BLOCK_VALUES = 2**22


def silhouette_score(
    points: ArrayLike,
    labels: ArrayLike,
    *,
    sample: int = EXACT_SILHOUETTE,
    seed: int = 0,
) -> float:
    """The mean silhouette coefficient of a clustering, Euclidean, in numpy.

    For each point, ``a`` is its mean distance to the other points of its cluster and
    ``b`` its mean distance to the points of the nearest other cluster; its silhouette
    is ``(b - a) / max(a, b)``, and 0 in a cluster of one point (as scikit-learn's
    :func:`sklearn.metrics.silhouette_score`). Exact for up to ``sample`` points;
    above, the score of ``sample`` points drawn without replacement with ``seed``.
    Memory is bounded: the distances are computed a block of rows at a time.

    Parameters
    ----------
    points : array-like of shape (n,) or (n, d)
    labels : array-like of int, shape (n,)
    sample : int, default=10000
        Most points used (2 to 100,000).
    seed : int, default=0
        Seed of the sample (used only above ``sample`` points).

    Returns
    -------
    float
        In [-1, 1]; NaN when fewer than two clusters have points (undefined).
    """
    x = as_points(points)
    lab = np.asarray(labels)
    if lab.shape != (len(x),) or not np.issubdtype(lab.dtype, np.integer):
        raise ValueError(
            f"labels must be {len(x)} integers, one per point; got shape {lab.shape}, "
            f"dtype {lab.dtype}."
        )
    sample = check_int(sample, "sample", 2, 100_000)
    if len(x) > sample:
        keep = np.sort(np.random.default_rng(seed).choice(len(x), sample, replace=False))
        x, lab = x[keep], lab[keep]
    _, lab = np.unique(lab, return_inverse=True)
    counts = np.bincount(lab).astype(np.float64)
    if len(counts) < 2:
        return float("nan")
    n = len(x)
    # each point's summed distance to every cluster: blocks of the distance matrix times
    # the one-hot labels
    onehot = np.zeros((n, len(counts)))
    onehot[np.arange(n), lab] = 1.0
    sq = np.einsum("ij,ij->i", x, x)
    sums = np.empty((n, len(counts)))
    rows = max(1, BLOCK_VALUES // n)
    for s in range(0, n, rows):
        e = min(n, s + rows)
        d2 = sq[s:e, None] - 2.0 * (x[s:e] @ x.T) + sq[None, :]
        np.maximum(d2, 0.0, out=d2)
        d2[np.arange(e - s), np.arange(s, e)] = 0.0  # a point's own distance, exactly
        sums[s:e] = np.sqrt(d2) @ onehot
    own = counts[lab]
    idx = np.arange(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = sums[idx, lab] / (own - 1.0)
        mean = sums / counts
    mean[idx, lab] = np.inf
    b = mean.min(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        s_i = (b - a) / np.maximum(a, b)
    s_i[own == 1] = 0.0
    s_i[~np.isfinite(s_i)] = 0.0  # a and b both 0: every point of two clusters coincides
    return float(s_i.mean())


def knee(ks: Sequence[int], inertia: Sequence[float] | NDArray[np.float64]) -> int | None:
    """The knee of an elbow curve: the k whose point lies farthest below the straight
    line from the first point to the last, both axes scaled to [0, 1] (the Kneedle
    rule of Satopää et al., 2011, for a decreasing convex curve, without smoothing).

    Returns None for fewer than three ks, or when no point lies below that line.
    """
    x = np.asarray(ks, dtype=np.float64)
    y = np.asarray(inertia, dtype=np.float64)
    if len(x) < 3 or not np.isfinite(y).all() or y[0] == y[-1]:
        return None
    xn = (x - x[0]) / (x[-1] - x[0])
    yn = (y - y[-1]) / (y[0] - y[-1])
    below = (1.0 - xn) - yn
    i = int(np.argmax(below))
    return int(ks[i]) if below[i] > 1e-12 else None
