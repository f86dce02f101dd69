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
from .core.chunked import MAX_IN_MEMORY, fits_in_memory, is_dask

#: Text that is a number once its thousands separators go: "1,000", "12,345.6".
_THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d*)?")
#: Text that is a number written with a decimal comma: "1,5", "-0,25".
_DECIMAL_COMMA = re.compile(r"-?\d*,\d+")
#: How the message about left-out columns starts (the command line calls it a note).
LEFT_OUT = "left out the non-numeric column"

__all__ = [
    "LEFT_OUT",
    "check_labels",
    "column_index",
    "column_names",
    "left_out_hints",
    "numeric_columns",
    "warn_left_out",
]


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


def column_index(
    column: Any, names: Sequence[str] | None, d: int, param: str, source: str | None = None
) -> int:
    """The index of ``column`` among ``d`` columns named ``names`` (None: unnamed): a
    name, or an index in [0, d) given as an int or as digits. ``param`` names the
    option it came from and ``source`` the file (None: the data), for the message.
    One rule for ``columns=``, ``truth=`` and ``projection=``, files and frames alike."""
    of = source or "the data"
    if isinstance(column, str):
        text = column.strip()
        if names is not None and text in names:
            at = [i for i, name in enumerate(names) if name == text]
            if len(at) > 1:  # the first of them would be a guess
                raise ValueError(
                    f"{param}: {of} has {len(at)} columns named {text!r} (indices "
                    f"{', '.join(map(str, at))}); give the one you mean by its index."
                )
            return at[0]
        if text.lstrip("-").isdigit():
            return column_index(int(text), names, d, param, source)
        if not names:
            raise ValueError(
                f"{param}: {of} has no column names, so column {column!r} must be given "
                "as a 0-based index."
            )
        where = f" in {source}" if source else ""
        raise ValueError(f"{param}: no column {text!r}{where}; it has {', '.join(names)}.")
    try:
        if isinstance(column, bool):
            raise TypeError
        i = operator.index(column)
    except TypeError:
        raise TypeError(f"{param}: a column is a name or an index; got {shown(column)}.") from None
    if not 0 <= i < d:
        raise ValueError(f"{param}: index {i} is out of range for {of} ({d} columns).")
    return i


def the_data(
    points: Any, stacklevel: int, *, chunked: bool = False, caller: str = "animate()"
) -> tuple[Any, Any, tuple[str, ...] | None, bool]:
    """What a run is made of, from the ``points`` a caller gave: ``(source, data,
    names, is_chunked)``. ``source`` is what the options that name columns (``truth=``)
    read, ``data`` what is clustered (:func:`numeric_columns` of it), ``names`` its
    columns' names.

    A :class:`~kmeans_anim.Dataset` of shards gives its dask array and its names; a
    dask array of at most :data:`~kmeans_anim.core.chunked.MAX_IN_MEMORY` values is
    read into memory. A larger one is returned as it is (``is_chunked``) when the
    caller runs it chunk by chunk (``chunked``), and refused otherwise: reading it would
    not fit the machine's memory.
    """
    carried = None
    if is_dask(getattr(points, "points", None)):  # a Dataset of shards
        carried, points = points.columns, points.points
    if is_dask(points):
        if not fits_in_memory(points):
            if chunked:
                return points, points, carried, True
            raise ValueError(
                f"points is a dask array of shape {points.shape}, more than "
                f"{MAX_IN_MEMORY:,} values: {caller} needs it in memory; animate() runs "
                "it chunk by chunk, or pass a sample (e.g. points[::100].compute())."
            )
        points = np.asarray(points.compute())
    data, names = numeric_columns(points, stacklevel + 1)
    return points, data, names or carried, False


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
    left = [(names[i], columns[i][:100]) for i in range(len(names)) if i not in keep]
    if not keep:
        hints = left_out_hints(left)
        raise TypeError(
            "points has no numeric column"
            + (f"; {'; '.join(hints)}" if hints else f" (its columns: {', '.join(names)})")
            + "."
        )
    warn_left_out(left, stacklevel=stacklevel + 1)
    return np.column_stack([columns[i] for i in keep]), tuple(names[i] for i in keep)


#: What a left-out column may have been meant as, and what to do about it.
_HINTS = {
    "bool": "{names} {hold} booleans (cluster on {them} as 0 and 1 with .astype(int))",
    "truefalse": "{names} {hold} true/false (write 1 and 0 to cluster on {them})",
    "thousands": "{names} {look} like numbers with thousands separators ({example}): "
    "remove the separators (pandas: thousands=',')",
    "decimal": "{names} {look} like numbers with decimal commas ({example}): write them "
    "with decimal points (pandas: decimal=',')",
}


def _kind(values: np.ndarray) -> tuple[str, str] | None:
    """What a left-out column's first values look like (a key of :data:`_HINTS`), and
    one of them as an example."""
    if values.dtype.kind == "b":
        return "bool", ""
    sample = [v.strip() for v in values[:100] if isinstance(v, str) and v.strip()]
    if not sample:
        return None
    if all(v.lower() in ("true", "false") for v in sample):
        return "truefalse", sample[0]
    if all(_THOUSANDS.fullmatch(v) for v in sample):
        return "thousands", sample[0]
    if all(_DECIMAL_COMMA.fullmatch(v) for v in sample):
        return "decimal", sample[0]
    return None


def left_out_hints(left: Sequence[tuple[str, np.ndarray]]) -> list[str]:
    """For columns left out as non-numeric (each a name and its first values), a hint
    for each kind of column that looks like numbers or flags, naming its columns."""
    found: dict[str, tuple[list[str], str]] = {}
    for name, values in left:
        kind = _kind(values)
        if kind is not None:
            found.setdefault(kind[0], ([], kind[1]))[0].append(repr(name))
    hints = []
    for kind, (names, example) in found.items():
        one = len(names) == 1
        hints.append(
            _HINTS[kind].format(
                names=", ".join(names),
                hold="holds" if one else "hold",
                look="looks" if one else "look",
                them="it" if one else "them",
                example=repr(example),
            )
        )
    return hints


def warn_left_out(left: Sequence[tuple[str, np.ndarray]], stacklevel: int) -> None:
    """One :class:`KMeansWarning` naming the columns left out as non-numeric (each a
    name and its first values; none: no warning), with a hint where one looks like
    numbers read as text or like flags. The same for data frames and files."""
    if not left:
        return
    listed = ", ".join(repr(name) for name, _ in left)
    hints = left_out_hints(left)
    warnings.warn(
        f"{LEFT_OUT}{'s' if len(left) > 1 else ''} {listed}"
        + (f"; {'; '.join(hints)}" if hints else "")
        + " (truth= can show a column of classes as marker shapes).",
        KMeansWarning,
        stacklevel=stacklevel + 1,
    )


def _column(frame: Any, i: int) -> np.ndarray:
    """Column ``i`` of a frame, by position: pandas labels may be numbers or tuples (the
    names are their ``str``), and a whole mixed frame would become an object array."""
    if hasattr(frame, "iloc"):  # pandas
        return np.asarray(frame.iloc[:, i])
    if hasattr(frame, "to_series"):  # polars
        return np.asarray(frame.to_series(i).to_numpy())
    return np.asarray(frame.to_numpy()[:, i])
