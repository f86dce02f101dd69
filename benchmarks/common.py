"""What every benchmark section shares: the frame size, the report's number format,
the log, and where the benchmarks live. Importing it puts the repository on the path
and matplotlib on its Agg backend (no display)."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import TypeVar

import numpy as np

T = TypeVar("T")
HERE = Path(__file__).resolve().parent
#: The entry point: children of the memory, load and dask sections run it again.
RUN = HERE / "run.py"
sys.path.insert(0, str(HERE.parent))

import matplotlib  # noqa: E402

matplotlib.use("Agg")

WIDTH, HEIGHT, DPI = 640, 480, 100.0
FIGSIZE = (WIDTH / DPI, HEIGHT / DPI)


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def median(xs: list[float]) -> float:
    return float(statistics.median(xs))


def fmt(x: float | None, digits: int = 1) -> str:
    if x is None or not np.isfinite(x):
        return "n/a"
    return f"{x:,.{digits}f}"


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def vm_status(key: str) -> int:
    """A figure (kB) of this process's ``/proc/self/status``, e.g. ``VmHWM``; -1 if absent."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return -1


def in_turn(methods: list[T], rep: int) -> list[T]:
    """The methods compared in one process, in the order of round ``rep``: reversed
    every other round, so that none always runs first after the others' large frees
    (the first pays for fresh pages: 15-20 ms of a 60-80 ms 50-D seeding).

    Only for figures of one run each. A marginal cost (a long run minus a short one,
    the core and density rows) keeps a fixed order instead, so that both of its runs
    follow the same method: reversed rounds made the 1-D core's marginal swing by
    +-28 ms a round, past the 10 ms it measures."""
    return methods if rep % 2 == 0 else methods[::-1]
