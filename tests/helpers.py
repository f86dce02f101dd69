"""Plain helpers shared by the tests (fixtures are in ``conftest.py``): decode what a
save really wrote, look for colours, brute-force K-means answers, list a folder, and
start child processes that behave wherever the suite runs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import imageio_ffmpeg
import numpy as np
from numpy.typing import NDArray

__all__ = [
    "REPO",
    "CliResult",
    "child_env",
    "clean_env",
    "decode",
    "listing",
    "n_distinct",
    "nearest",
    "palette_present",
    "restore_sigint",
    "run_cli_process",
    "run_main",
    "run_python",
    "sq_dists",
    "to_uint8",
    "xvfb_display",
]

#: The checkout the tests run from.
REPO = Path(__file__).resolve().parents[1]

#: Variables a child must not inherit: a display (the suite may run under Xvfb), a
#: backend, pytest's options, and warning filters.
_UNINHERITED = ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND", "PYTEST_ADDOPTS", "PYTHONWARNINGS")


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child process: this one's without :data:`_UNINHERITED`,
    matplotlib's Agg backend, then ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in _UNINHERITED}
    env["MPLBACKEND"] = "Agg"
    env.update(extra)
    return env


def restore_sigint() -> None:
    """``preexec_fn`` for a child that must react to SIGINT: a parent run as a
    background job ignores SIGINT, and children would inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_child(
    argv: Sequence[str],
    cwd: str | os.PathLike[str],
    env: dict[str, str] | None,
    timeout: float,
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` to its end, output captured as text, with Python's SIGINT handling
    restored in the child and ``child_env()`` unless ``env`` is given."""
    return subprocess.run(
        argv,
        cwd=cwd,
        env=child_env() if env is None else env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=restore_sigint,
    )


def run_python(
    code: str,
    cwd: str | os.PathLike[str],
    *,
    env: dict[str, str] | None = None,
    prefix: Sequence[str] = (),
    python: str = sys.executable,
    args: Sequence[str] = (),
    timeout: float = 120.0,
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` (dedented) in a fresh interpreter with ``args`` as its arguments,
    output captured as text."""
    return run_child([*prefix, python, "-c", textwrap.dedent(code), *args], cwd, env, timeout)


#: The two real entry points of the command line.
COMMANDS = {
    "module": [sys.executable, "-m", "kmeans_anim"],
    "script": [str(Path(sys.executable).parent / "kmeans-anim")],
}


def run_cli_process(
    *args: str | os.PathLike[str],
    cwd: str | os.PathLike[str],
    how: str = "module",
    env: dict[str, str] | None = None,
    prefix: Sequence[str] = (),
    timeout: float = 120.0,
) -> subprocess.CompletedProcess[str]:
    """Run the real ``kmeans-anim`` (``how``: ``python -m`` or the installed script)."""
    return run_child([*prefix, *COMMANDS[how], *map(str, args)], cwd, env, timeout)


@dataclass(frozen=True)
class CliResult:
    """What one in-process run of ``kmeans-anim`` did."""

    code: int
    out: str
    err: str


def run_main(argv: list[str]) -> CliResult:
    """The command line's ``main(argv)`` in this process, its output captured."""
    from kmeans_anim.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # --help and --version exit through argparse
            code = int(exc.code or 0)
    return CliResult(code, out.getvalue(), err.getvalue())


def listing(folder: Path) -> set[str]:
    """Every file and folder under ``folder``, hidden ones too, as relative paths."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def as2d(points: Any) -> NDArray[np.float64]:
    x = np.asarray(points, dtype=np.float64)
    return x[:, None] if x.ndim == 1 else x


def n_distinct(points: Any) -> int:
    """Number of distinct points (rows)."""
    return len(np.unique(as2d(points), axis=0))


def sq_dists(x: NDArray[np.float64], c: NDArray[np.float64]) -> NDArray[np.float64]:
    """Brute-force squared distances, shape (n, k), summed as ``((x - c) ** 2).sum(-1)``."""
    return ((x[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)


def nearest(x: NDArray[np.float64], c: NDArray[np.float64]) -> NDArray[np.intp]:
    """Nearest centroid of each point by brute force, the first index among exact ties."""
    return np.argmin(sq_dists(x, c), axis=1)


def decode(path: str | os.PathLike[str]) -> tuple[dict[str, Any], list[NDArray[np.uint8]]]:
    """Decode a saved video with imageio-ffmpeg's ffmpeg.

    Returns the metadata dict of ``imageio_ffmpeg.read_frames`` (codec, pix_fmt, fps,
    size=(width, height), ...) and every frame as an (H, W, 3) uint8 array.
    """
    # passthrough: one output frame per decoded frame; the default (constant rate at
    # the guessed input rate) can duplicate the frames of a short GIF many times over.
    gen = imageio_ffmpeg.read_frames(
        str(path), pix_fmt="rgb24", output_params=["-fps_mode", "passthrough"]
    )
    proc = None
    try:
        meta = next(gen)
        # read_frames leaves ffmpeg's stdin/stdout pipes open when ffmpeg has already
        # exited at the end (a ResourceWarning, an error under filterwarnings=error):
        # keep hold of the process to close them ourselves.
        if gen.gi_frame is not None:
            proc = gen.gi_frame.f_locals.get("process")
        w, h = meta["size"]
        out = [np.frombuffer(raw, dtype=np.uint8).reshape(h, w, 3).copy() for raw in gen]
    finally:
        gen.close()
        if proc is not None:
            for pipe in (proc.stdin, proc.stdout):
                if pipe is not None and not pipe.closed:
                    pipe.close()
            proc.wait()
    return meta, out


def to_uint8(rgb: Sequence[float]) -> NDArray[np.int16]:
    """A colour with components in [0, 1] (as ``hsv_palette`` gives) as 0-255 integers."""
    return np.round(np.asarray(rgb, dtype=np.float64) * 255).astype(np.int16)


def palette_present(frame: NDArray[np.uint8], rgb: Sequence[float], tol: int = 40) -> bool:
    """Whether some pixel of ``frame`` is within ``tol`` (per channel) of the colour ``rgb``
    (components in [0, 1]). Lossy codecs shift colours a little; ``tol`` allows for it."""
    diff = np.abs(frame.astype(np.int16) - to_uint8(rgb))
    return bool((diff.max(axis=-1) <= tol).any())


def clean_env() -> dict[str, str]:
    """A child's environment without a display or a backend, warnings as errors."""
    env = child_env(PYTHONWARNINGS="error")
    del env["MPLBACKEND"]  # matplotlib picks its backend itself
    return env


@contextlib.contextmanager
def xvfb_display() -> Iterator[dict[str, str]]:
    """A fresh Xvfb server: the environment of a child that opens windows on it (TkAgg)."""
    xvfb = shutil.which("Xvfb")
    assert xvfb is not None, "Xvfb is not installed: `apt-get install -y xvfb` (make test does)"
    r, w = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(w), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
        pass_fds=(w,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(w)
    try:
        with os.fdopen(r) as fd:
            number = fd.readline().strip()
        assert number.isdigit(), "Xvfb did not start"
        env = clean_env()
        env.update(DISPLAY=f":{number}", MPLBACKEND="TkAgg")
        yield env
    finally:
        server.terminate()
        server.wait(timeout=10)


# --------------------------------------------------------------------------- processes


def _stat(pid: str) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])


