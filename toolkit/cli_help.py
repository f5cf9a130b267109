"""What `toolkit … --help` says, in French and English: each command's summary, its options and arguments,
and examples. One entry per command, keyed by its path ("gaps", "template new"; "" is `toolkit` itself).

Adding an option: one line in its command's `params` (or in PARAMS when several commands share it),
keyed by its long flag ("--jobs"), an argument by its name ("sources"). No `help=` in cli.py:
tests/test_cli_help.py fails when a parameter has no entry here, and says where to put it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .text import Language, Text


@dataclass(frozen=True)
class Example:
    """A command line a coordinator could type, and what it does."""

    command: Text
    what: Text


@dataclass(frozen=True)
class CommandHelp:
    """A command: summary (also its line in the list of commands), details, parameters, examples."""

    summary: Text
    examples: tuple[Example, ...]
    params: Mapping[str, Text] = field(default_factory=dict)
    details: Text | None = None


def _example(fr_command: str, fr_what: str, en_command: str, en_what: str) -> Example:
    return Example(Text(fr_command, en_command), Text(fr_what, en_what))


# Options and arguments several commands share (a command's own entry wins).
PARAMS: dict[str, Text] = {
    "--help": Text("Afficher ce message et quitter.", "Show this message and exit."),
    "--version": Text("Afficher la version et quitter.", "Show the version and exit."),
    "--config": Text(
        "Le fichier d'initiative (par défaut : initiative.yaml du dossier courant ou d'un dossier "
        "au-dessus).",
        "The initiative file (default: initiative.yaml in the current folder or a folder above it).",
    ),
    "--partner": Text(
        "Seulement ce partenaire, par son id (répétable). Par défaut : tous.",
        "Only this partner, by its id (repeatable). Default: every partner.",
    ),
    "--history": Text(
        "Fichier d'historique SQLite (par défaut : history.sqlite à côté du fichier d'initiative).",
        "SQLite history file (default: history.sqlite next to the initiative file).",
    ),
    "--raw-csv": Text(
        "Avec --format csv : écrire le texte tel quel, pour un programme. Par défaut, une cellule qui "
        "commence par =, +, -, @, une tabulation ou un retour de chariot reçoit un ' devant, pour qu'Excel "
        "ou LibreOffice ne l'exécute pas comme une formule.",
        "With --format csv: write text exactly as typed, for programs. By default a cell starting with =, +, "
        "-, @, a tab or a carriage return gets a leading ' so Excel or LibreOffice cannot run it as a "
        "formula.",
    ),
    "--dialect": Text(
        "Avec --format csv : excel, pour un tableur (; et virgule décimale en français, virgule en "
        "anglais; UTF-8 avec la marque d'ordre des octets qu'Excel demande, dans un fichier; en-têtes et "
        "libellés dans la langue de l'utilisateur; dates AAAA-MM-JJ) ou machine, pour les programmes "
        "(virgule, pas de marque d'ordre des octets, noms de colonnes anglais, codes et valeurs tels que "
        "lus : le contrat stable).",
        "With --format csv: excel, for a spreadsheet (';' and decimal commas in French, ',' in English; "
        "UTF-8 with the byte-order mark Excel needs in a file; headings and labels in the user's language; "
        "dates YYYY-MM-DD) or machine, for programs (',', no byte-order mark, English column names, codes "
        "and values as read: the stable contract).",
    ),
    "--jobs": Text(
        "Nombre de processus qui lisent les copies locales (par défaut : tous les cœurs à partir de "
        "200 copies, sinon 1).",
        "Processes reading local copies (default: every core from 200 copies on, else 1).",
    ),
    "--no-cache": Text(
        "Relire chaque copie au lieu de réutiliser ce qu'une exécution précédente a lu des mêmes octets "
        "(le cache est le fichier .toolkit-pull-cache.sqlite à côté de l'historique; il peut être "
        "supprimé en tout temps).",
        "Read every copy again instead of reusing what an earlier run read from the same bytes "
        "(the cache is .toolkit-pull-cache.sqlite next to the history; delete it at will).",
    ),
    "--no-progress": Text(
        "Sans barre de progression (elle ne s'affiche que dans un terminal, quand les copies sont "
        "nombreuses).",
        "No progress bar (one shows only in a terminal, when the copies are many).",
    ),
    "sources": Text(
        "Les copies remplies : fichiers .xlsx ou .ods, dossiers (sous-dossiers compris), liens ou "
        "identifiants de classeurs Google.",
        "The filled copies: .xlsx or .ods files, folders (subfolders included), Google spreadsheet links or "
        "ids.",
    ),
}

_TEMPLATE_LANG = Text(
    "Langue des noms d'onglets, des colonnes et des messages (par défaut : celle de la conception ou de "
    "l'initiative, sinon le français).",
    "Language of tab names, columns and messages (default: the design's or the initiative's, else French).",
)
_DESIGN = Text(
    "Le classeur de conception (.xlsx ou .ods).",
    "The design workbook (.xlsx or .ods).",
)

COMMANDS: dict[str, CommandHelp] = {
    "": CommandHelp(
        Text(
            "Trousse de tableurs des initiatives d'impact collectif : produire un classeur par partenaire, "
            "récupérer les copies remplies, les fusionner et relever les écarts.",
            "Spreadsheet toolkit for collective-impact initiatives: generate one workbook per partner, pull "
            "filled copies back, merge them and flag gaps.",
        ),
        details=Text(
            "Sans --config, chaque commande prend le fichier initiative.yaml du dossier courant ou d'un "
            "dossier au-dessus. Les messages sont dans la langue de l'initiative, sinon dans celle du "
            "système (TOOLKIT_LANG=fr ou TOOLKIT_LANG=en pour la choisir). Chaque commande a son aide : "
            "toolkit gaps -h, par exemple.",
            "Without --config, every command uses the initiative.yaml of the current folder or of a folder "
            "above it. Messages are in the initiative's language, else the system's (TOOLKIT_LANG=fr or "
            "TOOLKIT_LANG=en to choose). Every command has its own help: toolkit gaps -h, for example.",
        ),
        examples=(
            _example(
                "toolkit init mon-initiative/",
                "Un fichier d'initiative commenté, pour commencer.",
                "toolkit init my-initiative/",
                "A commented initiative file, to start with.",
            ),
            _example(
                "toolkit generate --out copies/",
                "Un classeur par partenaire, à lui envoyer.",
                "toolkit generate --out copies/",
                "One workbook per partner, to send them.",
            ),
            _example(
                "toolkit gaps retours/",
                "Ce qui reste à régler dans les copies reçues.",
                "toolkit gaps returns/",
                "What still needs action in the copies received.",
            ),
        ),
    ),
    "init": CommandHelp(
        Text(
            "Écrire un fichier initiative.yaml commenté, à compléter, dans DOSSIER.",
            "Write a commented starter initiative.yaml into DIRECTORY.",
        ),
        params={
            "directory": Text(
                "Le dossier où l'écrire (créé au besoin; par défaut : le dossier courant).",
                "The folder to write it into (made if needed; default: the current folder).",
            ),
        },
        examples=(
            _example(
                "toolkit init mon-initiative/",
                "Le modèle dans un nouveau dossier; ouvrez-le ensuite dans un éditeur de texte.",
                "toolkit init my-initiative/",
                "The starter file in a new folder; then open it in a text editor.",
            ),
        ),
    ),
    "generate": CommandHelp(
        Text(
            "Produire un classeur par partenaire : des fichiers Excel (et une copie vierge) dans le dossier "
            "--out, ou des classeurs Google.",
            "Write one workbook per partner: Excel files (and a blank copy) in the --out folder, or Google "
            "spreadsheets.",
        ),
        params={
            "--jobs": Text(
                "Nombre de processus qui construisent les classeurs quand il y en a beaucoup (xlsx; par "
                "défaut : un par cœur).",
                "Worker processes building the workbooks when there are many (xlsx; default: one per CPU).",
            ),
            "--out": Text(
                "Le dossier où écrire les classeurs (--backend xlsx).",
                "The folder to write the workbooks into (--backend xlsx).",
            ),
            "--backend": Text(
                "xlsx : des fichiers dans --out; gsheets : un classeur Google par partenaire, partagé avec "
                "lui.",
                "xlsx: files in --out; gsheets: one Google spreadsheet per partner, shared with that "
                "partner.",
            ),
            "--create-folder": Text(
                "gsheets : créer le dossier Drive (au nom de l'initiative) et l'inscrire au manifeste.",
                "gsheets: create the Drive folder (named after the initiative) and record it in the "
                "manifest.",
            ),
            "--lang": Text(
                "Langue des classeurs (par défaut : celle de l'initiative).",
                "Language of the workbooks (default: the initiative's).",
            ),
            "--prefill": Text(
                "Partir de ce classeur maître (nouvelle ronde) : chaque partenaire met à jour ses réponses "
                "au lieu de tout recommencer.",
                "Start from this master workbook (next round): partners update their answers rather than "
                "start over.",
            ),
            "--force": Text(
                "Remplacer les copies déjà dans --out qui ne contiennent aucune réponse (une sauvegarde est "
                "gardée dans .backup); une copie qui contient des réponses n'est jamais remplacée.",
                "Replace copies already in --out that hold no answers (a backup is kept in .backup); a copy "
                "holding answers is never replaced.",
            ),
        },
        examples=(
            _example(
                "toolkit generate --out copies/",
                "Un classeur Excel par partenaire dans copies/.",
                "toolkit generate --out copies/",
                "One Excel workbook per partner in copies/.",
            ),
            _example(
                "toolkit generate --out ronde-2/ --prefill classeur-maitre.xlsx",
                "Nouvelle ronde : chaque partenaire retrouve ses propres réponses.",
                "toolkit generate --out round-2/ --prefill master.xlsx",
                "Next round: each partner finds its own answers again.",
            ),
            _example(
                "toolkit generate --out copies/ --partner cdc-hochelaga --force",
                "Refaire la copie d'un seul partenaire.",
                "toolkit generate --out copies/ --partner cdc-hochelaga --force",
                "Make one partner's copy again.",
            ),
        ),
    ),
    "pull": CommandHelp(
        Text(
            "Lire les copies remplies (fichiers et dossiers) : taux de remplissage et problèmes de chaque "
            "copie.",
            "Read filled copies back (files and folders): completion and problems per copy.",
        ),
        params={
            "--format": Text(
                "table : un tableau à lire; json ou csv : pour un programme ou un tableur (par défaut : "
                "selon le suffixe de --out, sinon table).",
                "table: a table to read; json or csv: for a program or a spreadsheet (default: from --out's "
                "suffix, else table).",
            ),
            "--out": Text(
                "Écrire dans ce fichier au lieu de l'écran (.csv, .json, .txt); le format suit son suffixe. "
                "La façon sûre d'obtenir un CSV pour Excel sous Windows.",
                "Write to this file instead of the terminal (.csv, .json, .txt); the format follows its "
                "suffix. The safe way to get a CSV for Excel on Windows.",
            ),
        },
        examples=(
            _example(
                "toolkit pull retours/",
                "Une ligne par copie reçue.",
                "toolkit pull returns/",
                "One line per copy received.",
            ),
            _example(
                "toolkit pull retours/ --out copies.csv",
                "Le même tableau, à ouvrir dans un tableur.",
                "toolkit pull returns/ --out copies.csv",
                "The same table, to open in a spreadsheet.",
            ),
        ),
    ),
    "merge": CommandHelp(
        Text(
            "Fusionner les copies des partenaires dans un classeur maître, avec un onglet Contributions (qui "
            "a écrit quoi).",
            "Merge partner copies into one master workbook with a Contributions tab (who wrote what).",
        ),
        params={
            "--out": Text(
                "Le classeur maître à écrire (.xlsx), ou gsheets: pour un nouveau classeur Google.",
                "The master workbook to write (.xlsx), or gsheets: for a new Google spreadsheet.",
            ),
            "--previous": Text(
                "Le classeur maître de la ronde précédente : chaque partenaire y garde ses réponses s'il ne "
                "les a pas changées (par défaut : le dernier inscrit à l'historique).",
                "Last round's master: each partner keeps its answers there unless it changed them (default: "
                "the last master recorded in the history).",
            ),
        },
        examples=(
            _example(
                "toolkit merge retours/ --out classeur-maitre.xlsx",
                "Le classeur maître de la ronde.",
                "toolkit merge returns/ --out master.xlsx",
                "The round's master workbook.",
            ),
            _example(
                "toolkit merge ronde-2/ --out classeur-maitre-2.xlsx --previous classeur-maitre.xlsx",
                "Nouvelle ronde, à partir du classeur maître précédent.",
                "toolkit merge round-2/ --out master-2.xlsx --previous master.xlsx",
                "Next round, starting from the previous master.",
            ),
        ),
    ),
    "gaps": CommandHelp(
        Text(
            "Relever ce qui manque ou ne va pas : copies non reçues, valeurs non valides, cellules que "
            "personne n'a remplies, rôles sans responsable.",
            "List what is missing or wrong: copies not received, invalid values, cells nobody filled, "
            "ownerless roles.",
        ),
        details=Text(
            "Par défaut, un résumé qui tient sur un écran : ce qui est à régler d'abord, puis une ligne par "
            "partenaire. Code de sortie : 0, ou 1 avec --fail-on-gaps quand il reste une erreur.",
            "By default a one-screen summary: what needs action first, then one line per partner. Exit code: "
            "0, or 1 with --fail-on-gaps when an error remains.",
        ),
        params={
            "--format": Text(
                "table : le résumé; json, csv ou md : la liste complète, pour un programme, un tableur ou un "
                "document (par défaut : selon le suffixe de --out, sinon table).",
                "table: the summary; json, csv or md: the full list, for a program, a spreadsheet or a "
                "document (default: from --out's suffix, else table).",
            ),
            "--out": Text(
                "Écrire dans ce fichier au lieu de l'écran (.csv, .json, .txt, .md); le format suit son "
                "suffixe. La façon sûre d'obtenir un CSV pour Excel sous Windows.",
                "Write to this file instead of the terminal (.csv, .json, .txt, .md); the format follows its "
                "suffix. The safe way to get a CSV for Excel on Windows.",
            ),
            "--fail-on-gaps": Text(
                "Quitter avec le code 1 s'il reste une erreur ou un fichier illisible.",
                "Exit with 1 when an error-severity gap or an unreadable file remains.",
            ),
            "--details": Text(
                "Ajouter chaque cellule vide et chaque changement de structure (table).",
                "Also list every empty cell and every structure change (table).",
            ),
            "--severity": Text(
                "Seulement les écarts de cette gravité (répétable).",
                "Only gaps of this severity (repeatable).",
            ),
            "--kind": Text("Seulement ce type d'écart (répétable).", "Only this kind of gap (repeatable)."),
        },
        examples=(
            _example(
                "toolkit gaps retours/",
                "Le résumé : ce qui est à régler, puis une ligne par partenaire.",
                "toolkit gaps returns/",
                "The summary: what needs action, then one line per partner.",
            ),
            _example(
                "toolkit gaps retours/ --details --partner cdc-hochelaga",
                "Tout ce qui manque dans la copie d'un partenaire.",
                "toolkit gaps returns/ --details --partner cdc-hochelaga",
                "Everything missing in one partner's copy.",
            ),
            _example(
                "toolkit gaps retours/ --out ecarts.csv",
                "La liste complète dans un fichier CSV qu'Excel ouvre tel quel.",
                "toolkit gaps returns/ --out gaps.csv",
                "The full list in a CSV file Excel opens as it is.",
            ),
            _example(
                "toolkit gaps retours/ --format json --fail-on-gaps",
                "Pour une tâche automatique : code de sortie 1 s'il reste une erreur.",
                "toolkit gaps returns/ --format json --fail-on-gaps",
                "For a scheduled task: exit code 1 when an error remains.",
            ),
        ),
    ),
    "report": CommandHelp(
        Text(
            "Le bilan de la semaine : qui a répondu, ce qui manque, les rôles sans responsable, ce qui a "
            "changé depuis la dernière fois.",
            "The weekly report: who answered, what is missing, ownerless roles, what changed since last "
            "time.",
        ),
        details=Text(
            "Codes de sortie : 0; 1 avec --fail-on-gaps quand il reste une erreur, ou quand le rapport ou "
            "l'historique n'a pas pu être écrit; 3 quand un courriel n'a pas pu partir (le rapport est écrit "
            "quand même).",
            "Exit codes: 0; 1 with --fail-on-gaps when an error remains, or when the report or the history "
            "could not be written; 3 when an email could not be sent (the report is written anyway).",
        ),
        params={
            "--format": Text(
                "Le format du rapport (par défaut : selon le suffixe de --out, sinon du texte à l'écran).",
                "The report's format (default: from --out's suffix, else text on screen).",
            ),
            "--out": Text(
                "Écrire le rapport dans ce fichier au lieu de l'afficher; son suffixe choisit le format.",
                "Write the report to this file instead of printing it; its suffix chooses the format.",
            ),
            "--no-record": Text(
                "Comparer avec l'historique sans y ajouter ce passage.",
                "Compare with the history without adding this run.",
            ),
            "--label": Text(
                "Une étiquette gardée avec ce passage dans l'historique.",
                "A label stored with this run in the history.",
            ),
            "--fail-on-gaps": Text(
                "Quitter avec le code 1 s'il reste une erreur.",
                "Exit with 1 when an error-severity gap remains.",
            ),
            "--email": Text(
                "Envoyer le rapport par courriel à la coordination (HTML et texte, graphiques inclus, XLSX "
                "et JSON joints; section smtp du fichier d'initiative). En cas d'échec, le rapport est écrit "
                "quand même; code de sortie 3.",
                "Email the report (HTML and text, charts inline, XLSX and JSON attached) to the coordinator "
                "(smtp section of the initiative file). On failure the report is still written; exit code 3.",
            ),
            "--remind": Text(
                "Écrire à chaque partenaire qui a des écarts ce qui manque dans sa copie (et lui renvoyer "
                "son classeur s'il n'a rien envoyé); jamais deux fois en 6 jours (code de sortie 3 si "
                "l'envoi échoue).",
                "Email each partner with gaps what is still missing in their copy, with the workbook again "
                "to those who sent nothing; not twice within 6 days (exit code 3 if sending fails).",
            ),
            "--dry-run": Text(
                "Avec --email ou --remind : écrire chaque message dans ce dossier (fichiers .eml), sans rien "
                "envoyer.",
                "With --email or --remind: write each message as an .eml file in this folder; send nothing.",
            ),
            "--force": Text(
                "Avec --remind : relancer même les partenaires relancés il y a moins de 6 jours.",
                "With --remind: remind even partners reminded less than 6 days ago.",
            ),
        },
        examples=(
            _example(
                "toolkit report retours/ --out rapport.pdf",
                "Le bilan en PDF, pour une réunion du conseil.",
                "toolkit report returns/ --out report.pdf",
                "The report as a PDF, for a board meeting.",
            ),
            _example(
                "toolkit report retours/ --out rapport.html --email",
                "Le bilan, envoyé aussi par courriel à la coordination.",
                "toolkit report returns/ --out report.html --email",
                "The report, also emailed to the coordinator.",
            ),
            _example(
                "toolkit report retours/ --remind --dry-run rappels/",
                "Préparer les rappels aux partenaires sans les envoyer (fichiers .eml).",
                "toolkit report returns/ --remind --dry-run reminders/",
                "Prepare the partners' reminders without sending them (.eml files).",
            ),
        ),
    ),
    "send": CommandHelp(
        Text(
            "Envoyer à chaque partenaire son propre classeur par courriel (partenaires Google : leur lien), "
            "dans la langue de l'initiative.",
            "Email each partner its own workbook (Google partners: their link), in the initiative's "
            "language.",
        ),
        details=Text(
            "Les réponses à ces courriels sont ce que toolkit collect récupère. Code de sortie 3 quand un "
            "envoi a échoué.",
            "Replies to these messages are what toolkit collect picks up. Exit code 3 when some failed.",
        ),
        params={
            "--dry-run": Text(
                "Écrire chaque message dans ce dossier (fichiers .eml à ouvrir dans un logiciel de "
                "courriel), sans rien envoyer.",
                "Write each message as an .eml file in this folder (open them in a mail client); send "
                "nothing.",
            ),
            "--force": Text(
                "Envoyer même aux partenaires qui ont déjà reçu leur copie pour cette ronde.",
                "Send even to partners who already got their copy this round.",
            ),
            "--prefill": Text(
                "Partir de ce classeur maître pour les copies (comme generate --prefill).",
                "Start the copies from this master workbook (as generate --prefill).",
            ),
        },
        examples=(
            _example(
                "toolkit send --dry-run courriels/",
                "Relire les messages avant de les envoyer.",
                "toolkit send --dry-run emails/",
                "Read the messages before sending them.",
            ),
            _example(
                "toolkit send", "Envoyer à tous les partenaires.", "toolkit send", "Send to every partner."
            ),
            _example(
                "toolkit send --partner cdc-hochelaga --force",
                "Renvoyer sa copie à un partenaire.",
                "toolkit send --partner cdc-hochelaga --force",
                "Send one partner its copy again.",
            ),
        ),
    ),
    "collect": CommandHelp(
        Text(
            "Enregistrer dans le dossier --out les classeurs que les partenaires ont renvoyés par courriel "
            "(boîte IMAP de la section collect).",
            "Save the spreadsheets partners sent back by email (IMAP mailbox of the collect section) into "
            "the --out folder.",
        ),
        details=Text(
            "Les messages traités sont marqués (ou déplacés dans collect.processed_folder), jamais "
            "supprimés; relancer la commande n'enregistre rien deux fois. Ensuite : toolkit report, sur ce "
            "dossier.",
            "Collected messages are flagged (or moved to collect.processed_folder), never deleted; running "
            "it again saves nothing twice. Then run toolkit report on that folder.",
        ),
        params={
            "--out": Text(
                "Le dossier des retours : chaque pièce jointe (un tableur) y est enregistrée, avec sa "
                "provenance à côté.",
                "The returns folder: each spreadsheet attachment is saved there, its provenance beside it.",
            ),
        },
        examples=(
            _example(
                "toolkit collect --out retours/",
                "Récupérer les copies reçues par courriel.",
                "toolkit collect --out returns/",
                "Save the copies received by email.",
            ),
        ),
    ),
    "history": CommandHelp(
        Text(
            "Lister les bilans inscrits à l'historique, du plus ancien au plus récent, puis les rondes.",
            "List past report runs, oldest first, then the rounds.",
        ),
        params={
            "--format": Text(
                "table : un tableau à lire; json : pour un programme.",
                "table: a table to read; json: for a program.",
            ),
        },
        examples=(
            _example(
                "toolkit history", "Les bilans et les rondes.", "toolkit history", "The runs and the rounds."
            ),
            _example(
                "toolkit history --format json",
                "La même liste, pour un programme.",
                "toolkit history --format json",
                "The same list, for a program.",
            ),
        ),
    ),
    "auth": CommandHelp(
        Text("Se connecter aux services externes (Google).", "Sign in to outside services (Google)."),
        examples=(
            _example(
                "toolkit auth google",
                "Autoriser la trousse une fois.",
                "toolkit auth google",
                "Authorise once.",
            ),
        ),
    ),
    "auth google": CommandHelp(
        Text(
            "Ouvrir une fois la page de consentement de Google; le jeton est gardé (jamais affiché) dans "
            "votre dossier de configuration.",
            "Open Google's consent page once; the token is cached (never printed) in your configuration "
            "folder.",
        ),
        examples=(
            _example(
                "toolkit auth google --config initiative.yaml",
                "Avec le compte Google nommé dans le fichier d'initiative.",
                "toolkit auth google --config initiative.yaml",
                "With the Google settings of the initiative file.",
            ),
        ),
    ),
    "template": CommandHelp(
        Text(
            "Concevoir des feuilles de travail dans un tableur : new, export, import, preview.",
            "Design worksheets in a spreadsheet: new, export, import, preview.",
        ),
        examples=(
            _example(
                "toolkit template new plan_mesure --out plan_mesure.xlsx",
                "Un classeur de conception vierge.",
                "toolkit template new measurement_plan --out measurement_plan.xlsx",
                "A blank design workbook.",
            ),
            _example(
                "toolkit template import plan_mesure.xlsx",
                "La feuille, vérifiée, prête pour la trousse.",
                "toolkit template import measurement_plan.xlsx",
                "The worksheet, checked, ready for the toolkit.",
            ),
        ),
    ),
    "template new": CommandHelp(
        Text(
            "Écrire un classeur de conception pour une nouvelle feuille de travail NOM (une ligne d'exemple "
            "dans chaque onglet).",
            "Write a design workbook for a new worksheet NAME (an example line on every tab).",
        ),
        params={
            "name": Text(
                "L'identifiant de la nouvelle feuille (lettres minuscules, chiffres et _).",
                "The new worksheet's id (lowercase letters, digits and _).",
            ),
            "--out": Text(
                "Le classeur de conception à écrire (.xlsx).", "The design workbook to write (.xlsx)."
            ),
            "--lang": _TEMPLATE_LANG,
        },
        examples=(
            _example(
                "toolkit template new plan_mesure --out plan_mesure.xlsx",
                "Un classeur de conception à remplir dans Excel, LibreOffice ou Google Sheets.",
                "toolkit template new measurement_plan --out measurement_plan.xlsx",
                "A design workbook to fill in with Excel, LibreOffice or Google Sheets.",
            ),
        ),
    ),
    "template export": CommandHelp(
        Text(
            "Écrire la feuille de travail ID (livrée avec la trousse, ou celle de l'initiative avec "
            "--config) sous forme de classeur de conception.",
            "Write worksheet ID (built in, or the initiative's with --config) as a design workbook.",
        ),
        params={
            "worksheet_id": Text(
                "L'identifiant de la feuille, par exemple progress_canvas.",
                "The worksheet's id, for example progress_canvas.",
            ),
            "--out": Text(
                "Le classeur de conception à écrire (.xlsx).", "The design workbook to write (.xlsx)."
            ),
            "--lang": _TEMPLATE_LANG,
        },
        examples=(
            _example(
                "toolkit template export progress_canvas --out canevas.xlsx",
                "Partir d'une feuille livrée pour l'adapter.",
                "toolkit template export progress_canvas --out canvas.xlsx",
                "Start from a built-in worksheet to adapt it.",
            ),
        ),
    ),
    "template import": CommandHelp(
        Text(
            "Vérifier un classeur de conception (.xlsx, .ods) et écrire le gabarit de la feuille; rien n'est "
            "écrit s'il y a un problème.",
            "Check a design workbook (.xlsx, .ods) and write the worksheet template; nothing is written on "
            "any problem.",
        ),
        params={
            "design": _DESIGN,
            "--out": Text(
                "Un dossier, ou un fichier nommé ID.yaml (par défaut : workbook_templates/).",
                "A folder, or a file named ID.yaml (default: workbook_templates/).",
            ),
            "--lang": _TEMPLATE_LANG,
        },
        examples=(
            _example(
                "toolkit template import plan_mesure.xlsx",
                "Vérifier la feuille et l'ajouter à la trousse.",
                "toolkit template import measurement_plan.xlsx",
                "Check the worksheet and add it to the toolkit.",
            ),
            _example(
                "toolkit template import plan_mesure.xlsx --out mes-feuilles/",
                "L'écrire dans un autre dossier.",
                "toolkit template import measurement_plan.xlsx --out my-worksheets/",
                "Write it into another folder.",
            ),
        ),
    ),
    "template preview": CommandHelp(
        Text(
            "Montrer une feuille conçue telle que les partenaires la verront, avant de l'envoyer.",
            "Show a designed worksheet as partners will see it, before anyone receives it.",
        ),
        params={
            "design": _DESIGN,
            "--out": Text(
                ".pdf ou .png (par LibreOffice), ou .xlsx : la copie vierge qu'un partenaire recevrait.",
                ".pdf or .png (through LibreOffice), or .xlsx: the blank copy a partner would receive.",
            ),
            "--lang": _TEMPLATE_LANG,
        },
        examples=(
            _example(
                "toolkit template preview plan_mesure.xlsx --out apercu.pdf",
                "Un aperçu à faire relire.",
                "toolkit template preview measurement_plan.xlsx --out preview.pdf",
                "A preview to have reviewed.",
            ),
        ),
    ),
}

# Metavars click derives from types and names, in each language (the rest are literal: ID, [a|b]).
METAVARS: dict[str, Text] = {
    "FILE": Text("FICHIER", "FILE"),
    "DIRECTORY": Text("DOSSIER", "DIRECTORY"),
    "PATH": Text("CHEMIN", "PATH"),
    "TEXT": Text("TEXTE", "TEXT"),
    "INTEGER": Text("ENTIER", "INTEGER"),
    "FLOAT": Text("NOMBRE", "FLOAT"),
    "NAME": Text("NOM", "NAME"),
    "DESIGN": Text("CONCEPTION", "DESIGN"),
    "COMMAND": Text("COMMANDE", "COMMAND"),
    "ARGS": Text("ARGUMENTS", "ARGS"),
}
HEADINGS: dict[str, Text] = {
    "examples": Text("Exemples", "Examples"),
}


def command_help(key: str) -> CommandHelp | None:
    """The entry of the command at `key` ("gaps", "template new", "" for `toolkit`)."""
    return COMMANDS.get(key)


def param_help(key: str, name: str) -> Text | None:
    """Help for the option (by long flag) or argument (by name) `name` of the command at `key`."""
    entry = COMMANDS.get(key)
    return (entry.params.get(name) if entry else None) or PARAMS.get(name)


def metavar(text: str, language: Language) -> str:
    """`text` with the metavars click made from types and names in `language` ("FILE" → "FICHIER")."""
    words = text.split(" ")
    return " ".join(_metavar_word(w, language) for w in words)


def _metavar_word(word: str, language: Language) -> str:
    core = word.strip("[].")
    known = METAVARS.get(core)
    return word.replace(core, known(language), 1) if known and core else word
