"""What every panel of an animation draws with besides its run: the view and
playback options checked once (:class:`Look`), the seed fixed, and the run traced.
:func:`~kmeans_anim.animate`, :func:`~kmeans_anim.compare` and
:func:`~kmeans_anim.sweep` build their scenes from these."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

import numpy as np
from matplotlib.axes import Axes
from numpy.typing import NDArray

from ._checks import (
    MAX_MARKER_SIZE,
    STEPS,
    check_bool,
    check_choice,
    check_int,
    check_real,
    make_rng,
    shown,
)
from .animation import MAX_HOLD, MAX_TWEEN, check_fps
from .columns import check_labels
from .core import KMeansState
from .core.chunked import fits_in_memory, is_dask
from .core.lloyd import Run
from .core.scaling import warn_if_scales_differ
from .layout import (
    check_title,
)
from .palette import cluster_colours
from .progress import counting
from .scenes import DENSITY_THRESHOLD, Scene, check_projection, check_view, make_scene
from .scenes.layers import Colour
from .scenes.optimum import Optimal
from .timeline import Trace
from .truth import Truth, check_truth

__all__ = ["Look", "check_look", "fixed_seed", "traced"]


@dataclass(frozen=True)
class Look:
    """The checked view and playback options: all a panel draws with besides its run.

    Made by :func:`check_look`; :func:`animate`, :func:`~kmeans_anim.comparison` and
    :func:`~kmeans_anim.sweeps` make every panel's scene from one.
    """

    points: NDArray[np.float64]
    names: Sequence[str] | None
    colours: Sequence[Colour]
    truth: Truth | None
    metric: NDArray[np.float64] | None
    projection: Literal["pca"] | tuple[int, int] | None
    density: bool
    jitter: bool
    rotate: bool
    regions: bool
    trails: bool
    marker_size: float
    fps: float
    hold: float
    dpi: float
    steps: Literal["iteration", "split"]
    tween: int
    loop: bool
    title: str | None
    seeding: bool

    def scene(
        self,
        ax: Axes,
        trace: Trace,
        objective_ax: Axes | None = None,
        optimum: Optimal | None = None,
    ) -> Scene:
        """The scene of one run drawn in ``ax`` (with ``optimum``, the exact 1-D one
        under it)."""
        return make_scene(
            ax,
            self.points,
            trace,
            self.colours,
            projection=self.projection,
            jitter=self.jitter,
            rotate=self.rotate,
            density=self.density,
            marker_size=self.marker_size,
            trails=self.trails,
            regions=self.regions,
            objective_ax=objective_ax,
            names=self.names,
            metric=self.metric,
            truth=self.truth,
            seeding=self.seeding,
            optimum=optimum,
        )

    def warn_if_scales_differ(self, run: Run, stacklevel: int) -> None:
        """Warn, unless the run standardises, when the columns' scales differ tenfold
        (not for a dask array, which would take a pass of its own)."""
        if run.scaling is None and not is_dask(self.points):
            warn_if_scales_differ(self.points, self.names, stacklevel=stacklevel + 1)


def check_look(
    run: Run,
    points: Any,
    carried: Sequence[str] | None,
    *,
    labels: Sequence[str] | None,
    palette: Any,
    truth: Any,
    fps: Any,
    hold: Any,
    dpi: Any,
    marker_size: Any,
    steps: Any,
    tween: Any,
    trails: Any,
    regions: Any,
    jitter: Any,
    rotate: Any,
    projection: Any,
    render: Any,
    loop: Any,
    title: Any,
    seeding: Any = False,
) -> Look:
    """Check the view and playback options for the data of ``run`` (``points`` as the
    caller gave them, ``carried`` the names they carry)."""
    x = run.points  # drawn in the data's units, standardised or not
    n, d = x.shape
    names = check_labels(labels, d) if labels is not None else carried
    if names is not None and len(names) != d:  # a frame's names, and a (n, 1) Series
        names = None
    colours = cluster_colours(palette, run.k)
    known = check_truth(truth, points, n)
    fps = check_fps(fps)
    hold = check_real(hold, "hold", minimum=0.0, strict=False, maximum=MAX_HOLD)
    dpi = check_real(dpi, "dpi", minimum=0.0, strict=True)
    marker_size = check_real(
        marker_size, "marker_size", minimum=0.0, strict=True, maximum=MAX_MARKER_SIZE
    )
    tween = check_int(tween, "tween", 0, MAX_TWEEN)
    steps = check_choice(steps, "steps", STEPS)
    flags = {
        name: check_bool(v, name)
        for name, v in (
            ("trails", trails),
            ("regions", regions),
            ("jitter", jitter),
            ("rotate", rotate),
            ("loop", loop),
            ("seeding", seeding),
        )
    }
    title = check_title(title)
    projection = check_projection(projection, d, names)
    density = check_view(
        n,
        d,
        projection=projection,
        jitter=flags["jitter"],
        rotate=flags["rotate"],
        regions=flags["regions"],
        render=render,
    )
    # markers instead of the image: for data in memory; a dask array too large for it
    # is drawn as the image only, so a sample of it is the way to markers
    markers = (
        "a dask array this large is drawn only as the density image: leave it out, or "
        "animate a sample in memory (e.g. points[::100].compute())"
        if is_dask(x) and not fits_in_memory(x)
        else "pass render='points'"
    )
    if density and known is not None:
        raise ValueError(
            "truth= draws the known classes as marker shapes, which the density image "
            f"has not (it is used above {DENSITY_THRESHOLD:,} points); {markers}."
        )
    if density and flags["seeding"]:
        raise ValueError(
            "seeding=True draws each point's sampling probability as a marker, which the "
            f"density image has not (it is used above {DENSITY_THRESHOLD:,} points); "
            f"{markers}."
        )
    return Look(
        points=x,
        names=names,
        colours=colours,
        truth=known,
        metric=None if run.data is None or run.scaling is None else run.scaling.scale,
        projection=projection,
        density=density,
        jitter=flags["jitter"],
        rotate=flags["rotate"],
        regions=flags["regions"],
        trails=flags["trails"],
        marker_size=marker_size,
        fps=fps,
        hold=hold,
        dpi=dpi,
        steps=steps,  # type: ignore[arg-type]
        tween=tween,
        loop=flags["loop"],
        title=title,
        seeding=flags["seeding"],
    )


def fixed_seed(seed: int | np.random.Generator | None) -> int:
    """``seed`` as an int, drawn once from it when it is None or a Generator: every
    replay of an animation must be the same run."""
    rng = make_rng(seed)  # also validates seed
    if seed is None or isinstance(seed, np.random.Generator):
        return int(rng.integers(2**63))
    return int(seed)


def traced(
    run: Run, seed: int, progress: bool | None = None
) -> tuple[Trace, Callable[[], Iterator[KMeansState]]]:
    """Run ``run`` once from ``seed`` for its :class:`Trace`; with it, what replays the
    states: the kept ones, or a run too large to keep run again. ``progress`` counts
    the iterations of a long run on stderr (None: on a terminal)."""

    def rerun() -> Iterator[KMeansState]:
        return run.states(make_rng(seed))

    if progress is not None and not isinstance(progress, bool):
        raise TypeError(f"progress must be True, False or None; got progress={shown(progress)}.")
    trace = Trace.of(counting(rerun(), "k-means", "iteration", progress))
    return trace, (rerun if trace.states is None else partial(iter, trace.states))
