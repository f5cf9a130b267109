"""Outputs never overwrite what the toolkit reads, nor a partner's answers. Every output asks here first.

`check_output` refuses a master or report target that is one of the sources being read, a partner's
copy (filled or not), or an existing file that cannot be read and so could hold answers (encrypted,
damaged, not a regular file). `existing_copy` tells generate what already sits where a copy would
go: generate writes only where nothing is, replaces an unfilled copy only with --force (keeping a
backup in a hidden folder pull never reads), and never replaces anything else.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .clock import utc_now
from .errors import BackendError, OutputRefused, SourceError
from .files import failure_reason
from .initiative import Initiative
from .metadata import METADATA_TAB, parse_properties, parse_records
from .problems import output_message, source_message
from .read_copy import read_submission
from .submission import Submission
from .text import LANGUAGES, Language, Text

Found = Literal[
    "absent",
    "not_spreadsheet",
    "master",
    "unfilled_copy",
    "filled_copy",
    "other_workbook",
    "unreadable",
    "special",
]
Output = Literal["master", "report"]
# What each output may replace: its own earlier output, or a file that is not a spreadsheet at all.
REPLACEABLE: dict[Output, frozenset[Found]] = {
    "master": frozenset({"absent", "not_spreadsheet", "master"}),
    "report": frozenset({"absent", "not_spreadsheet", "other_workbook"}),
}
BACKUP_FOLDER = ".backup"  # hidden: pull skips it, so a backup is never read as a returned copy
WHAT: dict[str, Text] = {
    "master": Text("un classeur maître", "a master workbook"),
    "other_workbook": Text("un autre classeur", "another workbook"),
    "special": Text("pas un fichier ordinaire", "not a regular file"),
}


@dataclass(frozen=True)
class Existing:
    """What a path holds now, as far as outputs are concerned."""

    found: Found
    detail: str = ""  # for unreadable files: the source code (encrypted, corrupt, …)

    def what(self, language: Language) -> str:
        if self.found == "unreadable":
            return source_message(self.detail, language)  # type: ignore[arg-type]
        return WHAT[self.found](language) if self.found in WHAT else self.found


def classify(path: Path, initiative: Initiative | None) -> Existing:
    """Whether `path` is free, a master, a copy with or without answers, or something else."""
    from .backends.local_files import read  # lazy: the reader pulls in calamine

    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return Existing("special" if os.path.islink(path) else "absent")
    except OSError:
        return Existing("special")
    if not stat.S_ISREG(mode):
        return Existing("special")
    if _own_master(path, initiative):
        return Existing("master")
    try:
        raw = read(str(path))
        try:
            submission = read_submission(raw, initiative)
        except SourceError as exc:
            if exc.code != "foreign_initiative":
                raise
            submission = read_submission(raw, None)  # another initiative's copy is still a copy
    except SourceError as exc:
        if exc.code == "not_spreadsheet":
            return Existing("not_spreadsheet")
        if exc.code == "foreign_template":
            return Existing("other_workbook")
        return Existing("unreadable", exc.code)
    if submission.role == "master":
        return Existing("master")
    return Existing("filled_copy" if holds_answers(submission) else "unfilled_copy")


# The last file classified, by identity: `merge` checks its target before any work and again just
# before writing, and reading last week's master twice costs seconds at a thousand copies. Any change
# to the file (a new inode, size, modification or status-change time) reads it again.
_last: list[tuple[tuple[object, ...], Initiative | None, Existing]] = []


def _classify_once(path: Path, initiative: Initiative | None) -> Existing:
    try:
        info = os.stat(path)
    except OSError:
        return classify(path, initiative)
    if not stat.S_ISREG(info.st_mode):
        return classify(path, initiative)
    key = (os.path.abspath(path), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    for known, whose, existing in _last:
        if known == key and whose is initiative:
            return existing
    existing = classify(path, initiative)
    _last[:] = [(key, initiative, existing)]
    return existing


IDENTITY = frozenset({"toolkit", "copy", "worksheet"})  # metadata rows naming the file, its role, its tabs


def _own_master(path: Path, initiative: Initiative | None) -> bool:
    """The usual case, answered quickly: an earlier master of this initiative, as its metadata tab says
    once the file passed the same screening as any read, with the kit's tabs it records. Reading the
    whole file (its Contributions: a million cells at a thousand copies) is left for everything else."""
    from .backends.files import read_tab  # lazy: the reader pulls in calamine
    from .backends.local_files import load
    from .read_copy import METADATA_WIDTH

    try:
        data, _ = load(str(path))
        if data is None:
            return False
        names, rows = read_tab(path, data, METADATA_TAB)
    except SourceError as exc:
        if exc.code in OUTGROWN:
            return own_master_by_properties(path, data, initiative)
        return False  # classified by the full read, which says why
    except ValueError:
        return False
    if rows is None:
        return False
    # identity rows only: the tens of thousands of answer records say nothing of role, initiative, tabs
    blanks = [""] * METADATA_WIDTH  # rows as wide as a full read gives them
    identity = (
        [*r[:METADATA_WIDTH], *blanks[len(r) :]]
        for r in rows
        if r and isinstance(r[0], str) and r[0].strip() in IDENTITY
    )
    info = parse_records(identity)
    if info is None or info.role != "master" or not info.templates:
        return False
    if initiative is not None and (info.initiative_id != initiative.id or info.kit_id != initiative.kit.id):
        return False
    return all(tab in names for _, _, tab in info.templates)


# A master of a thousand or more copies outgrows the limits screening puts on any file read (100 MB of
# XML, 100,000 rows per tab), and the full read refuses it too: without this, merge would refuse to
# replace its own last master from about 1,100 partners on. Such a file is recognised from its document
# properties and tab names alone, two small parts read bounded; nothing of its sheets is decompressed.
OUTGROWN = frozenset({"zip_bomb", "too_large"})


def own_master_by_properties(path: Path, data: bytes | None, initiative: Initiative | None) -> bool:
    """A master of this initiative as its document properties say, with the kit's tabs in its language."""
    from .backends.xml_parts import tabs_and_properties  # lazy: an edge module

    if data is None or initiative is None:
        return False
    try:
        names, properties = tabs_and_properties(path, data)
    except SourceError:
        return False
    info = parse_properties(properties)
    if info is None or info.role != "master" or info.language not in LANGUAGES:
        return False
    if info.initiative_id != initiative.id or info.kit_id != initiative.kit.id:
        return False
    tabs = {w.tab(info.language) for w in initiative.kit.worksheets}
    return METADATA_TAB in names and tabs <= set(names)


