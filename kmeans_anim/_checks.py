"""The validators every layer uses, and every option's default, declared once.

Each input is checked at the public edge it enters by (``lloyd``, ``animate``,
``save``, ``load_points``, the CLI); inner code trusts it. Errors name the parameter
and its value, as scikit-learn's do: ``k=0 should be >= 1.``
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "ALGORITHMS",
    "DEFAULTS",
    "EMPTY_POLICIES",
    "FRESH_SEEDS",
    "INITS",
    "MAX_ITER",
    "MAX_MARKER_SIZE",
    "RENDERS",
    "STEPS",
    "Defaults",
    "as_points",
    "check_bool",
    "check_choice",
    "check_int",
    "check_real",
    "help_of",
    "make_rng",
    "shown",
]

INITS = ("k-means++", "random", "farthest")
#: What captions call an initialisation by given centroids (an array).
GIVEN_INIT = "given"
EMPTY_POLICIES = ("farthest", "keep")
ALGORITHMS = ("auto", "sorted", "grid", "dense")
STEPS = ("iteration", "split")
RENDERS = ("auto", "points", "density")
#: Seeds drawn when none is given are below this: short enough to read out and type.
FRESH_SEEDS = 1_000_000

#: Most iterations of a run: every state is kept for the frames.
MAX_ITER = 100_000
#: Largest marker size in points (1.4 inches); matplotlib's memory for a marker grows
#: with its area (1e6 took 24 GB).
MAX_MARKER_SIZE = 100.0


def _option(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Defaults:
    """The default of every option of ``lloyd``, ``animate`` and the CLI, with the help
    text the CLI shows for it. Signatures read their defaults from :data:`DEFAULTS`."""

    init: str = _option("k-means++", "initialisation")
    max_iter: int = _option(300, "most iterations")
    tol: float = _option(0.0, "stop when centroids move less (relative to the data's variance)")
    empty: str = _option("farthest", "what happens to a cluster that lost all its points")
    algorithm: str = _option("auto", "assignment strategy ('auto' picks by dimension)")
    standardize: bool = _option(False, "cluster the z-scores of the columns")
    fps: float = _option(2.0, "frames per second")
    hold: float = _option(1.0, "seconds the final frame is held")
    stall_timeout: float = _option(
        30.0, "seconds the encoder may take no data before the save is stopped"
    )
    dpi: float = _option(100.0, "resolution")
    marker_size: float = _option(7.0, "size of point markers")
    steps: str = _option("iteration", "'split' shows assign and update as two frames")
    tween: int = _option(0, "eased in-between frames for each move of the centroids")
    render: str = _option("auto", "points as markers or a density image")
    chunks: int = _option(1_000_000, "rows per chunk of data read as a dask array")
    palette: str = _option(
        "hsv", "cluster colours: 'hsv', 'okabe-ito', a matplotlib colormap, or colours a,b,c"
    )


DEFAULTS = Defaults()


def help_of(name: str) -> str:
    """The help text declared with the default of option ``name``."""
    for f in fields(Defaults):
        if f.name == name:
            return str(f.metadata["help"])
    raise KeyError(name)


def shown(value: Any, limit: int = 80) -> str:
    """``repr(value)`` for an error message, short: an array too big to show by its
    shape and dtype, any other long repr cut to ``limit`` characters."""
    if isinstance(value, int) and value.bit_length() > 4 * limit:
        return f"<int of {value.bit_length()} bits>"  # repr refuses over 4300 digits
    text = repr(value)
    if len(text) <= limit:
        return text
    if isinstance(value, np.ndarray):
        return f"<array of shape {value.shape}, dtype {value.dtype}>"
    return text[: limit - 3] + "..."


def as_points(points: ArrayLike, name: str = "points") -> NDArray[np.float64]:
    """Validate data and return it as a C-contiguous float64 array of shape (n, d).

    1-D input of shape ``(n,)`` becomes ``(n, 1)``.

    Raises
    ------
    TypeError
        For non-numeric data (strings, booleans, complex numbers, non-numeric objects).
    ValueError
        For empty, ragged, 3-D or non-finite data.
    """
    if np.ma.isMaskedArray(points) and np.ma.getmaskarray(points).any():
        # asarray would cluster the values hidden under the mask
        raise ValueError(
            f"{name} is a masked array with {int(np.ma.getmaskarray(points).sum())} masked "
            "value(s); leave those rows out first, e.g. x[~np.ma.getmaskarray(x).any(axis=1)]."
        )
    try:
        arr = np.asarray(points)
    except ValueError as exc:  # ragged nested sequences
        raise ValueError(f"{name} must be a rectangular array; got a ragged sequence.") from exc
    if arr.dtype == object:
        # astype would turn None into NaN and "1.5" into 1.5: only real numbers may pass
        flat = arr.ravel()
        if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in flat):
            raise TypeError(
                f"{name} must hold real numbers; got an object array with non-numeric values."
            )
        try:
            arr = arr.astype(np.float64)
        except OverflowError:  # a Python int beyond float64's range
            big = max((v for v in flat if isinstance(v, numbers.Integral)), key=abs)
            raise ValueError(
                f"{name} holds an integer too large for a float64: {shown(big)}."
            ) from None
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers; got dtype={arr.dtype}.")
    if arr.ndim not in (1, 2):
        raise ValueError(
            f"{name} must have shape (n,) or (n, d); got an array with ndim={arr.ndim}, "
            f"shape={arr.shape}."
        )
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty: shape={arr.shape}; need at least one point.")
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    if not np.isfinite(arr).all():
        bad = int(np.count_nonzero(~np.isfinite(arr)))
        raise ValueError(f"{name} must be finite; found {bad} NaN or infinite value(s).")
    check_magnitude(arr, name)
    return arr


def check_magnitude(arr: NDArray[np.float64], name: str) -> None:
    """Refuse finite data whose squared distances, summed over the columns and the
    points (the inertia), would overflow float64: ``(2 max|x|)² · n · d`` must fit."""
    peak = max(float(arr.max()), -float(arr.min()))  # no copy, as abs() would make
    limit = math.sqrt(np.finfo(np.float64).max / (4.0 * arr.size))
    if peak > limit:
        raise ValueError(
            f"{name} has values up to {peak:.3g} in magnitude; for {arr.shape[0]:,} points "
            f"of {arr.shape[1]} column(s) the squared distances overflow float64 above "
            f"{limit:.3g}: rescale the data (divide it by a power of ten)."
        )


def check_int(value: Any, name: str, minimum: int, maximum: int | None = None) -> int:
    """Return ``value`` as an int, refusing bools, floats and values below ``minimum``
    or above ``maximum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int; got {name}={shown(value)}.")
    if value < minimum:
        raise ValueError(f"{name}={shown(value)} should be >= {minimum}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name}={shown(value)} should be <= {maximum}.")
    return int(value)


