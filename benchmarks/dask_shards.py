"""Data in .npy shards on dask: `lloyd()` vs dask-ml per iteration, and peak memory."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from common import RUN, fmt, log, median, ratio, vm_status

from kmeans_anim import lloyd

DASK_METHODS = ("ours", "dask-ml")


def dask_child(method: str, pattern: str, m: int, k: int, chunk: int) -> None:
    """Run ``m`` Lloyd iterations on the shards ``pattern``; print seconds, iterations
    and peak RSS as JSON."""
    from kmeans_anim import load_points

    x = load_points(pattern, chunks=chunk)
    c0 = np.asarray(x[:k].compute())
    t0 = time.perf_counter()
    if method == "ours":
        iters = sum(1 for _ in lloyd(x, k, init=c0, max_iter=m)) - 1
    else:
        from dask_ml.cluster import KMeans as DaskKMeans

        iters = int(DaskKMeans(n_clusters=k, init=c0, max_iter=m, tol=0).fit(x).n_iter_)
    secs = time.perf_counter() - t0
    print(json.dumps({"seconds": secs, "iters": iters, "hwm_kb": vm_status("VmHWM")}))


def run_dask(n: int, shards: int, chunk: int, k: int, iters: tuple[int, int], reps: int) -> Any:
    try:
        import dask_ml  # noqa: F401

        methods = DASK_METHODS
    except ImportError:
        methods = ("ours",)
    out: dict[str, dict[int, list[dict[str, Any]]]] = {m: {i: [] for i in iters} for m in methods}
    with tempfile.TemporaryDirectory(prefix="kmeans-bench-dask-") as tmp:
        log(f"dask: writing {n:,} x 2 points in {shards} .npy shards")
        rng = np.random.default_rng(0)
        for i in range(shards):  # uniform noise: the run does not converge
            np.save(Path(tmp) / f"part{i:03d}.npy", rng.uniform(-1, 1, size=(n // shards, 2)))
        pattern = str(Path(tmp) / "part*.npy")
        for rep in range(reps):
            for it in iters:
                for method in methods:
                    log(f"dask: {method}, {it} iterations, run {rep + 1}/{reps}")
                    cmd = [sys.executable, str(RUN), "--dask-child"]
                    cmd += [method, pattern, str(it), str(k), str(chunk)]
                    res = subprocess.run(cmd, check=True, capture_output=True, text=True)
                    out[method][it].append(json.loads(res.stdout.strip().splitlines()[-1]))
    return out


#: Points from which the dask section also judges the peak RSS of ours (the data is
#: 3.2 GB of float64: far more than the bound).
DASK_BIG = 200_000_000
#: Most peak RSS of ours on DASK_BIG points or more, in MB.
DASK_BIG_PEAK_MB = 1536


def dask_report(
    res: Any, n: int, chunk: int, k: int, iters: tuple[int, int]
) -> tuple[list[str], float | None, float | None]:
    """The dask section's table; dask-ml's time per iteration over ours (None without
    dask-ml) and our peak RSS in MB."""
    short, long = iters
    lines = [
        "## 5. Dask: data in .npy shards, `lloyd()` vs dask-ml",
        "",
        f"{n:,} × 2 uniform points (float64, {16 * n / 1e9:.2f} GB) in .npy shards, read "
        f"with `load_points(glob, chunks={chunk:,})`, k={k}, both from the first k rows. "
        "Ours: `lloyd(x, k, init=C0, max_iter=m)`; dask-ml: `KMeans(n_clusters=k, init=C0, "
        f"max_iter=m, tol=0).fit(x)`; each run in a fresh subprocess on dask's local "
        f"scheduler. Per iteration is the marginal cost ({long} − {short} iterations); "
        "peak is the child's VmHWM.",
        "",
        "| method | runs | iterations | s/iter | peak RSS (MB) |",
        "| --- | --- | --- | --- | --- |",
    ]
    per: dict[str, float] = {}
    peaks: dict[str, float] = {}
    for method, by_m in res.items():
        for m, rs in by_m.items():  # a run that converged early would skew the margin
            if any(r["iters"] != m for r in rs):
                raise RuntimeError(
                    f"dask {method}: {[r['iters'] for r in rs]} iterations, not {m}"
                )
        t = {m: median([r["seconds"] for r in rs]) for m, rs in by_m.items()}
        per[method] = (t[long] - t[short]) / (long - short)
        peaks[method] = peak = max(r["hwm_kb"] for rs in by_m.values() for r in rs) / 1024
        got = "/".join(str(rs[0]["iters"]) for rs in by_m.values())
        lines.append(
            f"| {method} | {len(by_m[long])} | {got} | {fmt(per[method], 2)} | {fmt(peak)} |"
        )
    speed = ratio(per["dask-ml"], per["ours"]) if "dask-ml" in per else None
    if speed is not None:
        lines += ["", f"dask-ml/ours per iteration: **{fmt(speed, 2)}×**."]
    else:
        lines += ["", "dask-ml is not installed: only our figures."]
    return lines, speed, peaks["ours"]
