"""Google as it really behaves (issue 14): each test names the numbered point it guards.

The stand-in plays what Google does and the toolkit first met on the real service: service accounts
without Drive storage, addresses without a Google account, the `drive.file` scope, expiring sign-ins,
stalled connections, quota minutes, a lagging Drive search, the 50,000-character cell limit,
protections, "Make a copy", private appProperties and shared-drive corpora.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from typing import Any

import pytest
from gspread import Client
from gspread.exceptions import APIError

from tests.conftest import FIXED_NOW, fill
from tests.google_standin import FOLDER, FakeGoogle, Fault
from tests.google_standin.identity import Grant
from toolkit import api
from toolkit.backends.gsheets.generate import GoogleCopy, generate_google
from toolkit.backends.gsheets.http import make_client
from toolkit.backends.gsheets.manifest import read_manifest
from toolkit.backends.gsheets.master import write_master_google
from toolkit.backends.gsheets.reader import read_spreadsheet
from toolkit.errors import BackendError
from toolkit.gaps import structure_messages
from toolkit.initiative import Initiative
from toolkit.read_copy import read_submission

COORDINATOR = "coordination@hochelaga-ensemble.example"
DOMAIN = "hochelaga-ensemble.example"
ROBOT = "toolkit@hochelaga-ensemble.iam.gserviceaccount.com"
OAUTH_SCOPES = ("spreadsheets", "drive.file")
ROBOT_SCOPES = ("spreadsheets", "drive")


@pytest.fixture
def fake() -> FakeGoogle:
    return FakeGoogle(seed=42)


def client_for(fake: FakeGoogle, user: str, grant: Grant | None = None) -> Client:
    """The toolkit's client acting as `user` (through `grant`), on the stand-in's fake clock."""
    return make_client(
        session=fake.session(user, grant),
        clock=lambda: fake.clock.now().timestamp(),
        sleep=fake.clock.sleep,
        rng=random.Random(3),
    )


def with_google(initiative: Initiative, tmp_path: Path, **settings: Any) -> Initiative:
    google = dataclasses.replace(initiative.google, manifest=tmp_path / "google_manifest.json", **settings)
    return dataclasses.replace(initiative, google=google)


def only(initiative: Initiative, *partner_ids: str, **changes: Any) -> Initiative:
    partners = tuple(
        dataclasses.replace(p, **changes) if changes else p
        for p in initiative.partners
        if p.id in partner_ids
    )
    return dataclasses.replace(initiative, partners=partners)


def generate(initiative: Initiative, client: Client, **kwargs: Any) -> list[GoogleCopy]:
    return generate_google(initiative, client, now=FIXED_NOW, progress=False, **kwargs)


def live_spreadsheets(fake: FakeGoogle) -> list[str]:
    return [i for i in fake.sheets if not fake.file(i).trashed]


@pytest.fixture
def shared_drive(fake: FakeGoogle) -> str:
    """A shared drive where the coordinator is manager and the robot content manager; the copies'
    folder was made by the coordinator in Drive's web interface. Returns the folder id."""
    fake.add_identity(ROBOT, kind="service_account")
    fake.add_identity(COORDINATOR, workspace_domain=DOMAIN)
    drive = fake.create_shared_drive(
        "Hochelaga ensemble", {COORDINATOR: "organizer", ROBOT: "fileOrganizer"}, domain=DOMAIN
    )
    folder = fake.drive.create(
        {"name": "Copies 2026", "mimeType": FOLDER, "parents": [drive.id]}, COORDINATOR
    )
    return folder.id


def robot(fake: FakeGoogle) -> Client:
    return client_for(fake, ROBOT, fake.grant(ROBOT, scopes=ROBOT_SCOPES, app="toolkit-robot"))


# --- 1. service account: the master too goes to the shared drive -----------------------------------


