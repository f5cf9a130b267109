"""Read a live Google spreadsheet into a RawWorkbook with one Sheets read request.

`spreadsheets.get` with `includeGridData=true` and a field mask brings every tab's title,
visibility and position, each cell's value (effective, formatted, and as entered, to spot
formulas), each cell's number format type (to recognise dates) and the spreadsheet-level
developer metadata, in one request. The modification time comes from Drive (`files.get`,
one Drive read, no Sheets request); pass `modified=False` to skip it.

Values come out as python-calamine gives them for an .xlsx: str, int/float, bool,
`datetime.date` for date cells (`datetime.datetime` for date-times), '' for empty cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from gspread import Client
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from ...errors import SourceError
from ...rawbook import RawSheet, RawWorkbook
from ...screening import MAX_ROWS
from .build import SHEETS_EPOCH
from .drive import modified_time
from .http import SHEETS_API, http_of
from .sources import spreadsheet_id, spreadsheet_url

CELL_FIELDS = "userEnteredValue,effectiveValue,formattedValue,effectiveFormat/numberFormat/type"
FIELDS = (
    "spreadsheetId,properties/title,"
    "developerMetadata(metadataKey,metadataValue,location/locationType),"
    "sheets(properties(sheetId,title,hidden,index,sheetType),"
    f"data(startRow,startColumn,rowData/values({CELL_FIELDS})))"
)
DATE_TYPES = frozenset({"DATE", "DATE_TIME"})


def read_spreadsheet(source: str, client: Client | HTTPClient, *, modified: bool = True) -> RawWorkbook:
    """One Google spreadsheet (URL, `gsheets:<id>` or id) as plain values; SourceError if unreadable."""
    found = spreadsheet_id(source)
    if found is None:
        raise SourceError(source, "not_found", "not a Google spreadsheet URL or id")
    name = spreadsheet_url(found)
    http = http_of(client)
    try:
        response = http.request(
            "get", f"{SHEETS_API}/{found}", params={"includeGridData": "true", "fields": FIELDS}
        )
        data = response.json()
    except APIError as exc:
        if exc.code in (403, 404):
            raise SourceError(
                name, "not_found", "spreadsheet missing or not shared with the coordinator's account"
            ) from None
        if exc.code == 400:
            raise SourceError(name, "not_found", "not a spreadsheet id Google knows") from None
        raise SourceError(name, "corrupt", f"Google answered {exc.code}") from None
    except ValueError:
        raise SourceError(name, "corrupt", "Google's answer is not JSON") from None
    workbook = parse_spreadsheet(name, data)
    if modified:
        workbook = RawWorkbook(
            workbook.source, workbook.sheets, workbook.properties, modified_time(http, found)
        )
    return workbook


def parse_spreadsheet(source: str, data: Mapping[str, Any]) -> RawWorkbook:
    """A `spreadsheets.get` answer (with grid data) as a RawWorkbook."""
    try:
        sheets = sorted(data.get("sheets", []), key=lambda s: s.get("properties", {}).get("index", 0))
        raw_sheets = tuple(_sheet(source, s) for s in sheets if _is_grid(s))
        props = {
            str(m["metadataKey"]): str(m.get("metadataValue", ""))
            for m in data.get("developerMetadata", [])
            if m.get("location", {}).get("locationType", "SPREADSHEET") == "SPREADSHEET"
        }
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise SourceError(
            source, "corrupt", f"unexpected answer from Google ({type(exc).__name__})"
        ) from None
    return RawWorkbook(source, raw_sheets, props, None)


def _is_grid(sheet: Mapping[str, Any]) -> bool:
    return bool(sheet.get("properties", {}).get("sheetType", "GRID") == "GRID")


def _sheet(source: str, sheet: Mapping[str, Any]) -> RawSheet:
    props = sheet["properties"]
    rows: dict[int, dict[int, object]] = {}
    formulas: dict[tuple[int, int], str] = {}  # as typed: quoted to the partner, never used
    for grid in sheet.get("data", []):
        start_row, start_col = int(grid.get("startRow", 0)), int(grid.get("startColumn", 0))
        row_data: Sequence[Mapping[str, Any]] = grid.get("rowData", [])
        if len(row_data) + start_row > MAX_ROWS:
            raise SourceError(
                source, "too_large", f"{props.get('title', '')} has more than {MAX_ROWS:,} rows"
            )
        for r, row in enumerate(row_data, start=start_row + 1):
            for c, cell in enumerate(row.get("values", []), start=start_col + 1):
                value = cell_value(cell)
                if "formulaValue" in cell.get("userEnteredValue", {}):
                    formulas[(r, c)] = str(cell["userEnteredValue"]["formulaValue"])
                if value != "":
                    rows.setdefault(r, {})[c] = value
    return RawSheet(
        name=str(props.get("title", "")),
        visible=not props.get("hidden", False),
        cells={(r, c): value for r, cells in rows.items() for c, value in cells.items()},
        formulas=formulas,
    )


def cell_value(cell: Mapping[str, Any]) -> object:
    """A CellData's shown value, typed the way python-calamine types .xlsx cells."""
    value = cell.get("effectiveValue")
    if not value:
        return ""
    if "stringValue" in value:
        return str(value["stringValue"])
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "numberValue" in value:
        number = float(value["numberValue"])
        kind = cell.get("effectiveFormat", {}).get("numberFormat", {}).get("type")
        if kind in DATE_TYPES:
            return from_serial(number, with_time=kind == "DATE_TIME")
        if kind == "TIME":
            return (dt.datetime.min + dt.timedelta(days=number % 1)).time()
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if "errorValue" in value:
        return str(cell.get("formattedValue") or value["errorValue"].get("type", "#ERROR!"))
    return str(cell.get("formattedValue", ""))


def from_serial(serial: float, *, with_time: bool = False) -> dt.date | dt.datetime:
    """A Sheets date serial (days since 1899-12-30) as a date, or a datetime when it has a time part."""
    moment = dt.datetime.combine(SHEETS_EPOCH, dt.time()) + dt.timedelta(days=serial)
    if with_time and moment.time() != dt.time():
        return moment.replace(microsecond=0)
    return moment.date()
