"""The coordinator's outbox: `send` (each partner its workbook or link) and `report --remind`.

Wiring, like api.py: templates (templates.py), fresh workbooks (the xlsx writer), delivery and the
record of what was sent (send.py, the history database).
"""

from __future__ import annotations

import datetime as dt
import ssl
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from .. import writers
from ..clock import utc_now
from ..generate import CopyPlan, Prefill, choose_partners
from ..initiative import Initiative, Partner
from ..reports.email import local_day, xlsx_attachment
from ..reports.model import Report
from ..reports.reminders import build_reminders, reminder_messages
from ..round_files import read_prefill
from ..writers import WriteOptions
from .send import Outcome, Outgoing, Workbook, copy_message, deliver
from .templates import load_templates


def workbooks(
    initiative: Initiative,
    partners: Sequence[Partner],
    *,
    now: dt.datetime | None = None,
    prefill: Path | str | None = None,
) -> dict[str, Workbook]:
    """Each partner's .xlsx copy, made fresh (as `generate` would) to be attached to a message."""
    if not partners:
        return {}
    plan = CopyPlan(
        initiative,
        initiative.language,
        tuple(partners),
        now or utc_now(),
        read_prefill(prefill, initiative) if prefill else Prefill(),
    )
    with tempfile.TemporaryDirectory(prefix="toolkit-send-") as folder:
        made = writers.writer("xlsx").write_copies(plan, folder, WriteOptions(progress=False))
        return {
            copy.partner_id: Workbook(Path(copy.where).name, Path(copy.where).read_bytes())
            for copy in made
            if copy.partner_id is not None
        }


def send_copies(
    initiative: Initiative,
    *,
    partners: Sequence[str] = (),
    dry_run: Path | str | None = None,
    force: bool = False,
    prefill: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    ssl_context: ssl.SSLContext | None = None,
    now: dt.datetime | None = None,
    history_path: Path | str | None = None,
) -> list[Outcome]:
    """`toolkit send`: email each partner (all, or those named) its workbook, or its Google link.

    The templates are checked first; what was sent is recorded in the history (none with `dry_run`,
    which writes one .eml per message into that folder instead)."""
    from ..backends.gsheets.manifest import shared_links

    templates = load_templates(initiative)
    chosen = choose_partners(initiative, partners)
    when = now or utc_now()
    links = shared_links(initiative.google.manifest)
    attach = workbooks(
        initiative, [p for p in chosen if p.emails and p.id not in links], now=when, prefill=prefill
    )
    outgoing = [
        Outgoing(
            partner,
            copy_message(
                initiative,
                templates,
                partner,
                workbook=attach.get(partner.id),
                link=links.get(partner.id),
                date=when,
            ),
            attach.get(partner.id),
            links.get(partner.id),
        )
        for partner in chosen
    ]
    return deliver(
        initiative,
        outgoing,
        kind="copy",
        history_path=history_path,
        dry_run=dry_run,
        force=force,
        env=env,
        timeout=timeout,
        ssl_context=ssl_context,
        now=when,
    )


def remind(
    report: Report,
    *,
    dry_run: Path | str | None = None,
    force: bool = False,
    env: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    ssl_context: ssl.SSLContext | None = None,
    now: dt.datetime | None = None,
    history_path: Path | str | None = None,
) -> list[Outcome]:
    """`report --remind`: a reminder to each lagging partner, with their workbook attached again when
    they have returned nothing (and have no Google spreadsheet); recorded like `send`, and not repeated
    within six days unless `force`."""
    initiative = report.initiative
    when = now or utc_now()
    reminders = build_reminders(report.gaps, initiative, today=local_day(report.generated, initiative))
    again = [
        initiative.partner(r.partner)
        for r in reminders
        if r.missing_submission and r.recipients and not r.link
    ]
    attach = workbooks(initiative, again, now=when)
    files = {pid: xlsx_attachment(w.file_name, w.content) for pid, w in attach.items()}
    sendable = [r for r in reminders if r.recipients]
    messages = dict(
        zip(
            [r.partner for r in sendable],
            reminder_messages(sendable, initiative, date=when, attachments=files) if sendable else [],
            strict=True,
        )
    )
    outgoing = [
        Outgoing(initiative.partner(r.partner), messages.get(r.partner), attach.get(r.partner), r.link)
        for r in reminders
    ]
    return deliver(
        initiative,
        outgoing,
        kind="reminder",
        history_path=history_path,
        dry_run=dry_run,
        force=force,
        env=env,
        timeout=timeout,
        ssl_context=ssl_context,
        now=when,
    )
