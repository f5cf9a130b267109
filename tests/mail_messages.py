"""Real MIME messages as partners' mail clients send them: replies, forwards, odd attachment names."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import format_datetime

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
XLSM = "application/vnd.ms-excel.sheet.macroEnabled.12"


def message(
    sender: str,
    to: str,
    subject: str,
    *,
    date: dt.datetime,
    message_id: str,
    text: str = "Bonjour,\n\nVoici notre copie remplie.\n\nMerci!\n",
    attachments: Sequence[tuple[str, bytes, str]] = (),
    in_reply_to: str | None = None,
) -> EmailMessage:
    """A reply with the workbooks attached, the way Outlook or Thunderbird would send it."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    msg.set_content(text)
    for name, content, mime in attachments:
        maintype, _, subtype = mime.partition("/")
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return msg


def forward(
    sender: str, to: str, original: EmailMessage, *, date: dt.datetime, message_id: str
) -> EmailMessage:
    """The original message forwarded as an attachment (message/rfc822)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = f"TR: {original['Subject']}"
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    msg.set_content("Je te transfère la copie reçue par erreur à mon adresse.\n")
    msg.add_attachment(original)
    return msg


def with_raw_attachment(
    sender: str,
    to: str,
    subject: str,
    *,
    date: dt.datetime,
    message_id: str,
    disposition: str,
    content: bytes,
    mime: str = XLSX,
) -> bytes:
    """A message whose attachment header is written by hand (RFC 2231 continuations, encoded words)."""
    body = base64.encodebytes(content).decode("ascii")
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {format_datetime(date)}\r\n"
        f"Message-ID: {message_id}\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="XYZ"\r\n\r\n'
        '--XYZ\r\nContent-Type: text/plain; charset="utf-8"\r\n\r\nCi-joint.\r\n'
        f"--XYZ\r\nContent-Type: {mime}\r\nContent-Transfer-Encoding: base64\r\n"
        f"Content-Disposition: attachment;\r\n {disposition}\r\n\r\n{body}\r\n--XYZ--\r\n"
    ).encode("ascii")
