"""Initial centroids: k distinct random points, greedy k-means++, or the caller's."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._checks import INITS, as_points, check_choice
from .arrays import chunks, sq_norms, unit_exponent

__all__ = ["check_init", "has_k_distinct", "initial_centroids"]


def check_init(init: Any, k: int, d: int) -> str | NDArray[np.float64]:
    """Validate ``init`` for ``k`` clusters of ``d``-dimensional points: one of
    :data:`INITS`, or an array of shape (k, d) (or (k,) when ``d == 1``), copied."""
    if isinstance(init, str):
        return check_choice(init, "init", INITS)
    try:
        c0 = as_points(init, name="init")
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{exc} (init must be 'k-means++', 'random' or an array)") from None
    raw_shape = np.shape(init)
    if c0.shape != (k, d) or (len(raw_shape) == 1 and d != 1):
        want = f"({k},) or ({k}, 1)" if d == 1 else f"({k}, {d})"
        raise ValueError(f"init has shape {raw_shape}; expected {want} for k={k} and d={d}.")
    return c0.copy()


def has_k_distinct(x: NDArray[np.float64], k: int) -> bool:
    """Whether ``x`` has at least ``k`` distinct rows (the first few rows usually tell)."""
    head = np.unique(x[: 4 * k], axis=0)
    if len(head) >= k:
        return True
    return len(np.unique(x, axis=0)) >= k


def initial_centroids(
    x: NDArray[np.float64],
    k: int,
    init: str | NDArray[np.float64],
    rng: np.random.Generator,
    block: int,
) -> NDArray[np.float64]:
    """The initial centroids, for ``init`` as returned by :func:`check_init`.

    ``block`` bounds the temporaries of k-means++ (values per block).
    """
    if not isinstance(init, str):
        return init.copy()
    if init == "random":
        return x[np.sort(rng.choice(len(x), size=k, replace=False))].copy()
    # D² sampling does not depend on the scale: powers of two (exact) bring the points
    # into [-1, 1] (so that centring cannot overflow), then the centred points too (so
    # that no squared distance overflows or underflows to 0)
    xc = np.ldexp(x, -unit_exponent(x))
    xc -= xc.mean(axis=0)
    np.ldexp(xc, -unit_exponent(xc), out=xc)
    return _kmeanspp(x, xc, sq_norms(xc), k, rng, block)


def _min_sq_dist(
    xc: NDArray[np.float64], x_sq: NDArray[np.float64], cc: NDArray[np.float64], block: int
) -> NDArray[np.float64]:
    """Squared distance of each point to its nearest centre as ``||x||^2 - 2 x.c + ||c||^2``
    (points and centres centred alike), clipped at 0."""
    best = np.empty(len(xc))
    c_sq = sq_norms(cc)
    for s in chunks(len(xc), len(cc), block):
        d = xc[s] @ cc.T
        d *= -2.0
        d += c_sq
        best[s] = np.maximum(d.min(axis=1) + x_sq[s], 0.0)
    return best


def _kmeanspp(
    x: NDArray[np.float64],
    xc: NDArray[np.float64],
    x_sq: NDArray[np.float64],
    k: int,
    rng: np.random.Generator,
    block: int,
) -> NDArray[np.float64]:
    """Greedy k-means++ (D² sampling, ``2 + int(log k)`` candidates a step), as scikit-learn,
    on the scaled, centred points ``xc``; returns rows of ``x``."""
    n = len(x)
    trials = 2 + int(math.log(k))
    idx = np.empty(k, dtype=np.intp)
    idx[0] = rng.integers(n)
    closest = _min_sq_dist(xc, x_sq, xc[idx[:1]], block)
    pot = closest.sum()
    # Memory: besides ``closest`` only two length-n arrays, the best candidate's new
    # distances and the one being computed (swapped when it is better), never trials x n.
    best, work = np.empty(n), np.empty(n)
    for c in range(1, k):
        if pot <= 0.0:  # every point sits on a chosen centre: fewer distinct points than k
            rest = np.setdiff1d(np.arange(n), idx[:c])
            idx[c:] = rng.choice(rest, size=k - c, replace=False)
            break
        cum = np.cumsum(closest)
        cand = np.searchsorted(cum, rng.uniform(size=trials) * cum[-1])
        cand = np.minimum(cand, n - 1)
        del cum
        best_pot = 0.0
        for t, ci in enumerate(cand):
            # squared distance of every point to the candidate, in bounded chunks
            for s in chunks(n, x.shape[1], block):
                diff = xc[s] - xc[ci]
                np.einsum("ij,ij->i", diff, diff, out=work[s])
            np.minimum(work, closest, out=work)
            t_pot = work.sum()
            if t == 0 or t_pot < best_pot:  # strictly: the first of equal ones, as argmin
                best_pot, idx[c] = t_pot, ci
                best, work = work, best
        closest, best = best, closest
        pot = best_pot
    return x[idx].copy()
