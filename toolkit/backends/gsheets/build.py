"""One `spreadsheets.create` body carrying a whole copy: the Google twin of `backends/xlsx.py`.

Pure: a `WorkbookSpec` (layout, copy identity, cover lines, people, values, extra tabs) in,
a JSON-ready dict out, with field names from Google's Sheets v4 discovery document. The single
create carries the properties (title, locale, time zone), every tab with its cells
(`userEnteredValue`, `userEnteredFormat`, notes, `dataValidation`), column widths and row
heights, frozen rows, merges, protected ranges and the spreadsheet-level developer metadata, so
building a copy costs one Sheets write request.

Differences from the .xlsx copy, forced by Google Sheets:
- the label column is not frozen: Sheets refuses to freeze part of a merged cell, and the title,
  description and hint rows are merged across the table (the header rows are frozen);
- protection is one protected range per tab (the whole tab) with the input cells as
  `unprotectedRanges`; the editors are named explicitly (the identity that builds the copy and the
  coordinator) with `domainUsersCanEdit: false`, so nobody else, not even someone in the
  coordinator's Workspace domain, may edit the rest. Partners, who are writers of their copy, can
  still type in the input cells but cannot insert rows in open worksheets (Excel allows that);
- text input cells have the plain-text number format, so Sheets keeps "1-2" as typed instead of
  making a date of it;
- a cell holds at most 50,000 characters (Google refuses the whole request otherwise): a longer
  text is cut with a mark naming where the rest is, and kept whole, in parts, on a "Texte
  intégral" / "Full text" tab;
- the metadata tab is `hidden` (Sheets has no "very hidden") and protected;
- people, choice and yes/no lists follow the Excel rule (inline up to 255 characters, else a
  range on the hidden lists tab), so a copy downloaded as .xlsx keeps working in Excel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from ...cells import column_letter
from ...cover import Line
from ...i18n import word
from ...layout import DESCRIPTION_ROW, HINT_ROW, TITLE_ROW, SheetLayout
from ...metadata import METADATA_TAB, properties, records
from ...spec import ExtraTab, WorkbookSpec
from ...style import (
    ACCENT,
    DEFAULT_WIDTHS,
    GREY,
    HEADER_FILL,
    INLINE_LIST_LIMIT,
    INPUT_FILL,
    LABEL_FILL,
    LONG_ROW_HEIGHT,
    SHORT_ROW_HEIGHT,
    WHITE,
)
from ...style import BORDER as BORDER_COLOUR
from ...templates import Column
from ...text import Language
from .messages import LONG_TEXT_HEADER, LONG_TEXT_MARK, LONG_TEXT_TAB

JSON = dict[str, Any]

SHEETS_EPOCH = dt.date(1899, 12, 30)
DATE_PATTERN = "yyyy-mm-dd"
HEADER_HEIGHT_PT = 45
DEBRIEF_HEIGHT_PT = 60
EXTRA_ROWS = 20  # empty rows left below each table
EXTRA_COLUMNS = 2
NUMBER_LIMIT = "1000000000000000"  # same bounds as the .xlsx copy, written without exponent or decimals


# Sheet ids are fixed so ranges can refer to tabs inside the same create body.
COVER_ID = 0
FIRST_WORKSHEET_ID = 1
LISTS_ID = 900
METADATA_ID = 999
FIRST_EXTRA_ID = 500
LONG_TEXT_ID = 950
CELL_LIMIT = 50_000  # characters Google accepts in one cell
PART_SIZE = 45_000  # characters per part on the full-text tab


def spreadsheet_body(
    spec: WorkbookSpec,
    *,
    title: str,
    locale: str,
    time_zone: str,
    editors: Sequence[str] = (),
) -> JSON:
    """The `spreadsheets.create` request body for one copy (or the master)."""
    language = spec.layout.language
    lists = _Lists(language)
    sheets: list[JSON] = [_cover_sheet(spec.cover, language, editors)]
    for index, sheet in enumerate(spec.layout.sheets):
        sheets.append(_worksheet_sheet(sheet, spec, FIRST_WORKSHEET_ID + index, lists, editors))
    for index, tab in enumerate(spec.extra_tabs):
        sheets.append(_extra_sheet(tab, FIRST_EXTRA_ID + index, editors))
    if lists.columns:
        sheets.append(lists.sheet(editors))
    long_texts = _spill_long_texts(sheets, language)
    if long_texts is not None:
        sheets.append(long_texts)
    sheets.append(_metadata_sheet(records(spec.info, spec.layout), editors))
    for index, sheet_body in enumerate(sheets):
        sheet_body["properties"]["index"] = index
    return {
        "properties": {"title": title, "locale": locale, "timeZone": time_zone},
        "sheets": sheets,
        "developerMetadata": [
            {
                "metadataKey": key,
                "metadataValue": value,
                "location": {"spreadsheet": True},
                "visibility": "DOCUMENT",
            }
            for key, value in properties(spec.info, spec.layout).items()
        ],
    }


# --- values and formats --------------------------------------------------------------------------


def date_serial(day: dt.date) -> int:
    """Days since Sheets' epoch (1899-12-30), the number a date cell holds."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return (day - SHEETS_EPOCH).days


