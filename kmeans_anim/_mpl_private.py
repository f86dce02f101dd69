"""The private matplotlib names kmeans-anim relies on, listed in one place.

matplotlib has no public way to swap an animation's frame sequence for a save at
another frame rate, to unhook its own live timer, to silence its "deleted without
rendering" warning, or to run ffmpeg with stderr to a file. These are the attributes
that do it. ``tests/animation/test_mpl_private.py`` checks that each still exists in
the installed matplotlib, so an upgrade that drops one fails there, by name, and not
in the middle of a save.
"""

from __future__ import annotations

__all__ = ["ANIMATION", "CBOOK", "MOVIE_WRITER"]

#: Attributes of a ``matplotlib.animation.FuncAnimation`` (set by its constructor).
ANIMATION = (
    "_fig",  # the figure (only FuncAnimation's constructor takes it)
    "_draw_was_started",  # set: no "deleted without rendering" warning
    "_iter_gen",  # the frame sequence, swapped for another fps in .html saves
    "_save_count",  # its length
    "_repeat",  # loop=: the live window and the players start again
    "_first_draw_id",  # the start-on-first-draw and stop-on-close hooks, which the
    "_close_id",  # live window disconnects: it plays the frames itself
)

#: Attributes of ``matplotlib.animation.MovieWriter`` that ``writers.FrameWriter``
#: overrides or reads.
MOVIE_WRITER = ("_args", "_run", "_proc")

#: Functions of ``matplotlib.cbook``.
CBOOK = ("_setattr_cm",)