def test_1_a_service_account_writes_the_master_in_the_shared_drive(
    fake: FakeGoogle, initiative: Initiative, tmp_path: Path, shared_drive: str
) -> None:
    settings = {"auth": "service_account", "folder_id": shared_drive}
    google = with_google(only(initiative, "cdc-hochelaga"), tmp_path, **settings)
    local = api.generate(google, tmp_path / "xlsx", now=FIXED_NOW)
    fill(local[0].path, {("Canevas des progrès", "B5"): "Portrait du quartier"})
    merged = api.merge(api.pull([local[0].path], google), google)
    master = write_master_google(merged, robot(fake), now=FIXED_NOW)
    found = fake.file(master.spreadsheet_id)
    assert found.parents == [shared_drive] and fake.drive.drive_id(found) is not None
    again = read_submission(read_spreadsheet(master.url, robot(fake)), google)
    assert again.role == "master"
    cells = again.cells.set_index(["worksheet", "row", "column"])
    assert "Portrait du quartier" in str(cells.loc[("progress_canvas", "overview", "activities"), "value"])


def test_1_a_service_account_with_a_folder_outside_shared_drives_is_told_before_anything_is_made(
    fake: FakeGoogle, initiative: Initiative, tmp_path: Path
) -> None:
    fake.add_identity(ROBOT, kind="service_account")
    folder = fake.drive.create({"name": "Partagé avec le robot", "mimeType": FOLDER}, COORDINATOR)
    fake.gspread_client(COORDINATOR).insert_permission(
        folder.id, ROBOT, perm_type="user", role="writer", notify=False
    )
    google = with_google(initiative, tmp_path, auth="service_account", folder_id=folder.id)
    with pytest.raises(BackendError, match="Drive partagé"):
        generate(google, robot(fake), partners=["cdc-hochelaga"])
    assert fake.sheets == {}


# --- 2. partners without a Google account --------------------------------------------------------


def test_2_an_address_without_a_google_account_is_invited_by_email_and_reported(
    fake: FakeGoogle, initiative: Initiative, tmp_path: Path
) -> None:
    fake.add_identity("info@cuisinecollective.example", google_account=False)
    google = with_google(only(initiative, "cuisine-collective", "cdc-hochelaga"), tmp_path, notify=False)
    copies = {c.partner_id: c for c in generate(google, client_for(fake, COORDINATOR))}
    kitchen = copies["cuisine-collective"]
    writers = {
        p["emailAddress"] for p in fake.file(kitchen.spreadsheet_id).permissions if p["role"] == "writer"
    }
    assert writers == {"karim@cuisinecollective.example", "info@cuisinecollective.example"}
    assert [n.to for n in fake.drive.notifications] == ["info@cuisinecollective.example"]
    assert kitchen.invited_by_email == ("info@cuisinecollective.example",)
    assert copies["cdc-hochelaga"].invited_by_email == ()
    (notice,) = kitchen.notices("fr")
    assert "info@cuisinecollective.example" in notice and "pas de compte Google" in notice
    assert "no Google account" in kitchen.notices("en")[0]
    manifest = read_manifest(google.google.manifest or Path())
    assert manifest.entries["cuisine-collective"].invited_by_email == ("info@cuisinecollective.example",)


# --- 3. drive.file cannot see a folder made in Drive's web interface -------------------------------


def test_3_a_folder_the_app_cannot_see_stops_the_run_before_anything_is_created(
    fake: FakeGoogle, initiative: Initiative, tmp_path: Path
) -> None:
    folder = fake.drive.create({"name": "Copies", "mimeType": FOLDER}, COORDINATOR)  # made in the web UI
    google = with_google(only(initiative, "cdc-hochelaga", "bibliotheque"), tmp_path, folder_id=folder.id)
    client = client_for(fake, COORDINATOR, fake.grant(COORDINATOR, scopes=OAUTH_SCOPES))
    with pytest.raises(BackendError) as refused:
        generate(google, client)
    assert folder.id in str(refused.value) and "--create-folder" in str(refused.value)
    assert "n'a pas créé" in str(refused.value)  # the initiative is in French
    assert fake.sheets == {}  # nothing was created, so nothing is left half-done

    copies = generate(google, client, create_folder=True)
    made = read_manifest(google.google.manifest or Path()).folder_id
    assert made and made != folder.id and fake.file(made).name == google.name
    assert {fake.file(c.spreadsheet_id).parents[0] for c in copies} == {made}
    fake.log.clear()
    more = only(initiative, "cdc-hochelaga", "bibliotheque", "ecole-baril")
    generate(with_google(more, tmp_path, folder_id=folder.id), client)  # the recorded folder is used
    assert fake.file(live_spreadsheets(fake)[-1]).parents == [made]


