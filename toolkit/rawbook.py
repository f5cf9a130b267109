"""A returned copy as plain values, whatever it came from (.xlsx, .ods, a live Google spreadsheet).

Backends fill these; locating cells works on them and never touches a file or an API.
A tab keeps only its non-empty cells: one value at A1 and one at ALL100000 cost two
entries, not a 100-million-cell grid, so work stays bounded by what partners typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

Cell = tuple[int, int]  # 1-based (row, column)


def is_empty(value: object) -> bool:
    return value is None or value == ""


@dataclass(frozen=True)
class RawSheet:
    name: str
    visible: bool
    cells: Mapping[Cell, object]  # non-empty values only, by 1-based (row, column)
    formulas: frozenset[Cell] = frozenset()  # 1-based (row, column) of formula cells
    _by_row: dict[int, dict[int, object]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_row: dict[int, dict[int, object]] = {}
        for (row, column), value in sorted(self.cells.items()):
            if not is_empty(value):
                by_row.setdefault(row, {})[column] = value
        object.__setattr__(self, "_by_row", by_row)

    @classmethod
    def from_rows(
        cls,
        name: str,
        visible: bool,
        rows: Iterable[Sequence[object]],
        formulas: frozenset[Cell] = frozenset(),
    ) -> RawSheet:
        """From a grid of values starting at A1 ('' or None for empty cells)."""
        cells = {
            (r, c): value
            for r, row in enumerate(rows, start=1)
            for c, value in enumerate(row, start=1)
            if value is not None and value != ""
        }
        return cls(name, visible, cells, formulas)

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

    def lines(self, width: int) -> Iterator[list[object]]:
        """The first `width` columns of every row holding a value ('' for empty cells)."""
        for cells in self._by_row.values():
            yield [cells.get(c, "") for c in range(1, width + 1)]

    @property
    def height(self) -> int:
        """The last row holding a value (0 for an empty tab)."""
        return max(self._by_row, default=0)


@dataclass(frozen=True)
class RawWorkbook:
    source: str
    sheets: tuple[RawSheet, ...]
    properties: dict[str, str] = field(default_factory=dict)
    modified: dt.datetime | None = None

    def sheet(self, name: str) -> RawSheet | None:
        return next((s for s in self.sheets if s.name == name), None)
