"""The ways of rendering an animation that the fast path is compared with.

Each function renders every frame of a :class:`kmeans_anim.KMeansAnimation` to a file and
returns nothing; the caller times it. They reach into the animation's private methods
(``_init``, ``_frames``, ``_resolution``) on purpose: the baselines must draw exactly the
frames the fast path draws.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import imageio_ffmpeg
from matplotlib.backends.backend_agg import FigureCanvasAgg

from kmeans_anim.writers import FrameWriter


def plain_save(anim: Any, path: Path, fps: float) -> None:
    """matplotlib's own ``FuncAnimation.save`` with an ``FFMpegWriter`` (same codec args)."""
    anim.save(path, writer=FrameWriter(".mp4", fps))


def tutorial_save(anim: Any, path: Path, fps: float, dpi: float) -> dict[str, float]:
    """The tutorial's way: one ``savefig`` PNG per frame, then one ffmpeg command.

    Returns the seconds spent in each phase (``png`` and ``ffmpeg``).
    """
    fig = anim.figure
    with tempfile.TemporaryDirectory(prefix="kmeans-bench-png-") as tmp:
        t0 = time.perf_counter()
        anim.scene.reset()
        for i, frame in enumerate(anim.frames(fps)):
            anim.scene.update(frame)
            fig.savefig(Path(tmp) / f"frame_{i:04d}.png", dpi=dpi)
        t1 = time.perf_counter()
        cmd = [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-y",
            "-loglevel",
            "error",
            "-framerate",
            str(fps),
            "-i",
            str(Path(tmp) / "frame_%04d.png"),
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            str(path),
        ]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        t2 = time.perf_counter()
    return {"png": t1 - t0, "ffmpeg": t2 - t1}


@contextlib.contextmanager
def agg_canvas(anim: Any, dpi: float) -> Iterator[FigureCanvasAgg]:
    """An Agg canvas at ``dpi`` with even pixel sizes, as the fast path renders on."""
    resolution = getattr(anim, "_resolution", None)
    if resolution is not None:
        with resolution(dpi, even=True) as canvas:
            yield canvas
        return
    fig = anim.figure
    old_canvas, old_dpi = fig.canvas, fig.dpi
    try:
        canvas = FigureCanvasAgg(fig)
        fig.set_dpi(dpi)
        yield canvas
    finally:
        fig.set_canvas(old_canvas)
        fig.set_dpi(old_dpi)


def draw_frames(anim: Any, fps: float, dpi: float, *, keep: bool = False) -> dict[str, Any]:
    """The fast path's drawing without any encoding.

    Draws the static background once, then for every frame: ``scene.update`` (timed as
    ``update``), ``restore_region`` + ``draw_artist`` of the changed artists (timed as
    ``draw``). With ``keep`` the RGBA frames are returned (``frames``) for the floor.
    Returns seconds summed over all frames, plus ``background`` (the one full draw).
    """
    fig = anim.figure
    frames: list[bytes] = []
    out: dict[str, Any] = {"update": 0.0, "draw": 0.0, "copy": 0.0, "n": 0}
    with agg_canvas(anim, dpi) as canvas:
        scene = anim.scene
        scene.reset()
        artists = scene.artists
        try:
            t0 = time.perf_counter()
            for a in artists:
                a.set_animated(True)
            canvas.draw()
            background = canvas.copy_from_bbox(fig.bbox)
            out["background"] = time.perf_counter() - t0
            it = iter(anim.frames(fps))
            while True:
                t0 = time.perf_counter()
                frame = next(it, None)
                if frame is None:
                    break
                changed = scene.update(frame)
                t1 = time.perf_counter()
                canvas.restore_region(background)
                for a in changed:
                    fig.draw_artist(a)
                t2 = time.perf_counter()
                out["update"] += t1 - t0
                out["draw"] += t2 - t1
                out["n"] += 1
                if keep:
                    frames.append(bytes(canvas.buffer_rgba()))
                    out["copy"] += time.perf_counter() - t2
            out["size"] = canvas.get_width_height()
        finally:
            for a in artists:
                a.set_animated(anim.scene.blittable)
    out["frames"] = frames
    return out


def floor_encode(anim: Any, frames: list[bytes], path: Path, fps: float, dpi: float) -> None:
    """ffmpeg alone: pipe ready RGBA frames through the same writer (same codec args)."""
    writer = FrameWriter(".mp4", fps)
    with agg_canvas(anim, dpi), writer.saving(anim.figure, path, dpi):
        for buf in frames:
            writer.write(memoryview(buf))
