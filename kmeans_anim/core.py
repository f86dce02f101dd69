"""The K-means core: Lloyd's algorithm as a generator of immutable states.

Nothing here draws, prints or touches files. :func:`lloyd` validates its input
once and then yields one :class:`KMeansState` per iteration.

Three step implementations share one set of semantics, labels exactly those of a
direct nearest-centroid search with ties to the lowest index:

* ``"sorted"`` (1-D data): the values are sorted once; every cluster is then a
  contiguous run of the sorted values, found with a ``searchsorted`` of the
  midpoints between centroids, and its sum and sum of squares come from prefix
  sums. An iteration costs O(k log n). The permutation that sorts the points is
  only computed (once per run) when something needs the caller's order, such as
  ``state.labels`` or the relocation of an empty cluster.
* ``"grid"`` (up to 3-D; the default for 2-D and 3-D): the points are put once into
  a grid of boxes with per-box sums. A box whose corners all have the same clearly
  nearest centroid hands its points that label and its sums to that cluster whole;
  only the points of the other boxes, near a boundary between clusters, are searched.
  An iteration costs O(corners k + boundary points k) plus one O(n) gather.
* ``"dense"`` (any dimension; the default above 3-D): Hamerly-style bounds let most
  points keep their label without any distance computed; the others are searched in
  blocks of bounded size (no n-by-k float64 matrix over a few MB), column by column for a
  few dimensions, otherwise by a float32 BLAS product whose near-ties (within a
  rigorous bound on its rounding) are decided on float64 distances, so that the
  labels are exactly those of a float64 search. Per-cluster sums are kept up to
  date from the points that changed label, so means and inertia cost O(k d) an
  iteration.
"""

from __future__ import annotations

import contextvars
import itertools
import math
import numbers
import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from threadpoolctl import ThreadpoolController

__all__ = ["KMeansState", "KMeansWarning", "Partition", "lloyd"]

INITS = ("k-means++", "random")
EMPTY_POLICIES = ("farthest", "keep")
ALGORITHMS = ("auto", "sorted", "grid", "dense")

#: Largest number of float64 values in one temporary distance block (4 MiB).
_BLOCK = 1 << 19
#: Values in a block that should stay in cache (512 KiB), for passes over small blocks.
_CACHE_BLOCK = 1 << 16
#: Sets of row blocks whose first statistics are summed apart (in the worker threads).
_PARTS = 4
#: Points whose bounds are kept when those of all points are not (see assign).
_SAMPLE = 1024
#: Bounds are kept for every point when the share of failing ones, times the cost of a
#: check in searched points, is below this (a search of all points wins above 1).
_BOUND_ALL = 1.5
#: Most points whose per-point arithmetic after a float32 screening runs at once.
_PART = 1 << 17
#: Up to this many dimensions distances are summed column by column instead of by BLAS.
_DIRECT_D = 4
#: Relative margin in the bound tests of :class:`_DenseSteps`, far above the rounding
#: that a bound accumulates over an iteration (~1e-16) or even a million of them.
_SLACK = 1e-9
#: Unit roundoff of float32 and of float64 (half their machine epsilon), for error bounds.
_U32, _U64 = 2.0**-24, 2.0**-53
#: The smallest float64 above 0. Below 2^-1022 values lose relative precision: an
#: operation is then off by up to half of this, so error bounds add a multiple of it.
_SUBNORMAL = 2.0**-1074
#: Threads for the blocks of a search: numpy releases the GIL in its loops, so blocks
#: run in parallel (scikit-learn uses every core through OpenMP). 1 means no pool.
_WORKERS = min(4, os.cpu_count() or 1)
#: Points per box of :class:`_GridSteps` on average, and its largest number of boxes.
_GRID_POINTS = 16
_GRID_BOXES = 1 << 16
#: Largest dimension for :class:`_GridSteps` (2^d corners a box, and boxes get thin).
_GRID_D = 3
_pools: dict[int, ThreadPoolExecutor] = {}


def _map(fn: Callable[[Any], None], items: Iterable[Any]) -> None:
    """Call ``fn`` on every item, in ``_WORKERS`` threads (created once, when first needed).

    The items are dealt out in turn, one task a thread (a task per item costs a wake-up
    and a hand-over each, on the order of a short numpy call). ``fn`` must write only
    its own item's part of shared arrays.
    """
    if _WORKERS <= 1:
        for item in items:
            fn(item)
        return
    if _WORKERS not in _pools:
        _pools[_WORKERS] = ThreadPoolExecutor(_WORKERS, thread_name_prefix="kmeans_anim")
    dealt = list(items)
    # each task runs in a copy of the caller's context: numpy's errstate (a context
    # variable) is then the caller's in every worker, as it is with one thread
    ctx = contextvars.copy_context()

    def task(i: int) -> None:
        for item in dealt[i::_WORKERS]:
            fn(item)

    tasks = range(min(_WORKERS, len(dealt)))
    for _ in _pools[_WORKERS].map(lambda i: ctx.copy().run(task, i), tasks):
        pass  # consumed to raise a worker's exception


_blas: list[Any] = []  # the threadpoolctl controller, made when first needed


def _one_blas_thread() -> AbstractContextManager[Any]:
    """A context in which BLAS uses one thread. Our threads already share the blocks;
    BLAS threads on top of them (or next to another busy process) only contend: a
    product of width k takes 3 to 30 times longer with two BLAS threads than with one."""
    if not _blas:
        _blas.append(ThreadpoolController())
    return _blas[0].limit(limits=1, user_api="blas")


class KMeansWarning(UserWarning):
    """A recoverable oddity in the data, such as fewer distinct points than clusters."""


def _readonly(a: NDArray[Any]) -> NDArray[Any]:
    a.setflags(write=False)
    return a


class _Sorted:
    """The 1-D points of a run sorted once, shared by all its partitions; the permutation
    that sorts them is computed on first use."""

    def __init__(self, v: NDArray[np.float64]) -> None:
        self._points = _readonly(v.copy())  # the caller may change their array later
        self.values = _readonly(np.sort(v))
        self._order: NDArray[np.intp] | None = None

    @property
    def order(self) -> NDArray[np.intp]:
        if self._order is None:
            # Equal values always fall in the same run, so the order of ties cannot change
            # any label: the default argsort (unstable, vectorised) is correct, and about
            # twice as fast as a stable one (1e6 values: ~110 ms against ~210 ms).
            self._order = _readonly(np.argsort(self._points))
        return self._order


@dataclass(frozen=True)
class Partition:
    """The clusters of 1-D data as contiguous runs of the sorted points.

    Attributes
    ----------
    values : ndarray of shape (n,)
        The points sorted ascending. The same array in every state of a run.
    order : ndarray of shape (n,)
        A permutation with ``points[order] == values`` (equal points in any order).
        Computed on first access, once for all the states of a run.
    starts, stops : ndarray of shape (k,)
        Cluster ``j`` is ``values[starts[j]:stops[j]]``, the points
        ``points[order[starts[j]:stops[j]]]`` (empty when equal).
    """

    _sorted: _Sorted = field(repr=False)
    starts: NDArray[np.intp]
    stops: NDArray[np.intp]

    @property
    def values(self) -> NDArray[np.float64]:
        """The points sorted ascending, shared by every state of a run."""
        return self._sorted.values

    @property
    def order(self) -> NDArray[np.intp]:
        """The permutation that sorts the points, shared by every state of a run."""
        return self._sorted.order

    def labels(self) -> NDArray[np.intp]:
        """Each point's cluster, in the caller's order of the points."""
        ranked = np.argsort(self.starts, kind="stable")
        sorted_labels = np.repeat(ranked, (self.stops - self.starts)[ranked])
        labels = np.empty(len(self.values), dtype=np.intp)
        labels[self.order] = sorted_labels
        return labels


