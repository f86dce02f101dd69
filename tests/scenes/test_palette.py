"""Tests of the cluster colours."""

from __future__ import annotations

import colorsys

import numpy as np
import pytest

from kmeans_anim import hsv_palette


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
