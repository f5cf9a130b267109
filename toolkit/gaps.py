"""find_gaps: what is still missing or wrong, as data (never exceptions), in the initiative's language.

The JSON form is a contract that scheduled jobs rely on:
{"initiative", "generated_at", "submissions": [{"partner", "source", "modified", "completion"}],
 "gaps": [{"kind", "severity", "worksheet", "row", "column", "partner", "message"}],
 "errors": [{"source", "message"}]}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import PurePath
from typing import Any, get_args

from .attribution import BLANK_WORDS, evidence_words
from .clock import utc_now
from .i18n import word
from .initiative import Initiative
from .master import split_values
from .merge import PERSON_SEPARATORS, Merged, merge, quiet_gc
from .problems import GAPS, NOTES, GapKind, Severity, cell_reason
from .submission import Note, PullResult, SourceProblem, Submission, completion, required_cells
from .templates import DEBRIEF_COLUMN, Kit
from .text import CELL_LIMIT, Language
from .values import FORMULA, normalise_key

KINDS: tuple[GapKind, ...] = get_args(GapKind)


@dataclass(frozen=True)
class Gap:
    """One thing still missing or wrong: a stable kind, where it is, whose it is, and a message."""

    kind: GapKind
    severity: Severity
    worksheet: str | None
    row: str | None
    column: str | None
    partner: str | None
    message: str


@dataclass(frozen=True)
class SubmissionSummary:
    """One copy used by find_gaps: partner, source, time and completion (part of the JSON contract)."""

    partner: str | None
    source: str
    modified: str | None
    completion: float


@dataclass(frozen=True)
class GapReport:
    """What `find_gaps` returns: copies used, gaps, unusable sources; `to_dict` is the JSON contract."""

    initiative: str
    generated_at: str
    submissions: tuple[SubmissionSummary, ...]
    gaps: tuple[Gap, ...]
    errors: tuple[SourceProblem, ...]

    @property
    def has_errors(self) -> bool:
        """True when an error-severity gap exists or a source was unreadable (--fail-on-gaps)."""
        return bool(self.errors) or any(g.severity == "error" for g in self.gaps)

    def to_dict(self) -> dict[str, Any]:
        return {
            "initiative": self.initiative,
            "generated_at": self.generated_at,
            "submissions": [asdict(s) for s in self.submissions],
            "gaps": [asdict(g) for g in self.gaps],
            "errors": [{"source": e.source, "message": e.message} for e in self.errors],
        }


@quiet_gc()
def find_gaps(
    pulled: PullResult,
    initiative: Initiative,
    *,
    merged: Merged | None = None,
    now: dt.datetime | None = None,
) -> GapReport:
    """Gaps of the pulled copies; pass `merged` to reuse a merge already made."""
    merged = merged or merge(pulled, initiative)
    now = now or utc_now()
    describe = _Describer(initiative)
    gaps: list[Gap] = []
    answered = merged.partner_ids()
    named = {e.partner_id for s in merged.disputed for e in s.evidence} | {
        s.partner_id for s in merged.disputed
    }
    for partner in initiative.partners:
        if partner.id not in answered and partner.id not in named:  # a disputed copy names them: said below
            gaps.append(describe.gap("missing_submission", "error", partner=partner.id))
    gaps += [_dispute_gap(s, describe) for s in merged.disputed]
    summaries = []
    for submission in merged.accepted:
        filled = submission.filled_keys  # made on use (submission.py): once per copy here
        gaps += _structure_gaps(submission, describe)
        gaps += _cell_gaps(submission, describe, filled)
        summaries.append(
            SubmissionSummary(
                partner=submission.partner_id,
                source=submission.source,
                modified=submission.modified.isoformat() if submission.modified else None,
                completion=round(describe.completion(submission, filled), 3),
            )
        )
    gaps += _initiative_gaps(merged, describe)
    return GapReport(initiative.name, now.isoformat(), tuple(summaries), tuple(gaps), pulled.errors)


def share(
    submission: Submission,
    kit: Kit,
    required: set[tuple[str, str, str]],
    filled: frozenset[tuple[str, str, str]] | None = None,
) -> float:
    """`completion(submission)`, given `kit`'s required cells computed once for thousands of copies
    (and the copy's `filled_keys`, when the caller has them already)."""
    if submission.kit is not kit:
        return completion(submission)
    if not required:
        return 1.0
    return len((submission.filled_keys if filled is None else filled) & required) / len(required)


class _Describer:
    """Gaps with messages in the initiative's language, naming tabs, rows and columns as partners see them."""

    def __init__(self, initiative: Initiative) -> None:
        self.initiative = initiative
        self.language: Language = initiative.language
        self.kit: Kit = initiative.kit
        self.names = {p.id: p.name for p in initiative.partners}
        self.required = required_cells(self.kit)  # once, not once per copy (thousands of them)
        self._where: dict[tuple[str | None, str | None, str | None], dict[str, str]] = {}

    def completion(
        self, submission: Submission, filled: frozenset[tuple[str, str, str]] | None = None
    ) -> float:
        return share(submission, self.kit, self.required, filled)

    def gap(
        self,
        kind: GapKind,
        severity: Severity,
        worksheet: str | None = None,
        row: str | None = None,
        column: str | None = None,
        partner: str | None = None,
        variant: str | None = None,
        **params: str,
    ) -> Gap:
        fields = {
            "partner": self.names.get(partner or "", partner or ""),
            **self.where(worksheet, row, column),
            **params,
        }
        message = GAPS[kind].format(self.language, variant, **fields)
        return Gap(kind, severity, worksheet, row, column, partner, message)

    def where(self, worksheet_id: str | None, row_id: str | None, column_id: str | None) -> dict[str, str]:
        key = (worksheet_id, row_id, column_id)
        if key not in self._where:  # the same few hundred cells, named for thousands of gaps
            self._where[key] = self._name(worksheet_id, row_id, column_id)
        return self._where[key]

    def _name(self, worksheet_id: str | None, row_id: str | None, column_id: str | None) -> dict[str, str]:
        if worksheet_id is None or worksheet_id not in {w.id for w in self.kit.worksheets}:
            return {"worksheet": worksheet_id or "", "row": row_id or "", "column": column_id or ""}
        worksheet = self.kit.worksheet(worksheet_id)
        lang = self.language
        row = next((r.label(lang) for r in worksheet.rows if r.id == row_id), None)
        row = row or next((q.text(lang) for q in worksheet.debrief if q.id == row_id), row_id or "")
        if column_id == DEBRIEF_COLUMN:
            column = word("debrief", lang)
        else:
            column = next((c.header(lang) for c in worksheet.columns if c.id == column_id), column_id or "")
        return {"worksheet": worksheet.tab(lang), "row": row, "column": column}

    def change(self, note: Note) -> str:
        fields = {**dict(note.params), **self.where(note.worksheet, note.row, note.column)}
        for key, value in note.params:  # attribution notes name partners and evidence by id
            if key.startswith("partner_"):
                fields[key] = self.names.get(value, value) if value else BLANK_WORDS(self.language)
            elif key.startswith("evidence_"):
                fields[key] = evidence_words(value)(self.language)
        fields.setdefault("where", fields["row"] if note.row else fields["column"])
        return NOTES[note.code].format(self.language, **fields)


def structure_messages(submission: Submission, initiative: Initiative) -> list[str]:
    """What pull recovered or could not map in one copy, in the initiative's language."""
    return [g.message for g in _structure_gaps(submission, _Describer(initiative))]


def _structure_gaps(submission: Submission, describe: _Describer) -> list[Gap]:
    gaps = [
        describe.gap(
            "structure_changed",
            "warning",
            note.worksheet,
            note.row,
            note.column,
            submission.partner_id,
            change=describe.change(note),
        )
        for note in submission.notes
    ]
    for location, text in submission.unmapped:
        change = NOTES["unmapped_content"].format(describe.language, where=location, value=text)
        gaps.append(
            describe.gap("structure_changed", "warning", partner=submission.partner_id, change=change)
        )
    if submission.partner_id is None:  # name the file, since there is no partner to name
        gaps = [
            Gap(
                g.kind,
                g.severity,
                g.worksheet,
                g.row,
                g.column,
                None,
                f"{PurePath(submission.source).name}{g.message}",
            )
            for g in gaps
        ]
    return gaps


DISPUTES = ("attribution_disputed", "copy_id_mismatch", "copy_id_reused")


def _dispute_gap(submission: Submission, describe: _Describer) -> Gap:
    """A copy kept apart: which evidence disagrees, in one error the coordinator must settle."""
    reasons = [describe.change(n) for n in submission.notes if n.code in DISPUTES]
    return describe.gap(
        "attribution_disputed",
        "error",
        partner=submission.partner_id,
        file=PurePath(submission.source.replace("\\", "/")).name,
        reason="; ".join(reasons),
    )


FORMULA_QUOTE = 60  # characters of a formula quoted in a message; a longer one ends with "…"


def quoted_formula(formula: str) -> str:
    """A formula as typed, on one line and short enough to read in a message."""
    flat = " ".join(formula.split())
    return flat if len(flat) <= FORMULA_QUOTE else flat[: FORMULA_QUOTE - 1].rstrip() + "…"


def _cell_gaps(
    submission: Submission, describe: _Describer, filled: frozenset[tuple[str, str, str]]
) -> list[Gap]:
    partner = submission.partner_id
    rows = submission.rows  # made on use: once
    own = [c for c in rows if c.origin == "partner"]  # a kept pre-fill is not theirs to fix
    gaps = [
        describe.gap(
            "invalid_value",
            "error",
            c.worksheet,
            c.row,
            c.column,
            partner,
            variant="formula" if c.problem == FORMULA else None,
            value=quoted_formula(c.text) if c.problem == FORMULA else c.text,
            reason=cell_reason(c.problem, describe.language),
        )
        for c in own
        if c.problem
    ]
    order = {(c.worksheet, c.row, c.column): i for i, c in enumerate(rows)}
    missing = describe.required - filled
    for worksheet, row, column in sorted(missing, key=lambda k: order.get(k, 0)):
        gaps.append(describe.gap("missing_cell", "warning", worksheet, row, column, partner))
    roster = {normalise_key(p) for p in describe.initiative.people}
    if roster:
        people = {(w.id, c.id) for w in describe.kit.worksheets for c in w.columns if c.type == "person"}
        for c in own:
            if (c.worksheet, c.column) in people and c.value is not None and not c.problem:
                for name in PERSON_SEPARATORS.split(str(c.value)):
                    if name.strip() and normalise_key(name) not in roster:
                        gaps.append(
                            describe.gap(
                                "unknown_person",
                                "warning",
                                c.worksheet,
                                c.row,
                                c.column,
                                partner,
                                value=name.strip(),
                            )
                        )
    return gaps


def _initiative_gaps(merged: Merged, describe: _Describer) -> list[Gap]:
    gaps = [
        describe.gap(
            "text_split",
            "warning",
            *key,
            length=str(len(str(merged.values[key]))),
            limit=str(CELL_LIMIT),
            rows=rows,
        )
        for key, rows in split_values(merged).items()
    ]
    kit = describe.kit
    for worksheet in kit.worksheets:
        for row in worksheet.rows:
            for column in worksheet.input_columns:
                value = merged.values.get((worksheet.id, row.id, column.id))
                if value not in (None, ""):
                    continue
                if column.owner:
                    gaps.append(describe.gap("ownerless_role", "error", worksheet.id, row.id, column.id))
                elif row.required and column.required and not worksheet.is_open:
                    gaps.append(
                        describe.gap(
                            "missing_cell",
                            "error",
                            worksheet.id,
                            row.id,
                            column.id,
                            variant="everyone",
                        )
                    )
    return gaps
