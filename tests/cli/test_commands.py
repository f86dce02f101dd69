"""The ``kmeans-anim`` command: what it writes and prints, and its help. The real entry
points (``python -m kmeans_anim`` and the installed script) run in a subprocess; the
rest runs ``main(argv)`` in-process."""

from __future__ import annotations

import io
import re
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest
from helpers import COMMANDS, child_env, decode, listing, run_cli_process

from kmeans_anim import __version__, animate, lloyd, make_blobs
from kmeans_anim.cli import build_parser

SCRIPT = Path(COMMANDS["script"][0])


# --------------------------------------------------------------------------- success


@pytest.mark.parametrize("how", ["module", "script"])
def test_success_writes_the_file_and_prints_its_path_and_seed(tmp_path, how):
    if how == "script":
        assert SCRIPT.exists(), f"{SCRIPT} is not installed (pip install -e .)"
    out = tmp_path / "out.mp4"
    args = ["--points", "10", "--seed", "3", "--fps", "4", "--hold", "0.5"]
    proc = run_cli_process(*args, "--figsize", "2", "1.5", "-o", out, cwd=tmp_path, how=how)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"wrote {out} (seed 3)\n"
    assert proc.stderr == ""
    meta, frames = decode(out)
    assert meta["size"] == (200, 150)
    assert meta["fps"] == pytest.approx(4.0)
    pts, _ = make_blobs(3, 10, 1, (-2.0, 2.0), 0.15, seed=3)
    expected = animate(pts, 3, seed=3, fps=4, hold=0.5).frame_count()
    assert len(frames) == expected
    assert listing(tmp_path) == {"out.mp4"}


def test_the_printed_seed_gives_the_same_video_again(tmp_path, cli):
    """Without --seed one is drawn for the blobs and the run, and printed: given back
    with --seed it makes the same frames."""
    args = ["--dim", "2", "--points", "20", "--hold", "0", "--dpi", "30"]
    first = cli(*args, "-o", "a.gif", cwd=tmp_path)
    assert first.code == 0, first.err
    match = re.fullmatch(r"wrote a\.gif \(seed (\d+)\)\n", first.out)
    assert match, first.out
    again = cli(*args, "--seed", match.group(1), "-o", "b.gif", cwd=tmp_path)
    assert again.out == f"wrote b.gif (seed {match.group(1)})\n"

    def frames(name: str) -> list[bytes]:
        return [f.tobytes() for f in decode(tmp_path / name)[1]]

    assert frames("a.gif") == frames("b.gif")
    other = cli(*args, "--seed", str(int(match.group(1)) + 1), "-o", "c.gif", cwd=tmp_path)
    assert other.code == 0
    assert frames("c.gif") != frames("a.gif")


def test_quiet_and_default_output(tmp_path, cli):
    proc = cli(
        "--points", "8", "--seed", "1", "--hold", "0", "--dpi", "30", "--quiet", cwd=tmp_path
    )
    assert proc.code == 0, proc.err
    assert proc.out == proc.err == ""
    out = tmp_path / "output" / "kmeans.mp4"
    _meta, frames = decode(out)
    assert len(frames) >= 1


def test_version(tmp_path, cli):
    proc = cli("--version", cwd=tmp_path)
    assert proc.code == 0
    assert __version__ in proc.out


def test_csv_with_columns(tmp_path, cli):
    pts, _ = make_blobs(2, 12, 3, seed=5)
    data = tmp_path / "pts.csv"
    rows = "\n".join(",".join(f"{v:.6f}" for v in row) for row in pts)
    data.write_text("a,b,c\n" + rows + "\n")
    for columns in ("a,c", "0,2"):
        out = tmp_path / f"csv_{columns.replace(',', '')}.gif"
        proc = cli(
            data, "--columns", columns, "-k", "2", "--seed", "1", "--hold", "0",
            "--figsize", "2", "1.5", "-o", out, cwd=tmp_path,
        )  # fmt: skip
        assert proc.code == 0, proc.err
        assert proc.out == f"wrote {out} (seed 1)\n"
        _meta, frames = decode(out)
        chosen = np.loadtxt(data, delimiter=",", skiprows=1)[:, [0, 2]]
        anim = animate(chosen, 2, seed=1, hold=0)
        assert anim.scene.ax.name != "3d"  # two columns: the plane
        assert len(frames) == anim.frame_count()


# --------------------------------------------------------------------------- help


def help_entries(text: str) -> dict[str, str]:
    """Option heading -> its help, whitespace collapsed."""
    entries: dict[str, str] = {}
    head = None
    for line in text.splitlines():
        m = re.match(r"^  (-\S.*?)(?:\s{2,}(.*))?$", line)
        if m:
            head = m.group(1)
            entries[head] = m.group(2) or ""
        elif head is not None and line.startswith("    "):
            entries[head] += " " + line.strip()
        else:
            head = None
    return {h: " ".join(t.split()) for h, t in entries.items()}


