"""kmeans-anim benchmarks: rendering, the K-means core, memory, loading data files.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/run.py``). Prints a Markdown
report and writes the same to ``benchmarks/results.md``. ``--quick`` is a smoke test
with fewer repetitions and smaller sizes (its numbers are not the ones to quote).

Every figure is the median of several runs (the count is printed next to it) and every
ratio compares two medians measured in the same run, with the methods interleaved
round-robin so that a change in background load affects them alike; where a figure is
one run, in-process, their order is reversed every other round (``common.in_turn``)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import HERE, fmt, log, median, ratio
from core_iterations import CoreCase, core_report, marginal_ms, run_core
from dask_shards import DASK_BIG, DASK_BIG_PEAK_MB, dask_child, dask_report, run_dask
from density import DensityCase, density_per_frame, density_report, run_density
from loading import load_child, load_report, run_load
from machine import cpu_times, machine_info, parallel_cores, stolen_share
from memory import memory_child, memory_report, run_memory
from rendering import Workload, ms_per_frame, rendering_report, run_workload
from seeding import SeedCase, run_seeding, seeding_ratio, seeding_report

from kmeans_anim import make_blobs


def targets(
    ws: dict[str, Workload],
    cases: dict[str, CoreCase],
    mem_ratio: float | None,
    load: tuple[float | None, float | None] = (None, None),
    density: dict[str, DensityCase] | None = None,
    seeding: dict[str, SeedCase] | None = None,
    dask: tuple[float | None, float | None, int] = (None, None, 0),
) -> list[str]:
    rows: list[tuple[str, str, bool | str | None]] = []

    def add(name: str, value: float | None, ok: Callable[[float], bool], text: str) -> None:
        rows.append(
            (name, text if value is not None else "not run", None if value is None else ok(value))
        )

    w2, w3 = ws.get("W2"), ws.get("W3")
    if w2 and w2.results.get("times"):
        pf = ratio(ms_per_frame(w2, "plain"), ms_per_frame(w2, "fast"))
        add("W2: fast ≥ 5× faster than plain", pf, lambda v: v >= 5, f"{fmt(pf, 2)}×")
        fl, dr = ms_per_frame(w2, "floor"), ms_per_frame(w2, "draw")
        fd = ratio(ms_per_frame(w2, "fast"), None if fl is None or dr is None else fl + dr)
        add("W2: fast ≤ 1.5 × (floor + draw)", fd, lambda v: v <= 1.5, f"{fmt(fd, 2)}×")
    else:
        add("W2: fast ≥ 5× faster than plain", None, bool, "")
        add("W2: fast ≤ 1.5 × (floor + draw)", None, bool, "")
    v = ms_per_frame(w3, "fast") if w3 and w3.results.get("times") else None
    add("W3: fast < 50 ms/frame", v, lambda v: v < 50, f"{fmt(v)} ms/frame")
    for key, c in (density or {}).items():
        dv = (
            ratio(density_per_frame(c, "save"), density_per_frame(c, "floor"))
            if c.results
            else None
        )
        add(
            f"density {key}: save ≤ 1.5× floor per frame", dv, lambda v: v <= 1.5, f"{fmt(dv, 2)}×"
        )
    core = {key: c.results["times"] for key, c in cases.items() if c.results}
    # Per iteration is the marginal cost on both sides; the 1-D path's one-time sort is
    # in the whole-run ratio, which depends on how many iterations share it: shown, not
    # judged.
    r = core.get("1-D")
    rs = ratio(marginal_ms(r["sklearn"]), marginal_ms(r["ours"])) if r else None
    add("core 1-D: ≥ 100× faster per iteration", rs, lambda v: v >= 100, f"{fmt(rs, 2)}×")
    if r:
        long = max(r["ours"])
        whole = ratio(median(r["sklearn"][long]), median(r["ours"][long]))
        label = f"core 1-D whole run of {long} iterations, sort included (not a target)"
        rows.append((label, f"{fmt(whole, 2)}×", "info"))
    for key in ("2-D", "50-D"):
        r = core.get(key)
        rv = ratio(marginal_ms(r["sklearn"]), marginal_ms(r["ours"])) if r else None
        add(
            f"core {key}: no slower than sklearn per iteration (sklearn/ours ≥ 1.0)",
            rv,
            lambda v: v >= 1.0,
            f"{fmt(rv, 2)}×",
        )
    for key, sc in (seeding or {}).items():
        sv = seeding_ratio(sc)
        add(
            f"seeding {key}: k-means++ ≥ sklearn's speed", sv, lambda v: v >= 1.0, f"{fmt(sv, 2)}×"
        )
    add(
        "memory: 1000 frames within 10% of 100",
        mem_ratio,
        lambda v: v <= 1.10,
        f"{fmt(mem_ratio, 3)}",
    )
    lt, lp = load
    add("load: CSV ≤ 1.2× numpy.loadtxt's time", lt, lambda v: v <= 1.2, f"{fmt(lt, 2)}×")
    add("load: CSV peak ≤ 3× the final array", lp, lambda v: v <= 3.0, f"{fmt(lp, 2)}×")
    speed, peak, dask_n = dask
    add(
        "dask: per iteration ≥ dask-ml's (ratio ≥ 1)", speed, lambda v: v >= 1, f"{fmt(speed, 2)}×"
    )
    peak = peak if dask_n >= DASK_BIG else None
    limit = f"< {DASK_BIG_PEAK_MB / 1024:.1f} GB"
    add(
        f"dask {DASK_BIG // 1_000_000}M: peak RSS {limit}",
        peak,
        lambda v: v < DASK_BIG_PEAK_MB,
        f"{fmt(peak)} MB",
    )
    out = ["## Targets", "", "| target | measured | status |", "| --- | --- | --- |"]
    for name, text, ok in rows:
        if isinstance(ok, str):
            status = ok
        else:
            status = "not run" if ok is None else ("met" if ok else "**missed**")
        out.append(f"| {name} | {text} | {status} |")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer reps, smaller sizes")
    ap.add_argument(
        "--only",
        default="render,density,core,seeding,memory,load,dask",
        help="comma-separated sections to run: render, density, core, seeding, memory, load, dask",
    )
    ap.add_argument("--out", type=Path, default=HERE / "results.md")
    ap.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--memory-points", type=int, default=100_000, help=argparse.SUPPRESS)
    ap.add_argument("--load-child", nargs=2, metavar=("METHOD", "PATH"), help=argparse.SUPPRESS)
    ap.add_argument("--dask-child", nargs=5, help=argparse.SUPPRESS)
    ap.add_argument(
        "--dask-points", type=int, default=20_000_000, help="points of the dask section"
    )
    args = ap.parse_args()
    if args.dask_child:
        method, pattern, m, k, chunk = args.dask_child
        dask_child(method, pattern, int(m), int(k), int(chunk))
        return
    if args.load_child:
        load_child(args.load_child[0], Path(args.load_child[1]))
        return
    if args.memory_child:
        memory_child(args.memory_child, args.memory_points)
        return
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    q = args.quick
    started, cpu_start = time.perf_counter(), cpu_times()

    def blobs(c: int, per: int, dim: int, seed: int, std: float = 0.15) -> Callable[[], Any]:
        return lambda: make_blobs(c, per, dim=dim, std=std, seed=seed)[0]

    w3_n = 200_000 if q else 1_000_000
    workloads = [
        Workload("W1", "tutorial: 1-D, make_blobs(3, 40, dim=1, seed=7), k=3, init='random'",
                 blobs(3, 40, 1, 7), 3, 60, init="random", seed=7,
                 reps=2 if q else 5, slow_reps=2 if q else 3),
        Workload("W2", "2-D, 3 blobs × 1,000 points (std 0.3), k=3",
                 blobs(3, 1000, 2, 3, 0.3), 3, 60, seed=3,
                 reps=2 if q else 5, slow_reps=2 if q else 3),
        Workload("W3", f"2-D, 8 blobs, {w3_n:,} points (std 0.3), k=8, max_iter=9",
                 blobs(8, w3_n // 8, 2, 1, 0.3), 8, 30, seed=1, max_iter=9,
                 reps=2 if q else 3, slow_reps=1),
    ]  # fmt: skip
    density_cases = [
        DensityCase("2-D", 200_000 if q else 1_000_000, 2),
        DensityCase("1-D", 200_000 if q else 1_000_000, 1),
    ]
    density_reps = 2 if q else 9
    core_reps = 2 if q else 7
    scale = 10 if q else 1
    cases = [
        # An iteration after the sort costs ~0.06 ms, a run's noise is a few ms: 20 extra
        # iterations would be lost in it; 200 are not (this data converges after ~220
        # iterations on both sides, at either size).
        CoreCase("1-D", 1_000_000 // scale, 1, 8, long=205),
        CoreCase("2-D", 1_000_000 // scale, 2, 8),
        CoreCase("50-D", 100_000 // scale, 50, 16),
    ]
    seed_cases = [
        SeedCase("2-D", 1_000_000 // scale, 2, 8),
        SeedCase("1-D", 1_000_000 // scale, 1, 8),
        SeedCase("50-D", 100_000 // scale, 50, 16),
    ]
    seed_reps = 2 if q else 7
    mem_frames = [30, 300] if q else [100, 1000]
    mem_n, mem_reps = (20_000, 1) if q else (100_000, 1)
    load_n, load_reps = (500_000, 1) if q else (5_000_000, 3)

    doc = [
        "# kmeans-anim benchmarks",
        "",
        f"`{' '.join(['benchmarks/run.py', *sys.argv[1:]])}` on {time.strftime('%Y-%m-%d %H:%M')}"
        + (" — **--quick: smoke-test sizes, not the figures to quote**" if q else "")
        + ". Other processes may share the machine: absolute times are noisy, ratios "
        "(measured in the same run, methods interleaved) less so.",
        "",
        *machine_info(),
    ]
    body: list[str] = []
    if "render" in only:
        with tempfile.TemporaryDirectory(prefix="kmeans-bench-") as tmp:
            for w in workloads:
                run_workload(w, Path(tmp))
        body += ["", *rendering_report(workloads)]
    if "density" in only:
        density_cpu, cores = cpu_times(), parallel_cores()
        with tempfile.TemporaryDirectory(prefix="kmeans-bench-") as tmp:
            for dc in density_cases:
                run_density(dc, density_reps, Path(tmp))
        stolen = stolen_share(density_cpu)
        body += ["", *density_report(density_cases, density_reps, stolen, cores)]
    if "core" in only:
        for c in cases:
            run_core(c, core_reps)
        body += ["", *core_report(cases, core_reps)]
    if "seeding" in only:
        for sc in seed_cases:
            run_seeding(sc, seed_reps)
        body += ["", *seeding_report(seed_cases, seed_reps)]
    mem_ratio = None
    if "memory" in only:
        mem = run_memory(mem_frames, mem_n, mem_reps)
        lines, mem_ratio = memory_report(mem, mem_n)
        body += ["", *lines]
    load_figures: tuple[float | None, float | None] = (None, None)
    if "load" in only:
        lines, *figures = load_report(run_load(load_n, load_reps), load_n)
        load_figures = (figures[0], figures[1])
        body += ["", *lines]
    dask_figures: tuple[float | None, float | None, int] = (None, None, 0)
    if "dask" in only:
        dn = 2_000_000 if q else args.dask_points
        d_iters = (5, 25)  # the marginal cost of an iteration, as the core rows
        # 3 rounds, interleaved, medians (one round for the big run, which takes minutes)
        reps = 1 if q or dn >= DASK_BIG else 3
        res = run_dask(dn, max(10, dn // 10_000_000), 1_000_000, 8, d_iters, reps)
        lines, *figures = dask_report(res, dn, 1_000_000, 8, d_iters)
        dask_figures = (figures[0], figures[1], dn)
        body += ["", *lines]
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    doc += [
        f"- load average at end: {load}; whole run {time.perf_counter() - started:.0f} s; "
        f"CPU time stolen by the host during the run: {stolen_share(cpu_start)}",
        "",
        *targets(
            {w.name: w for w in workloads},
            {c.name: c for c in cases},
            mem_ratio,
            load_figures,
            {c.name: c for c in density_cases},
            {c.name: c for c in seed_cases},
            dask_figures,
        ),
        *body,
        "",
    ]
    text = "\n".join(doc)
    print(text)
    args.out.write_text(text, encoding="utf-8")
    log(f"wrote {args.out}")


if __name__ == "__main__":
    main()
