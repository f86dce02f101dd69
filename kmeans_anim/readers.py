"""Reading files of points: CSV and other delimited text, ``.npy``/``.npz``, Parquet, Feather.

CSV goes through numpy's compiled ``np.loadtxt`` once the file's first lines have told
its delimiter, its header and which columns to take. When that fast parser refuses the
file, a careful pass over the rows in Python reads it instead, or finds the row to name
in the error: errors are rare and their messages matter, good files are common and
their speed matters. Either way the memory is a small multiple of the final array.
"""

from __future__ import annotations

import csv
import io
import os
import warnings
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .columns import column_index, left_out_hints

__all__ = [
    "arrow_columns",
    "arrow_points",
    "read_column",
    "read_points",
    "split_npz_key",
    "stdin_to_file",
]

#: How much of a text file (in characters, past the blank and comment lines) is read to
#: decide its delimiter, its header and its numeric columns.
HEAD_CHARS = 65536
#: The first bytes of file kinds that are not text, and what to say about each.
MAGIC = {
    b"\x1f\x8b": "is gzip-compressed, not text; decompress it first (zcat {name} > plain.csv)",
    b"PK\x03\x04": "is a zip archive (an .npz is one), not text; "
    "if it holds NumPy arrays, name it .npz",
    b"\x93NUMPY": "is a NumPy .npy file, not text; name it .npy",
    b"PAR1": "is a Parquet file, not text; name it .parquet",
    b"ARROW1": "is an Arrow/Feather file, not text; name it .feather",
}
ARROW_SUFFIXES = (".parquet", ".feather")
Columns = list[str | int] | None
#: A column left out as non-numeric: its index, its name and its first values (or an
#: empty array of its type), for the message that names it.
LeftOut = tuple[int, str, NDArray[Any]]
Read = tuple[NDArray[Any], tuple[str, ...] | None, list[LeftOut]]


def read_points(path: Path, name: str, columns: Columns, key: str | None = None) -> Read:
    """The numbers of the file ``path`` and its columns' names (None if it has none).

    Parameters
    ----------
    path : Path
        An existing file: ``.npy``, ``.npz``, ``.parquet``, ``.feather``, else text.
    name : str
        What messages call the file (``data.npz:x`` picks the array ``x`` of an npz).
    columns : list of str or int, or None
        Columns by name or 0-based index; None takes every numeric column.
    key : str, optional
        The array to read from an ``.npz`` (needed when it holds several).

    Returns
    -------
    points : ndarray
        The selected numbers (not yet checked for finiteness or shape).
    names : tuple of str, or None
        A name per selected column, when the file names its columns.
    left_out : list of (int, str, ndarray)
        Without ``columns``, the columns left out as non-numeric: each one's index, name
        and first values (for :func:`~kmeans_anim.columns.warn_left_out`).
    """
    suffix = path.suffix.lower()
    if suffix == ".npy":
        return _select(np.load(path, allow_pickle=False), columns, name), None, []
    if suffix == ".npz":
        return _read_npz(path, name, columns, key), None, []
    if suffix in ARROW_SUFFIXES:
        return _read_arrow(path, name, columns)
    return _read_text(path, name, columns)


def split_npz_key(path: Path) -> tuple[Path, str | None]:
    """``data.npz:key`` as (``data.npz``, ``key``) when no file has the whole name."""
    text = str(path)
    base, sep, key = text.rpartition(":")
    if sep and key and base.lower().endswith(".npz") and not path.exists():
        return Path(base), key
    return path, None


# --------------------------------------------------------------------------- arrays


def _select(arr: NDArray[Any], columns: Columns, name: str) -> NDArray[Any]:
    if columns is None:
        return arr
    if arr.ndim != 2:
        raise ValueError(f"columns: {name} has ndim={arr.ndim}; columns need a 2-D array.")
    return arr[:, [column_index(c, None, arr.shape[1], "columns", name) for c in columns]]


def _read_npz(path: Path, name: str, columns: Columns, key: str | None) -> NDArray[Any]:
    with np.load(path, allow_pickle=False) as archive:
        keys = list(archive.files)
        if key is None:
            if not keys:
                raise ValueError(f"{name} holds no array.")
            if len(keys) > 1:
                raise ValueError(
                    f"{name} holds {len(keys)} arrays ({', '.join(keys)}); "
                    f"pick one as {name}:KEY, e.g. {name}:{keys[0]}."
                )
            key = keys[0]
        elif key not in keys:
            raise ValueError(f"{path.name}: no array {key!r}; it holds {', '.join(keys)}.")
        return _select(archive[key], columns, name)


