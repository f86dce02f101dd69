"""Several runs in one figure: their frames in lockstep, and one scene per panel.

:func:`~kmeans_anim.comparison` plays runs side by side; every run's frames advance
together, and a run that has ended holds its final frame (whose caption says why it
stopped) until the longest has ended too. Each panel is an ordinary scene over its own
run, so every view works in a grid as it does alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from .core import KMeansState
from .scenes import Scene
from .timeline import Frame, Trace, final_caption, frame_count, frames

__all__ = ["Lane", "PanelsScene", "Together", "lockstep", "lockstep_count"]

#: The colour that marks the best run (a gold legible on white and on the palettes).
BEST = "#d4a000"


@dataclass(frozen=True)
class Lane:
    """One run of a figure of several: what differs, its trace and its states.

    Attributes
    ----------
    label : str
        What sets this run apart (``"seed 3"``, ``"init random"``): the panel's title.
    trace : Trace
    states : callable returning an iterator of KMeansState
        Replays the run.
    seed : int
    """

    label: str
    trace: Trace
    states: Callable[[], Iterator[KMeansState]]
    seed: int

    def frames(self, steps: Literal["iteration", "split"], tween: int) -> Iterator[Frame]:
        """The run's frames, each captioned with its inertia too."""
        for f in frames(self.states, steps=steps, tween=tween):
            yield replace(f, caption=self.captioned(f.caption, f.iteration))

    def captioned(self, caption: str, iteration: int) -> str:
        """A frame's ``caption`` and, on a second line (a panel is narrow), the run's
        inertia at ``iteration``."""
        return f"{caption}\ninertia {self.trace.inertia[iteration]:.4g}"

    def longest_caption(self) -> str:
        """About the longest caption of :meth:`frames`: the final one, with the widest
        inertia of the run."""
        final = final_caption(len(self.trace) - 1, self.trace.converged)
        widest = max(range(len(self.trace)), key=lambda i: len(self.captioned("", i)))
        return self.captioned(final, widest)

    def count(self, steps: Literal["iteration", "split"], tween: int) -> int:
        """How many frames :meth:`frames` yields."""
        return frame_count(len(self.trace), steps, tween, 0)


@dataclass(frozen=True)
class Together:
    """One frame of a figure of several runs: a frame of each, and whether every run
    has reached its final frame."""

    frames: tuple[Frame, ...]
    finished: bool


def lockstep_count(
    lanes: Sequence[Lane], steps: Literal["iteration", "split"], tween: int, hold: int
) -> int:
    """Frames of :func:`lockstep`: the longest run's, then ``hold`` more."""
    return max(lane.count(steps, tween) for lane in lanes) + hold


def lockstep(
    lanes: Sequence[Lane], steps: Literal["iteration", "split"], tween: int, hold: int
) -> Iterator[Together]:
    """Every run's frames together; a run that has ended repeats its final frame, and
    the last :class:`Together` is repeated ``hold`` more times."""
    longest = max(lane.count(steps, tween) for lane in lanes)
    last: list[Frame] = []
    runs = [lane.frames(steps, tween) for lane in lanes]
    for i, step in enumerate(itertools.zip_longest(*runs)):
        last = [f if f is not None else prev for f, prev in zip(step, last or step, strict=True)]
        yield Together(tuple(last), finished=i == longest - 1)
    for _ in range(hold):
        yield Together(tuple(last), finished=True)


class Badge:
    """The mark of the best panel: a gold frame round the axes and a ``best`` tag,
    shown once every run has ended."""

    def __init__(self, ax: Axes, tied: bool = False) -> None:
        self.frame = Rectangle(
            (0.0, 0.0),
            1.0,
            1.0,
            transform=ax.transAxes,
            fill=False,
            ec=BEST,
            lw=5,
            clip_on=False,
            zorder=6,
            visible=False,
        )
        # the figure draws it: a 3-D axes can only hold patches projected into 3-D
        ax.get_figure(root=True).add_artist(self.frame)
        # above the plot, right of the panel's title (which is on the left): clear of
        # the points, the caption and a legend; 3-D axes place 2-D text with text2D
        text = getattr(ax, "text2D", ax.text)
        self.text = text(
            1.0,
            1.015,
            "best · tied lowest inertia" if tied else "best · lowest inertia",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=11,
            fontweight="bold",
            zorder=6,
            visible=False,
            bbox={"fc": BEST, "ec": "none", "pad": 3},
        )
        for a in self.artists:
            a.set_in_layout(False)

    @property
    def artists(self) -> list[Artist]:
        return [self.frame, self.text]

    def update(self, shown: bool) -> list[Artist]:
        for a in self.artists:
            a.set_visible(shown)
        return self.artists


class PanelsScene:
    """One scene per run, each in its own axes, and the best run's badge.

    Parameters
    ----------
    scenes : sequence of Scene
        One per run, in the order of the runs.
    best : int
        Index of the run with the lowest final inertia (the first of equal ones).
    tied : bool
        Whether another run ends with the same inertia (the badge says so).
    """

    def __init__(self, scenes: Sequence[Scene], best: int, tied: bool = False) -> None:
        self.scenes = list(scenes)
        self.best = best
        self.badge = Badge(self.scenes[best].ax, tied)
        self.blittable = all(s.blittable for s in self.scenes)

    @property
    def artists(self) -> list[Artist]:
        return [a for s in self.scenes for a in s.artists] + self.badge.artists

    def reset(self) -> None:
        for s in self.scenes:
            s.reset()
        self.badge.update(False)

    def update(self, together: Together) -> list[Artist]:
        out: list[Artist] = []
        for scene, frame in zip(self.scenes, together.frames, strict=True):
            out += scene.update(frame)
        return out + self.badge.update(together.finished)
