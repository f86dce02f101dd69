"""The ``kmeans-anim`` command's grammar: its options, their types and help (each
default read from ``DEFAULTS``), and a parser whose errors are one line."""

from __future__ import annotations

import argparse
import inspect
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__
from ._checks import (
    ALGORITHMS,
    DEFAULTS,
    EMPTY_POLICIES,
    INITS,
    RENDERS,
    STEPS,
    help_of,
)
from .data import DATASETS, make_blobs
from .outputs import FORMATS
from .scenes import DENSITY_THRESHOLD
from .shapes import SHAPES, make_shapes

__all__ = ["DEFAULT_OUTPUT", "UsageError", "build_parser"]

DEFAULT_OUTPUT = Path("output") / "kmeans.mp4"


class UsageError(Exception):
    """A bad command line (exit code 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, no usage block
        raise UsageError(f"{message} (see --help)")


class _Help(argparse.ArgumentDefaultsHelpFormatter):
    """Adds "(default: …)" to every option whose help does not already say its default."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if "(default" in text or not action.option_strings:
            return text
        return super()._get_help_string(action)


def _projection(text: str) -> str | tuple[int | str, int | str]:
    if text == "pca":
        return text
    parts = [t.strip() for t in text.split(",")]
    if len(parts) != 2 or not all(parts):
        raise argparse.ArgumentTypeError(
            f"invalid projection {text!r}: use 'pca' or two columns by index or name, "
            "like '0,2' or 'proline,hue'"
        )
    i, j = (int(t) if t.lstrip("-").isdigit() else t for t in parts)
    return i, j


#: What ``--compare`` may vary, and how its values are read.
COMPARE_KEYS = {"seed": int, "init": str}


def _compare(text: str) -> tuple[str, list[object]]:
    """``KEY=V1,V2,...`` of ``--compare``: a key of :data:`COMPARE_KEYS` (or its plural)."""
    key, sep, values = text.partition("=")
    key = key.strip().removesuffix("s")
    parts = [v.strip() for v in values.split(",")]
    if not sep or key not in COMPARE_KEYS or not all(parts):
        raise argparse.ArgumentTypeError(
            f"invalid --compare {text!r}: use seed=0,1,2 or init=random,k-means++"
        )
    try:
        return key, [COMPARE_KEYS[key](v) for v in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid --compare {text!r}: seeds are integers"
        ) from None


def _ks(text: str) -> Sequence[int]:
    """``--sweep``: ``LO:HI`` (both included) or ``2,3,5``; a range stays a range, so
    that one too long is refused without being built."""
    try:
        if ":" in text:
            lo, hi = (int(t) for t in text.split(":"))
            return range(lo, hi + 1)
        return [int(t) for t in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid --sweep {text!r}: use a range like 1:8 or a list like 2,3,5"
        ) from None


def _frame_list(text: str) -> list[int]:
    try:
        return [int(t) for t in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid --frames {text!r}: frame numbers like 0,3,-1"
        ) from None


def _palette(text: str) -> str | list[str]:
    """A palette's name, or comma-separated colours."""
    return [t.strip() for t in text.split(",")] if "," in text else text


def _labels(text: str) -> list[str]:
    return [t.strip() for t in text.split(",")]


def _option(group: argparse._ArgumentGroup, name: str, **kw: object) -> None:
    """Add ``--name`` with the default and the help declared once in ``DEFAULTS``."""
    help = help_of(name) + str(kw.pop("more", ""))
    group.add_argument(
        "--" + name.replace("_", "-"), default=getattr(DEFAULTS, name), help=help, **kw
    )  # type: ignore[arg-type]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to document the options)."""
    p = _Parser(
        prog="kmeans-anim",
        description="Animate K-means clustering: every iteration becomes a frame. "
        "Without a data file, --dataset or --shape the points are generated blobs.",
        formatter_class=_Help,
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    src = p.add_argument_group("data")
    src.add_argument(
        "data",
        nargs="?",
        type=Path,
        default=None,
        help="file of points: CSV (with or without header; '-' reads it from stdin), "
        ".npy, .npz (name.npz:key picks an array), .parquet or .feather",
    )
    src.add_argument(
        "--chunks",
        type=int,
        default=None,
        metavar="ROWS",
        help="read the data ROWS rows at a time with dask, for data bigger than memory: "
        "the data file is then a glob of .npy shards, quoted ('parts/*.npy'); drawn as "
        "the density view (needs pip install 'kmeans-anim[dask]')",
    )
    src.add_argument(
        "--columns",
        default=None,
        help="columns of the data file, by name or 0-based index, e.g. 'x,y' (a name with a "
        "comma in double quotes) "
        "(default: every numeric column)",
    )
    src.add_argument(
        "--dataset",
        choices=sorted(DATASETS),
        default=None,
        help="a bundled dataset instead of a file",
    )
    src.add_argument(
        "--shape",
        choices=sorted(SHAPES),
        default=None,
        help="generated data K-means gets wrong, --points in all (default: none)",
    )
    blob = {k: v.default for k, v in inspect.signature(make_blobs).parameters.items()}
    n_shape = inspect.signature(make_shapes).parameters["n"].default
    src.add_argument(
        "--clusters", type=int, default=blob["n_clusters"], help="generated blobs: how many"
    )
    src.add_argument(
        "--points",
        type=int,
        default=None,
        help=f"generated blobs: points per blob (default: {blob['points_per_cluster']}); "
        f"--shape: points in all (default: {n_shape})",
    )
    src.add_argument("--dim", type=int, default=blob["dim"], help="generated blobs: dimension")
    src.add_argument("--std", type=float, default=blob["std"], help="generated blobs: spread")
    src.add_argument(
        "--bounds",
        type=float,
        nargs=2,
        default=blob["center_bounds"],
        metavar=("LO", "HI"),
        help="generated blobs: box of the centres",
    )
    src.add_argument(
        "--seed",
        type=int,
        default=None,
        help="seed for the blobs and the initialisation (default: a random one, printed)",
    )
    alg = p.add_argument_group("algorithm")
    alg.add_argument(
        "-k",
        type=int,
        default=None,
        help="number of clusters (default: --clusters for blobs, the number of classes "
        "for --shape, else 3)",
    )
    _option(
        alg,
        "init",
        choices=(*INITS, "click"),
        more=" ('farthest' is farthest-first, not k-means++; 'click': place the centroids "
        "in the --show window)",
    )
    _option(alg, "max_iter", type=int)
    _option(alg, "tol", type=float)
    _option(alg, "empty", choices=EMPTY_POLICIES)
    _option(alg, "algorithm", choices=ALGORITHMS)
    _option(alg, "standardize", action="store_true")
    alg.add_argument(
        "--threads",
        type=int,
        default=None,
        help="worker threads (default: the cores this process may use, at most 4)",
    )
    view = p.add_argument_group("view")
    view.add_argument(
        "--seeding",
        action="store_true",
        help="first a frame per initial centroid: how each one was picked",
    )
    view.add_argument(
        "--optimum",
        action="store_true",
        help="1-D: draw the exact optimum under the run and compare inertias",
    )
    _option(view, "steps", choices=STEPS)
    _option(view, "tween", type=int)
    view.add_argument("--trails", action="store_true", help="draw centroid trails")
    view.add_argument(
        "--regions", action="store_true", help="shade each pixel by its nearest centroid"
    )
    view.add_argument("--objective", action="store_true", help="add a panel of inertia")
    view.add_argument("--jitter", action="store_true", help="1-D: spread points in a band")
    view.add_argument("--rotate", action="store_true", help="3-D: turn the camera")
    view.add_argument(
        "--projection",
        type=_projection,
        default=None,
        help="3+ columns: 'pca' or two columns 'i,j' by index or name "
        "(default: pca above 3 columns)",
    )
    view.add_argument(
        "--labels",
        type=_labels,
        default=None,
        metavar="NAMES",
        help="a name per column, comma-separated, for the axes "
        "(default: the CSV header's or the dataset's)",
    )
    _option(
        view,
        "render",
        choices=RENDERS,
        more=f" ('auto': image above {DENSITY_THRESHOLD:,} points)",
    )
    _option(view, "palette", type=_palette)
    view.add_argument(
        "--truth",
        nargs="?",
        const="",
        default=None,
        metavar="COLUMN",
        help="known classes as marker shapes, with the adjusted Rand index: a data "
        "file's COLUMN; alone, a dataset's classes or the generating classes of --shape "
        "and blobs (default: none)",
    )
    view.add_argument("--title", default=None, help="title above the plot (default: none)")
    _option(view, "marker_size", type=float)
    view.add_argument(
        "--figsize",
        type=float,
        nargs=2,
        default=None,
        metavar=("W", "H"),
        help="figure size in inches (default: 6.4 4.8)",
    )
    many = p.add_argument_group("several runs")
    many.add_argument(
        "--compare",
        type=_compare,
        action="append",
        default=None,
        metavar="KEY=V1,V2",
        help="runs side by side in lockstep, one panel each: seed=0,1,2,3 or "
        "init=random,k-means++; given twice, every combination (default: one run)",
    )
    many.add_argument(
        "--sweep",
        type=_ks,
        default=None,
        metavar="KS",
        help="each k in turn (a range 1:8 or a list 2,3,5) beside the elbow and "
        "silhouette curves (default: one k)",
    )
    many.add_argument(
        "--sweep-final", action="store_true", help="--sweep: show only each k's final state"
    )
    out = p.add_argument_group("output")
    out.add_argument(
        "-o",
        "--output",
        default=str(DEFAULT_OUTPUT),  # a str, not a Path: Path("out.mp4/") drops the slash
        help=f"file to write: {', '.join(FORMATS)}",
    )
    out.add_argument(
        "--frames",
        type=_frame_list,
        default=None,
        help="a .png/.svg/.pdf output: the frames to show, like 0,3,-1 "
        "(default: the first, the last and a few between)",
    )
    _option(out, "fps", type=float)
    _option(out, "dpi", type=float)
    _option(out, "hold", type=float)
    _option(out, "stall_timeout", type=float)
    out.add_argument("--show", action="store_true", help="open a preview window instead of saving")
    out.add_argument(
        "--loop", action="store_true", help="--show: start again after the last frame"
    )
    out.add_argument("--quiet", action="store_true", help="print nothing on success")
    return p
