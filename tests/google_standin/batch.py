"""spreadsheets.create and the spreadsheets.batchUpdate requests, with Sheets' checks and replies."""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import a1, fields
from .instrument import ApiError
from .sheets import (
    COL_PX,
    DEFAULT_COLS,
    DEFAULT_ROWS,
    DOMAIN_DEFAULT,
    SheetState,
    SpreadsheetState,
    check_edit,
    check_limits,
    check_rule,
    check_structure,
    clean_cell,
    match_filter,
    metadata_location_type,
    new_id,
    render_metadata,
    render_protected,
)

_NAMED_RANGE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]{0,249}$")
_CELL_LIKE = re.compile(r"^([A-Za-z]{1,3}[0-9]+|[Rr][0-9]+[Cc][0-9]+|true|false)$", re.IGNORECASE)


@dataclass
class Context:
    user: str | None
    owner: str
    rng: random.Random
    where: str = ""  # "Invalid requests[3].addSheet: "
    domain: str | None = None  # the document's Workspace domain, if any

    def fail(self, message: str, code: int = 400) -> ApiError:
        return ApiError(code, f"{self.where}{message}")


# -- create ------------------------------------------------------------------------------------------------
def create_spreadsheet(body: dict[str, Any], ctx: Context) -> SpreadsheetState:
    properties = {
        "title": "Untitled spreadsheet",
        "locale": "en_US",
        "autoRecalc": "ON_CHANGE",
        "timeZone": "Etc/GMT",
        "defaultFormat": {
            "backgroundColor": {"red": 1, "green": 1, "blue": 1},
            "verticalAlignment": "BOTTOM",
            "wrapStrategy": "OVERFLOW_CELL",
            "textFormat": {"fontFamily": "arial,sans,sans-serif", "fontSize": 10},
        },
        **copy.deepcopy(body.get("properties", {})),
    }
    state = SpreadsheetState(spreadsheet_id=new_id(ctx.rng), properties=properties)
    sheets = body.get("sheets") or [{}]
    for i, sheet_body in enumerate(sheets):
        ctx.where = f"Invalid sheets[{i}]: "
        props = dict(sheet_body.get("properties", {}))
        if "sheetId" not in props:
            props["sheetId"] = (
                0
                if i == 0 and not any(s.get("properties", {}).get("sheetId") == 0 for s in sheets)
                else _new_sheet_id(state, ctx)
            )
        sheet = _add_sheet(state, props, ctx)
        for grid in sheet_body.get("data", []):
            _load_grid(state, sheet, grid, ctx)
        for protected in sheet_body.get("protectedRanges", []):
            protected = copy.deepcopy(protected)
            protected.setdefault("range", {"sheetId": sheet.sheet_id})
            _add_protected(state, protected, ctx)
        for meta in sheet_body.get("developerMetadata", []):
            meta = copy.deepcopy(meta)
            meta.setdefault("location", {"sheetId": sheet.sheet_id})
            _add_metadata(state, meta, ctx)
        for merge in sheet_body.get("merges", []):
            _merge(state, {"range": merge, "mergeType": "MERGE_ALL"}, ctx)
        for key, value in sheet_body.items():
            if key not in ("properties", "data", "protectedRanges", "developerMetadata", "merges"):
                sheet.extra[key] = copy.deepcopy(value)
    ctx.where = ""
    for named in body.get("namedRanges", []):
        _add_named(state, copy.deepcopy(named), ctx)
    for meta in body.get("developerMetadata", []):
        meta = copy.deepcopy(meta)
        meta.setdefault("location", {"spreadsheet": True})
        _add_metadata(state, meta, ctx)
    return state


def _new_sheet_id(state: SpreadsheetState, ctx: Context) -> int:
    taken = {s.sheet_id for s in state.sheets}
    while True:
        candidate = ctx.rng.randrange(1, 2**31 - 1)
        if candidate not in taken:
            return candidate