def holds_answers(submission: Submission) -> bool:
    """Anything the partner typed: a cell that is not an untouched pre-fill, or text outside the template."""
    texts, origins = submission.column("text"), submission.column("origin")
    typed = any(t != "" and o == "partner" for t, o in zip(texts, origins, strict=True))
    return typed or bool(submission.unmapped)


def check_output(
    target: Path | str,
    output: Output,
    *,
    sources: Iterable[str] = (),
    initiative: Initiative | None = None,
) -> None:
    """Raise OutputRefused when writing `target` would replace a source or what `output` may not replace."""
    path = Path(target)
    language: Language = initiative.language if initiative else "fr"
    existing = _classify_once(path, initiative)
    # a source that is not a spreadsheet holds no copy (last week's rapport.html in the returns folder)
    if existing.found != "not_spreadsheet" and is_source(path, sources):
        raise OutputRefused(
            str(path), "output_is_source", output_message("output_is_source", language, path=str(path))
        )
    if existing.found in REPLACEABLE[output]:
        return
    if existing.found in ("filled_copy", "unfilled_copy"):
        code: Literal["output_holds_answers", "output_not_replaceable"] = "output_holds_answers"
    else:
        code = "output_not_replaceable"
    raise OutputRefused(
        str(path), code, output_message(code, language, path=str(path), what=existing.what(language))
    )


def is_source(path: Path, sources: Iterable[str]) -> bool:
    """`path` is one of the sources (or a file inside a source folder), by identity, not by spelling."""
    if not path.exists():
        return False
    from .sources import expand  # lazy: expanding loads the source kinds

    for source in sources:
        try:
            singles = [s for s, _ in expand([source])]
        except (OSError, LookupError, SourceError):
            singles = [source]
        for single in {source, *singles}:
            try:
                if os.path.exists(single) and os.path.samefile(single, path):
                    return True
            except OSError:
                continue
    return False


CANNOT_BACKUP = Text(
    "{path} : impossible d'en garder une sauvegarde dans {folder} ({reason}); rien n'a été remplacé",
    "{path}: cannot keep a backup in {folder} ({reason})",
)


def backup(path: Path, language: Language = "en") -> Path:
    """Copy `path` into the hidden backup folder beside it, under a name with the time; return the copy."""
    folder = path.parent / BACKUP_FOLDER
    stamp = utc_now().strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{path.stem}.{stamp}{path.suffix}"
    try:
        folder.mkdir(exist_ok=True)
        shutil.copy2(path, target)
    except OSError as exc:
        reason = failure_reason(exc, language, folder)
        raise BackendError(CANNOT_BACKUP(language).format(path=path, folder=folder, reason=reason)) from None
    return target
