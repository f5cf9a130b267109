"""merge: partner copies into one master, losing no contribution and saying who wrote what.

Deterministic and order-independent: submissions are sorted by the initiative's
partner order before anything else; the same copy given twice counts once; of two
different copies from one partner the newest wins and the other is listed as
superseded; a master given back as a source is recognised and set aside. A copy whose
attribution is disputed (attribution.py), or one issued copy that came back under two
partners, is kept apart: listed, its values in Contributions as "disputed", never used
for the master and never replacing another copy.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import PurePath

import numpy as np
import pandas as pd

from .answers import Answer
from .clock import aware
from .i18n import word
from .initiative import Initiative, partner_labels
from .submission import Note, PullResult, Submission
from .templates import DEBRIEF_COLUMN, Column, Kit
from .values import FORMULA, normalise_key

CONTRIBUTION_COLUMNS = [
    "worksheet",
    "row",
    "column",
    "partner",
    "partner_name",
    "value",
    "text",
    "problem",
    "location",
    "source",
    "modified",
    "status",
]
PERSON_SEPARATORS = re.compile(r"\s*(?:[,;/\n]|\bet\b|\band\b|&)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Merged:
    """The master's cell values and every contribution behind them."""

    initiative: Initiative
    values: dict[tuple[str, str, str], object]  # (worksheet, row, column) -> master value
    contributions: pd.DataFrame  # CONTRIBUTION_COLUMNS; status: used, superseded, unmapped, disputed
    accepted: tuple[Submission, ...]  # one per partner (or per unidentified file)
    superseded: tuple[Submission, ...]  # older copies from a partner who sent a newer one
    duplicates: tuple[Submission, ...]  # the same content given again
    ignored: tuple[Submission, ...]  # masters given as sources, untouched blank copies
    disputed: tuple[Submission, ...] = ()  # attribution disputed: kept apart, never merged
    # Rounds (rounds.py, once the previous master is known): each partner's answer per cell, the round
    # this master closes, and the previous master it continues (source, round).
    answers: tuple[Answer, ...] = ()
    round: str | None = None
    previous: tuple[str, str | None] | None = None

    def partner_ids(self) -> set[str]:
        return {s.partner_id for s in self.accepted if s.partner_id}


def merge(
    pulled: PullResult, initiative: Initiative, *, values: bool = True, partner_rows: bool = True
) -> Merged:
    """Merge pulled copies into the master's values and the contributions behind them (pure).

    `values=False` leaves `values` empty, for a caller that computes them again (rounds.close_round).
    `partner_rows=False` also leaves out of `contributions` the rows close_round replaces with each
    partner's answers (status "used", partner known): at 10,000 copies, built only to be dropped, they
    cost about 100 MB."""
    return combine(pulled.submissions, initiative, values=values, partner_rows=partner_rows)