def _add_sheet(state: SpreadsheetState, props: dict[str, Any], ctx: Context) -> SheetState:
    props = copy.deepcopy(props)
    props.setdefault("sheetId", _new_sheet_id(state, ctx))
    props["sheetId"] = int(props["sheetId"])
    if any(s.sheet_id == props["sheetId"] for s in state.sheets):
        raise ctx.fail(f"A sheet with id {props['sheetId']} already exists.")
    if "title" not in props:
        n = len(state.sheets) + 1
        while state.sheet_by_title(f"Sheet{n}") is not None:
            n += 1
        props["title"] = f"Sheet{n}"
    if not props["title"].strip():
        raise ctx.fail("Sheet name cannot be empty.")
    if state.sheet_by_title(props["title"]) is not None:
        raise ctx.fail(f'A sheet with the name "{props["title"]}" already exists. Please enter another name.')
    props.setdefault("sheetType", "GRID")
    grid = props.setdefault("gridProperties", {})
    grid.setdefault("rowCount", DEFAULT_ROWS)
    grid.setdefault("columnCount", DEFAULT_COLS)
    _check_grid_properties(props, ctx)
    index = int(props.pop("index", len(state.sheets)))
    sheet = SheetState(properties=props)
    state.sheets.insert(min(max(index, 0), len(state.sheets)), sheet)
    state.reindex()
    _check_not_all_hidden(state, ctx)
    return sheet


def _check_grid_properties(props: dict[str, Any], ctx: Context) -> None:
    grid = props["gridProperties"]
    rows, cols = int(grid["rowCount"]), int(grid["columnCount"])
    if rows < 1 or cols < 1:
        raise ctx.fail("The sheet must have at least one row and one column.")
    if int(grid.get("frozenRowCount", 0)) >= rows + 1 or int(grid.get("frozenColumnCount", 0)) >= cols + 1:
        raise ctx.fail("You can't freeze all visible rows/columns on the sheet.")


def _check_not_all_hidden(state: SpreadsheetState, ctx: Context) -> None:
    if state.sheets and all(s.properties.get("hidden") for s in state.sheets):
        raise ctx.fail("You can't hide all the sheets in a document.")


def _load_grid(state: SpreadsheetState, sheet: SheetState, grid: dict[str, Any], ctx: Context) -> None:
    r0, c0 = int(grid.get("startRow", 0)), int(grid.get("startColumn", 0))
    rows = grid.get("rowData", [])
    width = max((len(r.get("values", [])) for r in rows), default=0)
    if rows and width:
        check_limits(sheet, (r0, r0 + len(rows), c0, c0 + width), ctx.where)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row.get("values", [])):
            cleaned = clean_cell(cell, ctx.where)
            if cleaned:
                sheet.cells[(r0 + i, c0 + j)] = cleaned
    for key, target in (("rowMetadata", sheet.row_meta), ("columnMetadata", sheet.col_meta)):
        dimension = "ROWS" if key == "rowMetadata" else "COLUMNS"
        start = r0 if dimension == "ROWS" else c0
        for i, meta in enumerate(grid.get(key, [])):
            meta = copy.deepcopy(meta)
            for dev in meta.pop("developerMetadata", []):
                dev.setdefault(
                    "location",
                    {
                        "dimensionRange": {
                            "sheetId": sheet.sheet_id,
                            "dimension": dimension,
                            "startIndex": start + i,
                            "endIndex": start + i + 1,
                        }
                    },
                )
                _add_metadata(state, dev, ctx)
            if meta:
                target[start + i] = meta


