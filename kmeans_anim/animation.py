"""``animate()`` and :class:`KMeansAnimation`: a matplotlib ``FuncAnimation`` over the
core's states, with a fast save path, a live preview and notebook display."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any, Literal

import matplotlib as mpl
import numpy as np
from matplotlib import cbook
from matplotlib.animation import FuncAnimation
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from ._checks import (
    DEFAULTS,
    STEPS,
    check_bool,
    check_choice,
    check_int,
    check_real,
    make_rng,
    shown,
)
from .columns import check_labels, numeric_columns
from .core import KMeansState, plan
from .core.scaling import warn_if_scales_differ
from .layout import DEFAULT_FIGSIZE, OBJECTIVE_FIGSIZE, check_figsize, check_frame, layout
from .palette import cluster_colours
from .progress import progress as progress_bar
from .scenes import DENSITY_THRESHOLD, Scene, check_projection, check_view, make_scene
from .timeline import Frame, Trace, frame_count, frames
from .truth import check_truth
from .writers import FrameWriter, atomic_output, check_output, ffmpeg_exe, interruptible

__all__ = ["KMeansAnimation", "animate"]

#: Largest frame rate, longest hold of the final frame in seconds, and most frames
#: between two states.
MAX_FPS, MAX_HOLD, MAX_TWEEN = 1000.0, 3600.0, 1000


class KMeansAnimation(FuncAnimation):
    """A K-means run as a matplotlib animation. Made by :func:`animate`.

    It is a :class:`matplotlib.animation.FuncAnimation`: frames come from a generator
    function that replays the run (same seed, same frames every time) and the artists,
    made once, are moved by the scene.

    Attributes
    ----------
    trace : Trace
        The run's per-iteration centroids, inertia and moved counts.
    scene : Scene
        The view that draws the frames.
    seed : int
        The seed of the run (drawn once by :func:`animate` when none was given).
    figure : Figure
        The figure drawn in.
    fps : float
        Frames per second of the preview, and of saves by default.
    """

    def __init__(
        self,
        fig: Figure,
        scene: Scene,
        states: Callable[[], Iterator[KMeansState]],
        trace: Trace,
        *,
        fps: float,
        hold: float,
        steps: Literal["iteration", "split"],
        tween: int,
        seed: int,
    ) -> None:
        self.scene = scene
        self.trace = trace
        self.seed = seed
        self._states = states
        self._fps = fps
        self._hold = hold
        self._steps = steps
        self._tween = tween
        super().__init__(
            fig,
            self._draw_frame_of,
            frames=partial(self.frames, fps),
            init_func=self._init,
            interval=1000.0 / fps,
            blit=scene.blittable,
            cache_frame_data=False,
            save_count=self.frame_count(fps),
            repeat=True,
        )
        # Rendering is on demand (save, show, notebook), never implied by keeping a
        # reference; matplotlib's "deleted without rendering" warning does not apply.
        self._draw_was_started = True

    # -- the frames -----------------------------------------------------------------------

    def frame_count(self, fps: float | None = None) -> int:
        """Number of frames a save at ``fps`` writes: the run's frames plus the held ones."""
        fps = self._fps if fps is None else fps
        return frame_count(len(self.trace), self._steps, self._tween, self._hold_frames(fps))

    def _hold_frames(self, fps: float) -> int:
        return round(self._hold * fps)

    @property
    def fps(self) -> float:
        """Frames per second of the preview, and of saves by default."""
        return self._fps

    @property
    def figure(self) -> Figure:
        """The figure the animation draws in."""
        return self._fig  # type: ignore[no-any-return]

    def states(self) -> Iterator[KMeansState]:
        """The run's states from the first, again (the same run every time)."""
        return self._states()

    def frames(self, fps: float | None = None) -> Iterator[Frame]:
        """The frames a save at ``fps`` draws (default the animation's ``fps``), the final
        one repeated for the hold."""
        fps = self._fps if fps is None else fps
        return frames(
            self._states, steps=self._steps, tween=self._tween, hold=self._hold_frames(fps)
        )

    def _init(self) -> list[Artist]:
        self.scene.reset()
        return self.scene.artists

    def _draw_frame_of(self, frame: Frame) -> list[Artist]:
        return self.scene.update(frame)

    # -- output -----------------------------------------------------------------------

    def save(  # type: ignore[override]
        self,
        filename: str | os.PathLike[str],
        writer: Any = None,
        *,
        fps: float | None = None,
        dpi: float | None = None,
        progress: bool | None = None,
        **kwargs: Any,
    ) -> Path:
        """Save the animation; the format follows the suffix.

        Parameters
        ----------
        filename : str or path-like
            ``.mp4`` (H.264, yuv420p), ``.gif`` (looping, generated palette), ``.webm``
            (VP9) or ``.html`` (self-contained page). The file is written beside the
            target under a temporary name and renamed when complete: a failed or
            interrupted save leaves an existing file untouched and nothing else behind.
            Any name the file system takes works. An existing file the user may not
            write (as ``cp`` would find), or another user's in a sticky folder such as
            ``/tmp``, is refused with a ``PermissionError`` before any frame is drawn;
            a replaced file keeps its permissions.
        writer : optional
            Given (with any other ``FuncAnimation.save`` keyword), the call goes to
            matplotlib's own ``FuncAnimation.save`` (with imageio-ffmpeg's binary as
            its ffmpeg); that path draws every frame twice and does not write atomically.
        fps : float, optional
            Frames per second; default the ``fps`` given to :func:`animate`. The final
            frame is held for ``hold`` seconds at this rate.
        dpi : float, optional
            Resolution; default the figure's. Frame size is figsize × dpi pixels.
        progress : bool or None, default=None
            Draw a progress bar on stderr; None draws it only when stderr is a terminal.

        Returns
        -------
        Path
            The path written.
        """
        if writer is not None or kwargs:
            # matplotlib's path (not atomic); its "ffmpeg" writer is imageio-ffmpeg's too
            with mpl.rc_context({"animation.ffmpeg_path": ffmpeg_exe()}):
                super().save(filename, writer, fps=fps, dpi=dpi, **kwargs)
            return Path(filename)
        path = check_output(filename)
        if fps is None:
            fps = self._fps
        else:
            fps = check_real(fps, "fps", minimum=0.0, strict=True, maximum=MAX_FPS)
        dpi = self.figure.dpi if dpi is None else check_real(dpi, "dpi", minimum=0.0, strict=True)
        check_frame(self.figure.get_size_inches(), dpi)
        if progress is not None and not isinstance(progress, bool):
            raise TypeError(
                f"progress must be True, False or None; got progress={shown(progress)}."
            )
        suffix = path.suffix.lower()
        with interruptible() as check, atomic_output(path) as tmp:
            if suffix == ".html":
                vars(self).pop("_html_representation", None)  # to_jshtml caches its page
                with self._resolution(dpi), self._playing_at(fps):
                    tmp.write_text(self.to_jshtml(fps=fps), encoding="utf-8")
                vars(self).pop("_html_representation", None)
            else:
                self._encode(tmp, suffix, fps, dpi, progress, path.name, check)
            check()  # a Ctrl-C that a cleanup callback swallowed still stops the rename
        return path

    def _encode(
        self,
        tmp: Path,
        suffix: str,
        fps: float,
        dpi: float,
        progress: bool | None,
        label: str,
        check: Callable[[], None],
    ) -> None:
        """The fast path: the static background is drawn once; each frame restores it,
        draws only the animated artists and pipes the canvas's RGBA buffer to ffmpeg."""
        fig = self.figure
        writer = FrameWriter(suffix, fps)
        with self._resolution(dpi, even=suffix != ".gif") as canvas, writer.saving(fig, tmp, dpi):
            self.scene.reset()
            artists = self.scene.artists
            background = None
            if self.scene.blittable:
                # While saving, matplotlib draws animated artists too: hide them so that
                # the background holds only what never changes.
                shown = [a.get_visible() for a in artists]
                for a in artists:
                    a.set_visible(False)
                canvas.draw()
                background = canvas.copy_from_bbox(fig.bbox)
                for a, v in zip(artists, shown, strict=True):
                    a.set_visible(v)
            seq = progress_bar(self.frames(fps), self.frame_count(fps), label, progress)
            for frame in seq:
                changed = self.scene.update(frame)
                if background is not None:
                    canvas.restore_region(background)
                    for a in changed:
                        fig.draw_artist(a)
                else:
                    canvas.draw()
                writer.write(canvas.buffer_rgba())
                check()

    @contextlib.contextmanager
    def _playing_at(self, fps: float) -> Iterator[None]:
        """Make matplotlib's own frame sequence hold the last frame as long at ``fps``."""
        saved = self._iter_gen, self._save_count
        self._iter_gen, self._save_count = partial(self.frames, fps), self.frame_count(fps)
        try:
            yield
        finally:
            self._iter_gen, self._save_count = saved

    @contextlib.contextmanager
    def _resolution(self, dpi: float, *, even: bool = False) -> Iterator[FigureCanvasAgg]:
        """Render offscreen with Agg at ``dpi``; restore canvas, dpi and size afterwards.

        The size is set so that both matplotlib's writer and Agg agree on whole pixels
        (even ones for video codecs that need them).
        """
        fig = self.figure
        old_canvas, old_dpi, old_size = fig.canvas, fig.dpi, fig.get_size_inches().copy()
        w, h = (round(v * dpi) for v in old_size)
        if even:
            w, h = w + w % 2, h + h % 2
        try:
            canvas = FigureCanvasAgg(fig)
            fig.set_dpi(dpi)
            fig.set_size_inches((w + 1e-3) / dpi, (h + 1e-3) / dpi, forward=False)
            # like Animation.save: the draw_event that would start the live animation
            # must not fire while saving
            with cbook._setattr_cm(canvas, _is_saving=True):
                yield canvas
        finally:
            fig.set_canvas(old_canvas)
            fig.set_dpi(old_dpi)
            fig.set_size_inches(old_size, forward=False)

    def show(self, *, block: bool = True) -> None:
        """Open the live preview window (the interactive backend matplotlib picks).

        Raises
        ------
        RuntimeError
            If no interactive backend can be used (no display): use :meth:`save` instead.
        """
        import matplotlib.pyplot as plt
        from matplotlib.backends import BackendFilter, backend_registry

        backend = plt.get_backend().lower()
        static = {b.lower() for b in backend_registry.list_builtin(BackendFilter.NON_INTERACTIVE)}
        if backend in static:
            raise RuntimeError(
                f"cannot open a preview window: matplotlib's backend is {backend!r} (no display "
                "found). Use save('out.mp4') instead, or run where a display is available."
            )
        fig = self.figure
        if fig.canvas.manager is None:  # first show, or the last window was closed
            try:
                plt.figure(fig)
            except Exception as exc:  # the GUI toolkit could not open a window
                raise RuntimeError(
                    f"cannot open a preview window ({exc}); use save('out.mp4') instead."
                ) from exc
            if fig.canvas.required_interactive_framework is None:  # e.g. notebook inline
                plt.close(fig)
                raise RuntimeError(
                    f"cannot open a preview window with the {backend!r} backend; use "
                    "save('out.mp4'), or display the animation in a notebook cell."
                )
            # A new window: a new timer (the offscreen canvas's never fires), and the
            # start-on-first-draw and stop-on-close hooks that closing a window removes.
            self.event_source = fig.canvas.new_timer(interval=self._interval)
            self.event_source.add_callback(self._step)
            for cid in (self._first_draw_id, self._close_id):
                fig.canvas.mpl_disconnect(cid)  # no-op if already gone
            self._first_draw_id = fig.canvas.mpl_connect("draw_event", self._start)
            self._close_id = fig.canvas.mpl_connect("close_event", self._stop)
            # blitting needs a canvas that can; the offscreen one at creation could not
            # (giving it one earlier would make FuncAnimation draw the figure at once)
            self._blit = self.scene.blittable and fig.canvas.supports_blit
            if self._blit:
                self._setup_blit()
        plt.show(block=block)

    def _repr_html_(self) -> str:
        """Display in a Jupyter notebook as an embedded JavaScript player."""
        return self.to_jshtml()


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
        Frames per second of the preview and of saved videos, at most 1000.
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
        Size of the ``x`` markers of the points.
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
    fps = check_real(fps, "fps", minimum=0.0, strict=True, maximum=MAX_FPS)
    hold = check_real(hold, "hold", minimum=0.0, strict=False, maximum=MAX_HOLD)
    dpi = check_real(dpi, "dpi", minimum=0.0, strict=True)
    marker_size = check_real(marker_size, "marker_size", minimum=0.0, strict=True)
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
        )
    }
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None; got title={shown(title)}.")
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
        fig, scene, states, trace, fps=fps, hold=hold, steps=steps, tween=tween, seed=seed
    )
