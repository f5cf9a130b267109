"""Writing files atomically: a reader sees the old file or the new one, never half of one.

A failure says which file and why in the user's language: a full disk ("disque plein") is named as
such, and the half-written temporary file is removed so the old file stays as it was.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .errors import BackendError
from .text import Language, Text

DISK_FULL_ERRORS = {errno.ENOSPC, errno.EDQUOT}
SQLITE_FULL = 13
NEARLY_FULL = 256 * 1024  # bytes free under which a failed write is taken for a full disk
CANNOT_WRITE = Text("{target} : écriture impossible ({reason})", "{target}: cannot write ({reason})")
DISK_FULL = Text(
    "disque plein : libérez de la place ou écrivez ailleurs", "disk full: free some space or write elsewhere"
)


def atomic_write(target: Path, data: bytes, language: Language = "en") -> None:
    """Write `data` to a temporary file beside `target`, flush it to disk, then rename it over."""
    atomic_write_with(target, lambda file: _write_all(file.fileno(), data), language)


def atomic_write_with(target: Path, write: Callable[[BinaryIO], None], language: Language = "en") -> None:
    """atomic_write, of what `write` puts into the temporary file (seekable): a big file is made straight
    into it, never whole in memory (the master workbook)."""
    temp: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with open(fd, "wb") as file:
            write(file)
            file.flush()
            os.fsync(fd)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
        os.replace(temp, target)
    except OSError as exc:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)
        raise BackendError(write_failure(target, exc, language)) from None
    except BaseException:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)
        raise


def write_failure(target: Path | str, exc: BaseException, language: Language = "en") -> str:
    """'out.html: cannot write (disk full: …)': which file, and why, in the user's language."""
    return CANNOT_WRITE(language).format(target=target, reason=failure_reason(exc, language))


def failure_reason(exc: BaseException, language: Language = "en", where: Path | None = None) -> str:
    if is_disk_full(exc, where):
        return DISK_FULL(language)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def is_disk_full(exc: BaseException, where: Path | None = None) -> bool:
    """An OSError for a full disk or quota, SQLite's SQLITE_FULL, or any write error on a volume with
    (almost) no space left: SQLite reports a full disk as a 'disk I/O error' when its journal fails."""
    if isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRORS:
        return True
    if getattr(exc, "sqlite_errorcode", None) == SQLITE_FULL or "disk is full" in str(exc):
        return True
    return where is not None and _free_space(where) < NEARLY_FULL


def _free_space(where: Path) -> int:
    for folder in (where, *where.parents):
        try:
            return shutil.disk_usage(folder).free
        except OSError:
            continue
    return NEARLY_FULL  # unknown: do not guess


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
