"""In-memory spreadsheets: state, spreadsheets.create / get, the values API and developer metadata search."""

from __future__ import annotations

import copy
import random
import string
from dataclasses import dataclass, field
from typing import Any

from . import a1, cells
from .instrument import ApiError

DEFAULT_ROWS, DEFAULT_COLS = 1000, 26
ROW_PX, COL_PX = 21, 100
PROTECTED_MESSAGE = (
    "You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove "
    "protection if you need to edit."
)
_WRITABLE_CELL_FIELDS = ("userEnteredValue", "userEnteredFormat", "note", "textFormatRuns", "dataValidation")
CELL_LIMIT = 50_000
TOO_LONG = f"Your input contains more than the maximum of {CELL_LIMIT} characters in a single cell."
DOMAIN_DEFAULT = "_domainDefault"  # internal: a protection that left domainUsersCanEdit unsaid


def check_length(entered: dict[str, Any] | None, where: str = "") -> None:
    """Sheets refuses a cell holding more than 50,000 characters (the whole request fails)."""
    for key in ("stringValue", "formulaValue"):
        if entered and len(str(entered.get(key, ""))) > CELL_LIMIT:
            raise ApiError(400, f"{where}{TOO_LONG}")


@dataclass
class SheetState:
    properties: dict[str, Any]
    cells: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    row_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    col_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)
    merges: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # conditionalFormats, basicFilter...: stored as given

    @property
    def sheet_id(self) -> int:
        return int(self.properties["sheetId"])

    @property
    def title(self) -> str:
        return str(self.properties["title"])

    @property
    def rows(self) -> int:
        return int(self.properties["gridProperties"]["rowCount"])

    @property
    def cols(self) -> int:
        return int(self.properties["gridProperties"]["columnCount"])


@dataclass
class SpreadsheetState:
    spreadsheet_id: str
    properties: dict[str, Any]
    sheets: list[SheetState] = field(default_factory=list)
    named_ranges: list[dict[str, Any]] = field(default_factory=list)
    developer_metadata: list[dict[str, Any]] = field(default_factory=list)  # every location
    extra: dict[str, Any] = field(default_factory=dict)

    # -- lookups ------------------------------------------------------------------------------
    def sheet(self, sheet_id: int, where: str = "") -> SheetState:
        for sheet in self.sheets:
            if sheet.sheet_id == int(sheet_id):
                return sheet
        raise ApiError(400, f"{where}No grid with id: {sheet_id}")

    def sheet_by_title(self, title: str) -> SheetState | None:
        for sheet in self.sheets:
            if sheet.title.casefold() == title.casefold():
                return sheet
        return None

    def reindex(self) -> None:
        for i, sheet in enumerate(self.sheets):
            sheet.properties["index"] = i

    @property
    def locale(self) -> str:
        return str(self.properties.get("locale", "en_US"))

    # -- A1 ---------------------------------------------------------------------------------------
    def resolve(self, text: str) -> tuple[SheetState, a1.Span | None]:
        """An A1 range or named range -> (sheet, span or None for the whole sheet)."""
        try:
            title, cells_part = a1.split_sheet(text)
        except a1.A1Error:
            raise ApiError(400, f"Unable to parse range: {text}") from None
        if title is None and cells_part is not None:
            whole = self.sheet_by_title(cells_part)
            if whole is not None:
                return whole, None
            for named in self.named_ranges:
                if named["name"].casefold() == cells_part.casefold():
                    grid = named["range"]
                    return self.sheet(grid.get("sheetId", 0)), a1.grid_span(grid)
            if not a1.looks_like_cells(cells_part):
                raise ApiError(400, f"Unable to parse range: {text}")
            return self.sheets[0], a1.parse_cells(cells_part)
        sheet = self.sheet_by_title(title or "")
        if sheet is None:
            raise ApiError(400, f"Unable to parse range: {text}")
        if cells_part is None or cells_part == "":
            return sheet, None
        try:
            return sheet, a1.parse_cells(cells_part)
        except a1.A1Error:
            raise ApiError(400, f"Unable to parse range: {text}") from None

    def grid_range(
        self, grid: dict[str, Any], where: str = ""
    ) -> tuple[SheetState, tuple[int, int, int, int]]:
        sheet = self.sheet(grid.get("sheetId", 0), where)
        bounds = a1.bounded(a1.grid_span(grid), sheet.rows, sheet.cols)
        check_limits(sheet, bounds, where)
        return sheet, bounds


