"""The cover tab's content ("Lisez-moi" / "Read me"), as styled lines any backend can write."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .i18n import long_date, word
from .initiative import Initiative, Partner
from .templates import Kit
from .text import Language, Text

Style = Literal["title", "heading", "subheading", "field", "text", "bullet"]


@dataclass(frozen=True)
class Line:
    """One line of a cover tab, with the role (title, heading, field, bullet, text) that styles it."""

    style: Style
    text: str


def partner_lines(partner: Partner | None, language: Language) -> list[Line]:
    """The lines naming whose copy it is (the only lines that differ between partners' covers)."""
    colon = " : " if language == "fr" else ": "
    if partner is None:
        return [Line("field", word("blank_copy", language))]
    lines = [Line("field", f"{word('partner', language)}{colon}{partner.name}")]
    if partner.contact:
        lines.append(Line("field", f"{word('contact', language)}{colon}{partner.contact}"))
    return lines


def cover_lines(
    initiative: Initiative, kit: Kit, partner: Partner | None, language: Language, prefilled: bool = False
) -> list[Line]:
    """A copy's cover tab (partner or blank): who, what to do, by when, each worksheet's background.

    `prefilled`: the copy starts from last round's answers, so the cover says what it shows of whom."""

    def w(key: str) -> str:
        return word(key, language)

    colon = " : " if language == "fr" else ": "
    lines = [Line("title", initiative.name), Line("subheading", kit.title(language))]
    lines += partner_lines(partner, language)
    if initiative.deadline:
        lines.append(Line("field", f"{w('deadline')}{colon}{long_date(initiative.deadline, language)}"))
    if initiative.return_to:
        lines.append(Line("field", f"{w('return_to')}{colon}{initiative.return_to}"))
    if initiative.coordinator:
        who = initiative.coordinator.name
        if initiative.coordinator.email:
            who += f" <{initiative.coordinator.email}>"
        lines.append(Line("field", f"{w('coordinator')}{colon}{who}"))
    lines += _round_lines(initiative, partner if prefilled else None, language)
    lines.append(Line("heading", w("what_to_do")))
    for number, key in enumerate(("step_fill", "step_dropdowns", "step_debrief", "step_return"), start=1):
        lines.append(Line("text", f"{number}. {w(key)}"))
    for worksheet in kit.worksheets:
        tab, title = worksheet.tab(language), worksheet.title(language)
        # "Canevas des progrès accomplis", not "Canevas des progrès — Canevas des progrès accomplis"
        lines.append(
            Line("heading", title if title.casefold().startswith(tab.casefold()) else f"{tab} — {title}")
        )
        if worksheet.context(language):
            lines.append(Line("subheading", w("context")))
            lines += [Line("text", p) for p in worksheet.context(language)]
            lines += [
                Line("bullet", f"• {row.label(language)}. {row.note(language)}")
                for row in worksheet.rows
                if row.note
            ]
        lines.append(Line("subheading", w("description")))
        lines.append(Line("text", worksheet.description(language)))
        lines.append(Line("subheading", w("usage")))
        lines += [Line("text", p) for p in worksheet.usage(language)]
    return lines


def _round_lines(initiative: Initiative, partner: Partner | None, language: Language) -> list[Line]:
    """The round, and what a pre-filled copy shows of the other partners (the coordinator's choice)."""
    colon = " : " if language == "fr" else ": "
    lines = []
    if initiative.round:
        lines.append(Line("field", f"{'Ronde' if language == 'fr' else 'Round'}{colon}{initiative.round}"))
    if partner is not None:
        key = "shared_others_tab" if initiative.share_previous_answers == "others_tab" else "shared_none"
        lines.append(Line("text", SHARING[key](language)))
    return lines


SHARING = {
    "shared_none": Text(
        "Cette copie reprend seulement les réponses de votre organisation à la ronde précédente; "
        "les réponses des autres partenaires ne vous sont pas montrées.",
        "This copy starts from your organisation's own answers of the previous round only; the other "
        "partners' answers are not shown to you.",
    ),
    "shared_others_tab": Text(
        "Cette copie reprend les réponses de votre organisation à la ronde précédente. Par choix de la "
        "coordination, les réponses des autres partenaires sont visibles, en lecture seule, dans l'onglet "
        "« Réponses des autres (lecture) ».",
        "This copy starts from your organisation's own answers of the previous round. As the coordination "
        "chose, the other partners' answers are shown, read-only, on the tab “Others' answers (read-only)”.",
    ),
}
