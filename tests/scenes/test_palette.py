"""Tests of the cluster colours."""

from __future__ import annotations

import colorsys

import matplotlib
import numpy as np
import pytest
from helpers import decode, palette_present

from kmeans_anim import animate, cluster_colours, hsv_palette, make_blobs


@pytest.mark.parametrize("k", [1, 2, 3, 7, 20])
def test_hsv_palette_hues_saturation_value(k):
    colours = hsv_palette(k)
    assert isinstance(colours, list)
    assert len(colours) == k
    hsv = []
    for rgb in colours:
        assert isinstance(rgb, tuple) and len(rgb) == 3
        assert all(isinstance(v, float) and 0.0 <= v <= 1.0 for v in rgb)
        hsv.append(colorsys.rgb_to_hsv(*rgb))
    h, s, v = np.array(hsv).T
    np.testing.assert_allclose(h, np.linspace(0, 1, k + 1)[:-1], atol=1e-9)
    np.testing.assert_allclose(s, 0.8, atol=1e-9)
    np.testing.assert_allclose(v, 0.8, atol=1e-9)


def test_hsv_palette_one_colour_is_red():
    (rgb,) = hsv_palette(1)
    np.testing.assert_allclose(rgb, (0.8, 0.8 * 0.2, 0.8 * 0.2), atol=1e-12)


def test_hsv_palette_colours_are_distinct():
    colours = hsv_palette(12)
    assert len(set(colours)) == 12
    assert hsv_palette(np.int64(4)) == hsv_palette(4)


@pytest.mark.parametrize(
    ("k", "exc", "match"),
    [
        (0, ValueError, r"k=0 should be >= 1"),
        (-2, ValueError, r"k=-2 should be >= 1"),
        (1.5, TypeError, r"k must be an int; got k=1\.5"),
        (2.0, TypeError, r"k must be an int; got k=2\.0"),
        (True, TypeError, r"k must be an int; got k=True"),
        ("3", TypeError, r"k must be an int; got k='3'"),
        (None, TypeError, r"k must be an int; got k=None"),
    ],
)
def test_hsv_palette_bad_k(k, exc, match):
    with pytest.raises(exc, match=match):
        hsv_palette(k)


# --------------------------------------------------------------------------- palettes


def test_okabe_ito_is_the_published_set_in_order():
    got = cluster_colours("okabe-ito", 8)
    want = [(230, 159, 0), (86, 180, 233), (0, 158, 115), (240, 228, 66), (0, 114, 178),
            (213, 94, 0), (204, 121, 167), (0, 0, 0)]  # fmt: skip
    np.testing.assert_allclose(np.array(got) * 255, want, atol=1e-9)
    assert cluster_colours("okabe-ito", 3) == got[:3]


def test_a_qualitative_colormap_in_order_a_continuous_one_sampled():
    tab10 = matplotlib.colormaps["tab10"]
    assert cluster_colours("tab10", 4) == [tuple(c[:3]) for c in tab10.colors[:4]]
    viridis = matplotlib.colormaps["viridis"]
    got = cluster_colours("viridis", 4)
    np.testing.assert_allclose(got, [viridis(q)[:3] for q in (0.125, 0.375, 0.625, 0.875)])
    assert cluster_colours("hsv", 5) == hsv_palette(5)


def test_a_list_of_colours_first_k():
    got = cluster_colours(["red", "#00ff00", (0, 0, 1), "0.5"], 3)
    assert got == [(1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)]


@pytest.mark.parametrize("palette", ["okabe-ito", "tab10", ["#000000", "#E69F00", "#56B4E9"]])
def test_every_palette_colour_shows_in_a_saved_frame(tmp_path, palette):
    points, _ = make_blobs(3, 40, dim=2, std=0.2, seed=4)
    out = animate(points, 3, seed=4, palette=palette, hold=0, dpi=60).save(
        tmp_path / "p.mp4", progress=False
    )
    _meta, frames = decode(out)
    last = frames[-1]
    for rgb in cluster_colours(palette, 3):
        assert palette_present(last, rgb, tol=24), rgb


def test_centroids_have_a_white_ring_inside_the_black_edge(tmp_path):
    """A black cluster's centroid still shows: black fill, white ring, black edge."""
    # two clusters in the middle; two corner points of their own keep them off the
    # axes' edges and away from the caption
    points = np.array([[0.0, 0.0], [1.5, 2.0], [1.6, 2.0], [3.0, 1.5], [3.1, 1.5], [4.0, 4.0]])
    anim = animate(
        points, 4, init=points[[0, 1, 3, 5]], palette=["black"] * 4, hold=0,
        figsize=(3, 2), dpi=200,
    )  # fmt: skip
    out = anim.save(tmp_path / "c.gif", progress=False)
    _meta, frames = decode(out)
    last = frames[-1].astype(int)
    height = last.shape[0]
    pt = 200 / 72  # pixels per point
    radius = 11.2 / 2 * pt  # the centroid marker: 1.6 x the points' size 7

    def pixel(x: float, y: float) -> np.ndarray:
        return last[round(height - y), round(x)]

    for centre in anim.trace.centroids[-1][1:3]:
        cx, cy = anim.scene.ax.transData.transform(centre)
        for a in np.linspace(0, 2 * np.pi, 8, endpoint=False):

            def ray(lo: float, hi: float) -> np.ndarray:
                """Grey levels from lo to hi times the radius along the angle a."""
                rs = np.linspace(lo, hi, 6) * radius
                return np.array(
                    [pixel(cx + r * np.cos(a), cy + r * np.sin(a)).mean() for r in rs]  # noqa: B023
                )

            assert ray(0.0, 0.6).max() < 80, (centre, a, "fill")
            assert ray(0.8, 1.05).max() > 180, (centre, a, "white ring")
            assert ray(1.1, 1.35).min() < 80, (centre, a, "black edge")
