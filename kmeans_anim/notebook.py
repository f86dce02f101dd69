"""Notebook and HTML output: an embedded H.264 ``<video>`` made with imageio-ffmpeg's
ffmpeg (no system ffmpeg), matplotlib's JavaScript player with its icons inline, and
the rule that an embed over ``animation.embed_limit`` warns and falls back to a form
that fits instead of dropping frames.
"""

from __future__ import annotations

import base64
import re
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl
from matplotlib.animation import HTMLWriter

from ._checks import check_real
from .layout import MIN_FRAME

if TYPE_CHECKING:
    from .animation import KMeansAnimation

__all__ = ["HTML_MAX_PIXELS", "EmbedLimitWarning", "check_page", "jshtml", "page", "video_tag"]

#: Most frame pixels (frames × width × height) an ``.html`` save embeds: about 3,250
#: frames of 640×480, a page of some 70 MB of PNGs. Past it the save is refused before
#: any frame is drawn.
HTML_MAX_PIXELS = 1_000_000_000

#: matplotlib's player takes its icons from Font Awesome on a CDN: text in their place.
ICONS = {
    "fa fa-minus": "&minus;",
    "fa fa-fast-backward": "&#x23EE;",
    "fa fa-step-backward": "|&#x25C0;",
    "fa fa-play fa-flip-horizontal": "&#x25C0;",
    "fa fa-pause": "&#x275A;&#x275A;",
    "fa fa-play": "&#x25B6;",
    "fa fa-step-forward": "&#x25B6;|",
    "fa fa-fast-forward": "&#x23ED;",
    "fa fa-plus": "+",
}
_ICON = re.compile(r'<i class="(fa [^"]*)"></i>')
_CDN = re.compile(r'<link rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*">\s*')

VIDEO_TAG = (
    '<video width="{w}" height="{h}" controls autoplay{loop}>\n'
    '  <source type="video/mp4" src="data:video/mp4;base64,{data}">\n'
    "  Your browser does not support the video tag.\n</video>"
)


class EmbedLimitWarning(UserWarning):
    """An embed passed ``rcParams['animation.embed_limit']`` and was made smaller."""


def _limit_bytes(embed_limit: float | None) -> float:
    """``embed_limit`` in MB (default ``rcParams['animation.embed_limit']``) in bytes."""
    if embed_limit is None:
        embed_limit = mpl.rcParams["animation.embed_limit"]
    return check_real(embed_limit, "embed_limit", minimum=0.0, strict=True) * 2**20


def _mb(n: float) -> str:
    return f"{n / 2**20:.1f} MB"


def _encoded(anim: KMeansAnimation, dpi: float) -> str:
    """The animation as base64 H.264 at ``dpi``, through the fast save path."""
    with tempfile.TemporaryDirectory() as tmp:
        path = anim.save(Path(tmp, "embed.mp4"), dpi=dpi, progress=False)
        return base64.b64encode(path.read_bytes()).decode("ascii")


def video_tag(anim: KMeansAnimation, embed_limit: float | None = None) -> str:
    """An HTML5 ``<video>`` holding every frame, base64 H.264.

    Over ``embed_limit`` MB (default ``rcParams['animation.embed_limit']``) it warns
    once, with the size and the option that lifts the limit, and embeds the video at
    half the dpi, then a quarter, ... until it fits.

    Raises
    ------
    ValueError
        If even the smallest frames (32 pixels a side) do not fit.
    """
    limit = _limit_bytes(embed_limit)
    fig = anim.figure
    dpi = fig.dpi
    data = _encoded(anim, dpi)
    full = len(data)
    while len(data) > limit:
        if min(fig.get_size_inches()) * dpi / 2 < MIN_FRAME:
            raise ValueError(
                f"the embedded video is {_mb(len(data))} even at dpi={dpi:g}, over "
                f"animation.embed_limit={limit / 2**20:g} MB; raise it with "
                "matplotlib.rcParams['animation.embed_limit'], or save to a file."
            )
        dpi /= 2
        data = _encoded(anim, dpi)
    if len(data) < full:
        warnings.warn(
            f"the embedded video would be {_mb(full)}, over animation.embed_limit="
            f"{limit / 2**20:g} MB: embedded at dpi={dpi:g} ({_mb(len(data))}) instead. "
            f"Set matplotlib.rcParams['animation.embed_limit'] = {full / 2**20 + 1:.0f} "
            "to embed it at full size.",
            EmbedLimitWarning,
            stacklevel=3,
        )
    w, h = (round(v * dpi) for v in fig.get_size_inches())
    loop = " loop" if anim._repeat else ""
    return VIDEO_TAG.format(w=w + w % 2, h=h + h % 2, loop=loop, data=data)


def page(anim: KMeansAnimation, fps: float, check: Callable[[], None] | None = None) -> str:
    """matplotlib's JavaScript player holding every frame as a PNG, with its icons
    inline: a page that needs no network. Drawn at the figure's current dpi;
    ``check()`` is called before each frame (a save's interruption check)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "player.html")
        writer = HTMLWriter(
            fps=fps,
            embed_frames=True,
            default_mode="loop" if anim._repeat else "once",
            embed_limit=float("inf"),  # this module decides what fits
        )
        with anim._playing_at(fps, check):
            anim.save(path, writer=writer)
        html = path.read_text(encoding="utf-8")
    html = _CDN.sub("", html)
    return _ICON.sub(lambda m: ICONS.get(m.group(1), m.group(0)), html)


def jshtml(anim: KMeansAnimation, fps: float, embed_limit: float | None = None) -> str:
    """:func:`page` for a notebook; over ``embed_limit`` MB it warns once and gives the
    :func:`video_tag` instead, which holds the same frames in far fewer bytes."""
    html = page(anim, fps)
    limit = _limit_bytes(embed_limit)
    size = len(html.encode("utf-8"))
    if size <= limit:
        return html
    warnings.warn(
        f"the JavaScript player would be {_mb(size)}, over animation.embed_limit="
        f"{limit / 2**20:g} MB: embedded as an H.264 video instead. Set "
        f"matplotlib.rcParams['animation.embed_limit'] = {size / 2**20 + 1:.0f} "
        "to embed the player.",
        EmbedLimitWarning,
        stacklevel=3,
    )
    return video_tag(anim, embed_limit)


def check_page(frames: int, width: int, height: int) -> None:
    """Refuse an ``.html`` save past :data:`HTML_MAX_PIXELS` before drawing anything."""
    pixels = frames * width * height
    if pixels > HTML_MAX_PIXELS:
        raise ValueError(
            f"an .html page of {frames} frames of {width}x{height} pixels holds "
            f"{pixels:,} frame pixels, over the {HTML_MAX_PIXELS:,} it may (every frame is "
            "a PNG in the page); save .mp4 instead, or lower dpi, fps or hold."
        )
