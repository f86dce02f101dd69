"""The sorted strategy: 1-D data as runs of the points sorted once."""

from __future__ import annotations

from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from ..state import Members, readonly
from ..update import Sums

__all__ = ["Partition", "SortedSteps"]


class _Sorted:
    """The 1-D points of a run sorted once, shared by all its partitions; the permutation
    that sorts them is computed on first use."""

    def __init__(self, v: NDArray[np.float64]) -> None:
        self._points = readonly(v.copy())  # the caller may change their array later
        self.values = readonly(np.sort(v))

    @cached_property
    def order(self) -> NDArray[np.intp]:
        # Equal values always fall in the same run, so the order of ties cannot change
        # any label: the default argsort (unstable, vectorised) is correct, and about
        # twice as fast as a stable one (1e6 values: ~110 ms against ~210 ms).
        return readonly(np.argsort(self._points))


class Partition(Members):
    """The clusters of 1-D data as contiguous runs of the sorted points.

    :attr:`values` (the points sorted ascending) and :attr:`order` are shared by every
    state of a run; cluster ``j`` is ``values[starts[j]:stops[j]]``. Kept as the runs'
    ``edges`` (run i is ``values[edges[i]:edges[i + 1]]``) and the cluster of each run,
    ``live`` (the others are empty): an iteration works on these, O(k) numpy calls as
    few as it can, and the per-cluster ``starts`` and ``stops`` are made when read.
    """

    def __init__(self, sorted_: _Sorted, edges: NDArray[np.intp], live: NDArray[np.intp], k: int):
        self._sorted = sorted_
        self.edges, self.live, self.k = readonly(edges), readonly(live), k
        self.sizes = readonly(edges[1:] - edges[:-1])  # of the runs

    @cached_property
    def _bounds(self) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        starts = np.zeros(self.k, dtype=np.intp)
        stops = np.zeros(self.k, dtype=np.intp)
        starts[self.live], stops[self.live] = self.edges[:-1], self.edges[1:]
        return readonly(starts), readonly(stops)

    @property
    def values(self) -> NDArray[np.float64]:  # type: ignore[override]
        return self._sorted.values

    @property
    def starts(self) -> NDArray[np.intp]:
        return self._bounds[0]

    @property
    def stops(self) -> NDArray[np.intp]:
        return self._bounds[1]

    @property
    def order(self) -> NDArray[np.intp]:
        return self._sorted.order

    @cached_property
    def labels(self) -> NDArray[np.intp]:
        sorted_labels = np.repeat(self.live, self.sizes)
        labels = np.empty(len(self.values), dtype=np.intp)
        labels[self.order] = sorted_labels
        return readonly(labels)

    @property
    def own_bytes(self) -> int:
        return self.edges.nbytes + self.live.nbytes + 2 * self.k * np.dtype(np.intp).itemsize


