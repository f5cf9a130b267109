"""Writing cells with openpyxl, for the writers that still build with it (the XLSX report, design
workbooks): the same text rules as the copy and master writer (backends/xlsx.py), in openpyxl's terms."""

from __future__ import annotations

import datetime as dt
import math

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill

from .. import style
from ..text import Language
from .xlsx import cell_text

HEADER_FILL = PatternFill("solid", fgColor=style.HEADER_FILL)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")


def font(spec: style.FontStyle) -> Font:
    return Font(bold=spec.bold, italic=spec.italic, size=spec.size, color=spec.colour)


def write_text(cell: Cell, value: object, language: Language | None = None) -> None:
    """Write a value; text stays text even when it starts with '=' (never a partner formula), with
    XML-forbidden characters escaped and text too long for a cell cut with a mark (xlsx.cell_text)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:  # Excel has no time zones
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        cell.value = value
        cell.number_format = style.DATE_FORMAT
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = style.DATE_FORMAT
    elif isinstance(value, bool | int) or (isinstance(value, float) and math.isfinite(value)):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
            _write_string(cell, str(value), language)  # beyond a spreadsheet's 15 digits: keep every one
        else:
            cell.value = value
    elif value is not None and value != "":
        _write_string(cell, str(value), language)


def _write_string(cell: Cell, text: str, language: Language | None) -> None:
    cell.value = cell_text(text, language)
    cell.data_type = "s"
