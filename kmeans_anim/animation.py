""":class:`KMeansAnimation`: a matplotlib ``FuncAnimation`` over the core's states,
with a fast save path, a live preview and notebook display (:func:`animate` in
``compose.py`` makes one)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, Literal

import matplotlib as mpl
from matplotlib import cbook
from matplotlib.animation import FuncAnimation
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._checks import (
    DEFAULTS,
    check_real,
    shown,
)
from .core import KMeansState
from .layout import check_frame
from .progress import progress as progress_bar
from .scenes import Scene
from .timeline import Frame, Trace, frame_count, frames
from .writers import FrameWriter, atomic_output, check_output, ffmpeg_exe, interruptible

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
    ) -> None:
        self.scene = scene
        self.trace = trace
        self.seed = seed
        self._paused = False  # the live window's space key
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
        return frame_count(len(self.trace), self._steps, self._tween, self._hold_frames(fps))

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
        stall_timeout: float = DEFAULTS.stall_timeout,
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
        if writer is not None or kwargs:
            # matplotlib's path (not atomic); its "ffmpeg" writer is imageio-ffmpeg's too
            with mpl.rc_context({"animation.ffmpeg_path": ffmpeg_exe()}):
                super().save(filename, writer, fps=fps, dpi=dpi, **kwargs)
            return Path(filename)
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
        with interruptible() as check, atomic_output(path) as tmp:
            if suffix == ".html":
                vars(self).pop("_html_representation", None)  # to_jshtml caches its page
                with self._resolution(dpi), self._playing_at(fps, check):
                    tmp.write_text(self.to_jshtml(fps=fps), encoding="utf-8")
                vars(self).pop("_html_representation", None)
            else:
                writer = FrameWriter(suffix, fps, stall_timeout, check)
                self._encode(writer, tmp, suffix, fps, dpi, progress, path.name, check)
            check()  # a Ctrl-C that a cleanup callback swallowed still stops the rename
        return path

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

    @contextlib.contextmanager
    def _playing_at(self, fps: float, check: Callable[[], None]) -> Iterator[None]:
        """Make matplotlib's own frame sequence hold the last frame as long at ``fps``,
        calling ``check()`` before each frame (matplotlib renders them all in one call)."""

        def checked() -> Iterator[Frame]:
            for frame in self.frames(fps):
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
        """Open the live preview window (the interactive backend matplotlib picks),
        titled ``kmeans-anim: k=3, seed 1234``. Space pauses and plays, q or Esc
        closes it; matplotlib's own keys (log scales, grid, fullscreen, ...) are off in
        this window, so a stray key cannot stop the animation.

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
            self._own_the_keys(fig)
        plt.show(block=block)

    def _own_the_keys(self, fig: Figure) -> None:
        """In this window only: matplotlib's default keys off (``l`` or ``k`` turn on
        log scales, which stops a blitted animation), ours on, and a title naming the
        run. Nothing global changes."""
        manager = fig.canvas.manager
        handler = getattr(manager, "key_press_handler_id", None)
        if handler is not None:
            fig.canvas.mpl_disconnect(handler)
            manager.key_press_handler_id = None  # type: ignore[union-attr]
        fig.canvas.mpl_connect("key_press_event", self._on_key)
        k = self.trace.centroids.shape[1]
        manager.set_window_title(f"kmeans-anim: k={k}, seed {self.seed}")  # type: ignore[union-attr]

    def _on_key(self, event: Any) -> None:
        """Space pauses and plays; q or Esc closes the window; any other key is ignored."""
        import matplotlib.pyplot as plt

        if event.key == " ":
            if self._paused:
                self.resume()
            else:
                self.pause()
            self._paused = not self._paused
        elif event.key in ("q", "escape"):
            plt.close(self.figure)

    def _repr_html_(self) -> str:
        """Display in a Jupyter notebook as an embedded JavaScript player."""
        return self.to_jshtml()
