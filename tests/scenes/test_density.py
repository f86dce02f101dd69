"""The density view: points as a per-pixel image coloured by cluster (many points)."""

from __future__ import annotations

import colorsys
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import decode
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kmeans_anim import animate, hsv_palette, lloyd, make_blobs
from kmeans_anim.scenes import DENSITY_THRESHOLD
from kmeans_anim.scenes.density import Density
from kmeans_anim.scenes.layers import Points, rgba8


def _pixel_of(anim, xy: np.ndarray) -> tuple[int, int]:
    """(row, column) in a saved frame of the data point ``xy`` (row 0 at the top)."""
    fig = anim.figure
    anim.figure.canvas.draw()
    x, y = anim.scene.ax.transData.transform(xy)
    height = fig.get_size_inches()[1] * fig.dpi
    return round(height - y), round(x)


@pytest.mark.parametrize("dim", [1, 2])
def test_auto_switches_to_density_above_threshold(dim: int) -> None:
    small, _ = make_blobs(2, 50, dim=dim, seed=0)
    big, _ = make_blobs(2, DENSITY_THRESHOLD // 2 + 1, dim=dim, seed=0)
    assert isinstance(animate(small, 2, seed=0, max_iter=2).scene.points, Points)
    assert isinstance(animate(big, 2, seed=0, max_iter=2).scene.points, Density)
    assert isinstance(animate(big, 2, seed=0, max_iter=2, render="points").scene.points, Points)
    assert isinstance(
        animate(small, 2, seed=0, max_iter=2, render="density").scene.points, Density
    )


def test_density_frame_shows_each_cluster_in_its_colour(tmp_path: Path) -> None:
    # Four tight, far-apart blobs: the pixel under each true centre is dense and must
    # show the colour of the cluster that holds that blob in the last state.
    points, centers = make_blobs(4, 20_000, dim=2, center_bounds=(-5, 5), std=0.2, seed=3)
    anim = animate(points, 4, seed=1, render="density", hold=0, figsize=(4, 3))
    path = anim.save(tmp_path / "d.mp4")
    _, frames = decode(path)
    last = frames[-1].astype(np.int16)
    state = anim.trace.states[-1]
    colours = hsv_palette(4)
    for c in centers:
        j = int(state.labels[np.argmin(((points - c) ** 2).sum(1))])
        r, col = _pixel_of(anim, c)
        # near the centre but beside the centroid marker (and its edge) drawn on top
        patch = last[r - 16 : r - 12, col - 2 : col + 3].reshape(-1, 3)
        # its most saturated pixel has the hue of cluster j (a lighter density there
        # blends the colour with white, which keeps the hue)
        vivid = patch[np.argmax(patch.max(axis=1) - patch.min(axis=1))] / 255.0
        hue = colorsys.rgb_to_hsv(*vivid)[0]
        hues = [colorsys.rgb_to_hsv(*rgb)[0] for rgb in colours]
        gaps = [min(abs(hue - h), 1 - abs(hue - h)) for h in hues]
        assert int(np.argmin(gaps)) == j and gaps[j] < 0.03, (c, j, vivid, gaps)


@pytest.mark.parametrize("decimals", [None, 2])  # 2: many equal values
def test_density_1d_uses_the_sorted_runs_and_matches_labels(decimals: int | None) -> None:
    points, _ = make_blobs(3, 40_000, dim=1, seed=5)
    if decimals is not None:
        points = np.round(points, decimals)
    anim = animate(points, 3, seed=2, render="density", max_iter=5)
    density = anim.scene.points
    assert isinstance(density, Density)
    grid = density.grid(1, 300)
    for state in anim.trace.states:
        assert state.members.values is not None
        np.testing.assert_array_equal(density.rep_labels(state, grid), state.labels[grid.rep])


def test_density_cell_colour_comes_from_its_first_point_and_cells_follow_the_data() -> None:
    points, _ = make_blobs(4, 20_000, dim=2, seed=3)
    anim = animate(points, 4, seed=1, render="density", max_iter=3)
    density = anim.scene.points
    h, w = 70, 90
    grid = density.grid(h, w)
    # the representatives in the data's order (labels are read forwards)
    assert np.all(np.diff(grid.rep) > 0)
    # each cell's representative is its first point, by a brute force over the points
    x0, x1, y0, y1 = density.image.get_extent()
    ix = np.clip(((points[:, 0] - x0) / (x1 - x0) * w).astype(int), 0, w - 1)
    iy = np.clip(((points[:, 1] - y0) / (y1 - y0) * h).astype(int), 0, h - 1)
    first: dict[int, int] = {}
    for i, cell in enumerate((iy * w + ix).tolist()):
        first.setdefault(cell, i)
    assert dict(zip(grid.cells.tolist(), grid.rep.tolist(), strict=True)) == first
    state = anim.trace.states[-1]
    density.update(next(f for f in anim.frames() if f.colours is state))
    image = density.paint(h, w).reshape(-1, 4).view(np.uint32)[:, 0]
    palette = rgba8(density.colours, 0.0).view(np.uint32)[:, 0]  # each cluster's RGB
    want = palette[state.labels[[first[c] for c in grid.cells.tolist()]]]
    np.testing.assert_array_equal(image[grid.cells] & 0x00FFFFFF, want & 0x00FFFFFF)


@pytest.mark.parametrize("render", ["points", "density"])
@pytest.mark.parametrize("jitter", [False, True])
def test_1d_frames_do_not_compute_the_permutation(render: str, jitter: bool) -> None:
    points, _ = make_blobs(3, 3_000, dim=1, seed=5)
    anim = animate(
        np.round(points, 2), 3, seed=2, render=render, jitter=jitter, steps="split", hold=0
    )
    for frame in anim.frames():
        anim.scene.update(frame)
    anim.figure.canvas.draw()
    assert anim.trace.states is not None
    # the permutation that sorts the points is computed on first use only
    assert "order" not in vars(anim.trace.states[0].members._sorted)


def test_density_grey_before_assignment_and_opacity_by_count() -> None:
    points, _ = make_blobs(2, 30_000, dim=2, seed=1)
    anim = animate(points, 2, seed=0, render="density", steps="split", max_iter=3)
    density = anim.scene.points
    first = next(iter(anim.frames()))
    assert first.colours is None
    density.update(first)
    h, w = 90, 120
    image = density.paint(h, w).reshape(-1, 4)
    grid = density.grid(h, w)
    grey = image[grid.cells, :3]
    assert (grey == grey[0]).all() and grey[0, 0] == grey[0, 1] == grey[0, 2]
    # more points in a pixel, more opaque: count the points per pixel independently
    x0, x1, y0, y1 = density.image.get_extent()
    counts, _, _ = np.histogram2d(
        points[:, 1], points[:, 0], bins=(h, w), range=((y0, y1), (x0, x1))
    )
    assert set(grid.cells) == set(np.flatnonzero(counts))
    counts = counts.ravel()[grid.cells]
    alpha = image[grid.cells, 3].astype(int)
    order = np.argsort(counts, kind="stable")
    inversions = np.count_nonzero(np.diff(alpha[order]) < -2)
    assert inversions <= 0.01 * len(order)
    assert alpha[np.argmax(counts)] == 255 and alpha.min() >= round(0.35 * 255)


@pytest.mark.parametrize("dpi", [100, 63])
def test_density_image_is_drawn_one_cell_per_screen_pixel(dpi: int) -> None:
    # Drawn alone over the white axes, the axes' pixels are the grid's cells over white,
    # unresampled and the right way up, at whatever dpi the figure is drawn.
    points, _ = make_blobs(3, 5_000, dim=2, std=0.4, seed=4)
    anim = animate(points, 3, seed=0, render="density", max_iter=3, hold=0, figsize=(4, 3))
    scene, fig = anim.scene, anim.figure
    *_, last = anim.frames()
    scene.update(last)
    for artist in scene.artists:
        artist.set_visible(isinstance(artist, type(scene.points.image)))
    canvas = FigureCanvasAgg(fig)
    fig.set_dpi(dpi)
    canvas.draw()
    _, (left, bottom, rows, cols) = scene.points.image.view()
    height = canvas.get_width_height()[1]
    shown = np.asarray(canvas.buffer_rgba())[height - bottom - rows : height - bottom]
    shown = shown[::-1, left : left + cols, :3].astype(int)  # bottom row first, as painted
    rgba = scene.points.paint(rows, cols).astype(int)
    a = rgba[..., 3:] / 255
    expected = np.rint(rgba[..., :3] * a + 255 * (1 - a))
    inner = (slice(2, -2), slice(2, -2))  # the spines cover the outermost pixels
    assert np.abs(shown[inner] - expected[inner]).max() <= 2
    # the picture is of the points: a cell is coloured where the points are
    assert (a[inner] > 0).mean() > 0.1 and (a[inner] == 0).mean() > 0.1


def _axes_pixels(anim, canvas: FigureCanvasAgg) -> np.ndarray:
    """The RGB pixels of the density image's area, bottom row first, as ints."""
    _, (left, bottom, rows, cols) = anim.scene.points.image.view()
    height = canvas.get_width_height()[1]
    shown = np.asarray(canvas.buffer_rgba())[height - bottom - rows : height - bottom]
    return shown[::-1, left : left + cols, :3].astype(int)


BENEATH = [
    "nothing", "line above", "regions", "line before", "grid", "ticks in", "hatch",
    "dark face", "clear face", "no frame",
]  # fmt: skip


@pytest.mark.parametrize("beneath", BENEATH)
def test_density_is_blended_beforehand_only_over_a_plain_opaque_face(beneath: str) -> None:
    # The image is painted opaque, blended with the axes' face, only when nothing else
    # is under it; either way the screen shows the translucent image over what is there.
    points, _ = make_blobs(3, 5_000, dim=2, std=0.4, seed=4)
    given = Figure(figsize=(4, 3)).add_subplot()
    # drawn before the image: a lower zorder, or the same one and added earlier
    given.axhline(points[:, 1].mean(), color="red", lw=3, zorder=2)
    where = {"ax": given} if beneath == "line before" else {"figsize": (4, 3)}
    anim = animate(
        points, 3, seed=0, render="density", max_iter=3, hold=0,
        regions=beneath == "regions", **where,
    )  # fmt: skip
    scene, ax = anim.scene, anim.scene.ax
    if beneath == "line above":  # the same zorder, added later: drawn after the image
        ax.axhline(points[:, 1].mean(), color="red", lw=3, zorder=2)
    if beneath == "grid":
        ax.grid(True, color="red", lw=3)
    if beneath == "ticks in":
        ax.tick_params(direction="in", length=12, width=3, color="red")
    if beneath == "hatch":
        ax.patch.set_hatch("//")
    if beneath == "no frame":  # nor face: the figure's, a light grey, shows
        ax.set_frame_on(False)
        anim.figure.set_facecolor("0.8")
    face = {"dark face": (0.1, 0.2, 0.3, 1.0), "clear face": (1.0, 1.0, 1.0, 0.5)}
    ax.set_facecolor(face.get(beneath, (1.0, 1.0, 1.0, 1.0)))
    *_, last = anim.frames()
    scene.update(last)
    image = scene.points.image
    beneath_it = [*scene.regions.artists] if scene.regions is not None else []
    for artist in scene.artists:  # centroids and caption would cover the image
        artist.set_visible(artist is image or artist in beneath_it)
    canvas = FigureCanvasAgg(anim.figure)
    image.set_visible(False)
    canvas.draw()
    under = _axes_pixels(anim, canvas)
    image.set_visible(True)
    canvas.draw()
    over = image.backdrop()
    white = (255, 255, 255)
    expected_over = {"nothing": white, "line above": white, "dark face": (26, 51, 76)}
    assert over == expected_over.get(beneath)
    _, (_, _, rows, cols) = image.view()
    rgba = scene.points.paint(rows, cols).astype(int)
    a = rgba[..., 3:] / 255
    if over is not None:  # painted opaque where it holds points, empty cells left clear
        painted = scene.points.paint(rows, cols, None, over).astype(int)
        assert set(np.unique(painted[..., 3])) == {0, 255}
        np.testing.assert_array_equal(painted[..., 3] == 0, rgba[..., 3] == 0)
    expected = np.rint(rgba[..., :3] * a + under * (1 - a))
    inner = (slice(2, -2), slice(2, -2))  # the spines cover the outermost pixels
    shown = _axes_pixels(anim, canvas)
    if beneath == "line above":  # drawn over the image: compare the rows off it
        _, (_, bottom, _, _) = image.view()
        row = round(ax.transData.transform((0.0, points[:, 1].mean()))[1]) - bottom
        shown[row - 4 : row + 5] = expected[row - 4 : row + 5]
    assert np.abs(shown[inner] - expected[inner]).max() <= 2
    # what is beneath shows through the points: the regions' tints, the red lines
    if beneath in ("regions", "grid", "line before", "hatch"):
        assert (np.abs(under - 255).sum(axis=2)[inner][a[inner][..., 0] > 0] > 30).mean() > 0.01


def test_while_blitting_what_is_not_animated_is_beneath_the_density_image() -> None:
    # blitting restores a background of everything not animated, then draws the image
    points, _ = make_blobs(3, 5_000, dim=2, std=0.4, seed=4)
    anim = animate(points, 3, seed=0, render="density", max_iter=3, title="a title")
    scene, image = anim.scene, anim.scene.points.image
    for artist in scene.artists:
        artist.set_animated(True)
    # the axes' own frame, ticks and title are not under the data
    assert image.backdrop() == (255, 255, 255)
    note = scene.ax.text(*points.mean(axis=0), "a note", zorder=3)
    assert image.backdrop() is None  # in the background, under the image
    note.set_animated(True)
    assert image.backdrop() == (255, 255, 255)  # drawn after it, like the full draw
    for artist in scene.artists:
        artist.set_animated(False)
    note.set_animated(False)
    assert image.backdrop() == (255, 255, 255)


@pytest.mark.parametrize("dim", [1, 2])
def test_density_of_a_dask_run_equals_the_in_memory_one_pixel_for_pixel(dim: int) -> None:
    da = pytest.importorskip("dask.array")
    import matplotlib.pyplot as plt

    points, _ = make_blobs(4, 5_000, dim=dim, std=0.5, seed=6)
    x = points.reshape(len(points), dim)
    dx = da.from_array(x, chunks=((7_000, 0, 13_000), dim))
    coords = np.column_stack((x[:, 0], x[:, 1] if dim == 2 else np.zeros(len(x))))
    dcoords = dx if dim == 2 else da.concatenate((dx, da.zeros_like(dx)), axis=1)
    lo, hi = coords.min(axis=0) - 0.1, coords.max(axis=0) + 0.1
    extent = (lo[0], hi[0], lo[1], hi[1])
    c0 = x[[0, 5_000, 10_000, 15_000]]
    colours = hsv_palette(4)
    fig, ax = plt.subplots()
    try:
        memory = Density(ax, coords, colours, extent, one_row=dim == 1)
        chunked = Density(ax, dcoords, colours, extent, one_row=dim == 1, data=dx)
        ref, got = list(lloyd(points, 4, init=c0)), list(lloyd(dx, 4, init=c0))
        assert len(ref) == len(got) > 2
        for a, b in zip(ref, got, strict=True):
            memory.state, chunked.state = a, b
            np.testing.assert_array_equal(chunked.paint(90, 120), memory.paint(90, 120))
        assert len(np.unique(memory.paint(90, 120)[..., :3].reshape(-1, 3), axis=0)) >= 4
    finally:
        plt.close(fig)


def _drawn_uniform_density(seed: int):
    """50,000 uniform 2-D points, their density animation at its last frame, and the
    Agg canvas it was drawn on once."""
    points = np.random.default_rng(seed).uniform(-1, 1, size=(50_000, 2))
    anim = animate(points, 4, seed=0, render="density", max_iter=3, hold=0, figsize=(4, 3))
    *_, last = anim.frames()
    anim.scene.update(last)
    canvas = FigureCanvasAgg(anim.figure)
    canvas.draw()
    return points, anim, canvas


def test_zoomed_in_only_the_points_on_screen_are_binned_one_cell_per_pixel() -> None:
    # A window's toolbar zooms in: the image stays the size of the axes (not of the
    # whole extent at that zoom, which at 1e6x would be terabytes), holds only the
    # points inside the view, and few grids are kept however often the view changes.
    points, anim, canvas = _drawn_uniform_density(0)
    scene = anim.scene
    axes_box = np.rint(scene.ax.bbox.get_points())
    axes_rows, axes_cols = (axes_box[1] - axes_box[0])[::-1]
    for lo, hi in [(0.2, 0.5), (0.3, 0.3 + 1e-6), (-0.5, 0.1), (0.2, 0.5)]:
        scene.ax.set_xlim(lo, hi)
        scene.ax.set_ylim(lo, hi)
        canvas.draw()
        extent, (_, _, rows, cols) = scene.points.image.view()
        assert rows <= axes_rows and cols <= axes_cols
        grid = scene.points.grid(rows, cols, extent)
        x0, x1, y0, y1 = extent
        pixel = (hi - lo) / cols  # the view's edges, snapped to whole pixels
        assert x0 == pytest.approx(lo, abs=pixel) and x1 == pytest.approx(hi, abs=pixel)
        inside = (
            (points[:, 0] >= x0)
            & (points[:, 0] <= x1)
            & (points[:, 1] >= y0)
            & (points[:, 1] <= y1)
        )
        counts, _, _ = np.histogram2d(
            points[inside, 1], points[inside, 0], bins=(rows, cols), range=((y0, y1), (x0, x1))
        )
        assert set(grid.cells) == set(np.flatnonzero(counts))
        assert set(grid.rep) <= set(np.flatnonzero(inside))
    assert len(scene.points.grids) <= 2
    scene.ax.set_xlim(5, 6)  # nothing of the image on screen: nothing drawn, no error
    canvas.draw()
    assert scene.points.image.view() is None


_BINS_CHILD = """
import sys
import dask.array as da
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from kmeans_anim import hsv_palette
from kmeans_anim.scenes.density import Density

def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) * 1024

chunks, rows, side = map(int, sys.argv[1:])
x = da.random.RandomState(0).uniform(-1, 1, size=(chunks * rows, 2), chunks=(rows, 2))
d = Density(plt.subplots()[1], x, hsv_palette(3), (-1.0, 1.0, -1.0, 1.0), data=x)
d.grid(20, 20)  # imports and the scheduler's threads warmed up
before = peak()
grid = d.grid(side, side)
print(len(grid.cells), peak() - before)
"""


def test_density_of_many_dask_chunks_holds_a_few_images_not_one_per_chunk() -> None:
    # 200 chunks binned into 300 x 300 pixels: each chunk's result is as large as the
    # image, so holding every chunk's until the end took 0.29 GB; merged up a tree, the
    # rise is bounded by a few images' worth (cells, counts, first points and their
    # rows: 7 values a pixel), whatever the number of chunks
    pytest.importorskip("dask.array")
    chunks, rows, side = 200, 2_000, 300
    out = subprocess.run(
        [sys.executable, "-c", _BINS_CHILD, str(chunks), str(rows), str(side)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()
    cells, rise = map(int, out)
    assert cells > 0.9 * side * side  # 400,000 uniform points fill nearly every pixel
    image = side * side * 7 * 8
    assert rise < 16 * image < chunks * side * side * 8, (rise, image)


def test_zoomed_views_of_slowly_binned_data_show_the_whole_views_pixels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Data whose first binning was slow (hundreds of millions of points) is not binned
    # again at every move of a pan: a zoomed view shows, at each screen pixel, the whole
    # view's pixel under its centre. The whole view at another size is binned again.
    from kmeans_anim.scenes import density as density_module

    monkeypatch.setattr(density_module, "SLOW_BINNING", -1.0)  # every binning is slow
    _, anim, canvas = _drawn_uniform_density(1)
    scene, fig = anim.scene, anim.figure
    density = scene.points
    assert density.slow and len(density.grids) == 1
    ((key, whole),) = density.grids.items()
    x0, x1, y0, y1 = key[2]
    home = scene.ax.get_xlim(), scene.ax.get_ylim()
    scene.ax.set_xlim(-0.3, 0.1)
    scene.ax.set_ylim(0.2, 0.5)
    canvas.draw()
    assert list(density.grids) == [key]  # nothing binned again
    extent, (_, _, rows, cols) = density.image.view()
    image = density.paint(rows, cols, extent)
    assert image.shape == (rows, cols, 4)
    v0, v1, w0, w1 = extent
    for r in range(rows):  # every pixel, one by one
        y = w0 + (r + 0.5) * (w1 - w0) / rows
        row = int((y - y0) / (y1 - y0) * key[0])
        cells = [
            int((v0 + (c + 0.5) * (v1 - v0) / cols - x0) / (x1 - x0) * key[1]) for c in range(cols)
        ]
        np.testing.assert_array_equal(image[r], whole.rgba[row, cells])
    scene.ax.set_xlim(*home[0])
    scene.ax.set_ylim(*home[1])
    fig.set_dpi(50)  # the whole view at another size: binned again, exactly
    canvas.draw()
    assert len(density.grids) == 2 and all(k[2] == key[2] for k in density.grids)