@dataclass(frozen=True)
class KMeansState:
    """One iteration of Lloyd's algorithm. Immutable; its arrays are read-only.

    Attributes
    ----------
    iteration : int
        0 for the initial centroids, then 1, 2, ...
    centroids : ndarray of shape (k, d)
        The centroids of this iteration (means of the previous state's clusters).
    inertia : float
        Sum of squared distances of the points to their centroid.
    shift : float
        Largest distance any centroid moved since the previous state (0.0 at iteration 0).
    moved : int
        Number of points whose label changed since the previous state (n at iteration 0).
    converged : bool
        True for the last state of a run that converged.
    labels : ndarray of shape (n,)
        Index of each point's nearest centroid (ties go to the lowest index). For 1-D
        data it is computed on first access from :attr:`partition`.
    partition : Partition or None
        For 1-D data, the clusters as runs of the sorted points; None otherwise.
    """

    iteration: int
    centroids: NDArray[np.float64]
    inertia: float
    shift: float
    moved: int
    converged: bool
    _labels: NDArray[np.intp] | None = field(default=None, repr=False, compare=False)
    partition: Partition | None = field(default=None, repr=False, compare=False)

    @property
    def k(self) -> int:
        """Number of clusters."""
        return len(self.centroids)

    @property
    def labels(self) -> NDArray[np.intp]:
        """Index of each point's nearest centroid, in the caller's order of the points."""
        if self._labels is None:
            assert self.partition is not None
            object.__setattr__(self, "_labels", _readonly(self.partition.labels()))
        assert self._labels is not None
        return self._labels

    def counts(self) -> NDArray[np.intp]:
        """Number of points in each cluster."""
        if self.partition is not None:
            return self.partition.stops - self.partition.starts
        return np.bincount(self.labels, minlength=self.k)


# --------------------------------------------------------------------------- validation


def as_points(points: ArrayLike, name: str = "points") -> NDArray[np.float64]:
    """Validate data and return it as a C-contiguous float64 array of shape (n, d).

    1-D input of shape ``(n,)`` becomes ``(n, 1)``.

    Raises
    ------
    TypeError
        For non-numeric data (strings, booleans, complex numbers, non-numeric objects).
    ValueError
        For empty, ragged, 3-D or non-finite data.
    """
    try:
        arr = np.asarray(points)
    except ValueError as exc:  # ragged nested sequences
        raise ValueError(f"{name} must be a rectangular array; got a ragged sequence.") from exc
    if arr.dtype == object:
        # astype would turn None into NaN and "1.5" into 1.5: only real numbers may pass
        flat = arr.ravel()
        if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in flat):
            raise TypeError(
                f"{name} must hold real numbers; got an object array with non-numeric values."
            )
        arr = arr.astype(np.float64)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers; got dtype={arr.dtype}.")
    if arr.ndim not in (1, 2):
        raise ValueError(
            f"{name} must have shape (n,) or (n, d); got an array with ndim={arr.ndim}, "
            f"shape={arr.shape}."
        )
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty: shape={arr.shape}; need at least one point.")
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    if not np.isfinite(arr).all():
        bad = int(np.count_nonzero(~np.isfinite(arr)))
        raise ValueError(f"{name} must be finite; found {bad} NaN or infinite value(s).")
    return arr


def shown(value: Any, limit: int = 80) -> str:
    """``repr(value)`` for an error message, short: an array too big to show by its
    shape and dtype, any other long repr cut to ``limit`` characters."""
    if isinstance(value, int) and value.bit_length() > 4 * limit:
        return f"<int of {value.bit_length()} bits>"  # repr refuses over 4300 digits
    text = repr(value)
    if len(text) <= limit:
        return text
    if isinstance(value, np.ndarray):
        return f"<array of shape {value.shape}, dtype {value.dtype}>"
    return text[: limit - 3] + "..."


def check_int(value: Any, name: str, minimum: int, maximum: int | None = None) -> int:
    """Return ``value`` as an int, refusing bools, floats and values below ``minimum``
    or above ``maximum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int; got {name}={shown(value)}.")
    if value < minimum:
        raise ValueError(f"{name}={shown(value)} should be >= {minimum}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name}={shown(value)} should be <= {maximum}.")
    return int(value)


def check_real(
    value: Any, name: str, *, minimum: float, strict: bool, maximum: float = math.inf
) -> float:
    """Return ``value`` as a finite float ``> minimum`` (strict) or ``>= minimum``, and
    ``<= maximum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {name}={shown(value)}.")
    try:
        value = float(value)
    except OverflowError:  # an int too big for a float
        raise ValueError(f"{name}={shown(value)} should be finite.") from None
    if not math.isfinite(value) or value < minimum or (strict and value == minimum):
        op = ">" if strict else ">="
        raise ValueError(f"{name}={value!r} should be finite and {op} {minimum}.")
    if value > maximum:
        raise ValueError(f"{name}={value!r} should be <= {maximum:g}.")
    return value


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise a ValueError listing them."""
    if not isinstance(value, str) or value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name}={shown(value)} is not valid; choose one of {listed}.")
    return value


def make_rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A numpy Generator from an int, a Generator or None."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"seed must be an int, a numpy.random.Generator or None; got seed={shown(seed)}."
        )
    if seed < 0:
        raise ValueError(f"seed={seed} should be >= 0.")
    return np.random.default_rng(int(seed))


# --------------------------------------------------------------------------- distances


def _chunks(n: int, k: int, block: int | None = None) -> Iterator[slice]:
    """Slices of ``range(n)`` with at most ``block`` (default ``_BLOCK``) values for ``k``
    values a row, and at least one row."""
    step = max(1, (block or _BLOCK) // max(k, 1))
    for start in range(0, n, step):
        yield slice(start, min(start + step, n))


def _part(pts: slice | NDArray[np.intp], s: slice | NDArray[np.intp]) -> slice | NDArray[np.intp]:
    """The points ``pts[s]`` (slices have step 1), a slice if both are slices."""
    if not isinstance(pts, slice):
        return pts[s]
    if isinstance(s, slice):
        return slice(pts.start + s.start, pts.start + s.stop)
    return pts.start + s


def _unit_exponent(a: NDArray[np.float64]) -> int:
    """The exponent ``e`` such that ``a`` times ``2^-e`` lies in [-1, 1] (0 for zeros)."""
    return int(np.frexp(max(float(a.max()), -float(a.min())))[1])


def _sq_norms(x: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.einsum("ij,ij->i", x, x)


def _min_sq_dist(
    xc: NDArray[np.float64], x_sq: NDArray[np.float64], cc: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Squared distance of each point to its nearest centre as ``||x||^2 - 2 x.c + ||c||^2``
    (points and centres centred alike), clipped at 0. For k-means++ seeding only."""
    best = np.empty(len(xc))
    c_sq = _sq_norms(cc)
    for s in _chunks(len(xc), len(cc)):
        d = xc[s] @ cc.T
        d *= -2.0
        d += c_sq
        best[s] = np.maximum(d.min(axis=1) + x_sq[s], 0.0)
    return best


_Two = tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64]]


def _direct_two(x: NDArray[np.float64], c: NDArray[np.float64]) -> _Two:
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
        np.subtract(cols[0], cj[0], out=dist)
        dist *= dist
        for col, v in zip(cols[1:], cj[1:], strict=True):
            np.subtract(col, v, out=t)
            t *= t
            dist += t
        np.maximum(own, dist, out=t)
        np.minimum(second, t, out=second)
        np.less(dist, own, out=closer)  # strictly: a tie keeps the lower index
        np.copyto(lab, j, where=closer)
        np.minimum(own, dist, out=own)
    return lab, own, second


