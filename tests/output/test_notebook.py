"""Notebook display and HTML pages: the embedded video decoded for real, the
JavaScript player's frames counted, the embed limit, and a notebook executed with
nbconvert in a real kernel."""

from __future__ import annotations

import base64
import re
import warnings
from pathlib import Path

import matplotlib as mpl
import pytest
from helpers import decode, listing

from kmeans_anim import EmbedLimitWarning, animate, make_blobs

VIDEO = re.compile(
    r'<video width="(\d+)" height="(\d+)"[^>]*>\s*<source type="video/mp4" '
    r'src="data:video/mp4;base64,([A-Za-z0-9+/=]+)">'
)


def small(**kw):
    points, _ = make_blobs(3, 20, 2, seed=2)
    opts = {"seed": 4, "init": "random", "fps": 4.0, "hold": 0.5, "figsize": (2, 1.5)}
    return animate(points, 3, **{**opts, **kw})


def video_frames(html: str, tmp_path: Path) -> tuple[tuple[int, int], int]:
    """The (width, height) and frame count of the one video embedded in ``html``."""
    (found,) = VIDEO.findall(html)
    w, h, data = found
    path = tmp_path / "embedded.mp4"
    path.write_bytes(base64.b64decode(data))
    meta, frames = decode(path)
    assert meta["codec"] == "h264"
    assert meta["size"] == (int(w), int(h))
    return meta["size"], len(frames)


def test_repr_html_is_an_h264_video_of_every_frame(tmp_path):
    anim = small()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        html = anim._repr_html_()
    assert video_frames(html, tmp_path) == ((200, 150), anim.frame_count())
    assert html == anim.to_html5_video()


def test_to_jshtml_holds_every_frame_and_needs_no_network():
    anim = small()
    html = anim.to_jshtml()
    assert html.count("data:image/png;base64,") == anim.frame_count()
    assert "http" not in html
    assert 'class="fa' not in html  # every icon replaced by inline text


def test_over_the_limit_the_video_is_made_smaller_not_shorter(tmp_path):
    anim = small(figsize=(4, 3))
    full = len(VIDEO.findall(anim.to_html5_video())[0][2])
    with mpl.rc_context({"animation.embed_limit": 0.9 * full / 2**20}):
        with pytest.warns(EmbedLimitWarning, match=r"animation\.embed_limit") as got:
            html = anim.to_html5_video()
    assert len(got) == 1
    assert "dpi=50" in str(got[0].message)
    assert video_frames(html, tmp_path) == ((200, 150), anim.frame_count())


def test_over_the_limit_the_player_becomes_the_video(tmp_path):
    anim = small()
    with mpl.rc_context({"animation.embed_limit": 0.02}):  # 20 KB: the PNGs do not fit
        with pytest.warns(EmbedLimitWarning, match="embedded as an H.264 video") as got:
            html = anim.to_jshtml()
    assert len(got) == 1
    assert re.search(r"would be \d+\.\d MB", str(got[0].message))
    assert video_frames(html, tmp_path)[1] == anim.frame_count()


def test_html_save_holds_every_frame_and_loads_nothing(tmp_path):
    anim = small()
    with mpl.rc_context({"animation.embed_limit": 0.001}):  # a file is not an embed
        text = anim.save(tmp_path / "a.html").read_text(encoding="utf-8")
    assert text.count("data:image/png;base64,") == anim.frame_count()
    assert "http" not in text
    assert 'class="fa' not in text
    assert listing(tmp_path) == {"a.html"}


def test_html_save_past_the_size_limit_is_refused_before_rendering(tmp_path, cli):
    anim = small(fps=50.0, hold=1000.0)  # 50,000 frames: within the frame bound
    with pytest.raises(ValueError, match=r"over the 1,000,000,000 it may.*save \.mp4"):
        anim.save(tmp_path / "a.html")
    assert listing(tmp_path) == set()
    done = cli("--fps", "50", "--hold", "1000", "--points", "10", "-o", "a.html", cwd=tmp_path)
    assert done.code == 2
    assert done.err.count("\n") == 1 and "save .mp4" in done.err
    assert listing(tmp_path) == set()


def test_click_init_cannot_be_embedded():
    anim = small(init="click")
    with pytest.raises(ValueError, match="init='click'"):
        anim.to_html5_video()


NOTEBOOK = [
    "from kmeans_anim import animate, make_blobs\n"
    "points, _ = make_blobs(3, 20, 2, seed=2)\n"
    "anim = animate(points, 3, seed=4, init='random', fps=4, hold=0.5, figsize=(2, 1.5))\n"
    "print(anim.frame_count())",
    "anim",
    "import matplotlib as mpl\n"
    "mpl.rcParams['animation.embed_limit'] = 0.02\n"
    "from IPython.display import HTML\n"
    "HTML(anim.to_jshtml())",
]


def test_a_notebook_shows_every_frame_as_a_video(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    from nbconvert.preprocessors import ExecutePreprocessor

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in NOTEBOOK])
    ExecutePreprocessor(timeout=120, kernel_name="python3").preprocess(
        nb, {"metadata": {"path": str(tmp_path)}}
    )
    count, shown, over = (cell.outputs for cell in nb.cells)
    frames = int(count[0]["text"])
    html = shown[0]["data"]["text/html"]
    assert video_frames(html, tmp_path)[1] == frames
    # past the embed limit: one warning, and still every frame
    (warned,) = [o for o in over if o.get("name") == "stderr"]
    assert warned["text"].count("EmbedLimitWarning") == 1
    (result,) = [o for o in over if o["output_type"] == "execute_result"]
    assert video_frames(result["data"]["text/html"], tmp_path)[1] == frames
