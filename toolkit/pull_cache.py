"""A disposable cache of what pull reads from each copy, keyed on the copy's bytes.

Re-pulling the same copies (the weekly run: most copies did not change) need not screen and read
them again. The cache holds, per copy, the pure part of reading it (`read_copy.CopyContent`, or the
SourceError its bytes earn), under sha256(the file's bytes) and a fingerprint of everything else
that shapes that result: the toolkit's own code, python-calamine's version, and the whole initiative
(its kit and templates, language, round, partners and people). A changed byte, a changed template,
a new toolkit: a miss, never a stale answer. Whose copy it is (the sender, the register of issued
copies, the file's name and time) is not cached: pull decides it on every run (`read_copy.finish`).

The cache is one SQLite file (WAL, so two runs can pull at once), beside the initiative's history,
hidden so a folder pulled whole does not list it. Anything wrong with it (corrupt, locked too long,
read-only, a value that does not check out) makes it a miss or turns it off for the run: the cache
never makes a pull fail. Values are pickled, each with a checksum, and unpickled with a loader that
knows only the few classes they hold: a tampered file cannot run code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import hashlib
import io
import pickle
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePath

from .initiative import Initiative
from .read_copy import CopyContent

SCHEMA = 1  # bump when CopyContent or what it holds changes shape
FILE_NAME = ".toolkit-pull-cache.sqlite"
MAX_ENTRIES = 200_000  # past this, the oldest entries go (a cache, not an archive)
_BUSY_SECONDS = 10.0  # how long a run waits for another run's write


@dataclass(frozen=True)
class CachedError:
    """A copy whose bytes screening or reading refused: the SourceError's code and detail."""

    code: str
    detail: str


Entry = CopyContent | CachedError


def default_path(initiative: Initiative | None) -> Path | None:
    """Beside the initiative's history (None without an initiative: nothing to key the layout on)."""
    if initiative is None or initiative.history_path is None:
        return None
    return initiative.history_path.parent / FILE_NAME


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fingerprint(initiative: Initiative) -> str:
    """Everything but the copy's bytes that shapes what reading it gives."""
    body = "\n".join((str(SCHEMA), _code_fingerprint(), _canonical(initiative)))
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()


@cache
def _code_fingerprint() -> str:
    """The toolkit's source (any edit is a new reader), python-calamine's and Python's versions."""
    from importlib import metadata

    root = Path(__file__).resolve().parent
    hasher = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        hasher.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    try:
        version = metadata.version("python-calamine")
    except metadata.PackageNotFoundError:
        version = "?"
    return f"{hasher.hexdigest()} calamine {version} python {sys.version_info[:2]}"


def _canonical(value: object) -> str:
    """A text that is the same for equal values in any process (sets sorted, no memory addresses)."""
    out = io.StringIO()
    _write(value, out)
    return out.getvalue()


_PLAIN = (str, int, float, bool, PurePath, dt.date, dt.time, dt.timedelta, enum.Enum)


def _write(value: object, out: io.StringIO) -> None:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out.write(type(value).__qualname__ + "(")
        for f in dataclasses.fields(value):
            out.write(f.name + "=")
            _write(getattr(value, f.name), out)
            out.write(",")
        out.write(")")
    elif isinstance(value, Mapping):
        out.write("{")
        for text in sorted(_canonical(k) + ":" + _canonical(v) for k, v in value.items()):
            out.write(text + ",")
        out.write("}")
    elif isinstance(value, set | frozenset):
        out.write("set(" + ",".join(sorted(_canonical(v) for v in value)) + ")")
    elif isinstance(value, list | tuple):
        out.write("[")
        for item in value:
            _write(item, out)
            out.write(",")
        out.write("]")
    elif isinstance(value, _PLAIN):
        out.write(type(value).__name__ + repr(value))
    elif value is None:
        out.write("None")
    else:  # anything else: its repr, which may hold an address (then never a hit: safe)
        out.write(type(value).__qualname__ + repr(value))


