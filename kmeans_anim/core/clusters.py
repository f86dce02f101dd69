"""Per-cluster statistics (count, sum of the points, sum of their squared centred norms)
and the inertia and means they give, for the strategies that keep them."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .arrays import chunks, sq_norms
from .rounding import U64
from .state import LabelMembers, Members
from .tuning import Tuning
from .update import Sums

__all__ = ["Clusters"]


class Clusters:
    """The per-cluster statistics of the current labels, and what follows from them.

    Subclasses set ``x`` (the points), ``mean`` (of the points), ``x_sq`` (each point's
    squared distance to the mean), ``tuning``, and per iteration ``labels``, ``counts``,
    ``s1`` (the sum of each cluster's points) and ``s2`` (the sum of their ``x_sq``).
    """

    x: NDArray[np.float64]
    mean: NDArray[np.float64]
    x_sq: NDArray[np.float64]
    tuning: Tuning
    labels: NDArray[np.intp]
    counts: NDArray[np.intp]
    s1: NDArray[np.float64]
    s2: NDArray[np.float64]

    def summary(self, c: NDArray[np.float64]) -> tuple[float, Sums]:
        """The inertia of the current labels about ``c``, and their sums for the means.

        Both come from the statistics (inertia ``S2 - 2 c.S1 + m |c|^2``, centred),
        except for clusters where that loses precision, which are summed directly from
        their members about their first member (docs/core-numerics.md, "inertia from
        statistics"): a cluster of identical points then has exactly that point as its
        mean (a plain ``sum / count`` can be an ulp off and make runs oscillate).
        """
        k, d = c.shape
        m, s1, s2 = self.counts, self.s1, self.s2
        cc = c - self.mean
        c_sq = sq_norms(cc)
        s1c = s1 - m[:, None] * self.mean
        fast = s2 - 2.0 * np.einsum("ij,ij->i", cc, s1c) + m * c_sq
        spread = s2 - sq_norms(s1c) / np.maximum(m, 1)
        # the size of the points (raw), and their root mean square distance to the mean
        per = np.maximum(m, 1)
        size = np.sqrt(sq_norms(s1)) / per + np.sqrt(sq_norms(self.mean[None]))
        resolved = np.sqrt(s2 / per) > 4.0 * m * U64 * size
        bad = (m > 0) & ~((fast > 1e-6 * (s2 + m * c_sq)) & (spread > 1e-6 * s2) & resolved)
        sums, ref = s1.copy(), np.zeros((k, d))
        if bad.any():
            pts = np.flatnonzero(bad[self.labels])
            lab = self.labels[pts]
            first = np.zeros(k, dtype=np.intp)
            first[lab[::-1]] = pts[::-1]
            ref[bad] = self.x[first[bad]]
            sums[bad] = 0.0
            fast[bad] = 0.0
            for s in chunks(len(pts), d, self.tuning.block):
                xs, ls = self.x[pts[s]], lab[s]
                fast += np.bincount(ls, sq_norms(xs - c[ls]), minlength=k)
                for j, col in enumerate((xs - ref[ls]).T):
                    sums[:, j] += np.bincount(ls, col, minlength=k)
        return float(np.maximum(fast, 0.0).sum()), Sums(sums, m.copy(), ref)

    def distance_to_own(self, c: NDArray[np.float64]) -> NDArray[np.float64]:
        """Squared distance of every point to its own centroid."""
        out = np.empty(len(self.x))
        for s in chunks(len(self.x), self.x.shape[1], self.tuning.block):
            out[s] = sq_norms(self.x[s] - c[self.labels[s]])
        return out

    def current_labels(self) -> NDArray[np.intp]:
        """Each point's cluster now."""
        return self.labels

    def members(self) -> Members:
        """The clusters of the current labels."""
        return LabelMembers(self.labels, len(self.counts))
