"""The live window inside a notebook: ``%matplotlib widget`` (ipympl), in a real kernel
run by nbconvert. Keys are sent as the page sends them (ipympl's comm messages,
``{"type": "key_press", "key": "kArrowRight"}``); the playback timer is the kernel's."""

from __future__ import annotations

import importlib.util
import json

import pytest

# found, not imported: importing ipympl switches this process's matplotlib to its backend
if importlib.util.find_spec("ipympl") is None:
    pytest.skip("ipympl is not installed (the test extra has it)", allow_module_level=True)
nbformat = pytest.importorskip("nbformat")

CELLS = [
    "%matplotlib widget\n"
    "import json\n"
    "from kmeans_anim import animate, make_blobs\n"
    "pts, _ = make_blobs(3, 30, dim=2, seed=0)\n"
    "anim = animate(pts, 3, seed=4, init='random', fps=20, hold=0.5)\n"
    "anim.show()\n"
    "canvas = anim.figure.canvas\n"
    "def press(key):\n"
    "    canvas._handle_message(canvas, {'type': 'key_press', 'key': key}, [])\n"
    "    return anim.window.pos\n"
    "print(json.dumps({'canvas': type(canvas).__module__, 'pos': anim.window.pos,\n"
    "                  'paused': anim.window.paused, 'frames': anim.frame_count(),\n"
    "                  'starts': anim.window.starts}))",
    # End, Home, next frame, two stray keys, next state
    "print(json.dumps([press(k) for k in\n"
    "    ('kEnd', 'kHome', 'kArrowRight', 'kz', 'kF5', 'shift+kArrowRight')]))",
    # space plays; the kernel's loop runs the timer while the cell awaits
    "import asyncio\n"
    "press('k ')\n"
    "playing = not anim.window.paused\n"
    "await asyncio.sleep(1.5)\n"
    "print(json.dumps({'playing': playing, 'pos': anim.window.pos}))",
]


def test_the_window_is_a_widget_driven_by_keys_in_a_notebook(tmp_path):
    from nbconvert.preprocessors import ExecutePreprocessor

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    ExecutePreprocessor(timeout=120, kernel_name="python3").preprocess(
        nb, {"metadata": {"path": str(tmp_path)}}
    )

    def printed(cell):
        (out,) = [o for o in cell.outputs if o.get("name") == "stdout"]
        return json.loads(out["text"])

    shown = [o for o in nb.cells[0].outputs if o["output_type"] == "display_data"]
    assert any("application/vnd.jupyter.widget-view+json" in o["data"] for o in shown)
    opened = printed(nb.cells[0])
    assert opened["canvas"] == "ipympl.backend_nbagg"
    assert opened["pos"] == 0 and opened["paused"] is False
    last = opened["frames"] - 1
    end, home, right, stray1, stray2, next_state = printed(nb.cells[1])
    assert (end, home, right) == (last, 0, 1)
    assert stray1 == stray2 == 1  # keys the window does not use change nothing
    assert next_state == opened["starts"][2]  # the start of the state after frame 1's
    played = printed(nb.cells[2])
    assert played["playing"] is True
    assert played["pos"] == last  # 20 fps for 1.5 s: played through, stopped at the end
