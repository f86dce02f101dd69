"""The pieces a scene is made of. Each makes its artists once and afterwards only sets
their data; ``update`` returns the artists it changed."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from numpy.typing import NDArray

from ..core import KMeansState
from ..timeline import Frame, Trace
from ..truth import MARKERS, Truth

Colour = tuple[float, float, float]
#: Sets a line's data from an (m, 2) or (m, 3) array of view coordinates.
Place = Callable[[Line2D, NDArray[np.float64]], None]

UNASSIGNED = "0.6"
#: Width of the black edge drawn around a centroid's white one (points).
HALO_WIDTH = 4.5


def place_2d(line: Line2D, xy: NDArray[np.float64]) -> None:
    """Set a 2-D line's data from an (m, 2) array."""
    line.set_data(xy[:, 0], xy[:, 1])


def padded(lo: float, hi: float, frac: float = 0.05) -> tuple[float, float]:
    """The interval [lo, hi] widened by ``frac`` of its length on each side.

    A zero-length interval gets a width of ``max(|lo|, 1)`` first, so that a single
    value still gets a sensible window around it.
    """
    span = hi - lo
    if span <= 0:
        half = 0.5 * max(abs(lo), 1.0)
        lo, hi, span = lo - half, hi + half, 2 * half
    return lo - frac * span, hi + frac * span


class Points:
    """The data points, one line of ``x`` markers per cluster plus one for unassigned.

    For 1-D data (members ordered by value) the clusters are runs of the sorted values
    and ``coords[:, 0]`` must be the points' values. ``by_value``, for coordinates that depend
    on the value alone, maps sorted values of shape (m,) to their coordinates; without it
    the coordinates are sorted by their first column once (stable: overlapping markers
    are drawn in the data's order, as by the dense path).

    With ``truth`` each known class has its own marker shape (colour stays the cluster's):
    one line per cluster and class, and a small legend of the shapes.
    """

    def __init__(
        self,
        ax: Axes,
        coords: NDArray[np.float64],
        colours: Sequence[Colour],
        *,
        size: float,
        place: Place = place_2d,
        by_value: Callable[[NDArray[np.float64]], NDArray[np.float64]] | None = None,
        truth: Truth | None = None,
    ) -> None:
        self.coords = coords
        self.place = place
        self.by_value = by_value
        self.truth = truth
        shapes = MARKERS[: len(truth.names)] if truth is not None else ("x",)

        def markers(colour: Colour | str, shape: str) -> Line2D:
            return ax.plot(
                *[[]] * coords.shape[1],
                ls="none",
                marker=shape,
                ms=size if shape == "x" else 0.8 * size,
                mew=1.2,
                mfc="none",
                color=colour,
                zorder=2,
            )[0]

        # line j * len(shapes) + c: cluster j's points of class c
        self.lines = [markers(c, shape) for c in colours for shape in shapes]
        self.greys = [markers(UNASSIGNED, shape) for shape in shapes]
        # before the first assignment every point is grey, split by class only
        self._grey_parts = (
            [coords]
            if truth is None
            else [coords[truth.classes == c] for c in range(len(truth.names))]
        )
        if truth is not None:
            handles = [
                Line2D([], [], ls="none", marker=shape, mfc="none", color="0.25", label=name)
                for shape, name in zip(shapes, truth.names, strict=True)
            ]
            self.legend: Artist | None = ax.legend(
                handles=handles, loc="best", fontsize="small", framealpha=0.8
            )
        else:
            self.legend = None
        self._sorted: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None
        # in-between and held frames show one state's colours many times: group once
        self._last: tuple[KMeansState, list[NDArray[np.float64]]] | None = None

    @property
    def artists(self) -> list[Artist]:
        # the legend is drawn each frame, after the layers below it (regions) that are
        # redrawn each frame too, so that they never cover it
        legend = [self.legend] if self.legend is not None else []
        return [*self.lines, *self.greys, *legend]

    def update(self, frame: Frame) -> list[Artist]:
        state = frame.colours
        empty = self.coords[:0]
        if state is None:
            for line in self.lines:
                self.place(line, empty)
            for line, part in zip(self.greys, self._grey_parts, strict=True):
                self.place(line, part)
            return self.artists
        for line in self.greys:
            self.place(line, empty)
        for line, run in zip(self.lines, self.runs(state), strict=True):
            self.place(line, run)
        return self.artists

    def runs(self, state: KMeansState) -> list[NDArray[np.float64]]:
        """Each cluster's coordinates, as views of one array sorted by cluster."""
        if self._last is None or self._last[0] is not state:
            self._last = (state, self._group(state))
        return self._last[1]

    def _group(self, state: KMeansState) -> list[NDArray[np.float64]]:
        if self.truth is not None:
            return self._group_by_class(state)
        members = state.members
        values = members.values
        if values is not None:
            # 1-D: the clusters are runs of the values sorted once; O(n) once per run.
            if self._sorted is None or self._sorted[0] is not values:
                sc = (
                    self.coords[np.argsort(self.coords[:, 0], kind="stable")]
                    if self.by_value is None
                    else self.by_value(values)
                )
                self._sorted = (values, sc)
            sc = self._sorted[1]
        else:
            sc = self.coords[members.order]
        return [sc[a:b] for a, b in zip(members.starts, members.stops, strict=True)]

    def _group_by_class(self, state: KMeansState) -> list[NDArray[np.float64]]:
        """Each (cluster, class) pair's coordinates, cluster-major."""
        assert self.truth is not None
        m = len(self.truth.names)
        key = state.labels * m + self.truth.classes
        order = np.argsort(key, kind="stable")
        edges = np.concatenate(([0], np.cumsum(np.bincount(key, minlength=len(self.lines)))))
        sc = self.coords[order]
        return [sc[a:b] for a, b in itertools.pairwise(edges)]


