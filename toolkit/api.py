"""The public library verbs, in one place; the CLI and `toolkit/__init__.py` use these names.

This is where paths come in and files go out: the core (templates, layout, read_copy, merge, gaps,
master) is pure, the sources registry reads, the writers registry writes.
"""

from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import writers
from .attribution import IssuedCopy
from .backends.xlsx import GeneratedCopy
from .clock import utc_now
from .config_messages import say
from .design import (  # the core loader, plus design workbooks under `worksheets:`
    DesignError,
    ImportedTemplate,
    load_design,
    load_initiative,
    template_export,
    template_import,
    template_new,
    template_preview,
)
from .errors import InputError, OutputRefused
from .gaps import Gap, GapReport
from .gaps import find_gaps as _find_gaps
from .generate import CopyPlan, Prefill, choose_partners
from .guard import check_output
from .history import History
from .init import init
from .initiative import Initiative, Partner
from .issued import new_copy_id, record_issued
from .mail.collect import CollectResult
from .mail.imap import TokenSource
from .mail.outbox import remind, send_copies
from .master import master_spec
from .merge import Merged, quiet_gc
from .merge import merge as _merge
from .progress import COMBINE, MASTER, WRITE, Stages
from .pull import pull
from .reports import Report, build_report
from .reports.email import EmailError, local_day, report_email, send_report
from .reports.reminders import Reminder, build_reminders, send_reminders
from .round_files import last_master, read_prefill, read_previous
from .round_master import round_label, with_rounds
from .rounds import close_round
from .submission import PullResult, SourceProblem, Submission
from .templates import Kit, Worksheet, load_kit
from .text import Language
from .writers import WriteOptions, WrittenCopy

if TYPE_CHECKING:
    from gspread import Client
    from gspread.http_client import HTTPClient

    from .backends.gsheets.auth import FlowRunner, GoogleAuth
    from .backends.gsheets.generate import GoogleCopy
    from .backends.gsheets.master import GoogleMaster
    from .initiative import GoogleSettings

Sources = str | Path | Iterable[str | Path]


def generate(
    initiative: Initiative | Path | str,
    out: Path | str | None = None,
    *,
    backend: str = "xlsx",
    language: Language | None = None,
    partners: Sequence[str] = (),
    blank: bool = True,
    now: dt.datetime | None = None,
    prefill: Path | str | None = None,
    progress: bool = True,
    clients: Mapping[str, object] | None = None,
    settings: Mapping[str, object] | None = None,
    force: bool = False,
    register: Path | str | None = None,
    jobs: int | None = None,
) -> Sequence[WrittenCopy]:
    """Write one workbook per partner (all, or those named) with the writer `backend`; say where each went.

    `xlsx` writes files into the folder `out`, plus a blank copy; `gsheets` creates one shared Google
    spreadsheet per partner (`settings={"create_folder": True}`: in a Drive folder it makes itself).
    With `prefill` (a master workbook), copies start from the last round's merged state; what was
    pre-filled is recorded in each copy, so an unchanged value is never attributed to the partner.

    A file already where a copy would go is never replaced when it holds answers; an unfilled copy
    is replaced only with `force` (a backup is kept). Each copy carries a random copy id, recorded
    in the register of issued copies (`register`, default the initiative's `issued_path`). `jobs`:
    worker processes building xlsx copies when there are many (default one per CPU).
    """
    if not isinstance(initiative, Initiative):
        initiative = load_initiative(initiative)
    chosen: list[Partner | None] = list(choose_partners(initiative, partners))
    if blank:
        chosen.append(None)
    plan = CopyPlan(
        initiative,
        language or initiative.language,
        tuple(chosen),
        now or utc_now(),
        read_prefill(prefill, initiative, language) if prefill else Prefill(),
        {p.id if p else "": new_copy_id() for p in chosen},
    )
    options = WriteOptions(
        progress=progress, clients=clients or {}, settings=settings or {}, force=force, jobs=jobs
    )
    made = writers.writer(backend).write_copies(plan, str(out) if out is not None else None, options)
    issued = [
        IssuedCopy(
            copy_id,
            initiative.id,
            c.partner_id,
            "partner" if c.partner_id else "blank",
            plan.now.isoformat(),
            c.where,
        )
        for c in made
        if (copy_id := getattr(c, "copy_id", None))  # writers that carry the plan's ids say so
    ]
    where = Path(register) if register is not None else initiative.issued_path
    if where is not None:
        record_issued(where, issued)
    return made


