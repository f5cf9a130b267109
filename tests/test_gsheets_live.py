"""Against the real Google APIs: runs only when TOOLKIT_GOOGLE_LIVE_CREDENTIALS is set, skipped otherwise.

What it checks, for real (the numbers are those of issue 14):
- the cycle: generates ONE partner spreadsheet of the sample initiative, reads it back in one Sheets
  request, checks that pull recognises it, writes a value as the owner and reads it again;
- 1: the master is created by Drive in the same folder (with a service account: in the shared drive,
  where `spreadsheets.create` would fail with storageQuotaExceeded) and reads back as the master;
- 2 (if TOOLKIT_GOOGLE_LIVE_NO_ACCOUNT_EMAIL is set): sharing with an address that has no Google
  account, with notifications off, ends in an email invitation that the run reports. This sends
  Google's real invitation email to that address;
- 3 (OAuth only, if TOOLKIT_GOOGLE_LIVE_UI_FOLDER is set): a folder made by hand in Drive's web
  interface is refused before anything is created; `create_folder=True` makes one and uses it;
- 9: every protected range names the acting identity (and the coordinator) as editors, and domain
  users may not edit.
Everything it creates (spreadsheets, the folder it made) is deleted at the end.

Environment:
- TOOLKIT_GOOGLE_LIVE_CREDENTIALS (required): path to either
  * an OAuth token cached by `toolkit auth google` (usually ~/.config/toolkit/google-token.json), or
  * a service-account key file (JSON with "type": "service_account"); a plain service account has
    no Drive storage, so also set TOOLKIT_GOOGLE_LIVE_FOLDER to a folder of a shared drive where the
    service account is a Content manager;
- TOOLKIT_GOOGLE_LIVE_FOLDER (optional with OAuth): Drive folder id to create the spreadsheets in; with
  OAuth it must be one the toolkit can see (one it created), else leave it out and a folder is created;
- TOOLKIT_GOOGLE_LIVE_SHARE_WITH (optional): an email (with a Google account) to share the copy with;
- TOOLKIT_GOOGLE_LIVE_NO_ACCOUNT_EMAIL (optional): an address you own that has no Google account;
- TOOLKIT_GOOGLE_LIVE_UI_FOLDER (optional, OAuth): the id of a folder you made by hand in Drive.

    TOOLKIT_GOOGLE_LIVE_CREDENTIALS=~/.config/toolkit/google-token.json \\
        python3 -m pytest tests/test_gsheets_live.py -v

It costs about 20 requests. If it fails half-way, delete by hand what is titled
"… — Corporation de développement communautaire Hochelaga", "… — classeur maître …" and the folder
named after the initiative ("Hochelaga ensemble — Table de quartier (test)").
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from gspread import Client
from gspread.exceptions import APIError

from tests.conftest import fill
from toolkit import api
from toolkit.backends.gsheets.auth import GoogleAuth, load_token, service_account_credentials
from toolkit.backends.gsheets.generate import generate_google
from toolkit.backends.gsheets.http import make_client
from toolkit.backends.gsheets.manifest import read_manifest
from toolkit.backends.gsheets.master import write_master_google
from toolkit.backends.gsheets.reader import read_spreadsheet
from toolkit.errors import BackendError
from toolkit.initiative import Initiative
from toolkit.read_copy import read_submission

CREDENTIALS = os.environ.get("TOOLKIT_GOOGLE_LIVE_CREDENTIALS")
FILES = "https://www.googleapis.com/drive/v3/files"
SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"
CANVAS_B5 = "'Canevas des progrès'!B5"  # the first input cell of the first worksheet (not the cover)

pytestmark = pytest.mark.skipif(
    not CREDENTIALS, reason="live Google test: set TOOLKIT_GOOGLE_LIVE_CREDENTIALS to a token or key file"
)


def live_auth(path: Path) -> GoogleAuth:
    kind = json.loads(path.read_text(encoding="utf-8")).get("type")
    if kind == "service_account":
        return service_account_credentials(path)
    creds = load_token(path)
    if creds is None:
        raise BackendError(f"{path}: no usable OAuth token")
    return GoogleAuth(creds, "oauth", path)


@pytest.fixture(scope="module")
def auth() -> GoogleAuth:
    return live_auth(Path(str(CREDENTIALS)).expanduser())


@pytest.fixture
def client(auth: GoogleAuth) -> Client:
    return make_client(auth.credentials)


@pytest.fixture
def made(client: Client) -> Iterator[list[str]]:
    """Ids of what a test created; deleted afterwards, spreadsheets first, then folders."""
    ids: list[str] = []
    yield ids
    for file_id in reversed(ids):
        with contextlib.suppress(APIError):
            client.http_client.request("delete", f"{FILES}/{file_id}", params={"supportsAllDrives": "true"})


def live_initiative(initiative: Initiative, auth: GoogleAuth, tmp_path: Path, **google: Any) -> Initiative:
    partner = initiative.partners[0]
    emails = tuple(e for e in (os.environ.get("TOOLKIT_GOOGLE_LIVE_SHARE_WITH"),) if e)
    emails += tuple(e for e in (os.environ.get("TOOLKIT_GOOGLE_LIVE_NO_ACCOUNT_EMAIL"),) if e)
    settings = {
        "folder_id": os.environ.get("TOOLKIT_GOOGLE_LIVE_FOLDER") or None,
        "auth": auth.kind,
        "notify": False,
        "manifest": tmp_path / "manifest.json",
        **google,
    }
    return dataclasses.replace(
        initiative,
        id=f"{initiative.id}-live-test",
        name=f"{initiative.name} (test)",
        partners=(dataclasses.replace(partner, emails=emails),),
        google=dataclasses.replace(initiative.google, **settings),
    )


def acting_email(client: Client, auth: GoogleAuth) -> str:
    robot = getattr(auth.credentials, "service_account_email", None)
    if robot:
        return str(robot)
    about = client.http_client.request(
        "get", "https://www.googleapis.com/drive/v3/about", params={"fields": "user(emailAddress)"}
    )
    return str(about.json()["user"]["emailAddress"])


def test_cycle_master_invitations_and_protections(
    initiative: Initiative, auth: GoogleAuth, client: Client, made: list[str], tmp_path: Path
) -> None:
    live = live_initiative(initiative, auth, tmp_path)
    create_folder = auth.kind == "oauth" and not live.google.folder_id
    (copy,) = generate_google(live, client, progress=False, create_folder=create_folder)
    folder = read_manifest(live.google.manifest or Path()).folder_id
    made += [i for i in (folder, copy.spreadsheet_id) if i]
    http = client.http_client

    # the cycle
    raw = read_spreadsheet(copy.url, client)
    submission = read_submission(raw, live)
    assert submission.partner_id == live.partners[0].id
    assert raw.properties["toolkit.partner"] == live.partners[0].id
    http.request(
        "put",
        f"{SHEETS}/{copy.spreadsheet_id}/values/{quote(CANVAS_B5, safe='')}",
        params={"valueInputOption": "RAW"},
        json={"values": [['=IMAGE("https://example.org/x.png")']]},
    )
    again = read_submission(read_spreadsheet(copy.url, client), live)
    cells = again.cells.set_index(["worksheet", "row", "column"])
    assert str(cells.loc[(live.kit.worksheets[0].id, "overview", "activities"), "value"]).startswith("=IMAGE")

    # 2: an address without a Google account is invited by email, and the run says so
    no_account = os.environ.get("TOOLKIT_GOOGLE_LIVE_NO_ACCOUNT_EMAIL")
    if no_account:
        assert no_account in copy.invited_by_email and copy.notices("fr")

    # 9: explicit editors, no domain-wide editing
    actor = acting_email(client, auth)
    coordinator = live.coordinator.email if live.coordinator else None
    protected = http.request(
        "get",
        f"{SHEETS}/{copy.spreadsheet_id}",
        params={"fields": "sheets(protectedRanges(editors,warningOnly))"},
    ).json()
    ranges = [p for s in protected["sheets"] for p in s.get("protectedRanges", [])]
    assert ranges
    for found in ranges:
        users = {u.lower() for u in found["editors"].get("users", [])}
        assert actor.lower() in users and (coordinator is None or coordinator.lower() in users)
        assert not found["editors"].get("domainUsersCanEdit", False)

    # 1: the master, created by Drive in the same folder
    local = api.generate(live, tmp_path / "xlsx", now=None)
    fill(local[0].path, {("Canevas des progrès", "B5"): "Portrait du quartier"})
    merged = api.merge(api.pull([local[0].path], live), live)
    master = write_master_google(merged, client)
    made.append(master.spreadsheet_id)
    info = http.request(
        "get",
        f"{FILES}/{master.spreadsheet_id}",
        params={"fields": "parents,driveId", "supportsAllDrives": "true"},
    ).json()
    expected = live.google.folder_id or folder
    if expected:
        assert info["parents"] == [expected]
    if auth.kind == "service_account":
        assert info.get("driveId")  # in the shared drive: no storage of its own needed
    assert read_submission(read_spreadsheet(master.url, client), live).role == "master"


def test_a_folder_made_by_hand_is_refused_before_creating_anything(
    initiative: Initiative, auth: GoogleAuth, client: Client, made: list[str], tmp_path: Path
) -> None:
    by_hand = os.environ.get("TOOLKIT_GOOGLE_LIVE_UI_FOLDER")
    if auth.kind != "oauth" or not by_hand:
        pytest.skip("point 3: needs an OAuth token and TOOLKIT_GOOGLE_LIVE_UI_FOLDER")
    live = live_initiative(initiative, auth, tmp_path, folder_id=by_hand)
    with pytest.raises(BackendError, match="--create-folder"):
        generate_google(live, client, progress=False)
    assert not read_manifest(live.google.manifest or Path(), live.id).entries  # nothing was created
    (copy,) = generate_google(live, client, progress=False, create_folder=True)
    folder = read_manifest(live.google.manifest or Path()).folder_id
    made += [i for i in (folder, copy.spreadsheet_id) if i]
    parents = client.http_client.request(
        "get", f"{FILES}/{copy.spreadsheet_id}", params={"fields": "parents"}
    ).json()
    assert folder and folder != by_hand and parents["parents"] == [folder]
