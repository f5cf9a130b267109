"""Words the weekly report says, in French and English (the toolkit's other words are in toolkit/i18n.py)."""

from __future__ import annotations

from ..text import Language, Text

REPORT_WORDS: dict[str, Text] = {
    "title": Text("Bilan des retours", "Returns report"),
    "generated": Text("Produit le {date}", "Generated on {date}"),
    "headline": Text("En bref", "At a glance"),
    "received": Text("Copies reçues", "Copies received"),
    "received_value": Text("{received} sur {expected}", "{received} of {expected}"),
    "on_time": Text("À temps (date limite : {deadline})", "On time (deadline: {deadline})"),
    "on_time_value": Text("{on_time} sur {received}", "{on_time} of {received}"),
    "no_deadline": Text("aucune date limite", "no deadline"),
    "completion": Text("Taux de remplissage global", "Overall completion"),
    "ownerless": Text("Rôles sans responsable", "Roles with no owner"),
    "unreadable": Text("Fichiers illisibles", "Unreadable files"),
    "changes": Text("Depuis le rapport précédent", "Since the previous report"),
    "changes_since": Text("Depuis le rapport du {date}", "Since the report of {date}"),
    "first_report": Text(
        "Premier rapport : rien à comparer pour l'instant.", "First report: nothing to compare yet."
    ),
    "no_change": Text("Aucun changement.", "No change."),
    "rounds": Text(
        "Depuis la ronde {previous} (classeur maître {master})", "Since round {previous} (master {master})"
    ),
    "rounds_unreadable": Text(
        "Depuis la ronde précédente : changements non montrés, son classeur maître n'a pas pu être relu",
        "Since the previous round: changes not shown, its master could not be read back",
    ),
    "rounds_counts": Text(
        "{new} nouvelles, {changed} modifiées, {withdrawn} retirées, {unconfirmed} non confirmées",
        "{new} new, {changed} changed, {withdrawn} withdrawn, {unconfirmed} not confirmed",
    ),
    "new_submissions": Text("Nouvelles copies reçues", "New copies received"),
    "roles_taken": Text("Rôles maintenant pris en charge", "Roles now taken"),
    "new_gaps": Text("Nouveaux écarts", "New gaps"),
    "closed_gaps": Text("Écarts réglés", "Gaps closed"),
    "completion_change": Text(
        "Taux de remplissage global : {before} → {now} ({delta} points)",
        "Overall completion: {before} → {now} ({delta} points)",
    ),
    "partners": Text("Partenaires", "Partners"),
    "partner": Text("Partenaire", "Partner"),
    "copy": Text("Copie", "Copy"),
    "file": Text("Fichier", "File"),
    "missing_cells_count": Text("Cellules vides", "Empty cells"),
    "problems": Text("Problèmes", "Problems"),
    "yes_on_time": Text("reçue à temps", "received on time"),
    "yes_late": Text("reçue en retard", "received late"),
    "yes": Text("reçue", "received"),
    "no": Text("non reçue", "not received"),
    "unidentified": Text("(partenaire inconnu)", "(unknown partner)"),
    "ownerless_none": Text("Chaque rôle a un responsable.", "Every role has an owner."),
    "missing_cells": Text("Cellules vides par feuille de travail", "Empty cells by worksheet"),
    "missing_none": Text("Aucune cellule requise n'est vide.", "No required cell is empty."),
    "worksheet": Text("Feuille de travail", "Worksheet"),
    "row": Text("Ligne", "Row"),
    "column": Text("Colonne", "Column"),
    "missing_from": Text("Vide chez", "Empty in"),
    "nobody": Text("personne ne l'a remplie", "nobody filled it in"),
    "invalid": Text("Valeurs non valides", "Invalid values"),
    "invalid_none": Text("Aucune valeur non valide.", "No invalid values."),
    "other": Text("Autres remarques", "Other notes"),
    "disputed": Text(
        "Copies mises à part (attribution contestée)", "Copies kept apart (disputed attribution)"
    ),
    "unreadable_none": Text("Tous les fichiers ont pu être lus.", "Every file could be read."),
    "heatmap_title": Text(
        "Taux de remplissage par partenaire et feuille de travail", "Completion by partner and worksheet"
    ),
    "heatmap_alt": Text(
        "Carte de chaleur du taux de remplissage par partenaire et par feuille de travail",
        "Heatmap of completion by partner and worksheet",
    ),
    "trend_title": Text(
        "Taux de remplissage global au fil des rapports", "Overall completion over past reports"
    ),
    "trend_alt": Text(
        "Courbe du taux de remplissage global au fil des rapports",
        "Line chart of overall completion over past reports",
    ),
    "not_received_short": Text("non reçue", "not received"),
    "worst_title": Text(
        "Les {n} copies reçues les moins remplies (sur {total}), par feuille de travail",
        "The {n} least complete copies received (of {total}), by worksheet",
    ),
    "worst_alt": Text(
        "Carte de chaleur du taux de remplissage des {n} copies reçues les moins remplies",
        "Heatmap of completion of the {n} least complete copies received",
    ),
    "distribution_title": Text(
        "Répartition des {total} partenaires selon le taux de remplissage",
        "The {total} partners by completion",
    ),
    "distribution_alt": Text(
        "Histogramme du nombre de partenaires par tranche de taux de remplissage",
        "Histogram of the number of partners by completion range",
    ),
    "partners_axis": Text("partenaires", "partners"),
    "by_worksheet_title": Text(
        "Taux de remplissage moyen par feuille de travail (copies reçues)",
        "Average completion by worksheet (copies received)",
    ),
    "by_worksheet_alt": Text(
        "Diagramme à barres du taux de remplissage moyen de chaque feuille de travail",
        "Bar chart of the average completion of each worksheet",
    ),
    "worst_tab_title": Text("Copies reçues les moins remplies", "Least complete copies received"),
    "summary_tab": Text("Résumé", "Summary"),
    "partners_tab": Text("Partenaires", "Partners"),
    "gaps_tab": Text("Écarts", "Gaps"),
    "trend_tab": Text("Tendance", "Trend"),
    "figure": Text("Indicateur", "Figure"),
    "value": Text("Valeur", "Value"),
    "report_date": Text("Rapport", "Report"),
    "modified": Text("Modifiée le", "Modified"),
    "runs_none": Text("Aucun rapport enregistré.", "No report recorded yet."),
    "run": Text("N°", "No."),
    "gap_count": Text("Écarts", "Gaps"),
    "label": Text("Libellé", "Label"),
    "more": Text("… et {n} autres", "… and {n} more"),
    "footer": Text(
        "Bilan produit automatiquement par la trousse d'impact collectif.",
        "Report generated automatically by the collective-impact toolkit.",
    ),
}


def rw(key: str, language: Language, **params: object) -> str:
    """A report word in `language`, with `{params}` filled in."""
    text = REPORT_WORDS[key](language)
    return text.format(**params) if params else text
