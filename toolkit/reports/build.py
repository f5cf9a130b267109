"""build_report: one run of the weekly report, as data; renderers turn it into HTML, text, JSON, XLSX.

Overall completion is the mean of every expected partner's completion, a partner without a copy
counting 0, so it only reaches 100 % when everyone has answered everything. A copy is on time when
its modification time is at most the end of the deadline day in the initiative's time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..clock import aware, utc_now
from ..errors import BackendError, ToolkitError
from ..gaps import GapReport, find_gaps, share
from ..history import History, Snapshot, SubmissionRecord, utc_key
from ..initiative import Initiative
from ..merge import merge, quiet_gc
from ..progress import COMBINE, GAPS, HISTORY, Stages
from ..round_files import last_master, read_previous
from ..round_master import round_label
from ..rounds import PreviousRound, close_round
from ..submission import PullResult, Submission, required_cells
from .changes import compare, round_changes
from .model import Headline, PartnerRow, Report, TrendPoint

TREND_RUNS = 26  # about six months of weekly reports


@quiet_gc()
def build_report(
    pulled: PullResult,
    initiative: Initiative,
    *,
    history_path: Path | str | None = None,
    now: dt.datetime | None = None,
    record: bool = True,
    label: str | None = None,
    notes: str | None = None,
    stages: Stages | None = None,
) -> Report:
    """Compute the report; compare with the previous run in the history and (if `record`) add this one.

    `history_path` defaults to the initiative's (next to its file); with neither, no history is kept.
    `stages`: a progress bar (progress.py) told each stage as it starts."""
    now = now or utc_now()
    bar = stages or Stages("report", (), 0, initiative.language, enabled=False)
    bar.start(COMBINE)
    path = history_path or initiative.history_path
    last_round, rounds_problem = _previous_round(initiative, path)
    closing = last_round is not None  # close_round computes the values and the partners' rows again
    merged = merge(pulled, initiative, values=not closing, partner_rows=not closing)
    if last_round is not None:  # the master as it would be now: each partner's answers since last round
        merged = close_round(merged, last_round, round_label(initiative, now))
    bar.start(GAPS)
    report = find_gaps(pulled, initiative, merged=merged, now=now)
    accepted = merged.accepted
    partners = _partner_rows(initiative, report, accepted)
    needed = _required_by_worksheet(initiative)
    sheets = {s.source: _worksheet_shares(s, needed) for s in accepted}
    expected = {p.id for p in initiative.partners}
    shares = [p.completion or 0.0 for p in partners if p.partner in expected]
    overall = round(sum(shares) / len(shares), 3) if shares else 0.0
    snapshot = Snapshot(
        initiative=initiative.id,
        generated_at=report.generated_at,
        completion=overall,
        expected=len(initiative.partners),
        submissions=tuple(
            SubmissionRecord(s.partner, s.source, s.modified, s.completion, sheets.get(s.source, {}))
            for s in report.submissions
        ),
        gaps=report.gaps,
        label=label,
        notes=notes,
    )
    bar.start(HISTORY)
    history = History(path, language=initiative.language) if path else None
    failures: list[str] = []  # the history cannot be read or written: the report is made all the same
    previous = _tolerant(
        failures, history, lambda h: h.previous_run(initiative.id, before=now, inclusive=True)
    )
    changes = compare(previous.snapshot if previous else None, snapshot, previous.id if previous else None)
    runs = _tolerant(failures, history, lambda h: h.list_runs(initiative.id)) or []
    past = [r for r in runs if utc_key(r.generated_at) <= utc_key(now)]
    trend = [TrendPoint(r.id, r.generated_at, r.completion) for r in past[-(TREND_RUNS - 1) :]]
    run_id = _tolerant(failures, history, lambda h: h.record(snapshot)) if record and not failures else None
    trend.append(TrendPoint(run_id, snapshot.generated_at, overall))
    received = [p for p in partners if p.received and p.partner in expected]
    headline = Headline(
        expected=len(initiative.partners),
        received=len(received),
        on_time=sum(1 for p in received if p.on_time) if initiative.deadline else None,
        deadline=initiative.deadline,
        completion=overall,
        ownerless_roles=sum(1 for g in report.gaps if g.kind == "ownerless_role"),
        unreadable=len(report.errors),
    )
    rounds = round_changes(merged.answers, merged.round, merged.previous) if merged.previous else None
    return Report(
        initiative,
        report,
        headline,
        changes,
        tuple(partners),
        tuple(trend),
        now,
        run_id,
        rounds=rounds,
        history_failures=tuple(dict.fromkeys(failures)),
        rounds_problem=rounds_problem,
    )


T = TypeVar("T")


def _tolerant(failures: list[str], history: History | None, call: Callable[[History], T]) -> T | None:
    """Run a history call (None without one); a failure (disk full, a damaged file) is kept, not raised."""
    if history is None:
        return None
    try:
        return call(history)
    except BackendError as exc:
        failures.append(str(exc))
        return None


def _previous_round(
    initiative: Initiative, history: Path | str | None
) -> tuple[PreviousRound | None, str | None]:
    """Last round's master as the history records it, else None; and why it could not be read, when
    the history names one (moved, deleted, damaged, too large to read back): the report is made
    without the round's changes and says so, in the initiative's language."""
    try:  # a history that cannot be read (disk, damage) is a failure the report says anyway
        where = last_master(initiative, history) if history else None
    except ToolkitError:
        return None, None
    if where is None:
        return None, None
    try:
        return read_previous(where, initiative), None
    except ToolkitError as exc:
        return None, str(exc)


def worksheet_completion(submission: Submission, initiative: Initiative) -> dict[str, float | None]:
    """Share of each worksheet's required cells this copy fills (None: the worksheet requires nothing)."""
    return _worksheet_shares(submission, _required_by_worksheet(initiative))


