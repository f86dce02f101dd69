"""The exact K-means optimum of 1-D data: dynamic programming over the sorted points."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._checks import as_points, check_int

__all__ = ["MAX_CELLS", "optimum_1d"]

#: Most ``k * n`` cells the backtrack table may have: it holds one int32 per cell,
#: 64 MiB at this limit (besides it, only a few length-n arrays are kept).
MAX_CELLS = 2**24


def optimum_1d(points: ArrayLike, k: int) -> tuple[NDArray[np.float64], NDArray[np.intp], float]:
    """The globally optimal partition of 1-D data into ``k`` clusters (least inertia).

    Dynamic programming over the sorted points (as Ckmeans.1d.dp and kmeans1d): the best
    cost of the first j points in m clusters is the best, over the last cluster's first
    point i, of the best cost of the first i points in m - 1 clusters plus the cost of
    points i..j-1. The best i never decreases with j, so each of the k rows is filled by
    divide and conquer, O(n log n) a row, vectorised level by level. Memory: an int32
    backtrack table of k × n cells, at most :data:`MAX_CELLS`, and a few length-n arrays.

    Parameters
    ----------
    points : array-like of shape (n,) or (n, 1)
        Real, finite values.
    k : int
        Number of clusters, ``1 <= k <= n`` and ``k * n <= MAX_CELLS``.

    Returns
    -------
    centroids : ndarray of shape (k,)
        The clusters' means, ascending (runs of equal values may share a mean when the
        data has fewer than k distinct values).
    labels : ndarray of shape (n,)
        Each point's cluster, in the caller's order of points.
    inertia : float
        The sum of squared distances of the points to their centroids.

    Raises
    ------
    ValueError
        For data of more than one column, ``k > n`` or ``k * n > MAX_CELLS``.
    """
    x = as_points(points)
    n, d = x.shape
    if d != 1:
        raise ValueError(f"optimum_1d needs 1-D points; got points of shape {x.shape}.")
    k = check_int(k, "k", 1)
    if k > n:
        raise ValueError(f"n_samples={n} should be >= k={k}.")
    if k * n > MAX_CELLS:
        raise ValueError(
            f"optimum_1d: k={k} times n={n} is {k * n:,} cells; at most {MAX_CELLS:,} "
            "(the backtrack table holds one int32 per cell)."
        )
    order = np.argsort(x[:, 0], kind="stable")
    v = x[order, 0]
    starts = _segments(v - v.mean(), k)  # centred: the prefix sums lose fewer digits
    bounds = np.append(starts, n)
    sizes = np.diff(bounds)
    sorted_labels = np.repeat(np.arange(k), sizes)
    labels = np.empty(n, np.intp)
    labels[order] = sorted_labels
    # a mean rounded past its run's ends (m equal values summed, then divided) would
    # break the ascending order that equal values shared between runs must keep
    centroids = np.clip(np.add.reduceat(v, starts) / sizes, v[starts], v[bounds[1:] - 1])
    # exact inertia, from the means (not the prefix sums)
    inertia = float(((v - centroids[sorted_labels]) ** 2).sum())
    return centroids, labels, inertia


def _segments(v: NDArray[np.float64], k: int) -> NDArray[np.intp]:
    """The first index of each of the k optimal runs of the sorted values ``v``."""
    n = len(v)
    s1 = np.concatenate(([0.0], np.cumsum(v)))
    s2 = np.concatenate(([0.0], np.cumsum(v * v)))

    def cost(i: NDArray[np.intp], j: NDArray[np.intp]) -> NDArray[np.float64]:
        """Sum of squared deviations of v[i:j] from its mean (i < j)."""
        s = s1[j] - s1[i]
        return np.maximum(s2[j] - s2[i] - s * s / (j - i), 0.0)

    js = np.arange(n + 1)
    prev = np.full(n + 1, np.inf)
    prev[1:] = cost(np.zeros(n, np.intp), js[1:])  # one cluster: the first j points
    back = np.zeros((k, n + 1), np.int32)  # back[m, j]: first point of the last run
    for m in range(1, k):
        prev = _fill_row(prev, cost, m, n, back[m])
    starts = np.empty(k, np.intp)
    j = n
    for m in range(k - 1, -1, -1):
        starts[m] = back[m, j]
        j = starts[m]
    return starts


def _fill_row(
    prev: NDArray[np.float64],
    cost: Callable[[NDArray[np.intp], NDArray[np.intp]], NDArray[np.float64]],
    m: int,
    n: int,
    back_row: NDArray[np.int32],
) -> NDArray[np.float64]:
    """Row m (0-based: m + 1 clusters) of the table from row m - 1, ``prev``, for every
    j in [m + 1, n]; the argmin of each j (its last run's first point) into ``back_row``.

    Divide and conquer on the monotone argmin, one vectorised pass per level: each open
    range of j evaluates its middle j against the candidates i its neighbours allow.
    """
    row = np.full(n + 1, np.inf)
    lo, hi = np.array([m + 1]), np.array([n])  # ranges of j
    olo, ohi = np.array([m]), np.array([n - 1])  # ranges of the last run's first point
    while len(lo):
        mid = (lo + hi) // 2
        top = np.minimum(mid - 1, ohi)
        count = top - olo + 1
        group = np.repeat(np.arange(len(mid)), count)
        first = np.cumsum(count) - count
        i = olo[group] + np.arange(count.sum()) - first[group]
        j = mid[group]
        val = prev[i] + cost(i, j)
        best = np.minimum.reduceat(val, first)
        hit = np.flatnonzero(val == best[group])
        _, at = np.unique(group[hit], return_index=True)  # the lowest i among equals
        arg = i[hit[at]]
        row[mid] = best
        back_row[mid] = arg
        left = lo <= mid - 1
        right = mid + 1 <= hi
        lo, hi, olo, ohi = (
            np.concatenate((lo[left], mid[right] + 1)),
            np.concatenate((mid[left] - 1, hi[right])),
            np.concatenate((olo[left], arg[right])),
            np.concatenate((arg[left], ohi[right])),
        )
    return row
