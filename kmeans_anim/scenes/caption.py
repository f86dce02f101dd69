"""The caption: ``i = N`` and what else a frame says, in the corner where it hides the
fewest points."""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from numpy.typing import NDArray

from ..core import KMeansState
from ..timeline import Frame
from ..truth import Truth, adjusted_rand_index
from .optimum import versus_optimum

__all__ = ["CORNERS", "Caption", "emptiest_corner"]

CAPTION_STYLE = {"fontsize": 12, "family": "monospace"}
#: Where a 2-D caption may go, preferred in this order when as many points are under
#: each: (x, y) in axes coordinates and the text's alignment there.
CORNERS = (
    (0.02, 0.03, "left", "bottom"),
    (0.02, 0.97, "left", "top"),
    (0.98, 0.03, "right", "bottom"),
    (0.98, 0.97, "right", "top"),
)
#: Points looked at to choose a caption's corner: a sample of larger data.
CORNER_SAMPLE = 100_000


class Caption:
    """The ``i = N`` label in a corner, in axes coordinates; with ``truth``, followed by
    the adjusted Rand index of the frame's labels against the known classes, ``i = 4 ·
    ARI 0.73``; with ``optimum`` (the least inertia there is), the frame's inertia
    against it, ``inertia 41.2 · optimum 38.9 (+5.9%)``, or ``optimal`` once it is
    reached.

    The corner is the lower left, as in the tutorial, unless the ``points`` (view
    coordinates, 2-D) put fewer under another corner's caption of the longest text of a
    run whose longest frame caption is ``ending``: its box is translucent white, and
    would hide them (:meth:`fit` places it again for longer captions). In 3-D it is the
    upper left.
    """

    def __init__(
        self,
        ax: Axes,
        truth: Truth | None = None,
        optimum: float | None = None,
        *,
        points: NDArray[np.float64] | None = None,
        ending: str = "",
    ) -> None:
        self.truth = truth
        self.optimum = optimum
        self._scored: tuple[KMeansState, float] | None = None
        # 3-D axes place 2-D text with text2D; there the x-axis label runs along the
        # bottom left, so the caption goes to the top left, which the box leaves empty
        three_d = hasattr(ax, "text2D")
        text = ax.text2D if three_d else ax.text  # type: ignore[attr-defined]
        self.points = None if three_d else points
        x, y, ha, va = CORNERS[1] if three_d else CORNERS[0]
        self.text = text(
            x,
            y,
            "",
            transform=ax.transAxes,
            ha=ha,
            va=va,
            zorder=5,
            bbox={"fc": "white", "ec": "none", "alpha": 0.7, "pad": 2},
            **CAPTION_STYLE,
        )
        # it lives inside the axes: a long caption on a small figure must not make
        # constrained layout shrink the axes around it
        self.text.set_in_layout(False)
        self.fit(ending)

    def fit(self, ending: str) -> None:
        """Place the caption for a run whose longest frame caption is ``ending`` (of one
        line or more): in the corner that hides the fewest points, if any are given."""
        if self.points is not None:
            assert self.text.axes is not None
            x, y, ha, va = emptiest_corner(self.text.axes, self.points, self.longest(ending))
            self.text.set_position((x, y))
            self.text.set_horizontalalignment(ha)
            self.text.set_verticalalignment(va)

    @property
    def artists(self) -> list[Artist]:
        return [self.text]

    def longest(self, ending: str) -> str:
        """About the longest caption of a run whose longest frame caption is
        ``ending``."""
        optimum = self.optimum
        return self.worded(
            ending,
            -0.99 if self.truth is not None else None,
            None if optimum is None else versus_optimum(2 * optimum + 99.9, optimum),
        )

    def update(self, frame: Frame) -> list[Artist]:
        text, state = frame.caption, frame.colours
        score = against = None
        if self.truth is not None and state is not None:
            if self._scored is None or self._scored[0] is not state:
                self._scored = (state, adjusted_rand_index(self.truth.classes, state.labels))
            score = self._scored[1]
        if self.optimum is not None and state is not None:
            against = versus_optimum(state.inertia, self.optimum)
        self.text.set_text(self.worded(text, score, against))
        return self.artists

    @staticmethod
    def worded(text: str, score: float | None, against: str | None) -> str:
        """The caption: the frame's ``text``, then the ARI ``score`` and the inertia
        ``against`` the optimum where there are."""
        if score is not None:
            # + 0.0: a score that rounds to zero from below reads "0.00", not "-0.00"
            text += f" · ARI {round(score, 2) + 0.0:.2f}"
        if against is not None:
            text += " · " + against
        return text


def emptiest_corner(
    ax: Axes, points: NDArray[np.float64], caption: str
) -> tuple[float, float, str, str]:
    """The corner of :data:`CORNERS` under whose box of ``caption`` (its lines) the
    fewest of ``points`` (view coordinates) lie, the first of them on a tie."""
    fig = ax.get_figure(root=True)
    assert fig is not None
    box = ax.get_position()
    w_px, h_px = fig.get_size_inches() * fig.dpi * (box.width, box.height)
    size = CAPTION_STYLE["fontsize"] * fig.dpi / 72
    # a monospace glyph is 0.6 em wide, lines are 1.2 em apart; the box pads the text
    # by 2 points a side
    lines = caption.split("\n")
    chars = max(len(line) for line in lines)
    width = (0.6 * size * chars + 4 * fig.dpi / 72) / max(w_px, 1.0)
    height = ((1.2 * len(lines) + 0.1) * size + 4 * fig.dpi / 72) / max(h_px, 1.0)
    step = max(1, len(points) // CORNER_SAMPLE)
    xy = np.asarray(points[::step, :2], dtype=np.float64)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    fx, fy = (xy[:, 0] - x0) / (x1 - x0), (xy[:, 1] - y0) / (y1 - y0)
    under = []
    for x, y, ha, va in CORNERS:
        left = x if ha == "left" else x - width
        bottom = y if va == "bottom" else y - height
        inside = (fx >= left) & (fx <= left + width) & (fy >= bottom) & (fy <= bottom + height)
        under.append(int(np.count_nonzero(inside)))
    return CORNERS[int(np.argmin(under))]
