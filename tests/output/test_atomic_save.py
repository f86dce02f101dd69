"""A save that fails leaves nothing behind: the existing target byte-for-byte as it was,
no temporary ``.name.*.partial.*`` file, and no ffmpeg process (running or zombie)."""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import imageio_ffmpeg
import pytest
from helpers import (
    child_env,
    children,
    listing,
    processes_mentioning,
    restore_sigint,
    wait_gone,
)
from matplotlib.figure import Figure

from kmeans_anim import animate, make_blobs
from kmeans_anim._signals import Terminated
from kmeans_anim.writers import (
    EncoderError,
    FFmpegError,
    FrameWriter,
    exit_status,
    interruptible,
)

OLD = b"the video that was there before\n"

# --------------------------------------------------------------------------- processes


@pytest.fixture
def no_leaks(tmp_path: Path) -> Iterator[None]:
    """After the test: no new child process of this one (not even a zombie) and no
    process whose command line mentions the test's folder."""
    before = set(children(os.getpid()))
    yield
    new = {p: s for p, s in children(os.getpid()).items() if p not in before}
    assert not new, f"child processes left behind (pid: state): {new}"
    assert not wait_gone(str(tmp_path), timeout=0.5), "an ffmpeg process is still running"


# --------------------------------------------------------------------------- fake encoders


@pytest.fixture
def fake_ffmpeg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str], Path]]:
    """Install a shell script as the ffmpeg binary: ``install(body) -> script path``.

    ``IMAGEIO_FFMPEG_EXE`` is read on every ``get_ffmpeg_exe()`` call; only the
    auto-detected binary is cached (``functools.lru_cache`` on ``_get_ffmpeg_exe``). The
    cache is cleared before and after so that no test sees another's binary.
    """
    cached = imageio_ffmpeg._utils._get_ffmpeg_exe
    cached.cache_clear()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()

    def install(body: str) -> Path:
        script = bin_dir / "fake-ffmpeg"
        script.write_text("#!/bin/sh\n" + body)
        script.chmod(0o755)
        monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(script))
        assert imageio_ffmpeg.get_ffmpeg_exe() == str(script)
        return script

    yield install
    monkeypatch.delenv("IMAGEIO_FFMPEG_EXE", raising=False)
    cached.cache_clear()
    # the next test must get the real binary back, not a cached fake
    assert "fake-ffmpeg" not in imageio_ffmpeg.get_ffmpeg_exe()


@pytest.fixture
def target(tmp_path: Path) -> Path:
    """``out/clip.<suffix>`` with old content, in a folder of its own."""
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "clip.mp4"
    path.write_bytes(OLD)
    return path


def small_animation():
    points, _ = make_blobs(3, 30, dim=2, seed=0)
    return animate(points, 3, seed=0, max_iter=5, tween=2, hold=3.0, fps=4, dpi=50)


def assert_untouched(path: Path) -> None:
    assert path.read_bytes() == OLD
    assert listing(path.parent) == {path.name}, "a temporary file was left behind"


# --------------------------------------------------------------------------- (a), (b) ffmpeg fails


@pytest.mark.parametrize("suffix", [".mp4", ".gif", ".webm"])
def test_ffmpeg_exits_at_once(
    suffix: str, target: Path, fake_ffmpeg, tmp_path: Path, no_leaks: None
) -> None:
    target = target.rename(target.with_suffix(suffix))
    fake_ffmpeg('echo "fake ffmpeg: Unknown encoder" >&2\nexit 1\n')
    anim = small_animation()
    with pytest.raises(FFmpegError, match=r"ffmpeg exited with status 1: fake ffmpeg: Unknown"):
        anim.save(target, progress=False)
    assert_untouched(target)


def test_ffmpeg_dies_mid_stream(target: Path, fake_ffmpeg, no_leaks: None) -> None:
    # frames are 320x240 RGBA = 307200 bytes: this reads about 3.5 frames, then fails
    fake_ffmpeg("head -c 1100000 >/dev/null\necho 'fake ffmpeg: Conversion failed!' >&2\nexit 1\n")
    anim = small_animation()
    assert anim.frame_count() > 10
    with pytest.raises(FFmpegError, match=r"status 1: fake ffmpeg: Conversion failed!"):
        anim.save(target, progress=False)
    assert_untouched(target)


def test_ffmpeg_exits_zero_after_reading_everything_but_writes_nothing(
    target: Path, fake_ffmpeg, no_leaks: None
) -> None:
    # an encoder that "succeeds" without output: not trusted, the old file stays
    fake_ffmpeg("cat >/dev/null\nexit 0\n")
    with pytest.raises(EncoderError, match=r"status 0 but wrote nothing where 16 frames"):
        small_animation().save(target, progress=False)
    assert_untouched(target)


