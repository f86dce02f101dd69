"""Fixtures shared by the whole suite: the command line run in-process, Python's own
SIGINT handling for tests that press Ctrl-C, and running Python as an unprivileged user.
Plain helpers are in ``helpers.py``."""

from __future__ import annotations

import inspect
import os
import shutil
import signal
import sys
import sysconfig
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import CliResult, child_env, run_main, run_python

import kmeans_anim

NOBODY = 65534


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Run the command line in this process, ``cli(*argv, cwd=folder)``: ``main(argv)``
    with stdout and stderr captured, in ``cwd``, on the Agg backend."""
    monkeypatch.setenv("MPLBACKEND", "Agg")

    def run(*argv: str | os.PathLike[str], cwd: Path) -> CliResult:
        """``main(argv)`` in ``cwd``; its exit code and what it printed."""
        monkeypatch.chdir(cwd)
        return run_main([str(a) for a in argv])

    return run


@pytest.fixture
def sigint_default() -> Iterator[None]:
    """Python's own SIGINT handler (KeyboardInterrupt) for the test, whatever the suite
    inherited: run as a background job, SIGINT is ignored."""
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


@dataclass(frozen=True)
class Nobody:
    """How to run Python as the unprivileged user nobody with this kmeans_anim."""

    prefix: list[str]  # setpriv ... (empty when the suite is not root)
    python: str
    pythonpath: str | None  # a readable mirror of the packages, when one was needed
    uid: int  # whom the child runs as: nobody, or this user when the suite is not root

    def env(self, home: Path) -> dict[str, str]:
        """The child's environment, with ``home`` as its (writable) matplotlib folder."""
        extra = {"HOME": str(home), "MPLCONFIGDIR": str(home)}
        if self.pythonpath is not None:
            extra["PYTHONPATH"] = self.pythonpath
        return child_env(**extra)


def _imports_as(prefix: list[str], python: str, pythonpath: str | None, home: Path) -> str:
    """The kmeans_anim file that user imports, or the error it gets."""
    proc = run_python(
        "import inspect, kmeans_anim, numpy, matplotlib, imageio_ffmpeg\n"
        "print(inspect.getfile(kmeans_anim))",
        home,
        env=Nobody(prefix, python, pythonpath, NOBODY).env(home),
        prefix=prefix,
        python=python,
        timeout=60,
    )
    return proc.stdout.strip() if proc.returncode == 0 else proc.stderr.strip()


@pytest.fixture(scope="session")
def as_nobody() -> Iterator[Nobody]:
    """Run Python as nobody (uid 65534). Root writes through any mode bits, so tests
    of refused writes drop privileges; nobody must then be able to read the interpreter,
    the packages and this kmeans_anim. When the checkout or the virtualenv is private
    (say, cloned inside a mode-700 folder) the packages are mirrored, by hard links
    where the file system allows and copies elsewhere, into a folder nobody can read."""
    if os.geteuid() != 0:
        yield Nobody([], sys.executable, None, os.geteuid())
        return
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot run as an unprivileged user")
    prefix = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    ours = str(Path(inspect.getfile(kmeans_anim)).resolve())
    base = Path(tempfile.mkdtemp(prefix="kmeans-anim-nobody-"))
    try:
        base.chmod(0o755)
        home = base / "home"
        home.mkdir(mode=0o777)
        home.chmod(0o777)
        if _imports_as(prefix, sys.executable, None, home) == ours:
            yield Nobody(prefix, sys.executable, None, NOBODY)
            return
        site = base / "site"
        site.mkdir()
        for folder in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}:
            for entry in Path(folder).iterdir():
                if entry.suffix != ".pth" and not entry.name.startswith("kmeans_anim"):
                    _mirror(entry, site / entry.name)
        _mirror(Path(ours).parent, site / "kmeans_anim")
        python = getattr(sys, "_base_executable", sys.executable)
        got = _imports_as(prefix, python, str(site), home)
        if got != str(site / "kmeans_anim" / "__init__.py"):
            pytest.skip(
                f"user nobody cannot run {python} with a readable copy of the packages: {got}"
            )
        yield Nobody(prefix, python, str(site), NOBODY)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _mirror(src: Path, dst: Path) -> None:
    """``src`` at ``dst``, by hard links (cheap), or copies across file systems."""
    if dst.exists():
        return
    try:
        if src.is_dir():
            shutil.copytree(src, dst, copy_function=os.link, symlinks=True)
        else:
            os.link(src, dst)
    except OSError:
        shutil.rmtree(dst, ignore_errors=True)
        if src.is_dir():
            shutil.copytree(src, dst, symlinks=True)
        else:
            shutil.copy2(src, dst)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long tests (slow, display) first: with ``-n 2`` pytest-xdist hands tests out
    in this order, and a long test started last would leave one core idle while it runs."""

    def short(item: pytest.Item) -> bool:
        return not any(item.get_closest_marker(m) for m in ("slow", "display"))

    items.sort(key=short)
