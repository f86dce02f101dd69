"""``sweep()``: K-means for each k in turn, with the elbow and the silhouette growing
beside it, to choose k as it happens."""

from __future__ import annotations

import collections
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Literal

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from numpy.typing import ArrayLike

from ._checks import DEFAULTS, check_choice, check_int, shown
from .animation import KMeansAnimation
from .columns import the_data
from .core import KMeansState, plan
from .filmstrip import Cell
from .layout import check_figsize, grid, grid_shape
from .look import check_look, fixed_seed, traced
from .palette import cluster_colours
from .panels import BEST, Lane
from .scenes import Scene, needs_3d
from .scenes.layers import padded
from .silhouette import knee, silhouette_score
from .timeline import Frame, final_caption, frame_count, frames

__all__ = ["MAX_KS", "KResult", "SweepAnimation", "check_ks", "sweep"]

#: Most values of k one sweep runs.
MAX_KS = 32
SHOWS = ("all", "final")


@dataclass(frozen=True)
class KResult:
    """The outcome of one k of a sweep.

    Attributes
    ----------
    k : int
    state : KMeansState
        The run's final state.
    inertia : float
    silhouette : float
        Mean silhouette of the final labels (NaN for k = 1), computed on what K-means
        ran on (the z-scores with ``standardize``); see :func:`silhouette_score`.
    """

    k: int
    state: KMeansState
    inertia: float
    silhouette: float


@dataclass(frozen=True)
class Step:
    """One frame of a sweep: which k is playing, its frame, and whether that k's run
    has been shown to its end (its point is then on the curves)."""

    index: int
    frame: Frame
    done: bool


def check_ks(ks: Any) -> list[int]:
    """``ks`` checked: 1 to :data:`MAX_KS` increasing positive ints (each at most the
    number of points, which :func:`~kmeans_anim.core.plan` checks)."""
    if isinstance(ks, str) or not isinstance(ks, Iterable):
        raise TypeError(f"ks must be a sequence of ints such as range(1, 9); got ks={shown(ks)}.")
    # one more than allowed is enough to refuse (ks may be an endless iterator)
    out = [check_int(v, "ks", 1) for v in itertools.islice(ks, MAX_KS + 1)]
    if not 1 <= len(out) <= MAX_KS:
        many = f"more than {MAX_KS}" if len(out) > MAX_KS else "no"
        raise ValueError(f"ks has {many} values; give 1 to {MAX_KS}.")
    if any(b <= a for a, b in itertools.pairwise(out)):
        raise ValueError(f"ks must increase; got ks={shown(out)}.")
    return out


def _final(lane: Lane) -> KMeansState:
    if lane.trace.states is not None:
        return lane.trace.states[-1]
    # a run too large to keep: run it again to its end
    return collections.deque(lane.states(), maxlen=1)[0]


