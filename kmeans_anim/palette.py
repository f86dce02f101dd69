"""Cluster colours: one HSV hue per cluster as in the tutorial, a colour-blind-safe set,
any matplotlib colormap, or the caller's own list."""

from __future__ import annotations

import colorsys
import difflib
from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.colors import ListedColormap, to_rgb

from ._checks import check_int, shown

__all__ = ["OKABE_ITO", "PALETTES", "cluster_colours", "hsv_palette"]

Colour = tuple[float, float, float]

#: Okabe and Ito's eight colours, distinguishable with every common colour-vision
#: deficiency (Okabe & Ito, "Color Universal Design", 2008), black last.
OKABE_ITO = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#F0E442",  # yellow
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#000000",  # black
)

#: The palettes known by name besides matplotlib's colormaps.
PALETTES = ("hsv", "okabe-ito")


def hsv_palette(k: int) -> list[Colour]:
    """Return k RGB colours at hues ``linspace(0, 1, k+1)[:-1]``, saturation and value 0.8.

    Parameters
    ----------
    k : int
        Number of colours, at least 1.

    Returns
    -------
    list of (r, g, b) tuples
        Components in [0, 1].
    """
    k = check_int(k, "k", 1)
    return [colorsys.hsv_to_rgb(float(h), 0.8, 0.8) for h in np.linspace(0, 1, k + 1)[:-1]]


def cluster_colours(palette: Any, k: int) -> list[Colour]:
    """The colours of ``k`` clusters from ``palette``.

    Parameters
    ----------
    palette : str or sequence of colours
        ``'hsv'`` (the tutorial's hues), ``'okabe-ito'`` (colour-blind safe, up to 8),
        the name of a matplotlib colormap (a qualitative one such as ``'tab10'`` gives
        its colours in order, up to its size; a continuous one is sampled at k evenly
        spaced points), or a list of at least k matplotlib colours (the first k used).

    Raises
    ------
    ValueError
        For an unknown name (the message lists the valid kinds and the nearest names),
        a colour matplotlib does not know, or fewer colours than clusters.
    TypeError
        For a palette that is neither a name nor a sequence.
    """
    if isinstance(palette, str):
        if palette == "hsv":
            return hsv_palette(k)
        if palette == "okabe-ito":
            return _first(OKABE_ITO, k, repr(palette))
        if palette not in mpl.colormaps:
            near = difflib.get_close_matches(palette, [*PALETTES, *mpl.colormaps], n=3)
            hint = f" Did you mean {', '.join(map(repr, near))}?" if near else ""
            raise ValueError(
                f"palette={palette!r} is not a palette: use 'hsv', 'okabe-ito', the name "
                "of a matplotlib colormap (such as 'tab10' or 'viridis'), or a list of "
                f"colours.{hint}"
            )
        cmap = mpl.colormaps[palette]
        if isinstance(cmap, ListedColormap) and cmap.N <= 20:  # qualitative: in order
            return _first([tuple(c[:3]) for c in cmap.colors], k, repr(palette))  # type: ignore[union-attr]
        return [tuple(float(v) for v in cmap((i + 0.5) / k)[:3]) for i in range(k)]  # type: ignore[misc]
    if not isinstance(palette, Sequence):
        raise TypeError(
            f"palette must be a name or a list of colours; got palette={shown(palette)}."
        )
    colours = []
    for c in palette:
        try:
            colours.append(to_rgb(c))
        except ValueError:
            raise ValueError(
                f"palette={shown(palette)}: {c!r} is not a colour matplotlib knows."
            ) from None
    return _first(colours, k, shown(palette))


def _first(colours: Sequence[Any], k: int, palette: str) -> list[Colour]:
    """The first k of a palette's colours; ``palette`` is how to name it in a message."""
    if len(colours) < k:
        raise ValueError(
            f"palette={palette} has {len(colours)} colours, fewer than the k={k} "
            "clusters; use 'hsv' or a continuous colormap such as 'viridis'."
        )
    return [to_rgb(c) for c in colours[:k]]