def _blas_two(
    x: NDArray[np.float64],
    xs1: NDArray[np.float32],
    pts: slice | NDArray[np.intp],
    scale: int,
    x_sq: NDArray[np.float64],
    x_norm: NDArray[np.float64],
    c: NDArray[np.float64],
    mean: NDArray[np.float64],
    blocks: Iterable[slice],
) -> _Two:
    """As :func:`_direct_two` for the points ``x[pts]``, screening the centres by a
    float32 BLAS product, with an upper bound for the own squared distance and a lower
    bound for the second.

    ``xs1`` is ``[(x - mean) 2^-scale, 1]`` of all the points in float32, transposed
    (one row a coordinate; BLAS is fastest at the k-by-m product from it), all values in
    [-1, 1]; ``x_sq`` is ``||x - mean||^2`` of the points ``pts`` in float64 and
    ``x_norm`` its square root. One product gives ``||c||^2 - 2 x.c`` for every centre
    (the 1 picks up ``||c||^2``), scaled by a power of two so that nothing overflows;
    plus ``x_sq`` it is the squared distance up to ``err`` (below). The products and
    their reductions over the centres run in the worker threads, one block of ``blocks``
    (slices into ``pts``) at a time; the per-point arithmetic after them runs here on
    all the points at once (few numpy calls: threads only gain on long ones, each call
    hands the GIL over).
    Points whose best two centres are within ``2 err`` of each other are decided on all
    their distances computed directly in float64 (only their rows of ``x`` are read),
    ties to the lowest index; every other point is nearer to its best centre than to
    any other by more than the rounding of either computation. So the labels are those
    of a float64 search, ``((x - c) ** 2).sum(axis=-1)``. Values that overflow are
    decided in float64 too; callers turn off the warnings for overflow and invalid
    values.
    """
    d, k, m = x.shape[1], len(c), len(x_sq)
    cc = c - mean
    c_sq = _sq_norms(cc)
    cs1 = np.column_stack((-2.0 * cc, np.ldexp(c_sq, -scale)))
    e = _unit_exponent(cs1)
    cs1_32 = np.ldexp(cs1, -e).astype(np.float32)
    # 1 where a centre attains the best value, else 0. Summed exactly (in float32 up to
    # 2^24 centres): the index of the best centre and how many attain it (if more than
    # one, the point is decided in float64 below).
    exact_sums = np.float32 if k <= 1 << 24 else np.float64
    pick = np.array([np.arange(k), np.ones(k)], dtype=exact_sums)
    best, rest = np.empty(m, np.float32), np.empty(m, np.float32)
    lab_count = np.empty((2, m), exact_sums)

    def screen(s: slice) -> None:
        # k by m, times 2^-(scale + e): rows make the reductions over centres below
        # whole-array passes (centres that overflowed give inf and NaN: decided in
        # float64)
        prod = cs1_32 @ xs1[:, _part(pts, s)]  # a view, or a block's gather
        top = prod.min(axis=0)
        hit = np.equal(prod, top, out=np.empty(prod.shape, exact_sums))
        np.matmul(pick, hit, out=lab_count[:, s])
        # the second best: the best masked by adding more than twice any |value|
        # (<= d + 1) (for k = 1 a finite stand-in, harmless: its half gap to another
        # centre is inf)
        hit *= 4.0 * (d + 1)
        prod += hit
        prod.min(axis=0, out=rest[s])
        best[s] = top

    _map(screen, blocks)
    own = np.ldexp(best, scale + e, dtype=np.float64)
    own += x_sq
    second = np.ldexp(rest, scale + e, dtype=np.float64)
    second += x_sq
    # Error bound of a distance, with a = |x|, b = max |c| (centred), u = 2^-24. In the
    # product, rounding x and -2c to float32 moves 2 x.c by (2u + u^2) 2ab, rounding
    # ||c||^2 by u b^2, and the (d + 1)-term float32 sum adds gamma_{d+1} (2ab + b^2)
    # (in any order, with or without FMA): (d + 3) u (2ab + b^2) to first order. Values
    # below 2^-126 (scaled) are off by up to 2^-150 each instead, (3d + 1) 2^-150 in all.
    # The float64 roundings (centring, x_sq, the sums, the direct distances below) are
    # below 2 (d + 4) u' (a + b)^2 <= 4 (d + 4) u' (a^2 + b^2), u' = 2^-53, plus up to
    # 2^-1075 an operation where they are subnormal. Each doubled. A bound that
    # overflowed (inf or NaN) sends the point to the float64 decision.
    b_sq = c_sq.max()
    err = 2.0 * (d + 3) * _U32 * (2.0 * math.sqrt(b_sq) * x_norm + b_sq)
    err += 8.0 * (d + 4) * _U64 * (x_sq + b_sq) + np.ldexp(3 * d + 1, scale + e - 149)
    err += (4 * d + 16) * _SUBNORMAL
    tied = np.flatnonzero(~(second - own > 2.0 * err) | (lab_count[1] > 1))
    lab = lab_count[0].astype(np.intp)
    own += err
    second -= err
    for s in _chunks(len(tied), k * d):  # all k distances, directly in float64
        t, at = tied[s], np.arange(s.stop - s.start)
        diff = x[_part(pts, t)][:, None, :] - c[None, :, :]
        exact = (diff * diff).sum(axis=2)  # summed as ((x - c) ** 2).sum(axis=-1) is
        lab[t] = near = np.argmin(exact, axis=1)
        own[t] = exact[at, near]
        exact[at, near] = np.inf
        second[t] = exact.min(axis=1)
    return lab, own, np.maximum(second, 0.0, out=second)


def _half_gaps(c: NDArray[np.float64]) -> NDArray[np.float64]:
    """Half the distance from each centre to the nearest other one (inf for k=1)."""
    k, d = c.shape
    half = np.full(k, np.inf)
    if k > 1:
        for s in _chunks(k, k * d):
            gap = ((c[s, None, :] - c[None, :, :]) ** 2).sum(axis=2)
            gap[np.arange(gap.shape[0]), np.arange(s.start, s.stop)] = np.inf
            half[s] = 0.5 * np.sqrt(gap.min(axis=1))
    return half


# --------------------------------------------------------------------------- initialisation


def _has_k_distinct(x: NDArray[np.float64], k: int) -> bool:
    head = np.unique(x[: 4 * k], axis=0)
    if len(head) >= k:
        return True
    return len(np.unique(x, axis=0)) >= k


def _init_random(x: NDArray[np.float64], k: int, rng: np.random.Generator) -> NDArray[np.float64]:
    return x[np.sort(rng.choice(len(x), size=k, replace=False))].copy()


def _init_kmeanspp(
    x: NDArray[np.float64],
    xc: NDArray[np.float64],
    x_sq: NDArray[np.float64],
    k: int,
    rng: np.random.Generator,
) -> NDArray[np.float64]:
    """Greedy k-means++ (D² sampling, ``2 + int(log k)`` candidates a step), as scikit-learn.

    Prior validation of data is assumed.
    """
    n = len(x)
    trials = 2 + int(math.log(k))
    idx = np.empty(k, dtype=np.intp)
    idx[0] = rng.integers(n)
    closest = _min_sq_dist(xc, x_sq, xc[idx[:1]])
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
            for s in _chunks(n, x.shape[1]):
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


