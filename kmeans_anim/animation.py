""":class:`KMeansAnimation`: a matplotlib ``FuncAnimation`` over the core's states,
with a fast save path, a live preview and notebook display (:func:`animate` in
``compose.py`` makes one)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any, Literal

from matplotlib import cbook
from matplotlib.animation import FuncAnimation
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import notebook
from ._checks import (
    DEFAULTS,
    check_real,
    shown,
)
from .core import KMeansState
from .filmstrip import STILLS, Cell, check_picks, default_picks, shows_state, write_filmstrip
from .layout import check_frame, grid_shape
from .outputs import atomic_output, check_output
from .progress import progress as progress_bar
from .scenes import Scene
from .timeline import Frame, Seeding, Trace, frame_count, frames
from .writers import FrameWriter, interruptible, save_with_writer

__all__ = ["KMeansAnimation"]

#: Largest frame rate, longest hold of the final frame in seconds, and most frames
#: between two states.
MAX_FPS, MAX_HOLD, MAX_TWEEN = 1000.0, 3600.0, 1000
#: Smallest frame rate: ffmpeg's H.264 muxer fails below about 1.1e-5 (a frame every
#: 25 hours); this leaves a margin.
MIN_FPS = 1e-4
#: Most frames one animation may have (over 55 minutes at 30 fps).
MAX_FRAMES = 100_000
#: Longest ``stall_timeout`` of a save, in seconds.
MAX_STALL_TIMEOUT = 3600.0


def check_fps(fps: Any) -> float:
    """Validate a frame rate: ``MIN_FPS <= fps <= MAX_FPS``."""
    return check_real(fps, "fps", minimum=MIN_FPS, strict=False, maximum=MAX_FPS)


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
    name : str or None
        What the run is of, for the window title (``animate(name=...)``).
    remake : callable or None
        ``remake(seed, k=None, init=None)`` gives the same recipe's animation for
        another seed, k or initial centroids, in the same axes (the window's n, + and -).
    clicks : int
        Centroids still to be placed by clicks in the live window (``init='click'``).
    window : Window or None
        The open live window (the frame it shows is ``window.pos``), else None.
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
        loop: bool = False,
        panel: Callable[[Axes], Scene] | None = None,
        name: str | None = None,
        remake: Callable[..., KMeansAnimation] | None = None,
        clicks: int = 0,
        seeding: Seeding | None = None,
    ) -> None:
        self.scene = scene
        self._panel = panel  # a fresh scene of the run in another axes: the filmstrip
        self._seeding = seeding
        self.trace = trace
        self.seed = seed
        self.name = name
        self.remake = remake
        self.clicks = clicks
        self.window: Any = None  # a kmeans_anim.window.Window while one is open
        self._states = states
        self._fps = fps
        self._hold = hold
        self._steps = steps
        self._tween = tween
        self._check_frames(fps)
        super().__init__(
            fig,
            self._draw_frame_of,
            frames=partial(self.frames, fps),
            init_func=self._init,
            interval=1000.0 / fps,
            blit=scene.blittable,
            cache_frame_data=False,
            save_count=self.frame_count(fps),
            repeat=loop,  # also the notebook player's default mode: 'loop' or 'once'
        )
        # Rendering is on demand (save, show, notebook), never implied by keeping a
        # reference; matplotlib's "deleted without rendering" warning does not apply.
        self._draw_was_started = True

    # -- the frames -----------------------------------------------------------------------

    def frame_count(self, fps: float | None = None) -> int:
        """Number of frames a save at ``fps`` writes: the run's frames plus the held ones."""
        fps = self._fps if fps is None else fps
        seeds = 0 if self._seeding is None else self._seeding.count
        return frame_count(
            len(self.trace), self._steps, self._tween, self._hold_frames(fps), seeds
        )

    def _check_frames(self, fps: float) -> None:
        """Refuse more than ``MAX_FRAMES`` frames at ``fps``: found before any is drawn."""
        count = self.frame_count(fps)
        if count > MAX_FRAMES:
            raise ValueError(
                f"fps={fps:g} with hold={self._hold:g}, tween={self._tween} and "
                f"{len(self.trace)} states makes {count:,} frames; at most {MAX_FRAMES:,}: "
                "lower fps, hold, tween or max_iter."
            )

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
            self._states,
            steps=self._steps,
            tween=self._tween,
            hold=self._hold_frames(fps),
            seeding=self._seeding,
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
        stall_timeout: float = DEFAULTS.stall_timeout,
        **kwargs: Any,
    ) -> Path:
        """Save the animation; the format follows the suffix.

        Parameters
        ----------
        filename : str or path-like
            ``.mp4`` (H.264, yuv420p), ``.gif`` (looping, generated palette), ``.webm``
            (VP9) or ``.html`` (a page that needs no network, every frame a PNG in
            matplotlib's player; past ``notebook.HTML_MAX_PIXELS`` frame pixels, 10⁹,
            it is refused with a ``ValueError`` before any frame is drawn); ``.png``,
            ``.svg`` or ``.pdf`` write one still figure of chosen frames (see
            :meth:`filmstrip`). The file
            is written beside the target under a temporary name and renamed when
            complete: a failed or
            interrupted save leaves an existing file untouched and nothing else behind.
            Any name the file system takes works. An existing file the user may not
            write (as ``cp`` would find), or another user's in a sticky folder such as
            ``/tmp``, is refused with a ``PermissionError`` before any frame is drawn;
            a replaced file keeps its permissions.
        writer : optional
            Given (with any other ``FuncAnimation.save`` keyword), the call goes to
            matplotlib's own ``FuncAnimation.save`` (with imageio-ffmpeg's binary as
            its ffmpeg), the writer choosing the format whatever the suffix; that path
            draws every frame twice, written as safely as this one.
        fps : float, optional
            Frames per second; default the ``fps`` given to :func:`animate`. The final
            frame is held for ``hold`` seconds at this rate.
        dpi : float, optional
            Resolution; default the figure's. Frame size is figsize × dpi pixels.
        progress : bool or None, default=None
            Draw a progress bar on stderr; None draws it only when stderr is a terminal.
        stall_timeout : float, default=30
            Seconds ffmpeg may take no data (or take to finish after the last frame)
            before the save is stopped with an :class:`~kmeans_anim.EncoderError`; at
            most 3600. A file ffmpeg claims to have written is installed only if it
            holds every frame.

        Ctrl-C, SIGTERM and SIGHUP stop the save at the next frame (a second one at
        once) with a ``KeyboardInterrupt``, everything cleaned up.

        Returns
        -------
        Path
            The path written.
        """
        self._check_placed()
        if writer is not None or kwargs:
            return save_with_writer(self, filename, writer, fps=fps, dpi=dpi, **kwargs)
        path = check_output(filename)
        if fps is None:
            fps = self._fps
        else:
            fps = check_fps(fps)
            self._check_frames(fps)
        stall_timeout = check_real(
            stall_timeout, "stall_timeout", minimum=0.0, strict=True, maximum=MAX_STALL_TIMEOUT
        )
        dpi = self.figure.dpi if dpi is None else check_real(dpi, "dpi", minimum=0.0, strict=True)
        check_frame(self.figure.get_size_inches(), dpi)
        if progress is not None and not isinstance(progress, bool):
            raise TypeError(
                f"progress must be True, False or None; got progress={shown(progress)}."
            )
        suffix = path.suffix.lower()
        if suffix in STILLS:
            return self._write_filmstrip(path, None, dpi)
        if suffix == ".html":
            w, h = (round(v * dpi) for v in self.figure.get_size_inches())
            notebook.check_page(self.frame_count(fps), w, h)
        with interruptible() as check, atomic_output(path) as tmp:
            if suffix == ".html":
                with self._resolution(dpi):
                    tmp.write_text(notebook.page(self, fps, check), encoding="utf-8")
            else:
                writer = FrameWriter(suffix, fps, stall_timeout, check)
                self._encode(writer, tmp, suffix, fps, dpi, progress, path.name, check)
            check()  # a Ctrl-C that a cleanup callback swallowed still stops the rename
        return path

    def filmstrip(
        self,
        path: str | os.PathLike[str],
        frames: Sequence[int] | None = None,
        *,
        dpi: float | None = None,
    ) -> Path:
        """Write chosen frames as one still figure, a panel each: for slides and papers
        where a video cannot go.

        Parameters
        ----------
        path : str or path-like
            ``.png``, ``.svg`` or ``.pdf`` (vector); written atomically as :meth:`save`.
        frames : list of int, optional
            Frame numbers, as in a save at the animation's ``fps`` (negative ones count
            from the end), at most 64. Default: the initial state, the final state and
            iterations evenly spread between, 6 panels at most; for a sweep, each k's
            final state.
        dpi : float, optional
            Resolution of a PNG; default the figure's.

        Returns
        -------
        Path
            The path written.
        """
        self._check_placed()
        path = check_output(path)
        if path.suffix.lower() not in STILLS:
            raise ValueError(
                f"path={str(path)!r}: a filmstrip is {', '.join(STILLS)}; use save() for videos."
            )
        dpi = self.figure.dpi if dpi is None else check_real(dpi, "dpi", minimum=0.0, strict=True)
        picks = None if frames is None else check_picks(frames, self.frame_count())
        return self._write_filmstrip(path, picks, dpi)

    def _write_filmstrip(self, path: Path, picks: list[int] | None, dpi: float) -> Path:
        if self._panel is None:
            raise TypeError("this animation was not made by animate(): it has no filmstrip.")
        if picks is None:
            picks = self._default_picks()
        wanted = set(picks)
        chosen = {i: item for i, item in enumerate(self.frames()) if i in wanted}
        rows = self._filmstrip_rows([chosen[i] for i in picks])
        three_d = any(getattr(ax, "name", "") == "3d" for ax in self.figure.axes)
        ax = getattr(self.scene, "ax", None)  # a single run's axes holds its title
        title = self.figure.get_suptitle() or (ax.get_title() if ax is not None else "")
        with interruptible() as check, atomic_output(path) as tmp:
            write_filmstrip(tmp, rows, three_d=three_d, dpi=dpi, title=title or None)
            check()  # a Ctrl-C while drawing stops the rename
        return path

    def _default_picks(self) -> list[int]:
        """Frame numbers of the default filmstrip: the first frame that shows each state."""
        seen: set[int] = set()
        firsts = []
        for i, frame in enumerate(self.frames()):
            if frame.iteration not in seen and shows_state(frame):
                seen.add(frame.iteration)
                firsts.append(i)
        return default_picks(firsts)

    def _filmstrip_rows(self, items: list[Any]) -> list[list[Cell]]:
        """The filmstrip's panels for the chosen frames, in rows."""
        assert self._panel is not None
        cells = [Cell(self._panel, frame) for frame in items]
        _, cols = grid_shape(len(cells))
        return [cells[i : i + cols] for i in range(0, len(cells), cols)]

    def _encode(
        self,
        writer: FrameWriter,
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

    def _check_placed(self) -> None:
        """The edge of every output: a run whose centroids are still to be clicked has
        no frames to write."""
        if self.clicks:
            raise ValueError(
                "init='click' places the centroids by clicking in the live window (show()); "
                "to save, pass init='k-means++', 'random' or an array of shape (k, d)."
            )

    def _become(self, other: KMeansAnimation) -> None:
        """Take over ``other``'s run (made by :attr:`remake` in the same axes): the
        window's new runs are then what a later save writes."""
        self.scene, self.trace, self.seed = other.scene, other.trace, other.seed
        self.remake, self.clicks, self._states = other.remake, other.clicks, other._states
        self._panel, self._seeding = other._panel, other._seeding
        self._save_count = self.frame_count()

    @contextlib.contextmanager
    def _playing_at(self, fps: float, check: Callable[[], None] | None = None) -> Iterator[None]:
        """Make matplotlib's own frame sequence hold the last frame as long at ``fps``,
        calling ``check()`` before each frame (matplotlib renders them all in one call)."""

        def checked() -> Iterator[Frame]:
            for frame in self.frames(fps):
                if check is not None:
                    check()
                yield frame

        saved = self._iter_gen, self._save_count
        self._iter_gen, self._save_count = checked, self.frame_count(fps)
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
        stack = contextlib.ExitStack()
        old_canvas, old_dpi, old_size = fig.canvas, fig.dpi, fig.get_size_inches().copy()
        w, h = (round(v * dpi) for v in old_size)
        if even:
            w, h = w + w % 2, h + h % 2
        try:
            if self.window is not None:  # its slider and key list stay out of saves
                stack.enter_context(self.window.offscreen())
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
            stack.close()

    def show(self, *, block: bool = True) -> None:
        """Open the live window (the interactive backend matplotlib picks), titled
        ``kmeans-anim: wine, k=3, seed 1234``, driven from the keyboard (h or ? lists
        the keys) and a frame slider; see :mod:`kmeans_anim.window`.

        Raises
        ------
        RuntimeError
            If no interactive backend can be used (no display): use :meth:`save` instead.
        """
        from .window import show

        show(self, block=block)

    def to_html5_video(self, embed_limit: float | None = None) -> str:
        """An HTML5 ``<video>`` of every frame (H.264 by imageio-ffmpeg's ffmpeg; no
        system ffmpeg needed). Over ``embed_limit`` MB (default
        ``rcParams['animation.embed_limit']``) it warns and embeds a smaller video."""
        return notebook.video_tag(self, embed_limit)

    def to_jshtml(  # type: ignore[override]
        self, fps: float | None = None, embed_frames: bool = True, default_mode: Any = None
    ) -> str:
        """matplotlib's JavaScript player with every frame and its icons inline. Over
        ``rcParams['animation.embed_limit']`` it warns and gives the video instead."""
        if not embed_frames or default_mode is not None:
            return super().to_jshtml(fps, embed_frames, default_mode)  # type: ignore[no-any-return]
        fps = self._fps if fps is None else check_real(fps, "fps", minimum=0.0, strict=True)
        return notebook.jshtml(self, fps)

    def _repr_html_(self) -> str:
        """Display in a notebook as an embedded H.264 video (far smaller than the
        JavaScript player's PNG per frame)."""
        return self.to_html5_video()
