"""The Google Sheets / Drive stand-in itself: schema strictness, semantics, users, faults, transports."""

from __future__ import annotations

import datetime as dt
from typing import Any

import gspread
import pytest
import requests
from gspread.exceptions import APIError
from gspread.urls import DRIVE_FILES_API_V3_URL, SPREADSHEETS_API_V4_BASE_URL

from tests.google_standin import (
    FOLDER,
    FakeClock,
    FakeGoogle,
    Fault,
    RequestValidationError,
    UnservedURLError,
    json_schema,
    validate,
    validate_params,
)
from tests.google_standin.a1 import parse_cells, quote_title, split_sheet

ALICE = "coordination@backbone.example"
BOB = "partenaire@cdc.example"
CAROL = "lectrice@ciusss.example"


@pytest.fixture
def fake() -> FakeGoogle:
    with FakeGoogle(clock=FakeClock(dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC))) as instance:
        yield instance


def full_create_body() -> dict[str, Any]:
    """A spreadsheets.create body using everything the toolkit needs in one call."""
    return {
        "properties": {"title": "Hochelaga — CDC", "locale": "fr_CA", "timeZone": "America/Toronto"},
        "sheets": [
            {
                "properties": {
                    "sheetId": 0,
                    "title": "Lisez-moi",
                    "gridProperties": {"rowCount": 20, "columnCount": 4},
                },
                "data": [{"rowData": [{"values": [{"userEnteredValue": {"stringValue": "Bienvenue"}}]}]}],
            },
            {
                "properties": {
                    "sheetId": 11,
                    "title": "Équipe d'O'Brien",
                    "gridProperties": {"rowCount": 10, "columnCount": 5, "frozenRowCount": 1},
                },
                "data": [
                    {
                        "startRow": 0,
                        "startColumn": 0,
                        "rowData": [
                            {
                                "values": [
                                    {
                                        "userEnteredValue": {"stringValue": "Rôle"},
                                        "userEnteredFormat": {"textFormat": {"bold": True}},
                                    },
                                    {"userEnteredValue": {"stringValue": "Qui"}},
                                    {"userEnteredValue": {"stringValue": "Échéance"}},
                                ]
                            },
                            {
                                "values": [
                                    {"userEnteredValue": {"stringValue": "Politique"}},
                                    {
                                        "dataValidation": {
                                            "condition": {
                                                "type": "ONE_OF_LIST",
                                                "values": [
                                                    {"userEnteredValue": "Ana"},
                                                    {"userEnteredValue": "Luc"},
                                                ],
                                            },
                                            "strict": False,
                                            "showCustomUi": True,
                                        }
                                    },
                                    {
                                        "userEnteredValue": {"numberValue": 46328},
                                        "userEnteredFormat": {
                                            "numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}
                                        },
                                        "dataValidation": {
                                            "condition": {"type": "DATE_IS_VALID"},
                                            "inputMessage": "AAAA-MM-JJ",
                                            "strict": True,
                                        },
                                    },
                                ]
                            },
                            {"values": [{"userEnteredValue": {"formulaValue": "=COUNTA(B2:B9)"}}]},
                        ],
                        "columnMetadata": [{"pixelSize": 180}],
                    }
                ],
                "protectedRanges": [
                    {
                        "range": {"sheetId": 11},
                        "description": "en-têtes",
                        "unprotectedRanges": [
                            {
                                "sheetId": 11,
                                "startRowIndex": 1,
                                "endRowIndex": 9,
                                "startColumnIndex": 1,
                                "endColumnIndex": 3,
                            }
                        ],
                    }
                ],
                "developerMetadata": [
                    {
                        "metadataKey": "toolkit.template",
                        "metadataValue": "backbone_infrastructure@3",
                        "location": {"sheetId": 11},
                        "visibility": "DOCUMENT",
                    }
                ],
            },
            {
                "properties": {"sheetId": 22, "title": "_toolkit", "hidden": True},
                "protectedRanges": [{"range": {"sheetId": 22}, "warningOnly": True}],
            },
        ],
        "namedRanges": [
            {
                "name": "Personnes",
                "range": {
                    "sheetId": 22,
                    "startRowIndex": 0,
                    "endRowIndex": 5,
                    "startColumnIndex": 0,
                    "endColumnIndex": 1,
                },
            }
        ],
        "developerMetadata": [
            {
                "metadataKey": "toolkit.partner",
                "metadataValue": "cdc-hochelaga",
                "location": {"spreadsheet": True},
                "visibility": "DOCUMENT",
            }
        ],
    }


def create_via_gspread(client: gspread.Client, body: dict[str, Any]) -> str:
    """spreadsheets.create through gspread's own HTTP layer (gspread itself creates through Drive)."""
    response = client.http_client.request("post", SPREADSHEETS_API_V4_BASE_URL, json=body)
    return str(response.json()["spreadsheetId"])


# -- schema ---------------------------------------------------------------------------------------------
def test_schema_rejects_misspelled_field_with_its_path() -> None:
    body = {
        "requests": [
            {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0}, "unprotectedRange": []}}}
        ]
    }
    with pytest.raises(RequestValidationError) as caught:
        validate("sheets", "sheets.spreadsheets.batchUpdate", body)
    assert caught.value.path == "$.requests[0].addProtectedRange.protectedRange.unprotectedRange"
    assert 'Unknown name "unprotectedRange"' in caught.value.message


