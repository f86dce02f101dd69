"""1-D data: the points on a line, as in the tutorial."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from numpy.typing import NDArray

from ..core.chunked import extremes
from ..timeline import Trace
from .base import Scene
from .density import Density
from .layers import Colour, Points, Regions, padded

#: Half-height of the band that ``jitter=True`` spreads the points over.
JITTER = 0.3


def jitter_offsets(n: int) -> NDArray[np.float64]:
    """Deterministic offsets in [-JITTER, JITTER]: a low-discrepancy (golden ratio) sequence."""
    golden = (np.sqrt(5.0) - 1.0) / 2.0
    return JITTER * (2.0 * ((np.arange(n) * golden) % 1.0) - 1.0)


class StripScene(Scene):
    """Points on the line y = 0 (or a thin band with ``jitter``), x padded 5%, y in (-1, 1).

    With ``regions`` the line is shaded by nearest centroid and the cluster boundaries
    (midpoints between neighbouring centroids) are drawn as vertical dashed lines.
    """

    def __init__(
        self,
        ax: Axes,
        points: NDArray[np.float64],
        trace: Trace,
        colours: Sequence[Colour],
        jitter: bool = False,
        **options: Any,
    ) -> None:
        self.jitter = jitter
        super().__init__(ax, points, trace, colours, **options)

    def setup_axes(self, points: NDArray[np.float64], trace: Trace) -> None:
        # the points' range in one pass (points may be a dask array), then the centroids'
        (lo,), (hi,) = extremes(points[:, :1])
        cs = trace.centroids[..., 0]
        self.xlim = padded(min(float(lo), float(cs.min())), max(float(hi), float(cs.max())))
        self.ax.set_xlim(*self.xlim)
        self.ax.set_ylim(-1.0, 1.0)
        self.ax.yaxis.set_visible(False)
        for side in ("left", "right", "top"):
            self.ax.spines[side].set_visible(False)
        self.ax.axhline(0.0, color="0.85", lw=0.8, zorder=0)

    def view(self, centroids: NDArray[np.float64]) -> NDArray[np.float64]:
        # zeros_like: for a dask array, a lazy column (not n zeros in memory)
        return np.concatenate((centroids[:, :1], np.zeros_like(centroids[:, :1])), axis=1)

    def coords(self, points: NDArray[np.float64]) -> NDArray[np.float64]:
        """Where the points are drawn: on y = 0, or spread over the jitter band."""
        coords = self.view(points)
        if self.jitter:
            coords[:, 1] = jitter_offsets(len(points))
        return coords

    def make_points(
        self, points: NDArray[np.float64], colours: Sequence[Colour], size: float
    ) -> Points:
        # without jitter a point is drawn where its value is: sorted values need no order
        by_value = None if self.jitter else lambda v: self.view(v[:, None])
        return Points(
            self.ax, self.coords(points), colours, size=size, by_value=by_value, truth=self.truth
        )

    def make_density(self, points: NDArray[np.float64], colours: Sequence[Colour]) -> Density:
        # a band about as tall as the markers would be (or the jitter band)
        half = 1.1 * JITTER if self.jitter else 0.06
        # without jitter every point is on y = 0: one row, repeated over the band
        return Density(
            self.ax,
            self.coords(points),
            colours,
            (*self.xlim, -half, half),
            one_row=not self.jitter,
            data=points,
        )

    def make_regions(self, colours: Sequence[Colour]) -> Regions:
        return Regions(
            self.ax, colours, self.xlim, (-1.0, 1.0), (1, self.pixels()[1]), boundaries=True
        )
