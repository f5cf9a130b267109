"""Email: compose the weekly report for the coordinator and send messages over SMTP.

Composition and sending are separate so that the report is always written to disk first and
a send failure (EmailError, a BackendError) never loses it.

The message for the coordinator is:

    multipart/mixed
      multipart/related
        multipart/alternative
          text/plain           the report as plain text
          text/html            the report as HTML, charts referenced as <img src="cid:ID">
        image/png              one per chart, Content-ID <ID>, inline
      application/vnd.openxmlformats-officedocument.spreadsheetml.sheet   the XLSX report
      application/json                                                    the JSON report

The password comes from the environment variable named by `SmtpSettings.password_env`; it is never
printed, logged or put in an error message.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import smtplib
import ssl
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime, make_msgid
from typing import Literal, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import BackendError, ConfigError
from ..i18n import long_date
from ..initiative import Initiative, SmtpSettings
from ..language import user_language
from ..mail.imap import reason as connection_reason
from ..mail.words import say
from ..text import Language, Text, safe_text

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_MIME = "application/json"
DEFAULT_TIMEOUT = 30.0

SUBJECT = Text("{name} — bilan des retours du {date}", "{name} — returns report, {date}")
NO_RECIPIENT = Text(
    "aucun destinataire pour le rapport : ajoutez smtp.recipients ou coordinator.email "
    "au fichier de l'initiative",
    "no recipient for the report: add smtp.recipients or coordinator.email to the initiative file",
)

_CID_REFERENCE = re.compile(r"""cid:([^"'\s)>]+)""")


class EmailError(BackendError):
    """Sending failed (or could not start): the report is on disk, the message did not leave."""


@dataclass(frozen=True)
class Attachment:
    """A file attached to a message."""

    filename: str
    content: bytes
    mime: str  # "type/subtype"


class InlinePart(Protocol):
    """An inline image (build.InlineImage has these): the HTML shows it as <img src="cid:{cid}">."""

    @property
    def cid(self) -> str: ...
    @property
    def filename(self) -> str: ...
    @property
    def data(self) -> bytes: ...
    @property
    def mime(self) -> str: ...


@dataclass(frozen=True)
class Inline:
    """An image shown inside the HTML body, referenced by its Content-ID."""

    cid: str
    data: bytes
    filename: str = "chart.png"
    mime: str = "image/png"


class ReportLike(Protocol):
    """What the email needs of a report (toolkit.reports.build.Report)."""

    @property
    def initiative(self) -> Initiative: ...
    @property
    def generated(self) -> dt.datetime: ...
    def html(self, *, images: Literal["data", "cid"] = ...) -> str: ...
    def text(self) -> str: ...
    def xlsx(self) -> bytes: ...
    def json(self) -> str: ...
    def images(self) -> Sequence[InlinePart]: ...


REPORT_FILE = Text("rapport", "report")


def xlsx_attachment(filename: str, content: bytes) -> Attachment:
    """The report's workbook, to attach."""
    return Attachment(filename, content, XLSX_MIME)


def json_attachment(filename: str, content: bytes | str) -> Attachment:
    """The report's JSON, to attach."""
    data = safe_text(content).encode("utf-8") if isinstance(content, str) else content
    return Attachment(filename, data, JSON_MIME)


def report_subject(initiative: Initiative, day: dt.date) -> str:
    """'Hochelaga ensemble — bilan des retours du 2 novembre 2026', in the initiative's language."""
    return SUBJECT(initiative.language).format(name=initiative.name, date=long_date(day, initiative.language))


def report_recipients(initiative: Initiative) -> tuple[str, ...]:
    """smtp.recipients, or else the coordinator's email; ConfigError when there is neither."""
    if initiative.smtp and initiative.smtp.recipients:
        return initiative.smtp.recipients
    if initiative.coordinator and initiative.coordinator.email:
        return (initiative.coordinator.email,)
    raise ConfigError(f"{initiative.source}: {NO_RECIPIENT(initiative.language)}")


def compose(
    *,
    sender: str,
    recipients: Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    images: Sequence[InlinePart] = (),
    attachments: Sequence[Attachment] = (),
    sender_name: str | None = None,
    reply_to: str | None = None,
    date: dt.datetime | None = None,
) -> EmailMessage:
    """A message with a plain-text part, an optional HTML part with inline PNG images, and attachments.

    The HTML refers to each image by its Content-ID as `cid:<id>` (the id without angle brackets).
    A `cid:` reference with no image is a programming error (ValueError); an image the HTML does not
    use is left out, since mail clients would show it as a stray attachment."""
    if not recipients:
        raise ValueError("a message needs at least one recipient")
    # Header values come from files people edit (names, addresses): no line break may reach a header.
    subject = header_text(subject)
    sender_name = header_text(sender_name) if sender_name else None
    sender = checked_address(sender)
    recipients = [checked_address(r) for r in recipients]
    reply_to = checked_address(reply_to) if reply_to else None
    referenced = set(_CID_REFERENCE.findall(html or ""))
    unknown = referenced - {image.cid for image in images}
    if unknown:
        raise ValueError(
            f"the HTML refers to cid:{', cid:'.join(sorted(unknown))} but no such image is given"
        )
    images = [image for image in images if image.cid in referenced]
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = Address(display_name=sender_name, addr_spec=sender) if sender_name else sender
    message["To"] = ", ".join(recipients)
    if reply_to:
        message["Reply-To"] = reply_to
    message["Date"] = format_datetime(date or dt.datetime.now(dt.UTC))
    # make_msgid() without a domain looks up this host's name; take the sender's domain instead.
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: vacation responders do not answer
    message["MIME-Version"] = "1.0"
    if not images and not attachments:  # a plain message, or multipart/alternative
        _body(message, text, html)
        return message
    # Python's helpers cannot wrap an alternative in a related part: build the tree from the inside out.
    body: MIMEPart = MIMEPart()
    _body(body, text, html)
    if images:
        related = MIMEPart()
        related.make_related()
        related.set_param("type", body.get_content_type())  # RFC 2387: the root part's type
        related.attach(body)
        for image in images:
            maintype, _, subtype = image.mime.partition("/")
            related.add_related(
                image.data,
                maintype=maintype,
                subtype=subtype,
                cid=f"<{image.cid}>",
                disposition="inline",
                filename=image.filename,
            )
        body = related
    message.make_mixed()
    message.attach(body)  # type: ignore[arg-type]
    for attachment in attachments:
        maintype, _, subtype = attachment.mime.partition("/")
        message.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return message


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_ADDRESS = re.compile(r"[^@\s,;:<>()\[\]\"\\]+@[^@\s,;:<>()\[\]\"\\]+")


def header_text(text: str) -> str:
    """Text fit for a header: control characters and line breaks become one space (no header injection)."""
    return " ".join(_CONTROL.sub(" ", text).split())


def valid_address(address: str) -> bool:
    """A plain `user@domain` with no space, control character, separator or line break."""
    return _ADDRESS.fullmatch(address) is not None


def checked_address(address: str) -> str:
    if not valid_address(address):
        raise EmailError(f"not a usable email address: {address!r}")
    return address


def _body(part: MIMEPart, text: str, html: str | None) -> None:
    part.set_content(safe_text(text), subtype="plain", charset="utf-8")
    if html is not None:
        part.add_alternative(safe_text(html), subtype="html", charset="utf-8")


def compose_report(
    initiative: Initiative,
    *,
    text: str,
    html: str,
    images: Sequence[InlinePart] = (),
    attachments: Sequence[Attachment] = (),
    day: dt.date | None = None,
    date: dt.datetime | None = None,
) -> EmailMessage:
    """The weekly report for the coordinator (smtp.recipients or the coordinator's email)."""
    settings = _settings(initiative)
    when = date or dt.datetime.now(dt.UTC)
    return compose(
        sender=settings.sender,
        sender_name=initiative.name,
        recipients=report_recipients(initiative),
        subject=report_subject(initiative, day or when.date()),
        text=text,
        html=html,
        images=images,
        attachments=attachments,
        date=when,
    )


def report_email(report: ReportLike) -> EmailMessage:
    """The report as an email for the coordinator: text and HTML (charts inline by cid), with the XLSX
    and JSON forms of the report attached, dated the report's day in the initiative's time zone."""
    initiative = report.initiative
    day = local_day(report.generated, initiative)
    stem = f"{initiative.id}_{REPORT_FILE(initiative.language)}_{day.isoformat()}"
    return compose_report(
        initiative,
        text=report.text(),
        html=report.html(images="cid"),
        images=report.images(),
        attachments=[
            xlsx_attachment(f"{stem}.xlsx", report.xlsx()),
            json_attachment(f"{stem}.json", report.json()),
        ],
        day=day,
        date=report.generated,
    )


def send_report(
    report: ReportLike,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    ssl_context: ssl.SSLContext | None = None,
) -> tuple[str, ...]:
    """Compose and send the report to the coordinator; return the recipients that accepted it."""
    message = report_email(report)
    settings, language = _settings(report.initiative), report.initiative.language
    (accepted,) = send(
        [message], settings, env=env, timeout=timeout, ssl_context=ssl_context, language=language
    )
    return accepted


def local_day(moment: dt.datetime, initiative: Initiative) -> dt.date:
    """The calendar day of `moment` where the initiative is (its time_zone, America/Toronto by default)."""
    if moment.tzinfo is None:
        return moment.date()
    try:
        return moment.astimezone(ZoneInfo(initiative.time_zone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return moment.date()


def send(
    messages: Iterable[EmailMessage],
    settings: SmtpSettings,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    ssl_context: ssl.SSLContext | None = None,
    language: Language | None = None,
) -> list[tuple[str, ...]]:
    """Send every message over one SMTP connection; return the accepted recipients of each.

    Raises EmailError naming the server (host:port, security) and the reason when the connection,
    the TLS handshake or the login fails, or when a server refuses a message or some of its
    recipients; messages sent before a refusal are listed in the error (in `language`, else the user's)."""
    messages = list(messages)
    if not messages:
        return []
    lang = language or user_language()
    colon = " : " if lang == "fr" else ": "
    password = _password(settings, os.environ if env is None else env, lang)
    where = f"{settings.host}:{settings.port} ({settings.security})"
    context = ssl_context or ssl.create_default_context()
    accepted: list[tuple[str, ...]] = []
    problems: list[str] = []
    try:
        client = _connect(settings, timeout, context, lang)
    except (OSError, smtplib.SMTPException) as exc:
        raise EmailError(say("smtp_cannot_connect", lang, where=where, reason=_reason(exc, lang))) from None
    try:
        with client:
            if settings.security == "starttls":
                client.starttls(context=context)
                client.ehlo()
            if settings.username or settings.password_env:
                client.login(settings.username or settings.sender, password or "")
            for message in messages:
                recipients = _addresses(message)
                try:
                    refused = client.send_message(message, from_addr=settings.sender, to_addrs=recipients)
                except smtplib.SMTPRecipientsRefused as exc:
                    problems.append(f"{message['Subject']}{colon}{_refused(exc.recipients, lang)}")
                    continue
                except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                    problems.append(f"{message['Subject']}{colon}{_reason(exc, lang)}")
                    continue
                if refused:
                    problems.append(f"{message['Subject']}{colon}{_refused(refused, lang)}")
                accepted.append(tuple(r for r in recipients if r not in refused))
    except smtplib.SMTPAuthenticationError as exc:
        user = settings.username or settings.sender
        raise EmailError(
            say("smtp_login_refused", lang, where=where, user=user, reason=_reason(exc, lang))
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        done = say("smtp_sent_before", lang, sent=len(accepted), total=len(messages)) if accepted else ""
        raise EmailError(say("smtp_failed", lang, where=where, reason=_reason(exc, lang)) + done) from None
    if problems:
        count, total = len(problems), len(messages)
        raise EmailError(
            say("smtp_refused", lang, where=where, count=count, total=total, problems="; ".join(problems))
        )
    return accepted


def _settings(initiative: Initiative) -> SmtpSettings:
    if initiative.smtp is None:
        raise ConfigError(say("no_smtp", initiative.language, source=initiative.source))
    return initiative.smtp


def _password(settings: SmtpSettings, env: Mapping[str, str], language: Language) -> str | None:
    if settings.password_env is None:
        return None
    password = env.get(settings.password_env)
    if not password:
        raise EmailError(say("smtp_password_unset", language, variable=settings.password_env))
    return password


def _connect(
    settings: SmtpSettings, timeout: float, context: ssl.SSLContext, language: Language
) -> smtplib.SMTP:
    # local_hostname avoids a reverse lookup of this machine's name (getfqdn) on every connection.
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(
            settings.host, settings.port, local_hostname="localhost", timeout=timeout, context=context
        )
    if settings.security in ("starttls", "none"):
        return smtplib.SMTP(settings.host, settings.port, local_hostname="localhost", timeout=timeout)
    raise ConfigError(say("smtp_bad_security", language, security=settings.security))


def _addresses(message: EmailMessage) -> list[str]:
    found: list[str] = []
    for header in ("To", "Cc", "Bcc"):
        for value in message.get_all(header, []):
            found += [a.addr_spec for a in value.addresses]  # headerregistry.AddressHeader
    return list(dict.fromkeys(found))


def _refused(refused: Mapping[str, tuple[int, bytes]], language: Language) -> str:
    return ", ".join(
        say("recipient_refused", language, address=addr, detail=f"{code} {_decode(text)}")
        for addr, (code, text) in refused.items()
    )


def _decode(text: bytes | str) -> str:
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else text


def _reason(exc: BaseException, language: Language) -> str:
    """Why, in `language`: the server's own reply as it is, the rest as the mailbox reader says it."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_decode(exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return say("not_supported", language, detail=exc)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        gone = say("disconnected", language)
        return f"{gone} ({exc})" if str(exc) else gone
    return connection_reason(exc, language)
