"""``sweep()``: each k in turn beside its elbow and silhouette; the scores against
separate runs and scikit-learn, the knee rule, the frames and what was saved."""

from __future__ import annotations

import matplotlib.colors as mcolors
import numpy as np
import pytest
from helpers import decode, palette_present
from sklearn import datasets
from sklearn.metrics import silhouette_score as sk_silhouette
from sklearn.preprocessing import StandardScaler

from kmeans_anim import knee, lloyd, silhouette_score, sweep
from kmeans_anim.panels import BEST

# four round blobs at the corners of a square: an elbow at k = 4 by any rule
_RNG = np.random.default_rng(0)
BLOBS = np.concatenate(
    [_RNG.normal(c, 0.4, size=(40, 2)) for c in [(0, 0), (4, 0), (0, 4), (4, 4)]]
)


@pytest.fixture(scope="module")
def elbow():
    return sweep(BLOBS, range(1, 7), seed=2, hold=0.5, fps=2)


def test_each_k_scores_what_a_separate_run_reaches(elbow):
    assert [r.k for r in elbow.results] == list(range(1, 7))
    for r in elbow.results:
        *_, last = lloyd(BLOBS, r.k, seed=2)
        assert r.inertia == last.inertia
        np.testing.assert_array_equal(r.state.centroids, last.centroids)
        if r.k == 1:
            assert np.isnan(r.silhouette)
        else:
            assert r.silhouette == pytest.approx(sk_silhouette(BLOBS, last.labels), abs=1e-9)


def test_four_blobs_have_their_knee_and_best_silhouette_at_four(elbow):
    assert elbow.knee == 4
    assert max(elbow.results[1:], key=lambda r: r.silhouette).k == 4


def _data_sets():
    rng = np.random.default_rng(0)
    wine = StandardScaler().fit_transform(datasets.load_wine().data)
    cancer = datasets.load_breast_cancer().data
    return [
        ("wine z-scores", wine),
        ("breast cancer", cancer),
        ("1-D", rng.normal(size=(300, 1))),
        ("digits", datasets.load_digits().data[:800]),
    ]


@pytest.mark.parametrize(("name", "x"), _data_sets(), ids=[n for n, _ in _data_sets()])
def test_silhouette_equals_scikit_learn(name, x):
    for k in (2, 3, 7):
        *_, last = lloyd(x, k, seed=k)
        labels = last.labels.copy()
        labels[0] = k  # a cluster of one point too
        assert silhouette_score(x, labels) == pytest.approx(sk_silhouette(x, labels), abs=1e-9)


def test_silhouette_of_many_points_is_that_of_a_seeded_sample():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(1500, 3))
    labels = (x[:, 0] > 0).astype(int)
    got = silhouette_score(x, labels, sample=400, seed=5)
    keep = np.sort(np.random.default_rng(5).choice(1500, 400, replace=False))
    assert got == pytest.approx(sk_silhouette(x[keep], labels[keep]), abs=1e-9)
    assert got == silhouette_score(x, labels, sample=400, seed=5)
    assert got != silhouette_score(x, labels, sample=400, seed=6)


def test_silhouette_is_undefined_for_one_cluster_and_checks_its_labels():
    assert np.isnan(silhouette_score(BLOBS, np.zeros(len(BLOBS), dtype=int)))
    with pytest.raises(ValueError, match="labels must be 160 integers"):
        silhouette_score(BLOBS, np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match="sample=1"):
        silhouette_score(BLOBS, np.zeros(len(BLOBS), dtype=int), sample=1)


def test_knee_of_a_hand_made_elbow():
    assert knee([1, 2, 3, 4, 5, 6], [100, 40, 10, 8, 7, 6]) == 3
    assert knee([2, 3, 4, 5], [50, 12, 10, 9]) == 3
    assert knee([1, 2, 3, 4], [4, 3, 2, 1]) is None  # a straight line has no knee
    assert knee([1, 2, 3], [10, 9.9, 1]) is None  # concave: no point below the chord
    assert knee([1, 2], [10, 1]) is None


def test_frames_play_every_k_in_turn(elbow):
    seq = list(elbow.frames())
    assert len(seq) == elbow.frame_count()
    expected = sum(len(lane.trace) + 1 for lane in elbow.lanes)  # + hold 0.5 s at 2 fps
    assert len(seq) == expected
    assert [s.index for s in seq] == sorted(s.index for s in seq)
    assert seq[0].frame.caption.startswith("k = 1 · i = 0")
    assert seq[-1].frame.caption == f"k = 6 · i = {len(elbow.lanes[-1].trace) - 1} · converged"


def test_final_only_shows_one_frame_and_the_hold_per_k():
    anim = sweep(BLOBS, [2, 3, 5], runs="final", seed=0, hold=1, fps=2)
    seq = list(anim.frames())
    assert len(seq) == anim.frame_count() == 3 * (1 + 2)
    assert all("converged" in s.frame.caption for s in seq)


def test_saved_sweep_marks_the_knee_through_the_final_hold_only(elbow, tmp_path):
    _, frames = decode(elbow.save(tmp_path / "k.mp4"))
    assert len(frames) == elbow.frame_count()
    gold = mcolors.to_rgb(BEST)
    held = 2  # the last frame and its hold: 0.5 s at 2 fps after it
    marked = [palette_present(f, gold, tol=30) for f in frames]
    assert marked == [False] * (len(frames) - held) + [True] * held


@pytest.mark.parametrize(
    ("ks", "error", "says"),
    [
        ([], ValueError, "ks has no values"),
        (range(1, 40), ValueError, "more than 32"),
        ([3, 2], ValueError, "ks must increase"),
        ([0, 1], ValueError, "ks=0"),
        ("1:8", TypeError, "ks must be a sequence"),
        ([1, 2.5], TypeError, "ks"),
        ([2, 500], ValueError, "k=500"),
    ],
)
def test_bad_ks_are_refused(ks, error, says):
    with pytest.raises(error) as info:
        sweep(BLOBS, ks)
    assert says in str(info.value)


def test_bad_runs_mode_is_refused():
    with pytest.raises(ValueError, match="runs='some'"):
        sweep(BLOBS, [2, 3], runs="some")