@contextmanager
def quiet_gc() -> Iterator[None]:
    """No cyclic garbage collection inside: merge, gaps and the report allocate millions of small
    acyclic objects (rows, answers, gaps), and each collection they trigger rescans every object alive,
    the thousands of pulled copies included, so its cost grew with the square of the copies (at 10,000
    copies, 40 % of merge). Reference counting still frees everything; collection resumes after.
    Usable as a decorator."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def sort_key(initiative: Initiative) -> Callable[[Submission], tuple[int, str, str, str]]:
    rank = {p.id: i for i, p in enumerate(initiative.partners)}  # the initiative file's order

    def key(s: Submission) -> tuple[int, str, str, str]:
        return (rank.get(s.partner_id or "", len(rank)), s.partner_id or "", s.source, s.fingerprint)

    return key


@quiet_gc()
def combine(
    submissions: Iterable[Submission],
    initiative: Initiative,
    *,
    values: bool = True,
    partner_rows: bool = True,
) -> Merged:
    distinct: dict[str, Submission] = {}
    duplicates = []
    for submission in sorted(submissions, key=sort_key(initiative)):
        if submission.fingerprint in distinct:
            duplicates.append(submission)  # the same copy given again (same partner, same content)
        else:
            distinct[submission.fingerprint] = submission
    ignored = [s for s in distinct.values() if s.role == "master" or (s.role == "blank" and _is_untouched(s))]
    kept = _mark_reused_copies([s for s in distinct.values() if not any(s is i for i in ignored)])
    disputed = [s for s in kept if s.disputed]
    groups: dict[str, list[Submission]] = {}
    for submission in kept:
        if not submission.disputed:
            groups.setdefault(submission.partner_id or f"file:{submission.source}", []).append(submission)
    accepted, superseded = [], []
    for copies in groups.values():
        newest_first = sorted(copies, key=_newness, reverse=True)
        accepted.append(newest_first[0])
        superseded += newest_first[1:]
    names = partner_labels(initiative.partners)  # short names: they prefix every combined answer
    contributions = _contributions(
        accepted, superseded, names, word("carried_over", initiative.language), disputed, partner_rows
    )
    return Merged(
        initiative,
        _master_values(initiative.kit, contributions, initiative.language) if values else {},
        contributions,
        tuple(accepted),
        tuple(superseded),
        tuple(duplicates),
        tuple(ignored),
        tuple(disputed),
    )


def _mark_reused_copies(submissions: list[Submission]) -> list[Submission]:
    """One issued partner copy (same copy id) back under two partners: one of them is not its author.

    The blank copy is meant to be filled by anyone, so its id may come back many times."""
    partners: dict[str, list[Submission]] = {}
    for s in submissions:
        if s.copy_id and s.role == "partner":
            partners.setdefault(s.copy_id, []).append(s)
    out = []
    for s in submissions:
        twins = [t for t in partners.get(s.copy_id or "", []) if t.partner_id != s.partner_id]
        if twins:
            notes = tuple(
                Note(
                    "copy_id_reused",
                    params=(
                        ("copy_id", s.copy_id or ""),
                        ("partner_b", t.partner_id or ""),
                        ("file", PurePath(t.source).name),
                    ),
                )
                for t in twins
            )
            s = replace(s, notes=s.notes + notes, disputed=True)
        out.append(s)
    return out


def _newness(s: Submission) -> tuple[dt.datetime, dt.datetime, str]:
    return (_aware(s.modified), _aware(s.generated_at), s.source)


def _aware(moment: dt.datetime | None) -> dt.datetime:
    """Comparable whatever a source gave: missing is oldest, a naive time is taken as UTC."""
    return aware(moment) if moment is not None else dt.datetime.min.replace(tzinfo=dt.UTC)


def _is_untouched(s: Submission) -> bool:
    return not any(text != "" for text in s.column("text")) and not s.unmapped


def display_name(s: Submission, names: dict[str, str]) -> str:
    return names.get(s.partner_id or "", s.partner_id or PurePath(s.source).name)


def _contributions(
    accepted: list[Submission],
    superseded: list[Submission],
    names: dict[str, str],
    carried_name: str,
    disputed: Iterable[Submission] = (),
    partner_rows: bool = True,
) -> pd.DataFrame:
    """Every non-empty value with its provenance. A value a copy was pre-filled with and the partner
    left unchanged is the previous master's, not the partner's: it is listed once, as carried over.
    `partner_rows=False`: without the used values of known partners (see `merge`)."""
    rows: list[tuple[object, ...]] = []
    carried_seen: set[tuple[object, ...]] = set()
    for status, group in (("used", accepted), ("superseded", superseded), ("disputed", list(disputed))):
        for s in group:
            name = display_name(s, names)
            for c in s.rows:
                if c.text == "":
                    continue
                if c.origin == "partner":
                    # a formula is listed, as typed, but never used: the master gets values only
                    own = "formula" if c.problem == FORMULA and status == "used" else status
                    if own == "used" and s.partner_id is not None and not partner_rows:
                        continue
                    who: tuple[object, str, str] = (s.partner_id, name, own)
                elif status == "used" and (key := (c.worksheet, c.row, c.column, c.text)) not in carried_seen:
                    carried_seen.add(key)
                    who = (None, carried_name, "carried_over")
                else:
                    continue
                # worksheet, row, column | partner, name | value, text, problem, location | provenance
                rows.append((*c[:3], *who[:2], *c[3:7], s.source, s.modified, who[2]))
            rows += [
                (
                    None,
                    None,
                    None,
                    s.partner_id,
                    name,
                    None,
                    text,
                    None,
                    location,
                    s.source,
                    s.modified,
                    "unmapped" if status == "used" else status,
                )
                for location, text in s.unmapped
            ]
    return object_frame(rows, CONTRIBUTION_COLUMNS)


def object_frame(rows: Sequence[tuple[object, ...]], columns: list[str]) -> pd.DataFrame:
    """`pd.DataFrame(rows, columns=columns, dtype=object)`, the same table made from one block: pandas'
    own way makes two more copies of it on its way (at 10,000 copies, 380,000 rows: 40 MB each)."""
    if not rows:
        return pd.DataFrame(rows, columns=columns, dtype=object)
    block = np.empty((len(rows), len(columns)), dtype=object)
    for i, row in enumerate(rows):  # one row at a time: a value is never taken for a sequence to unpack
        block[i] = row
    return pd.DataFrame(block, columns=columns, dtype=object, copy=False)


def cell_groups(
    contributions: pd.DataFrame, statuses: Iterable[str]
) -> Iterator[tuple[tuple[str, str, str], pd.DataFrame]]:
    """Each cell's contributions with one of `statuses`, in order of first appearance, like
    `groupby(["worksheet", "row", "column"], sort=False)` on those rows (a cell is never None), without
    copying them all first: one cell's rows at a time (the table is 380,000 rows at 10,000 copies)."""
    wanted = set(statuses)
    where: dict[tuple[str, str, str], array[int]] = {}  # positions as machine integers, not int objects
    keys = zip(
        *(contributions[name].to_numpy() for name in ("worksheet", "row", "column", "status")), strict=True
    )
    for i, (worksheet, row, column, status) in enumerate(keys):
        if status in wanted and not (_missing(worksheet) or _missing(row) or _missing(column)):
            if (positions := where.get((worksheet, row, column))) is None:
                positions = where[(worksheet, row, column)] = array("q")
            positions.append(i)
    for key, positions in where.items():
        yield key, contributions.take(np.frombuffer(positions, dtype=np.int64))


