"""k-means++ seeding vs scikit-learn's `kmeans_plusplus`."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from common import fmt, in_turn, log, median, ratio


@dataclass
class SeedCase:
    """Greedy k-means++ seeding, ours against ``sklearn.cluster.kmeans_plusplus``."""

    name: str
    n: int
    d: int
    k: int
    results: dict[str, list[float]] = field(default_factory=dict)


def run_seeding(case: SeedCase, reps: int) -> None:
    from sklearn.cluster import kmeans_plusplus

    from kmeans_anim.core.init import initial_centroids
    from kmeans_anim.core.tuning import Tuning

    rng = np.random.default_rng(12345)
    x = rng.uniform(-1.0, 1.0, size=(case.n, case.d))
    times: dict[str, list[float]] = {"ours": [], "sklearn": []}
    # both greedy with 2 + int(log k) candidates a step (sklearn's default)
    runs = {
        "ours": lambda rep: initial_centroids(
            x, case.k, "k-means++", np.random.default_rng(rep), Tuning().block
        ),
        "sklearn": lambda rep: kmeans_plusplus(x, case.k, random_state=rep),
    }
    for rep in range(reps):
        log(f"seeding {case.name}: round {rep + 1}/{reps}")
        for name in in_turn(list(runs), rep):
            t0 = time.perf_counter()
            runs[name](rep)
            times[name].append(time.perf_counter() - t0)
    case.results = times


def seeding_ratio(case: SeedCase) -> float | None:
    """sklearn's median time over ours (> 1: ours is faster)."""
    r = case.results
    return ratio(median(r["sklearn"]), median(r["ours"])) if r else None


def seeding_report(cases: list[SeedCase], reps: int) -> list[str]:
    out = [
        "## 2b. k-means++ seeding vs scikit-learn",
        "",
        "Uniform noise in [-1, 1]^d. Ours: `core.init.initial_centroids(x, k, "
        "'k-means++', rng, block)` (the picks the run and its seeding frames share); "
        "scikit-learn: `sklearn.cluster.kmeans_plusplus(X, k)`. Both greedy, "
        f"2 + int(log k) candidates a step, default threads. Median of {reps} rounds, "
        "interleaved, the order alternating from round to round.",
        "",
        "| case | n | d | k | ours ms | sklearn ms | sklearn/ours |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in cases:
        r = c.results
        if not r:
            continue
        out.append(
            f"| {c.name} | {c.n:,} | {c.d} | {c.k} | {fmt(1e3 * median(r['ours']), 1)} | "
            f"{fmt(1e3 * median(r['sklearn']), 1)} | {fmt(seeding_ratio(c), 2)}× |"
        )
    out += ["", "sklearn/ours ≥ 1 means ours is at least as fast."]
    return out
