"""The dense strategy: assignment for data of any dimension, with Hamerly-style bounds.

The bounds and why they are safe are derived in docs/core-numerics.md ("dense bounds").
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..arrays import chunks, sq_norms, subset, unit_exponent
from ..clusters import Clusters
from ..distances import direct_two, half_gaps
from ..rounding import SLACK
from ..screen32 import blas_two
from ..threads import map_blocks, one_blas_thread
from ..tuning import Tuning

__all__ = ["DenseSteps"]


class DenseSteps(Clusters):
    """Assignment and update for data of any dimension.

    Every point keeps bounds on its distance to its own and to every other centroid;
    one comparison a point and iteration tells whether its label can have changed, and
    only the points that fail it are checked and searched (docs/core-numerics.md,
    "Dense bounds"). Searches sum distances column by column for up to
    ``tuning.direct_d`` dimensions, and above that screen with a float32 product
    (:func:`~kmeans_anim.core.screen32.blas_two`). Per cluster the count, the sum of the
    points and the sum of their squared centred norms are updated from the points that
    changed label, so means and inertia cost O(k d) beyond the assignment. Labels equal
    a float64 search's, ties to the lowest index, for any number of threads.
    """

    def __init__(self, x: NDArray[np.float64], tuning: Tuning) -> None:
        self.tuning, self.threads = tuning, tuning.threads
        self.x, self.mean = x, x.mean(axis=0)
        # the BLAS search screens with centred points in float32, scaled by a power of
        # two into [-1, 1], and a column of ones (see blas_two): made once, in chunks
        self.xs1, self.scale = None, 0
        n, d = x.shape
        if d > self.tuning.direct_d:
            # |x - mean| is at most the larger of these, column by column (rounding is
            # monotonic); at most the largest float64 if that overflows. The scale is
            # the power of two above it (not below -1000, so that 2^-scale is a float64;
            # values only get smaller). Huge points give inf: decided in float64.
            with np.errstate(over="ignore"):
                extent = np.maximum(x.max(axis=0) - self.mean, self.mean - x.min(axis=0))
                self.scale = max(unit_exponent(np.minimum(extent, np.finfo(float).max)), -1000)
                factor = 2.0**-self.scale
                self.x_sq = np.empty(n)
                self.xs1 = np.empty((d + 1, n), dtype=np.float32)
                self.xs1[-1] = 1.0

                def fill(s: slice) -> None:  # one pass, in blocks that stay in cache
                    xc = x[s] - self.mean
                    self.x_sq[s] = sq_norms(xc)
                    xc *= factor  # exact (a power of two), and faster than ldexp
                    self.xs1[:-1, s] = xc.T

                map_blocks(fill, chunks(n, d, self.tuning.cache_block), self.threads)
            self.x_norm = np.sqrt(self.x_sq)
        else:
            self.x_sq = sq_norms(x - self.mean)

    def start(self, c: NDArray[np.float64]) -> None:
        """Labels for the centroids ``c`` by a full search; sets bounds and statistics."""
        k, d = c.shape
        n = len(self.x)
        self.c, self.half = c, half_gaps(c, self.tuning.block)
        self.drift, self.other = np.zeros(k), np.zeros(k)
        self.labels = np.empty(n, dtype=np.intp)
        self.lower, self.gap = np.empty(n), np.empty(n)
        self.sample = np.arange(0, n, max(1, n // self.tuning.sample))
        self.bounded = True
        self.counts, self.s1, self.s2 = np.zeros(k, dtype=np.intp), np.zeros((k, d)), np.zeros(k)
        # the statistics in row blocks (a column read across all rows strides over the
        # whole array), in self.tuning.parts fixed sets of blocks summed in the worker threads,
        # then added in order: the same sums for any number of threads
        blocks = list(chunks(n, max(k, d), self.tuning.block))
        parts = [
            (np.zeros(k, dtype=np.intp), np.zeros((k, d)), np.zeros(k))
            for _ in range(self.tuning.parts)
        ]

        def tally(i: int) -> None:
            for s in blocks[i :: self.tuning.parts]:
                self._move(s, None, self.labels[s], parts[i])

        with self._threads():
            self._search(slice(0, n), c, self.labels)
            map_blocks(tally, range(self.tuning.parts), self.threads)
        for counts, s1, s2 in parts:
            self.counts += counts
            self.s1 += s1
            self.s2 += s2

    def assign(self, c: NDArray[np.float64]) -> int:
        """Labels for the new centroids ``c`` (a new array); how many changed.

        Blocks of points are checked, and searched, in parallel (numpy releases the GIL;
        the float32 search shares only its products among the threads, see
        :func:`blas_two`); each block writes only its own points' labels and bounds, and
        the statistics are updated afterwards in one pass, so the result does not depend
        on the threads.
        """
        k = len(c)
        n = len(self.x)
        shift = np.sqrt(sq_norms(c - self.c))
        top = int(np.argmax(shift))
        other = np.full(k, shift[top])  # the largest shift of the other centroids
        other[top] = np.delete(shift, top).max(initial=0.0)
        self.other += other
        self.drift += shift + np.maximum(other, 0.5 * (shift + other))
        self.c, self.half = c, half_gaps(c, self.tuning.block)
        old, lab = self.labels, self.labels.copy()
        # Which points fail their bounds (a bound that overflowed to NaN fails the test:
        # the point is checked): all of them, or the sample's when only its bounds are
        # kept, and the share that fails.
        watched = slice(None) if self.bounded else self.sample
        fails = ~(self.gap[watched] > self.drift[old[watched]] * (1.0 + SLACK))
        share = np.count_nonzero(fails) / len(fails)
        # a check costs as much as searching 2 points (4 for the float32 search)
        cost = 2 if self.xs1 is None else 4
        with self._threads():
            # cheaper to search all, in place, than to pick and check more than 1/cost
            if not self.bounded or share * cost > 1:
                # Bounds for every point only when the next iteration may use them; else
                # for the sample, which tells when that is (often never in high
                # dimensions, where they fail for most points every time).
                self.bounded = share * cost < self.tuning.bound_all
                self._search(slice(0, n), c, lab)
                changed = np.flatnonzero(lab != old)
            else:
                cand = np.flatnonzero(fails)
                ok = np.empty(len(cand), dtype=bool)
                map_blocks(
                    lambda s: self._check(cand[s], c, lab, ok[s]),
                    self._blocks(len(cand), k),
                    self.threads,
                )
                self._search(cand[~ok], c, lab)
                changed = cand[lab[cand] != old[cand]]
            for s in chunks(len(changed), max(k, self.x.shape[1]), self.tuning.block):
                pts = changed[s]
                self._move(pts, old[pts], lab[pts])
        self.labels = lab
        return len(changed)

    def _threads(self) -> AbstractContextManager[Any]:
        # BLAS threads only for the float32 search; the direct one does not call BLAS
        return nullcontext() if self.xs1 is None else one_blas_thread()

    def _blocks(self, n: int, k: int) -> Iterator[slice]:
        """Blocks of rows for searches: cache-sized for the direct search (whose work
        arrays do not grow with k), bounded for the BLAS one (n-by-k distances)."""
        d = self.x.shape[1]
        if self.xs1 is None:
            return chunks(n, d + 4, self.tuning.cache_block)
        return chunks(n, max(k, d), self.tuning.block)

    def _gap(
        self, near: NDArray[np.float64], far: NDArray[np.float64], lab: NDArray[np.intp]
    ) -> NDArray[np.float64]:
        # distances that overflowed give inf - inf: NaN fails every test, so the point
        # is searched again next time (errstate is per thread: set here, in the worker)
        with np.errstate(invalid="ignore"):
            return far * (1.0 - SLACK) - near * (1.0 + SLACK) + self.drift[lab]

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
        near = np.sqrt(sq_norms(self.x[pts] - c[own]))
        far = np.maximum(self.lower[pts] - self.other[own], self.half[own])
        ok[:] = near * (1.0 + SLACK) < far * (1.0 - SLACK)
        self.gap[pts[ok]] = self._gap(near[ok], far[ok], own[ok])

    def _search(
        self, pts: slice | NDArray[np.intp], c: NDArray[np.float64], lab: NDArray[np.intp]
    ) -> None:
        """Write the nearest centroid of points ``pts`` into ``lab``; fresh bounds. The
        work is shared among the worker threads in here."""
        m = pts.stop - pts.start if isinstance(pts, slice) else len(pts)
        if self.xs1 is None:  # distances summed column by column, exactly as written

            def block(s: slice) -> None:
                part = subset(pts, s)
                self._bound(part, *direct_two(self.x[part], c), lab)

            map_blocks(block, self._blocks(m, len(c)), self.threads)
            return
        for s in chunks(m, 1, self.tuning.part):  # the per-point temporaries stay bounded
            part = subset(pts, s)
            # overflow is decided in float64 (the workers run with this errstate too)
            with np.errstate(over="ignore", invalid="ignore"):
                found = blas_two(
                    self.x,
                    self.xs1,
                    part,
                    self.scale,
                    self.x_sq[part],
                    self.x_norm[part],
                    c,
                    self.mean,
                    self._blocks(s.stop - s.start, len(c)),
                    threads=self.threads,
                    block=self.tuning.block,
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
