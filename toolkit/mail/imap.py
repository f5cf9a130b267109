"""The coordinator's mailbox over IMAP (imaplib): connect with TLS, sign in, list, fetch, flag, move.

Only what collect needs, and nothing that deletes: no EXPUNGE, no \\Deleted. Messages are read with
BODY.PEEK so they stay unread for the coordinator. The password comes from the environment variable
named in the `collect:` section and is never printed; with `auth: google` the sign-in is XOAUTH2
with a Google access token instead.
"""

from __future__ import annotations

import base64
import imaplib
import re
import socket
import ssl
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from ..initiative import CollectSettings
from ..text import Language
from .words import MailError, say

TokenSource = Callable[[], str]  # returns a fresh OAuth2 access token

_FETCH_ITEM = re.compile(rb"UID (\d+)")
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
_FLAGS = re.compile(rb"FLAGS \(([^)]*)\)")


@dataclass(frozen=True)
class Summary:
    """What one FETCH of a message's outline tells, before its body is downloaded."""

    uid: str
    size: int
    structure: bytes  # BODYSTRUCTURE, raw
    header: bytes  # From, Date, Subject, Message-ID
    flags: tuple[str, ...]


def xoauth2(user: str, token: str) -> bytes:
    """The SASL XOAUTH2 initial response (Google, Microsoft): user, bearer token, two ^A to end."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01".encode()


def mailbox_name(name: str) -> str:
    """A folder name as IMAP wants it: modified UTF-7 (RFC 3501 5.1.3), quoted."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).decode()
            out.append("&" + encoded.rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    quoted = "".join(out).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{quoted}"'


class Mailbox:
    """One signed-in IMAP connection with one folder selected."""

    def __init__(self, client: imaplib.IMAP4, settings: CollectSettings, language: Language) -> None:
        self.client = client
        self.settings = settings
        self.language = language
        self.capabilities: frozenset[str] = frozenset()
        self.custom_keywords = False

    def select(self, folder: str) -> None:
        status, data = self.client.select(mailbox_name(folder))
        if status != "OK":
            raise MailError(say("no_folder", self.language, folder=folder, reason=_text(data)))
        flags = self.client.response("PERMANENTFLAGS")[1]
        self.custom_keywords = any(b"\\*" in (f or b"") for f in flags if isinstance(f, bytes))
        status, data = self.client.capability()
        if status == "OK" and data and isinstance(data[0], bytes):
            self.capabilities = frozenset(data[0].decode("ascii", "replace").upper().split())

    def search(self, *criteria: str) -> list[str]:
        status, data = self.client.uid("SEARCH", *criteria)
        self._check(status, data)
        return [uid.decode() for uid in (data[0] or b"").split()] if data else []

    def summaries(self, uids: Sequence[str], chunk: int = 200) -> Iterator[Summary]:
        fields = "BODY.PEEK[HEADER.FIELDS (FROM DATE SUBJECT MESSAGE-ID)]"
        for start in range(0, len(uids), chunk):
            batch = ",".join(uids[start : start + chunk])
            status, data = self.client.uid("FETCH", batch, f"(UID RFC822.SIZE FLAGS BODYSTRUCTURE {fields})")
            self._check(status, data)
            for item in data:
                if not isinstance(item, tuple):
                    continue
                meta, header = item[0], item[1]
                uid = _FETCH_ITEM.search(meta)
                size = _SIZE.search(meta)
                flags = _FLAGS.search(meta)
                if uid is None:
                    continue
                yield Summary(
                    uid=uid.group(1).decode(),
                    size=int(size.group(1)) if size else 0,
                    structure=meta,
                    header=header if isinstance(header, bytes) else b"",
                    flags=tuple(flags.group(1).decode("ascii", "replace").split()) if flags else (),
                )

    def body(self, uid: str) -> bytes:
        status, data = self.client.uid("FETCH", uid, "(BODY.PEEK[])")
        self._check(status, data)
        for item in data:
            if isinstance(item, tuple) and isinstance(item[1], bytes):
                return item[1]
        raise MailError(say("message_gone", self.language, uid=uid))

    def flag(self, uid: str, keyword: str) -> None:
        status, data = self.client.uid("STORE", uid, "+FLAGS.SILENT", f"({keyword})")
        self._check(status, data)

    def move(self, uid: str, folder: str) -> bool:
        """Move with MOVE (RFC 6851); without it, copy and leave the original (flagged) where it was.
        True when the message left the folder."""
        target = mailbox_name(folder)
        if "MOVE" in self.capabilities:
            status, data = self.client.uid("MOVE", uid, target)
            self._check(status, data)
            return True
        status, data = self.client.uid("COPY", uid, target)
        self._check(status, data)
        return False

    def ensure_folder(self, folder: str) -> None:
        status, _ = self.client.create(mailbox_name(folder))
        if status != "OK":  # usually: it exists already; a real problem shows at the first move
            return
        self.client.subscribe(mailbox_name(folder))

    def _check(self, status: str, data: object) -> None:
        if status != "OK":
            raise MailError(say("imap_refused", self.language, reason=_text(data)))


@contextmanager
def open_mailbox(
    settings: CollectSettings,
    language: Language,
    *,
    env: Mapping[str, str],
    timeout: float,
    ssl_context: ssl.SSLContext | None = None,
    token: TokenSource | None = None,
) -> Iterator[Mailbox]:
    """Connect (TLS unless `security: none`), sign in, and log out at the end whatever happens."""
    where = f"{settings.host}:{settings.port} ({settings.security})"
    context = ssl_context or ssl.create_default_context()
    secret = _secret(settings, language, env) if settings.auth != "google" else None
    if settings.auth == "xoauth2":  # the variable holds an OAuth2 access token (Microsoft 365, others)
        token = _fixed(secret or "")
    try:
        if settings.security == "ssl":
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                settings.host, settings.port, ssl_context=context, timeout=timeout
            )
        elif settings.security in ("starttls", "none"):
            client = imaplib.IMAP4(settings.host, settings.port, timeout=timeout)
            if settings.security == "starttls":
                client.starttls(context)
        else:
            raise MailError(say("bad_security", language, security=settings.security))
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailError(say("cannot_connect", language, where=where, reason=reason(exc, language))) from None
    try:
        try:
            if settings.auth in ("google", "xoauth2"):
                if token is None:
                    raise MailError(say("no_token", language))
                client.authenticate("XOAUTH2", _Once(xoauth2(settings.username, token())))
            elif "AUTH=PLAIN" in client.capabilities:  # SASL PLAIN is UTF-8: accents in passwords work
                client.authenticate("PLAIN", _Once(f"\0{settings.username}\0{secret}".encode()))
            else:
                client.login(settings.username, secret or "")
        except imaplib.IMAP4.error as exc:
            raise MailError(
                say("login_refused", language, where=where, user=settings.username, reason=_text(exc.args))
            ) from None
        yield Mailbox(client, settings, language)
    except (OSError, imaplib.IMAP4.abort) as exc:
        raise MailError(say("imap_failed", language, where=where, reason=reason(exc, language))) from None
    finally:
        with suppress(OSError, imaplib.IMAP4.error):
            client.logout()


