"""send: one message per partner, with its workbook attached (or its Google link), never twice by accident.

Every message sent is recorded in the history database at once (`messages` table). A partner who already
got their copy in this round (the initiative's `round`, else its deadline), or a reminder less than six days
ago, is skipped and said so, unless `force`. Partners without an email are listed, not errors. Each
partner's message is sent on its own, so one refusal does not stop the others. With `dry_run`, every
message is written as an .eml file in that folder instead, and nothing is sent or recorded.
"""

from __future__ import annotations

import datetime as dt
import os
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Literal

from ..errors import ConfigError
from ..files import atomic_write
from ..history import History, SentMessage
from ..i18n import long_date, word
from ..initiative import Initiative, Partner
from ..reports.email import DEFAULT_TIMEOUT, EmailError, compose, send, valid_address, xlsx_attachment
from ..text import Language, Text
from .provenance import sha256
from .templates import MessageTemplate
from .words import MailError, say

Kind = Literal["copy", "reminder"]
Status = Literal["sent", "written", "already_sent", "reminded_recently", "no_email", "failed"]
REMINDER_INTERVAL = dt.timedelta(days=6)
NO_DEADLINE = Text("aucune date limite", "no deadline")
HELLO = Text("Bonjour {name},", "Hello {name},")
HELLO_ANYONE = Text("Bonjour,", "Hello,")
STEPS = ("step_fill", "step_dropdowns", "step_debrief")


@dataclass(frozen=True)
class Workbook:
    """A partner's copy to attach."""

    file_name: str
    content: bytes


@dataclass(frozen=True)
class Outgoing:
    """One partner's message (None when the partner has no email address)."""

    partner: Partner
    message: EmailMessage | None
    attachment: Workbook | None = None
    link: str | None = None


@dataclass(frozen=True)
class Outcome:
    partner: str
    partner_name: str
    status: Status
    line: str  # what the coordinator reads, in the initiative's language
    recipients: tuple[str, ...] = ()
    path: Path | None = None  # the .eml written by a dry run


def round_of(initiative: Initiative) -> str:
    """Messages belong to a round: the initiative's `round` when it names one, else the one that ends at
    its deadline (so a new deadline, or a new round, lets `send` go out again)."""
    if initiative.round:
        return initiative.round
    return initiative.deadline.isoformat() if initiative.deadline else "-"


def reply_address(initiative: Initiative) -> str | None:
    """Where partners' replies should go: the mailbox collect reads, else return_to, else the coordinator."""
    candidates = [
        initiative.collect.username if initiative.collect else None,
        initiative.return_to,
        initiative.coordinator.email if initiative.coordinator else None,
    ]
    return next((c for c in candidates if c and "@" in c), None)


def copy_message(
    initiative: Initiative,
    templates: Mapping[tuple[str, Language], MessageTemplate],
    partner: Partner,
    *,
    workbook: Workbook | None,
    link: str | None,
    date: dt.datetime,
) -> EmailMessage | None:
    """The partner's message from the coordinator's templates; None when the partner has no email."""
    recipients = tuple(e for e in dict.fromkeys(partner.emails) if valid_address(e))  # no header injection
    if not recipients:
        return None
    if initiative.smtp is None:
        raise ConfigError(say("no_smtp", initiative.language, source=initiative.source))
    language = initiative.language
    template = templates[("online" if link else "copy", language)]
    subject, text = template.render(fields(initiative, partner, workbook, link))
    return compose(
        sender=initiative.smtp.sender,
        sender_name=initiative.name,
        recipients=recipients,
        subject=subject,
        text=text,
        attachments=[xlsx_attachment(workbook.file_name, workbook.content)] if workbook and not link else [],
        reply_to=reply_address(initiative),
        date=date,
    )


def fields(
    initiative: Initiative, partner: Partner, workbook: Workbook | None, link: str | None
) -> dict[str, str]:
    """The values of every placeholder (see templates.PLACEHOLDERS)."""
    lang = initiative.language
    coordinator = initiative.coordinator.name if initiative.coordinator else ""
    signature = "\n".join(s for s in (coordinator, f"{word('coordinator', lang)} — {initiative.name}") if s)
    return {
        "greeting": HELLO(lang).format(name=partner.contact) if partner.contact else HELLO_ANYONE(lang),
        "partner": partner.name,
        "contact": partner.contact or "",
        "initiative": initiative.name,
        "deadline": long_date(initiative.deadline, lang) if initiative.deadline else NO_DEADLINE(lang),
        "file": workbook.file_name if workbook else "",
        "link": link or "",
        "steps": "\n".join(f"{n}. {word(key, lang)}" for n, key in enumerate(STEPS, start=1)),
        "worksheets": "\n".join(f"  - {w.tab(lang)} — {w.title(lang)}" for w in initiative.kit.worksheets),
        "return_to": reply_address(initiative) or "",
        "coordinator": coordinator,
        "signature": signature,
    }


