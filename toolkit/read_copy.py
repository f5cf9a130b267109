"""Reading one returned copy (a RawWorkbook, whatever it came from) into a Submission.

Pure: no file, no network. Cells are found by header and row-label text in either language, with
the layout recorded in the copy as the fallback (see locate.py); everything noticed on the way is a
Note, and a workbook that is not a copy of the initiative's kit is a SourceError.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .attribution import Identity, IssuedCopy, attribute
from .cells import a1
from .errors import SourceError
from .initiative import Initiative
from .locate import SheetMatch, header_score, keys, locate
from .metadata import METADATA_TAB, CopyInfo, parse_properties, parse_records
from .outside import is_metadata_tab, outside_text
from .rawbook import RawSheet, RawWorkbook
from .submission import CELL_COLUMNS, Note, Submission
from .templates import DEBRIEF_COLUMN, Column, Kit, Worksheet, load_kit
from .text import LANGUAGES, Language, forbidden_characters
from .values import FORMULA, format_value, parse_cell

DEFAULT_KIT = "collective_impact"
METADATA_WIDTH = (
    16  # columns of the metadata tab read back (long partner text spans several: metadata._parts)
)


def copy_info(raw: RawWorkbook) -> CopyInfo | None:
    """The copy's own account of itself: the metadata tab, else the document properties."""
    return _tab_info(raw) or parse_properties(raw.properties)


def _tab_info(raw: RawWorkbook) -> CopyInfo | None:
    for sheet in raw.sheets:
        if sheet.name == METADATA_TAB or (sheet.value(1, 1), sheet.value(1, 2)) == ("toolkit", "format"):
            info = parse_records(sheet.lines(METADATA_WIDTH))
            if info is not None:
                return info
    return None


@dataclass(frozen=True)
class CopyContent:
    """What a copy says, before deciding whose it is: a pure function of its cells and the initiative.

    Nothing here depends on where the copy came from (path, time, sender) nor on the register of
    issued copies: pull may keep it in its cache, keyed on the copy's bytes (see pull_cache.py), and
    `finish` adds the rest on every run."""

    tab_info: Identity | None  # what attribution weighs of the copy's account of itself: see _identity
    properties_info: Identity | None
    kit_id: str
    language: Language
    role: str
    generated_at: dt.datetime | None
    round: str | None
    prefilled: frozenset[tuple[str, str, str]]
    columns: tuple[tuple[object, ...], ...]  # the cells, one tuple per CELL_COLUMNS entry
    notes: tuple[Note, ...]
    unmapped: tuple[tuple[str, str], ...]


def read_submission(
    raw: RawWorkbook, initiative: Initiative | None, issued: Mapping[str, IssuedCopy] | None = None
) -> Submission:
    """`issued`: the register of the initiative's issued copies, when the coordinator has one."""
    content, kit = _read_content(raw, initiative)
    return finish(content, raw, initiative, issued, kit)


def read_content(raw: RawWorkbook, initiative: Initiative | None) -> CopyContent:
    """Everything pull reads from a copy that its provenance and the register do not change."""
    return _read_content(raw, initiative)[0]


def _read_content(raw: RawWorkbook, initiative: Initiative | None) -> tuple[CopyContent, Kit]:
    tab_info, properties_info = _tab_info(raw), parse_properties(raw.properties)
    info = tab_info or properties_info
    kit, language = _kit_and_language(raw, info, initiative)
    notes: list[Note] = [] if info else [Note("metadata_missing")]
    notes += (
        [Note("unreadable_metadata", params=(("field", f), ("value", v))) for f, v in info.problems]
        if info
        else []
    )
    recorded_tabs = {w: tab for w, _, tab in info.templates} if info else {}
    content_sheets = [s for s in raw.sheets if not is_metadata_tab(s)]
    rows: list[_CellRow] = []
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
    if info is None or info.role != "master":  # a master's other tabs (Contributions) are ours
        unmapped += outside_text(raw, kit, language, info, initiative, used)
    notes += control_character_notes(rows, unmapped)
    _check_template_versions(kit, info, notes)
    notes += _other_round(info, initiative)
    content = CopyContent(
        tab_info=_identity(tab_info),
        properties_info=_identity(properties_info),
        kit_id=kit.id,
        language=language,
        role=info.role if info else "partner",
        generated_at=info.generated_at if info else None,
        round=info.round if info else None,
        prefilled=frozenset(info.prefill) if info else frozenset(),
        columns=_columns_table(rows),
        notes=tuple(notes),
        unmapped=tuple(unmapped),
    )
    return content, kit


# One input cell as read: its values in CELL_COLUMNS order (a tuple: an 8-key dict per cell cost more
# than typing most cells)
_CellRow = tuple[str, str, str, object, str, str | None, str | None, str]


def _columns_table(rows: list[_CellRow]) -> tuple[tuple[object, ...], ...]:
    """The rows as one tuple per CELL_COLUMNS entry (transposed in C)."""
    if not rows:
        return tuple(() for _ in CELL_COLUMNS)
    return tuple(zip(*rows, strict=True))


def _identity(info: CopyInfo | None) -> Identity | None:
    """The part of a copy's account of itself attribution weighs (the layout was used already)."""
    return None if info is None else Identity(info.partner_id, info.role, info.copy_id, info.generated_at)


