"""The master workbook: the merged values in the template's tabs plus a Contributions tab."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import TYPE_CHECKING

from .cover import Line
from .i18n import long_date, word
from .layout import workbook_layout
from .metadata import identity
from .problems import cell_reason
from .spec import ExtraTab, WorkbookSpec

if TYPE_CHECKING:
    from .merge import Merged

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
    },
    "en": {
        "used": "used",
        "superseded": "superseded by a newer copy",
        "unmapped": "outside the template",
        "carried_over": "carried over unchanged from the previous master",
        "disputed": "kept apart: disputed attribution, not merged",
        "withdrawn": "withdrawn by the partner",
        "unconfirmed": "not confirmed this round",
    },
}


def master_spec(merged: Merged, now: dt.datetime) -> WorkbookSpec:
    """The master's content, for any backend: the template's tabs with merged values, and Contributions."""
    initiative = merged.initiative
    language = initiative.language
    return WorkbookSpec(
        layout=workbook_layout(initiative.kit, language),
        info=identity(initiative, language, now, None, "master"),
        cover=_cover(merged, now),
        people=initiative.people,
        password=initiative.protection_password,
        values=merged.values,
        extra_tabs=[_contributions_tab(merged)],
    )


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
    lines = [
        Line("title", initiative.name),
        Line(
            "subheading", "Classeur maître (fusion des copies des partenaires)" if fr else "Master workbook"
        ),
        Line("field", f"{'Fusionné le' if fr else 'Merged on'}{colon}{long_date(now.date(), language)}"),
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


def _contributions_tab(merged: Merged) -> ExtraTab:
    initiative = merged.initiative
    language = initiative.language
    kit = initiative.kit
    rows = []
    for c in merged.contributions.itertuples():
        worksheet = kit.worksheet(c.worksheet) if isinstance(c.worksheet, str) else None
        row_label = column_label = ""
        if worksheet is not None:
            row_label = next((r.label(language) for r in worksheet.rows if r.id == c.row), None) or next(
                (q.text(language) for q in worksheet.debrief if q.id == c.row), str(c.row)
            )
            column_label = next(
                (col.header(language) for col in worksheet.columns if col.id == c.column),
                word("debrief", language),
            )
        modified = (
            c.modified.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if c.modified is not None else ""
        )
        problem = cell_reason(c.problem, language) if isinstance(c.problem, str) else ""
        rows.append(
            (
                worksheet.tab(language) if worksheet else "",
                row_label,
                column_label,
                c.partner_name,
                c.text,
                problem,
                c.location or "",
                PurePath(c.source).name,
                modified,
                STATUS[language].get(c.status, c.status),
            )
        )
    return ExtraTab(
        title="Contributions",
        header=CONTRIBUTION_HEADERS[language],
        rows=tuple(rows),
        widths=(22, 36, 24, 30, 60, 14, 26, 34, 20, 18),
    )
