"""Words the toolkit itself says to coordinators and partners, in French and English."""

from __future__ import annotations

import datetime as dt

from .text import Language, Text

MONTHS = {
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def long_date(day: dt.date, language: Language) -> str:
    """'2 novembre 2026' / 'November 2, 2026'."""
    month = MONTHS[language][day.month - 1]
    if language == "fr":
        return f"{'1er' if day.day == 1 else day.day} {month} {day.year}"
    return f"{month} {day.day}, {day.year}"


WORDS: dict[str, Text] = {
    "readme_tab": Text("Lisez-moi", "Read me"),
    "lists_tab": Text("Listes", "Lists"),
    "partner": Text("Partenaire", "Partner"),
    "blank_copy": Text("Copie vierge (à distribuer)", "Blank copy (to hand out)"),
    "contact": Text("Personne-ressource", "Contact person"),
    "deadline": Text("Date limite de retour", "Return by"),
    "return_to": Text("Renvoyez le fichier à", "Send the file back to"),
    "coordinator": Text("Coordination", "Coordinator"),
    "what_to_do": Text("Ce que nous vous demandons", "What we ask of you"),
    "step_fill": Text(
        "Remplissez les cellules jaunes de chaque onglet. "
        "Les titres, les en-têtes et les libellés sont protégés.",
        "Fill in the yellow cells of each tab. Titles, headers and row labels are protected.",
    ),
    "step_dropdowns": Text(
        "Choisissez dans les listes déroulantes quand il y en a; "
        "pour les personnes, vous pouvez aussi saisir un autre nom. "
        "Saisissez les dates au format AAAA-MM-JJ.",
        "Pick from the dropdown lists where there are some; for people you may also type another name. "
        "Type dates as YYYY-MM-DD.",
    ),
    "step_debrief": Text(
        "Répondez aux questions de débreffage sous chaque tableau.",
        "Answer the debrief questions below each table.",
    ),
    "step_return": Text(
        "Enregistrez le classeur (Excel, LibreOffice ou Google Sheets) et renvoyez-le tel quel.",
        "Save the workbook (Excel, LibreOffice or Google Sheets) and send it back as it is.",
    ),
    "worksheets": Text("Les feuilles de travail", "The worksheets"),
    "context": Text("Contexte", "Background"),
    "description": Text("Description de l'outil", "About this tool"),
    "usage": Text("Utilisation de l'outil", "How to use this tool"),
    "debrief": Text("Débreffage", "Debrief"),
    "debrief_intro": Text(
        "Questions de débreffage à discuter une fois la feuille de travail remplie :",
        "Debrief questions to discuss once the worksheet is filled in:",
    ),
    "sheet_hint": Text(
        "Remplissez les cellules jaunes. Les notes sur les libellés (triangle rouge) décrivent chaque ligne.",
        "Fill in the yellow cells. Notes on the labels (red triangle) describe each row.",
    ),
    "master_hint": Text(
        "Valeurs fusionnées des copies des partenaires. Les notes sur les libellés (triangle rouge) "
        "décrivent chaque ligne; l'onglet Contributions dit qui a écrit quoi.",
        "Values merged from the partners' copies. Notes on the labels (red triangle) describe each row; "
        "the Contributions tab says who wrote what.",
    ),
    "entry": Text("Entrée", "Entry"),
    "carried_over": Text("Classeur maître précédent", "Previous master"),
    "yes": Text("Oui", "Yes"),
    "no": Text("Non", "No"),
    "person_prompt": Text(
        "Choisissez une personne dans la liste ou saisissez un nom.",
        "Pick a person from the list or type a name.",
    ),
    "person_error": Text(
        "Ce nom n'est pas dans la liste des personnes de l'initiative. Le garder quand même?",
        "This name is not in the initiative's list of people. Keep it anyway?",
    ),
    "choice_error": Text("Choisissez une valeur dans la liste.", "Pick a value from the list."),
    "date_prompt": Text(
        "Saisissez une date, par exemple 2026-11-02.", "Type a date, for example 2026-11-02."
    ),
    "date_error": Text("Ce n'est pas une date valide.", "This is not a valid date."),
    "number_error": Text("Saisissez un nombre.", "Type a number."),
    "invalid_title": Text("Valeur non valide", "Invalid value"),
    "input_title": Text("Saisie", "Input"),
}


def word(key: str, language: Language) -> str:
    """A word or sentence of the toolkit's own, in `language`."""
    return WORDS[key](language)