def cell_value(value: object) -> JSON | None:
    """`userEnteredValue` for a value: text is always `stringValue`, never a formula."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, dt.date):
        return {"numberValue": date_serial(value)}
    if isinstance(value, int | float):
        return {"numberValue": value}
    return {"stringValue": str(value)}


def colour(hex_rgb: str) -> JSON:
    return {
        "rgbColor": {
            "red": int(hex_rgb[0:2], 16) / 255,
            "green": int(hex_rgb[2:4], 16) / 255,
            "blue": int(hex_rgb[4:6], 16) / 255,
        }
    }


def _border() -> JSON:
    side = {"style": "SOLID", "colorStyle": colour(BORDER_COLOUR)}
    return {"top": side, "bottom": side, "left": side, "right": side}


def _format(
    *,
    fill: str | None = None,
    bold: bool = False,
    italic: bool = False,
    size: int | None = None,
    colour_hex: str | None = None,
    horizontal: str | None = None,
    vertical: str = "TOP",
    border: bool = False,
    date: bool = False,
    plain_text: bool = False,
) -> JSON:
    text: JSON = {}
    if bold:
        text["bold"] = True
    if italic:
        text["italic"] = True
    if size:
        text["fontSize"] = size
    if colour_hex:
        text["foregroundColorStyle"] = colour(colour_hex)
    fmt: JSON = {"wrapStrategy": "WRAP", "verticalAlignment": vertical}
    if text:
        fmt["textFormat"] = text
    if fill:
        fmt["backgroundColorStyle"] = colour(fill)
    if horizontal:
        fmt["horizontalAlignment"] = horizontal
    if border:
        fmt["borders"] = _border()
    if date:
        fmt["numberFormat"] = {"type": "DATE", "pattern": DATE_PATTERN}
    elif plain_text:  # what a partner types stays text ("1-2" is not a date)
        fmt["numberFormat"] = {"type": "TEXT"}
    return fmt


def _cell(value: object = None, fmt: JSON | None = None, **extra: Any) -> JSON:
    cell: JSON = {}
    entered = cell_value(value)
    if entered is not None:
        cell["userEnteredValue"] = entered
        if isinstance(value, dt.date) and not (fmt and "numberFormat" in fmt):
            fmt = {**(fmt or {}), "numberFormat": {"type": "DATE", "pattern": DATE_PATTERN}}
    if fmt:
        cell["userEnteredFormat"] = fmt
    cell.update(extra)
    return cell


def pixels_for_width(width: float) -> int:
    """Excel column width (characters) to pixels."""
    return round(width * 7 + 5)


def pixels_for_points(points: float) -> int:
    return round(points * 4 / 3)


def text_height(text: str, width_chars: float) -> float:
    """Row height in points that shows wrapped text whole (as the .xlsx writer estimates it)."""
    lines = sum(max(1, -(-len(part) // int(width_chars * 1.1))) for part in text.split("\n"))
    return max(18, 15 * lines + 3)


def grid_range(
    sheet_id: int, row: int, col: int, last_row: int | None = None, last_col: int | None = None
) -> JSON:
    """A GridRange from 1-based inclusive cell coordinates."""
    return {
        "sheetId": sheet_id,
        "startRowIndex": row - 1,
        "endRowIndex": last_row or row,
        "startColumnIndex": col - 1,
        "endColumnIndex": last_col or col,
    }


def _protection(
    sheet_id: int, description: str, editors: Sequence[str], unprotected: Iterable[JSON] = ()
) -> JSON:
    protected: JSON = {
        "range": {"sheetId": sheet_id},
        "description": description,
        "warningOnly": False,
        # explicit: left unsaid, the domain's default could let anyone in the domain edit
        "editors": {"users": list(editors), "domainUsersCanEdit": False},
    }
    ranges = list(unprotected)
    if ranges:
        protected["unprotectedRanges"] = ranges
    return protected


class _Grid:
    """Cells of one tab by 1-based (row, column), turned into `rowData` at the end."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], JSON] = {}
        self.heights: dict[int, float] = {}

    def put(self, row: int, col: int, cell: JSON) -> None:
        self.cells[(row, col)] = cell

    def row_data(self) -> list[JSON]:
        if not self.cells:
            return []
        last_row = max(r for r, _ in self.cells)
        last_col = max(c for _, c in self.cells)
        return [
            {"values": [self.cells.get((r, c), {}) for c in range(1, last_col + 1)]}
            for r in range(1, last_row + 1)
        ]

    def size(self) -> tuple[int, int]:
        return (max((r for r, _ in self.cells), default=1), max((c for _, c in self.cells), default=1))

    def row_metadata(self) -> list[JSON]:
        last = max(self.heights, default=0)
        return [
            {"pixelSize": pixels_for_points(self.heights[r])} if r in self.heights else {}
            for r in range(1, last + 1)
        ]


