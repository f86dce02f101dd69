"""Memory: a 1000-frame save against a 100-frame one, in fresh processes."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import RUN, fmt, log, median, ratio, vm_status

from kmeans_anim import animate, lloyd, make_blobs


def memory_child(frames: int, n: int) -> None:
    """Save ``frames`` frames of ``n`` 2-D points; print peak RSS figures as JSON."""
    fps, k, seed = 25.0, 4, 5
    x, _ = make_blobs(k, n // k, dim=2, std=0.3, seed=seed)
    max_iter = 20  # the same K-means run for every frame count; only the hold differs
    n_states = sum(1 for _ in lloyd(x, k, seed=seed, max_iter=max_iter))
    hold = (frames - n_states) / fps
    anim = animate(
        x, k, seed=seed, max_iter=max_iter, fps=fps, hold=hold, figsize=(3.2, 2.4), dpi=50
    )
    assert anim.frame_count(fps) == frames, (anim.frame_count(fps), frames)
    before = vm_status("VmRSS")
    reset = False
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        reset = True
    with tempfile.TemporaryDirectory(prefix="kmeans-bench-mem-") as tmp:
        t0 = time.perf_counter()
        anim.save(Path(tmp) / "m.mp4", progress=False)
        secs = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "frames": frames,
                "n": n,
                "rss_before_save_kb": before,
                "hwm_save_kb": vm_status("VmHWM") if reset else -1,
                "hwm_kb": vm_status("VmHWM"),
                "reset": reset,
                "seconds": secs,
            }
        )
    )


def run_memory(frames: list[int], n: int, reps: int) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {f: [] for f in frames}
    for rep in range(reps):
        for f in frames:
            log(f"memory: {f} frames of {n:,} points, run {rep + 1}/{reps}")
            cmd = [sys.executable, str(RUN), "--memory-child", str(f)]
            cmd += ["--memory-points", str(n)]
            res = subprocess.run(cmd, check=True, capture_output=True, text=True)
            out[f].append(json.loads(res.stdout.strip().splitlines()[-1]))
    return out


def memory_report(mem: dict[int, list[dict[str, Any]]], n: int) -> tuple[list[str], float | None]:
    lo, hi = min(mem), max(mem)
    out = [
        "## 3. Memory",
        "",
        f"Peak RSS of `anim.save()` of {n:,} 2-D points (markers, k=4, 160×120 px, fps 25, "
        "frame count fixed with `hold`), each run in a fresh subprocess. `peak during save` "
        "is VmHWM after resetting it (`/proc/self/clear_refs`) just before `save()`; "
        "`peak` is the process's VmHWM overall; both from `/proc/self/status` of the child "
        "(ffmpeg's own memory, a separate process, is not included).",
        "",
        "| frames | runs | RSS before save (MB) | peak during save (MB) | peak (MB) | save s |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    med: dict[int, float] = {}
    for f in sorted(mem):
        rs = mem[f]
        before = median([r["rss_before_save_kb"] for r in rs]) / 1024
        hwm_save = median([r["hwm_save_kb"] for r in rs]) / 1024
        hwm = median([r["hwm_kb"] for r in rs]) / 1024
        med[f] = hwm_save if rs[0]["reset"] else hwm
        secs = median([r["seconds"] for r in rs])
        out.append(
            f"| {f} | {len(rs)} | {fmt(before)} | {fmt(hwm_save)} | {fmt(hwm)} | {fmt(secs, 1)} |"
        )
    rat = ratio(med[hi], med[lo])
    out += ["", f"Peak ratio {hi} frames / {lo} frames: **{fmt(rat, 3)}**."]
    return out, rat
