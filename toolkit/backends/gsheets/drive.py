"""Drive v3 calls: place and tag a new spreadsheet, share it with one partner, find what exists.

Every call is one request (a refused invitation or a repeated move costs one more). The
coordinator's account (or the shared drive) keeps ownership: partners are added as `writer` on
their own copy only, and may not share it further (`writersCanShare: false`, outside shared drives
where the drive's own sharing setting applies).

Copies are tagged with public `properties` (toolkit_initiative, toolkit_partner): `appProperties`
are private to the OAuth client that wrote them, so a copy made through the coordinator's OAuth
client would be invisible to a service account or a new client. Older copies tagged with
`appProperties` are still recognised.
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
from .http import drive_call, refused

FILES = "https://www.googleapis.com/drive/v3/files"
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
INITIATIVE_KEY = "toolkit_initiative"
PARTNER_KEY = "toolkit_partner"
FOLDER_MIME = "application/vnd.google-apps.folder"
FILE_FIELDS = "id,name,parents,appProperties,properties,createdTime,modifiedTime,driveId"
CREATED_FIELDS = FILE_FIELDS + ",lastModifyingUser(emailAddress)"

SHARE_MESSAGE = Text(
    "Bonjour, voici la copie {de_partner} pour « {initiative} ». "
    "Remplissez les cellules jaunes de chaque onglet directement dans Google Sheets{deadline}. Merci!",
    "Hello, here is {partner}'s copy for “{initiative}”. "
    "Please fill in the yellow cells of each tab directly in Google Sheets{deadline}. Thank you!",
)
DEADLINE = Text(" d'ici le {date}", " by {date}")


def tags(initiative_id: str, partner_id: str) -> dict[str, str]:
    return {INITIATIVE_KEY: initiative_id, PARTNER_KEY: partner_id}


app_properties = tags  # the former name


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
    http: HTTPClient,
    file_id: str,
    folder_id: str | None,
    properties: Mapping[str, str],
    *,
    private: bool = True,
) -> dict[str, Any]:
    """One files.update: tag the file and move it from My Drive into the folder.

    Drive refuses (400) to add a parent the file already has: when a move whose answer was lost is
    repeated, the file is looked at and the move counts as done if the folder is already its parent.
    """
    params: dict[str, Any] = {"supportsAllDrives": "true", "fields": FILE_FIELDS}
    body = _tag_body(properties, private=private)
    if folder_id:
        params["addParents"] = folder_id
        params["removeParents"] = "root"
    try:
        answer: dict[str, Any] = http.request("patch", f"{FILES}/{file_id}", params=params, json=body).json()
        return answer
    except APIError as exc:
        if not folder_id or exc.code != 400:
            raise refused(http, "Drive", "PATCH", "files/" + file_id, exc) from None
        current = drive_call(
            http, "get", f"{FILES}/{file_id}", params={"fields": "parents", "supportsAllDrives": "true"}
        )
        if folder_id not in current.get("parents", []):
            raise refused(http, "Drive", "PATCH", "files/" + file_id, exc) from None
    params = {"supportsAllDrives": "true", "fields": FILE_FIELDS}
    return drive_call(http, "patch", f"{FILES}/{file_id}", params=params, json=body)


def _tag_body(properties: Mapping[str, str], *, private: bool) -> dict[str, Any]:
    """Public tags (every credential sees them); `private`: partners may not share the file further."""
    body: dict[str, Any] = {"properties": dict(properties)}
    if private:
        body["writersCanShare"] = False
    return body


def create_file(
    http: HTTPClient,
    name: str,
    folder_id: str | None,
    properties: Mapping[str, str],
    *,
    in_shared_drive: bool = False,
) -> dict[str, Any]:
    """One files.create: an empty spreadsheet, already in the folder and tagged."""
    body: dict[str, Any] = {
        "name": name,
        "mimeType": SPREADSHEET_MIME,
        **_tag_body(properties, private=not in_shared_drive),
    }
    if folder_id:
        body["parents"] = [folder_id]
    params = {"supportsAllDrives": "true", "fields": CREATED_FIELDS}
    return drive_call(http, "post", FILES, params=params, json=body)


def create_folder(http: HTTPClient, name: str) -> dict[str, Any]:
    """One files.create: a folder in the coordinator's My Drive, made (and so visible) by the toolkit."""
    body = {"name": name, "mimeType": FOLDER_MIME}
    return drive_call(
        http, "post", FILES, params={"fields": "id,name,driveId", "supportsAllDrives": "true"}, json=body
    )


