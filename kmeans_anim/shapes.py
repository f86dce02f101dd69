"""Data K-means gets wrong: moons, rings, stretched or uneven blobs, a smiley.

The classic counter-examples (scikit-learn's "Demonstration of k-means assumptions",
Naftali Harris' smiley and rings), generated in numpy alone, with the class that made
each point, so that an animation can show the clusters disagreeing with it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from ._checks import check_choice, check_int, make_rng

__all__ = ["MAX_SHAPE_POINTS", "SHAPES", "make_shapes", "suggested_k"]

#: The shapes and the names of their classes, in class order.
SHAPES: dict[str, tuple[str, ...]] = {
    "moons": ("upper moon", "lower moon"),
    "circles": ("outer circle", "inner circle"),
    "anisotropic": ("blob 1", "blob 2", "blob 3"),
    "unequal_variance": ("wide", "medium", "tight"),
    "uneven_sizes": ("large", "medium", "small"),
    "uniform": ("uniform",),
    "smiley": ("face", "left eye", "right eye", "mouth"),
    "rings": ("outer ring", "middle ring", "inner ring"),
}
#: Most points a shape may have (16 bytes each).
MAX_SHAPE_POINTS = 10_000_000
#: Share of the points in each class of ``uneven_sizes`` (scikit-learn's 500 : 100 : 10).
UNEVEN = (500 / 610, 100 / 610, 10 / 610)

Rng = np.random.Generator


def suggested_k(kind: str) -> int:
    """The number of clusters a lesson on ``kind`` uses: one per class (3 for uniform
    data, which has one class and no clusters at all)."""
    names = SHAPES[check_choice(kind, "kind", tuple(SHAPES))]
    return len(names) if len(names) > 1 else 3


def make_shapes(
    kind: str, n: int = 300, seed: int | np.random.Generator | None = None
) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """Points of a 2-D shape that K-means does not recover, and their classes.

    Parameters
    ----------
    kind : {'moons', 'circles', 'anisotropic', 'unequal_variance', 'uneven_sizes', \
'uniform', 'smiley', 'rings'}
        ``'moons'``: two interleaved half circles; ``'circles'``: a ring around a
        smaller one; ``'anisotropic'``: three blobs stretched by one linear map;
        ``'unequal_variance'``: three blobs of very different spreads;
        ``'uneven_sizes'``: three blobs of 500 : 100 : 10 points; ``'uniform'``: a
        square with no clusters at all; ``'smiley'``: a face, two eyes and a mouth;
        ``'rings'``: three concentric rings. The names of each kind's classes are in
        :data:`SHAPES`.
    n : int, default=300
        Number of points in all, 1 to :data:`MAX_SHAPE_POINTS`.
    seed : int, numpy.random.Generator or None, default=None
        Source of randomness; the same int gives the same points.

    Returns
    -------
    points : ndarray of shape (n, 2)
        The points, class after class.
    classes : ndarray of shape (n,)
        Each point's class, an index into ``SHAPES[kind]``.
    """
    kind = check_choice(kind, "kind", tuple(SHAPES))
    n = check_int(n, "n", 1, MAX_SHAPE_POINTS)
    rng = make_rng(seed)
    m = len(SHAPES[kind])
    shares = UNEVEN if kind == "uneven_sizes" else _SHARES.get(kind, (1.0,) * m)
    sizes = _split(n, shares)
    parts = [_MAKERS[kind](rng, c, size) for c, size in enumerate(sizes)]
    points = np.concatenate(parts)
    classes = np.repeat(np.arange(m, dtype=np.intp), sizes)
    return np.ascontiguousarray(points, dtype=np.float64), classes


def _split(n: int, shares: tuple[float, ...]) -> NDArray[np.intp]:
    """``n`` split in proportion to ``shares``, summing to ``n`` (largest remainders)."""
    w = np.asarray(shares) / sum(shares)
    sizes = np.floor(n * w).astype(np.intp)
    rest = n - int(sizes.sum())
    sizes[np.argsort(-(n * w - sizes), kind="stable")[:rest]] += 1
    return sizes


def _arc(
    size: int, centre: tuple[float, float], radius: float, a0: float = 0.0, a1: float = 2 * np.pi
) -> NDArray[np.float64]:
    """``size`` points evenly spread on an arc from angle ``a0`` to ``a1`` (radians);
    the whole circle by default (its end, the start again, left out)."""
    t = np.linspace(a0, a1, size, endpoint=a1 - a0 < 2 * np.pi)
    return np.column_stack((centre[0] + radius * np.cos(t), centre[1] + radius * np.sin(t)))


def _noisy(rng: Rng, p: NDArray[np.float64], scale: float) -> NDArray[np.float64]:
    return p + rng.normal(scale=scale, size=p.shape)


def _moons(rng: Rng, c: int, size: int) -> NDArray[np.float64]:
    if c == 0:
        return _noisy(rng, _arc(size, (0.0, 0.0), 1.0, 0.0, np.pi), 0.08)
    return _noisy(rng, _arc(size, (1.0, 0.5), 1.0, np.pi, 2 * np.pi), 0.08)


def _circles(rng: Rng, c: int, size: int) -> NDArray[np.float64]:
    return _noisy(rng, _arc(size, (0.0, 0.0), (1.0, 0.4)[c]), 0.05)


def _rings(rng: Rng, c: int, size: int) -> NDArray[np.float64]:
    return _noisy(rng, _arc(size, (0.0, 0.0), (3.0, 2.0, 1.0)[c]), 0.08)


#: the blobs of scikit-learn's demonstration, and its stretching map
BLOB_CENTRES = np.array([[-6.0, 2.0], [0.0, -4.0], [4.0, 4.0]])
STRETCH = np.array([[0.6, -0.64], [-0.41, 0.85]])
#: the stretched blobs' centres before the map, along the direction it squeezes most:
#: afterwards the blobs are long, parallel and close, still far apart in their own terms
STRETCHED_CENTRES = np.array([[-5.0, -3.3], [0.0, 0.0], [5.0, 3.3]])


def _anisotropic(rng: Rng, c: int, size: int) -> NDArray[np.float64]:
    return _noisy(rng, np.tile(STRETCHED_CENTRES[c], (size, 1)), 1.0) @ STRETCH


#: a wide blob between a medium and a tight one, close enough for K-means' straight
#: boundaries (halfway between centroids) to cut the wide one's edge off
SPREAD_CENTRES = np.array([[0.0, 0.0], [-5.0, 3.0], [3.5, 1.0]])


def _unequal_variance(rng: Rng, c: int, size: int) -> NDArray[np.float64]:
    return _noisy(rng, np.tile(SPREAD_CENTRES[c], (size, 1)), (2.5, 1.0, 0.5)[c])


def _uneven_sizes(rng: Rng, c: int, size: int) -> NDArray[np.float64]:
    return _noisy(rng, np.tile(BLOB_CENTRES[c], (size, 1)), 1.0)


def _uniform(rng: Rng, c: int, size: int) -> NDArray[np.float64]:
    return rng.uniform(-1.0, 1.0, size=(size, 2))


def _smiley(rng: Rng, c: int, size: int) -> NDArray[np.float64]:
    if c == 0:
        return _noisy(rng, _arc(size, (0.0, 0.0), 2.0), 0.05)
    if c in (1, 2):
        return _noisy(rng, np.tile(((-0.7, 0.7), (0.7, 0.7))[c - 1], (size, 1)), 0.15)
    return _noisy(rng, _arc(size, (0.0, 0.1), 1.2, 1.15 * np.pi, 1.85 * np.pi), 0.06)


#: shares of the points per class where they are not equal: a face's parts by length
_SHARES: dict[str, tuple[float, ...]] = {
    "circles": (0.5, 0.5),
    "smiley": (0.5, 0.12, 0.12, 0.26),
    "rings": (0.5, 0.33, 0.17),
}
_MAKERS: dict[str, Callable[[Rng, int, int], NDArray[np.float64]]] = {
    "moons": _moons,
    "circles": _circles,
    "anisotropic": _anisotropic,
    "unequal_variance": _unequal_variance,
    "uneven_sizes": _uneven_sizes,
    "uniform": _uniform,
    "smiley": _smiley,
    "rings": _rings,
}