def merge(
    sources: PullResult | Sources,
    initiative: Initiative,
    *,
    out: Path | str | None = None,
    now: dt.datetime | None = None,
    clients: Mapping[str, object] | None = None,
    previous: Path | str | None = None,
    history: Path | str | None = None,
    progress: bool = True,
) -> Merged:
    """Merge pulled copies (or pull `sources` first); write the master to `out` if given.

    `out` names the writer by its form: a path ending in .xlsx, or `gsheets:` for a new Google
    spreadsheet; any other form is refused with the supported ones. `previous` is the last round's
    master: each partner keeps its answers there unless its copy changed or cleared them (rounds.py).
    With `history` (a history file), the last master recorded there is the previous one when
    `previous` is not given, and the master written to `out` is recorded. `progress`: a bar on stderr,
    stage by stage, when it is a terminal and the copies are many."""
    now = now or utc_now()
    pulled = sources if isinstance(sources, PullResult) else pull(sources, initiative, progress=progress)
    stages = [COMBINE, MASTER, WRITE] if out is not None else [COMBINE]
    copies = len(pulled.submissions)
    with Stages("merge", stages, copies, initiative.language, progress) as bar:
        bar.start(COMBINE)
        if previous is None and history is not None:
            previous = last_master(initiative, history)
        before = read_previous(previous, initiative, clients) if previous is not None else None
        # close_round computes the master's values and the partners' rows again: merge need not (the
        # time and memory of a 2nd copy)
        combined = _merge(pulled, initiative, values=False, partner_rows=False)
        merged = close_round(combined, before, round_label(initiative, now))
        if out is not None:
            read = [e.source for e in pulled.errors]
            _write_master(merged, out, now, clients, read, history, bar)
    return merged


def write_master(
    merged: Merged,
    out: Path | str,
    *,
    now: dt.datetime | None = None,
    clients: Mapping[str, object] | None = None,
    sources: Iterable[str] = (),
    history: Path | str | None = None,
    progress: bool = True,
) -> str:
    """Build the master fresh (never from a partner's file) and write it; return where it went.

    A local target that is one of the merged copies (or of `sources`), a partner's copy, or a file
    that may hold answers is refused (OutputRefused): only an earlier master is replaced. With
    `history`, the master is recorded there (path, round, time): next round finds it. `progress`: a bar
    on stderr, stage by stage, when it is a terminal and the copies are many."""
    language = merged.initiative.language
    with Stages("merge", [MASTER, WRITE], len(merged.accepted), language, progress) as bar:
        return _write_master(merged, out, now, clients, sources, history, bar)


@quiet_gc()  # the master's rows are millions of small objects: see quiet_gc
def _write_master(
    merged: Merged,
    out: Path | str,
    now: dt.datetime | None,
    clients: Mapping[str, object] | None,
    sources: Iterable[str],
    history: Path | str | None,
    bar: Stages,
) -> str:
    """write_master, its stages shown on `bar` (the guard's check of the target is the master's)."""
    bar.start(MASTER)
    target = str(out)
    chosen = writers.writer_for_target(target, merged.initiative.language)
    if not merged.accepted:
        raise InputError(say("nothing_to_merge", merged.initiative.language, path=target))
    if chosen.name == "xlsx":  # a file on this disk: never over what was read or a partner's copy
        every = [s.source for s in _all_submissions(merged)] + list(sources)
        check_output(target, "master", sources=every, initiative=merged.initiative)
    now = now or utc_now()
    spec = with_rounds(master_spec(merged, now, cell_limit=chosen.cell_limit), merged)
    bar.start(WRITE)
    where = chosen.write_master(merged.initiative, spec, target, WriteOptions(clients=clients or {}))
    if history is not None:
        local = Path(where)
        History(history, language=merged.initiative.language).record_master(
            merged.initiative.id, str(local.resolve()) if local.exists() else where, merged.round, now
        )
    return where


