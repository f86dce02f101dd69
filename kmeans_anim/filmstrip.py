"""Frames on paper: chosen frames of an animation as one still figure, a panel each.

Each panel is drawn afresh by the same scene class the animation uses, in an axes of a
new figure, so a PDF or SVG filmstrip is vector graphics like any matplotlib figure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import NDArray

from ._checks import check_int, shown
from .layout import PANEL_SIZE, check_frame
from .scenes import Scene
from .timeline import Frame

__all__ = ["MAX_PANELS", "STILLS", "Cell", "check_picks", "default_picks", "write_filmstrip"]

#: Suffixes that :meth:`KMeansAnimation.save` writes as a filmstrip.
STILLS = (".png", ".svg", ".pdf")
#: Most panels in one filmstrip (frames times runs).
MAX_PANELS = 64
#: Panels a default filmstrip shows of a run: the initial state, the final one, and
#: iterations spread between.
DEFAULT_PANELS = 6


@dataclass(frozen=True)
class Cell:
    """One panel of a filmstrip: what draws it, the frame it shows, its title."""

    make: Callable[[Axes], Scene]
    frame: Frame
    title: str | None = None


def shows_state(frame: Frame) -> bool:
    """Whether ``frame`` shows a K-means state as it is: its own labels and centroids
    (not an in-between frame, nor the update step before the points are recoloured)."""
    s = frame.colours
    return (
        s is not None
        and s.iteration == frame.iteration
        and np.array_equal(frame.centroids, s.centroids)
    )


def default_picks(state_frames: Sequence[int], count: int = DEFAULT_PANELS) -> list[int]:
    """Up to ``count`` of the frames that show a state (their indices, in order): the
    first, the last and others evenly spread between."""
    if len(state_frames) <= count:
        return list(state_frames)
    where = np.linspace(0, len(state_frames) - 1, count).round().astype(int)
    return [state_frames[i] for i in where]


def check_picks(frames: Any, total: int) -> list[int]:
    """``frames`` checked as indices into a sequence of ``total`` frames (negative ones
    count from the end); returned non-negative, in the order given."""
    if isinstance(frames, str) or not isinstance(frames, Sequence) or not frames:
        raise TypeError(
            f"frames must be a non-empty list of frame numbers; got frames={shown(frames)}."
        )
    out = []
    for f in frames:
        i = check_int(f, "frames", -total, total - 1)
        out.append(i % total)
    if len(out) > MAX_PANELS:
        raise ValueError(f"frames has {len(out)} entries; a filmstrip has at most {MAX_PANELS}.")
    return out


#: Inches a panel needs besides its plot: tick labels, axis labels and title.
PANEL_MARGIN = 0.8


def _panel_size(ax: Axes, three_d: bool) -> NDArray[np.float64]:
    """A panel's (width, height) in inches: :data:`PANEL_SIZE` wide, and as high as a
    plot of equal aspect needs (no bands of white between rows of wide plots)."""
    w, h = PANEL_SIZE
    if not three_d and ax.get_aspect() == 1.0:
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        plot_w = w - PANEL_MARGIN
        h = PANEL_MARGIN + plot_w * min(1.5, max(0.3, abs(y1 - y0) / abs(x1 - x0)))
    return np.array([w, h])


def write_filmstrip(
    path: Path,
    rows: Sequence[Sequence[Cell]],
    *,
    three_d: bool,
    dpi: float,
    title: str | None = None,
) -> None:
    """Draw ``rows`` of cells in a grid and save the figure to ``path`` (its suffix picks
    PNG, SVG or PDF)."""
    n_rows, n_cols = len(rows), max(len(r) for r in rows)
    if n_rows * n_cols > MAX_PANELS:
        raise ValueError(
            f"a filmstrip of {n_rows} x {n_cols} panels is more than {MAX_PANELS}; choose "
            "fewer frames."
        )
    grid = np.array([n_cols, n_rows])
    size = np.array(PANEL_SIZE) * grid
    check_frame(size, dpi)
    # sized for the layers drawn at the screen's resolution; fitted to the plots below
    fig = Figure(figsize=size, dpi=dpi, layout=None if three_d else "constrained")
    kw = {"projection": "3d"} if three_d else {}
    first = None
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            ax = fig.add_subplot(n_rows, n_cols, r * n_cols + c + 1, **kw)
            first = first or ax
            scene = cell.make(ax)
            scene.reset()
            scene.update(cell.frame)
            if cell.title:
                ax.set_title(cell.title)
    assert first is not None
    fig.set_size_inches(_panel_size(first, three_d) * grid)
    check_frame(fig.get_size_inches(), dpi)
    if title:
        fig.suptitle(title)
    fig.savefig(path, dpi=dpi, format=path.suffix[1:].lower())
