"""The optimum layer: the exact 1-D optimum drawn under the run, for comparison."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from numpy.typing import NDArray


def versus_optimum(inertia: float, optimum: float) -> str:
    """``inertia 41.2 · optimum 38.9 (+5.9%)``, or ``inertia 38.9 · optimal`` when
    ``inertia`` is the optimum up to rounding."""
    if inertia <= optimum * (1 + 1e-9) + 1e-300:
        return f"inertia {inertia:.3g} · optimal"
    excess = 100 * (inertia - optimum) / optimum if optimum > 0 else np.inf
    return f"inertia {inertia:.3g} · optimum {optimum:.3g} (+{excess:.1f}%)"


#: Height on the strip of the bands that mark the optimal clusters' extents: below
#: the band that jitter spreads the points over.
BAND_Y = -0.45


@dataclass(frozen=True, eq=False)
class Optimal:
    """The exact optimum of a 1-D run (see :func:`kmeans_anim.optimum_1d`).

    Attributes
    ----------
    centroids : ndarray of shape (k,)
        In the data's units, ascending.
    labels : ndarray of shape (n,)
        Each point's optimal cluster.
    inertia : float
        In the units of the run's states' inertia (z-scores for a standardised run).
    """

    centroids: NDArray[np.float64]
    labels: NDArray[np.intp]
    inertia: float


class Optimum:
    """The optimal partition of 1-D data: a faint band under each optimal cluster (from
    its least to its greatest point) and a grey ring, a ghost, where each optimal
    centroid is; a centroid of the run that reaches the optimum sits inside its ghost.
    Nothing moves, but the artists are redrawn every frame so that regions, redrawn
    too, never cover them.
    """

    def __init__(
        self, ax: Axes, values: NDArray[np.float64], optimal: Optimal, *, size: float
    ) -> None:
        k = len(optimal.centroids)
        lo, hi = np.full(k, np.inf), np.full(k, -np.inf)
        np.minimum.at(lo, optimal.labels, values)
        np.maximum.at(hi, optimal.labels, values)
        centroids = optimal.centroids
        nan = np.full(len(lo), np.nan)
        self.bands = ax.plot(
            np.column_stack((lo, hi, nan)).ravel(),
            np.tile([BAND_Y, BAND_Y, np.nan], len(lo)),
            lw=7,
            color="0.55",
            alpha=0.45,
            solid_capstyle="butt",
            zorder=1,
        )[0]
        self.ghosts = ax.plot(
            centroids,
            np.zeros(len(centroids)),
            ls="none",
            marker="o",
            mfc="none",
            mec="0.4",
            mew=1.3,
            ms=2.0 * size,
            zorder=3,
        )[0]
        self.label = ax.text(
            float(lo.min()),
            BAND_Y + 0.06,
            "optimum",
            fontsize=9,
            color="0.35",
            ha="left",
            va="bottom",
            zorder=1,
        )

    @property
    def artists(self) -> list[Artist]:
        return [self.bands, self.label, self.ghosts]