def test_schema_accepts_a_full_create_and_knows_the_request_schemas() -> None:
    validate("sheets", "sheets.spreadsheets.create", full_create_body())
    validate(
        "sheets", "spreadsheets.values.batchUpdate", {"valueInputOption": "RAW", "data": [{"range": "A1"}]}
    )
    validate(
        "sheets",
        "sheets.spreadsheets.developerMetadata.search",
        {"dataFilters": [{"developerMetadataLookup": {"metadataKey": "k"}}]},
    )
    validate("drive", "drive.permissions.create", {"type": "user", "role": "writer", "emailAddress": BOB})
    validate("drive", "drive.files.update", {"appProperties": {"toolkit": "1"}, "name": "x"})
    validate("sheets", "sheets.spreadsheets.get", None)
    with pytest.raises(RequestValidationError, match="not one of the enum"):
        validate("sheets", "sheets.spreadsheets.values.batchUpdate", {"valueInputOption": "PARSED"})
    with pytest.raises(RequestValidationError, match="Unknown name"):
        validate("drive", "drive.files.create", {"nmae": "typo"})


def test_json_schema_shape() -> None:
    defs = json_schema("sheets")["$defs"]
    assert defs["GridRange"]["additionalProperties"] is False
    assert defs["GridRange"]["properties"]["sheetId"]["type"] == ["integer", "string"]
    assert defs["ProtectedRange"]["properties"]["range"] == {"$ref": "#/$defs/GridRange"}
    drive_file = json_schema("drive")["$defs"]["File"]["properties"]["appProperties"]
    assert drive_file["additionalProperties"] == {"type": "string"}  # a map stays a map
    validate(
        "sheets",
        "sheets.spreadsheets.batchUpdate",
        {"requests": [{"deleteSheet": {"sheetId": "12"}}], "includeSpreadsheetInResponse": None},
    )


def test_query_parameters_are_checked() -> None:
    params = validate_params(
        "sheets",
        "sheets.spreadsheets.values.batchGet",
        {"ranges": ["A1", "B2"], "valueRenderOption": ["FORMULA"], "fields": ["valueRanges"]},
    )
    assert params["ranges"] == ["A1", "B2"]
    assert validate_params("drive", "drive.files.list", {"supportsAllDrives": ["True"]}) == {
        "supportsAllDrives": True
    }
    with pytest.raises(RequestValidationError, match="Cannot bind query parameter"):
        validate_params("sheets", "sheets.spreadsheets.get", {"includeGridDta": ["true"]})
    with pytest.raises(RequestValidationError):
        validate_params("sheets", "sheets.spreadsheets.values.get", {"valueRenderOption": ["PRETTY"]})


def test_a1_notation() -> None:
    assert split_sheet("'O''Brien'!A1:B2") == ("O'Brien", "A1:B2")
    assert split_sheet("'Équipe 1'") == ("Équipe 1", None)
    assert quote_title("O'Brien") == "'O''Brien'"
    assert quote_title("Sheet1") == "Sheet1"
    span = parse_cells("B5:A")
    assert (span.start_row, span.end_row, span.start_col, span.end_col) == (4, None, 0, 2)


# -- Sheets semantics through gspread -----------------------------------------------------------------------
def test_create_then_get_round_trip(fake: FakeGoogle) -> None:
    gc = fake.gspread_client(ALICE)
    sid = create_via_gspread(gc, full_create_body())
    sh = gc.open_by_key(sid)
    assert sh.title == "Hochelaga — CDC"
    meta = sh.fetch_sheet_metadata(params={"includeGridData": "true"})
    assert meta["properties"]["locale"] == "fr_CA"
    assert meta["properties"]["timeZone"] == "America/Toronto"
    lisez, equipe, hidden = meta["sheets"]
    assert [s["properties"]["index"] for s in meta["sheets"]] == [0, 1, 2]
    assert hidden["properties"]["hidden"] is True
    assert equipe["properties"]["gridProperties"] == {"rowCount": 10, "columnCount": 5, "frozenRowCount": 1}
    rows = equipe["data"][0]["rowData"]
    assert rows[0]["values"][0]["userEnteredFormat"]["textFormat"]["bold"] is True
    assert rows[1]["values"][1]["dataValidation"]["condition"]["type"] == "ONE_OF_LIST"
    assert rows[1]["values"][2]["formattedValue"] == "2026-11-02"
    assert rows[2]["values"][0]["userEnteredValue"] == {"formulaValue": "=COUNTA(B2:B9)"}
    assert equipe["data"][0]["columnMetadata"][0]["pixelSize"] == 180
    assert len(equipe["data"][0]["rowMetadata"]) == 10
    protected = equipe["protectedRanges"][0]
    assert protected["unprotectedRanges"][0]["startRowIndex"] == 1
    assert protected["requestingUserCanEdit"] is True and ALICE in protected["editors"]["users"]
    assert isinstance(protected["protectedRangeId"], int)
    assert hidden["protectedRanges"][0]["warningOnly"] is True
    assert equipe["developerMetadata"][0]["location"] == {"sheetId": 11, "locationType": "SHEET"}
    assert meta["developerMetadata"][0]["metadataValue"] == "cdc-hochelaga"
    assert meta["namedRanges"][0]["name"] == "Personnes"
    assert lisez["data"][0]["rowData"][0]["values"][0]["formattedValue"] == "Bienvenue"
    # fields= partial responses and ranges=
    partial = sh.fetch_sheet_metadata(params={"fields": "sheets(properties(title,hidden))"})
    assert partial == {
        "sheets": [{"properties": {"title": t}} for t in ("Lisez-moi", "Équipe d'O'Brien")]
        + [{"properties": {"title": "_toolkit", "hidden": True}}]
    }
    only = sh.fetch_sheet_metadata(params={"ranges": "'Équipe d''O''Brien'!A1:C2", "includeGridData": "true"})
    assert [s["properties"]["sheetId"] for s in only["sheets"]] == [11]
    assert len(only["sheets"][0]["data"][0]["rowData"]) == 2
    # developerMetadata:search
    found = gc.http_client.request(
        "post",
        f"{SPREADSHEETS_API_V4_BASE_URL}/{sid}/developerMetadata:search",
        json={"dataFilters": [{"developerMetadataLookup": {"metadataKey": "toolkit.template"}}]},
    ).json()
    assert (
        found["matchedDeveloperMetadata"][0]["developerMetadata"]["metadataValue"]
        == "backbone_infrastructure@3"
    )
    # Drive sees it as the creator's spreadsheet
    drive_meta = gc.get_file_drive_metadata(sid)
    assert (
        drive_meta["name"] == "Hochelaga — CDC" and drive_meta["modifiedTime"] == "2026-11-02T09:30:00.000Z"
    )


