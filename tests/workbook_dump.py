"""What a workbook holds, as a reader sees it: a semantic dump through openpyxl, independent of how the
file was written (part names, XML attribute order, style table order, shared or inline strings).

Two workbooks with equal dumps show the same values, types, styles, merged banners, notes, dropdowns,
protection, frozen panes, filters, print set-up, hidden tabs, defined names and document properties.
Random copy ids and the save time are blanked. Used by tests/test_workbook_dump.py to prove that a
change of xlsx writer changed no content.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

COPY_ID = re.compile(r"\b[0-9a-f]{24}\b")  # a copy's random id


def _plain(value: object) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return f"{type(value).__name__}:{value.isoformat()}"
    if isinstance(value, str):
        return COPY_ID.sub("<copy-id>", value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _colour(colour: Any) -> str | None:
    if colour is None:
        return None
    rgb = colour.rgb if isinstance(colour.rgb, str) else None
    return rgb[-6:] if rgb else f"theme:{colour.theme}"


def _style(cell: Cell) -> str:
    """The look of a cell, as one readable line: number format, font, fill, alignment, borders, lock."""
    font, fill, align, border = cell.font, cell.fill, cell.alignment, cell.border
    return json.dumps(
        {
            "format": cell.number_format,
            "font": [bool(font.b), bool(font.i), font.sz, _colour(font.color) if font.color else None],
            "fill": _colour(fill.fgColor) if fill.fill_type == "solid" else None,
            "align": [bool(align.wrap_text), align.vertical, align.horizontal, align.indent],
            "border": [
                [side.style, _colour(side.color) if side.color else None]
                for side in (border.left, border.right, border.top, border.bottom)
            ],
            "locked": cell.protection.locked,
        },
        sort_keys=True,
    )


PROTECTION = [
    "sheet",
    "objects",
    "scenarios",
    "formatCells",
    "formatColumns",
    "formatRows",
    "insertColumns",
    "insertRows",
    "insertHyperlinks",
    "deleteColumns",
    "deleteRows",
    "selectLockedCells",
    "selectUnlockedCells",
    "sort",
    "autoFilter",
    "pivotTables",
]
VALIDATION = [
    "type",
    "operator",
    "formula1",
    "formula2",
    "allow_blank",
    "showErrorMessage",
    "showInputMessage",
    "errorStyle",
    "error",
    "errorTitle",
    "prompt",
    "promptTitle",
]


def _sheet(ws: Worksheet, styles: dict[str, int]) -> dict[str, Any]:
    cells = {
        c.coordinate: [_plain(c.value), c.data_type, styles.setdefault(_style(c), len(styles))]
        for row in ws.iter_rows()
        for c in row
        if c.value is not None or (c.has_style and c.style_id != 0)
    }
    validations = sorted(
        [str(v.sqref), *[_plain(getattr(v, key)) for key in VALIDATION]]
        for v in ws.data_validations.dataValidation
    )
    setup = ws.page_setup
    return {
        "state": ws.sheet_state,
        "cells": cells,
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "comments": {
            c.coordinate: [c.comment.text, c.comment.author]
            for row in ws.iter_rows()
            for c in row
            if c.comment is not None
        },
        "validations": validations,
        "protection": {key: bool(getattr(ws.protection, key)) for key in PROTECTION},
        "password": ws.protection.password,
        "freeze": ws.freeze_panes,
        "filter": ws.auto_filter.ref,
        "print": {
            "orientation": setup.orientation,
            "paper": int(setup.paperSize) if setup.paperSize is not None else None,
            "fit": [
                setup.fitToWidth,
                setup.fitToHeight,
                getattr(ws.sheet_properties.pageSetUpPr, "fitToPage", None),
            ],
            "titles": ws.print_title_rows,
        },
        "gridlines": ws.sheet_view.showGridLines,
        "widths": {k: round(v.width, 2) for k, v in sorted(ws.column_dimensions.items()) if v.customWidth},
        "heights": {str(k): v.height for k, v in sorted(ws.row_dimensions.items()) if v.height is not None},
        "local_names": sorted((name, str(d.attr_text)) for name, d in ws.defined_names.items()),
    }


def dump(path: Path) -> dict[str, Any]:
    """Everything a reader of the workbook at `path` sees, as plain JSON-able data."""
    wb = openpyxl.load_workbook(path)
    props = wb.properties
    styles: dict[str, int] = {}  # each distinct look once; cells give [value, data type, look number]
    sheets = {ws.title: _sheet(ws, styles) for ws in wb.worksheets}
    return {
        "tabs": wb.sheetnames,
        "looks": [json.loads(look) for look in styles],
        "sheets": sheets,
        "names": sorted((name, str(d.attr_text)) for name, d in wb.defined_names.items()),
        "properties": {"creator": props.creator, "title": props.title, "created": _plain(props.created)},
        "custom": [[p.name, _plain(p.value)] for p in wb.custom_doc_props.props],
    }


def dumps(path: Path) -> str:
    """The dump as text: one line per cell, per look and per setting, for readable diffs."""
    text = json.dumps(dump(path), ensure_ascii=False, indent=1, sort_keys=True)
    # a cell's [value, type, look] and a look's short lists on one line each
    return (
        re.sub(
            r"\[\n\s*([^\[\]{}]*?)\n\s*\]",
            lambda m: "[" + " ".join(part.strip() for part in m.group(1).split("\n")) + "]",
            text,
        )
        + "\n"
    )
