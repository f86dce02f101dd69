"""Boxes of a grid over 1-D to 3-D points, and which of them a set of centroids owns.

A box whose corners all have the same nearest centroid by a safe margin is *pure*: all
its points have that centroid as their strictly nearest (docs/core-numerics.md, "Grid
purity"). The in-memory grid strategy and the pass over a dask array's chunks both
label points through it.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..arrays import chunks
from ..distances import direct_two
from ..rounding import SLACK, SUBNORMAL
from ..threads import map_blocks
from ..tuning import Tuning

__all__ = ["GRID_D", "BoxGrid", "DyadicCells", "intervals", "locate", "place", "sample_step"]

#: Largest dimension for the grid (2^d corners a box, and boxes get thin).
GRID_D = 3


def sample_step(n: int) -> int:
    """Every how many rows the lines' quantiles are taken (at most ~65,536 rows)."""
    return max(1, n // (1 << 16))


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


def locate(
    cols: NDArray[np.float64], lines: list[NDArray[np.float64]], block: int, threads: int
) -> NDArray[np.intp]:
    """The box of each point among the boxes between ``lines``, numbered in C order:
    ``lines[i][b] <= p < lines[i][b + 1]`` (the last box closed), by exact comparisons.
    ``cols`` holds the points' coordinates as rows; blocks of ``block`` values, which
    stay in cache, are shared by ``threads`` worker threads."""
    shape = [len(g) - 1 for g in lines]
    box = np.empty(cols.shape[1], np.intp)

    def run(s: slice) -> None:
        b = intervals(cols[0, s], lines[0])
        for col, g, size in zip(cols[1:], lines[1:], shape[1:], strict=True):
            b *= size
            b += intervals(col[s], g)
        box[s] = b

    # (1,000,000 values: 16 ms at once, 7 ms in such blocks)
    map_blocks(run, chunks(cols.shape[1], 8, block), threads)
    return box


#: The narrowest cells are 2^-1023 wide: 2^1023 is the largest power of two a float64
#: holds.
MIN_CELL_EXPONENT = -1023


@dataclass(frozen=True)
class DyadicCells:
    """Boxes along one axis made of whole cells of a power-of-two width ``2^e``, so that
    a value's cell is found by arithmetic, exactly: ``floor(v 2^-e) - first``, then
    ``box[cell]``. Cell ``i`` holds ``(first + i) 2^e <= v < (first + i + 1) 2^e``."""

    inv: float  # 2^-e
    first: float  # an integer
    box: NDArray[np.int32]  # the box of each cell

    @classmethod
    def fit(
        cls, quantiles: NDArray[np.float64], lo: float, hi: float, tiny: float, cells: int
    ) -> tuple[DyadicCells, NDArray[np.float64]] | None:
        """About ``cells`` cells over ``[lo, hi]``, boxes cut at the cell edges nearest
        the ``quantiles``, and the boxes' lines; None where the arithmetic would not be
        exact for some value: ``v 2^-e`` rounding a nonzero value to 0 (``tiny``, the
        smallest nonzero ``|v|``, below ``2^(e - 1074)``), or cells too many to number
        exactly (an offset above 2^52 cells)."""
        span = hi - lo if hi > lo else max(abs(hi), 1.0)  # (any width serves one value)
        # 2^e >= span / cells; no narrower than 2^-1023, whose inverse is the largest
        # finite power of two (a subnormal span asks for cells narrower still)
        e = max(int(np.frexp(span / cells)[1]), MIN_CELL_EXPONENT)
        inv = math.ldexp(1.0, -e)
        if max(abs(lo), abs(hi)) * inv >= 2.0**52:
            return None
        if tiny < math.ldexp(1.0, e - 1074):
            return None
        first = math.floor(lo * inv)
        # lo * inv may have rounded (lo subnormal): the first cell must hold lo
        if math.ldexp(first, e) > lo:
            first -= 1
        n_cells = math.floor(hi * inv) - first + 1
        inner = np.rint(quantiles * inv - first)
        cuts = np.unique(np.concatenate(([0], inner[(inner > 0) & (inner < n_cells)], [n_cells])))
        box = np.searchsorted(cuts[1:-1], np.arange(n_cells), side="right").astype(np.int32)
        return cls(inv, float(first), box), np.ldexp(cuts + first, e)

    @property
    def boxes(self) -> int:
        """The number of boxes."""
        return int(self.box[-1]) + 1

    def place(self, v: NDArray[np.float64]) -> NDArray[np.intp]:
        """The box of each value."""
        cell = np.floor(v * self.inv)
        cell -= self.first
        return np.take(self.box, cell.astype(np.intp))


class BoxGrid:
    """The boxes between grid ``lines`` (one increasing array per coordinate, from the
    points' minimum to their maximum), numbered in C order.

    Boxes are tested first in blocks of f^d (lines taken every f-th): a pure block makes
    all its boxes pure, so only the corners of boxes in the other blocks (near a
    boundary) are searched. With about side^(1/3) boxes a side a block, the blocks'
    corners and the boundary's corners both cost far fewer than all the corners.
    """

    def __init__(self, lines: list[NDArray[np.float64]], tuning: Tuning) -> None:
        self.lines, self.tuning = lines, tuning
        self.shape = tuple(len(g) - 1 for g in lines)
        self.corners = _corners(lines)
        # the corner grid sliced once per corner of a box: (slices of the first corner,
        # slices of the others)
        ends = [(slice(None, -1), slice(1, None))] * len(lines)
        self.corner_views = [tuple(v) for v in itertools.product(*ends)]
        f = round(max(self.shape) ** (1 / 3))
        self.coarse: tuple[NDArray[np.float64], tuple[int, ...], list[NDArray[np.intp]]] | None
        self.coarse = None
        if f > 1:
            blocks = [np.append(g[::f], g[-1]) if (len(g) - 1) % f else g[::f] for g in lines]
            # for each axis, each box's block
            of_block = [np.arange(len(g) - 1) // f for g in lines]
            self.coarse = (_corners(blocks), tuple(len(g) for g in blocks), of_block)

    @classmethod
    def of_sample(
        cls,
        n: int,
        sample: NDArray[np.float64],
        lo: NDArray[np.float64],
        hi: NDArray[np.float64],
        tuning: Tuning,
    ) -> BoxGrid:
        """The grid for ``n`` points with columns' extremes ``lo`` and ``hi``, lines at
        quantiles of ``sample`` (the points' rows every :func:`sample_step`-th), so that
        skewed data and outliers do not crowd the points into a few boxes; about
        ``tuning.grid_points`` points a box, at most ``tuning.grid_boxes`` boxes."""
        side = _side(n, sample.shape[1], tuning)
        q = np.linspace(0.0, 1.0, side + 1)[1:-1]
        lines = []
        for col, a, b in zip(sample.T, lo, hi, strict=True):
            inner = np.unique(np.quantile(col, q))
            lines.append(np.concatenate(([a], inner[(inner > a) & (inner < b)], [b])))
        return cls(lines, tuning)

    @classmethod
    def dyadic(
        cls,
        n: int,
        sample: NDArray[np.float64],
        lo: NDArray[np.float64],
        hi: NDArray[np.float64],
        tiny: float,
        tuning: Tuning,
    ) -> tuple[BoxGrid, list[DyadicCells]] | None:
        """As :meth:`of_sample`, with lines snapped to the edges of :class:`DyadicCells`
        (8 cells a box on average) so that :func:`place` finds a point's box by
        arithmetic; None if that would not be exact for these values (``tiny``: the
        smallest nonzero ``|x|``)."""
        side = _side(n, sample.shape[1], tuning)
        q = np.linspace(0.0, 1.0, side + 1)[1:-1]
        axes, lines = [], []
        for col, a, b in zip(sample.T, lo, hi, strict=True):
            fit = DyadicCells.fit(np.quantile(col, q), float(a), float(b), tiny, 8 * side)
            if fit is None:
                return None
            axes.append(fit[0])
            lines.append(fit[1])
        return cls(lines, tuning), axes

    @property
    def size(self) -> int:
        """The number of boxes."""
        return math.prod(self.shape)

    def locate(self, cols: NDArray[np.float64], threads: int) -> NDArray[np.intp]:
        """:func:`locate` with this grid's lines and block size."""
        return locate(cols, self.lines, self.tuning.block, threads)

    def pure_boxes(self, c: NDArray[np.float64]) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
        """Each box's owner and whether it is pure, for the centroids ``c`` (arrays of
        the grid's shape)."""
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

    def owners(self, c: NDArray[np.float64], dtype: Any) -> NDArray[Any]:
        """Each box's owner for the centroids ``c``, k for a box that is not pure, flat
        and of ``dtype``."""
        owner, pure = self.pure_boxes(c)
        return np.where(pure, owner, len(c)).ravel().astype(dtype)

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

        map_blocks(
            search, chunks(len(corners), d + 4, self.tuning.cache_block), self.tuning.threads
        )
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


def _side(n: int, d: int, tuning: Tuning) -> int:
    """Boxes a side for ``n`` points of ``d`` coordinates: about ``tuning.grid_points``
    points a box, at most ``tuning.grid_boxes`` boxes."""
    return max(
        1, min(round((n / tuning.grid_points) ** (1 / d)), int(tuning.grid_boxes ** (1 / d)))
    )


def place(cols: NDArray[np.float64], axes: list[DyadicCells], block: int) -> NDArray[np.intp]:
    """:func:`locate` for the boxes of :meth:`BoxGrid.dyadic`, by arithmetic: blocks of
    ``block`` values, which stay in cache."""
    box = np.empty(cols.shape[1], np.intp)
    for s in chunks(cols.shape[1], 8, block):
        b = axes[0].place(cols[0, s])
        for col, ax in zip(cols[1:], axes[1:], strict=True):
            b *= ax.boxes
            b += ax.place(col[s])
        box[s] = b
    return box


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
