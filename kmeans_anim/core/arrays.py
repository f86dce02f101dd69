"""Small array helpers the strategies share: bounded blocks of rows, squared norms, and
the power of two that brings values into [-1, 1]."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import NDArray

__all__ = ["chunks", "sq_norms", "subset", "unit_exponent"]

Points = slice | NDArray[np.intp]


def chunks(n: int, k: int, block: int) -> Iterator[slice]:
    """Slices of ``range(n)`` with at most ``block`` values for ``k`` values a row, and
    at least one row."""
    step = max(1, block // max(k, 1))
    for start in range(0, n, step):
        yield slice(start, min(start + step, n))


def subset(pts: Points, s: Points) -> Points:
    """The points ``pts[s]`` (slices have step 1), a slice if both are slices."""
    if not isinstance(pts, slice):
        return pts[s]
    if isinstance(s, slice):
        return slice(pts.start + s.start, pts.start + s.stop)
    return pts.start + s


def unit_exponent(a: NDArray[np.float64]) -> int:
    """The exponent ``e`` such that ``a`` times ``2^-e`` lies in [-1, 1] (0 for zeros)."""
    return int(np.frexp(max(float(a.max()), -float(a.min())))[1])


def sq_norms(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """The squared norm of each row."""
    return np.einsum("ij,ij->i", x, x)
