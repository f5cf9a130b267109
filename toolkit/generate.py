"""generate: one workbook per partner (and a blank copy) from the initiative's kit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .backends.xlsx import WorkbookSpec, workbook_bytes
from .cover import cover_lines
from .errors import ConfigError
from .files import atomic_write
from .initiative import Initiative, Partner, load_initiative
from .layout import workbook_layout
from .metadata import identity
from .text import Language

BLANK_NAME = {"fr": "vierge", "en": "blank"}


@dataclass(frozen=True)
class GeneratedCopy:
    partner_id: str | None  # None for the blank copy
    path: Path


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
) -> list[GeneratedCopy]:
    """Write one .xlsx per partner (all, or those named) plus a blank copy; return what was written.

    Every copy is built in memory before the first file is written, so a bad
    partner id or template leaves the output folder untouched.
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
    built = []
    for partner in chosen:
        info = identity(
            initiative, language, now, partner.id if partner else None, "partner" if partner else "blank"
        )
        spec = WorkbookSpec(
            layout=layout,
            info=info,
            cover=cover_lines(initiative, initiative.kit, partner, language),
            people=initiative.people,
            password=initiative.protection_password,
        )
        built.append((partner, workbook_bytes(spec)))
    out = Path(out_dir)
    written = []
    for partner, data in built:
        path = out / copy_filename(initiative, partner, language)
        atomic_write(path, data)
        written.append(GeneratedCopy(partner.id if partner else None, path))
    return written
