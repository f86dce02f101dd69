"""Lloyd over a dask array: the same states as in memory, chunk by chunk."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kmeans_anim import lloyd, load_points, make_blobs

da = pytest.importorskip("dask.array")


def _agree(x: np.ndarray, dx: object, k: int, c0: np.ndarray, **kw: object) -> int:
    ref = list(lloyd(x, k, init=c0, **kw))
    got = list(lloyd(dx, k, init=c0, **kw))
    assert [s.iteration for s in got] == [s.iteration for s in ref]
    for a, b in zip(ref, got, strict=True):
        np.testing.assert_allclose(b.centroids, a.centroids, rtol=1e-9, atol=1e-12)
        assert b.moved == a.moved and b.converged == a.converged
        np.testing.assert_array_equal(b.counts(), a.counts())
        assert b.inertia == pytest.approx(a.inertia, rel=1e-9)
    return len(ref)


@pytest.mark.parametrize("dim", [1, 2, 5])
@pytest.mark.parametrize("chunking", ["one-row", "uneven", "empty-chunk"])
def test_dask_states_equal_in_memory_ones(dim: int, chunking: str) -> None:
    x, _ = make_blobs(4, 12 if chunking == "one-row" else 3_000, dim=dim, std=0.6, seed=dim)
    x = x.reshape(len(x), dim)
    n = len(x)
    rows = {
        "one-row": (1,) * n,
        "uneven": (1, 7, n // 2, n - n // 2 - 8),
        "empty-chunk": (n // 3, 0, n - n // 3),
    }[chunking]
    dx = da.from_array(x, chunks=(rows, dim))
    c0 = x[[0, 1, 2, 3]].copy()
    assert _agree(x, dx if dim > 1 else dx[:, 0], 4, c0) > 2


def test_dask_relocates_an_empty_cluster_as_in_memory() -> None:
    # a centroid far from every point loses them all at once and moves to the point
    # farthest from its own centroid
    x, _ = make_blobs(3, 500, dim=2, std=0.5, seed=7)
    c0 = np.vstack((x[:3], [[100.0, 100.0]]))
    dx = da.from_array(x, chunks=(333, 2))
    ref = list(lloyd(x, 4, init=c0))
    assert (ref[0].counts() == 0).any()
    _agree(x, dx, 4, c0)


def test_dask_on_a_two_worker_distributed_cluster_gives_the_same_states() -> None:
    distributed = pytest.importorskip("distributed")
    x, _ = make_blobs(3, 2_000, dim=2, std=0.5, seed=2)
    dx = da.from_array(x, chunks=(1_000, 2))
    c0 = x[:3].copy()
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        _agree(x, dx, 3, c0)
        assert client.run(lambda: 1)  # the work went to the cluster's two workers
        assert len(client.scheduler_info()["workers"]) == 2


def test_dask_seeding_is_a_seeded_sample_and_states_hold_no_labels() -> None:
    x, _ = make_blobs(3, 1_000, dim=2, seed=1)
    dx = da.from_array(x, chunks=(500, 2))
    a = [s.centroids for s in lloyd(dx, 3, seed=5)]
    b = [s.centroids for s in lloyd(dx, 3, seed=5)]
    np.testing.assert_array_equal(np.array(a), np.array(b))
    state = next(lloyd(dx, 3, seed=5))
    assert state.counts().sum() == len(x)
    with pytest.raises(TypeError, match="does not materialise its labels"):
        _ = state.labels


def test_dask_bad_input_names_the_parameter() -> None:
    dx = da.from_array(np.zeros((10, 2)), chunks=(5, 2))
    with pytest.raises(ValueError, match="n_samples=10 should be >= k=11"):
        lloyd(dx, 11)
    with pytest.raises(ValueError, match="standardize=True"):
        lloyd(dx, 2, standardize=True)
    bad = da.from_array(np.array([[0.0, 1.0], [np.nan, 2.0]]), chunks=(1, 2))
    with pytest.raises(ValueError, match="must be finite"):
        list(lloyd(bad, 1))


@pytest.mark.parametrize(
    "option",
    [{"k": 0}, {"k": 2.5}, {"max_iter": 100_001}, {"tol": -1.0}, {"empty": "drop"}, {"init": "x"}],
)
def test_dask_and_in_memory_runs_refuse_an_option_with_one_message(option: dict) -> None:
    # both plans check the shared options in one place: the same error, word for word
    x = np.arange(20.0).reshape(10, 2)
    kw = {"k": 2, **option}
    errors = []
    for points in (x, da.from_array(x, chunks=(5, 2))):
        with pytest.raises((ValueError, TypeError)) as info:
            lloyd(points, **kw)
        errors.append((type(info.value), str(info.value)))
    assert errors[0] == errors[1]
    name = next(iter(option))
    assert name in errors[0][1] and repr(option[name]).strip("'") in errors[0][1]


def test_missing_dask_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from kmeans_anim.core.chunked import require_dask

    monkeypatch.setitem(sys.modules, "dask.array", None)
    with pytest.raises(ImportError, match=r"pip install 'kmeans-anim\[dask\]'"):
        require_dask()


_MEMORY_CHILD = """
import sys
import numpy as np
from kmeans_anim import lloyd
from kmeans_anim import load_points

