"""Lloyd's algorithm: the inputs checked once, then one loop for every strategy."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._checks import (
    ALGORITHMS,
    DEFAULTS,
    as_points,
    check_bool,
    check_choice,
    make_rng,
)
from .assign import check_algorithm, make_strategy
from .chunked import chunked_lloyd, is_dask
from .init import SeedStep, has_k_distinct, initial_centroids, seeding_steps
from .options import check_run_options
from .scaling import Scaling, warn_if_scales_differ
from .state import KMeansState, KMeansWarning, readonly
from .tuning import Tuning, check_threads
from .update import converged, largest_move, means, relocate_empty

__all__ = ["Run", "lloyd", "plan"]


@dataclass(frozen=True)
class Run:
    """A checked K-means run, ready to start: :meth:`states` runs it.

    Made by :func:`plan`; every field is already valid, so a run can be started again
    (a replay of an animation) without checking or warning again. ``x`` is what K-means
    runs on: the data, or with ``scaling`` its z-scores (``data`` is then the data).
    """

    x: NDArray[np.float64]
    k: int
    init: str | NDArray[np.float64]
    max_iter: int
    tol_abs: float | None
    empty: str
    algorithm: str
    tuning: Tuning
    scaling: Scaling | None = None
    data: NDArray[np.float64] | None = None

    @property
    def points(self) -> NDArray[np.float64]:
        """The data in its own units, shape (n, d)."""
        return self.x if self.data is None else self.data

    def states(self, rng: np.random.Generator) -> Iterator[KMeansState]:
        """The run's states, with ``rng`` for the initialisation; with ``scaling``, their
        centroids (and shifts) in the data's units, their inertia that of the z-scores."""
        c0 = initial_centroids(
            self.x, self.k, self.init, rng, self.tuning.block, threads=self.tuning.threads
        )
        states = _loop(self, c0)
        if self.scaling is None:
            return states
        return _in_data_units(states, self.scaling, mapped=self.data is not None)

    def seeding(self, rng: np.random.Generator) -> Iterator[SeedStep]:
        """The k picks that :meth:`states` starts from with the same ``rng`` (rows of
        :attr:`points`; for k-means++ with each step's sampling probabilities)."""
        return seeding_steps(
            self.x, self.k, self.init, rng, self.tuning.block, probabilities=True,
            threads=self.tuning.threads,
        )  # fmt: skip


def plan(
    points: ArrayLike,
    k: int,
    *,
    init: Any = DEFAULTS.init,
    max_iter: int = DEFAULTS.max_iter,
    tol: float = DEFAULTS.tol,
    empty: str = DEFAULTS.empty,
    algorithm: str = DEFAULTS.algorithm,
    n_threads: int | None = None,
    standardize: bool = DEFAULTS.standardize,
    tuning: Tuning | None = None,
    stacklevel: int = 1,
) -> Run:
    """Check the inputs of a run once; see :func:`lloyd` for the parameters.

    ``tuning`` (for tests and benchmarks) replaces the work sizes; ``n_threads``, when
    given, overrides its thread count. Warns :class:`KMeansWarning` (at ``stacklevel``;
    1: at the caller) when the data has fewer distinct points than k. The warning about
    the columns' scales is the caller's (it may know their names).
    """
    x = as_points(points)
    n, d = x.shape
    o = check_run_options(n, d, k, init, max_iter, tol, empty)
    k, init, max_iter, tol, empty = o.k, o.init, o.max_iter, o.tol, o.empty
    algorithm = check_algorithm(check_choice(algorithm, "algorithm", ALGORITHMS), d)
    standardize = check_bool(standardize, "standardize")
    tuning = tuning or Tuning()
    n_threads = check_threads(n_threads)
    if n_threads is not None:
        tuning = Tuning(**{**tuning.__dict__, "n_threads": n_threads})
    if not has_k_distinct(x, k):
        warnings.warn(
            f"points have fewer distinct values than k={k}; some clusters will be "
            "empty or share a centroid.",
            KMeansWarning,
            stacklevel=stacklevel + 1,
        )
    scaling, data = None, None
    if standardize:
        scaling = Scaling.fit(x)
        # 1-D K-means commutes with an increasing affine map: the same labels, the
        # centroids mapped. The run stays in the data's units, so the points sorted once
        # are the data's values (the views draw them); only the inertia is rescaled.
        if d > 1:
            data, x = x, scaling.forward(x)
            if not isinstance(init, str):  # given in the data's units
                init = scaling.forward(init)
    tol_abs = tol * float(np.mean(np.var(x, axis=0))) if tol > 0 else None
    return Run(x, k, init, max_iter, tol_abs, empty, algorithm, tuning, scaling, data)


