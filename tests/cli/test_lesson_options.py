"""The lesson options on the command line: --shape, --truth alone, --seeding, --optimum."""

from __future__ import annotations

import pytest
from helpers import decode, run_main

from kmeans_anim.cli import build_parser

SMALL = ["--fps", "4", "--hold", "0", "--dpi", "40", "--quiet", "--seed", "2"]


@pytest.mark.parametrize(
    "argv",
    [
        ["--dataset", "iris", "--truth"],  # alone: the dataset's class column
        ["--clusters", "2", "--points", "15", "--dim", "2", "--truth"],  # the blobs
        ["--shape", "smiley", "--points", "80", "--truth", "--seeding"],
    ],
    ids=["dataset", "blobs", "shape"],
)
def test_truth_alone_takes_the_known_classes(tmp_path, argv):
    out = tmp_path / "t.mp4"
    result = run_main([*argv, *SMALL, "-o", str(out)])
    assert result.code == 0, result.err
    assert len(decode(out)[1]) > 1


def test_shape_points_and_k_defaults():
    args = build_parser().parse_args(["--shape", "rings"])
    assert args.points is None  # make_shapes' own default applies
    from kmeans_anim.cli import _points

    points, k = _points(args, 0)
    assert points.shape == (300, 2) and k == 3
    assert points.class_names == ("outer ring", "middle ring", "inner ring")


def test_help_documents_the_lesson_options():
    text = " ".join(build_parser().format_help().split())
    for flag in ("--seeding", "--optimum", "--shape", "farthest", "not k-means++"):
        assert flag in text
    assert "the generating classes of --shape" in text
