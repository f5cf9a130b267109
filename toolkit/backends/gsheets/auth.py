"""Google credentials: the coordinator's own account (OAuth desktop flow) or a service account.

The narrowest scopes that work:
- the coordinator's account: `spreadsheets` (read and edit the Google Sheets the account can open:
  needed to read a copy a partner made with "Make a copy" and shared back) and `drive.file` (in
  Drive, only the files and folders the toolkit created or opened: placing, sharing, tagging);
- a service account: `spreadsheets` and `drive`. It sees only what was shared with it (its shared
  drive), and `drive.file` would hide the shared-drive folder a person made.
The OAuth token is cached in the user's configuration directory
(`$XDG_CONFIG_HOME/toolkit/google-token.json`, else `~/.config/toolkit/…`), written
atomically with mode 0600. Tokens and keys are never printed or logged: errors name the
file, never its content, and the objects here show no secret in their repr.
"""

from __future__ import annotations

import importlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from google.auth.credentials import Credentials
from google.auth.exceptions import GoogleAuthError
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from ...errors import BackendError, ConfigError
from ...initiative import GoogleSettings
from ...text import Language
from .messages import (
    AUTH_KIND,
    CLIENT_INVALID,
    CLIENT_NOT_FOUND,
    CLIENT_NOT_SET,
    KEY_INVALID,
    KEY_NOT_FOUND,
    NO_KEY_FILE,
    NOT_SIGNED_IN,
    ONLY_USER_TOKENS,
    TOKEN_NOT_WRITTEN,
    TOKEN_UNREADABLE,
    language_of,
)

SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive.file",
)
SERVICE_ACCOUNT_SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive",
)
# Reading the coordinator's Gmail over IMAP (XOAUTH2) needs Google's full-mail scope; it is asked for
# only when the initiative's `collect:` section says `auth: google` (see scopes_for).
MAIL_SCOPE = "https://mail.google.com/"
TOKEN_NAME = "google-token.json"
KEY_ENV = "GOOGLE_APPLICATION_CREDENTIALS"

FlowRunner = Callable[[Any], Credentials]  # InstalledAppFlow -> credentials (tests pass a stub)


def scopes_for(mail: bool) -> tuple[str, ...]:
    return (*SCOPES, MAIL_SCOPE) if mail else SCOPES


@dataclass(frozen=True)
class GoogleAuth:
    """Which account the toolkit acts as, and from where; repr shows no secret."""

    credentials: Credentials
    kind: str  # "oauth" or "service_account"
    source: Path  # token cache or key file

    def __repr__(self) -> str:
        return f"GoogleAuth(kind={self.kind!r}, source={str(self.source)!r})"


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME") or Path.home()) / ".config")
    return Path(base) / "toolkit"


def token_path(environ: Mapping[str, str] | None = None) -> Path:
    return config_dir(environ) / TOKEN_NAME


def save_token(credentials: Credentials, path: Path, language: Language = "fr") -> Path:
    """Write the OAuth token atomically, readable by its owner only (0600; the folder 0700 where the
    system has such modes: Windows keeps a user's profile folder private already)."""
    to_json = getattr(credentials, "to_json", None)
    if to_json is None:
        raise BackendError(ONLY_USER_TOKENS(language))
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temp, 0o600)  # not os.fchmod: Windows has it only from Python 3.13
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(to_json())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        reason = exc.strerror or str(exc)
        raise BackendError(TOKEN_NOT_WRITTEN(language).format(path=path, reason=reason)) from None
    return path


