"""Rounds in workbooks (pure): reading a previous master's per-partner answers, pre-filling each
partner's copy with its own, and the tabs that show answers by round.

A master records every partner's answer in its `_toolkit` tab ("answer" records: partner, worksheet,
row, column, round, change, text). A master made before rounds has no such records: its Contributions
tab is read instead, its display labels mapped back to ids.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import PurePath

from .answers import CHANGE_WORDS, OTHERS_TAB, Answer
from .config_messages import say
from .cover import Line
from .errors import ConfigError
from .generate import Prefill
from .i18n import word
from .initiative import Initiative, partner_labels
from .master import CONTRIBUTION_HEADERS, STATUS
from .merge import Merged
from .rawbook import RawSheet, RawWorkbook
from .read_copy import copy_info
from .rounds import PreviousRound, typed
from .spec import ExtraTab, LazyRows, WorkbookSpec
from .templates import DEBRIEF_COLUMN, Kit
from .text import LANGUAGES, Language, Text

ANSWERS_TAB = Text("Réponses par ronde", "Answers by round")
ROUND = Text("Ronde", "Round")
CHANGE = Text("Changement", "Change")
ANSWER = Text("Réponse", "Answer")
SHARE_CHOICES = ("none", "others_tab")


def previous_round(raw: RawWorkbook, initiative: Initiative) -> PreviousRound:
    """The per-partner answers a master holds; a master from before rounds through its Contributions."""
    info = copy_info(raw)
    if info is None or info.role != "master":
        raise ConfigError(say("not_a_master", initiative.language, path=raw.source))
    if info.answers is not None:
        return PreviousRound(raw.source, info.round, tuple(a for a in info.answers if a.active))
    label = info.round or info.generated_at.date().isoformat()
    sheet = raw.sheet("Contributions")
    answers = _from_contributions(sheet, initiative, label) if sheet else ()
    return PreviousRound(raw.source, label, answers, legacy=True)


def _from_contributions(sheet: RawSheet, initiative: Initiative, label: str) -> tuple[Answer, ...]:
    """The 'used' rows of an old master's Contributions tab, labels mapped back to ids (either language)."""
    kit = initiative.kit
    tabs, rows, columns = _label_maps(kit)
    partners = {p.name: p.id for p in initiative.partners} | {p.id: p.id for p in initiative.partners}
    partners |= {label: pid for pid, label in partner_labels(initiative.partners).items()}
    used = {STATUS[lang]["used"] for lang in LANGUAGES}
    header = {tuple(h) for h in CONTRIBUTION_HEADERS.values()}
    found: dict[tuple[str, str, str, str], Answer] = {}
    for line in sheet.lines(10):
        cells = [str(v).strip() if v is not None else "" for v in line]
        if tuple(cells) in header or cells[9] not in used:
            continue
        worksheet = tabs.get(cells[0])
        partner = partners.get(cells[3])
        if worksheet is None or partner is None:
            continue
        row, column = rows[worksheet].get(cells[1]), columns[worksheet].get(cells[2])
        if row is None or column is None or not cells[4]:
            continue
        text = line[4] if isinstance(line[4], str) else cells[4]
        answer = Answer(worksheet, row, column, partner, text, label, "unchanged")
        found.setdefault(answer.key, answer)
    return tuple(found.values())


