"""Finding a template's cells in a returned copy, by text first and recorded layout second.

A copy comes back changed: tabs renamed or moved, rows or columns inserted, the
metadata tab lost, or the content pasted into a new workbook. Cells are found by
matching header and row-label text (tolerant of case, accents, spacing, NFC/NFD)
in either language; the layout recorded in the copy is the fallback and the
yardstick for saying what moved. Pure: works on RawWorkbook, never on a file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from .cells import a1
from .i18n import WORDS
from .layout import HEADER_ROW, entry_row_id
from .rawbook import RawSheet
from .submission import Note
from .templates import DEBRIEF_COLUMN, Worksheet
from .text import LANGUAGES
from .values import normalise_key

HEADER_SEARCH_ROWS = 60  # how far down a header row may have moved
MAX_TEMPLATE_TEXT = 400  # longer than any header, row label or debrief question


@dataclass
class SheetMatch:
    """Where one worksheet's cells are in one tab: (row id, column id) -> 1-based (row, column)."""

    sheet: RawSheet
    cells: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    unmapped: list[tuple[str, str]] = field(default_factory=list)  # (location, text)


def keys(texts: Iterable[str]) -> set[str]:
    return {normalise_key(t) for t in texts if t}


def _text_key(value: object, longest: int = MAX_TEMPLATE_TEXT) -> str:
    """The matching key of a cell that could be a header, label or question; '' for anything else.

    Partners' long answers are never template text: skipping them keeps locating cheap. With
    `longest` (the longest key the caller compares with), a text is skipped when its key is surely
    longer: ASCII letters and digits all survive normalisation, so more of them than `longest`
    means no match (and normalising every partner answer was half of reading a copy)."""
    if isinstance(value, str) and value.strip() and len(value) <= MAX_TEMPLATE_TEXT:
        if len(value) > longest and _ascii_alnum_count(value) > longest:
            return ""
        return normalise_key(value)
    return ""


def _ascii_alnum_count(value: str) -> int:
    """How many ASCII letters and digits `value` holds (two C passes: a regex was a tenth of pull)."""
    return len(value.encode("ascii", "ignore").translate(None, _NOT_ASCII_ALNUM))


_NOT_ASCII_ALNUM = bytes(c for c in range(128) if not chr(c).isalnum())


def _longest(*key_sets: Iterable[str]) -> int:
    """The longest of these keys: a text whose key is surely longer matches none of them."""
    return max((len(k) for keys_ in key_sets for k in keys_), default=0)


def header_score(sheet: RawSheet, worksheet: Worksheet) -> tuple[int, int]:
    """(best number of headers matched in one row, that row) over the top of the sheet."""
    wanted = [keys(c.header(lang) for lang in LANGUAGES) for c in worksheet.columns]
    longest = _longest(*wanted)
    best = (0, 0)
    for index in sheet.row_numbers():
        if index > HEADER_SEARCH_ROWS:
            break
        found = {_text_key(v, longest) for v in sheet.row(index).values()} - {""}
        score = sum(1 for k in wanted if k & found)
        if score > best[0]:
            best = (score, index)
    return best


def locate(
    sheet: RawSheet, worksheet: Worksheet, recorded: dict[tuple[str, str], tuple[int, int]]
) -> SheetMatch:
    """Map every input cell of `worksheet` in `sheet`; note what moved and what could not be mapped.

    Copies of one kit share their layout: a sheet whose every cell but the input cells is exactly
    that of a sheet located before in this process (and whose input cells cannot change the answer,
    see _Layouts) gets that sheet's answer again, without locating it anew."""
    layouts = _layouts(worksheet, recorded)
    found = layouts.find(sheet)
    if found is not None:
        return found
    match, label_column = _locate(sheet, worksheet, recorded)
    layouts.remember(sheet, match, label_column)
    return match


def _locate(
    sheet: RawSheet, worksheet: Worksheet, recorded: dict[tuple[str, str], tuple[int, int]]
) -> tuple[SheetMatch, int | None]:
    """locate's work, and the column the row labels were read from (None for an open worksheet)."""
    match = SheetMatch(sheet)
    score, header_row = header_score(sheet, worksheet)
    columns = _columns(sheet, worksheet, header_row if score else 0, recorded, match)
    label_column = None
    if worksheet.is_open:
        rows = _entry_rows(sheet, worksheet, header_row or HEADER_ROW, columns)
    else:
        label_column = columns.get(worksheet.columns[0].id, 1)
        rows = _fixed_rows(sheet, worksheet, header_row, columns, recorded, match)
    for column in worksheet.input_columns:
        if column.id in columns:
            for row_id, row in rows.items():
                match.cells[(row_id, column.id)] = (row, columns[column.id])
    _debrief(sheet, worksheet, recorded, match)
    _moved(worksheet, recorded, match)
    _unmapped(sheet, worksheet, header_row, columns, match)
    return match, label_column


