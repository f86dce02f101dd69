"""Columns that are not numbers: left out and named in one message, the same for
files, data frames, ``animate`` and ``lloyd``; a hint for those meant as numbers."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from kmeans_anim import Dataset, KMeansWarning, animate, lloyd, load_points

CSV = 'x,y,name,price,flag\n1,2,a,"1,000",true\n3,4,b,"2,000",false\n5,6,c,"3,500",true\n'


def test_a_csv_names_what_it_leaves_out_with_hints(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text(CSV)
    with pytest.warns(KMeansWarning) as w:
        pts = load_points(p)
    assert pts.shape == (3, 2)
    (msg,) = [str(x.message) for x in w]
    assert msg.startswith("left out the non-numeric columns 'name', 'price', 'flag'; ")
    assert "'price' looks like numbers with thousands separators ('1,000')" in msg
    assert "'flag' holds true/false" in msg
    assert [x.filename for x in w] == [__file__]


def test_a_frame_and_its_file_get_the_same_note(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text(CSV)
    frame = pd.read_csv(p, dtype={"price": str})
    frame["flag"] = frame["flag"].astype(str).str.lower()
    with pytest.warns(KMeansWarning) as from_file:
        Dataset.from_file(p)
    with pytest.warns(KMeansWarning) as from_frame:
        list(lloyd(frame, 2, seed=0))
    assert [str(x.message) for x in from_frame] == [str(x.message) for x in from_file]
    assert [x.filename for x in from_frame] == [__file__]


def test_lloyd_leaves_a_frame_text_column_out_as_animate_does():
    frame = pd.DataFrame({"a": [0.0, 0.1, 5.0, 5.1], "b": [1.0, 1.2, 3.0, 3.1], "t": list("pqrs")})
    with pytest.warns(KMeansWarning, match="left out the non-numeric column 't'"):
        *_, last = lloyd(frame, 2, seed=0)
    with pytest.warns(KMeansWarning, match="left out the non-numeric column 't'"):
        anim = animate(frame, 2, seed=0)
    assert last.centroids.shape == (2, 2)
    assert (anim.trace.centroids[-1] == last.centroids).all()


def test_decimal_commas_are_named_when_nothing_is_numeric(tmp_path):
    p = tmp_path / "dc.csv"
    p.write_text("x;y\n1,5;2,5\n3,5;4,5\n5,1;6,2\n")
    with pytest.raises(ValueError) as info:
        load_points(p)
    assert str(info.value) == (
        "dc.csv has no numeric column; 'x', 'y' look like numbers with decimal commas "
        "('1,5'): write them with decimal points (pandas: decimal=',')."
    )
    frame = pd.read_csv(p, sep=";", dtype=str)
    with pytest.raises(TypeError, match="points has no numeric column; 'x', 'y' look like"):
        lloyd(frame, 2)


def test_the_class_column_is_not_reported_as_left_out(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("x,y,kind\n0,0,a\n1,1,b\n5,5,a\n6,6,b\n")
    for truth in ("kind", 2):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ds = Dataset.from_file(p, truth=truth)
        assert ds.columns == ("x", "y") and ds.class_names == ("a", "b")


def test_the_command_line_prints_the_note_on_one_line(cli, tmp_path):
    (tmp_path / "t.csv").write_text(CSV)
    res = cli(
        "t.csv", "-k", "2", "--seed", "0", "--fps", "4", "--hold", "0", "-o", "o.mp4", cwd=tmp_path
    )
    assert res.code == 0, res.err
    (line,) = res.err.splitlines()
    assert line.startswith("kmeans-anim: note: left out the non-numeric columns 'name'")
