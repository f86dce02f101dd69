"""The views: regions, split steps, tweening, projections,
the objective panel, trails, 1-D jitter and boundaries, and the 3-D view."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
from helpers import decode, palette_present, to_uint8
from matplotlib.backends.backend_agg import FigureCanvasAgg

from kmeans_anim import animate, compare, hsv_palette, load_dataset, make_blobs, sweep
from kmeans_anim.scenes.layers import tints

SMALL = (3.2, 2.4)


def blobs(d: int = 2, k: int = 3, n: int = 20, seed: int = 2) -> np.ndarray:
    pts, _ = make_blobs(k, n, d, seed=seed)
    return pts


def run(d: int = 2, k: int = 3, **kw):
    opts = {"seed": 4, "init": "random", "fps": 4.0, "hold": 0.0, "figsize": SMALL}
    opts.update(kw)
    return animate(blobs(d, k), k, **opts)


def all_frames(anim):
    return list(anim.frames())


def drawn_points(anim) -> np.ndarray:
    """Every data point the scene currently draws, (n, 2), in no particular order."""
    lines = [*anim.scene.points.lines, *anim.scene.points.greys]
    return np.concatenate([ln.get_xydata().reshape(-1, 2) for ln in lines])


# --------------------------------------------------------------------------- regions


def test_regions_pixels_have_the_tint_of_their_nearest_centroid(tmp_path):
    k = 4
    pts, _ = make_blobs(k, 15, 2, std=0.25, seed=5)
    anim = animate(pts, k, seed=1, init="random", regions=True, figsize=(4, 4), hold=0)
    meta, frames = decode(anim.save(tmp_path / "r.mp4"))
    w, h = meta["size"]
    fig, ax = anim.figure, anim.scene.ax
    assert (
        round(fig.get_size_inches()[0] * fig.dpi),
        round(fig.get_size_inches()[1] * fig.dpi),
    ) == (
        w,
        h,
    )
    last = frames[-1]
    centroids = anim.trace.centroids[-1]
    expected_tints = to_uint8(tints(hsv_palette(k)).T).T  # (k, 3) in 0..255

    to_px = ax.transData
    cpx = to_px.transform(centroids)
    ppx = to_px.transform(pts)
    box = ax.bbox
    anim.scene.update(all_frames(anim)[-1])  # the caption's box: under it, tints are paler
    renderer = FigureCanvasAgg(fig).get_renderer()
    caption = anim.scene.caption.text.get_window_extent(renderer).padded(8)
    checked = 0
    bad = []
    for row in range(0, h, 6):
        for col in range(0, w, 6):
            x, y = col + 0.5, h - row - 0.5  # display coordinates: y up from the bottom
            if not (box.x0 + 5 < x < box.x1 - 5 and box.y0 + 5 < y < box.y1 - 5):
                continue
            if caption.contains(x, y):
                continue
            if np.hypot(*(ppx - (x, y)).T).min() < 14:
                continue
            dc = np.hypot(*(cpx - (x, y)).T)
            if dc.min() < 20:
                continue
            order = np.argsort(dc)
            a, b = cpx[order[0]], cpx[order[1]]
            # distance (pixels) to the bisector of the two nearest centroids
            margin = (dc[order[1]] ** 2 - dc[order[0]] ** 2) / (2 * np.hypot(*(a - b)))
            if margin < 6:
                continue
            # and the same nearest centroid in data coordinates
            data = ax.transData.inverted().transform([(x, y)])[0]
            nearest = int(np.argmin(((centroids - data) ** 2).sum(axis=1)))
            assert nearest == order[0]
            checked += 1
            got = last[row, col].astype(np.int16)
            if np.abs(got - expected_tints[nearest]).max() > 12:
                bad.append((row, col, nearest, got.tolist()))
    assert checked >= 100, checked
    assert len(bad) <= checked // 100, bad[:10]
    # every cluster's cell was checked somewhere, and all tints show
    for t in tints(hsv_palette(k)):
        assert palette_present(last, t, tol=8)


# --------------------------------------------------------------------------- caption


def _under_caption(anim, scene=None) -> int:
    """How many drawn points of ``scene`` (by default the animation's) lie under its
    caption, box included, in the last frame."""
    anim.scene.update(all_frames(anim)[-1])
    scene = anim.scene if scene is None else scene
    renderer = FigureCanvasAgg(anim.figure).get_renderer()
    # the box pads the text by 2 points (3 pixels at 100 dpi)
    box = scene.caption.text.get_window_extent(renderer).padded(4)
    lines = [*scene.points.lines, *scene.points.greys]
    xy = np.concatenate([ln.get_xydata().reshape(-1, 2) for ln in lines])
    x, y = scene.ax.transData.transform(xy).T
    return int(np.count_nonzero((box.x0 <= x) & (x <= box.x1) & (box.y0 <= y) & (y <= box.y1)))


def _cut_square(cut_x: float, cut_y: float) -> np.ndarray:
    """A square of points with its upper right corner (x > cut_x, y > cut_y) cut out,
    and one point off the cut so that the axes keep that corner."""
    g = np.linspace(0.0, 1.0, 30)
    kept = np.array([(x, y) for x in g for y in g if not (x > cut_x and y > cut_y)])
    return np.vstack((kept, [[1.0, 0.5]]))


def test_caption_goes_to_the_one_corner_where_it_hides_no_points():
    points = _cut_square(0.05, 0.8)
    anim = animate(points, 2, seed=0, max_iter=3, hold=0, figsize=(5, 4))
    text = anim.scene.caption.text
    assert (text.get_ha(), text.get_va()) == ("right", "top")
    assert _under_caption(anim) == 0
    # the same data turned over: the cut is lower left, where the tutorial had it
    anim = animate(1.0 - points, 2, seed=0, max_iter=3, hold=0, figsize=(5, 4))
    text = anim.scene.caption.text
    assert (text.get_ha(), text.get_va()) == ("left", "bottom")
    assert _under_caption(anim) == 0


def test_panel_and_sweep_captions_take_the_empty_corner_for_their_longer_captions():
    # a panel's caption has a second line (its inertia), a sweep's says which k: the
    # strip cut out at the bottom holds one line, only the upper right corner two
    g = np.linspace(0.0, 1.0, 30)
    cut = [(x, y) for x in g for y in g if not ((x > 0.05 and y > 0.6) or (x < 0.95 and y < 0.12))]
    points = np.array(cut)
    anim = compare(points, 2, [{"seed": 1}, {"seed": 2}], max_iter=3, hold=0)
    for scene in anim.scene.scenes:
        text = scene.caption.text
        assert "\n" in all_frames(anim)[-1].frames[0].caption
        assert (text.get_ha(), text.get_va()) == ("right", "top")
        assert _under_caption(anim, scene) == 0
    # the strip at the bottom holds "i = 3 · max_iter reached", not "k = 3 · " before it
    cut = [(x, y) for x in g for y in g if not ((x > 0.05 and y > 0.85) or (x < 0.7 and y < 0.12))]
    swept = sweep(np.array(cut), ks=[2, 3], max_iter=3, hold=0)
    corners = {(s.caption.text.get_ha(), s.caption.text.get_va()) for s in swept.scene.scenes}
    assert corners == {("right", "top")}  # one for every k: they share the axes
    assert _under_caption(swept, swept.scene.scenes[-1]) == 0


def test_caption_stays_lower_left_when_every_corner_is_empty_and_in_density():
    t = np.linspace(0, 2 * np.pi, 200)
    ring = np.column_stack((np.cos(t), np.sin(t)))
    anim = animate(ring, 3, seed=0, max_iter=3, hold=0)
    text = anim.scene.caption.text
    assert (text.get_ha(), text.get_va(), text.get_position()) == ("left", "bottom", (0.02, 0.03))
    # the density view keeps the corner: in memory and on dask, the same picture
    anim = animate(_cut_square(0.45, 0.8), 2, seed=0, max_iter=3, hold=0, render="density")
    text = anim.scene.caption.text
    assert (text.get_ha(), text.get_va()) == ("left", "bottom")


# --------------------------------------------------------------------------- steps, tween


@pytest.mark.parametrize("steps", ["iteration", "split"])
@pytest.mark.parametrize(("max_iter", "why"), [(300, "converged"), (1, "max_iter reached")])
def test_final_frames_say_why_the_run_stopped(steps, max_iter, why):
    anim = run(steps=steps, hold=1.0, max_iter=max_iter)
    last = len(anim.trace) - 1
    frames = all_frames(anim)
    final = f"i = {last} · {why}"
    held = 1 + 4  # the final frame, and 1 s held at 4 fps
    assert [f.caption for f in frames[-held:]] == [final] * held
    assert all(f.caption != final for f in frames[:-held])
    assert anim.trace.converged == (why == "converged")
    if why == "max_iter reached":
        assert last == max_iter


def test_split_steps_two_frames_per_state(tmp_path):
    anim = run(steps="split", hold=0.5)
    n = len(anim.trace)
    assert n >= 3
    frames = [f for f in all_frames(anim)][: 2 * n]
    expected = ["i = 0 · init", "i = 0 · assign"]
    for i in range(1, n):
        expected += [f"i = {i} · update", f"i = {i} · assign"]
    expected[-1] = f"i = {n - 1} · converged"  # the final frame says why it stopped
    assert anim.trace.converged
    assert [f.caption for f in frames] == expected
    assert frames[0].colours is None  # init: grey points
    for f in frames[1:]:
        assert f.colours is not None
    # an update frame shows new centroids over the previous labels
    for i in range(1, n):
        upd, asg = frames[2 * i], frames[2 * i + 1]
        np.testing.assert_array_equal(upd.centroids, anim.trace.centroids[i])
        np.testing.assert_array_equal(upd.colours.labels, frames[2 * i - 1].colours.labels)
        np.testing.assert_array_equal(asg.centroids, anim.trace.centroids[i])
    # the caption artist shows it
    anim.scene.update(frames[2])
    assert anim.scene.caption.text.get_text() == "i = 1 · update"
    hold = round(0.5 * 4.0)
    assert anim.frame_count() == 2 * n + hold
    _meta, decoded = decode(anim.save(tmp_path / "s.mp4"))
    assert len(decoded) == 2 * n + hold


def test_tween_frames_glide_eased_along_segments(tmp_path):
    tween = 3
    anim = run(tween=tween)
    n = len(anim.trace)
    assert n >= 3
    frames = all_frames(anim)
    assert len(frames) == anim.frame_count() == n + tween * (n - 1)
    _meta, decoded = decode(anim.save(tmp_path / "t.mp4"))
    assert len(decoded) == len(frames)

    cs = anim.trace.centroids
    for i in range(n - 1):
        block = frames[i * (tween + 1) + 1 : (i + 1) * (tween + 1)]
        assert len(block) == tween
        after = frames[(i + 1) * (tween + 1)]
        np.testing.assert_array_equal(after.centroids, cs[i + 1])
        a, b = cs[i], cs[i + 1]
        moving = np.linalg.norm(b - a, axis=1) > 1e-9
        if not moving.any():
            continue
        ws = []
        for f in block:
            assert f.caption == f"i = {i}"
            c = f.centroids
            seg = b - a
            w = ((c - a) * seg).sum(axis=1)[moving] / (seg * seg).sum(axis=1)[moving]
            # on the segment: no component across it, and strictly between its ends
            across = (c - a)[moving] - w[:, None] * seg[moving]
            np.testing.assert_allclose(across, 0.0, atol=1e-9)
            assert np.all((w > 0) & (w < 1))
            assert np.ptp(w) < 1e-9, "all centroids glide together"
            np.testing.assert_array_equal(c[~moving], a[~moving])
            ws.append(w[0])
        steps = np.diff([0.0, *ws, 1.0])
        assert np.all(steps > 0)
        uniform = 1.0 / (tween + 1)
        assert steps[0] < 0.8 * uniform and steps[-1] < 0.8 * uniform, "not eased"
        assert steps.max() > 1.2 * uniform


# --------------------------------------------------------------------------- projection


def pct(label: str, name: str) -> tuple[int, str | None]:
    """The share of variance in a PCA axis label, and the column it names if any."""
    m = re.fullmatch(rf"{name} \((\d+)%(?:, (\w+))?\)", label)
    assert m, label
    return int(m.group(1)), m.group(2)


def test_iris_pca_projection_labels_and_points():
    iris = load_dataset("iris")
    x = iris.points
    anim = animate(iris, 3, seed=0, figsize=SMALL, hold=0)
    ax = anim.scene.ax
    assert getattr(ax, "name", "") != "3d"
    xc = x - x.mean(axis=0)
    _u, s, vt = np.linalg.svd(xc, full_matrices=False)
    share = s**2 / (s**2).sum()
    (p1, top1), (p2, top2) = pct(ax.get_xlabel(), "PC1"), pct(ax.get_ylabel(), "PC2")
    # each axis names the column with the largest loading on its component
    assert top1 == iris.columns[np.argmax(np.abs(vt[0]))] == "petal_length"
    assert top2 == iris.columns[np.argmax(np.abs(vt[1]))]
    assert p1 >= p2
    assert abs(p1 - 100 * share[0]) <= 0.5 + 1e-9
    assert abs(p2 - 100 * share[1]) <= 0.5 + 1e-9
    # the points drawn are the data projected on the first two components (up to sign)
    anim.scene.update(all_frames(anim)[-1])
    drawn = drawn_points(anim)
    proj = xc @ vt[:2].T
    assert len(drawn) == len(x)
    for c in range(2):
        got = np.sort(drawn[:, c])
        assert np.allclose(got, np.sort(proj[:, c])) or np.allclose(got, np.sort(-proj[:, c]))
    # centroids go through the same map
    cen = np.array([ln.get_xydata()[0] for ln in anim.scene.centroids.lines])
    want = (anim.trace.centroids[-1] - x.mean(axis=0)) @ vt[:2].T
    assert np.allclose(np.abs(cen), np.abs(want))


@pytest.mark.parametrize(
    ("data", "projection", "names"),
    [
        ("iris", (0, 2), ("sepal_length", "petal_length")),
        ("iris", ("sepal_length", "petal_length"), ("sepal_length", "petal_length")),
        ("iris", ("sepal_length", 2), ("sepal_length", "petal_length")),
        ("three-columns", (0, 2), ("column 0", "column 2")),
    ],
)
def test_projection_of_two_columns(data, projection, names):
    x = load_dataset("iris").points if data == "iris" else blobs(3)
    source = load_dataset("iris") if data == "iris" else x
    anim = animate(source, 3, seed=0, figsize=SMALL, hold=0, projection=projection)
    ax = anim.scene.ax
    assert getattr(ax, "name", "") != "3d"
    assert (ax.get_xlabel(), ax.get_ylabel()) == names
    anim.scene.update(all_frames(anim)[-1])
    drawn = drawn_points(anim)
    for c, col in enumerate((0, 2)):
        np.testing.assert_allclose(np.sort(drawn[:, c]), np.sort(x[:, col]))


def test_regions_on_projected_data_render(tmp_path):
    anim = animate(load_dataset("iris"), 3, seed=0, regions=True, figsize=SMALL, hold=0)
    _meta, frames = decode(anim.save(tmp_path / "p.mp4"))
    assert len(frames) == anim.frame_count()
    last = frames[-1]
    for t in tints(hsv_palette(3)):
        close = np.abs(last.astype(np.int16) - to_uint8(t)).max(axis=-1) <= 8
        assert close.sum() >= 200, t


# --------------------------------------------------------------------------- objective, trails


def test_objective_panel_grows_with_the_iterations():
    anim = run(objective=True, tween=1, steps="split")
    assert len(anim.figure.axes) == 2
    obj = anim.scene.objective
    assert obj is not None
    seen = set()
    for f in all_frames(anim):
        anim.scene.update(f)
        i = f.iteration
        xs, ys = obj.line.get_xdata(), obj.line.get_ydata()
        assert len(xs) == len(ys) == i + 1
        np.testing.assert_array_equal(xs, np.arange(i + 1))
        assert ys[-1] == anim.trace.inertia[i]
        np.testing.assert_array_equal(ys, anim.trace.inertia[: i + 1])
        assert list(obj.dot.get_xdata()) == [i]
        seen.add(i)
    assert seen == set(range(len(anim.trace)))


@pytest.mark.parametrize("tween", [0, 2])
def test_trails_end_at_the_current_centroid(tween):
    anim = run(trails=True, tween=tween)
    trails = anim.scene.trails
    assert trails is not None
    k = anim.trace.centroids.shape[1]
    for f in all_frames(anim):
        anim.scene.update(f)
        # every state passed so far, then the centroid as drawn; a frame whose centroids
        # are not its iteration's (mid-glide) has passed that state already
        gliding = not np.array_equal(f.centroids, anim.trace.centroids[f.iteration])
        passed = f.iteration + 1 if gliding else f.iteration
        for j in range(k):
            xy = trails.lines[j].get_xydata()
            assert len(xy) == passed + 1
            np.testing.assert_array_equal(xy[-1], f.centroids[j])
            np.testing.assert_array_equal(xy[:-1], anim.trace.centroids[:passed, j])


# --------------------------------------------------------------------------- 1-D


def test_1d_jitter_is_a_thin_deterministic_band():
    pts = blobs(1, n=30)
    offsets = []
    for seed in (1, 2):
        anim = animate(pts, 3, seed=seed, jitter=True, steps="split", figsize=SMALL)
        first = all_frames(anim)[0]
        assert first.colours is None
        anim.scene.update(first)  # every point grey, in data order
        grey = anim.scene.points.greys[0]
        np.testing.assert_array_equal(grey.get_xdata(), pts)
        y = np.asarray(grey.get_ydata())
        assert np.all(np.abs(y) <= 0.3)
        assert y.std() > 0.1, "the points are spread"
        assert len(np.unique(y)) > len(y) // 2
        offsets.append(y)
        # coloured frames keep them in the band
        anim.scene.update(all_frames(anim)[-1])
        assert np.all(np.abs(drawn_points(anim)[:, 1]) <= 0.3)
    np.testing.assert_array_equal(offsets[0], offsets[1])

    flat = animate(pts, 3, seed=1, steps="split", figsize=SMALL)
    flat.scene.update(all_frames(flat)[0])
    np.testing.assert_array_equal(flat.scene.points.greys[0].get_ydata(), 0.0)


@pytest.mark.parametrize("jitter", [False, True])
def test_1d_each_cluster_draws_exactly_its_points(jitter):
    pts = np.round(blobs(1, n=40), 1)  # many equal values
    anim = animate(pts, 3, seed=1, jitter=jitter, steps="split", figsize=SMALL)
    coords = anim.scene.coords(pts.reshape(-1, 1))
    for f in all_frames(anim)[1:]:
        anim.scene.update(f)
        for j, line in enumerate(anim.scene.points.lines):
            drawn = line.get_xydata().reshape(-1, 2)
            want = coords[f.colours.labels == j]
            np.testing.assert_array_equal(np.unique(drawn, axis=0), np.unique(want, axis=0))
            assert len(drawn) == len(want)


def test_1d_regions_boundaries_at_midpoints():
    anim = run(1, regions=True)
    lines = anim.scene.regions.lines
    assert lines is not None
    for f in all_frames(anim):
        anim.scene.update(f)
        xs = np.asarray(lines.get_xdata(), dtype=float)
        ys = np.asarray(lines.get_ydata(), dtype=float)
        c = np.sort(f.centroids[:, 0])
        mids = (c[:-1] + c[1:]) / 2
        np.testing.assert_allclose(np.unique(xs[np.isfinite(xs)]), np.unique(mids))
        assert set(ys[np.isfinite(ys)]) == {-1.0, 1.0}


# --------------------------------------------------------------------------- 3-D


def test_3d_axes_and_rotation(tmp_path):
    anim = run(3, rotate=True, hold=0.75)
    ax = anim.scene.ax
    assert ax.name == "3d"
    azims = []
    for f in all_frames(anim):
        anim.scene.update(f)
        azims.append(ax.azim)
    assert all(b != a for a, b in itertools.pairwise(azims))
    _meta, frames = decode(anim.save(tmp_path / "r.mp4"))
    assert len(frames) == anim.frame_count() == len(anim.trace) + 3
    # the held frames still turn
    last3 = frames[-3:]
    for a, b in itertools.pairwise(last3):
        assert np.abs(a.astype(np.int16) - b).mean() > 1.0

    still = run(3, hold=0.75)
    assert still.scene.ax.name == "3d"
    a0 = still.scene.ax.azim
    for f in all_frames(still):
        still.scene.update(f)
        assert still.scene.ax.azim == a0


@pytest.mark.parametrize("d", [1, 2])
def test_rotate_needs_3d_data(d):
    with pytest.raises(ValueError, match="rotate"):
        run(d, rotate=True)


# --------------------------------------------------------------------------- standardised


def test_standardised_plane_draws_data_units_and_regions_of_the_z_scores():
    rng = np.random.default_rng(8)
    x = np.column_stack([rng.normal(size=300), 1000.0 * rng.normal(size=300)])
    anim = animate(x, 4, seed=2, standardize=True, regions=True, figsize=SMALL, hold=0)
    anim.scene.update(all_frames(anim)[-1])
    drawn = drawn_points(anim)
    np.testing.assert_array_equal(np.sort(drawn[:, 1]), np.sort(x[:, 1]))  # data units
    regions = anim.scene.regions
    c = anim.trace.centroids[-1]
    sd = x.std(axis=0)

    gx, gy = regions.gx, regions.gy
    dz = ((gx[None, :, None] - c[:, 0]) / sd[0]) ** 2 + (
        (gy[:, None, None] - c[:, 1]) / sd[1]
    ) ** 2
    want = regions.tint[np.argmin(dz, axis=2)]
    got = np.asarray(regions.image.get_array())
    assert (got == want).all(axis=2).mean() == 1.0
    # plain distances would draw other cells: the test can tell them apart
    dp = (gx[None, :, None] - c[:, 0]) ** 2 + (gy[:, None, None] - c[:, 1]) ** 2
    assert (regions.tint[np.argmin(dp, axis=2)] != want).any(axis=2).mean() > 0.05


def test_standardised_pca_is_that_of_the_z_scores():
    iris = load_dataset("iris")
    x = iris.points
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    _u, s, vt = np.linalg.svd(z, full_matrices=False)
    share = s**2 / (s**2).sum()
    anim = animate(iris, 3, seed=0, standardize=True, figsize=SMALL, hold=0)
    (p1, top1), (p2, _) = (
        pct(anim.scene.ax.get_xlabel(), "PC1"),
        pct(anim.scene.ax.get_ylabel(), "PC2"),
    )
    assert abs(p1 - 100 * share[0]) <= 0.5 + 1e-9
    assert abs(p2 - 100 * share[1]) <= 0.5 + 1e-9
    assert top1 == iris.columns[np.argmax(np.abs(vt[0]))]
    # the centroids go through the same map
    anim.scene.update(all_frames(anim)[-1])
    cen = np.array([ln.get_xydata()[0] for ln in anim.scene.centroids.lines])
    cz = (anim.trace.centroids[-1] - x.mean(axis=0)) / x.std(axis=0)
    np.testing.assert_allclose(np.abs(cen), np.abs(cz @ vt[:2].T), atol=1e-9)