def test_create_refuses_what_google_refuses(fake: FakeGoogle) -> None:
    gc = fake.gspread_client(ALICE)
    body = full_create_body()
    body["sheets"][1]["properties"]["title"] = "lisez-moi"  # duplicate title, case-insensitively
    with pytest.raises(APIError, match="already exists"):
        create_via_gspread(gc, body)
    body = full_create_body()
    body["sheets"][1]["protectedRanges"][0]["range"] = {"sheetId": 11, "startRowIndex": 0, "endRowIndex": 1}
    with pytest.raises(APIError, match="only supported on protected sheets"):
        create_via_gspread(gc, body)
    body = full_create_body()
    body["sheets"][1]["data"][0]["startRow"] = 9  # three rows from row 10 of 10
    with pytest.raises(APIError, match="exceeds grid limits"):
        create_via_gspread(gc, body)
    assert fake.sheets == {}


def test_batch_update_is_atomic_and_validated(fake: FakeGoogle) -> None:
    gc = fake.gspread_client(ALICE)
    sh = gc.open_by_key(create_via_gspread(gc, full_create_body()))
    before = fake.snapshot(sh.id)
    with pytest.raises(APIError) as caught:
        sh.batch_update(
            {
                "requests": [
                    {"addSheet": {"properties": {"title": "Nouveau"}}},
                    {
                        "updateCells": {
                            "start": {"sheetId": 11, "rowIndex": 1, "columnIndex": 1},
                            "rows": [{"values": [{"userEnteredValue": {"stringValue": "Ana"}}]}],
                            "fields": "userEnteredValue",
                        }
                    },
                    {"deleteSheet": {"sheetId": 999}},
                ]
            }
        )
    assert caught.value.code == 400 and "requests[2].deleteSheet" in str(caught.value)
    assert fake.snapshot(sh.id) == before  # nothing of the first two requests stayed
    with pytest.raises(APIError) as caught:
        sh.batch_update({"requests": [{"addProtectedRange": {"protectedRange": {"unprotectedRange": []}}}]})
    assert caught.value.code == 400 and 'Unknown name "unprotectedRange"' in caught.value.error["message"]
    reply = sh.batch_update(
        {
            "requests": [
                {
                    "addSheet": {
                        "properties": {
                            "title": "Nouveau",
                            "gridProperties": {"rowCount": 5, "columnCount": 3},
                        }
                    }
                },
                {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0}, "warningOnly": True}}},
                {
                    "createDeveloperMetadata": {
                        "developerMetadata": {
                            "metadataKey": "k",
                            "metadataValue": "v",
                            "location": {"sheetId": 0},
                            "visibility": "DOCUMENT",
                        }
                    }
                },
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": 22, "hidden": False},
                        "fields": "hidden",
                    }
                },
                {
                    "repeatCell": {
                        "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                        "cell": {"userEnteredFormat": {"backgroundColor": {"red": 1}}},
                        "fields": "userEnteredFormat.backgroundColor",
                    }
                },
                {
                    "insertDimension": {
                        "range": {"sheetId": 11, "dimension": "ROWS", "startIndex": 1, "endIndex": 3}
                    }
                },
                {
                    "mergeCells": {
                        "range": {
                            "sheetId": 0,
                            "startRowIndex": 2,
                            "endRowIndex": 3,
                            "startColumnIndex": 0,
                            "endColumnIndex": 3,
                        },
                        "mergeType": "MERGE_ALL",
                    }
                },
                {
                    "addNamedRange": {
                        "namedRange": {
                            "name": "Roles",
                            "range": {"sheetId": 11, "startColumnIndex": 0, "endColumnIndex": 1},
                        }
                    }
                },
                {"updateSpreadsheetProperties": {"properties": {"title": "Renommé"}, "fields": "title"}},
                {
                    "autoResizeDimensions": {
                        "dimensions": {"sheetId": 11, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}
                    }
                },
                {
                    "setDataValidation": {
                        "range": {
                            "sheetId": 0,
                            "startRowIndex": 5,
                            "endRowIndex": 6,
                            "startColumnIndex": 0,
                            "endColumnIndex": 1,
                        },
                        "rule": {"condition": {"type": "BOOLEAN"}},
                    }
                },
                {
                    "updateDimensionProperties": {
                        "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                        "properties": {"pixelSize": 250},
                        "fields": "pixelSize",
                    }
                },
                {
                    "deleteProtectedRange": {
                        "protectedRangeId": before["sheets"][2]["protectedRanges"][0]["protectedRangeId"]
                    }
                },
            ]
        }
    )
    replies = reply["replies"]
    assert replies[0]["addSheet"]["properties"]["title"] == "Nouveau"
    assert "protectedRangeId" in replies[1]["addProtectedRange"]["protectedRange"]
    assert replies[2]["createDeveloperMetadata"]["developerMetadata"]["location"]["locationType"] == "SHEET"
    assert replies[3] == {} and replies[7]["addNamedRange"]["namedRange"]["name"] == "Roles"
    after = fake.snapshot(sh.id)
    assert after["properties"]["title"] == "Renommé" and fake.file(sh.id).name == "Renommé"
    equipe = after["sheets"][1]
    assert equipe["properties"]["gridProperties"]["rowCount"] == 12
    # insertDimension moved the cells and the unprotected range down by two rows
    assert equipe["data"][0]["rowData"][3]["values"][0]["userEnteredValue"] == {"stringValue": "Politique"}
    assert equipe["protectedRanges"][0]["unprotectedRanges"][0]["startRowIndex"] == 3
    assert after["sheets"][0]["merges"][0]["endColumnIndex"] == 3
    assert "protectedRanges" not in after["sheets"][2]
    assert fake.values(sh.id, "Lisez-moi!A1:C1") == [["Bienvenue"]]
    with pytest.raises(APIError, match="Invalid field selection"):
        sh.batch_update(
            {"requests": [{"updateSheetProperties": {"properties": {"sheetId": 0}, "fields": "hiden"}}]}
        )
    with pytest.raises(APIError, match="hide all the sheets"):
        sh.batch_update(
            {
                "requests": [
                    {
                        "updateSheetProperties": {
                            "properties": {"sheetId": s["properties"]["sheetId"], "hidden": True},
                            "fields": "hidden",
                        }
                    }
                    for s in after["sheets"]
                ]
            }
        )
    with pytest.raises(APIError) as caught:
        sh.batch_update({"requests": [{"addChart": {"chart": {}}}]})
    assert caught.value.code == 501  # the stand-in says so rather than pretend


