"""Data frames read as files are: the numeric columns, named; the others left out with
one warning that names them (and says why a column looks like numbers but is not)."""

from __future__ import annotations

import warnings
from importlib import resources

import numpy as np
import pandas as pd
import polars as pl
import pytest

from kmeans_anim import Dataset, KMeansWarning, animate

SMALL = {"figsize": (2.4, 1.8), "dpi": 40, "hold": 0, "seed": 0}


def iris_csv():
    return resources.files("kmeans_anim") / "datasets" / "iris.csv"


def test_a_frame_with_a_text_column_is_read_as_the_file_is() -> None:
    with resources.as_file(iris_csv()) as path:
        with pytest.warns(KMeansWarning, match=r"left out the non-numeric column 'species'") as f:
            from_file = Dataset.from_file(path)
        frame = pd.read_csv(path)
    with pytest.warns(KMeansWarning, match=r"left out the non-numeric column 'species'") as w:
        anim = animate(frame, 3, **SMALL)
    assert [x.filename for x in w] == [x.filename for x in f] == [__file__]
    assert [str(x.message) for x in w] == [str(x.message) for x in f]  # the same note
    same = animate(from_file, 3, **SMALL)
    np.testing.assert_array_equal(anim.trace.centroids, same.trace.centroids)
    assert anim.scene.ax.get_xlabel() == same.scene.ax.get_xlabel()


def test_polars_frames_follow_the_same_rule() -> None:
    frame = pl.DataFrame(
        {"x": [0.0, 0.1, 5.0, 5.1], "y": [1.0, 1.1, 3.0, 3.2], "tag": list("aabb")}
    )
    with pytest.warns(KMeansWarning, match=r"left out the non-numeric column 'tag'"):
        anim = animate(frame, 2, **SMALL)
    assert (anim.scene.ax.get_xlabel(), anim.scene.ax.get_ylabel()) == ("x", "y")


@pytest.mark.parametrize(
    ("column", "hint"),
    [
        (
            [True, False, True, False],
            r"'c' holds booleans \(cluster on it as 0 and 1 with \.astype\(int\)",
        ),
        (["1,000", "2,500", "12,345.5", "3,000"], r"'c' looks like numbers with thousands"),
    ],
)
def test_columns_that_look_numeric_get_a_hint(column, hint) -> None:
    frame = pd.DataFrame({"a": [0.0, 0.1, 5.0, 5.1], "b": [1.0, 1.1, 3.0, 3.2], "c": column})
    with pytest.warns(KMeansWarning, match=hint):
        animate(frame, 2, **SMALL)


def test_an_all_numeric_frame_gives_no_warning() -> None:
    frame = pd.DataFrame({"a": [0.0, 0.1, 5.0, 5.1], "b": [1, 1, 3, 3]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        animate(frame, 2, **SMALL)


def test_an_unnamed_first_column_is_flagged_as_an_index(tmp_path) -> None:
    frame = pd.DataFrame({"a": [0.0, 0.1, 5.0, 5.1], "b": [1.0, 1.1, 3.0, 3.2]})
    frame.to_csv(tmp_path / "with_index.csv")  # pandas writes the index, unnamed
    with pytest.warns(KMeansWarning, match=r"first column of with_index\.csv has no name") as w:
        data = Dataset.from_file(tmp_path / "with_index.csv")
    assert [x.filename for x in w] == [__file__]
    assert data.columns == ("", "a", "b")
    frame.to_csv(tmp_path / "plain.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Dataset.from_file(tmp_path / "plain.csv")
