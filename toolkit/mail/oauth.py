"""Google access tokens for reading the coordinator's Gmail over IMAP (SASL XOAUTH2).

The token comes from the sign-in `toolkit auth google` cached; that sign-in asks for Gmail's scope only
when the initiative's `collect:` section says `auth: google`. A sign-in made without it is refused here
with the command to run again, rather than failing later at the mail server. Service accounts cannot
read a person's Gmail (without domain-wide delegation): they are refused too.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..backends.gsheets.auth import MAIL_SCOPE, load_credentials, scopes_for, token_path
from ..backends.gsheets.messages import TOKEN_UNREADABLE
from ..errors import BackendError
from ..initiative import Initiative
from ..text import Language
from .words import MailError, say


def google_token(initiative: Initiative, token_file: Path | None = None) -> str:
    """A valid access token with Gmail's scope, refreshed when it has expired."""
    language = initiative.language
    if initiative.google.auth != "oauth":
        raise MailError(say("no_token", language))
    path = token_file or token_path()
    if MAIL_SCOPE not in _granted(path, language):
        raise MailError(say("no_mail_scope", language))
    credentials = load_credentials(
        initiative.google, token_file=path, scopes=scopes_for(mail=True)
    ).credentials
    if not credentials.valid:
        from google.auth.exceptions import GoogleAuthError
        from google.auth.transport.requests import Request

        try:
            credentials.refresh(Request())  # type: ignore[no-untyped-call]
        except GoogleAuthError:
            raise MailError(say("no_token", language)) from None
    token = credentials.token
    if not isinstance(token, str) or not token:
        raise MailError(say("no_token", language))
    return token


def _granted(path: Path, language: Language) -> set[str]:
    """The scopes the cached sign-in was given (as `toolkit auth google` saved them)."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return set()
    except (OSError, ValueError):
        raise BackendError(TOKEN_UNREADABLE(language).format(path=path)) from None
    scopes = info.get("scopes") if isinstance(info, dict) else None
    return set(scopes) if isinstance(scopes, list) else set(str(scopes or "").split())
