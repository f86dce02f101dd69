"""The grid strategy: 2-D and 3-D data labelled a box of a grid at a time."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..arrays import chunks
from ..clusters import Clusters
from ..distances import direct_two
from ..rounding import SLACK, SUBNORMAL
from ..threads import map_blocks
from ..tuning import Tuning

__all__ = ["GRID_D", "GridSteps", "intervals"]

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


class GridSteps(Clusters):
    """Assignment for data of up to :data:`GRID_D` dimensions through a fixed grid of
    boxes.

    The bounding box of the points is cut into at most ``tuning.grid_boxes`` boxes at
    quantiles of each coordinate (so that skewed data and outliers do not crowd the
    points into a few boxes); each point is put in its box once. A box whose corners all
    have the same nearest centroid by a safe margin is *pure*: all its points have that
    centroid as their strictly nearest (docs/core-numerics.md, "Grid purity"). Only the
    points of the other boxes, near a boundary between clusters, are searched, and pure
    boxes contribute their sums whole. An iteration costs O(corners k + boundary points
    k + boxes) plus one O(n) gather for the labels, instead of O(n k d).
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
        self.box_count = np.bincount(self.box, minlength=boxes).astype(np.float64)
        self.box_sum = np.column_stack([np.bincount(self.box, col, boxes) for col in cols])
        self.box_sq = np.bincount(self.box, self.x_sq, boxes)
        grids = np.meshgrid(*self.lines, indexing="ij")
        self.corners = np.column_stack([g.ravel() for g in grids])
        # the corner grid sliced once per corner of a box: (slices of the first corner,
        # slices of the others)
        ends = [(slice(None, -1), slice(1, None))] * d
        self.corner_views = [tuple(v) for v in itertools.product(*ends)]

    def start(self, c: NDArray[np.float64]) -> None:
        """Labels for the centroids ``c``; sets the statistics."""
        self.labels = self._assign(c)

    def assign(self, c: NDArray[np.float64]) -> int:
        """Labels for the new centroids ``c`` (a new array); how many changed."""
        old = self.labels
        self.start(c)
        return int(np.count_nonzero(self.labels != old))

    def _assign(self, c: NDArray[np.float64]) -> NDArray[np.intp]:
        k, d = c.shape
        grid = tuple(len(g) for g in self.lines)
        near = np.empty(len(self.corners), dtype=np.intp)
        firm = np.empty(len(self.corners), dtype=bool)

        def corners(s: slice) -> None:
            near[s], own, second = direct_two(self.corners[s], c)
            np.greater(second, own * (1.0 + SLACK) + (4 * d + 16) * SUBNORMAL, out=firm[s])

        map_blocks(
            corners, chunks(len(self.corners), d + 4, self.tuning.cache_block), self.threads
        )
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
            labels[pts[s]] = direct_two(self.x[pts[s]], c)[0]

        map_blocks(search, chunks(len(pts), d + 4, self.tuning.cache_block), self.threads)
        whole = np.flatnonzero(pure.ravel() & (self.box_count > 0))
        lab_w, lab_p = table[whole], labels[pts]

        def tally(box_w: NDArray[np.float64], point_w: NDArray[np.float64] | None) -> NDArray[Any]:
            return np.bincount(lab_w, box_w[whole], k) + np.bincount(lab_p, point_w, k)

        self.counts = np.rint(tally(self.box_count, None)).astype(np.intp)
        self.s2 = tally(self.box_sq, self.x_sq[pts])
        xp = self.x[pts]
        self.s1 = np.column_stack([tally(self.box_sum[:, j], xp[:, j]) for j in range(d)])
        return labels