def _add_protected(state: SpreadsheetState, protected: dict[str, Any], ctx: Context) -> dict[str, Any]:
    protected.pop("requestingUserCanEdit", None)
    if "range" not in protected and "namedRangeId" not in protected:
        raise ctx.fail("A protected range needs a range or a namedRangeId.")
    if "namedRangeId" in protected:
        named = next((n for n in state.named_ranges if n["namedRangeId"] == protected["namedRangeId"]), None)
        if named is None:
            raise ctx.fail(f"No named range with id {protected['namedRangeId']}")
        protected["range"] = copy.deepcopy(named["range"])
    sheet, _ = state.grid_range(protected["range"], ctx.where)
    protected["range"].setdefault("sheetId", sheet.sheet_id)
    whole_sheet = set(protected["range"]) == {"sheetId"}
    if protected.get("unprotectedRanges"):
        if not whole_sheet:
            raise ctx.fail("Unprotected ranges are only supported on protected sheets.")
        for hole in protected["unprotectedRanges"]:
            if int(hole.get("sheetId", 0)) != sheet.sheet_id:
                raise ctx.fail("Unprotected ranges must be on the protected sheet.")
            state.grid_range(hole, ctx.where)
    if protected.get("warningOnly"):
        if protected.get("editors"):
            raise ctx.fail("Editors are not supported with warning_only protection.")
    else:
        editors = protected.setdefault("editors", {})
        users = editors.setdefault("users", [])
        for person in (ctx.owner, ctx.user):
            if person and person not in users:
                users.append(person)
        if "domainUsersCanEdit" not in editors and ctx.domain:
            # Left unsaid, the domain's sharing default applies; the API does not document it, so the
            # stand-in assumes the worst: everyone in the document's Workspace domain may edit.
            editors[DOMAIN_DEFAULT] = ctx.domain
    if "protectedRangeId" in protected:
        if any(
            p.get("protectedRangeId") == protected["protectedRangeId"]
            for s in state.sheets
            for p in s.protected_ranges
        ):
            raise ctx.fail(f"A protected range with id {protected['protectedRangeId']} already exists.")
    else:
        protected["protectedRangeId"] = ctx.rng.randrange(1, 2**31 - 1)
    sheet.protected_ranges.append(protected)
    return protected


def _add_metadata(state: SpreadsheetState, meta: dict[str, Any], ctx: Context) -> dict[str, Any]:
    if not meta.get("metadataKey"):
        raise ctx.fail("Developer metadata must have a key.")
    if "visibility" not in meta or meta["visibility"] == "DEVELOPER_METADATA_VISIBILITY_UNSPECIFIED":
        raise ctx.fail("Developer metadata visibility must be specified.")
    location = meta.get("location")
    if not location:
        raise ctx.fail("Developer metadata location must be specified.")
    location.pop("locationType", None)
    kind = metadata_location_type(location)
    if kind == "SHEET":
        state.sheet(location["sheetId"], ctx.where)
    elif kind in ("ROW", "COLUMN"):
        dim = location["dimensionRange"]
        sheet = state.sheet(dim.get("sheetId", 0), ctx.where)
        size = sheet.rows if kind == "ROW" else sheet.cols
        if not 0 <= dim.get("startIndex", 0) < dim.get("endIndex", 0) <= size:
            raise ctx.fail("Developer metadata dimension range is out of the grid.")
    if "metadataId" in meta:
        meta["metadataId"] = int(meta["metadataId"])
        if meta["metadataId"] <= 0 or any(
            m["metadataId"] == meta["metadataId"] for m in state.developer_metadata
        ):
            raise ctx.fail(f"Developer metadata with id {meta['metadataId']} already exists or is invalid.")
    else:
        taken = {m["metadataId"] for m in state.developer_metadata}
        meta["metadataId"] = next(
            i for i in iter(lambda: ctx.rng.randrange(1, 2**31 - 1), 0) if i not in taken
        )
    state.developer_metadata.append(meta)
    return meta


def _add_named(state: SpreadsheetState, named: dict[str, Any], ctx: Context) -> dict[str, Any]:
    name = named.get("name", "")
    if not _NAMED_RANGE.match(name) or _CELL_LIKE.match(name):
        raise ctx.fail(
            f"Invalid name: {name!r}. Named ranges must start with a letter or underscore, contain "
            "only letters, numbers, underscores and periods, and not look like a cell reference."
        )
    if any(n["name"].casefold() == name.casefold() for n in state.named_ranges):
        raise ctx.fail(f"A named range with the name {name!r} already exists.")
    state.grid_range(named.get("range", {}), ctx.where)
    named.setdefault("range", {}).setdefault("sheetId", 0)
    named.setdefault("namedRangeId", new_id(ctx.rng, 12))
    state.named_ranges.append(named)
    return named


# -- batchUpdate ------------------------------------------------------------------------------------------
Handler = Callable[[SpreadsheetState, dict[str, Any], Context], dict[str, Any] | None]