class Elbow:
    """The side panel: inertia against k (the elbow) and the mean silhouette on a
    second axis, one point each as each k's run ends. At the end the knee is marked in
    gold and the highest silhouette ringed: the two rules need not agree, and seeing
    where they differ is part of choosing k."""

    def __init__(self, ax: Axes, results: Sequence[KResult], knee_k: int | None) -> None:
        self.ks = np.array([r.k for r in results])
        self.inertia = np.array([r.inertia for r in results])
        self.sil = np.array([r.silhouette for r in results])
        self.knee_k = knee_k
        ax.set_xlim(self.ks[0] - 0.5, self.ks[-1] + 0.5)
        ax.set_ylim(*padded(float(self.inertia.min()), float(self.inertia.max()), 0.08))
        if len(self.ks) <= 20:
            ax.set_xticks(self.ks)
        ax.set_xlabel("k")
        ax.set_ylabel("inertia", color="0.15")
        ax.grid(True, lw=0.5, alpha=0.4)
        twin = ax.twinx()
        finite = self.sil[np.isfinite(self.sil)]
        lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
        twin.set_ylim(*padded(min(lo, 0.0), max(hi, 0.0), 0.08))
        twin.set_ylabel("mean silhouette", color="tab:blue")
        twin.tick_params(axis="y", colors="tab:blue")
        self.line = ax.plot([], [], "o-", color="0.15", lw=1.8, ms=6, zorder=3)[0]
        self.sil_line = twin.plot([], [], "s--", color="tab:blue", lw=1.5, ms=5, zorder=3)[0]
        self.now = ax.axvline(self.ks[0], color="0.5", lw=8, alpha=0.25, zorder=1)
        self.knee = ax.axvline(self.ks[0], color=BEST, lw=2.5, zorder=2, visible=False)
        self.top = int(np.nanargmax(self.sil)) if len(finite) else None
        self.ring = twin.plot(
            [], [], "o", ms=16, mfc="none", mec="tab:blue", mew=2.5, zorder=4, visible=False
        )[0]
        # above the panel, right of its title: clear of both curves whatever their shape
        ax.set_title("choosing k", loc="left", fontsize=11)
        self.knee_text = ax.text(
            1.0,
            1.01,
            "",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=11,
            fontweight="bold",
            visible=False,
            bbox={"fc": "white", "ec": BEST, "pad": 2},
        )
        self.knee_text.set_in_layout(False)
        ax.legend(
            handles=[
                Line2D([], [], marker="o", color="0.15", label="inertia (elbow)"),
                Line2D([], [], marker="s", ls="--", color="tab:blue", label="silhouette"),
            ],
            loc="center right",
            fontsize=9,
        )

    @property
    def artists(self) -> list[Artist]:
        return [self.now, self.line, self.sil_line, self.knee, self.ring, self.knee_text]

    def update(self, step: Step, last: bool) -> list[Artist]:
        shown = step.index + (1 if step.done else 0)
        self.line.set_data(self.ks[:shown], self.inertia[:shown])
        self.sil_line.set_data(self.ks[:shown], self.sil[:shown])
        self.now.set_xdata([self.ks[step.index]] * 2)
        self.now.set_visible(not last)
        self.knee.set_visible(last and self.knee_k is not None)
        self.ring.set_visible(last and self.top is not None)
        lines = []
        if self.knee_k is not None:
            self.knee.set_xdata([self.knee_k] * 2)
            lines.append(f"knee: k = {self.knee_k}")
        if self.top is not None:
            self.ring.set_data([self.ks[self.top]], [self.sil[self.top]])
            lines.append(f"best silhouette: k = {self.ks[self.top]}")
        self.knee_text.set_text(" · ".join(lines))
        self.knee_text.set_visible(last and bool(lines))
        return self.artists


class SweepScene:
    """One scene per k in the same axes, only the playing one shown, and the elbow."""

    def __init__(self, scenes: Sequence[Scene], elbow: Elbow) -> None:
        self.scenes = list(scenes)
        self.elbow = elbow
        self.blittable = all(s.blittable for s in self.scenes)
        self._shown = -1  # the k whose scene is visible

    @property
    def artists(self) -> list[Artist]:
        return [a for s in self.scenes for a in s.artists] + self.elbow.artists

    def _show_only(self, index: int) -> None:
        """Make ``index``'s scene the visible one (work only when the k changes)."""
        if index == self._shown:
            return
        for i, s in enumerate(self.scenes):
            for a in s.artists:
                a.set_visible(i == index)
        self._shown = index

    def reset(self) -> None:
        for s in self.scenes:
            s.reset()
        self._shown = -1  # a save hides and shows artists: set every one again
        self._show_only(0)

    def update(self, step: Step) -> list[Artist]:
        self._show_only(step.index)
        out = self.scenes[step.index].update(step.frame)
        # the last k's run has ended: its final frame and the hold show the verdict
        last = step.index == len(self.scenes) - 1 and step.done
        return out + self.elbow.update(step, last=last)


