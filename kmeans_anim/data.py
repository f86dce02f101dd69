"""Data for the animations: generated blobs, files of points, and the bundled datasets."""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._checks import as_points, check_int, check_real, make_rng, shown

__all__ = ["DATASETS", "Dataset", "load_dataset", "load_points", "make_blobs"]

#: The bundled datasets and the numeric columns each one returns.
DATASETS: dict[str, tuple[str, ...]] = {
    "old_faithful": ("eruptions", "waiting"),
    "iris": ("sepal_length", "sepal_width", "petal_length", "petal_width"),
    "wine": (
        "alcohol",
        "malic_acid",
        "ash",
        "alcalinity_of_ash",
        "magnesium",
        "total_phenols",
        "flavanoids",
        "nonflavanoid_phenols",
        "proanthocyanins",
        "color_intensity",
        "hue",
        "od280/od315_of_diluted_wines",
        "proline",
    ),
}
#: The bundled datasets' column of known classes, where they have one.
CLASS_COLUMNS = {"iris": "species", "wine": "cultivar"}


@dataclass(frozen=True, eq=False)
class Dataset:
    """Points with the names of their columns, and their known classes where there are.

    ``animate`` and ``lloyd`` take a Dataset as they take an array (``np.asarray(ds)``
    is ``ds.points``); ``animate`` labels the axes with its column names.

    Attributes
    ----------
    points : ndarray of shape (n,) for one column, else (n, d)
        Finite float64 values.
    columns : tuple of str, or None
        A name per column (None when the source had no header).
    classes : ndarray of shape (n,) of int, or None
        The known class of each row, as an index into ``class_names``.
    class_names : tuple of str, or None
        The classes' names, in order of first appearance.
    """

    points: NDArray[np.float64]
    columns: tuple[str, ...] | None = None
    classes: NDArray[np.intp] | None = None
    class_names: tuple[str, ...] | None = None

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> NDArray[Any]:
        return np.asarray(self.points, dtype=dtype)

    def __len__(self) -> int:
        return len(self.points)

    def __getitem__(self, key: Any) -> Any:
        """Index the points, as the array ``load_dataset`` used to return."""
        return self.points[key]

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of :attr:`points`."""
        return self.points.shape

    @classmethod
    def from_file(
        cls,
        path: str | os.PathLike[str],
        columns: str | int | list[str | int] | None = None,
        truth: str | None = None,
    ) -> Dataset:
        """Read a file as :func:`load_points` does, keeping the CSV header's names.

        ``truth`` names a column of known classes (text or numbers): it becomes
        :attr:`classes` and :attr:`class_names` (sorted), and is not a coordinate.
        """
        data = _load(path, columns)
        if truth is None:
            return data
        labels = _read_column(Path(path), truth)
        if data.columns is not None and truth in data.columns:  # a numeric class column
            keep = [i for i, c in enumerate(data.columns) if c != truth]
            if not keep:
                raise ValueError(
                    f"truth: {truth!r} is the only column; nothing is left to cluster."
                )
            pts = data.points.reshape(len(data.points), -1)[:, keep]
            data = Dataset(
                pts[:, 0] if len(keep) == 1 else pts, tuple(data.columns[i] for i in keep)
            )
        return data.with_classes(labels)

    def with_classes(self, labels: Sequence[str]) -> Dataset:
        """This data with one known class per row (class names sorted)."""
        names = tuple(sorted(set(labels)))
        classes = np.array([names.index(v) for v in labels], dtype=np.intp)
        return Dataset(self.points, self.columns, classes, names)


def make_blobs(
    n_clusters: int = 3,
    points_per_cluster: int = 40,
    dim: int = 1,
    center_bounds: tuple[float, float] = (-2.0, 2.0),
    std: float = 0.15,
    seed: int | np.random.Generator | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Normal blobs around centres drawn uniformly in a box (the tutorial's data).

    Parameters
    ----------
    n_clusters : int, default=3
        Number of blobs.
    points_per_cluster : int, default=40
        Points in each blob.
    dim : int, default=1
        Dimension of the points.
    center_bounds : (float, float), default=(-2.0, 2.0)
        Each coordinate of each centre is uniform in this interval.
    std : float, default=0.15
        Standard deviation of the normal spread around each centre.
    seed : int, numpy.random.Generator or None, default=None
        Source of randomness.

    Returns
    -------
    points : ndarray of shape (n_clusters * points_per_cluster,) if dim == 1, else (n, dim)
        The points, blob after blob.
    centers : ndarray of shape (n_clusters,) if dim == 1, else (n_clusters, dim)
        The true centres.
    """
    n_clusters = check_int(n_clusters, "n_clusters", 1)
    points_per_cluster = check_int(points_per_cluster, "points_per_cluster", 1)
    dim = check_int(dim, "dim", 1)
    std = check_real(std, "std", minimum=0.0, strict=False)
    try:
        lo, hi = (float(b) for b in center_bounds)
    except (TypeError, ValueError):
        raise TypeError(
            "center_bounds must be two numbers (low, high); "
            f"got center_bounds={shown(center_bounds)}."
        ) from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"center_bounds={shown(center_bounds)} should be finite with low < high.")
    rng = make_rng(seed)
    centers = rng.uniform(lo, hi, size=(n_clusters, dim))
    noise = rng.normal(0.0, std, size=(n_clusters, points_per_cluster, dim))
    points = (centers[:, None, :] + noise).reshape(-1, dim)
    if dim == 1:
        return points[:, 0], centers[:, 0]
    return points, centers


