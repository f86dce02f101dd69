"""Views of a run, one module each: 1-D strip, 2-D plane, 3-D space, N-D projection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from matplotlib.axes import Axes
from numpy.typing import NDArray

from .._checks import RENDERS, check_choice, shown
from ..columns import column_index
from ..timeline import Trace
from .base import Scene
from .layers import Colour
from .plane import PlaneScene, ProjectionScene
from .space import SpaceScene
from .strip import StripScene

__all__ = [
    "DENSITY_THRESHOLD",
    "Scene",
    "check_projection",
    "check_view",
    "make_scene",
    "needs_3d",
]

#: Above this many points, render="auto" draws a density image instead of markers.
DENSITY_THRESHOLD = 100_000


def needs_3d(d: int, projection: str | tuple[int, int] | None) -> bool:
    """Whether data of dimension ``d`` is drawn in a 3-D axes."""
    return d == 3 and projection is None


def check_projection(
    projection: Any, d: int, names: Sequence[str] | None
) -> Literal["pca"] | tuple[int, int] | None:
    """``projection`` checked for data with ``d`` columns named ``names``: None, 'pca',
    or two different columns given by index or name, returned as indices."""
    if projection is None:
        return None
    if d < 3:
        raise ValueError(
            f"projection={shown(projection)} needs data with 3 or more columns; the data has {d}."
        )
    if isinstance(projection, str):
        return check_choice(projection, "projection", ("pca",))  # type: ignore[return-value]
    try:
        first, second = projection
    except (TypeError, ValueError):
        raise TypeError(
            f"projection={shown(projection)} must be 'pca' or two columns (i, j), "
            "by index or name."
        ) from None
    where = f"projection={shown(projection)}"
    i, j = (column_index(c, names, d, where) for c in (first, second))
    if i == j:
        raise ValueError(f"{where}: need two different columns.")
    return i, j


def check_view(
    n: int,
    d: int,
    *,
    projection: Literal["pca"] | tuple[int, int] | None = None,
    jitter: bool = False,
    rotate: bool = False,
    regions: bool = False,
    render: str = "auto",
) -> bool:
    """Check the view options for ``n`` points of dimension ``d`` before any work is done
    (``projection`` as returned by :func:`check_projection`); returns whether the points
    are drawn as a density image.

    Raises
    ------
    ValueError, TypeError
        For an option that does not exist or does not apply to this data.
    """
    render = check_choice(render, "render", RENDERS)
    three_d = needs_3d(d, projection)
    if jitter and d != 1:
        raise ValueError(f"jitter=True applies to 1-D data only; the data has d={d} columns.")
    if rotate and not three_d:
        raise ValueError(f"rotate=True applies to 3-D data only; the data has d={d} columns.")
    if three_d and regions:
        raise ValueError("regions=True is not available for 3-D data; use projection='pca'.")
    if three_d and render == "density":
        raise ValueError("render='density' is not available for 3-D data; use projection='pca'.")
    return render == "density" or (render == "auto" and n > DENSITY_THRESHOLD and not three_d)


def make_scene(
    ax: Axes,
    points: NDArray[np.float64],
    trace: Trace,
    colours: Sequence[Colour],
    *,
    projection: str | tuple[int, int] | None = None,
    jitter: bool = False,
    rotate: bool = False,
    density: bool = False,
    **options: Any,
) -> Scene:
    """The view for data of this dimension (options already checked by :func:`check_view`).

    1 column: a strip; 2: the plane; 3: 3-D space (or a projection if ``projection`` is
    given); more: a projection onto a plane (``projection`` defaults to ``"pca"``).
    """
    d = points.shape[1]
    if d == 1:
        return StripScene(ax, points, trace, colours, jitter=jitter, density=density, **options)
    if d == 2:
        return PlaneScene(ax, points, trace, colours, density=density, **options)
    if needs_3d(d, projection):
        return SpaceScene(ax, points, trace, colours, rotate=rotate, **options)
    return ProjectionScene(
        ax, points, trace, colours, projection=projection or "pca", density=density, **options
    )
