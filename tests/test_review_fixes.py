"""Regression tests for problems a code review found (each fails on the code before its fix)."""

from __future__ import annotations

import stat
import warnings
from pathlib import Path

import numpy as np
import pytest
from helpers import decode

from kmeans_anim import KMeansWarning, animate, load_points, make_blobs
from kmeans_anim.cli import main as cli_main
from kmeans_anim.core import Run


@pytest.fixture
def no_kmeans(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if K-means runs: options must be rejected before it."""

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("K-means ran before the options were checked")

    monkeypatch.setattr(Run, "states", boom)


@pytest.mark.parametrize(
    ("dim", "options", "match"),
    [
        (2, {"rotate": True}, "rotate=True applies to 3-D data only"),
        (2, {"jitter": True}, "jitter=True applies to 1-D data only"),
        (2, {"render": "dots"}, "render='dots' is not valid"),
        (3, {"regions": True}, "regions=True is not available for 3-D data"),
        (2, {"projection": "pca"}, "needs data with 3 or more columns"),
        (4, {"projection": (0, 9)}, r"need two different column indices in \[0, 4\)"),
        (4, {"projection": "umap"}, "projection='umap' is not valid"),
        (2, {"ax": "nope"}, "ax must be a matplotlib Axes"),
    ],
)
def test_view_options_are_checked_before_kmeans_runs(
    no_kmeans: None, dim: int, options: dict, match: str
) -> None:
    points, _ = make_blobs(2, 10, dim=dim, seed=0)
    with pytest.raises((ValueError, TypeError), match=match):
        animate(points, 2, **options)


def test_cli_checks_the_output_path_before_kmeans_runs(
    no_kmeans: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli_main(["-o", str(tmp_path / "nope" / "a.mp4")])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err


def test_html_saves_follow_their_own_fps(tmp_path: Path) -> None:
    points, _ = make_blobs(3, 10, dim=2, seed=1)
    player = animate(points, 3, seed=1, fps=2, hold=1, figsize=(2, 1.5), dpi=40)
    player._repr_html_()  # a notebook display first: matplotlib caches the page
    slow = player.save(tmp_path / "slow.html", fps=2).read_text()
    fast = player.save(tmp_path / "fast.html", fps=8).read_text()
    assert slow.count("data:image/png;base64") == player.frame_count(2)
    assert fast.count("data:image/png;base64") == player.frame_count(8)
    assert fast.count("data:image/png;base64") > slow.count("data:image/png;base64")


def test_writer_pass_through_uses_imageio_ffmpeg(tmp_path: Path) -> None:
    points, _ = make_blobs(3, 10, dim=2, seed=1)
    anim = animate(points, 3, seed=1, figsize=(2, 1.5), dpi=40)
    path = anim.save(tmp_path / "plain.mp4", writer="ffmpeg")
    meta, frames = decode(path)
    assert meta["codec"] == "h264" and len(frames) == anim.frame_count()


def test_an_ffmpeg_that_cannot_start_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "ffmpeg"
    fake.write_text("not a program")
    fake.chmod(stat.S_IRUSR)  # exists, not executable
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(fake))
    out = tmp_path / "out"
    out.mkdir()
    points, _ = make_blobs(3, 10, dim=2, seed=1)
    anim = animate(points, 3, seed=1, figsize=(2, 1.5), dpi=40)
    with pytest.raises(RuntimeError, match="cannot run ffmpeg at"):
        anim.save(out / "a.mp4")
    assert list(out.iterdir()) == []


def test_replays_leave_the_warning_filters_alone() -> None:
    points = np.array([0.0, 0.0, 0.0, 1.0])  # 2 distinct points, k = 3: KMeansWarning
    with pytest.warns(KMeansWarning):
        anim = animate(points, 3, seed=0, init="random", hold=0)
    before = list(warnings.filters)
    frames = anim.frames(2.0)
    next(frames)  # a suspended replay must not change the process's warning filters
    assert warnings.filters == before
    frames.close()


def test_headerless_csv_with_a_text_column_loses_no_row(tmp_path: Path) -> None:
    f = tmp_path / "iris.csv"
    f.write_text("5.1,3.5,setosa\n4.9,3.0,setosa\n4.7,3.2,setosa\n")
    with pytest.raises(ValueError, match=r"row 1, column 2: 'setosa' is not a number"):
        load_points(f)
    assert load_points(f, columns="0,1").shape == (3, 2)


def test_csv_errors_name_the_line_in_the_file(tmp_path: Path) -> None:
    f = tmp_path / "gaps.csv"
    f.write_text("x,y\n\n\n1,2\n3,abc\n")
    with pytest.raises(ValueError, match=r"row 5, column y: 'abc' is not a number"):
        load_points(f)


def test_a_file_without_newlines_is_an_error_not_a_crash(tmp_path: Path) -> None:
    f = tmp_path / "wide.csv"
    f.write_text('"' + "x" * 200_000)
    with pytest.raises(ValueError, match="could not be read"):
        load_points(f)


def test_saving_over_a_file_keeps_its_permissions(tmp_path: Path) -> None:
    points, _ = make_blobs(3, 10, dim=2, seed=1)
    anim = animate(points, 3, seed=1, figsize=(2, 1.5), dpi=40)
    target = tmp_path / "a.gif"
    target.write_bytes(b"old")
    target.chmod(0o640)
    anim.save(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_bytes()[:3] == b"GIF"
