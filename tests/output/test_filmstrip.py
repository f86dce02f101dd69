"""Filmstrips: chosen frames as one still PNG, SVG or PDF, for ``animate``, ``compare``
and ``sweep`` alike, written atomically."""

from __future__ import annotations

import re

import matplotlib as mpl
import matplotlib.image as mimage
import numpy as np
import pytest

from kmeans_anim import animate, compare, lloyd, make_blobs, sweep
from kmeans_anim.layout import PANEL_SIZE

POINTS, _ = make_blobs(4, 30, 2, (-2.0, 2.0), 0.4, seed=3)


def _width(panels_wide: int, dpi: float = 100) -> int:
    """Width in pixels of a filmstrip that many panels wide (their height follows the
    plot's aspect)."""
    return round(PANEL_SIZE[0] * panels_wide * dpi)


def _svg_text(anim, path, **kw) -> str:
    with mpl.rc_context({"svg.fonttype": "none"}):  # keep the captions as text
        anim.filmstrip(path, **kw)
    return path.read_text()


def test_default_filmstrip_shows_first_last_and_states_between(tmp_path):
    anim = animate(POINTS, 4, seed=6, init="random", steps="split", tween=3)
    n_states = len(anim.trace)
    assert n_states > 6
    text = _svg_text(anim, tmp_path / "f.svg")
    captions = re.findall(r"i = (\d+) · (\w+)", text)
    shown = [int(i) for i, _ in captions]
    assert len(shown) == 6
    assert shown[0] == 0 and shown[-1] == n_states - 1
    assert shown == sorted(set(shown))  # distinct states, in order
    # states as they are: the points recoloured, never a half-way frame
    assert [w for _, w in captions] == ["assign"] * 5 + ["converged"]
    assert "<image" not in text  # markers and centroids are vector graphics


def test_chosen_frames_in_a_png_of_the_expected_size(tmp_path):
    anim = animate(POINTS, 4, seed=2)
    out = anim.filmstrip(tmp_path / "two.png", [0, -1])
    h, w = mimage.imread(out).shape[:2]
    assert w == _width(2)
    assert anim.filmstrip(tmp_path / "two.png", [0, -1], dpi=50) == out
    assert mimage.imread(out).shape[:2] == (round(h / 2), _width(2, 50))


def test_save_to_a_still_suffix_writes_the_default_filmstrip(tmp_path):
    anim = animate(POINTS, 4, seed=2)
    out = anim.save(tmp_path / "f.pdf")
    assert out.read_bytes()[:5] == b"%PDF-"
    img = mimage.imread(anim.save(tmp_path / "f.png"))
    panels = min(6, len(anim.trace))
    cols = int(np.ceil(np.sqrt(panels)))
    assert img.shape[1] == _width(cols)


def test_compare_filmstrip_has_a_row_per_run(tmp_path):
    anim = compare(POINTS, 4, [{"seed": s} for s in (0, 1, 2)], init="random")
    text = _svg_text(anim, tmp_path / "c.svg", frames=[0, -1])
    for s in (0, 1, 2):
        assert f"seed {s}" in text
    assert text.count("· best") == 2  # the best run's title, in its two panels
    h3, w3 = mimage.imread(anim.filmstrip(tmp_path / "c.png", [0, -1])).shape[:2]
    one = compare(POINTS, 4, [{"seed": 0}], init="random")
    h1, w1 = mimage.imread(one.filmstrip(tmp_path / "c1.png", [0, -1])).shape[:2]
    assert w3 == w1 == _width(2)
    assert h3 == pytest.approx(3 * h1, abs=2)  # a row per run


def test_sweep_filmstrip_shows_each_k_final_state(tmp_path):
    anim = sweep(POINTS, [2, 3, 4], seed=1)
    text = _svg_text(anim, tmp_path / "s.svg")
    for r in anim.results:
        *_, last = lloyd(POINTS, r.k, seed=1)
        assert f"k = {r.k} · i = {last.iteration} · converged" in text
        assert f"k = {r.k} · silhouette {r.silhouette:.2f}" in text


@pytest.mark.parametrize(
    ("frames", "error", "says"),
    [
        ([99], ValueError, "frames=99"),
        ([], TypeError, "frames must be a non-empty list"),
        ("0,1", TypeError, "frames must be a non-empty list"),
        ([0.5], TypeError, "frames"),
        (list(range(3)) * 30, ValueError, "at most 64"),
    ],
)
def test_bad_frames_leave_an_existing_file_untouched(tmp_path, frames, error, says):
    target = tmp_path / "f.png"
    target.write_bytes(b"old")
    with pytest.raises(error) as info:
        animate(POINTS, 4, seed=2).filmstrip(target, frames)
    assert says in str(info.value)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.png"]


def test_filmstrip_of_a_video_suffix_is_refused(tmp_path):
    with pytest.raises(ValueError, match=re.escape("a filmstrip is .png, .svg, .pdf")):
        animate(POINTS, 4, seed=2).filmstrip(tmp_path / "f.mp4")


def test_three_dimensional_filmstrip(tmp_path):
    p3, _ = make_blobs(3, 20, 3, seed=1)
    img = mimage.imread(animate(p3, 3, seed=0).filmstrip(tmp_path / "f.png", [0, -1]))
    assert img.shape[:2] == (round(PANEL_SIZE[1] * 100), _width(2))
