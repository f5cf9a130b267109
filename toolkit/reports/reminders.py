"""Reminders: one short personal message per lagging partner saying exactly what their copy still lacks.

A partner is lagging when the gap report holds, for them, a `missing_submission`, a `missing_cell` in
their copy, or an `invalid_value` in their copy. Partners with none of these get nothing. Each message
goes to all of the partner's emails, in the initiative's language, as plain text and simple HTML, and
says where to send the copy back: the link to the partner's Google spreadsheet when the manifest has
one, else the initiative's `return_to` (or the coordinator's email), with the deadline when there is one.
"""

from __future__ import annotations

import datetime as dt
import html
import ssl
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from ..errors import ConfigError
from ..french import de
from ..gaps import Gap, GapReport
from ..i18n import long_date, word
from ..initiative import Initiative, Partner
from ..mail.words import say
from ..submission import required_cells
from ..templates import DEBRIEF_COLUMN
from ..text import Language, Text
from .email import DEFAULT_TIMEOUT, Attachment, compose, send, valid_address

REMINDER_KINDS = ("missing_submission", "missing_cell", "invalid_value")

WORDS: dict[str, Text] = {
    "subject": Text("Rappel — {initiative} : votre copie", "Reminder — {initiative}: your copy"),
    "hello": Text("Bonjour {name},", "Hello {name},"),
    "hello_anonymous": Text("Bonjour,", "Hello,"),
    "no_copy": Text(
        "Nous n'avons pas encore reçu la copie {de_partner} pour « {initiative} ».",
        "We have not received {partner}'s copy for “{initiative}” yet.",
    ),
    "missing_intro": Text(
        "Merci pour la copie {de_partner} pour « {initiative} ». Voici ce qu'il reste à faire :",
        "Thank you for {partner}'s copy for “{initiative}”. Here is what is left to do:",
    ),
    "invalid_intro": Text("Valeurs à corriger :", "Values to correct:"),
    "missing_after_invalid": Text("Il reste aussi à remplir :", "Still to fill in:"),
    "tab": Text("Onglet « {tab} »", "Tab “{tab}”"),
    "whole_tab": Text(
        "Onglet « {tab} » : tout est encore à remplir ({count} cellules)",
        "Tab “{tab}”: everything is still to fill in ({count} cells)",
    ),
    "cells": Text("« {row} » : {columns}", "“{row}”: {columns}"),
    "whole_row": Text("« {row} » : toute la ligne", "“{row}”: the whole row"),
    "online": Text("Votre copie en ligne : {link}", "Your copy online: {link}"),
    "return_to": Text("Renvoyez le fichier à {address}", "Send the file back to {address}"),
    "deadline": Text(" d'ici le {date}.", " by {date}."),
    "deadline_passed": Text(
        ". La date limite était le {date} : merci de le faire dès que possible.",
        ". The deadline was {date}: please do so as soon as you can.",
    ),
    "no_deadline": Text(".", "."),
    "online_deadline": Text("Date limite : {date}.", "Deadline: {date}."),
    "online_deadline_passed": Text(
        "La date limite était le {date} : merci de la compléter dès que possible.",
        "The deadline was {date}: please complete it as soon as you can.",
    ),
    "thanks": Text("Merci!", "Thank you!"),
    "coordination": Text("Coordination — {initiative}", "Coordination — {initiative}"),
}


def _w(key: str, language: Language, **fields: str) -> str:
    if "partner" in fields:
        fields.setdefault("de_partner", de(fields["partner"]))
    return WORDS[key](language).format(**fields)


@dataclass(frozen=True)
class MissingCell:
    """An empty required cell in the partner's copy, named as the partner sees it."""

    worksheet: str  # worksheet id
    row: str  # row id
    column: str  # column id
    tab: str  # the tab's name in the initiative's language
    row_label: str
    column_header: str


@dataclass(frozen=True)
class Reminder:
    """One partner's reminder: who gets it, what is missing or invalid in their copy, and the message."""

    partner: str  # partner id
    partner_name: str
    recipients: tuple[str, ...]  # all of the partner's emails (empty: the reminder cannot be sent)
    subject: str
    text: str
    html: str
    missing_submission: bool
    missing: tuple[MissingCell, ...]  # in template order
    invalid: tuple[str, ...]  # the gap messages, without the partner's name in front
    link: str | None  # the partner's Google spreadsheet, from the manifest
    unusable: tuple[str, ...] = ()  # emails of the partner that are not addresses (a line break, a space…)