def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) * 1024

x = load_points(sys.argv[1], chunks=int(sys.argv[2]))
list(lloyd(x[:1000], 4, init=np.eye(4, 2), max_iter=1))  # imports and threads warmed up
before = peak()
states = list(lloyd(x, 4, init=np.eye(4, 2), max_iter=1))
print(len(x), states[-1].counts().sum(), peak() - before)
"""


def test_sharded_data_runs_in_memory_bounded_by_the_chunk_size(tmp_path: Path) -> None:
    # 80 MB of shards read in chunks of 25,000 rows (0.4 MB): the peak rise of the
    # process's memory is bounded by a few chunks and a fixed overhead (buffers of the
    # imports and threads; the grid of at most 65,536 boxes, its corners, and its
    # sample of at most 131,072 rows), not the data
    rng = np.random.default_rng(0)
    for i in range(10):
        np.save(tmp_path / f"part{i}.npy", rng.normal(size=(500_000, 2)))
    chunk = 25_000
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY_CHILD, str(tmp_path / "*.npy"), str(chunk)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    n, counted, rise = map(int, out)
    assert n == counted == 5_000_000
    data_bytes, chunk_bytes = n * 16, chunk * 16
    assert rise < 16 * chunk_bytes + 14 * 2**20 < data_bytes / 3, (rise, chunk_bytes)


def test_load_points_with_chunks_stacks_npy_shards_in_name_order(tmp_path: Path) -> None:
    a, b = np.arange(10.0).reshape(5, 2), np.arange(10.0, 16.0).reshape(3, 2)
    np.save(tmp_path / "p1.npy", b)
    np.save(tmp_path / "p0.npy", a.astype(np.float32))
    x = load_points(tmp_path / "p*.npy", chunks=2)
    assert x.chunks[0] == (2, 2, 1, 2, 1) and x.dtype == np.float64
    np.testing.assert_array_equal(x.compute(), np.vstack((a, b)))
    with pytest.raises(ValueError, match="chunks=0"):
        load_points(tmp_path / "p*.npy", chunks=0)
    with pytest.raises(ValueError, match="no file matches"):
        load_points(tmp_path / "q*.npy", chunks=2)
    np.save(tmp_path / "p2.npy", np.zeros((2, 3)))
    with pytest.raises(ValueError, match="has 3 columns; the shards before it have 2"):
        load_points(tmp_path / "p*.npy", chunks=2)


def test_animate_reads_a_small_dask_array_and_refuses_a_large_one_as_markers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kmeans_anim import animate
    from kmeans_anim.core import chunked

    x, _ = make_blobs(3, 100, dim=2, seed=0)
    dx = da.from_array(x, chunks=(50, 2))
    a = animate(dx, 3, seed=1, max_iter=3)
    b = animate(x, 3, seed=1, max_iter=3)
    np.testing.assert_array_equal(a.trace.centroids, b.trace.centroids)
    monkeypatch.setattr(chunked, "MAX_IN_MEMORY", 599)
    with pytest.raises(ValueError, match=r"shape \(300, 2\) \(600 values, more than 599\)"):
        animate(dx, 3, render="points")
    with pytest.raises(ValueError, match="only the density view of 1-D or 2-D data"):
        animate(da.from_array(np.hstack((x, x)), chunks=(50, 4)), 3, render="density")


@pytest.mark.parametrize("option", [{"seeding": True}, {"truth": np.zeros(300, int)}])
def test_markers_a_large_dask_array_cannot_have_point_to_a_sample(
    monkeypatch: pytest.MonkeyPatch, option: dict
) -> None:
    """In memory the advice is render='points'; past memory that is refused in turn."""
    from kmeans_anim import animate
    from kmeans_anim.core import chunked

    x, _ = make_blobs(3, 100, dim=2, seed=0)
    with pytest.raises(ValueError, match="pass render='points'"):
        animate(x, 3, render="density", **option)
    monkeypatch.setattr(chunked, "MAX_IN_MEMORY", 599)
    with pytest.raises(ValueError, match=r"drawn only as the density image: .* a sample") as info:
        animate(da.from_array(x, chunks=(50, 2)), 3, render="density", **option)
    assert "render='points'" not in str(info.value)


def test_compare_and_sweep_read_a_dask_array_that_fits_and_refuse_a_larger_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """They draw every point: past the in-memory bound they would read it all."""
    from kmeans_anim import compare, sweep
    from kmeans_anim.core import chunked

    x, _ = make_blobs(3, 100, dim=2, seed=0)
    dx = da.from_array(x, chunks=(50, 2))
    runs = [{"seed": 0}, {"seed": 1}]
    np.testing.assert_array_equal(
        compare(dx, 3, runs).lanes[1].trace.centroids, compare(x, 3, runs).lanes[1].trace.centroids
    )
    monkeypatch.setattr(chunked, "MAX_IN_MEMORY", 599)
    with pytest.raises(ValueError, match=r"shape \(300, 2\), .*: compare\(\) needs it in memory"):
        compare(dx, 3, runs)
    with pytest.raises(ValueError, match=r"sweep\(\) needs it in memory"):
        sweep(dx, ks=[2, 3])


@pytest.mark.parametrize("dim", [1, 2])
def test_a_large_dask_array_animates_as_the_in_memory_density_video(
    dim: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpers import decode

    from kmeans_anim import animate
    from kmeans_anim.core import chunked

    x, _ = make_blobs(4, 3_000, dim=dim, std=0.5, seed=3)
    dx = da.from_array(x.reshape(len(x), dim), chunks=(5_000, dim))
    c0 = x[[0, 3_000, 6_000, 9_000]].reshape(4, dim)
    monkeypatch.setattr(chunked, "MAX_IN_MEMORY", 1_000)
    common = dict(init=c0, render="density", hold=0, figsize=(3.2, 2.4), dpi=100)
    big = animate(dx, 4, **common)
    assert isinstance(big.trace.states[0].members, chunked.ChunkedMembers)
    _, got = decode(big.save(tmp_path / "dask.mp4"))
    _, want = decode(animate(x, 4, **common).save(tmp_path / "memory.mp4"))
    assert len(got) == len(want) > 2
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


@pytest.mark.parametrize("seed", range(6))
def test_moved_count_skips_searches_only_where_the_label_cannot_change(seed: int) -> None:
    from kmeans_anim.core.chunked import moved_from, nearest, nearest_two

    rng = np.random.default_rng(seed)
    # integer points and centroids on a half-integer lattice: many exact ties
    x = rng.integers(-6, 7, size=(4_000, 2)).astype(float) * (1e6 if seed == 5 else 1)
    prev = rng.integers(-12, 13, size=(5, 2)) / 2 * (1e6 if seed == 5 else 1)
    c = prev + rng.choice([0.0, 0.5, 1e-9, 2.0], size=(5, 2)) * (1e6 if seed == 5 else 1)
    lab, own, second = nearest_two(x, c)
    brute = int(np.count_nonzero(nearest(x, prev)[0] != lab))
    assert moved_from(x, lab, own, second, c, prev) == brute


def test_a_chunk_searched_in_blocks_equals_one_direct_search() -> None:
    # 200,000 rows are three blocks of the chunk search: the same labels and distances,
    # bit for bit, as one direct float64 search of them all (ties to the lowest index)
    from kmeans_anim.core.chunked import nearest_two
    from kmeans_anim.core.distances import direct_two

    rng = np.random.default_rng(4)
    x = rng.integers(-3, 4, size=(200_000, 2)).astype(float)  # many exact ties
    c = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-2.0, 2.0]])
    for got, want in zip(nearest_two(x, c), direct_two(x, c), strict=True):
        np.testing.assert_array_equal(got, want)


def test_dask_grid_searches_only_points_near_a_boundary(monkeypatch: pytest.MonkeyPatch) -> None:
    # after the first pass (a direct search of all), the points of pure boxes take
    # their owner: a 2-D run searches a small share of the rows a pass, same answers
    from kmeans_anim.core import chunked

    x, _ = make_blobs(5, 40_000, dim=2, std=0.5, seed=3)
    searched: list[int] = []
    nearest_two = chunked.nearest_two  # every search of the chunked path comes here

    def counting(rows: np.ndarray, c: np.ndarray) -> object:
        searched.append(len(rows))
        return nearest_two(rows, c)

    monkeypatch.setattr(chunked, "nearest_two", counting)
    iterations = _agree(x, da.from_array(x, chunks=(50_000, 2)), 5, x[:5].copy())
    later = sum(searched) - len(x)  # rows searched after the first pass
    assert iterations > 3 and later < 0.1 * len(x) * (iterations - 1), (later, iterations)


@pytest.mark.parametrize("tiny", [-5e-324, 5e-324])
def test_dask_with_values_the_grid_cannot_place_exactly_equals_in_memory(
    tiny: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the least subnormal beside values ~1e3 would scale to 0 on cells wider than 1:
    # the run declines the grid, searches every point directly, and still agrees
    from kmeans_anim.core.assign.boxes import BoxGrid

    made: list[object] = []
    dyadic = BoxGrid.dyadic
    monkeypatch.setattr(BoxGrid, "dyadic", lambda *a: made.append(dyadic(*a)) or made[-1])
    x, _ = make_blobs(3, 2_000, dim=2, std=0.5, seed=5)
    x = x * 300.0
    x[7] = [tiny, 0.0]
    _agree(x, da.from_array(x, chunks=(1_500, 2)), 3, x[:3].copy())
    assert made == [None]
