"""The ``kmeans-anim`` command: parse, call the public API, map errors to exit codes.

Exit codes: 0 success; 1 the encoder, the display or writing the file failed; 2 bad
arguments or data (or too large for the memory); 130 interrupted (Ctrl-C), 143 and 129
ended by SIGTERM and SIGHUP. Every failure is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import math
import os
import sys
import warnings
from pathlib import Path

import numpy as np

from . import _signals
from ._checks import (
    FRESH_SEEDS,
)
from .animation import KMeansAnimation
from .cli_args import DEFAULT_OUTPUT, UsageError, build_parser
from .columns import LEFT_OUT
from .comparison import MAX_RUNS, compare
from .compose import animate
from .core import KMeansWarning
from .core.scaling import SCALES_DIFFER
from .data import CLASS_COLUMNS, Dataset, load_dataset, make_blobs
from .filmstrip import STILLS
from .outputs import check_output
from .progress import status
from .shapes import SHAPES, make_shapes, suggested_k
from .sweeps import sweep
from .writers import EncoderError, FFmpegError


class WriteError(Exception):
    """The output could not be written (exit code 1)."""


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
    if args.chunks is not None:
        if args.data is None:
            raise UsageError("--chunks needs a data file: a glob of .npy shards")
        if args.truth is not None:
            raise UsageError("--truth cannot be used with --chunks")
        return Dataset.from_file(args.data, args.columns, chunks=args.chunks), 3
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
