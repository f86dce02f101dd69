"""Known classes: checked once, drawn as marker shapes, and scored against the clusters
with the adjusted Rand index."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._checks import shown

__all__ = ["MARKERS", "Truth", "adjusted_rand_index", "check_truth", "encode_labels"]

#: One marker shape per known class, in order; the first is the tutorial's ``x``.
MARKERS = ("x", "o", "^", "s", "D", "v", "P", "*")


@dataclass(frozen=True, eq=False)
class Truth:
    """Each point's known class (an index into ``names``)."""

    classes: NDArray[np.intp]
    names: tuple[str, ...]


def check_truth(truth: Any, points: Any, n: int) -> Truth | None:
    """``truth`` for ``n`` points: None, True (the classes of a :class:`Dataset`
    ``points``), or one label per point (numbers or strings; names sorted)."""
    if truth is None or truth is False:
        return None
    if truth is True:
        classes = getattr(points, "classes", None)
        names = getattr(points, "class_names", None)
        if classes is None or names is None:
            raise ValueError(
                "truth=True takes the classes of a Dataset that has them (such as "
                "load_dataset('iris')); these points have none: pass one label per point."
            )
        truth_ = Truth(np.asarray(classes, dtype=np.intp), tuple(names))
    else:
        values = np.asarray(truth)
        if values.ndim != 1 or len(values) != n:
            raise ValueError(
                f"truth must hold one label per point ({n}); got shape {values.shape}."
            )
        if values.dtype.kind == "f" and not np.isfinite(values).all():
            raise ValueError("truth must not hold NaN or infinite labels.")
        if values.dtype.kind == "O" and any(_missing(v) for v in values):
            raise ValueError("truth must not hold missing labels (None, NaN or NA).")
        try:
            truth_ = Truth(*encode_labels(values))
        except TypeError:  # labels of kinds that do not sort together
            raise TypeError(
                f"truth must hold labels of one kind (all numbers or all strings); "
                f"got truth={shown(truth)}."
            ) from None
    if len(truth_.names) > len(MARKERS):
        raise ValueError(
            f"truth has {len(truth_.names)} classes; they are drawn as marker shapes, of "
            f"which there are {len(MARKERS)}. truth={shown(truth)}"
        )
    return truth_


def encode_labels(labels: Any) -> tuple[NDArray[np.intp], tuple[str, ...]]:
    """One class per label: each label's index into the sorted distinct labels, and
    those labels as text."""
    names, classes = np.unique(np.asarray(labels), return_inverse=True)
    return classes.astype(np.intp).ravel(), tuple(str(v) for v in names)


def _missing(v: Any) -> bool:
    """None, a float NaN, or pandas' NA (recognised by type name: pandas is optional)."""
    return v is None or (isinstance(v, float) and v != v) or type(v).__name__ == "NAType"


def adjusted_rand_index(a: NDArray[np.intp], b: NDArray[np.intp]) -> float:
    """The adjusted Rand index of two labellings of the same points (Hubert and Arabie,
    1985): 1 for the same partition, about 0 for chance agreement."""
    n = len(a)
    ka, kb = int(a.max()) + 1, int(b.max()) + 1
    table = np.bincount(a * kb + b, minlength=ka * kb).reshape(ka, kb).astype(np.float64)

    def pairs(x: NDArray[np.float64]) -> float:
        return float((x * (x - 1) / 2).sum())

    index = pairs(table)
    rows, cols = pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    total = n * (n - 1) / 2
    expected = rows * cols / total if total else 0.0
    top = 0.5 * (rows + cols)
    if top == expected:  # both partitions trivial (one cluster, or all singletons)
        return 1.0
    return (index - expected) / (top - expected)
