"""Assignment strategies: one per shape of data, all behind :class:`Strategy`.

Each gives the labels of a direct float64 search (ties to the lowest index) and the
per-cluster sums the update step needs; the Lloyd loop (:mod:`..lloyd`) picks one
once with :func:`make_strategy` and never looks inside it.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from ..state import Members
from ..tuning import Tuning
from ..update import Sums
from .boxes import GRID_D
from .dense import DenseSteps
from .grid import GridSteps
from .sorted import SortedSteps

__all__ = ["GRID_D", "Strategy", "check_algorithm", "make_strategy"]


class Strategy(Protocol):
    """What the Lloyd loop asks of an assignment strategy."""

    def start(self, c: NDArray[np.float64]) -> None:
        """Assign every point to its nearest of the centroids ``c``."""

    def assign(self, c: NDArray[np.float64]) -> int:
        """Assign again for new centroids ``c``; return how many points changed."""

    def summary(self, c: NDArray[np.float64]) -> tuple[float, Sums]:
        """Inertia of the current clusters about ``c``, and their sums for the means."""

    def distance_to_own(self, c: NDArray[np.float64]) -> NDArray[np.float64]:
        """Squared distance of every point to its own centroid (of ``c``)."""

    def current_labels(self) -> NDArray[np.intp]:
        """Each point's cluster now."""

    def members(self) -> Members:
        """The current clusters, for the state."""


def check_algorithm(algorithm: str, d: int) -> str:
    """The strategy's name for ``algorithm`` (already one of ``ALGORITHMS``) and data
    of ``d`` dimensions: ``'auto'`` resolved, a strategy that cannot take ``d`` refused."""
    if algorithm == "sorted" and d != 1:
        raise ValueError(f"algorithm='sorted' needs 1-D data; got d={d}.")
    if algorithm == "grid" and d > GRID_D:
        raise ValueError(f"algorithm='grid' needs data of at most {GRID_D} dimensions; got d={d}.")
    if algorithm != "auto":
        return algorithm
    return "sorted" if d == 1 else "grid" if d <= GRID_D else "dense"


def make_strategy(algorithm: str, x: NDArray[np.float64], tuning: Tuning) -> Strategy:
    """The strategy named by :func:`check_algorithm`, set up for the points ``x``."""
    if algorithm == "sorted":
        return SortedSteps(x)
    if algorithm == "grid":
        return GridSteps(x, tuning)
    return DenseSteps(x, tuning)
