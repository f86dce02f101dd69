"""The density view: the data points as an image of screen pixels, coloured by cluster.

For data too large for markers. The image is drawn one cell per screen pixel of the
area it covers, so matplotlib never resamples it, and its colours are worked out once
per state: in-between and held frames reuse them. Over nothing but the axes' face it is
drawn opaque, blended with the face beforehand.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backend_bases import RendererBase
from matplotlib.colors import to_rgb
from numpy.typing import NDArray

from ..core import KMeansState
from ..core.chunked import ChunkedMembers, Chunks, is_dask, nearest
from ..timeline import Frame
from .layers import UNASSIGNED, Colour, rgba8

#: What a grid shows before it is coloured at all (None is a state: unassigned, grey).
NOTHING = object()
#: ``(left, right, bottom, top)`` in data coordinates.
Extent = tuple[float, float, float, float]
#: An opaque colour: red, green and blue from 0 to 255.
RGB = tuple[int, int, int]
#: Paints an image of (rows, columns) cells over an extent: RGBA bytes, the bottom row
#: first (as the renderers' ``draw_image`` takes them); with a colour, opaque, each cell
#: blended with that colour beneath it (empty cells stay transparent).
Paint = Callable[[int, int, Extent, RGB | None], NDArray[np.uint8]]
#: Grids kept per view: the first screen size's and the latest (zoomed, resized), so
#: that going back to the first view is not another pass over the points.
KEPT_GRIDS = 2
#: Seconds: data whose first binning took longer (hundreds of millions of points, on
#: dask) is not binned again for a zoomed or panned view (a window's pan redraws at
#: every move of the mouse): such a view shows the whole view's pixels, enlarged. The
#: whole extent at a new size (a save at another dpi) is binned again, exactly.
SLOW_BINNING = 1.0


class PixelImage(Artist):
    """An RGBA image over ``extent`` (data coordinates), one cell per screen pixel.

    At each draw it asks ``paint(rows, columns, extent, over)`` for exactly as many cells as
    the part of the extent inside the axes covers on screen at that moment (any dpi,
    any zoom) and hands them to the renderer unscaled: matplotlib's ``AxesImage``
    resamples its data on every draw, which was the largest cost of a density frame.
    Zoomed in (a window's toolbar), only the part on screen is painted, so the image is
    never larger than the axes. Over nothing but the axes' opaque face it is painted
    opaque, already blended with the face (:meth:`backdrop`): a renderer blends a
    translucent image pixel by pixel, about seven times slower than it copies opaque ones.
    """

    def __init__(self, extent: Extent, paint: Paint) -> None:
        super().__init__()
        self.extent = extent
        self.paint = paint

    def get_extent(self) -> Extent:
        """``(left, right, bottom, top)`` in data coordinates."""
        return self.extent

    def view(self) -> tuple[Extent, tuple[int, int, int, int]] | None:
        """The part of the extent inside the axes: its extent, and its ``(left, bottom,
        rows, columns)`` in whole screen pixels; None when none of it is on screen."""
        assert self.axes is not None
        x0, x1, y0, y1 = self.extent
        ends = np.rint(self.axes.transData.transform([(x0, y0), (x1, y1)]))
        frame = np.rint(self.axes.bbox.get_points())
        lo, hi = np.maximum(ends[0], frame[0]), np.minimum(ends[1], frame[1])
        if np.any(hi < lo):
            return None
        extent = self.extent
        if not (np.array_equal(lo, ends[0]) and np.array_equal(hi, ends[1])):
            # the extent of the pixels on screen, so that its cells stay screen pixels
            (vx0, vy0), (vx1, vy1) = self.axes.transData.inverted().transform([lo, hi])
            extent = (float(vx0), float(vx1), float(vy0), float(vy1))
        rows, cols = max(1, int(hi[1] - lo[1])), max(1, int(hi[0] - lo[0]))
        return extent, (int(lo[0]), int(lo[1]), rows, cols)

    def backdrop(self) -> RGB | None:
        """The axes' face colour when it is opaque and nothing else is in the axes
        beneath the image; else None.

        Beneath are the artists drawn before it (the axes sort their children by zorder,
        keeping their order on a tie), and, when the image is animated (blitting: what
        is not animated is in the restored background), every artist of the axes' own
        that is not. Neither counts: the spines, which lie on the edge where the 5%
        padding leaves the cells empty, nor axes (their ticks, labels and titles are
        outside) unless their grid lines are shown or their ticks point inwards.
        """
        ax = self.axes
        assert ax is not None
        patch, face = ax.patch, ax.patch.get_facecolor()
        # an axes drawn without its frame draws no face either: the figure's shows
        if not (ax.axison and ax.get_frame_on() and patch.get_visible()) or face[3] < 1:
            return None
        if patch.get_hatch():
            return None
        order = sorted(ax.get_children(), key=lambda artist: artist.get_zorder())
        drawn = order[: order.index(self)]
        if self.get_animated():
            legend = ax.get_legend()
            own = [*ax.images, *ax.lines, *ax.collections, *ax.patches, *ax.texts]
            own += [*ax.artists, *ax.tables, *ax.child_axes, *([legend] if legend else [])]
            drawn += [artist for artist in own if not artist.get_animated()]
        spines = set(ax.spines.values())
        for artist in drawn:
            if artist is patch or artist in spines or not artist.get_visible():
                continue
            # every tick of an axis shows its grid line or not alike, and points the same
            # way (get_gridlines() would place the ticks again, which took longer than
            # the blending this saves)
            if not isinstance(artist, Axis) or any(
                ticks[0].gridline.get_visible() or ticks[0].get_tickdir() != "out"
                for ticks in (artist.majorTicks, artist.minorTicks)
            ):
                return None
        r, g, b = np.rint(255 * np.asarray(face[:3])).astype(int)
        return int(r), int(g), int(b)

    def draw(self, renderer: RendererBase) -> None:
        view = self.view() if self.get_visible() else None
        if view is not None:
            extent, (left, bottom, rows, cols) = view
            gc = renderer.new_gc()
            self._set_gc_clip(gc)
            image = self.paint(rows, cols, extent, self.backdrop())
            renderer.draw_image(gc, left, bottom, image)
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
    opacity : ndarray of shape (m,)
        Each of those cells' opacity (the count of its points, log scale), from 0 to 255.
    rep_values : ndarray of shape (m,)
        The representatives' first coordinates (1-D: their values).
    rep_rows : ndarray of shape (m, d) or None
        For dask data, the representatives' rows of the data: a state of a dask run has
        no labels, so their clusters are their nearest centroids.
    """

    cells: NDArray[np.intp]
    rep: NDArray[np.intp]
    rgba: NDArray[np.uint8]
    opacity: NDArray[np.intp]
    rep_values: NDArray[np.float64]
    rep_rows: NDArray[np.float64] | None = None
    #: What ``rgba`` shows now: the state it was coloured by (None: grey), and the colour
    #: it was blended with (None: translucent).
    shows: tuple[Any, RGB | None] = (NOTHING, None)
    #: 1-D: the representatives' positions among a run's sorted values.
    pos: tuple[NDArray[np.float64], NDArray[np.intp]] | None = None


def bin_points(
    coords: NDArray[np.float64], offset: int, extent: Extent, rows: int, cols: int
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """The number of points in every cell of a (rows, cols) grid over ``extent`` (row 0
    at the bottom), the cells that hold points, and the index (plus ``offset``: a
    chunk's first row) of each such cell's first point. Points on the far edges go to
    the edge cells; points outside the extent (a view zoomed in) are left out."""
    x0, x1, y0, y1 = extent
    coords = np.asarray(coords, dtype=np.float64)
    fx = (coords[:, 0] - x0) / (x1 - x0) * cols
    fy = (coords[:, 1] - y0) / (y1 - y0) * rows
    inside = (fx >= 0) & (fx <= cols) & (fy >= 0) & (fy <= rows)
    kept = None if inside.all() else np.flatnonzero(inside)
    if kept is not None:
        fx, fy = fx[kept], fy[kept]
    ix, iy = np.minimum(fx.astype(np.intp), cols - 1), np.minimum(fy.astype(np.intp), rows - 1)
    cell = iy * cols + ix
    counts = np.bincount(cell, minlength=rows * cols)
    cells = np.flatnonzero(counts)
    order = np.argsort(cell, kind="stable")
    first = order[np.searchsorted(cell[order], cells)]
    return counts, cells, (first if kept is None else kept[first]) + offset


@dataclass(frozen=True)
class ChunkBins:
    """Some chunks' points binned (:func:`bin_points`), kept only for the cells that
    hold points: those cells (ascending), their counts, and the global index and row (of
    ``coords`` then ``data``) of each one's first point. Merged up a tree by
    :meth:`then`, so that the representatives' rows need no indexing of the dask array
    afterwards (a gather of a fifth of a million rows across chunks makes a graph of as
    many tasks)."""

    cells: NDArray[np.intp]
    counts: NDArray[np.intp]
    first: NDArray[np.intp]
    rows: NDArray[np.float64]

    @classmethod
    def of(
        cls, block: NDArray[np.float64], offset: int, extent: Extent, rows: int, cols: int
    ) -> ChunkBins:
        """One chunk's, binned by its first two columns (the coordinates on screen)."""
        block = np.asarray(block, dtype=np.float64)
        counts, cells, first = bin_points(block[:, :2], 0, extent, rows, cols)
        return cls(cells, counts[cells], first + offset, block[first])

    def then(self, later: ChunkBins) -> ChunkBins:
        """These chunks' and the ``later`` ones' (after them in the data) as one: counts
        add, and where both hold a cell its first point is this one's."""
        cells = np.union1d(self.cells, later.cells)
        mine, theirs = np.searchsorted(cells, self.cells), np.searchsorted(cells, later.cells)
        counts = np.zeros(len(cells), np.intp)
        counts[mine] += self.counts
        counts[theirs] += later.counts
        first = np.empty(len(cells), np.intp)
        rows = np.empty((len(cells), self.rows.shape[1]))
        first[theirs], rows[theirs] = later.first, later.rows
        first[mine], rows[mine] = self.first, self.rows  # earlier: overrides
        return ChunkBins(cells, counts, first, rows)


def _resampled(
    grid: Grid, extent: Extent, rows: int, cols: int, view: Extent
) -> NDArray[np.uint8]:
    """``grid``'s image (over ``extent``) seen over ``view`` at (rows, cols) pixels: each
    pixel the grid's cell under its centre, transparent outside the extent."""
    x0, x1, y0, y1 = extent
    v0, v1, w0, w1 = view
    g_rows, g_cols = grid.rgba.shape[:2]
    fx = ((v0 + (np.arange(cols) + 0.5) * (v1 - v0) / cols) - x0) / (x1 - x0) * g_cols
    fy = ((w0 + (np.arange(rows) + 0.5) * (w1 - w0) / rows) - y0) / (y1 - y0) * g_rows
    ix, iy = np.floor(fx).astype(np.intp), np.floor(fy).astype(np.intp)
    out = grid.rgba[np.clip(iy, 0, g_rows - 1)[:, None], np.clip(ix, 0, g_cols - 1)[None, :]]
    out[(iy < 0) | (iy >= g_rows)] = 0
    out[:, (ix < 0) | (ix >= g_cols)] = 0
    return out


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

    A zoomed or panned view is binned again, exactly, unless the first binning took
    more than :data:`SLOW_BINNING` seconds: then each of its screen pixels shows the
    whole view's pixel under it.
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
        self.colours = np.vstack((np.asarray(colours, dtype=np.float64), [to_rgb(UNASSIGNED)]))
        #: The latest table of pixels (:meth:`pixels`) and the backdrop it is for.
        self.table: tuple[RGB | None, NDArray[np.uint32]] | None = None
        self.image = PixelImage(extent, self.paint)
        self.image.set_zorder(2)
        ax.add_artist(self.image)
        self.grids: dict[tuple[int, int, Extent], Grid] = {}
        #: Whether the first binning took more than SLOW_BINNING seconds.
        self.slow = False
        self.state: KMeansState | None = None

    @property
    def artists(self) -> list[Artist]:
        return [self.image]

    def grid(self, rows: int, cols: int, extent: Extent | None = None) -> Grid:
        """The points binned for an image of (rows, cols) pixels over ``extent`` (by
        default the whole image's), made on first use."""
        extent = self.image.extent if extent is None else extent
        key = (rows, cols, extent)
        if key in self.grids:
            return self.grids[key]
        started = time.perf_counter()
        if is_dask(self.coords):
            import dask.array as da

            both = da.concatenate((self.coords, self.data.reshape(len(self.data), -1)), axis=1)
            bins = Chunks(both).reduce(ChunkBins.of, ChunkBins.then, extent, rows, cols)
            cells, counts, rep = bins.cells, bins.counts, bins.first
            rep_coords, rep_rows = bins.rows[:, :2], bins.rows[:, 2:]
        else:
            all_counts, cells, rep = bin_points(self.coords, 0, extent, rows, cols)
            counts, rep_coords, rep_rows = all_counts[cells], self.coords[rep], None
        # cells in the order of their points: each state's labels are then read
        # forwards through memory (a gather in cell order missed the cache at every
        # cell), and the image they are written to is small enough to stay in cache
        by_rep = np.argsort(rep)
        cells, rep, rep_coords = cells[by_rep], rep[by_rep], rep_coords[by_rep]
        rep_rows = None if rep_rows is None else rep_rows[by_rep]
        counts = counts[by_rep]
        level = np.log1p(counts) / np.log1p(counts.max(initial=0))
        if len(self.grids) == KEPT_GRIDS:
            self.grids.popitem()  # the latest (dicts keep their order); the first stays
        grid = self.grids[key] = Grid(
            cells,
            rep,
            np.zeros((rows, cols, 4), np.uint8),
            np.rint(255 * (0.35 + 0.65 * level)).astype(np.intp),
            rep_coords[:, 0],
            rep_rows,
        )
        if len(self.grids) == 1:
            self.slow = time.perf_counter() - started > SLOW_BINNING
        return grid

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

    def paint(
        self, rows: int, cols: int, extent: Extent | None = None, over: RGB | None = None
    ) -> NDArray[np.uint8]:
        """The image of the current state at (rows, cols) pixels over ``extent`` (by
        default the whole image's), bottom row first; with ``over``, opaque, as drawn
        over that colour."""
        extent = self.image.extent if extent is None else extent
        key = (1 if self.one_row else rows, cols, extent)
        if self.slow and key not in self.grids and extent != self.image.extent:
            whole = next((k for k in self.grids if k[2] == self.image.extent), None)
            if whole is not None:
                grid = self.coloured(self.grids[whole], over)
                return _resampled(grid, whole[2], rows, cols, extent)
        grid = self.coloured(self.grid(*key), over)
        if self.one_row and rows > 1:
            return np.ascontiguousarray(np.broadcast_to(grid.rgba, (rows, cols, 4)))
        return grid.rgba

    def coloured(self, grid: Grid, over: RGB | None = None) -> Grid:
        """``grid``, its image coloured by the current state (once per state), opaque
        over ``over`` if given."""
        state, shown_over = grid.shows
        if state is not self.state or shown_over != over:
            lab = (
                np.full(len(grid.cells), len(self.colours) - 1)
                if self.state is None
                else self.rep_labels(self.state, grid)
            )
            # one gather from a small table per cell, whichever way it is drawn
            image = grid.rgba.view(np.uint32).reshape(-1)
            image[grid.cells] = self.pixels(over)[(lab << 8) | grid.opacity]
            grid.shows = (self.state, over)
        return grid

    def pixels(self, over: RGB | None) -> NDArray[np.uint32]:
        """Each colour at each opacity from 0 to 255 as an RGBA pixel viewed as uint32,
        colour ``i`` at opacity ``a`` at ``[i * 256 + a]``: translucent, or drawn over
        ``over`` (opaque). Kept for the latest ``over``."""
        if self.table is None or self.table[0] != over:
            a = np.arange(256)[:, None] / 255
            if over is None:
                rgba = rgba8(np.repeat(self.colours[:, None, :], 256, axis=1), a[:, 0])
            else:
                rgba = rgba8(self.colours[:, None, :] * a + np.asarray(over) / 255 * (1 - a))
            self.table = (over, rgba.view(np.uint32).reshape(-1))
        return self.table[1]

    def update(self, frame: Frame) -> list[Artist]:
        self.state = frame.colours
        self.image.stale = True
        return self.artists
