"""Local files and folders as pull sources: folders walked, special entries reported, never opened.

A folder is walked recursively and sorted, so a stray PDF is reported too; hidden files (among them the
provenance `collect` keeps beside each copy it saves) and the lock files of Office (`~$x.xlsx`) and
LibreOffice (`.~lock.x#`) are skipped. Pipes, sockets, devices and
broken or looping links are listed as `special_file` problems: reading a pipe would block the run.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from dataclasses import replace
from pathlib import Path

from ..errors import SourceError
from ..mail.provenance import provenance_of
from ..rawbook import RawWorkbook
from ..screening import Screened, screen
from ..sources import Reader, ReadOptions, SourceKind
from .files import read_file

IGNORED_PREFIXES = (".", "~$")  # hidden files, Office lock files (~$x.xlsx), LibreOffice (.~lock.x#)


def expand(source: str) -> list[str]:
    path = Path(source)
    if not path.is_dir():
        return [source]
    found: list[tuple[tuple[str, ...], str]] = []  # (path parts below `path`: the order, the path)
    seen: set[str] = set()
    for top, folders, files in os.walk(path, followlinks=True):
        real = os.path.realpath(top)
        if real in seen:  # a link back up the tree: walk each real folder once
            folders.clear()
            continue
        seen.add(real)
        folders[:] = sorted(f for f in folders if not f.startswith(IGNORED_PREFIXES))
        below = Path(top).relative_to(path).parts  # once per folder, not once per file
        found += [((*below, f), os.path.join(top, f)) for f in files if not f.startswith(IGNORED_PREFIXES)]
    return [p for _, p in sorted(found)]


# A file larger than this is screened and read from the disk, never held whole in memory (nor cached):
# no copy within screening's limits comes near it.
MAX_IN_MEMORY = 64 * 1024 * 1024


def read(source: str) -> RawWorkbook:
    """Check what the entry is before opening it, then screen and read it."""
    data, modified = load(source)
    return read_loaded(source, data, modified)


def load(source: str) -> tuple[bytes | None, dt.datetime]:
    """The file's bytes (None when too large to hold) and time, after checking what the entry is."""
    try:
        info = os.stat(source)  # follows links: a dangling or looping one raises
    except FileNotFoundError:
        if os.path.islink(source):
            raise SourceError(source, "special_file", "broken link") from None
        raise SourceError(source, "not_found") from None
    except OSError as exc:
        if os.path.islink(source):  # a link looping on itself
            raise SourceError(source, "special_file", exc.strerror or str(exc)) from None
        raise SourceError(source, "unreadable", exc.strerror or str(exc)) from None
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise SourceError(source, "not_spreadsheet", "a folder")
    if not stat.S_ISREG(mode):
        raise SourceError(source, "special_file", _kind(mode))
    modified = dt.datetime.fromtimestamp(info.st_mtime, dt.UTC)
    if info.st_size > MAX_IN_MEMORY:
        return None, modified
    try:
        # os.read, not a file object (making one took a third of re-pulling a cached copy); read(n)
        # allocates n bytes first: ask for the size stat gave (plus one, to see a file that grew)
        handle = os.open(source, os.O_RDONLY | getattr(os, "O_BINARY", 0))  # O_BINARY: Windows
        try:
            data = _read_up_to(handle, info.st_size + 1)
            if len(data) > info.st_size:
                data += _read_up_to(handle, MAX_IN_MEMORY + 1 - len(data))
        finally:
            os.close(handle)
    except PermissionError as exc:
        raise SourceError(source, "unreadable", exc.strerror or "permission denied") from None
    except OSError as exc:
        raise SourceError(source, "unreadable", exc.strerror or str(exc)) from None
    return (data if len(data) <= MAX_IN_MEMORY else None), modified


def _read_up_to(handle: int, size: int) -> bytes:
    """`size` bytes, or fewer at the end of the file (os.read may return less than asked: read on)."""
    data = os.read(handle, size)
    while 0 < len(data) < size and (more := os.read(handle, size - len(data))):
        data += more
    return data


def read_loaded(source: str, data: bytes | None, modified: dt.datetime) -> RawWorkbook:
    """`load`'s result screened and read, with the provenance `collect` recorded beside the file."""
    return with_provenance(read_bytes(source, data, modified), Path(source))


def read_bytes(
    source: str, data: bytes | None, modified: dt.datetime, screened: Screened | None = None
) -> RawWorkbook:
    """The copy's values alone (a pure function of `data`, but for `source` and `modified`).
    `screened`: what `screen_bytes` found, when the caller screened the file already."""
    try:
        return read_file(Path(source), data, modified, screened)
    except PermissionError as exc:
        raise SourceError(source, "unreadable", exc.strerror or "permission denied") from None


def screen_bytes(source: str, data: bytes | None) -> Screened:
    """`load`'s result screened (see screening.py): the first step of `read_bytes`, on its own."""
    try:
        return screen(Path(source), data)
    except PermissionError as exc:
        raise SourceError(source, "unreadable", exc.strerror or "permission denied") from None


def with_provenance(raw: RawWorkbook, path: Path, sha256: str | None = None) -> RawWorkbook:
    """A copy saved by `collect` carries its message's date and sender (see mail/provenance.py).
    `sha256`: of the file's bytes, when the caller just read them (else they are read again)."""
    recorded = provenance_of(path, sha256)
    if recorded is None:
        return raw
    return replace(raw, modified=recorded.moment or raw.modified, sender=recorded.sender)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device"


def _reader(options: ReadOptions) -> Reader:
    return read


SOURCE = SourceKind("file", claims=lambda source: True, expand=expand, reader=_reader, parallel=True)
