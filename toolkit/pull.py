"""pull: read returned copies (files, folders) into Submissions; unreadable ones are errors, not crashes."""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .backends.files import read_file
from .errors import SourceError
from .i18n import source_message
from .initiative import Initiative
from .locate import SheetMatch, header_score, keys, locate
from .metadata import METADATA_TAB, CopyInfo, a1, parse_properties, parse_records
from .rawbook import RawSheet, RawWorkbook
from .submission import CELL_COLUMNS, PROVENANCE_COLUMNS, Note, Submission
from .templates import DEBRIEF_COLUMN, Kit, Worksheet, load_kit
from .text import LANGUAGES, Language
from .values import FORMULA, format_value, parse_cell

DEFAULT_KIT = "collective_impact"
PARALLEL_FROM = 200  # copies from which reading is spread over processes (below, start-up costs more)
IGNORED_PREFIXES = (".", "~$")  # hidden files, Office lock files (~$x.xlsx), LibreOffice (.~lock.x#)

Reader = Callable[[str], RawWorkbook]


@dataclass(frozen=True)
class SourceProblem:
    """A source that could not be used, with a message in the initiative's language."""

    source: str
    code: str
    message: str


@dataclass(frozen=True)
class PullResult:
    submissions: tuple[Submission, ...]
    errors: tuple[SourceProblem, ...]
    language: Language

    def cells(self) -> pd.DataFrame:
        """Every submission's cells in one tidy table, with partner, source and modified time."""
        frames = [
            s.cells.assign(partner=s.partner_id, source=s.source, modified=s.modified)
            for s in self.submissions
        ]
        if not frames:
            return pd.DataFrame(columns=CELL_COLUMNS + PROVENANCE_COLUMNS)
        return pd.concat(frames, ignore_index=True)


def expand_sources(sources: str | Path | Iterable[str | Path]) -> list[str]:
    """Google spreadsheets (URLs, ids, manifests) as URLs; files as given; folders walked (sorted) for
    every visible file, so a stray PDF is reported too."""
    from .backends.gsheets.sources import expand_google_sources  # here: the backend imports pull

    if isinstance(sources, str | Path):
        sources = [sources]  # one source, not the characters of its name
    google, local = expand_google_sources(sources)
    found: list[str] = list(google)
    for source in local:
        path = Path(source)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path).parts
                if child.is_file() and not any(part.startswith(IGNORED_PREFIXES) for part in relative):
                    found.append(str(child))
        else:
            found.append(str(source))
    return list(dict.fromkeys(found))


def pull(
    sources: str | Path | Iterable[str | Path],
    initiative: Initiative | None = None,
    *,
    reader: Reader | None = None,
    google_client: Any = None,
) -> PullResult:
    """Read every source; each readable copy becomes a Submission, every other one a SourceProblem.

    Local files are read directly; Google spreadsheets through `google_client`, or through a client
    made from the initiative's Google settings at the first one (a local pull needs no credentials)."""
    language: Language = initiative.language if initiative else "fr"
    expanded = expand_sources(sources)
    if reader is None and len(expanded) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        results = _pull_in_parallel(expanded, initiative, google_client)
    else:
        read = reader or _default_reader(initiative, google_client)
        results = [_pull_one(read, source, initiative) for source in expanded]
    return PullResult(
        tuple(r for r in results if isinstance(r, Submission)),
        tuple(r for r in results if isinstance(r, SourceProblem)),
        language,
    )


def _pull_one(read: Reader, source: str, initiative: Initiative | None) -> Submission | SourceProblem:
    try:
        return read_submission(read(source), initiative)
    except SourceError as exc:
        language: Language = initiative.language if initiative else "fr"
        return SourceProblem(exc.source, exc.code, source_message(exc.code, exc.detail, language))