def encoder_then_real_count(body: str) -> str:
    """A fake ffmpeg script: ``body`` (with ``$out``, the last argument) as the encoder,
    and the real binary for the frame count that follows (``-nostdin -i file ... -f null
    -``: its last argument is "-", which the fake must not write to)."""
    real = imageio_ffmpeg.get_ffmpeg_exe()
    return (
        f'if [ "$1" = -nostdin ]; then exec {real} "$@"; fi\n'
        f"cat >/dev/null\nfor a; do out=$a; done\n{body}"
    )


def test_ffmpeg_exits_zero_with_too_few_frames(target: Path, fake_ffmpeg, no_leaks: None) -> None:
    # a real video of 2 frames where 16 were sent
    real = imageio_ffmpeg.get_ffmpeg_exe()
    fake_ffmpeg(
        encoder_then_real_count(
            f'exec {real} -loglevel error -y -f lavfi -i color=c=red:s=64x64 -frames:v 2 "$out"\n'
        )
    )
    with pytest.raises(EncoderError, match=r"status 0 but wrote 2 frames where 16 were sent"):
        small_animation().save(target, progress=False)
    assert_untouched(target)


def test_ffmpeg_exits_zero_with_garbage(target: Path, fake_ffmpeg, no_leaks: None) -> None:
    fake_ffmpeg(encoder_then_real_count('echo garbage > "$out"\n'))
    with pytest.raises(EncoderError, match=r"wrote an unreadable file where 16 were sent"):
        small_animation().save(target, progress=False)
    assert_untouched(target)


@pytest.mark.parametrize(
    "body",
    ["exec sleep 60\n", "cat >/dev/null\nexec sleep 60\n"],
    ids=["never-reads", "never-exits"],
)
def test_stalled_ffmpeg_is_stopped_after_stall_timeout(
    body: str, target: Path, fake_ffmpeg, no_leaks: None
) -> None:
    fake_ffmpeg(body)
    with pytest.raises(EncoderError, match=r"ffmpeg stalled: .* within stall_timeout=0.3 s"):
        small_animation().save(target, progress=False, stall_timeout=0.3)
    assert_untouched(target)


def test_exit_status_times_out_while_running_and_returns_the_code_once_exited() -> None:
    # a child that exits when its stdin closes, as ffmpeg does after the last frame
    code = "import sys; sys.stdin.read(); sys.exit(3)"
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE)
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            exit_status(proc, 0.05)
        assert proc.returncode is None
        proc.stdin.close()
        assert exit_status(proc, 60.0) == 3
        assert exit_status(proc, 0.0) == 3  # reaped: its code, not another process's
    finally:
        proc.kill()
        proc.wait()


def test_exit_status_works_with_descriptors_numbered_past_1024() -> None:
    # a notebook kernel or a server may hold many files open; select() takes no
    # descriptor numbered 1024 or more
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1100:
        pytest.skip(f"the hard limit of open files is {hard}, under 1100")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1100), hard))
    held = []
    try:
        while not held or held[-1] < 1030:
            held.append(os.open(os.devnull, os.O_RDONLY))
        proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(4)"])
        assert exit_status(proc, 60.0) == 4
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.mark.parametrize("bad", [0, -1, 3601, float("nan"), "5"])
def test_stall_timeout_is_bounded(bad: object, target: Path) -> None:
    with pytest.raises((ValueError, TypeError), match=r"stall_timeout"):
        small_animation().save(target, stall_timeout=bad)
    assert_untouched(target)


def test_ffmpeg_fails_while_finishing(target: Path, fake_ffmpeg, no_leaks: None) -> None:
    # reads every frame, then fails (as when the disk fills up writing the trailer)
    fake_ffmpeg("cat >/dev/null\necho 'fake ffmpeg: No space left on device' >&2\nexit 1\n")
    with pytest.raises(FFmpegError, match=r"No space left on device"):
        small_animation().save(target, progress=False)
    assert_untouched(target)


def test_ffmpeg_killed_by_signal(target: Path, fake_ffmpeg, no_leaks: None) -> None:
    fake_ffmpeg("head -c 500000 >/dev/null\nkill -9 $$\n")
    with pytest.raises(FFmpegError, match=r"ffmpeg exited with status -9"):
        small_animation().save(target, progress=False)
    assert_untouched(target)


# --------------------------------------------------------------------------- (c), (d) real ffmpeg


