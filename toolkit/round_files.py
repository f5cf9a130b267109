"""Finding and reading last round's master: a path or URL through the sources registry, or the history.

An edge module (it reads files and the history); the rules of rounds themselves are in rounds.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .errors import ConfigError, SourceError
from .generate import Prefill
from .history import History
from .initiative import Initiative
from .problems import source_message
from .read_copy import read_submission
from .round_master import prefill_for_partners, previous_round
from .rounds import PreviousRound
from .sources import ReadOptions, kind_of
from .text import Language


def read_previous(
    master: Path | str, initiative: Initiative, clients: Mapping[str, object] | None = None
) -> PreviousRound:
    """The per-partner answers of a previous master (file or Google spreadsheet), any toolkit version."""
    source = str(master)
    options = ReadOptions(initiative, clients or {})
    try:
        raw = kind_of(source).reader(options)(source)
    except SourceError as exc:
        raise ConfigError(f"{source}: {source_message(exc.code, initiative.language)}") from None
    read_submission(raw, initiative)  # the same checks as any copy: this initiative, this kit
    return previous_round(raw, initiative)


def last_master(initiative: Initiative, history: Path | str | None = None) -> str | None:
    """The master the history says was written last for this initiative (None: none recorded)."""
    path = history or initiative.history_path
    if path is None:
        return None
    masters = History(path, language=initiative.language).masters(initiative.id)
    return masters[-1].path if masters else None


def read_prefill(master: Path | str, initiative: Initiative, language: Language | None = None) -> Prefill:
    """What next round's copies start from: each partner's own answers in a master made by `merge`
    (the others' answers only on a read-only tab, when the initiative shares them)."""
    previous = read_previous(master, initiative)
    return prefill_for_partners(previous, initiative, language or initiative.language)