def arrow_columns(schema: Any, name: str) -> tuple[list[str], list[LeftOut]]:
    """The numeric columns of an Arrow ``schema`` (of the file ``name``), and those left
    out (index, name, an empty array of their kind); ValueError if none is numeric."""
    import pyarrow as pa

    header = list(schema.names)
    numbers = [pa.types.is_integer(t) or pa.types.is_floating(t) for t in schema.types]
    numeric = [n for n, ok in zip(header, numbers, strict=True) if ok]
    left: list[LeftOut] = [
        (i, n, np.empty(0, dtype=bool if pa.types.is_boolean(t) else object))
        for i, (n, t, ok) in enumerate(zip(header, schema.types, numbers, strict=True))
        if not ok
    ]
    if not numeric:
        raise _no_numeric(name, left)
    return numeric, left


def _read_arrow(path: Path, name: str, columns: Columns) -> Read:
    try:
        import pyarrow as pa
        import pyarrow.feather as feather
        import pyarrow.parquet as pq
    except ImportError:
        raise ValueError(
            f"reading {name} needs pyarrow: pip install 'kmeans-anim[arrow]'."
        ) from None
    try:
        parquet = path.suffix.lower() == ".parquet"
        if parquet:
            schema = pq.read_schema(path)
        else:
            with pa.memory_map(str(path)) as source:
                schema = pa.ipc.open_file(source).schema
        header = list(schema.names)
        left: list[LeftOut] = []
        if columns is None:
            numeric, left = arrow_columns(schema, name)
        else:
            numeric = [
                header[column_index(c, header, len(header), "columns", name)] for c in columns
            ]
        # only the chosen columns are read from disk
        table = (pq.read_table if parquet else feather.read_table)(path, columns=numeric)
    except pa.ArrowException as exc:
        raise ValueError(f"path={str(path)!r} could not be read: {exc}") from None
    return arrow_points(table, numeric, name), tuple(numeric), left


def arrow_points(table: Any, columns: Sequence[str], name: str) -> NDArray[np.float64]:
    """The ``columns`` of an Arrow ``table`` (read from ``name``) as one float64 array of
    shape (rows, columns); ValueError for a column that is not of a number type or has
    missing values."""
    import pyarrow as pa

    out = np.empty((table.num_rows, len(columns)))
    for j, col in enumerate(columns):
        data = table.column(col)
        if not (pa.types.is_integer(data.type) or pa.types.is_floating(data.type)):
            raise ValueError(f"{name}, column {col}: its type {data.type} is not a number type.")
        if data.null_count:
            raise ValueError(
                f"{name}, column {col}: {data.null_count} missing value(s) are not numbers."
            )
        out[:, j] = data.to_numpy()
    return out


# --------------------------------------------------------------------------- text


@dataclass(frozen=True)
class _Plan:
    """What the first lines of a text file told: how to read the rest."""

    dialect: Any  # a csv.Dialect subclass or instance, as csv.Sniffer gives
    header: list[str] | None
    skip: int  # lines up to and including the header's (0 without a header)
    width: int  # fields per row
    idx: list[int]  # the columns to read, in order
    left: list[LeftOut]  # the header's columns left out as non-numeric


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _uncomment(line: str) -> str:
    """``line`` without a ``#`` comment (as np.loadtxt's ``comments='#'`` drops it)."""
    cut = line.find("#")
    return line if cut < 0 else line[:cut]


def _rows(lines: Iterable[str], dialect: Any) -> Iterator[tuple[int, list[str]]]:
    """The non-blank rows of ``lines`` (comments removed), each with its line number."""
    reader = csv.reader(map(_uncomment, lines), dialect)
    for row in reader:
        cells = [c.strip() for c in row]
        if any(cells):
            yield reader.line_num, cells


def _check_kind(path: Path, name: str) -> None:
    """Refuse, by name, binary files given as text: they would read as garbage rows."""
    with path.open("rb") as f:
        start = f.read(8)
    for magic, what in MAGIC.items():
        if start.startswith(magic):
            raise ValueError(f"{name} {what.format(name=name)}.")


