"""Known classes: a marker shape per class (colour stays the cluster's), a legend, and
the adjusted Rand index in the caption, checked against scikit-learn's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_wine
from sklearn.metrics import adjusted_rand_score

import kmeans_anim.cli
from kmeans_anim import Dataset, animate, load_dataset, make_blobs, make_shapes
from kmeans_anim.truth import MARKERS, adjusted_rand_index

SMALL = {"figsize": (3.2, 2.4), "dpi": 50, "hold": 0, "seed": 0}


@pytest.mark.parametrize("seed", range(6))
def test_adjusted_rand_index_is_sklearns(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 300))
    a = rng.integers(0, rng.integers(1, 6), n)
    b = rng.integers(0, rng.integers(1, 6), n)
    assert adjusted_rand_index(a, b) == pytest.approx(adjusted_rand_score(a, b), abs=1e-12)
    assert adjusted_rand_index(a, a) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("a", "b"),
    [([0, 0, 0], [0, 0, 0]), ([0, 1, 2], [0, 1, 2]), ([0, 0, 1, 1], [0, 1, 0, 1]), ([0], [0])],
)
def test_adjusted_rand_index_edge_cases_are_sklearns(a, b) -> None:
    a, b = np.array(a), np.array(b)
    assert adjusted_rand_index(a, b) == pytest.approx(adjusted_rand_score(a, b), abs=1e-12)


def test_iris_species_as_shapes_legend_and_ari() -> None:
    iris = load_dataset("iris")
    anim = animate(iris, 3, truth=True, **SMALL)
    last = list(anim.frames())[-1]
    anim.scene.update(last)
    legend = anim.scene.ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == list(iris.class_names)
    ari = adjusted_rand_score(iris.classes, last.colours.labels)
    assert anim.scene.caption.text.get_text().endswith(f" · ARI {ari:.2f}")
    # line j * 3 + c holds exactly the points of cluster j and class c, drawn as shape c
    points = anim.scene.points
    view = anim.scene.view(iris.points)
    for j in range(3):
        for c in range(3):
            line = points.lines[j * 3 + c]
            assert line.get_marker() == MARKERS[c]
            want = view[(last.colours.labels == j) & (iris.classes == c)]
            got = line.get_xydata()
            np.testing.assert_allclose(
                got[np.lexsort(got.T)], want[np.lexsort(want.T)], rtol=0, atol=1e-12
            )


def test_labels_of_any_kind_and_the_grey_first_frame() -> None:
    x, _ = make_blobs(2, 15, dim=2, seed=3)
    names = np.where(np.arange(30) < 15, "left", "right")
    anim = animate(x, 2, truth=names, steps="split", **SMALL)
    first = next(iter(anim.frames()))
    assert first.colours is None
    anim.scene.update(first)
    greys = anim.scene.points.greys
    assert [len(g.get_xdata()) for g in greys] == [15, 15]
    assert "ARI" not in anim.scene.caption.text.get_text()  # nothing assigned yet


def test_the_cli_reads_a_class_column_and_leaves_it_out_of_the_points(
    tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = load_wine(as_frame=True).frame  # 13 measurements and a numeric 'target'
    path = tmp_path / "wine.csv"
    frame.to_csv(path, index=False)
    data = Dataset.from_file(path, truth="target")
    assert data.points.shape == (178, 13) and "target" not in data.columns
    assert data.class_names == ("0", "1", "2")
    np.testing.assert_array_equal(data.classes, frame["target"].to_numpy())
    by_index = Dataset.from_file(path, truth=13)  # the same column, by position
    assert by_index.columns == data.columns
    np.testing.assert_array_equal(by_index.classes, data.classes)

    made = []
    real = kmeans_anim.cli.animate
    monkeypatch.setattr(
        kmeans_anim.cli, "animate", lambda *a, **k: made.append(real(*a, **k)) or made[-1]
    )
    args = ["-k", "3", "--standardize", "--hold", "0", "--dpi", "30", "--quiet"]
    result = cli(path, "--truth", "target", *args, "-o", "w.gif", cwd=tmp_path)
    assert result.code == 0, result.err
    (anim,) = made
    assert anim.scene.points.truth is not None
    result = cli("--dataset", "iris", "--truth", "species", *args, "-o", "i.gif", cwd=tmp_path)
    assert result.code == 0, result.err


def test_the_legend_is_redrawn_over_the_regions_every_frame() -> None:
    """Regions are redrawn each frame (blitting): the legend must be drawn after them."""
    anim = animate(load_dataset("iris"), 3, truth=True, regions=True, **SMALL)
    drawn = anim.scene.update(list(anim.frames())[-1])
    legend = anim.scene.ax.get_legend()
    assert legend in drawn
    assert drawn.index(legend) > drawn.index(anim.scene.regions.image)


def test_a_class_column_lines_up_with_the_points_past_comments_and_blanks(tmp_path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("x,y,c\n# a comment\n1,2,a\n2,3,a\n\n8,9,b\n9,9,b  # trailing\n")
    data = Dataset.from_file(path, truth="c")
    assert data.points.tolist() == [[1, 2], [2, 3], [8, 9], [9, 9]]
    assert data.classes.tolist() == [0, 0, 1, 1] and data.class_names == ("a", "b")


def test_a_score_that_rounds_to_zero_reads_zero_not_minus_zero() -> None:
    pts, classes = make_shapes("circles", n=200, seed=1)
    anim = animate(pts, 2, seed=1, truth=classes)
    anim.scene.reset()
    shown = []
    for f in anim.frames():
        anim.scene.update(f)
        shown.append(anim.scene.caption.text.get_text())
    assert not any("ARI -0.00" in t for t in shown), shown
    assert any("ARI 0.00" in t for t in shown), shown
