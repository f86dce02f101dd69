"""Tests of the data helpers: make_blobs, load_points and the bundled datasets."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from helpers import run_python
from hypothesis import given, settings
from hypothesis import strategies as st

from kmeans_anim import Dataset, KMeansWarning, load_dataset, load_points, make_blobs
from kmeans_anim.data import DATASETS

# --------------------------------------------------------------------------- make_blobs


def test_make_blobs_defaults():
    points, centers = make_blobs(seed=0)
    assert points.shape == (120,)
    assert centers.shape == (3,)
    assert points.dtype == np.float64
    assert np.all((centers > -2.0) & (centers < 2.0))
    # blob after blob, 40 points each, spread 0.15 around its centre
    blobs = points.reshape(3, 40)
    for blob, c in zip(blobs, centers, strict=True):
        # the sample mean of 40 normals with sd 0.15 has sd 0.024: 0.12 is 5 of those
        assert abs(blob.mean() - c) < 0.12
        assert 0.08 < blob.std(ddof=1) < 0.25
    pooled = np.sqrt(((blobs - centers[:, None]) ** 2).mean())
    assert 0.12 < pooled < 0.18


def test_make_blobs_std_statistically():
    points, centers = make_blobs(n_clusters=4, points_per_cluster=2000, dim=3, std=0.4, seed=7)
    resid = points.reshape(4, 2000, 3) - centers[:, None, :]
    np.testing.assert_allclose(resid.std(axis=1), 0.4, rtol=0.06)
    np.testing.assert_allclose(resid.mean(axis=1), 0.0, atol=0.04)


def test_make_blobs_deterministic_per_seed():
    a = make_blobs(seed=3)
    b = make_blobs(seed=3)
    c = make_blobs(seed=4)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    g1, g2 = np.random.default_rng(9), np.random.default_rng(9)
    np.testing.assert_array_equal(make_blobs(seed=g1)[0], make_blobs(seed=g2)[0])


@pytest.mark.parametrize("dim", [2, 3, 7])
def test_make_blobs_shapes(dim):
    points, centers = make_blobs(dim=dim, seed=1)
    assert points.shape == (120, dim)
    assert centers.shape == (3, dim)
    assert np.all((centers > -2.0) & (centers < 2.0))
    points, centers = make_blobs(n_clusters=5, points_per_cluster=7, dim=dim, seed=1)
    assert points.shape == (35, dim)
    assert centers.shape == (5, dim)


def test_make_blobs_bounds_and_zero_std():
    points, centers = make_blobs(n_clusters=50, center_bounds=(10, 12), std=0.0, seed=2)
    assert np.all((centers >= 10) & (centers < 12))
    np.testing.assert_array_equal(points, np.repeat(centers, 40))


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"n_clusters": 0}, ValueError, "n_clusters=0 should be >= 1"),
        ({"n_clusters": 2.5}, TypeError, "n_clusters must be an int; got n_clusters=2.5"),
        ({"points_per_cluster": 0}, ValueError, "points_per_cluster=0 should be >= 1"),
        ({"points_per_cluster": True}, TypeError, "points_per_cluster must be an int"),
        ({"dim": 0}, ValueError, "dim=0 should be >= 1"),
        ({"dim": 2.0}, TypeError, "dim must be an int; got dim=2.0"),
        ({"std": -0.1}, ValueError, "std=-0.1 should be finite and >= 0.0"),
        ({"std": float("nan")}, ValueError, "std=nan should be finite"),
        ({"std": "0.1"}, TypeError, "std must be a real number"),
        ({"center_bounds": (2.0, -2.0)}, ValueError, "center_bounds=(2.0, -2.0) should be finite"),
        ({"center_bounds": (1.0, 1.0)}, ValueError, "low < high"),
        ({"center_bounds": (0.0, float("inf"))}, ValueError, "should be finite with low < high"),
        ({"center_bounds": (1.0,)}, TypeError, "center_bounds must be two numbers"),
        ({"center_bounds": (1.0, 2.0, 3.0)}, TypeError, "center_bounds must be two numbers"),
        ({"center_bounds": ("a", "b")}, TypeError, "center_bounds must be two numbers"),
        ({"center_bounds": 5}, TypeError, "center_bounds must be two numbers"),
        ({"seed": "x"}, TypeError, "seed must be an int"),
        ({"seed": -3}, ValueError, "seed=-3 should be >= 0"),
    ],
)
def test_make_blobs_bad_args(kwargs, exc, match):
    with pytest.raises(exc, match=re.escape(match)):
        make_blobs(**kwargs)


# --------------------------------------------------------------------------- load_points


def write(tmp_path, name: str, text: str):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_csv_with_header(tmp_path):
    p = write(tmp_path, "pts.csv", "x,y\n1.5,2\n-3,4e1\n5,6\n")
    np.testing.assert_array_equal(load_points(p), [[1.5, 2.0], [-3.0, 40.0], [5.0, 6.0]])
    np.testing.assert_array_equal(load_points(str(p)), load_points(p))


def test_csv_without_header(tmp_path):
    p = write(tmp_path, "pts.csv", "1.5,2\n-3,4\n5,6\n")
    out = load_points(p)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[1.5, 2.0], [-3.0, 4.0], [5.0, 6.0]])


def test_csv_one_column_gives_1d(tmp_path):
    np.testing.assert_array_equal(load_points(write(tmp_path, "a.csv", "1\n2\n3\n")), [1, 2, 3])
    np.testing.assert_array_equal(
        load_points(write(tmp_path, "b.csv", "value\n1\n2\n3\n")), [1.0, 2.0, 3.0]
    )


def test_csv_text_column_left_out_by_default(tmp_path):
    p = write(tmp_path, "iris.csv", "a,b,species\n1,2,setosa\n3,4,virginica\n")
    with pytest.warns(KMeansWarning, match="left out the non-numeric column 'species'") as w:
        np.testing.assert_array_equal(load_points(p), [[1.0, 2.0], [3.0, 4.0]])
    assert [x.filename for x in w] == [__file__]


def test_csv_columns_by_name_index_and_string(tmp_path):
    p = write(tmp_path, "pts.csv", "a,b,c\n1,2,3\n4,5,6\n")
    np.testing.assert_array_equal(load_points(p, columns=["c", "a"]), [[3, 1], [6, 4]])
    np.testing.assert_array_equal(load_points(p, columns="b"), [2.0, 5.0])
    np.testing.assert_array_equal(load_points(p, columns=1), [2.0, 5.0])
    np.testing.assert_array_equal(load_points(p, columns=[2, 0]), [[3, 1], [6, 4]])
    np.testing.assert_array_equal(load_points(p, columns="a,c"), [[1, 3], [4, 6]])
    np.testing.assert_array_equal(load_points(p, columns="a, c"), [[1, 3], [4, 6]])
    np.testing.assert_array_equal(load_points(p, columns="2,0"), [[3, 1], [6, 4]])


def test_csv_without_header_columns_by_index(tmp_path):
    p = write(tmp_path, "pts.csv", "1,2,3\n4,5,6\n")
    np.testing.assert_array_equal(load_points(p, columns=[2, 0]), [[3, 1], [6, 4]])
    np.testing.assert_array_equal(load_points(p, columns="1"), [2.0, 5.0])
    with pytest.raises(ValueError, match=r"pts\.csv has no column names, so column 'b' must be"):
        load_points(p, columns="b")
    with pytest.raises(
        ValueError, match=r"columns: index 3 is out of range for pts\.csv \(3 columns\)"
    ):
        load_points(p, columns=3)


def test_a_name_two_columns_share_must_be_given_by_index(tmp_path):
    """``a,a,b``: 'a' would silently be the first of two; an index says which."""
    p = write(tmp_path, "dup.csv", "a,a,b\n1,2,3\n4,5,6\n")
    for option in ({"columns": "a"}, {"columns": ["b", "a"]}, {"truth": "a"}):
        with pytest.raises(
            ValueError, match=r"dup\.csv has 2 columns named 'a' \(indices 0, 1\); give the one"
        ):
            Dataset.from_file(p, **option)
    np.testing.assert_array_equal(load_points(p, columns=[1, 2]), [[2, 3], [5, 6]])
    assert Dataset.from_file(p, columns="b").columns == ("b",)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("semi.csv", "x;y\n1.5;2\n3;4\n"),
        ("tab.tsv", "x\ty\n1.5\t2\n3\t4\n"),
        ("tab.txt", "1.5\t2\n3\t4\n"),
        ("spaced.csv", "x, y\n1.5, 2\n3, 4\n"),
        ("bom.csv", "\ufeffx,y\n1.5,2\n3,4\n"),
        ("crlf.csv", "x,y\r\n1.5,2\r\n3,4\r\n"),
        ("blank_lines.csv", "x,y\n\n1.5,2\n\n3,4\n\n"),
    ],
)
def test_csv_dialects(tmp_path, name, text):
    np.testing.assert_array_equal(load_points(write(tmp_path, name, text)), [[1.5, 2], [3, 4]])


def test_npy(tmp_path):
    a = np.arange(12.0).reshape(6, 2)
    np.save(tmp_path / "a.npy", a)
    np.testing.assert_array_equal(load_points(tmp_path / "a.npy"), a)
    np.testing.assert_array_equal(load_points(tmp_path / "a.npy", columns=1), a[:, 1])
    np.testing.assert_array_equal(load_points(tmp_path / "a.npy", columns="1,0"), a[:, ::-1])
    np.save(tmp_path / "b.npy", np.arange(5, dtype=np.int32))
    out = load_points(tmp_path / "b.npy")
    assert out.dtype == np.float64 and out.shape == (5,)
    np.save(tmp_path / "c.npy", np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match=r"c\.npy must be finite"):
        load_points(tmp_path / "c.npy")
    np.save(tmp_path / "d.npy", np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="ndim=3"):
        load_points(tmp_path / "d.npy")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("\n\n", "f.csv is empty: no rows to read."),
        ("1,2\n3,4,5\n", "f.csv, row 2: 3 fields where 2 were expected (ragged CSV)."),
        ("x,y\nsomething,else\n", "f.csv has no numeric column."),
        ("1,2\n3,\n5,6\n", "f.csv, row 2, column 1: an empty field is not a number."),
        ("1,\n3,4\n5,6\n", "f.csv, row 1, column 1: an empty field is not a number."),
        ("x,y\n1,2\nnan,3\n", "f.csv must be finite; found 1 NaN or infinite value(s)."),
        ("1,inf\n2,3\n", "f.csv must be finite; found 1 NaN or infinite value(s)."),
    ],
)
def test_bad_csv(tmp_path, text, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        load_points(write(tmp_path, "f.csv", text))


def test_bad_csv_explicit_columns(tmp_path):
    p = write(tmp_path, "f.csv", "x,y,label\n1,2,a\n3,oops,b\n")
    with pytest.raises(ValueError, match=re.escape("row 3, column y: 'oops' is not a number")):
        load_points(p, columns="x,y")
    with pytest.raises(ValueError, match=re.escape("row 2, column label: 'a' is not a number")):
        load_points(p, columns=["label"])
    np.testing.assert_array_equal(load_points(p, columns="x"), [1.0, 3.0])


# --------------------------------------------------------------------------- datasets


def test_old_faithful():
    data = load_dataset("old_faithful")
    assert data.columns == ("eruptions", "waiting")
    assert data.classes is None and data.class_names is None
    x = data.points
    assert x.shape == (272, 2)
    assert x.dtype == np.float64
    assert np.isfinite(x).all()
    np.testing.assert_array_equal(x[0], [3.6, 79.0])  # first row of the classic table
    assert 1.5 < x[:, 0].min() and x[:, 0].max() < 5.2  # eruption minutes
    assert 40 <= x[:, 1].min() and x[:, 1].max() <= 100  # waiting minutes


def test_iris():
    data = load_dataset("iris")
    assert data.columns == ("sepal_length", "sepal_width", "petal_length", "petal_width")
    assert data.class_names == ("setosa", "versicolor", "virginica")
    # Fisher's table: 50 of each species, in that order
    np.testing.assert_array_equal(data.classes, np.repeat([0, 1, 2], 50))
    x = data.points
    assert x.shape == (150, 4)
    assert np.isfinite(x).all()
    np.testing.assert_array_equal(x[0], [5.1, 3.5, 1.4, 0.2])
    np.testing.assert_allclose(x.mean(axis=0), [5.843, 3.057, 3.758, 1.199], atol=1e-3)


def test_a_dataset_reads_as_its_points():
    data = load_dataset("old_faithful")
    np.testing.assert_array_equal(np.asarray(data), data.points)
    np.testing.assert_array_equal(data[:, 0], data.points[:, 0])
    assert len(data) == 272 and data.shape == (272, 2)


def test_wine_is_sklearns_copy():
    from sklearn.datasets import load_wine

    want = load_wine()
    data = load_dataset("wine")
    assert data.columns == tuple(want.feature_names)
    np.testing.assert_array_equal(data.points, want.data)
    assert data.class_names == tuple(want.target_names)
    np.testing.assert_array_equal(data.classes, want.target)


def test_datasets_constant_matches():
    assert set(DATASETS) == {"old_faithful", "iris", "wine"}
    for name, cols in DATASETS.items():
        assert load_dataset(name).shape[1] == len(cols)


@pytest.mark.parametrize("name", ["faithful", "", "IRIS", None, 3])
def test_unknown_dataset(name):
    with pytest.raises(ValueError, match=r"dataset=.* does not exist; choose one of") as info:
        load_dataset(name)
    assert "'old_faithful'" in str(info.value) and "'iris'" in str(info.value)


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


# --------------------------------------------------------------------------- fast reading


def test_csv_comment_lines_are_skipped(tmp_path: Path) -> None:
    p = write(tmp_path, "c.csv", "# made by hand\nx,y\n# first\n1,2\n  # indented\n3,4 # end\n")
    ds = Dataset.from_file(p)
    assert ds.columns == ("x", "y")
    np.testing.assert_array_equal(ds.points, [[1.0, 2.0], [3.0, 4.0]])
    # the line numbers of errors still count the comment lines
    p = write(tmp_path, "d.csv", "# note\nx,y\n# note\n1,2\n3,abc\n")
    with pytest.raises(ValueError, match=r"d\.csv, row 5, column y: 'abc' is not a number"):
        load_points(p)


def test_csv_blank_only_lines_are_skipped(tmp_path: Path) -> None:
    # a line of spaces is a row to np.loadtxt: read by the careful pass instead
    p = write(tmp_path, "b.csv", "x,y\n1,2\n   \n3,4\n")
    np.testing.assert_array_equal(load_points(p), [[1.0, 2.0], [3.0, 4.0]])


def test_csv_text_column_ragged_past_the_head(tmp_path: Path) -> None:
    # the head decides the columns; a row further down without one of them is reported
    rows = "".join(f"{i},{i},a\n" for i in range(20_000))
    p = write(tmp_path, "r.csv", f"x,y,label\n{rows}1\n")
    with pytest.raises(ValueError, match=r"r\.csv, row 20002: 1 fields where 3"):
        load_points(p)


def test_csv_large_file_matches_loadtxt(tmp_path: Path) -> None:
    x = np.random.default_rng(0).normal(size=(30_000, 3))
    p = tmp_path / "big.csv"
    np.savetxt(p, x, delimiter=";", header="a;b;c", comments="")
    ds = Dataset.from_file(p, columns="c,a")
    assert ds.columns == ("c", "a")
    np.testing.assert_array_equal(ds.points, np.loadtxt(p, delimiter=";", skiprows=1)[:, [2, 0]])


def test_npz_with_one_array(tmp_path: Path) -> None:
    a = np.arange(10.0).reshape(5, 2)
    np.savez(tmp_path / "one.npz", points=a)
    np.testing.assert_array_equal(load_points(tmp_path / "one.npz"), a)
    np.testing.assert_array_equal(load_points(tmp_path / "one.npz", columns=1), a[:, 1])


def test_npz_key_picks_an_array(tmp_path: Path) -> None:
    a, b = np.arange(10.0).reshape(5, 2), np.arange(3.0)
    np.savez(tmp_path / "two.npz", a=a, b=b)
    np.testing.assert_array_equal(load_points(f"{tmp_path}/two.npz:a"), a)
    np.testing.assert_array_equal(load_points(tmp_path / "two.npz:b"), b)
    np.savez(tmp_path / "bad.npz", a=a, b=np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match=r"bad\.npz:b must be finite"):
        load_points(tmp_path / "bad.npz:b")


def test_npz_with_several_arrays_needs_a_key(tmp_path: Path) -> None:
    np.savez(tmp_path / "two.npz", a=np.zeros(3), b=np.ones(3))
    with pytest.raises(ValueError, match=r"two\.npz holds 2 arrays \(a, b\); pick one"):
        load_points(tmp_path / "two.npz")
    np.savez(tmp_path / "none.npz")
    with pytest.raises(ValueError, match=r"none\.npz holds no array\."):
        load_points(tmp_path / "none.npz")


ARROW_FORMATS = ["parquet", "feather"]


def write_arrow(path: Path, table: object) -> None:
    pa_feather = pytest.importorskip("pyarrow.feather")
    pq = pytest.importorskip("pyarrow.parquet")
    (pq.write_table if path.suffix == ".parquet" else pa_feather.write_feather)(table, path)


@pytest.mark.parametrize("fmt", ARROW_FORMATS)
def test_arrow_files_keep_their_column_names(tmp_path: Path, fmt: str) -> None:
    pa = pytest.importorskip("pyarrow")
    table = pa.table({"x": [1.0, 2.0, 3.0], "name": ["a", "b", "c"], "n": [4, 5, 6]})
    p = tmp_path / f"t.{fmt}"
    write_arrow(p, table)
    with pytest.warns(KMeansWarning, match="left out the non-numeric column 'name'"):
        ds = Dataset.from_file(p)
    assert ds.columns == ("x", "n")
    np.testing.assert_array_equal(ds.points, [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]])
    ds = Dataset.from_file(p, columns="n")
    assert ds.columns == ("n",)
    np.testing.assert_array_equal(ds.points, [4.0, 5.0, 6.0])
    np.testing.assert_array_equal(load_points(p, columns=[2, 0]), [[4, 1], [5, 2], [6, 3]])


@pytest.mark.parametrize("fmt", ARROW_FORMATS)
def test_arrow_files_bad_columns(tmp_path: Path, fmt: str) -> None:
    pa = pytest.importorskip("pyarrow")
    p = tmp_path / f"t.{fmt}"
    write_arrow(p, pa.table({"x": [1.0, None], "name": ["a", "b"]}))
    with pytest.raises(ValueError, match=rf"t\.{fmt}, column x: 1 missing value\(s\)"):
        load_points(p)
    with pytest.raises(ValueError, match=rf"t\.{fmt}, column name: its type string is not a"):
        load_points(p, columns="name")
    with pytest.raises(ValueError, match=rf"columns: no column 'z' in t\.{fmt}; it has x, name"):
        load_points(p, columns="z")
    write_arrow(p, pa.table({"name": ["a", "b"]}))
    with pytest.raises(ValueError, match=rf"t\.{fmt} has no numeric column"):
        load_points(p)


@pytest.mark.parametrize("fmt", ARROW_FORMATS)
def test_arrow_files_without_pyarrow_name_the_extra(
    tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / f"t.{fmt}").write_bytes(b"whatever")
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow fails
    with pytest.raises(ValueError, match=r"needs pyarrow: pip install 'kmeans-anim\[arrow\]'"):
        load_points(tmp_path / f"t.{fmt}")


def test_csv_peak_memory_is_bounded(tmp_path: Path) -> None:
    # 1M rows x 2 columns: a 16 MB array; the Python reader of old peaked at ~25x that
    p = tmp_path / "big.csv"
    block = "".join(f"{v:.5f},{-v:.5f}\n" for v in np.random.default_rng(1).normal(size=1000))
    p.write_text("x,y\n" + block * 1000)  # 1M rows, written in no time
    code = """
        import sys, tracemalloc
        from kmeans_anim import load_points
        tracemalloc.start()
        x = load_points(sys.argv[1])
        print(tracemalloc.get_traced_memory()[1] / x.nbytes, x.shape)
    """
    proc = run_python(code, tmp_path, args=[str(p)], timeout=60)
    assert proc.returncode == 0, proc.stderr
    ratio, shape = proc.stdout.split(maxsplit=1)
    assert shape.strip() == "(1000000, 2)"
    assert float(ratio) < 3.0


def test_csv_ragged_rows_are_found_whatever_the_column_order(tmp_path: Path) -> None:
    p = write(tmp_path, "r.csv", "x,y\n1,2\n3,4,5\n")
    for columns in (None, "y,x", "x,y"):
        with pytest.raises(ValueError, match=r"r\.csv, row 3: 3 fields where 2 were expected"):
            load_points(p, columns=columns)
    # a ragged row is reported before a missing column, as it always was
    with pytest.raises(ValueError, match=r"r\.csv, row 3: 3 fields where 2"):
        load_points(p, columns="z")


@settings(max_examples=60, deadline=None)
@given(
    table=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6),
        elements=st.floats(-1e6, 1e6, allow_nan=False, width=32),
    ),
    delimiter=st.sampled_from([",", ";", "\t"]),
    header=st.booleans(),
    gaps=st.lists(st.sampled_from(["\n", "# a note\n", "   \n"]), max_size=3),
    crlf=st.booleans(),
)
def test_csv_fast_and_careful_readers_agree(
    tmp_path_factory: pytest.TempPathFactory,
    table: np.ndarray,
    delimiter: str,
    header: bool,
    gaps: list[str],
    crlf: bool,
) -> None:
    # the fast parser reads clean files; a line of spaces sends them to the careful one
    lines = [delimiter.join(repr(float(v)) for v in row) + "\n" for row in table]
    for i, gap in enumerate(gaps):
        lines.insert(1 + i * 2 % max(len(lines), 1), gap)
    if header:
        lines.insert(0, delimiter.join(f"c{j}" for j in range(table.shape[1])) + "\n")
    text = "".join(lines)
    p = tmp_path_factory.mktemp("agree") / "t.csv"
    p.write_bytes(text.replace("\n", "\r\n" if crlf else "\n").encode())
    ds = Dataset.from_file(p)
    expected = table[:, 0] if table.shape[1] == 1 else table
    np.testing.assert_array_equal(ds.points, expected)
    assert ds.columns == (tuple(f"c{j}" for j in range(table.shape[1])) if header else None)


def test_a_column_name_holding_a_comma_is_quoted(tmp_path):
    p = write(tmp_path, "q.csv", 'x,"price, usd",y\n1,2,3\n4,5,6\n')
    np.testing.assert_array_equal(load_points(p, columns='"price, usd",x'), [[2, 1], [5, 4]])
    assert Dataset.from_file(p, columns='y, "price, usd"').columns == ("y", "price, usd")