def children(pid: int) -> dict[int, str]:
    """Direct children of ``pid`` (zombies included) and their state."""
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(entry)
            if st is not None and st[1] == pid:
                out[int(entry)] = st[0]
    return out


def processes_mentioning(marker: str) -> list[int]:
    """Processes whose command line contains ``marker`` (a test's private folder: ffmpeg
    gets the temporary output path there as an argument)."""
    found = []
    needle = marker.encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if needle in cmd:
            found.append(int(entry))
    return found


def wait_gone(marker: str, timeout: float = 5.0) -> list[int]:
    """Processes mentioning ``marker`` still there after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while (left := processes_mentioning(marker)) and time.monotonic() < end:
        time.sleep(0.05)
    return left


# --------------------------------------------------------------------------- beyond the checks


def run_beyond_checks(x: NDArray[np.float64], k: int, init: Any = "k-means++", **kw: Any):
    """The run ``plan`` would make for ``x`` if it accepted it: for the kernels' own
    handling of data the public functions refuse (squares that overflow float64). It is
    planned on ``x`` scaled into range, then given ``x`` (and ``init``) as they are."""
    from kmeans_anim.core import plan

    scale = float(np.abs(x).max())
    planned = plan(x / scale, k, init=init if isinstance(init, str) else init / scale, **kw)
    return dataclasses.replace(planned, x=x, init=init)
