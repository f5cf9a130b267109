"""The master workbook: the merged values in the template's tabs plus a Contributions tab."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import PurePath
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .clock import aware
from .cover import Line
from .i18n import long_date, word
from .layout import workbook_layout
from .longtext import fits, head, row_ranges, split_text
from .metadata import identity
from .problems import cell_reason
from .spec import ExtraTab, LazyRows, WorkbookSpec
from .text import CELL_LIMIT, Language, Text

if TYPE_CHECKING:
    from .merge import Merged
    from .templates import Kit

CONTRIBUTION_HEADERS = {
    "fr": (
        "Feuille",
        "Ligne",
        "Colonne",
        "Partenaire",
        "Valeur",
        "Problème",
        "Emplacement dans la copie",
        "Fichier source",
        "Modifié le",
        "Statut",
    ),
    "en": (
        "Worksheet",
        "Row",
        "Column",
        "Partner",
        "Value",
        "Problem",
        "Location in the copy",
        "Source file",
        "Modified",
        "Status",
    ),
}
STATUS = {
    "fr": {
        "used": "retenue",
        "superseded": "remplacée par une copie plus récente",
        "unmapped": "hors gabarit",
        "carried_over": "reprise, inchangée, du classeur maître précédent",
        "disputed": "mise à part : attribution contestée, non fusionnée",
        "withdrawn": "retirée par le partenaire",
        "unconfirmed": "non confirmé cette ronde",
        "formula": "non retenue : une formule, pas une valeur",
    },
    "en": {
        "used": "used",
        "superseded": "superseded by a newer copy",
        "unmapped": "outside the template",
        "carried_over": "carried over unchanged from the previous master",
        "disputed": "kept apart: disputed attribution, not merged",
        "withdrawn": "withdrawn by the partner",
        "unconfirmed": "not confirmed this round",
        "formula": "not used: a formula, not a value",
    },
}


# The Contributions tab's times are the initiative's local times, and its header says which.
MODIFIED = Text("Modifié le (heure de {place})", "Modified ({place} time)")
MERGED_AT = Text("{date} à {time} (heure de {place})", "{date} at {time} ({place} time)")


def local_zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # checked when the initiative was loaded
        return dt.UTC


def place(zone_name: str) -> str:
    """The city a time zone is named after: 'America/Toronto' -> 'Toronto'."""
    return zone_name.rsplit("/", 1)[-1].replace("_", " ")


def local_time(moment: dt.datetime, zone_name: str) -> str:
    """'2026-11-02 14:05', in the initiative's time zone (a naive time is taken as UTC)."""
    return aware(moment).astimezone(local_zone(zone_name)).strftime("%Y-%m-%d %H:%M")


def contribution_headers(language: Language, zone_name: str) -> tuple[str, ...]:
    headers = list(CONTRIBUTION_HEADERS[language])
    headers[8] = MODIFIED(language).format(place=place(zone_name))
    return tuple(headers)


CONTINUED = {
    "fr": "… (suite dans l'onglet Contributions, lignes {rows})",
    "en": "… (continued in the Contributions tab, rows {rows})",
}
PART = {"fr": "suite {part}/{parts}", "en": "continued {part}/{parts}"}
FIRST_DATA_ROW = 2  # the Contributions tab's header is row 1


def master_spec(merged: Merged, now: dt.datetime, cell_limit: int | None = CELL_LIMIT) -> WorkbookSpec:
    """The master's content, for any backend: the template's tabs with merged values, and Contributions.

    A value longer than a cell holds (several partners' answers together, or one long answer) is never
    cut silently: the cell shows its beginning and says which Contributions rows hold the full text,
    where a contribution too long for one cell continues on the rows below it. `cell_limit` None leaves
    long text whole, for a writer that keeps it its own way."""
    initiative = merged.initiative
    language = initiative.language
    tab, cell_rows = _contributions_tab(merged, cell_limit)
    values = dict(merged.values)
    if cell_limit is not None:
        for key, rows in split_values(merged, cell_rows, cell_limit).items():
            values[key] = head(str(values[key]), CONTINUED[language].format(rows=rows), cell_limit)
    return WorkbookSpec(
        layout=workbook_layout(initiative.kit, language),
        info=identity(initiative, language, now, None, "master"),
        cover=_cover(merged, now),
        people=initiative.people,
        password=initiative.protection_password,
        values=values,
        extra_tabs=[tab],
        reading=True,
    )


