"""The figure an animation draws in: its size, its frame bounds, its axes."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._checks import check_real, shown
from .scenes import needs_3d

__all__ = [
    "DEFAULT_FIGSIZE",
    "MAX_FRAME",
    "MIN_FRAME",
    "OBJECTIVE_FIGSIZE",
    "check_figsize",
    "check_frame",
    "check_title",
    "grid",
    "grid_shape",
    "layout",
]

DEFAULT_FIGSIZE = (6.4, 4.8)
OBJECTIVE_FIGSIZE = (6.4, 6.4)
#: Smallest and largest frame side in pixels (8192: 8K video; Agg stops at 65535).
MIN_FRAME, MAX_FRAME = 32, 8192


def check_figsize(figsize: Any) -> tuple[float, float] | None:
    """Validate ``figsize``: None, or (width, height) in inches, both positive."""
    if figsize is None:
        return None
    try:
        w, h = figsize
    except (TypeError, ValueError):
        raise TypeError(
            f"figsize must be (width, height) in inches; got figsize={shown(figsize)}."
        ) from None
    return (
        check_real(w, "figsize width", minimum=0.0, strict=True),
        check_real(h, "figsize height", minimum=0.0, strict=True),
    )


def check_title(title: Any) -> str | None:
    """Validate ``title``: None, or a str matplotlib can draw, found by laying it out
    once on a scratch figure (a mathtext error such as ``$x_$`` would otherwise surface
    at the first frame, as a parser dump that does not say it is the title)."""
    if title is None:
        return None
    if not isinstance(title, str):
        raise TypeError(f"title must be a str or None; got title={shown(title)}.")
    try:
        title.encode("utf-8")
    except UnicodeEncodeError as exc:  # bytes of another encoding, as sys.argv keeps them
        raise ValueError(
            f"title={shown(title)} is not text: character {exc.start} stands for a byte "
            "that is not UTF-8; give the title in UTF-8."
        ) from None
    fig = Figure()
    try:
        fig.text(0, 0, title).get_window_extent(FigureCanvasAgg(fig).get_renderer())
    except ValueError as exc:  # mathtext's: the formula, a caret, then a parser dump
        found = re.search(r"found (.*?)\s*\(at char (\d+)\)", str(exc))
        why = f": found {found[1]} at character {found[2]}" if found else ""
        raise ValueError(
            f"title={shown(title)} is not valid mathtext (text between $ signs){why}; "
            r"escape a literal dollar as \$."
        ) from None
    return title


def check_frame(size: Sequence[float], dpi: float) -> None:
    """Refuse frames too small to draw (text rendering fails below a few pixels) or
    too big to encode."""
    w, h = (v * dpi for v in size)
    given = f"figsize={tuple(float(v) for v in size)} at dpi={dpi:g} gives a "
    if not max(w, h) < MAX_FRAME + 0.5:  # as rounded to whole pixels; inf fails too
        raise ValueError(
            f"{given}{w:.6g}x{h:.6g}-pixel frame; the largest is {MAX_FRAME}x{MAX_FRAME}."
        )
    if min(round(w), round(h)) < MIN_FRAME:
        raise ValueError(
            f"{given}{round(w)}x{round(h)}-pixel frame; it needs at least {MIN_FRAME}x{MIN_FRAME}."
        )


def layout(
    ax: Axes | None,
    d: int,
    projection: Any,
    figsize: tuple[float, float] | None,
    dpi: float,
    objective: bool,
) -> tuple[Figure, Axes, Axes | None]:
    """The figure, the main axes (3-D when the view needs it) and the objective panel's
    axes (None without it): the caller's ``ax``, or a new figure laid out for the view."""
    three_d = needs_3d(d, projection)
    if ax is not None:
        if objective:
            raise ValueError(
                "objective=True lays out its own figure; it cannot be combined with ax=."
            )
        if figsize is not None:
            raise ValueError(
                "figsize applies to the figure animate() makes; with ax= size your own figure."
            )
        fig = ax.get_figure(root=True)
        assert isinstance(fig, Figure)
        return fig, ax, None
    size = figsize or (OBJECTIVE_FIGSIZE if objective else DEFAULT_FIGSIZE)
    # constrained layout would re-fit a turning 3-D view every frame and make it wobble
    fig = Figure(figsize=size, dpi=dpi, layout=None if three_d else "constrained")
    if three_d:  # mplot3d pads its box generously already; give it the figure
        fig.subplots_adjust(left=0.0, right=1.0, bottom=0.03, top=0.95)
    kw = {"projection": "3d"} if three_d else {}
    if objective:
        gs = fig.add_gridspec(2, 1, height_ratios=(3, 1))
        return fig, fig.add_subplot(gs[0], **kw), fig.add_subplot(gs[1])
    return fig, fig.add_subplot(**kw), None


#: Inches each panel of a grid of runs gets by default (a grid wider than
#: :data:`GRID_WIDTH` is scaled down to fit it).
PANEL_SIZE = (4.0, 3.6)
GRID_WIDTH = 12.8


def grid_shape(n: int) -> tuple[int, int]:
    """(rows, columns) for ``n`` panels: as square as possible, wider than tall."""
    cols = math.ceil(math.sqrt(n))
    return math.ceil(n / cols), cols


def grid(
    n: int,
    three_d: bool,
    figsize: tuple[float, float] | None,
    dpi: float,
    *,
    side: bool = False,
) -> tuple[Figure, list[Axes]]:
    """A new figure with ``n`` panels in a grid (3-D ones when the view needs them),
    and with ``side`` one more, plain, panel to the right of them; returns the figure
    and the axes, the side panel last."""
    rows, cols = grid_shape(n)
    width = cols + (1 if side else 0)
    if figsize is None:
        w, h = PANEL_SIZE[0] * width, PANEL_SIZE[1] * rows
        scale = min(1.0, GRID_WIDTH / w)
        figsize = (w * scale, h * scale)
    check_frame(figsize, dpi)
    fig = Figure(figsize=figsize, dpi=dpi, layout=None if three_d else "constrained")
    if three_d:
        fig.subplots_adjust(left=0.0, right=1.0, bottom=0.03, top=0.92, wspace=0.05)
    gs = fig.add_gridspec(rows, width)
    kw = {"projection": "3d"} if three_d else {}
    axes = [fig.add_subplot(gs[i // cols, i % cols], **kw) for i in range(n)]
    if side:
        axes.append(fig.add_subplot(gs[:, cols]))
    return fig, axes
