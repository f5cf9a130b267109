"""The merged master as a Google spreadsheet: same content as the .xlsx master, partner text RAW.

Requests: 1 Drive files.get (the folder, checked first), 1 Drive files.create (an empty
spreadsheet, tagged, directly in the folder) and 1 Sheets spreadsheets.batchUpdate that writes it
whole. Drive creates it so a service account, which has no Drive storage of its own, can make it
in a shared drive as it makes the copies (`spreadsheets.create` would put it in the account's own
My Drive: 403 storageQuotaExceeded). `via_drive=False`: 1 Sheets create + 1 Drive move instead.
Nobody else is given access; the coordinator shares it by hand if they wish.
Every partner value is written as `stringValue` (or a number, date or yes/no), never as a
formula, so an `=IMPORTXML(…)` typed by a partner stays inert text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gspread import Client
from gspread.http_client import HTTPClient

from ...clock import utc_now
from ...initiative import Initiative
from ...master import master_spec
from ...round_master import with_rounds
from ...spec import WorkbookSpec
from . import drive
from .batch import batch_requests
from .build import spreadsheet_body
from .folder import resolve_folder
from .generate import acting_identity, default_client, protection_editors
from .http import SHEETS_API, http_of, sheets_call, speak
from .manifest import read_manifest
from .sources import spreadsheet_url

if TYPE_CHECKING:
    from ...merge import Merged

MASTER_TITLE = {"fr": "{name} — classeur maître ({date})", "en": "{name} — master ({date})"}
MASTER_PARTNER = "_master"  # tag value for the master (never a valid partner id)


@dataclass(frozen=True)
class GoogleMaster:
    spreadsheet_id: str
    url: str
    title: str


def write_master_google(
    merged: Merged,
    client: Client | HTTPClient | None = None,
    *,
    title: str | None = None,
    now: dt.datetime | None = None,
    via_drive: bool = True,
) -> GoogleMaster:
    """Create the master spreadsheet (fresh each time) in the initiative's Drive folder."""
    now = now or utc_now()
    spec = with_rounds(master_spec(merged, now, cell_limit=None), merged)  # long text: build.py spills it
    return create_master(merged.initiative, spec, client, title=title, now=now, via_drive=via_drive)


def create_master(
    initiative: Initiative,
    spec: WorkbookSpec,
    client: Client | HTTPClient | None = None,
    *,
    title: str | None = None,
    now: dt.datetime | None = None,
    via_drive: bool = True,
) -> GoogleMaster:
    language = initiative.language
    now = now or utc_now()
    http = http_of(client if client is not None else default_client(initiative))
    speak(http, language)
    robot = initiative.google.auth == "service_account"
    manifest = read_manifest(
        initiative.google.manifest or Path(f"{initiative.id}_google_manifest.json"), initiative.id, language
    )
    folder = resolve_folder(http, initiative, manifest, create=False, robot=robot)
    title = title or MASTER_TITLE[language].format(name=initiative.name, date=now.date().isoformat())
    tags = drive.tags(initiative.id, MASTER_PARTNER)
    actor = acting_identity(http)
    spreadsheet_id = ""
    if via_drive or robot:
        made = drive.create_file(http, title, folder.id, tags, in_shared_drive=folder.drive_id is not None)
        spreadsheet_id = str(made["id"])
        actor = actor or made.get("lastModifyingUser", {}).get("emailAddress")
    body = spreadsheet_body(
        spec,
        title=title,
        locale=initiative.google.locale,
        time_zone=initiative.google.time_zone,
        editors=protection_editors(initiative, actor),
    )
    if spreadsheet_id:
        sheets_call(http, "post", f"{SHEETS_API}/{spreadsheet_id}:batchUpdate", json=batch_requests(body))
    else:
        spreadsheet_id = str(sheets_call(http, "post", SHEETS_API, json=body)["spreadsheetId"])
        drive.place(http, spreadsheet_id, folder.id, tags, private=folder.drive_id is None)
    return GoogleMaster(spreadsheet_id, spreadsheet_url(spreadsheet_id), title)
