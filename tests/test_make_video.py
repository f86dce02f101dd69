"""`make video` renders every example and lesson, into the folder given as ``OUT``."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import matplotlib.image as mimage
import numpy as np
import pytest
from helpers import REPO, decode, run_main

from kmeans_anim.cli import _animate, _points, build_parser

EXAMPLES = [
    "kmeans_1d.mp4",
    "kmeans_2d.mp4",
    "kmeans_2d.gif",
    "old_faithful.mp4",
    "kmeans_3d.mp4",
    "iris.mp4",
    "wine.mp4",
    "kmeans_2d_explained.mp4",
    "restarts.mp4",
    "choose_k.mp4",
]
#: Still figures of frames (a filmstrip).
STILLS = ["kmeans_2d_filmstrip.png"]
LESSONS = [
    f"lessons/{name}.mp4"
    for name in (
        "seeding_kmeanspp",
        "seeding_random",
        "farthest",
        "optimum_1d",
        "moons",
        "circles",
        "anisotropic",
        "unequal_variance",
        "uneven_sizes",
        "uniform",
        "smiley",
        "rings",
    )
]


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    if not folder.is_dir():
        return {}
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}


def commands(target: str, out: Path) -> list[str]:
    """The kmeans-anim command lines ``make -n target OUT=out`` would run."""
    make = shutil.which("make")
    assert make is not None, "make is not installed"
    dry = subprocess.run(
        [make, "-n", "-C", str(REPO), "-o", ".venv/.installed", target, f"OUT={out}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert dry.returncode == 0, dry.stderr
    return [ln for ln in dry.stdout.splitlines() if "kmeans-anim" in ln]


def test_make_video_commands_write_into_out(tmp_path):
    out = tmp_path / "videos"
    lines = commands("video", out)
    assert len(lines) == len(EXAMPLES) + len(STILLS) + len(LESSONS), lines
    # the commands must write into OUT, never into the repo's output/
    for line in lines:
        assert f"-o {out}/" in line, f"the Makefile does not honour OUT=: {line}"
    assert sorted(ln.rsplit("/", 1)[-1] for ln in commands("lessons", out)) == sorted(
        name.rsplit("/", 1)[-1] for name in LESSONS
    )


@pytest.mark.parametrize("name", ["seeding_kmeanspp", "farthest", "optimum_1d", "smiley"])
def test_lesson_videos_decode_with_their_frame_counts(tmp_path, name):
    """A lesson's own command line from the Makefile, run in this process (smaller)."""
    line = next(ln for ln in commands("lessons", tmp_path) if ln.endswith(f"/{name}.mp4"))
    argv = shlex.split(line)[2:]  # after the program and --quiet
    argv = [*argv, "--dpi", "40", "--quiet"]
    (tmp_path / "lessons").mkdir()  # the recipe's mkdir
    result = run_main(argv)
    assert result.code == 0, result.err
    args = build_parser().parse_args(argv)
    points, k = _points(args, args.seed)
    meta, frames = decode(tmp_path / "lessons" / f"{name}.mp4")
    assert len(frames) == _animate(args, points, k, args.seed).frame_count()
    assert meta["size"] == (256, 192)
    # not a blank video: the frames differ and the middle one holds many colours
    assert not np.array_equal(frames[0], frames[len(frames) // 2])
    assert len(np.unique(frames[len(frames) // 2].reshape(-1, 3), axis=0)) > 50


@pytest.mark.slow
def test_make_video_writes_every_example(tmp_path):
    make = shutil.which("make")
    assert make is not None, "make is not installed"
    out = tmp_path / "videos"

    before = snapshot(REPO / "output")
    # -o: the suite runs in the installed venv; an edited pyproject.toml must not make
    # this test reinstall it (pip's own notices would land on stderr)
    # the examples only: the lessons' command lines are run (smaller) above
    proc = subprocess.run(
        [make, "-C", str(REPO), "-o", ".venv/.installed", "examples", f"OUT={out}"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "warning" not in proc.stderr.lower(), proc.stderr
    assert snapshot(REPO / "output") == before, "make video OUT=... touched output/"
    assert sorted(p.name for p in out.iterdir()) == sorted(EXAMPLES + STILLS)
    for name in STILLS:
        assert mimage.imread(out / name).shape[1] >= 640, name
    for name in EXAMPLES:
        meta, frames = decode(out / name)
        assert len(frames) > 1, name
        assert meta["codec"].rstrip(",") == ("gif" if name.endswith(".gif") else "h264"), name
        assert meta["size"][0] >= 320 and meta["size"][1] >= 240, name
