"""The density view: a save against ffmpeg alone on the same frames, per changing frame."""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from baselines import draw_frames, floor_encode
from common import DPI, FIGSIZE, HEIGHT, WIDTH, fmt, log, median, ratio

from kmeans_anim import animate


@dataclass
class DensityCase:
    """A density-view save against ffmpeg alone on the same frames, per changing frame."""

    name: str
    n: int
    d: int
    k: int = 8
    #: Iteration counts of the short and the long run (hold 0, one frame per state):
    #: the per-frame cost is the marginal one, so that set-up (the first draw, binning
    #: the points, starting ffmpeg) counts for neither side.
    short: int = 5
    long: int = 25
    results: dict[str, Any] = field(default_factory=dict)


def run_density(case: DensityCase, reps: int, tmp: Path) -> None:
    rng = np.random.default_rng(12345)
    # uniform noise: every iteration moves points, so every frame changes
    x = rng.uniform(-1.0, 1.0, size=(case.n, case.d))
    c0 = x[np.sort(rng.choice(case.n, size=case.k, replace=False))].copy()
    anims, kept, frames = {}, {}, {}
    for m in (case.short, case.long):
        log(f"density {case.name}: animate(max_iter={m})")
        anims[m] = anim = animate(
            x, case.k, init=c0, max_iter=m, render="density", hold=0, figsize=FIGSIZE,
            dpi=DPI, fps=10.0,
        )  # fmt: skip
        frames[m] = anim.frame_count(10.0)
        kept[m] = draw_frames(anim, 10.0, DPI, keep=True)["frames"]
    # wall time of each, and for the save and the floor the CPU time of this process
    # ("ours") and of ffmpeg (a child, counted once it has exited)
    keys = ("save", "floor", "draw", "save ours", "save ffmpeg", "floor ours", "floor ffmpeg")
    times: dict[str, dict[int, list[float]]] = {
        key: {case.short: [], case.long: []} for key in keys
    }
    for rep in range(reps):
        log(f"density {case.name}: round {rep + 1}/{reps}")
        for m in (case.short, case.long):
            anim, path = anims[m], tmp / f"density-{case.name}-{m}.mp4"
            for name in ("save", "floor", "draw"):
                t0, cpu0 = time.perf_counter(), cpu_seconds()
                if name == "save":
                    anim.save(path, progress=False)
                elif name == "floor":
                    floor_encode(anim, kept[m], path, 10.0, DPI)
                else:
                    d = draw_frames(anim, 10.0, DPI)
                times[name][m].append(
                    d["draw"] + d["update"] if name == "draw" else time.perf_counter() - t0
                )
                if name != "draw":
                    cpu1 = cpu_seconds()
                    times[f"{name} ours"][m].append(cpu1[0] - cpu0[0])
                    times[f"{name} ffmpeg"][m].append(cpu1[1] - cpu0[1])
                path.unlink(missing_ok=True)
    case.results = {
        "times": times,
        "frames": frames,
        "kept": all(a.trace.states is not None for a in anims.values()),
        "layer": type(anims[case.long].scene.points).__name__,
    }
    for m in kept:
        kept[m].clear()


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds (user + system) so far of this process and of its exited children."""
    me, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return me.ru_utime + me.ru_stime, children.ru_utime + children.ru_stime


def density_per_frame(case: DensityCase, key: str) -> float:
    """Milliseconds per changing frame: the long save minus the short one, per extra
    frame."""
    t, f = case.results["times"][key], case.results["frames"]
    return 1e3 * (median(t[case.long]) - median(t[case.short])) / (f[case.long] - f[case.short])


def density_report(cases: list[DensityCase], reps: int, stolen: str, cores: float) -> list[str]:
    out = [
        "## 1b. Density view: save vs ffmpeg alone",
        "",
        f"Uniform noise in [-1, 1]^d, k=8 from the same start, `render='density'`, hold 0, "
        f"{WIDTH}×{HEIGHT}: one frame per state, every frame different. **save** is "
        "`anim.save(path)`; **floor** pipes the same frames, drawn beforehand and kept in "
        "memory, through the same ffmpeg writer; **draw** is the save's drawing alone "
        "(`scene.update`, restore the background, draw the changed artists; no encoding). "
        "On two idle cores drawing overlaps encoding, so save ≈ floor needs draw < floor; "
        "on a loaded machine they add up. Per frame is the marginal cost (a run of "
        "25 iterations minus one of 5, per extra frame) on both sides, so the one-time "
        f"set-up (binning the points, the background, starting ffmpeg) is in neither. "
        f"Median of {reps} runs each, interleaved.",
        "",
        "| case | n | frames | states kept | save ms/frame | floor ms/frame | draw ms/frame "
        "| save/floor | draw/floor | whole save s (long) | whole floor s (long) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in cases:
        r = c.results
        if not r:
            continue
        sv, fl = density_per_frame(c, "save"), density_per_frame(c, "floor")
        dr = density_per_frame(c, "draw")
        out.append(
            f"| {c.name} | {c.n:,} | {r['frames'][c.short]}/{r['frames'][c.long]} | "
            f"{'yes' if r['kept'] else '**no: saves re-run K-means**'} | {fmt(sv, 2)} | "
            f"{fmt(fl, 2)} | {fmt(dr, 2)} | {fmt(ratio(sv, fl), 2)}× | "
            f"{fmt(ratio(dr, fl), 2)}× | "
            f"{fmt(median(r['times']['save'][c.long]), 2)} | "
            f"{fmt(median(r['times']['floor'][c.long]), 2)} |"
        )
    n_cores = len(os.sched_getaffinity(0))
    out += [
        "",
        "Where the time goes: CPU time per changing frame (marginal, as above) of this "
        "process (drawing, and sending the frames) and of ffmpeg (with the ffmpeg that "
        "counts the frames written, as in every save), in the same runs. ffmpeg alone "
        "keeps most of the cores busy, so a save, which must also draw, cannot take less "
        f"than the CPU time of both divided by the {n_cores} cores: **bound** is that "
        "over the floor, the best save/floor this drawing allows here.",
        "",
        "| case | save: ours CPU ms | save: ffmpeg CPU ms | floor: ours CPU ms (sending) "
        "| floor: ffmpeg CPU ms | floor: cores ffmpeg used "
        "| bound: (ours + ffmpeg) / cores / floor |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in cases:
        if not c.results:
            continue
        fl = density_per_frame(c, "floor")
        ours, ff = density_per_frame(c, "save ours"), density_per_frame(c, "save ffmpeg")
        sending, ff_alone = (
            density_per_frame(c, "floor ours"),
            density_per_frame(c, "floor ffmpeg"),
        )
        out.append(
            f"| {c.name} | {fmt(ours, 2)} | {fmt(ff, 2)} | {fmt(sending, 2)} | "
            f"{fmt(ff_alone, 2)} | {fmt(ratio(ff_alone, fl), 2)} | "
            f"{fmt(ratio((ours + ff) / n_cores, fl), 2)}× |"
        )
    out += [
        "",
        f"Just before these runs two busy processes got {cores:.2f} cores' worth at once "
        f"(the machine line's measure), and the host stole {stolen} of the CPU time "
        "during them: drawing overlaps encoding only as far as the second core is there.",
    ]
    return out
