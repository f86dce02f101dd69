"""``animate()``: every option checked once, K-means run for the trace, the figure laid
out and the scene built, into a :class:`~kmeans_anim.animation.KMeansAnimation`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any, Literal

import numpy as np
from matplotlib.axes import Axes
from numpy.typing import ArrayLike

from ._checks import (
    DEFAULTS,
    MAX_MARKER_SIZE,
    STEPS,
    check_bool,
    check_choice,
    check_int,
    check_real,
    make_rng,
    shown,
)
from .animation import MAX_HOLD, MAX_TWEEN, KMeansAnimation, check_fps
from .columns import check_labels, numeric_columns
from .core import KMeansState, plan
from .core.scaling import warn_if_scales_differ
from .layout import (
    DEFAULT_FIGSIZE,
    OBJECTIVE_FIGSIZE,
    check_figsize,
    check_frame,
    check_title,
    layout,
)
from .palette import cluster_colours
from .scenes import DENSITY_THRESHOLD, check_projection, check_view, make_scene
from .timeline import Trace
from .truth import check_truth

__all__ = ["animate"]


def animate(
    points: ArrayLike,
    k: int,
    *,
    init: Literal["k-means++", "random"] | ArrayLike = DEFAULTS.init,
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
) -> KMeansAnimation:
    """Animate K-means on ``points``: one frame per iteration.

    Parameters
    ----------
    points : array-like of shape (n,) or (n, d), DataFrame, Series or Dataset
        The data. 1 column is drawn on a line, 2 on the plane, 3 in 3-D space, more as a
        projection onto a plane. The names of a pandas or polars DataFrame's columns, a
        Series' name or a :class:`Dataset`'s columns label the axes.
    k : int
        Number of clusters.
    init, seed, max_iter, tol, empty, algorithm, n_threads
        As for :func:`kmeans_anim.lloyd`. When ``seed`` is None (or a Generator) a seed
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

    Returns
    -------
    KMeansAnimation
        Call ``.save("out.mp4")``, ``.show()``, or display it in a notebook.
    """
    data, carried = numeric_columns(points, stacklevel=2)
    run = plan(
        data,
        k,
        init=init,
        max_iter=max_iter,
        tol=tol,
        empty=empty,
        algorithm=algorithm,
        n_threads=n_threads,
        standardize=standardize,
        stacklevel=2,
    )
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
    steps = check_choice(steps, "steps", STEPS)  # type: ignore[assignment]
    flags = {
        name: check_bool(v, name)
        for name, v in (
            ("trails", trails),
            ("regions", regions),
            ("objective", objective),
            ("jitter", jitter),
            ("rotate", rotate),
            ("loop", loop),
        )
    }
    title = check_title(title)
    size = check_figsize(figsize)
    if ax is None:
        check_frame(size or (OBJECTIVE_FIGSIZE if flags["objective"] else DEFAULT_FIGSIZE), dpi)
    # every replay must be the same run: fix an int seed now
    rng = make_rng(seed)  # also validates seed
    if seed is None or isinstance(seed, np.random.Generator):
        seed = int(rng.integers(2**63))
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
    if density and known is not None:
        raise ValueError(
            "truth= draws the known classes as marker shapes, which the density image "
            f"has not (it is used above {DENSITY_THRESHOLD:,} points); pass render='points'."
        )
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes; got ax={shown(ax)}.")
    seed = int(seed)

    def rerun() -> Iterator[KMeansState]:
        return run.states(make_rng(seed))

    # only once every option is known good: a command line prints one line for an error
    if run.scaling is None:
        warn_if_scales_differ(x, names, stacklevel=2)
    trace = Trace.of(rerun())
    # frames replay the kept states; a run too large to keep is run again instead
    states: Callable[[], Iterator[KMeansState]] = (
        rerun if trace.states is None else partial(iter, trace.states)
    )
    fig, main_ax, objective_ax = layout(ax, d, projection, size, dpi, flags["objective"])
    scene = make_scene(
        main_ax,
        x,
        trace,
        colours,
        projection=projection,
        jitter=flags["jitter"],
        rotate=flags["rotate"],
        density=density,
        marker_size=marker_size,
        trails=flags["trails"],
        regions=flags["regions"],
        objective_ax=objective_ax,
        names=names,
        metric=None if run.data is None else run.scaling.scale,
        truth=known,
    )
    if title:
        main_ax.set_title(title)
    return KMeansAnimation(
        fig,
        scene,
        states,
        trace,
        fps=fps,
        hold=hold,
        steps=steps,
        tween=tween,
        seed=seed,
        loop=flags["loop"],
    )