class _Once:
    """A SASL client that sends its initial response, then an empty line to any further challenge
    (with XOAUTH2, a refused token comes back as an error challenge that must be answered so)."""

    def __init__(self, initial: bytes) -> None:
        self.initial: bytes | None = initial

    def __call__(self, challenge: bytes) -> bytes:
        response, self.initial = self.initial or b"", None
        return response


def _fixed(value: str) -> TokenSource:
    return lambda: value


def _secret(settings: CollectSettings, language: Language, env: Mapping[str, str]) -> str:
    if not settings.password_env:
        raise MailError(say("no_password_env", language))
    secret = env.get(settings.password_env)
    if not secret:
        raise MailError(say("password_unset", language, variable=settings.password_env))
    return secret


def reason(exc: BaseException, language: Language) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return say("refused", language)
    if isinstance(exc, socket.timeout | TimeoutError):
        return say("timed_out", language)
    if isinstance(exc, socket.gaierror):
        return say("unknown_host", language, detail=str(exc.strerror or exc))
    if isinstance(exc, ssl.SSLCertVerificationError):
        return say("untrusted", language, detail=str(exc.verify_message))
    if isinstance(exc, ssl.SSLError):
        return say("tls_failed", language, detail=str(exc.reason or exc))
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _text(data: object) -> str:
    if isinstance(data, list | tuple):
        return " ".join(_text(d) for d in data if d is not None)
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return str(data)