def test_values_raw_versus_user_entered(fake: FakeGoogle) -> None:
    gc = fake.gspread_client(ALICE)
    sh = gc.open_by_key(create_via_gspread(gc, full_create_body()))
    ws = sh.worksheet("Équipe d'O'Brien")
    ws.update(values=[['=IMPORTXML("http://evil")', "0042", "2026-11-02", "VRAI"]], range_name="A5")  # RAW
    ws.update(
        values=[["=1+1", "1,5", "2026-11-02", "VRAI", "'0042"]],
        range_name="A6",
        value_input_option="USER_ENTERED",
    )
    got = sh.values_batch_get(["'Équipe d''O''Brien'!A5:E6"], params={"valueRenderOption": "FORMULA"})
    rng = got["valueRanges"][0]
    assert rng["range"] == "'Équipe d''O''Brien'!A5:E6"
    assert rng["values"][0] == ['=IMPORTXML("http://evil")', "0042", "2026-11-02", "VRAI"]
    assert rng["values"][1] == ["=1+1", 1.5, 46328, True, "0042"]
    cells = fake.snapshot(sh.id)["sheets"][1]["data"][0]["rowData"]
    assert cells[4]["values"][0]["userEnteredValue"] == {"stringValue": '=IMPORTXML("http://evil")'}
    assert cells[5]["values"][0]["userEnteredValue"] == {"formulaValue": "=1+1"}
    formatted = sh.values_batch_get(["'Équipe d''O''Brien'!B6:D6"])["valueRanges"][0]["values"]
    assert formatted == [["1,5", "2026-11-02", "VRAI"]]  # fr_CA locale
    as_string = sh.values_batch_get(
        ["'Équipe d''O''Brien'!C6"],
        params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "FORMATTED_STRING"},
    )
    assert as_string["valueRanges"][0]["values"] == [["2026-11-02"]]
    body = {
        "valueInputOption": "RAW",
        "data": [
            {"range": "Lisez-moi!B2", "values": [["x"]]},
            {"range": "'_toolkit'!A1:B1", "values": [["a", "b"]]},
        ],
    }
    result = sh.values_batch_update(body)
    assert result["totalUpdatedCells"] == 3 and result["totalUpdatedSheets"] == 2
    with pytest.raises(APIError, match="tried writing to column"):
        sh.values_update("Lisez-moi!A1:B1", params={"valueInputOption": "RAW"}, body={"values": [[1, 2, 3]]})
    with pytest.raises(APIError, match="valueInputOption"):
        sh.values_update("Lisez-moi!A1", params={}, body={"values": [[1]]})
    with pytest.raises(APIError, match="exceeds grid limits"):
        sh.values_update("Lisez-moi!A30", params={"valueInputOption": "RAW"}, body={"values": [[1]]})
    appended = sh.values_append(
        "Lisez-moi!A1", params={"valueInputOption": "RAW"}, body={"values": [["fin"]]}
    )
    assert appended["updates"]["updatedRange"] == "'Lisez-moi'!A3"
    assert ws.get("A5:B5") == [['=IMPORTXML("http://evil")', "0042"]]


