"""What a generated copy says about itself: identity and layout, as records and document properties.

The same facts are written twice, as rows of a hidden tab (read back with the
values) and as custom document properties (they survive a deleted tab), so a
returned copy explains which initiative, partner, templates and cells it holds.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .answers import CHANGES, Answer
from .cells import a1, parse_a1
from .initiative import Initiative
from .layout import SheetLayout, WorkbookLayout

FORMAT = 1
METADATA_TAB = "_toolkit"
PROPERTY_PREFIX = "toolkit."
MAX_PROPERTY_LENGTH = 255  # Excel's limit for a custom string property
TEXT_PART = 32_000  # characters of partner text per metadata cell (Excel holds 32,767, Google 50,000)
MAX_COPY_ID = 64  # ours are 24 hex digits; a longer one was typed by someone


@dataclass(frozen=True)
class CopyInfo:
    """Identity of one generated copy."""

    initiative_id: str
    initiative_name: str
    kit_id: str
    kit_version: int
    language: str
    generated_at: dt.datetime
    partner_id: str | None = None  # None: the blank copy (or a master)
    role: str = "partner"  # "partner", "blank" or "master"
    templates: tuple[tuple[str, int, str], ...] = ()  # (worksheet id, version, tab title)
    # (worksheet id, row id, column id) -> (row, column), as recorded in the copy
    cells: dict[tuple[str, str, str], tuple[int, int]] = field(default_factory=dict, compare=False)
    # (worksheet id, row id, column id) -> text the copy was pre-filled with (next cycle from a master)
    prefill: dict[tuple[str, str, str], str] = field(default_factory=dict, compare=False)
    # (field, value) of recorded facts that made no sense (inf, nan, a huge or negative number): ignored
    problems: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    copy_id: str | None = None  # random id of this issued copy (recorded in the register of issued copies)
    round: str | None = None  # the initiative's round the copy (or master) belongs to
    # a master's per-partner answers (rounds.py); None: not recorded (a copy, or a master made before rounds)
    answers: tuple[Answer, ...] | None = field(default=None, compare=False)


def identity(
    initiative: Initiative, language: str, generated_at: dt.datetime, partner_id: str | None, role: str
) -> CopyInfo:
    """The identity a copy of `initiative` made now carries."""
    return CopyInfo(
        initiative_id=initiative.id,
        initiative_name=initiative.name,
        kit_id=initiative.kit.id,
        kit_version=initiative.kit.version,
        language=language,
        generated_at=generated_at,
        partner_id=partner_id,
        role=role,
        round=initiative.round,
    )


def records(info: CopyInfo, layout: WorkbookLayout) -> list[list[str]]:
    """Rows of the metadata tab."""
    return list(record_rows(info, layout)[2]())


def record_rows(info: CopyInfo, layout: WorkbookLayout) -> tuple[int, int, Callable[[], Iterator[list[str]]]]:
    """`records`: how many rows, the longest row's length, and the rows made only as they are walked (a
    master records every partner's answer: tens of thousands of rows). A writer states a sheet's size
    before its rows."""
    rows = [
        ["toolkit", "format", str(FORMAT)],
        ["copy", "role", info.role],
        ["copy", "initiative", info.initiative_id],
        ["copy", "initiative_name", info.initiative_name],
        ["copy", "kit", info.kit_id],
        ["copy", "kit_version", str(info.kit_version)],
        ["copy", "partner", info.partner_id or ""],
        ["copy", "language", info.language],
        ["copy", "generated_at", info.generated_at.isoformat()],
    ]
    if info.copy_id:
        rows.append(["copy", "copy_id", info.copy_id])
    if info.round:
        rows.append(["copy", "round", info.round])
    for sheet in layout.sheets:
        rows.append(["worksheet", sheet.worksheet.id, str(sheet.worksheet.version), sheet.tab])
        rows += [["cell", sheet.worksheet.id, r, c, a1(row, col)] for r, c, row, col in sheet.input_cells()]
    rows += [["prefill", w, r, c, *_parts(text)] for (w, r, c), text in info.prefill.items()]
    answers = info.answers
    count, width = len(rows), max(map(len, rows))
    if answers is not None:
        count += 1 + len(answers)
        width = max(width, 2)
        if answers:
            longest = max(len(a.text) for a in answers)
            width = max(width, ANSWER_FIELDS + max(1, -(-longest // TEXT_PART)))  # as many parts as _parts

    def made() -> Iterator[list[str]]:
        yield from rows
        if answers is not None:
            yield ["answers", str(len(answers))]
            for a in answers:
                yield ["answer", a.partner, a.worksheet, a.row, a.column, a.round, a.change, *_parts(a.text)]

    return count, width, made


ANSWER_FIELDS = 7  # an answer record's cells before its text's parts


def _parts(text: str) -> list[str]:
    """Partner text over as many cells as it needs: a cell holds at most 32,767 characters (Excel),
    so a longer answer is never cut; readers join the cells back (`_joined`)."""
    return [text[i : i + TEXT_PART] for i in range(0, len(text), TEXT_PART)] or [""]


def _joined(raw: Sequence[object], row: Sequence[str], start: int) -> str:
    """The text written by `_parts` from cell `start` on (partner text exactly, spaces included)."""
    return "".join(v if isinstance(v, str) else t for v, t in zip(raw[start:], row[start:], strict=False))


def properties(info: CopyInfo, layout: WorkbookLayout) -> dict[str, str]:
    """Custom document properties; a worksheet's compact layout is kept only where it fits 255 chars."""
    props = {
        "format": str(FORMAT),
        "role": info.role,
        "initiative": info.initiative_id,
        "kit": f"{info.kit_id}@{info.kit_version}",
        "partner": info.partner_id or "",
        "language": info.language,
        "generated_at": info.generated_at.isoformat(),
        "templates": ",".join(f"{s.worksheet.id}@{s.worksheet.version}" for s in layout.sheets),
    }
    if info.copy_id:
        props["copy_id"] = info.copy_id
    if info.round:
        props["round"] = info.round
    for sheet in layout.sheets:
        compact = compact_layout(sheet)
        if len(compact) <= MAX_PROPERTY_LENGTH:
            props[f"layout.{sheet.worksheet.id}"] = compact
    return {PROPERTY_PREFIX + k: v for k, v in props.items()}


