"""``save(path, writer=...)``: matplotlib's own save with a writer of the caller's, whose
failures name the user's file (never the temporary one) and leave nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import listing

from kmeans_anim import FFmpegError, animate, make_blobs

OLD = b"an older file"


@pytest.fixture(scope="module")
def anim():
    points, _ = make_blobs(3, 20, dim=2, seed=0)
    return animate(points, 3, seed=1, max_iter=2, dpi=40)


@pytest.mark.parametrize(
    ("name", "cause"),
    [
        ("out.xyz", "Unable to choose an output format for '{target}'"),
        ("out", "Unable to choose an output format for '{target}'"),
        ("out.webm", "Pixel format 'gbrap' is not widely supported"),
    ],
)
def test_ffmpeg_refusing_the_name_says_why_with_the_users_name(
    anim, tmp_path: Path, name: str, cause: str
) -> None:
    target = tmp_path / name
    target.write_bytes(OLD)
    with pytest.raises(FFmpegError, match="ffmpeg exited with status") as info:
        anim.save(target, writer="ffmpeg")
    said = str(info.value)
    assert cause.format(target=target) in said and "partial" not in said
    assert target.read_bytes() == OLD
    assert listing(tmp_path) == {name}


def test_a_writer_refusing_the_suffix_is_named_with_the_path(anim, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"writer='pillow' could not write '.*out\.mp4': "):
        anim.save(tmp_path / "out.mp4", writer="pillow")
    assert listing(tmp_path) == set()


def test_the_callers_progress_callback_sees_every_frame(anim, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    anim.save(
        tmp_path / "out.gif", writer="pillow", progress_callback=lambda i, n: seen.append((i, n))
    )
    n = anim.frame_count()
    assert seen == [(i, n) for i in range(n)]
    assert listing(tmp_path) == {"out.gif"}