def _sheet(
    sheet_id: int,
    title: str,
    grid: _Grid,
    widths: Sequence[float],
    *,
    hidden: bool = False,
    frozen_rows: int = 0,
    hide_gridlines: bool = False,
    rows: int | None = None,
    columns: int | None = None,
) -> JSON:
    used_rows, used_cols = grid.size()
    grid_props: JSON = {
        "rowCount": max(rows or 0, used_rows),
        "columnCount": max(columns or 0, used_cols, len(widths), 1),
    }
    if frozen_rows:
        grid_props["frozenRowCount"] = frozen_rows
    if hide_gridlines:
        grid_props["hideGridlines"] = True
    props: JSON = {"sheetId": sheet_id, "title": title, "sheetType": "GRID", "gridProperties": grid_props}
    if hidden:
        props["hidden"] = True
    data: JSON = {"startRow": 0, "startColumn": 0, "rowData": grid.row_data()}
    if widths:
        data["columnMetadata"] = [{"pixelSize": pixels_for_width(w)} for w in widths]
    if grid.heights:
        data["rowMetadata"] = grid.row_metadata()
    return {"properties": props, "data": [data]}


# --- tabs ------------------------------------------------------------------------------------------


def _cover_sheet(lines: Sequence[Line], language: Language, editors: Sequence[str]) -> JSON:
    styles = {
        "title": _format(bold=True, size=16),
        "heading": _format(bold=True, size=13, colour_hex=ACCENT),
        "subheading": _format(bold=True, italic=True),
        "field": _format(bold=True),
        "text": _format(),
        "bullet": {**_format(), "padding": {"left": 12}},
    }
    grid = _Grid()
    row = 0
    for line in lines:
        row += 2 if line.style == "heading" else 1
        grid.put(row, 1, _cell(line.text, styles[line.style]))
        grid.heights[row] = text_height(line.text, 68)
    sheet = _sheet(COVER_ID, word("readme_tab", language), grid, [72], hide_gridlines=True)
    sheet["protectedRanges"] = [_protection(COVER_ID, "toolkit: cover", editors)]
    return sheet


