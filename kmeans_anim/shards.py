"""Data larger than memory: ``.npy`` shards on disk as one dask array, read a chunk of
rows at a time (nothing is read until a chunk is computed)."""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._checks import check_int
from .core.chunked import require_dask

__all__ = ["MAX_CHUNK_ROWS", "load_shards"]

#: Most rows a chunk may have (10,000,000 rows of 8 columns are 640 MB).
MAX_CHUNK_ROWS = 10_000_000


def _read_rows(path: str, start: int, stop: int) -> NDArray[np.float64]:
    """Rows ``start:stop`` of a ``.npy`` file, as float64 of shape (rows, d)."""
    mapped = np.load(path, mmap_mode="r")
    rows = np.array(mapped[start:stop], dtype=np.float64)
    del mapped  # unmapped here: the file's pages do not stay in this process's memory
    return rows.reshape(stop - start, -1)


def load_shards(pattern: str | Path, chunks: int) -> Any:
    """The ``.npy`` files matching ``pattern`` (a glob; sorted by name), stacked by rows,
    as a ``dask.array.Array`` of float64 with at most ``chunks`` rows per chunk.

    Every file holds an array of shape (n,) or (n, d) of real numbers, with the same d.
    Finiteness is checked when the data is first computed (see
    :func:`kmeans_anim.lloyd`).
    """
    da = require_dask()
    import dask

    chunks = check_int(chunks, "chunks", 1, MAX_CHUNK_ROWS)
    files = sorted(glob.glob(str(pattern)))
    if not files:
        raise ValueError(f"path={str(pattern)!r}: no file matches.")
    parts, width = [], None
    for f in files:
        if not f.endswith(".npy"):
            raise ValueError(f"path={f!r}: shards must be .npy files.")
        head = np.load(f, mmap_mode="r")
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
        read = dask.delayed(_read_rows, pure=True)
        for start in range(0, shape[0], chunks):
            stop = min(start + chunks, shape[0])
            parts.append(da.from_delayed(read(f, start, stop), (stop - start, d), np.float64))
    return da.concatenate(parts, axis=0)
