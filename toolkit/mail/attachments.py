"""Spreadsheet attachments in a message (and in messages forwarded inside it), and safe names for them.

A part is a spreadsheet by its name (.xlsx, .xlsm, .ods, .xls) or, when it has no usable name, by its
declared type; what it really holds is settled later by the same screening as any returned file.
A copy inside a forwarded message (message/rfc822) is credited to that message's sender, and the
forwarder is kept too. Names come decoded (RFC 2231 and encoded words) and are made safe to save:
no folders, no characters Windows refuses, no reserved device names, bounded length.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime

SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls")
TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.12": ".xlsm",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.ms-excel": ".xls",
}
MAX_DEPTH = 5  # forwards inside forwards: deeper ones are not opened
MAX_STEM = 100  # characters kept of a name before its suffix
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_WINDOWS_DEVICES = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Envelope:
    """What a message says about itself."""

    sender: str | None
    date: dt.datetime | None  # UTC
    subject: str
    message_id: str
    in_reply_to: str = ""  # the message this one answers (one `send` wrote, for a partner's reply)


@dataclass(frozen=True)
class Found:
    name: str  # the attachment's name as sent (decoded), or one made from its type
    content: bytes
    envelope: Envelope  # the message that carried it (the forwarded one, inside a forward)
    forwarded_by: str | None


@dataclass(frozen=True)
class TooLarge:
    name: str
    size: int


def envelope_of(message: Message) -> Envelope:
    return Envelope(
        sender=sender_of(message),
        date=date_of(message),
        subject=_header(message, "Subject"),
        message_id=_header(message, "Message-ID").strip(),
        in_reply_to=_header(message, "In-Reply-To").strip(),
    )


def spreadsheets(message: EmailMessage, max_bytes: int) -> tuple[list[Found], list[TooLarge]]:
    """Every spreadsheet attachment in `message`, forwards included; those above `max_bytes` apart."""
    found: list[Found] = []
    too_large: list[TooLarge] = []
    for part, envelope, forwarded_by in _walk(message, envelope_of(message), None, 0):
        name = attachment_name(part)
        if name is None:
            continue
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        if len(content) > max_bytes:
            too_large.append(TooLarge(name, len(content)))
            continue
        found.append(Found(name, content, envelope, forwarded_by))
    return found, too_large


def attachment_name(part: Message) -> str | None:
    """The part's file name when it is a spreadsheet (by name, else by type), otherwise None."""
    body_like = part.is_multipart() or part.get_content_maintype() in ("text", "multipart", "message")
    if body_like and part.get_content_disposition() != "attachment":
        return None
    raw = part.get_filename()
    name = unicodedata.normalize("NFC", str(raw)).strip() if raw else ""
    if name.lower().endswith(SUFFIXES):
        return name
    suffix = TYPES.get(part.get_content_type())
    if suffix is None:
        return None
    return (name or "piece-jointe") + suffix if not name.lower().endswith(suffix) else name


def safe_name(name: str) -> str:
    """A file name that stays inside the folder it is saved in, on Windows, macOS and Linux."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name)
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = suffix.lower()
    stem = stem.strip(" .") or "piece-jointe"
    if _WINDOWS_DEVICES.match(stem):
        stem = f"_{stem}"
    stem = stem[:MAX_STEM].rstrip(" .") or "piece-jointe"
    return f"{stem}.{suffix}" if suffix else stem


def sender_of(message: Message) -> str | None:
    """The From address, lower-cased; None when there is none that parses."""
    value = _header(message, "From")
    addresses = [address for _, address in getaddresses([value]) if "@" in address]
    return addresses[0].strip().lower() if addresses else None


def date_of(message: Message) -> dt.datetime | None:
    value = _header(message, "Date")
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except (TypeError, ValueError, IndexError):  # a malformed header the parser gives up on
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _walk(
    part: Message, envelope: Envelope, forwarded_by: str | None, depth: int
) -> Iterator[tuple[Message, Envelope, str | None]]:
    if part.get_content_type() == "message/rfc822":
        if depth >= MAX_DEPTH:
            return
        inner = part.get_payload()
        inner_messages = inner if isinstance(inner, list) else [inner]
        for message in inner_messages:
            if isinstance(message, Message):
                inner_envelope = envelope_of(message)
                forwarder = envelope.sender if forwarded_by is None else forwarded_by
                yield from _walk(message, inner_envelope, forwarder, depth + 1)
        return
    if part.is_multipart():
        for sub in part.get_payload():
            if isinstance(sub, Message):
                yield from _walk(sub, envelope, forwarded_by, depth)
        return
    yield part, envelope, forwarded_by
