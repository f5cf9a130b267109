"""A returned copy as plain values, whatever it came from (.xlsx, .ods, a live Google spreadsheet).

Backends fill these; locating cells works on them and never touches a file or an API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RawSheet:
    name: str
    visible: bool
    rows: Sequence[Sequence[object]]  # values from A1, '' for empty cells
    formulas: frozenset[tuple[int, int]] = frozenset()  # 1-based (row, column) of formula cells

    def value(self, row: int, column: int) -> object:
        """Value at 1-based (row, column); '' outside the grid."""
        if 0 < row <= len(self.rows):
            cells = self.rows[row - 1]
            if 0 < column <= len(cells):
                value = cells[column - 1]
                return "" if value is None else value
        return ""

    def cells(self) -> Iterator[tuple[int, int, object]]:
        """(row, column, value) of every non-empty cell, 1-based, row by row."""
        for r, row in enumerate(self.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None and value != "":
                    yield r, c, value


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
