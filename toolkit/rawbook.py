"""A returned copy as plain values, whatever it came from (.xlsx, .ods, a live Google spreadsheet).

Backends fill these; locating cells works on them and never touches a file or an API.
A tab keeps only its non-empty cells: one value at A1 and one at ALL100000 cost two
entries, not a 100-million-cell grid, so work stays bounded by what partners typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

Cell = tuple[int, int]  # 1-based (row, column)
NO_FORMULAS: Mapping[Cell, str] = MappingProxyType({})


def is_empty(value: object) -> bool:
    return value is None or value == ""


class Cells(Mapping[Cell, object]):
    """Non-empty cells by (row, column), stored row by row (rows and columns in increasing order).

    Storing by row halves the memory of one dict keyed by (row, column) tuples, and gives
    `RawSheet.row` for free; this view still reads like that dict."""

    def __init__(self, by_row: dict[int, dict[int, object]]) -> None:
        self.by_row = by_row

    @classmethod
    def of(cls, cells: Iterable[tuple[Cell, object]]) -> Cells:
        by_row: dict[int, dict[int, object]] = {}
        ordered = True
        last = (0, 0)
        for (row, column), value in cells:
            if not is_empty(value):
                by_row.setdefault(row, {})[column] = value
                ordered = ordered and (row, column) > last
                last = (row, column)
        if not ordered:  # readers give row-major order; anything else is sorted once
            by_row = {r: dict(sorted(by_row[r].items())) for r in sorted(by_row)}
        return cls(by_row)

    def __getitem__(self, key: Cell) -> object:
        return self.by_row[key[0]][key[1]]

    def __iter__(self) -> Iterator[Cell]:
        return ((r, c) for r, cells in self.by_row.items() for c in cells)

    def __len__(self) -> int:
        return sum(len(cells) for cells in self.by_row.values())


@dataclass(frozen=True)
class RawSheet:
    name: str
    visible: bool
    cells: Mapping[Cell, object]  # non-empty values only, by 1-based (row, column); kept as Cells
    # formula cells by 1-based (row, column) -> the formula as typed ("=B6"; "" when the source omits it)
    formulas: Mapping[Cell, str] = field(default_factory=dict)
    _by_row: dict[int, dict[int, object]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        cells = self.cells if isinstance(self.cells, Cells) else Cells.of(self.cells.items())
        object.__setattr__(self, "cells", cells)
        object.__setattr__(self, "_by_row", cells.by_row)

    @classmethod
    def from_rows(
        cls,
        name: str,
        visible: bool,
        rows: Iterable[Sequence[object]],
        formulas: Mapping[Cell, str] = NO_FORMULAS,
    ) -> RawSheet:
        """From a grid of values starting at A1 ('' or None for empty cells)."""
        by_row: dict[int, dict[int, object]] = {}
        for r, row in enumerate(rows, start=1):
            cells = {c: value for c, value in enumerate(row, start=1) if value != "" and value is not None}
            if cells:
                by_row[r] = cells
        return cls(name, visible, Cells(by_row), formulas)

    def value(self, row: int, column: int) -> object:
        """Value at 1-based (row, column); '' for an empty cell."""
        return self._by_row.get(row, {}).get(column, "")

    def row(self, row: int) -> Mapping[int, object]:
        """The non-empty cells of one row: column -> value, columns in increasing order."""
        return self._by_row.get(row, {})

    def row_numbers(self, first: int = 1) -> list[int]:
        """Rows holding at least one value, from `first` on, in increasing order."""
        return [r for r in self._by_row if r >= first]

    def items(self, first_row: int = 1) -> Iterator[tuple[int, int, object]]:
        """(row, column, value) of every non-empty cell from `first_row` on, row by row."""
        for r, cells in self._by_row.items():
            if r >= first_row:
                for c, value in cells.items():
                    yield r, c, value

    def rows(self) -> Iterable[tuple[int, Mapping[int, object]]]:
        """(row, its non-empty cells by column) of every row holding a value, in increasing order."""
        return self._by_row.items()

    def lines(self, width: int) -> Iterator[list[object]]:
        """The first `width` columns of every row holding a value ('' for empty cells)."""
        columns, blanks = range(1, width + 1), ("",) * width
        padding = [blanks[:n] for n in range(width + 1)]
        for cells in self._by_row.values():
            filled = len(cells)
            if filled <= width and next(reversed(cells)) == filled:  # columns 1 to n, none empty
                yield [*cells.values(), *padding[width - filled]]  # (a record of the metadata tab)
            else:
                yield list(map(cells.get, columns, blanks))  # cells.get(c, "") for each column, in C

    @property
    def height(self) -> int:
        """The last row holding a value (0 for an empty tab)."""
        return max(self._by_row, default=0)


@dataclass(frozen=True)
class RawWorkbook:
    """A workbook's values plus the provenance its source knows best.

    `modified` is the best time the source knows (a message's Date beats a file's mtime); `sender` is
    the address a copy came from when it came by email (evidence for attribution), None otherwise.
    """

    source: str
    sheets: tuple[RawSheet, ...]
    properties: dict[str, str] = field(default_factory=dict)
    modified: dt.datetime | None = None
    sender: str | None = None
    # cell comments (notes) as (tab, row, column, text), 1-based: partners write answers there too
    comments: tuple[tuple[str, int, int, str], ...] = ()

    def sheet(self, name: str) -> RawSheet | None:
        return next((s for s in self.sheets if s.name == name), None)