def load_token(path: Path, locale: str = "fr_CA", scopes: tuple[str, ...] = SCOPES) -> Credentials | None:
    """The cached OAuth credentials, or None when there are none usable."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        from_info: Callable[..., Credentials] = user_credentials.Credentials.from_authorized_user_info
        creds = from_info(info, list(scopes))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, GoogleAuthError):
        raise BackendError(TOKEN_UNREADABLE(language_of(locale)).format(path=path)) from None
    if not getattr(creds, "refresh_token", None) and not creds.valid:
        return None
    return creds


def service_account_credentials(
    key_file: Path | None, environ: Mapping[str, str] | None = None, locale: str = "fr_CA"
) -> GoogleAuth:
    env = os.environ if environ is None else environ
    key = key_file or (Path(env[KEY_ENV]) if env.get(KEY_ENV) else None)
    language = language_of(locale)
    if key is None:
        raise ConfigError(NO_KEY_FILE(language).format(variable=KEY_ENV))
    try:
        from_file: Callable[..., Credentials] = service_account.Credentials.from_service_account_file
        creds = from_file(str(key), scopes=list(SERVICE_ACCOUNT_SCOPES))
    except FileNotFoundError:
        raise ConfigError(KEY_NOT_FOUND(language).format(path=key)) from None
    except (OSError, ValueError, KeyError, GoogleAuthError):
        raise ConfigError(KEY_INVALID(language).format(path=key)) from None
    return GoogleAuth(creds, "service_account", key)


def run_oauth_flow(
    client_file: Path,
    runner: FlowRunner | None = None,
    scopes: tuple[str, ...] = SCOPES,
    locale: str = "fr_CA",
) -> Credentials:
    """Open the browser on Google's consent page and wait for the coordinator's answer."""
    flow_module = importlib.import_module("google_auth_oauthlib.flow")
    language = language_of(locale)
    try:
        flow = flow_module.InstalledAppFlow.from_client_secrets_file(str(client_file), scopes=list(scopes))
    except FileNotFoundError:
        raise ConfigError(CLIENT_NOT_FOUND(language).format(path=client_file)) from None
    except (ValueError, KeyError):
        raise ConfigError(CLIENT_INVALID(language).format(path=client_file)) from None
    if runner is not None:
        return runner(flow)
    creds: Credentials = flow.run_local_server(
        port=0,
        authorization_prompt_message="Ouvrez cette adresse / Open this address: {url}",
        success_message="Autorisation reçue, vous pouvez fermer cette fenêtre. / Done, you may close it.",
    )
    return creds


def load_credentials(
    settings: GoogleSettings,
    *,
    token_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    scopes: tuple[str, ...] = SCOPES,
) -> GoogleAuth:
    """Credentials for a run: the service account, or the cached OAuth token (never starts a browser)."""
    if settings.auth == "service_account":
        return service_account_credentials(settings.credentials, environ, settings.locale)
    if settings.auth != "oauth":
        raise ConfigError(AUTH_KIND(language_of(settings.locale)).format(value=settings.auth))
    path = token_file or token_path(environ)
    creds = load_token(path, settings.locale, scopes)
    if creds is None:
        raise BackendError(NOT_SIGNED_IN(language_of(settings.locale)))
    return GoogleAuth(creds, "oauth", path)


def authorize_google(
    settings: GoogleSettings,
    *,
    token_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    runner: FlowRunner | None = None,
    scopes: tuple[str, ...] = SCOPES,
) -> GoogleAuth:
    """`toolkit auth google`: run the consent flow (OAuth) or check the key file (service account).

    Returns where the token is cached (or which key is used); the token itself is never shown.
    """
    if settings.auth == "service_account":
        return service_account_credentials(settings.credentials, environ, settings.locale)
    if settings.credentials is None:
        raise ConfigError(CLIENT_NOT_SET(language_of(settings.locale)))
    if (
        not settings.credentials.is_file()
    ):  # said here, in the initiative's language (the flow is a test seam)
        raise ConfigError(CLIENT_NOT_FOUND(language_of(settings.locale)).format(path=settings.credentials))
    creds = run_oauth_flow(settings.credentials, runner, scopes)
    path = save_token(creds, token_file or token_path(environ), language_of(settings.locale))
    return GoogleAuth(creds, "oauth", path)
