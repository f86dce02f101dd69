"""kmeans-anim: animate K-means clustering, one frame per iteration.

>>> from kmeans_anim import animate, make_blobs
>>> points, _ = make_blobs(seed=0)
>>> animate(points, 3).save("out.mp4")  # doctest: +SKIP
"""

from .animation import KMeansAnimation
from .compare import ComparisonAnimation, compare
from .compose import animate
from .core import KMeansState, KMeansWarning, Members, Tuning, lloyd
from .core.optimum import optimum_1d
from .data import Dataset, load_dataset, load_points, make_blobs
from .notebook import EmbedLimitWarning
from .palette import cluster_colours, hsv_palette
from .shapes import SHAPES, make_shapes
from .silhouette import knee, silhouette_score
from .sweep import KResult, SweepAnimation, sweep
from .writers import FFmpegError

__version__ = "0.1.0"

__all__ = [
    "SHAPES",
    "ComparisonAnimation",
    "Dataset",
    "EmbedLimitWarning",
    "FFmpegError",
    "KMeansAnimation",
    "KMeansState",
    "KMeansWarning",
    "KResult",
    "Members",
    "SweepAnimation",
    "Tuning",
    "__version__",
    "animate",
    "cluster_colours",
    "compare",
    "hsv_palette",
    "knee",
    "lloyd",
    "load_dataset",
    "load_points",
    "make_blobs",
    "make_shapes",
    "optimum_1d",
    "silhouette_score",
    "sweep",
]
