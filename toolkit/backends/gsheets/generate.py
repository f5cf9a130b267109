"""generate --backend gsheets: one Google spreadsheet per partner, placed in Drive and shared.

Requests per partner on a fresh run (measured in tests/test_gsheets_cycle.py):
  1 Drive files.list (is there already a copy of this partner? see below)
  1 Drive files.create (an empty spreadsheet, already in the folder and tagged)
  1 Sheets spreadsheets.batchUpdate (the whole copy: tabs, cells, formats, validation, protection,
    metadata, in one atomic request; see `batch.py`)
  1 Drive permissions.create per partner email (2 for an address without a Google account)
plus, once per run when a folder is set, 1 Drive files.get that checks the folder before anything
is created (see `folder.py`). A partner already `shared` in the manifest costs nothing.

The same path serves the coordinator's account and a service account (which has no Drive storage,
so everything it makes must be created by Drive inside a shared drive). `via_drive=False` keeps the
older path: one Sheets `spreadsheets.create`, then one Drive `files.update` that tags and moves it.

No spreadsheet is created twice:
- the manifest is rewritten after each step (reserved, placed, shared), so a re-run resumes;
- before creating, Drive is asked for a spreadsheet tagged with this initiative and partner (a
  copy created by a run whose manifest was lost is adopted); tags are public `properties`, so a
  copy made through one credential is found through another;
- a create that fails in a way that may have been applied (5xx, dropped connection) is followed
  by look-ups for a bounded time (Drive's search is not read-after-write consistent): a copy
  found there, tagged or with developer metadata naming this initiative and partner, is adopted
  instead of creating another;
- if the look-ups miss it and a second copy is made, the next runs look again and move the
  orphan to the trash once Drive's search shows it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
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
from ...progress import copies_bar
from ...text import Language
from . import drive
from .auth import load_credentials
from .batch import batch_requests
from .build import spreadsheet_body
from .folder import Folder, resolve_folder
from .http import SHEETS_API, UncertainWrite, http_of, make_client, sheets_call, speak
from .manifest import Manifest, ManifestEntry, read_manifest
from .messages import DUPLICATES_TRASHED, INVITED_BY_EMAIL, language_of, say
from .sources import spreadsheet_url

CREATE_ATTEMPTS = 3
# After an uncertain create, look for it again after these pauses (seconds): Drive's search lags.
LOOK_AGAIN = (2.0, 4.0, 8.0, 16.0)
ORPHAN_CHECKS = 3  # later runs that look for a duplicate the look-ups could not see in time


@dataclass(frozen=True)
class GoogleCopy:
    partner_id: str
    spreadsheet_id: str
    url: str
    created_at: str
    shared_with: tuple[str, ...]
    status: str  # "created" (this run), "adopted" (found in Drive), "existing" (already in the manifest)
    invited_by_email: tuple[str, ...] = ()  # addresses without a Google account, invited by email
    trashed_duplicates: tuple[str, ...] = ()  # orphan copies of an interrupted create, now in the trash

    @property
    def where(self) -> str:
        return self.url

    def notices(self, language: Language) -> list[str]:
        """What the coordinator should know about this copy, in `language`."""
        lines = [say(INVITED_BY_EMAIL, language, email=email) for email in self.invited_by_email]
        if self.trashed_duplicates:
            lines.append(say(DUPLICATES_TRASHED, language, count=len(self.trashed_duplicates)))
        return lines


def copy_title(initiative: Initiative, partner: Partner) -> str:
    return f"{initiative.name} — {partner.name}"


def default_client(initiative: Initiative | GoogleSettings) -> Client:
    """The client for a run: the cached OAuth token or the service account of the initiative's settings."""
    settings = initiative.google if isinstance(initiative, Initiative) else initiative
    language = initiative.language if isinstance(initiative, Initiative) else language_of(settings.locale)
    return make_client(load_credentials(settings).credentials, language=language)


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
    create_folder: bool = False,
) -> list[GoogleCopy]:
    """Create, place and share one spreadsheet per partner (all, or those named); resume from the manifest.

    `create_folder`: when the configured folder cannot be seen (or none is set), create one named
    after the initiative and record it in the manifest. `via_drive=False`: the older path (Sheets
    create, then a Drive move), for the coordinator's own account only.
    """
    if not isinstance(initiative, Initiative):
        initiative = load_initiative(initiative)
    chosen = choose_partners(initiative, partners)
    path = manifest or initiative.google.manifest or Path(f"{initiative.id}_google_manifest.json")
    record = read_manifest(path, initiative.id, initiative.language)
    http = http_of(client if client is not None else default_client(initiative))
    speak(http, initiative.language)
    run = _Run(initiative, language or initiative.language, now or utc_now(), http, record)
    run.start = prefill or Prefill()
    run.via_drive = via_drive is not False or run.robot  # default: Drive creates, for every account
    run.create_folder = create_folder
    bar = copies_bar("Google Sheets", len(chosen), run.language, enabled=progress)
    made = []
    try:
        for partner in chosen:
            made.append(run.partner(partner))
            bar.update(1)
    finally:
        bar.close()
    return made


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
        self.via_drive = True
        self.create_folder = False
        self.robot = initiative.google.auth == "service_account"
        self.actor = acting_identity(http)
        self.start = Prefill()  # what copies start from (next round: the last master)
        self._folder: Folder | None = None

    @property
    def folder(self) -> Folder:
        """The checked folder, looked at once per run and only when something needs it."""
        if self._folder is None:
            self._folder = resolve_folder(
                self.http, self.initiative, self.manifest, create=self.create_folder, robot=self.robot
            )
        return self._folder

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
                self.folder.id,
                drive.tags(self.initiative.id, partner.id),
                private=self.folder.drive_id is None,
            )
            entry = self.manifest.advance(partner.id, "placed")
        if entry.status == "placed" or set(partner.emails) - set(entry.shared_with):
            entry = self._share(partner, entry)
        # a later run looks for the duplicate a lost create may have left (Drive's search lags)
        trashed = self._sweep_orphans(partner, entry) if entry.orphan_checks and status != "created" else ()
        return GoogleCopy(
            partner.id,
            entry.spreadsheet_id,
            entry.url,
            entry.created_at,
            entry.shared_with,
            status,
            entry.invited_by_email,
            trashed,
        )

    def _share(self, partner: Partner, entry: ManifestEntry) -> ManifestEntry:
        settings = self.initiative.google
        message = drive.share_message(self.initiative, partner, self.language)
        shared, invited = list(entry.shared_with), list(entry.invited_by_email)
        for email in partner.emails:
            if email not in shared:
                if drive.share(
                    self.http, entry.spreadsheet_id, email, notify=settings.notify, message=message
                ):
                    invited.append(email)  # no Google account: Google insists on an email invitation
                shared.append(email)
                self.manifest.advance(
                    partner.id, entry.status, shared_with=tuple(shared), invited_by_email=tuple(invited)
                )
        return self.manifest.advance(
            partner.id, "shared", shared_with=tuple(shared), invited_by_email=tuple(invited)
        )

    def _create_or_adopt(self, partner: Partner) -> tuple[ManifestEntry, str]:
        title = copy_title(self.initiative, partner)
        folder = self.folder  # checked before anything is created
        adopted = self._adoptable(partner, title)
        if adopted is not None:
            return adopted, "adopted"
        if self.via_drive:  # Drive creates the empty spreadsheet in the folder, tagged
            tags = drive.tags(self.initiative.id, partner.id)

            def reserve() -> ManifestEntry:
                made = drive.create_file(
                    self.http, title, folder.id, tags, in_shared_drive=folder.drive_id is not None
                )
                self.actor = self.actor or made.get("lastModifyingUser", {}).get("emailAddress")
                return self._record(partner, str(made["id"]), title, "reserved")

            return self._create_once(partner, title, reserve)
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
        lost = 0
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                entry = create()
            except UncertainWrite:
                adopted = self._look_again(partner, title)
                if adopted is not None:
                    return adopted, "adopted"
                lost += 1
                if attempt == CREATE_ATTEMPTS:
                    raise
            else:
                if lost:  # it may still show up once Drive's search catches up: look on later runs
                    entry = self.manifest.advance(partner.id, entry.status, orphan_checks=ORPHAN_CHECKS)
                return entry, "created"
        raise AssertionError("unreachable")  # pragma: no cover

    def _look_again(self, partner: Partner, title: str) -> ManifestEntry | None:
        """Drive's search is not read-after-write consistent: look for a bounded time (30 s)."""
        sleep: Callable[[float], None] = getattr(self.http, "sleep", time.sleep)
        for pause in (0.0, *LOOK_AGAIN):
            if pause:
                sleep(pause)
            found = self._adoptable(partner, title)
            if found is not None:
                return found
        return None

    def _adoptable(self, partner: Partner, title: str) -> ManifestEntry | None:
        """A copy of this partner already in Drive: tagged, or untagged with our metadata (a lost create)."""
        found = drive.find_copies(self.http, self.initiative.id, partner.id, title, self.folder.drive_id)
        tagged = [f for f in found if drive.is_tagged(f, self.initiative.id, partner.id)]
        if tagged:
            status = "reserved" if self.via_drive else "placed"
            return self._record(partner, str(tagged[0]["id"]), str(tagged[0].get("name", title)), status)
        for candidate in found:
            if drive.is_untagged(candidate) and self._metadata_names(str(candidate["id"]), partner):
                return self._record(partner, str(candidate["id"]), title, "created")
        return None

    def _sweep_orphans(self, partner: Partner, entry: ManifestEntry) -> tuple[str, ...]:
        """Trash the copies of this partner that a lost create left behind (1 Drive search)."""
        title = copy_title(self.initiative, partner)
        found = drive.find_copies(self.http, self.initiative.id, partner.id, title, self.manifest.drive_id)
        orphans = [
            str(f["id"])
            for f in found
            if str(f["id"]) != entry.spreadsheet_id
            and (
                drive.is_tagged(f, self.initiative.id, partner.id)
                or (drive.is_untagged(f) and self._metadata_names(str(f["id"]), partner))
            )
        ]
        for orphan in orphans:
            drive.trash(self.http, orphan)
        self.manifest.advance(
            partner.id, entry.status, orphan_checks=0 if orphans else entry.orphan_checks - 1
        )
        return tuple(orphans)

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
        return spreadsheet_body(
            spec,
            title=title,
            locale=initiative.google.locale,
            time_zone=initiative.google.time_zone,
            editors=protection_editors(initiative, self.actor),
        )


def acting_identity(http: HTTPClient) -> str | None:
    """The service account's address when the credentials say it (else learnt from Drive's answers)."""
    credentials = getattr(http, "session", None)
    for holder in (getattr(credentials, "credentials", None), getattr(http, "auth", None)):
        email = getattr(holder, "service_account_email", None)
        if isinstance(email, str) and "@" in email:
            return email
    return None


def protection_editors(initiative: Initiative, actor: str | None) -> list[str]:
    """Who may edit headers and labels: the identity that builds the copy and the coordinator."""
    coordinator = initiative.coordinator.email if initiative.coordinator else None
    return list(dict.fromkeys(e for e in (actor, coordinator) if e))
