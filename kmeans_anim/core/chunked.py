"""Lloyd's algorithm over a dask array: one pass over the chunks per iteration.

Each pass computes, chunk by chunk, every point's nearest centroid (the label of a
direct float64 search, ties to the lowest index, as the in-memory strategies give), and
reduces them to what the update needs: per-cluster sums and counts, the inertia, and
how many points changed cluster. Labels are never kept, for a chunk or for the data.
The chunks are computed by dask's scheduler: the local one, or a ``distributed.Client``
when one is active.

The first pass searches every point directly and also finds the columns' extremes, the
smallest nonzero ``|x|`` and a strided sample of rows. Data of up to
:data:`~.assign.boxes.GRID_D` columns then gets boxes like the in-memory grid strategy's
(lines near the sample's quantiles), with each line moved to the nearest edge of cells of
a power-of-two width, so that a chunk's points find their boxes by arithmetic
(:meth:`~.assign.boxes.BoxGrid.dyadic`; skipped where that would not be exact). Each
later pass gives the points of a pure box its owner and searches only those of the
other boxes, near a boundary; a point changed cluster if its box's owner did, or, in a
box impure before or now, if its nearest of the previous centroids differs. Wider data
is searched directly in every pass, and the previous nearest found only where a bound
cannot rule a change out.

Seeding with a method (``'k-means++'``, ``'random'``) runs it on a seeded uniform
sample of :data:`SEED_SAMPLE` rows (all rows if fewer), read once: the in-memory
k-means++ of the sample, not k-means|| (dask-ml's oversampling over all the data).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._checks import DEFAULTS, make_rng
from .arrays import chunks
from .assign.boxes import GRID_D, BoxGrid, DyadicCells, place, sample_step
from .distances import Two, column_sq_dist, direct_two
from .init import initial_centroids
from .options import check_run_options
from .rounding import SLACK
from .state import ChunkedMembers, KMeansState, readonly
from .tuning import Tuning
from .update import Sums, converged, largest_move, means, move_to_farthest

__all__ = [
    "MAX_IN_MEMORY",
    "SEED_SAMPLE",
    "ChunkedMembers",
    "ChunkedRun",
    "Chunks",
    "check_chunked_view",
    "chunked_lloyd",
    "extremes",
    "fits_in_memory",
    "is_dask",
    "plan_chunked",
    "require_dask",
]

#: Rows that seeding (k-means++ or random) draws from, uniformly with a fixed seed.
SEED_SAMPLE = 100_000
#: Most values (rows times columns) of a dask array that views drawing every point read
#: into memory (160 MB of float64).
MAX_IN_MEMORY = 20_000_000


def is_dask(points: Any) -> bool:
    """Whether ``points`` is a dask array (checked without importing dask)."""
    return type(points).__module__.split(".")[0] == "dask" and hasattr(points, "chunks")


def require_dask() -> Any:
    """``dask.array``, or an ImportError that names the extra to install."""
    try:
        import dask.array as da
    except ImportError:
        raise ImportError("dask input needs dask: pip install 'kmeans-anim[dask]'.") from None
    return da


def fits_in_memory(points: Any) -> bool:
    """Whether a dask array has at most :data:`MAX_IN_MEMORY` values: views read such
    an array into memory; a larger one is drawn chunk by chunk (the density view)."""
    return int(np.prod(points.shape)) <= MAX_IN_MEMORY


def check_chunked_view(points: Any, density: bool, jitter: bool) -> None:
    """Refuse a view of a dask array too large for memory that would need every point:
    markers (and 3-D, projections, jitter); the density view of 1-D and 2-D data draws
    it chunk by chunk."""
    size, d = int(np.prod(points.shape)), 1 if points.ndim == 1 else points.shape[1]
    if not density or d > 2 or jitter:
        raise ValueError(
            f"points is a dask array of shape {points.shape} ({size:,} values, more than "
            f"{MAX_IN_MEMORY:,}): only the density view of 1-D or 2-D data draws it, "
            "chunk by chunk (render='density' or 'auto', no jitter, at most 2 columns)."
        )


def nearest(x: NDArray[np.float64], c: NDArray[np.float64]) -> tuple[NDArray[np.intp], Any]:
    """Each row's nearest centroid (ties to the lowest index) and squared distance to it:
    the core's direct float64 search, on blocks of rows (see :func:`nearest_two`)."""
    lab, own, _ = nearest_two(x, c)
    return lab, own


