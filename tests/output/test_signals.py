"""Every way out of a render leaves nothing behind: SIGTERM and SIGHUP end a save as
Ctrl-C does, Ctrl-C while the command is still importing is one line, every format
stops at the next frame, and the partial files of writers killed with SIGKILL are
removed by the next save to the same target."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import COMMANDS, child_env, listing, processes_mentioning, wait_gone

from kmeans_anim import animate, make_blobs
from kmeans_anim._signals import Terminated
from kmeans_anim.outputs import atomic_output

OLD = b"the video that was there before\n"

#: A render of several seconds: time to signal it mid-way.
LONG_RENDER = ["--dim", "2", "--clusters", "6", "--points", "400", "--seed", "1"]
LONG_RENDER += ["--tween", "30", "--hold", "20", "--fps", "25"]


def _default_signals() -> None:
    """``preexec_fn``: the child reacts to the signals as a shell's command would, even
    when the suite runs with some ignored (a background job, ``nohup``)."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def start(args: list[str], cwd: Path, how: str = "script") -> subprocess.Popen[str]:
    """The real command, in a session of its own."""
    return subprocess.Popen(
        [*COMMANDS[how], *args],
        cwd=cwd,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_default_signals,
    )


def wait_until(ready: Callable[[], object], proc: subprocess.Popen[str], what: str) -> None:
    """Poll until ``ready()``; fail if the command ends (or a minute passes) first."""
    end = time.monotonic() + 60
    while not ready():
        assert proc.poll() is None, f"the command ended before {what}: {proc.communicate()}"
        assert time.monotonic() < end, f"waited a minute for {what}"
        time.sleep(0.005)


def finish(proc: subprocess.Popen[str]) -> tuple[str, str]:
    try:
        return proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def partials(folder: Path) -> list[str]:
    return [n for n in listing(folder) if ".partial" in n]


def caught(pid: int, sig: int) -> bool:
    """Whether process ``pid`` has a handler for ``sig`` (``SigCgt`` in /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) >> (sig - 1) & 1)
    return False


def one_line(sig: int) -> str:
    if sig == signal.SIGINT:
        return "kmeans-anim: interrupted; nothing was written.\n"
    return f"kmeans-anim: stopped by {signal.Signals(sig).name}; nothing was written.\n"


# --------------------------------------------------------------------------- real signals


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sig", "suffix"),
    [(signal.SIGTERM, ".mp4"), (signal.SIGHUP, ".mp4"), (signal.SIGTERM, ".html")],
    ids=["sigterm-mp4", "sighup-mp4", "sigterm-html"],
)
def test_signal_mid_render_leaves_the_target_and_nothing_else(
    sig: int, suffix: str, tmp_path: Path
) -> None:
    target = tmp_path / f"clip{suffix}"
    target.write_bytes(OLD)
    proc = start([*LONG_RENDER, "-o", str(target)], tmp_path)
    try:
        # the partial file exists (and for a video, ffmpeg runs: it is named in its argv)
        wait_until(
            lambda: (
                partials(tmp_path) and (suffix == ".html" or processes_mentioning(str(tmp_path)))
            ),
            proc,
            "the render began",
        )
        proc.send_signal(sig)
    finally:
        out, err = finish(proc)
    assert proc.returncode == 128 + sig, err
    assert err == one_line(sig)
    assert out == ""
    assert target.read_bytes() == OLD
    assert listing(tmp_path) == {target.name}
    assert not wait_gone(str(tmp_path)), "ffmpeg outlived the command"


@pytest.mark.parametrize("how", ["script", "module"])
def test_ctrl_c_while_the_command_imports_is_one_line(how: str, tmp_path: Path) -> None:
    proc = start(["--dim", "2", "-o", "a.mp4"], tmp_path, how)
    try:
        # the moment the entry point has its handlers: numpy and matplotlib load next
        wait_until(lambda: caught(proc.pid, signal.SIGTERM), proc, "its handlers were set")
        proc.send_signal(signal.SIGINT)
    finally:
        out, err = finish(proc)
    assert proc.returncode == 130, err
    assert err == one_line(signal.SIGINT)
    assert out == ""
    assert listing(tmp_path) == set()


def small_animation():
    points, _ = make_blobs(3, 30, dim=2, seed=0)
    return animate(points, 3, seed=0, max_iter=5, tween=2, hold=3.0, fps=4, dpi=50)


@pytest.mark.parametrize(
    ("suffix", "writer"), [(".html", None), (".gif", None), (".mp4", "ffmpeg"), (".gif", "pillow")]
)
def test_every_format_stops_at_the_next_frame_after_a_signal(
    suffix: str, writer: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM (to this process) while frame 3 is drawn: the save draws at most one
    more. An ``.html`` page is rendered by matplotlib in one call, which went on to the
    last frame before; so does matplotlib's own save, given a writer."""
    target = tmp_path / f"clip{suffix}"
    target.write_bytes(OLD)
    anim = small_animation()
    assert anim.frame_count() > 10
    drawn = []
    update = anim.scene.update

    def counting(frame):
        drawn.append(frame)
        if len(drawn) == 3:
            os.kill(os.getpid(), signal.SIGTERM)
        return update(frame)

    monkeypatch.setattr(anim.scene, "update", counting)
    with pytest.raises(Terminated):
        if writer is None:
            anim.save(target, progress=False)
        else:
            anim.save(target, writer)
    assert len(drawn) <= 4
    assert target.read_bytes() == OLD
    assert listing(tmp_path) == {target.name}
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL, "the handler was not restored"


# --------------------------------------------------------------------------- dead writers


@pytest.mark.slow
def test_a_later_save_removes_the_partial_file_of_a_killed_writer(tmp_path: Path) -> None:
    target = tmp_path / "clip.mp4"
    stranger = tmp_path / ".other.0123abcd.partial.mp4"  # another target's: not touched
    stranger.write_bytes(b"")
    proc = start([*LONG_RENDER, "-o", str(target)], tmp_path)
    try:
        wait_until(lambda: len(partials(tmp_path)) == 2, proc, "the render began")
        os.killpg(proc.pid, signal.SIGKILL)  # ffmpeg has a session of its own: it lives on
    finally:
        finish(proc)
    assert not wait_gone(str(tmp_path)), "ffmpeg did not end with its input"
    assert len(partials(tmp_path)) == 2, "the killed writer's partial file is gone already"
    small_animation().save(target, progress=False)
    assert listing(tmp_path) == {target.name, stranger.name}


def test_a_live_writers_partial_file_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "clip.mp4"
    with atomic_output(target) as tmp:
        tmp.write_bytes(b"being written")
        small_animation().save(target, progress=False)  # the same target, meanwhile
        assert tmp.read_bytes() == b"being written"
    assert listing(tmp_path) == {target.name}
