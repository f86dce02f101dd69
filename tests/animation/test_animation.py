"""animate() and KMeansAnimation.save / show / notebook display.

Every saved file is decoded for real (imageio-ffmpeg's ffmpeg) and checked for what it
contains: codec, pixel format, size, frame count, colours, loop flag.
"""

from __future__ import annotations

import os
import stat
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest
from helpers import (
    REPO,
    clean_env,
    decode,
    listing,
    palette_present,
    run_python,
    to_uint8,
    xvfb_display,
)
from matplotlib.animation import FuncAnimation
from matplotlib.figure import Figure

from kmeans_anim import KMeansAnimation, KMeansWarning, animate, hsv_palette, make_blobs
from kmeans_anim.writers import FFmpegError, FrameWriter

SMALL = (3.2, 2.4)  # 320 x 240 at the default dpi: enough for checks that ignore the size


# --------------------------------------------------------------------------- helpers


def blobs(d: int = 2, k: int = 3, n: int = 20, seed: int = 2) -> np.ndarray:
    pts, _ = make_blobs(k, n, d, seed=seed)
    return pts


def small_anim(d: int = 2, k: int = 3, **kw) -> KMeansAnimation:
    """A run of several iterations (random init) drawn small and short."""
    opts = {"seed": 4, "init": "random", "fps": 4.0, "hold": 0.5, "figsize": SMALL}
    opts.update(kw)
    return animate(blobs(d, k), k, **opts)


def frame_key(f):
    """Everything a Frame shows, comparable with ==."""
    labels = None if f.colours is None else tuple(f.colours.labels.tolist())
    return (f.iteration, f.caption, tuple(np.asarray(f.centroids).ravel().tolist()), labels)


def frame_keys(anim: KMeansAnimation, fps: float | None = None) -> list:
    return [frame_key(f) for f in anim.frames(fps)]