def _missing(value: object) -> bool:
    """What groupby leaves out as a key (None, NaN), quickly for the usual string."""
    return value is None or (type(value) is not str and bool(pd.isna(value)))


def _master_values(
    kit: Kit, contributions: pd.DataFrame, language: str
) -> dict[tuple[str, str, str], object]:
    """Partners' values where any wrote one; else what was carried over from the last master."""
    values: dict[tuple[str, str, str], object] = {}
    for (worksheet_id, row_id, column_id), group in cell_groups(contributions, ("used", "carried_over")):
        if (group["status"] == "used").any():
            group = group[group["status"] == "used"]
        worksheet = kit.worksheet(str(worksheet_id))
        column = None if column_id == DEBRIEF_COLUMN else worksheet.column(str(column_id))
        values[(str(worksheet_id), str(row_id), str(column_id))] = combine_cell(column, group, language)
    return values


def combine_cell(column: Column | None, group: pd.DataFrame, language: str) -> object:
    """One master value from one cell's contributions (in partner order)."""
    valid = group[group["problem"].isna()]
    if column is not None and column.type == "date" and len(valid):
        dates = [v for v in valid["value"] if isinstance(v, dt.date)]
        if dates and len(dates) == len(group):
            return max(dates)
    if column is not None and column.type == "person":
        names: dict[str, str] = {}
        for text in group["text"]:
            for name in PERSON_SEPARATORS.split(str(text)):
                if name.strip():
                    names.setdefault(normalise_key(name), name.strip())
        return ", ".join(names.values())
    distinct = list(dict.fromkeys(str(t).strip() for t in group["text"]))
    if len(distinct) == 1:
        only = group.iloc[0]
        typed = pd.isna(only["problem"]) and not isinstance(only["value"], str) and only["value"] is not None
        return only["value"] if typed else distinct[0]
    colon = " : " if language == "fr" else ": "
    return "\n".join(
        f"{name}{colon}{text}" for name, text in zip(group["partner_name"], group["text"], strict=True)
    )
