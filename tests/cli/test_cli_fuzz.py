"""Random argument lists: the command line turns any of them into exit code 0 or 2 and
lines of its own on stderr, never an uncaught exception."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from helpers import run_main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kmeans_anim.animation import KMeansAnimation
from kmeans_anim.cli import build_parser
from kmeans_anim.outputs import check_output

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


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(argv=argvs)
def test_cli_fuzz(cli_sandbox: Path, argv: list[str]) -> None:
    result = run_main(argv)
    code, err = result.code, result.err
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
    result = run_main(argv)
    code, out, err = result.code, result.out, result.err
    assert code == 0, err
    if argv and argv[0] in ("--help", "--version"):
        assert out
    else:
        assert err == ""