def check_limits(sheet: SheetState, bounds: tuple[int, int, int, int], where: str = "") -> None:
    r0, r1, c0, c1 = bounds
    if r0 < 0 or c0 < 0 or r1 > sheet.rows or c1 > sheet.cols or r1 < r0 or c1 < c0:
        label = a1.format_range(sheet.title, r0, max(r1, r0 + 1), c0, max(c1, c0 + 1))
        raise ApiError(
            400,
            f"{where}Range ({label}) exceeds grid limits. Max rows: {sheet.rows}, max columns: {sheet.cols}",
        )


def new_id(rng: random.Random, length: int = 44) -> str:
    alphabet = string.ascii_letters + string.digits + "-_"
    return "1" + "".join(rng.choice(alphabet) for _ in range(length - 1))


def clean_cell(cell: dict[str, Any], where: str = "") -> dict[str, Any]:
    """Keep the writable parts of a CellData; check the userEnteredValue oneof."""
    entered = cell.get("userEnteredValue")
    if entered is not None and len(entered) > 1:
        raise ApiError(
            400, f"{where}Invalid value: only one of {sorted(entered)} may be set in userEnteredValue"
        )
    check_length(entered, where)
    out = {
        k: copy.deepcopy(cell[k]) for k in _WRITABLE_CELL_FIELDS if k in cell and cell[k] not in (None, {})
    }
    if "dataValidation" in out:
        check_rule(out["dataValidation"], where)
    return out


_ARITY = {
    "NUMBER_BETWEEN": (2, 2),
    "NUMBER_NOT_BETWEEN": (2, 2),
    "DATE_BETWEEN": (2, 2),
    "DATE_NOT_BETWEEN": (2, 2),
    "DATE_IS_VALID": (0, 0),
    "TEXT_IS_EMAIL": (0, 0),
    "TEXT_IS_URL": (0, 0),
    "BLANK": (0, 0),
    "NOT_BLANK": (0, 0),
    "ONE_OF_LIST": (1, 500),
    "ONE_OF_RANGE": (1, 1),
    "CUSTOM_FORMULA": (1, 1),
    "BOOLEAN": (0, 2),
}


def check_rule(rule: dict[str, Any], where: str = "") -> None:
    """DataValidationRule sanity as Sheets enforces it (condition required, value counts per type)."""
    condition = rule.get("condition")
    if not condition or "type" not in condition:
        raise ApiError(400, f"{where}Invalid DataValidationRule: a condition with a type is required")
    kind = condition["type"]
    values = condition.get("values", [])
    low, high = _ARITY.get(kind, (1, 1))
    if not low <= len(values) <= high:
        raise ApiError(
            400, f"{where}Invalid ConditionValue: {kind} takes {low}..{high} values, got {len(values)}"
        )
    if kind == "ONE_OF_RANGE" and not str(values[0].get("userEnteredValue", "")).startswith("="):
        raise ApiError(400, f"{where}Invalid ConditionValue: ONE_OF_RANGE needs a range starting with '='")


def can_edit_range(protected: dict[str, Any], user: str | None, owner: str) -> bool:
    if protected.get("warningOnly") or user == owner:
        return True
    editors = protected.get("editors", {})
    domain = editors.get(DOMAIN_DEFAULT)
    in_domain = bool(domain and user and user.lower().endswith("@" + str(domain).lower()))
    return user in editors.get("users", []) or bool(editors.get("domainUsersCanEdit")) or in_domain


def check_edit(
    sheet: SheetState, bounds: tuple[int, int, int, int], user: str | None, owner: str, where: str = ""
) -> None:
    """Refuse an edit of protected cells by someone who is not an editor of the protection."""
    r0, r1, c0, c1 = bounds
    edit = a1.Span(r0, r1, c0, c1)
    for protected in sheet.protected_ranges:
        if can_edit_range(protected, user, owner) or "range" not in protected:
            continue
        span = a1.grid_span(protected["range"])
        if not a1.spans_intersect(span, edit):
            continue
        holes = [a1.grid_span(u) for u in protected.get("unprotectedRanges", [])]
        pr0, pr1, pc0, pc1 = a1.bounded(span, sheet.rows, sheet.cols)
        for row in range(max(r0, pr0), min(r1, pr1)):
            for col in range(max(c0, pc0), min(c1, pc1)):
                if not any(a1.span_contains(h, row, col) for h in holes):
                    raise ApiError(400, f"{where}{PROTECTED_MESSAGE}")


