"""Nearest and second-nearest centres by distances summed directly in float64."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .arrays import chunks

__all__ = ["Two", "column_sq_dist", "direct_two", "half_gaps"]

#: Nearest centre of each point, the squared distance to it, and to the second nearest.
Two = tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64]]


def direct_two(x: NDArray[np.float64], c: NDArray[np.float64]) -> Two:
    """Nearest centre of each point (ties to the lowest index), the squared distance to
    it, and the squared distance to the second nearest (inf for k=1).

    Distances are summed column by column from ``x - c``, exactly as written: for a few
    columns this beats BLAS, whose skinny products are also slow and erratic on a busy
    machine. One centre at a time, keeping a running best and second best, so that the
    work arrays are a few rows long whatever k is, and stay in cache.
    """
    m = len(x)
    cols = x.T.copy()  # contiguous columns
    lab = np.zeros(m, dtype=np.intp)
    own, second = np.full(m, np.inf), np.full(m, np.inf)
    dist, t, closer = np.empty(m), np.empty(m), np.empty(m, dtype=bool)
    for j, cj in enumerate(c):
        column_sq_dist(cols, cj, dist, t)
        np.maximum(own, dist, out=t)
        np.minimum(second, t, out=second)
        np.less(dist, own, out=closer)  # strictly: a tie keeps the lower index
        np.copyto(lab, j, where=closer)
        np.minimum(own, dist, out=own)
    return lab, own, second


def column_sq_dist(
    cols: NDArray[np.float64],
    c: NDArray[np.float64],
    out: NDArray[np.float64],
    t: NDArray[np.float64],
) -> None:
    """Squared distance of each point to the centre ``c``, into ``out``: the points given
    as columns (``cols[i]`` their i-th coordinate), summed column by column from the
    differences, as ``((x - c) ** 2).sum(axis=-1)`` sums them. ``t`` is work space of
    ``out``'s length."""
    np.subtract(cols[0], c[0], out=out)
    out *= out
    for col, v in zip(cols[1:], c[1:], strict=True):
        np.subtract(col, v, out=t)
        t *= t
        out += t


def half_gaps(c: NDArray[np.float64], block: int) -> NDArray[np.float64]:
    """Half the distance from each centre to the nearest other one (inf for k=1)."""
    k, d = c.shape
    half = np.full(k, np.inf)
    if k > 1:
        for s in chunks(k, k * d, block):
            gap = ((c[s, None, :] - c[None, :, :]) ** 2).sum(axis=2)
            gap[np.arange(gap.shape[0]), np.arange(s.start, s.stop)] = np.inf
            half[s] = 0.5 * np.sqrt(gap.min(axis=1))
    return half