def compact_layout(sheet: SheetLayout) -> str:
    """'r=overview:5,…;c=activities:2,…;d=how_progressing:13' (debrief answers sit in column 2)."""
    input_ids = {c.id for c in sheet.worksheet.input_columns}
    parts = [
        "r=" + ",".join(f"{i}:{n}" for i, n in sheet.rows),
        "c=" + ",".join(f"{i}:{n}" for i, n in sheet.columns if i in input_ids),
    ]
    if sheet.debrief:
        parts.append("d=" + ",".join(f"{i}:{n}" for i, n in sheet.debrief))
    return ";".join(parts)


def parse_records(rows: Iterable[Sequence[object]]) -> CopyInfo | None:
    """Read the metadata tab back; None if it is not one of ours. Tolerates re-saved numbers ('1.0').

    The tab is partner-editable: a value that makes no sense (inf, nan, a huge or negative number, a
    cell beyond the sheet) is left out and named in `problems`, never an exception."""
    values: dict[str, str] = {}
    templates: list[tuple[str, int, str]] = []
    cells: dict[tuple[str, str, str], tuple[int, int]] = {}
    prefill: dict[tuple[str, str, str], str] = {}
    problems = _Problems()
    answers: list[Answer] | None = None
    seen_format = False
    for raw in rows:
        if raw and _cell_text(raw[0]) == "cell" and len(raw) > 4:  # most records: only their five cells
            worksheet, row_id, column_id, ref = map(_cell_text, raw[1:5])
            position = _cell_position(ref) if len(ref) <= _MAX_REF else None
            if position is not None:
                cells[(worksheet, row_id, column_id)] = position
            else:  # the field's name made only for a bad one (most copies have none)
                problems.bad(f"{worksheet} {row_id} {column_id}", ref)
            continue
        row = [v.strip() if v.__class__ is str else _text(v) for v in raw]  # most cells are text
        kind = row[0] if row else ""
        if kind == "toolkit" and len(row) > 2 and row[1] == "format":
            seen_format = True
        elif kind == "copy" and len(row) > 2:
            values[row[1]] = row[2]
        elif kind == "worksheet" and len(row) > 3:
            templates.append((row[1], problems.number(f"{row[1]} version", row[2]), row[3]))
        elif kind == "prefill" and len(row) > 4:
            prefill[(row[1], row[2], row[3])] = _joined(raw, row, 4)
        elif kind == "answers":
            answers = answers or []
        elif kind == "answer" and len(row) > 7 and row[6] in CHANGES:
            answers = answers or []
            text = _joined(raw, row, 7)
            answers.append(Answer(row[2], row[3], row[4], row[1], text, row[5], row[6]))
    if not seen_format or "initiative" not in values:
        return None
    info = _info(values, tuple(templates), cells, problems)
    return replace(info, prefill=prefill, answers=None if answers is None else tuple(answers))


def parse_properties(props: dict[str, str]) -> CopyInfo | None:
    """Read identity (and compact layouts) from custom document properties (as tolerant as the tab)."""
    values = {
        k.removeprefix(PROPERTY_PREFIX): _text(v) for k, v in props.items() if k.startswith(PROPERTY_PREFIX)
    }
    if "initiative" not in values or "kit" not in values:
        return None
    problems = _Problems()
    kit_id, _, kit_version = values["kit"].partition("@")
    values["kit"], values["kit_version"] = kit_id, kit_version
    templates = []
    cells: dict[tuple[str, str, str], tuple[int, int]] = {}
    for item in filter(None, values.get("templates", "").split(",")):
        worksheet_id, _, version = item.partition("@")
        templates.append((worksheet_id, problems.number(f"{worksheet_id} version", version), ""))
        compact = values.get(f"layout.{worksheet_id}", "")
        cells.update(_parse_compact(worksheet_id, compact, problems))
    return _info(values, tuple(templates), cells, problems)