def nearest_two(x: NDArray[np.float64], c: NDArray[np.float64]) -> Two:
    """:func:`nearest`, and the squared distance to the second nearest centroid."""
    lab, own, second = np.empty(len(x), np.intp), np.empty(len(x)), np.empty(len(x))
    # blocks of Tuning().block values, not cache-sized ones: dask runs two chunks at
    # once in threads, and 8 times fewer numpy calls pass the GIL 8 times less often
    # (a pass over 1,000,000-row chunks on two threads: 0.41 s instead of 0.68 s)
    for s in chunks(len(x), x.shape[1] + 4, Tuning().block):
        lab[s], own[s], second[s] = direct_two(x[s], c)
    return lab, own, second


def moved_from(
    x: NDArray[np.float64],
    lab: NDArray[np.intp],
    own: NDArray[np.float64],
    second: NDArray[np.float64],
    c: NDArray[np.float64],
    prev: NDArray[np.float64],
    scale: float | None = None,
) -> int:
    """How many rows have a nearest of ``prev`` other than ``lab`` (their nearest of
    ``c``, at squared distances ``own``, the second nearest at ``second``). ``scale``
    bounds ``|x|`` (None: found from ``x``; a run passes the whole data's, found once).

    A row whose nearest centroid moved by at most ``drift[lab]`` and every other one by
    at most the largest drift is still nearest to its own one if
    ``sqrt(own) + drift[lab] < sqrt(second) - max(drift)`` (triangle inequality); with a
    margin of 1e-6 of the values' magnitude, far above the rounding of the computed
    distances, the rows that pass need no search. The others are searched again.
    """
    drift = np.sqrt(((c - prev) ** 2).sum(axis=1))
    if scale is None:
        scale = _magnitude(x)
    scale = max(scale, float(np.abs(c).max()), float(np.abs(prev).max()))
    near = np.sqrt(own) + drift[lab] * (1.0 + SLACK)
    far = np.sqrt(second) - drift.max() * (1.0 + SLACK)
    unsure = np.flatnonzero(~(near + 1e-6 * scale < far))  # NaN and inf: searched
    return int(np.count_nonzero(nearest(x[unsure], prev)[0] != lab[unsure]))


@dataclass
class _Pass:
    """What one pass over the chunks returns, summed over them."""

    sums: NDArray[np.float64]
    counts: NDArray[np.intp]
    inertia: float
    moved: int
    #: Found in the first pass only, as the data does not change (None in the others):
    #: each column's minimum and maximum (NaN if the data is not finite) and the rows
    #: whose index is a multiple of the sample step.
    lo: NDArray[np.float64] | None = None
    hi: NDArray[np.float64] | None = None
    sample: NDArray[np.float64] | None = None
    #: The smallest nonzero ``|x|`` (inf if none), first pass only.
    tiny: float = math.inf

    @property
    def magnitude(self) -> float:
        """The largest ``|x|`` (NaN or inf if the data is not finite), from the extremes."""
        assert self.lo is not None and self.hi is not None
        # np.max, not max(): a NaN anywhere must come out
        return float(np.max(np.concatenate((-self.lo, self.hi, [0.0]))))


def _magnitude(x: NDArray[np.float64]) -> float:
    """The largest ``|x|`` (NaN if ``x`` holds one), from its extremes (no temporary)."""
    return max(-float(x.min(initial=0.0)), float(x.max(initial=0.0)))