def _column_index(header: list[str] | None, column: str | int, path: Path) -> int:
    if isinstance(column, int) and not isinstance(column, bool):
        width = len(header) if header is not None else None
        if column < 0 or (width is not None and column >= width):
            raise ValueError(
                f"columns: index {column} is out of range for {path.name} ({width} columns)."
            )
        return column
    if header is None:
        if isinstance(column, str) and column.strip().lstrip("-").isdigit():
            return _column_index(None, int(column), path)
        raise ValueError(
            f"columns: {path.name} has no header row, so column {column!r} "
            "must be given as a 0-based index."
        )
    name = str(column).strip()
    if name in header:
        return header.index(name)
    if name.lstrip("-").isdigit():
        return _column_index(header, int(name), path)
    raise ValueError(f"columns: no column {name!r} in {path.name}; it has {', '.join(header)}.")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _read_csv(
    path: Path, columns: list[str | int] | None
) -> tuple[NDArray[np.float64], tuple[str, ...] | None]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        sample = f.read(65536)
        f.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t ")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(f, dialect)
        # each row keeps its line in the file, for messages ("row N" = line N)
        numbered = [(reader.line_num, [c.strip() for c in row]) for row in reader]
    numbered = [(n, r) for n, r in numbered if any(r)]
    if not numbered:
        raise ValueError(f"{path.name} is empty: no rows to read.")
    lines, rows = [n for n, _ in numbered], [r for _, r in numbered]
    header = None
    # A header row is all text, or has text where the next row has a number: a text
    # column in a file without a header must not swallow its first row.
    first = rows[0]
    nxt = rows[1] if len(rows) > 1 else []
    text = [bool(c) and not _is_number(c) for c in first]
    if all(text) or any(t and i < len(nxt) and _is_number(nxt[i]) for i, t in enumerate(text)):
        header, rows, lines = first, rows[1:], lines[1:]
    if not rows:
        raise ValueError(f"{path.name} has a header row but no data rows.")
    width = len(header) if header is not None else len(rows[0])
    for line, row in zip(lines, rows, strict=True):
        if len(row) != width:
            raise ValueError(
                f"{path.name}, row {line}: {len(row)} fields where "
                f"{width} were expected (ragged CSV)."
            )
    if columns is None:
        idx = list(range(width))
        if header is not None:
            # without an explicit choice, take the columns that hold numbers (text or
            # blanks in such a column are errors below, not a reason to drop it)
            idx = [i for i in idx if any(_is_number(r[i]) for r in rows)]
            if not idx:
                raise ValueError(f"{path.name} has no numeric column.")
    else:
        idx = [_column_index(header, c, path) for c in columns]
        if any(i >= width for i in idx):
            raise ValueError(f"columns: index out of range for {path.name} ({width} columns).")
    out = np.empty((len(rows), len(idx)))
    for r, (line, row) in enumerate(zip(lines, rows, strict=True)):
        for j, i in enumerate(idx):
            text = row[i]
            try:
                out[r, j] = float(text)
            except ValueError:
                col = header[i] if header is not None else str(i)
                what = "an empty field" if text == "" else f"{text!r}"
                raise ValueError(
                    f"{path.name}, row {line}, column {col}: {what} is not a number."
                ) from None
    return out, None if header is None else tuple(header[i] for i in idx)


