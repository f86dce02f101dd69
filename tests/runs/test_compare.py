"""``compare()``: several runs side by side, frames in lockstep, the best one marked.
Every panel's run is checked against a separate ``lloyd`` run, and what was saved is
decoded."""

from __future__ import annotations

import matplotlib.colors as mcolors
import numpy as np
import pytest
from helpers import decode, palette_present

from kmeans_anim import cluster_colours, compare, lloyd, make_blobs
from kmeans_anim.panels import BEST

# four overlapping blobs: random starts fall into different local optima
POINTS, _ = make_blobs(6, 30, 2, (-2.0, 2.0), 0.5, seed=4)
K = 6
SEEDS = [0, 1, 2, 3]


def _final(**kw):
    *_, last = lloyd(POINTS, K, **kw)
    return last


@pytest.fixture(scope="module")
def restarts():
    return compare(POINTS, K, [{"seed": s} for s in SEEDS], init="random", hold=1, fps=2)


def test_each_panel_ends_where_a_separate_run_ends(restarts):
    for lane, seed in zip(restarts.lanes, SEEDS, strict=True):
        last = _final(init="random", seed=seed)
        np.testing.assert_array_equal(lane.trace.centroids[-1], last.centroids)
        assert lane.trace.inertia[-1] == last.inertia
        assert len(lane.trace) == last.iteration + 1
        assert lane.label == f"seed {seed}"


def test_runs_that_differ_by_init_share_the_common_seed():
    anim = compare(POINTS, K, [{"init": "random"}, {"init": "k-means++"}], seed=7)
    for lane, init in zip(anim.lanes, ["random", "k-means++"], strict=True):
        assert lane.seed == 7
        assert lane.label == f"init {init}"
        np.testing.assert_array_equal(
            lane.trace.centroids[-1], _final(init=init, seed=7).centroids
        )


def test_frames_advance_in_lockstep_for_as_long_as_the_longest_run(restarts):
    lengths = [_final(init="random", seed=s).iteration + 1 for s in SEEDS]
    assert len(set(lengths)) > 1, "the runs should differ in length"
    held = 2  # hold 1 s at 2 fps
    seq = list(restarts.frames())
    assert len(seq) == restarts.frame_count() == max(lengths) + held
    for r, n_states in enumerate(lengths):
        shown = [t.frames[r].iteration for t in seq]
        # each run plays its states in order, then holds its last one
        assert shown == list(range(n_states)) + [n_states - 1] * (len(seq) - n_states)
        assert "converged" in seq[-1].frames[r].caption
        assert f"inertia {restarts.lanes[r].trace.inertia[-1]:.4g}" in seq[-1].frames[r].caption
    assert [t.finished for t in seq] == [False] * (max(lengths) - 1) + [True] * (held + 1)


def test_the_best_panel_has_the_lowest_final_inertia(restarts):
    finals = [lane.trace.inertia[-1] for lane in restarts.lanes]
    assert len(set(finals)) > 1, "the runs should reach different optima"
    assert restarts.best == int(np.argmin(finals))


def _panel_crop(anim, frame, r):
    h, w = frame.shape[:2]
    box = anim.figure.axes[r].get_position()
    x0, x1 = int(box.x0 * w), int(box.x1 * w)
    y0, y1 = int((1 - box.y1) * h), int((1 - box.y0) * h)
    return frame[max(0, y0 - 4) : y1 + 4, max(0, x0 - 4) : x1 + 4]


def test_saved_video_marks_the_best_panel_only_at_the_end(restarts, tmp_path):
    out = restarts.save(tmp_path / "restarts.mp4", dpi=50)
    _, frames = decode(out)
    assert len(frames) == restarts.frame_count()
    gold = mcolors.to_rgb(BEST)
    for r in range(len(SEEDS)):
        first = _panel_crop(restarts, frames[0], r)
        last = _panel_crop(restarts, frames[-1], r)
        assert not palette_present(first, gold, tol=25)
        assert palette_present(last, gold, tol=25) == (r == restarts.best)
        for colour in cluster_colours("hsv", K):  # every panel draws in its palette
            assert palette_present(last, colour)


@pytest.mark.parametrize(
    "options",
    [
        {"regions": True, "trails": True},
        {"steps": "split", "tween": 2},
        {"render": "density"},
    ],
)
def test_view_options_apply_to_every_panel(options, tmp_path):
    anim = compare(POINTS, 3, [{"seed": 0}, {"seed": 5}], hold=0, **options)
    out = anim.save(tmp_path / "v.mp4", dpi=40)
    assert len(decode(out)[1]) == anim.frame_count() == len(list(anim.frames()))


def test_three_dimensional_and_one_dimensional_panels(tmp_path):
    p3, _ = make_blobs(3, 20, 3, seed=1)
    anim = compare(p3, 3, [{"seed": 0}, {"seed": 1}, {"seed": 2}], rotate=True, hold=0)
    assert len(decode(anim.save(tmp_path / "a.mp4", dpi=40))[1]) == anim.frame_count()
    p1, _ = make_blobs(3, 20, 1, seed=1)
    anim = compare(p1, 3, [{"seed": 0}, {"seed": 1}], jitter=True, hold=0)
    assert len(decode(anim.save(tmp_path / "b.mp4", dpi=40))[1]) == anim.frame_count()


@pytest.mark.parametrize(
    ("runs", "error", "says"),
    [
        ([], ValueError, "runs has 0 entries"),
        ([{"seed": s} for s in range(17)], ValueError, "runs has 17 entries"),
        ("seed=1", TypeError, "runs must be a list"),
        ({"seed": 1}, TypeError, "runs must be a list"),
        ([{"seed": 1}, 3], TypeError, "runs[1] must be a dict"),
        ([{"sed": 1}], ValueError, "runs[0] has 'sed'"),
        ([{"init": "bogus"}], ValueError, "runs[0]: init='bogus'"),
        ([{"seed": -1}], ValueError, "runs[0]: seed=-1"),
        ([{"max_iter": 0}], ValueError, "runs[0]: max_iter=0"),
    ],
)
def test_bad_runs_are_refused_naming_the_entry(runs, error, says):
    with pytest.raises(error) as info:
        compare(POINTS, K, runs)
    assert says in str(info.value)