class Centroids:
    """One black-edged circle per cluster, with a white ring inside the black edge: a
    centroid stands out from its own points on any palette (black ones included) and on
    dark styles.

    The black edges of all clusters are one line drawn first (one draw for k markers,
    where a path effect per centroid drew each marker twice)."""

    def __init__(
        self,
        ax: Axes,
        colours: Sequence[Colour],
        *,
        size: float,
        dim: int,
        place: Place = place_2d,
    ) -> None:
        self.place = place
        style = {"ls": "none", "marker": "o", "ms": size, "zorder": 4}
        self.halo = ax.plot(*[[]] * dim, color="black", mew=HALO_WIDTH, **style)[0]
        self.lines = [
            ax.plot(*[[]] * dim, mec="white", mew=1.5, color=c, **style)[0] for c in colours
        ]

    @property
    def artists(self) -> list[Artist]:
        return [self.halo, *self.lines]

    def update(self, view: NDArray[np.float64]) -> list[Artist]:
        self.place(self.halo, view)
        for j, line in enumerate(self.lines):
            self.place(line, view[j : j + 1])
        return self.artists


class Trails:
    """The path each centroid has travelled so far, one line per cluster."""

    def __init__(
        self,
        ax: Axes,
        colours: Sequence[Colour],
        history: NDArray[np.float64],
        *,
        dim: int,
        place: Place = place_2d,
    ) -> None:
        self.history = history  # (n_states, k, view_dim)
        self.place = place
        self.lines = [
            ax.plot(
                *[[]] * dim, ls="-", lw=1.5, color=c, alpha=0.7, zorder=3, solid_capstyle="round"
            )[0]
            for c in colours
        ]

    @property
    def artists(self) -> list[Artist]:
        return list(self.lines)

    def update(self, frame: Frame, view: NDArray[np.float64]) -> list[Artist]:
        past = self.history[: frame.heading]
        for j, line in enumerate(self.lines):
            self.place(line, np.concatenate((past[:, j], view[j : j + 1])))
        return self.artists


class Objective:
    """A panel plotting inertia per iteration, growing as the animation plays."""

    def __init__(self, ax: Axes, trace: Trace) -> None:
        self.trace = trace
        n = len(trace)
        lo, hi = float(trace.inertia.min()), float(trace.inertia.max())
        ax.set_xlim(-0.5, max(n - 0.5, 0.5))
        ax.set_ylim(*padded(lo, hi, 0.08))
        ax.set_xlabel("iteration")
        ax.set_ylabel("inertia")
        ax.grid(True, lw=0.5, alpha=0.4)
        if n <= 20:
            ax.set_xticks(range(n))
        self.line = ax.plot([], [], "-", color="0.25", lw=1.5, zorder=2)[0]
        self.dot = ax.plot([], [], "o", color="black", ms=6, zorder=3)[0]
        self.text = ax.text(
            0.99,
            0.92,
            "",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=9,
            family="monospace",
        )

    @property
    def artists(self) -> list[Artist]:
        return [self.line, self.dot, self.text]

    def update(self, frame: Frame) -> list[Artist]:
        if frame.seed is not None:  # the seeding comes before the first inertia
            self.line.set_data([], [])
            self.dot.set_data([], [])
            self.text.set_text("")
            return self.artists
        i = frame.iteration
        x = np.arange(i + 1)
        y = self.trace.inertia[: i + 1]
        self.line.set_data(x, y)
        self.dot.set_data([i], [y[-1]])
        self.text.set_text(f"inertia {y[-1]:.4g} · moved {int(self.trace.moved[i])}")
        return self.artists