def test_help_lists_every_option_with_its_default(tmp_path, cli):
    proc = cli("--help", cwd=tmp_path)
    assert proc.code == 0
    entries = help_entries(proc.out)
    for action in build_parser()._actions:
        if not action.option_strings or action.dest in ("help", "version"):
            continue
        name = max(action.option_strings, key=len)
        heads = [h for h in entries if name in re.split(r"[ ,]+", h)]
        assert heads, f"{name} is not in --help"
        assert "(default:" in entries[heads[0]], f"{name}: {entries[heads[0]]}"

    def entry(name: str) -> str:
        return next(t for h, t in entries.items() if name in re.split(r"[ ,]+", h))

    assert "(default: 2.0)" in entry("--fps")
    assert "(default: 1.0)" in entry("--hold")
    assert "(default: output/kmeans.mp4)" in entry("-o")
    assert "(default: k-means++)" in entry("--init")
    for suffix in (".mp4", ".gif", ".webm", ".html"):
        assert suffix in entry("--output")


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("how", ["module", "script"])
def test_bad_arguments_exit_2_with_one_line(tmp_path, how):
    """The real entry points map errors as ``main`` does (the whole matrix of bad input
    runs in-process in ``test_bad_input.py``)."""
    # a value error from the run for one entry point, a parser error for the other
    for args in [["-k", "0"]] if how == "module" else [["--bogus"]]:
        proc = run_cli_process(*args, "-o", "out.mp4", cwd=tmp_path, how=how)
        assert proc.returncode == 2, (proc.returncode, proc.stderr)
        assert proc.stdout == ""
        lines = proc.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("kmeans-anim: error: "), proc.stderr
    assert listing(tmp_path) == set(), "nothing is written"


def test_scale_warning_for_data_files_not_for_generated_blobs(tmp_path, cli):
    """Columns of a file may be in different units: the CLI says so. Generated blobs
    share one unit, whatever the spread of their centres."""
    rows = "\n".join(f"{i % 7},{1000 * (i % 5)}" for i in range(40))
    (tmp_path / "mixed.csv").write_text("small,large\n" + rows + "\n")
    common = ["-k", "2", "--hold", "0", "--dpi", "30", "--seed", "0", "--quiet"]
    warned = cli("mixed.csv", *common, "-o", "a.gif", cwd=tmp_path)
    assert warned.code == 0
    (line,) = warned.err.splitlines()
    assert line.startswith("kmeans-anim: warning: the columns' scales differ")
    assert "'large'" in line and "'small'" in line
    quiet = cli("mixed.csv", *common, "--standardize", "-o", "b.gif", cwd=tmp_path)
    assert quiet.code == 0 and quiet.err == ""
    # blobs whose centres line up (seed 170: standard deviations 1.2 and 0.027)
    assert lloyd_warns(make_blobs(3, 40, dim=2, std=0.01, seed=170)[0])
    blobs = ["--dim", "2", "--std", "0.01", "--points", "40", "-k", "2", "--hold", "0"]
    flat = cli(*blobs, "--dpi", "30", "--seed", "170", "--quiet", "-o", "c.gif", cwd=tmp_path)
    assert flat.code == 0 and flat.err == ""


def lloyd_warns(points) -> bool:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lloyd(points, 2, seed=0)
    return any("scales differ" in str(w.message) for w in caught)


# --------------------------------------------------------------------------- standard input

STDIN_CSV = "x,y\n0,0\n0.1,0.2\n0.2,0.1\n5,5\n5.1,4.9\n4.9,5.2\n"


def feed_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    """Standard input for an in-process run: ``data``, as bytes under ``.buffer``."""
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_dash_reads_csv_from_stdin_as_the_file_would(tmp_path, cli, monkeypatch):
    (tmp_path / "data.csv").write_text(STDIN_CSV)
    args = ["-k", "2", "--seed", "1", "--hold", "0", "--dpi", "30"]
    from_file = cli("data.csv", *args, "-o", "file.gif", cwd=tmp_path)
    assert from_file.code == 0, from_file.err
    feed_stdin(monkeypatch, STDIN_CSV.encode())
    from_stdin = cli("-", *args, "-o", "stdin.gif", cwd=tmp_path)
    assert from_stdin.code == 0, from_stdin.err
    assert from_stdin.out == "wrote stdin.gif (seed 1)\n"
    frames = {n: [f.tobytes() for f in decode(tmp_path / n)[1]] for n in ("file.gif", "stdin.gif")}
    assert frames["file.gif"] == frames["stdin.gif"]
    assert listing(tmp_path) == {"data.csv", "file.gif", "stdin.gif"}


def test_errors_in_stdin_data_name_stdin(tmp_path, cli, monkeypatch):
    feed_stdin(monkeypatch, b"x,y\n1,2\n3,abc\n")
    result = cli("-", "-o", "out.gif", cwd=tmp_path)
    assert result.code == 2
    assert result.err == "kmeans-anim: error: <stdin>, row 3, column y: 'abc' is not a number.\n"
    assert listing(tmp_path) == set()


def test_dash_without_stdin_is_an_error(tmp_path, cli, monkeypatch):
    monkeypatch.setattr("sys.stdin", None)
    result = cli("-", "-o", "out.gif", cwd=tmp_path)
    assert result.code == 2
    assert result.err == (
        "kmeans-anim: error: path='-' reads standard input, but there is none.\n"
    )


def test_the_real_command_reads_a_pipe(tmp_path):
    proc = subprocess.run(
        [*COMMANDS["module"], "-", "-k", "2", "--hold", "0", "--dpi", "30", "-o", "p.gif"],
        input=STDIN_CSV,
        cwd=tmp_path,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("wrote p.gif (seed ")
    assert listing(tmp_path) == {"p.gif"}