def _tally(
    cols: NDArray[np.float64], lab: NDArray[np.intp], own: NDArray[np.float64], k: int
) -> tuple[NDArray[np.float64], NDArray[np.intp], float]:
    """Per-cluster sums and counts of the points ``cols`` (one row a coordinate) with
    labels ``lab``, and the sum of their squared distances ``own`` to their centroid."""
    sums = np.column_stack([np.bincount(lab, weights=col, minlength=k) for col in cols])
    return sums, np.bincount(lab, minlength=k), float(own.sum())


def _first_pass(x: NDArray[np.float64], offset: int, c: NDArray[np.float64], step: int) -> _Pass:
    """A chunk's share of the first pass: a direct search, the columns' extremes and
    the chunk's rows of the sample (those whose index is a multiple of ``step``)."""
    x = np.asarray(x, dtype=np.float64)
    lab, own, _ = nearest_two(x, c)
    sums, counts, inertia = _tally(x.T, lab, own, len(c))
    lo, hi = x.min(axis=0, initial=np.inf), x.max(axis=0, initial=-np.inf)
    a = np.abs(x)
    tiny = float(a.min(where=a > 0, initial=np.inf))
    sample = x[(-offset) % step :: step].copy()
    return _Pass(sums, counts, inertia, len(x), lo, hi, sample, tiny)


def _chunk_pass(
    x: NDArray[np.float64],
    _offset: int,
    c: NDArray[np.float64],
    prev: NDArray[np.float64],
    magnitude: float,
) -> _Pass:
    """A chunk's share of a later pass over data too wide for the grid: a direct
    search, and the rows that may have changed cluster searched among ``prev``."""
    x = np.asarray(x, dtype=np.float64)
    lab, own, second = nearest_two(x, c)
    sums, counts, inertia = _tally(x.T, lab, own, len(c))
    return _Pass(sums, counts, inertia, moved_from(x, lab, own, second, c, prev, magnitude))


def _grid_pass(
    x: NDArray[np.float64],
    _offset: int,
    c: NDArray[np.float64],
    prev: NDArray[np.float64],
    axes: list[DyadicCells],
    owners: NDArray[np.integer[Any]],
    change: NDArray[np.uint8],
) -> _Pass:
    """A chunk's share of a later pass through the grid of ``axes``: ``owners`` is each
    box's owner for ``c`` (k: not pure), ``change`` whether its points changed cluster
    since ``prev`` (0 no, 1 yes, 2 to be searched: the box was not pure then or now)."""
    x = np.asarray(x, dtype=np.float64)
    k = len(c)
    cols = np.ascontiguousarray(x.T)
    box = place(cols, axes, Tuning().block)
    lab = np.take(owners, box).astype(np.intp)
    at = np.flatnonzero(lab == k)
    lab[at] = nearest(np.take(x, at, axis=0), c)[0]
    # each point's squared distance to its centroid, summed as the direct search sums it
    own, t = np.empty(len(x)), np.empty(len(x))
    column_sq_dist(cols, np.take(c.T, lab, axis=1), own, t)
    sums, counts, inertia = _tally(cols, lab, own, k)
    step = np.take(change, box)
    moved = int(np.count_nonzero(step == 1))
    redo = np.flatnonzero(step == 2)
    moved += int(np.count_nonzero(nearest(np.take(x, redo, axis=0), prev)[0] != lab[redo]))
    return _Pass(sums, counts, inertia, moved)


def _combine(parts: list[_Pass]) -> _Pass:
    first = parts[0].lo is not None
    return _Pass(
        np.sum([p.sums for p in parts], axis=0),
        np.sum([p.counts for p in parts], axis=0),
        float(sum(p.inertia for p in parts)),
        sum(p.moved for p in parts),
        # np.min and np.max, not min() and max(): a NaN anywhere must come out
        np.min([p.lo for p in parts], axis=0) if first else None,
        np.max([p.hi for p in parts], axis=0) if first else None,
        np.concatenate([p.sample for p in parts]) if first else None,
        min(p.tiny for p in parts),
    )


