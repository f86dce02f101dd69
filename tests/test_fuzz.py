"""Random input: the core yields valid states or refuses k > n with a ValueError; the CLI
parser turns any argument list into exit code 0 or 2, never an uncaught exception."""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kmeans_anim import KMeansWarning, lloyd
from kmeans_anim.animation import KMeansAnimation
from kmeans_anim.cli import build_parser, main
from kmeans_anim.writers import check_output

# --------------------------------------------------------------------------- the core

SPECIAL = [0.0, 1.0, -1.0, 0.5, 1e150, -1e150, 1e-150, -1e-150, 3.0, 1e-300, 7e149]


@st.composite
def point_sets(draw) -> np.ndarray:
    n = draw(st.integers(1, 40))
    d = draw(st.integers(1, 4))
    scale = draw(st.sampled_from([1.0, 1e150, 1e-150, 1e6, 1e-6]))
    elements = st.one_of(
        st.sampled_from(SPECIAL),
        st.integers(-3, 3).map(float),  # many duplicates
        st.floats(-1.0, 1.0, allow_nan=False).map(lambda v: v * scale),
    )
    x = draw(arrays(np.float64, (n, d), elements=elements))
    if draw(st.booleans()):  # a constant column
        x[:, draw(st.integers(0, d - 1))] = draw(st.sampled_from(SPECIAL))
    if n > 1 and draw(st.booleans()):  # duplicated rows
        x[draw(st.integers(0, n - 1))] = x[0]
    return x


def n_distinct(x: np.ndarray) -> int:
    return len(np.unique(x, axis=0))


@settings(max_examples=200, deadline=None)
@given(
    x=point_sets(),
    k=st.integers(1, 44),
    init=st.sampled_from(["k-means++", "random"]),
    empty=st.sampled_from(["farthest", "keep"]),
    max_iter=st.integers(1, 30),
    tol=st.sampled_from([0.0, 0.0, 1e-4]),
    seed=st.integers(0, 2**32),
    sorted_path=st.booleans(),
)
def test_lloyd_fuzz(x, k, init, empty, max_iter, tol, seed, sorted_path) -> None:
    n, d = x.shape
    algorithm = "sorted" if (sorted_path and d == 1) else "dense"
    kw = dict(init=init, seed=seed, max_iter=max_iter, tol=tol, empty=empty, algorithm=algorithm)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if k > n:
            with pytest.raises(ValueError, match=rf"n_samples={n} should be >= k={k}"):
                lloyd(x, k, **kw)
            return
        states = list(lloyd(x, k, **kw))
    # only the documented warning, and exactly when there are fewer distinct points than k
    kinds = {type(w.message) for w in caught}
    assert kinds <= {KMeansWarning}, [str(w.message) for w in caught]
    assert bool(caught) == (n_distinct(x) < k)

    assert [s.iteration for s in states] == list(range(len(states)))
    assert 1 <= len(states) <= max_iter + 1
    assert not any(s.converged for s in states[:-1])
    last = states[-1]
    assert last.converged or last.iteration == max_iter

    mean = x.mean(axis=0)
    tss = float(((x - mean) ** 2).sum())
    slack = 1e-9 * (tss + states[0].inertia) + 1e-300
    for s in states:
        assert s.centroids.shape == (k, d)
        assert np.isfinite(s.centroids).all()
        labels = s.labels
        assert labels.shape == (n,)
        assert labels.min() >= 0 and labels.max() < k
        assert s.counts().sum() == n
        assert np.isfinite(s.inertia) and s.inertia >= 0.0
        assert np.isfinite(s.shift) and s.shift >= 0.0
        assert 0 <= s.moved <= n
    for a, b in itertools.pairwise(states):
        assert b.inertia <= a.inertia + slack, (a.iteration, a.inertia, b.inertia, slack)


# --------------------------------------------------------------------------- the CLI

