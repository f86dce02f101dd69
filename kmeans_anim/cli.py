"""The ``kmeans-anim`` command: parse, call the public API, map errors to exit codes.

Exit codes: 0 success; 1 the encoder, the display or writing the file failed; 2 bad
arguments or data (or too large for the memory); 130 interrupted (Ctrl-C), 143 and 129
ended by SIGTERM and SIGHUP. Every failure is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import itertools
import math
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import numpy as np

from . import __version__, _signals
from ._checks import (
    ALGORITHMS,
    DEFAULTS,
    EMPTY_POLICIES,
    FRESH_SEEDS,
    INITS,
    RENDERS,
    STEPS,
    help_of,
)
from .animation import KMeansAnimation
from .columns import LEFT_OUT
from .comparison import MAX_RUNS, compare
from .compose import animate
from .core import KMeansWarning
from .core.scaling import SCALES_DIFFER
from .data import CLASS_COLUMNS, DATASETS, Dataset, load_dataset, make_blobs
from .filmstrip import STILLS
from .progress import status
from .scenes import DENSITY_THRESHOLD
from .shapes import SHAPES, make_shapes, suggested_k
from .sweeps import sweep
from .writers import FORMATS, EncoderError, FFmpegError, check_output

DEFAULT_OUTPUT = Path("output") / "kmeans.mp4"


class UsageError(Exception):
    """A bad command line (exit code 2)."""


class WriteError(Exception):
    """The output could not be written (exit code 1)."""


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


def _points(args: argparse.Namespace, seed: int) -> tuple[np.ndarray | Dataset, int]:
    given = [
        name
        for name, v in (
            ("a data file", args.data),
            ("--dataset", args.dataset),
            ("--shape", args.shape),
        )
        if v is not None
    ]
    if len(given) > 1:
        raise UsageError(
            f"give one of a data file, --dataset or --shape; got {' and '.join(given)}"
        )
    if args.data is not None:
        if args.truth == "":
            raise UsageError("--truth needs the COLUMN of the data file that holds the classes")
        with status(_reading(args.data), None if _large(args.data) and not args.quiet else False):
            return Dataset.from_file(args.data, columns=args.columns, truth=args.truth), 3
    if args.columns is not None:
        raise UsageError("--columns needs a data file")
    if args.shape is not None:
        n = {} if args.points is None else {"n": args.points}
        pts, classes = make_shapes(args.shape, seed=seed, **n)
        if args.truth:
            raise UsageError(
                f"--truth {args.truth!r}: --shape data has no columns; use --truth alone"
            )
        return Dataset(pts, None, classes, SHAPES[args.shape]), suggested_k(args.shape)
    if args.dataset is not None:
        data = load_dataset(args.dataset)
        if args.truth == "":  # alone: the dataset's own class column
            args.truth = CLASS_COLUMNS.get(args.dataset)
            if args.truth is None:
                raise UsageError(f"--truth: the dataset {args.dataset} has no known classes")
        if args.truth is not None and args.truth != CLASS_COLUMNS.get(args.dataset):
            have = CLASS_COLUMNS.get(args.dataset)
            raise UsageError(
                f"--truth {args.truth!r}: the dataset {args.dataset} has "
                + (f"its classes in {have!r}" if have else "no known classes")
            )
        return data, 3
    per = {} if args.points is None else {"points_per_cluster": args.points}
    pts, _ = make_blobs(
        args.clusters,
        dim=args.dim,
        center_bounds=tuple(args.bounds),
        std=args.std,
        seed=seed,
        **per,
    )
    if args.truth:
        raise UsageError(
            f"--truth {args.truth!r}: generated blobs have no columns; use --truth alone"
        )
    if args.truth is None:
        return pts, args.clusters
    # blob after blob, as make_blobs makes them
    classes = np.repeat(np.arange(args.clusters), len(pts) // args.clusters)
    names = tuple(f"blob {c + 1}" for c in range(args.clusters))
    return Dataset(pts, None, classes, names), args.clusters


#: Files from this size up say that they are being read (on a terminal).
LARGE_FILE = 16 * 2**20


def _large(path: Path) -> bool:
    try:
        return path.stat().st_size >= LARGE_FILE
    except OSError:  # stdin, or a missing file that the reader will name
        return False


def _reading(path: Path) -> str:
    return f"reading {path.name} ({path.stat().st_size / 2**20:,.0f} MB)" if _large(path) else ""


def _check_not_the_data(data: Path | None, output: str) -> None:
    """Refuse to write the video over the data file it is made from (by any name: a
    link or another spelling of the path is the same file)."""
    if data is None or str(data) == "-":  # standard input is no file to overwrite
        return
    if os.path.exists(output) and os.path.samefile(data, output):
        raise UsageError(
            f"--output {output!r} is the data file {str(data)!r}; saving would replace "
            "the data with the video, so choose another output name"
        )


def run(args: argparse.Namespace) -> int:
    """Do what the parsed command line asks."""
    # one seed for the blobs and the run, drawn here when not given, and printed: a
    # good run can be had again with --seed
    seed = int(np.random.default_rng().integers(FRESH_SEEDS)) if args.seed is None else args.seed
    if args.frames is not None and Path(args.output).suffix.lower() not in STILLS:
        raise UsageError(f"--frames makes a filmstrip: give -o a name ending {', '.join(STILLS)}")
    points, default_k = _points(args, seed)
    # a bad output path fails before the K-means run, not after it (the default folder
    # is made just before saving, once everything else is known to be fine)
    made_later = args.output == str(DEFAULT_OUTPUT) and not DEFAULT_OUTPUT.parent.exists()
    if not args.show and not made_later:
        check_output(args.output)
        _check_not_the_data(args.data, args.output)
    generated = args.data is None and args.dataset is None
    with warnings.catch_warnings():
        if generated:  # blobs share one unit: a spread of scales is the blobs' layout
            warnings.filterwarnings("ignore", SCALES_DIFFER, KMeansWarning)
        anim = _animate(args, points, default_k, seed)
    if args.show:
        anim.show()
        return 0
    path = _save(anim, args, made_later)
    if not args.quiet:
        _print(f"wrote {path} (seed {seed})")
    return 0


def _runs(pairs: list[tuple[str, list[object]]]) -> list[dict[str, object]]:
    """The runs of ``--compare``: every combination of the values given."""
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise UsageError(f"--compare {keys[-1]} is given twice; give each key once")
    runs = math.prod(len(v) for _, v in pairs)
    if runs > MAX_RUNS:  # refused before the combinations are made
        raise UsageError(f"--compare makes {runs:,} runs; at most {MAX_RUNS} fit in one figure")
    return [
        dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(v for _, v in pairs))
    ]


def _save(anim: KMeansAnimation, args: argparse.Namespace, made_later: bool) -> Path:
    """Save to ``--output``; the default folder is made for it (by whichever of two
    runs comes first) and removed again if the save leaves it empty."""
    made = False
    if made_later:
        try:
            DEFAULT_OUTPUT.parent.mkdir()
            made = True
        except FileExistsError:  # another run made it meanwhile: fine, if a folder
            pass
        check_output(args.output)
    try:
        if args.frames is not None:
            return anim.filmstrip(args.output, args.frames)
        return anim.save(
            args.output,
            progress=False if args.quiet else None,
            stall_timeout=args.stall_timeout,
        )
    except BaseException as exc:
        if made:
            with contextlib.suppress(OSError):  # not empty: another run writes there
                DEFAULT_OUTPUT.parent.rmdir()
        if isinstance(exc, OSError) and not isinstance(exc, PermissionError):
            raise WriteError(f"cannot write {args.output!r}: {exc.strerror or exc}") from exc
        if isinstance(exc, FFmpegError):  # its message names only the temporary file
            raise WriteError(f"cannot write {args.output!r}: {exc}") from exc
        raise


def _print(text: str) -> None:
    """Print to stdout; a reader that went away (``| head -c0``) does not undo a save
    that is complete."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        # nothing more reaches the reader: let the final flush at exit go nowhere too
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _animate(
    args: argparse.Namespace, points: np.ndarray | Dataset, default_k: int, seed: int
) -> KMeansAnimation:
    """``animate``, ``compare`` or ``sweep`` with the options of the command line."""
    k = default_k if args.k is None else args.k
    common = {
        "init": args.init,
        "seed": seed,
        "max_iter": args.max_iter,
        "tol": args.tol,
        "empty": args.empty,
        "algorithm": args.algorithm,
        "n_threads": args.threads,
        "standardize": args.standardize,
        "fps": args.fps,
        "hold": args.hold,
        "figsize": args.figsize,
        "dpi": args.dpi,
        "title": args.title,
        "marker_size": args.marker_size,
        "steps": args.steps,
        "tween": args.tween,
        "trails": args.trails,
        "regions": args.regions,
        "jitter": args.jitter,
        "rotate": args.rotate,
        "projection": args.projection,
        "render": args.render,
        "labels": args.labels,
        "palette": args.palette,
        "truth": True if args.truth is not None else None,
        "loop": args.loop,
        "progress": False if args.quiet else None,
    }
    if args.sweep_final and args.sweep is None:
        raise UsageError("--sweep-final needs --sweep")
    if args.compare is not None or args.sweep is not None:
        if args.compare is not None and args.sweep is not None:
            raise UsageError("give --compare or --sweep, not both")
        for flag, given in (
            ("--objective", args.objective),
            ("--seeding", args.seeding),
            ("--optimum", args.optimum),
        ):
            if given:
                raise UsageError(f"{flag} is for a single run, not --compare or --sweep")
    if args.compare is not None:
        return compare(points, k, _runs(args.compare), **common)
    if args.sweep is not None:
        if args.k is not None:
            raise UsageError("-k and --sweep both set k; give one")
        runs = "final" if args.sweep_final else "all"
        return sweep(points, args.sweep, runs=runs, **common)
    return animate(
        points,
        k,
        objective=args.objective,
        name=_name(args),
        seeding=args.seeding,
        optimum=args.optimum,
        **common,
    )