# --- the layout memo -----------------------------------------------------------------------------

_MEMO_WORKSHEETS = 16  # (worksheet, recorded layout) pairs remembered
_MEMO_SHAPES = 4  # sets of input cells remembered per pair (rows moved, entries added...)
_MEMO_SHEETS = 64  # located sheets remembered per set of input cells
_MEMO_MAX_CHARS = 20_000  # text outside the input cells of a sheet remembered (its key holds it)
_MEMO_BUDGET = 2_000_000  # characters the whole memo holds at most (then it starts afresh)

# Cell: (row, column); a sheet's key: its name, every cell but the input cells exactly (text as is,
# other values as type and str: 1, 1.0 and True differ), and which watched input cells hold a value.
_SheetKey = tuple[str, tuple[tuple[object, ...], ...], tuple[tuple[int, int], ...]]
# a located sheet: its input cells, notes and unmapped text
_Found = tuple[dict[tuple[str, str], tuple[int, int]], tuple[Note, ...], tuple[tuple[str, str], ...]]


@dataclass
class _Shape:
    """The located sheets sharing one set of input cells (`inputs`).

    What locate reads of an input cell: the text of a header, label or question typed there (such a
    sheet is never taken from here: `_template_like`); and whether it holds a value, only in the
    rows of debrief answers (the answer is the first cell right of its question) and anywhere in an
    open worksheet (entries are the rows holding a value): `watched`."""

    inputs: frozenset[tuple[int, int]]
    watched: frozenset[tuple[int, int]]
    found: dict[_SheetKey, _Found] = field(default_factory=dict)

    def key(self, sheet: RawSheet, template_like: frozenset[str], longest: int) -> _SheetKey | None:
        """`sheet`'s key for this shape; None when an input cell holds template text."""
        inputs, watched = self.inputs, self.watched
        others: list[tuple[object, ...]] = []
        held: list[tuple[int, int]] = []
        for r, row in sheet.rows():  # every cell, row by row (a loop, not a generator: the hot path)
            for c, value in row.items():
                if (r, c) in inputs:
                    if value.__class__ is str and _text_key(value, longest) in template_like:
                        return None
                    if (r, c) in watched:
                        held.append((r, c))
                elif value.__class__ is str:
                    others.append((r, c, value))
                else:
                    others.append((r, c, value.__class__, str(value)))
        return sheet.name, tuple(others), tuple(held)


@dataclass
class _Layouts:
    """What was located for one worksheet and one recorded layout, by shape."""

    worksheet: Worksheet  # held, so its id() names it while it is remembered
    template_like: frozenset[str]  # every key locate compares a cell's text with
    longest: int
    shapes: list[_Shape] = field(default_factory=list)

    def find(self, sheet: RawSheet) -> SheetMatch | None:
        for shape in self.shapes:
            key = shape.key(sheet, self.template_like, self.longest)
            if key is not None and (hit := shape.found.get(key)) is not None:
                cells, notes, unmapped = hit
                return SheetMatch(sheet, dict(cells), list(notes), list(unmapped))
        return None

    def remember(self, sheet: RawSheet, match: SheetMatch, label_column: int | None) -> None:
        inputs = frozenset(match.cells.values())
        if len(inputs) != len(match.cells) or any(c == label_column for _, c in inputs):
            return  # two ids on one cell, or an input cell where row labels are read: not worth a rule
        shape = next((s for s in self.shapes if s.inputs == inputs), None)
        if shape is None:
            if self.worksheet.is_open:
                watched = inputs
            else:
                answer_rows = {r for (_, col_id), (r, _) in match.cells.items() if col_id == DEBRIEF_COLUMN}
                watched = frozenset(p for p in inputs if p[0] in answer_rows)
            shape = _Shape(inputs, watched)
            self.shapes.insert(0, shape)
            del self.shapes[_MEMO_SHAPES:]
        key = shape.key(sheet, self.template_like, self.longest)
        size = 0 if key is None else sum(len(str(cell[-1])) for cell in key[1])
        if key is None or size > _MEMO_MAX_CHARS:
            return  # much text outside the input cells: a partner's own, not a kit's layout
        global _memo_chars
        if _memo_chars + size > _MEMO_BUDGET:  # memory stays bounded whatever the copies hold
            _forget_all()
        _memo_chars += size
        if len(shape.found) >= _MEMO_SHEETS:
            del shape.found[next(iter(shape.found))]
        shape.found[key] = (dict(match.cells), tuple(match.notes), tuple(match.unmapped))