def check_structure(sheet: SheetState, user: str | None, owner: str, where: str = "") -> None:
    """Structural changes of a protected sheet (insert/delete rows, delete the sheet) need an editor."""
    for protected in sheet.protected_ranges:
        if not can_edit_range(protected, user, owner) and protected.get("range") is not None:
            raise ApiError(400, f"{where}{PROTECTED_MESSAGE}")


# -- developer metadata -------------------------------------------------------------------------------
def metadata_location_type(location: dict[str, Any]) -> str:
    if location.get("spreadsheet"):
        return "SPREADSHEET"
    if "dimensionRange" in location:
        return "ROW" if location["dimensionRange"].get("dimension") == "ROWS" else "COLUMN"
    if "sheetId" in location:
        return "SHEET"
    raise ApiError(400, "Developer metadata location must specify a spreadsheet, sheet or dimension range")


def render_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(meta)
    out["location"]["locationType"] = metadata_location_type(meta["location"])
    return out


def _location_matches(meta_loc: dict[str, Any], wanted: dict[str, Any], strategy: str) -> bool:
    meta_type = metadata_location_type(meta_loc)
    if "spreadsheet" in wanted and wanted.get("spreadsheet"):
        return meta_type == "SPREADSHEET" or strategy == "INTERSECTING_LOCATION"
    if "sheetId" in wanted:
        if meta_type == "SHEET":
            return int(meta_loc["sheetId"]) == int(wanted["sheetId"])
        if meta_type in ("ROW", "COLUMN") and strategy == "INTERSECTING_LOCATION":
            return int(meta_loc["dimensionRange"].get("sheetId", 0)) == int(wanted["sheetId"])
        return False
    if "dimensionRange" in wanted:
        if meta_type not in ("ROW", "COLUMN"):
            return False
        a, b = meta_loc["dimensionRange"], wanted["dimensionRange"]
        same = bool(a.get("sheetId", 0) == b.get("sheetId", 0) and a.get("dimension") == b.get("dimension"))
        if strategy == "INTERSECTING_LOCATION":
            return same and int(max(a.get("startIndex", 0), b.get("startIndex", 0))) < min(
                a.get("endIndex", 1 << 40), b.get("endIndex", 1 << 40)
            )
        return same and (a.get("startIndex", 0), a.get("endIndex")) == (
            b.get("startIndex", 0),
            b.get("endIndex"),
        )
    return True


def _lookup_matches(meta: dict[str, Any], lookup: dict[str, Any]) -> bool:
    if "metadataId" in lookup and int(lookup["metadataId"]) != int(meta["metadataId"]):
        return False
    if "metadataKey" in lookup and lookup["metadataKey"] != meta.get("metadataKey"):
        return False
    if "metadataValue" in lookup and lookup["metadataValue"] != meta.get("metadataValue"):
        return False
    if "visibility" in lookup and lookup["visibility"] != meta.get("visibility"):
        return False
    if "locationType" in lookup and lookup["locationType"] != metadata_location_type(meta["location"]):
        return False
    if "metadataLocation" in lookup:
        strategy = lookup.get("locationMatchingStrategy", "EXACT_LOCATION")
        return _location_matches(meta["location"], lookup["metadataLocation"], strategy)
    return True