# -- Drive and users ---------------------------------------------------------------------------------------
def test_sharing_and_per_user_access(fake: FakeGoogle) -> None:
    alice, bob, carol = (fake.gspread_client(u) for u in (ALICE, BOB, CAROL))
    sid = create_via_gspread(alice, full_create_body())
    with pytest.raises(PermissionError):
        bob.open_by_key(sid)  # 403 from Sheets
    with pytest.raises(APIError) as caught:
        bob.get_file_drive_metadata(sid)
    assert caught.value.code == 404  # Drive hides what you cannot see
    assert bob.list_spreadsheet_files() == []
    sh = alice.open_by_key(sid)
    sh.share(BOB, perm_type="user", role="writer", notify=True, email_message="Merci de remplir")
    sh.share(CAROL, perm_type="user", role="reader", notify=False)
    assert [(n.to, n.role, n.message) for n in fake.drive.notifications] == [
        (BOB, "writer", "Merci de remplir")
    ]
    bob_sheet = bob.open_by_key(sid).worksheet("Équipe d'O'Brien")
    bob_sheet.update(values=[["Ana"]], range_name="B2")  # unprotected hole
    with pytest.raises(APIError, match="protected cell"):
        bob_sheet.update(values=[["Rôle changé"]], range_name="A1")
    alice.open_by_key(sid).worksheet("Équipe d'O'Brien").update(values=[["Rôle (owner)"]], range_name="A1")
    carol_sheet = carol.open_by_key(sid).worksheet("Lisez-moi")
    assert carol_sheet.acell("A1").value == "Bienvenue"
    with pytest.raises(APIError) as caught:
        carol_sheet.update(values=[["x"]], range_name="A2")
    assert caught.value.code == 403
    assert [f["id"] for f in bob.list_spreadsheet_files()] == [sid]
    perms = {p["emailAddress"]: p for p in sh.list_permissions()}
    assert perms[ALICE]["role"] == "owner" and perms[BOB]["role"] == "writer"
    sh.remove_permissions(BOB)
    with pytest.raises(PermissionError):
        bob.open_by_key(sid)
    with pytest.raises(APIError, match="transferOwnership"):
        alice.insert_permission(sid, BOB, perm_type="user", role="owner")
    assert fake.log.count(user=BOB, status=403) >= 2


def test_folders_app_properties_and_queries(fake: FakeGoogle) -> None:
    gc = fake.gspread_client(ALICE)
    http = gc.http_client
    folder = http.request(
        "post", DRIVE_FILES_API_V3_URL, json={"name": "Retours 2026", "mimeType": FOLDER}
    ).json()
    assert set(folder) == {"kind", "id", "name", "mimeType"}  # Drive v3 default fields
    sid = create_via_gspread(gc, full_create_body())
    moved = http.request(
        "patch",
        f"{DRIVE_FILES_API_V3_URL}/{sid}",
        json={"appProperties": {"toolkit_partner": "cdc"}},
        params={"addParents": folder["id"], "removeParents": "root", "fields": "id,parents"},
    ).json()
    assert moved == {"id": sid, "parents": [folder["id"]]}
    other = gc.create("Autre")  # gspread creates through Drive: a default Sheet1
    assert [w.title for w in other.worksheets()] == ["Sheet1"]
    query = (
        f"'{folder['id']}' in parents and trashed = false and "
        "appProperties has { key='toolkit_partner' and value='cdc' }"
    )
    listed = http.request(
        "get", DRIVE_FILES_API_V3_URL, params={"q": query, "fields": "files(id,name,appProperties)"}
    )
    assert listed.json() == {
        "files": [{"id": sid, "name": "Hochelaga — CDC", "appProperties": {"toolkit_partner": "cdc"}}]
    }
    by_name = http.request(
        "get", DRIVE_FILES_API_V3_URL, params={"q": "name = 'Autre' and not trashed = true"}
    )
    assert [f["id"] for f in by_name.json()["files"]] == [other.id]
    assert gc.open("Autre", folder_id=None).id == other.id
    with pytest.raises(APIError, match="not directly writable"):
        http.request("patch", f"{DRIVE_FILES_API_V3_URL}/{sid}", json={"parents": ["root"]})
    with pytest.raises(APIError) as caught:
        http.request(
            "get",
            DRIVE_FILES_API_V3_URL,
            params={
                "q": "name = 'x'",
                "orderBy": "name",
                "spaces": "drive",
                "corpus": "user",
                "colour": "red",
            },
        )
    assert caught.value.code == 400 and "colour" in caught.value.error["message"]
    with pytest.raises(APIError, match="Invalid field selection"):
        http.request("get", f"{DRIVE_FILES_API_V3_URL}/{sid}", params={"fields": "id,nmae"})


# -- instrumentation ----------------------------------------------------------------------------------------
def test_fault_injection_order_and_counting(fake: FakeGoogle) -> None:
    gc = fake.gspread_client(ALICE)
    sh = gc.open_by_key(create_via_gspread(gc, full_create_body()))
    fake.log.clear()
    fake.inject("sheets.spreadsheets.batchUpdate", [Fault(429, retry_after=2), 500, 503, "reset"])
    request = {"requests": [{"addSheet": {"properties": {"title": "Essai"}}}]}
    seen: list[object] = []
    for _ in range(4):
        try:
            sh.batch_update(request)
        except APIError as error:
            seen.append((error.code, error.response.headers.get("Retry-After")))
        except requests.exceptions.ConnectionError:
            seen.append("reset")
    assert seen == [(429, "2"), (500, None), (503, None), "reset"]
    assert len(fake.snapshot(sh.id)["sheets"]) == 3  # no failed attempt applied anything
    sh.batch_update(request)
    assert len(fake.snapshot(sh.id)["sheets"]) == 4
    assert fake.log.count(method_id="sheets.spreadsheets.batchUpdate") == 5
    assert fake.log.count(method_id="sheets.spreadsheets.batchUpdate", faulted=True) == 4
    assert fake.log.by_resource(api="sheets", kind="write", faulted=False) == {sh.id: 1}
    assert fake.faults.pending() == 0
    # A fault after applying: the server created the spreadsheet, the client saw a 500.
    fake.inject("sheets.spreadsheets.create", [500], after=True)
    with pytest.raises(APIError):
        create_via_gspread(gc, {"properties": {"title": "Perdu"}})
    assert [f["name"] for f in gc.list_spreadsheet_files(title="Perdu")] == ["Perdu"]
    fake.inject("/drive/v3/files", ["reset"])  # path patterns work too
    with pytest.raises(requests.exceptions.ConnectionError):
        gc.list_spreadsheet_files()
    record = fake.log.records[-1]
    assert (record.api, record.method_id, record.user, record.fault) == (
        "drive",
        "drive.files.list",
        ALICE,
        "reset",
    )