# --- 4. an expired or revoked sign-in -------------------------------------------------------------


@pytest.mark.parametrize("how", ["testing-mode-7-days", "revoked"])
def test_4_an_expired_or_revoked_sign_in_says_to_sign_in_again(
    fake: FakeGoogle, initiative: Initiative, tmp_path: Path, how: str
) -> None:
    grant = fake.grant(COORDINATOR, scopes=OAUTH_SCOPES, testing=True)
    client = client_for(fake, COORDINATOR, grant)
    google = with_google(initiative, tmp_path)
    generate(google, client, partners=["cdc-hochelaga"])
    if how == "revoked":
        grant.revoked = True
    else:
        fake.clock.advance(8 * 24 * 3600)  # the next weekly run
    with pytest.raises(BackendError) as refused:
        generate(google, client, partners=["bibliotheque"])
    message = str(refused.value)
    assert "toolkit auth google" in message and "expiré ou a été révoquée" in message


def test_4_a_token_endpoint_out_of_reach_is_retried(
    fake: FakeGoogle, initiative: Initiative, tmp_path: Path
) -> None:
    grant = fake.grant(COORDINATOR, scopes=OAUTH_SCOPES)
    client = client_for(fake, COORDINATOR, grant)
    (copy,) = generate(with_google(initiative, tmp_path), client, partners=["cdc-hochelaga"])
    fake.clock.advance(2 * 3600)  # the access token expired: the next request refreshes it
    grant.transport_failures = 2
    assert read_spreadsheet(copy.url, client).sheet("Canevas des progrès") is not None


# --- 5. a stalled connection ----------------------------------------------------------------------


def test_5_a_stalled_connection_times_out_and_is_retried(
    fake: FakeGoogle, initiative: Initiative, tmp_path: Path
) -> None:
    client = client_for(fake, COORDINATOR)
    (copy,) = generate(with_google(initiative, tmp_path), client, partners=["cdc-hochelaga"])
    fake.inject("sheets.spreadsheets.get", ["stall"])
    before = fake.clock.now()
    assert read_spreadsheet(copy.url, client).sheet("Canevas des progrès") is not None
    waited = (fake.clock.now() - before).total_seconds()
    assert 0 < waited < 600 and fake.faults.pending() == 0


# --- 6. a quota minute used up elsewhere ----------------------------------------------------------


def test_6_the_retry_budget_outlasts_a_quota_minute(
    fake: FakeGoogle, initiative: Initiative, tmp_path: Path
) -> None:
    client = client_for(fake, COORDINATOR)
    (copy,) = generate(with_google(initiative, tmp_path), client, partners=["cdc-hochelaga"])
    fake.enable_quota()
    elsewhere = fake.gspread_client(COORDINATOR).open_by_key(copy.spreadsheet_id)  # another tool, same user
    for _ in range(59):
        elsewhere.fetch_sheet_metadata()
    assert fake.log.count(status=429) == 0
    raw = read_spreadsheet(copy.url, client, modified=False)  # 429s without Retry-After, then it refills
    assert raw.sheet("Canevas des progrès") is not None and fake.log.count(status=429) >= 1


# --- 7. Drive search lags behind writes -----------------------------------------------------------


def uncertain_creates(fake: FakeGoogle) -> None:
    for method in ("sheets.spreadsheets.create", "drive.files.create"):
        fake.inject(method, [Fault(500, after=True)])


