"""Rendering: our save against matplotlib's, the tutorial's PNGs and ffmpeg alone."""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import imageio_ffmpeg
import numpy as np
from baselines import draw_frames, floor_encode, plain_save, tutorial_save
from common import DPI, FIGSIZE, HEIGHT, WIDTH, fmt, in_turn, log, median, ratio

from kmeans_anim import animate, lloyd


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
        for name, job in in_turn(jobs, rep):
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
