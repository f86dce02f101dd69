"""The live window under Xvfb with TkAgg, driven by real key presses and clicks
(xdotool, XTEST) and checked by what the window reports: the frame it shows, the seed,
k, the centroids drawn, the axes' scales. One child per window (``drive_window.py``)."""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pytest
from helpers import REPO, xvfb_display

pytestmark = pytest.mark.display

CHILD = Path(__file__).with_name("drive_window.py")


class Driver:
    """A child showing a window, its reports read as they come."""

    def __init__(self, env: dict[str, str], cwd: Path, *args: str) -> None:
        assert shutil.which("xdotool"), "xdotool is not installed (make xvfb installs it)"
        self.env = env
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), *args],
            cwd=cwd,
            env={**env, "PYTHONPATH": str(REPO)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.printed: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.ready = self.expect("ready")
        # no window manager: find the window by its title and give it the keyboard
        # (polled: the first draw may come before the window can take the focus)
        deadline = time.monotonic() + 20
        while True:
            found = self.xdotool("search", "--onlyvisible", "--name", "^kmeans-anim").split()
            if found:
                self.xdotool("windowfocus", found[0])
                if self.xdotool("getwindowfocus").strip() == found[0]:
                    break
            assert time.monotonic() < deadline, "the window never took the focus"
            time.sleep(0.05)
        # Tk takes keys only once it has seen the focus arrive: press a key that does
        # nothing (shift alone) until one is reported
        while True:
            self.xdotool("key", "shift")
            try:
                assert json.loads(self.lines.get(timeout=0.2))["key"] == "shift"
                break
            except queue.Empty:
                assert time.monotonic() < deadline, "the window never took a key"

    def __enter__(self) -> Driver:
        return self

    def __exit__(self, *exc: object) -> None:
        """A failed test leaves no child behind."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=10
        )
        assert done.returncode in (0, 1), done.stderr  # 1: search found nothing yet
        return done.stdout

    def expect(self, event: str, timeout: float = 30.0, probe: bool = False) -> dict[str, Any]:
        """The next report; it must be ``event``. Late answers to the shift probes
        (see :meth:`settled`) are skipped unless ``probe``."""
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            self.proc.kill()
            pytest.fail(f"no {event!r} report; stderr: {self.proc.communicate()[1]}")
        if not line.startswith("{"):  # what the window itself printed
            self.printed.append(line.rstrip("\n"))
            return self.expect(event, timeout, probe)
        report = json.loads(line)
        if report.get("key") == "shift" and not probe:
            return self.expect(event, timeout, probe)
        assert report["event"] == event, report
        return report  # type: ignore[no-any-return]

    def key(self, name: str) -> dict[str, Any]:
        self.xdotool("key", name)
        return self.expect("key", probe=name == "shift")

    def settled(self) -> dict[str, Any]:
        """A report once the window has its final size (Tk may still resize it after
        the first draw): two probes in a row that report the same targets."""
        last = self.key("shift")
        while (now := self.key("shift"))["targets"] != last["targets"]:
            last = now
        return now

    def click(self, x: int, y: int) -> dict[str, Any]:
        self.xdotool("mousemove", str(x), str(y), "click", "1")
        return self.expect("click")

    def close(self) -> tuple[dict[str, Any], str]:
        """Press q: the report of the child once show() returned, and its stderr."""
        self.key("q")
        report = self.expect("closed")
        assert self.proc.stderr is not None
        err = self.proc.stderr.read()
        assert self.proc.wait(timeout=30) == 0, err
        return report, err


@pytest.fixture(scope="module")
def display() -> Iterator[dict[str, str]]:
    with xvfb_display() as env:
        yield env


@pytest.fixture(scope="module")
def keys(display: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One window driven through the key table; what it reported at each step."""
    cwd = tmp_path_factory.mktemp("keys")
    with Driver(display, cwd) as d:
        return drive_keys(d, cwd)


def drive_keys(d: Driver, cwd: Path) -> dict[str, Any]:
    got: dict[str, Any] = {"ready": d.ready, "cwd": cwd}
    got["pause"] = d.key("space")
    got["still"] = d.key("l")  # a few ticks later: the frame must be the same
    got["home"] = d.key("Home")
    got["right"] = d.key("Right")
    got["right2"] = d.key("Right")
    got["left"] = d.key("Left")
    got["next_state"] = d.key("shift+Right")
    got["end"] = d.key("End")
    got["prev_state"] = d.key("shift+Left")
    got["stray"] = [d.key(k) for k in ("l", "k", "g", "f", "L")]
    got["s1"], got["s2"] = d.key("s"), d.key("s")
    got["new_seed"] = d.key("n")
    got["plus"] = d.key("plus")
    got["minus"] = d.key("minus")
    got["replay"] = d.key("r")
    got["closed"], got["stderr"] = d.close()
    got["printed"] = d.printed
    return got


def test_space_holds_the_frame(keys):
    assert keys["pause"]["paused"] is True
    assert keys["still"]["pos"] == keys["pause"]["pos"]


def test_right_advances_exactly_one_frame_and_left_goes_back(keys):
    assert keys["home"]["pos"] == 0
    assert [keys[s]["pos"] for s in ("right", "right2", "left")] == [1, 2, 1]
    assert keys["right"]["paused"] is True


def test_shift_arrows_go_to_the_next_and_previous_state(keys):
    starts = keys["ready"]["starts"]
    assert keys["next_state"]["pos"] == starts[2]  # from frame 1 (state 1) to state 2
    assert keys["end"]["pos"] == keys["ready"]["frames"] - 1
    assert keys["prev_state"]["pos"] == starts[-1]


def test_matplotlib_keys_change_nothing_and_print_nothing(keys):
    before = keys["prev_state"]
    for after in keys["stray"]:
        for field in ("pos", "seed", "k", "scales", "grid"):
            assert after[field] == before[field], (after["key"], field)
    assert before["scales"] == ["linear", "linear"] and before["grid"] is False
    assert keys["stderr"] == ""


def test_s_saves_numbered_pngs_without_overwriting(keys):
    names = sorted(p.name for p in keys["cwd"].iterdir())
    pos = keys["s1"]["pos"]
    assert names == [f"kmeans-anim-frame-{pos:04d}-1.png", f"kmeans-anim-frame-{pos:04d}.png"]
    assert keys["printed"] == [f"saved {keys['cwd'] / n}" for n in reversed(names)]
    # the frame as a save draws it: the slider's light grey track is not in it
    image = (plt.imread(keys["cwd"] / names[0])[..., :3] * 255).round().astype(int)
    grey = np.abs(image - [211, 211, 211]).max(axis=-1) <= 2
    assert grey.sum(axis=1).max() < 100  # no row holds a track (a few edge pixels may)
    assert (image.min(axis=-1) < 128).sum() > 1000  # and the plot is drawn


def test_n_changes_the_seed_and_the_title_shows_it(keys):
    before, after = keys["s2"], keys["new_seed"]
    assert after["seed"] != before["seed"]
    assert after["title"] == f"kmeans-anim: blobs, k=3, seed {after['seed']}"
    assert keys["ready"]["title"] == "kmeans-anim: blobs, k=3, seed 7"


def test_plus_gives_one_more_centroid_and_minus_one_fewer(keys):
    assert keys["plus"]["k"] == 4 and keys["plus"]["centroids_shown"] == 4
    assert keys["plus"]["seed"] == keys["new_seed"]["seed"]
    assert keys["minus"]["k"] == 3 and keys["minus"]["centroids_shown"] == 3


def test_r_replays_from_the_start(keys):
    assert keys["replay"]["pos"] == 0 and keys["replay"]["paused"] is False


def test_q_closes_the_window_and_show_returns(keys):
    assert keys["closed"]["pos"] is None  # the window is gone


@pytest.mark.parametrize("dim", ["2", "1"])
def test_clicks_place_the_initial_centroids(display, tmp_path, dim):
    """2-D: where the clicks were; 1-D (a strip along x): their x."""
    with Driver(display, tmp_path, "click", dim) as d:
        assert d.ready["centroids_shown"] == 0  # the points only
        assert d.ready["title"] == "kmeans-anim: k=3, seed 1"  # no name given
        settled = d.settled()
        for x, y in settled["targets"]:
            clicked = d.click(x, y)
        assert clicked["centroids_shown"] == 3  # the run started
        _closed, err = d.close()
        assert err == ""
        run = d.expect("run")
    # the first state's centroids are where the clicks were, to a pixel
    pixel = settled["pixel"]
    for got, want in zip(run["first"], run["targets"], strict=True):
        assert len(got) == int(dim)
        for axis in range(int(dim)):
            assert abs(got[axis] - want[axis]) <= pixel[axis], (got, want)
