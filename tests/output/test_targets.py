"""Any name the file system takes works as a target, and replacing a file never shows
its new content to more people than could read the old one.

ffmpeg is handed the temporary file beside the target, so the name of that file must
mean the same to ffmpeg as to the file system, and must fit wherever the target fits.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from helpers import listing

from kmeans_anim import animate, make_blobs
from kmeans_anim.outputs import atomic_output

#: What each format's file starts with.
MAGIC = {".mp4": (4, b"ftyp"), ".gif": (0, b"GIF8"), ".webm": (0, b"\x1a\x45\xdf\xa3")}


def small_animation():
    points, _ = make_blobs(3, 20, dim=2, seed=0)
    return animate(points, 3, seed=0, max_iter=3, tween=1, hold=0.5, fps=4, dpi=40)


def assert_written(path: Path) -> None:
    """``path`` holds its format, alone in its folder (no temporary file left)."""
    data = path.read_bytes()
    if path.suffix == ".html":
        assert data.lstrip().startswith(b"<"), data[:40]
    else:
        at, magic = MAGIC[path.suffix]
        assert data[at : at + len(magic)] == magic, data[:16]
    assert listing(path.parent) == {path.name}


@pytest.mark.parametrize("suffix", [".mp4", ".gif", ".webm", ".html"])
def test_a_relative_name_with_a_colon_saves(
    suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # relative, as typed on a command line: ffmpeg took ".12:30.<hex>.partial.mp4" for
    # the protocol ".12" and failed after the whole run with "Protocol not found"
    monkeypatch.chdir(tmp_path)
    name = f"12:30{suffix}"
    assert small_animation().save(name, progress=False) == Path(name)
    assert_written(tmp_path / name)


@pytest.mark.parametrize(
    "name",
    ["pipe:1.mp4", "concat:a|b.gif", "file:x.webm", "50%d.gif", "-x.mp4", "é:ü.webm", "a\nb.mp4"],
)
def test_names_ffmpeg_could_misread_save(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # protocols, an image-sequence pattern, an option's dash: all plain names here
    monkeypatch.chdir(tmp_path)
    small_animation().save(name, progress=False)
    assert_written(tmp_path / name)


def test_cli_saves_to_a_name_with_a_colon(tmp_path: Path, cli) -> None:
    result = cli("--points", "20", "--hold", "0", "--seed", "1", "-o", "12:30.mp4", cwd=tmp_path)
    assert result.code == 0, result.err
    assert result.out == "wrote 12:30.mp4 (seed 1)\n"
    assert_written(tmp_path / "12:30.mp4")


def _longest_name(folder: Path, suffix: str, char: str = "a") -> str:
    """A name of 250 bytes (or the file system's limit less 5), as long a name as
    people give, and longer than what the temporary name adds could fit beside."""
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):
        limit = 255
    budget = min(250, limit - 5) - len(suffix)
    stem = char * (budget // len(char.encode()))
    return stem + "a" * (budget - len(stem.encode())) + suffix


@pytest.mark.parametrize("suffix", [".mp4", ".html"])
def test_a_250_byte_name_saves(suffix: str, tmp_path: Path) -> None:
    target = tmp_path / _longest_name(tmp_path, suffix)
    assert len(os.fsencode(target.name)) == 250
    assert small_animation().save(target, progress=False) == target
    assert_written(target)


@pytest.mark.parametrize("char", ["a", "é", "猫"])
def test_the_temporary_name_fits_and_keeps_suffix_and_characters(
    char: str, tmp_path: Path
) -> None:
    """Only the stem is cut, at a character boundary, never the suffix or the random
    part; the target's name is never touched."""
    target = tmp_path / _longest_name(tmp_path, ".GIF", char)
    with atomic_output(target) as tmp:
        name = tmp.name
        assert tmp.parent == target.parent
        assert tmp.exists()
    assert len(os.fsencode(name)) <= os.pathconf(tmp_path, "PC_NAME_MAX")
    name.encode("utf-8")  # no half a character (as surrogate escapes) at the cut
    assert name.startswith("." + char)
    assert name.endswith(".partial.GIF")
    random_part = name.removesuffix(".partial.GIF").rsplit(".", 1)[1]
    assert len(random_part) == 8 and set(random_part) <= set("0123456789abcdef")
    assert listing(tmp_path) == {target.name}  # renamed onto the full, uncut name


def test_a_short_temporary_name_is_not_cut(tmp_path: Path) -> None:
    with atomic_output(tmp_path / "clip.mp4") as tmp:
        assert tmp.name.startswith(".clip.") and tmp.name.endswith(".partial.mp4")


# --------------------------------------------------------------------------- permissions


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o400], ids=oct)
def test_the_temporary_file_never_shows_more_than_the_target(
    mode: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While frames are encoded, the temporary file grants group and others no more
    than the file it replaces (it used to be 0o666 less the umask until the end)."""
    target = tmp_path / "secret.mp4"
    target.write_bytes(b"old")
    target.chmod(mode)
    anim = small_animation()
    seen: list[int] = []
    original = anim.scene.update

    def update(frame):
        if not seen:
            (tmp,) = (p for p in tmp_path.iterdir() if ".partial" in p.name)
            seen.append(stat.S_IMODE(tmp.stat().st_mode))
        return original(frame)

    monkeypatch.setattr(anim.scene, "update", update)
    anim.save(target, progress=False)
    assert seen, "no frame was drawn"
    assert oct(seen[0] & 0o077) == oct(mode & 0o077 & ~_umask())
    assert seen[0] & stat.S_IWUSR, "ffmpeg must be able to write the file"
    assert oct(stat.S_IMODE(target.stat().st_mode)) == oct(mode)
    assert_written(target)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="root only")
def test_root_replaces_a_read_only_file_as_cp_would(tmp_path: Path) -> None:
    # root may overwrite a 0o444 file with cp; the ordinary user is refused, run as
    # nobody in test_read_only.py
    target = tmp_path / "old.mp4"
    target.write_bytes(b"old")
    target.chmod(0o444)
    small_animation().save(target, progress=False)
    assert oct(stat.S_IMODE(target.stat().st_mode)) == oct(0o444)
    assert_written(target)
