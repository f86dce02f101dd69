"""Initial centroids: k distinct random points, greedy k-means++, farthest-first, or the
caller's; each made pick by pick, so that the same steps drive the run and its frames."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._checks import INITS, as_points, check_choice
from .arrays import chunks, sq_norms, unit_exponent
from .distances import column_sq_dist
from .threads import map_blocks, one_blas_thread
from .tuning import Tuning, default_threads

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
    *,
    threads: int | None = None,
) -> NDArray[np.float64]:
    """The initial centroids, for ``init`` as returned by :func:`check_init`: the picks
    of :func:`seeding_steps` (the frames of the seeding show the same ones).

    ``block`` bounds the temporaries of k-means++ (values per block); ``threads`` share
    its distances (None: :func:`~kmeans_anim.core.tuning.default_threads`). Neither
    changes a pick.
    """
    if not isinstance(init, str):
        return init.copy()
    idx = [s.index for s in seeding_steps(x, k, init, rng, block, threads=threads)]
    return x[idx].copy()


def seeding_steps(
    x: NDArray[np.float64],
    k: int,
    init: str | NDArray[np.float64],
    rng: np.random.Generator,
    block: int,
    *,
    probabilities: bool = False,
    threads: int | None = None,
) -> Iterator[SeedStep]:
    """The k picks of the initialisation, one :class:`SeedStep` each, drawing from
    ``rng`` exactly as :func:`initial_centroids` does.

    ``probabilities`` adds k-means++'s sampling probabilities to each step (one new
    length-n array a step, for the frames; the run itself does without). ``block`` and
    ``threads`` as for :func:`initial_centroids`.
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
    # D² sampling does not depend on the scale: the centred points are brought into
    # [-1, 1] by a power of two (exact), so that no squared distance overflows or
    # underflows to 0. Centred directly (three passes over the points fewer); only if
    # that overflowed, after bringing the points themselves into [-1, 1] first. Points
    # whose distances come from a product and are safe as they are stay uncopied (a
    # power-of-two scale of them then gives the same picks exactly while they stay
    # safe, and up to rounding once it takes them out of that range).
    if _by_product(x.shape[1]) and _safe_as_they_are(x):
        xc = x
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            xc = x - x.mean(axis=0)
            top = max(float(xc.max()), -float(xc.min()))
        if not math.isfinite(top):
            xc = np.ldexp(x, -unit_exponent(x))
            xc -= xc.mean(axis=0)
            top = max(float(xc.max()), -float(xc.min()))
        np.ldexp(xc, -int(np.frexp(top)[1]), out=xc)
    n_threads = default_threads() if threads is None else threads
    pots = _Potentials(xc, 2 + int(math.log(k)), block, n_threads)
    del xc  # the direct search keeps the points as columns only
    yield from _kmeanspp(pots, k, rng, probabilities)


def _by_product(d: int) -> bool:
    """Whether the distances of d-dimensional points come from one BLAS product per
    block (above ``Tuning.direct_d`` columns) rather than column by column."""
    return d > Tuning().direct_d


#: Points with magnitudes within 2^±SAFE_EXPONENT are squared and summed without
#: overflow or underflow to 0 in any number of dimensions a machine can hold.
SAFE_EXPONENT = 250


def _safe_as_they_are(x: NDArray[np.float64]) -> bool:
    """Whether k-means++ can work on ``x`` itself rather than on a centred, scaled copy
    (of the data's size, the largest cost of seeding wide data): its magnitudes are
    within 2^±:data:`SAFE_EXPONENT`, and its mean lies no farther from 0 than a box as
    wide as its values' range in every column, so that ``||x||^2 - 2 x.c + ||c||^2``
    loses at most a few times more to rounding than on centred points. Three passes
    (whole-array minimum and maximum; a column-wise one is several times slower), no
    copy."""
    lo, hi = float(x.min()), float(x.max())
    if not 2.0**-SAFE_EXPONENT <= max(hi, -lo) <= 2.0**SAFE_EXPONENT:
        return False  # (NaN too)
    mean = x.mean(axis=0)
    return float(mean @ mean) <= x.shape[1] * (hi - lo) ** 2


