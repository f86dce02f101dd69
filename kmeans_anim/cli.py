"""The ``kmeans-anim`` command (placeholder until the animation lands)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit code."""
    print("kmeans-anim: not yet: the animation is coming with the animation issue.",
          file=sys.stderr)
    return 1
