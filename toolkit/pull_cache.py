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
never makes a pull fail. Values are plain tuples (text, numbers, dates as numbers) pickled with no
class at all, else (an unusual value) pickled whole and unpickled with a loader that knows only the
few classes they hold; each has a checksum: a tampered file cannot run code. Where a copy's cells are
(the layout most copies of a round share) is stored once, under the sha256 of its bytes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import hashlib
import io
import itertools
import operator
import pickle
import sqlite3
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePath
from typing import Any, TypeVar

from .attribution import Identity
from .initiative import Initiative
from .read_copy import CopyContent
from .submission import CELL_COLUMNS, Note

SCHEMA = 3  # bump when CopyContent or what it holds changes shape
FILE_NAME = ".toolkit-pull-cache.sqlite"
MAX_ENTRIES = 200_000  # past this, the oldest entries go (a cache, not an archive)
MAX_LAYOUTS = 20_000  # where each copy's cells are: most copies of a round share one
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
_EXACT_PLAIN = frozenset({str, int, float, bool})


def _field_names(kind: type) -> tuple[str, ...] | None:
    """A dataclass's field names (None for any other type), looked up once per type."""
    if kind not in _FIELD_NAMES:
        is_dataclass = dataclasses.is_dataclass(kind)
        _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(kind)) if is_dataclass else None
    return _FIELD_NAMES[kind]


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}
_FLAT = frozenset({str, int, float, bool, type(None)})


def _flat_tuple(value: tuple[object, ...]) -> bool:
    return all(type(item) in _FLAT for item in value)


def _write_flat_rows(items: list[object] | tuple[object, ...], out: io.StringIO) -> bool:
    """Many dataclasses of one kind holding only atoms and tuples of atoms (an initiative's partners):
    the repr of their fields, in one pass (True), else nothing written (False)."""
    kinds = {type(item) for item in items}
    names = _field_names(next(iter(kinds))) if len(kinds) == 1 else None
    if not names or len(names) < 2:  # attrgetter of one name gives the value, not a tuple
        return False
    rows = list(map(operator.attrgetter(*names), items))
    types = {type(field) for row in rows for field in row}
    inner = {type(x) for row in rows for field in row if type(field) is tuple for x in field}
    if not (types <= _FLAT | {tuple} and inner <= _FLAT):
        return False
    out.write(f"{next(iter(kinds)).__qualname__}*{rows!r}")
    return True


def _write(value: object, out: io.StringIO) -> None:
    kind = type(value)
    if kind in _EXACT_PLAIN:  # the bulk of an initiative (partners' ids, names, addresses): first
        out.write(kind.__name__ + repr(value))
        return
    names = _field_names(kind)
    if names is not None:
        fields = tuple(map(getattr, itertools.repeat(value), names))
        if all(type(f) in _FLAT or (type(f) is tuple and _flat_tuple(f)) for f in fields):
            # a partner: its fields' repr, which tells str, int, float, bool and None apart (in order)
            out.write(kind.__qualname__ + repr(fields))
            return
        out.write(kind.__qualname__ + "(")
        for name in names:
            out.write(name + "=")
            _write(getattr(value, name), out)
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
        if _write_flat_rows(value, out):
            return
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


# --- values: plain tuples (pickled with no class at all), else pickled knowing only a few classes ---
#
# A warm pull loads every copy's value: rebuilding dataclasses through pickle cost more than the rest of
# a cache hit. The usual value (text, numbers, dates) is stored as plain tuples of str, int, float, bool
# and None, pickled with no class allowed, and rebuilt here; anything else falls back to the checked
# pickle of the value itself. Both are prefixed with their format and carry a checksum. Where each cell
# is (its worksheet, row, column and location) is the same in most copies of a round: that layout is
# stored once, under the sha256 of its bytes, and a plain value names it.

_PLAIN_FORMAT, _PICKLED_FORMAT = b"T", b"P"
_ATOMS = (str, int, float, bool, type(None))  # bool is an int: listed for the reader

