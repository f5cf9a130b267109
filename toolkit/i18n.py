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


SOURCE_MESSAGES: dict[str, Text] = {
    "not_found": Text("fichier introuvable", "file not found"),
    "not_spreadsheet": Text("ce n'est pas un classeur (.xlsx ou .ods)", "not a spreadsheet (.xlsx or .ods)"),
    "unsupported_format": Text(
        "format non pris en charge : enregistrez-le en .xlsx ou .ods",
        "unsupported format: save it as .xlsx or .ods",
    ),
    "encrypted": Text(
        "classeur protégé par mot de passe : demandez une copie sans mot de passe",
        "password-protected workbook: ask for a copy without a password",
    ),
    "corrupt": Text("fichier endommagé ou incomplet", "damaged or incomplete file"),
    "macro": Text(
        "classeur avec macros, refusé par sécurité : demandez une copie .xlsx sans macros",
        "workbook with macros, refused for safety: ask for a .xlsx copy without macros",
    ),
    "zip_bomb": Text(
        "fichier anormalement compressé (bombe zip), refusé", "abnormally compressed file (zip bomb), refused"
    ),
    "xml_bomb": Text("contenu XML dangereux (entités), refusé", "dangerous XML content (entities), refused"),
    "too_large": Text(
        "feuille trop grande pour être une copie de partenaire", "sheet too large for a partner copy"
    ),
    "foreign_template": Text(
        "ce classeur ne contient pas les feuilles de travail de l'initiative",
        "this workbook does not hold the initiative's worksheets",
    ),
    "foreign_initiative": Text("copie d'une autre initiative", "copy from another initiative"),
}


def source_message(code: str, detail: str, language: Language) -> str:
    """Why a source could not be used, in the initiative's language, with the technical detail after."""
    text = SOURCE_MESSAGES.get(code, Text("illisible", "unreadable"))(language)
    return f"{text} ({detail})" if detail else text


GAP_MESSAGES: dict[str, Text] = {
    "missing_submission": Text("Aucune copie reçue de {partner}.", "No copy received from {partner}."),
    "missing_cell": Text(
        "{partner} : « {column} » est vide pour « {row} » ({worksheet}).",
        "{partner}: “{column}” is empty for “{row}” ({worksheet}).",
    ),
    "missing_cell_everyone": Text(
        "Personne n'a rempli « {column} » pour « {row} » ({worksheet}).",
        "Nobody filled in “{column}” for “{row}” ({worksheet}).",
    ),
    "ownerless_role": Text(
        "Rôle sans responsable : « {row} » ({worksheet}).", "Role with no owner: “{row}” ({worksheet})."
    ),
    "unknown_person": Text(
        "{partner} : « {value} » n'est pas dans la liste des personnes (« {row} », {worksheet}).",
        "{partner}: “{value}” is not in the list of people (“{row}”, {worksheet}).",
    ),
    "invalid_value": Text(
        "{partner} : « {value} » ne convient pas à « {column} » pour « {row} » ({worksheet}) : {reason}.",
        "{partner}: “{value}” does not fit “{column}” for “{row}” ({worksheet}): {reason}.",
    ),
    "structure_changed": Text("{partner} : {change}", "{partner}: {change}"),
}

PROBLEM_REASONS: dict[str, Text] = {
    "not_a_date": Text("ce n'est pas une date", "not a date"),
    "ambiguous_date": Text("date ambiguë, écrivez-la AAAA-MM-JJ", "ambiguous date, write it as YYYY-MM-DD"),
    "not_a_number": Text("ce n'est pas un nombre", "not a number"),
    "not_yes_no": Text("répondez oui ou non", "answer yes or no"),
    "not_in_choices": Text("valeur hors de la liste", "not one of the listed values"),
    "formula": Text("une formule au lieu d'une valeur", "a formula instead of a value"),
}

CHANGE_MESSAGES: dict[str, Text] = {
    "metadata_missing": Text(
        "l'onglet caché de la trousse a disparu; cellules retrouvées par leurs libellés",
        "the kit's hidden tab is gone; cells found by their labels",
    ),
    "tab_renamed": Text("onglet « {old} » renommé « {new} »", "tab “{old}” renamed “{new}”"),
    "tab_moved": Text("onglet « {tab} » déplacé", "tab “{tab}” moved"),
    "tab_found_by_content": Text(
        "feuille « {worksheet} » retrouvée dans l'onglet « {tab} » par ses en-têtes",
        "worksheet “{worksheet}” found in tab “{tab}” by its headers",
    ),
    "rows_moved": Text(
        "lignes insérées ou supprimées dans « {worksheet} »; cellules retrouvées par leurs libellés",
        "rows inserted or deleted in “{worksheet}”; cells found by their labels",
    ),
    "columns_moved": Text(
        "colonnes insérées ou supprimées dans « {worksheet} »; cellules retrouvées par leurs en-têtes",
        "columns inserted or deleted in “{worksheet}”; cells found by their headers",
    ),
    "found_by_position": Text(
        "libellé ou en-tête modifié dans « {worksheet} » ({where}); cellule prise à sa position d'origine",
        "label or header changed in “{worksheet}” ({where}); cell taken at its original position",
    ),
    "row_missing": Text(
        "ligne « {where} » introuvable dans « {worksheet} »", "row “{where}” not found in “{worksheet}”"
    ),
    "column_missing": Text(
        "colonne « {where} » introuvable dans « {worksheet} »", "column “{where}” not found in “{worksheet}”"
    ),
    "worksheet_missing": Text("feuille « {worksheet} » introuvable", "worksheet “{worksheet}” not found"),
    "unmapped_content": Text(
        "texte hors du gabarit en {where} : « {value} » "
        "(conservé dans l'onglet Contributions du classeur maître)",
        "text outside the template at {where}: “{value}” (kept in the master's Contributions tab)",
    ),
    "partner_from_filename": Text(
        "partenaire reconnu par le nom du fichier", "partner recognised from the file name"
    ),
    "unknown_partner": Text(
        "impossible de savoir de quel partenaire vient cette copie",
        "cannot tell which partner this copy is from",
    ),
    "partner_not_in_initiative": Text(
        "le partenaire « {partner} » n'est pas dans le fichier d'initiative",
        "partner “{partner}” is not in the initiative file",
    ),
    "template_version": Text(
        "copie faite avec la version {copy} de « {worksheet} » (version actuelle : {current})",
        "copy made with version {copy} of “{worksheet}” (current version: {current})",
    ),
}
