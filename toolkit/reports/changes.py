"""What changed between two report runs. Pure: two snapshots in, a Changes out.

Gaps are matched by (kind, worksheet, row, column, partner), never by message text, so a reworded
message or a language switch is not a change; several gaps with one key count as one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..answers import CHANGES, Answer
from ..gaps import Gap
from ..history import Snapshot

GapKey = tuple[str, str | None, str | None, str | None, str | None]


def gap_key(gap: Gap) -> GapKey:
    """What identifies a gap from one run to the next (kind, place, partner), whatever its wording."""
    return (gap.kind, gap.worksheet, gap.row, gap.column, gap.partner)


@dataclass(frozen=True)
class Role:
    """A role (an owner cell) of a worksheet row."""

    worksheet: str
    row: str
    column: str


@dataclass(frozen=True)
class Changes:
    """What changed since the previous run: new and closed gaps, new copies, roles newly taken."""

    previous_run: int | None  # the earlier run's id in the history
    previous_at: str | None  # None: no earlier report to compare with
    new_gaps: tuple[Gap, ...] = ()
    closed_gaps: tuple[Gap, ...] = ()  # as they were last time
    new_submissions: tuple[str, ...] = ()  # partner ids with a copy now and none before
    roles_taken: tuple[Role, ...] = ()  # ownerless last time, owned now
    completion_before: float | None = None
    completion_now: float = 0.0

    @property
    def first(self) -> bool:
        return self.previous_at is None

    @property
    def completion_delta(self) -> float | None:
        if self.completion_before is None:
            return None
        return round(self.completion_now - self.completion_before, 3)

    @property
    def empty(self) -> bool:
        return not (self.new_gaps or self.closed_gaps or self.new_submissions or self.roles_taken) and not (
            self.completion_delta
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "previous_run": self.previous_run,
            "previous_generated_at": self.previous_at,
            "new_submissions": list(self.new_submissions),
            "roles_taken": [asdict(r) for r in self.roles_taken],
            "new_gaps": [asdict(g) for g in self.new_gaps],
            "closed_gaps": [asdict(g) for g in self.closed_gaps],
            "completion_before": self.completion_before,
            "completion_now": self.completion_now,
            "completion_delta": self.completion_delta,
        }


@dataclass(frozen=True)
class RoundChanges:
    """What changed since the previous round's master, per cell and per partner."""

    round: str | None  # the round the current returns belong to
    previous_master: str  # where the previous master was found (the history says which)
    previous_round: str | None
    answers: tuple[Answer, ...]  # new, changed, withdrawn and unconfirmed answers (unchanged left out)

    def count(self, change: str) -> int:
        return sum(1 for a in self.answers if a.change == change)

    def to_dict(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "previous_master": self.previous_master,
            "previous_round": self.previous_round,
            "counts": {c: self.count(c) for c in CHANGES if c != "unchanged"},
            "answers": [asdict(a) for a in self.answers],
        }


def round_changes(
    answers: tuple[Answer, ...], label: str | None, previous: tuple[str, str | None]
) -> RoundChanges:
    """The answers a coordinator should look at this round: all but the unchanged ones."""
    moved = tuple(a for a in answers if a.change != "unchanged")
    return RoundChanges(label, previous[0], previous[1], moved)


def compare(previous: Snapshot | None, current: Snapshot, previous_id: int | None = None) -> Changes:
    """Changes from `previous` (None for the first report) to `current`."""
    if previous is None:
        return Changes(None, None, completion_now=current.completion)
    before = _by_key(previous.gaps)
    now = _by_key(current.gaps)
    had_copy = {s.partner for s in previous.submissions if s.partner}
    new_submissions = tuple(
        dict.fromkeys(s.partner for s in current.submissions if s.partner and s.partner not in had_copy)
    )
    roles = tuple(
        Role(g.worksheet or "", g.row or "", g.column or "")
        for key, g in before.items()
        if g.kind == "ownerless_role" and key not in now
    )
    return Changes(
        previous_run=previous_id,
        previous_at=previous.generated_at,
        new_gaps=tuple(g for key, g in now.items() if key not in before),
        closed_gaps=tuple(g for key, g in before.items() if key not in now),
        new_submissions=new_submissions,
        roles_taken=roles,
        completion_before=previous.completion,
        completion_now=current.completion,
    )


def _by_key(gaps: tuple[Gap, ...]) -> dict[GapKey, Gap]:
    found: dict[GapKey, Gap] = {}
    for gap in gaps:
        found.setdefault(gap_key(gap), gap)
    return found
