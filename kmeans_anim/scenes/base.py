"""What every view shares: points, centroids, trails, the caption and the objective panel."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from numpy.typing import NDArray

from .._checks import GIVEN_INIT, INITS
from ..timeline import Frame, Trace, final_caption, seeding_caption
from ..truth import Truth
from .caption import Caption
from .density import Density
from .layers import (
    Centroids,
    Colour,
    Objective,
    Place,
    Points,
    Regions,
    Trails,
    place_2d,
)
from .optimum import Optimal, Optimum
from .seeding import Seeding

#: Characters an axis label may have before it is cut (with an ellipsis): a long column
#: name must not run off the frame or into the objective panel.
LABEL_CHARS = 48


def shortened(text: str) -> str:
    """``text`` cut to :data:`LABEL_CHARS` characters, the cut marked with an ellipsis."""
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


class Scene:
    """A view of a run: artists made once in ``__init__``, moved by :meth:`update`.

    Subclasses set up the axes and say how data coordinates map to the view
    (:meth:`view`); they may add layers by overriding :meth:`update`.

    Parameters
    ----------
    ax : Axes
        Where to draw.
    points : ndarray of shape (n, d)
        The data.
    trace : Trace
        The run's per-iteration numbers (axis limits, trails, objective).
    colours : sequence of RGB
        One colour per cluster.
    marker_size : float
        Size of the point markers; centroids are drawn 1.6 times larger, at least 9.
    trails : bool
        Draw the path each centroid has travelled.
    regions : bool
        Shade the view by nearest centroid (see :meth:`make_regions`).
    density : bool
        Draw the points as a per-pixel image instead of markers (see :meth:`make_density`).
    objective_ax : Axes or None
        If given, a panel of inertia per iteration is drawn there.
    names : sequence of str or None
        The data's column names, one per column: they label the axes.
    metric : ndarray of shape (d,) or None
        For standardised data, each column's standard deviation: nearness (regions, the
        PCA) is that of ``points / metric``. None: plain distances.
    truth : Truth or None
        Known classes: a marker shape each, and the adjusted Rand index in the caption.
    seeding : bool
        Draw how each initial centroid was picked on seeding frames (not with
        ``density``).
    optimum : Optimal or None
        1-D data: the exact optimum, drawn under the run and compared in the caption.
    """

    #: Whether the static background may be drawn once and reused for every frame.
    blittable = True
    place: Place = staticmethod(place_2d)
    view_dim = 2

    def __init__(
        self,
        ax: Axes,
        points: NDArray[np.float64],
        trace: Trace,
        colours: Sequence[Colour],
        *,
        marker_size: float,
        trails: bool = False,
        regions: bool = False,
        density: bool = False,
        objective_ax: Axes | None = None,
        names: Sequence[str] | None = None,
        metric: NDArray[np.float64] | None = None,
        truth: Truth | None = None,
        seeding: bool = False,
        optimum: Optimal | None = None,
    ) -> None:
        self.ax = ax
        self.metric = metric
        self.truth = truth
        self.setup_axes(points, trace)
        setters = (ax.set_xlabel, ax.set_ylabel, getattr(ax, "set_zlabel", None))
        for text, set_label in zip(self.axis_labels(names), setters, strict=False):
            if set_label is not None:
                set_label(shortened(text))
        self.regions = self.make_regions(colours) if regions else None
        self.points: Points | Density = (
            self.make_density(points, colours)
            if density
            else self.make_points(points, colours, marker_size)
        )
        csize = max(9.0, 1.6 * marker_size)
        self.seeding = (
            Seeding(
                ax,
                self.points.coords,  # type: ignore[union-attr]  # animate() refuses density
                colours,
                size=marker_size,
                dim=self.view_dim,
                place=self.place,
            )
            if seeding
            else None
        )
        self.optimum = (
            Optimum(ax, points[:, 0], optimum, size=csize) if optimum is not None else None
        )
        self.centroids = Centroids(ax, colours, size=csize, dim=self.view_dim, place=self.place)
        history = np.stack([self.view(c) for c in trace.centroids])
        self.trails = (
            Trails(ax, colours, history, dim=self.view_dim, place=self.place) if trails else None
        )
        # the run's longest captions: its last, and its seeding frames' (named at most
        # as long as the longest initialisation)
        captions = [final_caption(len(trace) - 1, trace.converged)]
        if seeding:
            k = len(colours)
            captions.append(seeding_caption(k, k, max([*INITS, GIVEN_INIT], key=len)))
        # markers only: the density view of the same data, in memory or on dask, is
        # the same picture (the caption goes where it did in the tutorial)
        markers = isinstance(self.points, Points) and self.view_dim == 2
        self.caption = Caption(
            ax,
            truth,
            None if optimum is None else optimum.inertia,
            points=self.points.coords if markers else None,
            ending=max(captions, key=len),
        )
        self.objective = Objective(objective_ax, trace) if objective_ax is not None else None

    # -- for subclasses ---------------------------------------------------------------

    def setup_axes(self, points: NDArray[np.float64], trace: Trace) -> None:
        """Fix limits, labels and aspect once, from the data and every centroid of the run."""
        raise NotImplementedError

    def view(self, centroids: NDArray[np.float64]) -> NDArray[np.float64]:
        """Map (k, d) data coordinates to (k, view_dim) view coordinates."""
        raise NotImplementedError

    def axis_labels(self, names: Sequence[str] | None) -> Sequence[str]:
        """The labels of the axes, x first: the data's column names (none without)."""
        return names or ()

    def make_points(
        self, points: NDArray[np.float64], colours: Sequence[Colour], size: float
    ) -> Points:
        """The layer that draws the data points."""
        return Points(
            self.ax, self.view(points), colours, size=size, place=self.place, truth=self.truth
        )

    def make_density(self, points: NDArray[np.float64], colours: Sequence[Colour]) -> Density:
        """The layer that draws the data points as a per-pixel image."""
        raise NotImplementedError

    def pixels(self) -> tuple[int, int]:
        """Approximate (rows, columns) of screen pixels the axes cover, so that an image
        drawn over it is about one cell per pixel."""
        fig = self.ax.get_figure(root=True)
        w_in, h_in = fig.get_size_inches()
        box = self.ax.get_position()
        return (
            max(1, round(h_in * fig.dpi * box.height)),
            max(1, round(w_in * fig.dpi * box.width)),
        )

    def make_regions(self, colours: Sequence[Colour]) -> Regions:
        """The layer that shades the view by nearest centroid."""
        raise NotImplementedError

    def region_weights(self, columns: tuple[int, int]) -> tuple[float, float]:
        """Weights of the squared distance along the view's axes, which show the data's
        ``columns``: 1 / variance of each column for standardised data, else 1."""
        if self.metric is None:
            return (1.0, 1.0)
        i, j = columns
        return (1.0 / float(self.metric[i]) ** 2, 1.0 / float(self.metric[j]) ** 2)

    def reset(self) -> None:
        """Called before the first frame of every run through the frames."""

    # -- drawing ------------------------------------------------------------------------

    @property
    def artists(self) -> list[Artist]:
        """Every artist that changes from frame to frame, bottom to top."""
        seeding = self.seeding
        return [
            *(self.regions.artists if self.regions is not None else []),
            *(self.optimum.artists if self.optimum is not None else []),
            *(seeding.under if seeding is not None else []),
            *self.points.artists,
            *(self.trails.artists if self.trails is not None else []),
            *self.centroids.artists,
            *(seeding.over if seeding is not None else []),
            *self.caption.artists,
            *(self.objective.artists if self.objective is not None else []),
        ]

    def update(self, frame: Frame) -> list[Artist]:
        """Show ``frame``; returns the artists that changed."""
        view = self.view(frame.centroids)
        if self.regions is not None:
            self.regions.update(view)
        self.points.update(frame)
        if self.trails is not None:
            self.trails.update(frame, view)
        self.centroids.update(view)
        if self.seeding is not None:
            self.seeding.update(frame, view)
        self.caption.update(frame)
        if self.objective is not None:
            self.objective.update(frame)
        # every layer sets all its artists each frame: all of them, in drawing order
        return self.artists
