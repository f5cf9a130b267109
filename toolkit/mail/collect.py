"""collect: save the spreadsheets partners sent back by email into the returns folder, with provenance.

For each message of the `collect.folder` not yet marked as collected, whose outline shows an attachment:
  - a message above the size limit is skipped with a reason (never downloaded);
  - every spreadsheet attachment (forwards included) is saved under a safe, unique name, and its
    provenance (sender, date, subject, Message-ID, attachment name, sha256) beside it; an attachment
    above the limit is skipped with a reason;
  - once everything in it is saved, the message is flagged `$ToolkitCollected` (or \\Flagged when the
    server takes no keywords of its own) and moved to `processed_folder` when there is one.
Nothing is deleted, and messages stay unread. The same Message-ID and content are never saved twice,
so a run that stopped halfway is simply run again. Each saved file is screened at once (the same
screening pull applies) so that a refused file is named now; it is kept all the same.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from ..clock import utc_now
from ..errors import ConfigError, SourceError
from ..files import atomic_write
from ..initiative import Initiative
from ..problems import SourceCode, source_message
from ..screening import screen_file
from ..text import Language
from .attachments import Envelope, envelope_of, safe_name, spreadsheets
from .imap import Summary, TokenSource, open_mailbox
from .provenance import Provenance, known_in, sha256, sidecar_path, write_sidecar
from .words import say, size_text

KEYWORD = "$ToolkitCollected"
MAX_MESSAGE_BYTES = 40 * 1024 * 1024  # larger messages are not downloaded
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
DEFAULT_TIMEOUT = 60.0
# BODYSTRUCTURE words that can mean an attachment; a message without any is plain text and skipped.
_ATTACHMENT_HINTS = (
    b'"APPLICATION"',
    b'"MESSAGE"',
    b'"ATTACHMENT"',
    b'"NAME"',
    b'"FILENAME"',
    b".XLS",
    b".ODS",
)


@dataclass(frozen=True)
class Saved:
    path: Path
    provenance: Provenance
    problem: SourceCode | None = None  # what screening says of the file (it is kept all the same)
    problem_message: str = ""


@dataclass(frozen=True)
class Skipped:
    message: str  # why, in the initiative's language


@dataclass(frozen=True)
class CollectResult:
    folder: Path
    saved: tuple[Saved, ...]
    already: int  # attachments collected by an earlier run
    skipped: tuple[Skipped, ...]
    marked: int  # messages flagged (and moved) as collected


def collect(
    initiative: Initiative,
    out: Path | str,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    ssl_context: ssl.SSLContext | None = None,
    token: TokenSource | None = None,
    max_message: int = MAX_MESSAGE_BYTES,
    max_attachment: int = MAX_ATTACHMENT_BYTES,
    now: dt.datetime | None = None,
) -> CollectResult:
    language = initiative.language
    settings = initiative.collect
    if settings is None:
        raise ConfigError(say("no_collect", language, source=initiative.source))
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    run = _Run(folder, language, settings.folder, max_attachment, (now or utc_now()).isoformat())
    with open_mailbox(
        settings,
        language,
        env=os.environ if env is None else env,
        timeout=timeout,
        ssl_context=ssl_context,
        token=token,
    ) as box:
        if settings.processed_folder:
            box.ensure_folder(settings.processed_folder)
        box.select(settings.folder)
        keyword = KEYWORD if box.custom_keywords else "\\Flagged"
        criteria = ("UNKEYWORD", KEYWORD) if box.custom_keywords else ("UNFLAGGED",)
        for summary in list(box.summaries(box.search(*criteria))):
            if not _may_hold_attachment(summary.structure):
                continue
            if summary.size > max_message:
                run.skip_message(summary, max_message)
                continue
            if run.take(box.body(summary.uid)):
                box.flag(summary.uid, keyword)
                if settings.processed_folder:
                    box.move(summary.uid, settings.processed_folder)
                run.marked += 1
    return CollectResult(folder, tuple(run.saved), run.already, tuple(run.skipped), run.marked)


def _may_hold_attachment(structure: bytes) -> bool:
    if b"BODYSTRUCTURE" not in structure:  # the outline came in pieces: look at the body to be sure
        return True
    upper = structure.upper()
    return any(hint in upper for hint in _ATTACHMENT_HINTS)


class _Run:
    """One collect run's state: what the folder already holds, what was saved and skipped."""

    def __init__(self, folder: Path, language: Language, mailbox: str, max_attachment: int, at: str) -> None:
        self.folder = folder
        self.language = language
        self.mailbox = mailbox
        self.max_attachment = max_attachment
        self.at = at
        self.known = known_in(folder)
        self.saved: list[Saved] = []
        self.skipped: list[Skipped] = []
        self.already = 0
        self.marked = 0

    def take(self, raw: bytes) -> bool:
        """Save the spreadsheets of one message; True when it held some and all of them are saved."""
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        found, too_large = spreadsheets(message, self.max_attachment)
        outer = envelope_of(message)
        for big in too_large:
            self.skipped.append(
                Skipped(
                    say(
                        "attachment_too_large",
                        self.language,
                        name=big.name,
                        subject=outer.subject or say("no_subject", self.language),
                        sender=outer.sender or say("unknown_sender", self.language),
                        size=size_text(big.size, self.language),
                        limit=size_text(self.max_attachment, self.language),
                    )
                )
            )
        for attachment in found:
            self._save(
                attachment.name, attachment.content, attachment.envelope, outer, attachment.forwarded_by
            )
        return bool(found) and not too_large

    def skip_message(self, summary: Summary, limit: int) -> None:
        header = email.message_from_bytes(summary.header, policy=email.policy.default)
        envelope = envelope_of(header)
        self.skipped.append(
            Skipped(
                say(
                    "message_too_large",
                    self.language,
                    subject=envelope.subject or say("no_subject", self.language),
                    sender=envelope.sender or say("unknown_sender", self.language),
                    size=size_text(summary.size, self.language),
                    limit=size_text(limit, self.language),
                )
            )
        )

    def _save(
        self, name: str, content: bytes, envelope: Envelope, outer: Envelope, forwarded_by: str | None
    ) -> None:
        digest = sha256(content)
        # A forwarded message may lack a Message-ID: the carrying message's identifies the copy then.
        message_id = envelope.message_id or outer.message_id or f"<sha256-{digest}@toolkit>"
        known = self.known.get((message_id, digest))
        if known is not None and _holds(self.folder / known.file, digest):
            self.already += 1
            return
        date = envelope.date or outer.date
        target = self.folder / known.file if known is not None else self._free_name(name, date, digest)
        provenance = Provenance(
            file=target.name,
            sha256=digest,
            sender=envelope.sender,
            date=date.isoformat() if date else None,
            subject=envelope.subject,
            message_id=message_id,
            attachment=name,
            forwarded_by=forwarded_by,
            mailbox=self.mailbox,
            collected_at=self.at,
            in_reply_to=envelope.in_reply_to or None,
        )
        # The sidecar first: a run stopped between the two writes finds it and writes the file again.
        write_sidecar(target, provenance)
        atomic_write(target, content)
        if date is not None:  # tools that sort by file time see the message's time too
            stamp = date.timestamp()
            os.utime(target, (stamp, stamp))
        self.known[(message_id, digest)] = provenance
        self.saved.append(self._screened(target, provenance))

    def _free_name(self, name: str, date: dt.datetime | None, digest: str) -> Path:
        """`2026-11-05 name.xlsx`, or `2026-11-05 name (2).xlsx` … when another copy has that name."""
        safe = safe_name(name)
        stem, _, suffix = safe.rpartition(".")
        prefix = f"{date.date().isoformat()} " if date else ""
        for number in range(1, 10_000):
            extra = "" if number == 1 else f" ({number})"
            candidate = self.folder / f"{prefix}{stem}{extra}.{suffix}"
            if not candidate.exists() and not sidecar_path(candidate).exists():
                if candidate.resolve().parent != self.folder.resolve():  # never outside the folder
                    break
                return candidate
        return self.folder / f"{prefix}{digest[:16]}.{suffix}"

    def _screened(self, target: Path, provenance: Provenance) -> Saved:
        try:
            screen_file(target)
        except SourceError as exc:
            return Saved(target, provenance, exc.code, source_message(exc.code, self.language))
        return Saved(target, provenance)


def _holds(path: Path, digest: str) -> bool:
    try:
        return sha256(path.read_bytes()) == digest
    except OSError:
        return False


def summary_lines(result: CollectResult, language: Language) -> list[str]:
    """What `toolkit collect` prints: one line per saved file, one per skip, and a count."""
    from ..i18n import long_date

    lines = []
    for saved in result.saved:
        p = saved.provenance
        moment = p.moment
        fields = {
            "file": saved.path.name,
            "sender": p.sender or say("unknown_sender", language),
            "date": long_date(moment.date(), language) if moment else "?",
        }
        key = "saved_forwarded" if p.forwarded_by else "saved"
        lines.append(say(key, language, forwarder=p.forwarded_by, **fields))
        if saved.problem:
            lines.append(say("screened", language, file=saved.path.name, problem=saved.problem_message))
    lines += [s.message for s in result.skipped]
    lines.append(
        say(
            "collect_summary",
            language,
            saved=len(result.saved),
            folder=result.folder,
            already=result.already,
            skipped=len(result.skipped),
        )
    )
    return lines
