"""What pull produces: one Submission per returned copy, holding a tidy table of cells.

The tidy table is the one shape merge, gaps, history and reports share (see CELL_COLUMNS).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple, cast

import pandas as pd

from .problems import NoteCode, SourceCode
from .templates import Kit
from .text import Language

# One row per cell a partner can fill (empty ones included, so completion is computable):
#   worksheet, row, column  template ids (column "answer" for debrief questions)
#   value                   typed value (str, datetime.date, int/float, bool) or None when empty/invalid
#   text                    what the partner typed, cleaned ('' when empty); kept even when invalid
#   problem                 None, or a stable code: not_a_date, ambiguous_date, not_a_number,
#                           not_yes_no, not_in_choices, formula
#   location                where it was found in the copy, 'Tab!B7'
#   origin                  "partner", or "prefill" when the cell still shows what the copy was
#                           pre-filled with from the last round's master (kept, not written, by the partner)
CELL_COLUMNS = ["worksheet", "row", "column", "value", "text", "problem", "location", "origin"]
# Provenance added when several submissions are put together:
PROVENANCE_COLUMNS = ["partner", "source", "modified"]


class Cell(NamedTuple):
    """One row of the tidy table, for code that walks cells one by one (faster than pandas rows)."""

    worksheet: str
    row: str
    column: str
    value: object
    text: str
    problem: str | None
    location: str | None
    origin: str


@dataclass(frozen=True)
class Note:
    """Something pull noticed about a copy's structure (a renamed tab, an unmapped cell, …).

    `code` is stable (see `problems.NoteCode`); `params` fill the message in the initiative's language.
    """

    code: NoteCode
    worksheet: str | None = None
    row: str | None = None
    column: str | None = None
    params: tuple[tuple[str, str], ...] = ()

    def param(self, name: str) -> str:
        return dict(self.params).get(name, "")


@dataclass(frozen=True)
class Evidence:
    """One hint of whose copy this is (see attribution.py).

    `kind`: "issued" (the register of issued copies), "metadata" (the hidden tab), "properties"
    (the document properties), "sender" (the email address) or "filename"; `partner_id` None means
    the blank copy; `detail` is what was seen (an address, a file name)."""

    kind: str
    partner_id: str | None
    detail: str = ""


Columns = tuple[tuple[object, ...], ...]  # the tidy table as one tuple per CELL_COLUMNS entry

# Columns that say where a cell is and what kind (worksheet, row, column, problem, location, origin): the
# same for most copies of one template. Thousands of copies share one tuple per column and one string per
# location instead of each holding its own (a copy read in a worker process, or from the pull cache, comes
# with fresh strings): 80 of the 210 MB 10,000 copies held. `text` and `value` stay each copy's own.
# These columns hold only strings and None, so an equal column has the same values. Each is compared with
# the same column of the copy made before (equal strings compare faster than they hash): about 10 µs per
# copy, and nothing remembered but that copy's columns.
_last: list[tuple[object, ...]] = [() for _ in CELL_COLUMNS]


def _share(i: int, column: object) -> object:
    """Column `i` of the copy made before when equal to this one (strings and None only), else this
    one with its strings interned, remembered for the next copy."""
    last = _last[i]
    if column == last:
        return last
    if type(column) is not tuple:
        return column
    column = tuple(sys.intern(v) if type(v) is str else v for v in column)
    _last[i] = column
    return column


def compact(columns: Columns) -> Columns:
    """`columns` with the where-and-kind columns shared between copies (equal values, less memory)."""
    if type(columns) is not tuple or len(columns) != len(CELL_COLUMNS):
        return columns
    worksheet, row, column, value, text, problem, location, origin = columns  # CELL_COLUMNS
    return cast(
        Columns,
        (
            _share(0, worksheet),
            _share(1, row),
            _share(2, column),
            value,
            text,
            _share(5, problem),
            _share(6, location),
            _share(7, origin),
        ),
    )


class _LazyTable:
    """`Submission.cells`: given as a DataFrame or as its columns; the DataFrame is built on first use.

    Merge, gaps and the cache walk the columns (`Submission.rows`, `.column`): most copies of a run
    never need a DataFrame of their own, and building one costs more than reading the copy's cells."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, obj: object, owner: type | None = None) -> pd.DataFrame:
        if obj is None:
            raise AttributeError(self.slot)  # no default: every Submission is given its cells
        value = obj.__dict__[self.slot]
        if not isinstance(value, pd.DataFrame):
            value = obj.__dict__[self.slot] = table(value)
        return value

    def __set__(self, obj: object, value: pd.DataFrame | Columns) -> None:
        obj.__dict__[self.slot] = value if isinstance(value, pd.DataFrame) else compact(value)


