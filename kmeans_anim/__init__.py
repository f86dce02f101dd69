"""kmeans-anim: animate K-means clustering, one frame per iteration.

>>> from kmeans_anim import animate, make_blobs
>>> points, _ = make_blobs(seed=0)
>>> animate(points, 3).save("out.mp4")  # doctest: +SKIP
"""

from .animation import KMeansAnimation
from .compose import animate
from .core import KMeansState, KMeansWarning, Members, Tuning, lloyd
from .core.optimum import optimum_1d
from .data import Dataset, load_dataset, load_points, make_blobs
from .palette import cluster_colours, hsv_palette
from .shapes import SHAPES, make_shapes
from .writers import FFmpegError

__version__ = "0.1.0"

__all__ = [
    "SHAPES",
    "Dataset",
    "FFmpegError",
    "KMeansAnimation",
    "KMeansState",
    "KMeansWarning",
    "Members",
    "Tuning",
    "__version__",
    "animate",
    "cluster_colours",
    "hsv_palette",
    "lloyd",
    "load_dataset",
    "load_points",
    "make_blobs",
    "make_shapes",
    "optimum_1d",
]
