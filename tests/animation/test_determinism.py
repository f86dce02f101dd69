"""The same seed and options give the same video, frame for frame, in separate processes;
another seed gives another video."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import child_env, decode, run_cli_process

pytestmark = pytest.mark.slow

OPTIONS = ["--dim", "2", "--clusters", "4", "--points", "40", "--std", "0.5"]
SIZE = (256, 192)  # the default 6.4 x 4.8 inches at --dpi 40
VIEW = ["--tween", "1", "--trails", "--regions", "--hold", "0.5", "--fps", "4", "--dpi", "40"]


def render(tmp_path: Path, name: str, *extra: str) -> list[bytes]:
    """Run the CLI in a fresh process (its own hash seed) and decode every frame."""
    out = tmp_path / name
    proc = run_cli_process(
        *OPTIONS,
        *VIEW,
        *extra,
        "--quiet",
        "-o",
        out,
        cwd=tmp_path,
        env=child_env(PYTHONHASHSEED=str(len(name) * 7919 % 4096)),
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "" and proc.stdout == ""
    meta, frames = decode(out)
    assert meta["size"] == SIZE
    return [f.tobytes() for f in frames]


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[bytes]]:
    tmp = tmp_path_factory.mktemp("determinism")
    return {
        "a": render(tmp, "a.mp4", "--seed", "11"),
        "again": render(tmp, "again.mp4", "--seed", "11"),
        "other": render(tmp, "other.mp4", "--seed", "12"),
    }


def test_same_seed_same_frames(videos: dict[str, list[bytes]]) -> None:
    a, b = videos["a"], videos["again"]
    assert len(a) == len(b) >= 3
    for i, (fa, fb) in enumerate(zip(a, b, strict=True)):
        assert fa == fb, f"frame {i} differs between two runs with the same seed"
    assert len(set(a)) > 1, "the video does not change at all"


def test_other_seed_other_frames(videos: dict[str, list[bytes]]) -> None:
    a, c = videos["a"], videos["other"]
    assert a[0] != c[0]
    assert a != c


def test_same_seed_same_file_bytes_for_gif(tmp_path: Path) -> None:
    """GIF has no timestamps or encoder randomness: even the files are identical."""
    args = ["--dim", "1", "--clusters", "3", "--points", "20", "--seed", "3", "--dpi", "30"]
    paths = []
    for name in ("x.gif", "y.gif"):
        proc = run_cli_process(*args, "--quiet", "-o", name, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        paths.append(tmp_path / name)
    assert paths[0].read_bytes() == paths[1].read_bytes()