def _initial_centroids(
    x: NDArray[np.float64], k: int, init: str | ArrayLike, rng: np.random.Generator
) -> NDArray[np.float64]:
    if isinstance(init, str):
        check_choice(init, "init", INITS)
        if init == "random":
            return _init_random(x, k, rng)
        # D² sampling does not depend on the scale: powers of two (exact) bring the
        # points into [-1, 1] (so that centring cannot overflow), then the centred
        # points too (so that no squared distance overflows or underflows to 0)
        xc = np.ldexp(x, -_unit_exponent(x))
        xc -= xc.mean(axis=0)
        np.ldexp(xc, -_unit_exponent(xc), out=xc)
        return _init_kmeanspp(x, xc, _sq_norms(xc), k, rng)
    try:
        c0 = as_points(init, name="init")
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{exc} (init must be 'k-means++', 'random' or an array)") from None
    raw_shape = np.shape(init)
    d = x.shape[1]
    if c0.shape != (k, d) or (len(raw_shape) == 1 and d != 1):
        want = f"({k},) or ({k}, 1)" if d == 1 else f"({k}, {d})"
        raise ValueError(f"init has shape {raw_shape}; expected {want} for k={k} and d={d}.")
    return c0.copy()


# --------------------------------------------------------------------------- steps


class _Clusters:
    """The per-cluster statistics of the current labels, and what follows from them.

    Subclasses set ``x`` (the points), ``mean`` (of the points), ``x_sq`` (each point's
    squared distance to the mean), and per iteration ``labels``, ``counts``, ``s1`` (the
    sum of each cluster's points) and ``s2`` (the sum of their ``x_sq``).
    """

    x: NDArray[np.float64]
    mean: NDArray[np.float64]
    x_sq: NDArray[np.float64]
    labels: NDArray[np.intp]
    counts: NDArray[np.intp]
    s1: NDArray[np.float64]
    s2: NDArray[np.float64]

    def summary(
        self, c: NDArray[np.float64]
    ) -> tuple[float, NDArray[np.float64], NDArray[np.intp], NDArray[np.float64]]:
        """The inertia of the current labels about ``c``, and their sums, counts and
        references for :func:`_means`.

        Both come from the statistics (inertia ``S2 - 2 c.S1 + m |c|^2``, centred),
        except for clusters where that loses precision: where the expansion cancels, or
        whose points are all (nearly) the same, or whose points are all within the
        rounding of their raw sum (``m u`` times their size, u the unit roundoff) of the
        mean of the data, where the raw sum cannot tell them apart. Those are summed
        directly from their members, with the sum taken about the first member, so that
        a cluster of identical points has exactly that point as its mean (a plain
        ``sum / count`` can be an ulp off and make runs oscillate).
        """
        k, d = c.shape
        m, s1, s2 = self.counts, self.s1, self.s2
        cc = c - self.mean
        c_sq = _sq_norms(cc)
        s1c = s1 - m[:, None] * self.mean
        fast = s2 - 2.0 * np.einsum("ij,ij->i", cc, s1c) + m * c_sq
        spread = s2 - _sq_norms(s1c) / np.maximum(m, 1)
        # the size of the points (raw), and their root mean square distance to the mean
        per = np.maximum(m, 1)
        size = np.sqrt(_sq_norms(s1)) / per + np.sqrt(_sq_norms(self.mean[None]))
        resolved = np.sqrt(s2 / per) > 4.0 * m * _U64 * size
        bad = (m > 0) & ~((fast > 1e-6 * (s2 + m * c_sq)) & (spread > 1e-6 * s2) & resolved)
        sums, ref = s1.copy(), np.zeros((k, d))
        if bad.any():
            pts = np.flatnonzero(bad[self.labels])
            lab = self.labels[pts]
            first = np.zeros(k, dtype=np.intp)
            first[lab[::-1]] = pts[::-1]
            ref[bad] = self.x[first[bad]]
            sums[bad] = 0.0
            fast[bad] = 0.0
            for s in _chunks(len(pts), d):
                xs, ls = self.x[pts[s]], lab[s]
                fast += np.bincount(ls, _sq_norms(xs - c[ls]), minlength=k)
                for j, col in enumerate((xs - ref[ls]).T):
                    sums[:, j] += np.bincount(ls, col, minlength=k)
        return float(np.maximum(fast, 0.0).sum()), sums, m.copy(), ref

    def distance_to_own(self, c: NDArray[np.float64]) -> NDArray[np.float64]:
        """Squared distance of every point to its own centroid."""
        out = np.empty(len(self.x))
        for s in _chunks(len(self.x), self.x.shape[1]):
            out[s] = _sq_norms(self.x[s] - c[self.labels[s]])
        return out


