"""Every private matplotlib name kmeans-anim relies on still exists in the installed
matplotlib (the list is in ``_mpl_private.py``)."""

from __future__ import annotations

import inspect

import matplotlib.animation as manimation
import pytest
from matplotlib import cbook
from matplotlib.figure import Figure

from kmeans_anim import _mpl_private


@pytest.fixture(scope="module")
def played() -> manimation.FuncAnimation:
    """A FuncAnimation as matplotlib makes it, after a notebook page was made of it."""
    fig = Figure(figsize=(1, 1), dpi=20)
    (line,) = fig.add_subplot().plot([], [])
    anim = manimation.FuncAnimation(
        fig, lambda i: [line], frames=2, init_func=lambda: [line], blit=True
    )
    anim.to_jshtml()
    return anim


@pytest.mark.parametrize("name", _mpl_private.ANIMATION)
def test_funcanimation_has(played, name):
    assert hasattr(played, name), f"FuncAnimation has no {name}"


@pytest.mark.parametrize("name", _mpl_private.MOVIE_WRITER)
def test_movie_writer_has(name):
    # _proc is made by _run: look for it in _run's source
    has = hasattr(manimation.MovieWriter, name) or f"self.{name} =" in inspect.getsource(
        manimation.MovieWriter._run
    )
    assert has, f"MovieWriter has no {name}"


@pytest.mark.parametrize("name", _mpl_private.CBOOK)
def test_cbook_has(name):
    assert callable(getattr(cbook, name, None)), f"matplotlib.cbook has no {name}"
