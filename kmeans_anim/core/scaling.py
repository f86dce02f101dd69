"""Standardising: K-means on the z-scores of the columns, and the way back to the data's
units. Also the warning when the columns' scales are so different that one decides."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .state import KMeansWarning

__all__ = ["SCALES_DIFFER", "SCALE_SPREAD", "Scaling", "warn_if_scales_differ"]

#: Columns whose standard deviations differ by this factor or more get a warning.
SCALE_SPREAD = 10.0
#: How that warning begins (for filters).
SCALES_DIFFER = "the columns' scales differ"


@dataclass(frozen=True, eq=False)
class Scaling:
    """``z = (x - mean) / scale`` per column, as scikit-learn's ``StandardScaler``: the
    population standard deviation, and 1 for a constant column (which becomes 0)."""

    mean: NDArray[np.float64]
    scale: NDArray[np.float64]

    @classmethod
    def fit(cls, x: NDArray[np.float64]) -> Scaling:
        mean = x.mean(axis=0)
        scale = x.std(axis=0)
        scale[scale == 0.0] = 1.0
        return cls(mean, scale)

    def forward(self, a: NDArray[np.float64]) -> NDArray[np.float64]:
        """Data units to z-scores."""
        return (a - self.mean) / self.scale

    def back(self, z: NDArray[np.float64]) -> NDArray[np.float64]:
        """z-scores to data units."""
        return z * self.scale + self.mean


def warn_if_scales_differ(
    x: NDArray[np.float64], names: Sequence[str] | None, stacklevel: int
) -> None:
    """Warn when the widest column's standard deviation is :data:`SCALE_SPREAD` times
    the narrowest non-constant one's or more: K-means then clusters mostly the widest."""
    if x.shape[1] < 2:
        return
    with np.errstate(over="ignore", invalid="ignore"):  # data near the float64 limit
        sd = x.std(axis=0)
    live = np.flatnonzero(np.isfinite(sd) & (sd > 0))
    if len(live) < 2:
        return
    wide, narrow = live[np.argmax(sd[live])], live[np.argmin(sd[live])]
    if sd[wide] < SCALE_SPREAD * sd[narrow]:
        return

    def name(i: int) -> str:
        return repr(names[i]) if names is not None else f"column {i}"

    warnings.warn(
        f"{SCALES_DIFFER} {sd[wide] / sd[narrow]:.0f}-fold (standard deviation "
        f"{sd[wide]:.3g} for {name(wide)}, {sd[narrow]:.3g} for {name(narrow)}): the "
        "clusters follow the widest columns; standardize=True (--standardize) clusters "
        "z-scores instead.",
        KMeansWarning,
        stacklevel=stacklevel + 1,
    )
