"""The update step, the same for every strategy: empty clusters relocated, the means
taken, and the rule that ends a run."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Sums", "converged", "largest_move", "means", "move_to_farthest", "relocate_empty"]


@dataclass
class Sums:
    """What the means are made of: cluster ``j``'s mean is ``ref[j] + sums[j] / counts[j]``.

    ``ref`` is 0, or a member of the cluster where its sum is taken about it (exactly
    that point for a cluster of identical points). Changed in place by
    :func:`relocate_empty`.
    """

    sums: NDArray[np.float64]  # (k, d)
    counts: NDArray[np.intp]  # (k,)
    ref: NDArray[np.float64]  # (k, d)


def relocate_empty(
    s: Sums, dist: NDArray[np.float64], labels: NDArray[np.intp], x: NDArray[np.float64]
) -> None:
    """Move each empty cluster to a point far from its own centroid (scikit-learn's rule).

    ``dist`` is each point's squared distance to its own centroid. The farthest point
    goes to the lowest-index empty cluster, and is taken out of its old cluster's sum.
    When every distance is 0 nothing moves.
    """
    empty = np.flatnonzero(s.counts == 0)
    if not len(empty) or dist.max() <= 0.0:
        return
    far = np.argsort(-dist, kind="stable")[: len(empty)]
    move_to_farthest(s, dist[far], labels[far], x[far])


def move_to_farthest(
    s: Sums, dist: NDArray[np.float64], labels: NDArray[np.intp], points: NDArray[np.float64]
) -> None:
    """Move the empty clusters, lowest index first, to ``points`` (the farthest from
    their own centroids, farthest first, at squared distances ``dist``, in clusters
    ``labels``); stop at a point at distance 0."""
    empty = np.flatnonzero(s.counts == 0)
    for j, d, old, p in zip(empty, dist, labels, points, strict=False):
        if d <= 0.0:
            break
        s.sums[old] -= p - s.ref[old]
        s.counts[old] -= 1
        s.sums[j] = 0.0
        s.ref[j] = p
        s.counts[j] = 1


def means(previous: NDArray[np.float64], s: Sums) -> NDArray[np.float64]:
    """The new centroids: each cluster's mean, or its previous centroid if it is empty."""
    full = s.counts > 0
    if full.all():  # the usual case, in 3 numpy calls (an iteration of 1-D data is ~50)
        return s.ref + s.sums / s.counts[:, None]
    out = previous.copy()
    out[full] = s.ref[full] + s.sums[full] / s.counts[full, None]
    return out


def converged(
    same_labels: bool,
    c: NDArray[np.float64],
    prev_c: NDArray[np.float64],
    tol_abs: float | None,
) -> bool:
    """Whether a run has converged: the labels did not change (strict convergence,
    checked first), or with a tolerance, the summed squared centroid movement is at most
    ``tol_abs`` (``tol`` times the mean variance of the points; None turns it off)."""
    if same_labels:
        return True
    return tol_abs is not None and float(((c - prev_c) ** 2).sum()) <= tol_abs


def largest_move(c: NDArray[np.float64], prev: NDArray[np.float64]) -> float:
    """How far the centroid that moved most travelled: a state's ``shift``."""
    return float(np.sqrt(((c - prev) ** 2).sum(axis=1)).max())
