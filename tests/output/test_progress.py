"""The progress bar: one line that never wraps, with percent and time left, ended
before anything else is printed."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from helpers import child_env, restore_sigint

from kmeans_anim import progress as progress_module
from kmeans_anim.progress import bar_line, counting, progress, status


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("width", [20, 40, 50, 80, 200])
def test_every_redraw_fits_the_width(width: int) -> None:
    out = Terminal()
    assert list(progress(range(40), 40, "kmeans.mp4", stream=out, width=width)) == list(range(40))
    text = out.getvalue()
    assert text.endswith("\n")
    redraws = text[:-1].split("\r")[1:]
    assert redraws, text
    assert all(len(r) <= width - 1 for r in redraws), [len(r) for r in redraws]
    last = redraws[-1]
    assert last.startswith("100%") or "100%" in last
    if width >= 40:
        assert "40/40" in last and last.rstrip().endswith("0:00 in all")
    if width >= 50:
        assert last.startswith("kmeans.mp4 ▕") and "█" in last


def test_time_left_from_the_pace_so_far() -> None:
    # 10 of 40 in 5 s: 30 more at that pace take 15 s; 3,700 s read as hours
    assert bar_line("x", 10, 40, 5.0, 79).rstrip().endswith(" 25% 10/40 0:15 left")
    assert bar_line("x", 1, 2, 3700.0, 79).rstrip().endswith("1:01:40 left")
    assert bar_line("x", 2, 2, 61.0, 79).rstrip().endswith("100% 2/2 1:01 in all")


def test_not_a_terminal_draws_nothing() -> None:
    out = io.StringIO()
    assert list(progress(range(5), 5, "x", stream=out)) == list(range(5))
    assert out.getvalue() == ""


def test_a_failure_midway_ends_the_line() -> None:
    out = Terminal()

    def items():
        yield 1
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        list(progress(items(), 3, "x", stream=out, width=40))
    assert out.getvalue().endswith("\n")


def test_the_cli_bar_in_a_40_column_terminal(tmp_path: Path) -> None:
    """A real pseudo-terminal of 40 columns: no line of the output is wider."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 40, 0, 0))
    args = ["--points", "10", "--seed", "1", "--hold", "2", "--fps", "10", "--dpi", "30"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "kmeans_anim", *args, "-o", "a.gif"],
        cwd=tmp_path,
        env=child_env(),
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        preexec_fn=restore_sigint,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the child closed its end
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert proc.wait(timeout=60) == 0
    text = b"".join(chunks).decode()
    lines = text.replace("\r\n", "\n").split("\n")
    drawn = [part for line in lines for part in line.split("\r")]
    assert any("100%" in part for part in drawn), text
    assert all(len(part) <= 39 for part in drawn), [p for p in drawn if len(p) > 39]
    assert lines[-2].startswith("wrote a.gif (seed 1)"), text  # on its own line


def _slow(n: int, clock: list[float], step: float):
    """``n`` items, the fake clock moving ``step`` seconds before each."""
    for i in range(n):
        clock[0] += step
        yield i


def test_a_long_run_of_unknown_length_is_counted(monkeypatch) -> None:
    clock = [0.0]
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: clock[0])
    out = Terminal()
    items = list(counting(_slow(12, clock, 0.25), "k-means", "iteration", stream=out, width=60))
    assert items == list(range(12))
    text = out.getvalue()
    redraws = text[:-1].split("\r")[1:]
    assert all(len(r) == 59 for r in redraws)
    assert redraws[0].rstrip() == "k-means: 2 iterations 0:00"  # from half a second on
    assert redraws[-1].rstrip() == "k-means: 12 iterations in 0:03"
    assert text.endswith("\n")


def test_a_quick_run_prints_nothing(monkeypatch) -> None:
    clock = [0.0]
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: clock[0])
    out = Terminal()
    assert list(counting(_slow(4, clock, 0.1), "k-means", "iteration", stream=out)) == [0, 1, 2, 3]
    assert out.getvalue() == ""
    assert list(counting(_slow(9, clock, 1.0), "k", "iteration", enabled=False, stream=out))
    assert out.getvalue() == ""


def test_animate_counts_its_run_on_a_terminal(monkeypatch) -> None:
    from kmeans_anim import animate, make_blobs

    clock = [0.0]
    monkeypatch.setattr(
        progress_module.time, "monotonic", lambda: clock.__setitem__(0, clock[0] + 0.3) or clock[0]
    )
    out = Terminal()
    monkeypatch.setattr(sys, "stderr", out)
    pts, _ = make_blobs(4, 30, 2, seed=1)
    anim = animate(pts, 4, seed=0, init="random")
    assert out.getvalue().split("\r")[-1].startswith(f"k-means: {len(anim.trace)} iterations in")
    out.truncate(0)
    animate(pts, 4, seed=0, init="random", progress=False)
    assert out.getvalue() == ""


def test_status_of_a_long_read() -> None:
    out = Terminal()
    with status("reading big.csv (95 MB)", stream=out):
        pass
    assert out.getvalue().startswith("reading big.csv (95 MB) …\rreading big.csv (95 MB) … 0:00")
    assert out.getvalue().endswith("\n")
    quiet = io.StringIO()
    with status("reading", stream=quiet):
        pass
    assert quiet.getvalue() == ""
