"""What the command line says about rounds: which master a merge continues, the rounds closed so far."""

from __future__ import annotations

from collections.abc import Sequence

from .history import MasterRecord
from .merge import Merged
from .render import table
from .text import Language


def rounds_line(merged: Merged, fr: bool) -> str:
    """Which previous master this one continues (the coordinator checks it is the right one)."""
    if merged.previous is None:
        return (
            f"Ronde {merged.round} : aucun classeur maître précédent (première ronde)"
            if fr
            else f"Round {merged.round}: no previous master (first round)"
        )
    source, before = merged.previous
    return (
        f"Ronde {merged.round} : suite du classeur maître {source} (ronde {before or '?'})"
        if fr
        else f"Round {merged.round}: continues the master {source} (round {before or '?'})"
    )


def render_rounds(masters: Sequence[MasterRecord], language: Language) -> str:
    """`toolkit history`: the rounds closed, one master each."""
    fr = language == "fr"
    header = ["Ronde", "Classeur maître", "Écrit le (UTC)"] if fr else ["Round", "Master", "Written (UTC)"]
    rows = [[m.round or "", m.path, m.written_utc[:16].replace("T", " ")] for m in masters]
    return ("Rondes\n" if fr else "Rounds\n") + table(header, rows)