_ALLOWED = {
    ("toolkit.read_copy", "CopyContent"),
    ("toolkit.pull_cache", "CachedError"),
    ("toolkit.attribution", "Identity"),
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


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> object:
        raise pickle.UnpicklingError(f"{module}.{name}: a plain value holds no class")


class _NotPlain(Exception):
    """A value the plain format cannot hold exactly (it is pickled whole instead)."""


Layout = tuple[tuple[object, ...], ...]  # the columns of _LAYOUT_COLUMNS

# The cells: their layout, stored apart and shared, and each copy's own columns.
_LAYOUT_COLUMNS = ("worksheet", "row", "column", "location")
_OWN_COLUMNS = ("value", "text", "problem", "origin")
# CELL_COLUMNS' order out of (*layout, *own columns): one C call puts a copy's table together
_IN_ORDER = operator.itemgetter(*((*_LAYOUT_COLUMNS, *_OWN_COLUMNS).index(name) for name in CELL_COLUMNS))


def _dump(entry: Entry) -> tuple[bytes, bytes, bytes | None]:
    """(the value stored, its checksum, the layout it names: None, or stored apart under layout_key)."""
    try:
        plain, layout = _plain_entry(entry)
        blob = _PLAIN_FORMAT + pickle.dumps(plain, protocol=5)
    except _NotPlain:
        blob, layout = _PICKLED_FORMAT + pickle.dumps(entry, protocol=5), None
    return blob, _checksum(blob), layout


def _checksum(blob: bytes) -> bytes:
    """Against damage, not tampering (whoever can write the file can recompute any sum): CRC-32."""
    return zlib.crc32(blob).to_bytes(4, "big")


def layout_key(blob: bytes) -> bytes:
    return hashlib.sha256(blob).digest()


def _load(blob: bytes, check: bytes, layouts: Mapping[bytes, Layout]) -> Entry | None:
    """The entry a stored value holds (None when it does not check out, or its layout is not there)."""
    found = _unpacked(blob, check)
    return _built(found, layouts) if isinstance(found, tuple) else found


def _unpacked(blob: bytes, check: bytes) -> Entry | tuple[Any, ...] | None:
    """A stored value: the Entry pickled whole, or the plain tuple (to finish with its layout:
    _built), or None when it does not check out."""
    if _checksum(blob) != check:
        return None
    stream = io.BytesIO(blob)  # shares the bytes (blob[1:] copied them)
    form = stream.read(1)
    try:
        if form == _PLAIN_FORMAT:
            plain = _PlainUnpickler(stream).load()
            return plain if type(plain) is tuple and plain else None
        if form == _PICKLED_FORMAT:
            entry = _Unpickler(stream).load()
            return entry if isinstance(entry, CopyContent | CachedError) else None
    except Exception:  # a value that does not load is a miss, whatever went wrong
        return None
    return None


def _layout(key: bytes, blob: bytes) -> Layout | None:
    """A stored layout, when its bytes are the ones its key names and it has the shape of one."""
    if layout_key(blob) != key:
        return None
    try:
        found = _PlainUnpickler(io.BytesIO(blob)).load()
    except Exception:
        return None
    if type(found) is not tuple or len(found) != len(_LAYOUT_COLUMNS):
        return None
    if any(type(column) is not tuple or len(column) != len(found[0]) for column in found):
        return None
    return found


def _built(plain: tuple[Any, ...], layouts: Mapping[bytes, Layout]) -> Entry | None:
    try:
        return _entry(plain, layouts)
    except Exception:  # not the shape written (a tampered value), or its layout is gone: a miss
        return None


def _made(kind: type[_T], **fields: object) -> _T:
    """An instance of the frozen dataclass `kind` holding these fields (every one), made without its
    __init__ (a CopyInfo's took as long as the rest of its cache hit): the values are those an
    instance made by __init__ held when the entry was written, rebuilt exactly."""
    made = object.__new__(kind)
    object.__setattr__(made, "__dict__", fields)
    return made


_T = TypeVar("_T")
_K = TypeVar("_K")


def _atomic(value: object) -> object:
    """`value` when it is an atom or nested tuples of atoms, else _NotPlain."""
    if type(value) is tuple:
        for item in value:
            _atomic(item)
    elif type(value) not in _ATOMS:
        raise _NotPlain
    return value


def _plain_moment(value: object) -> tuple[int | None, ...] | None:
    """A datetime as numbers (its time zone a fixed offset or none), else _NotPlain."""
    if value is None:
        return None
    if type(value) is not dt.datetime:
        raise _NotPlain
    zone = value.tzinfo
    offset = zone.utcoffset(None) if zone is not None else None
    if zone is not None and (
        type(zone) is not dt.timezone
        or offset is None
        or zone != dt.timezone(offset)
        or zone.tzname(None) != dt.timezone(offset).tzname(None)
    ):
        raise _NotPlain
    seconds = None if offset is None else offset // dt.timedelta(microseconds=1)
    return (value.year, value.month, value.day, value.hour, value.minute, value.second,
            value.microsecond, value.fold, seconds)  # fmt: skip


def _moment(plain: tuple[Any, ...] | None) -> dt.datetime | None:
    if plain is None:
        return None
    found = _MOMENTS.get(plain)
    if found is None:
        year, month, day, hour, minute, second, microsecond, fold, offset = plain
        zone = None if offset is None else dt.timezone(dt.timedelta(microseconds=offset))
        found = dt.datetime(year, month, day, hour, minute, second, microsecond, zone, fold=fold)
        if len(_MOMENTS) < 10_000:
            _MOMENTS[plain] = found
    return found


_MOMENTS: dict[tuple[Any, ...], dt.datetime] = {}  # the copies of one run share a few times (generated at)


def _plain_info(info: Identity | None) -> tuple[object, ...] | None:
    if info is None:
        return None
    if type(info) is not Identity:
        raise _NotPlain
    return (*_atomic_tuple((info.partner_id, info.role, info.copy_id)), _plain_moment(info.generated_at))


def _atomic_tuple(value: tuple[object, ...]) -> tuple[object, ...]:
    _atomic(value)
    return value


def _info(plain: tuple[Any, ...] | None) -> Identity | None:
    if plain is None:
        return None
    partner_id, role, copy_id, moment = plain
    return Identity(partner_id, role, copy_id, _moment(moment))  # type: ignore[arg-type]


def _plain_columns(columns: tuple[tuple[object, ...], ...]) -> tuple[bytes, tuple[object, ...]]:
    """The cells: (their layout, pickled, to be stored apart; (values with dates taken out, texts,
    problems, origins, (index, day, …), ((index, moment), …))).

    Days go in one flat tuple of numbers: a pair per date made the collector walk thousands of tuples."""
    if len(columns) != len(CELL_COLUMNS):
        raise _NotPlain
    days: list[int] = []
    moments: list[tuple[int, object]] = []
    values = list(columns[CELL_COLUMNS.index("value")])
    for index, value in enumerate(values):
        kind = type(value)
        if kind is dt.date:
            days += (index, value.toordinal())  # type: ignore[attr-defined]
            values[index] = None
        elif kind is dt.datetime:
            moments.append((index, _plain_moment(value)))
            values[index] = None
        elif kind not in _ATOMS:
            raise _NotPlain
    layout = _atomic(tuple(columns[CELL_COLUMNS.index(name)] for name in _LAYOUT_COLUMNS))
    text, problem, origin = (_atomic(columns[CELL_COLUMNS.index(name)]) for name in _OWN_COLUMNS[1:])
    own = (tuple(values), text, problem, origin, tuple(days), tuple(moments))
    return pickle.dumps(layout, protocol=5), own


def _columns(layout: Layout, own: tuple[Any, ...]) -> tuple[tuple[object, ...], ...]:
    values, texts, problems, origins, days, moments = own
    if not len(values) == len(texts) == len(problems) == len(origins) == len(layout[0]):
        raise ValueError("the cells of a copy and its layout do not match")
    if days or moments:
        filled = list(values)
        day = dt.date.fromordinal
        for at in range(0, len(days), 2):
            filled[days[at]] = day(days[at + 1])
        for index, moment in moments:
            filled[index] = _moment(moment)
        values = tuple(filled)
    return _IN_ORDER((*layout, values, texts, problems, origins))  # type: ignore[no-any-return]


def _plain_entry(entry: Entry) -> tuple[tuple[object, ...], bytes | None]:
    """(the plain form of `entry`, the layout it names), else _NotPlain."""
    if type(entry) is CachedError:
        return ("error", _atomic(entry.code), _atomic(entry.detail)), None
    if type(entry) is not CopyContent:
        raise _NotPlain
    for note in entry.notes:
        if type(note) is not Note:
            raise _NotPlain
    notes = tuple(_atomic((n.code, n.worksheet, n.row, n.column, n.params)) for n in entry.notes)
    layout, own = _plain_columns(entry.columns)
    plain = (
        "content", _plain_info(entry.tab_info), _plain_info(entry.properties_info),
        _atomic((entry.kit_id, entry.language, entry.role)), _plain_moment(entry.generated_at),
        _atomic(entry.round), _atomic(tuple(entry.prefilled)), layout_key(layout), own, notes,
        _atomic(entry.unmapped),
    )  # fmt: skip
    return plain, layout


_LAYOUT_AT = 7  # where a plain content names its layout


def _entry(plain: tuple[Any, ...], layouts: Mapping[bytes, Layout]) -> Entry:
    if plain[0] == "error":
        _, code, detail = plain
        return CachedError(code, detail)
    _, tab, properties, (kit_id, language, role), moment, round_, prefilled, layout, own, *rest = plain
    notes, unmapped = rest
    tab_info = _info(tab)
    return _made(
        CopyContent, tab_info=tab_info,
        properties_info=tab_info if properties == tab else _info(properties),  # equal: one serves (frozen)
        kit_id=kit_id, language=language, role=role, generated_at=_moment(moment), round=round_,
        prefilled=frozenset(prefilled), columns=_columns(layouts[layout], own),
        notes=tuple(map(_note, notes)) if notes else (), unmapped=unmapped,
    )  # fmt: skip


def _note(plain: tuple[Any, ...]) -> Note:
    found = _NOTES.get(plain)
    if found is None:
        found = Note(*plain)
        if len(_NOTES) < 10_000:
            _NOTES[plain] = found
    return found


_NOTES: dict[tuple[Any, ...], Note] = {}  # many copies carry the same notes (frozen: one object serves)


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
            db.execute("PRAGMA page_size=16384")  # a new file: a copy's value on one page or two, not three
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # a lost last write is a miss next time
            db.execute(
                "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,"
                " value BLOB NOT NULL, check_ BLOB NOT NULL)"
            )
            db.execute(  # the layouts plain values name, under the sha256 of their bytes (see _dump)
                "CREATE TABLE IF NOT EXISTS layouts (key BLOB PRIMARY KEY, fingerprint TEXT NOT NULL,"
                " value BLOB NOT NULL)"
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
        stored: dict[str, Entry | tuple[Any, ...]] = {}
        try:
            for key, blob, check in self._rows(wanted):
                value = _unpacked(blob, check)
                if value is not None:
                    stored[key] = value
            named = {v[_LAYOUT_AT] for v in stored.values() if type(v) is tuple and v[0] == "content"}
            layouts = self._layouts(named)
        except sqlite3.Error:
            self.db = self._rebuilt()
            return {}
        for key, value in stored.items():
            entry = _built(value, layouts) if type(value) is tuple else value
            if entry is not None:
                found[key] = entry  # type: ignore[assignment]
        return found

    def _rows(self, wanted: list[str]) -> Iterator[tuple[str, bytes, bytes]]:
        """(key, value, checksum) of the wanted entries stored: when they may be most of the file
        (the weekly run), in one pass over it, else by key (500 at a time)."""
        assert self.db is not None
        (stored,) = self.db.execute("SELECT count(*) FROM entries").fetchone()
        if stored <= 2 * len(wanted):
            keys = set(wanted)
            rows = self.db.execute(
                "SELECT key, value, check_ FROM entries WHERE fingerprint = ?", (self.fingerprint,)
            )
            yield from (row for row in rows if row[0] in keys)
            return
        for chunk in _chunks(wanted, 500):
            yield from self.db.execute(
                f"SELECT key, value, check_ FROM entries WHERE fingerprint = ? AND key IN ({_marks(chunk)})",
                (self.fingerprint, *chunk),
            ).fetchall()

    def _layouts(self, keys: Iterable[object]) -> dict[bytes, Layout]:
        assert self.db is not None
        found: dict[bytes, Layout] = {}
        for chunk in _chunks([k for k in keys if type(k) is bytes], 500):
            rows = self.db.execute(f"SELECT key, value FROM layouts WHERE key IN ({_marks(chunk)})", chunk)
            for key, blob in rows.fetchall():
                layout = _layout(key, blob)
                if layout is not None:
                    found[key] = layout
        return found

    def put(self, file_digest: str, entry: Entry) -> None:
        self.pending[file_digest] = entry

    def close(self) -> None:
        """Write what this run read (one transaction), forget other fingerprints' entries, close."""
        if self.db is None:
            return
        try:
            if self.pending:
                rows, layouts = [], {}
                for key, entry in self.pending.items():
                    blob, check, layout = _dump(entry)
                    rows.append((key, self.fingerprint, blob, check))
                    if layout is not None:
                        layouts[layout_key(layout)] = (self.fingerprint, layout)
                with self.db:  # a transaction: BEGIN … COMMIT
                    self.db.execute("BEGIN IMMEDIATE")
                    self.db.executemany(  # REPLACE: a layout written again is among the newest kept
                        "INSERT OR REPLACE INTO layouts (key, fingerprint, value) VALUES (?, ?, ?)",
                        [(key, *rest) for key, rest in layouts.items()],
                    )
                    self.db.executemany(
                        "INSERT OR REPLACE INTO entries (key, fingerprint, value, check_)"
                        " VALUES (?, ?, ?, ?)",
                        rows,
                    )
                    for table, kept in (("entries", MAX_ENTRIES), ("layouts", MAX_LAYOUTS)):
                        self.db.execute(f"DELETE FROM {table} WHERE fingerprint != ?", (self.fingerprint,))
                        self.db.execute(
                            f"DELETE FROM {table} WHERE rowid <= (SELECT max(rowid) FROM {table}) - ?",
                            (kept,),
                        )
        except sqlite3.Error:
            pass  # not written: a miss next time
        finally:
            self.pending.clear()
            self.db.close()
            self.db = None


def _marks(chunk: list[Any]) -> str:
    return ",".join("?" * len(chunk))


def _chunks(items: list[_K], size: int) -> Iterator[list[_K]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