class SweepAnimation(KMeansAnimation):
    """K-means for each k in turn beside its elbow and silhouette curves. Made by
    :func:`sweep`; it saves, shows and displays in a notebook like :func:`animate`'s.

    Attributes
    ----------
    results : list of KResult
        One per k, in order: ``k``, the final ``state``, ``inertia``, ``silhouette``.
    knee : int or None
        The k at the knee of the elbow curve (see :func:`knee`).
    lanes : list of Lane
        Each k's run.
    """

    def __init__(
        self,
        fig: Any,
        lanes: list[Lane],
        results: list[KResult],
        knee_k: int | None,
        scene: SweepScene,
        panels: list[Callable[[Axes], Scene]],
        show: str,
        **kw: Any,
    ) -> None:
        self._panels = panels
        self.lanes, self.results, self.knee, self._show = lanes, results, knee_k, show
        first = lanes[0]
        # frame_count() is called by the base class's constructor
        self._fps, self._hold = kw["fps"], kw["hold"]
        self._steps, self._tween = kw["steps"], kw["tween"]
        super().__init__(
            fig, scene, first.states, first.trace, seed=first.seed, panel=panels[0], **kw
        )

    def _default_picks(self) -> list[int]:
        """Each k's final state."""
        firsts: dict[int, int] = {}
        for i, step in enumerate(self.frames()):
            if step.done:
                firsts.setdefault(step.index, i)
        return list(firsts.values())

    def _filmstrip_rows(self, items: list[Any]) -> list[list[Cell]]:
        """A panel per chosen frame, titled with its k's scores."""
        cells = []
        for step in items:
            r = self.results[step.index]
            title = f"k = {r.k}" + (
                f" · silhouette {r.silhouette:.2f}" if np.isfinite(r.silhouette) else ""
            )
            cells.append(Cell(self._panels[step.index], step.frame, title))
        _, cols = grid_shape(len(cells))
        return [cells[i : i + cols] for i in range(0, len(cells), cols)]

    def _per_run(self, lane: Lane, hold: int) -> int:
        if self._show == "final":
            return 1 + hold
        return frame_count(len(lane.trace), self._steps, self._tween, hold)

    def frame_count(self, fps: float | None = None) -> int:
        hold = self._hold_frames(self._fps if fps is None else fps)
        return sum(self._per_run(lane, hold) for lane in self.lanes)

    def frames(self, fps: float | None = None) -> Iterator[Step]:  # type: ignore[override]
        fps = self._fps if fps is None else fps
        hold = self._hold_frames(fps)
        for i, lane in enumerate(self.lanes):
            k = lane.trace.centroids.shape[1]
            seq = list(frames(lane.states, steps=self._steps, tween=self._tween, hold=hold))
            if self._show == "final":
                seq = seq[-1 - hold :]
            for j, f in enumerate(seq):
                done = j >= len(seq) - 1 - hold
                yield Step(i, replace(f, caption=swept(k, f.caption)), done)


def swept(k: int, caption: str) -> str:
    """A frame's ``caption`` in a sweep, which says which k it shows."""
    return f"k = {k} · {caption}"


