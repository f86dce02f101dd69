"""Signals that end a run: Ctrl-C (SIGINT), ``kill`` (SIGTERM) and a closed terminal
(SIGHUP) all become a :class:`KeyboardInterrupt`, so that every cleanup that runs for
Ctrl-C runs for them too. Imports nothing heavy: the command's entry point installs
this before numpy and matplotlib are loaded."""

from __future__ import annotations

import signal

__all__ = [
    "ENDING",
    "Terminated",
    "exit_code",
    "install",
    "is_ours",
    "message",
    "raise_for",
]

#: The signals that end a run, where the platform has them.
ENDING: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Terminated(KeyboardInterrupt):
    """The run was ended by ``signum`` (SIGTERM or SIGHUP): a KeyboardInterrupt, so that
    whatever cleans up after Ctrl-C cleans up after it as well."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def raise_for(signum: int) -> KeyboardInterrupt:
    """The exception that stands for signal ``signum``."""
    return KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signum)


def _raise(signum: int, frame: object) -> None:
    raise raise_for(signum)


def install() -> None:
    """Raise :func:`raise_for` on SIGINT, SIGTERM and SIGHUP from now on (main thread
    only). A signal the parent ignores (``nohup``, a background job) stays ignored."""
    for sig in ENDING:
        if signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, _raise)


def is_ours(handler: object) -> bool:
    """Whether ``handler`` is Python's or this module's default way to end the run: the
    ones a save may take over for the time it runs."""
    return handler in (signal.SIG_DFL, signal.default_int_handler, _raise)


def exit_code(exc: KeyboardInterrupt) -> int:
    """The shell's code for dying of the signal: 130 for Ctrl-C, 143 for SIGTERM, 129
    for SIGHUP."""
    return 128 + (exc.signum if isinstance(exc, Terminated) else signal.SIGINT)


def message(exc: KeyboardInterrupt) -> str:
    """The one line the command prints when a signal ends it."""
    if isinstance(exc, Terminated):
        return f"kmeans-anim: stopped by {signal.Signals(exc.signum).name}; nothing was written."
    return "kmeans-anim: interrupted; nothing was written."