def folder_info(http: HTTPClient, folder_id: str) -> dict[str, Any] | None:
    """One files.get: the folder as this credential sees it, or None when it cannot see it."""
    params: dict[str, Any] = {
        "fields": "id,name,mimeType,driveId,capabilities(canAddChildren)",
        "supportsAllDrives": "true",
    }
    try:
        found: dict[str, Any] = http.request("get", f"{FILES}/{folder_id}", params=params).json()
    except APIError as exc:
        if exc.code in (403, 404):
            return None
        raise refused(http, "Drive", "GET", "files/" + folder_id, exc) from None
    return found


def share(http: HTTPClient, file_id: str, email: str, *, notify: bool, message: str | None = None) -> bool:
    """One permissions.create: `email` becomes a writer of this file only.

    Google refuses to share silently with an address that has no Google account (400
    invalidSharingRequest): such an address is invited by email instead. Returns True then.
    """
    try:
        _permission(http, file_id, email, notify=notify, message=message)
    except APIError as exc:
        reasons = {e.get("reason") for e in exc.error.get("errors", []) if isinstance(e, dict)}
        if notify or exc.code != 400 or "invalidSharingRequest" not in reasons:
            raise refused(http, "Drive", "POST", f"files/{file_id}/permissions", exc) from None
        _permission(http, file_id, email, notify=True, message=message)
        return True
    return False


def _permission(http: HTTPClient, file_id: str, email: str, *, notify: bool, message: str | None) -> None:
    params: dict[str, Any] = {
        "supportsAllDrives": "true",
        "sendNotificationEmail": "true" if notify else "false",
        "fields": "id,role,type,emailAddress",
    }
    if notify and message:
        params["emailMessage"] = message
    body = {"type": "user", "role": "writer", "emailAddress": email}
    http.request("post", f"{FILES}/{file_id}/permissions", params=params, json=body)


def trash(http: HTTPClient, file_id: str) -> None:
    """One files.update: to the trash (recoverable for 30 days), never deleted outright."""
    drive_call(
        http,
        "patch",
        f"{FILES}/{file_id}",
        params={"supportsAllDrives": "true", "fields": "id"},
        json={"trashed": True},
    )


def find_copies(
    http: HTTPClient, initiative_id: str, partner_id: str, title: str, drive_id: str | None = None
) -> list[dict[str, Any]]:
    """One files.list: spreadsheets tagged for this partner, or titled as its copy, oldest first.

    The title catches a `spreadsheets.create` whose answer was lost: Sheets made the file but the
    run never tagged it. The caller checks such an untagged file's developer metadata before use.
    In a shared drive the search must name it (`corpora=drive`): the default corpus holds only
    files shared with the account directly, not those it reaches as a member of the drive.
    """
    tagged = " or ".join(
        f"({kind} has {{ key='{INITIATIVE_KEY}' and value='{_quote(initiative_id)}' }}"
        f" and {kind} has {{ key='{PARTNER_KEY}' and value='{_quote(partner_id)}' }})"
        for kind in ("properties", "appProperties")
    )
    query = f"mimeType = '{SPREADSHEET_MIME}' and trashed = false and ({tagged} or name = '{_quote(title)}')"
    return _list(http, query, drive_id)


def _tags_of(found: Mapping[str, Any]) -> Mapping[str, str]:
    return found.get("properties") or found.get("appProperties") or {}


def is_tagged(found: Mapping[str, Any], initiative_id: str, partner_id: str) -> bool:
    tags = _tags_of(found)
    return bool(tags.get(INITIATIVE_KEY) == initiative_id and tags.get(PARTNER_KEY) == partner_id)


def is_untagged(found: Mapping[str, Any]) -> bool:
    return INITIATIVE_KEY not in _tags_of(found)


def modified_time(http: HTTPClient, file_id: str) -> dt.datetime | None:
    """One files.get: when the spreadsheet last changed (None if Drive will not say)."""
    try:
        data = http.request(
            "get", f"{FILES}/{file_id}", params={"fields": "modifiedTime", "supportsAllDrives": "true"}
        ).json()
        return dt.datetime.fromisoformat(str(data["modifiedTime"]).replace("Z", "+00:00"))
    except (APIError, KeyError, ValueError, TypeError):
        return None


def _list(http: HTTPClient, query: str, drive_id: str | None = None) -> list[dict[str, Any]]:
    params = {
        "q": query,
        "fields": f"files({FILE_FIELDS})",
        "orderBy": "createdTime",
        "pageSize": "100",
        "supportsAllDrives": "true",
        "includeItemsFromAllDrives": "true",
        "spaces": "drive",
    }
    if drive_id:
        params.update(corpora="drive", driveId=drive_id)
    data = drive_call(http, "get", FILES, params=params)
    files: Sequence[dict[str, Any]] = data.get("files", [])
    return list(files)


def _quote(value: str) -> str:
    """A value inside a Drive query string literal."""
    return value.replace("\\", "\\\\").replace("'", "\\'")
