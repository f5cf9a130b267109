"""A report as words in its language: the sections HTML, plain text and Markdown all show, in order.

Headline first, then changes, partners, ownerless roles, empty cells by worksheet, invalid values,
other notes and unreadable files. Long lists are cut to MAX_LINES with "… and N more".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..answers import CHANGE_WORDS
from ..gaps import Gap
from ..i18n import long_date, word
from ..render import HEADINGS, percent
from ..templates import DEBRIEF_COLUMN
from ..text import Language
from .changes import Role
from .model import Report
from .words import rw

MAX_LINES = 10
# Many partners: a list of every invalid value or every partner missing a cell outgrows any page (the
# HTML of 5,000 copies weighed megabytes). Past these, "… and N more": `toolkit gaps` and the XLSX
# report's Gaps sheet list them all. An initiative of up to 30 partners never reaches MAX_NAMES.
MAX_NAMES = 30  # partners named for one empty cell
MAX_LIST = 100  # lines of the invalid values, other notes and disputed copies
Tone = Literal["good", "bad", "neutral"]


@dataclass(frozen=True)
class Figure:
    """One headline figure: its value, label and tone (good, bad, neutral)."""

    label: str
    value: str
    tone: Tone = "neutral"


@dataclass(frozen=True)
class Table:
    """A table of text cells with its header."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Block:
    """A titled group of lines or a table inside a section."""

    title: str | None = None
    lines: tuple[str, ...] = ()
    table: Table | None = None


@dataclass(frozen=True)
class Section:
    """One section of the report (changes, partners, ownerless roles, …)."""

    key: str
    title: str
    blocks: tuple[Block, ...] = ()
    empty: str = ""  # said when there are no blocks


@dataclass(frozen=True)
class View:
    """The whole report as words in its language, for every text renderer."""

    language: Language
    title: str
    subtitle: str
    figures: tuple[Figure, ...]
    sections: tuple[Section, ...]  # changes, partners, ownerless, missing, invalid, other, unreadable
    footer: str


class Labels:
    """Worksheet tabs, row labels and column headers as partners see them."""

    def __init__(self, report: Report) -> None:
        self.kit = report.initiative.kit
        self.language = report.language
        self.names = {p.id: p.name for p in report.initiative.partners}

    def tab(self, worksheet_id: str | None) -> str:
        ids = {w.id for w in self.kit.worksheets}
        return (
            self.kit.worksheet(worksheet_id).tab(self.language) if worksheet_id in ids else worksheet_id or ""
        )

    def row(self, worksheet_id: str | None, row_id: str | None) -> str:
        if worksheet_id not in {w.id for w in self.kit.worksheets}:
            return row_id or ""
        worksheet = self.kit.worksheet(worksheet_id or "")
        label = next((r.label(self.language) for r in worksheet.rows if r.id == row_id), None)
        return label or next(
            (q.text(self.language) for q in worksheet.debrief if q.id == row_id), row_id or ""
        )

    def column(self, worksheet_id: str | None, column_id: str | None) -> str:
        if column_id == DEBRIEF_COLUMN:
            return word("debrief", self.language)
        if worksheet_id not in {w.id for w in self.kit.worksheets}:
            return column_id or ""
        columns = self.kit.worksheet(worksheet_id or "").columns
        return next((c.header(self.language) for c in columns if c.id == column_id), column_id or "")

    def partner(self, partner_id: str | None) -> str:
        return self.names.get(partner_id or "", partner_id or rw("unidentified", self.language))

    def role(self, role: Role) -> str:
        quoted = _quote(self.row(role.worksheet, role.row), self.language)
        return f"{quoted} ({self.tab(role.worksheet)})"