def test_clock_drives_modified_time_and_quota(fake: FakeGoogle) -> None:
    gc = fake.gspread_client(ALICE)
    sid = create_via_gspread(gc, {"properties": {"title": "Horloge"}})
    fake.clock.set(dt.datetime(2026, 11, 3, 8, 0, tzinfo=dt.UTC))
    gc.open_by_key(sid).sheet1.update(values=[["x"]], range_name="A1")
    meta = gc.get_file_drive_metadata(sid)
    assert (meta["createdTime"], meta["modifiedTime"]) == (
        "2026-11-02T09:30:00.000Z",
        "2026-11-03T08:00:00.000Z",
    )
    ws = gc.open_by_key(sid).sheet1
    fake.enable_quota(reads_per_minute=2, writes_per_minute=60)
    ws.get_values("A1")
    ws.get_values("A1")
    with pytest.raises(APIError) as caught:
        ws.get_values("A1")
    assert caught.value.code == 429 and "Read requests" in caught.value.error["message"]
    fake.clock.sleep(61)  # retry code can be handed clock.sleep instead of time.sleep
    assert ws.get_values("A1") == [["x"]]


# -- transports ---------------------------------------------------------------------------------------------
def test_adapter_refuses_every_other_url(fake: FakeGoogle) -> None:
    session = fake.session(ALICE)
    for url in (
        "https://example.org/",
        "https://oauth2.googleapis.com/token",
        "http://sheets.googleapis.com/v4/x",
        "https://docs.google.com/spreadsheets/d/x/export",
        "https://www.googleapis.com/upload/drive/v2/files",
    ):
        with pytest.raises(UnservedURLError):
            session.get(url)
    assert not issubclass(UnservedURLError, requests.exceptions.RequestException)
    with fake.patch_requests(), pytest.raises(UnservedURLError):
        requests.get("https://example.org/")  # even a plain module-level call
    assert fake.log.records == []
    unauthenticated = requests.Session()
    unauthenticated.mount("https://", fake.adapter)
    response = unauthenticated.get(f"{SPREADSHEETS_API_V4_BASE_URL}/abc")
    assert response.status_code == 401 and response.json()["error"]["status"] == "UNAUTHENTICATED"


def test_loopback_http_server(fake: FakeGoogle) -> None:
    base = fake.start_server()
    assert base.startswith("http://127.0.0.1:")
    auth = {"Authorization": f"Bearer {fake.credentials(ALICE).token}"}
    created = requests.post(f"{base}/v4/spreadsheets", json=full_create_body(), headers=auth, timeout=5)
    assert created.status_code == 200
    sid = created.json()["spreadsheetId"]
    got = requests.get(f"{base}/v4/spreadsheets/{sid}/values/%27Lisez-moi%27%21A1", headers=auth, timeout=5)
    assert got.json()["values"] == [["Bienvenue"]]
    bad = requests.get(
        f"{base}/v4/spreadsheets/{sid}", params={"includeGridDta": "true"}, headers=auth, timeout=5
    )
    assert bad.status_code == 400 and bad.json()["error"]["status"] == "INVALID_ARGUMENT"
    other = {"Authorization": f"Bearer {fake.credentials(BOB).token}"}
    assert requests.get(f"{base}/v4/spreadsheets/{sid}", headers=other, timeout=5).status_code == 403
    assert requests.get(f"{base}/drive/v3/files/{sid}", headers=other, timeout=5).status_code == 404
    fake.inject("sheets.spreadsheets.get", ["reset"])
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{base}/v4/spreadsheets/{sid}", headers=auth, timeout=5)
    assert requests.get(f"{base}/v4/spreadsheets/{sid}", headers=auth, timeout=5).status_code == 200


def test_gspread_conveniences_behave_as_on_google(fake: FakeGoogle) -> None:
    gc = fake.gspread_client(ALICE)
    sh = gc.create("Gabarit")
    ws = sh.sheet1
    ws.update(values=[["h1", "h2"], ["1", "2"]], range_name="A1")
    ws.append_row(["x", "y"])
    ws.insert_rows([["ins1", "ins2"]], row=2)  # insertDimension, then values.append into the empty row
    ws.format("A1:B1", {"textFormat": {"bold": True}})  # repeatCell with userEnteredFormat(textFormat)
    ws.freeze(rows=1)
    assert ws.get_all_values() == [["h1", "h2"], ["ins1", "ins2"], ["1", "2"], ["x", "y"]]
    copied = gc.copy(sh.id, title="Copie", copy_permissions=False)
    assert copied.sheet1.get_values("A1:A2") == [["h1"], ["ins1"]]
    # Like Google (gspread issue #1544), copying the owner's permission needs transferOwnership.
    with pytest.raises(APIError, match="transferOwnership"):
        gc.copy(sh.id, title="Copie 2", copy_permissions=True)
    gc.del_spreadsheet(copied.id)
    assert copied.id not in fake.sheets
    frozen = fake.snapshot(sh.id)["sheets"][0]
    assert frozen["properties"]["gridProperties"]["frozenRowCount"] == 1
    assert frozen["data"][0]["rowData"][0]["values"][0]["userEnteredFormat"]["textFormat"]["bold"] is True


