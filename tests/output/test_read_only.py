"""A save into a folder the user may not write to fails with one clear error and
leaves the folder as it was, for the API and the CLI.

Tests run as root, and root writes through any mode bits; so the save runs as the
unprivileged user nobody (the ``as_nobody`` fixture), into a folder owned by root with
mode 0o755: the kernel really refuses the write.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import run_python


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder nobody can enter (pytest's tmp_path is private to root), with a
    read-only ``ro/`` (root, 0o755) and a writable matplotlib config folder."""
    base = Path(tempfile.mkdtemp(prefix="kmeans-anim-ro-"))
    try:
        base.chmod(0o755)
        ro = base / "ro"
        ro.mkdir()
        ro.chmod(0o755)
        (ro / "old.mp4").write_bytes(b"precious")
        if os.geteuid() != 0:  # an ordinary user: the mode bits are enough
            ro.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
        mpl = base / "mpl"
        mpl.mkdir()
        mpl.chmod(0o777)
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


def assert_untouched(ro: Path) -> None:
    assert sorted(p.name for p in ro.iterdir()) == ["old.mp4"]
    assert (ro / "old.mp4").read_bytes() == b"precious"


def test_cli_read_only_folder(shared_dir: Path, as_nobody) -> None:
    proc = run_python(
        "import sys; from kmeans_anim.cli import main; sys.exit(main(sys.argv[1:]))",
        shared_dir,
        env=as_nobody.env(shared_dir / "mpl"),
        prefix=as_nobody.prefix,
        python=as_nobody.python,
        args=["-k", "2", "-o", "ro/out.mp4"],
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("kmeans-anim: error: ")
    assert "ro/out.mp4" in lines[0] and "the folder 'ro' is not writable" in lines[0], lines[0]
    assert_untouched(shared_dir / "ro")


def test_api_read_only_folder(shared_dir: Path, as_nobody) -> None:
    script = """
        from kmeans_anim import animate
        anim = animate([0.0, 1.0, 5.0, 6.0], 2, seed=0)
        for name in ('out.mp4', 'old.mp4', 'out.html'):
            try:
                anim.save('ro/' + name, progress=False)
            except PermissionError as exc:
                print(type(exc).__name__, exc)
            else:
                print('saved', name)
        """
    proc = run_python(
        script,
        shared_dir,
        env=as_nobody.env(shared_dir / "mpl"),
        prefix=as_nobody.prefix,
        python=as_nobody.python,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert len(lines) == 3, proc.stdout
    for name, line in zip(("out.mp4", "old.mp4", "out.html"), lines, strict=True):
        assert line.startswith("PermissionError "), line
        assert f"ro/{name}" in line and "is not writable" in line, line
    assert_untouched(shared_dir / "ro")
