"""Finding and reading last round's master: a path or URL through the sources registry, or the history.

An edge module (it reads files and the history); the rules of rounds themselves are in rounds.py.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path

from . import screening
from .errors import ConfigError, SourceError
from .generate import Prefill
from .guard import OUTGROWN, own_master_by_properties
from .history import History
from .initiative import Initiative
from .problems import source_message
from .read_copy import read_submission
from .round_master import prefill_for_partners, previous_round
from .rounds import PreviousRound
from .sources import ReadOptions, kind_of
from .text import Language, Text


def read_previous(
    master: Path | str, initiative: Initiative, clients: Mapping[str, object] | None = None
) -> PreviousRound:
    """The per-partner answers of a previous master (file or Google spreadsheet), any toolkit version."""
    source = str(master)
    options = ReadOptions(initiative, clients or {})
    try:
        raw = kind_of(source).reader(options)(source)
    except SourceError as exc:
        size = _outgrown_master(source, initiative) if exc.code in OUTGROWN else None
        if size is not None:
            raise ConfigError(_outgrown_message(source, exc.code, size, initiative.language)) from None
        raise ConfigError(f"{source}: {source_message(exc.code, initiative.language)}") from None
    read_submission(raw, initiative)  # the same checks as any copy: this initiative, this kit
    return previous_round(raw, initiative)


# A master of about 1,100 partners or more (at 38 answers each) holds more than screening lets any
# file read expand to: the guard still lets merge replace it, but it cannot be read back whole as last
# round's master. Said as what it is, not as the zip bomb screening takes any such file for.
OUTGROWN_MASTER = Text(
    "{source} : ce classeur maître de l'initiative est trop volumineux pour être relu comme ronde "
    "précédente ({why}). La ronde précédente ne peut pas être continuée à partir de ce fichier.",
    "{source}: this master of the initiative is too large to be read back as the previous round "
    "({why}). The previous round cannot be continued from this file.",
)
OUTGROWN_SIZE = Text(
    "{size} Mo de données, au-delà des {limit} Mo que l'outil relit d'un classeur",
    "{size} MB of data, past the {limit} MB the toolkit reads from a workbook",
)
OUTGROWN_SHEET = Text(
    "une feuille y dépasse ce que l'outil relit : {rows} lignes, {columns} colonnes ou {cells} valeurs",
    "a sheet holds more than the toolkit reads: {rows} rows, {columns} columns or {cells} values",
)


def _outgrown_message(source: str, code: str, size: int, language: Language) -> str:
    if code == "zip_bomb":  # the bytes its parts expand to
        limit = _number(screening.MAX_TOTAL_UNCOMPRESSED / 2**20, language)
        why = OUTGROWN_SIZE(language).format(size=_number(size / 2**20, language), limit=limit)
    else:  # too_large: rows, columns or values of one sheet
        why = OUTGROWN_SHEET(language).format(
            rows=_number(screening.MAX_ROWS, language),
            columns=_number(screening.MAX_COLUMNS, language),
            cells=_number(screening.MAX_VALUE_CELLS, language),
        )
    return OUTGROWN_MASTER(language).format(source=source, why=why)


def _outgrown_master(source: str, initiative: Initiative) -> int | None:
    """The bytes `source`'s parts expand to, when it is this initiative's own master (see the guard)."""
    path = Path(source)
    try:
        data = path.read_bytes()
        if not own_master_by_properties(path, data, initiative):
            return None
        with zipfile.ZipFile(io.BytesIO(data)) as package:  # the directory only: nothing is inflated
            return sum(info.file_size for info in package.infolist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return None


def _number(value: float, language: Language) -> str:
    """As the language writes it: 3 072 and 0,3 in French, 3,072 and 0.3 in English."""
    shown = f"{value:,.0f}" if value >= 10 or float(value).is_integer() else f"{value:.1f}"
    return shown.replace(",", "\u202f").replace(".", ",") if language == "fr" else shown


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