def image(
    ax: Axes, data: NDArray[np.float64], extent: tuple[float, float, float, float], zorder: float
) -> AxesImage:
    """An image filling ``extent`` in data coordinates, added without touching the axes'
    aspect or limits (``imshow`` would reset the aspect)."""
    im = AxesImage(ax, origin="lower", extent=extent, interpolation="nearest", zorder=zorder)
    im.set_data(data)
    ax.add_image(im)
    return im


def tints(colours: Sequence[Colour], strength: float = 0.22) -> NDArray[np.float64]:
    """Light versions of ``colours``: ``strength`` of the colour over white."""
    return 1.0 - strength * (1.0 - np.asarray(colours, dtype=np.float64))


class Regions:
    """Each pixel of the view tinted by its nearest centroid (a Voronoi diagram as an image).

    Recomputed per frame from the centroids alone. The grid is separable, so squared
    distances are a row term plus a column term: no per-pixel coordinates are stored.
    In 1-D (``shape[0] == 1``) the cells are bands, and their boundaries, the midpoints
    between neighbouring centroids, are drawn as vertical lines. ``weights`` scale the
    squared distance along each axis.
    """

    def __init__(
        self,
        ax: Axes,
        colours: Sequence[Colour],
        xlim: tuple[float, float],
        ylim: tuple[float, float],
        shape: tuple[int, int],
        *,
        boundaries: bool = False,
        weights: tuple[float, float] = (1.0, 1.0),
    ) -> None:
        self.tint = rgba8(tints(colours))
        # squared distance = wx dx^2 + wy dy^2: the cells of standardised data, drawn
        # in the data's units, are those of the z-scores
        self.weights = weights
        height, width = shape
        self.gx = cell_centres(xlim, width)
        self.gy = cell_centres(ylim, height)
        self.one_d = height == 1
        self.image = image(ax, np.zeros((height, width, 4), np.uint8), (*xlim, *ylim), zorder=0)
        self.lines = (
            ax.plot([], [], ls="--", lw=1.0, color="0.35", zorder=1)[0] if boundaries else None
        )
        self.ylim = ylim
        # the image covers the axes frame; redrawing the spines above it each frame keeps
        # the frame visible when only the changing artists are drawn (blitting)
        self.frame = list(ax.spines.values())

    @property
    def artists(self) -> list[Artist]:
        return [self.image, *self.frame] + ([self.lines] if self.lines is not None else [])

    def update(self, view: NDArray[np.float64]) -> list[Artist]:
        wx, wy = self.weights
        d = (wx * (self.gx[:, None] - view[:, 0]) ** 2)[None]  # (1, width, k)
        if not self.one_d:
            d = d + (wy * (self.gy[:, None] - view[:, 1]) ** 2)[:, None, :]  # (height, width, k)
        self.image.set_data(self.tint[np.argmin(d, axis=2)])  # ties: lowest index
        if self.lines is not None:
            xs = np.unique(view[:, 0])
            mids = 0.5 * (xs[:-1] + xs[1:])
            lo, hi = self.ylim
            self.lines.set_data(
                np.column_stack((mids, mids, np.full(len(mids), np.nan))).ravel(),
                np.tile([lo, hi, np.nan], len(mids)),
            )
        return self.artists


def cell_centres(lim: tuple[float, float], n: int) -> NDArray[np.float64]:
    """Centres of ``n`` equal cells spanning ``lim``."""
    edges = np.linspace(lim[0], lim[1], n + 1)
    return 0.5 * (edges[:-1] + edges[1:])


def rgba8(rgb: NDArray[np.float64], alpha: float | NDArray[np.float64] = 1.0) -> NDArray[np.uint8]:
    """RGB floats in [0, 1] (and alpha) as RGBA bytes, the cheapest image data to draw."""
    out = np.empty((*np.shape(rgb)[:-1], 4), np.uint8)
    out[..., :3] = np.rint(np.asarray(rgb) * 255)
    out[..., 3] = np.rint(np.asarray(alpha) * 255)
    return out