_memo: dict[tuple[int, tuple[object, ...]], _Layouts] = {}
_memo_chars = 0  # characters remembered since the memo last started afresh (evicted ones included)


def _forget_all() -> None:
    global _memo_chars
    for layouts in _memo.values():
        layouts.shapes.clear()
    _memo_chars = 0


def _layouts(worksheet: Worksheet, recorded: dict[tuple[str, str], tuple[int, int]]) -> _Layouts:
    key = (id(worksheet), tuple(recorded.items()))
    layouts = _memo.get(key)
    if layouts is None or layouts.worksheet is not worksheet:
        template_like = frozenset(_template_keys(worksheet) | _toolkit_words())
        layouts = _Layouts(worksheet, template_like, _longest(template_like))
        if len(_memo) >= _MEMO_WORKSHEETS:
            del _memo[next(iter(_memo))]
        _memo[key] = layouts
    return layouts


def _template_keys(worksheet: Worksheet) -> set[str]:
    """Every key locate compares a cell's text with: headers, row labels, questions, the debrief
    heading, title and description."""
    return keys(
        [worksheet.title(lang) for lang in LANGUAGES]
        + [worksheet.description(lang) for lang in LANGUAGES]
        + [c.header(lang) for c in worksheet.columns for lang in LANGUAGES]
        + [r.label(lang) for r in worksheet.rows for lang in LANGUAGES]
        + [q.text(lang) for q in worksheet.debrief for lang in LANGUAGES]
        + ["Débreffage", "Debrief"]
    )


def _columns(
    sheet: RawSheet,
    worksheet: Worksheet,
    header_row: int,
    recorded: dict[tuple[str, str], tuple[int, int]],
    match: SheetMatch,
) -> dict[str, int]:
    columns: dict[str, int] = {}
    longest = _longest(*(keys(c.header(lang) for lang in LANGUAGES) for c in worksheet.columns))
    header = {c: _text_key(v, longest) for c, v in sheet.row(header_row).items()} if header_row else {}
    for column in worksheet.columns:
        wanted = keys(column.header(lang) for lang in LANGUAGES)
        found = next((i for i, k in header.items() if k in wanted), None)
        if found is None:
            found = next((c for (_, col_id), (_, c) in recorded.items() if col_id == column.id), None)
            if found is None:
                if column.type != "label":
                    match.notes.append(Note("column_missing", worksheet.id, column=column.id))
                continue
            match.notes.append(Note("found_by_position", worksheet.id, column=column.id))
        columns[column.id] = found
    return columns


def _fixed_rows(
    sheet: RawSheet,
    worksheet: Worksheet,
    header_row: int,
    columns: dict[str, int],
    recorded: dict[tuple[str, str], tuple[int, int]],
    match: SheetMatch,
) -> dict[str, int]:
    label_column = columns.get(worksheet.columns[0].id, 1)
    by_label: dict[str, int] = {}
    for index in sheet.row_numbers(header_row + 1):
        key = _text_key(sheet.value(index, label_column))
        if key:
            by_label.setdefault(key, index)
    rows: dict[str, int] = {}
    for row in worksheet.rows:
        found = next(
            (by_label[k] for k in keys(row.label(lang) for lang in LANGUAGES) if k in by_label), None
        )
        if found is None:
            found = next((r for (row_id, _), (r, _) in recorded.items() if row_id == row.id), None)
            taken = set(rows.values()) | set(by_label.values())
            if found is None or found in taken:
                match.notes.append(Note("row_missing", worksheet.id, row=row.id))
                continue
            match.notes.append(Note("found_by_position", worksheet.id, row=row.id))
        rows[row.id] = found
    return rows


