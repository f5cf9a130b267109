"""One partner's answer to one cell, with the round it was given in (shared by rounds, metadata, merge)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from .text import Text

# The read-only tab of a pre-filled copy that shows the other partners' previous answers, when the
# initiative shares them (round_master.py writes it; outside.py knows it is the generator's).
OTHERS_TAB = Text("Réponses des autres (lecture)", "Others' answers (read-only)")

# What happened to a (cell, partner) answer in the round a master closes:
#   new          first answer from this partner in this cell
#   changed      the partner replaced its own previous answer
#   unchanged    the partner's copy came back with its previous answer untouched (kept, old round)
#   withdrawn    the partner cleared its own previous answer (listed, not in the master's cells)
#   unconfirmed  the partner returned no copy (or its copy lost the cell): previous answer kept
Change = Literal["new", "changed", "unchanged", "withdrawn", "unconfirmed"]
CHANGES: tuple[Change, ...] = get_args(Change)
ACTIVE: frozenset[Change] = frozenset({"new", "changed", "unchanged", "unconfirmed"})


@dataclass(frozen=True, slots=True)  # hundreds of thousands at 10,000 copies
class Answer:
    """(worksheet, row, column) answered by `partner` with `text`, given in round `round`."""

    worksheet: str
    row: str
    column: str
    partner: str
    text: str
    round: str  # the round the text was given in ('' when unknown)
    change: Change = "new"

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.worksheet, self.row, self.column, self.partner)

    @property
    def active(self) -> bool:
        """Still part of the master's answers (a withdrawn answer is only listed)."""
        return self.change in ACTIVE


# How each change is said to a coordinator (master tabs, weekly report).
CHANGE_WORDS: dict[Change, Text] = {
    "new": Text("nouvelle", "new"),
    "changed": Text("modifiée", "changed"),
    "unchanged": Text("inchangée", "unchanged"),
    "withdrawn": Text("retirée par le partenaire", "withdrawn by the partner"),
    "unconfirmed": Text("non confirmé cette ronde", "not confirmed this round"),
}
