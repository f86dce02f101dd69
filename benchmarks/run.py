"""kmeans-anim benchmarks: rendering, the K-means core, memory, loading data files.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/run.py``). Prints a Markdown
report and writes the same to ``benchmarks/results.md``. ``--quick`` is a smoke test
with fewer repetitions and smaller sizes (its numbers are not the ones to quote).

Every figure is the median of several runs (the count is printed next to it) and every
ratio compares two medians measured in the same run, with the methods interleaved
round-robin so that a change in background load affects them alike.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import imageio_ffmpeg  # noqa: E402
from baselines import draw_frames, floor_encode, plain_save, tutorial_save  # noqa: E402

from kmeans_anim import __version__, animate, lloyd, make_blobs  # noqa: E402

WIDTH, HEIGHT, DPI = 640, 480, 100.0
FIGSIZE = (WIDTH / DPI, HEIGHT / DPI)


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def median(xs: list[float]) -> float:
    return float(statistics.median(xs))


def fmt(x: float | None, digits: int = 1) -> str:
    if x is None or not np.isfinite(x):
        return "n/a"
    return f"{x:,.{digits}f}"


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


# --------------------------------------------------------------------------- machine


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


# --------------------------------------------------------------------------- rendering


@dataclass
class Workload:
    name: str
    what: str
    points: Callable[[], np.ndarray]
    k: int
    frames: int
    init: str = "k-means++"
    seed: int = 0
    max_iter: int = 300
    fps: float = 10.0
    reps: int = 5
    slow_reps: int = 5  # for the plain and tutorial paths
    results: dict[str, Any] = field(default_factory=dict)


def render_kwargs() -> tuple[dict[str, Any], str]:
    if "render" in inspect.signature(animate).parameters:
        return {"render": "auto"}, 'render="auto"'
    return {}, "markers (animate() has no render parameter)"


def make_animation(w: Workload, extra: dict[str, Any]) -> tuple[Any, float, str]:
    """animate() with ``hold`` chosen so that the animation has exactly ``w.frames`` frames.

    Returns the animation, the seconds animate() took (the K-means pre-pass and scene
    set-up) and a note on how the frame count was fixed.
    """
    x = w.points()
    common = dict(
        init=w.init, seed=w.seed, max_iter=w.max_iter, figsize=FIGSIZE, dpi=DPI, fps=w.fps
    )
    if len(x) <= 200_000:
        n_states = sum(1 for _ in lloyd(x, w.k, init=w.init, seed=w.seed, max_iter=w.max_iter))
    else:  # a guess, checked below (saves a whole K-means run on big data)
        n_states = w.max_iter + 1
    for _attempt in range(3):
        hold_frames = w.frames - n_states
        if hold_frames < 0:
            raise RuntimeError(f"{w.name}: {n_states} states > {w.frames} frames; lower max_iter")
        t0 = time.perf_counter()
        anim = animate(x, w.k, hold=hold_frames / w.fps, **common, **extra)
        dt = time.perf_counter() - t0
        got = anim.frame_count(w.fps)
        if got == w.frames:
            note = f"{n_states} K-means states + final frame held {hold_frames} frames"
            return anim, dt, note
        n_states += got - w.frames
    raise RuntimeError(f"{w.name}: could not fix the frame count at {w.frames}")


def check_video(path: Path, frames: int) -> str:
    """'ok' or what is wrong with the video (frame count, size)."""
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    reader.close()
    n, _secs = imageio_ffmpeg.count_frames_and_secs(str(path))
    size = tuple(meta["size"])
    problems = []
    if n != frames:
        problems.append(f"{n} frames, expected {frames}")
    if size != (WIDTH, HEIGHT):
        problems.append(f"size {size[0]}x{size[1]}")
    return "ok" if not problems else "; ".join(problems)


def run_workload(w: Workload, tmp: Path) -> None:
    extra, render_note = render_kwargs() if w.name == "W3" else ({}, "markers")
    r = w.results
    r["render"] = render_note
    log(f"{w.name}: animate() ({w.what})")
    prepass = []
    anim = None
    for _ in range(w.slow_reps if w.name == "W3" else 3):
        anim, dt, note = make_animation(w, extra)
        prepass.append(dt)
    assert anim is not None
    r["prepass"] = prepass
    r["frame_note"] = note
    n = w.frames
    r["scene"] = type(anim.scene).__name__
    r["points_layer"] = type(anim.scene.points).__name__

    # the K-means replay that every save does (frames come from re-running lloyd)
    replay = []
    for _ in range(w.slow_reps):
        t0 = time.perf_counter()
        count = sum(1 for _ in anim.frames(w.fps))
        replay.append(time.perf_counter() - t0)
        assert count == n, (count, n)
    r["replay"] = replay

    # drawing alone (no encoding); the frames are kept for the floor
    log(f"{w.name}: drawing without encoding")
    draws, updates, backgrounds = [], [], []
    kept: list[bytes] = []
    for i in range(w.slow_reps):
        d = draw_frames(anim, w.fps, DPI, keep=i == 0)
        assert d["n"] == n and tuple(d["size"]) == (WIDTH, HEIGHT), (d["n"], d["size"])
        draws.append(d["draw"])
        updates.append(d["update"])
        backgrounds.append(d["background"])
        if i == 0:
            kept = d["frames"]
    r["draw"], r["update"], r["background"] = draws, updates, backgrounds

    times: dict[str, list[float]] = {"fast": [], "plain": [], "tutorial": [], "floor": []}
    tut_png, tut_ffmpeg = [], []
    checks: dict[str, str] = {}
    for rep in range(w.reps):
        log(f"{w.name}: round {rep + 1}/{w.reps}")
        jobs: list[tuple[str, Callable[[Path], Any]]] = [
            ("fast", lambda p: anim.save(p, progress=False)),
            ("floor", lambda p: floor_encode(anim, kept, p, w.fps, DPI)),
        ]
        if rep < w.slow_reps:
            jobs += [
                ("plain", lambda p: plain_save(anim, p, w.fps)),
                ("tutorial", lambda p: tutorial_save(anim, p, w.fps, DPI)),
            ]
        for name, job in jobs:
            path = tmp / f"{w.name}-{name}.mp4"
            t0 = time.perf_counter()
            out = job(path)
            times[name].append(time.perf_counter() - t0)
            if name == "tutorial":
                tut_png.append(out["png"])
                tut_ffmpeg.append(out["ffmpeg"])
            if rep == 0:
                checks[name] = check_video(path, n)
            path.unlink(missing_ok=True)
    kept.clear()
    r["times"] = times
    r["tutorial_png"], r["tutorial_ffmpeg"] = tut_png, tut_ffmpeg
    r["checks"] = checks


def ms_per_frame(w: Workload, key: str) -> float | None:
    xs = w.results["times"].get(key) if key in w.results.get("times", {}) else w.results.get(key)
    if not xs:
        return None
    return 1e3 * median(xs) / w.frames


def rendering_report(ws: list[Workload]) -> list[str]:
    out = [
        "## 1. Rendering",
        "",
        f"Every workload renders a fixed number of frames at {WIDTH}×{HEIGHT} to H.264 MP4. "
        "Frame count fixed with `hold`: the run's states plus the final frame held for "
        "`(frames - states) / fps` seconds (checked with `anim.frame_count(fps)`, and every "
        "output's frame count and size checked with imageio-ffmpeg).",
        "",
        "- **fast**: `anim.save(path)` (the project's path: static background drawn once, "
        "per frame restore + draw the animated artists, RGBA piped to ffmpeg).",
        "- **plain**: `anim.save(path, writer=FrameWriter('.mp4', fps))`, i.e. matplotlib's "
        "`FuncAnimation.save` (draw, then `savefig` per frame).",
        "- **tutorial**: `fig.savefig` one PNG per frame into a temp dir, then one "
        "`ffmpeg -framerate fps -i frame_%04d.png -c:v libx264 -pix_fmt yuv420p`.",
        "- **floor**: ffmpeg alone: the fast path's own frames, rendered beforehand and kept "
        "in memory, piped through `FrameWriter` (same codec args as the fast path).",
        "- **draw**: per frame `restore_region` + `draw_artist` of the artists "
        "`scene.update` returned, no encoding; **update**: `scene.update` itself plus "
        "producing the frame (which replays the K-means states); **replay**: iterating "
        "`anim.frames(fps)` alone (every save re-runs lloyd to get the states).",
        "- **pre-pass**: `animate()` (K-means run for the trace, scene set-up); not part "
        "of any save time.",
        "",
        "| workload | frames | fast | plain | tutorial | floor | draw | update | replay "
        "| plain/fast | tutorial/fast | fast/floor | fast/(floor+draw) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for w in ws:
        if not w.results.get("times"):
            continue
        fast, plain = ms_per_frame(w, "fast"), ms_per_frame(w, "plain")
        tut, floor = ms_per_frame(w, "tutorial"), ms_per_frame(w, "floor")
        draw, upd = ms_per_frame(w, "draw"), ms_per_frame(w, "update")
        rep = ms_per_frame(w, "replay")
        fd = None if floor is None or draw is None else floor + draw
        out.append(
            f"| {w.name} | {w.frames} | {fmt(fast)} | {fmt(plain)} | {fmt(tut)} | "
            f"{fmt(floor)} | {fmt(draw)} | {fmt(upd)} | {fmt(rep)} | "
            f"{fmt(ratio(plain, fast), 2)}× | {fmt(ratio(tut, fast), 2)}× | "
            f"{fmt(ratio(fast, floor), 2)}× | {fmt(ratio(fast, fd), 2)}× |"
        )
    out += ["", "All times in ms per frame (median). Details:", ""]
    for w in ws:
        r = w.results
        if not r.get("times"):
            continue
        t = r["times"]
        tp = 1e3 * median(r["tutorial_png"]) / w.frames if r["tutorial_png"] else None
        tf = 1e3 * median(r["tutorial_ffmpeg"]) / w.frames if r["tutorial_ffmpeg"] else None
        out += [
            f"- **{w.name}** — {w.what}; fps {w.fps:g}; {r['frame_note']}; points drawn as "
            f"{r['render']} (scene {r['scene']}, points layer {r['points_layer']}).",
            f"  - runs per figure: fast {len(t['fast'])}, floor {len(t['floor'])}, plain "
            f"{len(t['plain'])}, tutorial {len(t['tutorial'])}, draw/update "
            f"{len(r['draw'])}, replay {len(r['replay'])}, pre-pass {len(r['prepass'])}.",
            f"  - pre-pass `animate()`: {fmt(1e3 * median(r['prepass']))} ms; one-time "
            f"background draw: {fmt(1e3 * median(r['background']))} ms; whole fast save: "
            f"{fmt(median(t['fast']), 2)} s.",
            f"  - tutorial split: PNGs {fmt(tp)} ms/frame + ffmpeg {fmt(tf)} ms/frame.",
            "  - output checks: " + ", ".join(f"{k} {v}" for k, v in r["checks"].items()) + ".",
        ]
    return out


# --------------------------------------------------------------------------- density


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
    times: dict[str, dict[int, list[float]]] = {
        key: {case.short: [], case.long: []} for key in ("save", "floor", "draw")
    }
    for rep in range(reps):
        log(f"density {case.name}: round {rep + 1}/{reps}")
        for m in (case.short, case.long):
            anim, path = anims[m], tmp / f"density-{case.name}-{m}.mp4"
            for name in ("save", "floor", "draw"):
                t0 = time.perf_counter()
                if name == "save":
                    anim.save(path, progress=False)
                elif name == "floor":
                    floor_encode(anim, kept[m], path, 10.0, DPI)
                else:
                    d = draw_frames(anim, 10.0, DPI)
                times[name][m].append(
                    d["draw"] + d["update"] if name == "draw" else time.perf_counter() - t0
                )
                path.unlink(missing_ok=True)
    case.results = {
        "times": times,
        "frames": frames,
        "kept": all(a.trace.states is not None for a in anims.values()),
        "layer": type(anims[case.long].scene.points).__name__,
    }
    for m in kept:
        kept[m].clear()


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
    out += [
        "",
        f"Just before these runs two busy processes got {cores:.2f} cores' worth at once "
        f"(the machine line's measure), and the host stole {stolen} of the CPU time "
        "during them: drawing overlaps encoding only as far as the second core is there.",
    ]
    return out


# --------------------------------------------------------------------------- core


@dataclass
class CoreCase:
    name: str
    n: int
    d: int
    k: int
    #: Iteration counts of the short and the long run: the per-iteration cost is the
    #: marginal one, (t_long - t_short) / (long - short), on both sides, so that set-up
    #: (the 1-D sort, sklearn's validation and thread start) counts for neither.
    short: int = 5
    long: int = 25
    results: dict[str, Any] = field(default_factory=dict)


def run_core(case: CoreCase, reps: int) -> None:
    from sklearn.cluster import KMeans

    rng = np.random.default_rng(12345)
    # uniform noise: Lloyd keeps moving points for many iterations
    x = rng.uniform(-1.0, 1.0, size=(case.n, case.d))
    c0 = x[np.sort(rng.choice(case.n, size=case.k, replace=False))].copy()
    times: dict[str, dict[int, list[float]]] = {
        "ours": {case.short: [], case.long: []},
        "sklearn": {case.short: [], case.long: []},
    }
    iters: dict[str, set[int]] = {"ours": set(), "sklearn": set()}
    for rep in range(reps):
        log(f"core {case.name}: round {rep + 1}/{reps}")
        for m in (case.short, case.long):
            t0 = time.perf_counter()
            states = sum(1 for _ in lloyd(x, case.k, init=c0, max_iter=m))
            times["ours"][m].append(time.perf_counter() - t0)
            iters["ours"].add(states - 1)

            km = KMeans(n_clusters=case.k, init=c0, n_init=1, max_iter=m, tol=0, algorithm="lloyd")
            t0 = time.perf_counter()
            km.fit(x)
            times["sklearn"][m].append(time.perf_counter() - t0)
            iters["sklearn"].add(int(km.n_iter_))
    case.results = {"times": times, "iters": {key: sorted(v) for key, v in iters.items()}}


def marginal_ms(times: dict[int, list[float]]) -> float:
    """Milliseconds per iteration: the long run's median minus the short one's, per
    extra iteration."""
    short, long = sorted(times)
    return 1e3 * (median(times[long]) - median(times[short])) / (long - short)


def marginal_spread(times: dict[int, list[float]]) -> str:
    """The lowest and highest per-round marginal cost (each round's long run minus its
    own short run), in ms per iteration: how far noise moves the figure."""
    short, long = sorted(times)
    pairs = zip(times[short], times[long], strict=True)
    each = [1e3 * (b - a) / (long - short) for a, b in pairs]
    return f"{fmt(min(each), 2)} – {fmt(max(each), 2)}"


def core_report(cases: list[CoreCase], reps: int) -> list[str]:
    out = [
        "## 2. Core: Lloyd iterations, `lloyd()` vs scikit-learn",
        "",
        "Uniform noise in [-1, 1]^d (does not converge within the run), the same start "
        "`C0` (k random rows, fixed seed) for both. Ours: calling `lloyd(x, k, init=C0, "
        "max_iter=m)` and consuming every state. scikit-learn: "
        "`KMeans(n_clusters=k, init=C0, n_init=1, max_iter=m, tol=0, algorithm='lloyd')"
        ".fit(X)`. Each with a short and a long m; **per iteration** is the marginal "
        "cost (long run minus short run, divided by the extra iterations) on both sides, so "
        "neither side's set-up (our 1-D sort, sklearn's checks) is in it; **whole run** is "
        "the long run from the call to the end, set-up included. Median of "
        f"{reps} runs each, "
        "interleaved.",
        "",
        "| case | n | d | k | iterations (ours / sklearn) | ours ms/iter (rounds) "
        "| sklearn ms/iter (rounds) "
        "| sklearn/ours per iter | ours whole run ms | sklearn whole run ms "
        "| sklearn/ours whole |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in cases:
        r = c.results
        if not r:
            continue
        ours, sk = r["times"]["ours"], r["times"]["sklearn"]
        o, s = marginal_ms(ours), marginal_ms(sk)
        wo, ws = 1e3 * median(ours[c.long]), 1e3 * median(sk[c.long])
        iters = f"{'/'.join(map(str, r['iters']['ours']))} / "
        iters += "/".join(map(str, r["iters"]["sklearn"]))
        if r["iters"]["ours"] != [c.short, c.long] or r["iters"]["sklearn"] != [c.short, c.long]:
            iters += " (**a run stopped early: per-iteration figure is off**)"
        out.append(
            f"| {c.name} | {c.n:,} | {c.d} | {c.k} | {iters} | {fmt(o, 2)} "
            f"({marginal_spread(ours)}) | {fmt(s, 2)} ({marginal_spread(sk)}) | "
            f"{fmt(ratio(s, o), 2)}× | {fmt(wo, 1)} | {fmt(ws, 1)} | {fmt(ratio(ws, wo), 2)}× |"
        )
    out += [
        "",
        "sklearn/ours > 1 means ours is faster. In brackets: the lowest and highest "
        "marginal cost of a single round; where that range is wide against the figure "
        "(1-D: an iteration after the sort costs about as much as the noise of one run), "
        "the ratio is a rough one.",
    ]
    return out


# --------------------------------------------------------------------------- seeding


@dataclass
class SeedCase:
    """Greedy k-means++ seeding, ours against ``sklearn.cluster.kmeans_plusplus``."""

    name: str
    n: int
    d: int
    k: int
    results: dict[str, list[float]] = field(default_factory=dict)


def run_seeding(case: SeedCase, reps: int) -> None:
    from sklearn.cluster import kmeans_plusplus

    from kmeans_anim.core.init import initial_centroids
    from kmeans_anim.core.tuning import Tuning

    rng = np.random.default_rng(12345)
    x = rng.uniform(-1.0, 1.0, size=(case.n, case.d))
    times: dict[str, list[float]] = {"ours": [], "sklearn": []}
    for rep in range(reps):
        log(f"seeding {case.name}: round {rep + 1}/{reps}")
        # both greedy with 2 + int(log k) candidates a step (sklearn's default)
        t0 = time.perf_counter()
        initial_centroids(x, case.k, "k-means++", np.random.default_rng(rep), Tuning().block)
        times["ours"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        kmeans_plusplus(x, case.k, random_state=rep)
        times["sklearn"].append(time.perf_counter() - t0)
    case.results = times


def seeding_ratio(case: SeedCase) -> float | None:
    """sklearn's median time over ours (> 1: ours is faster)."""
    r = case.results
    return ratio(median(r["sklearn"]), median(r["ours"])) if r else None