class _Potentials:
    """Squared distances of the points to candidate centres, capped by each point's
    distance to its nearest chosen centre (``closest``, kept up to date in place), in
    blocks of rows shared by worker threads.

    Up to ``direct_d`` coordinates the distances are summed column by column from the
    differences, exactly as written (a skinny BLAS product is slower there); above it
    they come from one product per block, ``||x||^2 - 2 x.c + ||c||^2``, clipped at 0,
    as scikit-learn's. Each block's sum is kept apart and the sums added in block order:
    the same potentials whatever the number of threads.
    """

    def __init__(self, xc: NDArray[np.float64], trials: int, block: int, threads: int) -> None:
        n, d = xc.shape
        tuning = Tuning()
        # columns (direct) or rows and their squared norms (BLAS)
        self.n, self.trials = n, trials
        self.cols = None if _by_product(d) else np.ascontiguousarray(xc.T)
        self.xc, self.x_sq = (None, None) if self.cols is not None else (xc, sq_norms(xc))
        # direct: blocks whose columns and work rows stay in cache; BLAS: ``block``
        # values (its products stream the rows once, smaller ones only add calls)
        rows = min(block, tuning.cache_block) if self.cols is not None else block
        self.blocks = list(chunks(n, d + 2, rows))
        self.threads = threads
        self.closest = np.full(n, np.inf)
        # The candidates' capped distances are kept when they take no more memory than
        # the points (then reading the points again to update ``closest`` would cost
        # more); else the kept candidate's are computed again, in cache.
        self.tried = np.empty((trials, n)) if trials <= d else None
        self.parts = np.empty((trials, len(self.blocks)))
        self.sums = np.zeros(len(self.blocks))  # of ``closest``, block by block

    def points(self, rows: NDArray[np.intp]) -> NDArray[np.float64]:
        """The scaled, centred points ``rows``, one a row."""
        return self.cols[:, rows].T if self.cols is not None else self.xc[rows]

    def _dist(self, s: slice, c: NDArray[np.float64], out: NDArray[np.float64]) -> None:
        """Rows ``s``: squared distances to each centre of ``c`` into ``out`` (len(c), rows)."""
        if self.cols is not None:
            cols = self.cols[:, s]
            t = np.empty(s.stop - s.start)
            for dist, cj in zip(out, c, strict=True):
                column_sq_dist(cols, cj, dist, t)
            return
        # points by centres, then transposed: BLAS streams the rows as they lie, 2-3
        # times faster than a product from their transpose, which it would copy first
        np.multiply(np.matmul(self.xc[s], c.T).T, -2.0, out=out)
        out += sq_norms(c)[:, None]
        out += self.x_sq[s]
        np.maximum(out, 0.0, out=out)

    def trial(self, rows: NDArray[np.intp]) -> NDArray[np.float64]:
        """The potential (sum of the capped distances) each of the points ``rows``
        would give as the next centre."""
        c, parts = self.points(rows), self.parts[: len(rows)]

        def run(b: int) -> None:
            s = self.blocks[b]
            if self.tried is None:
                dist = np.empty((len(c), s.stop - s.start))
            else:
                dist = self.tried[: len(c), s]
            self._dist(s, c, dist)
            np.minimum(dist, self.closest[s], out=dist)
            parts[:, b] = dist.sum(axis=1)

        self._map(run)
        return parts.sum(axis=1)

    def keep(self, row: int, tried: int = -1) -> float:
        """Take the point ``row`` as a centre into ``closest``: from the ``tried``-th
        candidate of the last :meth:`trial` if given; the new potential."""
        if tried >= 0 and self.tried is not None:
            np.copyto(self.closest, self.tried[tried])
            np.copyto(self.sums, self.parts[tried])
            return float(self.sums.sum())
        c, sums = self.points(np.array([row])), self.sums

        def run(b: int) -> None:
            s = self.blocks[b]
            dist = np.empty((1, s.stop - s.start))
            self._dist(s, c, dist)
            near = self.closest[s]
            np.minimum(near, dist[0], out=near)
            sums[b] = near.sum()

        self._map(run)
        return float(sums.sum())

    def sample(self, u: NDArray[np.float64]) -> NDArray[np.intp]:
        """The points drawn by ``u`` (uniform in [0, 1)) with probabilities ``closest``
        over its sum: the block by the cumulative sum of the block sums, then the point
        by the cumulative sum of that block alone (not of all n points at every step).
        A point with a zero weight (a chosen centre) is never drawn."""
        edges = np.cumsum(self.sums)
        at = u * edges[-1]
        picks = np.empty(len(u), np.intp)
        for j, (t, b) in enumerate(zip(at, np.searchsorted(edges, at), strict=True)):
            b = min(int(b), len(self.blocks) - 1)
            s = self.blocks[b]
            weights = self.closest[s]
            i = int(np.searchsorted(np.cumsum(weights), t - (edges[b - 1] if b else 0.0)))
            if i >= len(weights):  # past the block's end by rounding: its last weighted point
                i = int(np.flatnonzero(weights)[-1])
            picks[j] = s.start + i
        return picks

    def _map(self, fn: Callable[[int], None]) -> None:
        with nullcontext() if self.cols is not None else one_blas_thread():
            map_blocks(fn, range(len(self.blocks)), self.threads)


def _kmeanspp(
    pots: _Potentials, k: int, rng: np.random.Generator, probabilities: bool
) -> Iterator[SeedStep]:
    """Greedy k-means++ (D² sampling, ``2 + int(log k)`` candidates a step), as scikit-learn,
    on the scaled, centred points of ``pots``."""
    n, trials = pots.n, pots.trials
    chosen = [int(rng.integers(n))]
    yield SeedStep(
        chosen[0], np.array(chosen, np.intp), np.full(n, 1.0 / n) if probabilities else None
    )
    if k == 1:
        return
    pot = pots.keep(chosen[0])
    closest = pots.closest
    for c in range(1, k):
        if pot <= 0.0:  # every point sits on a chosen centre: fewer distinct points than k
            rest = np.setdiff1d(np.arange(n), chosen)
            for i in rng.choice(rest, size=k - c, replace=False):
                yield SeedStep(int(i), np.array([i], np.intp))
            return
        cand = pots.sample(rng.uniform(size=trials))
        shown = closest / pot if probabilities else None
        t = int(np.argmin(pots.trial(cand)))  # the first of equal ones
        chosen.append(int(cand[t]))
        yield SeedStep(chosen[-1], cand.astype(np.intp), shown)
        pot = pots.keep(chosen[-1], t)


def _sq_dist_to(
    xs: NDArray[np.float64], i: int, block: int, out: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Squared distance of every point to point ``i``, into ``out``, in bounded chunks."""
    for s in chunks(len(xs), xs.shape[1], block):
        diff = xs[s] - xs[i]
        np.einsum("ij,ij->i", diff, diff, out=out[s])
    return out


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
