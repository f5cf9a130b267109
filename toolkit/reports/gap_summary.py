"""`toolkit gaps` for a person: what needs action first, one line per partner, the details on request.

The gap report itself (and its JSON) is unchanged; this only chooses what a coordinator reads first:
1. one headline (copies received, on time, how many things to fix);
2. what to fix, errors first: missing copies, invalid values, people not on the list, cells nobody
   filled, roles with no owner, unreadable files (each list capped, the rest counted);
3. one line per partner: copy received (on time?), cells still to complete, invalid values;
4. every empty cell and every structure note only with `--details`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import PurePath

from ..french import plural
from ..gaps import Gap, GapReport
from ..initiative import Initiative
from ..problems import gap_label
from ..render import table
from ..text import Language, Text
from .build import deadline_end

SHOWN_PER_LIST = 3  # items per list before "… and N more"
NAME_WIDTH = 38

WORDS: dict[str, Text] = {
    "title": Text("Suivi des retours — {initiative}", "Returns — {initiative}"),
    "headline": Text(
        "Copies reçues : {received} sur {expected}", "Copies received: {received} of {expected}"
    ),
    "on_time": Text(" ({count} à temps)", " ({count} on time)"),
    "to_fix": Text("; {count} à régler", "; {count} to fix"),
    "nothing": Text("; rien à régler", "; nothing to fix"),
    "act_first": Text("À régler d'abord :", "To fix first:"),
    "nobody_filled": Text("Cellules que personne n'a remplies", "Cells nobody filled in"),
    "nobody_row": Text("« {row} » ({worksheet}) : {columns}", "“{row}” ({worksheet}): {columns}"),
    "unreadable": Text("Fichiers illisibles", "Unreadable files"),
    "more": Text("… et {n} (toolkit gaps --details)", "… and {n} more (toolkit gaps --details)"),
    "partners": Text("Par partenaire :", "By partner:"),
    "partner": Text("Partenaire", "Partner"),
    "copy": Text("Copie", "Copy"),
    "to_complete": Text("Cellules à remplir", "Cells to fill"),
    "invalid": Text("Valeurs non valides", "Invalid values"),
    "received": Text("reçue", "received"),
    "on_time_copy": Text("reçue à temps", "received on time"),
    "late": Text("reçue en retard", "received late"),
    "missing": Text("non reçue", "not received"),
    "unknown_partner": Text("(partenaire inconnu)", "(unknown partner)"),
    "details_hint": Text(
        "Pour le détail (cellules vides, remarques de lecture : {count}) : toolkit gaps --details",
        "For the details (empty cells, reading notes: {count}): toolkit gaps --details",
    ),
    "details": Text("Détail :", "Details:"),
    "none": Text("Aucun écart.", "No gaps."),
}

# The order of "to fix first": what blocks the round before what slows it.
ACTION_ORDER = ("missing_submission", "invalid_value", "unknown_person", "nobody_filled", "ownerless_role")


def _w(key: str, language: Language, **fields: object) -> str:
    return WORDS[key](language).format(**fields)


def filter_gaps(
    report: GapReport,
    *,
    partners: Sequence[str] = (),
    severities: Sequence[str] = (),
    kinds: Sequence[str] = (),
) -> GapReport:
    """The same report with only the gaps asked for (unreadable files count as kind 'unreadable_source')."""

    def keep(gap: Gap) -> bool:
        return (
            (not partners or gap.partner in partners)
            and (not severities or gap.severity in severities)
            and (not kinds or gap.kind in kinds)
        )

    keep_errors = not partners and (not severities or "error" in severities)
    keep_errors = keep_errors and (not kinds or "unreadable_source" in kinds)
    submissions = tuple(s for s in report.submissions if not partners or s.partner in partners)
    return replace(
        report,
        submissions=submissions,
        gaps=tuple(g for g in report.gaps if keep(g)),
        errors=report.errors if keep_errors else (),
    )


def summarise_gaps(
    report: GapReport,
    initiative: Initiative,
    *,
    details: bool = False,
    partners: Sequence[str] = (),
    partner_table: bool = True,
) -> str:
    """The short text a coordinator reads in a terminal (see the module's docstring).

    `partner_table=False` leaves out the per-partner counts (they would be wrong for a filtered kind)."""
    lang = initiative.language
    actions = _actions(report, initiative, lang)
    lines = [_w("title", lang, initiative=initiative.name), _headline(report, initiative, actions, lang)]
    if actions:
        lines += ["", _w("act_first", lang)]
        for heading, items in actions:
            lines.append(f"  {heading} ({len(items)}) :" if lang == "fr" else f"  {heading} ({len(items)}):")
            lines += [f"    • {item}" for item in items[:SHOWN_PER_LIST]]
            if len(items) > SHOWN_PER_LIST:
                more = len(items) - SHOWN_PER_LIST
                lines.append("    " + _w("more", lang, n=plural(more, "autre") if lang == "fr" else more))
    rows = _partner_rows(report, initiative, partners, lang) if partner_table else []
    if rows:
        header = [_w("partner", lang), _w("copy", lang), _w("to_complete", lang), _w("invalid", lang)]
        lines += ["", _w("partners", lang)]
        lines += ["  " + line for line in table(header, rows).splitlines()]
    rest = [g for g in report.gaps if not _is_action(g)]
    if details and rest:
        lines += ["", _w("details", lang)]
        for kind, gaps in _by_kind(rest).items():
            count = f"{gap_label(kind, lang)} ({len(gaps)})"
            lines.append(f"  {count} :" if lang == "fr" else f"  {count}:")
            lines += [f"    • {g.message}" for g in gaps]
    elif rest:
        lines += ["", _w("details_hint", lang, count=len(rest))]
    if not report.gaps and not report.errors and not rows:
        lines.append(_w("none", lang))
    return "\n".join(lines) + "\n"


def _names(
    initiative: Initiative, worksheet_id: str, row_id: str, column_ids: list[str], lang: Language
) -> tuple[str, str, list[str]]:
    """A row and its columns as the partners see them (ids when the kit does not know them)."""
    sheet = next((w for w in initiative.kit.worksheets if w.id == worksheet_id), None)
    if sheet is None:
        return worksheet_id, row_id, column_ids
    row = next((r.label(lang) for r in sheet.rows if r.id == row_id), row_id)
    headers = {c.id: c.header(lang) for c in sheet.columns}
    return sheet.tab(lang), row, [headers.get(c, c) for c in column_ids]


def _is_action(gap: Gap) -> bool:
    return gap.kind in ACTION_ORDER or (gap.kind == "missing_cell" and gap.partner is None)


def _actions(report: GapReport, initiative: Initiative, lang: Language) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {key: [] for key in ACTION_ORDER}
    nobody: dict[tuple[str, str], list[str]] = {}  # one line per row, its empty columns listed
    for gap in report.gaps:
        if gap.kind == "missing_cell" and gap.partner is None:
            nobody.setdefault((gap.worksheet or "", gap.row or ""), []).append(gap.column or "")
        elif gap.kind in groups:
            groups[gap.kind].append(gap.message)
    for (worksheet, row), columns in nobody.items():
        tab, label, headers = _names(initiative, worksheet, row, columns, lang)
        groups["nobody_filled"].append(
            _w("nobody_row", lang, row=label, worksheet=tab, columns=", ".join(headers))
        )
    out = []
    for key, items in groups.items():
        if items:
            heading = _w("nobody_filled", lang) if key == "nobody_filled" else gap_label(key, lang)
            out.append((heading, items))
    if report.errors:
        sep = " : " if lang == "fr" else ": "
        out.append(
            (_w("unreadable", lang), [f"{PurePath(e.source).name}{sep}{e.message}" for e in report.errors])
        )
    return out


def _headline(
    report: GapReport, initiative: Initiative, actions: list[tuple[str, list[str]]], lang: Language
) -> str:
    expected = {p.id for p in initiative.partners}
    received = {s.partner for s in report.submissions if s.partner in expected}
    line = _w("headline", lang, received=len(received), expected=len(expected))
    if initiative.deadline is not None and received:
        on_time = sum(
            1 for s in report.submissions if s.partner in received and _on_time(s.modified, initiative)
        )
        line += _w("on_time", lang, count=on_time)
    count = sum(len(items) for _, items in actions)
    if not count:
        return line + _w("nothing", lang)
    return line + _w("to_fix", lang, count=plural(count, "problème") if lang == "fr" else _en_count(count))


def _en_count(count: int) -> str:
    return f"{count} problem" + ("" if count == 1 else "s")


def _on_time(modified: str | None, initiative: Initiative) -> bool | None:
    end = deadline_end(initiative)
    if end is None or modified is None:
        return None
    return dt.datetime.fromisoformat(modified) <= end


def _partner_rows(
    report: GapReport, initiative: Initiative, only: Sequence[str], lang: Language
) -> list[list[str]]:
    copies = {s.partner: s for s in report.submissions}
    by_partner: dict[str | None, list[Gap]] = {}  # one pass over the gaps, not one per partner
    for gap in report.gaps:
        by_partner.setdefault(gap.partner, []).append(gap)
    chosen = set(only)
    rows = []
    for partner in initiative.partners:
        if chosen and partner.id not in chosen:
            continue
        mine = by_partner.get(partner.id, [])
        copy = copies.get(partner.id)
        if copy is None:
            rows.append([_short(partner.name), _w("missing", lang), "—", "—"])
            continue
        on_time = _on_time(copy.modified, initiative)
        status = "received" if on_time is None else "on_time_copy" if on_time else "late"
        rows.append(
            [
                _short(partner.name),
                _w(status, lang),
                str(sum(1 for g in mine if g.kind == "missing_cell")),
                str(sum(1 for g in mine if g.kind == "invalid_value")),
            ]
        )
    known = {p.id for p in initiative.partners}
    for copy in report.submissions:
        if copy.partner not in known and not only:
            rows.append([_w("unknown_partner", lang), PurePath(copy.source).name, "", ""])
    return rows


def _by_kind(gaps: Iterable[Gap]) -> dict[str, list[Gap]]:
    grouped: dict[str, list[Gap]] = {}
    for gap in gaps:
        grouped.setdefault(gap.kind, []).append(gap)
    return grouped


def _short(name: str) -> str:
    return name if len(name) <= NAME_WIDTH else name[: NAME_WIDTH - 1].rstrip() + "…"
