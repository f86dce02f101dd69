"""What a run yields: one immutable :class:`KMeansState` per iteration, and the
:class:`Members` of its clusters in the one form every assignment strategy provides."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["ChunkedMembers", "KMeansState", "KMeansWarning", "Members", "edges", "readonly"]


class KMeansWarning(UserWarning):
    """A recoverable oddity in the data, such as fewer distinct points than clusters."""


def readonly(a: NDArray[Any]) -> NDArray[Any]:
    """``a``, made read-only in place."""
    a.setflags(write=False)
    return a


class Members:
    """Which points each cluster holds, as ranges of one ordering of the points.

    Cluster ``j`` is ``points[order[starts[j]:stops[j]]]`` (empty when the two are
    equal). Strategies fill this in whatever way is cheap for them: 1-D runs share one
    ordering (the points sorted once) for a whole run, and say so with :attr:`values`;
    the others order by label. Everything is computed on first access.

    Attributes
    ----------
    starts, stops : ndarray of shape (k,)
    order : ndarray of shape (n,)
        A permutation of the points.
    labels : ndarray of shape (n,)
        Each point's cluster, in the caller's order of the points.
    values : ndarray of shape (n,) or None
        For 1-D data ordered by value, ``points[order, 0]`` (ascending), the same array
        in every state of a run; None otherwise.
    """

    values: NDArray[np.float64] | None = None

    @property
    def starts(self) -> NDArray[np.intp]:
        raise NotImplementedError

    @property
    def stops(self) -> NDArray[np.intp]:
        raise NotImplementedError

    @property
    def order(self) -> NDArray[np.intp]:
        raise NotImplementedError

    @property
    def labels(self) -> NDArray[np.intp]:
        raise NotImplementedError

    @property
    def own_bytes(self) -> int:
        """Bytes this state holds that no other state of the run shares."""
        raise NotImplementedError

    def counts(self) -> NDArray[np.intp]:
        """Number of points in each cluster."""
        return self.stops - self.starts

    def labels_of(self, idx: NDArray[np.intp]) -> NDArray[np.intp]:
        """``labels[idx]`` for ascending point indices ``idx``: what a view that shows
        only some of the points (one per pixel) reads of each state. A strategy that
        builds its labels on demand answers without building all of them."""
        return self.labels[idx]


def edges(counts: NDArray[np.intp]) -> NDArray[np.intp]:
    """The clusters' ``starts`` and, one on, ``stops`` in an ordering by label, from
    their sizes: ``[0, cumsum(counts)]``, read-only."""
    return readonly(np.concatenate(([0], np.cumsum(counts))).astype(np.intp))


class _ByLabel(Members):
    """Members ordered by label: ``starts`` and ``stops`` from the clusters' ``_edges``
    (see :func:`edges`), which a subclass provides."""

    _edges: NDArray[np.intp]

    @property
    def starts(self) -> NDArray[np.intp]:
        return self._edges[:-1]

    @property
    def stops(self) -> NDArray[np.intp]:
        return self._edges[1:]


class LabelMembers(_ByLabel):
    """Members given by one label per point (ordered by label, stable)."""

    def __init__(self, labels: NDArray[np.intp], k: int) -> None:
        self._labels = readonly(labels)
        self._k = k

    @cached_property
    def _edges(self) -> NDArray[np.intp]:  # type: ignore[override]
        return edges(np.bincount(self._labels, minlength=self._k))

    @cached_property
    def order(self) -> NDArray[np.intp]:
        return readonly(np.argsort(self._labels, kind="stable"))

    @property
    def labels(self) -> NDArray[np.intp]:
        return self._labels

    @property
    def own_bytes(self) -> int:
        return self._labels.nbytes


class ChunkedMembers(_ByLabel):
    """The clusters of a run over chunks (a dask array): their sizes only; the labels
    are never materialised."""

    def __init__(self, counts: NDArray[np.intp]) -> None:
        self._edges = edges(counts)

    @property
    def order(self) -> NDArray[np.intp]:
        raise TypeError("a dask run does not materialise its labels or their order.")

    @property
    def labels(self) -> NDArray[np.intp]:
        raise TypeError("a dask run does not materialise its labels or their order.")

    @property
    def own_bytes(self) -> int:
        return self._edges.nbytes


# Identity equality and hashing (eq=False): field-wise equality would compare arrays,
# whose truth value is ambiguous.
@dataclass(frozen=True, eq=False)
class KMeansState:
    """One iteration of Lloyd's algorithm. Immutable; its arrays are read-only.

    States compare by identity and can be hashed.

    Attributes
    ----------
    iteration : int
        0 for the initial centroids, then 1, 2, ...
    centroids : ndarray of shape (k, d)
        The centroids of this iteration (means of the previous state's clusters).
    inertia : float
        Sum of squared distances of the points to their centroid.
    shift : float
        Largest distance any centroid moved since the previous state (0.0 at iteration 0).
    moved : int
        Number of points whose label changed since the previous state (n at iteration 0).
    converged : bool
        True for the last state of a run that converged.
    members : Members
        Each cluster's points; :attr:`labels` comes from it.
    """

    iteration: int
    centroids: NDArray[np.float64]
    inertia: float
    shift: float
    moved: int
    converged: bool
    members: Members = field(repr=False)

    @property
    def k(self) -> int:
        """Number of clusters."""
        return len(self.centroids)

    @property
    def labels(self) -> NDArray[np.intp]:
        """Index of each point's nearest centroid (ties go to the lowest index), in the
        caller's order of the points."""
        return self.members.labels

    def counts(self) -> NDArray[np.intp]:
        """Number of points in each cluster."""
        return self.members.counts()
