"""Hard to break: one matrix of bad input, each case run through the Python API and the CLI.

API: the exception type and a message naming the parameter and its value.
CLI (``main(argv)`` in this process): exit code 2, exactly one line on stderr, no
traceback, and no file left behind in the working folder. The real entry points are
smoke-tested in ``test_commands.py``.
"""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from helpers import CliResult, listing

from kmeans_anim import (
    Dataset,
    animate,
    lloyd,
    load_dataset,
    load_points,
    make_blobs,
    make_shapes,
)
from kmeans_anim.cli import main as cli_main
from kmeans_anim.core import Run

# --------------------------------------------------------------------------- helpers

X = np.array([[0.0, 0.0], [0.1, 0.2], [0.2, 0.1], [5.0, 5.0], [5.1, 4.9], [4.9, 5.2]])
X3 = np.column_stack([X, X[:, 0] * 2.0])
FIVE_ROWS = "1,2\n3,4\n5,6\n7,8\n9,10\n"


def npy_bytes(arr: np.ndarray) -> bytes:
    """What ``np.save`` writes for ``arr``."""
    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


def npz_bytes(**arrays: np.ndarray) -> bytes:
    """What ``np.savez`` writes for ``arrays``."""
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def assert_one_line_error(result: CliResult, match: str) -> str:
    """Exit code 2 and exactly one line on stderr, matching ``match``."""
    err = result.err
    assert result.code == 2, (result.code, err)
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert err.endswith("\n")
    line = lines[0]
    assert line.startswith("kmeans-anim: error: "), line
    assert re.search(match, line), (match, line)
    return line


def save_to(name: str, **kw) -> Callable[[Path], object]:
    return lambda d: animate(X, 2, seed=0, **kw).save(d / name, progress=False)


# --------------------------------------------------------------------------- the matrix


@dataclass(frozen=True)
class Case:
    """One kind of bad input.

    api : called with the working folder (where ``files`` were written); must raise.
    cli : arguments after ``python -m kmeans_anim`` (``-o out.mp4`` is added unless an
        ``-o`` is given); None when the mistake cannot be made on a command line.
    cli_match : regex for the CLI's line when it differs from ``match``.
    """

    id: str
    api: Callable[[Path], object] | None
    exc: type[BaseException]
    match: str
    cli: list[str] | None
    cli_match: str | None = None
    files: dict[str, str | bytes | np.ndarray] = field(default_factory=dict)


