"""Drive v3 calls: place and tag a new spreadsheet, share it with one partner, find what exists.

Every call is one request. The coordinator's account keeps ownership: partners are added as
`writer` on their own copy only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from ...french import de
from ...i18n import long_date
from ...initiative import Initiative, Partner
from ...text import Language, Text
from .http import drive_call

FILES = "https://www.googleapis.com/drive/v3/files"
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
INITIATIVE_KEY = "toolkit_initiative"
PARTNER_KEY = "toolkit_partner"
FILE_FIELDS = "id,name,parents,appProperties,createdTime,modifiedTime"

SHARE_MESSAGE = Text(
    "Bonjour, voici la copie {de_partner} pour « {initiative} ». "
    "Remplissez les cellules jaunes de chaque onglet directement dans Google Sheets{deadline}. Merci!",
    "Hello, here is {partner}'s copy for “{initiative}”. "
    "Please fill in the yellow cells of each tab directly in Google Sheets{deadline}. Thank you!",
)
DEADLINE = Text(" d'ici le {date}", " by {date}")


def app_properties(initiative_id: str, partner_id: str) -> dict[str, str]:
    return {INITIATIVE_KEY: initiative_id, PARTNER_KEY: partner_id}


def share_message(initiative: Initiative, partner: Partner, language: Language) -> str:
    deadline = (
        DEADLINE(language).format(date=long_date(initiative.deadline, language))
        if initiative.deadline
        else ""
    )
    return SHARE_MESSAGE(language).format(
        partner=partner.name, de_partner=de(partner.name), initiative=initiative.name, deadline=deadline
    )


def place(
    http: HTTPClient, file_id: str, folder_id: str | None, properties: Mapping[str, str]
) -> dict[str, Any]:
    """One files.update: tag the file with appProperties and move it from My Drive into the folder."""
    params: dict[str, Any] = {"supportsAllDrives": "true", "fields": FILE_FIELDS}
    if folder_id:
        params["addParents"] = folder_id
        params["removeParents"] = "root"
    return drive_call(
        http, "patch", f"{FILES}/{file_id}", params=params, json={"appProperties": dict(properties)}
    )


def create_file(
    http: HTTPClient, name: str, folder_id: str | None, properties: Mapping[str, str]
) -> dict[str, Any]:
    """One files.create: an empty spreadsheet, already in the folder (a shared drive's) and tagged."""
    body: dict[str, Any] = {"name": name, "mimeType": SPREADSHEET_MIME, "appProperties": dict(properties)}
    if folder_id:
        body["parents"] = [folder_id]
    params = {"supportsAllDrives": "true", "fields": FILE_FIELDS}
    return drive_call(http, "post", FILES, params=params, json=body)


def share(
    http: HTTPClient, file_id: str, email: str, *, notify: bool, message: str | None = None
) -> dict[str, Any]:
    """One permissions.create: `email` becomes a writer of this file only."""
    params: dict[str, Any] = {
        "supportsAllDrives": "true",
        "sendNotificationEmail": "true" if notify else "false",
        "fields": "id,role,type,emailAddress",
    }
    if notify and message:
        params["emailMessage"] = message
    body = {"type": "user", "role": "writer", "emailAddress": email}
    return drive_call(http, "post", f"{FILES}/{file_id}/permissions", params=params, json=body)


def find_copies(http: HTTPClient, initiative_id: str, partner_id: str, title: str) -> list[dict[str, Any]]:
    """One files.list: spreadsheets tagged for this partner, or titled as its copy, oldest first.

    The title catches a `spreadsheets.create` whose answer was lost: Sheets made the file but the
    run never tagged it. The caller checks such an untagged file's developer metadata before use.
    """
    query = (
        f"mimeType = '{SPREADSHEET_MIME}' and trashed = false and ("
        f"(appProperties has {{ key='{INITIATIVE_KEY}' and value='{_quote(initiative_id)}' }}"
        f" and appProperties has {{ key='{PARTNER_KEY}' and value='{_quote(partner_id)}' }})"
        f" or name = '{_quote(title)}')"
    )
    return _list(http, query)


def is_tagged(found: Mapping[str, Any], initiative_id: str, partner_id: str) -> bool:
    tags = found.get("appProperties") or {}
    return bool(tags.get(INITIATIVE_KEY) == initiative_id and tags.get(PARTNER_KEY) == partner_id)


def is_untagged(found: Mapping[str, Any]) -> bool:
    return INITIATIVE_KEY not in (found.get("appProperties") or {})


def modified_time(http: HTTPClient, file_id: str) -> dt.datetime | None:
    """One files.get: when the spreadsheet last changed (None if Drive will not say)."""
    try:
        data = http.request(
            "get", f"{FILES}/{file_id}", params={"fields": "modifiedTime", "supportsAllDrives": "true"}
        ).json()
        return dt.datetime.fromisoformat(str(data["modifiedTime"]).replace("Z", "+00:00"))
    except (APIError, KeyError, ValueError, TypeError):
        return None


def _list(http: HTTPClient, query: str) -> list[dict[str, Any]]:
    params = {
        "q": query,
        "fields": f"files({FILE_FIELDS})",
        "orderBy": "createdTime",
        "pageSize": "100",
        "supportsAllDrives": "true",
        "includeItemsFromAllDrives": "true",
        "spaces": "drive",
    }
    data = drive_call(http, "get", FILES, params=params)
    files: Sequence[dict[str, Any]] = data.get("files", [])
    return list(files)


def _quote(value: str) -> str:
    """A value inside a Drive query string literal."""
    return value.replace("\\", "\\\\").replace("'", "\\'")