def _all_submissions(merged: Merged) -> list[Submission]:
    return [*merged.accepted, *merged.superseded, *merged.duplicates, *merged.ignored, *merged.disputed]


def find_gaps(
    sources: PullResult | Sources,
    initiative: Initiative,
    *,
    merged: Merged | None = None,
    now: dt.datetime | None = None,
) -> GapReport:
    """Gaps of the pulled copies (or pull `sources` first); pass `merged` to reuse a merge already made."""
    pulled = sources if isinstance(sources, PullResult) else pull(sources, initiative)
    return _find_gaps(pulled, initiative, merged=merged, now=now)


def collect(
    initiative: Initiative,
    out: Path | str,
    *,
    env: Mapping[str, str] | None = None,
    ssl_context: ssl.SSLContext | None = None,
    token: TokenSource | None = None,
    timeout: float = 60.0,
) -> CollectResult:
    """`toolkit collect`: save the spreadsheets partners emailed back into `out`, with their provenance.

    With `collect.auth: google` and no `token`, the access token comes from `toolkit auth google`."""
    from .mail.collect import collect as run

    if token is None and initiative.collect is not None and initiative.collect.auth == "google":
        token = google_mail_token(initiative)
    return run(initiative, out, env=env, ssl_context=ssl_context, token=token, timeout=timeout)


def google_mail_token(initiative: Initiative) -> TokenSource:
    """A source of fresh Google access tokens for IMAP (XOAUTH2), from the cached sign-in."""
    from .mail.oauth import google_token

    return lambda: google_token(initiative)


def generate_google(
    initiative: Initiative,
    client: Client | HTTPClient | None = None,
    *,
    language: Language | None = None,
    partners: Sequence[str] = (),
    now: dt.datetime | None = None,
    progress: bool = True,
    prefill: Path | str | None = None,
) -> list[GoogleCopy]:
    """`generate --backend gsheets`: one Google spreadsheet per partner, shared with that partner only."""
    from .backends.gsheets.generate import generate_google as run

    start = read_prefill(prefill, initiative) if prefill else None
    return run(
        initiative, client, language=language, partners=partners, now=now, progress=progress, prefill=start
    )


def write_master_google(
    merged: Merged,
    client: Client | HTTPClient | None = None,
    *,
    title: str | None = None,
    now: dt.datetime | None = None,
) -> GoogleMaster:
    """`merge --out gsheets:`: the master as a new Google spreadsheet in the initiative's folder."""
    from .backends.gsheets.master import write_master_google as run

    return run(merged, client, title=title, now=now)


def authorize_google(
    settings: GoogleSettings,
    *,
    token_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    runner: FlowRunner | None = None,
    mail: bool = False,
) -> GoogleAuth:
    """`toolkit auth google`: the consent flow; says where the token is cached, never shows it.

    `mail` adds Gmail's scope, for `collect` with `auth: google` (asked for only then)."""
    from .backends.gsheets.auth import authorize_google as run
    from .backends.gsheets.auth import scopes_for

    return run(settings, token_file=token_file, environ=environ, runner=runner, scopes=scopes_for(mail))


__all__ = [
    "DesignError",
    "EmailError",
    "Gap",
    "GapReport",
    "GeneratedCopy",
    "History",
    "ImportedTemplate",
    "Initiative",
    "Kit",
    "Merged",
    "OutputRefused",
    "PullResult",
    "Reminder",
    "Report",
    "SourceProblem",
    "Submission",
    "Worksheet",
    "WrittenCopy",
    "authorize_google",
    "build_reminders",
    "build_report",
    "check_output",
    "collect",
    "find_gaps",
    "generate",
    "generate_google",
    "init",
    "last_master",
    "load_design",
    "load_initiative",
    "load_kit",
    "local_day",
    "merge",
    "pull",
    "read_prefill",
    "read_previous",
    "remind",
    "report_email",
    "send_copies",
    "send_reminders",
    "send_report",
    "template_export",
    "template_import",
    "template_new",
    "template_preview",
    "write_master",
    "write_master_google",
]
