"""The density view: the data points as an image of screen pixels, coloured by cluster.

For data too large for markers. The image is drawn one cell per screen pixel of the
area it covers, so matplotlib never resamples it, and its colours are worked out once
per state: in-between and held frames reuse them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.colors import to_rgb
from numpy.typing import NDArray

from ..core import KMeansState
from ..core.chunked import ChunkedMembers, Chunks, is_dask, nearest
from ..timeline import Frame
from .layers import UNASSIGNED, Colour, rgba8

#: What a grid shows before it is coloured at all (None is a state: unassigned, grey).
NOTHING = object()
#: Paints an image of (rows, columns) cells: RGBA bytes, the bottom row first (as the
#: renderers' ``draw_image`` takes them).
Paint = Callable[[int, int], NDArray[np.uint8]]


class PixelImage(Artist):
    """An RGBA image over ``extent`` (data coordinates), one cell per screen pixel.

    At each draw it asks ``paint(rows, columns)`` for exactly as many cells as the
    extent covers on screen at that moment (any dpi) and hands them to the renderer
    unscaled: matplotlib's ``AxesImage`` resamples its data on every draw, which was
    the largest cost of a density frame.
    """

    def __init__(self, extent: tuple[float, float, float, float], paint: Paint) -> None:
        super().__init__()
        self.extent = extent
        self.paint = paint

    def get_extent(self) -> tuple[float, float, float, float]:
        """``(left, right, bottom, top)`` in data coordinates."""
        return self.extent

    def screen_box(self) -> tuple[int, int, int, int]:
        """``(left, bottom, rows, columns)`` of the extent in whole screen pixels."""
        assert self.axes is not None
        x0, x1, y0, y1 = self.extent
        (left, bottom), (right, top) = np.rint(self.axes.transData.transform([(x0, y0), (x1, y1)]))
        return int(left), int(bottom), max(1, int(top - bottom)), max(1, int(right - left))

    def draw(self, renderer: RendererBase) -> None:
        if not self.get_visible():
            return
        left, bottom, rows, cols = self.screen_box()
        gc = renderer.new_gc()
        self._set_gc_clip(gc)
        renderer.draw_image(gc, left, bottom, self.paint(rows, cols))
        gc.restore()
        self.stale = False


@dataclass
class Grid:
    """The points binned into (rows, columns) cells; row 0 is the bottom one.

    Attributes
    ----------
    cells : ndarray of shape (m,)
        Flat indices (row-major) of the cells that hold points, in the order of their
        first points.
    rep : ndarray of shape (m,)
        For each of those cells, the index of its first point (in the data's order): the
        point whose cluster colours the cell.
    rgba : ndarray of shape (rows, columns, 4)
        The image, coloured per state.
    alpha : ndarray of shape (m,)
        Each of those cells' opacity (the count of its points, log scale), as a pixel of
        RGBA bytes with zero colour, viewed as one uint32.
    rep_values : ndarray of shape (m,)
        The representatives' first coordinates (1-D: their values).
    rep_rows : ndarray of shape (m, d) or None
        For dask data, the representatives' rows of the data: a state of a dask run has
        no labels, so their clusters are their nearest centroids.
    """

    cells: NDArray[np.intp]
    rep: NDArray[np.intp]
    rgba: NDArray[np.uint8]
    alpha: NDArray[np.uint32]
    rep_values: NDArray[np.float64]
    rep_rows: NDArray[np.float64] | None = None
    #: What ``rgba`` shows now: the state it was coloured by (None: grey).
    shows: Any = field(default=NOTHING)
    #: 1-D: the representatives' positions among a run's sorted values.
    pos: tuple[NDArray[np.float64], NDArray[np.intp]] | None = None


def _chunk_bins(
    coords: NDArray[np.float64],
    offset: int,
    extent: tuple[float, float, float, float],
    rows: int,
    cols: int,
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """One chunk's count of points per cell, its cells that hold points, and the global
    index of each such cell's first point."""
    cell, counts = bin_points(np.asarray(coords, dtype=np.float64), extent, rows, cols)
    cells = np.flatnonzero(counts)
    order = np.argsort(cell, kind="stable")
    return counts, cells, order[np.searchsorted(cell[order], cells)] + offset


def bin_points(
    coords: NDArray[np.float64], extent: tuple[float, float, float, float], rows: int, cols: int
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Each point's cell in a (rows, cols) grid over ``extent`` (row 0 at the bottom), and
    the number of points in every cell. Points on or past an edge go to the edge cell."""
    x0, x1, y0, y1 = extent
    ix = np.clip(((coords[:, 0] - x0) / (x1 - x0) * cols).astype(np.intp), 0, cols - 1)
    iy = np.clip(((coords[:, 1] - y0) / (y1 - y0) * rows).astype(np.intp), 0, rows - 1)
    cell = iy * cols + ix
    return cell, np.bincount(cell, minlength=rows * cols)


class Density:
    """The data points as a per-pixel image, for data too large for markers.

    Each pixel that holds points shows the colour of its cluster (that of its first
    point), more opaque the more points it holds (log scale). Which pixel each point
    falls in is worked out once per screen size; a state's colours are then looked up
    for one representative point per pixel, once per state. For 1-D data (members
    ordered by value) ``coords[:, 0]`` must be the points' values: the representatives
    are found among the sorted values, without building the labels. With ``one_row``
    (every point on one line) the points are binned into one row, repeated over the
    extent's height.

    ``coords`` may be a dask array (with ``data``, the dask array of the points it
    shows): each screen size is then binned in one pass over the chunks (counts and
    first point per pixel, as for numpy), and only the representatives' rows are read
    into memory; a state without labels colours them by their nearest centroid.
    """

    def __init__(
        self,
        ax: Axes,
        coords: NDArray[np.float64],
        colours: Sequence[Colour],
        extent: tuple[float, float, float, float],
        *,
        one_row: bool = False,
        data: Any = None,
    ) -> None:
        self.coords = coords
        self.data = data
        self.one_row = one_row
        # RGBA bytes with zero alpha viewed as one uint32 per colour: a cell's pixel is
        # then one OR with its alpha, much cheaper than setting three bytes per cell
        self.palette = rgba8(
            np.vstack((np.asarray(colours, dtype=np.float64), [to_rgb(UNASSIGNED)])), 0.0
        ).view(np.uint32)[:, 0]
        self.image = PixelImage(extent, self.paint)
        self.image.set_zorder(2)
        ax.add_artist(self.image)
        self.grids: dict[tuple[int, int], Grid] = {}
        self.state: KMeansState | None = None

    @property
    def artists(self) -> list[Artist]:
        return [self.image]

    def grid(self, rows: int, cols: int) -> Grid:
        """The points binned for an image of (rows, cols) pixels (made on first use)."""
        if (rows, cols) not in self.grids:
            if is_dask(self.coords):
                parts = Chunks(self.coords).map(_chunk_bins, self.image.extent, rows, cols)
                counts = np.sum([p[0] for p in parts], axis=0)
                # chunks in order: a cell's first occurrence is in the first chunk it is in
                cells, first = np.unique(np.concatenate([p[1] for p in parts]), return_index=True)
                rep = np.concatenate([p[2] for p in parts])[first]
                rep_coords = np.asarray(self.coords[rep].compute())
                rep_rows = np.asarray(self.data[rep].compute()).reshape(len(rep), -1)
            else:
                cell, counts = bin_points(self.coords, self.image.extent, rows, cols)
                cells = np.flatnonzero(counts)
                order = np.argsort(cell, kind="stable")
                rep = order[np.searchsorted(cell[order], cells)]
                rep_coords, rep_rows = self.coords[rep], None
            # cells in the order of their points: each state's labels are then read
            # forwards through memory (a gather in cell order missed the cache at every
            # cell), and the image they are written to is small enough to stay in cache
            by_rep = np.argsort(rep)
            cells, rep, rep_coords = cells[by_rep], rep[by_rep], rep_coords[by_rep]
            rep_rows = None if rep_rows is None else rep_rows[by_rep]
            level = np.log1p(counts[cells]) / np.log1p(counts.max())
            alpha = np.zeros((len(cells), 4), np.uint8)
            alpha[:, 3] = np.rint(255 * (0.35 + 0.65 * level))
            self.grids[rows, cols] = Grid(
                cells,
                rep,
                np.zeros((rows, cols, 4), np.uint8),
                alpha.view(np.uint32)[:, 0],
                rep_coords[:, 0],
                rep_rows,
            )
        return self.grids[rows, cols]

    def rep_labels(self, state: KMeansState, grid: Grid) -> NDArray[np.intp]:
        """The cluster of each of ``grid``'s representative points."""
        members = state.members
        if isinstance(members, ChunkedMembers):
            assert grid.rep_rows is not None  # a dask run is drawn from dask data
            return nearest(grid.rep_rows, state.centroids)[0]
        if members.values is None:
            return members.labels_of(grid.rep)
        if grid.pos is None or grid.pos[0] is not members.values:
            # a position among the sorted values; equal values are always in the same run
            grid.pos = (members.values, np.searchsorted(members.values, grid.rep_values))
        pos = grid.pos[1]
        # runs sorted by (start, stop): an empty run sorts before the full one at its start
        runs = np.lexsort((members.stops, members.starts))
        i = np.searchsorted(members.starts[runs], pos, side="right") - 1
        return runs[i]

    def paint(self, rows: int, cols: int) -> NDArray[np.uint8]:
        """The image of the current state at (rows, cols) pixels, bottom row first."""
        grid = self.grid(1 if self.one_row else rows, cols)
        if grid.shows is not self.state:
            lab = (
                np.full(len(grid.cells), len(self.palette) - 1)
                if self.state is None
                else self.rep_labels(self.state, grid)
            )
            grid.rgba.view(np.uint32).reshape(-1)[grid.cells] = self.palette[lab] | grid.alpha
            grid.shows = self.state
        if self.one_row and rows > 1:
            return np.ascontiguousarray(np.broadcast_to(grid.rgba, (rows, cols, 4)))
        return grid.rgba

    def update(self, frame: Frame) -> list[Artist]:
        self.state = frame.colours
        self.image.stale = True
        return self.artists