def build_view(report: Report) -> View:
    """The report's sections in its language, in the order every renderer shows them."""
    lang = report.language
    labels = Labels(report)
    return View(
        language=lang,
        title=f"{rw('title', lang)} — {report.initiative.name}",
        subtitle=rw("generated", lang, date=long_date(report.generated.date(), lang)),
        figures=_figures(report),
        sections=(
            _changes(report, labels),
            *_rounds(report, labels),
            Section("partners", rw("partners", lang), (Block(table=_partners(report)),)),
            _lines_section("disputed", lang, [g.message for g in _kind(report, "attribution_disputed")], ""),
            _lines_section(
                "ownerless",
                lang,
                [
                    labels.role(Role(g.worksheet or "", g.row or "", g.column or ""))
                    for g in _kind(report, "ownerless_role")
                ],
                "ownerless_none",
            ),
            _missing(report, labels),
            _lines_section(
                "invalid", lang, [g.message for g in _kind(report, "invalid_value")], "invalid_none"
            ),
            _lines_section(
                "other", lang, [g.message for g in _kind(report, "unknown_person", "structure_changed")], ""
            ),
            _lines_section(
                "unreadable",
                lang,
                [
                    f"{Path(e.source).name} : {e.message}"
                    if lang == "fr"
                    else f"{Path(e.source).name}: {e.message}"
                    for e in report.gaps.errors
                ],
                "unreadable_none",
            ),
        ),
        footer=rw("footer", lang),
    )


def _figures(report: Report) -> tuple[Figure, ...]:
    h, lang = report.headline, report.language
    figures = [
        Figure(
            rw("received", lang),
            rw("received_value", lang, received=h.received, expected=h.expected),
            "good" if h.received == h.expected else "bad",
        )
    ]
    if h.on_time is not None and h.deadline is not None:
        value = rw("on_time_value", lang, on_time=h.on_time, received=h.received)
        label = rw("on_time", lang, deadline=long_date(h.deadline, lang))
        figures.append(Figure(label, value, "good" if h.on_time == h.received else "bad"))
    figures.append(
        Figure(
            rw("completion", lang), percent(h.completion, lang), "good" if h.completion >= 1 else "neutral"
        )
    )
    figures.append(
        Figure(rw("ownerless", lang), str(h.ownerless_roles), "bad" if h.ownerless_roles else "good")
    )
    if h.unreadable:
        figures.append(Figure(rw("unreadable", lang), str(h.unreadable), "bad"))
    return tuple(figures)


def _changes(report: Report, labels: Labels) -> Section:
    changes, lang = report.changes, report.language
    if changes.first or changes.previous_at is None:
        return Section("changes", rw("changes", lang), empty=rw("first_report", lang))
    since = long_date(dt.datetime.fromisoformat(changes.previous_at).date(), lang)
    blocks = []
    if changes.completion_delta:
        before, now = percent(changes.completion_before or 0.0, lang), percent(changes.completion_now, lang)
        delta = f"{changes.completion_delta * 100:+.1f}"
        delta = delta.replace(".", ",") if lang == "fr" else delta
        blocks.append(Block(lines=(rw("completion_change", lang, before=before, now=now, delta=delta),)))
    if changes.new_submissions:
        names = tuple(labels.partner(p) for p in changes.new_submissions)
        blocks.append(Block(rw("new_submissions", lang), names))
    if changes.roles_taken:
        blocks.append(Block(rw("roles_taken", lang), tuple(labels.role(r) for r in changes.roles_taken)))
    for key, gaps in (("new_gaps", changes.new_gaps), ("closed_gaps", changes.closed_gaps)):
        if gaps:
            blocks.append(Block(f"{rw(key, lang)} ({len(gaps)})", _capped([g.message for g in gaps], lang)))
    return Section("changes", rw("changes_since", lang, date=since), tuple(blocks), rw("no_change", lang))


