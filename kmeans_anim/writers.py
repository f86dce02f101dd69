"""Getting frames into files: the writer for a suffix, ffmpeg from imageio-ffmpeg, and
saves that stop cleanly when interrupted (the file itself: ``outputs.py``)."""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import re
import select
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import imageio_ffmpeg
import matplotlib as mpl
from matplotlib.animation import FFMpegWriter, FuncAnimation
from matplotlib.figure import Figure

from ._checks import DEFAULTS
from ._signals import ENDING, is_ours, raise_for
from .outputs import atomic_output, check_output

__all__ = [
    "EncoderError",
    "FFmpegError",
    "FrameWriter",
    "interruptible",
    "save_with_writer",
]


# Encoder settings per video format. ffmpeg picks the container from the suffix.
# libx264 looks 40 frames ahead by default (preset medium) and encodes nothing until it
# has them: a save of fewer frames drew all of them first and only then encoded, on
# cores that had sat idle. 10 frames start the encoding while the rest are drawn, at
# the same quality (PSNR within 0.05 dB at crf 20) and in files a few percent smaller.
_CODECS: dict[str, tuple[str, list[str]]] = {
    ".mp4": (
        "h264",
        ["-preset", "medium", "-crf", "20", "-rc-lookahead", "10", "-movflags", "+faststart"],
    ),
    ".gif": ("gif", []),  # matplotlib adds the palettegen/paletteuse filter for gif
    ".webm": (
        "libvpx-vp9",
        [
            "-vcodec",
            "libvpx-vp9",
            "-pix_fmt",
            "yuv420p",
            "-b:v",
            "0",
            "-crf",
            "34",
            "-deadline",
            "good",
            "-cpu-used",
            "5",
            "-row-mt",
            "1",
        ],
    ),
}


class FFmpegError(subprocess.CalledProcessError):
    """ffmpeg failed. ``str()`` ends with the last line ffmpeg printed on stderr."""

    def __str__(self) -> str:
        err = (
            self.stderr.decode(errors="replace")
            if isinstance(self.stderr, bytes)
            else (self.stderr or "")
        )
        lines = [ln for ln in err.strip().splitlines() if ln.strip()]
        tail = f": {lines[-1].strip()}" if lines else ""
        return f"ffmpeg exited with status {self.returncode}{tail}"


class EncoderError(RuntimeError):
    """ffmpeg stalled (took no data for ``stall_timeout`` seconds), or exited with status
    0 without writing the frames it was sent: the file is not installed."""


T = TypeVar("T")
#: After ``-i file``: copy the video stream to nowhere; ffmpeg then says ``frame=N``.
_COUNT_ARGS = ("-map", "0:v:0", "-c", "copy", "-f", "null", "-")
#: The lines of ffmpeg's stderr that say why it could not write a caller's format.
_CAUSE = re.compile(r"Unable to choose|not (widely )?supported|Unknown encoder|Invalid")
#: Seconds between two looks for a signal while waiting for ffmpeg.
_POLL = 0.1


@contextlib.contextmanager
def interruptible() -> Iterator[Callable[[], None]]:
    """Make Ctrl-C, SIGTERM and SIGHUP reliable for a save; yields ``check()``, which
    raises ``KeyboardInterrupt`` (a :class:`~kmeans_anim._signals.Terminated` for
    SIGTERM and SIGHUP) if one of them came since entering.

    Python raises ``KeyboardInterrupt`` wherever the program happens to be, and when that
    is a cleanup callback (matplotlib has many) it is printed and dropped. Here a signal
    only sets a flag that the save checks per frame, while it waits for ffmpeg and before
    its final rename; any error after it (such as ffmpeg dying of the same signal)
    becomes the interrupt. A second signal interrupts at once. The previous handlers are
    restored on exit; nothing changes outside the main thread, and a signal the program
    handles (or ignores) in its own way is left alone.
    """
    caught: list[int] = []

    def check() -> None:
        if caught:
            raise raise_for(caught[0])

    def on_signal(signum: int, frame: object) -> None:
        check()  # the second one: at once
        caught.append(signum)

    if threading.current_thread() is not threading.main_thread():
        yield check
        return
    taken = {sig: signal.getsignal(sig) for sig in ENDING if is_ours(signal.getsignal(sig))}
    for sig in taken:
        signal.signal(sig, on_signal)
    try:
        yield check
    except BaseException:
        if caught:
            raise raise_for(caught[0]) from None
        raise
    finally:
        for sig, old in taken.items():
            signal.signal(sig, old)


