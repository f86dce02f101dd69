"""``compare()``: runs of K-means on the same data side by side, frames in lockstep."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from typing import Any, Literal

import numpy as np
from matplotlib.axes import Axes
from numpy.typing import ArrayLike

from ._checks import DEFAULTS, shown
from .animation import KMeansAnimation
from .columns import the_data
from .core import plan
from .filmstrip import Cell, default_picks, shows_state
from .layout import check_figsize, grid
from .look import check_look, fixed_seed, traced
from .panels import Lane, PanelsScene, Together, lockstep, lockstep_count
from .scenes import Scene, needs_3d

__all__ = ["RUN_KEYS", "ComparisonAnimation", "check_runs", "compare"]

#: What may differ between the runs of :func:`compare`.
RUN_KEYS = ("init", "seed", "max_iter", "tol", "empty")
#: Most runs (panels) in one figure.
MAX_RUNS = 16


def check_runs(runs: Any) -> list[dict[str, Any]]:
    """``runs`` checked: 1 to :data:`MAX_RUNS` mappings whose keys are in :data:`RUN_KEYS`
    (their values are checked as :func:`kmeans_anim.lloyd` checks its own)."""
    if isinstance(runs, Mapping | str) or not isinstance(runs, Sequence):
        raise TypeError(
            f"runs must be a list of dicts such as [{{'seed': 0}}, {{'seed': 1}}]; "
            f"got runs={shown(runs)}."
        )
    if not 1 <= len(runs) <= MAX_RUNS:
        raise ValueError(f"runs has {len(runs)} entries; give 1 to {MAX_RUNS}.")
    out = []
    for i, spec in enumerate(runs):
        if not isinstance(spec, Mapping):
            raise TypeError(f"runs[{i}] must be a dict; got {shown(spec)}.")
        extra = sorted(set(spec) - set(RUN_KEYS), key=str)
        if extra:
            raise ValueError(
                f"runs[{i}] has {shown(extra[0])}; a run may set only {', '.join(RUN_KEYS)}."
            )
        out.append(dict(spec))
    return out


def _label(spec: Mapping[str, Any], seed: int) -> str:
    """A panel's title: what its run sets (its seed when it sets nothing)."""
    parts = [
        f"init {v}" if isinstance(v, str) else "init given" if key == "init" else f"{key} {v}"
        for key, v in spec.items()
    ]
    return " · ".join(parts) or f"seed {seed}"


class ComparisonAnimation(KMeansAnimation):
    """Several runs of K-means, one panel each, their frames in lockstep. Made by
    :func:`compare`; it saves, shows and displays in a notebook like the animation of
    :func:`animate`.

    Attributes
    ----------
    lanes : list of Lane
        Each run's title, trace, states and seed, in the order of the panels.
    best : int
        Index of the run with the lowest final inertia (the first of equal ones).
    trace : Trace
        The first run's (each run's is in :attr:`lanes`).
    """

    def __init__(
        self,
        fig: Any,
        scene: PanelsScene,
        lanes: list[Lane],
        panels: list[Callable[[Axes], Scene]],
        **kw: Any,
    ) -> None:
        self.lanes = lanes
        self.best = scene.best
        self._panels = panels
        first = lanes[0]
        super().__init__(
            fig, scene, first.states, first.trace, seed=first.seed, panel=panels[0], **kw
        )  # type: ignore[arg-type]

    def _default_picks(self) -> list[int]:
        """The frames that first show each state of the longest run."""
        longest = int(np.argmax([len(lane.trace) for lane in self.lanes]))
        seen: set[int] = set()
        firsts = []
        for i, together in enumerate(self.frames()):
            frame = together.frames[longest]
            if frame.iteration not in seen and shows_state(frame):
                seen.add(frame.iteration)
                firsts.append(i)
        return default_picks(firsts, count=5)

    def _filmstrip_rows(self, items: list[Any]) -> list[list[Cell]]:
        """A row per run, a column per chosen frame."""
        rows = []
        for r, (lane, make) in enumerate(zip(self.lanes, self._panels, strict=True)):
            label = lane.label + (" · best" if r == self.best else "")
            rows.append([Cell(make, t.frames[r], label) for t in items])
        return rows

    def frame_count(self, fps: float | None = None) -> int:
        fps = self._fps if fps is None else fps
        return lockstep_count(self.lanes, self._steps, self._tween, self._hold_frames(fps))

    def frames(self, fps: float | None = None) -> Iterator[Together]:  # type: ignore[override]
        fps = self._fps if fps is None else fps
        return lockstep(self.lanes, self._steps, self._tween, self._hold_frames(fps))


