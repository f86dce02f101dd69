"""The command line's ``--compare``, ``--sweep`` and ``--frames``: what they write, and
one line and exit 2 for a bad value."""

from __future__ import annotations

import matplotlib.image as mimage
import pytest
from helpers import decode

from kmeans_anim import compare, make_blobs, sweep

BLOBS = ["--dim", "2", "--clusters", "3", "--points", "20", "--seed", "4"]
FAST = ["--fps", "4", "--hold", "0.5", "--dpi", "40"]


def _points():
    pts, _ = make_blobs(3, 20, 2, seed=4)
    return pts


def test_compare_seeds_writes_one_panel_per_seed(cli, tmp_path):
    res = cli(
        *BLOBS, *FAST, "--init", "random", "--compare", "seeds=0,1,2", "-o", "r.mp4", cwd=tmp_path
    )
    assert res.code == 0, res.err
    expected = compare(
        _points(), 3, [{"seed": s} for s in (0, 1, 2)], init="random", fps=4, hold=0.5
    )
    assert len(decode(tmp_path / "r.mp4")[1]) == expected.frame_count()


def test_two_compare_flags_give_every_combination(cli, tmp_path):
    args = ["--compare", "init=random,k-means++", "--compare", "seed=1,2"]
    res = cli(*BLOBS, *FAST, *args, "-o", "r.png", "--frames", "0,-1", cwd=tmp_path)
    assert res.code == 0, res.err
    img = mimage.imread(tmp_path / "r.png")
    assert img.shape[1] == 2 * 160  # 2 frames across, 4 in each at 40 dpi


def test_sweep_writes_every_k_in_turn(cli, tmp_path):
    res = cli(*BLOBS, *FAST, "--sweep", "1:4", "-o", "k.mp4", cwd=tmp_path)
    assert res.code == 0, res.err
    expected = sweep(_points(), range(1, 5), seed=4, fps=4, hold=0.5)
    assert len(decode(tmp_path / "k.mp4")[1]) == expected.frame_count()
    res = cli(*BLOBS, *FAST, "--sweep", "2,3,5", "--sweep-final", "-o", "f.mp4", cwd=tmp_path)
    assert res.code == 0, res.err
    assert len(decode(tmp_path / "f.mp4")[1]) == 3 * (1 + 2)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--compare", "sed=1"], "invalid --compare 'sed=1'"),
        (["--compare", "seed=a"], "seeds are integers"),
        (["--compare", "seed="], "invalid --compare"),
        (["--compare", "init=bogus"], "runs[0]: init='bogus'"),
        (["--compare", "seed=1", "--compare", "seed=2"], "--compare seed is given twice"),
        (["--sweep", "1:x"], "invalid --sweep '1:x'"),
        (["--sweep", "5:2"], "ks has no values"),
        (["--sweep", "1:99"], "more than 32"),
        (["--sweep", "1:300000000000"], "more than 32"),  # refused, not built
        (
            [
                "--compare",
                "seed=" + ",".join(map(str, range(10**4))),
                "--compare",
                "init=random,k-means++",
            ],
            "makes 20,000 runs",
        ),
        (["--sweep", "1:3", "-k", "3"], "-k and --sweep"),
        (["--sweep-final"], "--sweep-final needs --sweep"),
        (["--sweep", "1:3", "--compare", "seed=1"], "--compare or --sweep, not both"),
        (["--sweep", "1:3", "--objective"], "--objective is for a single run"),
        (["--frames", "0,x", "-o", "a.png"], "invalid --frames '0,x'"),
        (["--frames", "0,99", "-o", "a.png"], "frames=99"),
        (["--frames", "0", "-o", "a.mp4"], "--frames makes a filmstrip"),
        (["--frames", "0"], "--frames makes a filmstrip"),  # the default output folder too
    ],
)
def test_bad_values_print_one_line_and_exit_2(cli, tmp_path, args, says):
    res = cli(*BLOBS, *FAST, *args, cwd=tmp_path)
    assert res.code == 2
    assert says in res.err
    assert res.err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