# -- Google as it really behaves (issue 14) ----------------------------------------------------------------
ROBOT = "robot@projet.iam.gserviceaccount.com"
FILES = DRIVE_FILES_API_V3_URL


def as_app(
    fake: FakeGoogle, user: str, scopes: tuple[str, ...] = ("spreadsheets", "drive.file")
) -> requests.Session:
    return fake.session(user, fake.grant(user, scopes=scopes))


def test_service_accounts_have_no_storage_outside_shared_drives(fake: FakeGoogle) -> None:
    fake.add_identity(ROBOT, kind="service_account")
    robot = as_app(fake, ROBOT, ("spreadsheets", "drive"))
    refused = robot.post(SPREADSHEETS_API_V4_BASE_URL, json={"properties": {"title": "x"}})
    assert refused.status_code == 403 and "do not have storage quota" in refused.json()["error"]["message"]
    refused = robot.post(FILES, json={"name": "x", "mimeType": FOLDER})
    assert refused.json()["error"]["errors"][0]["reason"] == "storageQuotaExceeded"
    drive = fake.create_shared_drive("Équipe", {ROBOT: "fileOrganizer", ALICE: "organizer"})
    params = {"supportsAllDrives": "true", "fields": "id,driveId,owners"}
    made = robot.post(FILES, params=params, json={"name": "x", "mimeType": FOLDER, "parents": [drive.id]})
    assert made.status_code == 200 and made.json() == {"id": made.json()["id"], "driveId": drive.id}
    hidden = robot.get(f"{FILES}/{made.json()['id']}")  # without supportsAllDrives
    assert hidden.status_code == 404
    listed = robot.get(
        FILES,
        params={"q": "trashed = false", "supportsAllDrives": "true", "includeItemsFromAllDrives": "true"},
    )
    assert listed.json()["files"] == []  # corpora=user: reached through the drive, not shared directly
    listed = robot.get(
        FILES,
        params={
            "corpora": "drive",
            "driveId": drive.id,
            "supportsAllDrives": "true",
            "includeItemsFromAllDrives": "true",
        },
    )
    assert [f["id"] for f in listed.json()["files"]] == [made.json()["id"]]


def test_addresses_without_a_google_account_must_be_notified(fake: FakeGoogle) -> None:
    fake.add_identity("info@organisme.example", google_account=False)
    sid = create_via_gspread(fake.gspread_client(ALICE), {"properties": {"title": "Copie"}})
    session = fake.session(ALICE)
    body = {"type": "user", "role": "writer", "emailAddress": "info@organisme.example"}
    silent = session.post(f"{FILES}/{sid}/permissions", params={"sendNotificationEmail": "false"}, json=body)
    assert (
        silent.status_code == 400 and silent.json()["error"]["errors"][0]["reason"] == "invalidSharingRequest"
    )
    assert "Notify people" in silent.json()["error"]["message"]
    invited = session.post(f"{FILES}/{sid}/permissions", params={"sendNotificationEmail": "true"}, json=body)
    assert invited.status_code == 200 and [n.to for n in fake.drive.notifications] == [
        "info@organisme.example"
    ]


def test_drive_file_sees_only_what_the_app_made(fake: FakeGoogle) -> None:
    by_hand = fake.drive.create({"name": "Fait à la main", "mimeType": FOLDER}, ALICE)
    app = as_app(fake, ALICE)
    assert app.get(f"{FILES}/{by_hand.id}").status_code == 404
    made = app.post(FILES, json={"name": "Fait par l'appli", "mimeType": FOLDER}).json()
    assert app.get(f"{FILES}/{made['id']}").status_code == 200
    assert [f["id"] for f in app.get(FILES, params={"q": "trashed = false"}).json()["files"]] == [made["id"]]
    theirs = create_via_gspread(fake.gspread_client(BOB), {"properties": {"title": "Copie de Bob"}})
    fake.gspread_client(BOB).open_by_key(theirs).share(ALICE, perm_type="user", role="reader", notify=False)
    assert app.get(f"{SPREADSHEETS_API_V4_BASE_URL}/{theirs}").status_code == 200  # the spreadsheets scope
    assert app.get(f"{FILES}/{theirs}").status_code == 404  # but Drive does not show it
    sheets_only = as_app(fake, ALICE, ("spreadsheets",))
    assert sheets_only.get(f"{FILES}/{made['id']}").status_code == 403
    moved = app.patch(f"{FILES}/{made['id']}", params={"addParents": made["id"]})  # not a parent twice
    assert moved.status_code in (400, 403)


def test_app_properties_are_private_to_their_app(fake: FakeGoogle) -> None:
    one, two = (as_app(fake, ALICE, ("drive",)) for _ in range(2))
    fake.grants[2].app = "another-client"
    made = one.post(FILES, json={"name": "x", "appProperties": {"k": "v"}, "properties": {"p": "q"}}).json()
    fields = {"fields": "appProperties,properties"}
    assert one.get(f"{FILES}/{made['id']}", params=fields).json() == {
        "appProperties": {"k": "v"},
        "properties": {"p": "q"},
    }
    assert two.get(f"{FILES}/{made['id']}", params=fields).json() == {"properties": {"p": "q"}}


