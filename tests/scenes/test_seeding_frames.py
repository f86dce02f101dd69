"""Seeding frames and the 1-D optimum as the animation shows them."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from kmeans_anim import animate, lloyd, make_blobs, optimum_1d
from kmeans_anim._checks import INITS
from kmeans_anim.core.optimum import MAX_CELLS
from kmeans_anim.scenes.optimum import versus_optimum
from kmeans_anim.scenes.seeding import LEVELS
from kmeans_anim.timeline import Seeding

matplotlib.use("Agg")


def data(d: int, seed: int = 0, n: int = 30) -> np.ndarray:
    x, _ = make_blobs(3, n, d, std=0.4, seed=seed)
    return np.asarray(x, float) * (10.0 if d > 1 else 1.0) + 3.0


def seed_frames(anim, k: int):
    frames = list(anim.frames())
    assert len(frames) == anim.frame_count()
    seeds, rest = frames[:k], frames[k:]
    assert all(f.seed is not None for f in seeds) and all(f.seed is None for f in rest)
    return seeds


@pytest.mark.parametrize("standardize", [False, True])
@pytest.mark.parametrize("init", INITS)
@pytest.mark.parametrize("d", [1, 2, 5])
def test_seeding_frames_pick_the_first_states_centroids(init, standardize, d):
    for seed in (0, 5):
        x = data(d, seed)
        anim = animate(x, 3, init=init, seed=seed, standardize=standardize, seeding=True)
        first = next(lloyd(x, 3, init=init, seed=seed, standardize=standardize))
        for j, f in enumerate(seed_frames(anim, 3)):
            assert f.caption == f"seed {j + 1} / 3 · {init}"
            assert f.colours is None
            np.testing.assert_allclose(x.reshape(len(x), -1)[f.seed.index], first.centroids[j])
            np.testing.assert_allclose(f.centroids, first.centroids[: j + 1])


@pytest.mark.parametrize("standardize", [False, True])
def test_seeding_frames_show_d2_probabilities_of_the_data_clustered(standardize):
    x = data(2, 3)
    anim = animate(x, 4, seed=3, standardize=standardize, seeding=True)
    z = (x - x.mean(axis=0)) / x.std(axis=0) if standardize else x  # what K-means sees
    chosen = []
    for f in seed_frames(anim, 4):
        p = f.seed.probabilities
        if chosen:
            d2 = np.min([((z - z[c]) ** 2).sum(axis=1) for c in chosen], axis=0)
            np.testing.assert_allclose(p, d2 / d2.sum(), rtol=1e-9, atol=1e-15)
        else:
            np.testing.assert_allclose(p, 1 / len(x))
        chosen.append(f.seed.index)


def test_seeding_layer_draws_what_the_frame_says():
    x = data(2, 1)
    anim = animate(x, 3, seed=1, seeding=True)
    frame = seed_frames(anim, 3)[2]
    anim.scene.update(frame)
    layer = anim.scene.seeding
    p = frame.seed.probabilities
    drawn = [np.column_stack(d.get_data()) for d in layer.discs]
    assert sum(len(d) for d in drawn) == np.count_nonzero(p)
    top = drawn[-1]  # the largest discs: within the top level of probability
    assert len(top) and np.all(
        p[[int(np.flatnonzero((x == t).all(1))[0]) for t in top]] > (LEVELS - 1) / LEVELS * p.max()
    )
    assert np.allclose(layer.discs[0].get_color(), anim.scene.centroids.lines[2].get_color())
    np.testing.assert_allclose(np.column_stack(layer.tried.get_data()), x[frame.seed.candidates])
    np.testing.assert_allclose(np.column_stack(layer.kept.get_data()), x[[frame.seed.index]])
    # the run's own frames draw none of it
    anim.scene.update(list(anim.frames())[3])
    assert all(len(d.get_data()[0]) == 0 for d in [*layer.discs, *layer.over])


def test_farthest_frames_draw_the_distance_maximised():
    x = data(2, 2)
    anim = animate(x, 3, seed=2, init="farthest", seeding=True)
    for j, f in enumerate(seed_frames(anim, 3)[1:], start=1):
        anim.scene.update(f)
        ends = np.column_stack(anim.scene.seeding.reach.get_data())
        np.testing.assert_allclose(ends, f.centroids[[j, f.seed.nearest]])


@pytest.mark.parametrize(
    "options",
    [
        {"steps": "split"},
        {"tween": 3},
        {"regions": True, "trails": True},
        {"objective": True, "steps": "split", "tween": 1},
    ],
)
@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_seeding_frames_are_counted_in_every_view(d, options):
    if d == 3 and options.get("regions"):
        options = {**options, "projection": "pca"}
    anim = animate(data(d), 3, seed=0, seeding=True, fps=4, hold=0.5, **options)
    frames = list(anim.frames())
    assert len(frames) == anim.frame_count() == anim.frame_count(4)
    for f in frames[:4]:  # every layer takes the seeding frames
        anim.scene.update(f)


def test_seeding_replayed_when_too_large_to_keep_gives_the_same_picks():
    x = data(2)
    anim = animate(x, 3, seed=4, seeding=True)
    steps = anim._seeding.steps
    again = Seeding.of(steps, "k-means++", 3, len(x), keep_bytes=0)
    assert again.steps is steps  # not kept: made again each time
    first = [s.index for s in again.steps()]
    assert first == [s.index for s in again.steps()] == [s.index for s in steps()]


def test_versus_optimum_caption():
    assert versus_optimum(41.2, 38.9) == "inertia 41.2 · optimum 38.9 (+5.9%)"
    assert versus_optimum(38.9, 38.9) == "inertia 38.9 · optimal"
    assert versus_optimum(0.0, 0.0) == "inertia 0 · optimal"


@pytest.mark.parametrize("standardize", [False, True])
def test_optimum_caption_compares_in_the_states_units(standardize):
    x, _ = make_blobs(4, 25, 1, (-2, 2), 0.2, seed=7)
    x = 50 * x + 1000  # the units matter once standardised
    anim = animate(x, 4, init="random", seed=7, optimum=True, standardize=standardize)
    last = list(anim.frames())[-1]
    anim.scene.update(last)
    text = anim.scene.caption.text.get_text()
    best = optimum_1d(x, 4)[2] / (np.var(x) if standardize else 1.0)
    inertia = anim.trace.inertia[-1]
    assert text == f"i = {len(anim.trace) - 1} · converged · " + versus_optimum(inertia, best)
    assert "(+74.2%)" in text  # the same lesson in either unit


def test_seeding_and_optimum_refuse_what_they_cannot_draw():
    with pytest.raises(ValueError, match=r"optimum=True applies to 1-D data only; .* d=2"):
        animate(data(2), 3, optimum=True)
    with pytest.raises(
        ValueError, match=r"seeding=True draws each point's sampling .* render='points'"
    ):
        animate(data(2), 3, seeding=True, render="density")
    n = MAX_CELLS // 2 + 1  # refused before any K-means work
    with pytest.raises(ValueError, match=rf"k=2 times n={n} is .* cells; at most"):
        animate(np.arange(n, dtype=float), 2, optimum=True)
    with pytest.raises(TypeError, match=r"seeding must be True or False; got seeding='yes'"):
        animate(data(2), 3, seeding="yes")