def build_reminders(
    report: GapReport,
    initiative: Initiative,
    *,
    links: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> list[Reminder]:
    """One reminder per partner with something missing or invalid in their copy, in partner order.

    `links` (partner id → URL) defaults to the initiative's Google manifest."""
    links = _google_links(initiative) if links is None else links
    today = today or dt.date.today()
    by_partner: dict[str, list[Gap]] = {}
    for gap in report.gaps:
        if gap.kind in REMINDER_KINDS and gap.partner is not None:
            by_partner.setdefault(gap.partner, []).append(gap)
    return [
        _reminder(partner, by_partner[partner.id], initiative, links.get(partner.id), today)
        for partner in initiative.partners
        if partner.id in by_partner
    ]


def reminder_messages(
    reminders: Iterable[Reminder],
    initiative: Initiative,
    *,
    date: dt.datetime | None = None,
    attachments: Mapping[str, Attachment] | None = None,
) -> list[EmailMessage]:
    """The email for each reminder that has a recipient, from smtp.sender, replies to the coordinator;
    with the partner's workbook attached when `attachments` (partner id -> file) has one."""
    if initiative.smtp is None:
        raise ConfigError(say("no_smtp", initiative.language, source=initiative.source))
    # Replies carrying a copy should land in the mailbox `collect` reads, when there is one.
    collecting = (
        initiative.collect.username if initiative.collect and "@" in initiative.collect.username else None
    )
    reply_to = (
        collecting
        or (initiative.coordinator.email if initiative.coordinator else None)
        or initiative.return_to
    )
    return [
        compose(
            sender=initiative.smtp.sender,
            sender_name=initiative.name,
            recipients=r.recipients,
            subject=r.subject,
            text=r.text,
            html=r.html,
            reply_to=reply_to,
            date=date,
            attachments=[attachments[r.partner]] if attachments and r.partner in attachments else [],
        )
        for r in reminders
        if r.recipients
    ]


def send_reminders(
    reminders: Sequence[Reminder],
    initiative: Initiative,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    ssl_context: ssl.SSLContext | None = None,
    date: dt.datetime | None = None,
) -> list[Reminder]:
    """Send the reminders (over one connection); return those sent. Partners with no email are skipped:
    the caller can list them (`[r for r in reminders if not r.recipients]`). EmailError on failure."""
    sendable = [r for r in reminders if r.recipients]
    if not sendable:
        return []
    messages = reminder_messages(sendable, initiative, date=date)  # ConfigError without an smtp section
    assert initiative.smtp is not None
    language = initiative.language
    send(messages, initiative.smtp, env=env, timeout=timeout, ssl_context=ssl_context, language=language)
    return sendable


def _reminder(
    partner: Partner, gaps: list[Gap], initiative: Initiative, link: str | None, today: dt.date
) -> Reminder:
    lang = initiative.language
    missing_submission = any(g.kind == "missing_submission" for g in gaps)
    # An invalid value leaves its cell unfilled too: say it once, as a value to correct.
    invalid_cells = {(g.worksheet, g.row, g.column) for g in gaps if g.kind == "invalid_value"}
    missing = tuple(
        _missing_cell(g, initiative)
        for g in gaps
        if g.kind == "missing_cell" and (g.worksheet, g.row, g.column) not in invalid_cells
    )
    invalid = tuple(_without_partner(g.message, partner.name) for g in gaps if g.kind == "invalid_value")
    subject = _w("subject", lang, initiative=initiative.name)
    greeting = _w("hello", lang, name=partner.contact) if partner.contact else _w("hello_anonymous", lang)

    blocks: list[tuple[str, list[str]]] = []  # (heading or paragraph, list items)
    if missing_submission:
        blocks.append((_w("no_copy", lang, partner=partner.name, initiative=initiative.name), []))
    if missing or invalid:
        blocks.append((_w("missing_intro", lang, partner=partner.name, initiative=initiative.name), []))
    if invalid:  # what is wrong first: it is what the partner would otherwise not notice
        blocks.append((_w("invalid_intro", lang), list(invalid)))
        if missing:
            blocks.append((_w("missing_after_invalid", lang), []))
    blocks += _missing_blocks(missing, initiative, lang)
    where_text, where_html = _where(initiative, link, today)
    signature = [initiative.coordinator.name] if initiative.coordinator else []
    signature.append(_w("coordination", lang, initiative=initiative.name))

    text_lines = [greeting, ""]
    for paragraph, items in blocks:
        text_lines.append(paragraph)
        text_lines += [f"  - {item}" for item in items]
        text_lines.append("")
    text_lines += [*where_text, "", _w("thanks", lang), *signature]

    e = html.escape
    body = [f"<p>{e(greeting)}</p>"]
    for paragraph, items in blocks:
        body.append(f"<p>{e(paragraph)}</p>")
        if items:
            body.append("<ul>" + "".join(f"<li>{e(item)}</li>" for item in items) + "</ul>")
    body += [f"<p>{line}</p>" for line in where_html]
    body.append(f"<p>{e(_w('thanks', lang))}<br>" + "<br>".join(e(s) for s in signature) + "</p>")
    page = (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{e(subject)}</title></head>\n"
        '<body style="font-family: sans-serif; line-height: 1.4">\n' + "\n".join(body) + "\n</body></html>\n"
    )
    return Reminder(
        partner=partner.id,
        partner_name=partner.name,
        recipients=tuple(e for e in dict.fromkeys(partner.emails) if valid_address(e)),
        subject=subject,
        text="\n".join(text_lines) + "\n",
        html=page,
        missing_submission=missing_submission,
        missing=missing,
        invalid=invalid,
        link=link,
        unusable=tuple(e for e in dict.fromkeys(partner.emails) if not valid_address(e)),
    )


def _where(initiative: Initiative, link: str | None, today: dt.date) -> tuple[list[str], list[str]]:
    """Where to send the copy back and by when: (text lines, HTML lines)."""
    lang = initiative.language
    deadline = initiative.deadline
    e = html.escape
    if link:
        text = [_w("online", lang, link=link)]
        anchor = f'<a href="{e(link)}">{e(link)}</a>'
        html_lines = [e(WORDS["online"](lang)).format(link=anchor)]
        if deadline:
            key = "online_deadline_passed" if deadline < today else "online_deadline"
            line = _w(key, lang, date=long_date(deadline, lang))
            text.append(line)
            html_lines.append(e(line))
        return text, html_lines
    address = initiative.return_to or (initiative.coordinator.email if initiative.coordinator else None)
    if not address:
        return [], []
    if deadline:
        key = "deadline_passed" if deadline < today else "deadline"
        tail = _w(key, lang, date=long_date(deadline, lang))
    else:
        tail = _w("no_deadline", lang)
    line = _w("return_to", lang, address=address) + tail
    shown = f'<a href="mailto:{e(address)}">{e(address)}</a>' if "@" in address else e(address)
    return [line], [e(WORDS["return_to"](lang)).format(address=shown) + e(tail)]


def _missing_blocks(
    missing: Sequence[MissingCell], initiative: Initiative, lang: Language
) -> list[tuple[str, list[str]]]:
    """Per worksheet: one line when the whole tab is empty, else one line per row, "the whole row"
    when none of its cells is filled (a partner reads a short list, not every empty cell)."""
    required = required_cells(initiative.kit)
    blocks: list[tuple[str, list[str]]] = []
    by_sheet: dict[str, list[MissingCell]] = {}
    for cell in missing:
        by_sheet.setdefault(cell.worksheet, []).append(cell)
    for worksheet, cells in by_sheet.items():
        needed = {key for key in required if key[0] == worksheet}
        keys = {(c.worksheet, c.row, c.column) for c in cells}
        if needed and needed <= keys:
            blocks.append((_w("whole_tab", lang, tab=cells[0].tab, count=str(len(keys))), []))
            continue
        rows: dict[str, list[MissingCell]] = {}
        for cell in cells:
            rows.setdefault(cell.row, []).append(cell)
        items = []
        for row, row_cells in rows.items():
            row_needed = {key for key in needed if key[1] == row}
            label = row_cells[0].row_label
            if len(row_needed) > 1 and row_needed <= {(c.worksheet, c.row, c.column) for c in row_cells}:
                items.append(_w("whole_row", lang, row=label))
            else:
                items.append(
                    _w("cells", lang, row=label, columns=", ".join(c.column_header for c in row_cells))
                )
        blocks.append((_w("tab", lang, tab=cells[0].tab), items))
    return blocks


def _missing_cell(gap: Gap, initiative: Initiative) -> MissingCell:
    lang = initiative.language
    worksheet_id, row_id, column_id = gap.worksheet or "", gap.row or "", gap.column or ""
    tab, row_label, header = worksheet_id, row_id, column_id
    worksheet = next((w for w in initiative.kit.worksheets if w.id == worksheet_id), None)
    if worksheet is not None:
        tab = worksheet.tab(lang)
        row_label = next((r.label(lang) for r in worksheet.rows if r.id == row_id), None) or next(
            (q.text(lang) for q in worksheet.debrief if q.id == row_id), row_id
        )
        if column_id == DEBRIEF_COLUMN:
            header = word("debrief", lang)
        else:
            header = next((c.header(lang) for c in worksheet.columns if c.id == column_id), column_id)
    return MissingCell(worksheet_id, row_id, column_id, tab, row_label, header)


def _without_partner(message: str, partner_name: str) -> str:
    """Gap messages start with the partner's name ('X : …' / 'X: …'); a message to X does not need it."""
    for prefix in (f"{partner_name} : ", f"{partner_name}: "):
        if message.startswith(prefix):
            rest = message[len(prefix) :]
            return rest[:1].upper() + rest[1:]
    return message


def _google_links(initiative: Initiative) -> dict[str, str]:
    """Links from the Google manifest, read by the backend that writes it (only when there is one)."""
    manifest = initiative.google.manifest
    if manifest is None or not manifest.is_file():
        return {}
    from ..backends.gsheets.manifest import shared_links

    return shared_links(manifest)