def test_7_a_lost_create_is_found_although_search_lags(
    fake: FakeGoogle, initiative: Initiative, tmp_path: Path
) -> None:
    fake.drive.search_lag = 20
    uncertain_creates(fake)
    (copy,) = generate(
        with_google(initiative, tmp_path), client_for(fake, COORDINATOR), partners=["cdc-hochelaga"]
    )
    assert live_spreadsheets(fake) == [copy.spreadsheet_id]


def test_7_an_orphan_left_by_a_long_lag_is_trashed_on_a_later_run(
    fake: FakeGoogle, initiative: Initiative, tmp_path: Path
) -> None:
    fake.drive.search_lag = 3600
    uncertain_creates(fake)
    client = client_for(fake, COORDINATOR)
    google = with_google(initiative, tmp_path)
    (copy,) = generate(google, client, partners=["cdc-hochelaga"])
    assert len(live_spreadsheets(fake)) == 2  # the lost one could not be seen in time
    fake.clock.advance(2 * 3600)
    generate(google, client, partners=["cdc-hochelaga"])
    assert live_spreadsheets(fake) == [copy.spreadsheet_id]
    assert read_manifest(google.google.manifest or Path()).entries["cdc-hochelaga"].spreadsheet_id == (
        copy.spreadsheet_id
    )


# --- 8. the 50,000-character cell limit -----------------------------------------------------------


def test_8_a_merged_text_over_50000_characters_is_split_never_refused(
    fake: FakeGoogle, initiative: Initiative, tmp_path: Path
) -> None:
    google = with_google(initiative, tmp_path)
    local = {c.partner_id: c.path for c in api.generate(google, tmp_path / "xlsx", now=FIXED_NOW)}
    long_a, long_b = "A" * 30_000 + " fin A", "B" * 30_000 + " fin B"
    fill(local["cdc-hochelaga"], {("Canevas des progrès", "B5"): long_a})
    fill(local["ecole-baril"], {("Canevas des progrès", "B5"): long_b})
    merged = api.merge(api.pull([local["cdc-hochelaga"], local["ecole-baril"]], google), google)
    master = write_master_google(merged, client_for(fake, COORDINATOR), now=FIXED_NOW)
    snapshot = fake.snapshot(master.spreadsheet_id)
    texts = {
        tab["properties"]["title"]: [
            str(cell.get("userEnteredValue", {}).get("stringValue", ""))
            for grid in tab.get("data", [])
            for row in grid.get("rowData", [])
            for cell in row.get("values", [])
        ]
        for tab in snapshot["sheets"]
    }
    assert max(len(t) for values in texts.values() for t in values) <= 50_000
    assert any("Texte intégral" in t for t in texts["Canevas des progrès"])  # the cut is marked
    kept = "".join(texts["Texte intégral"])
    assert "fin A" in kept and "fin B" in kept and kept.count("A") >= 30_000


# --- 9. protections: explicit editors, no domain-wide editing --------------------------------------


def test_9_a_partner_in_the_coordinators_domain_cannot_edit_labels(
    fake: FakeGoogle, initiative: Initiative, tmp_path: Path
) -> None:
    fake.add_identity(COORDINATOR, workspace_domain=DOMAIN)
    volunteer = "benevoles@" + DOMAIN  # a partner whose address is in the coordinator's domain
    google = with_google(only(initiative, "cdc-hochelaga", emails=(volunteer,)), tmp_path)
    (copy,) = generate(google, client_for(fake, COORDINATOR))
    tab = fake.gspread_client(volunteer).open_by_key(copy.spreadsheet_id).worksheet("Canevas des progrès")
    tab.update(range_name="B5", values=[["Nos actions"]])  # input cell: open
    with pytest.raises(APIError, match="protected"):
        tab.update(range_name="A5", values=[["Autre libellé"]])
    for sheet in fake.snapshot(copy.spreadsheet_id)["sheets"]:
        for protected in sheet.get("protectedRanges", []):
            assert protected["editors"]["domainUsersCanEdit"] is False
            assert COORDINATOR in protected["editors"]["users"]