def sweep(
    points: ArrayLike,
    ks: Iterable[int] = range(1, 9),
    *,
    runs: Literal["all", "final"] = "all",
    init: Any = DEFAULTS.init,
    seed: int | np.random.Generator | None = None,
    max_iter: int = DEFAULTS.max_iter,
    tol: float = DEFAULTS.tol,
    empty: str = DEFAULTS.empty,
    algorithm: str = DEFAULTS.algorithm,
    n_threads: int | None = None,
    standardize: bool = DEFAULTS.standardize,
    fps: float = DEFAULTS.fps,
    hold: float = DEFAULTS.hold,
    figsize: tuple[float, float] | None = None,
    dpi: float = DEFAULTS.dpi,
    title: str | None = None,
    marker_size: float = DEFAULTS.marker_size,
    steps: Literal["iteration", "split"] = DEFAULTS.steps,  # type: ignore[assignment]
    tween: int = DEFAULTS.tween,
    trails: bool = False,
    regions: bool = False,
    jitter: bool = False,
    rotate: bool = False,
    projection: Any = None,
    render: str = DEFAULTS.render,
    labels: Sequence[str] | None = None,
    palette: Any = DEFAULTS.palette,
    truth: Any = None,
    loop: bool = False,
    progress: bool | None = None,
) -> SweepAnimation:
    """Animate K-means for each k in turn, the elbow and silhouette curves growing beside.

    The main panel plays each k's run (or with ``runs="final"`` only its final state);
    as each run ends, its inertia and mean silhouette join the curves of the side panel,
    and after the last k the knee of the inertia curve is marked.

    Parameters
    ----------
    points
        As for :func:`animate`.
    ks : iterable of int, default=range(1, 9)
        The values of k, increasing, 1 to 32 of them, each at most the number of points.
    runs : {'all', 'final'}, default='all'
        Play every iteration of each k, or show only each k's final state.
    init, seed, max_iter, tol, empty, algorithm, n_threads, standardize
        As for :func:`animate`, for every k (one seed for all).
    fps, hold, figsize, dpi, title, marker_size, steps, tween, trails, regions, jitter, \
rotate, projection, render, labels, palette, truth, loop, progress
        As for :func:`animate`; ``hold`` applies to each k's final frame; ``title`` is
        the figure's. Each k gets its own palette colours.

    Returns
    -------
    SweepAnimation
        With ``results`` (one :class:`KResult` per k) and ``knee``.
    """
    points, data, carried, _ = the_data(points, stacklevel=2, caller="sweep()")
    runs = check_choice(runs, "runs", SHOWS)  # type: ignore[assignment]
    base = fixed_seed(seed)
    opts = {"init": init, "max_iter": max_iter, "tol": tol, "empty": empty}
    ks = check_ks(ks)
    plans = [
        plan(
            data,
            k,
            algorithm=algorithm,
            n_threads=n_threads,
            standardize=standardize,
            stacklevel=2,
            **opts,
        )
        for k in ks
    ]
    look = check_look(
        plans[-1],
        points,
        carried,
        labels=labels,
        palette=palette,
        truth=truth,
        fps=fps,
        hold=hold,
        dpi=dpi,
        marker_size=marker_size,
        steps=steps,
        tween=tween,
        trails=trails,
        regions=regions,
        jitter=jitter,
        rotate=rotate,
        projection=projection,
        render=render,
        loop=loop,
        title=title,
    )
    size = check_figsize(figsize)
    three_d = needs_3d(look.points.shape[1], look.projection)
    fig, (main_ax, side_ax) = grid(1, three_d, size or (11.2, 4.8), look.dpi, side=True)
    look.warn_if_scales_differ(plans[0], stacklevel=2)
    lanes, results = [], []
    for k, run in zip(ks, plans, strict=True):
        trace, states = traced(run, base, progress)
        lane = Lane(f"k = {k}", trace, states, base)
        final = _final(lane)
        sil = silhouette_score(run.x, final.labels, seed=base % 2**32) if k > 1 else float("nan")
        lanes.append(lane)
        results.append(KResult(k, final, float(final.inertia), sil))
    knee_k = knee(ks, [r.inertia for r in results])
    looks = [replace(look, colours=cluster_colours(palette, k)) for k in ks]
    scenes = [lk.scene(main_ax, lane.trace) for lk, lane in zip(looks, lanes, strict=True)]
    # one corner for every k's caption: they take turns in the same axes
    ending = max(
        (swept(r.k, final_caption(len(lane.trace) - 1, lane.trace.converged))
         for r, lane in zip(results, lanes, strict=True)),
        key=len,
    )  # fmt: skip
    for scene in scenes:
        scene.caption.fit(ending)
    elbow = Elbow(side_ax, results, knee_k)
    if look.title:
        fig.suptitle(look.title)
    return SweepAnimation(
        fig,
        lanes,
        results,
        knee_k,
        SweepScene(scenes, elbow),
        [partial(lk.scene, trace=lane.trace) for lk, lane in zip(looks, lanes, strict=True)],
        runs,
        fps=look.fps,
        hold=look.hold,
        steps=look.steps,
        tween=look.tween,
        loop=look.loop,
    )