VALUES = [
    "0",
    "1",
    "2",
    "3",
    "7",
    "-1",
    "-3",
    "1.5",
    "-0.5",
    "1e9",
    "1e-9",
    "1e308",
    "nan",
    "inf",
    "-inf",
    "abc",
    "",
    " ",
    "é",
    "x,y",
    "x",
    "0,1",
    "0,2",
    "1,1",
    "5,0",
    "pca",
    "iris",
    "old_faithful",
    "random",
    "k-means++",
    "keep",
    "farthest",
    "split",
    "iteration",
    "density",
    "points",
    "auto",
    "out.mp4",
    "out.gif",
    "out.webm",
    "out.html",
    "OUT.MP4",
    "nope/out.mp4",
    "out.avi",
    "out",
    ".",
    "good.csv",
    "header.csv",
    "bad.csv",
    "one.csv",
    "cube.npy",
    "missing.csv",
    "--",
    "-",
]


def _options() -> tuple[list[str], list[str]]:
    """(options that take values, flags), read from the real parser."""
    takes, flags = [], []
    for action in build_parser()._actions:
        if not action.option_strings or action.dest in ("help", "version"):
            continue
        (flags if action.nargs == 0 else takes).extend(action.option_strings)
    return takes, flags


TAKES, FLAGS = _options()

tokens = st.one_of(
    st.tuples(st.sampled_from(TAKES), st.sampled_from(VALUES)).map(list),
    st.tuples(st.sampled_from(TAKES), st.sampled_from(VALUES), st.sampled_from(VALUES)).map(list),
    st.sampled_from(FLAGS).map(lambda f: [f]),
    st.sampled_from(VALUES).map(lambda v: [v]),
    st.text(max_size=6).map(lambda t: [t]),
)
argvs = st.lists(tokens, max_size=8).map(lambda parts: [t for p in parts for t in p])


@pytest.fixture(scope="module")
def cli_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A working folder with a few data files; ``save`` and ``show`` do no rendering."""
    folder = tmp_path_factory.mktemp("cli-fuzz")
    (folder / "good.csv").write_text("1,2\n3,4\n5,6\n7,8\n9,9\n2,1\n")
    (folder / "header.csv").write_text("x,y,name\n1,2,a\n3,4,b\n5,6,c\n8,8,d\n")
    (folder / "bad.csv").write_text("x,y\n1,2\n3\nabc,4\n")
    (folder / "one.csv").write_text("4.5\n")
    np.save(folder / "cube.npy", np.zeros((3, 2, 2)))

    def save(self, filename, *args, **kwargs):  # validates the path, writes nothing
        return check_output(filename)

    def show(self, *args, **kwargs) -> None:
        return None

    old = Path.cwd()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(KMeansAnimation, "save", save)
        mp.setattr(KMeansAnimation, "show", show)
        mp.setenv("MPLBACKEND", "Agg")
        os.chdir(folder)
        try:
            yield folder
        finally:
            os.chdir(old)


def run_main(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # --help and --version exit through argparse
            code = exc.code
    return code, out.getvalue(), err.getvalue()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(argv=argvs)
def test_cli_fuzz(cli_sandbox: Path, argv: list[str]) -> None:
    code, _out, err = run_main(argv)
    assert code in (0, 2), (argv, code, err)
    lines = err.splitlines()
    assert all(line.startswith(("kmeans-anim: ", "usage: ")) for line in lines) or (
        "--help" in argv or "-h" in argv
    ), (argv, err)
    assert "Traceback" not in err
    if code == 2:
        assert len(lines) == 1 and lines[0].startswith("kmeans-anim: error: "), (argv, err)
    # nothing may ever be written by a run whose save writes nothing
    assert sorted(p.name for p in cli_sandbox.iterdir() if p.name != "output") == [
        "bad.csv",
        "cube.npy",
        "good.csv",
        "header.csv",
        "one.csv",
    ]


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--help"],
        ["--version"],
        ["good.csv", "-k", "2", "-o", "out.gif"],
        ["--dataset", "iris", "--projection", "0,2", "--objective", "--trails", "-o", "o.mp4"],
        ["--dim", "3", "--rotate", "--trails", "-o", "o.webm"],
        ["--jitter", "--steps", "split", "--tween", "2", "--show"],
    ],
)
def test_cli_examples_succeed(cli_sandbox: Path, argv: list[str]) -> None:
    code, out, err = run_main(argv)
    assert code == 0, err
    if argv and argv[0] in ("--help", "--version"):
        assert out
    else:
        assert err == ""
