"""Where generate put each partner's spreadsheet: a small JSON file, rewritten atomically at each step.

An interrupted `generate --backend gsheets` reads it back and carries on: a partner whose copy
is `shared` is skipped, one whose copy is `created` or `placed` is finished, and no copy is ever
created twice.

    {"format": 1, "kind": "toolkit-google-manifest", "initiative": "hochelaga-ensemble",
     "folder": {"id": "1FoL…", "drive_id": null},
     "spreadsheets": [{"partner": "cdc-hochelaga", "spreadsheet_id": "1AbC…", "url": "https://…",
                       "title": "…", "created_at": "2026-11-02T09:30:00+00:00", "status": "shared",
                       "shared_with": ["m@example.org"], "invited_by_email": [],
                       "orphan_checks": 0}]}

`folder` is the Drive folder the toolkit created itself (`--create-folder`) or checked, and the
shared drive holding it; `invited_by_email` lists addresses without a Google account, invited by
email; `orphan_checks` counts the later runs still to look for a duplicate left by a create whose
answer was lost while Drive's search had not caught up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ...errors import ConfigError
from ...files import atomic_write
from ...text import Language
from .messages import MANIFEST_OTHER, MANIFEST_UNREADABLE, NO_MANIFEST

KIND = "toolkit-google-manifest"
FORMAT = 1
# created by Sheets (untagged, in My Drive) or reserved by Drive (tagged, in the folder, still empty);
# placed: complete, tagged and in the folder; shared: every partner email is a writer.
STATUSES = ("created", "reserved", "placed", "shared")


@dataclass(frozen=True)
class ManifestEntry:
    partner: str
    spreadsheet_id: str
    url: str
    title: str
    created_at: str
    status: str = "created"
    shared_with: tuple[str, ...] = ()
    invited_by_email: tuple[str, ...] = ()
    orphan_checks: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "partner": self.partner,
            "spreadsheet_id": self.spreadsheet_id,
            "url": self.url,
            "title": self.title,
            "created_at": self.created_at,
            "status": self.status,
            "shared_with": list(self.shared_with),
            "invited_by_email": list(self.invited_by_email),
            "orphan_checks": self.orphan_checks,
        }


@dataclass
class Manifest:
    path: Path
    initiative: str
    entries: dict[str, ManifestEntry] = field(default_factory=dict)
    folder_id: str | None = None
    drive_id: str | None = None  # the shared drive holding the folder, if any

    def record_folder(self, folder_id: str, drive_id: str | None) -> None:
        self.folder_id, self.drive_id = folder_id, drive_id
        self.save()

    def record(self, entry: ManifestEntry) -> ManifestEntry:
        """Add or update a partner's entry and rewrite the file atomically."""
        self.entries[entry.partner] = entry
        self.save()
        return entry

    def advance(self, partner: str, status: str, **changes: Any) -> ManifestEntry:
        return self.record(replace(self.entries[partner], status=status, **changes))

    def save(self) -> None:
        data = {
            "format": FORMAT,
            "kind": KIND,
            "initiative": self.initiative,
            "folder": {"id": self.folder_id, "drive_id": self.drive_id} if self.folder_id else None,
            "spreadsheets": [e.to_json() for e in self.entries.values()],
        }
        atomic_write(self.path, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def is_manifest(path: Path) -> bool:
    """A JSON file written by this module (checked by content, cheaply)."""
    try:
        if not path.is_file() or path.stat().st_size > 10_000_000:
            return False
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return head.lstrip().startswith(b"{") and KIND.encode() in head


def read_manifest(path: Path, initiative: str | None = None, language: Language = "en") -> Manifest:
    """The manifest at `path` (empty when the file does not exist yet); problems said in `language`."""
    if not path.exists():
        if initiative is None:
            raise ConfigError(NO_MANIFEST(language).format(path=path))
        return Manifest(path, initiative)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("kind") != KIND:
            raise ValueError("not a toolkit manifest")
        entries = {
            e["partner"]: ManifestEntry(
                partner=str(e["partner"]),
                spreadsheet_id=str(e["spreadsheet_id"]),
                url=str(e["url"]),
                title=str(e.get("title", "")),
                created_at=str(e.get("created_at", "")),
                status=str(e.get("status", "created")),
                shared_with=tuple(str(s) for s in e.get("shared_with", [])),
                invited_by_email=tuple(str(s) for s in e.get("invited_by_email", [])),
                orphan_checks=int(e.get("orphan_checks", 0)),
            )
            for e in data["spreadsheets"]
        }
        folder = data.get("folder") or {}
        folder_id = str(folder["id"]) if folder.get("id") else None
        drive_id = str(folder["drive_id"]) if folder.get("drive_id") else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(MANIFEST_UNREADABLE(language).format(path=path, reason=exc)) from None
    found = str(data.get("initiative", ""))
    if initiative is not None and found != initiative:
        raise ConfigError(MANIFEST_OTHER(language).format(path=path, found=found, initiative=initiative))
    return Manifest(path, found, entries, folder_id, drive_id)


def shared_links(path: Path | None) -> dict[str, str]:
    """Partner id -> spreadsheet URL for the copies already shared (a partner can open those);
    {} when there is no manifest yet."""
    if path is None or not path.is_file():
        return {}
    return {e.partner: e.url for e in read_manifest(path).entries.values() if e.status == "shared"}