def load_points(
    path: str | os.PathLike[str], columns: str | int | list[str | int] | None = None
) -> NDArray[np.float64]:
    """Read points from a CSV file (with or without a header row) or a ``.npy`` file.

    Parameters
    ----------
    path : str or path-like
        A ``.csv``/``.txt``/``.tsv`` file of numbers, or a ``.npy`` array.
    columns : str, int, or list of them, default=None
        Columns to read, by header name or 0-based index; a string may list several
        separated by commas (``"x,y"``). None takes every numeric column.

    Returns
    -------
    ndarray of shape (n,) for one column, else (n, d)
        Finite float64 values.

    Raises
    ------
    ValueError
        If the file is missing or unreadable, ragged, has no data rows, holds text or
        blanks where numbers are expected, names a column it does not have, or holds NaN
        or infinite values.
    """
    return _load(path, columns).points


def _load(path: str | os.PathLike[str], columns: str | int | list[str | int] | None) -> Dataset:
    """A file's points and its header's names (see :func:`load_points`)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path={str(path)!r}: no such file.")
    if isinstance(columns, str):
        columns = [c for c in columns.split(",") if c.strip()]
    elif isinstance(columns, int) and not isinstance(columns, bool):
        columns = [columns]
    try:
        names = None
        if path.suffix.lower() == ".npy":
            arr = np.load(path, allow_pickle=False)
            if columns is not None:
                if arr.ndim != 2:
                    raise ValueError(
                        f"columns: {path.name} has ndim={arr.ndim}; columns need a 2-D array."
                    )
                idx = [
                    _column_index([str(i) for i in range(arr.shape[1])], c, path) for c in columns
                ]
                arr = arr[:, idx]
        else:
            arr, names = _read_csv(path, columns)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"path={str(path)!r} could not be read: {exc}") from None
    points = as_points(arr, name=path.name)
    return Dataset(points[:, 0] if points.shape[1] == 1 else points, names)


def _read_column(path: Path, column: str) -> list[str]:
    """The text of one column of a CSV file with a header row, blank rows skipped."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        sample = f.read(65536)
        f.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t ")
        except csv.Error:
            dialect = csv.excel
        rows = [[c.strip() for c in row] for row in csv.reader(f, dialect) if any(row)]
    header = rows[0] if rows else []
    if column not in header:
        raise ValueError(
            f"truth: no column {column!r} in {path.name}; it has {', '.join(header)}."
        )
    i = header.index(column)
    return [row[i] for row in rows[1:]]


def load_dataset(name: str) -> Dataset:
    """Load a bundled dataset by name.

    Parameters
    ----------
    name : {'old_faithful', 'iris', 'wine'}
        ``old_faithful``: 272 eruptions of the Old Faithful geyser, (eruption minutes,
        minutes to the next eruption). ``iris``: Fisher's 150 irises, their four
        numeric measurements, with the species as known classes. ``wine``: 178 Italian
        wines, 13 chemical measurements of very different scales, with the cultivar as
        known classes. Provenance is in ``kmeans_anim/datasets/README.md``.

    Returns
    -------
    Dataset
        ``points`` of shape (n, d), the column names, and for iris the classes.
    """
    if not isinstance(name, str) or name not in DATASETS:
        raise ValueError(
            f"dataset={name!r} does not exist; choose one of "
            f"{', '.join(repr(n) for n in DATASETS)}."
        )
    ref = resources.files("kmeans_anim") / "datasets" / f"{name}.csv"
    with resources.as_file(ref) as p:
        data = _load(p, list(DATASETS[name]))
        if name not in CLASS_COLUMNS:
            return data
        with p.open(newline="", encoding="utf-8") as f:
            values = [row[CLASS_COLUMNS[name]] for row in csv.DictReader(f)]
    class_names = tuple(dict.fromkeys(values))  # in order of first appearance
    classes = np.array([class_names.index(v) for v in values], dtype=np.intp)
    return Dataset(data.points, data.columns, classes, class_names)
