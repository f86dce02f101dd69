"""The command line on data read a chunk at a time (``--chunks``): .npy shards by glob."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import decode, run_main

from kmeans_anim import animate, load_points, make_blobs

pytest.importorskip("dask.array")


@pytest.fixture
def shards(tmp_path: Path) -> str:
    """Three .npy shards of 2-D blobs; their glob."""
    x, _ = make_blobs(3, 2_000, dim=2, std=0.4, seed=5)
    for i, part in enumerate(np.array_split(x, 3)):
        np.save(tmp_path / f"part{i}.npy", part)
    return str(tmp_path / "part*.npy")


def test_a_glob_of_shards_animates_as_the_api_does(shards: str, tmp_path: Path) -> None:
    """The same frames as ``animate(load_points(glob, chunks=...))``, saved from Python."""
    out = tmp_path / "cli.mp4"
    argv = [shards, "--chunks", "1500", "-k", "3", "--seed", "0", "--dpi", "40"]
    result = run_main([*argv, "--quiet", "-o", str(out)])
    assert result.code == 0, result.err
    points = load_points(shards, chunks=1500)
    assert type(points).__module__.startswith("dask")
    api = animate(points, 3, seed=0, dpi=40).save(tmp_path / "api.mp4", progress=False)
    _, got = decode(out)
    _, want = decode(api)
    assert len(got) == len(want) > 2
    assert all(np.array_equal(a, b) for a, b in zip(got, want, strict=True))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--truth", "cls"], "--truth cannot be used with --chunks"),
        (["--columns", "0"], "columns='0' cannot be combined with chunks=1500"),
        (["--chunks", "0"], "chunks=0 should be >= 1"),
    ],
)
def test_chunked_input_errors_are_one_line(
    shards: str, tmp_path: Path, extra: list[str], message: str
) -> None:
    argv = [shards, "--chunks", "1500", *extra, "-o", str(tmp_path / "x.mp4")]
    result = run_main(argv)
    assert result.code == 2
    assert message in result.err and result.err.count("\n") == 1, result.err
    assert not (tmp_path / "x.mp4").exists()


def test_chunks_needs_a_data_file(tmp_path: Path) -> None:
    result = run_main(["--chunks", "10", "-o", str(tmp_path / "x.mp4")])
    assert result.code == 2
    assert "--chunks needs a data file: a glob of .npy shards" in result.err
