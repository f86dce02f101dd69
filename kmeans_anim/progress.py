"""A one-line progress bar on stderr, without a dependency."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")

#: The widest bar, in characters; a narrow terminal gets a shorter one.
WIDTH = 30
#: Seconds between two redraws: a fast save would otherwise spend its time printing.
REDRAW = 0.1


def terminal_width(stream: TextIO) -> int:
    """The columns of the terminal ``stream`` writes to (80 when it cannot tell)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return 80


def _where(stream: TextIO | None, enabled: bool | None) -> tuple[TextIO, bool]:
    """The stream to draw on (default stderr), and whether to draw (None: only on a
    terminal)."""
    stream = sys.stderr if stream is None else stream
    if enabled is None:
        enabled = bool(getattr(stream, "isatty", lambda: False)())
    return stream, enabled


def progress(
    items: Iterable[T],
    total: int,
    label: str,
    enabled: bool | None = None,
    stream: TextIO | None = None,
    width: int | None = None,
) -> Iterator[T]:
    """Yield ``items``, drawing ``label ▕████░░░░▏ 30% 12/40 0:04 left`` on ``stream``
    (at the end, the time it took: ``100% 40/40 0:06 in all``).

    The line never wraps: it is cut to the terminal's width (``width`` columns when
    given), the bar shrinking first, then the label going. ``enabled=None`` draws only
    when the stream is a terminal. The line is ended when the items end or fail, so
    what is printed next starts on a line of its own.
    """
    stream, enabled = _where(stream, enabled)
    if not enabled:
        yield from items
        return
    columns = terminal_width(stream) if width is None else width
    start = last = time.monotonic()
    done = 0
    try:
        for item in items:
            yield item
            done += 1
            now = time.monotonic()
            if now - last >= REDRAW or done == total:
                last = now
                stream.write("\r" + bar_line(label, done, total, now - start, columns - 1))
                stream.flush()
    finally:
        stream.write("\n")
        stream.flush()


def bar_line(label: str, done: int, total: int, elapsed: float, room: int) -> str:
    """The bar's text in at most ``room`` characters, padded to erase a longer one."""
    share = min(done / max(total, 1), 1.0)
    if done >= total:  # finished: how long it took
        when = f"{_clock(elapsed)} in all"
    else:
        when = f"{_clock(elapsed / done * (total - done) if done else 0.0)} left"
    counts = f" {100 * share:3.0f}% {done}/{total} {when}"
    bar_room = min(WIDTH, room - len(label) - len(counts) - 3)
    if bar_room < 5:  # no room for a bar beside the label: the label goes
        label, bar_room = "", min(WIDTH, room - len(counts) - 2)
    if bar_room < 5:
        return counts.strip()[:room].ljust(room)
    filled = round(bar_room * share)
    bar = "█" * filled + "░" * (bar_room - filled)
    text = f"{label}{' ' if label else ''}▕{bar}▏{counts}"
    return text[:room].ljust(room)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


#: Seconds a step of unknown length runs before :func:`counting` and :func:`status`
#: say anything: a quick one prints nothing.
SHOW_AFTER = 0.5


def counting(
    items: Iterable[T],
    label: str,
    what: str,
    enabled: bool | None = None,
    stream: TextIO | None = None,
    width: int | None = None,
) -> Iterator[T]:
    """Yield ``items``, counting them on ``stream`` when there is no knowing how many
    will come (a K-means run): ``k-means: 12 iterations 0:03``, and at the end ``k-means:
    25 iterations in 0:04``. Nothing is drawn in the first :data:`SHOW_AFTER` seconds,
    nor when ``enabled`` is False (None: only on a terminal); the line never wraps."""
    stream, enabled = _where(stream, enabled)
    if not enabled:
        yield from items
        return
    room = (terminal_width(stream) if width is None else width) - 1
    start = last = time.monotonic()
    done, drawn = 0, False

    def draw(text: str) -> None:
        stream.write("\r" + text[:room].ljust(room))
        stream.flush()

    try:
        for item in items:
            yield item
            done += 1
            now = time.monotonic()
            if now - start >= SHOW_AFTER and now - last >= REDRAW:
                last, drawn = now, True
                draw(f"{label}: {done} {what}s {_clock(now - start)}")
        if drawn:
            took = _clock(time.monotonic() - start)
            draw(f"{label}: {done} {what}{'s' if done != 1 else ''} in {took}")
    finally:
        if drawn:
            stream.write("\n")
            stream.flush()


@contextlib.contextmanager
def status(
    label: str, enabled: bool | None = None, stream: TextIO | None = None
) -> Iterator[None]:
    """Say ``label`` on ``stream`` while a step of unknown length runs (reading a large
    file), and how long it took when it ends: ``reading big.csv (95 MB) … 0:02``. None
    draws only on a terminal."""
    stream, enabled = _where(stream, enabled)
    if not enabled:
        yield
        return
    room = terminal_width(stream) - 1
    stream.write(f"{label} …"[:room])
    stream.flush()
    start = time.monotonic()
    try:
        yield
        stream.write("\r" + f"{label} … {_clock(time.monotonic() - start)}"[:room].ljust(room))
    finally:
        stream.write("\n")
        stream.flush()
