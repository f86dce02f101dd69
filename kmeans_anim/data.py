"""Data for the animations: generated blobs, files of points, and the bundled datasets."""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._checks import as_points, check_int, check_real, make_rng, shown
from .columns import warn_left_out
from .core import KMeansWarning
from .readers import read_column, read_points, split_npz_key, stdin_to_file
from .shards import is_sharded, load_shards
from .truth import encode_labels

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
#: Most blobs, and most values (points × dim; 160 MB of float64) of generated data.
MAX_BLOBS, MAX_BLOB_VALUES = 10_000, 20_000_000

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
        Finite float64 values (a ``dask.array.Array`` of shape (n, d) for data read a
        chunk at a time).
    columns : tuple of str, or None
        A name per column (None when the source had no header).
    classes : ndarray of shape (n,) of int, or None
        The known class of each row, as an index into ``class_names``.
    class_names : tuple of str, or None
        The classes' names, sorted.
    """

    points: Any  # an ndarray, or a dask array for data read a chunk at a time
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
        truth: str | int | None = None,
        *,
        chunks: int | None = None,
    ) -> Dataset:
        """Read a file as :func:`load_points` does, keeping the names of its columns
        (a CSV header's, a Parquet or Feather table's, a folder of Parquet files').
        With ``chunks`` (or shards), :attr:`points` is a ``dask.array.Array``.

        ``truth`` names a column of known classes (text or numbers; by name or 0-based
        index): it becomes :attr:`classes` and :attr:`class_names` (sorted), and is
        not a coordinate.
        """
        data = _load(path, columns, spare=truth, chunks=chunks)
        if truth is None:
            return data
        if data.columns is None:
            raise ValueError(
                f"truth: {Path(path).name} has no header row; a column of classes is "
                "named in a header."
            )
        truth, labels = read_column(Path(path), truth)
        if len(labels) != len(data):  # blank or comment lines read differently
            raise ValueError(
                f"truth: column {truth!r} has {len(labels)} rows, the points {len(data)}."
            )
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
        return Dataset(self.points, self.columns, *encode_labels(labels))


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
        Number of blobs, at most 10,000.
    points_per_cluster : int, default=40
        Points in each blob; all the points' coordinates together at most 20 million.
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
    n_clusters = check_int(n_clusters, "n_clusters", 1, MAX_BLOBS)
    points_per_cluster = check_int(points_per_cluster, "points_per_cluster", 1, MAX_BLOB_VALUES)
    dim = check_int(dim, "dim", 1, MAX_BLOB_VALUES)
    values = n_clusters * points_per_cluster * dim
    if values > MAX_BLOB_VALUES:
        raise ValueError(
            f"n_clusters={n_clusters} × points_per_cluster={points_per_cluster} × dim={dim} "
            f"is {values:,} values; at most {MAX_BLOB_VALUES:,}."
        )
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


def load_points(
    path: str | os.PathLike[str],
    columns: str | int | list[str | int] | None = None,
    *,
    chunks: int | None = None,
) -> Any:
    """Read points from a CSV file (with or without a header row) or an array file.

    CSV is read by numpy's compiled ``np.loadtxt`` once its first 64 KB have told the
    delimiter (``,``, ``;``, tab or spaces), the header and the numeric columns; blank
    lines and ``#`` comments are skipped. When a subset of the columns is read, a row
    is checked to have those fields, not for its width.

    Parameters
    ----------
    path : str or path-like
        A ``.csv``/``.txt``/``.tsv`` file of numbers (``"-"``: from standard input), a
        ``.npy`` array, a ``.npz`` of one array (``"name.npz:key"`` picks one of
        several), or a ``.parquet``/``.feather`` table (these need pyarrow:
        ``pip install 'kmeans-anim[arrow]'``).
    columns : str, int, or list of them, default=None
        Columns to read, by header name or 0-based index; a string may list several
        separated by commas (``"x,y"``; a name holding a comma in double quotes,
        ``'"price, usd",x'``). None takes every numeric column.
        ``path`` may also name data larger than memory (needs
        ``pip install 'kmeans-anim[dask]'``): a glob of ``.npy`` shards
        (``"parts/*.npy"``) or of ``.parquet`` files (their numeric columns), a folder
        of either, or a ``.zarr`` array (needs zarr); files are sorted by name and
        stacked by rows. Such data is read into memory if it takes at most
        :data:`~kmeans_anim.shards.MEMORY_SHARE` (a quarter) of the machine's memory,
        and is otherwise a ``dask.array.Array`` read a chunk at a time.
    chunks : int or None, default=None
        Rows per chunk (1 to 10,000,000) of such data: always a dask array then. Without
        it, a dask array has 1,000,000 rows per chunk. ``columns`` must be None.

    Returns
    -------
    ndarray of shape (n,) for one column, else (n, d)
        Finite float64 values (a dask array of shape (n, d) with ``chunks``).

    Raises
    ------
    ValueError
        If the file is missing, a folder or unreadable, compressed, an array or table
        file under a text name, not UTF-8, ragged, has no data rows, holds text or blanks
        where numbers are expected, names a column it does not have, or holds NaN or
        infinite values.
    """
    return _load(path, columns, chunks=chunks).points


def _load(
    path: str | os.PathLike[str],
    columns: str | int | list[str | int] | None,
    spare: str | int | None = None,
    chunks: int | None = None,
) -> Dataset:
    """A file's points and its columns' names (see :func:`load_points`); ``spare`` is a
    column of classes, left out without a word."""
    if chunks is not None or is_sharded(path):
        if columns is not None or spare is not None:
            given = "columns" if columns is not None else "truth"
            raise ValueError(
                f"{given}={columns if columns is not None else spare!r} cannot be combined "
                f"with chunks={chunks!r} or path={str(path)!r} (data in shards)."
            )
        x, names = load_shards(path, chunks)
        if isinstance(x, np.ndarray):  # read into memory: as a file's points
            x = as_points(x, name=str(path))
            x = x[:, 0] if x.shape[1] == 1 else x
        return Dataset(x, names)
    if isinstance(columns, str):
        # split as a CSV row: a name holding a comma is quoted, '"price, usd",x'
        columns = [c for c in next(csv.reader([columns], skipinitialspace=True)) if c.strip()]
    elif isinstance(columns, int) and not isinstance(columns, bool):
        columns = [columns]
    if str(path) == "-":
        if sys.stdin is None:  # pythonw, or a service started without one
            raise ValueError("path='-' reads standard input, but there is none.")
        with tempfile.TemporaryDirectory(prefix="kmeans-anim-stdin-") as tmp:
            copy = stdin_to_file(tmp, sys.stdin.buffer)
            return _load_file(copy, "<stdin>", columns, None, spare)
    path, key = split_npz_key(Path(path))
    if path.is_dir():
        raise ValueError(f"path={str(path)!r} is a folder, not a data file.")
    if not path.is_file():
        raise ValueError(f"path={str(path)!r}: no such file.")
    return _load_file(
        path, path.name if key is None else f"{path.name}:{key}", columns, key, spare
    )


def _load_file(
    path: Path,
    name: str,
    columns: list[str | int] | None,
    key: str | None,
    spare: str | int | None = None,
) -> Dataset:
    try:
        arr, names, left = read_points(path, name, columns, key)
    except (OSError, csv.Error) as exc:
        raise ValueError(f"path={str(path)!r} could not be read: {exc}") from None
    points = as_points(arr, name=name)
    warn_left_out([(n, v) for i, n, v in left if spare not in (i, n)], stacklevel=4)
    if names is not None and names[0] == "" and len(names) > 1:
        warnings.warn(
            f"the first column of {name} has no name, like the index pandas writes; it is "
            "clustered as a coordinate (leave it out with columns=, or write the file with "
            "index=False).",
            KMeansWarning,
            stacklevel=4,
        )
    return Dataset(points[:, 0] if points.shape[1] == 1 else points, names)


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
    return data.with_classes(values)