def _not_utf8(path: Path, name: str) -> ValueError:
    """The error for a file that is not UTF-8, naming the first line that is not."""
    with path.open("rb") as f:
        for n, line in enumerate(f, 1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                return ValueError(
                    f"{name} is not UTF-8 text: line {n} has the byte "
                    f"0x{line[exc.start]:02x}; save the file as UTF-8 "
                    "(it may be Latin-1 or another encoding)."
                )
    return ValueError(f"{name} is not UTF-8 text; save the file as UTF-8.")


def _head(lines: Iterable[str]) -> tuple[list[tuple[int, str]], bool]:
    """The first rows of a file with their line numbers, up to :data:`HEAD_CHARS`
    characters (and at least two rows), and whether they are the whole file.

    Blank and comment lines are counted, not kept: a file of blank lines costs no memory.
    """
    kept: list[tuple[int, str]] = []
    size = 0
    for n, line in enumerate(lines, 1):
        text = _uncomment(line)
        if text.strip():
            kept.append((n, text))
            size += len(text)
            if size >= HEAD_CHARS and len(kept) >= 2:
                return kept, False
    return kept, True


def _ragged(name: str, line: int, fields: int, width: int) -> ValueError:
    return ValueError(
        f"{name}, row {line}: {fields} fields where {width} were expected (ragged CSV)."
    )


def _plan(head: list[tuple[int, str]], whole: bool, name: str, columns: Columns) -> _Plan:
    """Delimiter, header and columns from the file's first rows (as :func:`_head`)."""
    try:
        dialect: Any = csv.Sniffer().sniff("".join(t for _, t in head), delimiters=",;\t ")
    except csv.Error:
        dialect = csv.excel
    # one line at a time: a field quoted across lines is for the careful reader to see
    rows = [(n, [c.strip() for c in next(csv.reader([text], dialect))]) for n, text in head]
    rows = [(n, cells) for n, cells in rows if any(cells)]
    if not rows:
        raise ValueError(f"{name} is empty: no rows to read.")
    header, skip = None, 0
    # A header row is all text, or has text where the next row has a number: a text
    # column in a file without a header must not swallow its first row.
    first = rows[0][1]
    nxt = rows[1][1] if len(rows) > 1 else []
    text = [bool(c) and not _is_number(c) for c in first]
    if all(text) or any(t and i < len(nxt) and _is_number(nxt[i]) for i, t in enumerate(text)):
        header, skip = first, rows[0][0]
        rows = rows[1:]
    if not rows and whole:
        raise ValueError(f"{name} has a header row but no data rows.")
    width = len(header) if header is not None else len(rows[0][1])
    # Ragged rows are reported before a column is looked for, as the careful reader
    # does: here for the first rows, which loadtxt may not check (see _fast).
    for line, row in rows:
        if len(row) != width:
            raise _ragged(name, line, len(row), width)
    left: list[LeftOut] = []
    if columns is None:
        idx = list(range(width))
        if header is not None:
            # Without an explicit choice, take the columns that hold numbers in the first
            # rows (text or blanks further down such a column are errors, not a reason
            # to drop it).
            idx = [i for i in idx if any(i < len(r) and _is_number(r[i]) for _, r in rows)]
            left = [
                (i, header[i], np.array([r[i] for _, r in rows[:100]], dtype=object))
                for i in range(width)
                if i not in idx
            ]
            if not idx:
                raise _no_numeric(name, left)
    else:
        idx = [column_index(c, header, width, "columns", name) for c in columns]
    return _Plan(dialect, header, skip, width, idx, left)


def _no_numeric(name: str, left: list[LeftOut]) -> ValueError:
    """The error for a file none of whose columns holds numbers, with the hints of
    :func:`~kmeans_anim.columns.left_out_hints`."""
    hints = left_out_hints([(n, v) for _, n, v in left])
    return ValueError(
        f"{name} has no numeric column" + (f"; {'; '.join(hints)}" if hints else "") + "."
    )


def _read_text(path: Path, name: str, columns: Columns) -> Read:
    _check_kind(path, name)
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            plan = _plan(*_head(f), name, columns)
        points = _fast(path, plan)
        if points is None:
            points = _careful(path, name, plan)
    except UnicodeDecodeError:
        raise _not_utf8(path, name) from None
    names = None if plan.header is None else tuple(plan.header[i] for i in plan.idx)
    return points, names, plan.left


def _fast(path: Path, plan: _Plan) -> NDArray[np.float64] | None:
    """The file read by ``np.loadtxt`` as planned, or None where it refuses the file."""
    # every column, in any order: read them all (so that loadtxt checks each row's
    # width), then reorder
    every = set(plan.idx) == set(range(plan.width))
    delimiter = plan.dialect.delimiter
    try:
        with warnings.catch_warnings():
            # an empty input warns; the plan has already seen a data row, so it cannot be
            warnings.simplefilter("ignore")
            out = np.loadtxt(
                path,
                dtype=np.float64,
                # csv's " " with skipinitialspace reads runs of blanks as one delimiter
                delimiter=None if delimiter == " " else delimiter,
                comments="#",
                quotechar=plan.dialect.quotechar,
                skiprows=plan.skip,
                # With usecols loadtxt checks only that a row has the fields it reads:
                # past the rows _plan checked, a row with an unread field more or less
                # passes. That is the price of reading a subset at loadtxt's speed.
                usecols=None if every else plan.idx,
                ndmin=2,
                encoding="utf-8-sig",
            )
    except ValueError:
        return None
    if not every:
        return out
    if out.shape[1] != plan.width:
        return None  # rows of one width, but not the header's: ragged, said carefully
    return out if plan.idx == list(range(plan.width)) else out[:, plan.idx]


def _careful(path: Path, name: str, plan: _Plan) -> NDArray[np.float64]:
    """The file read row by row in Python: slow, but it names the row of any error.

    Two streaming passes, so that a ragged row is reported before a bad number as it
    always was; the values go to a compact ``array('d')``, not to lists of floats.
    """
    with path.open(newline="", encoding="utf-8-sig") as f:
        for line, row in _rows(f, plan.dialect):
            if line > plan.skip and len(row) != plan.width:
                raise _ragged(name, line, len(row), plan.width)
    values = array("d")
    with path.open(newline="", encoding="utf-8-sig") as f:
        for line, row in _rows(f, plan.dialect):
            if line <= plan.skip:
                continue
            for i in plan.idx:
                text = row[i]
                try:
                    values.append(float(text))
                except ValueError:
                    col = plan.header[i] if plan.header is not None else str(i)
                    what = "an empty field" if text == "" else f"{text!r}"
                    raise ValueError(
                        f"{name}, row {line}, column {col}: {what} is not a number."
                    ) from None
    return np.frombuffer(values, dtype=np.float64).reshape(-1, len(plan.idx))


def read_column(path: Path, column: str | int) -> tuple[str, list[str]]:
    """The name and the text of one column (by name, or by 0-based index) of a CSV file
    with a header row, blank rows skipped: a column of known classes, which may hold
    text."""
    if str(path) == "-" or path.suffix.lower() in (".npy", ".npz", ".parquet", ".feather"):
        raise ValueError(f"truth: a column of classes is read from a CSV file; got {path.name}.")
    # the reader's own delimiter, header and row rules, so that the classes line up
    # with the points row for row (comments and blank lines skipped alike)
    with path.open(newline="", encoding="utf-8-sig") as f:
        plan = _plan(*_head(f), path.name, None)
        f.seek(0)
        rows = [cells for n, cells in _rows(f, plan.dialect) if n > plan.skip]
    header = plan.header or []
    i = column_index(column, header, len(header), "truth", path.name)
    labels = [row[i] if i < len(row) else "" for row in rows]
    if "" in labels:
        raise ValueError(
            f"truth: column {column!r} of {path.name} has an empty field in data row "
            f"{labels.index('') + 1}; every row needs its class."
        )
    return header[i], labels


def stdin_to_file(folder: str | os.PathLike[str], stream: io.BufferedIOBase) -> Path:
    """Copy ``stream`` (standard input) to a file in ``folder``: the CSV reader reads a
    file twice (its head, then all of it), which a pipe cannot be."""
    target = Path(folder) / "stdin.csv"
    with target.open("wb") as out:
        while chunk := stream.read(1 << 20):
            out.write(chunk)
    return target