class _DenseSteps(_Clusters):
    """Assignment and update for data of any dimension, with Hamerly-style bounds.

    Assignment. A point's label can only change if some centroid came closer than its
    own. Every point keeps a lower bound ``lower`` on its distance to every other
    centroid and a ``gap``: how much the centroids may yet move before its own centroid
    can stop being strictly the nearest. In an iteration where centroid ``j`` moves by
    ``s_j`` and the others by at most ``o_j``, a point of cluster ``j`` gets at most
    ``s_j`` farther from its centroid (``u``), at most ``o_j`` closer to every other one
    (``l``), and half the distance from its centroid to the nearest other one
    (``half``) shrinks by at most ``(s_j + o_j) / 2``; so the margin ``max(l, half) - u``
    shrinks by at most ``r_j = s_j + max(o_j, (s_j + o_j) / 2)``. Per cluster the running
    sums ``other`` of ``o_j`` and ``drift`` of ``r_j`` are kept, and per point
    ``lower = l + other[j]`` and ``gap = max(l, half) - u + drift[j]`` at its last
    check: the own centroid is still strictly the nearest while
    ``gap > drift[label]`` — one comparison per point and iteration. A centroid that
    barely moves keeps its points even when another one moves far. The points that
    fail it get the exact distance to their own centroid and the test again with the
    current ``l`` and ``half``, and if that fails too a full search. Kept points are
    strictly nearest, so the rule that ties go to the lowest index is never in play; a
    relative margin ``_SLACK`` covers rounding. When most points are in doubt (early
    iterations, high dimensions) all are searched in contiguous blocks instead.

    Search. For a few dimensions distances are summed column by column in float64
    (:func:`_direct_two`). Otherwise the centred points are kept once in float32,
    scaled by a power of two, and :func:`_blas_two` screens the centroids with a
    float32 product: its distances come with an error bound, by which the bounds above
    are widened, and a point whose two best centroids are within it of each other is
    decided on float64 distances. Either way the labels are those of a float64
    search, ties to the lowest index.

    Update. Per cluster the count, the sum of the points and the sum of their squared
    centred norms are kept up to date from the points that changed label (a bincount
    per column for a few columns, else one product with a +1/-1 matrix), so means and
    inertia cost O(k d) beyond the assignment. Sums of the raw points (not of centred
    ones) are exact for integer data, as scikit-learn's and the sorted path's are,
    which keeps exact ties exact.
    """

    def __init__(self, x: NDArray[np.float64]) -> None:
        self.x, self.mean = x, x.mean(axis=0)
        # the BLAS search screens with centred points in float32, scaled by a power of
        # two into [-1, 1], and a column of ones (see _blas_two): made once, in chunks
        self.xs1, self.scale = None, 0
        n, d = x.shape
        if d > _DIRECT_D:
            # |x - mean| is at most the larger of these, column by column (rounding is
            # monotonic); at most the largest float64 if that overflows. The scale is
            # the power of two above it (not below -1000, so that 2^-scale is a float64;
            # values only get smaller). Huge points give inf: decided in float64.
            with np.errstate(over="ignore"):
                extent = np.maximum(x.max(axis=0) - self.mean, self.mean - x.min(axis=0))
                self.scale = max(_unit_exponent(np.minimum(extent, np.finfo(float).max)), -1000)
                factor = 2.0**-self.scale
                self.x_sq = np.empty(n)
                self.xs1 = np.empty((d + 1, n), dtype=np.float32)
                self.xs1[-1] = 1.0

                def fill(s: slice) -> None:  # one pass, in blocks that stay in cache
                    xc = x[s] - self.mean
                    self.x_sq[s] = _sq_norms(xc)
                    xc *= factor  # exact (a power of two), and faster than ldexp
                    self.xs1[:-1, s] = xc.T

                _map(fill, _chunks(n, d, _CACHE_BLOCK))
            self.x_norm = np.sqrt(self.x_sq)
        else:
            self.x_sq = _sq_norms(x - self.mean)

    def start(self, c: NDArray[np.float64]) -> NDArray[np.intp]:
        """Labels for the centroids ``c`` by a full search; sets bounds and statistics."""
        k, d = c.shape
        n = len(self.x)
        self.c, self.half = c, _half_gaps(c)
        self.drift, self.other = np.zeros(k), np.zeros(k)
        self.labels = np.empty(n, dtype=np.intp)
        self.lower, self.gap = np.empty(n), np.empty(n)
        self.sample = np.arange(0, n, max(1, n // _SAMPLE))
        self.bounded = True
        self.counts, self.s1, self.s2 = np.zeros(k, dtype=np.intp), np.zeros((k, d)), np.zeros(k)
        # the statistics in row blocks (a column read across all rows strides over the
        # whole array), in _PARTS fixed sets of blocks summed in the worker threads,
        # then added in order: the same sums for any number of threads
        blocks = list(_chunks(n, max(k, d)))
        parts = [
            (np.zeros(k, dtype=np.intp), np.zeros((k, d)), np.zeros(k)) for _ in range(_PARTS)
        ]

        def tally(i: int) -> None:
            for s in blocks[i::_PARTS]:
                self._move(s, None, self.labels[s], parts[i])

        with self._threads():
            self._search(slice(0, n), c, self.labels)
            _map(tally, range(_PARTS))
        for counts, s1, s2 in parts:
            self.counts += counts
            self.s1 += s1
            self.s2 += s2
        return self.labels

    def assign(self, c: NDArray[np.float64]) -> tuple[NDArray[np.intp], int]:
        """Labels for the new centroids ``c`` (a new array) and how many changed.

        Blocks of points are checked, and searched, in parallel (numpy releases the GIL;
        the float32 search shares only its products among the threads, see
        :func:`_blas_two`); each block writes only its own points' labels and bounds, and
        the statistics are updated afterwards in one pass, so the result does not depend
        on the threads.
        """
        k = len(c)
        n = len(self.x)
        shift = np.sqrt(_sq_norms(c - self.c))
        top = int(np.argmax(shift))
        other = np.full(k, shift[top])  # the largest shift of the other centroids
        other[top] = np.delete(shift, top).max(initial=0.0)
        self.other += other
        self.drift += shift + np.maximum(other, 0.5 * (shift + other))
        self.c, self.half = c, _half_gaps(c)
        old, lab = self.labels, self.labels.copy()
        # Which points fail their bounds (a bound that overflowed to NaN fails the test:
        # the point is checked): all of them, or the sample's when only its bounds are
        # kept, and the share that fails.
        watched = slice(None) if self.bounded else self.sample
        fails = ~(self.gap[watched] > self.drift[old[watched]] * (1.0 + _SLACK))
        share = np.count_nonzero(fails) / len(fails)
        # a check costs as much as searching 2 points (4 for the float32 search)
        cost = 2 if self.xs1 is None else 4
        with self._threads():
            # cheaper to search all, in place, than to pick and check more than 1/cost
            if not self.bounded or share * cost > 1:
                # Bounds for every point only when the next iteration may use them; else
                # for the sample, which tells when that is (often never in high
                # dimensions, where they fail for most points every time).
                self.bounded = share * cost < _BOUND_ALL
                self._search(slice(0, n), c, lab)
                changed = np.flatnonzero(lab != old)
            else:
                cand = np.flatnonzero(fails)
                ok = np.empty(len(cand), dtype=bool)
                _map(lambda s: self._check(cand[s], c, lab, ok[s]), self._blocks(len(cand), k))
                self._search(cand[~ok], c, lab)
                changed = cand[lab[cand] != old[cand]]
            for s in _chunks(len(changed), max(k, self.x.shape[1])):
                pts = changed[s]
                self._move(pts, old[pts], lab[pts])
        self.labels = lab
        return lab, len(changed)

    def _threads(self) -> AbstractContextManager[Any]:
        return nullcontext() if self.xs1 is None else _one_blas_thread()

    def _blocks(self, n: int, k: int) -> Iterator[slice]:
        """Blocks of rows for searches: cache-sized for the direct search (whose work
        arrays do not grow with k), bounded for the BLAS one (n-by-k distances)."""
        d = self.x.shape[1]
        if self.xs1 is None:
            return _chunks(n, d + 4, _CACHE_BLOCK)
        return _chunks(n, max(k, d))

    def _gap(
        self, near: NDArray[np.float64], far: NDArray[np.float64], lab: NDArray[np.intp]
    ) -> NDArray[np.float64]:
        # distances that overflowed give inf - inf: NaN fails every test, so the point
        # is searched again next time (errstate is per thread: set here, in the worker)
        with np.errstate(invalid="ignore"):
            return far * (1.0 - _SLACK) - near * (1.0 + _SLACK) + self.drift[lab]

    def _check(
        self,
        pts: NDArray[np.intp],
        c: NDArray[np.float64],
        lab: NDArray[np.intp],
        ok: NDArray[np.bool_],
    ) -> None:
        """Test points ``pts`` (labels ``lab``) again on their exact distance to their own
        centroid; set ``ok`` (one value a point) where that settles it."""
        own = lab[pts]
        near = np.sqrt(_sq_norms(self.x[pts] - c[own]))
        far = np.maximum(self.lower[pts] - self.other[own], self.half[own])
        ok[:] = near * (1.0 + _SLACK) < far * (1.0 - _SLACK)
        self.gap[pts[ok]] = self._gap(near[ok], far[ok], own[ok])

    def _search(
        self, pts: slice | NDArray[np.intp], c: NDArray[np.float64], lab: NDArray[np.intp]
    ) -> None:
        """Write the nearest centroid of points ``pts`` into ``lab``; fresh bounds. The
        work is shared among the worker threads in here."""
        m = pts.stop - pts.start if isinstance(pts, slice) else len(pts)
        if self.xs1 is None:  # distances summed column by column, exactly as written

            def block(s: slice) -> None:
                part = _part(pts, s)
                self._bound(part, *_direct_two(self.x[part], c), lab)

            _map(block, self._blocks(m, len(c)))
            return
        for s in _chunks(m, 1, _PART):  # the per-point temporaries stay bounded
            part = _part(pts, s)
            # overflow is decided in float64 (the workers run with this errstate too)
            with np.errstate(over="ignore", invalid="ignore"):
                found = _blas_two(
                    self.x,
                    self.xs1,
                    part,
                    self.scale,
                    self.x_sq[part],
                    self.x_norm[part],
                    c,
                    self.mean,
                    self._blocks(s.stop - s.start, len(c)),
                )
            self._bound(part, *found, lab)

    def _bound(
        self,
        pts: slice | NDArray[np.intp],
        near: NDArray[np.intp],
        own: NDArray[np.float64],
        second: NDArray[np.float64],
        lab: NDArray[np.intp],
    ) -> None:
        """Record the search result for points ``pts``: labels ``near`` into ``lab``,
        bounds from the squared distances ``own`` and ``second`` (overwritten) for all
        of them, or only for those of the sample when ``bounded`` is off (a search of
        all points, ``pts`` a slice)."""
        lab[pts] = near
        if not self.bounded:
            assert isinstance(pts, slice)
            at = self.sample[(self.sample >= pts.start) & (self.sample < pts.stop)]
            i = at - pts.start
            pts, near, own, second = at, near[i], own[i], second[i]
        np.sqrt(own, out=own)
        np.sqrt(second, out=second)
        self.lower[pts] = second + self.other[near]
        self.gap[pts] = self._gap(own, np.maximum(second, self.half[near]), near)

    def _move(
        self,
        pts: slice | NDArray[np.intp],
        old: NDArray[np.intp] | None,
        new: NDArray[np.intp],
        into: tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64]] | None = None,
    ) -> None:
        """Update the cluster statistics (or the arrays ``into``: counts, ``s1``, ``s2``)
        for points ``pts`` going from ``old`` (None: from no cluster) to ``new``."""
        counts, s1, s2 = into or (self.counts, self.s1, self.s2)
        k = len(counts)

        def delta(w: NDArray[np.float64] | None) -> NDArray[Any]:
            add = np.bincount(new, w, minlength=k)
            return add if old is None else add - np.bincount(old, w, minlength=k)

        counts += delta(None)
        s2 += delta(self.x_sq[pts])
        if self.xs1 is None:  # a few columns: a bincount each
            for j, col in enumerate(self.x[pts].T):
                s1[:, j] += delta(np.ascontiguousarray(col))
        else:  # +1 at each point's new cluster, -1 at its old one: one product (exact
            # for integer data, as are the bincounts: the products by +-1 are exact)
            w = np.zeros((k, len(new)))
            rows = np.arange(len(new))
            w[new, rows] = 1.0
            if old is not None:
                w[old, rows] = -1.0
            s1 += w @ self.x[pts]
        # an emptied cluster has sums of exactly 0, not the rounding of its departures
        gone = counts == 0
        s1[gone], s2[gone] = 0.0, 0.0