def _worksheet_sheet(
    sheet: SheetLayout, spec: WorkbookSpec, sheet_id: int, lists: _Lists, editors: Sequence[str]
) -> JSON:
    language = spec.layout.language
    worksheet = sheet.worksheet
    widths = [c.width or DEFAULT_WIDTHS[c.type] for c in worksheet.columns]
    grid = _Grid()
    merges: list[JSON] = []
    banners = (
        (TITLE_ROW, worksheet.title(language), _format(bold=True, size=14, colour_hex=ACCENT), 22.0),
        (
            DESCRIPTION_ROW,
            worksheet.description(language),
            _format(),
            text_height(worksheet.description(language), sum(widths)),
        ),
        # a master is read, not filled: it says what it holds instead of asking to fill it
        (
            HINT_ROW,
            word("master_hint" if spec.reading else "sheet_hint", language),
            _format(italic=True, colour_hex=GREY),
            22.0,
        ),
    )
    for row, text, fmt, height in banners:
        grid.put(row, 1, _cell(text, fmt))
        grid.heights[row] = height
        if sheet.width > 1:
            merges.append(grid_range(sheet_id, row, 1, row, sheet.width))

    header = _format(
        bold=True, colour_hex=WHITE, fill=HEADER_FILL, horizontal="CENTER", vertical="MIDDLE", border=True
    )
    for column in worksheet.columns:
        grid.put(sheet.header_row, sheet.column_index(column.id), _cell(column.header(language), header))
    grid.heights[sheet.header_row] = HEADER_HEIGHT_PT

    labels = {r.id: r for r in worksheet.rows}
    has_long = any(c.type == "long_text" for c in worksheet.input_columns)
    label_format = _format(bold=True, fill=LABEL_FILL, border=True)
    for row_id, row in sheet.rows:
        grid.heights[row] = LONG_ROW_HEIGHT if has_long else SHORT_ROW_HEIGHT
        if row_id in labels:
            label = labels[row_id]
            note = {"note": label.note(language)} if label.note else {}
            grid.put(row, 1, _cell(label.label(language), label_format, **note))

    unprotected = _debrief(grid, merges, sheet, language, sheet_id)

    validations = {c.id: _validation(c, spec.people, language, lists) for c in worksheet.input_columns}
    table_rows = {row for _, row in sheet.rows}
    types = {c.id: c.type for c in worksheet.columns}
    for row_id, column_id, row, col in sheet.input_cells():
        kind = types.get(column_id, "text") if row in table_rows else "long_text"  # debrief answers: text
        rule = validations.get(column_id) if row in table_rows else None
        extra: JSON = {"dataValidation": rule} if rule is not None else {}
        value = spec.values.get((worksheet.id, row_id, column_id))
        fmt = _format(
            fill=INPUT_FILL, border=True, date=kind == "date", plain_text=kind not in ("date", "number")
        )
        grid.put(row, col, _cell(value, fmt, **extra))

    first, last = sheet.rows[0][1], sheet.rows[-1][1]
    for column in worksheet.input_columns:
        col = sheet.column_index(column.id)
        unprotected.append(grid_range(sheet_id, first, col, last, col))

    body = _sheet(
        sheet_id,
        sheet.tab,
        grid,
        widths,
        frozen_rows=sheet.header_row,
        rows=sheet.last_row + EXTRA_ROWS,
        columns=sheet.width + EXTRA_COLUMNS,
    )
    body["merges"] = merges
    body["protectedRanges"] = [_protection(sheet_id, f"toolkit: {worksheet.id}", editors, unprotected)]
    return body


def _debrief(
    grid: _Grid, merges: list[JSON], sheet: SheetLayout, language: Language, sheet_id: int
) -> list[JSON]:
    """Debrief heading and questions; returns the answer cells to leave unprotected."""
    if sheet.debrief_heading_row is None:
        return []
    grid.put(
        sheet.debrief_heading_row,
        1,
        _cell(word("debrief", language), _format(bold=True, size=12, colour_hex=ACCENT)),
    )
    questions = {q.id: q for q in sheet.worksheet.debrief}
    answers = []
    last_col = max(sheet.width, sheet.answer_column)
    for question_id, row in sheet.debrief:
        grid.put(row, 1, _cell(questions[question_id].text(language), _format(italic=True, border=True)))
        grid.heights[row] = DEBRIEF_HEIGHT_PT
        if sheet.width > sheet.answer_column:
            merges.append(grid_range(sheet_id, row, sheet.answer_column, row, last_col))
        answers.append(grid_range(sheet_id, row, sheet.answer_column, row, last_col))
    return answers


def _extra_sheet(tab: ExtraTab, sheet_id: int, editors: Sequence[str] = ()) -> JSON:
    grid = _Grid()
    header = _format(bold=True, colour_hex=WHITE, fill=HEADER_FILL)
    for col, text in enumerate(tab.header, start=1):
        grid.put(1, col, _cell(text, header))
    for row, values in enumerate(tab.rows, start=2):
        for col, value in enumerate(values, start=1):
            if cell_value(value) is not None:
                grid.put(row, col, _cell(value, _format(date=isinstance(value, dt.date))))
    body = _sheet(sheet_id, tab.title, grid, tab.widths, frozen_rows=1, columns=len(tab.header))
    body["basicFilter"] = {"range": grid_range(sheet_id, 1, 1, max(1, len(tab.rows) + 1), len(tab.header))}
    if tab.read_only:  # e.g. the other partners' answers: partners read them, only editors change them
        body["protectedRanges"] = [_protection(sheet_id, f"toolkit: {tab.title}", editors)]
    return body


