"""Axis labels come from the data: a CSV header, a pandas or polars frame, a Series, a
bundled dataset; ``labels=`` overrides them; PCA axes name their heaviest column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from sklearn.datasets import load_wine

import kmeans_anim.cli
from kmeans_anim import Dataset, animate, load_dataset, make_blobs

SMALL = {"figsize": (2.4, 1.8), "dpi": 50, "hold": 0, "seed": 0}


def axis_labels(anim) -> tuple[str, ...]:
    ax = anim.scene.ax
    labels = (ax.get_xlabel(), ax.get_ylabel())
    if getattr(ax, "name", "") == "3d":
        labels += (ax.get_zlabel(),)
    return labels


def x_label(anim) -> str:
    return anim.scene.ax.get_xlabel()


@pytest.fixture(scope="module")
def wine_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """scikit-learn's wine data (13 columns) as a CSV with its header."""
    wine = load_wine(as_frame=True).frame.drop(columns="target")
    path = tmp_path_factory.mktemp("wine") / "wine.csv"
    wine.to_csv(path, index=False)
    return path


def test_a_csv_header_names_the_axes(wine_csv: Path) -> None:
    data = Dataset.from_file(wine_csv, columns="proline,hue")
    assert data.columns == ("proline", "hue")
    assert axis_labels(animate(data, 3, **SMALL)) == ("proline", "hue")


def test_pca_axes_name_the_column_with_the_largest_loading(wine_csv: Path) -> None:
    data = Dataset.from_file(wine_csv)
    assert len(data.columns) == 13
    x = data.points
    _u, _s, vt = np.linalg.svd(x - x.mean(axis=0), full_matrices=False)
    want = [data.columns[int(np.argmax(np.abs(vt[c])))] for c in range(2)]
    labels = axis_labels(animate(data, 3, **SMALL))
    assert want[0] == "proline"  # raw units: proline (300-1700) swamps the rest
    for c, label in enumerate(labels):
        assert label.startswith(f"PC{c + 1} (") and label.endswith(f", {want[c]})"), label


@pytest.mark.parametrize("kind", ["pandas", "polars"])
@pytest.mark.parametrize("d", [2, 3])
def test_data_frames_name_the_axes(kind: str, d: int) -> None:
    points, _ = make_blobs(3, 10, dim=d, seed=1)
    names = ["width", "height", "depth"][:d]
    frame = (
        pd.DataFrame(points, columns=names)
        if kind == "pandas"
        else pl.DataFrame({n: points[:, i] for i, n in enumerate(names)})
    )
    anim = animate(frame, 3, **SMALL)
    assert axis_labels(anim) == tuple(names)
    # the same points as the array gives
    np.testing.assert_array_equal(
        anim.trace.centroids, animate(points, 3, **SMALL).trace.centroids
    )


@pytest.mark.parametrize("kind", ["pandas", "polars"])
def test_a_series_name_labels_the_line(kind: str) -> None:
    values, _ = make_blobs(3, 10, seed=2)
    series = (
        pd.Series(values, name="minutes") if kind == "pandas" else pl.Series("minutes", values)
    )
    assert x_label(animate(series, 3, **SMALL)) == "minutes"


def test_unnamed_data_has_bare_axes() -> None:
    points, _ = make_blobs(3, 10, dim=2, seed=1)
    assert axis_labels(animate(points, 3, **SMALL)) == ("", "")
    assert x_label(animate(pd.Series(points[:, 0]), 3, **SMALL)) == ""


def test_bundled_datasets_name_their_axes() -> None:
    assert axis_labels(animate(load_dataset("old_faithful"), 2, **SMALL)) == (
        "eruptions",
        "waiting",
    )
    x, _ = axis_labels(animate(load_dataset("iris"), 3, **SMALL))
    assert x.startswith("PC1 (") and x.endswith(", petal_length)")


def test_labels_override_the_data_names() -> None:
    frame = pd.DataFrame(make_blobs(3, 10, dim=3, seed=1)[0], columns=["a", "b", "c"])
    anim = animate(frame, 3, labels=["x (m)", "y (m)", "z (m)"], **SMALL)
    assert axis_labels(anim) == ("x (m)", "y (m)", "z (m)")
    # projection by the new names
    anim = animate(frame, 3, labels=["p", "q", "r"], projection=("r", "p"), **SMALL)
    assert axis_labels(anim) == ("r", "p")


def test_the_cli_labels_from_the_header_and_from_labels(
    wine_csv: Path, tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = []
    real = kmeans_anim.cli.animate

    def spy(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(kmeans_anim.cli, "animate", spy)
    common = ["--hold", "0", "--dpi", "30", "--seed", "1", "--quiet"]
    runs = [
        ([wine_csv, "--columns", "proline,hue"], ("proline", "hue")),
        (
            [wine_csv, "--projection", "flavanoids,color_intensity"],
            ("flavanoids", "color_intensity"),
        ),
        ([wine_csv, "--projection", "12,10"], ("proline", "hue")),
        (["--dataset", "old_faithful"], ("eruptions", "waiting")),
        (["--dim", "2", "--labels", "east,north"], ("east", "north")),
    ]
    for i, (args, want) in enumerate(runs):
        result = cli(*args, *common, "-o", tmp_path / f"{i}.gif", cwd=tmp_path)
        assert result.code == 0, result.err
        assert axis_labels(made[-1]) == want, args


def test_a_long_column_name_is_cut_with_an_ellipsis() -> None:
    name = "a_very_long_measurement_name_" * 4
    frame = pd.DataFrame(make_blobs(3, 10, dim=2, seed=1)[0], columns=[name, "short"])
    x, y = axis_labels(animate(frame, 3, **SMALL))
    assert len(x) == 48 and x.endswith("…") and name.startswith(x[:-1])
    assert y == "short"
