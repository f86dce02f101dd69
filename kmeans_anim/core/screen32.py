"""Nearest centres screened by a float32 BLAS product, near-ties settled in float64.

The labels equal those of a float64 search, ``((x - c) ** 2).sum(axis=-1)``, ties to the
lowest index: the float32 distances come with a rigorous bound on their rounding, and a
point whose two best centres are within it of each other is decided on float64
distances. The bound is derived in docs/core-numerics.md ("float32 screening").
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from .arrays import Points, chunks, sq_norms, subset, unit_exponent
from .distances import Two
from .rounding import SUBNORMAL, U32, U64
from .threads import map_blocks

__all__ = ["blas_two"]


def blas_two(
    x: NDArray[np.float64],
    xs1: NDArray[np.float32],
    pts: Points,
    scale: int,
    x_sq: NDArray[np.float64],
    x_norm: NDArray[np.float64],
    c: NDArray[np.float64],
    mean: NDArray[np.float64],
    blocks: Iterable[slice],
    *,
    threads: int,
    block: int,
) -> Two:
    """As :func:`~kmeans_anim.core.distances.direct_two` for the points ``x[pts]``, with
    an upper bound for the own squared distance and a lower bound for the second.

    ``xs1`` is ``[(x - mean) 2^-scale, 1]`` of all the points in float32, transposed
    (one row a coordinate: BLAS is fastest at the k-by-m product from it), all values in
    [-1, 1]; ``x_sq`` is ``||x - mean||^2`` of the points ``pts`` in float64 and
    ``x_norm`` its square root. The products and their reductions over the centres run
    in ``threads`` worker threads, one block of ``blocks`` (slices into ``pts``) at a
    time; the per-point arithmetic after them runs here on all the points at once (few
    numpy calls: threads only gain on long ones, each call hands the GIL over). Values
    that overflow are decided in float64; callers turn off the warnings for overflow
    and invalid values. ``block`` bounds the float64 decision's temporaries.
    """
    d, k, m = x.shape[1], len(c), len(x_sq)
    cc = c - mean
    c_sq = sq_norms(cc)
    # one product gives ||c||^2 - 2 x.c for every centre (the column of ones picks up
    # ||c||^2), scaled by a power of two so that nothing overflows
    cs1 = np.column_stack((-2.0 * cc, np.ldexp(c_sq, -scale)))
    e = unit_exponent(cs1)
    cs1_32 = np.ldexp(cs1, -e).astype(np.float32)
    # 1 where a centre attains the best value, else 0. Summed exactly (in float32 up to
    # 2^24 centres): the index of the best centre and how many attain it (if more than
    # one, the point is decided in float64 below).
    exact_sums = np.float32 if k <= 1 << 24 else np.float64
    pick = np.array([np.arange(k), np.ones(k)], dtype=exact_sums)
    best, rest = np.empty(m, np.float32), np.empty(m, np.float32)
    lab_count = np.empty((2, m), exact_sums)

    def screen(s: slice) -> None:
        # k by m, times 2^-(scale + e): rows make the reductions over centres below
        # whole-array passes (centres that overflowed give inf and NaN: decided in
        # float64)
        prod = cs1_32 @ xs1[:, subset(pts, s)]  # a view, or a block's gather
        top = prod.min(axis=0)
        hit = np.equal(prod, top, out=np.empty(prod.shape, exact_sums))
        np.matmul(pick, hit, out=lab_count[:, s])
        # the second best: the best masked by adding more than twice any |value|
        # (<= d + 1) (for k = 1 a finite stand-in, harmless: its half gap to another
        # centre is inf)
        hit *= 4.0 * (d + 1)
        prod += hit
        prod.min(axis=0, out=rest[s])
        best[s] = top

    map_blocks(screen, blocks, threads)
    own = np.ldexp(best, scale + e, dtype=np.float64)
    own += x_sq
    second = np.ldexp(rest, scale + e, dtype=np.float64)
    second += x_sq
    # the error bound of a distance (docs/core-numerics.md, "float32 screening"); a
    # bound that overflowed (inf or NaN) sends the point to the float64 decision
    b_sq = c_sq.max()
    err = 2.0 * (d + 3) * U32 * (2.0 * math.sqrt(b_sq) * x_norm + b_sq)
    err += 8.0 * (d + 4) * U64 * (x_sq + b_sq) + np.ldexp(3 * d + 1, scale + e - 149)
    err += (4 * d + 16) * SUBNORMAL
    tied = np.flatnonzero(~(second - own > 2.0 * err) | (lab_count[1] > 1))
    lab = lab_count[0].astype(np.intp)
    own += err
    second -= err
    for s in chunks(len(tied), k * d, block):  # all k distances, directly in float64
        t, at = tied[s], np.arange(s.stop - s.start)
        diff = x[subset(pts, t)][:, None, :] - c[None, :, :]
        exact = (diff * diff).sum(axis=2)  # summed as ((x - c) ** 2).sum(axis=-1) is
        lab[t] = near = np.argmin(exact, axis=1)
        own[t] = exact[at, near]
        exact[at, near] = np.inf
        second[t] = exact.min(axis=1)
    return lab, own, np.maximum(second, 0.0, out=second)
