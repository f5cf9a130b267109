"""generate --backend gsheets: one Google spreadsheet per partner, placed in Drive and shared.

Requests per partner on a fresh run (measured in tests/test_gsheets_cycle.py):
  1 Drive files.list (is there already a copy of this partner? see below)
  1 Sheets spreadsheets.create (the whole copy: tabs, cells, formats, validation, protection, metadata)
  1 Drive files.update (tag with appProperties and move into the folder)
  1 Drive permissions.create per partner email
A partner already `shared` in the manifest costs nothing.

With a service account (`google.auth: service_account`) the spreadsheet is created by Drive
`files.create` directly in the (shared-drive) folder, already tagged, and filled by one Sheets
`spreadsheets.batchUpdate` (see `batch.py`): 1 Drive list + 1 Drive create + 1 Sheets write +
1 Drive permission per email, the same count.

No spreadsheet is created twice:
- the manifest is rewritten after each step (created, placed, shared), so a re-run resumes;
- before creating, Drive is asked for a spreadsheet tagged with this initiative and partner (a
  copy created by a run whose manifest was lost is adopted);
- a create that fails in a way that may have been applied (5xx, dropped connection) is followed
  by a look-up by title, and a spreadsheet found there whose developer metadata names this
  initiative and partner is adopted instead of creating another (one more Drive list and one
  Sheets read, only on that path).
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gspread import Client
from gspread.http_client import HTTPClient

from ...clock import utc_now
from ...generate import Prefill, choose_partners, partner_spec
from ...initiative import GoogleSettings, Initiative, Partner, load_initiative
from ...layout import workbook_layout
from ...metadata import PROPERTY_PREFIX
from ...text import Language
from . import drive
from .auth import load_credentials
from .batch import batch_requests
from .build import spreadsheet_body
from .http import SHEETS_API, UncertainWrite, http_of, make_client, sheets_call
from .manifest import Manifest, ManifestEntry, read_manifest
from .sources import spreadsheet_url

CREATE_ATTEMPTS = 3


@dataclass(frozen=True)
class GoogleCopy:
    partner_id: str
    spreadsheet_id: str
    url: str
    created_at: str
    shared_with: tuple[str, ...]
    status: str  # "created" (this run), "adopted" (found in Drive), "existing" (already in the manifest)

    @property
    def where(self) -> str:
        return self.url


def copy_title(initiative: Initiative, partner: Partner) -> str:
    return f"{initiative.name} — {partner.name}"


def default_client(initiative: Initiative | GoogleSettings) -> Client:
    """The client for a run: the cached OAuth token or the service account of the initiative's settings."""
    settings = initiative.google if isinstance(initiative, Initiative) else initiative
    return make_client(load_credentials(settings).credentials)


def generate_google(
    initiative: Initiative | Path | str,
    client: Client | HTTPClient | None = None,
    *,
    language: Language | None = None,
    partners: Sequence[str] = (),
    now: dt.datetime | None = None,
    progress: bool = True,
    manifest: Path | None = None,
    via_drive: bool | None = None,
    prefill: Prefill | None = None,
) -> list[GoogleCopy]:
    """Create, place and share one spreadsheet per partner (all, or those named); resume from the manifest.

    `via_drive` (default: when the initiative uses a service account) creates each spreadsheet with
    Drive in the folder, then fills it with one batchUpdate.
    """
    if not isinstance(initiative, Initiative):
        initiative = load_initiative(initiative)
    chosen = choose_partners(initiative, partners)
    path = manifest or initiative.google.manifest or Path(f"{initiative.id}_google_manifest.json")
    record = read_manifest(path, initiative.id)
    http = http_of(client if client is not None else default_client(initiative))
    run = _Run(initiative, language or initiative.language, now or utc_now(), http, record)
    run.start = prefill or Prefill()
    run.via_drive = initiative.google.auth == "service_account" if via_drive is None else via_drive
    return [run.partner(p) for p in _progress(chosen, progress, run.language)]


