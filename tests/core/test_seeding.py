"""The seeding, pick by pick: what the frames show is what the run starts from."""

from __future__ import annotations

import numpy as np
import pytest

from kmeans_anim import lloyd
from kmeans_anim._checks import INITS, make_rng
from kmeans_anim.core import plan
from kmeans_anim.core.init import seeding_steps


def blobs(seed: int, n: int = 120, d: int = 2) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-5, 5, size=(4, d))
    x = centres[rng.integers(4, size=n)] + rng.normal(scale=0.6, size=(n, d))
    return x * np.array([1.0, 30.0][:d] + [1.0] * (d - 2))[:d]  # unequal scales


def brute_sq_dist(x: np.ndarray, rows: list[int]) -> np.ndarray:
    """Each point's squared distance to its nearest of ``rows``, one row at a time."""
    return np.min([((x - x[r]) ** 2).sum(axis=1) for r in rows], axis=0)


@pytest.mark.parametrize("seed", [0, 1, 7])
@pytest.mark.parametrize("d", [1, 2, 5])
def test_kmeanspp_probabilities_are_d2_over_the_sum(seed, d):
    x = blobs(seed, d=d)
    steps = list(plan(x, 5).seeding(make_rng(seed)))
    assert len(steps) == 5
    np.testing.assert_array_equal(steps[0].probabilities, np.full(len(x), 1 / len(x)))
    for c in range(1, 5):
        d2 = brute_sq_dist(x, [s.index for s in steps[:c]])
        np.testing.assert_allclose(steps[c].probabilities, d2 / d2.sum(), rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("seed", [0, 3])
def test_kmeanspp_keeps_the_candidate_that_lowers_the_potential_most(seed):
    x = blobs(seed)
    steps = list(plan(x, 6).seeding(make_rng(seed)))
    for c in range(1, 6):
        chosen = [s.index for s in steps[:c]]
        assert len(steps[c].candidates) == 2 + int(np.log(6))
        pots = [brute_sq_dist(x, [*chosen, int(i)]).sum() for i in steps[c].candidates]
        assert steps[c].index == int(steps[c].candidates[int(np.argmin(pots))])


@pytest.mark.parametrize("standardize", [False, True])
@pytest.mark.parametrize("init", INITS)
@pytest.mark.parametrize("d", [1, 2, 3])
def test_seeding_picks_are_the_initial_centroids(init, standardize, d):
    for seed in (0, 1, 2, 3, 42):
        x = blobs(seed, d=d)
        run = plan(x, 4, init=init, standardize=standardize)
        picks = [s.index for s in run.seeding(make_rng(seed))]
        first = next(lloyd(x, 4, init=init, seed=seed, standardize=standardize))
        np.testing.assert_allclose(x[picks], first.centroids, rtol=1e-12, atol=1e-12)
        assert len(set(picks)) == 4


def test_seeding_of_an_init_array_gives_its_rows():
    x = blobs(0)
    steps = list(plan(x, 3, init=x[:3] + 0.5).seeding(make_rng(0)))
    assert [s.index for s in steps] == [-1, -1, -1]


def brute_farthest(x: np.ndarray, k: int, first: int) -> list[int]:
    """Farthest-first by the definition: max over points of the min over chosen."""
    chosen = [first]
    while len(chosen) < k:
        best, best_d = -1, -1.0
        for i in range(len(x)):
            d = min(float(((x[i] - x[j]) ** 2).sum()) for j in chosen)
            if d > best_d:  # strictly: ties go to the lowest index
                best, best_d = i, d
        chosen.append(best)
    return chosen


@pytest.mark.parametrize("seed", range(6))
def test_farthest_first_matches_a_brute_force_loop(seed):
    rng = np.random.default_rng(seed)
    # rounded: many equal distances, so the tie rule matters
    x = np.round(rng.normal(size=(60, 2)) * 2) / 2
    steps = list(plan(x, 5, init="farthest").seeding(make_rng(seed)))
    picks = [s.index for s in steps]
    assert picks == brute_farthest(x, 5, picks[0])
    assert picks[0] == make_rng(seed).integers(len(x))
    for c, s in enumerate(steps[1:], start=1):  # the line drawn: to the nearest chosen
        d = [((x[s.index] - x[j]) ** 2).sum() for j in picks[:c]]
        assert s.nearest == int(np.argmin(d))


def test_farthest_first_ties_go_to_the_lowest_index():
    x = np.array([[0.0, 0.0], [1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]])
    steps = plan(x, 2, init="farthest").seeding(make_rng(0))
    first = next(steps).index
    if first == 0:  # rows 1, 2 and 3 are all at distance 1
        assert next(steps).index == 1


def test_farthest_first_with_fewer_distinct_points_than_k_takes_distinct_rows():
    x = np.array([[1.0], [1.0], [2.0], [2.0]])
    with pytest.warns(Warning, match="fewer distinct"):
        run = plan(x, 3, init="farthest")
    picks = [s.index for s in run.seeding(make_rng(0))]
    assert len(set(picks)) == 3


def kmeanspp_picks(x: np.ndarray, k: int, seed: int, block: int = 1 << 19, **kw) -> list:
    return list(seeding_steps(x, k, "k-means++", make_rng(seed), block, **kw))


@pytest.mark.parametrize("d", [1, 3, 8, 40])  # column by column up to 4, BLAS above
def test_kmeanspp_greedy_pick_is_the_lowest_potential_by_brute_force(d):
    x = blobs(5, n=300, d=d)
    k = 7
    for seed in (0, 1):
        # blocks of a few rows and two threads: the sums are split and added in order
        steps = list(seeding_steps(x, k, "k-means++", make_rng(seed), 64, threads=2))
        for c in range(1, k):
            chosen = [s.index for s in steps[:c]]
            assert len(steps[c].candidates) == 2 + int(np.log(k))
            pots = [brute_sq_dist(x, [*chosen, int(i)]).sum() for i in steps[c].candidates]
            assert steps[c].index == int(steps[c].candidates[int(np.argmin(pots))])
            assert pots[int(np.argmin(pots))] < max(pots)  # a choice was made


@pytest.mark.parametrize("d", [2, 12])
def test_kmeanspp_is_deterministic_per_seed_whatever_the_blocks_and_threads(d):
    x = blobs(2, n=500, d=d)
    ref = [s.index for s in kmeanspp_picks(x, 9, 4, threads=1)]
    for block, threads in ((64, 2), (1 << 10, 3), (1 << 19, 2)):
        steps = seeding_steps(x, 9, "k-means++", make_rng(4), block, threads=threads)
        assert [s.index for s in steps] == ref
    assert [s.index for s in kmeanspp_picks(x, 9, 5)] != ref  # another seed, other picks
    assert len(set(ref)) == 9 and all(0 <= i < len(x) for i in ref)  # distinct data rows


def d2_p_value(x: np.ndarray, counts: np.ndarray) -> float:
    """Chi-square p-value of ``counts[f, i]`` (draws of row ``i`` after a first pick
    ``f``) against D² probabilities from ``x[f]``, summed over the first picks."""
    from scipy.stats import chi2

    stat, dof = 0.0, 0
    for f in range(len(x)):
        d2 = ((x - x[f]) ** 2).sum(axis=1)
        expected = counts[f].sum() * d2 / d2.sum()
        live = expected > 0
        assert counts[f][~live].sum() == 0  # a point on the chosen centre is never drawn
        stat += ((counts[f] - expected)[live] ** 2 / expected[live]).sum()
        dof += int(live.sum()) - 1
    return float(chi2.sf(stat, dof))


@pytest.mark.parametrize("block", [1 << 19, 6])  # 6: blocks of two rows, the last of one
def test_kmeanspp_samples_candidates_with_d2_probabilities(block):
    # Each candidate of the second pick is an independent D² draw given the first pick:
    # counts over many seeded runs, grouped by the first pick, against a chi-square bound.
    # Drawn by block, then within the block: across blocks too.
    x = np.array([[0.0], [1.0], [3.0], [4.0], [10.0]])
    counts = np.zeros((len(x), len(x)))
    for seed in range(1500):
        first, second = kmeanspp_picks(x, 2, seed, block, threads=1)
        np.add.at(counts[first.index], second.candidates, 1)
    assert d2_p_value(x, counts) > 1e-3
    # the same draws spread uniformly over the other points fail the bound: it can fail
    uniform = (counts.sum(axis=1, keepdims=True) / (len(x) - 1)) * (1 - np.eye(len(x)))
    assert d2_p_value(x, uniform) < 1e-6


@pytest.mark.parametrize("d", [2, 8])
def test_kmeanspp_picks_do_not_depend_on_a_power_of_two_scale_even_near_overflow(d):
    # centring points near the largest float overflows: the seeding scales them first
    x = blobs(6, n=200, d=d) + 40.0
    ref = [s.index for s in kmeanspp_picks(x, 5, 3)]
    for e in (-900, 1015):
        assert [s.index for s in kmeanspp_picks(np.ldexp(x, e), 5, 3)] == ref
    with np.errstate(over="ignore"):  # the direct centring's sum overflows there
        assert not np.isfinite(np.ldexp(x, 1015).sum(axis=0)).all()


def test_kmeanspp_on_centred_wide_data_reads_the_points_without_copying_them():
    # Distances from a product need no centred copy of points near the origin: a copy
    # of the data's size was the largest cost of seeding 100,000 x 50 points.
    import tracemalloc

    x = np.random.default_rng(2).uniform(-1.0, 1.0, size=(20_000, 50))
    tracemalloc.start()
    try:
        kmeanspp_picks(x, 8, 0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 0.5 * x.nbytes, (peak, x.nbytes)


@pytest.mark.parametrize("offset", [2.0**40, -(2.0**40)])
def test_kmeanspp_far_from_the_origin_in_many_dimensions_is_centred_first(offset):
    # At 2^40 from 0, ||x||^2 - 2 x.c + ||c||^2 on the points as they are loses about
    # 10^8 to rounding, more than the blobs' squared distances (10^5): the points are
    # centred first, and each pick lands in a blob of its own, as without the offset.
    rng = np.random.default_rng(4)
    centres = np.repeat(np.eye(4, 8) * 100.0, 50, axis=0)
    x = centres + rng.normal(size=(200, 8))
    for seed in range(5):
        picks = [s.index // 50 for s in kmeanspp_picks(x + offset, 4, seed)]
        assert sorted(picks) == [0, 1, 2, 3], (seed, picks)