def test_9_the_robot_and_the_coordinator_are_the_editors_in_a_shared_drive(
    fake: FakeGoogle, initiative: Initiative, tmp_path: Path, shared_drive: str
) -> None:
    volunteer = "benevoles@" + DOMAIN
    google = with_google(
        only(initiative, "cdc-hochelaga", emails=(volunteer,)),
        tmp_path,
        auth="service_account",
        folder_id=shared_drive,
    )
    (copy,) = generate(google, robot(fake))
    for sheet in fake.snapshot(copy.spreadsheet_id)["sheets"]:
        for protected in sheet.get("protectedRanges", []):
            assert {ROBOT, COORDINATOR} <= set(protected["editors"]["users"])
            assert protected["editors"]["domainUsersCanEdit"] is False
    as_partner = fake.gspread_client(volunteer).open_by_key(copy.spreadsheet_id)
    with pytest.raises(APIError, match="protected"):
        as_partner.worksheet("Canevas des progrès").update(range_name="A5", values=[["x"]])
    as_coordinator = fake.gspread_client(COORDINATOR).open_by_key(copy.spreadsheet_id)
    as_coordinator.worksheet("Canevas des progrès").update(range_name="A4", values=[["Titre revu"]])


# --- 10. the smaller ones -------------------------------------------------------------------------


def test_10_a_partners_make_a_copy_without_modification_time_is_noted(
    fake: FakeGoogle, initiative: Initiative, tmp_path: Path
) -> None:
    client = client_for(fake, COORDINATOR, fake.grant(COORDINATOR, scopes=OAUTH_SCOPES))
    google = with_google(initiative, tmp_path)
    (copy,) = generate(google, client, partners=["cdc-hochelaga"])
    partner = fake.gspread_client("mdiallo@cdc-hochelaga.example")
    theirs = partner.copy(copy.spreadsheet_id, title="Copie de notre canevas")
    theirs.share(COORDINATOR, perm_type="user", role="writer", notify=False)
    raw = read_spreadsheet(theirs.url, client)  # Sheets reads it; Drive (drive.file) does not see it
    assert raw.modified is None
    submission = read_submission(raw, google)
    assert "modified_unknown" in {n.code for n in submission.notes}
    assert any("date de modification inconnue" in m for m in structure_messages(submission, google))


def test_10_b_a_move_whose_answer_was_lost_is_not_repeated_into_a_400(
    fake: FakeGoogle, initiative: Initiative, tmp_path: Path
) -> None:
    folder = fake.drive.create({"name": "Copies", "mimeType": FOLDER}, COORDINATOR)
    google = with_google(initiative, tmp_path, folder_id=folder.id)
    fake.inject("drive.files.update", [Fault(500, after=True)])
    (copy,) = generate(google, client_for(fake, COORDINATOR), partners=["cdc-hochelaga"], via_drive=False)
    assert fake.file(copy.spreadsheet_id).parents == [folder.id]
    assert fake.file(copy.spreadsheet_id).properties.get("toolkit_partner") == "cdc-hochelaga"


def test_10_c_copies_are_tagged_so_another_credential_finds_them(
    fake: FakeGoogle, initiative: Initiative, tmp_path: Path
) -> None:
    google = with_google(initiative, tmp_path)
    first = client_for(fake, COORDINATOR, fake.grant(COORDINATOR, scopes=("spreadsheets", "drive")))
    (copy,) = generate(google, first, partners=["cdc-hochelaga"])
    fake.gspread_client(COORDINATOR).open_by_key(copy.spreadsheet_id).update_title("CDC — canevas 2026")
    (google.google.manifest or Path()).unlink()
    other = client_for(
        fake, COORDINATOR, fake.grant(COORDINATOR, scopes=("spreadsheets", "drive"), app="other")
    )
    (again,) = generate(google, other, partners=["cdc-hochelaga"])
    assert again.spreadsheet_id == copy.spreadsheet_id and again.status == "adopted"
    assert live_spreadsheets(fake) == [copy.spreadsheet_id]