def exit_status(proc: subprocess.Popen[bytes], timeout: float) -> int:
    """``proc.wait(timeout)``, woken by the exit itself where the system allows (a
    Linux pidfd): ``Popen.wait`` with a timeout sleeps in steps of up to 50 ms, and a
    save sat idle for tens of milliseconds after ffmpeg had finished."""
    if proc.returncode is not None:
        return proc.returncode
    try:
        fd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):  # not Linux 5.3+, or no such process
        return proc.wait(timeout)
    try:
        # poll, not select: select takes no descriptor numbered 1024 or more, which a
        # process with many files open (a notebook kernel, a server) hands out
        waiting = select.poll()
        waiting.register(fd, select.POLLIN)  # readable once the process has exited
        waiting.poll(1000 * timeout)
    finally:
        os.close(fd)
    return proc.wait(0)  # TimeoutExpired if it has not


def ffmpeg_exe() -> str:
    """The ffmpeg binary imageio-ffmpeg ships (or ``IMAGEIO_FFMPEG_EXE``)."""
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise RuntimeError(
            f"no ffmpeg found: {exc} Reinstall imageio-ffmpeg or set the "
            "IMAGEIO_FFMPEG_EXE environment variable."
        ) from None


class FrameWriter(FFMpegWriter):
    """A matplotlib ``FFMpegWriter`` that takes ready RGBA buffers, and checks ffmpeg.

    :meth:`write` sends a canvas's ``buffer_rgba()`` straight down ffmpeg's pipe with no
    ``savefig``, from a thread, so that the caller draws the next frame while ffmpeg takes
    this one. ``grab_frame`` (the plain path) still works. The binary is always the one
    from imageio-ffmpeg; no rcParams are read or changed for it.

    ffmpeg is not trusted: one that takes no data (or does not exit after the last
    frame) for ``stall_timeout`` seconds is killed, and :meth:`finish` raises unless
    ffmpeg exited with status 0 leaving a file that holds every frame it was sent.

    Parameters
    ----------
    suffix : {'.mp4', '.gif', '.webm'}
        The format to encode.
    fps : float
        Frames per second.
    stall_timeout : float, default=30
        Seconds ffmpeg may take no data before it is stopped (:class:`EncoderError`).
    check : callable, optional
        Called while waiting for ffmpeg: may raise to stop the save (see
        :func:`interruptible`).
    """

    def __init__(
        self,
        suffix: str,
        fps: float,
        stall_timeout: float = DEFAULTS.stall_timeout,
        check: Callable[[], None] | None = None,
    ) -> None:
        codec, extra = _CODECS[suffix]
        super().__init__(fps=fps, codec=codec, extra_args=extra)
        self._exe = ffmpeg_exe()
        self._stall_timeout = stall_timeout
        self._check = check or (lambda: None)
        self._written = 0

    def bin_path(self) -> str:  # type: ignore[override]
        return self._exe

    def _run(self) -> None:
        # Like MovieWriter._run, with stderr to a file instead of a pipe: a pipe nobody
        # reads until the end can fill up and stall ffmpeg. ffmpeg gets a session of its
        # own: a Ctrl-C or a hang-up reaches this process, which stops ffmpeg itself
        # (and whatever ffmpeg started) once it has decided what to do.
        self._sender = ThreadPoolExecutor(1, thread_name_prefix="kmeans_anim-ffmpeg")
        self._sending: Future[None] | None = None
        self._stderr = tempfile.TemporaryFile()
        try:
            self._proc = subprocess.Popen(
                self._args(),
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=self._stderr,
                start_new_session=True,
            )
        except OSError as exc:
            self._stderr.close()
            raise RuntimeError(
                f"cannot run ffmpeg at {self._exe!r}: {exc.strerror}. Reinstall imageio-ffmpeg "
                "or set the IMAGEIO_FFMPEG_EXE environment variable."
            ) from None

    def grab_frame(self, **savefig_kwargs: object) -> None:
        super().grab_frame(**savefig_kwargs)
        self._written += 1

    def write(self, rgba: memoryview) -> None:
        """Send one frame: an RGBA buffer of exactly ``frame_size`` pixels.

        The frame is copied and sent by a thread while the caller goes on; at most one
        frame is in flight. A failure to send it raises here on the next call, or in
        :meth:`finish`.
        """
        w, h = self.frame_size
        if rgba.nbytes != w * h * 4:
            raise RuntimeError(f"frame of {rgba.nbytes} bytes, expected {w}x{h}x4.")
        frame = bytes(rgba)  # the canvas draws the next frame into the same buffer
        self._wait()
        self._sending = self._sender.submit(self._send, frame)
        self._written += 1

    def _send(self, frame: bytes) -> None:
        # only the write: waiting for ffmpeg and reading its stderr stay in the caller's
        # thread, so kill() never races this thread for the process or the stderr file
        self._proc.stdin.write(frame)  # type: ignore[union-attr]

    def _patiently(self, wait: Callable[[float], T], doing: str) -> T:
        """``wait(seconds)`` again and again until it returns, looking for a signal in
        between; :class:`EncoderError` once ffmpeg has been ``doing`` nothing else for
        ``stall_timeout`` seconds."""
        deadline = time.monotonic() + self._stall_timeout
        while True:
            try:
                return wait(max(0.0, min(_POLL, deadline - time.monotonic())))
            except (concurrent.futures.TimeoutError, subprocess.TimeoutExpired):
                self._check()
                if time.monotonic() >= deadline:
                    raise EncoderError(
                        f"ffmpeg stalled: it {doing} within stall_timeout="
                        f"{self._stall_timeout:g} s; it was stopped and nothing was written."
                    ) from None

    def _wait(self) -> None:
        """Wait until the frame in flight (if any) is sent; raise its error."""
        sending, self._sending = self._sending, None
        if sending is not None:
            try:
                self._patiently(lambda t: sending.result(timeout=t), "took no frame")
            except BrokenPipeError:
                self._proc.wait()
                raise self._error() from None

    def _error(self) -> FFmpegError:
        self._stderr.seek(0)
        return FFmpegError(self._proc.returncode, self._proc.args, None, self._stderr.read())

    def finish(self) -> None:
        try:
            self._wait()
            with contextlib.suppress(BrokenPipeError):
                self._proc.stdin.close()  # type: ignore[union-attr]
            code = self._patiently(
                lambda t: exit_status(self._proc, t), "did not exit after the last frame"
            )
        except BaseException:
            # kill first: waiting for a frame a stalled ffmpeg never takes would hang
            self.kill()
            raise
        try:
            if code != 0:
                raise self._error()
            self._verify()
        finally:
            self._sender.shutdown()
            self._stderr.close()

    def _verify(self) -> None:
        """Raise :class:`EncoderError` unless the file holds every frame sent, counted
        cheaply: ffmpeg copies the video stream to nowhere and tells how many frames."""
        if os.path.getsize(self.outfile) == 0:
            raise EncoderError(
                f"ffmpeg exited with status 0 but wrote nothing where {self._written} frames "
                "were sent; nothing was installed."
            )
        counter = subprocess.Popen(
            [self._exe, "-nostdin", "-i", self.outfile, *_COUNT_ARGS],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            _, err = self._patiently(
                lambda t: counter.communicate(timeout=t), "did not count the frames"
            )
        finally:
            with contextlib.suppress(OSError):
                counter.kill()
            counter.wait()
        counts = re.findall(rb"frame=\s*(\d+)", err)
        found = int(counts[-1]) if counter.returncode == 0 and counts else None
        if found != self._written:
            got = "an unreadable file" if found is None else f"{found} frames"
            raise EncoderError(
                f"ffmpeg exited with status 0 but wrote {got} where {self._written} were "
                "sent; nothing was installed."
            )

    def kill(self) -> None:
        """Stop ffmpeg (and anything it started) at once and reap it."""
        with contextlib.suppress(OSError):
            os.killpg(self._proc.pid, signal.SIGKILL)
        self._sender.shutdown()  # a frame in flight fails on the closed pipe: ignored
        self._proc.wait()
        with contextlib.suppress(OSError, ValueError):
            self._proc.stdin.close()  # type: ignore[union-attr]
        self._stderr.close()

    @contextlib.contextmanager
    def saving(
        self,
        fig: Figure,
        outfile: str | Path,
        dpi: float | None,  # type: ignore[override]
        *args: object,
        **kwargs: object,
    ) -> Iterator[FrameWriter]:
        """Like matplotlib's, but a failure or an interrupt kills ffmpeg instead of
        waiting for it to finish a file that is about to be thrown away."""
        # absolute: ffmpeg takes the part of a relative name before a colon for a
        # protocol (".12:30.….mp4" fails with "Protocol not found"), never of "/…"
        self.setup(fig, os.path.abspath(outfile), dpi, *args, **kwargs)
        try:
            yield self
            self.finish()
        except BaseException:
            self.kill()  # harmless after a finish that failed: ffmpeg is reaped already
            raise


def save_with_writer(
    anim: FuncAnimation,
    filename: str | os.PathLike[str],
    writer: Any,
    **kwargs: Any,
) -> Path:
    """matplotlib's own ``FuncAnimation.save`` of ``anim`` with a writer of the caller's,
    made as safe as our path: into a temporary file renamed when complete, a signal
    checked at every frame (through ``progress_callback``, the one hook it calls per
    frame), its "ffmpeg" writer imageio-ffmpeg's binary. The writer picks the format,
    so any suffix goes; ``kwargs`` are ``FuncAnimation.save``'s."""
    path = check_output(filename, formats=None)
    theirs = kwargs.pop("progress_callback", None)
    with interruptible() as check, atomic_output(path) as tmp:

        def each_frame(i: int, n: int) -> None:
            check()
            if theirs is not None:
                theirs(i, n)

        try:
            with mpl.rc_context({"animation.ffmpeg_path": ffmpeg_exe()}):
                FuncAnimation.save(anim, tmp, writer, progress_callback=each_frame, **kwargs)
        except subprocess.CalledProcessError as exc:  # ffmpeg refused the name or failed
            err = exc.stderr or ""  # matplotlib reads ffmpeg's output as text
            err = err.decode(errors="replace") if isinstance(err, bytes) else str(err)
            lines = [ln.strip() for ln in err.replace(tmp.name, path.name).splitlines()]
            # its last line is a consequence ("Error opening output files"); the cause
            # comes first, e.g. "Unable to choose an output format for 'out.xyz'"
            cause = next((ln for ln in lines if _CAUSE.search(ln)), "")
            raise FFmpegError(exc.returncode, exc.cmd, exc.output, cause) from None
        except (ValueError, TypeError) as exc:  # e.g. PIL: "unknown file extension"
            said = str(exc).replace(str(tmp), str(path)).replace(tmp.name, path.name)
            raise type(exc)(f"writer={writer!r} could not write {str(path)!r}: {said}") from None
        check()  # a Ctrl-C that a cleanup callback swallowed still stops the rename
    return path
