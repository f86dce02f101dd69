"""A one-line progress bar on stderr, without a dependency."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")

WIDTH = 30


def progress(
    items: Iterable[T],
    total: int,
    label: str,
    enabled: bool | None = None,
    stream: TextIO | None = None,
) -> Iterator[T]:
    """Yield ``items``, drawing ``label ▕████░░░░▏ 12/40`` on ``stream`` as they pass.

    ``enabled=None`` draws only when the stream is a terminal.
    """
    stream = sys.stderr if stream is None else stream
    if enabled is None:
        enabled = bool(getattr(stream, "isatty", lambda: False)())
    if not enabled:
        yield from items
        return
    done = 0
    try:
        for item in items:
            yield item
            done += 1
            filled = min(WIDTH, WIDTH * done // max(total, 1))
            bar = "█" * filled + "░" * (WIDTH - filled)
            stream.write(f"\r{label} ▕{bar}▏ {done}/{total}")
            stream.flush()
    finally:  # end the bar's line, also when the save fails midway
        stream.write("\n")
        stream.flush()
