"""``animate()``: every option checked once, K-means run for the trace, the figure laid
out and the scene built, into a :class:`~kmeans_anim.animation.KMeansAnimation`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import partial
from typing import Any, Literal

import numpy as np
from matplotlib.axes import Axes
from numpy.typing import ArrayLike

from ._checks import (
    DEFAULTS,
    GIVEN_INIT,
    check_bool,
    make_rng,
    shown,
)
from .animation import KMeansAnimation
from .columns import the_data
from .core import plan
from .core.chunked import check_chunked_view, plan_chunked
from .core.init import SeedStep
from .core.lloyd import Run
from .core.optimum import optimum_1d
from .layout import (
    DEFAULT_FIGSIZE,
    OBJECTIVE_FIGSIZE,
    check_figsize,
    check_frame,
    layout,
)
from .look import check_look, fixed_seed, traced
from .palette import cluster_colours
from .scenes.optimum import Optimal
from .timeline import Seeding

__all__ = ["animate"]


def animate(
    points: ArrayLike,
    k: int,
    *,
    init: Literal["k-means++", "random", "farthest", "click"] | ArrayLike = DEFAULTS.init,
    seed: int | np.random.Generator | None = None,
    max_iter: int = DEFAULTS.max_iter,
    tol: float = DEFAULTS.tol,
    empty: Literal["farthest", "keep"] = DEFAULTS.empty,  # type: ignore[assignment]
    algorithm: Literal["auto", "sorted", "grid", "dense"] = DEFAULTS.algorithm,  # type: ignore[assignment]
    n_threads: int | None = None,
    standardize: bool = DEFAULTS.standardize,
    fps: float = DEFAULTS.fps,
    hold: float = DEFAULTS.hold,
    figsize: tuple[float, float] | None = None,
    dpi: float = DEFAULTS.dpi,
    title: str | None = None,
    ax: Axes | None = None,
    marker_size: float = DEFAULTS.marker_size,
    steps: Literal["iteration", "split"] = DEFAULTS.steps,  # type: ignore[assignment]
    tween: int = DEFAULTS.tween,
    trails: bool = False,
    regions: bool = False,
    objective: bool = False,
    jitter: bool = False,
    rotate: bool = False,
    projection: Literal["pca"] | tuple[int | str, int | str] | None = None,
    render: Literal["auto", "points", "density"] = DEFAULTS.render,  # type: ignore[assignment]
    labels: Sequence[str] | None = None,
    palette: str | Sequence[Any] = DEFAULTS.palette,
    truth: ArrayLike | bool | None = None,
    loop: bool = False,
    progress: bool | None = None,
    name: str | None = None,
    seeding: bool = False,
    optimum: bool = False,
) -> KMeansAnimation:
    """Animate K-means on ``points``: one frame per iteration.

    Parameters
    ----------
    points : array-like of shape (n,) or (n, d), DataFrame, Series or Dataset
        The data. 1 column is drawn on a line, 2 on the plane, 3 in 3-D space, more as a
        projection onto a plane. The names of a pandas or polars DataFrame's columns, a
        Series' name or a :class:`Dataset`'s columns label the axes. A
        ``dask.array.Array`` of at most 20,000,000 values is read into memory first;
        a larger one (1-D or 2-D) is run and drawn chunk by chunk, in the density view
        only (other views raise ValueError).
    k : int
        Number of clusters.
    init, seed, max_iter, tol, empty, algorithm, n_threads
        As for :func:`kmeans_anim.lloyd`; ``init='click'`` (1-D and 2-D data) lets the
        live window's clicks place the k initial centroids, and such an animation
        cannot be saved. When ``seed`` is None (or a Generator) a seed
        is drawn once here, so every replay of the animation is the same run.
    standardize : bool, default=False
        Cluster the z-scores of the columns (see :func:`kmeans_anim.lloyd`). Views of 1
        to 3 columns still draw the data in its own units, the centroids mapped back
        and the regions those of the z-scores; above 3 columns the PCA is that of the
        z-scores. Without it, columns whose scales differ tenfold or more get a warning.
    fps : float, default=2
        Frames per second of the preview and of saved videos, from 1e-4 to 1000; an
        animation has at most 100,000 frames (run, tween and hold together).
    hold : float, default=1
        Seconds the final frame stays on screen at the end, at most 3600.
    figsize : (float, float), optional
        Figure size in inches; default (6.4, 4.8), or (6.4, 6.4) with ``objective``.
    dpi : float, default=100
        Figure resolution; the default size and dpi give 640×480 frames. Frames are
        32 to 8192 pixels a side.
    title : str, optional
        Title above the plot.
    ax : matplotlib Axes, optional
        Draw into this existing Axes instead of a new figure.
    marker_size : float, default=7
        Size of the ``x`` markers of the points, at most 100.
    steps : {'iteration', 'split'}, default='iteration'
        ``'split'`` shows each iteration as two frames: ``assign`` (points recoloured)
        and ``update`` (centroids moved).
    tween : int, default=0
        Eased in-between frames carrying each centroid from its old to its new position
        (at most 1000).
    trails : bool, default=False
        Draw the path each centroid has travelled.
    regions : bool, default=False
        Shade every pixel by its nearest centroid (Voronoi cells; on a line, bands with
        their boundaries). For projected data, the cells of the projected centroids.
    objective : bool, default=False
        Add a panel under the plot with inertia per iteration.
    jitter : bool, default=False
        1-D data: spread the points over a thin band so that overlapping ones show.
    rotate : bool, default=False
        3-D data: turn the camera slowly.
    projection : 'pca' or (int or str, int or str), optional
        Data with 3 or more columns: project onto its first two principal components
        (default for more than 3 columns) or show two of its columns, by index or name.
        PCA axes show each component's share of the variance and, when the columns have
        names, the column with the largest loading: ``PC1 (36%, flavanoids)``.

    render : {'auto', 'points', 'density'}, default='auto'
        How 1-D and 2-D views draw the points: ``x`` markers, or a per-pixel image
        coloured by cluster with brightness by count (fast for millions of points).
        ``'auto'`` uses the image above 100,000 points.
    labels : sequence of str, optional
        A name for each column of the data, in place of the names the data carries;
        they label the axes and may be used in ``projection``.
    palette : str or sequence of colours, default='hsv'
        The clusters' colours: ``'hsv'`` (one hue each, the tutorial's), ``'okabe-ito'``
        (colour-blind safe, up to 8 clusters), a matplotlib colormap name (``'tab10'``
        in order, ``'viridis'`` sampled), or a list of at least k colours.
    truth : array-like of shape (n,), True, or None
        Known classes, one label per point (numbers or strings), or True for those of a
        :class:`Dataset` (iris' species): each class gets its own marker shape (colour
        stays the cluster's), with a legend, and the caption adds the adjusted Rand
        index of each frame's clusters against them. At most 8 classes; not with the
        density image.
    loop : bool, default=False
        The live window and the notebook player start again after the last frame;
        without it they stop there. (A GIF file always loops.)
    progress : bool or None, default=None
        Count the iterations of a K-means run that takes more than half a second on
        stderr; None counts only when stderr is a terminal.
    name : str, optional
        What the run is of (a dataset's or file's name): the live window's title says
        ``kmeans-anim: wine, k=3, seed 1234``.
    seeding : bool, default=False
        Start with one frame per initial centroid, ``seed 2 / 4 · k-means++``: the picks
        of the run that follows (the same random stream). For k-means++ each point is a
        disc whose area is its D² sampling probability at that step (in the colour of
        the centroid being picked), the candidates tried are squares and the one kept is
        ringed; for ``'random'`` the picks appear one by one; for ``'farthest'`` a
        dashed line joins the new centroid to its nearest earlier one, the distance
        being maximised. With ``standardize`` the seeding runs on the z-scores, drawn in
        the data's units. Not with the density image (it has no per-point markers).
    optimum : bool, default=False
        1-D data: compute the exact optimum (:func:`kmeans_anim.optimum_1d`) and draw it
        under the run, a faint band per optimal cluster and a grey ring at each optimal
        centroid; the caption compares, ``inertia 41.2 · optimum 38.9 (+5.9%)``, or says
        ``optimal`` once Lloyd's run reaches it.

    Returns
    -------
    KMeansAnimation
        Call ``.save("out.mp4")``, ``.show()``, or display it in a notebook.
    """
    # a dask array too large for memory is run and drawn chunk by chunk
    points, data, carried, chunked = the_data(points, stacklevel=2, chunked=True)
    planner = plan_chunked if chunked else plan
    # centroids placed by clicks in the live window: until then, a stand-in run gives
    # the axes their limits
    click = isinstance(init, str) and init == "click"
    given_init = DEFAULTS.init if click else init
    # the run's options but k and init, bound once: the live window re-plans with them
    replan = partial(
        planner,
        data,
        max_iter=max_iter,
        tol=tol,
        empty=empty,
        algorithm=algorithm,
        n_threads=n_threads,
        standardize=standardize,
    )
    run = replan(k, init=given_init, stacklevel=2)
    objective = check_bool(objective, "objective")
    look = check_look(
        run,
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
        seeding=seeding,
    )
    optimum = check_bool(optimum, "optimum")
    if chunked:
        check_chunked_view(points, look.density, look.jitter)
        if optimum:
            raise ValueError("optimum=True needs the points in memory; got a dask array.")
    size = check_figsize(figsize)
    if ax is None:
        check_frame(size or (OBJECTIVE_FIGSIZE if objective else DEFAULT_FIGSIZE), look.dpi)
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes; got ax={shown(ax)}.")
    seed = fixed_seed(seed)
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a str or None; got name={shown(name)}.")
    d = look.points.shape[1]
    if click and d > 2:
        raise ValueError(
            f"init='click' places centroids on a 1-D or 2-D plot; the data has {d} columns."
        )
    if optimum and d != 1:
        raise ValueError(f"optimum=True applies to 1-D data only; the data has d={d} columns.")
    best = _optimum(run) if optimum else None  # before any warning: it refuses large k * n
    # only once every option is known good: a command line prints one line for an error
    look.warn_if_scales_differ(run, stacklevel=2)
    axes: list[Any] = []  # (figure, main axes, objective axes), laid out once

    def make(seed: int, k: int | None = None, init: ArrayLike | None = None) -> KMeansAnimation:
        """The recipe with every checked option, for another seed (and k or init): the
        live window's n, + and - keys and its clicks re-make the run in the same axes."""
        nonlocal run, best
        if k is not None or init is not None:
            run = replan(run.k if k is None else k, init=given_init if init is None else init)
            best = _optimum(run) if optimum else None
        current = replace(look, colours=cluster_colours(palette, run.k))
        trace, states = traced(run, seed, progress)
        picks = None
        if look.seeding:
            checked = run

            def reseed() -> Iterator[SeedStep]:
                return checked.seeding(make_rng(seed))

            init_name = run.init if isinstance(run.init, str) else GIVEN_INIT
            picks = Seeding.of(reseed, init_name, run.k, len(look.points))
        if axes:  # a re-make: the old run's artists go, the axes stay
            for old in axes[1:]:
                if old is not None:
                    old.cla()
        else:
            axes.extend(layout(ax, d, look.projection, size, look.dpi, objective))
        fig, main_ax, objective_ax = axes
        scene = current.scene(main_ax, trace, objective_ax, best)
        if look.title:
            main_ax.set_title(look.title)
        return KMeansAnimation(
            fig,
            scene,
            states,
            trace,
            fps=look.fps,
            hold=look.hold,
            steps=look.steps,
            tween=look.tween,
            seed=seed,
            loop=look.loop,
            panel=partial(current.scene, trace=trace, optimum=best),
            name=name,
            remake=make,
            clicks=run.k if click and init is None else 0,
            seeding=picks,
        )

    return make(seed)


def _optimum(run: Run) -> Optimal:
    """The exact optimum of a 1-D run's data for its k, its inertia in the units of
    the states' (z-scores when standardised)."""
    centroids, labels, inertia = optimum_1d(run.points, run.k)
    if run.scaling is not None:
        inertia /= float(run.scaling.scale[0]) ** 2
    return Optimal(centroids, labels, inertia)
