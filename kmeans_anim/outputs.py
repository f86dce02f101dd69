"""The file a save writes: its name checked before any frame is drawn, and written
under a temporary name beside it, installed only when complete."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from collections.abc import Collection, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock, and so no telling a dead writer's partial file
    fcntl = None  # type: ignore[assignment]

__all__ = ["FORMATS", "atomic_output", "check_output"]

#: Supported suffixes and what they make.
FORMATS = {
    ".mp4": "H.264 video (yuv420p, plays everywhere)",
    ".gif": "looping GIF with a generated palette",
    ".webm": "VP9 video",
    ".html": "self-contained HTML page (JavaScript player)",
    ".png": "one still figure of chosen frames (a filmstrip)",
    ".svg": "a filmstrip, vector",
    ".pdf": "a filmstrip, vector",
}


#: What a path may end with to name a folder.
_SEPARATORS = tuple(s for s in (os.sep, os.altsep) if s)


def check_output(path: str | os.PathLike[str], formats: Collection[str] | None = FORMATS) -> Path:
    """Validate an output path before any rendering starts.

    The target must be a file the user could overwrite with ``cp``: an existing file
    that is not writable (read-only, or someone else's) is refused, and so is another
    user's file in a sticky folder such as ``/tmp``, which only its owner may replace.

    Parameters
    ----------
    path : str or path-like
        The file to write; its suffix picks the format.
    formats : collection of str or None, default=FORMATS
        The suffixes taken; None takes any (a caller's own writer picks the format).

    Returns
    -------
    Path
        ``path`` as a :class:`~pathlib.Path`.

    Raises
    ------
    TypeError
        If ``path`` is not a str or path-like.
    ValueError
        If the suffix is not supported (the message lists the supported ones), the path
        ends with a slash, the folder does not exist or is a file, or the path is a
        folder.
    PermissionError
        If the folder cannot be written to, or an existing file there could not be
        overwritten by this user.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or path-like; got path={path!r}.")
    text = os.fspath(path)
    p = Path(path)
    # Path() drops a trailing slash: "out.mp4/" would silently become the file out.mp4
    if isinstance(text, str) and text.endswith(_SEPARATORS):
        raise ValueError(
            f"path={text!r} ends with a slash, so it names a folder, not a file; drop "
            "the slash or add a file name."
        )
    suffix = p.suffix.lower()
    if formats is not None and suffix not in formats:
        listed = ", ".join(formats)
        raise ValueError(
            f"path={str(p)!r}: unsupported suffix {p.suffix or '(none)'!r}; use one of {listed}."
        )
    folder = p.parent
    if not folder.is_dir():
        # "does not exist" would be wrong for out.txt/a.mp4 when out.txt is a file
        for above in (folder, *folder.parents):
            if above.exists():
                if not above.is_dir():
                    raise ValueError(f"path={str(p)!r}: {str(above)!r} is a file, not a folder.")
                break
        raise ValueError(f"path={str(p)!r}: the folder {str(folder)!r} does not exist.")
    if p.is_dir():
        raise ValueError(f"path={str(p)!r} is a folder; give a file name.")
    if not _access(folder, os.W_OK | os.X_OK):
        raise PermissionError(f"path={str(p)!r}: the folder {str(folder)!r} is not writable.")
    _check_replaceable(p)
    return p


def _access(path: Path, mode: int) -> bool:
    """``os.access`` for the effective user (the one that will write), where supported."""
    if os.access in os.supports_effective_ids:
        return os.access(path, mode, effective_ids=True)
    return os.access(path, mode)


def _check_replaceable(p: Path) -> None:
    """Refuse an existing ``p`` that ``cp`` could not overwrite, or that the final rename
    could not replace: found now, not after the whole run."""
    try:
        owner = p.lstat().st_uid  # the rename replaces a link, not the file it points to
    except FileNotFoundError:
        return
    if p.exists() and not _access(p, os.W_OK):  # root may write anything, as with cp
        raise PermissionError(
            f"path={str(p)!r}: the file exists and is not writable by you (read-only or "
            "not yours); make it writable or choose another name."
        )
    folder = p.parent.stat()
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    # in a sticky folder only the file's owner, the folder's owner or root may replace it
    if uid not in (None, 0, owner, folder.st_uid) and folder.st_mode & stat.S_ISVTX:
        raise PermissionError(
            f"path={str(p)!r}: the file belongs to another user and the folder "
            f"{str(p.parent)!r} is sticky, so only its owner may replace it; choose "
            "another name."
        )


def _name_max(folder: Path) -> int:
    """The longest file name, in bytes, the file system of ``folder`` takes."""
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):  # no pathconf (Windows), or no answer
        return 255


def _temp_name(path: Path, token: str) -> str:
    """``.{stem}.{token}.partial{suffix}`` beside ``path``, the stem cut (never the
    suffix or the token) so that the name fits where ``path`` itself fits."""
    tail = f".{token}.partial{path.suffix}"
    budget = _name_max(path.parent) - len(os.fsencode("." + tail))
    stem = path.stem
    while len(os.fsencode(stem)) > budget:  # by characters: never half a UTF-8 sequence
        stem = stem[:-1]
    return f".{stem}{tail}"


#: Stands for the random token of a temporary name (8 hex digits) in a pattern.
_TOKEN = "0" * 8


def _lock(fd: int) -> bool:
    """Take the lock that marks a temporary file as a live writer's; False if someone
    holds it already."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _remove_dead_partials(path: Path) -> None:
    """Remove the temporary files of earlier saves to ``path`` whose writer is gone
    (killed with SIGKILL, or the machine went down): nobody holds their lock.

    A live writer holds its lock from the moment it creates the file, and one that
    finds its lock taken (by this function, between its create and its lock) gives the
    name up, so only dead writers' files go.
    """
    if fcntl is None:
        return
    head, tail = _temp_name(path, _TOKEN).rsplit(_TOKEN, 1)
    hexdigits = re.compile(f"[0-9a-f]{{{len(_TOKEN)}}}")
    with contextlib.suppress(OSError), os.scandir(path.parent) as entries:
        for entry in entries:
            name = entry.name
            middle = name[len(head) : len(name) - len(tail)]
            if not (name.startswith(head) and name.endswith(tail) and hexdigits.fullmatch(middle)):
                continue
            try:
                fd = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            except OSError:  # gone already, or not ours to read
                continue
            try:
                # the name may have been reused since it was opened: unlink what is locked
                if _lock(fd) and os.path.samestat(os.fstat(fd), os.lstat(entry.path)):
                    os.unlink(entry.path)
            except OSError:
                pass
            finally:
                os.close(fd)


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    On any exception (including ``KeyboardInterrupt``) the temporary file is removed and
    an existing ``path`` is left untouched. Replacing a file keeps its permissions, and
    the temporary file never lets anyone read more than the file it replaces does.

    The temporary file is locked (``flock``) for as long as its writer lives; those of
    earlier saves to ``path`` whose writer died (SIGKILL) are removed first.
    """
    _remove_dead_partials(path)
    try:
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    # A new file: 0o666 less the umask, as any new file (mkstemp would make it private).
    # Over a file: its group and other bits from the start (the umask may only take some
    # away), plus the owner's read and write so that ffmpeg can open it; exact at the end.
    create = 0o666 if mode is None else (mode & 0o777) | stat.S_IRUSR | stat.S_IWUSR
    while True:  # a fresh name, created here so that nobody else can take it
        tmp_path = path.with_name(_temp_name(path, secrets.token_hex(4)))
        try:
            fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, create)
        except FileExistsError:
            continue
        except PermissionError as exc:
            raise PermissionError(
                f"path={str(path)!r}: cannot write in {str(path.parent)!r}: {exc.strerror}."
            ) from None
        if fcntl is None or _lock(fd):
            break
        os.close(fd)  # another save took it for a dead writer's and removes it
    try:
        yield tmp_path
        if mode is not None:
            tmp_path.chmod(mode)
        os.replace(tmp_path, path)
    except FileNotFoundError:
        if path.parent.is_dir():
            raise
        # the folder was removed during the save: say so, not which temp file went with it
        raise FileNotFoundError(
            f"path={str(path)!r}: the folder {str(path.parent)!r} vanished while saving."
        ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        os.close(fd)  # the lock goes last: the file is gone or installed by now
