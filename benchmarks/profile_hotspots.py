"""Where the time goes: cProfile of the fast save path (W2, W3) and of the core.

``benchmarks/profile_hotspots.py [render|core|blas ...]``; prints the top functions
by own time. ``blas`` times the core's dense steps with OpenBLAS limited to one thread vs
as-is, which shows how much the BLAS thread pool costs on skinny matrix products.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import threadpoolctl

from kmeans_anim import animate, lloyd, make_blobs


def top(pr: cProfile.Profile, n: int = 18, key: str = "tottime") -> str:
    buf = io.StringIO()
    pstats.Stats(pr, stream=buf).strip_dirs().sort_stats(key).print_stats(n)
    lines = buf.getvalue().splitlines()
    start = next(i for i, ln in enumerate(lines) if "ncalls" in ln)
    return "\n".join(lines[start - 2 :])


def profile_save(name: str, x: np.ndarray, k: int, **kw: object) -> None:
    anim = animate(x, k, seed=1, fps=10, hold=2.0, **kw)
    n = anim.frame_count(10)
    with tempfile.TemporaryDirectory() as tmp:
        pr = cProfile.Profile()
        t0 = time.perf_counter()
        pr.enable()
        anim.save(Path(tmp) / "p.mp4", progress=False)
        pr.disable()
        dt = time.perf_counter() - t0
    print(f"### {name}: {n} frames, {1e3 * dt / n:.1f} ms/frame under cProfile\n")
    print(top(pr))
    print()


def profile_core(name: str, x: np.ndarray, k: int, m: int) -> None:
    from sklearn.cluster import KMeans

    c0 = x[np.random.default_rng(0).choice(len(x), k, replace=False)].copy()
    pr = cProfile.Profile()
    t0 = time.perf_counter()
    pr.enable()
    states = sum(1 for _ in lloyd(x, k, init=c0, max_iter=m))
    pr.disable()
    dt = time.perf_counter() - t0
    t1 = time.perf_counter()
    KMeans(k, init=c0, n_init=1, max_iter=m, tol=0, algorithm="lloyd").fit(x)
    sk = time.perf_counter() - t1
    print(f"### core {name}: {states} states, ours {1e3 * dt / m:.1f} ms/iter (cProfile), ")
    print(f"sklearn {1e3 * sk / m:.1f} ms/iter\n")
    print(top(pr, 12))
    print()


def blas(name: str, x: np.ndarray, k: int, m: int) -> None:
    c0 = x[np.random.default_rng(0).choice(len(x), k, replace=False)].copy()

    def run() -> float:
        t0 = time.perf_counter()
        for _ in lloyd(x, k, init=c0, max_iter=m):
            pass
        return 1e3 * (time.perf_counter() - t0) / m

    as_is = [run() for _ in range(3)]
    with threadpoolctl.threadpool_limits(1, user_api="blas"):
        one = [run() for _ in range(3)]
    print(
        f"- core {name}: ours as-is {np.median(as_is):.1f} ms/iter, with BLAS limited to "
        f"1 thread {np.median(one):.1f} ms/iter"
    )


def main() -> None:
    what = set(sys.argv[1:]) or {"render", "core", "blas"}
    rng = np.random.default_rng(12345)
    if "render" in what:
        profile_save("W2 fast save", make_blobs(3, 1000, dim=2, std=0.3, seed=3)[0], 3)
        x3 = make_blobs(8, 125_000, dim=2, std=0.3, seed=1)[0]
        profile_save("W3 fast save", x3, 8, max_iter=9, render="auto")
    if "core" in what:
        profile_core("2-D", rng.uniform(-1, 1, (1_000_000, 2)), 8, 5)
        profile_core("50-D", rng.uniform(-1, 1, (100_000, 50)), 16, 5)
    if "blas" in what:
        blas("2-D 1M", rng.uniform(-1, 1, (1_000_000, 2)), 8, 5)
        blas("50-D 100k", rng.uniform(-1, 1, (100_000, 50)), 16, 5)


if __name__ == "__main__":
    main()
