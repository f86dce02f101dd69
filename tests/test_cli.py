"""Tests of the ``kmeans-anim`` command, run for real in a subprocess."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import decode

from kmeans_anim import __version__, animate, make_blobs
from kmeans_anim.cli import build_parser

SCRIPT = Path(sys.executable).parent / "kmeans-anim"
COMMANDS = {
    "module": [sys.executable, "-m", "kmeans_anim"],
    "script": [str(SCRIPT)],
}


def cli(*args: str | Path, cwd: Path, how: str = "module") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "MPLBACKEND")}
    return subprocess.run(
        [*COMMANDS[how], *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --------------------------------------------------------------------------- success


@pytest.mark.parametrize("how", ["module", "script"])
def test_success_writes_the_file_and_prints_its_path(tmp_path, how):
    if how == "script":
        assert SCRIPT.exists(), f"{SCRIPT} is not installed (pip install -e .)"
    out = tmp_path / "out.mp4"
    args = ["--points", "10", "--seed", "3", "--fps", "4", "--hold", "0.5"]
    proc = cli(*args, "--figsize", "2", "1.5", "-o", out, cwd=tmp_path, how=how)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{out}\n"
    assert proc.stderr == ""
    meta, frames = decode(out)
    assert meta["size"] == (200, 150)
    assert meta["fps"] == pytest.approx(4.0)
    pts, _ = make_blobs(3, 10, 1, (-2.0, 2.0), 0.15, seed=3)
    expected = animate(pts, 3, seed=3, fps=4, hold=0.5).frame_count()
    assert len(frames) == expected
    assert listing(tmp_path) == ["out.mp4"]


def test_quiet_and_default_output(tmp_path):
    proc = cli(
        "--points", "8", "--seed", "1", "--hold", "0", "--dpi", "30", "--quiet", cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == proc.stderr == ""
    out = tmp_path / "output" / "kmeans.mp4"
    _meta, frames = decode(out)
    assert len(frames) >= 1


def test_version(tmp_path):
    proc = cli("--version", cwd=tmp_path)
    assert proc.returncode == 0
    assert __version__ in proc.stdout


def test_csv_with_columns(tmp_path):
    pts, _ = make_blobs(2, 12, 3, seed=5)
    data = tmp_path / "pts.csv"
    rows = "\n".join(",".join(f"{v:.6f}" for v in row) for row in pts)
    data.write_text("a,b,c\n" + rows + "\n")
    for columns in ("a,c", "0,2"):
        out = tmp_path / f"csv_{columns.replace(',', '')}.gif"
        proc = cli(
            data, "--columns", columns, "-k", "2", "--seed", "1", "--hold", "0",
            "--figsize", "2", "1.5", "-o", out, cwd=tmp_path,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() == str(out)
        _meta, frames = decode(out)
        chosen = np.loadtxt(data, delimiter=",", skiprows=1)[:, [0, 2]]
        anim = animate(chosen, 2, seed=1, hold=0)
        assert anim.scene.ax.name != "3d"  # two columns: the plane
        assert len(frames) == anim.frame_count()


# --------------------------------------------------------------------------- help


def help_entries(text: str) -> dict[str, str]:
    """Option heading -> its help, whitespace collapsed."""
    entries: dict[str, str] = {}
    head = None
    for line in text.splitlines():
        m = re.match(r"^  (-\S.*?)(?:\s{2,}(.*))?$", line)
        if m:
            head = m.group(1)
            entries[head] = m.group(2) or ""
        elif head is not None and line.startswith("    "):
            entries[head] += " " + line.strip()
        else:
            head = None
    return {h: " ".join(t.split()) for h, t in entries.items()}


def test_help_lists_every_option_with_its_default(tmp_path):
    proc = cli("--help", cwd=tmp_path)
    assert proc.returncode == 0
    entries = help_entries(proc.stdout)
    for action in build_parser()._actions:
        if not action.option_strings or action.dest in ("help", "version"):
            continue
        name = max(action.option_strings, key=len)
        heads = [h for h in entries if name in re.split(r"[ ,]+", h)]
        assert heads, f"{name} is not in --help"
        assert "(default:" in entries[heads[0]], f"{name}: {entries[heads[0]]}"

    def entry(name: str) -> str:
        return next(t for h, t in entries.items() if name in re.split(r"[ ,]+", h))

    assert "(default: 2.0)" in entry("--fps")
    assert "(default: 1.0)" in entry("--hold")
    assert "(default: output/kmeans.mp4)" in entry("-o")
    assert "(default: k-means++)" in entry("--init")
    for suffix in (".mp4", ".gif", ".webm", ".html"):
        assert suffix in entry("--output")


# --------------------------------------------------------------------------- errors


BAD = {
    "k-zero": ["-k", "0"],
    "fps-negative": ["--fps", "-1"],
    "fps-not-a-number": ["--fps", "fast"],
    "unknown-suffix": ["-o", "x.avi"],
    "missing-file": ["missing.csv"],
    "unknown-dataset": ["--dataset", "nope"],
    "file-and-dataset": ["{csv}", "--dataset", "iris"],
    "columns-without-file": ["--columns", "a,b"],
    "unknown-option": ["--bogus"],
}


@pytest.mark.parametrize("args", BAD.values(), ids=BAD.keys())
def test_bad_arguments_exit_2_with_one_line(tmp_path, args):
    data = tmp_path / "in.csv"
    data.write_text("x,y\n0,0\n1,1\n2,2\n5,5\n")
    args = [a.format(csv=data) for a in args]
    proc = cli(*args, "--hold", "0", "--dpi", "20", cwd=tmp_path)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("kmeans-anim: ")
    assert listing(tmp_path) == ["in.csv"], "nothing is written"