def apply_batch(
    state: SpreadsheetState, requests: list[dict[str, Any]], ctx: Context
) -> list[dict[str, Any]]:
    """Apply every request to ``state`` (the caller passes a copy and keeps it only on success)."""
    replies = []
    for i, request in enumerate(requests):
        if len(request) != 1:
            raise ApiError(400, f"Invalid requests[{i}]: exactly one kind of request must be set")
        ((kind, payload),) = request.items()
        ctx.where = f"Invalid requests[{i}].{kind}: "
        handler = HANDLERS.get(kind)
        if handler is None:
            raise ApiError(501, f"[google stand-in] requests[{i}].{kind} is not implemented by the stand-in")
        reply = handler(state, payload, ctx)
        replies.append({kind: reply} if reply else {})
    ctx.where = ""
    return replies


def _mask(payload: dict[str, Any], ctx: Context, schema_id: str) -> str:
    mask = payload.get("fields")
    if not mask:
        raise ctx.fail("At least one field must be specified in 'fields'.")
    try:
        fields.check("sheets", schema_id, fields.parse(mask))
    except fields.FieldMaskError as error:
        raise ctx.fail(str(error)) from None
    return str(mask)


def _add_sheet_request(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet = _add_sheet(state, payload.get("properties", {}), ctx)
    return {"properties": copy.deepcopy(sheet.properties)}


def _delete_sheet(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> None:
    sheet = state.sheet(payload.get("sheetId", 0), ctx.where)
    check_structure(sheet, ctx.user, ctx.owner, ctx.where)
    if len(state.sheets) == 1:
        raise ctx.fail("You can't remove all the sheets in a document.")
    state.sheets.remove(sheet)
    _check_not_all_hidden(state, ctx)
    state.reindex()
    state.named_ranges = [n for n in state.named_ranges if n["range"].get("sheetId", 0) != sheet.sheet_id]
    state.developer_metadata = [
        m
        for m in state.developer_metadata
        if m["location"].get("sheetId", m["location"].get("dimensionRange", {}).get("sheetId"))
        != sheet.sheet_id
    ]


def _update_sheet_properties(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> None:
    mask = _mask(payload, ctx, "SheetProperties")
    source = payload.get("properties", {})
    sheet = state.sheet(source.get("sheetId", 0), ctx.where)
    check_structure(sheet, ctx.user, ctx.owner, ctx.where)
    updated = copy.deepcopy(sheet.properties)
    fields.apply_update(updated, source, mask)
    updated["sheetId"] = sheet.sheet_id
    title = updated.get("title", "")
    other = state.sheet_by_title(title)
    if other is not None and other is not sheet:
        raise ctx.fail(f'A sheet with the name "{title}" already exists. Please enter another name.')
    updated.setdefault("gridProperties", {}).setdefault("rowCount", sheet.rows)
    updated["gridProperties"].setdefault("columnCount", sheet.cols)
    _check_grid_properties(updated, ctx)
    index = updated.pop("index", sheet.properties["index"])
    sheet.properties = updated
    sheet.cells = {k: v for k, v in sheet.cells.items() if k[0] < sheet.rows and k[1] < sheet.cols}
    state.sheets.remove(sheet)
    state.sheets.insert(min(max(int(index), 0), len(state.sheets)), sheet)
    state.reindex()
    _check_not_all_hidden(state, ctx)


def _update_cells(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> None:
    mask = _mask(payload, ctx, "CellData")
    rows = payload.get("rows", [])
    if "range" in payload:
        sheet, bounds = state.grid_range(payload["range"], ctx.where)
    elif "start" in payload:
        start = payload["start"]
        sheet = state.sheet(start.get("sheetId", 0), ctx.where)
        r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
        width = max((len(r.get("values", [])) for r in rows), default=0)
        bounds = (r0, r0 + len(rows), c0, c0 + width)
        check_limits(sheet, bounds, ctx.where)
    else:
        raise ctx.fail("Either 'start' or 'range' must be set.")
    check_edit(sheet, bounds, ctx.user, ctx.owner, ctx.where)
    r0, r1, c0, c1 = bounds
    for row in range(r0, r1):
        values = rows[row - r0].get("values", []) if row - r0 < len(rows) else []
        for col in range(c0, c1):
            source = values[col - c0] if col - c0 < len(values) else {}
            _apply_cell(sheet, row, col, source, mask, ctx)


def _apply_cell(
    sheet: SheetState, row: int, col: int, source: dict[str, Any], mask: str, ctx: Context
) -> None:
    cleaned = clean_cell(source, ctx.where)
    cell = copy.deepcopy(sheet.cells.get((row, col), {}))
    fields.apply_update(cell, cleaned, mask)
    for key in [k for k, v in cell.items() if k not in cleaned and k in source and v in ({}, None)]:
        del cell[key]
    if cell:
        sheet.cells[(row, col)] = cell
    else:
        sheet.cells.pop((row, col), None)


def _repeat_cell(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> None:
    mask = _mask(payload, ctx, "CellData")
    sheet, bounds = state.grid_range(payload.get("range", {}), ctx.where)
    check_edit(sheet, bounds, ctx.user, ctx.owner, ctx.where)
    r0, r1, c0, c1 = bounds
    for row in range(r0, r1):
        for col in range(c0, c1):
            _apply_cell(sheet, row, col, payload.get("cell", {}), mask, ctx)


def _set_data_validation(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> None:
    sheet, bounds = state.grid_range(payload.get("range", {}), ctx.where)
    check_edit(sheet, bounds, ctx.user, ctx.owner, ctx.where)
    rule = payload.get("rule")
    if rule is not None:
        check_rule(rule, ctx.where)
    r0, r1, c0, c1 = bounds
    for row in range(r0, r1):
        for col in range(c0, c1):
            cell = sheet.cells.setdefault((row, col), {})
            if rule is None:
                cell.pop("dataValidation", None)
            else:
                cell["dataValidation"] = copy.deepcopy(rule)
            if not cell:
                del sheet.cells[(row, col)]


def _add_protected_request(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    protected = _add_protected(state, copy.deepcopy(payload.get("protectedRange", {})), ctx)
    return {"protectedRange": render_protected(protected, ctx.user, ctx.owner)}


def _find_protected(state: SpreadsheetState, pid: int, ctx: Context) -> tuple[SheetState, dict[str, Any]]:
    for sheet in state.sheets:
        for protected in sheet.protected_ranges:
            if protected["protectedRangeId"] == int(pid):
                return sheet, protected
    raise ctx.fail(f"No protected range with id: {pid}")


def _delete_protected(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> None:
    sheet, protected = _find_protected(state, payload.get("protectedRangeId", 0), ctx)
    check_structure(
        SheetState(properties=sheet.properties, protected_ranges=[protected]), ctx.user, ctx.owner, ctx.where
    )
    sheet.protected_ranges.remove(protected)


def _update_protected(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> None:
    mask = _mask(payload, ctx, "ProtectedRange")
    source = payload.get("protectedRange", {})
    sheet, protected = _find_protected(state, source.get("protectedRangeId", 0), ctx)
    check_structure(
        SheetState(properties=sheet.properties, protected_ranges=[protected]), ctx.user, ctx.owner, ctx.where
    )
    updated = copy.deepcopy(protected)
    fields.apply_update(updated, source, mask)
    sheet.protected_ranges.remove(protected)
    try:
        _add_protected(state, updated, ctx)
    except ApiError:
        sheet.protected_ranges.append(protected)
        raise


def _create_metadata(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    meta = _add_metadata(state, copy.deepcopy(payload.get("developerMetadata", {})), ctx)
    return {"developerMetadata": render_metadata(meta)}


def _delete_metadata(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    doomed = match_filter(state, payload.get("dataFilter", {}))
    ids = {m["metadataId"] for m in doomed}
    state.developer_metadata = [m for m in state.developer_metadata if m["metadataId"] not in ids]
    return {"deletedDeveloperMetadata": [render_metadata(m) for m in doomed]} if doomed else {}


def _dimension_bounds(
    state: SpreadsheetState, dim: dict[str, Any], ctx: Context
) -> tuple[SheetState, int, int]:
    sheet = state.sheet(dim.get("sheetId", 0), ctx.where)
    size = sheet.rows if dim.get("dimension") == "ROWS" else sheet.cols
    if dim.get("dimension") not in ("ROWS", "COLUMNS"):
        raise ctx.fail("dimension must be ROWS or COLUMNS.")
    start, end = int(dim.get("startIndex", 0)), int(dim.get("endIndex", size))
    if not 0 <= start <= end <= size:
        raise ctx.fail(f"Invalid dimension range: {start}..{end} (size {size}).")
    return sheet, start, end


def _update_dimension_properties(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> None:
    mask = _mask(payload, ctx, "DimensionProperties")
    dim = payload.get("range")
    if dim is None:
        raise ctx.fail("range must be set.")
    sheet, start, end = _dimension_bounds(state, dim, ctx)
    rows = dim["dimension"] == "ROWS"
    bounds = (start, end, 0, sheet.cols) if rows else (0, sheet.rows, start, end)
    check_edit(sheet, bounds, ctx.user, ctx.owner, ctx.where)
    target = sheet.row_meta if rows else sheet.col_meta
    source = {k: v for k, v in payload.get("properties", {}).items() if k != "developerMetadata"}
    for index in range(start, end):
        meta = target.setdefault(index, {})
        fields.apply_update(meta, source, mask)


def insert_dimension(
    state: SpreadsheetState, sheet: SheetState, dimension: str, start: int, count: int, inherit_before: bool
) -> None:
    """Insert ``count`` rows/columns at ``start``: cells, sizes, ranges and metadata move."""
    rows = dimension == "ROWS"
    axis = 0 if rows else 1

    def moved(key: tuple[int, int]) -> tuple[int, int]:
        if key[axis] < start:
            return key
        return (key[0] + count, key[1]) if rows else (key[0], key[1] + count)

    sheet.cells = {moved(k): v for k, v in sheet.cells.items()}
    meta = sheet.row_meta if rows else sheet.col_meta
    shifted = {(i + count if i >= start else i): v for i, v in meta.items()}
    meta.clear()
    meta.update(shifted)
    source = start - 1 if inherit_before else start + count
    for key, cell in list(sheet.cells.items()):
        if key[axis] == source:
            fmt: dict[str, Any] = {
                k: copy.deepcopy(cell[k]) for k in ("userEnteredFormat", "dataValidation") if k in cell
            }
            for i in range(start, start + count):
                if fmt:
                    sheet.cells[(i, key[1]) if rows else (key[0], i)] = copy.deepcopy(fmt)
    grid = sheet.properties["gridProperties"]
    grid["rowCount" if rows else "columnCount"] += count
    _shift_ranges(state, sheet, dimension, start, count)


def _shift_ranges(state: SpreadsheetState, sheet: SheetState, dimension: str, at: int, count: int) -> None:
    for protected in sheet.protected_ranges:
        for grid_range in [protected["range"], *protected.get("unprotectedRanges", [])]:
            a1.shift_grid_range(grid_range, dimension, at, count)
    for merge in sheet.merges:
        a1.shift_grid_range(merge, dimension, at, count)
    for named in state.named_ranges:
        if named["range"].get("sheetId", 0) == sheet.sheet_id:
            a1.shift_grid_range(named["range"], dimension, at, count)
    for meta in state.developer_metadata:
        dim = meta["location"].get("dimensionRange")
        if dim and dim.get("sheetId", 0) == sheet.sheet_id and dim.get("dimension") == dimension:
            fake = {"startRowIndex": dim.get("startIndex", 0), "endRowIndex": dim.get("endIndex", 0)}
            a1.shift_grid_range(fake, "ROWS", at, count)
            dim["startIndex"], dim["endIndex"] = fake["startRowIndex"], fake["endRowIndex"]
    state.developer_metadata = [
        m
        for m in state.developer_metadata
        if "dimensionRange" not in m["location"]
        or m["location"]["dimensionRange"].get("startIndex", 0)
        < m["location"]["dimensionRange"].get("endIndex", 0)
    ]


def _insert_dimension(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> None:
    dim = payload.get("range", {})
    sheet = state.sheet(dim.get("sheetId", 0), ctx.where)
    start, end = int(dim.get("startIndex", 0)), int(dim.get("endIndex", 0))
    size = sheet.rows if dim.get("dimension") == "ROWS" else sheet.cols
    if dim.get("dimension") not in ("ROWS", "COLUMNS") or not 0 <= start < end or start > size:
        raise ctx.fail("Invalid dimension range for insertDimension.")
    inherit = bool(payload.get("inheritFromBefore"))
    if inherit and start == 0:
        raise ctx.fail("Cannot inherit from before when inserting at the start.")
    check_structure(sheet, ctx.user, ctx.owner, ctx.where)
    insert_dimension(state, sheet, dim["dimension"], start, end - start, inherit)


def _append_dimension(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> None:
    sheet = state.sheet(payload.get("sheetId", 0), ctx.where)
    length = int(payload.get("length", 0))
    if length < 1:
        raise ctx.fail("length must be positive.")
    key = "rowCount" if payload.get("dimension") == "ROWS" else "columnCount"
    sheet.properties["gridProperties"][key] += length


def _delete_dimension(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> None:
    dim = payload.get("range", {})
    sheet, start, end = _dimension_bounds(state, dim, ctx)
    check_structure(sheet, ctx.user, ctx.owner, ctx.where)
    rows = dim["dimension"] == "ROWS"
    count = end - start
    if count == (sheet.rows if rows else sheet.cols):
        raise ctx.fail("You can't delete all the rows/columns on the sheet.")
    axis = 0 if rows else 1
    kept = {}
    for key, cell in sheet.cells.items():
        if start <= key[axis] < end:
            continue
        if key[axis] >= end:
            key = (key[0] - count, key[1]) if rows else (key[0], key[1] - count)
        kept[key] = cell
    sheet.cells = kept
    meta = sheet.row_meta if rows else sheet.col_meta
    shifted = {(i - count if i >= end else i): v for i, v in meta.items() if not start <= i < end}
    meta.clear()
    meta.update(shifted)
    sheet.properties["gridProperties"]["rowCount" if rows else "columnCount"] -= count
    _shift_ranges(state, sheet, dim["dimension"], start, -count)


def _update_spreadsheet_properties(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> None:
    mask = _mask(payload, ctx, "SpreadsheetProperties")
    fields.apply_update(state.properties, payload.get("properties", {}), mask)
    if not state.properties.get("title"):
        raise ctx.fail("The spreadsheet title cannot be empty.")


def _auto_resize(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> None:
    dim = payload.get("dimensions")
    if dim is None:
        raise ctx.fail("dimensions must be set.")
    sheet, start, end = _dimension_bounds(state, dim, ctx)
    rows = dim["dimension"] == "ROWS"
    for index in range(start, end):
        texts = [
            str(cell.get("userEnteredValue", {}).get("stringValue", cell.get("userEnteredValue", {})))
            for (r, c), cell in sheet.cells.items()
            if (r if rows else c) == index and cell.get("userEnteredValue")
        ]
        meta = (sheet.row_meta if rows else sheet.col_meta).setdefault(index, {})
        if rows:
            meta["pixelSize"] = 21 * max((t.count("\n") + 1 for t in texts), default=1)
        else:
            meta["pixelSize"] = max((7 * len(t) + 10 for t in texts), default=COL_PX)


def _merge(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> None:
    sheet, bounds = state.grid_range(payload.get("range", {}), ctx.where)
    check_edit(sheet, bounds, ctx.user, ctx.owner, ctx.where)
    r0, r1, c0, c1 = bounds
    frozen_rows = int(sheet.properties["gridProperties"].get("frozenRowCount", 0))
    frozen_cols = int(sheet.properties["gridProperties"].get("frozenColumnCount", 0))
    if r0 < frozen_rows < r1:
        raise ctx.fail("You can't merge frozen and non-frozen rows.")
    if c0 < frozen_cols < c1:
        raise ctx.fail("You can't merge frozen and non-frozen columns.")
    kind = payload.get("mergeType", "MERGE_ALL")
    if kind == "MERGE_COLUMNS":
        pieces = [(r0, r1, c, c + 1) for c in range(c0, c1)]
    elif kind == "MERGE_ROWS":
        pieces = [(r, r + 1, c0, c1) for r in range(r0, r1)]
    else:
        pieces = [bounds]
    area = a1.Span(r0, r1, c0, c1)
    sheet.merges = [m for m in sheet.merges if not a1.spans_intersect(a1.grid_span(m), area)]
    for pr0, pr1, pc0, pc1 in pieces:
        if (pr1 - pr0) * (pc1 - pc0) <= 1:
            continue
        for key in list(sheet.cells):
            if pr0 <= key[0] < pr1 and pc0 <= key[1] < pc1 and key != (pr0, pc0):
                sheet.cells[key].pop("userEnteredValue", None)
        sheet.merges.append(
            {
                "sheetId": sheet.sheet_id,
                "startRowIndex": pr0,
                "endRowIndex": pr1,
                "startColumnIndex": pc0,
                "endColumnIndex": pc1,
            }
        )


def _unmerge(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> None:
    sheet, (r0, r1, c0, c1) = state.grid_range(payload.get("range", {}), ctx.where)
    area = a1.Span(r0, r1, c0, c1)
    sheet.merges = [m for m in sheet.merges if not a1.spans_intersect(a1.grid_span(m), area)]


def _add_named_request(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    named = _add_named(state, copy.deepcopy(payload.get("namedRange", {})), ctx)
    return {"namedRange": copy.deepcopy(named)}


def _delete_named(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> None:
    before = len(state.named_ranges)
    state.named_ranges = [n for n in state.named_ranges if n["namedRangeId"] != payload.get("namedRangeId")]
    if len(state.named_ranges) == before:
        raise ctx.fail(f"No named range with id {payload.get('namedRangeId')}")


def _add_conditional_format(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> None:
    rule = copy.deepcopy(payload.get("rule", {}))
    ranges = rule.get("ranges", [])
    if not ranges:
        raise ctx.fail("A conditional format rule needs at least one range.")
    sheet, _ = state.grid_range(ranges[0], ctx.where)
    rules = sheet.extra.setdefault("conditionalFormats", [])
    rules.insert(int(payload.get("index", len(rules))), rule)


def _update_borders(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> None:
    sheet, bounds = state.grid_range(payload.get("range", {}), ctx.where)
    check_edit(sheet, bounds, ctx.user, ctx.owner, ctx.where)
    r0, r1, c0, c1 = bounds
    for row in range(r0, r1):
        for col in range(c0, c1):
            sides = {
                "top": payload.get("top" if row == r0 else "innerHorizontal"),
                "bottom": payload.get("bottom" if row == r1 - 1 else "innerHorizontal"),
                "left": payload.get("left" if col == c0 else "innerVertical"),
                "right": payload.get("right" if col == c1 - 1 else "innerVertical"),
            }
            chosen = {k: copy.deepcopy(v) for k, v in sides.items() if v is not None}
            if chosen:
                cell = sheet.cells.setdefault((row, col), {})
                cell.setdefault("userEnteredFormat", {}).setdefault("borders", {}).update(chosen)


def _set_basic_filter(state: SpreadsheetState, payload: dict[str, Any], ctx: Context) -> None:
    basic = copy.deepcopy(payload.get("filter", {}))
    sheet, _ = state.grid_range(basic.get("range", {}), ctx.where)
    sheet.extra["basicFilter"] = basic


HANDLERS: dict[str, Handler] = {
    "addSheet": _add_sheet_request,
    "deleteSheet": _delete_sheet,
    "updateSheetProperties": _update_sheet_properties,
    "updateCells": _update_cells,
    "repeatCell": _repeat_cell,
    "setDataValidation": _set_data_validation,
    "addProtectedRange": _add_protected_request,
    "updateProtectedRange": _update_protected,
    "deleteProtectedRange": _delete_protected,
    "createDeveloperMetadata": _create_metadata,
    "deleteDeveloperMetadata": _delete_metadata,
    "updateDimensionProperties": _update_dimension_properties,
    "insertDimension": _insert_dimension,
    "appendDimension": _append_dimension,
    "deleteDimension": _delete_dimension,
    "updateSpreadsheetProperties": _update_spreadsheet_properties,
    "autoResizeDimensions": _auto_resize,
    "mergeCells": _merge,
    "unmergeCells": _unmerge,
    "addNamedRange": _add_named_request,
    "deleteNamedRange": _delete_named,
    "addConditionalFormatRule": _add_conditional_format,
    "updateBorders": _update_borders,
    "setBasicFilter": _set_basic_filter,
}
