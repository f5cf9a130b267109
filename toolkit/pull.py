"""pull: read returned copies (files, folders, Google spreadsheets…) into Submissions.

Every source goes through the sources registry (sources.py) and then the pure copy reader
(read_copy.py). An unusable source becomes a SourceProblem with a message in the initiative's
language, never an exception: one bad file cannot stop the run.

Local files are read in two steps: what their bytes say (`read_copy.read_content`, kept in the
pull cache under the bytes' sha256, see pull_cache.py) and whose copy it is (`read_copy.finish`,
against the register, the sender and the file name: decided again on every run), a batch of files
at a time (see BATCH_FILES).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from . import progress as terminal
from .attribution import IssuedCopy
from .errors import SourceError
from .initiative import Initiative
from .issued import read_register
from .language import user_language
from .mail.provenance import SIDECAR_SUFFIX
from .merge import quiet_gc
from .problems import source_message
from .pull_cache import CachedError, Entry, PullCache, default_path, digest
from .rawbook import RawWorkbook
from .read_copy import CopyContent, finish, read_content, read_submission
from .screening import Screened
from .sources import Reader, ReadOptions, SourceKind, expand
from .submission import PullResult, SourceProblem, Submission
from .text import Language

PARALLEL_FROM = 200  # copies from which reading is spread over processes by default (start-up costs)
MAX_JOBS = 8

Outcome = Submission | SourceProblem


def pull(
    sources: str | Path | Iterable[str | Path],
    initiative: Initiative | None = None,
    *,
    reader: Reader | None = None,
    google_client: object = None,
    issued: Mapping[str, IssuedCopy] | None = None,
    jobs: int | None = None,
    cache: Path | None = None,
    progress: bool = True,
) -> PullResult:
    """Read every source; each readable copy becomes a Submission, every other one a SourceProblem.

    `reader` replaces every kind's reader (tests); `google_client` is used for Google spreadsheets
    instead of a client made from the initiative's settings (a local pull needs no credentials).
    `issued` is the register of issued copies (default: the initiative's, when it has one).
    `jobs`: processes reading local files (default: every core from PARALLEL_FROM copies on, else 1).
    `cache`: the pull cache file (see pull_cache.py; `default_cache(initiative)` is the usual one),
    None for none; it needs an initiative. `progress`: a bar on stderr when it is a terminal and the
    copies to read are many."""
    language: Language = initiative.language if initiative else user_language()
    if issued is None and initiative is not None:
        issued = read_register(initiative.issued_path, initiative.id, initiative.language)
    options = ReadOptions(initiative, {"google": google_client} if google_client is not None else {})
    expanded = expand(sources)
    local = [s for s, kind in expanded if kind.name == "file"] if reader is None else []
    done: dict[str, Outcome] = {}
    if local:
        store = PullCache(cache, initiative) if cache is not None and initiative is not None else None
        try:
            done = _pull_local_files(local, initiative, issued, store, _jobs(jobs, len(local)), progress)
        finally:
            if store is not None:
                store.close()
    readers: dict[str, Reader] = {}
    results = []
    for source, kind in expanded:
        if source not in done:
            read = reader or _reader(readers, kind, options)
            done[source] = _pull_one(read, source, initiative, issued)
        results.append(done[source])
    return PullResult(
        tuple(r for r in results if isinstance(r, Submission)),
        tuple(r for r in results if isinstance(r, SourceProblem)),
        language,
    )


def default_cache(initiative: Initiative | None) -> Path | None:
    """The pull cache a coordinator's runs share: beside the initiative's history."""
    return default_path(initiative)


def _jobs(jobs: int | None, copies: int) -> int:
    if jobs is None:
        return min(os.cpu_count() or 1, MAX_JOBS) if copies >= PARALLEL_FROM else 1
    return max(1, min(jobs, copies))


def _reader(made: dict[str, Reader], kind: SourceKind, options: ReadOptions) -> Reader:
    if kind.name not in made:
        made[kind.name] = kind.reader(options)
    return made[kind.name]


def _problem(exc: SourceError, language: Language) -> SourceProblem:
    message = source_message(exc.code, language)
    # The detail is a technical English fact: an English reader gets it, a French one only the sentence.
    if exc.detail and language == "en":
        message = f"{message} ({exc.detail})"
    return SourceProblem(exc.source, exc.code, message, exc.detail)


def _failed(source: str, exc: BaseException, language: Language) -> SourceProblem:
    """A reader's bug (a Rust panic is a BaseException): name the file, go on."""
    detail = f"{type(exc).__name__}: {exc}"[:300]
    message = source_message("read_failed", language)
    shown = f"{message} ({detail})" if language == "en" else message
    return SourceProblem(source, "read_failed", shown, detail)


def _pull_one(
    read: Reader, source: str, initiative: Initiative | None, issued: Mapping[str, IssuedCopy] | None = None
) -> Outcome:
    try:
        return read_submission(read(source), initiative, issued)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        return _failure(exc, source, None, _language(initiative))[0]


# --- local files: cached, and spread over processes --------------------------------------------------


def _pull_local_files(
    sources: list[str],
    initiative: Initiative | None,
    issued: Mapping[str, IssuedCopy] | None,
    store: PullCache | None,
    jobs: int,
    progress: bool = True,
) -> dict[str, Outcome]:
    """Each local file: from the cache when its bytes were read before, else read (in `jobs` processes)."""
    done: dict[str, Outcome] = {}
    todo = sources
    beside = _Sidecars()
    if store is not None:
        todo = []
        with _collector_paused():
            known = _digests(sources)
            hits = store.get_many(k[0] for k in known.values() if isinstance(k, tuple) and k[0])
            for source in sources:
                found = known[source]
                if isinstance(found, SourceError):
                    done[source] = _problem(found, _language(initiative))
                elif found[0] is not None and found[0] in hits:
                    hit = hits[found[0]]
                    done[source] = _from_entry(source, hit, found, initiative, issued, beside)
                else:
                    todo.append(source)
    many = progress and len(todo) >= terminal.PROGRESS_FROM
    bar = terminal.copies_bar("pull", len(todo), _language(initiative), enabled=many, leave=False)
    try:
        read = _read_many(todo, initiative, issued, jobs, store is not None, beside)
        with _collector_paused():
            for source, outcome, entry in read:
                done[source] = outcome
                if store is not None and entry is not None:
                    store.put(*entry)
                bar.update()
    finally:
        bar.close()
    return done


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Cache hits, and copies read (here, or in workers and sent back), make thousands of small objects
    that all live on (the run's result): the cyclic garbage collector walking them through its young
    generations took as long as the hits themselves, and its full collections rescanned every copy
    read so far. Paused while they are made (reading collects each batch's cycles: _read_local), then
    handed straight to the oldest generation (freeze, then unfreeze: a full collection still sees
    them and anything else young; none is lost). Left alone when the program froze objects itself (a
    server before fork): unfreezing would undo that."""
    frozen = gc.get_freeze_count()
    with quiet_gc():
        try:
            yield
        finally:
            if not frozen:
                gc.freeze()
                gc.unfreeze()


def _digests(sources: Sequence[str]) -> dict[str, tuple[str | None, dt.datetime] | SourceError]:
    """(sha256 of the bytes, None for a file too large to hold; its time) of each file, or why it
    cannot be read. The bytes are dropped: a miss reads them again (from the page cache)."""
    from .backends import local_files

    found: dict[str, tuple[str | None, dt.datetime] | SourceError] = {}
    for source in sources:
        try:
            data, modified = local_files.load(source)
        except SourceError as exc:
            found[source] = exc
            continue
        found[source] = (digest(data) if data is not None else None, modified)
    return found


def _from_entry(
    source: str,
    entry: Entry,
    known: tuple[str | None, dt.datetime],
    initiative: Initiative | None,
    issued: Mapping[str, IssuedCopy] | None,
    beside: _Sidecars,
) -> Outcome:
    """A cached reading finished for this run: provenance and attribution are decided now.
    `known`: the sha256 of the file's bytes and its time."""
    from .backends import local_files

    if isinstance(entry, CachedError):
        return _problem(SourceError(source, entry.code, entry.detail), _language(initiative))  # type: ignore[arg-type]
    raw = RawWorkbook(source, (), {}, known[1])
    if beside.may_have(source):
        raw = local_files.with_provenance(raw, Path(source), known[0])
    return finish(entry, raw, initiative, issued)


class _Sidecars:
    """Which files have a provenance file beside them (mail/provenance.py), by one listing of each
    folder: looking for each copy's own (mostly missing) sidecar took longer than its cache hit, and
    20 µs of reading it cold."""

    def __init__(self) -> None:
        self.names: dict[str, frozenset[str] | None] = {}  # folder -> its hidden sidecars' names

    def may_have(self, source: str) -> bool:
        """False only when `source`'s folder was listed and holds no sidecar for it."""
        folder, name = os.path.split(source)
        if not name or name in (".", ".."):  # not a plain file name: let the full check decide
            return True
        if folder not in self.names:
            self.names[folder] = self._list(folder)
        found = self.names[folder]
        return found is None or f".{name}{SIDECAR_SUFFIX}" in found  # the name sidecar_path gives

    @staticmethod
    def _list(folder: str) -> frozenset[str] | None:
        try:
            with os.scandir(folder or ".") as entries:
                return frozenset(e.name for e in entries if e.name.endswith(SIDECAR_SUFFIX))
        except OSError:
            return None  # unlistable: each copy's sidecar is looked for as usual


def _read_many(
    sources: list[str],
    initiative: Initiative | None,
    issued: Mapping[str, IssuedCopy] | None,
    jobs: int,
    keep: bool,
    beside: _Sidecars,
) -> Iterator[tuple[str, Outcome, tuple[str, Entry] | None]]:
    """(source, outcome, cache entry) of each file, in order; in worker processes when `jobs` > 1
    (each lists the folders itself: `beside` serves this process)."""
    if jobs <= 1 or len(sources) < 2:
        read = _read_local(sources, initiative, issued, keep, beside)
        for source, (outcome, entry) in zip(sources, read, strict=True):
            yield source, outcome, entry
        return
    size = max(1, min(BATCH_FILES, len(sources) // (jobs * 8)))
    tasks = [sources[i : i + size] for i in range(0, len(sources), size)]
    with ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=(initiative, issued, keep)) as pool:
        for task, results in zip(tasks, pool.map(_worker_read, tasks), strict=True):
            for source, (outcome, entry) in zip(task, results, strict=True):
                yield source, outcome, entry


# Files are read a batch at a time, step by step (every file screened, then every file's values read,
# then every copy's content) rather than one file through every step: a cold pull measured 7-10 %
# faster (most likely each step's code stays warm in the processor's caches). Batches of 512 files were
# 3 % faster than of 128, but a 10,000-copy pull then peaked 70 MB above reading file by file (256:
# under 40 MB). A batch holds its files' bytes and decompressed parts until their values are read
# (bounded in bytes as well as in files), and their cells until their content is read.
BATCH_FILES = 256
BATCH_BYTES = 64 * 1024 * 1024


@dataclass
class _Reading:
    """One local file on its way through the steps of reading. `ended`: its outcome (and cache
    entry) once a step failed, and the steps after it are skipped."""

    source: str
    key: str | None = None  # the sha256 of its bytes, when the cache keeps what they say
    data: bytes | None = None
    modified: dt.datetime | None = None
    screened: Screened | None = None
    raw: RawWorkbook | None = None
    content: CopyContent | None = None
    ended: tuple[Outcome, tuple[str, Entry] | None] | None = None

    def load_and_screen(self, keep: bool) -> None:
        from .backends import local_files

        self.data, self.modified = local_files.load(self.source)
        self.key = digest(self.data) if keep and self.data is not None else None
        self.screened = local_files.screen_bytes(self.source, self.data)

    def read_values(self) -> None:
        from .backends import local_files

        assert self.modified is not None
        self.raw = local_files.read_bytes(self.source, self.data, self.modified, self.screened)
        self.data = self.screened = None  # the values are read: the batch need not hold the bytes

    def read_content(self, initiative: Initiative | None) -> None:
        assert self.raw is not None
        self.content = read_content(self.raw, initiative)
        self.raw = replace(self.raw, sheets=())  # the cells are read: what finishing needs stays

    def held(self) -> int:
        """Bytes this reading holds: the file's and its decompressed parts'."""
        parts = self.screened.parts.values() if self.screened is not None else ()
        return len(self.data or b"") + sum(map(len, parts))


def _read_local(
    sources: Sequence[str],
    initiative: Initiative | None,
    issued: Mapping[str, IssuedCopy] | None,
    keep: bool,
    beside: _Sidecars,
) -> Iterator[tuple[Outcome, tuple[str, Entry] | None]]:
    """Each file read from its bytes, in order: its outcome and, with `keep`, the cache entry its
    bytes earn. `beside`: which files of the folder have a provenance file.

    The cyclic garbage collector is paused while a batch is read, and collects the batch's young
    objects once at its end: left to itself, its full collections rescanned every copy read so far
    (at 1,000 copies, 5 % of a cold pull). Cycles a batch makes wait for its end at most."""
    language = _language(initiative)
    waiting = iter(sources)
    while True:
        with quiet_gc():
            batch = _loaded_batch(waiting, keep, language)
            if not batch:
                return
            for step in (_Reading.read_values, lambda r: r.read_content(initiative)):
                for reading in batch:
                    _step(reading, step, language)
            done = [reading.ended or _finished(reading, initiative, issued, beside) for reading in batch]
            gc.collect(1)
        yield from done


def _loaded_batch(waiting: Iterator[str], keep: bool, language: Language) -> list[_Reading]:
    """The next files loaded and screened, up to a batch's bound in files or bytes."""
    batch: list[_Reading] = []
    held = 0
    for source in waiting:
        reading = _Reading(source)
        _step(reading, lambda r: r.load_and_screen(keep), language)
        batch.append(reading)
        held += reading.held()
        if len(batch) >= BATCH_FILES or held >= BATCH_BYTES:
            break
    return batch


def _step(reading: _Reading, work: Callable[[_Reading], None], language: Language) -> None:
    """One step of `reading`, unless an earlier one ended it; a failure ends it, with its outcome."""
    if reading.ended is not None:
        return
    try:
        work(reading)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        reading.ended = _failure(exc, reading.source, reading.key, language)


def _finished(
    reading: _Reading,
    initiative: Initiative | None,
    issued: Mapping[str, IssuedCopy] | None,
    beside: _Sidecars,
) -> tuple[Outcome, tuple[str, Entry] | None]:
    """A file read: provenance and whose copy it is (decided on every run), and its cache entry."""
    from .backends import local_files

    raw, content, key = reading.raw, reading.content, reading.key
    assert raw is not None and content is not None
    if beside.may_have(reading.source):
        raw = local_files.with_provenance(raw, Path(reading.source), key)
    return finish(content, raw, initiative, issued), ((key, content) if key else None)


def _failure(
    exc: BaseException, source: str, key: str | None, language: Language
) -> tuple[Outcome, tuple[str, Entry] | None]:
    """The outcome of a file whose reading raised `exc`; what the file's own bytes made it say is
    kept in the cache too (under `key`), a reader's bug is not."""
    if isinstance(exc, SourceError):
        entry = (key, CachedError(exc.code, exc.detail)) if key and exc.source == source else None
        return _problem(exc, language), entry
    return _failed(source, exc, language), None


def _language(initiative: Initiative | None) -> Language:
    return initiative.language if initiative else user_language()


_worker_setup: tuple[Initiative | None, Mapping[str, IssuedCopy] | None, bool, _Sidecars] = (
    None,
    None,
    False,
    _Sidecars(),
)


def _start_worker(initiative: Initiative | None, issued: Mapping[str, IssuedCopy] | None, keep: bool) -> None:
    global _worker_setup
    _worker_setup = (initiative, issued, keep, _Sidecars())  # each worker lists a folder once


def _worker_read(sources: list[str]) -> list[tuple[Outcome, tuple[str, Entry] | None]]:
    return list(_read_local(sources, *_worker_setup))