def _chunk_farthest(
    x: NDArray[np.float64], offset: int, c: NDArray[np.float64], m: int
) -> tuple[NDArray[np.float64], NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]:
    """The ``m`` rows farthest from their own centroid: distances, global indices,
    labels and the rows, farthest first (ties to the lowest index)."""
    x = np.asarray(x, dtype=np.float64)
    lab, dist = nearest(x, c)
    top = np.argsort(-dist, kind="stable")[:m]
    return dist[top], top + offset, lab[top], x[top]


class Chunks:
    """A dask array's row blocks as delayed objects, with their first rows' indices."""

    def __init__(self, x: Any) -> None:
        import dask

        self.dask = dask
        self.blocks = list(x.rechunk({1: -1}).to_delayed().ravel())
        self.offsets = np.concatenate(([0], np.cumsum(x.chunks[0])))[:-1]

    def map(self, func: Any, *args: Any) -> list[Any]:
        """``func(block, offset, *args)`` for every block, computed in one pass, in the
        blocks' order."""
        f = self.dask.delayed(func, pure=True)
        jobs = [f(b, int(o), *args) for b, o in zip(self.blocks, self.offsets, strict=True)]
        return list(self.dask.compute(*jobs))

    def reduce(self, func: Any, merge: Any, *args: Any) -> Any:
        """``func(block, offset, *args)`` for every block, merged pairwise up a tree by
        ``merge(earlier, later)`` (associative), in one pass: a few blocks' results are
        held at a time, not every block's (for results as large as an image)."""
        f = self.dask.delayed(func, pure=True)
        m = self.dask.delayed(merge, pure=True)
        level = [f(b, int(o), *args) for b, o in zip(self.blocks, self.offsets, strict=True)]
        while len(level) > 1:
            merged = [m(a, b) for a, b in zip(level[::2], level[1::2], strict=False)]
            level = merged + level[2 * len(merged) :]  # an odd one out stays last
        return self.dask.compute(level[0])[0]

    def summary(self, func: Any, *args: Any) -> _Pass:
        """One pass of ``func`` (:func:`_first_pass`, :func:`_chunk_pass` or
        :func:`_grid_pass`) over every chunk, combined."""
        return _combine(self.map(func, *args))

    def farthest(self, c: NDArray[np.float64], m: int) -> tuple[Any, Any, Any]:
        got = self.map(_chunk_farthest, c, m)
        dist, index, lab, rows = (np.concatenate(col) for col in zip(*got, strict=True))
        top = np.lexsort((index, -dist))[:m]  # the in-memory order: farthest, then first
        return dist[top], lab[top], rows[top]


@dataclass(frozen=True)
class ChunkedRun:
    """A checked run over a dask array, ready to start (the chunked :class:`Run`)."""

    x: Any
    k: int
    init: str | NDArray[np.float64]
    max_iter: int
    tol_abs: float | None
    empty: str
    scaling: None = None
    data: None = None

    @property
    def points(self) -> Any:
        """The data, a dask array of shape (n, d)."""
        return self.x

    def states(self, rng: np.random.Generator) -> Iterator[KMeansState]:
        """The run's states, with ``rng`` for the seeding sample."""
        x, n = self.x, self.x.shape[0]
        if isinstance(self.init, str):
            rows = np.sort(rng.choice(n, size=min(n, SEED_SAMPLE), replace=False))
            sample = np.asarray(x[rows].compute())
            c = initial_centroids(sample, self.k, self.init, rng, Tuning().block)
        else:
            c = self.init
        return _loop(self, c)