def _patch_update(monkeypatch: pytest.MonkeyPatch, anim, on_frame: int, action) -> list[int]:
    """Make the scene run ``action()`` when it is asked to draw frame number ``on_frame``
    (1-based), after checking that the real ffmpeg is running for this save."""
    seen = [0]
    original = anim.scene.update

    def update(frame):
        seen[0] += 1
        if seen[0] == on_frame:
            action()
        return original(frame)

    monkeypatch.setattr(anim.scene, "update", update)
    return seen


@pytest.mark.parametrize(
    ("suffix", "on_frame"),
    [(".mp4", 3), (".mp4", 40), (".gif", 3), (".gif", 40), (".webm", 40), (".html", 3)],
)
def test_folder_vanishes_mid_save(
    suffix: str,
    on_frame: int,
    tmp_path: Path,
    target: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_leaks: None,
) -> None:
    """Early, ffmpeg cannot open its output; late, it has the file open and only the
    final rename fails. Either way: one clear line naming the target, not the temp file."""
    target = target.rename(target.with_suffix(suffix))
    points, _ = make_blobs(3, 30, dim=2, seed=0)
    hold = 15.0 if on_frame > 10 else 1.0  # an HTML page renders every frame as PNG
    anim = animate(points, 3, seed=0, max_iter=5, hold=hold, fps=4, dpi=50)
    assert anim.frame_count() > on_frame
    started = []

    def vanish() -> None:
        started.extend(processes_mentioning(str(tmp_path)))
        shutil.rmtree(target.parent)

    seen = _patch_update(monkeypatch, anim, on_frame, vanish)
    with pytest.raises((OSError, FFmpegError)) as info:
        anim.save(target, progress=False)
    assert seen[0] >= on_frame
    if suffix != ".html":
        assert started, "ffmpeg was not running while frames were drawn"
    message = str(info.value)
    assert "\n" not in message.strip(), message
    assert ".partial" not in message, f"the message names the temporary file: {message}"
    if isinstance(info.value, FFmpegError):
        assert re.search(r"ffmpeg exited with status \d+: .*No such file or directory", message)
    else:
        assert message == (
            f"path={str(target)!r}: the folder {str(target.parent)!r} vanished while saving."
        )
    assert not target.parent.exists(), "the folder must not be recreated"


def test_keyboard_interrupt_in_a_frame(
    tmp_path: Path, target: Path, monkeypatch: pytest.MonkeyPatch, no_leaks: None
) -> None:
    anim = small_animation()
    started = []

    def interrupt() -> None:
        started.extend(processes_mentioning(str(tmp_path)))
        assert any(".partial" in name for name in listing(target.parent))
        raise KeyboardInterrupt

    seen = _patch_update(monkeypatch, anim, 3, interrupt)
    with pytest.raises(KeyboardInterrupt):
        anim.save(target, progress=False)
    assert started, "ffmpeg was not running while frames were drawn"
    assert seen[0] == 3
    assert_untouched(target)


def test_error_in_a_frame(
    tmp_path: Path, target: Path, monkeypatch: pytest.MonkeyPatch, no_leaks: None
) -> None:
    anim = small_animation()

    def boom() -> None:
        raise MemoryError("drawing failed")

    _patch_update(monkeypatch, anim, 2, boom)
    with pytest.raises(MemoryError, match="drawing failed"):
        anim.save(target, progress=False)
    assert_untouched(target)