def _name(args: argparse.Namespace) -> str | None:
    """What the run is of, for the window title: the dataset or the file's name."""
    if args.data is None:
        return args.dataset  # type: ignore[no-any-return]
    return None if str(args.data) == "-" else Path(str(args.data)).name


def _say(kind: str, message: object) -> None:
    text = " ".join(str(message).split())  # always a single line
    print(f"kmeans-anim: {kind}: {text}", file=sys.stderr)


def _too_large(args: argparse.Namespace | None) -> str:
    """What a run that ran out of memory was asked to hold."""
    if args is None:
        return "the command line"
    if args.data is not None or args.dataset is not None:
        return f"the data ({args.data or args.dataset}) with k={args.k}"
    return (
        f"{args.clusters:,} × {args.points:,} generated points of dimension {args.dim} "
        "(--clusters × --points)"
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``kmeans-anim`` (in-process; the command itself starts in
    ``__main__``, which handles signals from the start); returns the exit code."""
    args = None
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = lambda message, *_a, **_k: _say(
            "note" if str(message).startswith(LEFT_OUT) else "warning", message
        )
        try:
            args = build_parser().parse_args(argv)
            return run(args)
        except KeyboardInterrupt as exc:
            print(_signals.message(exc), file=sys.stderr)
            return _signals.exit_code(exc)
        except MemoryError:
            _say("error", f"not enough memory for {_too_large(args)}; ask for less.")
            return 2
        except (WriteError, FFmpegError, EncoderError) as exc:
            _say("failed", exc)
            return 1
        except (UsageError, ValueError, TypeError, OSError) as exc:
            _say("error", exc)
            return 2
        except RuntimeError as exc:
            _say("failed", exc)
            return 1