def _rounds(report: Report, labels: Labels) -> tuple[Section, ...]:
    """Per cell and per partner, what changed since the previous round's master (when there is one)."""
    rounds, lang = report.rounds, report.language
    if rounds is None and report.rounds_problem:
        return (Section("rounds", rw("rounds_unreadable", lang), (Block(lines=(report.rounds_problem,)),)),)
    if rounds is None:
        return ()
    counts = {c: rounds.count(c) for c in ("new", "changed", "withdrawn", "unconfirmed")}
    colon = " : " if lang == "fr" else ": "
    lines = tuple(
        f"{labels.tab(a.worksheet)} — {labels.row(a.worksheet, a.row)} / "
        f"{labels.column(a.worksheet, a.column)}{colon}{labels.partner(a.partner)} — "
        f"{CHANGE_WORDS[a.change](lang)}"
        for a in rounds.answers
    )
    title = rw(
        "rounds", lang, previous=rounds.previous_round or "?", master=Path(rounds.previous_master).name
    )
    blocks = (Block(rw("rounds_counts", lang, **counts), _capped(lines, lang)),)
    return (Section("rounds", title, blocks if lines else (), rw("no_change", lang)),)


def _partners(report: Report) -> Table:
    lang = report.language
    header = (
        rw("partner", lang),
        rw("copy", lang),
        rw("file", lang),
        HEADINGS[lang]["completion"],
        rw("missing_cells_count", lang),
        rw("problems", lang),
    )
    rows = []
    for p in report.partners:
        if not p.received:
            status = rw("no", lang)
        else:
            status = rw({True: "yes_on_time", False: "yes_late", None: "yes"}[p.on_time], lang)
        rows.append(
            (
                p.name or rw("unidentified", lang),
                status,
                p.file or "—",
                percent(p.completion, lang) if p.completion is not None else "—",
                str(p.missing_cells) if p.received else "—",
                str(p.problems) if p.received else "—",
            )
        )
    return Table(header, tuple(rows))


def _missing(report: Report, labels: Labels) -> Section:
    lang = report.language
    by_cell: dict[tuple[str, str, str], list[str]] = {}
    nobody: set[tuple[str, str, str]] = set()
    for g in _kind(report, "missing_cell"):
        key = (g.worksheet or "", g.row or "", g.column or "")
        by_cell.setdefault(key, [])
        if g.partner:
            by_cell[key].append(labels.partner(g.partner))
        else:
            nobody.add(key)
    order = _kit_order(report)
    header = (rw("row", lang), rw("column", lang), rw("missing_from", lang))
    blocks = []
    for worksheet in report.initiative.kit.worksheets:
        cells = sorted((k for k in by_cell if k[0] == worksheet.id), key=lambda k: order.get(k, len(order)))
        rows = tuple(
            (
                labels.row(w, r),
                labels.column(w, c),
                rw("nobody", lang)
                if (w, r, c) in nobody
                else ", ".join(_capped(by_cell[(w, r, c)], lang, MAX_NAMES)),
            )
            for w, r, c in cells
        )
        if rows:
            blocks.append(Block(labels.tab(worksheet.id), table=Table(header, rows)))
    return Section("missing", rw("missing_cells", lang), tuple(blocks), rw("missing_none", lang))


def _kit_order(report: Report) -> dict[tuple[str, str, str], int]:
    """Cells in the order partners see them: worksheet, then row, then column."""
    keys = [
        (w.id, r, c.id)
        for w in report.initiative.kit.worksheets
        for r in [row.id for row in w.rows] + [q.id for q in w.debrief]
        for c in w.input_columns
    ]
    return {key: i for i, key in enumerate(keys)}


def _lines_section(key: str, lang: Language, lines: Sequence[str], empty_key: str) -> Section:
    blocks = (Block(lines=_capped(lines, lang, MAX_LIST)),) if lines else ()
    return Section(key, rw(key, lang), blocks, rw(empty_key, lang) if empty_key else "")


def _kind(report: Report, *kinds: str) -> Iterable[Gap]:
    return [g for g in report.gaps.gaps if g.kind in kinds]


def _capped(lines: Sequence[str], lang: Language, most: int = MAX_LINES) -> tuple[str, ...]:
    if len(lines) <= most:
        return tuple(lines)
    return (*lines[: most - 1], rw("more", lang, n=len(lines) - most + 1))


def _quote(text: str, lang: Language) -> str:
    return f"« {text} »" if lang == "fr" else f"“{text}”"
