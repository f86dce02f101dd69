"""Views of a run, one module each: 1-D strip, 2-D plane, 3-D space, N-D projection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from numpy.typing import NDArray

from ..core import check_choice
from ..timeline import Trace
from .base import Scene
from .layers import Colour
from .plane import PlaneScene, ProjectionScene
from .space import SpaceScene
from .strip import StripScene

__all__ = ["DENSITY_THRESHOLD", "RENDERS", "Scene", "make_scene", "needs_3d"]

RENDERS = ("auto", "points", "density")
#: Above this many points, render="auto" draws a density image instead of markers.
DENSITY_THRESHOLD = 100_000


def needs_3d(d: int, projection: str | tuple[int, int] | None) -> bool:
    """Whether data of dimension ``d`` is drawn in a 3-D axes."""
    return d == 3 and projection is None


def make_scene(
    ax: Axes,
    points: NDArray[np.float64],
    trace: Trace,
    colours: Sequence[Colour],
    *,
    projection: str | tuple[int, int] | None = None,
    jitter: bool = False,
    rotate: bool = False,
    render: str = "auto",
    **options: Any,
) -> Scene:
    """The view for data of this dimension.

    1 column: a strip; 2: the plane; 3: 3-D space (or a projection if ``projection`` is
    given); more: a projection onto a plane (``projection`` defaults to ``"pca"``).
    ``render='auto'`` draws the points of 1-D and 2-D views as a density image above
    ``DENSITY_THRESHOLD`` points, as markers otherwise. Options that do not apply to the
    chosen view raise ``ValueError``.
    """
    d = points.shape[1]
    render = check_choice(render, "render", RENDERS)
    density = render == "density" or (
        render == "auto" and len(points) > DENSITY_THRESHOLD and not needs_3d(d, projection)
    )
    options["density"] = density
    if jitter and d != 1:
        raise ValueError(f"jitter=True applies to 1-D data only; the data has d={d} columns.")
    if rotate and not needs_3d(d, projection):
        raise ValueError(f"rotate=True applies to 3-D data only; the data has d={d} columns.")
    if d == 1:
        if projection is not None:
            raise ValueError(
                f"projection={projection!r} needs data with 3 or more columns; the data has 1."
            )
        return StripScene(ax, points, trace, colours, jitter=jitter, **options)
    if d == 2:
        if projection is not None:
            raise ValueError(
                f"projection={projection!r} needs data with 3 or more columns; the data has 2."
            )
        return PlaneScene(ax, points, trace, colours, **options)
    if needs_3d(d, projection):
        return SpaceScene(ax, points, trace, colours, rotate=rotate, **options)
    return ProjectionScene(ax, points, trace, colours, projection=projection or "pca", **options)
