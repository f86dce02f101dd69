"""Random command lines that really save: whatever the options, the run ends with exit
code 0, 1 or 2 and lines of its own (no traceback), and a run that fails leaves its
folder as it found it (no output folder, no partial file)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import listing, run_main
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_cli_fuzz import FLAGS, TAKES, VALUES

DATA = {"good.csv": "1,2\n3,4\n5,6\n7,8\n9,9\n2,1\n", "one.csv": "4.5\n"}
#: Small and quick unless an option says otherwise; later options override these.
BASE = ["--points", "15", "--dpi", "30", "--max-iter", "4", "--hold", "0.5", "--quiet"]
SAVE_VALUES = [v for v in VALUES if v not in ("out.html",)]  # html renders PNGs: slow

options = st.one_of(
    st.tuples(st.sampled_from(TAKES), st.sampled_from(SAVE_VALUES)).map(list),
    st.sampled_from([f for f in FLAGS if f != "--show"]).map(lambda f: [f]),
)
argvs = st.tuples(
    st.lists(options, max_size=4).map(lambda parts: [t for p in parts for t in p]),
    st.sampled_from(["out.mp4", "out.gif", "out.webm", "output/kmeans.mp4"]),
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    where = tmp_path_factory.mktemp("cli-fuzz-saves")
    for name, text in DATA.items():
        (where / name).write_text(text)
    old = Path.cwd()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MPLBACKEND", "Agg")
        os.chdir(where)
        try:
            yield where
        finally:
            os.chdir(old)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(argv=argvs)
def test_random_saves_end_cleanly(folder: Path, argv: tuple[list[str], str]) -> None:
    options, output = argv
    if "--stall-timeout" in options:  # a tiny one would fail a good save on a busy machine
        options = [*options, "--stall-timeout", "30"]
    args = [*BASE, *options, "-o", output]
    before = listing(folder)
    result = run_main(args)
    event(f"exit {result.code}")
    lines = result.err.splitlines()
    assert result.code in (0, 1, 2), (args, result)
    assert "Traceback" not in result.err, args
    assert all(line.startswith("kmeans-anim: ") for line in lines), (args, result.err)
    if result.code == 0:
        made = listing(folder) - before
        assert made <= {output, "output"}, (args, made)
        for name in made - {"output"}:
            (folder / name).unlink()
        if output.startswith("output/"):
            (folder / "output").rmdir()
    else:
        assert len(lines) == 1, (args, result.err)
        assert listing(folder) == before, args