def table(columns: Columns) -> pd.DataFrame:
    """The tidy table of these columns (CELL_COLUMNS, in order)."""
    return pd.DataFrame(dict(zip(CELL_COLUMNS, map(list, columns), strict=True)), dtype=object)


@dataclass(frozen=True)
class Submission:
    """One returned copy as read: whose it is, where it came from, and its tidy table of cells."""

    source: str  # file path or spreadsheet URL, as given
    partner_id: str | None  # None when the copy cannot say whose it is
    kit_id: str
    language: str
    role: str  # "partner", "blank" or "master"
    modified: dt.datetime | None  # file modification time (UTC), or the remote revision time
    generated_at: dt.datetime | None
    # a DataFrame, or its columns (Columns) built into one on first use: see _LazyTable
    cells: pd.DataFrame = field(default=_LazyTable(), compare=False, repr=False)
    notes: tuple[Note, ...] = ()
    unmapped: tuple[tuple[str, str], ...] = ()  # (location, text) found outside the template's cells
    kit: Kit | None = field(default=None, compare=False, repr=False)
    sender: str | None = None  # the email address the copy came from, when the source knows it
    copy_id: str | None = None  # the issued copy it came from, as the copy says
    evidence: tuple[Evidence, ...] = ()  # every hint of whose copy it is
    disputed: bool = False  # the evidence disagrees: merge keeps the copy apart (see attribution.py)
    round: str | None = None  # the round the copy was generated for (None: before rounds, or not said)
    # (worksheet, row, column) the copy was pre-filled at: clearing one of these is a withdrawal
    prefilled: frozenset[tuple[str, str, str]] = field(default=frozenset(), compare=False, repr=False)

    def column(self, name: str) -> Sequence[object]:
        """One column of the tidy table (without building the DataFrame when it was given as columns)."""
        given: pd.DataFrame | Columns = self.__dict__["_cells"]
        if isinstance(given, pd.DataFrame):
            return list(given[name])
        return given[CELL_COLUMNS.index(name)]

    # `rows` and `filled_keys` are made on each use, not kept: kept, at 10,000 copies they held more
    # memory than the copies' own cells (a Cell tuple per cell, a set of key tuples per copy).
    @property
    def rows(self) -> list[Cell]:
        return list(map(Cell._make, zip(*(self.column(name) for name in CELL_COLUMNS), strict=True)))

    @property
    def filled_keys(self) -> frozenset[tuple[str, str, str]]:
        """(worksheet, row, column) of the cells holding a usable value (not empty, not invalid)."""
        c = self.column
        keys = cast("Iterator[tuple[str, str, str]]", zip(c("worksheet"), c("row"), c("column"), strict=True))
        usable = zip(c("value"), c("problem"), strict=True)
        return frozenset(
            key
            for key, (value, problem) in zip(keys, usable, strict=True)
            if value is not None and not problem
        )

    @cached_property
    def fingerprint(self) -> str:
        """Same partner and same content -> same fingerprint (a copy given twice counts once)."""
        c = self.column
        lines = sorted(zip(c("worksheet"), c("row"), c("column"), c("text"), strict=True))
        lines += [("?", location, "", text) for location, text in sorted(self.unmapped)]
        body = "\n".join("|".join(map(str, line)) for line in lines)
        data = f"{self.partner_id}|{self.kit_id}\n{body}".encode("utf-8", "surrogatepass")  # any text hashes
        return hashlib.sha256(data).hexdigest()[:16]


def required_cells(kit: Kit) -> set[tuple[str, str, str]]:
    """(worksheet, row, column) of every cell the templates require (fixed worksheets only)."""
    return {
        (w.id, r.id, c.id)
        for w in kit.worksheets
        if not w.is_open
        for r in w.rows
        if r.required
        for c in w.input_columns
        if c.required
    }


def completion(submission: Submission) -> float:
    """Share of the required cells this copy fills with a valid value, 0..1."""
    if submission.kit is None:
        return 0.0
    required = required_cells(submission.kit)
    if not required:
        return 1.0
    return len(submission.filled_keys & required) / len(required)


@dataclass(frozen=True)
class SourceProblem:
    """A source that could not be used, with a message in the initiative's language."""

    source: str
    code: SourceCode
    message: str
    detail: str = ""  # a technical English fact for logs and JSON, never shown to a French reader


@dataclass(frozen=True)
class PullResult:
    """What pull read: one Submission per usable copy, one SourceProblem per unusable source."""

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
