"""Typing answers into a generated copy the way a partner's spreadsheet saves them.

Shared by the demo, the benchmark and the tests: values go into the input cells the layout gives,
text stays text even when it starts with "=" (a partner pasting text), and the file is saved in place.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path

import openpyxl

from toolkit.layout import WorkbookLayout
from toolkit.templates import DEBRIEF_COLUMN

Key = tuple[str, str, str]  # (worksheet, row, column) ids; column "answer" for debrief questions


def input_cells(layout: WorkbookLayout) -> Iterator[tuple[str, str, Key, int, int]]:
    """(tab, column type, (worksheet, row, column) ids, row, column) of every input cell."""
    for sheet in layout.sheets:
        for row_id, column_id, row, column in sheet.input_cells():
            kind = "long_text" if column_id == DEBRIEF_COLUMN else sheet.worksheet.column(column_id).type
            yield sheet.tab, kind, (sheet.worksheet.id, row_id, column_id), row, column


def type_answers(path: Path, answers: Mapping[Key, object], layout: WorkbookLayout) -> None:
    """Write `answers` into the copy at `path`; keys the layout does not have are ignored."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's notes on extensions it does not keep
        book = openpyxl.load_workbook(path)
    for tab, _kind, key, row, column in input_cells(layout):
        if key in answers and answers[key] not in (None, ""):
            cell = book[tab].cell(row=row, column=column)
            cell.value = answers[key]
            if isinstance(answers[key], str):
                cell.data_type = "s"
    book.save(path)