def test_html_interrupted(target: Path, monkeypatch: pytest.MonkeyPatch, no_leaks: None) -> None:
    html = target.with_suffix(".html")
    target.rename(html)
    anim = small_animation()
    _patch_update(monkeypatch, anim, 2, lambda: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        anim.save(html, progress=False)
    assert_untouched(html)


def test_success_after_failure_replaces_target(
    target: Path, monkeypatch: pytest.MonkeyPatch, no_leaks: None
) -> None:
    """The protections do not get in the way: the same animation saves fine afterwards."""
    anim = small_animation()
    _patch_update(monkeypatch, anim, 2, lambda: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        anim.save(target, progress=False)
    monkeypatch.undo()
    assert anim.save(target, progress=False) == target
    data = target.read_bytes()
    assert data != OLD and data[4:8] == b"ftyp"
    assert listing(target.parent) == {target.name}
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --------------------------------------------------------------------------- (e) Ctrl-C in the CLI


def _partial_files(folder: Path) -> list[str]:
    return [n for n in listing(folder) if ".partial" in n]


@pytest.mark.slow
@pytest.mark.parametrize("how", ["process", "group"])
def test_cli_ctrl_c(how: str, tmp_path: Path, target: Path) -> None:
    """SIGINT while the CLI encodes: exit 130, one line, nothing written or left running.

    ``process`` signals the CLI alone; ``group`` signals its whole process group, as
    Ctrl-C in a terminal does (ffmpeg gets the SIGINT too).
    """
    cmd = [
        sys.executable,
        "-m",
        "kmeans_anim",
        "--dim",
        "2",
        "--clusters",
        "6",
        "--points",
        "400",
        "--seed",
        "1",
        "--tween",
        "30",
        "--hold",
        "20",
        "--fps",
        "25",
        "-o",
        str(target),
    ]
    env = child_env()
    proc = subprocess.Popen(
        cmd,
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=restore_sigint,  # the suite may run with SIGINT ignored
    )
    try:
        end = time.monotonic() + 60
        # wait until encoding has begun: the temporary file exists and ffmpeg is running
        while time.monotonic() < end and proc.poll() is None:
            if _partial_files(target.parent) and processes_mentioning(str(tmp_path)):
                break
            time.sleep(0.02)
        assert proc.poll() is None, (
            f"the render finished before it could be interrupted: {proc.communicate()}"
        )
        assert _partial_files(target.parent)
        time.sleep(0.3)  # a few frames into the pipe
        if how == "group":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err
    assert err == "kmeans-anim: interrupted; nothing was written.\n"
    assert out == ""
    assert_untouched(target)
    assert not wait_gone(str(tmp_path)), "ffmpeg outlived the interrupted CLI"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_one_signal_stops_a_save_whose_ffmpeg_never_reads(
    sig: int, target: Path, fake_ffmpeg, tmp_path: Path, no_leaks: None, sigint_default: None
) -> None:
    """The save waits for a frame ffmpeg never takes; one signal ends it (the watchdog
    is far off), ffmpeg is killed and reaped, the target untouched."""
    fake_ffmpeg("exec sleep 60\n")

    before = set(children(os.getpid()))

    def signal_once_ffmpeg_runs() -> None:  # "sleep 60" does not name the folder: a child
        end = time.monotonic() + 30
        while not set(children(os.getpid())) - before and time.monotonic() < end:
            time.sleep(0.01)
        os.kill(os.getpid(), sig)

    sender = threading.Thread(target=signal_once_ffmpeg_runs)
    sender.start()
    try:
        with pytest.raises(KeyboardInterrupt) as caught:
            small_animation().save(target, progress=False, stall_timeout=600)
    finally:
        sender.join()
    assert isinstance(caught.value, Terminated) == (sig != signal.SIGINT)
    assert_untouched(target)


@pytest.mark.parametrize("frames", [1, 5])
def test_second_ctrl_c_stops_a_save_whose_ffmpeg_stalls(
    frames: int, target: Path, fake_ffmpeg, no_leaks: None, sigint_default: None
) -> None:
    """ffmpeg never reads: the frame in flight never leaves. With one frame the save is
    waiting for it in ``finish``, with five in the next ``write``; either way the second
    Ctrl-C ends the save at once (the first only asks it to stop at the next frame)."""
    fake_ffmpeg("exec sleep 30\n")
    writer = FrameWriter(".mp4", 10)
    fig = Figure(figsize=(3.2, 2.4), dpi=100)  # 320x240 RGBA: more than a pipe holds
    frame = memoryview(bytearray(320 * 240 * 4))

    def press_twice() -> None:
        for _ in range(2):
            time.sleep(0.5)
            os.kill(os.getpid(), signal.SIGINT)

    presser = threading.Thread(target=press_twice)
    started = time.monotonic()
    presser.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            with interruptible() as check, writer.saving(fig, target, 100):
                for _ in range(frames):
                    writer.write(frame)
                    check()
    finally:
        presser.join()
    assert time.monotonic() - started < 10, "the save waited for the stalled ffmpeg"
    assert not [t for t in threading.enumerate() if t.name.startswith("kmeans_anim-ffmpeg")]


def test_an_ffmpeg_that_cannot_start_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "ffmpeg"
    fake.write_text("not a program")
    fake.chmod(stat.S_IRUSR)  # exists, not executable
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(fake))
    out = tmp_path / "out"
    out.mkdir()
    points, _ = make_blobs(3, 10, dim=2, seed=1)
    anim = animate(points, 3, seed=1, figsize=(2, 1.5), dpi=40)
    with pytest.raises(RuntimeError, match="cannot run ffmpeg at"):
        anim.save(out / "a.mp4")
    assert list(out.iterdir()) == []


def test_saving_over_a_file_keeps_its_permissions(tmp_path: Path) -> None:
    points, _ = make_blobs(3, 10, dim=2, seed=1)
    anim = animate(points, 3, seed=1, figsize=(2, 1.5), dpi=40)
    target = tmp_path / "a.gif"
    target.write_bytes(b"old")
    target.chmod(0o640)
    anim.save(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_bytes()[:3] == b"GIF"