def match_filter(state: SpreadsheetState, data_filter: dict[str, Any]) -> list[dict[str, Any]]:
    """Developer metadata selected by one DataFilter."""
    if "developerMetadataLookup" in data_filter:
        lookup = data_filter["developerMetadataLookup"]
        if not lookup:
            raise ApiError(400, "Invalid dataFilter: the developer metadata lookup is empty")
        return [m for m in state.developer_metadata if _lookup_matches(m, lookup)]
    if "a1Range" in data_filter:
        sheet, span = state.resolve(data_filter["a1Range"])
    elif "gridRange" in data_filter:
        sheet = state.sheet(data_filter["gridRange"].get("sheetId", 0))
        span = a1.grid_span(data_filter["gridRange"])
    else:
        raise ApiError(400, "Invalid dataFilter: set one of developerMetadataLookup, a1Range, gridRange")
    out = []
    for meta in state.developer_metadata:
        loc = meta["location"]
        kind = metadata_location_type(loc)
        if kind == "SHEET" and int(loc["sheetId"]) == sheet.sheet_id and (span is None or span == a1.Span()):
            out.append(meta)
        elif kind in ("ROW", "COLUMN") and int(loc["dimensionRange"].get("sheetId", 0)) == sheet.sheet_id:
            dim = loc["dimensionRange"]
            start, end = dim.get("startIndex", 0), dim.get("endIndex", 1 << 40)
            s = span or a1.Span()
            lo, hi = (s.start_row, s.end_row) if kind == "ROW" else (s.start_col, s.end_col)
            if max(start, lo or 0) < min(end, hi if hi is not None else 1 << 40):
                out.append(meta)
    return out


# -- rendering ------------------------------------------------------------------------------------------
def render_cell(cell: dict[str, Any], locale: str) -> dict[str, Any]:
    out = copy.deepcopy(cell)
    out.update(cells.effective(cell, locale))
    if "userEnteredFormat" in cell:
        out["effectiveFormat"] = copy.deepcopy(cell["userEnteredFormat"])
    return out


def _dimension(
    meta: dict[int, dict[str, Any]],
    index: int,
    default_px: int,
    state: SpreadsheetState,
    sheet: SheetState,
    dimension: str,
) -> dict[str, Any]:
    out: dict[str, Any] = {"pixelSize": default_px, **copy.deepcopy(meta.get(index, {}))}
    attached = [
        render_metadata(m)
        for m in state.developer_metadata
        if metadata_location_type(m["location"]) == ("ROW" if dimension == "ROWS" else "COLUMN")
        and int(m["location"]["dimensionRange"].get("sheetId", 0)) == sheet.sheet_id
        and m["location"]["dimensionRange"].get("startIndex", 0) == index
    ]
    if attached:
        out["developerMetadata"] = attached
    return out


def grid_data(state: SpreadsheetState, sheet: SheetState, span: a1.Span | None) -> dict[str, Any]:
    r0, r1, c0, c1 = a1.bounded(span, sheet.rows, sheet.cols)
    r1, c1 = min(r1, sheet.rows), min(c1, sheet.cols)
    rows: list[dict[str, Any]] = []
    for row in range(r0, r1):
        values = [render_cell(sheet.cells.get((row, col), {}), state.locale) for col in range(c0, c1)]
        while values and not values[-1]:
            values.pop()
        rows.append({"values": values} if values else {})
    while rows and not rows[-1]:
        rows.pop()
    out: dict[str, Any] = {}
    if r0:
        out["startRow"] = r0
    if c0:
        out["startColumn"] = c0
    if rows:
        out["rowData"] = rows
    out["rowMetadata"] = [_dimension(sheet.row_meta, i, ROW_PX, state, sheet, "ROWS") for i in range(r0, r1)]
    out["columnMetadata"] = [
        _dimension(sheet.col_meta, i, COL_PX, state, sheet, "COLUMNS") for i in range(c0, c1)
    ]
    return out


def render_protected(protected: dict[str, Any], user: str | None, owner: str) -> dict[str, Any]:
    out = copy.deepcopy(protected)
    out.get("editors", {}).pop(DOMAIN_DEFAULT, None)
    editor = can_edit_range({**protected, "warningOnly": False}, user, owner)
    out["requestingUserCanEdit"] = editor or bool(protected.get("warningOnly"))
    if not editor:
        out.pop("editors", None)
    return out