def _spill_long_texts(sheets: Sequence[JSON], language: Language) -> JSON | None:
    """Cut every text over Google's cell limit, with a mark; the full texts, in parts, on a new tab."""
    rows: list[tuple[str, ...]] = []
    for sheet in sheets:
        title = sheet["properties"]["title"]
        for data in sheet.get("data", []):
            for r, row in enumerate(data.get("rowData", []), start=data.get("startRow", 0) + 1):
                for c, cell in enumerate(row.get("values", []), start=data.get("startColumn", 0) + 1):
                    text = cell.get("userEnteredValue", {}).get("stringValue")
                    if text is None or len(text) <= CELL_LIMIT:
                        continue
                    ref = f"{column_letter(c)}{r}"
                    mark = LONG_TEXT_MARK(language).format(cell=f"{title}!{ref}")
                    cell["userEnteredValue"] = {"stringValue": text[: CELL_LIMIT - len(mark)] + mark}
                    parts = [text[i : i + PART_SIZE] for i in range(0, len(text), PART_SIZE)]
                    rows += [(title, ref, f"{n}/{len(parts)}", part) for n, part in enumerate(parts, 1)]
    if not rows:
        return None
    header = [h(language) for h in LONG_TEXT_HEADER]
    return _extra_sheet(
        ExtraTab(LONG_TEXT_TAB(language), tuple(header), tuple(rows), (24, 10, 8, 100)), LONG_TEXT_ID
    )


def _metadata_sheet(rows: Sequence[Sequence[str]], editors: Sequence[str]) -> JSON:
    grid = _Grid()
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            grid.put(r, c, {"userEnteredValue": {"stringValue": value}})
    body = _sheet(METADATA_ID, METADATA_TAB, grid, (), hidden=True)
    body["protectedRanges"] = [_protection(METADATA_ID, "toolkit: metadata", editors)]
    return body


# --- dropdowns and validation ----------------------------------------------------------------------


class _Lists:
    """Dropdown sources: inline when Excel could keep them inline, else a column of a hidden tab."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.columns: dict[tuple[str, ...], int] = {}

    @property
    def title(self) -> str:
        return word("lists_tab", self.language)

    def condition(self, items: Sequence[str]) -> JSON:
        units = sum(len(i.encode("utf-16-le")) // 2 for i in items) + len(items) - 1
        if units <= INLINE_LIST_LIMIT and not any("," in i or '"' in i for i in items):
            return {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": i} for i in items]}
        key = tuple(items)
        col = self.columns.setdefault(key, len(self.columns) + 1)
        letter = column_letter(col)
        ref = f"='{self.title}'!${letter}$1:${letter}${len(items)}"
        return {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": ref}]}

    def sheet(self, editors: Sequence[str]) -> JSON:
        grid = _Grid()
        for items, col in self.columns.items():
            for row, item in enumerate(items, start=1):
                grid.put(row, col, {"userEnteredValue": {"stringValue": item}})
        body = _sheet(LISTS_ID, self.title, grid, (), hidden=True)
        body["protectedRanges"] = [_protection(LISTS_ID, "toolkit: lists", editors)]
        return body


def _validation(column: Column, people: Sequence[str], language: Language, lists: _Lists) -> JSON | None:
    """A `DataValidationRule`: warning-only for people, strict for choices, yes/no, dates and numbers."""

    def w(key: str) -> str:
        return word(key, language)

    if column.type == "person":
        if not people:
            return None
        condition = lists.condition(list(people))
        return {
            "condition": condition,
            "inputMessage": w("person_prompt"),
            "strict": False,
            "showCustomUi": True,
        }
    if column.type in ("choice", "yes_no"):
        items = [c(language) for c in column.choices] if column.type == "choice" else [w("yes"), w("no")]
        condition = lists.condition(items)
        return {
            "condition": condition,
            "inputMessage": w("choice_error"),
            "strict": True,
            "showCustomUi": True,
        }
    if column.type == "date":
        return {"condition": {"type": "DATE_IS_VALID"}, "inputMessage": w("date_prompt"), "strict": True}
    if column.type == "number":
        bounds = [{"userEnteredValue": f"-{NUMBER_LIMIT}"}, {"userEnteredValue": NUMBER_LIMIT}]
        return {
            "condition": {"type": "NUMBER_BETWEEN", "values": bounds},
            "inputMessage": w("number_error"),
            "strict": True,
        }
    return None
