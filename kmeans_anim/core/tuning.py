"""How the core splits its work: block sizes, sample sizes and threads, as one value.

None of these change a result (labels, centroids, inertia); they trade memory, cache use
and parallelism. Strategies receive a :class:`Tuning`; tests pass small ones to make many
blocks out of little data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .._checks import check_int

__all__ = ["MAX_THREADS", "Tuning", "default_threads"]

#: Most worker threads by default: two Python threads already share the GIL's hand-overs;
#: more than four gain little for numpy calls this short.
MAX_THREADS = 4


@dataclass(frozen=True)
class Tuning:
    """Work sizes of the core.

    Attributes
    ----------
    block : int
        Most float64 values in one temporary distance block (4 MiB).
    cache_block : int
        Values in a block that should stay in cache (512 KiB), for passes over small blocks.
    parts : int
        Fixed sets of row blocks whose first statistics are summed apart (in the worker
        threads) and then added in order: the same sums for any number of threads.
    sample : int
        Points whose bounds are kept when those of all points are not (dense strategy).
    bound_all : float
        Bounds are kept for every point when the share of failing ones, times the cost of
        a check in searched points, is below this (a search of all points wins above 1).
    part : int
        Most points whose per-point arithmetic after a float32 screening runs at once.
    direct_d : int
        Up to this many dimensions distances are summed column by column instead of by
        BLAS.
    grid_points : int
        Points per box of the grid strategy on average.
    grid_boxes : int
        Largest number of boxes of the grid strategy.
    n_threads : int or None
        Worker threads; None means :func:`default_threads` at the time of the run.
    """

    block: int = 1 << 19
    cache_block: int = 1 << 16
    parts: int = 4
    sample: int = 1024
    bound_all: float = 1.5
    part: int = 1 << 17
    direct_d: int = 4
    grid_points: int = 16
    grid_boxes: int = 1 << 16
    n_threads: int | None = None

    @property
    def threads(self) -> int:
        """The number of worker threads (``n_threads``, or the default now)."""
        return default_threads() if self.n_threads is None else self.n_threads


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may run on
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def default_threads() -> int:
    """The machine's cores (those this process may use), at most :data:`MAX_THREADS`, and
    at most the thread limit threadpoolctl has set for native libraries, if any."""
    from .threads import native_limit  # threadpoolctl is slow to import: only when needed

    limit = native_limit()
    return max(1, min(MAX_THREADS, _cores(), limit if limit is not None else MAX_THREADS))


def check_threads(n_threads: object) -> int | None:
    """Validate the public ``n_threads`` (None, or an int from 1 to 256)."""
    if n_threads is None:
        return None
    return check_int(n_threads, "n_threads", 1, 256)
