"""The machine a run is on: CPUs, load, steal, versions, thread pools."""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import subprocess
import time
from pathlib import Path

import imageio_ffmpeg
import matplotlib
import numpy as np
from common import HERE

from kmeans_anim import __version__


def cpu_times() -> list[int] | None:
    """The machine's CPU time so far by kind (``/proc/stat``: user, nice, system, idle,
    iowait, irq, softirq, steal, ...), or None where there is no such file."""
    try:
        return [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except (OSError, ValueError):
        return None


def _spin(n: int) -> float:
    """Seconds a pure-Python loop of ``n`` steps takes (one core, busy)."""
    t0 = time.perf_counter()
    total = 0
    for i in range(n):
        total += i
    return time.perf_counter() - t0


def parallel_cores(n: int = 10_000_000) -> float:
    """How many cores' worth of work two busy processes get at once: two loops in
    parallel against one alone. On a virtual machine whose two cores share one physical
    core this is about 1.5, not 2; drawing a frame while ffmpeg encodes gets that much."""
    import multiprocessing

    alone, together = [], []
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_spin, [n // 10] * 2)  # started and warmed up
        for _ in range(3):  # interleaved: the host's load changes from second to second
            alone.append(_spin(n))
            together.append(max(pool.map(_spin, [n, n])))
    return 2 * statistics.median(alone) / statistics.median(together)


def stolen_share(start: list[int] | None) -> str:
    """The share of CPU time since ``start`` the host gave to other machines (steal): a
    virtual machine's two cores are then fewer, and drawing and encoding, which overlap
    on two cores, add up instead."""
    end = cpu_times()
    if start is None or end is None or len(end) < 8:
        return "unknown"
    delta = [b - a for a, b in zip(start, end, strict=False)]
    return f"{100 * delta[7] / max(1, sum(delta[:8])):.1f}%"


def machine_info() -> list[str]:
    import sklearn
    import threadpoolctl

    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    try:
        rev = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "kmeans_anim"],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
        changed = [ln[3:] for ln in dirty if ln.strip()]
    except (OSError, subprocess.CalledProcessError):
        rev, changed = "unknown", []
    lines = [
        "## Machine",
        "",
        f"- CPUs (nproc): {os.cpu_count()}; model: {model}; two busy processes at once "
        f"get {parallel_cores():.2f} cores' worth",
        f"- load average at start (1/5/15 min): {load}",
        f"- Python {platform.python_version()}, numpy {np.__version__}, matplotlib "
        f"{matplotlib.__version__}, scikit-learn {sklearn.__version__}, "
        f"kmeans_anim {__version__}",
        f"- ffmpeg: `{imageio_ffmpeg.get_ffmpeg_exe()}` (imageio-ffmpeg "
        f"{imageio_ffmpeg.__version__})",
        f"- code: git {rev}"
        + (f"; uncommitted changes in {', '.join(changed)}" if changed else ""),
        "- thread pools (threadpoolctl, run as-is):",
    ]
    for pool in threadpoolctl.threadpool_info():
        lines.append(
            f"  - {pool.get('user_api')}: {pool.get('internal_api')} "
            f"{pool.get('version', '')}, num_threads={pool.get('num_threads')}, "
            f"{Path(pool.get('filepath', '')).name}"
        )
    return lines