def finish(
    content: CopyContent,
    raw: RawWorkbook,
    initiative: Initiative | None,
    issued: Mapping[str, IssuedCopy] | None = None,
    kit: Kit | None = None,
) -> Submission:
    """The Submission: `content` plus what this run knows of the copy (`raw`'s source, time and
    sender) and whose it is against the initiative and the register (recomputed on every run)."""
    notes = list(content.notes)
    if raw.modified is None:  # e.g. a partner's own Google copy Drive will not date: say it, rank it last
        notes.append(Note("modified_unknown"))
    found = attribute(
        raw.source,
        content.tab_info,
        content.properties_info,
        initiative,
        sender=raw.sender,
        modified=raw.modified,
        issued=issued,
    )
    notes += found.notes
    if kit is None:
        kit = (
            initiative.kit if initiative is not None else load_kit(content.kit_id, language=content.language)
        )
    return Submission(
        source=raw.source,
        partner_id=found.partner_id,
        kit_id=content.kit_id,
        language=content.language,
        role=content.role,
        modified=raw.modified,
        generated_at=content.generated_at,
        cells=content.columns,  # a DataFrame on first use (submission._LazyTable)
        notes=tuple(notes),
        unmapped=content.unmapped,
        kit=kit,
        sender=raw.sender,
        copy_id=found.copy_id,
        evidence=found.evidence,
        disputed=found.disputed,
        round=content.round,
        prefilled=content.prefilled,
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
    return load_kit(info.kit_id if info else DEFAULT_KIT, language=language), language


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
) -> list[_CellRow]:
    """One tidy row per input cell; cells that could not be found are empty, so they count as missing.

    A cell still showing what the copy was pre-filled with is marked origin "prefill": the partner
    kept it, but did not write it."""
    columns = _columns_of(worksheet, language)
    expected = columns.expected
    positions = match.cells if match else {}
    if worksheet.is_open:
        expected = [key for key in positions if key[1] != DEBRIEF_COLUMN] + expected
    sheet = match.sheet if match else None
    formulas = sheet.formulas if sheet else {}
    out = []
    for row_id, column_id in expected:
        where = positions.get((row_id, column_id)) if sheet else None
        raw: object = sheet.value(*where) if sheet and where else ""
        value, text, problem = _typed(columns, column_id, raw, language)
        if where and where in formulas:
            # a formula where a value belongs: what the partner typed ("=B6") is its text, to quote back;
            # its computed result is never read as an answer (merge keeps it out of the master)
            value, text, problem = None, formulas[where] or "=…", FORMULA
        out.append(
            (  # CELL_COLUMNS
                worksheet.id,
                row_id,
                column_id,
                value,
                text,
                problem,
                f"{sheet.name}!{_a1(*where)}" if sheet and where else None,
                "prefill" if text and prefill.get((worksheet.id, row_id, column_id)) == text else "partner",
            )
        )
    return out


@dataclass(frozen=True)
class _Columns:
    """What typing a worksheet's cells needs, worked out once per worksheet and language."""

    worksheet: Worksheet  # held, so its id() names it while it is remembered
    expected: list[tuple[str, str]]  # (row id, column id) of every input cell of a fixed worksheet
    # column id -> (column, its choices in the copy's language then both: what parse_cell accepts)
    columns: dict[str, tuple[Column, list[str]]]


_columns_memo: dict[tuple[int, Language], _Columns] = {}


def _columns_of(worksheet: Worksheet, language: Language) -> _Columns:
    found = _columns_memo.get((id(worksheet), language))
    if found is None or found.worksheet is not worksheet:
        expected = [(r.id, c.id) for r in worksheet.rows for c in worksheet.input_columns]
        expected += [(q.id, DEBRIEF_COLUMN) for q in worksheet.debrief]
        columns = {
            c.id: (c, [choice(lang) for lang in (language, *LANGUAGES) for choice in c.choices])
            for c in reversed(worksheet.columns)  # the first of a repeated id wins, as Worksheet.column
        }
        found = _Columns(worksheet, expected, columns)
        if len(_columns_memo) >= 64:
            _columns_memo.clear()
        _columns_memo[(id(worksheet), language)] = found
    return found


@lru_cache(maxsize=4096)
def _a1(row: int, column: int) -> str:
    return a1(row, column)  # the same few cells in every copy of a kit


def _typed(
    columns: _Columns, column_id: str, raw: object, language: Language
) -> tuple[object, str, str | None]:
    if column_id == DEBRIEF_COLUMN:
        parsed = parse_cell("long_text", raw, language)
        return parsed.value, str(parsed.value or ""), None
    if column_id not in columns.columns:
        raise StopIteration(column_id)  # as Worksheet.column
    column, choices = columns.columns[column_id]
    if raw == "":  # an empty cell (what parse_cell says of one)
        return None, "", None
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


def control_character_notes(rows: list[_CellRow], unmapped: list[tuple[str, str]]) -> list[Note]:
    """Text holding characters no workbook can (Word field marks…): kept, and said (writers escape them)."""
    notes = []
    for worksheet_id, row_id, column_id, _, text, _, location, _ in rows:  # CELL_COLUMNS
        chars = forbidden_characters(text)
        if chars:
            params = (("chars", ", ".join(chars)), ("where", location or ""))
            notes.append(Note("control_characters", worksheet_id, row_id, column_id, params))
    for location, text in unmapped:
        if chars := forbidden_characters(text):
            notes.append(
                Note("control_characters", params=(("chars", ", ".join(chars)), ("where", location)))
            )
    return notes


def _other_round(info: CopyInfo | None, initiative: Initiative | None) -> list[Note]:
    """A copy made for another round than the initiative's current one (e.g. last round's, sent again)."""
    if info is None or not info.round or initiative is None or initiative.round in (None, info.round):
        return []
    return [Note("other_round", params=(("copy", info.round), ("current", str(initiative.round))))]