def render_spreadsheet(
    state: SpreadsheetState,
    *,
    user: str | None,
    owner: str,
    include_grid: bool,
    ranges: list[str] | None = None,
) -> dict[str, Any]:
    wanted: dict[int, list[a1.Span | None]] = {}
    for text in ranges or []:
        sheet, span = state.resolve(text)
        wanted.setdefault(sheet.sheet_id, []).append(span)
    sheets_out = []
    for sheet in state.sheets:
        if ranges and sheet.sheet_id not in wanted:
            continue
        entry: dict[str, Any] = {"properties": copy.deepcopy(sheet.properties)}
        if include_grid:
            entry["data"] = [grid_data(state, sheet, span) for span in wanted.get(sheet.sheet_id, [None])]
        if sheet.merges:
            entry["merges"] = copy.deepcopy(sheet.merges)
        if sheet.protected_ranges:
            entry["protectedRanges"] = [render_protected(p, user, owner) for p in sheet.protected_ranges]
        sheet_meta = [
            render_metadata(m)
            for m in state.developer_metadata
            if metadata_location_type(m["location"]) == "SHEET"
            and int(m["location"]["sheetId"]) == sheet.sheet_id
        ]
        if sheet_meta:
            entry["developerMetadata"] = sheet_meta
        entry.update(copy.deepcopy(sheet.extra))
        sheets_out.append(entry)
    out: dict[str, Any] = {
        "spreadsheetId": state.spreadsheet_id,
        "properties": copy.deepcopy(state.properties),
        "sheets": sheets_out,
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{state.spreadsheet_id}/edit",
    }
    if state.named_ranges:
        out["namedRanges"] = copy.deepcopy(state.named_ranges)
    top_meta = [
        render_metadata(m)
        for m in state.developer_metadata
        if metadata_location_type(m["location"]) == "SPREADSHEET"
    ]
    if top_meta:
        out["developerMetadata"] = top_meta
    out.update(copy.deepcopy(state.extra))
    return out


# -- values API -------------------------------------------------------------------------------------------
def read_values(
    state: SpreadsheetState, text: str, *, value_render: str, datetime_render: str, major: str
) -> dict[str, Any]:
    sheet, span = state.resolve(text)
    bounds = a1.bounded(span, sheet.rows, sheet.cols)
    check_limits(sheet, bounds)
    r0, r1, c0, c1 = bounds
    rows: list[list[Any]] = []
    for row in range(r0, r1):
        values = [
            cells.render(sheet.cells.get((row, col), {}), value_render, datetime_render, state.locale)
            for col in range(c0, c1)
        ]
        while values and values[-1] is None:
            values.pop()
        rows.append(["" if v is None else v for v in values])
    while rows and not rows[-1]:
        rows.pop()
    if major == "COLUMNS":
        width = max((len(r) for r in rows), default=0)
        rows = [[r[i] if i < len(r) else "" for r in rows] for i in range(width)]
        for column in rows:
            while column and column[-1] == "":
                column.pop()
    out: dict[str, Any] = {"range": a1.format_range(sheet.title, r0, r1, c0, c1), "majorDimension": major}
    if rows:
        out["values"] = rows
    return out


def write_values(
    state: SpreadsheetState,
    text: str,
    values: list[list[Any]],
    *,
    major: str,
    input_option: str,
    user: str | None,
    owner: str,
    anchor_only: bool = False,
) -> dict[str, Any]:
    """Write a ValueRange; returns an UpdateValuesResponse (without spreadsheetId)."""
    if input_option not in ("RAW", "USER_ENTERED"):
        raise ApiError(400, f"Invalid valueInputOption: {input_option!r}")
    sheet, span = state.resolve(text)
    grid = values if major != "COLUMNS" else _transpose(values)
    r0, r1, c0, c1 = a1.bounded(span, sheet.rows, sheet.cols)
    height = len(grid)
    width = max((len(r) for r in grid), default=0)
    single = (
        span is not None
        and span.end_row == (span.start_row or 0) + 1
        and span.end_col == (span.start_col or 0) + 1
    )
    if not anchor_only and not single and span is not None and (height > r1 - r0 or width > c1 - c0):
        target = a1.format_range(sheet.title, r0, r1, c0, c1)
        if width > c1 - c0:
            raise ApiError(
                400,
                f"Requested writing within range [{target}], but tried writing to column "
                f"[{a1.column_letters(c0 + width - 1)}]",
            )
        raise ApiError(
            400, f"Requested writing within range [{target}], but tried writing to row [{r0 + height}]"
        )
    if height == 0 or width == 0:
        return {}
    bounds = (r0, r0 + height, c0, c0 + width)
    check_limits(sheet, bounds)
    check_edit(sheet, bounds, user, owner)
    rows_touched, cols_touched, count = set(), set(), 0
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            if value is None:
                continue
            key = (r0 + i, c0 + j)
            cell = sheet.cells.setdefault(key, {})
            plain_text = cell.get("userEnteredFormat", {}).get("numberFormat", {}).get("type") == "TEXT"
            if input_option == "RAW":
                entered, number_format = cells.raw_value(value), None
            elif plain_text and value != "":  # "Plain text" format: what is typed stays text
                entered, number_format = {"stringValue": str(value)}, None
            else:
                entered, number_format = cells.user_entered_value(value, state.locale)
            check_length(entered)
            if entered is None:
                cell.pop("userEnteredValue", None)
            else:
                cell["userEnteredValue"] = entered
            if number_format is not None:
                cell.setdefault("userEnteredFormat", {})["numberFormat"] = number_format
            if not cell:
                del sheet.cells[key]
            rows_touched.add(i)
            cols_touched.add(j)
            count += 1
    return {
        "updatedRange": a1.format_range(sheet.title, r0, r0 + height, c0, c0 + width),
        "updatedRows": len(rows_touched),
        "updatedColumns": len(cols_touched),
        "updatedCells": count,
    }


