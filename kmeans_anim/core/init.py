"""Initial centroids: k distinct random points, greedy k-means++, farthest-first, or the
caller's; each made pick by pick, so that the same steps drive the run and its frames."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._checks import INITS, as_points, check_choice
from .arrays import chunks, sq_norms, unit_exponent

__all__ = ["SeedStep", "check_init", "has_k_distinct", "initial_centroids", "seeding_steps"]


@dataclass(frozen=True, eq=False)
class SeedStep:
    """One pick of the seeding.

    Attributes
    ----------
    index : int
        The row of the points kept as the next centroid; -1 for a centroid the caller
        gave (an ``init`` array).
    candidates : ndarray of int
        The rows tried: for k-means++ the ``2 + int(log k)`` D² samples (the first pick:
        the one uniform draw); for ``'random'`` and ``'farthest'`` the kept row alone.
    probabilities : ndarray of shape (n,) or None
        k-means++, when asked for: each point's probability of being sampled at this
        step (uniform for the first pick, then D² over the sum of D²). None otherwise.
    nearest : int
        ``'farthest'``: which earlier centroid (0-based) is nearest the kept point, the
        distance maximised; -1 for the first pick and for other inits.
    """

    index: int
    candidates: NDArray[np.intp]
    probabilities: NDArray[np.float64] | None = None
    nearest: int = -1


def check_init(init: Any, k: int, d: int) -> str | NDArray[np.float64]:
    """Validate ``init`` for ``k`` clusters of ``d``-dimensional points: one of
    :data:`INITS`, or an array of shape (k, d) (or (k,) when ``d == 1``), copied."""
    if isinstance(init, str):
        return check_choice(init, "init", INITS)
    try:
        c0 = as_points(init, name="init")
    except (TypeError, ValueError) as exc:
        choices = ", ".join(repr(c) for c in INITS)
        raise type(exc)(f"{exc} (init must be one of {choices} or an array)") from None
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
    """The initial centroids, for ``init`` as returned by :func:`check_init`: the picks
    of :func:`seeding_steps` (the frames of the seeding show the same ones).

    ``block`` bounds the temporaries of k-means++ (values per block).
    """
    if not isinstance(init, str):
        return init.copy()
    idx = [s.index for s in seeding_steps(x, k, init, rng, block)]
    return x[idx].copy()


def seeding_steps(
    x: NDArray[np.float64],
    k: int,
    init: str | NDArray[np.float64],
    rng: np.random.Generator,
    block: int,
    *,
    probabilities: bool = False,
) -> Iterator[SeedStep]:
    """The k picks of the initialisation, one :class:`SeedStep` each, drawing from
    ``rng`` exactly as :func:`initial_centroids` does.

    ``probabilities`` adds k-means++'s sampling probabilities to each step (one new
    length-n array a step, for the frames; the run itself does without).
    """
    if not isinstance(init, str):
        for _ in range(k):
            yield SeedStep(-1, np.empty(0, np.intp))
        return
    if init == "random":
        for i in np.sort(rng.choice(len(x), size=k, replace=False)):
            yield SeedStep(int(i), np.array([i], np.intp))
        return
    if init == "farthest":
        yield from _farthest(x, k, rng, block)
        return
    # D² sampling does not depend on the scale: powers of two (exact) bring the points
    # into [-1, 1] (so that centring cannot overflow), then the centred points too (so
    # that no squared distance overflows or underflows to 0)
    xc = np.ldexp(x, -unit_exponent(x))
    xc -= xc.mean(axis=0)
    np.ldexp(xc, -unit_exponent(xc), out=xc)
    yield from _kmeanspp(xc, sq_norms(xc), k, rng, block, probabilities)


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


def _sq_dist_to(
    xs: NDArray[np.float64], i: int, block: int, out: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Squared distance of every point to point ``i``, into ``out``, in bounded chunks."""
    for s in chunks(len(xs), xs.shape[1], block):
        diff = xs[s] - xs[i]
        np.einsum("ij,ij->i", diff, diff, out=out[s])
    return out


def _kmeanspp(
    xc: NDArray[np.float64],
    x_sq: NDArray[np.float64],
    k: int,
    rng: np.random.Generator,
    block: int,
    probabilities: bool,
) -> Iterator[SeedStep]:
    """Greedy k-means++ (D² sampling, ``2 + int(log k)`` candidates a step), as scikit-learn,
    on the scaled, centred points ``xc``."""
    n = len(xc)
    trials = 2 + int(math.log(k))
    chosen = [int(rng.integers(n))]
    yield SeedStep(
        chosen[0], np.array(chosen, np.intp), np.full(n, 1.0 / n) if probabilities else None
    )
    if k == 1:
        return
    closest = _min_sq_dist(xc, x_sq, xc[chosen], block)
    pot = closest.sum()
    # Memory: besides ``closest`` only two length-n arrays, the best candidate's new
    # distances and the one being computed (swapped when it is better), never trials x n.
    best, work = np.empty(n), np.empty(n)
    for c in range(1, k):
        if pot <= 0.0:  # every point sits on a chosen centre: fewer distinct points than k
            rest = np.setdiff1d(np.arange(n), chosen)
            for i in rng.choice(rest, size=k - c, replace=False):
                yield SeedStep(int(i), np.array([i], np.intp))
            return
        cum = np.cumsum(closest)
        cand = np.searchsorted(cum, rng.uniform(size=trials) * cum[-1])
        cand = np.minimum(cand, n - 1)
        del cum
        shown = closest / pot if probabilities else None
        best_pot, kept = 0.0, -1
        for t, ci in enumerate(cand):
            np.minimum(_sq_dist_to(xc, ci, block, work), closest, out=work)
            t_pot = work.sum()
            if t == 0 or t_pot < best_pot:  # strictly: the first of equal ones, as argmin
                best_pot, kept = t_pot, int(ci)
                best, work = work, best
        chosen.append(kept)
        yield SeedStep(kept, cand.astype(np.intp), shown)
        closest, best = best, closest
        pot = best_pot


def _farthest(
    x: NDArray[np.float64], k: int, rng: np.random.Generator, block: int
) -> Iterator[SeedStep]:
    """Farthest-first traversal: a uniformly random first point, then each time the
    point farthest from its nearest chosen one (ties: the lowest index). Unlike
    k-means++ nothing is sampled after the first pick, so outliers are always taken."""
    n = len(x)
    # a power of two keeps every squared distance exactly the data's, scaled, while no
    # difference of points in [-1, 1] can overflow
    xs = np.ldexp(x, -unit_exponent(x))
    first = int(rng.integers(n))
    yield SeedStep(first, np.array([first], np.intp))
    closest = _sq_dist_to(xs, first, block, np.empty(n))
    owner = np.zeros(n, np.intp)  # which chosen centroid each point is nearest to
    work = np.empty(n)
    taken = np.zeros(n, bool)
    taken[first] = True
    for c in range(1, k):
        i = int(np.argmax(closest))  # the first of equal maxima
        if closest[i] <= 0.0:  # fewer distinct points than k: the lowest free rows
            i = int(np.argmin(taken))
        yield SeedStep(i, np.array([i], np.intp), nearest=int(owner[i]))
        taken[i] = True
        _sq_dist_to(xs, i, block, work)
        nearer = work < closest
        owner[nearer] = c
        np.minimum(work, closest, out=closest)
