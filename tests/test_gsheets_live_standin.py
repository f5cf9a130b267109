"""The live Google test, run against the stand-in, so it stays runnable for a coordinator with real
credentials (its own run is skipped here: no credentials, no network).

The token file holds a stand-in access token for a `drive.file` grant, as `toolkit auth google` would
cache a real one; every request goes to the stand-in (`patch_requests`), nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from gspread.exceptions import APIError

from tests import test_gsheets_live as live
from tests.google_standin import FOLDER, FakeGoogle
from tests.google_standin.server import TOKEN_PREFIX
from toolkit.backends.gsheets.http import make_client
from toolkit.initiative import Initiative

COORDINATOR = "coordination@hochelaga-ensemble.example"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeGoogle:
    fake = FakeGoogle(seed=7)
    grant = fake.grant(COORDINATOR)
    token = tmp_path / "google-token.json"
    token.write_text(
        json.dumps(
            {
                "token": TOKEN_PREFIX + grant.token(),
                "refresh_token": "stand-in",
                "client_id": "stand-in",
                "client_secret": "stand-in",
                "expiry": "2099-01-01T00:00:00Z",
                "scopes": ["https://www.googleapis.com/auth/spreadsheets"],
            }
        ),
        encoding="utf-8",
    )
    fake.add_identity("info@sans-compte.example", google_account=False)
    folder = fake.drive.create({"name": "Fait à la main", "mimeType": FOLDER}, COORDINATOR)
    for name, value in {
        "TOOLKIT_GOOGLE_LIVE_NO_ACCOUNT_EMAIL": "info@sans-compte.example",
        "TOOLKIT_GOOGLE_LIVE_UI_FOLDER": folder.id,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(live, "CREDENTIALS", str(token))
    return fake


def run_live(fake: FakeGoogle, name: str, initiative: Initiative, tmp_path: Path) -> None:
    with fake.patch_requests():
        auth = live.live_auth(Path(str(live.CREDENTIALS)))
        client = make_client(
            auth.credentials, clock=lambda: fake.clock.now().timestamp(), sleep=fake.clock.sleep
        )
        made: list[str] = []
        try:
            getattr(live, name)(initiative, auth, client, made, tmp_path)
        finally:
            for file_id in reversed(made):  # as the live test's own fixture does
                with contextlib.suppress(APIError):
                    client.http_client.request(
                        "delete", f"{live.FILES}/{file_id}", params={"supportsAllDrives": "true"}
                    )
    left = [f.name for f in fake.drive.files.values() if f.mime_type.endswith("spreadsheet")]
    assert left == []  # the live test cleans up after itself


@pytest.mark.parametrize(
    "name",
    [
        "test_cycle_master_invitations_and_protections",
        "test_a_folder_made_by_hand_is_refused_before_creating_anything",
    ],
)
def test_the_live_test_runs_against_the_stand_in(
    fake: FakeGoogle, initiative: Initiative, tmp_path: Path, name: str
) -> None:
    run_live(fake, name, initiative, tmp_path)