def _parse_compact(
    worksheet_id: str, compact: str, problems: _Problems
) -> dict[tuple[str, str, str], tuple[int, int]]:
    if len(compact) > MAX_PROPERTY_LENGTH:  # not ours (we write at most 255): read, not remembered
        return _compact_cells(worksheet_id, compact, problems)
    cells, found = _remembered_compact(worksheet_id, compact)
    problems.found += found
    return dict(cells)


@lru_cache(maxsize=1024)
def _remembered_compact(
    worksheet_id: str, compact: str
) -> tuple[tuple[tuple[tuple[str, str, str], tuple[int, int]], ...], tuple[tuple[str, str], ...]]:
    """A worksheet's compact layout, the same in every copy of a kit: read once (callers copy it)."""
    problems = _Problems()
    cells = _compact_cells(worksheet_id, compact, problems)
    return tuple(cells.items()), tuple(problems.found)


def _compact_cells(
    worksheet_id: str, compact: str, problems: _Problems
) -> dict[tuple[str, str, str], tuple[int, int]]:
    parts = dict(p.split("=", 1) for p in compact.split(";") if "=" in p)

    def pairs(key: str, limit: int) -> list[tuple[str, int]]:
        found = []
        for i, _, n in (p.partition(":") for p in filter(None, parts.get(key, "").split(","))):
            number = problems.number(f"layout.{worksheet_id} {i}", n, low=1, high=limit)
            if number:
                found.append((i, number))
        return found

    rows, columns = pairs("r", MAX_ROW), pairs("c", MAX_COLUMN)
    cells = {(worksheet_id, r, c): (row, col) for r, row in rows for c, col in columns}
    cells.update({(worksheet_id, q, "answer"): (row, 2) for q, row in pairs("d", MAX_ROW)})
    return cells


def _info(
    values: dict[str, str],
    templates: tuple[tuple[str, int, str], ...],
    cells: dict[tuple[str, str, str], tuple[int, int]],
    problems: _Problems,
) -> CopyInfo:
    return CopyInfo(
        initiative_id=values["initiative"],
        initiative_name=values.get("initiative_name", ""),
        kit_id=values.get("kit", ""),
        kit_version=problems.number("kit_version", values.get("kit_version", "0")),
        language=values.get("language", ""),
        generated_at=problems.moment("generated_at", values.get("generated_at", "")),
        partner_id=values.get("partner") or None,
        role=values.get("role", "partner"),
        round=values.get("round") or None,
        templates=templates,
        cells=cells,
        problems=tuple(problems.found),
        copy_id=values.get("copy_id", "").strip()[:MAX_COPY_ID] or None,  # partner-editable: bounded
    )


MAX_ROW, MAX_COLUMN = 1_048_576, 16_384  # the largest sheet Excel and LibreOffice make
_MAX_REF = 12  # characters of a cell reference looked at ("XFD1048576" and a few spaces)
MAX_VERSION = 1_000_000
NO_TIME = dt.datetime.min.replace(tzinfo=dt.UTC)  # a copy that does not say when it was made


class _Problems:
    """Parses recorded numbers, cells and times tolerantly, keeping (field, value) of each bad one."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []

    def bad(self, name: str, text: str) -> None:
        self.found.append((name, text if len(text) <= 40 else text[:40] + "…"))

    def number(self, name: str, text: str, low: int = 0, high: int = MAX_VERSION) -> int:
        """A whole number in [low, high]; 0 (and a problem) for anything else ('2.0' is 2)."""
        if not text:
            return 0
        try:
            number = float(text) if len(text) <= 40 else math.inf
        except ValueError:
            number = math.nan
        if math.isfinite(number) and number.is_integer() and low <= number <= high:
            return int(number)
        self.bad(name, text)
        return 0

    def moment(self, name: str, text: str) -> dt.datetime:
        """An aware datetime (a naive one is taken as UTC, as the toolkit writes them)."""
        if not text:
            return NO_TIME
        try:
            moment = dt.datetime.fromisoformat(text) if len(text) <= 64 else None
        except ValueError:
            moment = None
        try:  # in UTC: an offset at the ends of the calendar cannot be converted
            if moment is not None:
                return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        except (OverflowError, ValueError):
            pass
        self.bad(name, text)
        return NO_TIME


@lru_cache(maxsize=4096)
def _cell_position(ref: str) -> tuple[int, int] | None:
    """A short reference's (row, column) within the sheet's bounds, else None; remembered: every copy
    of a kit records the same cells."""
    try:
        row, column = parse_a1(ref)
    except ValueError:
        return None
    return (row, column) if 0 < row <= MAX_ROW and 0 < column <= MAX_COLUMN else None


def _cell_text(value: object) -> str:
    return value.strip() if value.__class__ is str else _text(value)  # most cells are text


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return str(int(value))
    return "" if value is None else str(value).strip()