def _intervals(v: NDArray[np.float64], lines: NDArray[np.float64]) -> NDArray[np.intp]:
    """Index ``b`` of each value's interval, ``lines[b] <= v < lines[b + 1]`` (the last
    interval closed), for increasing ``lines`` from ``v.min()`` to ``v.max()``.

    Exactly ``searchsorted(lines[1:-1], v, side="right")``, several times faster for
    many values: a table over a uniform subdivision of the range (8 cells an interval on
    average) gives each value a guess by arithmetic, and the values the guess gets
    wrong (in a cell that holds a line) are looked up by ``searchsorted``.
    """
    inner = lines[1:-1]
    cells = 8 * (len(lines) - 1)
    span = float(lines[-1] - lines[0])
    if not len(inner) or not math.isfinite(span):  # one interval, or a span that overflows
        return np.searchsorted(inner, v, side="right")
    scale = cells / span
    if not math.isfinite(scale):  # a subnormal span
        return np.searchsorted(inner, v, side="right")
    table = np.searchsorted(inner, lines[0] + np.arange(cells) / scale, side="right")
    guess = (v - lines[0]) * scale
    b = table[np.clip(guess.astype(np.intp), 0, cells - 1)]
    below = np.concatenate(([-np.inf], inner))  # lines[b], open at the ends
    above = np.concatenate((inner, [np.inf]))  # lines[b + 1]
    wrong = np.flatnonzero((v < below[b]) | (v >= above[b]))
    b[wrong] = np.searchsorted(inner, v[wrong], side="right")
    return b


