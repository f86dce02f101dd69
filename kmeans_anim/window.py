"""The live window a presenter drives: keys, a frame slider, a key list over the plot,
frame stepping, new runs in the same figure, and centroids placed by clicks.

``KMeansAnimation.show()`` calls :func:`show`. The window plays the frames with its own
timer and draws frame ``i`` on demand (:class:`FrameList`), so stepping back, the
slider and jumps need no replay of matplotlib's frame sequence. It draws without
blitting: the slider, the key list and a paused frame then survive any redraw.
"""

from __future__ import annotations

import contextlib
import itertools
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backend_bases import Event, KeyEvent, MouseEvent
from matplotlib.widgets import Slider

from ._checks import FRESH_SEEDS
from .animation import KMeansAnimation
from .timeline import Frame, state_frames

__all__ = ["KEYS", "MAX_K", "FrameList", "Window", "show"]

#: The window's keys and what they do, as the key list and the README show them.
KEYS = (
    ("space", "pause / play"),
    ("→ / ←", "one frame forward / back"),
    ("shift+→ / ←", "next / previous K-means state"),
    ("Home / End", "first / last frame"),
    ("r", "replay from the start"),
    ("n", "new run with a new seed"),
    ("+ / −", "k one up / down, new run"),
    ("s", "save this frame as PNG"),
    ("h or ?", "show / hide this list"),
    ("q / Esc", "close"),
)

#: Most clusters the + key goes to (and never more than there are points).
MAX_K = 50

#: Share of the figure's height kept free under the plot for the slider.
SLIDER_ROOM = 0.08


class FrameList:
    """Frame ``i`` of an animation on demand.

    When the run's states are kept (:attr:`Trace.states`), frames are materialised
    lazily and kept, so any frame is at hand. A run too big to keep its states keeps
    only its current frame: going back replays the run from the start up to the frame
    asked for (a K-means run each time), which is slow but still right.
    """

    def __init__(self, anim: KMeansAnimation) -> None:
        self._anim = anim
        self.count = anim.frame_count()
        self._kept: list[Frame] | None = [] if anim.trace.states is not None else None
        self._seq = anim.frames()
        self._at, self._current = -1, None

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, i: int) -> Frame:
        if not 0 <= i < self.count:
            raise IndexError(i)
        if self._kept is not None:
            self._kept.extend(itertools.islice(self._seq, max(0, i + 1 - len(self._kept))))
            return self._kept[i]
        if i < self._at:
            self._seq.close()
            self._seq, self._at = self._anim.frames(), -1
        for frame in itertools.islice(self._seq, i - self._at):
            self._current = frame
        self._at = i
        assert self._current is not None
        return self._current


def show(anim: KMeansAnimation, *, block: bool = True) -> None:
    """Open ``anim``'s live window (see :meth:`KMeansAnimation.show`)."""
    import matplotlib.pyplot as plt
    from matplotlib.backends import BackendFilter, backend_registry
    from matplotlib.backends.backend_webagg_core import FigureCanvasWebAggCore

    backend = plt.get_backend().lower()
    static = {b.lower() for b in backend_registry.list_builtin(BackendFilter.NON_INTERACTIVE)}
    if backend in static:
        raise RuntimeError(
            f"cannot open a preview window: matplotlib's backend is {backend!r} (no display "
            "found). Use save('out.mp4') instead, or run where a display is available."
        )
    fig = anim.figure
    if fig.canvas.manager is None:  # first show, or the last window was closed
        try:
            plt.figure(fig)
        except Exception as exc:  # the GUI toolkit could not open a window
            raise RuntimeError(
                f"cannot open a preview window ({exc}); use save('out.mp4') instead."
            ) from exc
        # a GUI toolkit's window, or a page's (webagg, nbagg, ipympl's %matplotlib widget:
        # they name no toolkit, their keys and timers come from the browser); inline
        # notebook figures are neither
        in_page = isinstance(fig.canvas, FigureCanvasWebAggCore)
        if fig.canvas.required_interactive_framework is None and not in_page:
            plt.close(fig)
            raise RuntimeError(
                f"cannot open a preview window with the {backend!r} backend; use "
                "save('out.mp4'), or display the animation in a notebook cell."
            )
        # the window keeps itself alive through the callbacks it connects
        Window(anim)
    plt.show(block=block)


