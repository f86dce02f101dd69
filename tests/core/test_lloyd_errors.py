"""Every error lloyd() promises, raised when it is called (before the first state).

The mistakes that can also be made through ``animate`` and the command line are in the
bad-input matrix (``tests/cli/test_bad_input.py``); these are lloyd's own variants."""

from __future__ import annotations

import re
import types

import numpy as np
import pytest

from kmeans_anim import lloyd

X1 = np.array([0.0, 1.0, 2.0, 10.0, 11.0])
X2 = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 1.0], [11.0, 1.0]])


def esc(text: str) -> str:
    return re.escape(text)


# (points, k, kwargs, exception, message pattern)
CASES = {
    # k
    "k numpy float": (X1, np.float64(2), {}, TypeError, r"k must be an int; got k="),
    "k str": (X1, "2", {}, TypeError, esc("k must be an int; got k='2'.")),
    "k > n 2-D": (X2, 5, {}, ValueError, esc("n_samples=4 should be >= k=5.")),
    # points
    "NaN 2-D": ([[0.0, 1.0], [np.nan, 2.0]], 1, {}, ValueError, r"points must be finite"),
    "zero columns": (np.empty((3, 0)), 1, {}, ValueError, esc("points is empty: shape=(3, 0)")),
    "scalar": (3.0, 1, {}, ValueError, r"points must have shape \(n,\) or \(n, d\).*ndim=0"),
    "numeric strings": (["1", "2", "3"], 1, {}, TypeError, r"points must hold real numbers"),
    "object strings": (
        np.array(["a", "b"], dtype=object),
        1,
        {},
        TypeError,
        r"points must hold real numbers; got an object array",
    ),
    "object numeric strings": (
        np.array(["1", "2"], dtype=object),
        1,
        {},
        TypeError,
        r"points must hold real numbers; got an object array",
    ),
    "object None": (
        np.array([1.0, None], dtype=object),
        1,
        {},
        TypeError,
        r"points must hold real numbers; got an object array",
    ),
    "bools": (
        np.array([True, False, True]),
        1,
        {},
        TypeError,
        esc("points must hold real numbers; got dtype=bool."),
    ),
    "complex": (
        np.array([1 + 1j, 2.0]),
        1,
        {},
        TypeError,
        esc("points must hold real numbers; got dtype=complex128."),
    ),
    # init
    "init too short": (
        X1,
        3,
        {"init": [0.0, 1.0]},
        ValueError,
        esc("init has shape (2,); expected (3,) or (3, 1) for k=3 and d=1."),
    ),
    "init row": (
        X1,
        3,
        {"init": [[0.0, 1.0, 2.0]]},
        ValueError,
        esc("init has shape (1, 3); expected (3,) or (3, 1) for k=3 and d=1."),
    ),
    "init inf 2-D": (
        X2,
        2,
        {"init": [[0.0, 0.0], [np.inf, 1.0]]},
        ValueError,
        r"init must be finite",
    ),
    "init strings array": (X1, 2, {"init": ["a", "b"]}, TypeError, r"init must hold real numbers"),
    "init None": (X1, 2, {"init": None}, TypeError, r"init must hold real numbers"),
    # empty, algorithm
    "empty None": (X1, 2, {"empty": None}, ValueError, esc("empty=None is not valid")),
    "algorithm name": (
        X1,
        2,
        {"algorithm": "elkan"},
        ValueError,
        esc("algorithm='elkan' is not valid; choose one of 'auto', 'sorted', 'grid', 'dense'."),
    ),
    "sorted on 2-D": (
        X2,
        2,
        {"algorithm": "sorted"},
        ValueError,
        esc("algorithm='sorted' needs 1-D data; got d=2."),
    ),
    "grid on 4-D": (
        np.zeros((5, 4)),
        2,
        {"algorithm": "grid"},
        ValueError,
        esc("algorithm='grid' needs data of at most 3 dimensions; got d=4."),
    ),
    # max_iter
    "max_iter=-5": (X1, 2, {"max_iter": -5}, ValueError, esc("max_iter=-5 should be >= 1.")),
    "max_iter float": (
        X1,
        2,
        {"max_iter": 10.0},
        TypeError,
        esc("max_iter must be an int; got max_iter=10.0."),
    ),
    "max_iter None": (
        X1,
        2,
        {"max_iter": None},
        TypeError,
        esc("max_iter must be an int; got max_iter=None."),
    ),
    # tol
    "tol inf": (
        X1,
        2,
        {"tol": float("inf")},
        ValueError,
        esc("tol=inf should be finite and >= 0.0."),
    ),
    "tol str": (
        X1,
        2,
        {"tol": "0.1"},
        TypeError,
        esc("tol must be a real number; got tol='0.1'."),
    ),
    "tol bool": (X1, 2, {"tol": True}, TypeError, esc("tol must be a real number; got tol=True.")),
    # seed
    "seed str": (
        X1,
        2,
        {"seed": "abc"},
        TypeError,
        esc("seed must be an int, a numpy.random.Generator or None; got seed='abc'."),
    ),
    "seed float": (X1, 2, {"seed": 1.5}, TypeError, esc("got seed=1.5.")),
    "seed bool": (X1, 2, {"seed": True}, TypeError, esc("got seed=True.")),
    "seed legacy RandomState": (
        X1,
        2,
        {"seed": np.random.RandomState(0)},
        TypeError,
        r"seed must be an int, a numpy\.random\.Generator or None",
    ),
}