def lloyd(
    points: ArrayLike,
    k: int,
    *,
    init: Literal["k-means++", "random", "farthest"] | ArrayLike = DEFAULTS.init,
    seed: int | np.random.Generator | None = None,
    max_iter: int = DEFAULTS.max_iter,
    tol: float = DEFAULTS.tol,
    empty: Literal["farthest", "keep"] = DEFAULTS.empty,  # type: ignore[assignment]
    algorithm: Literal["auto", "sorted", "grid", "dense"] = DEFAULTS.algorithm,  # type: ignore[assignment]
    n_threads: int | None = None,
    standardize: bool = DEFAULTS.standardize,
) -> Iterator[KMeansState]:
    """Run Lloyd's K-means algorithm, yielding one immutable state per iteration.

    Parameters
    ----------
    points : array-like or dask.array.Array of shape (n,) or (n, d), DataFrame or Series
        Real, finite data. Computed in float64. A pandas or polars DataFrame's
        non-numeric columns are left out, with a warning that names them. A dask array
        (the ``[dask]`` extra) is run chunk by chunk, one pass over the chunks per
        iteration, on dask's scheduler (a ``distributed.Client`` when one is active);
        its states hold the clusters' sizes but no labels, and seeding uses a sample
        (see :mod:`kmeans_anim.core.chunked`).
    k : int
        Number of clusters, ``1 <= k <= n``.
    init : {'k-means++', 'random', 'farthest'} or array-like of shape (k, d), default='k-means++'
        ``'random'`` picks k distinct rows uniformly (the tutorial's method);
        ``'k-means++'`` is greedy D² sampling as in scikit-learn; ``'farthest'`` is
        farthest-first traversal (a uniformly random first point, then each time the
        point farthest from its nearest chosen one, ties to the lowest index). It is
        not k-means++: nothing is sampled after the first pick, so outliers are always
        chosen. An array gives the initial centroids (shape ``(k,)`` is accepted for
        1-D data).
    seed : int, numpy.random.Generator or None, default=None
        Source of randomness for the initialisation. The same int gives the same states.
    max_iter : int, default=300
        The run stops at the state with ``iteration == max_iter`` if it has not converged
        (at most 100,000).
    tol : float, default=0.0
        With ``tol > 0`` a state also counts as converged when the summed squared
        centroid movement is ``<= tol * mean(var(points, axis=0))``.
    empty : {'farthest', 'keep'}, default='farthest'
        What happens to a cluster that lost all its points. ``'farthest'`` moves its
        centroid to the point farthest from its own centroid (scikit-learn's rule; nothing
        moves when all those distances are 0). ``'keep'`` leaves it where it was (the
        tutorial's rule).
    algorithm : {'auto', 'sorted', 'grid', 'dense'}, default='auto'
        ``'sorted'`` (1-D only) works on the points sorted once, O(k log n) an
        iteration; ``'grid'`` (up to 3-D) labels whole boxes of a grid at once and
        searches only points near a cluster boundary; ``'dense'`` works for any
        dimension, with bounds that spare most points a search. ``'auto'`` picks
        ``'sorted'`` for 1-D data, ``'grid'`` for 2-D and 3-D, ``'dense'`` above. All
        give the labels of a direct search; the centroids may differ by rounding (sums
        taken in another order), and so, rarely, may a later label.
    n_threads : int or None, default=None
        Worker threads (1 to 256). None uses the cores this process may run on, at most
        4, and at most a limit set with ``threadpoolctl.threadpool_limits``. Results do
        not depend on it.
    standardize : bool, default=False
        Cluster the z-scores of the columns (mean 0, standard deviation 1; a constant
        column becomes 0), as scikit-learn's ``StandardScaler`` then ``KMeans`` would.
        The states' centroids are in the data's units; their inertia is that of the
        z-scores (what K-means minimised). An ``init`` array is in the data's units.

    Yields
    ------
    KMeansState
        State 0 holds the initial centroids and each point's nearest centroid; state i
        holds the means of state i-1's clusters and each point's nearest of those. The
        last state has ``converged=True`` if the labels stopped changing (or, with
        ``tol > 0``, the centroids stopped moving), else it is the state with
        ``iteration == max_iter``.

    Raises
    ------
    ValueError, TypeError
        For bad input, naming the parameter and its value; raised when the generator is
        created, before the first state.

    Warns
    -----
    KMeansWarning
        When the data has fewer distinct points than k; without ``standardize``, when
        the columns' standard deviations differ tenfold or more; when a data frame's
        non-numeric columns are left out.
    """
    if is_dask(points):
        return chunked_lloyd(
            points,
            k,
            seed=seed,
            init=init,
            max_iter=max_iter,
            tol=tol,
            empty=empty,
            algorithm=algorithm,
            standardize=standardize,
        )
    # a data frame's text columns are left out, named, as animate() and the files do;
    # imported here because the columns module needs the core's warning class
    from ..columns import numeric_columns

    data, names = numeric_columns(points, stacklevel=2)
    run = plan(
        data,
        k,
        init=init,
        max_iter=max_iter,
        tol=tol,
        empty=empty,
        algorithm=algorithm,
        n_threads=n_threads,
        standardize=standardize,
        stacklevel=2,
    )
    if run.scaling is None:
        warn_if_scales_differ(run.x, names, stacklevel=2)
    return run.states(make_rng(seed))