CASES = [
    # -- data
    Case(
        "empty-array",
        lambda d: animate(np.empty((0, 2)), 2),
        ValueError,
        r"points is empty: shape=\(0, 2\)",
        ["empty.npy"],
        r"empty\.npy is empty: shape=\(0, 2\)",
        files={"empty.npy": np.empty((0, 2))},
    ),
    Case(
        "empty-list",
        lambda d: lloyd([], 1),
        ValueError,
        r"points is empty",
        None,
    ),
    Case(
        "empty-csv",
        lambda d: load_points(d / "data.csv"),
        ValueError,
        r"data\.csv is empty: no rows to read",
        ["data.csv"],
        files={"data.csv": ""},
    ),
    Case(
        "one-point-k2",
        lambda d: animate([[1.0, 2.0]], 2),
        ValueError,
        r"n_samples=1 should be >= k=2",
        ["data.csv", "-k", "2"],
        files={"data.csv": "1,2\n"},
    ),
    Case(
        "nan",
        lambda d: animate(np.array([[0.0, 1.0], [np.nan, 2.0], [3.0, 4.0]]), 2),
        ValueError,
        r"points must be finite; found 1 NaN or infinite value",
        ["data.csv", "-k", "2"],
        r"data\.csv must be finite; found 1 NaN or infinite value",
        files={"data.csv": "0,1\nnan,2\n3,4\n"},
    ),
    Case(
        "inf",
        lambda d: animate(np.array([0.0, np.inf, -np.inf, 1.0]), 2),
        ValueError,
        r"points must be finite; found 2 NaN or infinite value",
        ["data.csv", "-k", "2"],
        r"data\.csv must be finite; found 2 NaN or infinite value",
        files={"data.csv": "0\ninf\n-inf\n1\n"},
    ),
    Case(
        "string-in-column-no-header",
        lambda d: load_points(d / "data.csv"),
        ValueError,
        r"data\.csv, row 3, column 1: 'abc' is not a number",
        ["data.csv"],
        files={"data.csv": "1,2\n3,4\n5,abc\n"},
    ),
    Case(
        "string-in-named-column",
        lambda d: load_points(d / "data.csv", columns="x,y"),
        ValueError,
        r"data\.csv, row 3, column y: 'abc' is not a number",
        ["data.csv", "--columns", "x,y"],
        files={"data.csv": "x,y\n1,2\n3,abc\n5,6\n"},
    ),
    Case(
        # a numeric column with one typo must not be dropped silently as "not numeric"
        "string-in-column-header",
        lambda d: load_points(d / "data.csv"),
        ValueError,
        r"data\.csv, row 3, column y: 'abc' is not a number",
        ["data.csv"],
        files={"data.csv": "x,y\n1,2\n3,abc\n5,6\n"},
    ),
    Case(
        "blank-field",
        lambda d: load_points(d / "data.csv"),
        ValueError,
        r"data\.csv, row 3, column y: an empty field is not a number",
        ["data.csv"],
        files={"data.csv": "x,y\n1,2\n3,\n5,6\n"},
    ),
    Case(
        "string-array",
        lambda d: animate(np.array([["1", "2"], ["3", "4"]]), 2),
        TypeError,
        r"points must hold real numbers; got dtype=<U1",
        None,
    ),
    Case(
        "ragged-csv",
        lambda d: load_points(d / "data.csv"),
        ValueError,
        r"data\.csv, row 3: 1 fields where 2 were expected \(ragged CSV\)",
        ["data.csv"],
        files={"data.csv": "1,2\n3,4\n5\n7,8\n"},
    ),
    Case(
        "ragged-list",
        lambda d: animate([[1.0, 2.0], [3.0]], 1),
        ValueError,
        r"points must be a rectangular array; got a ragged sequence",
        None,
    ),
    Case(
        "header-only-csv",
        lambda d: load_points(d / "data.csv"),
        ValueError,
        r"data\.csv has a header row but no data rows",
        ["data.csv"],
        files={"data.csv": "x,y\n"},
    ),
    Case(
        "missing-column",
        lambda d: load_points(d / "data.csv", columns="x,z"),
        ValueError,
        r"columns: no column 'z' in data\.csv; it has x, y",
        ["data.csv", "--columns", "x,z"],
        files={"data.csv": "x,y\n1,2\n3,4\n"},
    ),
    Case(
        "column-index-out-of-range",
        lambda d: load_points(d / "data.csv", columns=5),
        ValueError,
        r"columns: index 5 is out of range for data\.csv \(2 columns\)",
        ["data.csv", "--columns", "5"],
        files={"data.csv": "x,y\n1,2\n3,4\n"},
    ),
    Case(
        "missing-file",
        lambda d: load_points(d / "missing.csv"),
        ValueError,
        r"missing\.csv'?: no such file",
        ["missing.csv"],
    ),
    Case(
        "data-is-a-folder",
        lambda d: load_points(d / "data.csv"),
        ValueError,
        r"data\.csv' is a folder, not a data file",
        ["data.csv"],
        files={"data.csv/keep": "1,2\n"},
    ),
    Case(
        "data-gzip-compressed",
        lambda d: load_points(d / "data.csv"),
        ValueError,
        r"data\.csv is gzip-compressed, not text; "
        r"decompress it first \(zcat data\.csv > plain\.csv\)",
        ["data.csv"],
        files={"data.csv": gzip.compress(FIVE_ROWS.encode())},
    ),
    Case(
        "data-not-utf8",
        lambda d: load_points(d / "data.csv"),
        ValueError,
        r"data\.csv is not UTF-8 text: line 3 has the byte 0xe9; save the file as UTF-8",
        ["data.csv"],
        files={"data.csv": "x,y\n1,2\ncaf\u00e9,3\n".encode("latin-1")},
    ),
    Case(
        "data-npz-named-csv",
        lambda d: load_points(d / "data.csv"),
        ValueError,
        r"data\.csv is a zip archive \(an \.npz is one\), not text; .* name it \.npz",
        ["data.csv"],
        files={"data.csv": npz_bytes(a=X)},
    ),
    Case(
        "data-npy-named-csv",
        lambda d: load_points(d / "data.csv"),
        ValueError,
        r"data\.csv is a NumPy \.npy file, not text; name it \.npy",
        ["data.csv"],
        files={"data.csv": npy_bytes(X)},
    ),
    Case(
        "npz-several-arrays-no-key",
        lambda d: load_points(d / "two.npz"),
        ValueError,
        r"two\.npz holds 2 arrays \(a, b\); pick one as two\.npz:KEY",
        ["two.npz"],
        files={"two.npz": npz_bytes(a=X, b=X3)},
    ),
    Case(
        "npz-unknown-key",
        lambda d: load_points(f"{d}/two.npz:c"),
        ValueError,
        r"two\.npz: no array 'c'; it holds a, b",
        ["two.npz:c"],
        files={"two.npz": npz_bytes(a=X, b=X3)},
    ),
    Case(
        "3d-array",
        lambda d: animate(np.zeros((4, 2, 2)), 2),
        ValueError,
        r"points must have shape \(n,\) or \(n, d\); got an array with ndim=3",
        ["cube.npy"],
        r"cube\.npy must have shape \(n,\) or \(n, d\); got an array with ndim=3",
        files={"cube.npy": np.zeros((4, 2, 2))},
    ),
    Case(
        "object-array",
        lambda d: animate(np.array([1.0, "a", None], dtype=object), 2),
        TypeError,
        r"points must hold real numbers; got an object array with non-numeric values",
        ["objects.npy"],
        r"[Oo]bject arrays cannot be loaded|objects\.npy",
        files={"objects.npy": np.array([1.0, "a", None], dtype=object)},
    ),
    Case(
        "data-and-dataset",
        None,
        ValueError,
        "",
        ["data.csv", "--dataset", "iris"],
        r"give one of a data file, --dataset or --shape; got a data file and --dataset",
        files={"data.csv": FIVE_ROWS},
    ),
    Case(
        "shape-and-dataset",
        None,
        ValueError,
        "",
        ["--shape", "moons", "--dataset", "iris"],
        r"give one of a data file, --dataset or --shape; got --dataset and --shape",
    ),
    Case(
        "shape-unknown",
        lambda d: make_shapes("blobs"),
        ValueError,
        r"kind='blobs' is not valid; choose one of 'moons', 'circles'",
        ["--shape", "blobs"],
        r"argument --shape: invalid choice: 'blobs'",
    ),
    Case(
        "shape-points-zero",
        lambda d: make_shapes("moons", n=0),
        ValueError,
        r"n=0 should be >= 1",
        ["--shape", "moons", "--points", "0"],
    ),
    Case(
        "truth-column-for-a-shape",
        None,
        ValueError,
        "",
        ["--shape", "moons", "--truth", "kind"],
        r"--truth 'kind': --shape data has no columns; use --truth alone",
    ),
    Case(
        "truth-alone-for-a-file",
        None,
        ValueError,
        "",
        ["data.csv", "--truth"],
        r"--truth needs the COLUMN of the data file that holds the classes",
        files={"data.csv": FIVE_ROWS},
    ),
    Case(
        "optimum-on-2d-data",
        lambda d: animate(np.zeros((4, 2)) + np.arange(4)[:, None], 2, optimum=True),
        ValueError,
        r"optimum=True applies to 1-D data only; the data has d=2 columns",
        ["--dim", "2", "--optimum"],
    ),
    Case(
        "columns-without-file",
        None,
        ValueError,
        "",
        ["--columns", "a,b"],
        r"--columns needs a data file",
    ),
    Case("unknown-option", None, ValueError, "", ["--bogus"], r"unrecognized arguments: --bogus"),
    # -- k
    Case("k-zero", lambda d: animate(X, 0), ValueError, r"k=0 should be >= 1", ["-k", "0"]),
    Case("k-negative", lambda d: animate(X, -3), ValueError, r"k=-3 should be >= 1", ["-k", "-3"]),
    Case(
        "k-float",
        lambda d: animate(X, 2.5),
        TypeError,
        r"k must be an int; got k=2\.5",
        ["-k", "2.5"],
        r"argument -k: invalid int value: '2\.5'",
    ),
    Case(
        "k-bool",
        lambda d: animate(X, True),
        TypeError,
        r"k must be an int; got k=True",
        ["-k", "True"],
        r"argument -k: invalid int value: 'True'",
    ),
    Case(
        "k-too-large",
        lambda d: animate(np.arange(5.0), 6),
        ValueError,
        r"n_samples=5 should be >= k=6",
        ["data.csv", "-k", "6"],
        files={"data.csv": FIVE_ROWS},
    ),
    # -- algorithm options
    Case(
        "init-shape",
        lambda d: animate(X, 2, init=np.zeros((3, 2))),
        ValueError,
        r"init has shape \(3, 2\); expected \(2, 2\) for k=2 and d=2",
        None,
    ),
    Case(
        "init-1d-for-2d",
        lambda d: lloyd(X, 2, init=[0.0, 1.0]),
        ValueError,
        r"init has shape \(2,\); expected \(2, 2\)",
        None,
    ),
    Case(
        "init-nan",
        lambda d: animate(X, 2, init=[[np.nan, 0.0], [1.0, 1.0]]),
        ValueError,
        r"init must be finite; found 1 NaN",
        None,
    ),
    Case(
        "init-unknown",
        lambda d: animate(X, 2, init="nope"),
        ValueError,
        r"init='nope' is not valid; choose one of 'k-means\+\+', 'random', 'farthest'",
        ["--init", "nope"],
        r"argument --init: invalid choice: 'nope' "
        r"\(choose from '?k-means\+\+'?, '?random'?, '?farthest'?, '?click'?\)",
    ),
    Case(
        "empty-policy-unknown",
        lambda d: animate(X, 2, empty="nope"),
        ValueError,
        r"empty='nope' is not valid; choose one of 'farthest', 'keep'",
        ["--empty", "nope"],
        r"argument --empty: invalid choice: 'nope' \(choose from '?farthest'?, '?keep'?\)",
    ),
    Case(
        "max-iter-zero",
        lambda d: animate(X, 2, max_iter=0),
        ValueError,
        r"max_iter=0 should be >= 1",
        ["--max-iter", "0"],
    ),
    Case(
        "tol-negative",
        lambda d: animate(X, 2, tol=-1.0),
        ValueError,
        r"tol=-1\.0 should be finite and >= 0\.0",
        ["--tol", "-1"],
    ),
    Case(
        "tol-nan",
        lambda d: animate(X, 2, tol=float("nan")),
        ValueError,
        r"tol=nan should be finite",
        ["--tol", "nan"],
    ),
    Case(
        "seed-negative",
        lambda d: lloyd(X, 2, seed=-1),
        ValueError,
        r"seed=-1 should be >= 0",
        ["--seed", "-1"],
        r"seed=-1 should be >= 0",
    ),
    # -- view options
    Case(
        "steps-unknown",
        lambda d: animate(X, 2, steps="nope"),
        ValueError,
        r"steps='nope' is not valid; choose one of 'iteration', 'split'",
        ["--steps", "nope"],
        r"argument --steps: invalid choice: 'nope'",
    ),
    Case(
        "projection-unknown",
        lambda d: animate(X3, 2, projection="nope"),
        ValueError,
        r"projection='nope' is not valid",
        ["--dim", "3", "--projection", "nope"],
        r"invalid projection 'nope': use 'pca' or two columns by index or name",
    ),
    Case(
        "projection-unknown-column",
        lambda d: animate(load_dataset("iris"), 2, projection=("petal_length", "petals")),
        ValueError,
        r"projection=\('petal_length', 'petals'\): no column 'petals'; it has "
        r"sepal_length, sepal_width, petal_length, petal_width",
        ["--dataset", "iris", "--projection", "petal_length,petals"],
    ),
    Case(
        "projection-name-without-names",
        lambda d: animate(X3, 2, projection=("a", "b")),
        ValueError,
        r"projection=\('a', 'b'\): the data has no column names, so column 'a' must be",
        ["--dim", "3", "--projection", "a,b"],
    ),
    Case(
        "projection-same-column",
        lambda d: animate(load_dataset("iris"), 2, projection=("sepal_width", 1)),
        ValueError,
        r"projection=\('sepal_width', 1\): need two different columns",
        ["--dataset", "iris", "--projection", "sepal_width,1"],
    ),
    Case(
        "standardize-not-a-bool",
        lambda d: lloyd(X, 2, standardize="yes"),
        TypeError,
        r"standardize must be True or False; got standardize='yes'",
        None,
    ),
    Case(
        "palette-unknown",
        lambda d: animate(X, 2, palette="viridiss"),
        ValueError,
        r"palette='viridiss' is not a palette: use 'hsv', 'okabe-ito', the name of a "
        r"matplotlib colormap .* Did you mean 'viridis'",
        ["--dim", "2", "--palette", "viridiss"],
    ),
    Case(
        "palette-too-few-colours",
        lambda d: animate(X, 3, palette=["red", "blue"]),
        ValueError,
        r"palette=\['red', 'blue'\] has 2 colours, fewer than the k=3 clusters",
        ["--dim", "2", "-k", "3", "--palette", "red,blue"],
    ),
    Case(
        "palette-okabe-ito-k9",
        lambda d: animate(np.arange(20.0), 9, palette="okabe-ito"),
        ValueError,
        r"palette='okabe-ito' has 8 colours, fewer than the k=9 clusters; use 'hsv'",
        ["--points", "10", "-k", "9", "--palette", "okabe-ito"],
    ),
    Case(
        "palette-unknown-colour",
        lambda d: animate(X, 2, palette=["red", "nope"]),
        ValueError,
        r"palette=\['red', 'nope'\]: 'nope' is not a colour matplotlib knows",
        ["--dim", "2", "--palette", "red,nope"],
    ),
    Case(
        "palette-not-a-sequence",
        lambda d: animate(X, 2, palette=3),
        TypeError,
        r"palette must be a name or a list of colours; got palette=3",
        None,
    ),
    Case(
        "truth-wrong-length",
        lambda d: animate(X, 2, truth=[0, 1]),
        ValueError,
        r"truth must hold one label per point \(6\); got shape \(2,\)",
        None,
    ),
    Case(
        "truth-true-without-classes",
        lambda d: animate(X, 2, truth=True),
        ValueError,
        r"truth=True takes the classes of a Dataset that has them",
        None,
    ),
    Case(
        "truth-too-many-classes",
        lambda d: animate(np.arange(20.0), 2, truth=np.arange(20)),
        ValueError,
        r"truth has 20 classes; they are drawn as marker shapes, of which there are 8",
        None,
    ),
    Case(
        "truth-with-density",
        lambda d: animate(X, 2, truth=[0, 0, 0, 1, 1, 1], render="density"),
        ValueError,
        r"truth= draws the known classes as marker shapes, which the density image has not",
        None,
    ),
    Case(
        "truth-unknown-column",
        lambda d: Dataset.from_file(d / "named.csv", truth="kind"),
        ValueError,
        r"truth: no column 'kind' in named\.csv; it has x, y",
        ["named.csv", "--truth", "kind"],
        files={"named.csv": "x,y\n" + FIVE_ROWS},
    ),
    Case(
        "palette-unknown-with-columns-of-other-scales",
        lambda d: animate(Dataset.from_file(d / "wide.csv"), 2, palette="nope"),
        ValueError,
        r"palette='nope' is not a palette",
        ["wide.csv", "-k", "2", "--palette", "nope"],  # one line: no scale warning first
        files={"wide.csv": "a,b\n" + "".join(f"{i},{1000 * i * i}\n" for i in range(6))},
    ),
    Case(
        "truth-missing-labels",
        lambda d: animate(X, 2, truth=["a", None, "a", "b", "b", "b"]),
        ValueError,
        r"truth must not hold missing labels \(None, NaN or NA\)",
        None,
    ),
    Case(
        "truth-empty-field",
        lambda d: Dataset.from_file(d / "cls.csv", truth="c"),
        ValueError,
        r"truth: column 'c' of cls\.csv has an empty field in data row 2",
        ["cls.csv", "--truth", "c"],
        files={"cls.csv": "x,y,c\n1,2,a\n2,3,\n8,9,b\n9,9,b\n"},
    ),
    Case(
        "truth-without-header",
        lambda d: Dataset.from_file(d / "nohdr.csv", truth="2"),
        ValueError,
        r"truth: nohdr\.csv has no header row; a column of classes is named in a header",
        ["nohdr.csv", "--truth", "2"],
        files={"nohdr.csv": "1,2,0\n2,3,0\n8,9,1\n9,9,1\n"},
    ),
    Case(
        "truth-dataset-without-classes",
        None,
        ValueError,
        "",
        ["--dataset", "old_faithful", "--truth", "species"],
        r"--truth 'species': the dataset old_faithful has no known classes",
    ),
    Case(
        "masked-points",
        lambda d: animate(np.ma.masked_array(X, mask=X > 5.0), 2),
        ValueError,
        r"points is a masked array with 2 masked value\(s\); leave those rows out first",
        None,
    ),
    Case(
        "labels-too-few",
        lambda d: animate(X, 2, labels=["x"]),
        ValueError,
        r"labels=\['x'\] has 1 name; the data has 2 columns",
        ["--dim", "2", "--labels", "x"],
    ),
    Case(
        "labels-not-strings",
        lambda d: animate(X, 2, labels=[1, 2]),
        TypeError,
        r"labels must be strings; got labels=\[1, 2\]",
        None,
    ),
    Case(
        "projection-on-2d",
        lambda d: animate(X, 2, projection="pca"),
        ValueError,
        r"projection='pca' needs data with 3 or more columns; the data has 2",
        ["--dim", "2", "--projection", "pca"],
    ),
    Case(
        "render-unknown",
        lambda d: animate(X, 2, render="nope"),
        ValueError,
        r"render='nope' is not valid; choose one of 'auto', 'points', 'density'",
        ["--render", "nope"],
        r"argument --render: invalid choice: 'nope'",
    ),
    Case(
        "render-density-in-3d",
        lambda d: animate(X3, 2, render="density"),
        ValueError,
        r"render='density' is not available for 3-D data; use projection='pca'",
        ["--dim", "3", "--render", "density"],
    ),
    Case(
        "fps-zero",
        lambda d: animate(X, 2, fps=0),
        ValueError,
        r"fps=0\.0 should be finite and >= 0\.0001\.",
        ["--fps", "0"],
    ),
    Case(
        "fps-negative",
        lambda d: animate(X, 2, fps=-2.0),
        ValueError,
        r"fps=-2\.0 should be finite and >= 0\.0001\.",
        ["--fps", "-2"],
    ),
    Case(
        "fps-not-a-number",
        None,
        ValueError,
        "",
        ["--fps", "fast"],
        r"argument --fps: invalid float value: 'fast'",
    ),
    Case(
        "save-fps-zero",
        lambda d: animate(X, 2).save(d / "o.mp4", fps=0),
        ValueError,
        r"fps=0\.0 should be finite and >= 0\.0001\.",
        None,
    ),
    Case(
        "dpi-zero",
        lambda d: animate(X, 2, dpi=0),
        ValueError,
        r"dpi=0\.0 should be finite and > 0\.0",
        ["--dpi", "0"],
    ),
    Case(
        "dpi-negative",
        lambda d: animate(X, 2).save(d / "o.mp4", dpi=-5),
        ValueError,
        r"dpi=-5\.0 should be finite and > 0\.0",
        ["--dpi", "-5"],
    ),
    # too big: found by the CLI fuzz test (a traceback from an overflow before)
    Case(
        "fps-huge",
        lambda d: animate(X, 2, fps=1e308),
        ValueError,
        r"fps=1e\+308 should be <= 1000\.",
        ["--fps", "1e308"],
    ),
    Case(
        "save-fps-too-high",
        lambda d: animate(X, 2).save(d / "o.mp4", fps=1001),
        ValueError,
        r"fps=1001\.0 should be <= 1000\.",
        None,
    ),
    Case(
        "hold-huge",
        lambda d: animate(X, 2, hold=1e308),
        ValueError,
        r"hold=1e\+308 should be <= 3600\.",
        ["--hold", "1e308"],
    ),
    Case(
        "tween-huge",
        lambda d: animate(X, 2, tween=10**21),
        ValueError,
        r"tween=1000000000000000000000 should be <= 1000\.",
        ["--tween", "1000000000000000000000"],
    ),
    Case(
        "fps-int-too-big-for-a-float",
        lambda d: animate(X, 2, fps=10**400),
        ValueError,
        r"fps=<int of 1329 bits> should be finite\.",
        ["--fps", "1e400"],
        r"fps=inf should be finite and >= 0\.0001\.",
    ),
    Case(
        "frame-half-a-pixel-too-wide",
        lambda d: animate(X, 2, figsize=(81.925, 4.8)),
        ValueError,
        r"gives a 8192\.5x480-pixel frame; the largest is 8192x8192\.",
        None,
    ),
    Case(
        "dpi-huge",
        lambda d: animate(X, 2, dpi=1e308),
        ValueError,
        r"dpi=1e\+308 gives a infxinf-pixel frame; the largest is 8192x8192\.",
        ["--dpi", "1e308"],
    ),
    Case(
        "save-dpi-too-high",
        lambda d: animate(X, 2).save(d / "o.mp4", dpi=2000),
        ValueError,
        r"dpi=2000 gives a 12800x9600-pixel frame; the largest is 8192x8192\.",
        ["--dpi", "2000"],
    ),
    # -- bounded resources: no accepted value may exhaust the machine
    Case(
        "fps-below-the-encoders-minimum",
        lambda d: animate(X, 2, fps=1e-9),
        ValueError,
        r"fps=1e-09 should be finite and >= 0\.0001\.",
        ["--fps", "1e-9"],
    ),
    Case(
        "marker-size-huge",
        lambda d: animate(X, 2, marker_size=1e6),
        ValueError,
        r"marker_size=1000000\.0 should be <= 100\.",
        ["--marker-size", "1e6"],
    ),
    Case(
        "marker-size-absurd",
        lambda d: animate(X, 2, marker_size=1e300),
        ValueError,
        r"marker_size=1e\+300 should be <= 100\.",
        ["--marker-size", "1e300"],
    ),
    Case(
        "generated-points-huge",
        lambda d: make_blobs(3, 5_000_000_000),
        ValueError,
        r"points_per_cluster=5000000000 should be <= 20000000\.",
        ["--points", "5000000000"],
    ),
    Case(
        "generated-clusters-huge",
        lambda d: make_blobs(10**12, 1),
        ValueError,
        r"n_clusters=1000000000000 should be <= 10000\.",
        ["--clusters", "1000000000000"],
    ),
    Case(
        "generated-values-too-many",
        lambda d: make_blobs(1000, 10_000, dim=3),
        ValueError,
        r"n_clusters=1000 × points_per_cluster=10000 × dim=3 is 30,000,000 values; "
        r"at most 20,000,000\.",
        ["--clusters", "1000", "--points", "10000", "--dim", "3"],
    ),
    Case(
        "hold-times-fps-too-many-frames",
        lambda d: animate(X, 2, seed=0, hold=3600, fps=1000),
        ValueError,
        r"fps=1000 with hold=3600, tween=0 and \d+ states makes 3,600,\d{3} frames; "
        r"at most 100,000",
        ["--hold", "3600", "--fps", "1000"],
    ),
    Case(
        "save-fps-too-many-frames",
        lambda d: animate(X, 2, seed=0, hold=3600).save(d / "o.mp4", fps=100),
        ValueError,
        r"fps=100 with hold=3600, .* makes 360,00\d frames; at most 100,000",
        None,
    ),
    Case(
        "max-iter-huge",
        lambda d: lloyd(X, 2, max_iter=10**9),
        ValueError,
        r"max_iter=1000000000 should be <= 100000\.",
        ["--max-iter", "1000000000"],
    ),
    Case(
        "stall-timeout-zero",
        lambda d: animate(X, 2, seed=0).save(d / "o.mp4", stall_timeout=0),
        ValueError,
        r"stall_timeout=0\.0 should be finite and > 0\.0\.",
        ["--stall-timeout", "0"],
    ),
    Case(
        "stall-timeout-huge",
        lambda d: animate(X, 2, seed=0).save(d / "o.mp4", stall_timeout=1e9),
        ValueError,
        r"stall_timeout=1000000000\.0 should be <= 3600\.",
        ["--stall-timeout", "1e9"],
    ),
    # -- what the core cannot compute
    Case(
        "points-whose-squares-overflow",
        lambda d: lloyd(X * 1e200, 2),
        ValueError,
        r"points has values up to 5\.2e\+200 in magnitude; for 6 points of 2 column\(s\) "
        r"the squared distances overflow float64 above 1\.94e\+153",
        ["big.csv"],
        r"big\.csv has values up to 1\.7e\+308 in magnitude",
        files={"big.csv": "1.7e308,0\n-1.7e308,1\n0,2\n"},
    ),
    Case(
        "points-int-too-large-for-a-float",
        lambda d: animate([[1, 2], [3, 10**400]], 1),
        ValueError,
        r"points holds an integer too large for a float64: <int of 1329 bits>\.",
        None,
    ),
    Case(
        "title-bad-mathtext",
        lambda d: animate(X, 2, title="$x_$"),
        ValueError,
        r"title='\$x_\$' is not valid mathtext \(text between \$ signs\): found end of text "
        r"at character 2",
        ["--title", "$x_$"],
    ),
    Case(
        "title-bytes-not-utf8",
        lambda d: animate(X, 2, title="caf\udce9"),
        ValueError,
        r"title='caf\\udce9' is not text: character 3 stands for a byte that is not UTF-8",
        ["--title", "caf\udce9"],
    ),
    # -- output
    Case(
        "output-folder-missing",
        save_to("nope/out.mp4"),
        ValueError,
        r"out\.mp4'?: the folder '.*nope' does not exist",
        ["-o", "nope/out.mp4"],
    ),
    Case(
        "output-suffix-unknown",
        save_to("out.avi"),
        ValueError,
        r"unsupported suffix '\.avi'; use one of \.mp4, \.gif, \.webm, \.html",
        ["-o", "out.avi"],
    ),
    Case(
        "output-no-suffix",
        save_to("out"),
        ValueError,
        r"unsupported suffix '\(none\)'",
        ["-o", "out"],
    ),
    Case(
        "output-is-folder",
        save_to("sub.mp4"),
        ValueError,
        r"sub\.mp4' is a folder; give a file name",
        ["-o", "sub.mp4"],
        files={"sub.mp4/keep": "x"},
    ),
    Case(
        # Path() drops the slash: this was "unsupported suffix '(none)'", hiding the slip
        "output-trailing-slash",
        lambda d: animate(X, 2).save(f"{d}/out/", progress=False),
        ValueError,
        r"out/' ends with a slash, so it names a folder, not a file",
        ["-o", "out/"],
    ),
    Case(
        # once written to the file out.mp4, where cp would say "Not a directory"
        "output-suffix-and-trailing-slash",
        lambda d: animate(X, 2).save(f"{d}/out.mp4/", progress=False),
        ValueError,
        r"out\.mp4/' ends with a slash, so it names a folder, not a file",
        ["-o", "out.mp4/"],
    ),
    Case(
        "output-parent-is-a-file",
        save_to("notes.txt/out.mp4"),
        ValueError,
        r"out\.mp4': '(.*/)?notes\.txt' is a file, not a folder\.",
        ["-o", "notes.txt/out.mp4"],
        files={"notes.txt": "x"},
    ),
    Case(
        "output-grandparent-is-a-file",
        save_to("notes.txt/sub/out.mp4"),
        ValueError,
        r"out\.mp4': '(.*/)?notes\.txt' is a file, not a folder\.",
        ["-o", "notes.txt/sub/out.mp4"],
        files={"notes.txt": "x"},
    ),
    Case(
        # the same file by another spelling: samefile, not a comparison of names
        "output-is-the-data-file",
        None,
        ValueError,
        "",
        ["data.html", "-o", "./data.html"],
        r"--output '\./data\.html' is the data file 'data\.html'; saving would replace",
        files={"data.html": FIVE_ROWS},
    ),
    # -- datasets
    Case(
        "dataset-unknown",
        lambda d: load_dataset("nope"),
        ValueError,
        r"dataset='nope' does not exist; choose one of 'old_faithful', 'iris', 'wine'",
        ["--dataset", "nope"],
        r"argument --dataset: invalid choice: 'nope' "
        r"\(choose from '?iris'?, '?old_faithful'?, '?wine'?\)",
    ),
]

