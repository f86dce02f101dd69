"""A save into a folder the user may not write to, or over a file the user could not
overwrite with ``cp``, fails before the run with one clear error and leaves the folder
as it was, for the API and the CLI.

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


# --------------------------------------------------------------------------- existing files


@pytest.fixture
def user_dir(as_nobody) -> Iterator[Path]:
    """A folder nobody can enter, with ``mine/`` (the user's: nobody's when the suite is
    root) holding ``locked.mp4``, the user's own with mode 0o444, and a writable
    matplotlib config folder."""
    base = Path(tempfile.mkdtemp(prefix="kmeans-anim-own-"))
    try:
        base.chmod(0o755)
        mine = base / "mine"
        mine.mkdir()
        locked = mine / "locked.mp4"
        locked.write_bytes(b"precious")
        locked.chmod(0o444)
        for path in (mine, locked):
            os.chown(path, as_nobody.uid, -1)
        mpl = base / "mpl"
        mpl.mkdir()
        mpl.chmod(0o777)
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


#: The CLI with K-means made to fail: a refusal must come before the run.
NO_KMEANS_CLI = """
    import sys
    from kmeans_anim.core import Run

    def ran(*args, **kwargs):
        sys.exit("K-means ran before the output was checked")

    Run.states = ran
    from kmeans_anim.cli import main
    sys.exit(main(sys.argv[1:]))
    """


def test_cli_refuses_a_read_only_file_before_the_run(user_dir: Path, as_nobody) -> None:
    proc = run_python(
        NO_KMEANS_CLI,
        user_dir,
        env=as_nobody.env(user_dir / "mpl"),
        prefix=as_nobody.prefix,
        python=as_nobody.python,
        args=["-k", "2", "-o", "mine/locked.mp4"],
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == (
        "kmeans-anim: error: path='mine/locked.mp4': the file exists and is not writable "
        "by you (read-only or not yours); make it writable or choose another name.\n"
    )
    assert (user_dir / "mine" / "locked.mp4").read_bytes() == b"precious"
    assert sorted(p.name for p in (user_dir / "mine").iterdir()) == ["locked.mp4"]


def run_saves(user_dir: Path, as_nobody, names: list[str]) -> list[str]:
    """As the user, save a small animation to each of ``names`` (relative to
    ``user_dir``): for each, the PermissionError's message or ``saved``."""
    script = """
        import sys
        from kmeans_anim import animate
        anim = animate([0.0, 1.0, 5.0, 6.0], 2, seed=0, figsize=(2, 1.5), dpi=40, hold=0)
        for name in sys.argv[1:]:
            try:
                anim.save(name, progress=False)
            except PermissionError as exc:
                print(exc)
            else:
                print('saved')
        """
    proc = run_python(
        script,
        user_dir,
        env=as_nobody.env(user_dir / "mpl"),
        prefix=as_nobody.prefix,
        python=as_nobody.python,
        args=names,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert len(lines) == len(names), proc.stdout
    return lines


NOT_WRITABLE = (
    "path={!r}: the file exists and is not writable by you (read-only or not yours); "
    "make it writable or choose another name."
)


def test_api_refuses_a_read_only_file(user_dir: Path, as_nobody) -> None:
    mine = user_dir / "mine"
    html = mine / "locked.html"
    shutil.copy(mine / "locked.mp4", html)
    html.chmod(0o444)
    os.chown(html, as_nobody.uid, -1)
    names = ["mine/locked.mp4", "mine/locked.html"]
    assert run_saves(user_dir, as_nobody, names) == [NOT_WRITABLE.format(n) for n in names]
    assert sorted(p.name for p in mine.iterdir()) == ["locked.html", "locked.mp4"]
    for path in mine.iterdir():
        assert path.read_bytes() == b"precious"
        assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_api_replaces_others_files_only_where_cp_and_rename_could(
    user_dir: Path, as_nobody
) -> None:
    """Another user's file: refused if the user may not write it (cp would fail), or if
    it is in a sticky folder (only its owner may rename over it there); replaced if it
    is writable in the user's own folder, and the user's own file in a sticky one is."""
    if as_nobody.uid == os.geteuid():
        pytest.skip("files of another user need root to make")
    sticky = user_dir / "sticky"
    sticky.mkdir()
    sticky.chmod(0o1777)  # as /tmp: root's, everyone may write, each only their own
    files = {
        "mine/theirs.mp4": (0, 0o644),
        "mine/open.mp4": (0, 0o666),
        "sticky/theirs.mp4": (0, 0o666),
        "sticky/own.mp4": (as_nobody.uid, 0o644),
    }
    for name, (uid, mode) in files.items():
        path = user_dir / name
        path.write_bytes(b"precious")
        path.chmod(mode)
        os.chown(path, uid, -1)
    lines = run_saves(user_dir, as_nobody, list(files))
    assert lines == [
        NOT_WRITABLE.format("mine/theirs.mp4"),
        "saved",
        "path='sticky/theirs.mp4': the file belongs to another user and the folder "
        "'sticky' is sticky, so only its owner may replace it; choose another name.",
        "saved",
    ]
    for name in ("mine/theirs.mp4", "sticky/theirs.mp4"):
        assert (user_dir / name).read_bytes() == b"precious"
    for name in ("mine/open.mp4", "sticky/own.mp4"):
        assert (user_dir / name).read_bytes()[4:8] == b"ftyp"
    assert not [p for p in user_dir.rglob(".*") if ".partial" in p.name]
