"""What each partner's copy contains (pure): the partners chosen, the layout, the pre-fill, the specs.

Writers (writers.py) turn a CopyPlan into files or spreadsheets; `api.generate` is the verb.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from .cover import cover_lines
from .initiative import Initiative, Partner
from .layout import WorkbookLayout, workbook_layout
from .metadata import identity
from .spec import ExtraTab, WorkbookSpec
from .text import Language

BLANK_NAME = {"fr": "vierge", "en": "blank"}


@dataclass(frozen=True)
class Prefill:
    """What copies start from: values to write, and the text each shows (recorded in the copy).

    With rounds (round_master.prefill_for_partners) each partner has its own pre-fill in `partners`,
    and the blank copy starts empty."""

    values: dict[tuple[str, str, str], object] = field(default_factory=dict)
    texts: dict[tuple[str, str, str], str] = field(default_factory=dict)
    partners: Mapping[str, Prefill] = field(default_factory=dict)
    extra_tabs: tuple[ExtraTab, ...] = ()  # e.g. the other partners' answers, read-only
    round: str | None = None  # the round the pre-fill comes from

    def for_partner(self, partner_id: str | None) -> Prefill:
        if not self.partners:
            return self
        return self.partners.get(partner_id or "", Prefill()) if partner_id else Prefill()


@dataclass(frozen=True)
class CopyPlan:
    """One generate run: which copies, in which language, made when, starting from what."""

    initiative: Initiative
    language: Language
    partners: tuple[Partner | None, ...]  # None: the blank copy
    now: dt.datetime
    prefill: Prefill = field(default_factory=Prefill)
    copy_ids: Mapping[str, str] = field(default_factory=dict)  # partner id ('' for blank) -> copy id

    def spec(self, partner: Partner | None) -> WorkbookSpec:
        copy_id = self.copy_ids.get(partner.id if partner else "")
        return partner_spec(self.initiative, self.layout, self.now, partner, self.prefill, copy_id)

    @property
    def layout(self) -> WorkbookLayout:
        return workbook_layout(self.initiative.kit, self.language)


def choose_partners(initiative: Initiative, wanted: Sequence[str]) -> list[Partner]:
    """The partners named (all when none is), in the initiative's order; an unknown id is an error."""
    known = {p.id for p in initiative.partners}
    unknown = [p for p in wanted if p not in known]
    if unknown:
        initiative.partner(unknown[0])  # ConfigError naming it in the initiative's language
    return [p for p in initiative.partners if not wanted or p.id in wanted]


def partner_spec(
    initiative: Initiative,
    layout: WorkbookLayout,
    now: dt.datetime,
    partner: Partner | None,
    start: Prefill,
    copy_id: str | None = None,
) -> WorkbookSpec:
    """One partner's copy (or the blank one, partner None), for any writer."""
    role = "partner" if partner else "blank"
    info = identity(initiative, layout.language, now, partner.id if partner else None, role)
    shared = bool(start.partners)  # per-partner pre-fill from last round's master
    start = start.for_partner(partner.id if partner else None)
    return WorkbookSpec(
        layout=layout,
        info=replace(info, prefill=start.texts, copy_id=copy_id),
        cover=cover_lines(initiative, initiative.kit, partner, layout.language, prefilled=shared),
        people=initiative.people,
        password=initiative.protection_password,
        values=start.values,
        extra_tabs=start.extra_tabs,
    )


def copy_filename(initiative: Initiative, partner: Partner | None, language: Language, suffix: str) -> str:
    """`<initiative>_<partner><suffix>`; the blank copy is named `vierge` or `blank`."""
    return f"{initiative.id}_{partner.id if partner else BLANK_NAME[language]}{suffix}"
