"""pull: read returned copies (files, folders, Google spreadsheets…) into Submissions.

Every source goes through the sources registry (sources.py) and then the pure copy reader
(read_copy.py). An unusable source becomes a SourceProblem with a message in the initiative's
language, never an exception: one bad file cannot stop the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .attribution import IssuedCopy
from .errors import SourceError
from .initiative import Initiative
from .issued import read_register
from .language import user_language
from .problems import source_message
from .read_copy import read_submission
from .sources import Reader, ReadOptions, SourceKind, expand
from .submission import PullResult, SourceProblem, Submission
from .text import Language

PARALLEL_FROM = 200  # copies from which reading is spread over processes (below, start-up costs more)


def pull(
    sources: str | Path | Iterable[str | Path],
    initiative: Initiative | None = None,
    *,
    reader: Reader | None = None,
    google_client: object = None,
    issued: Mapping[str, IssuedCopy] | None = None,
) -> PullResult:
    """Read every source; each readable copy becomes a Submission, every other one a SourceProblem.

    `reader` replaces every kind's reader (tests); `google_client` is used for Google spreadsheets
    instead of a client made from the initiative's settings (a local pull needs no credentials).
    `issued` is the register of issued copies (default: the initiative's, when it has one)."""
    language: Language = initiative.language if initiative else user_language()
    if issued is None and initiative is not None:
        issued = read_register(initiative.issued_path, initiative.id)
    options = ReadOptions(initiative, {"google": google_client} if google_client is not None else {})
    expanded = expand(sources)
    parallel = [s for s, kind in expanded if kind.parallel]
    done: dict[str, Submission | SourceProblem] = {}
    if reader is None and len(parallel) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        done = _pull_in_parallel(parallel, options, issued)
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


def _reader(made: dict[str, Reader], kind: SourceKind, options: ReadOptions) -> Reader:
    if kind.name not in made:
        made[kind.name] = kind.reader(options)
    return made[kind.name]


def _pull_one(
    read: Reader, source: str, initiative: Initiative | None, issued: Mapping[str, IssuedCopy] | None = None
) -> Submission | SourceProblem:
    language: Language = initiative.language if initiative else user_language()
    try:
        return read_submission(read(source), initiative, issued)
    except SourceError as exc:
        message = source_message(exc.code, language)
        # The detail is a technical English fact: an English reader gets it, a French one only the sentence.
        if exc.detail and language == "en":
            message = f"{message} ({exc.detail})"
        return SourceProblem(exc.source, exc.code, message, exc.detail)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a reader's bug (a Rust panic is a BaseException): name the file, go on
        detail = f"{type(exc).__name__}: {exc}"[:300]
        message = source_message("read_failed", language)
        return SourceProblem(
            source, "read_failed", f"{message} ({detail})" if language == "en" else message, detail
        )


def _pull_in_parallel(
    sources: list[str], options: ReadOptions, issued: Mapping[str, IssuedCopy] | None
) -> dict[str, Submission | SourceProblem]:
    """Sources whose reading is CPU-bound (local files), in worker processes; order kept by the caller."""
    workers = min(os.cpu_count() or 1, 8)
    chunks = max(1, len(sources) // (workers * 8))
    setup = (options.initiative, issued)
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=setup) as pool:
        return dict(zip(sources, pool.map(_pull_local, sources, chunksize=chunks), strict=True))


_worker_initiative: Initiative | None = None
_worker_issued: Mapping[str, IssuedCopy] | None = None


def _start_worker(initiative: Initiative | None, issued: Mapping[str, IssuedCopy] | None) -> None:
    global _worker_initiative, _worker_issued
    _worker_initiative, _worker_issued = initiative, issued


def _pull_local(source: str) -> Submission | SourceProblem:
    from .sources import kind_of

    kind = kind_of(source)
    reader = kind.reader(ReadOptions(_worker_initiative))
    return _pull_one(reader, source, _worker_initiative, _worker_issued)