def _transpose(values: list[list[Any]]) -> list[list[Any]]:
    width = max((len(v) for v in values), default=0)
    return [[col[i] if i < len(col) else None for col in values] for i in range(width)]


def clear_values(state: SpreadsheetState, text: str, user: str | None, owner: str) -> str:
    sheet, span = state.resolve(text)
    bounds = a1.bounded(span, sheet.rows, sheet.cols)
    check_limits(sheet, bounds)
    check_edit(sheet, bounds, user, owner)
    r0, r1, c0, c1 = bounds
    for key in [k for k in sheet.cells if r0 <= k[0] < r1 and c0 <= k[1] < c1]:
        sheet.cells[key].pop("userEnteredValue", None)
        if not sheet.cells[key]:
            del sheet.cells[key]
    return a1.format_range(sheet.title, r0, r1, c0, c1)


def append_values(
    state: SpreadsheetState,
    text: str,
    values: list[list[Any]],
    *,
    major: str,
    input_option: str,
    insert_option: str,
    user: str | None,
    owner: str,
) -> dict[str, Any]:
    """values.append: find the table at ``text`` and write after its last row."""
    sheet, span = state.resolve(text)
    r0, _r1, c0, c1 = a1.bounded(span, sheet.rows, sheet.cols)
    if (
        span is not None
        and span.end_row == (span.start_row or 0) + 1
        and span.end_col == (span.start_col or 0) + 1
    ):
        c1 = sheet.cols  # a single cell: the table is whatever data lies right of and below it
    grid = values if major != "COLUMNS" else _transpose(values)
    used = [
        (r, c)
        for (r, c), cell in sheet.cells.items()
        if r >= r0 and c0 <= c < max(c1, c0 + 1) and cell.get("userEnteredValue")
    ]
    rows_with_data = {r for r, _ in used}
    # The table is the block of consecutive non-empty rows starting at the range; an empty first row
    # means "write here" (what gspread's insert_rows relies on after its insertDimension).
    last = r0 - 1
    while last + 1 in rows_with_data:
        last += 1
    start = last + 1
    out: dict[str, Any] = {}
    table = [(r, c) for r, c in used if r <= last]
    if table:
        last_col = max(c for _, c in table)
        out["tableRange"] = a1.format_range(sheet.title, r0, last + 1, c0, last_col + 1)
    needed = start + len(grid) - sheet.rows
    if insert_option == "INSERT_ROWS" and grid:
        from .batch import insert_dimension  # local import: batch imports this module

        insert_dimension(state, sheet, "ROWS", start, len(grid), inherit_before=start > 0)
    elif needed > 0:
        sheet.properties["gridProperties"]["rowCount"] = sheet.rows + needed
    anchor = a1.format_range(sheet.title, start, start + 1, c0, c0 + 1)
    out["updates"] = write_values(
        state, anchor, grid, major="ROWS", input_option=input_option, user=user, owner=owner, anchor_only=True
    )
    return out
