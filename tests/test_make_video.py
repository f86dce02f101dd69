"""`make video` renders every example, into the folder given as ``OUT``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import REPO, decode

EXAMPLES = [
    "kmeans_1d.mp4",
    "kmeans_2d.mp4",
    "kmeans_2d.gif",
    "old_faithful.mp4",
    "kmeans_3d.mp4",
    "iris.mp4",
    "wine.mp4",
    "kmeans_2d_explained.mp4",
]
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


@pytest.mark.slow
def test_make_video_writes_every_example(tmp_path):
    make = shutil.which("make")
    assert make is not None, "make is not installed"
    out = tmp_path / "videos"
    # a dry run first: the commands must write into OUT, never into the repo's output/
    dry = subprocess.run(
        [make, "-n", "-C", str(REPO), "video", f"OUT={out}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert dry.returncode == 0, dry.stderr
    commands = [ln for ln in dry.stdout.splitlines() if "kmeans-anim" in ln]
    assert len(commands) == len(EXAMPLES) + len(LESSONS), dry.stdout
    for line in commands:
        assert f"-o {out}/" in line, f"the Makefile does not honour OUT=: {line}"

    before = snapshot(REPO / "output")
    # -o: the suite runs in the installed venv; an edited pyproject.toml must not make
    # this test reinstall it (pip's own notices would land on stderr)
    proc = subprocess.run(
        [make, "-C", str(REPO), "-o", ".venv/.installed", "video", f"OUT={out}"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "warning" not in proc.stderr.lower(), proc.stderr
    assert snapshot(REPO / "output") == before, "make video OUT=... touched output/"
    made = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert made == sorted(EXAMPLES + LESSONS)
    for name in EXAMPLES + LESSONS:
        meta, frames = decode(out / name)
        assert len(frames) > 1, name
        assert meta["codec"].rstrip(",") == ("gif" if name.endswith(".gif") else "h264"), name
        assert meta["size"][0] >= 320 and meta["size"][1] >= 240, name
