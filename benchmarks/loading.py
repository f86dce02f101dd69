"""Loading a CSV: `load_points` vs `numpy.loadtxt`, time and peak memory."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from common import RUN, fmt, log, median, ratio, vm_status

LOAD_METHODS = ("ours", "loadtxt")


def load_child(method: str, path: Path) -> None:
    """Read ``path`` once with ``method``; print seconds and peak RSS figures as JSON."""
    from kmeans_anim import load_points

    def plain(p: Path) -> np.ndarray:
        return np.loadtxt(p, delimiter=",", skiprows=1)

    read = {"ours": load_points, "loadtxt": plain}[method]
    before = vm_status("VmRSS")
    reset = False
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        reset = True
    t0 = time.perf_counter()
    x = read(path)
    secs = time.perf_counter() - t0
    hwm = vm_status("VmHWM")
    print(
        json.dumps(
            {
                "method": method,
                "seconds": secs,
                "peak_kb": hwm - before if reset else hwm,
                "reset": reset,
                "array_bytes": int(x.nbytes),
                "shape": list(x.shape),
            }
        )
    )


def run_load(n: int, reps: int) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {m: [] for m in LOAD_METHODS}
    with tempfile.TemporaryDirectory(prefix="kmeans-bench-load-") as tmp:
        path = Path(tmp) / "points.csv"
        log(f"load: writing {n:,} x 2 CSV")
        x = np.random.default_rng(0).normal(size=(n, 2))
        np.savetxt(path, x, delimiter=",", header="x,y", comments="", fmt="%.6f")
        size = path.stat().st_size
        for rep in range(reps):  # interleaved: a change in load hits both alike
            for m in LOAD_METHODS:
                log(f"load: {m}, run {rep + 1}/{reps}")
                cmd = [sys.executable, str(RUN), "--load-child", m]
                res = subprocess.run([*cmd, str(path)], check=True, capture_output=True, text=True)
                out[m].append(json.loads(res.stdout.strip().splitlines()[-1]) | {"size": size})
    return out


def load_report(
    res: dict[str, list[dict[str, Any]]], n: int
) -> tuple[list[str], float | None, float | None]:
    size_mb = res["ours"][0]["size"] / 1e6
    array_mb = res["ours"][0]["array_bytes"] / 1e6
    out = [
        "## 4. Loading a CSV",
        "",
        f"A {n:,} × 2 CSV with a header ({size_mb:,.0f} MB, `%.6f`) read into a "
        f"{array_mb:,.0f} MB float64 array: `load_points(path)` against "
        "`numpy.loadtxt(path, delimiter=',', skiprows=1)`, each run in a fresh "
        "subprocess, interleaved. `peak` is the rise of VmHWM over the RSS before the "
        "call (reset with `/proc/self/clear_refs`), as a multiple of the final array.",
        "",
        "| method | runs | seconds | peak (MB) | peak / array |",
        "| --- | --- | --- | --- | --- |",
    ]
    secs: dict[str, float] = {}
    peaks: dict[str, float] = {}
    for m in LOAD_METHODS:
        rs = res[m]
        secs[m] = median([r["seconds"] for r in rs])
        peaks[m] = median([r["peak_kb"] * 1024 / r["array_bytes"] for r in rs])
        peak_mb = median([r["peak_kb"] for r in rs]) * 1024 / 1e6
        out.append(
            f"| {m} | {len(rs)} | {fmt(secs[m], 2)} | {fmt(peak_mb)} | {fmt(peaks[m], 2)}× |"
        )
    rat = ratio(secs["ours"], secs["loadtxt"])
    out += ["", f"Time ours / loadtxt: **{fmt(rat, 2)}×**."]
    return out, rat, peaks["ours"]