def test_10_d_a_service_account_finds_its_copies_in_the_shared_drive(
    fake: FakeGoogle, initiative: Initiative, tmp_path: Path, shared_drive: str
) -> None:
    google = with_google(initiative, tmp_path, auth="service_account", folder_id=shared_drive)
    (copy,) = generate(google, robot(fake), partners=["cdc-hochelaga"])
    (google.google.manifest or Path()).unlink()
    (again,) = generate(google, robot(fake), partners=["cdc-hochelaga"])
    assert again.spreadsheet_id == copy.spreadsheet_id and again.status == "adopted"
    listed = [r for r in fake.log.records if r.method_id == "drive.files.list"]
    assert listed and all(r.query.get("corpora") == ["drive"] for r in listed)


def test_10_e_text_typed_in_a_text_cell_stays_text(
    fake: FakeGoogle, initiative: Initiative, tmp_path: Path
) -> None:
    google = with_google(initiative, tmp_path)
    (copy,) = generate(google, client_for(fake, COORDINATOR), partners=["cdc-hochelaga"])
    tab = fake.gspread_client("mdiallo@cdc-hochelaga.example").open_by_key(copy.spreadsheet_id)
    tab.worksheet("Canevas des progrès").update(
        range_name="B5", values=[["1-2"]], value_input_option="USER_ENTERED"
    )
    cells = read_submission(read_spreadsheet(copy.url, client_for(fake, COORDINATOR)), google).cells
    value = cells.set_index(["worksheet", "row", "column"]).loc[
        ("progress_canvas", "overview", "activities"), "value"
    ]
    assert value == "1-2"


def test_10_f_partners_cannot_share_their_copy_further(
    fake: FakeGoogle, initiative: Initiative, tmp_path: Path
) -> None:
    google = with_google(initiative, tmp_path)
    (copy,) = generate(google, client_for(fake, COORDINATOR), partners=["cdc-hochelaga"])
    theirs = fake.gspread_client("mdiallo@cdc-hochelaga.example").open_by_key(copy.spreadsheet_id)
    with pytest.raises(APIError):
        theirs.share("ami@ailleurs.example", perm_type="user", role="writer", notify=False)


def test_10_g_the_readme_says_which_scopes_are_requested_and_why() -> None:
    from toolkit.backends.gsheets.auth import SCOPES

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = " ".join(readme.split("## Google Sheets", 1)[1].split("\n## ", 1)[0].split())
    assert "sees only the files it creates" not in section
    for scope in SCOPES:
        assert scope.rsplit("/", 1)[-1] in section


def test_2_the_cli_names_each_address_invited_by_email(
    monkeypatch: pytest.MonkeyPatch, initiative: Initiative
) -> None:
    from click.testing import CliRunner

    from tests.conftest import EXAMPLE
    from toolkit.cli import main

    invited = GoogleCopy(
        "cuisine-collective",
        "1" * 40,
        "https://docs.google.com/spreadsheets/d/" + "1" * 40,
        "",
        (),
        "created",
        invited_by_email=("info@cuisinecollective.example",),
    )
    seen: dict[str, Any] = {}

    def fake_generate(initiative: Initiative, out: Any, **options: Any) -> list[GoogleCopy]:
        seen.update(options)
        return [invited]

    monkeypatch.setattr(api, "generate", fake_generate)
    result = CliRunner().invoke(
        main, ["generate", "--config", str(EXAMPLE), "--backend", "gsheets", "--create-folder"]
    )
    assert result.exit_code == 0 and seen["settings"] == {"create_folder": True}
    assert result.stdout.splitlines()[0] == f"cuisine-collective\t{invited.url}"
    assert result.stderr.startswith("  ! info@cuisinecollective.example n'a pas de compte Google")
