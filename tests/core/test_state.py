"""What a run yields: immutable states that compare by identity and can be hashed."""

from __future__ import annotations

import numpy as np

from kmeans_anim import KMeansState, lloyd, make_blobs


def test_states_compare_by_identity_and_hash():
    x, _ = make_blobs(dim=2, seed=0)
    a = list(lloyd(x, 3, seed=1))
    b = list(lloyd(x, 3, seed=1))
    assert a[0] == a[0] and a[0] != b[0]  # equal arrays, but not the same state
    assert len({*a, *b}) == len(a) + len(b)
    assert {a[-1]: "last"}[a[-1]] == "last"


def test_hand_made_states_compare_without_error():
    def state() -> KMeansState:
        return next(lloyd(np.arange(6.0), 2, seed=0))

    s, t = state(), state()
    assert (s == t) is False and (s == s) is True
    assert isinstance(hash(s), int)