def deliver(
    initiative: Initiative,
    outgoing: Sequence[Outgoing],
    *,
    kind: Kind,
    history_path: Path | str | None = None,
    dry_run: Path | str | None = None,
    force: bool = False,
    env: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    ssl_context: ssl.SSLContext | None = None,
    now: dt.datetime,
) -> list[Outcome]:
    """Send (or write into the folder `dry_run`) each partner's message; one Outcome per partner, in
    order. What was sent is recorded in the history (`history_path`, default the initiative's)."""
    lang = initiative.language
    path = history_path or initiative.history_path
    history = History(path, language=lang) if path else None
    dry_run = Path(dry_run) if dry_run is not None else None
    earlier = _earlier(history, initiative, kind) if not force else {}
    if dry_run is None and any(o.message for o in outgoing):
        _check_settings(initiative, env)
    outcomes: list[Outcome] = []
    for number, item in enumerate(outgoing, start=1):
        partner, message = item.partner, item.message
        if message is None:
            outcomes.append(
                Outcome(partner.id, partner.name, "no_email", say("no_email", lang, partner=partner.name))
            )
            continue
        recipients = tuple(dict.fromkeys(partner.emails))
        skip = _skip(earlier.get(partner.id, []), kind, initiative, now)
        if skip is not None:
            status, when = skip
            line = say(
                status, lang, partner=partner.name, date=long_date(when, lang), days=REMINDER_INTERVAL.days
            )
            outcomes.append(Outcome(partner.id, partner.name, status, line, recipients))
            continue
        if dry_run is not None:
            path = dry_run / f"{number:02d}-{kind}-{partner.id}.eml"
            atomic_write(path, bytes(message))
            outcomes.append(
                Outcome(
                    partner.id,
                    partner.name,
                    "written",
                    say("written", lang, partner=partner.name, path=path),
                    recipients,
                    path,
                )
            )
            continue
        assert initiative.smtp is not None
        try:
            send([message], initiative.smtp, env=env, timeout=timeout, ssl_context=ssl_context, language=lang)
        except EmailError as exc:
            outcomes.append(
                Outcome(
                    partner.id,
                    partner.name,
                    "failed",
                    say("failed", lang, partner=partner.name, reason=exc),
                    recipients,
                )
            )
            continue
        if history is not None:
            history.record_message(_record(initiative, item, kind, recipients, message, now))
        line = say("sent", lang, partner=partner.name, recipients=", ".join(recipients))
        outcomes.append(Outcome(partner.id, partner.name, "sent", line, recipients))
    return outcomes


def summary(outcomes: Sequence[Outcome], language: Language, dry_run: Path | None) -> str:
    def count(*statuses: str) -> int:
        return sum(1 for o in outcomes if o.status in statuses)

    skipped = count("already_sent", "reminded_recently")
    if dry_run is not None:
        return say(
            "dry_run_summary",
            language,
            written=count("written"),
            folder=dry_run,
            skipped=skipped,
            no_email=count("no_email"),
        )
    return say(
        "send_summary",
        language,
        sent=count("sent"),
        skipped=skipped,
        no_email=count("no_email"),
        failed=count("failed"),
    )


def _check_settings(initiative: Initiative, env: Mapping[str, str] | None) -> None:
    """Say once what would make every message fail, rather than once per partner."""
    if initiative.smtp is None:
        raise ConfigError(say("no_smtp", initiative.language, source=initiative.source))
    variable = initiative.smtp.password_env
    if variable and not (os.environ if env is None else env).get(variable):
        raise MailError(say("smtp_password_unset", initiative.language, variable=variable))


def _earlier(history: History | None, initiative: Initiative, kind: Kind) -> dict[str, list[SentMessage]]:
    found: dict[str, list[SentMessage]] = {}
    if history is None:
        return found
    for sent in history.messages(initiative.id, kind):
        found.setdefault(sent.partner, []).append(sent)
    return found


def _skip(
    earlier: Sequence[SentMessage], kind: Kind, initiative: Initiative, now: dt.datetime
) -> tuple[Status, dt.date] | None:
    if kind == "copy":
        same_round = [s for s in earlier if s.round == round_of(initiative)]
        return ("already_sent", same_round[-1].sent_at.date()) if same_round else None
    recent = [s for s in earlier if now - s.sent_at < REMINDER_INTERVAL]
    return ("reminded_recently", recent[-1].sent_at.date()) if recent else None


def _record(
    initiative: Initiative,
    item: Outgoing,
    kind: Kind,
    recipients: tuple[str, ...],
    message: EmailMessage,
    now: dt.datetime,
) -> SentMessage:
    attachment = item.attachment if item.link is None else None
    return SentMessage(
        initiative=initiative.id,
        partner=item.partner.id,
        kind=kind,
        round=round_of(initiative),
        sent_at=now,
        recipients=recipients,
        subject=str(message["Subject"]),
        message_id=str(message["Message-ID"]),
        attachment=attachment.file_name if attachment else None,
        attachment_sha256=sha256(attachment.content) if attachment else None,
        link=item.link,
    )
