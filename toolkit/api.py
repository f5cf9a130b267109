"""The public library verbs, in one place; the CLI and `toolkit/__init__.py` use these names.

This is where paths come in and files go out: the core (templates, layout, read_copy, merge, gaps,
master) is pure, the sources registry reads, the writers registry writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import writers
from .backends.xlsx import GeneratedCopy
from .clock import utc_now
from .design import load_initiative  # the core loader, plus design workbooks under `worksheets:`
from .errors import InputError
from .gaps import Gap, GapReport
from .gaps import find_gaps as _find_gaps
from .generate import CopyPlan, Prefill, choose_partners
from .history import History
from .init import init
from .initiative import Initiative, Partner
from .master import master_spec
from .merge import Merged
from .merge import merge as _merge
from .pull import pull
from .reports import Report, build_report
from .reports.email import EmailError, local_day, report_email, send_report
from .reports.reminders import Reminder, build_reminders, send_reminders
from .round_files import last_master, read_previous
from .round_master import prefill_for_partners, round_label, with_rounds
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
) -> Sequence[WrittenCopy]:
    """Write one workbook per partner (all, or those named) with the writer `backend`; say where each went.

    `xlsx` writes files into the folder `out`, plus a blank copy; `gsheets` creates one shared Google
    spreadsheet per partner (`settings={"create_folder": True}`: in a Drive folder it makes itself).
    With `prefill` (a master workbook), copies start from the last round's merged state; what was
    pre-filled is recorded in each copy, so an unchanged value is never attributed to the partner.
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
    )
    options = WriteOptions(progress=progress, clients=clients or {}, settings=settings or {})
    return writers.writer(backend).write_copies(plan, str(out) if out is not None else None, options)


def read_prefill(master: Path | str, initiative: Initiative, language: Language | None = None) -> Prefill:
    """What next round's copies start from: each partner's own answers in a master made by `merge`
    (the others' answers only on a read-only tab, when the initiative shares them)."""
    previous = read_previous(master, initiative)
    return prefill_for_partners(previous, initiative, language or initiative.language)


def merge(
    sources: PullResult | Sources,
    initiative: Initiative,
    *,
    out: Path | str | None = None,
    now: dt.datetime | None = None,
    clients: Mapping[str, object] | None = None,
    previous: Path | str | None = None,
    history: Path | str | None = None,
) -> Merged:
    """Merge pulled copies (or pull `sources` first); write the master to `out` if given.

    `out` names the writer by its form: a path ending in .xlsx, or `gsheets:` for a new Google
    spreadsheet; any other form is refused with the supported ones. `previous` is the last round's
    master: each partner keeps its answers there unless its copy changed or cleared them (rounds.py).
    With `history` (a history file), the last master recorded there is the previous one when
    `previous` is not given, and the master written to `out` is recorded."""
    now = now or utc_now()
    pulled = sources if isinstance(sources, PullResult) else pull(sources, initiative)
    if previous is None and history is not None:
        previous = last_master(initiative, history)
    before = read_previous(previous, initiative, clients) if previous is not None else None
    merged = close_round(_merge(pulled, initiative), before, round_label(initiative, now))
    if out is not None:
        write_master(merged, out, now=now, clients=clients, history=history)
    return merged


def write_master(
    merged: Merged,
    out: Path | str,
    *,
    now: dt.datetime | None = None,
    clients: Mapping[str, object] | None = None,
    history: Path | str | None = None,
) -> str:
    """Build the master fresh (never from a partner's file) and write it; return where it went.

    With `history`, the master is recorded there (path, round, time): next round finds it."""
    target = str(out)
    chosen = writers.writer_for_target(target)
    if not merged.accepted:
        raise InputError(f"{target}: no partner copy to merge; nothing written")
    now = now or utc_now()
    spec = with_rounds(master_spec(merged, now), merged)
    where = chosen.write_master(merged.initiative, spec, target, WriteOptions(clients=clients or {}))
    if history is not None:
        local = Path(where)
        History(history).record_master(
            merged.initiative.id, str(local.resolve()) if local.exists() else where, merged.round, now
        )
    return where


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
) -> GoogleAuth:
    """`toolkit auth google`: the consent flow; says where the token is cached, never shows it."""
    from .backends.gsheets.auth import authorize_google as run

    return run(settings, token_file=token_file, environ=environ, runner=runner)


__all__ = [
    "EmailError",
    "Gap",
    "GapReport",
    "GeneratedCopy",
    "History",
    "Initiative",
    "Kit",
    "Merged",
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
    "find_gaps",
    "generate",
    "generate_google",
    "init",
    "last_master",
    "load_initiative",
    "load_kit",
    "local_day",
    "merge",
    "pull",
    "read_prefill",
    "read_previous",
    "report_email",
    "send_reminders",
    "send_report",
    "write_master",
    "write_master_google",
]


# --- Design workbooks: `toolkit template new|export|import|preview` (toolkit/design/) ----------------
from .design import (  # noqa: E402  (one block, kept apart from the core verbs above)
    DesignError,
    ImportedTemplate,
    load_design,
    template_export,
    template_import,
    template_new,
    template_preview,
)

__all__ += [
    "DesignError",
    "ImportedTemplate",
    "load_design",
    "template_export",
    "template_import",
    "template_new",
    "template_preview",
]