# --- values: pickled, checked, and unpickled knowing only these classes ----------------------------

_ALLOWED = {
    ("toolkit.read_copy", "CopyContent"),
    ("toolkit.pull_cache", "CachedError"),
    ("toolkit.metadata", "CopyInfo"),
    ("toolkit.submission", "Note"),
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("builtins", "frozenset"),
    ("builtins", "set"),
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> object:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not a cached value")
        return super().find_class(module, name)


def _dump(entry: Entry) -> tuple[bytes, bytes]:
    blob = pickle.dumps(entry, protocol=5)
    return blob, hashlib.blake2b(blob, digest_size=16).digest()


def _load(blob: bytes, check: bytes) -> Entry | None:
    if hashlib.blake2b(blob, digest_size=16).digest() != check:
        return None
    try:
        entry = _Unpickler(io.BytesIO(blob)).load()
    except Exception:  # a value that does not load is a miss, whatever went wrong
        return None
    return entry if isinstance(entry, CopyContent | CachedError) else None


# --- the file ------------------------------------------------------------------------------------


class PullCache:
    """One run's use of the cache file: look up many copies at once, write what was read at the end."""

    def __init__(self, path: Path, initiative: Initiative) -> None:
        self.path = path
        self.fingerprint = fingerprint(initiative)
        self.pending: dict[str, Entry] = {}
        self.db: sqlite3.Connection | None = None
        try:
            self.db = self._open()
        except (sqlite3.Error, OSError):
            self.db = self._rebuilt()

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=_BUSY_SECONDS, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # a lost last write is a miss next time
            db.execute(
                "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,"
                " value BLOB NOT NULL, check_ BLOB NOT NULL)"
            )
            db.execute("SELECT count(*) FROM entries WHERE key = ''").fetchone()  # reads a page
        except BaseException:
            db.close()
            raise
        return db

    def _rebuilt(self) -> sqlite3.Connection | None:
        """A file SQLite cannot use: removed and made anew; off for this run if that fails too."""
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        try:
            return self._open()
        except (sqlite3.Error, OSError):
            return None

    def get_many(self, digests: Iterable[str]) -> dict[str, Entry]:
        """The entries found for these file digests (a missing, stale or damaged one is left out)."""
        wanted = list(dict.fromkeys(digests))
        found: dict[str, Entry] = {}
        if self.db is None or not wanted:
            return found
        try:
            for chunk in _chunks(wanted, 500):
                marks = ",".join("?" * len(chunk))
                rows = self.db.execute(
                    f"SELECT key, value, check_ FROM entries WHERE fingerprint = ? AND key IN ({marks})",
                    (self.fingerprint, *chunk),
                ).fetchall()
                for key, blob, check in rows:
                    entry = _load(blob, check)
                    if entry is not None:
                        found[key] = entry
        except sqlite3.Error:
            self.db = self._rebuilt()
            return {}
        return found

    def put(self, file_digest: str, entry: Entry) -> None:
        self.pending[file_digest] = entry

    def close(self) -> None:
        """Write what this run read (one transaction), forget other fingerprints' entries, close."""
        if self.db is None:
            return
        try:
            if self.pending:
                rows = [(key, self.fingerprint, *_dump(entry)) for key, entry in self.pending.items()]
                with self.db:  # a transaction: BEGIN … COMMIT
                    self.db.execute("BEGIN IMMEDIATE")
                    self.db.executemany(
                        "INSERT OR REPLACE INTO entries (key, fingerprint, value, check_)"
                        " VALUES (?, ?, ?, ?)",
                        rows,
                    )
                    self.db.execute("DELETE FROM entries WHERE fingerprint != ?", (self.fingerprint,))
                    self.db.execute(
                        "DELETE FROM entries WHERE rowid <= (SELECT max(rowid) FROM entries) - ?",
                        (MAX_ENTRIES,),
                    )
        except sqlite3.Error:
            pass  # not written: a miss next time
        finally:
            self.pending.clear()
            self.db.close()
            self.db = None


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