def _required_by_worksheet(initiative: Initiative) -> dict[str, frozenset[tuple[str, str, str]]]:
    required = required_cells(initiative.kit)
    return {w.id: frozenset(key for key in required if key[0] == w.id) for w in initiative.kit.worksheets}


def _worksheet_shares(
    submission: Submission,
    needed: dict[str, frozenset[tuple[str, str, str]]],
    have: frozenset[tuple[str, str, str]] | None = None,
) -> dict[str, float | None]:
    have = submission.filled_keys if have is None else have  # made on use: pass them when known
    return {w: round(len(keys & have) / len(keys), 3) if keys else None for w, keys in needed.items()}


def deadline_end(initiative: Initiative) -> dt.datetime | None:
    """The last instant a copy counts as on time: the deadline day's end in the initiative's time zone."""
    if initiative.deadline is None:
        return None
    try:
        zone: dt.tzinfo = ZoneInfo(initiative.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return dt.datetime.combine(initiative.deadline, dt.time.max, tzinfo=zone)


def _partner_rows(
    initiative: Initiative, report: GapReport, accepted: tuple[Submission, ...]
) -> list[PartnerRow]:
    end = deadline_end(initiative)
    needed = _required_by_worksheet(initiative)
    required = required_cells(initiative.kit)
    counts = _gap_counts(report)  # indexed once: one pass over the gaps, not one per partner
    by_partner = {s.partner_id: s for s in accepted if s.partner_id}
    known = {p.id for p in initiative.partners}
    rows = []
    for partner in initiative.partners:
        copy = by_partner.get(partner.id)
        rows.append(_row(initiative, required, needed, counts, partner.id, partner.name, copy, end))
    for copy in accepted:  # copies of no known partner, after the initiative's own
        if copy.partner_id is None or copy.partner_id not in known:
            rows.append(
                _row(initiative, required, needed, counts, copy.partner_id, copy.partner_id or "", copy, end)
            )
    return rows


def _gap_counts(report: GapReport) -> dict[str, tuple[int, int]]:
    """Partner -> (missing cells, other problems), the partner's own gaps counted once."""
    missing: dict[str, int] = {}
    problems: dict[str, int] = {}
    for g in report.gaps:
        if g.partner is None:
            continue
        if g.kind == "missing_cell":
            missing[g.partner] = missing.get(g.partner, 0) + 1
        elif g.kind != "missing_submission":
            problems[g.partner] = problems.get(g.partner, 0) + 1
    return {p: (missing.get(p, 0), problems.get(p, 0)) for p in missing.keys() | problems.keys()}


def _row(
    initiative: Initiative,
    required: set[tuple[str, str, str]],
    needed: dict[str, frozenset[tuple[str, str, str]]],
    counts: dict[str, tuple[int, int]],
    partner: str | None,
    name: str,
    copy: Submission | None,
    end: dt.datetime | None,
) -> PartnerRow:
    if copy is None:
        return PartnerRow(partner, name, False, None, None, None, None)
    missing, problems = counts.get(partner, (0, 0)) if partner else (0, 0)
    filled = copy.filled_keys
    return PartnerRow(
        partner=partner,
        name=name,
        received=True,
        file=Path(copy.source).name,
        modified=copy.modified.isoformat() if copy.modified else None,
        on_time=(aware(copy.modified) <= end) if end and copy.modified else None,
        completion=round(share(copy, initiative.kit, required, filled), 3),
        worksheets=_worksheet_shares(copy, needed, filled),
        missing_cells=missing,
        problems=problems,
    )
