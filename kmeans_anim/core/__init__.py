"""The K-means core: :func:`lloyd`, a generator of immutable states.

One module per concept: ``state`` (what a run yields), ``lloyd`` (the checks and the
one loop), ``assign`` (a strategy per shape of data: sorted 1-D, grid 2-D/3-D, dense),
``update`` (relocation, means, convergence), ``clusters`` (per-cluster statistics),
``options`` (the checks every run shares), ``init`` (initial centroids, pick by pick),
``optimum`` (the exact 1-D optimum), ``distances`` and ``screen32`` (nearest-centre
kernels), ``chunked`` (runs over a dask array), ``tuning`` and ``threads`` (how the
work is split). Why the shortcuts are exact is in
docs/core-numerics.md.
"""

from .lloyd import Run, lloyd, plan
from .state import KMeansState, KMeansWarning, Members
from .tuning import Tuning, default_threads

__all__ = [
    "KMeansState",
    "KMeansWarning",
    "Members",
    "Run",
    "Tuning",
    "default_threads",
    "lloyd",
    "plan",
]
