"""The core's worker threads: how many by default, the public ``n_threads``, and the
pool's end."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from kmeans_anim import lloyd, make_blobs
from kmeans_anim.core import default_threads
from kmeans_anim.core.tuning import MAX_THREADS


def test_default_is_the_usable_cores_at_most_four():
    cores = len(os.sched_getaffinity(0))
    with threadpool_limits(limits=64):  # no native limit below the cores
        assert default_threads() == min(MAX_THREADS, cores)


@pytest.mark.skipif(not threadpool_info(), reason="no native thread pool (BLAS) is loaded")
def test_default_honours_a_threadpoolctl_limit():
    with threadpool_limits(limits=1):
        assert default_threads() == 1


@pytest.mark.parametrize("n_threads", [1, 2, 3])
def test_n_threads_gives_the_same_states(n_threads):
    x, _ = make_blobs(4, 400, dim=6, seed=2)
    ref = list(lloyd(x, 4, seed=3, n_threads=1))
    got = list(lloyd(x, 4, seed=3, n_threads=n_threads))
    assert len(got) == len(ref)
    for a, b in zip(ref, got, strict=True):
        np.testing.assert_array_equal(a.labels, b.labels)
        np.testing.assert_array_equal(a.centroids, b.centroids)


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        (0, ValueError, r"n_threads=0 should be >= 1\."),
        (257, ValueError, r"n_threads=257 should be <= 256\."),
        (2.5, TypeError, r"n_threads must be an int; got n_threads=2\.5\."),
    ],
)
def test_n_threads_is_checked(value, error, match):
    with pytest.raises(error, match=match):
        lloyd(np.arange(5.0), 2, n_threads=value)


def test_worker_threads_are_gone_at_exit():
    """An exit hook registered before the import runs after the core's: by then no
    worker thread of the core is left."""
    code = textwrap.dedent(
        """
        import atexit, threading
        atexit.register(lambda: print(sorted(
            t.name for t in threading.enumerate() if t.name.startswith("kmeans_anim"))))
        import numpy as np
        from kmeans_anim import lloyd
        x = np.random.default_rng(0).normal(size=(5000, 6))
        assert len(list(lloyd(x, 4, seed=0, n_threads=2))) > 1
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]", out
