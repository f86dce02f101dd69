"""From states to frames: what each frame of the animation shows.

The core yields one state per iteration. A video needs more: the seeding shown pick by
pick before the first state, two frames per iteration when the assign and update steps
are shown apart, eased in-between frames that carry the centroids, and the final frame
held. This module turns states into
:class:`Frame` values; scenes draw frames and never see the core.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from .core import KMeansState
from .core.init import SeedStep

__all__ = ["Frame", "Seeding", "Trace", "frame_count", "frames", "state_frames"]


#: Most bytes of labels a :class:`Trace` keeps so that frames can replay the states.
KEEP_BYTES = 256 * 2**20


@dataclass(frozen=True)
class Trace:
    """A whole run, known before the first frame.

    Scenes use its per-iteration numbers to fix their axis limits (all centroids, the
    inertia range) and to draw centroid trails and the objective. The states themselves
    are kept when their labels fit in ``KEEP_BYTES``, so that frames replay them instead
    of running K-means again; for larger runs :attr:`states` is None.

    Attributes
    ----------
    centroids : ndarray of shape (n_states, k, d)
    inertia : ndarray of shape (n_states,)
    moved : ndarray of shape (n_states,)
    converged : bool
    states : tuple of KMeansState or None
    """

    centroids: NDArray[np.float64]
    inertia: NDArray[np.float64]
    moved: NDArray[np.intp]
    converged: bool
    states: tuple[KMeansState, ...] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, states: Iterator[KMeansState], keep_bytes: int = KEEP_BYTES) -> Trace:
        """Run ``states`` to the end; keep them too if their labels fit in ``keep_bytes``."""
        cs, inertia, moved, converged = [], [], [], False
        kept: list[KMeansState] | None = []
        size = 0
        for s in states:
            cs.append(s.centroids)
            inertia.append(s.inertia)
            moved.append(s.moved)
            converged = s.converged
            if kept is not None:
                # 1-D states hold their clusters as runs of one shared sorted order
                size += s.members.own_bytes
                if size <= keep_bytes:
                    kept.append(s)
                else:
                    kept = None
        return cls(
            np.array(cs),
            np.array(inertia),
            np.array(moved),
            converged,
            None if kept is None else tuple(kept),
        )

    def __len__(self) -> int:
        return len(self.inertia)


@dataclass(frozen=True)
class Seeding:
    """The seeding of a run, one frame per pick, shown before its first state.

    Attributes
    ----------
    steps : callable returning an iterator of SeedStep
        The picks, from the same random stream as the run's first state: kept when
        their probabilities fit in ``KEEP_BYTES``, else made again on each replay.
    name : str
        What the captions call the initialisation: ``'k-means++'``, ``'random'``,
        ``'farthest'`` or ``'given'`` (an ``init`` array).
    count : int
        The number of picks, k.
    """

    steps: Callable[[], Iterator[SeedStep]]
    name: str
    count: int

    @classmethod
    def of(
        cls,
        steps: Callable[[], Iterator[SeedStep]],
        name: str,
        k: int,
        n: int,
        keep_bytes: int = KEEP_BYTES,
    ) -> Seeding:
        """The seeding made by ``steps``, kept if k probability arrays of n fit."""
        if k * n * 8 > keep_bytes:
            return cls(steps, name, k)
        return cls(partial(iter, tuple(steps())), name, k)


@dataclass(frozen=True)
class Frame:
    """What one frame shows.

    Attributes
    ----------
    iteration : int
        The iteration the frame belongs to (index into the :class:`Trace`).
    centroids : ndarray of shape (k, d)
        Centroid positions to draw (between two states while tweening).
    colours : KMeansState or None
        The state whose labels colour the points; None draws them unassigned (grey).
    caption : str
        The corner label, ``"i = 3"`` or ``"i = 3 · assign"``; the final frames say why
        the run stopped, ``"i = 6 · converged"`` or ``"i = 300 · max_iter reached"``.
    heading : int
        The state whose centroids are shown or being moved to: ``iteration`` itself,
        except for in-between frames of ``steps='iteration'``, which belong to the
        iteration they leave. Trails end at the centroids of the states before it.
    seed : SeedStep or None
        For a seeding frame, its pick; ``centroids`` then holds the picks so far (the
        last one this frame's), ``colours`` is None and ``iteration`` 0.
    """

    iteration: int
    centroids: NDArray[np.float64]
    colours: KMeansState | None
    caption: str
    heading: int
    seed: SeedStep | None = None


def ease(t: float) -> float:
    """Smoothstep easing on [0, 1]: starts and ends at rest."""
    return t * t * (3.0 - 2.0 * t)


def frame_count(
    n_states: int, steps: Literal["iteration", "split"], tween: int, hold: int, seeds: int = 0
) -> int:
    """Number of frames :func:`frames` yields for a run of ``n_states`` states.

    ``seeds`` frames of seeding first; then ``iteration``: one frame per state;
    ``split``: two (assign and update). Each of the ``n_states - 1`` moves of the
    centroids adds ``tween`` in-between frames, and the last frame is repeated ``hold``
    more times.
    """
    per_state = 2 if steps == "split" else 1
    return seeds + per_state * n_states + tween * (n_states - 1) + hold


def state_frames(
    n_states: int, steps: Literal["iteration", "split"], tween: int, seeds: int = 0
) -> list[int]:
    """Index in :func:`frames` of the first frame of each state that is not an
    in-between one: ``i = N`` (or ``i = N · update``, ``i = 0 · init`` when split),
    after ``seeds`` frames of seeding."""
    per_state = 2 if steps == "split" else 1
    firsts = [0] + [per_state + (i - 1) * (per_state + tween) + tween for i in range(1, n_states)]
    return [seeds + i for i in firsts]


def frames(
    states: Callable[[], Iterator[KMeansState]],
    *,
    steps: Literal["iteration", "split"] = "iteration",
    tween: int = 0,
    hold: int = 0,
    seeding: Seeding | None = None,
) -> Iterator[Frame]:
    """Yield the frames of one run.

    Parameters
    ----------
    states : callable returning an iterator of KMeansState
        Starts the run afresh (so a frame sequence can be replayed).
    steps : {'iteration', 'split'}
        ``'iteration'``: state i is one frame ``i = N`` (centroids and labels of state
        i). ``'split'``: state i is two frames. ``i = N · update``: the centroids of state
        i over the colours of state i-1 (at i = 0, ``i = 0 · init``: the initial
        centroids over grey points); then ``i = N · assign``: the points recoloured to
        their nearest centroid.
    tween : int
        In-between frames for each move of the centroids, eased, drawn with the old
        colours, before the frame that shows the new centroids.
    hold : int
        Extra copies of the last frame.
    seeding : Seeding or None
        First one frame per pick, ``seed 2 / 4 · k-means++``: the picks so far over
        grey points, placed where the first state has its centroids.
    """
    run = states()
    if seeding is not None:
        first = next(run)
        for j, step in enumerate(seeding.steps()):
            caption = seeding_caption(j + 1, seeding.count, seeding.name)
            yield Frame(0, first.centroids[: j + 1], None, caption, 0, step)
        run = itertools.chain([first], run)
    prev: KMeansState | None = None
    # A state's last frame waits until the next state arrives: only then is it known
    # whether the run ended there, and the final frame says why it stopped.
    last: Frame | None = None
    for state in run:
        if last is not None:
            yield last
        i = state.iteration
        if prev is not None:
            a, b = prev.centroids, state.centroids
            # in split mode the glide is the update step of iteration i
            it = i if steps == "split" else i - 1
            for t in range(1, tween + 1):
                w = ease(t / (tween + 1))
                yield Frame(it, a + w * (b - a), prev, _caption(it, steps, "update"), i)
        if steps == "split":
            yield Frame(i, state.centroids, prev, _caption(i, steps, "update" if i else "init"), i)
            last = Frame(i, state.centroids, state, _caption(i, steps, "assign"), i)
        else:
            last = Frame(i, state.centroids, state, _caption(i, steps, None), i)
        prev = state
    if last is not None and prev is not None:
        last = replace(last, caption=final_caption(prev.iteration, prev.converged))
        for _ in range(hold + 1):
            yield last


def seeding_caption(picked: int, count: int, name: str) -> str:
    """The caption of the seeding frame of the ``picked``-th initial centroid."""
    return f"seed {picked} / {count} · {name}"


def final_caption(iteration: int, converged: bool) -> str:
    """The caption of a run's last frame, held to the end."""
    return f"i = {iteration} · {'converged' if converged else 'max_iter reached'}"


def _caption(i: int, steps: str, phase: str | None) -> str:
    if steps == "split" and phase is not None:
        return f"i = {i} · {phase}"
    return f"i = {i}"
