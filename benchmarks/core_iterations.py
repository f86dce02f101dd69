"""The K-means core: the marginal cost of an iteration, `lloyd()` vs scikit-learn."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from common import fmt, log, median, ratio

from kmeans_anim import lloyd


@dataclass
class CoreCase:
    name: str
    n: int
    d: int
    k: int
    #: Iteration counts of the short and the long run: the per-iteration cost is the
    #: marginal one, (t_long - t_short) / (long - short), on both sides, so that set-up
    #: (the 1-D sort, sklearn's validation and thread start) counts for neither.
    short: int = 5
    long: int = 25
    results: dict[str, Any] = field(default_factory=dict)


def run_core(case: CoreCase, reps: int) -> None:
    from sklearn.cluster import KMeans

    rng = np.random.default_rng(12345)
    # uniform noise: Lloyd keeps moving points for many iterations
    x = rng.uniform(-1.0, 1.0, size=(case.n, case.d))
    c0 = x[np.sort(rng.choice(case.n, size=case.k, replace=False))].copy()
    times: dict[str, dict[int, list[float]]] = {
        "ours": {case.short: [], case.long: []},
        "sklearn": {case.short: [], case.long: []},
    }
    iters: dict[str, set[int]] = {"ours": set(), "sklearn": set()}
    for rep in range(reps):
        log(f"core {case.name}: round {rep + 1}/{reps}")
        for m in (case.short, case.long):
            t0 = time.perf_counter()
            states = sum(1 for _ in lloyd(x, case.k, init=c0, max_iter=m))
            times["ours"][m].append(time.perf_counter() - t0)
            iters["ours"].add(states - 1)

            km = KMeans(n_clusters=case.k, init=c0, n_init=1, max_iter=m, tol=0, algorithm="lloyd")
            t0 = time.perf_counter()
            km.fit(x)
            times["sklearn"][m].append(time.perf_counter() - t0)
            iters["sklearn"].add(int(km.n_iter_))
    case.results = {"times": times, "iters": {key: sorted(v) for key, v in iters.items()}}


def marginal_ms(times: dict[int, list[float]]) -> float:
    """Milliseconds per iteration: the long run's median minus the short one's, per
    extra iteration."""
    short, long = sorted(times)
    return 1e3 * (median(times[long]) - median(times[short])) / (long - short)


def marginal_spread(times: dict[int, list[float]]) -> str:
    """The lowest and highest per-round marginal cost (each round's long run minus its
    own short run), in ms per iteration: how far noise moves the figure."""
    short, long = sorted(times)
    pairs = zip(times[short], times[long], strict=True)
    each = [1e3 * (b - a) / (long - short) for a, b in pairs]
    return f"{fmt(min(each), 2)} – {fmt(max(each), 2)}"


def core_report(cases: list[CoreCase], reps: int) -> list[str]:
    out = [
        "## 2. Core: Lloyd iterations, `lloyd()` vs scikit-learn",
        "",
        "Uniform noise in [-1, 1]^d (does not converge within the run), the same start "
        "`C0` (k random rows, fixed seed) for both. Ours: calling `lloyd(x, k, init=C0, "
        "max_iter=m)` and consuming every state. scikit-learn: "
        "`KMeans(n_clusters=k, init=C0, n_init=1, max_iter=m, tol=0, algorithm='lloyd')"
        ".fit(X)`. Each with a short and a long m; **per iteration** is the marginal "
        "cost (long run minus short run, divided by the extra iterations) on both sides, so "
        "neither side's set-up (our 1-D sort, sklearn's checks) is in it; **whole run** is "
        "the long run from the call to the end, set-up included. Median of "
        f"{reps} runs each, "
        "interleaved.",
        "",
        "| case | n | d | k | iterations (ours / sklearn) | ours ms/iter (rounds) "
        "| sklearn ms/iter (rounds) "
        "| sklearn/ours per iter | ours whole run ms | sklearn whole run ms "
        "| sklearn/ours whole |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in cases:
        r = c.results
        if not r:
            continue
        ours, sk = r["times"]["ours"], r["times"]["sklearn"]
        o, s = marginal_ms(ours), marginal_ms(sk)
        wo, ws = 1e3 * median(ours[c.long]), 1e3 * median(sk[c.long])
        iters = f"{'/'.join(map(str, r['iters']['ours']))} / "
        iters += "/".join(map(str, r["iters"]["sklearn"]))
        if r["iters"]["ours"] != [c.short, c.long] or r["iters"]["sklearn"] != [c.short, c.long]:
            iters += " (**a run stopped early: per-iteration figure is off**)"
        out.append(
            f"| {c.name} | {c.n:,} | {c.d} | {c.k} | {iters} | {fmt(o, 2)} "
            f"({marginal_spread(ours)}) | {fmt(s, 2)} ({marginal_spread(sk)}) | "
            f"{fmt(ratio(s, o), 2)}× | {fmt(wo, 1)} | {fmt(ws, 1)} | {fmt(ratio(ws, wo), 2)}× |"
        )
    out += [
        "",
        "sklearn/ours > 1 means ours is faster. In brackets: the lowest and highest "
        "marginal cost of a single round; where that range is wide against the figure "
        "(1-D: an iteration after the sort costs about as much as the noise of one run), "
        "the ratio is a rough one.",
    ]
    return out