def _entry_rows(
    sheet: RawSheet, worksheet: Worksheet, header_row: int, columns: dict[str, int]
) -> dict[str, int]:
    """An open worksheet's entries: each non-empty line under the header, up to the debrief."""
    stop = keys(q.text(lang) for q in worksheet.debrief for lang in LANGUAGES) | keys(
        ["Débreffage", "Debrief"]
    )
    rows: dict[str, int] = {}
    longest = _longest(stop)
    for index in sheet.row_numbers(header_row + 1):  # rows without a value add nothing
        values = [sheet.value(index, c) for c in columns.values()]
        if any(_text_key(v, longest) in stop for v in values if isinstance(v, str)):
            break
        if any(v not in ("", None) for v in values):
            rows[entry_row_id(len(rows) + 1)] = index
    return rows


def _debrief(
    sheet: RawSheet, worksheet: Worksheet, recorded: dict[tuple[str, str], tuple[int, int]], match: SheetMatch
) -> None:
    """A debrief answer is the first non-empty cell right of its question (merged cells keep it in B)."""
    wanted_by_question = {q.id: keys(q.text(lang) for lang in LANGUAGES) for q in worksheet.debrief}
    every = set().union(*wanted_by_question.values()) if wanted_by_question else set()
    found: dict[str, tuple[int, int]] = {}
    longest = _longest(every)
    for r, c, v in sheet.items():  # one pass, short texts only: questions are short
        if (key := _text_key(v, longest)) in every:
            found.setdefault(key, (r, c))
    for question in worksheet.debrief:
        where = next((found[k] for k in wanted_by_question[question.id] if k in found), None)
        if where is None:
            if (question.id, DEBRIEF_COLUMN) in recorded:
                match.cells[(question.id, DEBRIEF_COLUMN)] = recorded[(question.id, DEBRIEF_COLUMN)]
                match.notes.append(Note("found_by_position", worksheet.id, row=question.id))
            continue
        row, column = where
        answer = next((c for c in sheet.row(row) if c > column), column + 1)
        match.cells[(question.id, DEBRIEF_COLUMN)] = (row, answer)


def _moved(worksheet: Worksheet, recorded: dict[tuple[str, str], tuple[int, int]], match: SheetMatch) -> None:
    if not recorded:
        return
    moved_rows = {k[0] for k, v in match.cells.items() if k in recorded and recorded[k][0] != v[0]}
    moved_columns = {k[1] for k, v in match.cells.items() if k in recorded and recorded[k][1] != v[1]}
    if moved_rows:
        match.notes.append(Note("rows_moved", worksheet.id, params=(("count", str(len(moved_rows))),)))
    if moved_columns - {DEBRIEF_COLUMN}:
        match.notes.append(Note("columns_moved", worksheet.id, params=(("count", str(len(moved_columns))),)))


def _unmapped(
    sheet: RawSheet, worksheet: Worksheet, header_row: int, columns: dict[str, int], match: SheetMatch
) -> None:
    """Text in the table area or beside it that is neither template text nor a mapped cell: kept, reported."""
    known = keys(
        [worksheet.title(lang) for lang in LANGUAGES]
        + [worksheet.description(lang) for lang in LANGUAGES]
        + [c.header(lang) for c in worksheet.columns for lang in LANGUAGES]
        + [r.label(lang) for r in worksheet.rows for lang in LANGUAGES]
        + [q.text(lang) for q in worksheet.debrief for lang in LANGUAGES]
    )
    mapped = set(match.cells.values())
    longest = _longest(known, _toolkit_words())
    for r, c, value in sheet.items():  # every cell, above the header too: beside the title, right of it
        if (r, c) in mapped or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, str) and _known(value, known, longest):
            continue
        match.unmapped.append((f"{sheet.name}!{a1(r, c)}", str(value)))


@cache
def _toolkit_words() -> frozenset[str]:
    """The words the generator itself writes in a sheet (debrief heading, hint): no others, so a
    partner's "Oui" typed outside the table is kept."""
    return frozenset(
        normalise_key(WORDS[key](lang)) for key in ("debrief", "sheet_hint") for lang in LANGUAGES
    )


def _known(value: str, known: set[str], longest: int) -> bool:
    """Template text or the toolkit's own words (a text with more letters than any of them is neither)."""
    if len(value) > longest and _ascii_alnum_count(value) > longest:
        return False
    return normalise_key(value) in known or _is_toolkit_word(value)


def _is_toolkit_word(value: str) -> bool:
    return normalise_key(value) in _toolkit_words()
