"""Frame stepping without a display: frame i on demand, where each K-means state's
frames start, and a new run of the same recipe in the same axes."""

from __future__ import annotations

import numpy as np
import pytest

from kmeans_anim import animate, make_blobs
from kmeans_anim.timeline import Trace, state_frames
from kmeans_anim.window import FrameList


def anim_of(k=3, **kw):
    points, _ = make_blobs(3, 20, 2, seed=2)
    opts = {"seed": 4, "init": "random", "hold": 0.5, "figsize": (2, 1.5)}
    return animate(points, k, **{**opts, **kw})


def same(a, b) -> bool:
    return (a.caption, a.iteration, a.heading) == (b.caption, b.iteration, b.heading) and (
        np.array_equal(a.centroids, b.centroids)
    )


@pytest.mark.parametrize("steps", ["iteration", "split"])
@pytest.mark.parametrize("tween", [0, 3])
def test_state_frames_are_where_each_state_first_shows(steps, tween):
    anim = anim_of(steps=steps, tween=tween)
    frames = list(anim.frames())
    starts = state_frames(len(anim.trace), steps, tween)
    assert len(starts) == len(anim.trace)
    for i, at in enumerate(starts):
        f = frames[at]
        assert f.iteration == f.heading == i
        np.testing.assert_array_equal(f.centroids, anim.trace.centroids[i])
        # the frame before is another state's or an in-between one
        if at:
            assert not np.array_equal(frames[at - 1].centroids, f.centroids) or (
                frames[at - 1].iteration != i
            )


@pytest.mark.parametrize("kept", [True, False], ids=["states-kept", "replayed"])
def test_frame_list_gives_any_frame_in_any_order(kept, monkeypatch):
    anim = anim_of(steps="split", tween=2)
    if not kept:  # as for a run too big to keep: frames replay K-means
        states = anim.trace.states
        monkeypatch.setattr(anim, "trace", Trace(**{**vars(anim.trace), "states": None}))
        assert states is not None
    frames = list(anim.frames())
    got = FrameList(anim)
    assert len(got) == len(frames) == anim.frame_count()
    for i in (5, 2, len(frames) - 1, 0, 3, 3):
        assert same(got[i], frames[i]), i
    with pytest.raises(IndexError):
        got[len(frames)]


def test_remake_draws_a_new_run_in_the_same_axes():
    anim = anim_of()
    ax = anim.scene.ax
    new = anim.remake(99, k=4)
    assert new.scene.ax is ax and new.figure is anim.figure
    assert new.seed == 99 and new.trace.centroids.shape[1] == 4
    # the old run's artists are gone: as many as a fresh k = 4 figure has
    fresh4 = anim_of(4, seed=99)
    assert len(ax.get_children()) == len(fresh4.scene.ax.get_children())
    assert len(ax.get_children()) > len(anim_of().scene.ax.get_children())
    np.testing.assert_array_equal(fresh4.trace.centroids, new.trace.centroids)
    fresh3 = anim_of(3, seed=99)
    np.testing.assert_array_equal(anim.remake(99, k=3).trace.centroids, fresh3.trace.centroids)


def test_remake_refuses_more_clusters_than_points():
    anim = anim_of()
    with pytest.raises(ValueError, match=r"n_samples=60 should be >= k=61"):
        anim.remake(1, k=61)


def test_click_init_needs_a_1d_or_2d_view_and_refuses_saves(tmp_path):
    points, _ = make_blobs(3, 10, 3, seed=0)
    with pytest.raises(ValueError, match=r"init='click' places centroids on a 1-D or 2-D"):
        animate(points, 3, init="click")
    anim = anim_of(init="click")
    assert anim.clicks == 3
    with pytest.raises(ValueError, match=r"init='click' places the centroids by clicking"):
        anim.save(tmp_path / "a.mp4")
    assert list(tmp_path.iterdir()) == []
    placed = anim.remake(anim.seed, init=np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5]]))
    assert placed.clicks == 0
    np.testing.assert_array_equal(placed.trace.centroids[0], [[0, 0], [1, 1], [2, 0.5]])


def test_name_must_be_a_string():
    with pytest.raises(TypeError, match=r"name must be a str or None; got name=3"):
        anim_of(name=3)
