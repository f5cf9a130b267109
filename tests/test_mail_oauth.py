"""The Google sign-in for reading Gmail over IMAP: the mail scope only when asked, checked before use."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from google.oauth2.credentials import Credentials

from toolkit import api
from toolkit.backends.gsheets.auth import MAIL_SCOPE, SCOPES, save_token
from toolkit.initiative import CollectSettings, Initiative
from toolkit.mail.imap import mailbox_name, xoauth2
from toolkit.mail.oauth import google_token
from toolkit.mail.words import MailError


def credentials(scopes: tuple[str, ...]) -> Credentials:
    return Credentials(
        token="ya29.JETON-GMAIL",
        refresh_token="1//REFRESH",
        token_uri="https://oauth2.googleapis.com/token",
        client_id="cid.apps.googleusercontent.com",
        client_secret="SECRET",
        scopes=list(scopes),
        expiry=(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).replace(tzinfo=None),
    )


def test_the_sasl_string_is_what_google_and_microsoft_document() -> None:
    assert xoauth2("coordination@example.org", "ya29.abc") == (
        b"user=coordination@example.org\x01auth=Bearer ya29.abc\x01\x01"
    )


@pytest.mark.parametrize(
    ("name", "wire"),
    [("INBOX", '"INBOX"'), ("Copies reçues", '"Copies re&AOc-ues"'), ("R&D", '"R&-D"'), ('a"b', '"a\\"b"')],
    ids=["ascii", "accent", "ampersand", "quote"],
)
def test_folder_names_in_modified_utf7(name: str, wire: str) -> None:
    assert mailbox_name(name) == wire


def test_a_sign_in_without_gmail_access_is_refused_with_what_to_do(
    initiative: Initiative, tmp_path: Path
) -> None:
    token = save_token(credentials(SCOPES), tmp_path / "google-token.json")
    with pytest.raises(
        MailError, match="relancez « toolkit auth google --config … » et acceptez l'accès à Gmail"
    ):
        google_token(initiative, token)


def test_a_sign_in_with_gmail_access_gives_its_token(initiative: Initiative, tmp_path: Path) -> None:
    token = save_token(credentials((*SCOPES, MAIL_SCOPE)), tmp_path / "google-token.json")
    assert google_token(initiative, token) == "ya29.JETON-GMAIL"


def test_auth_google_asks_for_gmail_only_when_collect_says_so(
    initiative: Initiative, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = tmp_path / "client.json"
    client.write_text(
        json.dumps(
            {
                "installed": {
                    "client_id": "cid.apps.googleusercontent.com",
                    "client_secret": "SECRET",
                    "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                    "token_uri": "https://oauth2.googleapis.com/token",
                    "redirect_uris": ["http://localhost"],
                }
            }
        )
    )
    asked: list[tuple[str, ...]] = []

    def runner(flow: Any) -> Credentials:
        asked.append(tuple(flow.oauth2session.scope))
        return credentials(tuple(flow.oauth2session.scope))

    settings = dataclasses.replace(initiative.google, credentials=client)
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    api.authorize_google(settings, environ=env, runner=runner)
    api.authorize_google(settings, environ=env, runner=runner, mail=True)
    assert [MAIL_SCOPE in scopes for scopes in asked] == [False, True]

    from click.testing import CliRunner

    from tests.conftest import EXAMPLE
    from toolkit.cli import main

    config = tmp_path / "initiative.yaml"
    config.write_text(
        EXAMPLE.read_text(encoding="utf-8")
        + f"google: {{credentials: {client}}}\n"
        + "collect: {host: imap.gmail.com, username: coordination@example.org, auth: google}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg2"))
    from toolkit.backends.gsheets import auth

    def flow(client_file: Path, runner: Any = None, scopes: tuple[str, ...] = SCOPES) -> Credentials:
        asked.append(scopes)  # instead of opening a browser
        return credentials(scopes)

    monkeypatch.setattr(auth, "run_oauth_flow", flow)
    done = CliRunner().invoke(main, ["auth", "google", "--config", str(config)])
    assert done.exit_code == 0, done.output
    assert MAIL_SCOPE in asked[-1]


def test_collect_settings_from_the_initiative_file(tmp_path: Path) -> None:
    from tests.conftest import EXAMPLE
    from toolkit.initiative import load_initiative

    config = tmp_path / "initiative.yaml"
    config.write_text(
        EXAMPLE.read_text(encoding="utf-8")
        + "collect: {host: imap.example.org, username: retours@example.org, password_env: IMAP_PW,"
        " security: starttls, processed_folder: Copies reçues}\nmessages: modeles/\n",
        encoding="utf-8",
    )
    loaded = load_initiative(config)
    assert loaded.collect == CollectSettings(
        host="imap.example.org",
        username="retours@example.org",
        port=143,
        security="starttls",
        password_env="IMAP_PW",
        processed_folder="Copies reçues",
    )
    assert loaded.messages_dir == tmp_path / "modeles"
    config.write_text(
        EXAMPLE.read_text(encoding="utf-8") + "collect: {host: x, username: y, password: s3cret}\n",
        encoding="utf-8",
    )
    from toolkit.errors import ConfigError

    with pytest.raises(ConfigError, match="collect"):
        load_initiative(config)