@pytest.mark.parametrize(
    ("points", "k", "kwargs", "exc", "match"), CASES.values(), ids=list(CASES)
)
def test_lloyd_raises_at_call_time(points, k, kwargs, exc, match):
    # The call itself raises: nothing is iterated inside the `with` block.
    with pytest.raises(exc, match=match):
        lloyd(points, k, **kwargs)


@pytest.mark.parametrize("algorithm", ["auto", "sorted", "grid", "dense"])
def test_valid_call_returns_a_generator_without_computing(algorithm):
    gen = lloyd(X1, 2, algorithm=algorithm, seed=0)
    assert isinstance(gen, types.GeneratorType)
    assert next(gen).iteration == 0


def test_accepted_integer_and_generator_types():
    # numpy ints for k / max_iter, integer and float numpy data, a Generator as seed
    for points in (X1.astype(np.int32), X1.astype(np.float32), X1.tolist(), X2.astype(np.int64)):
        states = list(
            lloyd(
                points,
                np.int64(2),
                max_iter=np.int32(5),
                tol=np.float32(0.0),
                seed=np.random.default_rng(1),
            )
        )
        assert states[-1].iteration <= 5
    # a 2-D single-column array, k == n and tol = 0 are all fine
    assert list(lloyd(X1[:, None], len(X1), init="random", seed=0))[-1].converged


def test_a_big_value_in_the_wrong_place_gives_a_short_message():
    # Passing the centroids as k, or the data as seed, names the parameter and the
    # array's shape instead of printing the whole array.
    x = np.random.default_rng(0).uniform(size=(200, 50))
    cases = [
        ({"k": x[:16]}, esc("k must be an int; got k=<array of shape (16, 50), dtype float64>.")),
        (
            {"k": 3, "seed": x},
            esc("got seed=<array of shape (200, 50), dtype float64>."),
        ),
        ({"k": 3, "algorithm": "x" * 500}, r"algorithm='x{76}\.\.\. is not valid"),
    ]
    for kwargs, match in cases:
        with pytest.raises((TypeError, ValueError), match=match) as info:
            lloyd(x, **kwargs)
        assert len(str(info.value)) < 200, str(info.value)
    # small values are shown whole
    with pytest.raises(TypeError, match=esc("got k=array([1, 2]).")):
        lloyd(x, np.array([1, 2]))
