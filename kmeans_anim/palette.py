"""Cluster colours: one HSV hue per cluster, as in the tutorial."""

from __future__ import annotations

import colorsys

import numpy as np

from ._checks import check_int

__all__ = ["hsv_palette"]


def hsv_palette(k: int) -> list[tuple[float, float, float]]:
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