def test_search_lags_behind_creation(fake: FakeGoogle) -> None:
    fake.drive.search_lag = 10
    session = fake.session(ALICE)
    session.post(FILES, json={"name": "neuf"})
    assert session.get(FILES, params={"q": "name = 'neuf'"}).json()["files"] == []
    fake.clock.advance(11)
    assert len(session.get(FILES, params={"q": "name = 'neuf'"}).json()["files"]) == 1


def test_sign_ins_expire_after_seven_days_in_testing_and_can_be_revoked(fake: FakeGoogle) -> None:
    from google.auth.exceptions import RefreshError, TransportError

    grant = fake.grant(ALICE, testing=True)
    session = fake.session(ALICE, grant)
    assert session.get(FILES).status_code == 200
    fake.clock.advance(3600 * 2)  # the access token expired: refreshed transparently
    assert session.get(FILES).status_code == 200 and grant.serial == 1
    grant.transport_failures = 1
    fake.clock.advance(3600 * 2)
    with pytest.raises(TransportError):
        session.get(FILES)
    assert session.get(FILES).status_code == 200
    fake.clock.advance(7 * 24 * 3600)
    with pytest.raises(RefreshError, match="invalid_grant"):
        session.get(FILES)
    revoked = fake.grant(ALICE)
    revoked_session = fake.session(ALICE, revoked)
    revoked.revoked = True
    with pytest.raises(RefreshError):
        revoked_session.get(FILES)


def test_quotas_per_user_and_per_project_answer_429_without_retry_after(fake: FakeGoogle) -> None:
    sid = create_via_gspread(fake.gspread_client(ALICE), {"properties": {"title": "Quota"}})
    users = [f"u{n}@example.org" for n in range(6)]
    for user in users:
        fake.gspread_client(ALICE).open_by_key(sid).share(user, perm_type="user", role="reader", notify=False)
    fake.enable_quota(reads_per_minute=60, project_per_minute=300)
    sessions = {u: fake.session(u, fake.grant(u, app="projet")) for u in users}
    url = f"{SPREADSHEETS_API_V4_BASE_URL}/{sid}"
    for user in users[:5]:
        assert all(sessions[user].get(url).status_code == 200 for _ in range(60))
    refused = sessions[users[0]].get(url)  # this user's minute is used up
    assert refused.status_code == 429 and "Retry-After" not in refused.headers
    refused = sessions[users[5]].get(url)  # a fresh user, but the project's 300 are used up
    assert refused.status_code == 429 and "per minute'" in refused.json()["error"]["message"]
    fake.clock.advance(61)
    assert sessions[users[5]].get(url).status_code == 200


def test_a_stalled_connection_hangs_a_client_without_timeout(fake: FakeGoogle) -> None:
    from tests.google_standin.server import StalledForeverError

    session = fake.session(ALICE)
    fake.inject("drive.files.list", ["stall", "stall"])
    with pytest.raises(StalledForeverError):
        session.get(FILES, timeout=None)  # what gspread's HTTPClient sends by default
    before = fake.clock.now()
    with pytest.raises(requests.ReadTimeout):
        session.get(FILES, timeout=(5, 30))
    assert (fake.clock.now() - before).total_seconds() == 30


def test_cells_hold_at_most_50000_characters(fake: FakeGoogle) -> None:
    session = fake.session(ALICE)
    too_long = {
        "sheets": [
            {"data": [{"rowData": [{"values": [{"userEnteredValue": {"stringValue": "x" * 50_001}}]}]}]}
        ]
    }
    refused = session.post(SPREADSHEETS_API_V4_BASE_URL, json=too_long)
    assert refused.status_code == 400 and "50000 characters" in refused.json()["error"]["message"]
    sheet = create_via_gspread(fake.gspread_client(ALICE), {"properties": {"title": "x"}})
    with pytest.raises(APIError, match="50000"):
        fake.gspread_client(ALICE).open_by_key(sheet).sheet1.update(values=[["y" * 50_001]], range_name="A1")


def test_make_a_copy_resets_protection_editors_and_domain_defaults_apply(fake: FakeGoogle) -> None:
    fake.add_identity(ALICE, workspace_domain="backbone.example")
    colleague = "collegue@backbone.example"
    body = full_create_body()
    sid = create_via_gspread(fake.gspread_client(ALICE), body)
    sh = fake.gspread_client(ALICE).open_by_key(sid)
    for who in (BOB, colleague):
        sh.share(who, perm_type="user", role="writer", notify=False)
    fake.gspread_client(colleague).open_by_key(sid).worksheet("Équipe d'O'Brien").update(
        values=[["domaine"]], range_name="A1"
    )  # domainUsersCanEdit left unsaid: the stand-in assumes the domain may edit
    copy_of_bob = fake.gspread_client(BOB).copy(sid, title="Copie de Bob")
    copy_of_bob.worksheet("Équipe d'O'Brien").update(values=[["à moi"]], range_name="A1")  # now the owner
    protected = fake.snapshot(copy_of_bob.id)["sheets"][1]["protectedRanges"][0]
    assert protected["editors"] == {"users": [BOB]}
    fake.session(ALICE).patch(f"{FILES}/{sid}", json={"writersCanShare": False})
    with pytest.raises(APIError) as refused:
        fake.gspread_client(BOB).open_by_key(sid).share("autre@x.example", perm_type="user", role="reader")
    assert refused.value.code == 403