def compare(
    points: ArrayLike,
    k: int,
    runs: Sequence[Mapping[str, Any]],
    *,
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
) -> ComparisonAnimation:
    """Animate several runs of K-means on the same data side by side, in lockstep.

    One figure, one panel per run in a grid. Every run's frames advance together; a run
    that has ended holds its final frame, captioned ``converged`` or ``max_iter
    reached``, until the longest has ended. Each panel is titled with what its run sets
    and captioned with its iteration and inertia; when every run has ended, the panel
    with the lowest inertia is framed in gold and tagged ``best``.

    Parameters
    ----------
    points, k
        As for :func:`animate`.
    runs : list of dict
        One dict per panel (1 to 16), each setting any of ``init``, ``seed``,
        ``max_iter``, ``tol`` and ``empty`` for its run; what a run does not set is
        taken from the arguments below. ``[{"seed": s} for s in range(4)]`` shows four
        seeds; ``[{"init": "random"}, {"init": "k-means++"}]`` two initialisations
        from the same seed.
    init, seed, max_iter, tol, empty, algorithm, n_threads, standardize
        As for :func:`animate`, for every run that does not set its own. A seed drawn
        when none is given is the same for every run.
    fps, hold, dpi, title, marker_size, steps, tween, trails, regions, jitter, rotate, \
projection, render, labels, palette, truth, loop, progress
        As for :func:`animate`, applied to every panel; ``title`` is the figure's.
    figsize : (float, float), optional
        Figure size in inches; default 4 × 3.6 per panel, scaled down to 12.8 wide.

    Returns
    -------
    ComparisonAnimation
        Call ``.save("out.mp4")``, ``.show()``, or display it in a notebook.
    """
    specs = check_runs(runs)
    points, data, carried, _ = the_data(points, stacklevel=2, caller="compare()")
    common = {"init": init, "max_iter": max_iter, "tol": tol, "empty": empty}
    base = fixed_seed(seed)
    plans, seeds = [], []
    for i, spec in enumerate(specs):
        opts = {**common, **{key: v for key, v in spec.items() if key != "seed"}}
        try:
            plans.append(
                plan(
                    data,
                    k,
                    algorithm=algorithm,
                    n_threads=n_threads,
                    standardize=standardize,
                    stacklevel=2,
                    **opts,
                )
            )
            seeds.append(fixed_seed(spec["seed"]) if "seed" in spec else base)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"runs[{i}]: {exc}") if spec else exc from None
    look = check_look(
        plans[0],
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
    fig, axes = grid(len(plans), three_d, size, look.dpi)
    look.warn_if_scales_differ(plans[0], stacklevel=2)
    lanes = []
    for spec, run, s in zip(specs, plans, seeds, strict=True):
        trace, states = traced(run, s, progress)
        lanes.append(Lane(_label(spec, s), trace, states, s))
    scenes = []
    for ax, lane in zip(axes, lanes, strict=True):
        scene = look.scene(ax, lane.trace)
        scene.caption.fit(lane.longest_caption())
        scenes.append(scene)
        ax.set_title(lane.label, loc="left")  # the best run's badge goes on the right
    if look.title:
        fig.suptitle(look.title)
    finals = np.array([lane.trace.inertia[-1] for lane in lanes])
    best = int(np.argmin(finals))
    tied = int((finals == finals[best]).sum()) > 1
    return ComparisonAnimation(
        fig,
        PanelsScene(scenes, best, tied),
        lanes,
        [partial(look.scene, trace=lane.trace) for lane in lanes],
        fps=look.fps,
        hold=look.hold,
        steps=look.steps,
        tween=look.tween,
        loop=look.loop,
    )
