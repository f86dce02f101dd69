"""The grid strategy: 2-D and 3-D data labelled a box of a grid at a time."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..arrays import chunks
from ..clusters import Clusters
from ..distances import direct_two
from ..state import LabelMembers, Members, edges, readonly
from ..threads import map_blocks
from ..tuning import Tuning
from .boxes import BoxGrid, sample_step

__all__ = ["BoxMembers", "GridSteps"]


class BoxMembers(LabelMembers):
    """The clusters of one grid iteration, kept as each box's owner and the labels of
    the searched points: O(boxes + searched points) to keep, and the labels of all n
    points built only when someone reads them (the views do; a run that only wants the
    centroids never pays that O(n) pass).

    ``table`` is each box's owner (k for a searched box), ``box`` each point's box (the
    run's, never changed), ``pts`` and ``lab`` the searched points and their labels,
    ``counts`` the clusters' sizes.
    """

    def __init__(
        self,
        table: NDArray[np.integer[Any]],
        box: NDArray[np.intp],
        pts: NDArray[np.intp],
        lab: NDArray[np.intp],
        counts: NDArray[np.intp],
    ) -> None:
        self._k = len(counts)
        self._parts = (readonly(table), box, readonly(pts), readonly(lab))
        self._counts = readonly(counts.copy())

    # LabelMembers reads self._labels; here it is made on first access
    @cached_property
    def _labels(self) -> NDArray[np.intp]:  # type: ignore[override]
        table, box, pts, lab = self._parts
        labels = np.take(table, box).astype(np.intp)
        labels[pts] = lab
        return readonly(labels)

    def labels_of(self, idx: NDArray[np.intp]) -> NDArray[np.intp]:
        if "_labels" in self.__dict__:  # built already: a gather is cheapest
            return self._labels[idx]
        # the owners of the points' boxes, then the searched ones' labels: O(len(idx) +
        # searched points), where building the labels first is O(n) (a density frame
        # reads one point per pixel, a fifth of a million points, at every state)
        table, box, pts, lab = self._parts
        out = np.take(table, np.take(box, idx))
        searched = np.flatnonzero(out == self._k)
        if len(searched):
            # only the searched points' entries are written and read: no O(n) fill
            where = np.empty(len(box), table.dtype)
            where[pts] = lab
            out[searched] = where[idx[searched]]
        return out.astype(np.intp)

    @cached_property
    def _edges(self) -> NDArray[np.intp]:
        return edges(self._counts)

    @property
    def own_bytes(self) -> int:
        # what this state holds once its labels are read (the timeline keeps states to
        # read them later)
        table, box, pts, lab = self._parts
        return len(box) * np.dtype(np.intp).itemsize + table.nbytes + pts.nbytes + lab.nbytes


class GridSteps(Clusters):
    """Assignment for data of up to :data:`~.boxes.GRID_D` dimensions through a fixed
    :class:`~.boxes.BoxGrid`.

    The bounding box of the points is cut into at most ``tuning.grid_boxes`` boxes at
    quantiles of each coordinate (so that skewed data and outliers do not crowd the
    points into a few boxes); each point is put in its box once, and the points are
    listed box by box once. A box whose corners all have the same nearest centroid by a
    safe margin is *pure*: all its points have that centroid as their strictly nearest
    (docs/core-numerics.md, "Grid purity"). Only the points of the other boxes, near a
    boundary between clusters, are searched; pure boxes contribute their sums whole, and
    the number of points that changed cluster comes from the boxes too. An iteration
    costs O(corners k + boundary points k + boxes), instead of O(n k d); the labels of
    all points are built only when read (:class:`BoxMembers`).
    """

    def __init__(self, x: NDArray[np.float64], tuning: Tuning) -> None:
        self.tuning, self.threads = tuning, tuning.threads
        n = len(x)
        cols = x.T.copy()  # contiguous columns: every pass below is over one of them
        self.x = x
        self.mean = np.array([col.sum() for col in cols]) / n
        self.x_sq = sum((col - mu) ** 2 for col, mu in zip(cols, self.mean, strict=True))
        step = sample_step(n)
        self.grid = BoxGrid.of_sample(n, x[::step], cols.min(axis=1), cols.max(axis=1), tuning)
        # box of each point, numbered in C order
        self.box = self.grid.locate(cols, self.threads)
        boxes = self.grid.size
        self.box_n = np.bincount(self.box, minlength=boxes)
        self.box_count = self.box_n.astype(np.float64)
        self.box_sum = np.stack([np.bincount(self.box, col, boxes) for col in cols])  # (d, boxes)
        self.box_sq = np.bincount(self.box, self.x_sq, boxes)
        # the points box by box: box b holds by_box[box_start[b]:box_start[b + 1]], so
        # the points of the searched boxes are found without a pass over all points (a
        # stable sort of small integers is a radix sort)
        small_ids = self.box.astype(np.uint16) if boxes <= 1 << 16 else self.box
        self.by_box = np.argsort(small_ids, kind="stable")
        self.box_start = np.concatenate(([0], np.cumsum(self.box_n)))

    @property  # type: ignore[override]
    def labels(self) -> NDArray[np.intp]:
        """Each point's cluster now (built on first access, see :class:`BoxMembers`)."""
        return self._members.labels

    def start(self, c: NDArray[np.float64]) -> None:
        """Labels for the centroids ``c``; sets the statistics."""
        k = len(c)
        # each point's label when it was last searched: only read at points of boxes
        # searched in the previous iteration, which are the points it was written for
        self._searched = np.empty(len(self.x), dtype=np.int8 if k < 127 else np.intp)
        self.table, pts, _, lab = self._assign(c)
        self._searched[pts] = lab

    def assign(self, c: NDArray[np.float64]) -> int:
        """Labels for the new centroids ``c``; how many changed.

        The count comes from the boxes: a box pure before and after moved all its points
        or none; the points of a box searched before or now are compared one by one.
        """
        k = len(c)
        old = self.table
        self.table, pts, pts_boxes, lab = self._assign(c)
        new = self.table
        both = (old < k) & (new < k)
        moved = int(self.box_n[both & (old != new)].sum())
        # searched now: the label before from the box's owner then, or from its search
        before = old[pts_boxes]
        was = before == k
        before[was] = self._searched[pts[was]]
        moved += int(np.count_nonzero(before != lab))
        # searched before, pure now
        then, then_boxes = self._points_of(np.flatnonzero((old == k) & (new < k)))
        moved += int(np.count_nonzero(self._searched[then] != new[then_boxes]))
        self._searched[pts] = lab
        return moved

    def members(self) -> Members:
        """The clusters of the current labels."""
        return self._members

    def _points_of(self, boxes: NDArray[np.intp]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """The points of ``boxes``, box by box, and the box of each."""
        lens = self.box_n[boxes]
        at = np.repeat(self.box_start[boxes] - (np.cumsum(lens) - lens), lens)
        at += np.arange(len(at))
        return self.by_box[at], np.repeat(boxes, lens)

    def _assign(
        self, c: NDArray[np.float64]
    ) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
        """Each box's owner (k: searched), the searched points, their boxes and their
        labels, for the centroids ``c``; sets the statistics and the members."""
        k, d = c.shape
        owner, pure = self.grid.pure_boxes(c)
        table = np.where(pure, owner, k).ravel()
        pts, pts_boxes = self._points_of(np.flatnonzero(~pure.ravel() & (self.box_n > 0)))
        xp = np.take(self.x, pts, axis=0)  # (many times faster than self.x[pts])
        lab = np.empty(len(pts), dtype=np.intp)

        def search(s: slice) -> None:
            lab[s] = direct_two(xp[s], c)[0]

        map_blocks(search, chunks(len(pts), d + 4, self.tuning.cache_block), self.threads)

        def tally(box_w: NDArray[np.float64], point_w: NDArray[np.float64] | None) -> NDArray[Any]:
            # searched boxes go to bin k, left out: their points are counted one by one
            return np.bincount(table, box_w, k + 1)[:k] + np.bincount(lab, point_w, k)

        self.counts = np.rint(tally(self.box_count, None)).astype(np.intp)
        self.s2 = tally(self.box_sq, np.take(self.x_sq, pts))
        self.s1 = np.column_stack([tally(self.box_sum[j], xp[:, j]) for j in range(d)])
        # of one byte when k allows: building the labels from it is one pass over all
        # points
        small = table.astype(np.int8 if k < 127 else np.intp)
        self._members = BoxMembers(small, self.box, pts, lab, self.counts)
        return table, pts, pts_boxes, lab
