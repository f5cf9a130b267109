"""Against the real Google APIs: runs only when TOOLKIT_GOOGLE_LIVE_CREDENTIALS is set, skipped otherwise.

What it does: generates ONE partner spreadsheet of the sample initiative with the real Sheets v4
and Drive v3 APIs, reads it back in one Sheets request, checks that pull recognises it, writes a
value as the owner and reads it again, then deletes the spreadsheet (and the manifest, kept in a
temporary folder).

Environment:
- TOOLKIT_GOOGLE_LIVE_CREDENTIALS (required): path to either
  * an OAuth token cached by `toolkit auth google` (usually ~/.config/toolkit/google-token.json), or
  * a service-account key file (JSON with "type": "service_account"); a plain service account has
    no Drive storage, so also set TOOLKIT_GOOGLE_LIVE_FOLDER to a folder of a shared drive where the
    service account is a Content manager;
- TOOLKIT_GOOGLE_LIVE_FOLDER (optional): Drive folder id to create the spreadsheet in;
- TOOLKIT_GOOGLE_LIVE_SHARE_WITH (optional): an email to share the test copy with (no notification).

    TOOLKIT_GOOGLE_LIVE_CREDENTIALS=~/.config/toolkit/google-token.json \\
        python3 -m pytest tests/test_gsheets_live.py -v

It costs about 6 requests and leaves nothing behind unless it fails half-way (then delete the
spreadsheet titled "… — Corporation de développement communautaire Hochelaga" by hand).
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from toolkit.backends.gsheets.auth import GoogleAuth, load_token, service_account_credentials
from toolkit.backends.gsheets.generate import generate_google
from toolkit.backends.gsheets.http import make_client
from toolkit.backends.gsheets.reader import read_spreadsheet
from toolkit.errors import BackendError
from toolkit.initiative import Initiative
from toolkit.read_copy import read_submission

CREDENTIALS = os.environ.get("TOOLKIT_GOOGLE_LIVE_CREDENTIALS")

pytestmark = pytest.mark.skipif(
    not CREDENTIALS, reason="live Google test: set TOOLKIT_GOOGLE_LIVE_CREDENTIALS to a token or key file"
)


def live_auth(path: Path) -> GoogleAuth:
    kind = json.loads(path.read_text(encoding="utf-8")).get("type")
    if kind == "service_account":
        return service_account_credentials(path)
    creds = load_token(path)
    if creds is None:
        raise BackendError(f"{path}: no usable OAuth token")
    return GoogleAuth(creds, "oauth", path)


def test_generate_read_back_and_clean_up(initiative: Initiative, tmp_path: Path) -> None:
    auth = live_auth(Path(str(CREDENTIALS)).expanduser())
    client = make_client(auth.credentials)
    partner = initiative.partners[0]
    share = os.environ.get("TOOLKIT_GOOGLE_LIVE_SHARE_WITH")
    live = dataclasses.replace(
        initiative,
        id=f"{initiative.id}-live-test",
        partners=(dataclasses.replace(partner, emails=(share,) if share else ()),),
        google=dataclasses.replace(
            initiative.google,
            folder_id=os.environ.get("TOOLKIT_GOOGLE_LIVE_FOLDER") or None,
            auth=auth.kind,
            notify=False,
            manifest=tmp_path / "manifest.json",
        ),
    )
    (copy,) = generate_google(live, client, progress=False)
    http = client.http_client
    try:
        raw = read_spreadsheet(copy.url, client)
        submission = read_submission(raw, live)
        assert submission.partner_id == partner.id
        assert raw.properties["toolkit.partner"] == partner.id
        http.request(
            "put",
            f"https://sheets.googleapis.com/v4/spreadsheets/{copy.spreadsheet_id}/values/B5",
            params={"valueInputOption": "RAW"},
            json={"values": [['=IMAGE("https://example.org/x.png")']]},
        )
        again = read_submission(read_spreadsheet(copy.url, client), live)
        cells = again.cells.set_index(["worksheet", "row", "column"])
        assert str(cells.loc[(live.kit.worksheets[0].id, "overview", "activities"), "value"]).startswith(
            "=IMAGE"
        )
    finally:
        http.request(
            "delete",
            f"https://www.googleapis.com/drive/v3/files/{copy.spreadsheet_id}",
            params={"supportsAllDrives": "true"},
        )
