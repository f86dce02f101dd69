"""3-D data in an mplot3d axes, with an optional slowly turning camera."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from numpy.typing import NDArray

from ..timeline import Frame, Trace
from .base import Scene
from .layers import Colour, padded

#: Degrees the camera turns per frame with ``rotate=True``.
DEGREES_PER_FRAME = 1.5


def place_3d(line: Line2D, xyz: NDArray[np.float64]) -> None:
    """Set a 3-D line's data from an (m, 3) array."""
    line.set_data_3d(xyz[:, 0], xyz[:, 1], xyz[:, 2])  # type: ignore[attr-defined]


class SpaceScene(Scene):
    """Points and centroids in 3-D. With ``rotate`` the camera turns a little every frame,
    so the static background changes and the scene cannot be blitted."""

    place = staticmethod(place_3d)
    view_dim = 3

    def __init__(
        self,
        ax: Axes,
        points: NDArray[np.float64],
        trace: Trace,
        colours: Sequence[Colour],
        rotate: bool = False,
        **options: Any,
    ) -> None:
        if getattr(ax, "name", "") != "3d":
            raise ValueError(
                "3-D data needs a 3-D axes: pass ax=fig.add_subplot(projection='3d')."
            )
        self.rotate = rotate
        self.blittable = not rotate
        self._frame_no = 0
        super().__init__(ax, points, trace, colours, **options)

    def setup_axes(self, points: NDArray[np.float64], trace: Trace) -> None:
        allp = np.concatenate((points, trace.centroids.reshape(-1, 3)))
        lo, hi = allp.min(axis=0), allp.max(axis=0)
        self.ax.set_xlim(*padded(lo[0], hi[0]))
        self.ax.set_ylim(*padded(lo[1], hi[1]))
        self.ax.set_zlim(*padded(lo[2], hi[2]))  # type: ignore[attr-defined]
        self.azim0 = -60.0
        self.ax.view_init(elev=25.0, azim=self.azim0)  # type: ignore[attr-defined]

    def reset(self) -> None:
        self._frame_no = 0

    def view(self, centroids: NDArray[np.float64]) -> NDArray[np.float64]:
        return centroids[:, :3]

    def update(self, frame: Frame) -> list[Artist]:
        if self.rotate:
            self.ax.view_init(elev=25.0, azim=self.azim0 + DEGREES_PER_FRAME * self._frame_no)  # type: ignore[attr-defined]
            self._frame_no += 1
        return super().update(frame)