def split_values(
    merged: Merged,
    cell_rows: dict[tuple[str, str, str], list[int]] | None = None,
    cell_limit: int = CELL_LIMIT,
) -> dict[tuple[str, str, str], str]:
    """Master cells too long for a cell -> the Contributions rows (as '12–14, 40') holding their text."""
    too_long = [k for k, v in merged.values.items() if isinstance(v, str) and not fits(v, cell_limit)]
    if not too_long:
        return {}
    if cell_rows is None:
        cell_rows = _cell_rows(merged, cell_limit)
    return {key: row_ranges(cell_rows.get(key, [])) for key in too_long}


def _cell_rows(merged: Merged, cell_limit: int | None = CELL_LIMIT) -> dict[tuple[str, str, str], list[int]]:
    """`_contributions_tab(...)[1]`: for each master cell, the Contributions rows it was made from."""
    return _layout(merged, cell_limit)[0]


def _layout(
    merged: Merged, cell_limit: int | None = CELL_LIMIT
) -> tuple[dict[tuple[str, str, str], list[int]], int]:
    """Where each contribution goes in the Contributions tab, without making its rows (labels, dates):
    the rows holding each master cell's contributions, and how many rows the tab has."""
    c = merged.contributions
    by_status: dict[tuple[str, str, str, str], list[int]] = {}
    first = FIRST_DATA_ROW
    columns = (c["status"], c["worksheet"], c["row"], c["column"], c["text"])
    for status, worksheet, row, column, text in zip(*columns, strict=True):
        text = str(text)
        parts = 1 if cell_limit is None or fits(text, cell_limit) else len(split_text(text, cell_limit))
        if status in ("used", "carried_over") and isinstance(worksheet, str):
            by_status.setdefault((status, worksheet, str(row), str(column)), []).extend(
                range(first, first + parts)
            )
        first += parts
    # a master cell is made from the partners' values when there are any, else from what was carried over
    cell_rows = {k[1:]: v for k, v in by_status.items() if k[0] == "carried_over"}
    cell_rows.update({k[1:]: v for k, v in by_status.items() if k[0] == "used"})
    return cell_rows, first - FIRST_DATA_ROW


def _cover(merged: Merged, now: dt.datetime) -> list[Line]:
    initiative = merged.initiative
    language = initiative.language
    names = {p.id: p.name for p in initiative.partners}
    received = [
        names.get(s.partner_id or "", s.partner_id or PurePath(s.source).name) for s in merged.accepted
    ]
    answered = merged.partner_ids()
    missing = [p.name for p in initiative.partners if p.id not in answered]
    colon = " : " if language == "fr" else ": "
    fr = language == "fr"
    local = aware(now).astimezone(local_zone(initiative.time_zone))
    merged_at = MERGED_AT(language).format(
        date=long_date(local.date(), language),
        time=local.strftime("%H h %M" if fr else "%H:%M"),
        place=place(initiative.time_zone),
    )
    lines = [
        Line("title", initiative.name),
        Line(
            "subheading", "Classeur maître (fusion des copies des partenaires)" if fr else "Master workbook"
        ),
        Line("field", f"{'Fusionné le' if fr else 'Merged on'}{colon}{merged_at}"),
        Line("field", f"{'Copies retenues' if fr else 'Copies used'}{colon}{len(received)}"),
        Line("heading", "Partenaires" if fr else "Partners"),
    ]
    lines += [Line("bullet", f"• {name}") for name in received]
    if missing:
        lines.append(Line("subheading", "Sans réponse" if fr else "No answer yet"))
        lines += [Line("bullet", f"• {name}") for name in missing]
    if merged.disputed:
        title = "Mises à part (attribution contestée)" if fr else "Kept apart (disputed attribution)"
        lines.append(Line("subheading", title))
        lines += [Line("bullet", f"• {PurePath(s.source).name}") for s in merged.disputed]
    lines.append(Line("heading", "Contributions"))
    lines.append(
        Line(
            "text",
            "Chaque cellule réunit les réponses des partenaires : une seule valeur si tous disent "
            "la même chose, sinon une ligne par partenaire; la date la plus récente; l'union des noms. "
            "L'onglet Contributions liste chaque valeur saisie, avec son partenaire, son fichier et sa date."
            if fr
            else "Each cell combines the partners' answers: one value when all agree, otherwise one line per "
            "partner; the most recent date; the union of names. The Contributions tab lists every value "
            "entered, with its partner, file and date.",
        )
    )
    return lines


