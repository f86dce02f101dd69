"""Run in a child under Xvfb by ``test_window.py``: open live windows and report, one
JSON line per event, what they show. The test presses real keys and clicks with xdotool
and reads these lines; this script never presses anything itself."""

from __future__ import annotations

import json
import sys

import matplotlib.pyplot as plt
import numpy as np

from kmeans_anim import KMeansAnimation, animate, make_blobs


def report(anim: KMeansAnimation, what: str, **more: object) -> None:
    window, ax = anim.window, anim.scene.ax
    manager = anim.figure.canvas.manager
    shown = sum(len(line.get_xdata()) > 0 for line in anim.scene.centroids.lines)
    line = {
        "event": what,
        "pos": None if window is None else window.pos,
        "paused": None if window is None else window.paused,
        "seed": anim.seed,
        "k": anim.trace.centroids.shape[1],
        "centroids_shown": shown,
        "scales": [ax.get_xscale(), ax.get_yscale()],
        "grid": any(g.get_visible() for g in ax.get_xgridlines()),
        "title": None if manager is None else manager.get_window_title(),
        **more,
    }
    print(json.dumps(line), flush=True)


def on_screen(anim: KMeansAnimation, xy: tuple[float, float]) -> tuple[int, int]:
    """Screen pixel of data point ``xy`` on the window's canvas."""
    widget = anim.figure.canvas.get_tk_widget()
    x, y = anim.scene.ax.transData.transform(xy)
    # as matplotlib maps Tk's events: y runs down from the top of the figure's box
    height = anim.figure.bbox.height
    return widget.winfo_rootx() + round(x), widget.winfo_rooty() + round(height - y)


def open_window(anim: KMeansAnimation, extra: dict[str, object]) -> None:
    """Show ``anim``; report after every key, click and the first draw, with the
    values of ``extra`` (functions called then: the window may have been resized)."""
    fig = anim.figure
    anim.show(block=False)
    canvas = fig.canvas

    def more() -> dict[str, object]:
        if anim.figure.canvas.manager is None:  # closed: nothing on screen to measure
            return {}
        return {k: v() if callable(v) else v for k, v in extra.items()}

    canvas.mpl_connect("key_press_event", lambda e: report(anim, "key", key=e.key, **more()))
    canvas.mpl_connect("button_press_event", lambda e: report(anim, "click", **more()))
    first = []

    def on_draw(event: object) -> None:
        if not first:
            first.append(1)
            report(anim, "ready", **more())

    canvas.mpl_connect("draw_event", on_draw)
    plt.show()
    report(anim, "closed")


if "click" in sys.argv[1:]:
    # "click 1": 1-D data, drawn along x on a strip (its y is 0)
    dim = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    pts, _ = make_blobs(3, 20, dim, seed=0)
    anim = animate(pts, 3, seed=1, init="click", fps=20, hold=5)
    rows = pts.reshape(len(pts), -1)  # 1-D blobs come as a vector
    lo, hi = rows.min(axis=0), rows.max(axis=0)
    targets = [tuple(lo + f * (hi - lo)) for f in (0.2, 0.5, 0.8)]
    on_plot = [t if dim > 1 else (t[0], 0.0) for t in targets]

    # each target moved to the data point of its screen pixel's centre: a click there
    # should place the centroid exactly on it
    def screen() -> list[list[int]]:
        return [list(on_screen(anim, t)) for t in on_plot]

    def pixel() -> list[float]:
        inv = anim.scene.ax.transData.inverted()
        a, b = inv.transform([(0, 0), (1, 1)])
        return list(np.abs(b - a))

    open_window(anim, {"targets": screen, "pixel": pixel})
    first = anim.trace.centroids[0]
    report(anim, "run", first=first.tolist(), targets=[list(t) for t in targets])
else:
    pts, _ = make_blobs(3, 20, 2, seed=0)
    anim = animate(pts, 3, seed=7, init="random", fps=20, hold=30, name="blobs")
    open_window(anim, {"frames": anim.frame_count(), "starts": lambda: anim.window.starts})