class _GridSteps(_Clusters):
    """Assignment for data of up to three dimensions through a fixed grid of boxes.

    Set-up. The bounding box of the points is cut into at most ``_GRID_BOXES`` boxes by
    grid lines at quantiles of each coordinate (so that skewed data and outliers do not
    crowd the points into a few boxes). Each point is put in its box once, by exact
    comparisons with the grid lines, and per box the count, the sum of the points and
    the sum of their squared centred norms are added up once.

    Assignment. The nearest and second nearest centroid of every grid corner are found.
    A box whose corners all have the same nearest centroid ``c``, each with every other
    centroid farther by a ratio of squared distances above ``1 + _SLACK`` (plus a few
    ``_SUBNORMAL``), is *pure*: for another centroid ``j``, ``|p - j|^2 - (1 + s) |p - c|^2
    - t`` is a concave function of the position ``p`` (the ``|p|^2`` terms leave ``-s
    |p|^2``), so its minimum over the box is at a corner, where it is positive. So every
    point of a pure box has ``c`` as its strictly nearest centroid, by a margin far above
    the rounding of a directly computed distance (a relative ~4 eps, plus up to 2^-1075
    an operation on subnormal values), and gets the label a direct search would give it.
    Only
    the points of the other boxes, those near a boundary between clusters, are searched.
    The statistics are summed from scratch: pure boxes contribute their sums whole.

    An iteration costs O(corners k + boundary points k + boxes) plus one O(n) gather for
    the labels, instead of O(n k d).
    """

    def __init__(self, x: NDArray[np.float64]) -> None:
        n, d = x.shape
        cols = x.T.copy()  # contiguous columns: every pass below is over one of them
        self.x = x
        self.mean = np.array([col.sum() for col in cols]) / n
        self.x_sq = sum((col - mu) ** 2 for col, mu in zip(cols, self.mean, strict=True))
        side = max(1, min(round((n / _GRID_POINTS) ** (1 / d)), int(_GRID_BOXES ** (1 / d))))
        q = np.linspace(0.0, 1.0, side + 1)[1:-1]
        step = max(1, n // (1 << 16))  # quantiles of at most ~65,536 points, taken evenly
        self.lines = []
        for col in cols:
            inner = np.unique(np.quantile(col[::step], q))
            lo, hi = col.min(), col.max()
            self.lines.append(np.concatenate(([lo], inner[(inner > lo) & (inner < hi)], [hi])))
        self.shape = tuple(len(g) - 1 for g in self.lines)
        # box of each point, lines[i][b] <= p < lines[i][b + 1] (the last box closed),
        # numbered in C order
        ids: list[NDArray[np.intp]] = [np.empty(0, np.intp)] * d

        def locate(i: int) -> None:
            ids[i] = _intervals(cols[i], self.lines[i])

        _map(locate, range(d))
        self.box = ids[0]
        for i in range(1, d):
            self.box *= self.shape[i]
            self.box += ids[i]
        boxes = math.prod(self.shape)
        self.box_count = np.bincount(self.box, minlength=boxes).astype(np.float64)
        self.box_sum = np.column_stack([np.bincount(self.box, col, boxes) for col in cols])
        self.box_sq = np.bincount(self.box, self.x_sq, boxes)
        grids = np.meshgrid(*self.lines, indexing="ij")
        self.corners = np.column_stack([g.ravel() for g in grids])
        # the corner grid sliced once per corner of a box: (slices of the first corner,
        # slices of the others)
        ends = [(slice(None, -1), slice(1, None))] * d
        self.corner_views = [tuple(v) for v in itertools.product(*ends)]

    def start(self, c: NDArray[np.float64]) -> NDArray[np.intp]:
        """Labels for the centroids ``c``; sets the statistics."""
        self.labels = self._assign(c)
        return self.labels

    def assign(self, c: NDArray[np.float64]) -> tuple[NDArray[np.intp], int]:
        """Labels for the new centroids ``c`` (a new array) and how many changed."""
        old = self.labels
        self.start(c)
        return self.labels, int(np.count_nonzero(self.labels != old))

    def _assign(self, c: NDArray[np.float64]) -> NDArray[np.intp]:
        k, d = c.shape
        grid = tuple(len(g) for g in self.lines)
        near = np.empty(len(self.corners), dtype=np.intp)
        firm = np.empty(len(self.corners), dtype=bool)

        def corners(s: slice) -> None:
            near[s], own, second = _direct_two(self.corners[s], c)
            np.greater(second, own * (1.0 + _SLACK) + (4 * d + 16) * _SUBNORMAL, out=firm[s])

        _map(corners, _chunks(len(self.corners), d + 4, _CACHE_BLOCK))
        near_g, firm_g = near.reshape(grid), firm.reshape(grid)
        first, *others = self.corner_views
        owner = near_g[first]
        pure = firm_g[first].copy()
        for view in others:
            pure &= firm_g[view] & (near_g[view] == owner)
        # labels through a table of the box's owner, k meaning "search": of one byte
        # when k allows, as this gather is the one pass over all points
        small = np.int8 if k < 127 else np.intp
        table = np.where(pure, owner, k).astype(small).ravel()
        labels = np.take(table, self.box)
        pts = np.flatnonzero(labels == k)
        labels = labels.astype(np.intp, copy=False)

        def search(s: slice) -> None:
            labels[pts[s]] = _direct_two(self.x[pts[s]], c)[0]

        _map(search, _chunks(len(pts), d + 4, _CACHE_BLOCK))
        whole = np.flatnonzero(pure.ravel() & (self.box_count > 0))
        lab_w, lab_p = table[whole], labels[pts]

        def tally(box_w: NDArray[np.float64], point_w: NDArray[np.float64] | None) -> NDArray[Any]:
            return np.bincount(lab_w, box_w[whole], k) + np.bincount(lab_p, point_w, k)

        self.counts = np.rint(tally(self.box_count, None)).astype(np.intp)
        self.s2 = tally(self.box_sq, self.x_sq[pts])
        xp = self.x[pts]
        self.s1 = np.column_stack([tally(self.box_sum[:, j], xp[:, j]) for j in range(d)])
        return labels


class _SortedSteps:
    """Assignment and update for 1-D data, on the points sorted once."""

    def __init__(self, x: NDArray[np.float64]) -> None:
        self.sorted = _Sorted(x[:, 0])
        s = self.s = self.sorted.values
        # Prefix sums run outward from zero on each side so that a run's sum has a
        # relative error of at most n * eps (no cancellation of a large running total):
        # f1[i] is the sum of s[z:i] for i >= z and minus the sum of s[i:z] for i <= z,
        # z being the first non-negative value, so a run [a, b) sums to f1[b] - f1[a].
        z = int(np.searchsorted(s, 0.0, side="left"))
        self.f1 = self._outward_cumsum(s, z)
        self.f2 = self._outward_cumsum(s * s, z)
        self._sums: tuple[Partition, NDArray[np.float64], NDArray[np.float64]] | None = None

    @staticmethod
    def _outward_cumsum(a: NDArray[np.float64], z: int) -> NDArray[np.float64]:
        """The prefix sums of ``a`` outward from ``z`` (``f1`` above for ``a = s``), filled
        in place into one array of ``len(a) + 1`` values."""
        f = np.empty(len(a) + 1)
        f[z] = 0.0
        np.cumsum(a[z:], out=f[z + 1 :])
        left = f[:z]
        np.cumsum(a[:z][::-1], out=left[::-1])
        np.negative(left, out=left)
        return f

    def _run_sums(self, part: Partition) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Sums and sums of squares of the runs; kept for the last partition asked, as
        its inertia and its means both need them."""
        if self._sums is None or self._sums[0] is not part:
            a, b = part.starts, part.stops
            self._sums = (part, self.f1[b] - self.f1[a], self.f2[b] - self.f2[a])
        return self._sums[1], self._sums[2]

    def partition(self, c: NDArray[np.float64]) -> Partition:
        v = c[:, 0]
        k = len(v)
        rank = np.argsort(v, kind="stable")  # equal values: lowest index first
        cv = v[rank]
        # Of equal centroids only the lowest index can win (ties go to it), so the
        # others get empty runs.
        live = np.ones(k, dtype=bool)
        live[1:] = cv[1:] != cv[:-1]
        lr, lv = rank[live], cv[live]
        mid = 0.5 * lv[:-1] + 0.5 * lv[1:]
        # A point exactly on a (rounded) midpoint goes to the nearer of its two
        # neighbours by directly computed distances, on a tie to the lower index.
        da, db = (mid - lv[:-1]) ** 2, (mid - lv[1:]) ** 2
        left_wins = (da < db) | ((da == db) & (lr[:-1] < lr[1:]))
        cut = np.where(
            left_wins,
            np.searchsorted(self.s, mid, side="right"),
            np.searchsorted(self.s, mid, side="left"),
        )
        edges = np.concatenate(([0], cut, [len(self.s)]))
        starts = np.zeros(k, dtype=np.intp)
        stops = np.zeros(k, dtype=np.intp)
        starts[lr], stops[lr] = edges[:-1], edges[1:]
        return Partition(self.sorted, _readonly(starts), _readonly(stops))

    def inertia(self, c: NDArray[np.float64], part: Partition) -> float:
        v = c[:, 0]
        s1, s2 = self._run_sums(part)
        m = part.stops - part.starts
        fast = s2 - 2.0 * v * s1 + m * v * v
        # Where the expansion cancels badly (a run far from zero relative to its
        # spread) fall back to the direct sum over that run.
        scale = s2 + m * v * v
        bad = np.flatnonzero(~(fast > 1e-6 * scale))
        for j in bad:
            r = self.s[part.starts[j] : part.stops[j]] - v[j]
            fast[j] = float(r @ r)
        return float(np.maximum(fast, 0.0).sum())

    def sums(
        self, part: Partition
    ) -> tuple[NDArray[np.float64], NDArray[np.intp], NDArray[np.float64]]:
        """Run sums, counts and references as :meth:`_DenseSteps.sums` (mean ``ref + sums /
        counts``): the reference is 0, or the point itself for a run of identical points."""
        s1 = self._run_sums(part)[0].copy()
        counts = part.stops - part.starts
        ref = np.zeros((len(counts), 1))
        same = counts > 0
        same[same] = self.s[part.starts[same]] == self.s[part.stops[same] - 1]
        ref[same, 0] = self.s[part.starts[same]]
        s1[same] = 0.0
        return s1[:, None], counts, ref


def _moved_between(a: Partition, b: Partition) -> int:
    n = len(a.values)
    stay = np.maximum(0, np.minimum(a.stops, b.stops) - np.maximum(a.starts, b.starts))
    return int(n - stay.sum())


def _relocate_empty(
    sums: NDArray[np.float64],
    counts: NDArray[np.intp],
    ref: NDArray[np.float64],
    dist: NDArray[np.float64],
    labels: NDArray[np.intp],
    x: NDArray[np.float64],
) -> None:
    """Move each empty cluster to a point far from its own centroid (scikit-learn's rule).

    The farthest point goes to the lowest-index empty cluster, and is taken out of its
    old cluster's sum. When every distance is 0 nothing moves.
    """
    empty = np.flatnonzero(counts == 0)
    if not len(empty) or dist.max() <= 0.0:
        return
    far = np.argsort(-dist, kind="stable")[: len(empty)]
    for j, p in zip(empty, far, strict=True):
        if dist[p] <= 0.0:
            break
        old = labels[p]
        sums[old] -= x[p] - ref[old]
        counts[old] -= 1
        sums[j] = 0.0
        ref[j] = x[p]
        counts[j] = 1


def _means(
    previous: NDArray[np.float64],
    sums: NDArray[np.float64],
    counts: NDArray[np.intp],
    ref: NDArray[np.float64],
) -> NDArray[np.float64]:
    out = previous.copy()
    full = counts > 0
    out[full] = ref[full] + sums[full] / counts[full, None]
    return out


# --------------------------------------------------------------------------- public


def lloyd(
    points: ArrayLike,
    k: int,
    *,
    init: Literal["k-means++", "random"] | ArrayLike = "k-means++",
    seed: int | np.random.Generator | None = None,
    max_iter: int = 300,
    tol: float = 0.0,
    empty: Literal["farthest", "keep"] = "farthest",
    algorithm: Literal["auto", "sorted", "grid", "dense"] = "auto",
) -> Iterator[KMeansState]:
    """Run Lloyd's K-means algorithm, yielding one immutable state per iteration.

    Parameters
    ----------
    points : array-like of shape (n,) or (n, d)
        Real, finite data. Computed in float64.
    k : int
        Number of clusters, ``1 <= k <= n``.
    init : {'k-means++', 'random'} or array-like of shape (k, d), default='k-means++'
        ``'random'`` picks k distinct rows uniformly (the tutorial's method);
        ``'k-means++'`` is greedy D² sampling as in scikit-learn; an array gives the
        initial centroids (shape ``(k,)`` is accepted for 1-D data).
    seed : int, numpy.random.Generator or None, default=None
        Source of randomness for the initialisation. The same int gives the same states.
    max_iter : int, default=300
        The run stops at the state with ``iteration == max_iter`` if it has not converged.
    tol : float, default=0.0
        With ``tol > 0`` a state also counts as converged when the summed squared
        centroid movement is ``<= tol * mean(var(points, axis=0))``.
    empty : {'farthest', 'keep'}, default='farthest'
        What happens to a cluster that lost all its points. ``'farthest'`` moves its
        centroid to the point farthest from its own centroid (scikit-learn's rule; nothing
        moves when all those distances are 0). ``'keep'`` leaves it where it was (the
        tutorial's rule).
    algorithm : {'auto', 'sorted', 'grid', 'dense'}, default='auto'
        ``'sorted'`` (1-D only) works on the points sorted once, O(k log n) an
        iteration; ``'grid'`` (up to 3-D) labels whole boxes of a grid at once and
        searches only points near a cluster boundary; ``'dense'`` works for any
        dimension, with bounds that spare most points a search. ``'auto'`` picks
        ``'sorted'`` for 1-D data, ``'grid'`` for 2-D and 3-D, ``'dense'`` above. All
        give the labels of a direct search; the centroids may differ by rounding (sums
        taken in another order), and so, rarely, may a later label.

    Yields
    ------
    KMeansState
        State 0 holds the initial centroids and each point's nearest centroid; state i
        holds the means of state i-1's clusters and each point's nearest of those. The
        last state has ``converged=True`` if the labels stopped changing (or, with
        ``tol > 0``, the centroids stopped moving), else it is the state with
        ``iteration == max_iter``.

    Raises
    ------
    ValueError, TypeError
        For bad input, naming the parameter and its value; raised when the generator is
        created, before the first state.

    Warns
    -----
    KMeansWarning
        When the data has fewer distinct points than k.
    """
    x = as_points(points)
    n, d = x.shape
    k = check_int(k, "k", 1)
    if k > n:
        raise ValueError(f"n_samples={n} should be >= k={k}.")
    max_iter = check_int(max_iter, "max_iter", 1)
    tol = check_real(tol, "tol", minimum=0.0, strict=False)
    check_choice(empty, "empty", EMPTY_POLICIES)
    check_choice(algorithm, "algorithm", ALGORITHMS)
    if algorithm == "sorted" and d != 1:
        raise ValueError(f"algorithm='sorted' needs 1-D data; got d={d}.")
    if algorithm == "grid" and d > _GRID_D:
        raise ValueError(
            f"algorithm='grid' needs data of at most {_GRID_D} dimensions; got d={d}."
        )
    rng = make_rng(seed)
    c0 = _initial_centroids(x, k, init, rng)
    if not _has_k_distinct(x, k):
        warnings.warn(
            f"points have fewer distinct values than k={k}; some clusters will be "
            "empty or share a centroid.",
            KMeansWarning,
            stacklevel=2,
        )
    tol_abs = tol * float(np.mean(np.var(x, axis=0))) if tol > 0 else 0.0
    if algorithm == "grid" or (algorithm == "auto" and 1 < d <= _GRID_D):
        return _run_dense(_GridSteps(x), c0, max_iter, tol, tol_abs, empty)
    if algorithm == "dense" or d > 1:
        return _run_dense(_DenseSteps(x), c0, max_iter, tol, tol_abs, empty)
    return _run_sorted(_SortedSteps(x), x, c0, max_iter, tol, tol_abs, empty)


def _state(
    i: int,
    c: NDArray[np.float64],
    prev_c: NDArray[np.float64] | None,
    inertia: float,
    moved: int,
    converged: bool,
    labels: NDArray[np.intp] | None,
    part: Partition | None,
) -> KMeansState:
    shift = 0.0 if prev_c is None else float(np.sqrt(((c - prev_c) ** 2).sum(axis=1)).max())
    return KMeansState(
        iteration=i,
        centroids=_readonly(c),
        inertia=inertia,
        shift=shift,
        moved=moved,
        converged=converged,
        _labels=None if labels is None else _readonly(labels),
        partition=part,
    )


def _stop(
    i: int,
    same_labels: bool,
    c: NDArray[np.float64],
    prev_c: NDArray[np.float64],
    tol: float,
    tol_abs: float,
    max_iter: int,
) -> tuple[bool, bool]:
    """(stop now, converged)."""
    if same_labels:
        return True, True
    if tol > 0 and float(((c - prev_c) ** 2).sum()) <= tol_abs:
        return True, True
    return i >= max_iter, False


def _run_dense(
    steps: _DenseSteps | _GridSteps,
    c: NDArray[np.float64],
    max_iter: int,
    tol: float,
    tol_abs: float,
    empty: str,
) -> Iterator[KMeansState]:
    n = len(steps.x)
    labels = steps.start(c)
    inertia, sums, counts, ref = steps.summary(c)
    yield _state(0, c, None, inertia, n, False, labels, None)
    for i in range(1, max_iter + 1):
        if empty == "farthest" and (counts == 0).any():
            dist = steps.distance_to_own(c)
            _relocate_empty(sums, counts, ref, dist, labels, steps.x)
        new_c = _means(c, sums, counts, ref)
        new_labels, moved = steps.assign(new_c)
        inertia, sums, counts, ref = steps.summary(new_c)
        stop, converged = _stop(i, moved == 0, new_c, c, tol, tol_abs, max_iter)
        yield _state(i, new_c, c, inertia, moved, converged, new_labels, None)
        if stop:
            return
        c, labels = new_c, new_labels


def _run_sorted(
    steps: _SortedSteps,
    x: NDArray[np.float64],
    c: NDArray[np.float64],
    max_iter: int,
    tol: float,
    tol_abs: float,
    empty: str,
) -> Iterator[KMeansState]:
    n = len(x)
    part = steps.partition(c)
    yield _state(0, c, None, steps.inertia(c, part), n, False, None, part)
    for i in range(1, max_iter + 1):
        sums, counts, ref = steps.sums(part)
        if empty == "farthest" and (counts == 0).any():
            labels = part.labels()
            diff = x[:, 0] - c[labels, 0]
            _relocate_empty(sums, counts, ref, diff * diff, labels, x)
        new_c = _means(c, sums, counts, ref)
        new_part = steps.partition(new_c)
        moved = _moved_between(part, new_part)
        stop, converged = _stop(i, moved == 0, new_c, c, tol, tol_abs, max_iter)
        yield _state(i, new_c, c, steps.inertia(new_c, new_part), moved, converged, None, new_part)
        if stop:
            return
        c, part = new_c, new_part
