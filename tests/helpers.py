"""Small helpers shared by the tests: decode what a save really wrote, look for colours.

Keep this module small and stable; other test files import it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import imageio_ffmpeg
import numpy as np
from numpy.typing import NDArray

__all__ = ["decode", "palette_present", "to_uint8"]


def decode(path: str | os.PathLike[str]) -> tuple[dict[str, Any], list[NDArray[np.uint8]]]:
    """Decode a saved video with imageio-ffmpeg's ffmpeg.

    Returns the metadata dict of ``imageio_ffmpeg.read_frames`` (codec, pix_fmt, fps,
    size=(width, height), ...) and every frame as an (H, W, 3) uint8 array.
    """
    # passthrough: one output frame per decoded frame; the default (constant rate at
    # the guessed input rate) can duplicate the frames of a short GIF many times over.
    gen = imageio_ffmpeg.read_frames(
        str(path), pix_fmt="rgb24", output_params=["-fps_mode", "passthrough"]
    )
    proc = None
    try:
        meta = next(gen)
        # read_frames leaves ffmpeg's stdin/stdout pipes open when ffmpeg has already
        # exited at the end (a ResourceWarning, an error under filterwarnings=error):
        # keep hold of the process to close them ourselves.
        if gen.gi_frame is not None:
            proc = gen.gi_frame.f_locals.get("process")
        w, h = meta["size"]
        out = [np.frombuffer(raw, dtype=np.uint8).reshape(h, w, 3).copy() for raw in gen]
    finally:
        gen.close()
        if proc is not None:
            for pipe in (proc.stdin, proc.stdout):
                if pipe is not None and not pipe.closed:
                    pipe.close()
            proc.wait()
    return meta, out


def to_uint8(rgb: Sequence[float]) -> NDArray[np.int16]:
    """A colour with components in [0, 1] (as ``hsv_palette`` gives) as 0-255 integers."""
    return np.round(np.asarray(rgb, dtype=np.float64) * 255).astype(np.int16)


def palette_present(frame: NDArray[np.uint8], rgb: Sequence[float], tol: int = 40) -> bool:
    """Whether some pixel of ``frame`` is within ``tol`` (per channel) of the colour ``rgb``
    (components in [0, 1]). Lossy codecs shift colours a little; ``tol`` allows for it."""
    diff = np.abs(frame.astype(np.int16) - to_uint8(rgb))
    return bool((diff.max(axis=-1) <= tol).any())
