"""Millions of points: the core runs in memory linear in n (never an n-by-k float64
matrix) and a whole video renders.

The big runs happen in subprocesses, so that their peak memory is measured on its own
and does not stay with the test process. ``OPENBLAS_NUM_THREADS=1``: on a small shared
machine BLAS threads only contend (matrix products of width 2 gain nothing from them).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from helpers import child_env, run_python

from kmeans_anim import Tuning, lloyd
from kmeans_anim.core import plan
from kmeans_anim.core.arrays import chunks

pytestmark = pytest.mark.slow

# Big enough that an n-by-k matrix would dwarf the data and that markers are out of the
# question (the density switch is at 100,000 points: 20x that), small enough to take seconds.
N = 2_000_000


def run_script(body: str, cwd: Path, timeout: float = 240) -> dict:
    """Run ``body`` in a fresh interpreter; it prints one JSON object as its last line."""
    env = child_env(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    proc = run_python(body, cwd, env=env, timeout=timeout)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "", proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


# --------------------------------------------------------------------------- the core


def test_lloyd_millions_of_points_bounded_memory(tmp_path: Path) -> None:
    """An iteration on 2M 2-D points (32 MB). Peak extra memory stays a few n-vectors:
    below 5x the data, where an n-by-k float64 matrix for k=8 would alone be 4x more."""
    result = run_script(
        f"""
        import json, time, tracemalloc
        import numpy as np
        from kmeans_anim import lloyd

        x = np.random.default_rng(0).normal(size=({N}, 2))
        x[: {N} // 2] += 6.0
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        t = time.perf_counter()
        states = list(lloyd(x, 8, init="random", seed=0, max_iter=1))
        seconds = time.perf_counter() - t
        peak = tracemalloc.get_traced_memory()[1] - base
        last = states[-1]
        print(json.dumps({{
            "iterations": [s.iteration for s in states],
            "peak_ratio": peak / x.nbytes,
            "seconds": seconds,
            "finite": bool(np.isfinite(last.centroids).all()),
            "counts": last.counts().tolist(),
            "inertia": [s.inertia for s in states],
        }}))
        """,
        tmp_path,
    )
    assert result["iterations"][0] == 0
    assert result["iterations"] == list(range(len(result["iterations"])))
    assert len(result["iterations"]) == 2
    assert result["finite"]
    assert sum(result["counts"]) == N
    inertia = result["inertia"]
    assert all(b <= a * (1 + 1e-9) for a, b in itertools.pairwise(inertia))
    assert result["peak_ratio"] < 5.0, result


def test_block_bounds_every_chunk() -> None:
    """``Tuning.block`` caps the float64 values of one distance block, for any n and k."""
    block = Tuning().block
    for n, k in [(1, 1), (10, 3), (block + 1, 1), (10_000_000, 8), (1000, block * 2)]:
        slices = list(chunks(n, k, block))
        assert slices[0].start == 0 and slices[-1].stop == n
        assert all(a.stop == b.start for a, b in itertools.pairwise(slices))
        rows = [s.stop - s.start for s in slices]
        assert all(r >= 1 for r in rows)
        # one row at least, else no more than block values per block
        assert all(r * k <= max(block, k) for r in rows), (n, k, max(rows))


@pytest.mark.parametrize("d", [2, 8])  # the grid path, and the float32 BLAS search
def test_peak_memory_does_not_grow_with_k(tmp_path: Path, d: int) -> None:
    """One assignment pass over 1M points for k=2 and k=64: the k=64 pass would need a
    512 MB n-by-k matrix; the chunked one needs at most a few more _BLOCKs."""
    result = run_script(
        f"""
        import itertools, json, tracemalloc
        import numpy as np
        from kmeans_anim import lloyd
        from kmeans_anim import Tuning

        x = np.random.default_rng(1).normal(size=(1_000_000, {d}))
        tracemalloc.start()
        peaks = {{}}
        for k in (2, 64):
            base = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            first = next(lloyd(x, k, init="random", seed=0, max_iter=1))
            peaks[k] = tracemalloc.get_traced_memory()[1] - base
            del first
        print(json.dumps({{"peaks": peaks, "block_bytes": Tuning().block * 8, "data": x.nbytes}}))
        """,
        tmp_path,
    )
    peaks = {int(k): v for k, v in result["peaks"].items()}
    growth = peaks[64] - peaks[2]
    # an n-by-64 float64 matrix would be 512 MB; allow a handful of 4 MiB blocks
    assert growth < 8 * result["block_bytes"], (growth, result)


def test_grid_results_do_not_depend_on_block_size() -> None:
    x = np.random.default_rng(2).normal(size=(3000, 3))
    ref = list(lloyd(x, 7, seed=4, max_iter=20))
    tiny = Tuning(block=50, cache_block=50)  # blocks of 7 rows: hundreds of chunks
    assert next(chunks(len(x), 7, tiny.block)) == slice(0, 7)
    small = list(plan(x, 7, max_iter=20, tuning=tiny).states(np.random.default_rng(4)))
    assert len(small) == len(ref)
    for a, b in zip(ref, small, strict=True):
        np.testing.assert_array_equal(a.labels, b.labels)
        np.testing.assert_allclose(a.centroids, b.centroids, rtol=1e-12, atol=1e-12)
        assert b.inertia == pytest.approx(a.inertia, rel=1e-12)


def test_kmeanspp_init_bounded_memory(tmp_path: Path) -> None:
    result = run_script(
        """
        import json, tracemalloc
        import numpy as np
        from kmeans_anim import lloyd

        x = np.random.default_rng(3).normal(size=(1_000_000, 2))
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        first = next(lloyd(x, 8, init="k-means++", seed=0, max_iter=1))
        print(json.dumps({"peak_ratio": (tracemalloc.get_traced_memory()[1] - base) / x.nbytes}))
        """,
        tmp_path,
    )
    assert result["peak_ratio"] < 5.0, result


# --------------------------------------------------------------------------- a whole video


def test_render_millions_of_points(tmp_path: Path) -> None:
    """2M 2-D points make a video: render='auto' switches to the density image (markers
    for 2M points would take minutes a frame). Frames decode, differ from each other
    and peak memory (RSS) stays a small multiple of the data."""
    result = run_script(
        f"""
        import json, resource, time
        import numpy as np
        import imageio_ffmpeg
        from kmeans_anim import animate

        x = np.random.default_rng(0).normal(size=({N}, 2))
        x[: {N} // 3, 0] += 5.0
        t = time.perf_counter()
        anim = animate(x, 3, init="random", seed=0, max_iter=1, hold=0, fps=2,
                       figsize=(2.0, 1.6), dpi=60)
        kind = type(anim.scene.points).__name__
        out = anim.save("big.mp4", progress=False)
        seconds = time.perf_counter() - t
        reader = imageio_ffmpeg.read_frames(str(out))
        meta = next(reader)
        frames = [np.frombuffer(f, np.uint8) for f in reader]
        print(json.dumps({{
            "kind": kind,
            "frames": len(frames),
            "expected": anim.frame_count(),
            "size": meta["size"],
            "distinct": len({{f.tobytes() for f in frames}}),
            "spread": float(frames[-1].std()),
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "data_mb": x.nbytes / 2**20,
            "seconds": seconds,
        }}))
        """,
        tmp_path,
    )
    assert result["kind"] == "Density", result
    assert result["frames"] == result["expected"] >= 2
    assert result["size"] == [120, 96]
    assert result["distinct"] >= 2  # the colours change between the first two frames
    assert result["spread"] > 5.0  # not a blank frame
    assert result["maxrss_mb"] < 8 * result["data_mb"], result
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.mp4"]
