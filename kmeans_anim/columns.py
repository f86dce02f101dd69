"""The names of the data's columns: where they come from, and how a column is picked.

Names come from the data when it has them (a :class:`~kmeans_anim.Dataset`, a pandas or
polars DataFrame or Series, a CSV header) or from ``labels=``; they label the axes and
let ``projection=`` name its columns. Frames are recognised by their attributes, so
neither pandas nor polars is imported here.
"""

from __future__ import annotations

import operator
import re
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._checks import shown
from .core import KMeansWarning

#: Text that is a number once its thousands separators go: "1,000", "12,345.6".
_THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d*)?")

__all__ = ["check_labels", "column_index", "column_names", "numeric_columns"]


def column_names(points: Any) -> tuple[str, ...] | None:
    """The names the data carries for its columns, or None.

    A Dataset's ``columns``; a DataFrame's (pandas, polars) ``columns``; a Series' ``name``
    (when it has one). Arrays and lists carry no names.
    """
    names = getattr(points, "columns", None)
    if names is not None and not callable(names):
        return tuple(str(c) for c in names)
    if hasattr(points, "to_numpy") and len(getattr(points, "shape", ())) == 1:
        name = getattr(points, "name", None)
        return None if name is None or name == "" else (str(name),)
    return None


def check_labels(labels: Any, d: int) -> tuple[str, ...]:
    """``labels`` as one string per column of data with ``d`` columns."""
    if isinstance(labels, str):
        labels = [labels]
    try:
        out = tuple(labels)
    except TypeError:
        raise TypeError(
            f"labels must be a sequence of str, one per column; got labels={shown(labels)}."
        ) from None
    if not all(isinstance(s, str) for s in out):
        raise TypeError(f"labels must be strings; got labels={shown(labels)}.")
    if len(out) != d:
        raise ValueError(
            f"labels={shown(labels)} has {len(out)} name{'s' if len(out) != 1 else ''}; "
            f"the data has {d} column{'s' if d != 1 else ''}."
        )
    return out


def column_index(column: Any, names: Sequence[str] | None, d: int, param: str) -> int:
    """The index of ``column`` (a name, or an index in [0, d)) among the data's columns;
    ``param`` names the option it came from, for the message."""
    if isinstance(column, str):
        if names is not None and column in names:
            return list(names).index(column)
        if column.strip().isdigit():
            return column_index(int(column), names, d, param)
        have = f"its columns are {', '.join(names)}" if names else "the data has no column names"
        raise ValueError(f"{param}: no column {column!r}; {have}.")
    try:
        if isinstance(column, bool):
            raise TypeError
        i = operator.index(column)
    except TypeError:
        raise TypeError(f"{param}: a column is a name or an index; got {shown(column)}.") from None
    if not 0 <= i < d:
        raise ValueError(f"{param}: column index {i} is not in [0, {d}).")
    return i


def numeric_columns(points: Any, stacklevel: int) -> tuple[Any, tuple[str, ...] | None]:
    """A data frame's numeric columns, as an array, and their names; other data as it
    is, with the names it carries.

    A frame's other columns (text, booleans, dates) are left out with one
    :class:`KMeansWarning` that names them (at ``stacklevel``; 1: the caller), with a
    hint where a column looks like numbers read as text or like flags.
    """
    names = column_names(points)
    if names is None or not hasattr(points, "to_numpy") or len(getattr(points, "shape", ())) != 2:
        return points, names
    columns = [_column(points, i) for i in range(len(names))]
    keep = [i for i, col in enumerate(columns) if col.dtype.kind in "iuf"]
    if len(keep) == len(names):
        return points, names
    if not keep:
        return points, names  # nothing numeric: as_points says so, naming the dtype
    left = [i for i in range(len(names)) if i not in keep]
    hints = []
    for i in left:
        col = columns[i]
        if col.dtype.kind == "b":
            hints.append(f"{names[i]!r} holds booleans (use .astype(int) to cluster on it)")
        elif (
            col.dtype.kind == "O"
            and len(col)
            and all(isinstance(v, str) and _THOUSANDS.fullmatch(v.strip()) for v in col[:100])
        ):
            hints.append(
                f"{names[i]!r} looks like numbers with thousands separators "
                "(read it with thousands=',')"
            )
    listed = ", ".join(repr(names[i]) for i in left)
    warnings.warn(
        f"left out the non-numeric column{'s' if len(left) > 1 else ''} {listed}"
        + (f"; {'; '.join(hints)}" if hints else "")
        + " (truth= can show a column of classes as marker shapes).",
        KMeansWarning,
        stacklevel=stacklevel + 1,
    )
    return np.column_stack([columns[i] for i in keep]), tuple(names[i] for i in keep)


def _column(frame: Any, i: int) -> np.ndarray:
    """Column ``i`` of a frame, by position: pandas labels may be numbers or tuples (the
    names are their ``str``), and a whole mixed frame would become an object array."""
    if hasattr(frame, "iloc"):  # pandas
        return np.asarray(frame.iloc[:, i])
    if hasattr(frame, "to_series"):  # polars
        return np.asarray(frame.to_series(i).to_numpy())
    return np.asarray(frame.to_numpy()[:, i])