def _pull_in_parallel(
    sources: list[str], initiative: Initiative | None, google_client: Any
) -> list[Submission | SourceProblem]:
    """Local files in worker processes (reading is CPU-bound), Google spreadsheets here; order kept."""
    from .backends.gsheets.sources import spreadsheet_id

    local = [s for s in sources if spreadsheet_id(s) is None]
    workers = min(os.cpu_count() or 1, 8)
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(initiative,)) as pool:
        done = dict(
            zip(
                local,
                pool.map(_pull_local, local, chunksize=max(1, len(local) // (workers * 8))),
                strict=True,
            )
        )
    read = _default_reader(initiative, google_client)
    return [done[s] if s in done else _pull_one(read, s, initiative) for s in sources]


_worker_initiative: Initiative | None = None


def _start_worker(initiative: Initiative | None) -> None:
    global _worker_initiative
    _worker_initiative = initiative


def _pull_local(source: str) -> Submission | SourceProblem:
    return _pull_one(lambda s: read_file(Path(s)), source, _worker_initiative)


def _default_reader(initiative: Initiative | None, google_client: Any) -> Reader:
    from .backends.gsheets import default_client, mixed_reader
    from .initiative import GoogleSettings

    settings = initiative.google if initiative else GoogleSettings()
    return mixed_reader(google_client if google_client is not None else (lambda: default_client(settings)))


def copy_info(raw: RawWorkbook) -> CopyInfo | None:
    """The copy's own account of itself: the metadata tab, else the document properties."""
    for sheet in raw.sheets:
        if sheet.name == METADATA_TAB or (sheet.rows and sheet.rows[0][:2] == ["toolkit", "format"]):
            info = parse_records(sheet.rows)
            if info is not None:
                return info
    return parse_properties(raw.properties)


def read_submission(raw: RawWorkbook, initiative: Initiative | None) -> Submission:
    info = copy_info(raw)
    kit, language = _kit_and_language(raw, info, initiative)
    notes: list[Note] = [] if info else [Note("metadata_missing")]
    recorded_tabs = {w: tab for w, _, tab in info.templates} if info else {}
    content_sheets = [s for s in raw.sheets if s.name != METADATA_TAB]
    rows: list[dict[str, object]] = []
    unmapped: list[tuple[str, str]] = []
    used: set[str] = set()
    matched_tabs: dict[str, str] = {}
    for worksheet in kit.worksheets:
        sheet, sheet_notes = _find_sheet(content_sheets, worksheet, recorded_tabs.get(worksheet.id), used)
        notes += sheet_notes
        if sheet is None:
            notes.append(Note("worksheet_missing", worksheet.id))
            match = None
        else:
            used.add(sheet.name)
            matched_tabs[worksheet.id] = sheet.name
            recorded = {
                (r, c): rc for (w, r, c), rc in (info.cells if info else {}).items() if w == worksheet.id
            }
            match = locate(sheet, worksheet, recorded)
            notes += match.notes
            unmapped += match.unmapped
        rows += _cell_rows(worksheet, match, language, info.prefill if info else {})
    if info is not None:
        notes += _moved_tabs(kit, content_sheets, matched_tabs)
    if not used:
        raise SourceError(raw.source, "foreign_template", f"no worksheet of kit '{kit.id}' found")
    _check_template_versions(kit, info, notes)
    if raw.modified is None:  # e.g. a partner's own Google copy Drive will not date: say it, rank it last
        notes.append(Note("modified_unknown"))
    partner_id = _partner(raw, info, initiative, notes)
    return Submission(
        source=raw.source,
        partner_id=partner_id,
        kit_id=kit.id,
        language=language,
        role=info.role if info else "partner",
        modified=raw.modified,
        generated_at=info.generated_at if info else None,
        cells=pd.DataFrame(rows, columns=CELL_COLUMNS, dtype=object),
        notes=tuple(notes),
        unmapped=tuple(unmapped),
        kit=kit,
    )


def _kit_and_language(
    raw: RawWorkbook, info: CopyInfo | None, initiative: Initiative | None
) -> tuple[Kit, Language]:
    if initiative is not None:
        if info is not None and info.initiative_id != initiative.id:
            raise SourceError(raw.source, "foreign_initiative", f"copy of '{info.initiative_id}'")
        if info is not None and info.kit_id != initiative.kit.id:
            raise SourceError(raw.source, "foreign_template", f"kit '{info.kit_id}'")
        return initiative.kit, initiative.language
    language: Language = "en" if info is not None and info.language == "en" else "fr"
    return load_kit(info.kit_id if info else DEFAULT_KIT), language


def _find_sheet(
    sheets: Sequence[RawSheet], worksheet: Worksheet, recorded_tab: str | None, used: set[str]
) -> tuple[RawSheet | None, list[Note]]:
    """The tab holding `worksheet`: by recorded name, by template tab name, or by its header row."""
    candidates = [s for s in sheets if s.name not in used]
    tab_keys = keys(worksheet.tab(lang) for lang in LANGUAGES)
    found = next((s for s in candidates if recorded_tab and s.name == recorded_tab), None)
    notes: list[Note] = []
    if found is None:
        found = next((s for s in candidates if keys([s.name]) & tab_keys), None)
    if found is None:
        needed = max(2, math.ceil(len(worksheet.columns) / 2))
        scored = [(header_score(s, worksheet)[0], -i, s) for i, s in enumerate(candidates)]
        best = max(scored, key=lambda t: (t[0], t[1]), default=None)
        if best is None or best[0] < needed:
            return None, notes
        found = best[2]
        if not recorded_tab:
            notes.append(Note("tab_found_by_content", worksheet.id, params=(("tab", found.name),)))
    if recorded_tab and found.name != recorded_tab:
        notes.append(Note("tab_renamed", worksheet.id, params=(("old", recorded_tab), ("new", found.name))))
    return found, notes


def _moved_tabs(kit: Kit, sheets: Sequence[RawSheet], matched: dict[str, str]) -> list[Note]:
    """Worksheet tabs no longer in the kit's order (moving the cover alone changes nothing)."""
    position = {s.name: i for i, s in enumerate(sheets)}
    expected = [w.id for w in kit.worksheets if w.id in matched]
    actual = sorted(expected, key=lambda w: position[matched[w]])
    return [
        Note("tab_moved", w, params=(("tab", matched[w]),))
        for w, found in zip(expected, actual, strict=True)
        if w != found
    ]


def _cell_rows(
    worksheet: Worksheet,
    match: SheetMatch | None,
    language: Language,
    prefill: dict[tuple[str, str, str], str],
) -> list[dict[str, object]]:
    """One tidy row per input cell; cells that could not be found are empty, so they count as missing.

    A cell still showing what the copy was pre-filled with is marked origin "prefill": the partner
    kept it, but did not write it."""
    expected = [(r.id, c.id) for r in worksheet.rows for c in worksheet.input_columns]
    expected += [(q.id, DEBRIEF_COLUMN) for q in worksheet.debrief]
    positions = match.cells if match else {}
    if worksheet.is_open:
        expected = [key for key in positions if key[1] != DEBRIEF_COLUMN] + expected
    out = []
    for row_id, column_id in expected:
        where = positions.get((row_id, column_id))
        raw: object = match.sheet.value(*where) if match and where else ""
        value, text, problem = _typed(worksheet, column_id, raw, language)
        if match and where and where in match.sheet.formulas:
            value, problem = None, FORMULA  # a formula where a value belongs: keep its shown text only
        location = f"{match.sheet.name}!{a1(*where)}" if match and where else None
        out.append(
            {
                "worksheet": worksheet.id,
                "row": row_id,
                "column": column_id,
                "value": value,
                "text": text,
                "problem": problem,
                "location": location,
                "origin": "prefill"
                if text and prefill.get((worksheet.id, row_id, column_id)) == text
                else "partner",
            }
        )
    return out


def _typed(
    worksheet: Worksheet, column_id: str, raw: object, language: Language
) -> tuple[object, str, str | None]:
    if column_id == DEBRIEF_COLUMN:
        parsed = parse_cell("long_text", raw, language)
        return parsed.value, str(parsed.value or ""), None
    column = worksheet.column(column_id)
    choices = [choice(lang) for lang in (language, *LANGUAGES) for choice in column.choices]
    parsed = parse_cell(column.type, raw, language, choices)
    value = parsed.value
    if column.type == "choice" and parsed.problem is None and value is not None:
        # a choice typed in the other language is recorded in the initiative's language
        value = next(c(language) for c in column.choices if value in (c.fr, c.en))
    if parsed.problem:
        return (value if column.type == "choice" else None), parsed.detail or str(value or ""), parsed.problem
    if value is None:
        return None, "", None
    return value, value if isinstance(value, str) else _canonical_text(value, language), None


def _canonical_text(value: object, language: Language) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return format_value(value, "yes_no", language)
    return str(value)


def _check_template_versions(kit: Kit, info: CopyInfo | None, notes: list[Note]) -> None:
    if info is None:
        return
    versions = {w.id: w.version for w in kit.worksheets}
    for worksheet_id, version, _ in info.templates:
        if worksheet_id in versions and version and version != versions[worksheet_id]:
            notes.append(
                Note(
                    "template_version",
                    worksheet_id,
                    params=(("copy", str(version)), ("current", str(versions[worksheet_id]))),
                ),
            )


def _partner(
    raw: RawWorkbook, info: CopyInfo | None, initiative: Initiative | None, notes: list[Note]
) -> str | None:
    if info is not None and (info.partner_id or info.role != "partner"):
        if info.partner_id and initiative and info.partner_id not in {p.id for p in initiative.partners}:
            notes.append(Note("partner_not_in_initiative", params=(("partner", info.partner_id),)))
        return info.partner_id
    stem = Path(raw.source).stem.lower()
    candidates = sorted((p.id for p in initiative.partners if p.id in stem), key=len) if initiative else []
    if candidates:
        notes.append(Note("partner_from_filename", params=(("partner", candidates[-1]),)))
        return candidates[-1]
    notes.append(Note("unknown_partner", params=(("partner", ""),)))
    return None