def _label_maps(
    kit: Kit,
) -> tuple[dict[str, str], dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    tabs: dict[str, str] = {}
    rows: dict[str, dict[str, str]] = {}
    columns: dict[str, dict[str, str]] = {}
    for w in kit.worksheets:
        rows[w.id], columns[w.id] = {}, {}
        for lang in LANGUAGES:
            tabs[w.tab(lang)] = w.id
            rows[w.id].update({r.label(lang): r.id for r in w.rows})
            rows[w.id].update({q.text(lang): q.id for q in w.debrief})
            columns[w.id].update({c.header(lang): c.id for c in w.columns})
            columns[w.id][word("debrief", lang)] = DEBRIEF_COLUMN
        rows[w.id].update({r.id: r.id for r in w.rows})
    return tabs, rows, columns


def prefill_for_partners(previous: PreviousRound, initiative: Initiative, language: Language) -> Prefill:
    """Each partner's copy starts from that partner's own answers, typed as their columns (dates stay
    dates); the others' answers appear only on a read-only tab, and only when the initiative says so."""
    kit = initiative.kit
    partners: dict[str, Prefill] = {}
    for partner in initiative.partners:
        values: dict[tuple[str, str, str], object] = {}
        texts: dict[tuple[str, str, str], str] = {}
        for a in previous.by_partner(partner.id):
            if a.column == DEBRIEF_COLUMN:
                continue  # debrief answers start empty each round
            value, problem = typed(kit, a, initiative.language)
            where = (a.worksheet, a.row, a.column)
            values[where] = a.text if problem or value is None else value
            texts[where] = a.text
        others = [a for a in previous.answers if a.partner != partner.id]
        tabs = (others_tab(others, initiative, language),) if _shares(initiative) and others else ()
        partners[partner.id] = Prefill(values, texts, extra_tabs=tabs)
    return Prefill(partners=partners, round=previous.round)


def _shares(initiative: Initiative) -> bool:
    return initiative.share_previous_answers == "others_tab"


def others_tab(answers: list[Answer], initiative: Initiative, language: Language) -> ExtraTab:
    """The other partners' previous answers, as a plain read-only table (never in input cells)."""
    names = {p.id: p.name for p in initiative.partners}
    rows = tuple(
        (*cell_labels(initiative.kit, a, language), names.get(a.partner, a.partner), a.text, a.round)
        for a in answers
    )
    header = (*CONTRIBUTION_HEADERS[language][:4], ANSWER(language), ROUND(language))
    return ExtraTab(OTHERS_TAB(language), header, rows, (22, 36, 24, 30, 60, 16), read_only=True)


def cell_labels(kit: Kit, a: Answer, language: Language) -> tuple[str, str, str]:
    """Tab, row label and column header of an answer's cell, as a coordinator reads them."""
    try:
        worksheet = kit.worksheet(a.worksheet)
    except StopIteration:
        return a.worksheet, a.row, a.column
    row = next((r.label(language) for r in worksheet.rows if r.id == a.row), None)
    row = row or next((q.text(language) for q in worksheet.debrief if q.id == a.row), a.row)
    column = next((c.header(language) for c in worksheet.columns if c.id == a.column), None)
    return worksheet.tab(language), row, column or word("debrief", language)


def answers_tab(merged: Merged) -> ExtraTab:
    """Every partner's answer per cell with the round it came from and what changed this round (its
    rows made as a writer walks them: one per answer, tens of thousands at a thousand copies)."""
    language = merged.initiative.language
    header = (*CONTRIBUTION_HEADERS[language][:4], ANSWER(language), ROUND(language), CHANGE(language))
    rows = LazyRows(len(merged.answers), len(header), lambda: _answer_rows(merged))
    return ExtraTab(ANSWERS_TAB(language), header, rows, (18, 30, 20, 22, 56, 14, 16))


def _answer_rows(merged: Merged) -> Iterator[tuple[object, ...]]:
    initiative = merged.initiative
    language = initiative.language
    names = partner_labels(initiative.partners)  # as the Contributions tab names them
    changes = {change: words(language) for change, words in CHANGE_WORDS.items()}
    labels: dict[tuple[str, str, str], tuple[str, str, str]] = {}  # many answers, few cells
    for a in merged.answers:
        cell = (a.worksheet, a.row, a.column)
        if cell not in labels:
            labels[cell] = cell_labels(initiative.kit, a, language)
        yield (*labels[cell], names.get(a.partner, a.partner), a.text, a.round, changes[a.change])


def with_rounds(spec: WorkbookSpec, merged: Merged) -> WorkbookSpec:
    """A master's spec carrying its round, its per-partner answers (read back next round) and their tab."""
    info = dataclasses.replace(spec.info, round=merged.round, answers=merged.answers)
    language = merged.initiative.language
    colon = " : " if language == "fr" else ": "
    lines = [Line("field", f"{ROUND(language)}{colon}{merged.round or ''}")]
    if merged.previous is not None:
        source, before = merged.previous
        label = "Suite du classeur maître" if language == "fr" else "Continues the master"
        lines.append(
            Line(
                "field", f"{label}{colon}{PurePath(source).name} ({ROUND(language).lower()} {before or '?'})"
            )
        )
    cover = [*spec.cover[:2], *lines, *spec.cover[2:]]
    return dataclasses.replace(
        spec, info=info, cover=cover, extra_tabs=[*spec.extra_tabs, answers_tab(merged)]
    )


def round_label(initiative: Initiative, now: dt.datetime) -> str:
    """The initiative's round, or the day the master is made when it names none."""
    return initiative.round or now.date().isoformat()