API_CASES = [pytest.param(c, id=c.id) for c in CASES if c.api is not None]
CLI_CASES = [pytest.param(c, id=c.id) for c in CASES if c.cli is not None]


def write_files(folder: Path, files: dict[str, str | bytes | np.ndarray]) -> None:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, np.ndarray):
            np.save(path, content, allow_pickle=content.dtype == object)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def test_matrix_size() -> None:
    # the common mistakes, one case each: keep the matrix from silently shrinking
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", API_CASES)
def test_api_rejects(case: Case, tmp_path: Path) -> None:
    write_files(tmp_path, case.files)
    before = listing(tmp_path)
    with pytest.raises(case.exc, match=case.match):
        result = case.api(tmp_path)
        if isinstance(result, Iterator):  # a generator validates when created, but be sure
            list(result)
    assert listing(tmp_path) == before


@pytest.mark.parametrize("case", CLI_CASES)
def test_cli_rejects(case: Case, tmp_path: Path, cli) -> None:
    write_files(tmp_path, case.files)
    args = list(case.cli)
    if "-o" not in args:
        args += ["-o", "out.mp4"]
    before = listing(tmp_path)
    result = cli(*args, cwd=tmp_path)
    assert_one_line_error(result, case.cli_match or case.match)
    assert result.out == ""
    assert listing(tmp_path) == before


# --------------------------------------------------------------------------- the one-point success


def test_one_point_k1_saves_api(tmp_path: Path) -> None:
    out = animate([[1.0, 2.0]], 1, seed=0, hold=0).save(tmp_path / "one.mp4", progress=False)
    assert out == tmp_path / "one.mp4"
    assert out.stat().st_size > 0
    assert listing(tmp_path) == {"one.mp4"}


def test_one_point_k1_saves_cli(tmp_path: Path, cli) -> None:
    (tmp_path / "one.csv").write_text("1,2\n")
    result = cli("one.csv", "-k", "1", "--hold", "0", "-o", "one.gif", cwd=tmp_path)
    assert result.code == 0, result.err
    assert result.err == ""
    assert result.out.startswith("wrote one.gif (seed ")
    assert (tmp_path / "one.gif").read_bytes()[:6] in (b"GIF89a", b"GIF87a")
    assert listing(tmp_path) == {"one.csv", "one.gif"}


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
        (3, {"regions": True}, "regions=True is not available for 3-D data"),
        (
            4,
            {"projection": (0, 9)},
            r"projection=\(0, 9\): index 9 is out of range for the data \(4 columns\)",
        ),
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
