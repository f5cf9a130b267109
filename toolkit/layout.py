"""Where everything sits in a generated workbook. Pure: no spreadsheet library here.

Every backend writes from a Layout, and the layout is recorded inside each copy
(metadata tab and document properties) so reading back never depends on fixed
coordinates chosen by a particular version of the toolkit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .templates import DEBRIEF_COLUMN, Kit, Worksheet
from .text import Language

TITLE_ROW = 1
DESCRIPTION_ROW = 2
HINT_ROW = 3
HEADER_ROW = 4
FIRST_COLUMN = 1


def entry_row_id(number: int) -> str:
    """Row id of the n-th entry line of an open worksheet (entry_001 …)."""
    return f"entry_{number:03d}"


@dataclass(frozen=True)
class SheetLayout:
    """Where one worksheet's title, header, row labels, input cells and debrief questions sit on its tab."""

    worksheet: Worksheet
    tab: str
    columns: tuple[tuple[str, int], ...]  # column id -> 1-based column index, in template order
    rows: tuple[tuple[str, int], ...]  # row id -> 1-based row index, in template order
    debrief_heading_row: int | None
    debrief: tuple[tuple[str, int], ...]  # question id -> row of the question; answer sits beside it

    @property
    def header_row(self) -> int:
        return HEADER_ROW

    @property
    def width(self) -> int:
        return len(self.columns)

    @property
    def answer_column(self) -> int:
        return FIRST_COLUMN + 1

    @property
    def last_row(self) -> int:
        return self.debrief[-1][1] if self.debrief else self.rows[-1][1]

    def column_index(self, column_id: str) -> int:
        return dict(self.columns)[column_id]

    def input_cells(self) -> Iterator[tuple[str, str, int, int]]:
        """(row id, column id, row, column) of every cell a partner fills, table then debrief."""
        input_ids = {c.id for c in self.worksheet.input_columns}
        for row_id, row in self.rows:
            for column_id, column in self.columns:
                if column_id in input_ids:
                    yield row_id, column_id, row, column
        for question_id, row in self.debrief:
            yield question_id, DEBRIEF_COLUMN, row, self.answer_column


@dataclass(frozen=True)
class WorkbookLayout:
    """Every worksheet's layout in one language: what writers draw and readers expect."""

    kit: Kit
    language: Language
    sheets: tuple[SheetLayout, ...]


def sheet_layout(worksheet: Worksheet, language: Language) -> SheetLayout:
    """The layout of one worksheet in `language`."""
    columns = tuple((c.id, FIRST_COLUMN + i) for i, c in enumerate(worksheet.columns))
    first = HEADER_ROW + 1
    if worksheet.is_open:
        row_ids = [entry_row_id(n) for n in range(1, worksheet.entries + 1)]
    else:
        row_ids = [r.id for r in worksheet.rows]
    rows = tuple((row_id, first + i) for i, row_id in enumerate(row_ids))
    heading = None
    debrief: tuple[tuple[str, int], ...] = ()
    if worksheet.debrief:
        heading = first + len(rows) + 1
        debrief = tuple((q.id, heading + 1 + i) for i, q in enumerate(worksheet.debrief))
    return SheetLayout(worksheet, worksheet.tab(language), columns, rows, heading, debrief)


def workbook_layout(kit: Kit, language: Language) -> WorkbookLayout:
    """The layout of every worksheet of `kit` in `language`."""
    return WorkbookLayout(kit, language, tuple(sheet_layout(w, language) for w in kit.worksheets))