def check_real(
    value: Any, name: str, *, minimum: float, strict: bool, maximum: float = math.inf
) -> float:
    """Return ``value`` as a finite float ``> minimum`` (strict) or ``>= minimum``, and
    ``<= maximum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {name}={shown(value)}.")
    try:
        value = float(value)
    except OverflowError:  # an int too big for a float
        raise ValueError(f"{name}={shown(value)} should be finite.") from None
    if not math.isfinite(value) or value < minimum or (strict and value == minimum):
        op = ">" if strict else ">="
        raise ValueError(f"{name}={value!r} should be finite and {op} {minimum}.")
    if value > maximum:
        raise ValueError(f"{name}={value!r} should be <= {maximum:g}.")
    return value


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise a ValueError listing them."""
    if not isinstance(value, str) or value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name}={shown(value)} is not valid; choose one of {listed}.")
    return value


def check_bool(value: Any, name: str) -> bool:
    """Return ``value`` as a bool, refusing anything but True, False and numpy bools."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {name}={shown(value)}.")
    return bool(value)


def make_rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A numpy Generator from an int, a Generator or None."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"seed must be an int, a numpy.random.Generator or None; got seed={shown(seed)}."
        )
    if seed < 0:
        raise ValueError(f"seed={seed} should be >= 0.")
    return np.random.default_rng(int(seed))
