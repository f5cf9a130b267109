"""The merged master as a Google spreadsheet: same content as the .xlsx master, partner text RAW.

Requests: 1 Sheets spreadsheets.create, plus 1 Drive files.update to tag it and move it into the
configured folder. Nobody else is given access; the coordinator shares it by hand if they wish.
Every partner value is written as `stringValue` (or a number, date or yes/no), never as a
formula, so an `=IMPORTXML(…)` typed by a partner stays inert text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gspread import Client
from gspread.http_client import HTTPClient

from ...clock import utc_now
from ...initiative import Initiative
from ...master import master_spec
from ...spec import WorkbookSpec
from . import drive
from .build import spreadsheet_body
from .generate import default_client
from .http import SHEETS_API, http_of, sheets_call
from .sources import spreadsheet_url

if TYPE_CHECKING:
    from ...merge import Merged

MASTER_TITLE = {"fr": "{name} — classeur maître ({date})", "en": "{name} — master ({date})"}
MASTER_PARTNER = "_master"  # appProperties value for the master (never a valid partner id)


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
) -> GoogleMaster:
    """Create the master spreadsheet (fresh each time) in the initiative's Drive folder."""
    now = now or utc_now()
    return create_master(merged.initiative, master_spec(merged, now), client, title=title, now=now)


def create_master(
    initiative: Initiative,
    spec: WorkbookSpec,
    client: Client | HTTPClient | None = None,
    *,
    title: str | None = None,
    now: dt.datetime | None = None,
) -> GoogleMaster:
    language = initiative.language
    now = now or utc_now()
    http = http_of(client if client is not None else default_client(initiative))
    title = title or MASTER_TITLE[language].format(name=initiative.name, date=now.date().isoformat())
    editors = (
        [initiative.coordinator.email] if initiative.coordinator and initiative.coordinator.email else []
    )
    body = spreadsheet_body(
        spec,
        title=title,
        locale=initiative.google.locale,
        time_zone=initiative.google.time_zone,
        editors=editors,
    )
    created = sheets_call(http, "post", SHEETS_API, json=body)
    spreadsheet_id = str(created["spreadsheetId"])
    drive.place(
        http, spreadsheet_id, initiative.google.folder_id, drive.app_properties(initiative.id, MASTER_PARTNER)
    )
    return GoogleMaster(spreadsheet_id, spreadsheet_url(spreadsheet_id), title)
