"""The command's outcome classes: 0 for a save that is complete (whatever happens to
stdout afterwards), 1 with the path when writing fails, 2 for a run too large for the
memory; the default output folder made race-free and not left behind empty."""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from pathlib import Path

import imageio_ffmpeg
import pytest
from helpers import COMMANDS, child_env, decode, listing

import kmeans_anim.cli as cli_module

SMALL = ["--dim", "2", "--points", "20", "--seed", "1", "--dpi", "40"]


def test_a_reader_that_goes_away_after_a_complete_save_is_success(tmp_path: Path) -> None:
    """``kmeans-anim ... | head -c0``: stdout is closed when "wrote ..." is printed."""
    proc = subprocess.Popen(
        [*COMMANDS["script"], *SMALL, "-o", "a.mp4"],
        cwd=tmp_path,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    proc.stdout.close()  # type: ignore[union-attr]
    err = proc.stderr.read()  # type: ignore[union-attr]
    proc.wait(timeout=120)
    proc.stderr.close()  # type: ignore[union-attr]
    assert proc.returncode == 0, err
    assert err == ""
    _meta, frames = decode(tmp_path / "a.mp4")
    assert len(frames) > 1
    assert listing(tmp_path) == {"a.mp4"}


def test_two_runs_with_the_default_output_at_once(tmp_path: Path) -> None:
    procs = [
        subprocess.Popen(
            [*COMMANDS["script"], *SMALL, "--quiet"],
            cwd=tmp_path,
            env=child_env(),
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    errs = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errs
    assert errs == ["", ""]
    assert listing(tmp_path) == {"output", "output/kmeans.mp4"}


def test_the_default_folder_made_by_another_run_meanwhile(
    tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deterministically what the race above may do: the folder appears between the
    check that it is missing and the mkdir."""
    animate = cli_module._animate

    def then_the_other_run(*args, **kwargs):
        (tmp_path / "output").mkdir()
        return animate(*args, **kwargs)

    monkeypatch.setattr(cli_module, "_animate", then_the_other_run)
    result = cli(*SMALL, "--quiet", cwd=tmp_path)
    assert (result.code, result.err) == (0, "")
    assert listing(tmp_path) == {"output", "output/kmeans.mp4"}


def test_the_default_folder_goes_again_when_the_save_fails(
    tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(tmp_path / "no-ffmpeg-here"))
    result = cli(*SMALL, cwd=tmp_path)
    assert result.code == 1
    assert result.err.startswith("kmeans-anim: failed: cannot run ffmpeg at ")
    assert listing(tmp_path) == set()
    monkeypatch.delenv("IMAGEIO_FFMPEG_EXE")
    assert "no-ffmpeg-here" not in imageio_ffmpeg.get_ffmpeg_exe()


def test_running_out_of_memory_is_one_line_naming_the_size(
    tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    @functools.wraps(cli_module.make_blobs)  # the parser reads its signature's defaults
    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(cli_module, "make_blobs", no_memory)
    result = cli("--clusters", "4", "--points", "2000000", "--dim", "2", cwd=tmp_path)
    assert result.code == 2
    assert result.err == (
        "kmeans-anim: error: not enough memory for 4 × 2,000,000 generated points of "
        "dimension 2 (--clusters × --points); ask for less.\n"
    )
    assert listing(tmp_path) == set()


# --------------------------------------------------------------------------- a full disk


@pytest.fixture
def small_disk(tmp_path: Path) -> Path:
    """A 12 KB tmpfs: room for the data, not for the video."""
    mount = tmp_path / "disk"
    mount.mkdir()
    try:
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=12k", "tmpfs", str(mount)],
            check=True,
            capture_output=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot mount a small tmpfs here: {exc}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.skipif(sys.platform != "linux", reason="tmpfs is Linux's")
@pytest.mark.parametrize(
    ("suffix", "line"),
    [
        (".html", r"kmeans-anim: failed: cannot write '.*/out\.html': No space left on device"),
        (
            ".mp4",
            r"kmeans-anim: failed: cannot write '.*/out\.mp4': ffmpeg exited with status "
            r"\d+: .*No space left on device",
        ),
    ],
)
def test_a_full_disk_is_exit_1_with_the_path(
    suffix: str, line: str, small_disk: Path, cli, tmp_path: Path
) -> None:
    target = small_disk / f"out{suffix}"
    target.write_bytes(b"old")
    result = cli(*SMALL, "--dpi", "100", "--hold", "5", "-o", target, cwd=tmp_path)
    assert result.code == 1, result.err
    assert len(result.err.splitlines()) == 1
    assert re.match(line, result.err), result.err
    assert target.read_bytes() == b"old"
    assert listing(small_disk) == {target.name}