def _in_data_units(
    states: Iterator[KMeansState], scaling: Scaling, mapped: bool
) -> Iterator[KMeansState]:
    """A standardised run's states in the data's units: with ``mapped`` (K-means ran on
    z-scores) the centroids mapped back and the shifts measured there; else (1-D, run in
    the data's units) the inertia expressed in z-scores."""
    prev = None
    for state in states:
        if not mapped:
            yield replace(state, inertia=state.inertia / float(scaling.scale[0]) ** 2)
            continue
        c = readonly(scaling.back(state.centroids))
        shift = 0.0 if prev is None else largest_move(c, prev)
        yield replace(state, centroids=c, shift=shift)
        prev = c


def _loop(run: Run, c: NDArray[np.float64]) -> Iterator[KMeansState]:
    """The Lloyd iteration from the centroids ``c``: assign, then update, until the
    labels stop changing (or the centroids stop moving, with a tolerance)."""
    steps = make_strategy(run.algorithm, run.x, run.tuning)
    steps.start(c)
    inertia, sums = steps.summary(c)
    yield _state(0, c, None, inertia, len(run.x), False, steps)
    for i in range(1, run.max_iter + 1):
        if run.empty == "farthest" and (sums.counts == 0).any():
            dist = steps.distance_to_own(c)
            relocate_empty(sums, dist, steps.current_labels(), run.x)
        new_c = means(c, sums)
        moved = steps.assign(new_c)
        inertia, sums = steps.summary(new_c)
        done = converged(moved == 0, new_c, c, run.tol_abs)
        yield _state(i, new_c, c, inertia, moved, done, steps)
        if done:
            return
        c = new_c


def _state(
    i: int,
    c: NDArray[np.float64],
    prev_c: NDArray[np.float64] | None,
    inertia: float,
    moved: int,
    converged: bool,
    steps: Any,
) -> KMeansState:
    shift = 0.0 if prev_c is None else largest_move(c, prev_c)
    return KMeansState(
        iteration=i,
        centroids=readonly(c),
        inertia=inertia,
        shift=shift,
        moved=moved,
        converged=converged,
        members=steps.members(),
    )
