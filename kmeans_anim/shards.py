"""Data larger than memory: ``.npy`` shards, a folder of ``.parquet`` files or a
``.zarr`` array on disk as one dask array, read a chunk of rows at a time (nothing is
read until a chunk is computed).

Without ``chunks=``, such data is read into memory when it takes at most
:data:`MEMORY_SHARE` of the machine's memory, and is a dask array otherwise.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._checks import DEFAULTS, check_int
from .columns import warn_left_out
from .core.chunked import require_dask
from .readers import arrow_columns, arrow_points

__all__ = ["MAX_CHUNK_ROWS", "MEMORY_SHARE", "is_sharded", "load_shards", "total_memory"]

#: Most rows a chunk may have (10,000,000 rows of 8 columns are 640 MB).
MAX_CHUNK_ROWS = 10_000_000
#: Share of the machine's memory that sharded data read without ``chunks=`` may take
#: as float64 and still be read into memory (the run needs a few times the data).
MEMORY_SHARE = 0.25


def total_memory() -> int:
    """Bytes of physical memory of this machine."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def is_sharded(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names data for :func:`load_shards`: a glob, a ``.zarr`` store
    or a folder that holds ``.npy`` or ``.parquet`` files."""
    text = str(path).rstrip("/")
    if any(ch in text for ch in "*?[") or text.endswith(".zarr"):
        return True
    return Path(text).is_dir() and any(
        f.suffix in (".npy", ".parquet") for f in Path(text).iterdir()
    )


def _read_rows(path: str, start: int, stop: int) -> NDArray[np.float64]:
    """Rows ``start:stop`` of a ``.npy`` file, as float64 of shape (rows, d)."""
    mapped = np.load(path, mmap_mode="r")
    rows = np.array(mapped[start:stop], dtype=np.float64)
    del mapped  # unmapped here: the file's pages do not stay in this process's memory
    return rows.reshape(stop - start, -1)


def _read_parquet_rows(
    path: str, columns: list[str], start: int, stop: int
) -> NDArray[np.float64]:
    """Rows ``start:stop`` of the ``columns`` of a ``.parquet`` file, as float64: only
    the row groups that hold them are read."""
    import pyarrow.parquet as pq

    f = pq.ParquetFile(path)
    edges = np.cumsum([0] + [f.metadata.row_group(i).num_rows for i in range(f.num_row_groups)])
    groups = [i for i in range(f.num_row_groups) if edges[i] < stop and edges[i + 1] > start]
    table = f.read_row_groups(groups, columns=columns)
    return arrow_points(table.slice(start - int(edges[groups[0]]), stop - start), columns, path)


def _npy_parts(files: list[str], chunks: int) -> tuple[list[Any], None]:
    da = require_dask()
    import dask

    parts, width = [], None
    read = dask.delayed(_read_rows, pure=True)
    for f in files:
        if not f.endswith(".npy"):
            raise ValueError(f"path={f!r}: shards must be .npy or .parquet files.")
        try:
            head = np.load(f, mmap_mode="r")
        except (OSError, ValueError) as exc:  # not .npy inside: numpy speaks of pickles
            raise ValueError(f"path={f!r} is not a readable .npy array ({exc}).") from None
        if not isinstance(head, np.ndarray):  # an .npz archive under an .npy name
            head.close()
            raise ValueError(f"path={f!r} is not a .npy array.")
        shape, kind = head.shape, head.dtype.kind
        del head
        if len(shape) not in (1, 2) or kind not in "iuf":
            raise ValueError(
                f"path={f!r} holds {kind!r} data of shape {shape}; expected real "
                "numbers of shape (n,) or (n, d)."
            )
        d = 1 if len(shape) == 1 else shape[1]
        if width is not None and d != width:
            raise ValueError(f"path={f!r} has {d} columns; the shards before it have {width}.")
        width = d
        for start in range(0, shape[0], chunks):
            stop = min(start + chunks, shape[0])
            parts.append(da.from_delayed(read(f, start, stop), (stop - start, d), np.float64))
    return parts, None


def _parquet_parts(files: list[str], chunks: int) -> tuple[list[Any], tuple[str, ...]]:
    """The numeric columns of every file (the first file's, left out ones named in a
    warning as for one file), a chunk of rows at a time."""
    da = require_dask()
    import dask
    import pyarrow.parquet as pq

    first = pq.read_schema(files[0])
    names, left = arrow_columns(first, Path(files[0]).name)
    warn_left_out([(n, v) for _, n, v in left], stacklevel=5)
    parts = []
    read = dask.delayed(_read_parquet_rows, pure=True)
    for f in files:
        if pq.read_schema(f).names != first.names:
            raise ValueError(f"path={f!r} has other columns than {files[0]!r}.")
        rows = pq.ParquetFile(f).metadata.num_rows
        for start in range(0, rows, chunks):
            stop = min(start + chunks, rows)
            job = read(f, list(names), start, stop)
            parts.append(da.from_delayed(job, (stop - start, len(names)), np.float64))
    return parts, tuple(names)


def _zarr(path: str, chunks: int) -> Any:
    da = require_dask()
    try:
        x = da.from_zarr(path)
    except ImportError:
        raise ImportError("a .zarr store needs zarr: pip install 'kmeans-anim[dask]'.") from None
    if x.ndim not in (1, 2) or x.dtype.kind not in "iuf":
        raise ValueError(
            f"path={path!r} holds {x.dtype} data of shape {x.shape}; expected real "
            "numbers of shape (n,) or (n, d)."
        )
    x = x.reshape(-1, 1) if x.ndim == 1 else x
    return x.astype(np.float64).rechunk((chunks, -1))


def load_shards(
    pattern: str | os.PathLike[str], chunks: int | None
) -> tuple[Any, tuple[str, ...] | None]:
    """The data ``pattern`` names, as a ``dask.array.Array`` of float64 of shape (n, d)
    with at most ``chunks`` rows per chunk, and its columns' names (None without).

    ``pattern`` is a glob of ``.npy`` files (each of shape (n,) or (n, d), the same d)
    or of ``.parquet`` files (the same columns; the numeric ones are read), a folder of
    such files, or a ``.zarr`` array; files are sorted by name and stacked by rows.
    With ``chunks=None`` the data is computed into a numpy array when it takes at most
    :data:`MEMORY_SHARE` of :func:`total_memory` (as float64), and is a dask array of
    ``DEFAULTS.chunks`` rows per chunk otherwise. Finiteness is checked when the data
    is first computed (see :func:`kmeans_anim.lloyd`).
    """
    rows = DEFAULTS.chunks if chunks is None else check_int(chunks, "chunks", 1, MAX_CHUNK_ROWS)
    text = str(pattern).rstrip("/")
    names = None
    if text.endswith(".zarr"):
        x = _zarr(text, rows)
    else:
        found = glob.glob(os.path.join(text, "*")) if Path(text).is_dir() else glob.glob(text)
        files = sorted(f for f in found if not Path(f).is_dir())
        if not files:
            raise ValueError(f"path={text!r}: no file matches.")
        if all(f.endswith(".parquet") for f in files):
            parts, names = _parquet_parts(files, rows)
        else:
            parts, names = _npy_parts(files, rows)
        if not parts:
            raise ValueError(f"path={text!r}: every file it names is empty (no rows).")
        x = require_dask().concatenate(parts, axis=0)
    if chunks is None and x.shape[0] * x.shape[1] * 8 <= MEMORY_SHARE * total_memory():
        x = np.asarray(x.compute())
    return x, names