def diff_stats(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Mean absolute difference and the fraction of pixels off by more than 48."""
    d = np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=-1)
    return float(d.mean()), float((d > 48).mean())


# --------------------------------------------------------------------------- the object


def test_animate_returns_a_funcanimation():
    anim = small_anim()
    assert isinstance(anim, KMeansAnimation)
    assert isinstance(anim, FuncAnimation)
    assert isinstance(anim.seed, int)
    assert len(anim.trace) >= 3, "the fixture should run several iterations"


@pytest.mark.parametrize(
    ("d", "kw"),
    [(1, {}), (2, {"regions": True, "trails": True, "objective": True}), (3, {})],
    ids=["1d", "2d-all-layers", "3d"],
)
def test_artists_are_made_once(tmp_path, d, kw):
    anim = small_anim(d, **kw)
    fig = anim.figure
    ids = [id(a) for a in anim.scene.artists]
    children = [len(ax.get_children()) for ax in fig.axes]
    n_axes = len(fig.axes)
    assert ids, "a scene has artists"

    anim.save(tmp_path / "a.mp4")
    assert [id(a) for a in anim.scene.artists] == ids
    assert [len(ax.get_children()) for ax in fig.axes] == children

    for frame in anim.frames():
        changed = anim.scene.update(frame)
        assert {id(a) for a in changed} <= set(ids)
        assert [len(ax.get_children()) for ax in fig.axes] == children
    assert [id(a) for a in anim.scene.artists] == ids
    assert len(fig.axes) == n_axes
    # and through matplotlib's own frame loop (init_func, then func per frame)
    anim.to_jshtml()
    assert [len(ax.get_children()) for ax in fig.axes] == children


# --------------------------------------------------------------------------- formats


def test_mp4_codec_size_fps_and_frame_count(tmp_path):
    anim = animate(blobs(2, 3), 3, seed=4, init="random", fps=4.0, hold=0.7)
    out = anim.save(tmp_path / "a.mp4")
    meta, frames = decode(out)
    n_states = len(anim.trace)
    expected = n_states + round(0.7 * 4.0)
    assert meta["codec"] == "h264"
    assert meta["pix_fmt"].startswith("yuv420p")
    assert meta["size"] == (640, 480)
    assert frames[0].shape == (480, 640, 3)
    assert meta["fps"] == pytest.approx(4.0)
    assert len(frames) == anim.frame_count() == expected
    # the held frames repeat the last state
    hold = round(0.7 * 4.0)
    for f in frames[-hold:]:
        assert diff_stats(f, frames[-1])[0] < 1.0


@pytest.mark.parametrize("k", [3, 4, 5])
def test_last_frame_shows_every_palette_colour(tmp_path, k):
    pts, _ = make_blobs(k, 15, 2, std=0.2, seed=k)
    anim = animate(pts, k, seed=1, fps=2, hold=0, figsize=(4, 3), marker_size=10)
    _meta, frames = decode(anim.save(tmp_path / "a.mp4"))
    last = frames[-1]
    for colour in hsv_palette(k):
        assert palette_present(last, colour, tol=40), colour
        close = np.abs(last.astype(np.int16) - to_uint8(colour)).max(axis=-1) <= 40
        assert close.sum() >= 20, f"only {close.sum()} pixels of {colour}"


def test_gif_frame_count_and_loop(tmp_path):
    anim = small_anim()
    out = anim.save(tmp_path / "a.gif")
    _meta, frames = decode(out)
    assert len(frames) == anim.frame_count()
    data = out.read_bytes()
    assert data[:6] in (b"GIF87a", b"GIF89a")
    at = data.find(b"NETSCAPE2.0")
    assert at > 0, "no looping extension"
    # sub-block: size 3, id 1, loop count (little endian), 0 = forever
    assert data[at + 11 : at + 13] == b"\x03\x01"
    assert int.from_bytes(data[at + 13 : at + 15], "little") == 0


def test_webm_is_vp9(tmp_path):
    anim = small_anim()
    meta, frames = decode(anim.save(tmp_path / "a.webm"))
    assert meta["codec"] == "vp9"
    assert len(frames) == anim.frame_count()


def test_html_honours_the_fps_of_the_save(tmp_path):
    """The held frames follow the fps of the save, as for the video formats."""
    anim = small_anim(figsize=(2, 1.5), fps=2.0, hold=1.0)
    assert anim.frame_count(6.0) != anim.frame_count()
    text = anim.save(tmp_path / "a.html", fps=6.0).read_text(encoding="utf-8")
    assert text.count("data:image/png;base64,") == anim.frame_count(6.0)


def test_two_saves_give_the_same_frames(tmp_path):
    anim = small_anim()
    _m1, a = decode(anim.save(tmp_path / "a.mp4"))
    _m2, b = decode(anim.save(tmp_path / "b.mp4"))
    assert len(a) == len(b) == anim.frame_count()
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x, y)


def test_frames_replay_identically():
    anim = small_anim(steps="split", tween=2)
    first = frame_keys(anim)
    assert len(first) == anim.frame_count()
    assert frame_keys(anim) == first


def test_seed_none_is_fixed_once():
    pts = blobs(2, 4)
    anim = animate(pts, 4, seed=None, init="random", figsize=SMALL)
    assert isinstance(anim.seed, int)
    first = frame_keys(anim)
    assert frame_keys(anim) == first
    again = animate(pts, 4, seed=anim.seed, init="random", figsize=SMALL)
    assert frame_keys(again) == first
    np.testing.assert_array_equal(again.trace.centroids, anim.trace.centroids)


# --------------------------------------------------------------------------- failures


def test_unknown_suffix_lists_the_formats(tmp_path):
    anim = small_anim()
    with pytest.raises(ValueError, match="suffix") as info:
        anim.save(tmp_path / "a.avi")
    for suffix in (".mp4", ".gif", ".webm", ".html"):
        assert suffix in str(info.value)
    assert listing(tmp_path) == set()


@pytest.mark.parametrize(
    "script",
    ["#!/bin/sh\nexit 1\n", "#!/bin/sh\ncat > /dev/null\necho 'boom: encoder died' >&2\nexit 1\n"],
    ids=["exits-at-once", "reads-all-then-fails"],
)
@pytest.mark.parametrize("suffix", [".mp4", ".gif", ".webm"])
def test_failing_ffmpeg_leaves_the_target_untouched(tmp_path, monkeypatch, script, suffix):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    fake = bindir / "ffmpeg"
    fake.write_text(script)
    fake.chmod(0o755)
    # imageio_ffmpeg.get_ffmpeg_exe reads the variable on every call (only the
    # auto-detection is cached), so this is enough
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(fake))
    import imageio_ffmpeg

    assert imageio_ffmpeg.get_ffmpeg_exe() == str(fake)

    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / f"a{suffix}"
    original = b"not a video, but it was here first\x00\xff" * 10
    target.write_bytes(original)
    anim = small_anim(figsize=(2, 1.5))
    with pytest.raises(FFmpegError) as info:
        anim.save(target)
    assert isinstance(info.value, subprocess.CalledProcessError)
    assert info.value.returncode == 1
    if "boom" in script:
        assert "boom: encoder died" in str(info.value)
    assert target.read_bytes() == original
    assert listing(out_dir) == {target.name}

    # without a previous file: nothing at all is left
    target.unlink()
    with pytest.raises(FFmpegError):
        anim.save(target)
    assert listing(out_dir) == set()


def test_save_returns_the_path_and_respects_umask(tmp_path):
    anim = small_anim(figsize=(2, 1.5))
    for mask, mode in ((0o022, 0o644), (0o002, 0o664)):
        old = os.umask(mask)
        try:
            target = tmp_path / f"a{mask:o}.mp4"
            out = anim.save(str(target))
        finally:
            os.umask(old)
        assert isinstance(out, Path)
        assert out == target
        assert stat.S_IMODE(out.stat().st_mode) == mode
    assert listing(tmp_path) == {"a2.mp4", "a22.mp4"}


# --------------------------------------------------------------------------- fast path


@pytest.mark.parametrize(
    ("d", "kw"),
    [(1, {}), (2, {}), (2, {"regions": True, "trails": True, "objective": True})],
    ids=["1d", "2d", "2d-regions-trails-objective"],
)
def test_fast_path_equals_matplotlib_path(tmp_path, d, kw):
    """The blitted RGBA pipe draws what FuncAnimation.save + savefig draws."""
    anim = small_anim(d, figsize=(4, 3), **kw)
    fast = anim.save(tmp_path / "fast.mp4")
    plain = anim.save(tmp_path / "plain.mp4", writer=FrameWriter(".mp4", anim.fps))
    _m1, a = decode(fast)
    _m2, b = decode(plain)
    assert len(a) == len(b) == anim.frame_count()
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        mean, off = diff_stats(x, y)
        assert mean < 2.0, f"frame {i}: mean abs diff {mean:.2f}"
        assert off < 5e-4, f"frame {i}: {100 * off:.2f}% of the pixels differ visibly"


# --------------------------------------------------------------------------- options


def test_dpi_and_fps_of_save(tmp_path):
    anim = small_anim(fps=2.0, hold=1.0)
    n = len(anim.trace)
    meta, frames = decode(anim.save(tmp_path / "a.mp4", dpi=50))
    assert meta["size"] == (160, 120)
    assert len(frames) == n + 2
    meta, frames = decode(anim.save(tmp_path / "b.mp4", fps=6))
    assert meta["size"] == (320, 240)
    assert meta["fps"] == pytest.approx(6.0)
    assert len(frames) == n + 6 == anim.frame_count(6)
    # the figure is as it was
    assert anim.figure.dpi == pytest.approx(100.0)
    np.testing.assert_allclose(anim.figure.get_size_inches(), SMALL)


def test_dpi_of_animate_and_odd_sizes(tmp_path):
    anim = animate(blobs(), 3, seed=1, dpi=80, figsize=SMALL, hold=0)
    meta, _ = decode(anim.save(tmp_path / "a.mp4"))
    assert meta["size"] == (256, 192)
    odd = animate(blobs(), 3, seed=1, figsize=(3.21, 2.41), hold=0)
    meta, _ = decode(odd.save(tmp_path / "odd.mp4"))
    assert meta["size"] == (322, 242)  # rounded up to even pixels for yuv420p
    meta, _ = decode(odd.save(tmp_path / "odd.gif"))
    assert meta["size"] == (321, 241)  # a GIF keeps its exact size
    np.testing.assert_allclose(odd.figure.get_size_inches(), (3.21, 2.41))


def test_figsize(tmp_path):
    anim = animate(blobs(), 3, seed=1, figsize=(5, 2), hold=0)
    np.testing.assert_allclose(anim.figure.get_size_inches(), (5, 2))
    meta, _ = decode(anim.save(tmp_path / "a.mp4"))
    assert meta["size"] == (500, 200)


def test_default_figsize_with_objective_panel():
    anim = animate(blobs(), 3, seed=1, objective=True)
    np.testing.assert_allclose(anim.figure.get_size_inches(), (6.4, 6.4))
    assert len(anim.figure.axes) == 2


def test_draw_into_an_existing_axes(tmp_path):
    fig = Figure(figsize=(4, 2))
    left = fig.add_subplot(1, 2, 1)
    left.plot([0, 1], [0, 1], color="black")
    right = fig.add_subplot(1, 2, 2)
    anim = animate(blobs(), 3, seed=1, ax=right, hold=0, title="right side")
    assert anim.scene.ax is right
    assert anim.figure is fig
    assert fig.axes == [left, right]
    assert right.get_title() == "right side"
    meta, frames = decode(anim.save(tmp_path / "a.mp4"))
    assert meta["size"] == (400, 200)
    assert len(frames) == anim.frame_count()
    last = frames[-1]
    # the animation is drawn in the right half, the left plot stays
    for colour in hsv_palette(3):
        assert palette_present(last[:, 200:], colour)
        assert not palette_present(last[:, :180], colour, tol=30)


def test_title():
    anim = animate(blobs(), 3, seed=1, title="Hello, clusters")
    assert anim.scene.ax.get_title() == "Hello, clusters"
    assert animate(blobs(), 3, seed=1).scene.ax.get_title() == ""


# --------------------------------------------------------------------------- limits


def padded(lo: float, hi: float) -> tuple[float, float]:
    return lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)


def test_1d_limits():
    anim = small_anim(1)
    pts = blobs(1)
    xs = np.concatenate((pts, anim.trace.centroids[..., 0].ravel()))
    assert anim.scene.ax.get_xlim() == pytest.approx(padded(xs.min(), xs.max()))
    assert anim.scene.ax.get_ylim() == pytest.approx((-1.0, 1.0))


def test_2d_limits(tmp_path):
    anim = small_anim(2)
    pts = blobs(2)
    allp = np.concatenate((pts, anim.trace.centroids.reshape(-1, 2)))
    lo, hi = allp.min(axis=0), allp.max(axis=0)
    ax = anim.scene.ax
    assert ax.get_xlim() == pytest.approx(padded(lo[0], hi[0]))
    assert ax.get_ylim() == pytest.approx(padded(lo[1], hi[1]))
    anim.save(tmp_path / "a.mp4")  # drawing does not change them
    assert ax.get_xlim() == pytest.approx(padded(lo[0], hi[0]))
    assert ax.get_ylim() == pytest.approx(padded(lo[1], hi[1]))


@pytest.mark.parametrize("d", [1, 2])
def test_all_points_equal_still_renders(tmp_path, d):
    pts = np.full((12, d), 3.0) if d == 2 else np.full(12, 3.0)
    anim = animate(pts, 1, seed=0, figsize=SMALL, hold=0, marker_size=10)
    ax = anim.scene.ax
    limits = [ax.get_xlim()] + ([ax.get_ylim()] if d == 2 else [])
    for lo, hi in limits:
        assert np.isfinite([lo, hi]).all()
        assert hi - lo > 0.1
        assert lo < 3.0 < hi
    _meta, frames = decode(anim.save(tmp_path / "a.mp4"))
    assert len(frames) == anim.frame_count() >= 1
    last = frames[-1]
    assert (last.min(axis=-1) < 200).any(), "the frame is blank"
    assert palette_present(last, hsv_palette(1)[0])


# --------------------------------------------------------------------------- show


def run_script(code: str, env: dict[str, str], timeout: float = 60.0):
    return run_python(code, REPO, env=env, timeout=timeout)


def test_show_without_a_display_says_use_save():
    code = """
        from kmeans_anim import animate, make_blobs
        pts, _ = make_blobs(3, 10, 2, seed=0)
        anim = animate(pts, 3, seed=0)
        try:
            anim.show()
        except RuntimeError as exc:
            print("RuntimeError:", exc)
        else:
            print("no error")
    """
    proc = run_script(code, clean_env())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("RuntimeError:"), proc.stdout + proc.stderr
    assert "save" in proc.stdout


@pytest.mark.display
def test_show_with_a_display_draws_frames():
    code = """
        import matplotlib.pyplot as plt
        from kmeans_anim import animate, make_blobs
        pts, _ = make_blobs(3, 20, 2, seed=0)
        anim = animate(pts, 3, seed=0, init="random", fps=10, hold=1)
        fig = anim.figure
        calls = []
        update = anim.scene.update
        def counted(frame):
            calls.append(frame.caption)
            return update(frame)
        anim.scene.update = counted
        timers = []
        def on_draw(event):
            if not timers:  # the window is up: close it after 1.5 s
                t = event.canvas.new_timer(interval=1500)
                t.single_shot = True
                t.add_callback(plt.close, fig)
                t.start()
                timers.append(t)
        fig.canvas.mpl_connect("draw_event", on_draw)
        anim.show()
        print("backend", plt.get_backend())
        print("updates", len(calls))
        """
    with xvfb_display() as env:
        proc = run_script(code, env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines())
    assert lines["backend"].lower() == "tkagg"
    assert int(lines["updates"]) >= 2, proc.stdout


@pytest.mark.display
def test_the_live_window_stops_on_the_last_frame_unless_it_loops():
    """Without loop the window pauses itself on the last frame; with it, it goes round
    again (closed after two and a half passes, whenever they are drawn)."""
    code = """
        import matplotlib.pyplot as plt
        from kmeans_anim import animate, make_blobs
        pts, _ = make_blobs(3, 20, 2, seed=0)
        for loop in (False, True):
            anim = animate(pts, 3, seed=0, fps=40, hold=0.1, loop=loop)
            fig, n = anim.figure, anim.frame_count()
            captions = []
            update = anim.scene.update
            anim.scene.update = lambda frame: (captions.append(frame.caption), update(frame))[1]
            keep = []
            def poll(fig=fig, n=n, loop=loop, anim=anim, captions=captions):
                w = anim.window
                if (w is not None and w.paused and not loop) or len(captions) > 2.5 * n:
                    plt.close(fig)
            anim.show(block=False)
            t = fig.canvas.new_timer(interval=20)
            t.add_callback(poll)
            t.start()
            plt.show()
            t.stop()
            print(loop, n, len(captions), captions[-1])
        """
    with xvfb_display() as env:
        proc = run_script(code, env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    runs = {}
    for line in proc.stdout.splitlines():
        loop, frames, drawn, last = line.split(" ", 3)
        runs[loop] = (int(frames), int(drawn), last)
    frames, drawn, last = runs["False"]
    assert drawn == frames  # one pass, then still
    assert last.endswith("converged")  # on the final frame
    frames, drawn, _ = runs["True"]
    assert drawn > 2 * frames


# --------------------------------------------------------------------------- no warnings


@pytest.mark.parametrize(
    ("kwargs", "save_dpi"), [({"dpi": 1}, None), ({"figsize": (0.2, 3.0)}, None), ({}, 3)]
)
def test_too_small_a_frame_is_refused_before_rendering(
    tmp_path: Path, kwargs: dict, save_dpi: float | None
) -> None:
    points, _ = make_blobs(3, 10, dim=2, seed=0)
    with pytest.raises(ValueError, match=r"pixel frame; it needs at least 32x32"):
        anim = animate(points, 3, seed=0, **kwargs)
        anim.save(tmp_path / "a.mp4", dpi=save_dpi)
    assert list(tmp_path.iterdir()) == []


def test_html_saves_follow_their_own_fps(tmp_path: Path) -> None:
    points, _ = make_blobs(3, 10, dim=2, seed=1)
    player = animate(points, 3, seed=1, fps=2, hold=1, figsize=(2, 1.5), dpi=40)
    player._repr_html_()  # a notebook display first: matplotlib caches the page
    slow = player.save(tmp_path / "slow.html", fps=2).read_text()
    fast = player.save(tmp_path / "fast.html", fps=8).read_text()
    assert slow.count("data:image/png;base64") == player.frame_count(2)
    assert fast.count("data:image/png;base64") == player.frame_count(8)
    assert fast.count("data:image/png;base64") > slow.count("data:image/png;base64")


def test_writer_pass_through_uses_imageio_ffmpeg(tmp_path: Path) -> None:
    points, _ = make_blobs(3, 10, dim=2, seed=1)
    anim = animate(points, 3, seed=1, figsize=(2, 1.5), dpi=40)
    path = anim.save(tmp_path / "plain.mp4", writer="ffmpeg")
    meta, frames = decode(path)
    assert meta["codec"] == "h264" and len(frames) == anim.frame_count()


def test_replays_leave_the_warning_filters_alone() -> None:
    points = np.array([0.0, 0.0, 0.0, 1.0])  # 2 distinct points, k = 3: KMeansWarning
    with pytest.warns(KMeansWarning):
        anim = animate(points, 3, seed=0, init="random", hold=0)
    before = list(warnings.filters)
    frames = anim.frames(2.0)
    next(frames)  # a suspended replay must not change the process's warning filters
    assert warnings.filters == before
    frames.close()
