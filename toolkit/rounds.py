"""Rounds: the master of round N is round N's returns plus the previous master, partner by partner (pure).

Per (cell, partner): a copy that comes back with the partner's previous answer untouched keeps it
(attributed to that partner, marked with the round it was given in); a changed answer replaces only
that partner's own; an answer its own partner cleared is withdrawn (listed, no longer in the cells);
a partner who returned nothing keeps every previous answer, marked unconfirmed. No answer ever moves
from one partner to another: answers are keyed by partner and only that partner's copy changes them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .answers import Answer, Change
from .initiative import Initiative, partner_labels
from .merge import CONTRIBUTION_COLUMNS, Merged, cell_groups, combine_cell, quiet_gc
from .submission import Cell, Submission
from .templates import DEBRIEF_COLUMN, Kit
from .text import LANGUAGES, Language
from .values import FORMULA, parse_cell

ROUND_COLUMNS = [*CONTRIBUTION_COLUMNS, "round", "change"]
# contribution statuses whose text is part of the master's cells ("carried_over": merge's, when no
# previous master is given, for a pre-filled value nobody changed)
IN_MASTER = ("used", "unconfirmed", "carried_over")


@dataclass(frozen=True)
class PreviousRound:
    """What the previous master says each partner answered (withdrawn answers left out)."""

    source: str
    round: str | None
    answers: tuple[Answer, ...]
    legacy: bool = False  # made before rounds: answers recovered from its Contributions tab

    def by_partner(self, partner_id: str) -> list[Answer]:
        return [a for a in self.answers if a.partner == partner_id]


@quiet_gc()
def close_round(merged: Merged, previous: PreviousRound | None, round_label: str) -> Merged:
    """`merged` (this round's returns) continued from `previous`: answers, contributions and cell values."""
    initiative = merged.initiative
    before = {a.key: a for a in (previous.answers if previous else ()) if a.active}
    answers: list[Answer] = []
    # where each answer was read, by position: its copy and its cell's place in the copy's columns (a
    # dict of cells by key was 110 MB at 10,000 copies); None for an answer carried from `previous`
    found: list[tuple[Submission, int] | None] = []
    for submission in merged.accepted:
        partner = submission.partner_id
        if partner is None:
            continue  # an unidentified file: its values count this round, but belong to no partner
        start = len(answers)
        latest: dict[tuple[str, str, str], int] = {}  # a cell given twice is read where it was last
        for j, cell in enumerate(submission.rows):
            key = (cell.worksheet, cell.row, cell.column, partner)
            answer = _answer(cell, partner, before.get(key), key[:3] in submission.prefilled, round_label)
            if answer is not None:
                answers.append(answer)
                latest[key[:3]] = j
        found += [(submission, latest[a.worksheet, a.row, a.column]) for a in answers[start:]]
    if before:
        seen = {a.key for a in answers}
        answers += [dataclasses.replace(a, change="unconfirmed") for k, a in before.items() if k not in seen]
    found += [None] * (len(answers) - len(found))
    order = _order(initiative)
    ranked = sorted(range(len(answers)), key=lambda i: order(answers[i]))  # stable, as answers.sort
    answers = [answers[i] for i in ranked]
    found = [found[i] for i in ranked]
    del ranked
    contributions = _contributions(merged, answers, found, previous)
    del found  # not kept while the values are made
    values = _values(initiative, contributions)
    return dataclasses.replace(
        merged,
        values=values,
        contributions=contributions,
        answers=tuple(answers),
        round=round_label,
        previous=(previous.source, previous.round) if previous else None,
    )


def _answer(cell: Cell, partner: str, old: Answer | None, prefilled: bool, round_label: str) -> Answer | None:
    """This partner's answer to one cell after this round, from its returned copy."""
    where = (cell.worksheet, cell.row, cell.column, partner)
    if cell.text == "":
        if old is None:
            return None
        if prefilled and cell.location is not None:  # the partner saw its answer and cleared it
            return Answer(*where, old.text, round_label, "withdrawn")
        return dataclasses.replace(old, change="unconfirmed")  # the cell was lost, not cleared
    if cell.problem == FORMULA:  # no answer this round: a formula's text or result is never one
        return dataclasses.replace(old, change="unconfirmed") if old is not None else None
    if cell.origin == "prefill":  # still what the copy was pre-filled with: kept, not rewritten
        return dataclasses.replace(old, change="unchanged") if old is not None else None
    if old is not None and old.text == cell.text:
        return dataclasses.replace(old, change="unchanged")
    change: Change = "new" if old is None else "changed"
    return Answer(*where, cell.text, round_label, change)


def _order(initiative: Initiative) -> Callable[[Answer], tuple[int, str, int, str, str, str]]:
    rank = {p.id: i for i, p in enumerate(initiative.partners)}
    cells = {key: i for i, key in enumerate(template_cells(initiative.kit))}

    def key(a: Answer) -> tuple[int, str, int, str, str, str]:
        where = (a.worksheet, a.row, a.column)
        return (rank.get(a.partner, len(rank)), a.partner, cells.get(where, len(cells)), *where)

    return key


def template_cells(kit: Kit) -> list[tuple[str, str, str]]:
    """Every fillable cell of the kit's fixed worksheets, in template order (open ones: by entry)."""
    out = []
    for w in kit.worksheets:
        out += [(w.id, r.id, c.id) for r in w.rows for c in w.input_columns]
        out += [(w.id, q.id, DEBRIEF_COLUMN) for q in w.debrief]
    return out


def typed(kit: Kit, answer: Answer, language: Language) -> tuple[object, str | None]:
    """An answer's text typed as its column (dates stay dates); (None, problem) when it does not fit."""
    try:
        worksheet = kit.worksheet(answer.worksheet)
        column = None if answer.column == DEBRIEF_COLUMN else worksheet.column(answer.column)
    except StopIteration:  # a cell of a worksheet or column no longer in the kit: keep the text
        return answer.text, None
    if column is None:
        return answer.text, None
    choices = [choice(lang) for lang in (language, *LANGUAGES) for choice in column.choices]
    parsed = parse_cell(column.type, answer.text, language, choices)
    if parsed.problem:
        return None, parsed.problem
    return parsed.value, None


def _contributions(
    merged: Merged,
    answers: list[Answer],
    found: list[tuple[Submission, int] | None],
    previous: PreviousRound | None,
) -> pd.DataFrame:
    """Merge's contributions, with each identified partner's cells replaced by its answers
    (`found[i]`: where `answers[i]` was read, or None)."""
    initiative = merged.initiative
    names = partner_labels(initiative.partners)  # as merge names them
    old = merged.contributions
    replaced = (old["status"] == "used") & old["partner"].notna()
    if previous is not None:  # pre-filled cells are the partners' own previous answers, above
        replaced |= old["status"] == "carried_over"
    kept = old[~replaced].assign(round=None, change=None)
    # the rows go straight into one block: a list of row tuples first was 70 MB at 10,000 copies
    block = np.empty((len(answers), len(ROUND_COLUMNS)), dtype=object)
    for i, (a, read) in enumerate(zip(answers, found, strict=True)):
        status = (
            "withdrawn" if a.change == "withdrawn" else "unconfirmed" if a.change == "unconfirmed" else "used"
        )
        if read is not None and a.change != "unconfirmed":
            submission, j = read
            value, problem = (
                (submission.column("value")[j], submission.column("problem")[j])
                if a.change != "unchanged"
                else typed(initiative.kit, a, initiative.language)
            )
            where = (submission.column("location")[j], submission.source, submission.modified)
        else:
            value, problem = typed(initiative.kit, a, initiative.language)
            where = (None, previous.source if previous else "", None)
        if a.change == "withdrawn":
            value = None
        name = names.get(a.partner, a.partner)
        block[i] = (
            a.worksheet,
            a.row,
            a.column,
            a.partner,
            name,
            value,
            a.text,
            problem,
            *where,
            status,
            a.round,
            a.change,
        )
    if answers:
        frame = pd.DataFrame(block, columns=ROUND_COLUMNS, dtype=object, copy=False)
    else:
        frame = pd.DataFrame([], columns=ROUND_COLUMNS, dtype=object)
    if kept.empty:
        return frame
    return pd.concat([frame, kept[ROUND_COLUMNS]], ignore_index=True)


def _values(initiative: Initiative, contributions: pd.DataFrame) -> dict[tuple[str, str, str], object]:
    """Each cell's master value from the answers still in the master (partner order)."""
    values: dict[tuple[str, str, str], object] = {}
    kit = initiative.kit
    for (worksheet_id, row_id, column_id), group in cell_groups(contributions, IN_MASTER):
        if (group["status"] != "carried_over").any():  # no previous master given: carried text is a fallback
            group = group[group["status"] != "carried_over"]
        worksheet = kit.worksheet(str(worksheet_id))
        column = None if column_id == DEBRIEF_COLUMN else worksheet.column(str(column_id))
        values[(str(worksheet_id), str(row_id), str(column_id))] = combine_cell(
            column, group, initiative.language
        )
    return values


def active_answers(answers: Iterable[Answer]) -> dict[tuple[str, str, str, str], str]:
    """(worksheet, row, column, partner) -> text of every answer still in the master."""
    return {a.key: a.text for a in answers if a.active}
