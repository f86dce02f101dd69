"""Data larger than memory on disk: .npy shards, .parquet folders and .zarr arrays read
as one dask array, or into memory when they take a small share of it."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from kmeans_anim import load_points, shards
from kmeans_anim.core import KMeansWarning

da = pytest.importorskip("dask.array")


def _parquet_folder(folder: Path, row_group_size: int) -> np.ndarray:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    folder.mkdir()
    rng = np.random.default_rng(3)
    parts = [rng.normal(size=(n, 2)) for n in (7, 5)]
    for i, p in enumerate(parts):
        table = pa.table({"x": p[:, 0], "kind": ["a"] * len(p), "y": p[:, 1].astype(np.float32)})
        pq.write_table(table, folder / f"part{i}.parquet", row_group_size=row_group_size)
    whole = np.vstack(parts)
    whole[:, 1] = whole[:, 1].astype(np.float32)
    return whole


def test_a_parquet_folder_is_its_numeric_columns_chunk_by_chunk(tmp_path: Path) -> None:
    # chunks of 4 rows cut across row groups of 3: each chunk reads only its groups
    whole = _parquet_folder(tmp_path / "parts", row_group_size=3)
    with pytest.warns(KMeansWarning, match="kind"):
        x, names = shards.load_shards(tmp_path / "parts", 4)
    assert names == ("x", "y")
    assert x.chunks[0] == (4, 3, 4, 1)
    np.testing.assert_array_equal(x.compute(), whole)
    with pytest.warns(KMeansWarning, match="kind"):
        got = load_points(tmp_path / "parts" / "*.parquet", chunks=5)
    np.testing.assert_array_equal(got.compute(), whole)
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"x": [1.0], "z": [2.0]}), tmp_path / "parts" / "part2.parquet")
    with pytest.warns(KMeansWarning), pytest.raises(ValueError, match="other columns than"):
        load_points(tmp_path / "parts", chunks=5)


def test_a_zarr_array_is_read_with_the_given_chunks(tmp_path: Path) -> None:
    zarr = pytest.importorskip("zarr")
    data = np.arange(30, dtype=np.int32).reshape(15, 2)
    z = zarr.create_array(str(tmp_path / "p.zarr"), shape=data.shape, chunks=(4, 2), dtype="i4")
    z[:] = data
    x = load_points(tmp_path / "p.zarr", chunks=6)
    assert x.dtype == np.float64 and x.chunks[0] == (6, 6, 3)
    np.testing.assert_array_equal(x.compute(), data)


def test_a_zarr_store_without_zarr_names_the_extra(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "p.zarr").mkdir()
    monkeypatch.setitem(sys.modules, "zarr", None)  # what `import zarr` sees without it
    with pytest.raises(ImportError, match=r"needs zarr: pip install 'kmeans-anim\[dask\]'"):
        load_points(tmp_path / "p.zarr", chunks=6)


@pytest.mark.parametrize("memory, in_memory", [(10**12, True), (10_000, False)])
def test_shards_without_chunks_are_read_into_memory_below_a_share_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memory: int, in_memory: bool
) -> None:
    # 2,000 x 2 float64 values are 32,000 bytes: above a quarter of a 10,000-byte machine
    np.save(tmp_path / "a.npy", np.arange(2_000.0).reshape(1_000, 2))
    np.save(tmp_path / "b.npy", np.arange(2_000.0, 4_000.0).reshape(1_000, 2))
    monkeypatch.setattr(shards, "total_memory", lambda: memory)
    x = load_points(tmp_path / "*.npy")
    assert isinstance(x, np.ndarray) == in_memory
    assert not in_memory or shards.MEMORY_SHARE * memory >= 32_000
    np.testing.assert_array_equal(np.asarray(x), np.arange(4_000.0).reshape(2_000, 2))
    # a folder of shards is the same data; one column is a 1-D array, as for a file
    np.save(tmp_path / "b.npy", np.zeros(1_000))
    np.save(tmp_path / "a.npy", np.ones(1_000))
    one = load_points(tmp_path)
    assert one.shape == ((2_000,) if in_memory else (2_000, 1))


def test_a_folder_without_shards_is_still_refused_as_a_folder(tmp_path: Path) -> None:
    (tmp_path / "data.csv").mkdir()
    (tmp_path / "data.csv" / "keep").write_text("1,2\n")
    with pytest.raises(ValueError, match="is a folder, not a data file"):
        load_points(tmp_path / "data.csv")


def _npz_named_npy(path: Path) -> None:
    with path.open("wb") as f:
        np.savez(f, x=np.zeros(3))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: (d / "a.npy").write_bytes(b"garbage"), r"a\.npy' is not a readable \.npy"),
        (lambda d: _npz_named_npy(d / "a.npy"), r"a\.npy' is not a \.npy array"),
        (lambda d: np.save(d / "a.npy", np.zeros((0, 2))), r"every file it names is empty"),
    ],
    ids=["not-npy", "npz-inside", "all-empty"],
)
def test_unreadable_or_empty_shards_are_named(tmp_path: Path, make, message: str) -> None:
    make(tmp_path)
    with pytest.raises(ValueError, match=message) as info:
        load_points(str(tmp_path / "*.npy"), chunks=10)
    assert "path=" in str(info.value) and str(tmp_path) in str(info.value)


def test_a_folder_matching_the_glob_is_not_a_shard(tmp_path: Path) -> None:
    (tmp_path / "d.npy").mkdir()
    np.save(tmp_path / "a.npy", np.ones((4, 2)))
    np.testing.assert_array_equal(
        np.asarray(load_points(str(tmp_path / "*.npy"), chunks=3)), np.ones((4, 2))
    )


def test_a_parquet_folder_names_the_axes_of_its_animation(tmp_path: Path) -> None:
    """Its columns' names reach the axes, as a single file's do; nothing computed."""
    from kmeans_anim import Dataset, animate

    whole = _parquet_folder(tmp_path / "pq", row_group_size=4)
    with pytest.warns(KMeansWarning, match="'kind'"):
        ds = Dataset.from_file(tmp_path / "pq", chunks=5)
    assert type(ds.points).__module__.startswith("dask") and ds.columns == ("x", "y")
    anim = animate(ds, 2, seed=0)
    assert (anim.scene.ax.get_xlabel(), anim.scene.ax.get_ylabel()) == ("x", "y")
    np.testing.assert_array_equal(anim.trace.centroids, animate(whole, 2, seed=0).trace.centroids)
    with pytest.raises(ValueError, match=r"truth='kind' cannot be combined with chunks=5"):
        Dataset.from_file(tmp_path / "pq", truth="kind", chunks=5)
