"""The ``kmeans-anim`` command's entry point, also ``python -m kmeans_anim``.

Signals are handled from the first moment: Ctrl-C, SIGTERM or SIGHUP while numpy and
matplotlib are still loading end the command with its one line too, never a traceback.
"""

from __future__ import annotations

import signal
import sys

from . import _signals


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    _signals.install()
    try:
        from .cli import main as run  # numpy, matplotlib: the slow imports

        return run(argv)
    except KeyboardInterrupt as exc:
        print(_signals.message(exc), file=sys.stderr)
        return _signals.exit_code(exc)
    finally:
        # a signal while the interpreter shuts down ends it quietly
        for sig in _signals.ENDING:
            if signal.getsignal(sig) is not signal.SIG_IGN:
                signal.signal(sig, signal.SIG_DFL)


if __name__ == "__main__":
    raise SystemExit(main())
