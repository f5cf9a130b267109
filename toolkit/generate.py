"""generate: one workbook per partner (and a blank copy) from the initiative's kit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .backends.files import read_file
from .backends.xlsx import WorkbookSpec, workbook_bytes
from .cover import cover_lines
from .errors import ConfigError
from .files import atomic_write
from .initiative import Initiative, Partner, load_initiative
from .layout import WorkbookLayout, workbook_layout
from .metadata import identity
from .pull import read_submission
from .templates import DEBRIEF_COLUMN
from .text import Language

BLANK_NAME = {"fr": "vierge", "en": "blank"}


@dataclass(frozen=True)
class GeneratedCopy:
    partner_id: str | None  # None for the blank copy
    path: Path


@dataclass(frozen=True)
class Prefill:
    """What copies start from: values to write, and the text each shows (recorded in the copy)."""

    values: dict[tuple[str, str, str], object] = field(default_factory=dict)
    texts: dict[tuple[str, str, str], str] = field(default_factory=dict)


def partner_spec(
    initiative: Initiative, layout: WorkbookLayout, now: dt.datetime, partner: Partner | None, start: Prefill
) -> WorkbookSpec:
    """One partner's copy (or the blank one, partner None), for any backend."""
    role = "partner" if partner else "blank"
    info = identity(initiative, layout.language, now, partner.id if partner else None, role)
    return WorkbookSpec(
        layout=layout,
        info=replace(info, prefill=start.texts),
        cover=cover_lines(initiative, initiative.kit, partner, layout.language),
        people=initiative.people,
        password=initiative.protection_password,
        values=start.values,
    )


def prefill_values(master: Path, initiative: Initiative) -> Prefill:
    """A master's table cells: the values to write and the text each shows (debriefs start empty)."""
    submission = read_submission(read_file(master), initiative)
    if submission.role != "master":
        raise ConfigError(
            f"{master}: not a master workbook (made by 'toolkit merge'); cannot pre-fill from it"
        )
    values: dict[tuple[str, str, str], object] = {}
    texts: dict[tuple[str, str, str], str] = {}
    for cell in submission.cells.to_dict(orient="records"):
        if cell["text"] and cell["column"] != DEBRIEF_COLUMN:
            key = (str(cell["worksheet"]), str(cell["row"]), str(cell["column"]))
            usable = cell["problem"] is None and cell["value"] is not None
            values[key] = cell["value"] if usable else cell["text"]
            texts[key] = str(cell["text"])
    return Prefill(values, texts)


def copy_filename(initiative: Initiative, partner: Partner | None, language: Language) -> str:
    return f"{initiative.id}_{partner.id if partner else BLANK_NAME[language]}.xlsx"


def generate(
    initiative: Initiative | Path | str,
    out_dir: Path | str,
    *,
    language: Language | None = None,
    partners: Sequence[str] = (),
    blank: bool = True,
    now: dt.datetime | None = None,
    prefill: Path | str | None = None,
) -> list[GeneratedCopy]:
    """Write one .xlsx per partner (all, or those named) plus a blank copy; return what was written.

    With `prefill` (a master workbook), the copies start from the merged state of the last round
    so partners update rather than start over; what was pre-filled is recorded in each copy, so
    an unchanged value is never attributed to the partner. Every copy is built in memory before
    the first file is written, so a bad partner id or template leaves the output folder untouched.
    """
    if not isinstance(initiative, Initiative):
        initiative = load_initiative(initiative)
    language = language or initiative.language
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    unknown = [p for p in partners if p not in {q.id for q in initiative.partners}]
    if unknown:
        raise ConfigError(f"{initiative.source}: no partner with id {', '.join(map(repr, unknown))}")
    chosen: list[Partner | None] = [p for p in initiative.partners if not partners or p.id in partners]
    if blank:
        chosen.append(None)
    layout = workbook_layout(initiative.kit, language)
    start = prefill_values(Path(prefill), initiative) if prefill else Prefill()
    built = [
        (partner, workbook_bytes(partner_spec(initiative, layout, now, partner, start))) for partner in chosen
    ]
    out = Path(out_dir)
    written = []
    for partner, data in built:
        path = out / copy_filename(initiative, partner, language)
        atomic_write(path, data)
        written.append(GeneratedCopy(partner.id if partner else None, path))
    return written
