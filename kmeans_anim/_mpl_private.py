"""The private matplotlib names kmeans-anim relies on, listed in one place.

matplotlib has no public way to swap an animation's frame sequence for a save at
another frame rate, to restart the live timer, to silence its "deleted without
rendering" warning, or to run ffmpeg with stderr to a file. These are the attributes
that do it. ``tests/animation/test_mpl_private.py`` checks that each still exists in
the installed matplotlib, so an upgrade that drops one fails there, by name, and not
in the middle of a save.
"""

from __future__ import annotations

__all__ = ["ANIMATION", "CBOOK", "MOVIE_WRITER"]

#: Attributes of a ``matplotlib.animation.FuncAnimation`` (set by its constructor, or
#: by ``to_jshtml`` for ``_html_representation``).
ANIMATION = (
    "_fig",  # the figure (only FuncAnimation's constructor takes it)
    "_draw_was_started",  # set: no "deleted without rendering" warning
    "_iter_gen",  # the frame sequence, swapped for another fps in to_jshtml
    "_save_count",  # its length
    "_interval",  # the live timer's interval
    "_step",  # the timer callback
    "_start",  # the first-draw callback
    "_stop",  # the close callback
    "_first_draw_id",  # their connection ids, renewed for a second show()
    "_close_id",
    "_blit",  # blitting in the live window
    "_setup_blit",
    "_html_representation",  # to_jshtml's cached page
)

#: Attributes of ``matplotlib.animation.MovieWriter`` that ``writers.FrameWriter``
#: overrides or reads.
MOVIE_WRITER = ("_args", "_run", "_proc")

#: Functions of ``matplotlib.cbook``.
CBOOK = ("_setattr_cm",)