def seeding_report(cases: list[SeedCase], reps: int) -> list[str]:
    out = [
        "## 2b. k-means++ seeding vs scikit-learn",
        "",
        "Uniform noise in [-1, 1]^d. Ours: `core.init.initial_centroids(x, k, "
        "'k-means++', rng, block)` (the picks the run and its seeding frames share); "
        "scikit-learn: `sklearn.cluster.kmeans_plusplus(X, k)`. Both greedy, "
        f"2 + int(log k) candidates a step, default threads. Median of {reps} rounds, "
        "interleaved.",
        "",
        "| case | n | d | k | ours ms | sklearn ms | sklearn/ours |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in cases:
        r = c.results
        if not r:
            continue
        out.append(
            f"| {c.name} | {c.n:,} | {c.d} | {c.k} | {fmt(1e3 * median(r['ours']), 1)} | "
            f"{fmt(1e3 * median(r['sklearn']), 1)} | {fmt(seeding_ratio(c), 2)}× |"
        )
    out += ["", "sklearn/ours ≥ 1 means ours is at least as fast."]
    return out


# --------------------------------------------------------------------------- memory


def vm_status(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return -1


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
            cmd = [sys.executable, str(Path(__file__).resolve()), "--memory-child", str(f)]
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


# --------------------------------------------------------------------------- loading

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
                cmd = [sys.executable, str(Path(__file__).resolve()), "--load-child", m]
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


# --------------------------------------------------------------------------- dask

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
                    cmd = [sys.executable, str(Path(__file__).resolve()), "--dask-child"]
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


# --------------------------------------------------------------------------- main


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
