"""The seeding layer: how each initial centroid was picked, drawn over the grey points."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from numpy.typing import NDArray

from ..timeline import Frame
from .layers import Colour, Place, place_2d

#: Sizes of the discs that show k-means++'s sampling probabilities: one line each, the
#: disc's area in proportion to the probability (relative to the step's largest).
LEVELS = 6


class Seeding:
    """For a seeding frame: k-means++'s probabilities as discs in the colour of the
    centroid being picked (area ∝ probability), the candidates tried as squares, the one
    kept ringed, and for farthest-first a dashed line from it to its nearest earlier
    centroid (the distance maximised). Other frames draw nothing.

    ``coords`` are the drawn points (view coordinates, as the points layer draws them);
    :meth:`update` takes the view coordinates of the frame's centroids.
    """

    def __init__(
        self,
        ax: Axes,
        coords: NDArray[np.float64],
        colours: Sequence[Colour],
        *,
        size: float,
        dim: int,
        place: Place = place_2d,
    ) -> None:
        self.coords = coords
        self.colours = colours
        self.place = place
        empty = [[]] * dim

        def line(**kw: object) -> Line2D:
            return ax.plot(*empty, **kw)[0]  # type: ignore[arg-type]

        biggest = 2.8 * size
        self.discs = [
            line(ls="none", marker="o", mec="none", alpha=0.45, ms=biggest * np.sqrt(lv / LEVELS))
            for lv in range(1, LEVELS + 1)
        ]
        self.tried = line(ls="none", marker="s", mfc="none", mec="black", ms=1.7 * size, mew=1.3)
        self.kept = line(ls="none", marker="o", mfc="none", mec="black", ms=3.2 * size, mew=2.0)
        self.reach = line(ls="--", lw=1.8, color="black")

    @property
    def under(self) -> list[Artist]:
        """The artists drawn below the points."""
        return list(self.discs)

    @property
    def over(self) -> list[Artist]:
        """The artists drawn above the centroids."""
        return [self.reach, self.tried, self.kept]

    def update(self, frame: Frame, view: NDArray[np.float64]) -> None:
        none = self.coords[:0]
        step = frame.seed
        p = None if step is None else step.probabilities
        if p is None:
            for disc in self.discs:
                self.place(disc, none)
        else:
            # 0 (not drawn) only for a probability of 0: a point already chosen
            level = np.minimum(np.ceil(LEVELS * (p / p.max())), LEVELS).astype(np.intp)
            for lv, disc in enumerate(self.discs, start=1):
                disc.set_color(self.colours[len(view) - 1])
                self.place(disc, self.coords[level == lv])
        if step is None:
            for line in (self.reach, self.tried, self.kept):
                self.place(line, none)
            return
        new = view[-1:]
        self.place(self.kept, new)
        many = len(step.candidates) > 1  # one candidate is the kept point itself
        self.place(self.tried, self.coords[step.candidates] if many else none)
        self.place(
            self.reach,
            np.concatenate((new, view[step.nearest : step.nearest + 1]))
            if step.nearest >= 0
            else none,
        )
