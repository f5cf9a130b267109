"""The same copy as ONE `spreadsheets.batchUpdate`, for a spreadsheet Drive has already created.

A plain service account has no Drive storage, so it cannot use `spreadsheets.create` (the file
would land in its own My Drive). For unattended runs the spreadsheet is created empty by Drive
`files.create` directly in a shared-drive folder (already tagged), then filled by this one atomic
batchUpdate. The requests are derived mechanically from the create body of `build.py`, so both
paths give the same spreadsheet. A new spreadsheet's first tab has sheetId 0, the id the cover
uses: it is updated in place, every other tab is added.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

JSON = dict[str, Any]
CELL_FIELDS = "userEnteredValue,userEnteredFormat,note,dataValidation"


def batch_requests(body: JSON) -> JSON:
    """The batchUpdate request body that turns a fresh spreadsheet into `body`."""
    requests: list[JSON] = [
        {
            "updateSpreadsheetProperties": {
                "properties": body["properties"],
                "fields": ",".join(sorted(body["properties"])),
            }
        }
    ]
    for sheet in body["sheets"]:
        props = sheet["properties"]
        if props["sheetId"] == 0:
            fields = ",".join(sorted(k for k in props if k not in ("sheetId", "sheetType")))
            requests.append({"updateSheetProperties": {"properties": props, "fields": fields}})
        else:
            requests.append({"addSheet": {"properties": props}})
    for sheet in body["sheets"]:
        requests += list(_sheet_requests(sheet))
    requests += [
        {"createDeveloperMetadata": {"developerMetadata": m}} for m in body.get("developerMetadata", [])
    ]
    return {"requests": requests}


def _sheet_requests(sheet: JSON) -> Iterator[JSON]:
    sheet_id = sheet["properties"]["sheetId"]
    for data in sheet.get("data", []):
        if data.get("rowData"):
            yield {
                "updateCells": {
                    "start": {
                        "sheetId": sheet_id,
                        "rowIndex": data["startRow"],
                        "columnIndex": data["startColumn"],
                    },
                    "rows": data["rowData"],
                    "fields": CELL_FIELDS,
                }
            }
        yield from _dimensions(sheet_id, "COLUMNS", data.get("columnMetadata", []))
        yield from _dimensions(sheet_id, "ROWS", data.get("rowMetadata", []))
    for merge in sheet.get("merges", []):
        yield {"mergeCells": {"range": merge, "mergeType": "MERGE_ALL"}}
    for protected in sheet.get("protectedRanges", []):
        yield {"addProtectedRange": {"protectedRange": protected}}
    if "basicFilter" in sheet:
        yield {"setBasicFilter": {"filter": sheet["basicFilter"]}}


def _dimensions(sheet_id: int, dimension: str, sizes: list[JSON]) -> Iterator[JSON]:
    """One updateDimensionProperties per run of equal pixel sizes."""
    start = 0
    while start < len(sizes):
        size = sizes[start].get("pixelSize")
        end = start + 1
        while end < len(sizes) and sizes[end].get("pixelSize") == size:
            end += 1
        if size is not None:
            yield {
                "updateDimensionProperties": {
                    "range": {
                        "sheetId": sheet_id,
                        "dimension": dimension,
                        "startIndex": start,
                        "endIndex": end,
                    },
                    "properties": {"pixelSize": size},
                    "fields": "pixelSize",
                }
            }
        start = end