class SortedSteps:
    """Assignment and update for 1-D data, on the points sorted once.

    A cluster is a run of the sorted points, cut at the midpoints of adjacent
    centroids: O(k log n) an iteration; sums come from prefix sums
    (docs/core-numerics.md, "Sorted 1-D runs"). Keeps the current partition.
    """

    def __init__(self, x: NDArray[np.float64]) -> None:
        self.x = x
        self.sorted = _Sorted(x[:, 0])
        s = self.s = self.sorted.values
        # prefix sums outward from the first non-negative value z: a run [a, b) sums to
        # f1[b] - f1[a] with a small relative error (docs/core-numerics.md); f1 and
        # those of the squares f2 are the rows of f, so a run's sums are one gather and
        # one subtraction
        z = int(np.searchsorted(s, 0.0, side="left"))
        self.f = np.stack((self._outward_cumsum(s, z), self._outward_cumsum(s * s, z)))

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

    def _partition(self, c: NDArray[np.float64]) -> Partition:
        v = c[:, 0]
        rank = np.argsort(v, kind="stable")  # equal values: lowest index first
        cv = v[rank]
        # Of equal centroids only the lowest index can win (ties go to it), so the
        # others get empty runs.
        keep = np.empty(len(v), dtype=bool)
        keep[0] = True
        np.not_equal(cv[1:], cv[:-1], out=keep[1:])
        lr, lv = rank[keep], cv[keep]
        mid = 0.5 * lv[:-1] + 0.5 * lv[1:]
        cut = np.searchsorted(self.s, mid, side="left")
        # A point exactly on a (rounded) midpoint goes to the nearer of its two
        # neighbours by directly computed distances, on a tie to the lower index; only
        # there can a cut differ from the left one (looked up only then: every numpy
        # call counts in an iteration this short).
        on = np.flatnonzero(self.s[np.minimum(cut, len(self.s) - 1)] == mid)
        if len(on):
            da, db = (mid[on] - lv[on]) ** 2, (mid[on] - lv[on + 1]) ** 2
            left_wins = on[(da < db) | ((da == db) & (lr[on] < lr[on + 1]))]
            cut[left_wins] = np.searchsorted(self.s, mid[left_wins], side="right")
        return Partition(self.sorted, np.concatenate(([0], cut, [len(self.s)])), lr, len(v))

    def start(self, c: NDArray[np.float64]) -> None:
        """The partition for the centroids ``c``."""
        self.part = self._partition(c)

    def assign(self, c: NDArray[np.float64]) -> int:
        """The partition for the new centroids ``c``; how many points changed cluster."""
        old, self.part = self.part, self._partition(c)
        return _moved_between(old, self.part)

    def summary(self, c: NDArray[np.float64]) -> tuple[float, Sums]:
        """The inertia of the current partition about ``c``, and its sums for the means:
        run sums, counts and references (mean ``ref + sums / counts``), the reference 0,
        or the point itself for a run of identical points."""
        part, e = self.part, self.part.edges
        at = np.take(self.f, e, axis=1)  # (faster than self.f[:, e])
        s1, s2 = at[:, 1:] - at[:, :-1]  # each run's sum and sum of squares
        m, v = part.sizes, c[:, 0].take(part.live)
        mvv = m * v * v
        fast = s2 - 2.0 * v * s1 + mvv
        # Where the expansion cancels badly (a run far from zero relative to its
        # spread) fall back to the direct sum over that run.
        for i in np.nonzero(~(fast > 1e-6 * (s2 + mvv)))[0]:
            r = self.s[e[i] : e[i + 1]] - v[i]
            fast[i] = float(r @ r)
        # the runs' first and last values (an empty run's are those of a neighbour, or
        # clipped at the end: it is not "identical points" as its count is 0)
        first, last = np.take(self.s, e[:-1], mode="clip"), np.take(self.s, e[1:] - 1)
        same = (first == last) & (m > 0)
        k = part.k
        sums, counts, ref = np.zeros(k), np.zeros(k, dtype=np.intp), np.zeros(k)
        sums[part.live] = np.where(same, 0.0, s1)
        ref[part.live] = np.where(same, first, 0.0)
        counts[part.live] = m
        return float(np.maximum(fast, 0.0).sum()), Sums(sums[:, None], counts, ref[:, None])

    def distance_to_own(self, c: NDArray[np.float64]) -> NDArray[np.float64]:
        """Squared distance of every point to its own centroid."""
        diff = self.x[:, 0] - c[self.part.labels, 0]
        return diff * diff

    def current_labels(self) -> NDArray[np.intp]:
        """Each point's cluster now."""
        return self.part.labels

    def members(self) -> Members:
        """The clusters of the current partition."""
        return self.part


def _moved_between(a: Partition, b: Partition) -> int:
    """Points in a different run in ``b`` than in ``a``."""
    n = len(a.values)
    stay = np.maximum(0, np.minimum(a.stops, b.stops) - np.maximum(a.starts, b.starts))
    return int(n - stay.sum())
