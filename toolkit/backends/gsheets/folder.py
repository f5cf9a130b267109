"""Where new spreadsheets go: the initiative's Drive folder, checked before anything is created.

With the `drive.file` scope the toolkit sees only what it created: a folder made in Drive's web
interface is a 404. Creating a spreadsheet first and failing at the move would leave it behind on
every run, so the folder is looked at first (one Drive read), and the coordinator is offered to let
the toolkit create the folder itself (`--create-folder`); its id is then kept in the manifest.
A service account has no Drive storage: its folder must be in a shared drive.
"""

from __future__ import annotations

from dataclasses import dataclass

from gspread.http_client import HTTPClient

from ...errors import BackendError
from ...initiative import Initiative
from . import drive
from .manifest import Manifest
from .messages import FOLDER_INVISIBLE, NEEDS_SHARED_DRIVE, NOT_A_FOLDER, say


@dataclass(frozen=True)
class Folder:
    id: str | None  # None: the coordinator's My Drive
    drive_id: str | None  # the shared drive holding it, if any


def resolve_folder(
    http: HTTPClient, initiative: Initiative, manifest: Manifest, *, create: bool, robot: bool
) -> Folder:
    """The folder to create spreadsheets in, checked; created (and recorded) when asked to."""
    language = initiative.language
    wanted = manifest.folder_id or initiative.google.folder_id
    if wanted:
        info = drive.folder_info(http, wanted)
        if info is not None:
            can_add = info.get("capabilities", {}).get("canAddChildren", True)
            if info.get("mimeType") != drive.FOLDER_MIME or not can_add:
                raise BackendError(say(NOT_A_FOLDER, language, folder=wanted))
            found = Folder(wanted, info.get("driveId"))
            if robot and found.drive_id is None:
                raise BackendError(say(NEEDS_SHARED_DRIVE, language))
            if manifest.drive_id != found.drive_id:
                manifest.drive_id = found.drive_id
                manifest.save()
            return found
        if not create or robot:
            raise BackendError(say(FOLDER_INVISIBLE, language, folder=wanted, name=initiative.name))
    if robot:
        raise BackendError(say(NEEDS_SHARED_DRIVE, language))
    if not create:
        return Folder(None, None)
    made = drive.create_folder(http, initiative.name)
    manifest.record_folder(str(made["id"]), None)
    return Folder(str(made["id"]), None)
