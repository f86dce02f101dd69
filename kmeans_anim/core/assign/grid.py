"""The grid strategy: 2-D and 3-D data labelled a box of a grid at a time."""

from __future__ import annotations

import itertools
import math
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..arrays import chunks
from ..clusters import Clusters
from ..distances import direct_two
from ..rounding import SLACK, SUBNORMAL
from ..state import LabelMembers, Members, edges, readonly
from ..threads import map_blocks
from ..tuning import Tuning

__all__ = ["GRID_D", "BoxMembers", "GridSteps", "intervals"]

#: Largest dimension for the grid (2^d corners a box, and boxes get thin).
GRID_D = 3


def intervals(v: NDArray[np.float64], lines: NDArray[np.float64]) -> NDArray[np.intp]:
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
        # all n labels in the table's small integer type, gathered, then widened: half
        # the cost of building (and keeping) the intp labels a view never reads whole
        table, box, pts, lab = self._parts
        small = np.take(table, box)
        small[pts] = lab
        return small[idx].astype(np.intp)

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
    """Assignment for data of up to :data:`GRID_D` dimensions through a fixed grid of
    boxes.

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
        n, d = x.shape
        cols = x.T.copy()  # contiguous columns: every pass below is over one of them
        self.x = x
        self.mean = np.array([col.sum() for col in cols]) / n
        self.x_sq = sum((col - mu) ** 2 for col, mu in zip(cols, self.mean, strict=True))
        side = max(
            1,
            min(
                round((n / self.tuning.grid_points) ** (1 / d)),
                int(self.tuning.grid_boxes ** (1 / d)),
            ),
        )
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
            ids[i] = intervals(cols[i], self.lines[i])

        map_blocks(locate, range(d), self.threads)
        self.box = ids[0]
        for i in range(1, d):
            self.box *= self.shape[i]
            self.box += ids[i]
        boxes = math.prod(self.shape)
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
        self.corners = _corners(self.lines)
        # the corner grid sliced once per corner of a box: (slices of the first corner,
        # slices of the others)
        ends = [(slice(None, -1), slice(1, None))] * d
        self.corner_views = [tuple(v) for v in itertools.product(*ends)]
        # Blocks of f^d boxes, tested first by their own corners: a pure block makes all
        # its boxes pure, so only the corners of boxes in the other blocks (near a
        # boundary) are searched. With about side^(1/3) boxes a side a block, the blocks'
        # corners and the boundary's corners both cost far fewer than all the corners.
        f = round(max(self.shape) ** (1 / 3))
        self.coarse: tuple[NDArray[np.float64], tuple[int, ...], list[NDArray[np.intp]]] | None
        self.coarse = None
        if f > 1:
            blocks = [np.append(g[::f], g[-1]) if (len(g) - 1) % f else g[::f] for g in self.lines]
            # for each axis, each box's block
            of_block = [np.arange(len(g) - 1) // f for g in self.lines]
            self.coarse = (_corners(blocks), tuple(len(g) for g in blocks), of_block)

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

    def _pure_boxes(self, c: NDArray[np.float64]) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
        """Each box's owner and whether it is pure, for the centroids ``c``."""
        grid = tuple(len(g) for g in self.lines)
        if self.coarse is None:
            return self._box_test(*self._firm(self.corners, c), grid)
        corners, coarse_grid, of_block = self.coarse
        owner_b, pure_b = self._box_test(*self._firm(corners, c), coarse_grid)
        open_ = ~_per_box(pure_b, of_block)  # boxes of the blocks that are not pure
        need = np.zeros(grid, dtype=bool)
        for view in self.corner_views:
            need[view] |= open_
        at = np.flatnonzero(need)
        near, firm = np.zeros(len(self.corners), dtype=np.intp), np.zeros(len(self.corners), bool)
        near[at], firm[at] = self._firm(np.take(self.corners, at, axis=0), c)
        owner, pure = self._box_test(near, firm, grid)
        owner = np.where(open_, owner, _per_box(owner_b, of_block))
        return owner, pure | ~open_

    def _firm(
        self, corners: NDArray[np.float64], c: NDArray[np.float64]
    ) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
        """Each corner's nearest centroid, and whether every other one is farther by a
        safe margin (docs/core-numerics.md, "Grid purity")."""
        d = c.shape[1]
        near = np.empty(len(corners), dtype=np.intp)
        firm = np.empty(len(corners), dtype=bool)

        def search(s: slice) -> None:
            near[s], own, second = direct_two(corners[s], c)
            np.greater(second, own * (1.0 + SLACK) + (4 * d + 16) * SUBNORMAL, out=firm[s])

        map_blocks(search, chunks(len(corners), d + 4, self.tuning.cache_block), self.threads)
        return near, firm

    def _box_test(
        self, near: NDArray[np.intp], firm: NDArray[np.bool_], grid: tuple[int, ...]
    ) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
        """Each box's owner (that of its first corner) and whether it is pure: all its
        corners firm with that owner. ``near`` and ``firm`` are of the corners of a grid
        of ``grid`` lines a side."""
        near_g, firm_g = near.reshape(grid), firm.reshape(grid)
        first, *others = self.corner_views
        owner = near_g[first]
        pure = firm_g[first].copy()
        for view in others:
            pure &= firm_g[view] & (near_g[view] == owner)
        return owner, pure

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
        owner, pure = self._pure_boxes(c)
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


def _corners(lines: list[NDArray[np.float64]]) -> NDArray[np.float64]:
    """The corners of the grid of ``lines``, one row each, in C order."""
    grids = np.meshgrid(*lines, indexing="ij")
    return np.column_stack([g.ravel() for g in grids])


def _per_box(a: NDArray[Any], of_block: list[NDArray[np.intp]]) -> NDArray[Any]:
    """The values ``a`` of the blocks, for each box (``of_block``: each box's block, per
    axis); a take per axis (fancy indexing with ``np.ix_`` is several times slower)."""
    for axis, blocks in enumerate(of_block):
        a = np.take(a, blocks, axis=axis)
    return a