def _cell_labels(
    kit: Kit, worksheet_id: object, row: object, column: object, language: Language
) -> tuple[str, str, str]:
    """A contribution's tab, row label and column header as the Contributions tab shows them."""
    worksheet = kit.worksheet(worksheet_id) if isinstance(worksheet_id, str) else None
    if worksheet is None:
        return "", "", ""
    row_label = next((r.label(language) for r in worksheet.rows if r.id == row), None) or next(
        (q.text(language) for q in worksheet.debrief if q.id == row), str(row)
    )
    column_label = next(
        (col.header(language) for col in worksheet.columns if col.id == column), word("debrief", language)
    )
    return worksheet.tab(language), row_label, column_label


def _contributions_tab(
    merged: Merged, cell_limit: int | None = CELL_LIMIT
) -> tuple[ExtraTab, dict[tuple[str, str, str], list[int]]]:
    """The tab, and for each master cell the rows holding the contributions it was made from. The
    tab's rows are made as a writer walks them (tens of thousands at a thousand copies)."""
    cell_rows, count = _layout(merged, cell_limit)
    language = merged.initiative.language
    header = contribution_headers(language, merged.initiative.time_zone)
    tab = ExtraTab(
        title="Contributions",
        header=header,
        rows=LazyRows(count, len(header), lambda: _contribution_rows(merged, cell_limit)),
        # narrow enough that a landscape page fitted to its width stays legible; rows grow to fit
        widths=(18, 30, 20, 22, 56, 16, 20, 26, 17, 16),
    )
    return tab, cell_rows


def _contribution_rows(merged: Merged, cell_limit: int | None) -> Iterator[tuple[object, ...]]:
    """The Contributions tab's rows: one per contribution, and one more per part of a text too long
    for one cell (`_layout` counts them the same way)."""
    initiative = merged.initiative
    language = initiative.language
    kit = initiative.kit
    zone = initiative.time_zone
    statuses = STATUS[language]
    # thousands of contributions share a few cells, copies and times: each label is made once
    cells: dict[tuple[object, object, object], tuple[str, str, str]] = {}
    files: dict[str, str] = {}
    times: dict[object, str] = {}
    c = merged.contributions
    columns = (
        c["worksheet"], c["row"], c["column"], c["partner_name"], c["text"], c["problem"], c["location"],
        c["source"], c["modified"], c["status"],
    )  # fmt: skip
    for worksheet, row, column, partner_name, text, problem, location, source, modified, status in zip(
        *columns, strict=True
    ):
        cell = (worksheet, row, column)
        if cell not in cells:
            cells[cell] = _cell_labels(kit, worksheet, row, column, language)
        if modified not in times:
            times[modified] = local_time(modified, zone) if modified is not None else ""
        if source not in files:
            files[source] = PurePath(source).name
        text = str(text)
        where = (*cells[cell], partner_name)
        parts = [text] if cell_limit is None or fits(text, cell_limit) else split_text(text, cell_limit)
        reason = cell_reason(problem, language) if isinstance(problem, str) else ""
        at = location or ""
        yield (*where, parts[0], reason, at, files[source], times[modified], statuses.get(status, status))
        for number, part in enumerate(parts[1:], start=2):  # the rest of a text too long for one cell
            yield (*where, part, "", at, "", "", PART[language].format(part=number, parts=len(parts)))