def plan_chunked(
    points: Any,
    k: int,
    *,
    init: Any = DEFAULTS.init,
    max_iter: int = DEFAULTS.max_iter,
    tol: float = DEFAULTS.tol,
    empty: str = DEFAULTS.empty,
    algorithm: str = DEFAULTS.algorithm,
    standardize: bool = DEFAULTS.standardize,
    **_ignored: Any,
) -> ChunkedRun:
    """Check a run over the dask array ``points`` once (see :func:`chunked_lloyd`).
    Data that is not finite is found in the first pass, and raises ValueError then."""
    da = require_dask()
    if standardize is not False or algorithm != "auto":
        raise ValueError(
            "a dask array runs with standardize=False and algorithm='auto' only; got "
            f"standardize={standardize!r}, algorithm={algorithm!r}."
        )
    x = points if points.ndim == 2 else points.reshape(-1, 1)
    if x.ndim != 2 or not x.shape[0]:
        raise ValueError(f"points must have shape (n,) or (n, d) with n >= 1; got {points.shape}.")
    if x.dtype.kind not in "iuf":
        raise TypeError(f"points must hold real numbers; got dtype {x.dtype}.")
    x = x.astype(np.float64).rechunk({1: -1})
    o = check_run_options(*x.shape, k, init, max_iter, tol, empty)
    tol_abs = o.tol * float(da.var(x, axis=0).mean().compute()) if o.tol > 0 else None
    return ChunkedRun(x, o.k, o.init, o.max_iter, tol_abs, o.empty)


def chunked_lloyd(
    points: Any,
    k: int,
    *,
    seed: int | np.random.Generator | None = None,
    **options: Any,
) -> Iterator[KMeansState]:
    """:func:`~kmeans_anim.lloyd` for a ``dask.array.Array`` of shape (n,) or (n, d).

    The same states as the in-memory run from the same initial centroids (centroids
    equal to rounding, the same iterations), except that their members hold the
    clusters' sizes only. ``options`` are :func:`plan_chunked`'s.
    """
    return plan_chunked(points, k, **options).states(make_rng(seed))


def _loop(run: ChunkedRun, c: NDArray[np.float64]) -> Iterator[KMeansState]:
    chunks = Chunks(run.x)
    (n, d), k = run.x.shape, len(c)
    p = chunks.summary(_first_pass, c, sample_step(n))
    magnitude = p.magnitude
    if not math.isfinite(magnitude):
        raise ValueError("points must be finite; got NaN or infinity in the dask array.")
    made = None
    if d <= GRID_D:
        assert p.lo is not None and p.hi is not None and p.sample is not None
        made = BoxGrid.dyadic(n, p.sample, p.lo, p.hi, p.tiny, Tuning())
    if made is not None:
        grid, axes = made
        small = np.min_scalar_type(k)
        owners = grid.owners(c, small)
    yield _state(0, c, None, p, False)
    for i in range(1, run.max_iter + 1):
        s = Sums(p.sums, p.counts, np.zeros_like(c))
        if run.empty == "farthest" and (s.counts == 0).any():
            move_to_farthest(s, *chunks.farthest(c, int((s.counts == 0).sum())))
        new_c = means(c, s)
        if made is None:
            p = chunks.summary(_chunk_pass, new_c, c, magnitude)
        else:
            before, owners = owners, grid.owners(new_c, small)
            both = (before < k) & (owners < k)
            change = np.where(both, before != owners, 2).astype(np.uint8)
            p = chunks.summary(_grid_pass, new_c, c, axes, owners, change)
        done = converged(p.moved == 0, new_c, c, run.tol_abs)
        yield _state(i, new_c, c, p, done)
        if done:
            return
        c = new_c


def extremes(a: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The minimum and maximum of each column of a numpy or dask array (one pass)."""
    if is_dask(a):
        import dask

        lo, hi = dask.compute(a.min(axis=0), a.max(axis=0))
        return np.asarray(lo), np.asarray(hi)
    return a.min(axis=0), a.max(axis=0)


def _state(
    i: int, c: NDArray[np.float64], prev: NDArray[np.float64] | None, p: _Pass, done: bool
) -> KMeansState:
    return KMeansState(
        iteration=i,
        centroids=readonly(c.copy()),
        inertia=p.inertia,
        shift=0.0 if prev is None else largest_move(c, prev),
        moved=p.moved,
        converged=done,
        members=ChunkedMembers(p.counts),
    )
