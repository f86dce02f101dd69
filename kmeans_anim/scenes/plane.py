"""2-D data on the plane, and N-D data projected onto a plane."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from numpy.typing import NDArray

from ..core.chunked import extremes
from ..timeline import Trace
from .base import Scene
from .density import Density
from .layers import Colour, Regions, padded


class PlaneScene(Scene):
    """Points and centroids on the plane, both axes padded 5%, equal aspect where sensible.

    Equal aspect is used when the two ranges are within a factor of 3 of each other;
    otherwise each axis keeps its own scale so that neither is squashed flat.
    """

    def setup_axes(self, points: NDArray[np.float64], trace: Trace) -> None:
        # the points' range in one pass (points may be a dask array), then the centroids'
        lo, hi = extremes(self.view(points))
        cs = self.view(trace.centroids.reshape(-1, points.shape[1]))
        lo, hi = np.minimum(lo, cs.min(axis=0)), np.maximum(hi, cs.max(axis=0))
        self.xlim = padded(float(lo[0]), float(hi[0]))
        self.ylim = padded(float(lo[1]), float(hi[1]))
        self.ax.set_xlim(*self.xlim)
        self.ax.set_ylim(*self.ylim)
        wx, wy = self.xlim[1] - self.xlim[0], self.ylim[1] - self.ylim[0]
        if max(wx, wy) <= 3 * min(wx, wy):
            self.ax.set_aspect("equal", adjustable="box")

    def view(self, centroids: NDArray[np.float64]) -> NDArray[np.float64]:
        return centroids[:, :2]

    def make_regions(self, colours: Sequence[Colour]) -> Regions:
        weights = self.region_weights((0, 1))
        return Regions(self.ax, colours, self.xlim, self.ylim, self.pixels(), weights=weights)

    def make_density(self, points: NDArray[np.float64], colours: Sequence[Colour]) -> Density:
        return Density(self.ax, self.view(points), colours, (*self.xlim, *self.ylim), data=points)


class ProjectionScene(PlaneScene):
    """N-D data drawn on a plane through a fixed linear map.

    ``projection="pca"`` fits principal components once on the points (numpy SVD) and
    labels the axes with each component's share of the variance and, when the columns
    have names, the column that weighs most in it, ``"PC1 (36%, flavanoids)"``;
    ``projection=(i, j)`` shows two of the original columns. Centroids go through the
    same map every frame. Regions, if asked for, are those of the *projected* centroids.
    For standardised data (``metric``) the PCA is that of the z-scores, and its axes are
    in z units; two columns are shown in the data's units.
    """

    def __init__(
        self,
        ax: Axes,
        points: NDArray[np.float64],
        trace: Trace,
        colours: Sequence[Colour],
        projection: str | tuple[int, int] = "pca",
        **options: Any,
    ) -> None:
        d = points.shape[1]
        metric = options.get("metric")
        self.unit = np.ones(d) if metric is None or projection != "pca" else metric
        if projection == "pca":
            z = points / self.unit
            self.mean = z.mean(axis=0)
            _, s, vt = np.linalg.svd(z - self.mean, full_matrices=False)
            var = s**2
            share = var / var.sum() if var.sum() > 0 else np.zeros_like(var)
            self.basis = vt[:2].T.copy()
            if self.basis.shape[1] < 2:  # fewer than 2 components: pad with zeros
                self.basis = np.column_stack((self.basis, np.zeros(d)))
            self.share = np.concatenate((share, [0.0, 0.0]))[:2]
            self.columns: tuple[int, int] | None = None
        else:  # two column indices, checked by check_projection
            i, j = projection
            self.mean = np.zeros(d)
            self.basis = np.zeros((d, 2))
            self.basis[i, 0] = self.basis[j, 1] = 1.0
            self.columns = (i, j)
        super().__init__(ax, points, trace, colours, **options)

    def axis_labels(self, names: Sequence[str] | None) -> Sequence[str]:
        if self.columns is not None:
            return tuple(names[i] if names else f"column {i}" for i in self.columns)
        labels = []
        for c in range(2):
            text = f"{100 * self.share[c]:.0f}%"
            if names:  # the column with the largest loading on this component
                text += f", {names[int(np.argmax(np.abs(self.basis[:, c])))]}"
            labels.append(f"PC{c + 1} ({text})")
        return labels

    def view(self, centroids: NDArray[np.float64]) -> NDArray[np.float64]:
        return (centroids / self.unit - self.mean) @ self.basis

    def make_regions(self, colours: Sequence[Colour]) -> Regions:
        # PCA axes are already in z units; two columns are in the data's
        weights = (1.0, 1.0) if self.columns is None else self.region_weights(self.columns)
        return Regions(self.ax, colours, self.xlim, self.ylim, self.pixels(), weights=weights)
