"""The options every run shares (k, init, max_iter, tol, empty), checked in one place
for the in-memory plan and the chunked one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._checks import EMPTY_POLICIES, MAX_ITER, check_choice, check_int, check_real
from .init import check_init

__all__ = ["RunOptions", "check_run_options"]


@dataclass(frozen=True)
class RunOptions:
    """A run's shared options, each one valid for data of ``n`` rows and ``d`` columns."""

    k: int
    init: str | NDArray[np.float64]
    max_iter: int
    tol: float
    empty: str


def check_run_options(
    n: int, d: int, k: Any, init: Any, max_iter: Any, tol: Any, empty: Any
) -> RunOptions:
    """Check the options shared by every run on data of shape (n, d): ValueError or
    TypeError naming the option and its value."""
    k = check_int(k, "k", 1)
    if k > n:
        raise ValueError(f"n_samples={n} should be >= k={k}.")
    return RunOptions(
        k=k,
        init=check_init(init, k, d),
        max_iter=check_int(max_iter, "max_iter", 1, MAX_ITER),
        tol=check_real(tol, "tol", minimum=0.0, strict=False),
        empty=check_choice(empty, "empty", EMPTY_POLICIES),
    )