class Window:
    """The keys, slider, key list and playback of one open window of ``anim``.

    Attributes
    ----------
    anim : KMeansAnimation
        The animation shown; new runs (n, +, -, clicks) become its run.
    frames : FrameList
        The current run's frames.
    pos : int
        Index of the frame shown.
    paused : bool
        Whether playback is stopped.
    """

    def __init__(self, anim: KMeansAnimation) -> None:
        self.anim = anim
        fig = self.fig = anim.figure
        canvas = fig.canvas
        manager = canvas.manager
        # matplotlib's default keys (l or k: log scales, which stop an animation; g, f,
        # ...) off in this window only
        handler = getattr(manager, "key_press_handler_id", None)
        if handler is not None:
            canvas.mpl_disconnect(handler)
            manager.key_press_handler_id = None  # type: ignore[union-attr]
        self._silence(anim)
        self._cids = [
            canvas.mpl_connect("key_press_event", self._on_key),
            canvas.mpl_connect("button_press_event", self._on_click),
            canvas.mpl_connect("close_event", self._on_close),
        ]
        self.timer = canvas.new_timer(interval=1000.0 / anim.fps)
        self.timer.add_callback(self._tick)
        self.paused, self.pos = True, 0
        self._syncing = False  # the slider follows playback without seeking
        self._layout = self._make_room()
        self.slider = Slider(
            fig.add_axes((0.2, 0.02, 0.6, 0.035)),
            "frame",
            0,
            1,
            valinit=0,
            valstep=1,
            valfmt="%d",
        )
        self.slider.on_changed(self._on_slide)
        self.overlay = fig.text(
            0.5,
            0.55,
            _key_list(),
            ha="center",
            va="center",
            multialignment="left",
            family="monospace",
            fontsize=12,
            zorder=10,
            visible=False,
            bbox={"boxstyle": "round,pad=0.6", "fc": "white", "ec": "0.3", "alpha": 0.94},
        )
        self.overlay.set_in_layout(False)
        self.placed: list[tuple[float, ...]] = []
        self._marks: Artist | None = None
        anim.window = self
        self._load()

    # -- runs ---------------------------------------------------------------------------

    @staticmethod
    def _silence(anim: KMeansAnimation) -> None:
        """The window plays the frames itself: FuncAnimation's own start-on-first-draw
        and stop-on-close hooks (kept by the figure across canvases) must not fire."""
        for cid in (anim._first_draw_id, anim._close_id):
            anim.figure.canvas.mpl_disconnect(cid)

    def _load(self) -> None:
        """Show the animation's (new) run from its first frame."""
        anim = self.anim
        self.frames = FrameList(anim)
        seeds = 0 if anim._seeding is None else anim._seeding.count
        self.starts = state_frames(len(anim.trace), anim._steps, anim._tween, seeds)
        last = max(len(self.frames) - 1, 1)
        self.slider.valmax = last
        self.slider.ax.set_xlim(0, last)
        k = anim.trace.centroids.shape[1]
        named = f"{anim.name}, " if anim.name else ""
        self.fig.canvas.manager.set_window_title(  # type: ignore[union-attr]
            f"kmeans-anim: {named}k={k}, seed {anim.seed}"
        )
        if anim.clicks:
            self._await_clicks()
        else:
            self.goto(0)
            self.play()

    def _remake(self, **change: Any) -> None:
        """A new run of the same recipe in the same axes; a refused one (k above the
        number of points, a palette too short) is said on stderr and the old one stays."""
        if self.anim.remake is None:  # several runs (compare, sweep): fixed by their call
            print(
                "kmeans-anim: this animation's runs are fixed; n, + and - do nothing",
                file=sys.stderr,
            )
            return
        seed = change.pop("seed", self.anim.seed)
        self.pause()
        try:
            new = self.anim.remake(seed, **change)
        except (ValueError, TypeError) as exc:
            print(f"kmeans-anim: {exc}", file=sys.stderr)
            return
        self._silence(new)
        self.anim._become(new)
        self._load()

    def _change_k(self, step: int) -> None:
        k = self.anim.trace.centroids.shape[1] + step
        if not 1 <= k <= MAX_K:
            print(f"kmeans-anim: k={k}: the window runs 1 to {MAX_K} clusters", file=sys.stderr)
            return
        self._remake(k=k)

    # -- clicks -------------------------------------------------------------------------

    def _await_clicks(self) -> None:
        """Points only, grey, and a counter; each click on the plot places a centroid."""
        scene = self.anim.scene
        scene.reset()
        self.placed = []
        none = Frame(0, np.empty((0, scene.view_dim)), None, "", 0)
        scene.points.update(none)
        (self._marks,) = scene.ax.plot([], [], "o", ms=10, mfc="none", mec="black", mew=2)
        self._count()

    def _count(self) -> None:
        self.anim.scene.caption.text.set_text(
            f"click centroid {len(self.placed) + 1} / {self.anim.clicks}"
            if len(self.placed) < self.anim.clicks
            else ""
        )
        self.fig.canvas.draw_idle()

    def _on_click(self, event: MouseEvent) -> None:
        scene = self.anim.scene
        if not self.anim.clicks or event.inaxes is not scene.ax or event.button != 1:
            return
        # 1-D data lies along x (its y is only a band to see the points in)
        one_d = self.anim.trace.centroids.shape[2] == 1
        at = (event.xdata,) if one_d else (event.xdata, event.ydata)
        self.placed.append(tuple(float(v) for v in at))  # type: ignore[arg-type]
        xs = [p[0] for p in self.placed]
        ys = [p[1] if len(p) > 1 else 0.0 for p in self.placed]
        assert self._marks is not None
        self._marks.set_data(xs, ys)  # type: ignore[attr-defined]
        self._count()
        if len(self.placed) == self.anim.clicks:
            self._marks.remove()
            self._marks = None
            self._remake(init=np.array(self.placed))

    # -- playback -----------------------------------------------------------------------

    def goto(self, i: int) -> None:
        """Show frame ``i`` (clipped to the run)."""
        self.pos = min(max(i, 0), len(self.frames) - 1)
        self.anim.scene.update(self.frames[self.pos])
        self._syncing = True
        try:
            self.slider.set_val(self.pos)
        finally:
            self._syncing = False
        self.fig.canvas.draw_idle()

    def play(self) -> None:
        if self.pos >= len(self.frames) - 1:  # play at the end: from the start
            self.goto(0)
        self.paused = False
        self.timer.start()

    def pause(self) -> None:
        self.paused = True
        self.timer.stop()

    def _tick(self) -> None:
        if self.pos < len(self.frames) - 1:
            self.goto(self.pos + 1)
        elif self.anim._repeat:
            self.goto(0)
        else:
            self.pause()  # playback stops on the last frame

    def _step(self, by: int) -> None:
        self.pause()
        self.goto(self.pos + by)

    def _to_state(self, by: int) -> None:
        """To the first frame of the next (by=1) or previous (by=-1) K-means state."""
        self.pause()
        if by > 0:
            later = [s for s in self.starts if s > self.pos]
            self.goto(later[0] if later else len(self.frames) - 1)
        else:
            earlier = [s for s in self.starts if s < self.pos]
            self.goto(earlier[-1] if earlier else 0)

    def _on_slide(self, value: float) -> None:
        if not self._syncing:
            self.pause()
            self.goto(int(value))

    # -- keys ---------------------------------------------------------------------------

    def _on_key(self, event: KeyEvent) -> None:
        """The keys of :data:`KEYS`; any other key does nothing."""
        key = event.key
        if key in ("q", "escape"):
            import matplotlib.pyplot as plt

            plt.close(self.fig)
        elif key in ("h", "?"):
            self.overlay.set_visible(not self.overlay.get_visible())
            self.fig.canvas.draw_idle()
        elif key == "n":
            self._remake(seed=int(np.random.default_rng().integers(FRESH_SEEDS)))
        elif self.anim.clicks:
            return  # until the centroids are placed there is no run to drive
        elif key == " ":
            self.play() if self.paused else self.pause()
        elif key in ("right", "left"):
            self._step(1 if key == "right" else -1)
        elif key in ("shift+right", "shift+left"):
            self._to_state(1 if key == "shift+right" else -1)
        elif key in ("home", "end"):
            self.goto(0 if key == "home" else len(self.frames) - 1)
        elif key == "r":
            self.goto(0)
            self.play()
        elif key in ("+", "="):
            self._change_k(1)
        elif key == "-":
            self._change_k(-1)
        elif key == "s":
            print(f"saved {self.save_frame()}")

    def save_frame(self, folder: str | Path = ".") -> Path:
        """Save the frame shown as ``kmeans-anim-frame-0007.png`` in ``folder`` (the
        current one), numbered on (``-1``, ``-2``, ...) rather than overwrite a file;
        without the slider or the key list."""
        base = f"kmeans-anim-frame-{self.pos:04d}"
        for n in itertools.count():
            path = Path(folder, base + (f"-{n}" if n else "") + ".png")
            try:
                out = open(path, "xb")  # exclusive: never replaces a file
            except FileExistsError:
                continue
            with out, self.offscreen():
                self.fig.savefig(out, format="png", dpi=self.fig.dpi)
            return path.resolve()
        raise AssertionError("unreachable")

    @contextlib.contextmanager
    def offscreen(self) -> Iterator[None]:
        """The figure as saves draw it, for a ``with`` block: no slider, no key list,
        no room kept for the slider."""
        artists = (self.slider.ax, self.overlay)
        visible = [a.get_visible() for a in artists]
        try:
            for a in artists:
                a.set_visible(False)
            self._give_back()
            yield
        finally:
            self._layout = self._make_room()
            for a, v in zip(artists, visible, strict=True):
                a.set_visible(v)

    # -- the end ------------------------------------------------------------------------

    def _make_room(self) -> Any:
        """Room under the plot for the slider; returns what :meth:`_give_back` restores."""
        engine = self.fig.get_layout_engine()
        if engine is not None and hasattr(engine, "set") and "rect" in engine.get():
            old = engine.get()["rect"]
            engine.set(rect=(0, SLIDER_ROOM, 1, 1 - SLIDER_ROOM))
            return ("rect", old)
        old = self.fig.subplotpars.bottom
        self.fig.subplots_adjust(bottom=old + SLIDER_ROOM)
        return ("bottom", old)

    def _give_back(self) -> None:
        kind, old = self._layout
        if kind == "rect":
            self.fig.get_layout_engine().set(rect=old)  # type: ignore[union-attr]
        else:
            self.fig.subplots_adjust(bottom=old)

    def _on_close(self, event: Event) -> None:
        """Leave the figure as it was: a save after the window shows no slider."""
        self.pause()
        for cid in self._cids:
            self.fig.canvas.mpl_disconnect(cid)
        for artist in (self.slider.ax, self.overlay):
            artist.remove()
        if self._marks is not None:
            self._marks.remove()
        self._give_back()
        self.anim.window = None


def _key_list() -> str:
    width = max(len(k) for k, _ in KEYS) + 3
    return "\n".join(f"{k:<{width}}{what}" for k, what in KEYS)
