"""kmeans-anim: animate K-means clustering, one frame per iteration.

>>> from kmeans_anim import animate, make_blobs
>>> points, _ = make_blobs(seed=0)
>>> animate(points, 3).save("out.mp4")  # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module

# not typing.TYPE_CHECKING: importing typing here would slow the command's first moment
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .animation import KMeansAnimation
    from .comparison import ComparisonAnimation, compare
    from .compose import animate
    from .core import KMeansState, KMeansWarning, Members, Tuning, lloyd
    from .core.optimum import optimum_1d
    from .data import Dataset, load_dataset, load_points, make_blobs
    from .notebook import EmbedLimitWarning
    from .palette import cluster_colours, hsv_palette
    from .shapes import SHAPES, make_shapes
    from .silhouette import knee, silhouette_score
    from .sweeps import KResult, SweepAnimation, sweep
    from .writers import EncoderError, FFmpegError

__version__ = "0.1.0"

__all__ = [
    "SHAPES",
    "ComparisonAnimation",
    "Dataset",
    "EmbedLimitWarning",
    "EncoderError",
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

#: The module each public name comes from. They are imported on first use: the
#: command's entry point (``__main__``) must install its signal handling before numpy
#: and matplotlib load, and importing any part of the package imports this file first.
_HOME = {
    "KMeansAnimation": ".animation",
    "animate": ".compose",
    "KMeansState": ".core",
    "KMeansWarning": ".core",
    "Members": ".core",
    "Tuning": ".core",
    "lloyd": ".core",
    "Dataset": ".data",
    "load_dataset": ".data",
    "load_points": ".data",
    "make_blobs": ".data",
    "cluster_colours": ".palette",
    "hsv_palette": ".palette",
    "ComparisonAnimation": ".comparison",
    "compare": ".comparison",
    "optimum_1d": ".core.optimum",
    "EmbedLimitWarning": ".notebook",
    "SHAPES": ".shapes",
    "make_shapes": ".shapes",
    "knee": ".silhouette",
    "silhouette_score": ".silhouette",
    "KResult": ".sweeps",
    "SweepAnimation": ".sweeps",
    "sweep": ".sweeps",
    "EncoderError": ".writers",
    "FFmpegError": ".writers",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_HOME[name], __name__), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