class _Run:
    def __init__(
        self,
        initiative: Initiative,
        language: Language,
        now: dt.datetime,
        http: HTTPClient,
        manifest: Manifest,
    ) -> None:
        self.initiative = initiative
        self.language = language
        self.now = now
        self.http = http
        self.manifest = manifest
        self.layout = workbook_layout(initiative.kit, language)
        self.via_drive = False
        self.start = Prefill()  # what copies start from (next round: the last master)

    def partner(self, partner: Partner) -> GoogleCopy:
        entry = self.manifest.entries.get(partner.id)
        status = "existing"
        if entry is None:
            entry, status = self._create_or_adopt(partner)
        if entry.status == "reserved":
            entry = self._fill(partner, entry, fresh=status == "created")
        if entry.status == "created":
            drive.place(
                self.http,
                entry.spreadsheet_id,
                self.initiative.google.folder_id,
                drive.app_properties(self.initiative.id, partner.id),
            )
            entry = self.manifest.advance(partner.id, "placed")
        if entry.status == "placed" or set(partner.emails) - set(entry.shared_with):
            entry = self._share(partner, entry)
        return GoogleCopy(
            partner.id, entry.spreadsheet_id, entry.url, entry.created_at, entry.shared_with, status
        )

    def _share(self, partner: Partner, entry: ManifestEntry) -> ManifestEntry:
        settings = self.initiative.google
        message = drive.share_message(self.initiative, partner, self.language) if settings.notify else None
        shared = list(entry.shared_with)
        for email in partner.emails:
            if email not in shared:
                drive.share(self.http, entry.spreadsheet_id, email, notify=settings.notify, message=message)
                shared.append(email)
                self.manifest.advance(partner.id, entry.status, shared_with=tuple(shared))
        return self.manifest.advance(partner.id, "shared", shared_with=tuple(shared))

    def _create_or_adopt(self, partner: Partner) -> tuple[ManifestEntry, str]:
        title = copy_title(self.initiative, partner)
        adopted = self._adoptable(partner, title)
        if adopted is not None:
            return adopted, "adopted"
        if self.via_drive:  # Drive creates the empty spreadsheet in the folder, tagged (shared drives)
            tags = drive.app_properties(self.initiative.id, partner.id)
            folder = self.initiative.google.folder_id
            return self._create_once(
                partner,
                title,
                lambda: self._record(
                    partner, str(drive.create_file(self.http, title, folder, tags)["id"]), title, "reserved"
                ),
            )
        body = self._body(partner, title)
        return self._create_once(
            partner,
            title,
            lambda: self._record(
                partner,
                str(sheets_call(self.http, "post", SHEETS_API, json=body)["spreadsheetId"]),
                title,
                "created",
            ),
        )

    def _create_once(
        self, partner: Partner, title: str, create: Callable[[], ManifestEntry]
    ) -> tuple[ManifestEntry, str]:
        """Create; after an uncertain answer, adopt the copy Google may have made anyway, else try again."""
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                return create(), "created"
            except UncertainWrite:
                adopted = self._adoptable(partner, title)
                if adopted is not None:
                    return adopted, "adopted"
                if attempt == CREATE_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _adoptable(self, partner: Partner, title: str) -> ManifestEntry | None:
        """A copy of this partner already in Drive: tagged, or untagged with our metadata (a lost create)."""
        found = drive.find_copies(self.http, self.initiative.id, partner.id, title)
        tagged = [f for f in found if drive.is_tagged(f, self.initiative.id, partner.id)]
        if tagged:
            status = "reserved" if self.via_drive else "placed"
            return self._record(partner, str(tagged[0]["id"]), str(tagged[0].get("name", title)), status)
        for candidate in found:
            if drive.is_untagged(candidate) and self._metadata_names(str(candidate["id"]), partner):
                return self._record(partner, str(candidate["id"]), title, "created")
        return None

    def _fill(self, partner: Partner, entry: ManifestEntry, *, fresh: bool) -> ManifestEntry:
        """One batchUpdate writes the whole copy into a reserved spreadsheet (unless a lost one did)."""
        if fresh or not self._metadata_names(entry.spreadsheet_id, partner):
            body = batch_requests(self._body(partner, entry.title))
            url = f"{SHEETS_API}/{entry.spreadsheet_id}:batchUpdate"
            try:
                sheets_call(self.http, "post", url, json=body)
            except UncertainWrite:
                if not self._metadata_names(entry.spreadsheet_id, partner):
                    raise
        return self.manifest.advance(partner.id, "placed")

    def _metadata_names(self, spreadsheet_id: str, partner: Partner) -> bool:
        """Does this spreadsheet's developer metadata say it is our copy for `partner`? (1 Sheets read)"""
        data = sheets_call(
            self.http,
            "get",
            f"{SHEETS_API}/{spreadsheet_id}",
            params={"fields": "developerMetadata(metadataKey,metadataValue)"},
        )
        meta = {m.get("metadataKey"): m.get("metadataValue") for m in data.get("developerMetadata", [])}
        return (
            meta.get(f"{PROPERTY_PREFIX}initiative") == self.initiative.id
            and meta.get(f"{PROPERTY_PREFIX}partner") == partner.id
        )

    def _record(self, partner: Partner, spreadsheet_id: str, title: str, status: str) -> ManifestEntry:
        return self.manifest.record(
            ManifestEntry(
                partner=partner.id,
                spreadsheet_id=spreadsheet_id,
                url=spreadsheet_url(spreadsheet_id),
                title=title,
                created_at=self.now.isoformat(),
                status=status,
            )
        )

    def _body(self, partner: Partner, title: str) -> dict[str, Any]:
        initiative = self.initiative
        spec = partner_spec(initiative, self.layout, self.now, partner, self.start)
        editors = (
            [initiative.coordinator.email] if initiative.coordinator and initiative.coordinator.email else []
        )
        return spreadsheet_body(
            spec,
            title=title,
            locale=initiative.google.locale,
            time_zone=initiative.google.time_zone,
            editors=editors,
        )


def _progress(items: Sequence[Partner], enabled: bool, language: Language) -> Iterable[Partner]:
    """A tqdm bar on stderr when it is a terminal (and `enabled`); the plain list otherwise."""
    if not enabled or not sys.stderr.isatty():
        return items
    tqdm: Any = importlib.import_module("tqdm").tqdm
    bar: Iterable[Partner] = tqdm(
        items, desc="Google Sheets", unit=" copie" if language == "fr" else " copy", file=sys.stderr
    )
    return bar
