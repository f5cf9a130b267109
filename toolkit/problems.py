"""Every problem the toolkit reports, declared once: code, family, severity, message in each language,
and a one-line description (the README's table of codes is generated from here, and a test keeps it so).

Five families, each typed as a Literal so mypy catches a misspelt code:
- gap kinds (`GapKind`): what `find_gaps` returns, severity included;
- note codes (`NoteCode`): what pull noticed about a copy's structure or attribution;
- source codes (`SourceCode`): why a source could not be used at all;
- cell problems (`CellProblem`): why one value does not fit its column;
- output codes (`OutputCode`): why an output was refused, or an existing file kept.

Adding a problem is one entry here (and one in the Literal, which a test checks against the entries).
Messages are `str.format` templates; the fields each family fills are listed on its Literal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

from .french import de
from .text import Language, Text

Family = Literal["gap", "note", "source", "cell", "output"]
Severity = Literal["error", "warning"]

# Fields: partner, worksheet, row, column, plus value, reason, change as the kind needs.
GapKind = Literal[
    "missing_submission",
    "missing_cell",
    "text_split",
    "ownerless_role",
    "unknown_person",
    "invalid_value",
    "structure_changed",
    "attribution_disputed",
]
# Fields: worksheet, row, column, where (the row or column named), plus the note's own params.
NoteCode = Literal[
    "metadata_missing",
    "tab_renamed",
    "tab_moved",
    "tab_found_by_content",
    "rows_moved",
    "columns_moved",
    "found_by_position",
    "row_missing",
    "column_missing",
    "worksheet_missing",
    "unmapped_content",
    "partner_from_filename",
    "unknown_partner",
    "partner_not_in_initiative",
    "template_version",
    "control_characters",
    "unreadable_metadata",
    "modified_unknown",
    "attribution_disputed",
    "copy_id_mismatch",
    "copy_id_reused",
    "copy_not_issued",
    "partner_from_sender",
    "sender_not_partner",
    "modified_before_issued",
    "other_round",
]
SourceCode = Literal[
    "not_found",
    "special_file",
    "unreadable",
    "not_spreadsheet",
    "unsupported_format",
    "encrypted",
    "corrupt",
    "macro",
    "zip_bomb",
    "xml_bomb",
    "too_large",
    "foreign_template",
    "foreign_initiative",
    "read_failed",
]
CellProblem = Literal[
    "not_a_date", "ambiguous_date", "missing_year", "not_a_number", "not_yes_no", "not_in_choices", "formula"
]
# Fields: path, plus backup for copy_replaced, supported for unsupported_output. Refusals stop the
# command; kept copies are reported.
OutputCode = Literal[
    "output_is_source",
    "output_holds_answers",
    "output_not_replaceable",
    "copy_kept_filled",
    "copy_kept",
    "copy_kept_other",
    "copy_replaced",
    "unsupported_output",
]


@dataclass(frozen=True)
class ProblemKind:
    """One problem code: family, usual severity, message template and description in both languages."""

    code: str
    family: Family
    message: Text  # a str.format template
    description: Text  # one line for the documentation's table of codes
    severity: Severity | None = None  # gaps only: the usual severity
    variants: Mapping[str, Text] = field(default_factory=dict)  # other wordings of the same kind
    label: Text | None = None  # gaps: what a list of this kind is called ("Valeurs non valides")

    def format(self, language: Language, variant: str | None = None, **fields: str) -> str:
        """The message; `{de_partner}` is « de » + the partner's name with its article (« du CIUSSS »)."""
        template = self.variants[variant] if variant else self.message
        if "partner" in fields:
            fields.setdefault("de_partner", de(fields["partner"]))
        return template(language).format(**fields)


def _declare(family: Family, codes: object, kinds: list[ProblemKind]) -> dict[str, ProblemKind]:
    declared = {k.code: k for k in kinds}
    expected = set(get_args(codes))
    if set(declared) != expected or any(k.family != family for k in kinds):
        raise AssertionError(f"{family} problems and their Literal disagree: {set(declared) ^ expected}")
    return declared


GAPS: dict[str, ProblemKind] = _declare(
    "gap",
    GapKind,
    [
        ProblemKind(
            "missing_submission",
            "gap",
            Text("Aucune copie reçue {de_partner}.", "No copy received from {partner}."),
            Text("Un partenaire n'a renvoyé aucune copie.", "A partner has not returned any copy."),
            "error",
            label=Text("Copies non reçues", "Copies not received"),
        ),
        ProblemKind(
            "missing_cell",
            "gap",
            Text(
                "{partner} : « {column} » est vide pour « {row} » ({worksheet}).",
                "{partner}: “{column}” is empty for “{row}” ({worksheet}).",
            ),
            Text(
                "Une cellule obligatoire est vide dans une copie (avertissement), ou dans toutes (erreur).",
                "A required cell is empty in one copy (warning), or in every copy (error).",
            ),
            "warning",
            variants={
                "everyone": Text(
                    "Personne n'a rempli « {column} » pour « {row} » ({worksheet}).",
                    "Nobody filled in “{column}” for “{row}” ({worksheet}).",
                )
            },
            label=Text("Cellules vides", "Empty cells"),
        ),
        ProblemKind(
            "text_split",
            "gap",
            Text(
                "« {column} » pour « {row} » ({worksheet}) : {length} caractères, plus qu'une cellule "
                "n'en contient ({limit}); le classeur maître .xlsx en montre le début et garde le texte "
                "complet dans l'onglet Contributions, lignes {rows}.",
                "“{column}” for “{row}” ({worksheet}): {length} characters, more than a cell holds "
                "({limit}); the .xlsx master shows the beginning and keeps the full text in the "
                "Contributions tab, rows {rows}.",
            ),
            Text(
                "Un texte trop long pour une cellule : le début dans la cellule, le texte complet dans "
                "des lignes de suite de l'onglet Contributions (jamais coupé sans le dire).",
                "A text too long for one cell: its beginning in the cell, the full text in continuation "
                "rows of the Contributions tab (never cut without saying so).",
            ),
            "warning",
            label=Text("Textes trop longs pour une cellule", "Texts too long for a cell"),
        ),
        ProblemKind(
            "ownerless_role",
            "gap",
            Text(
                "Rôle sans responsable : « {row} » ({worksheet}).",
                "Role with no owner: “{row}” ({worksheet}).",
            ),
            Text(
                "La colonne responsable d'une ligne est encore vide après la fusion.",
                "A row's owner column is still empty after merging.",
            ),
            "error",
            label=Text("Rôles sans responsable", "Roles with no owner"),
        ),
        ProblemKind(
            "unknown_person",
            "gap",
            Text(
                "{partner} : « {value} » n'est pas dans la liste des personnes (« {row} », {worksheet}).",
                "{partner}: “{value}” is not in the list of people (“{row}”, {worksheet}).",
            ),
            Text(
                "Un nom saisi n'est pas dans la liste des personnes de l'initiative.",
                "A name typed is not on the initiative's list of people.",
            ),
            "warning",
            label=Text("Personnes hors de la liste", "People not on the list"),
        ),
        ProblemKind(
            "invalid_value",
            "gap",
            Text(
                "{partner} : « {value} » ne convient pas à « {column} » pour « {row} » ({worksheet}) : "
                "{reason}.",
                "{partner}: “{value}” does not fit “{column}” for “{row}” ({worksheet}): {reason}.",
            ),
            Text(
                "Une valeur ne respecte pas le type de sa colonne (date, nombre, liste, formule…).",
                "A value breaks its column's type (date, number, list, formula…).",
            ),
            "error",
            variants={
                # {value} is the formula as typed (=C9), never its result: the cell counts as not answered
                "formula": Text(
                    "{partner} : une formule (« {value} ») a été saisie au lieu d'une valeur dans "
                    "« {column} » pour « {row} » ({worksheet}) : remplacez la formule par la valeur.",
                    "{partner}: a formula (“{value}”) was typed instead of a value in “{column}” for “{row}” "
                    "({worksheet}): replace the formula with the value.",
                ),
            },
            label=Text("Valeurs non valides", "Invalid values"),
        ),
        ProblemKind(
            "structure_changed",
            "gap",
            Text("{partner} : {change}", "{partner}: {change}"),
            Text(
                "La lecture a remarqué un changement de structure ou du texte hors du gabarit.",
                "Reading noticed a change of structure or text outside the template.",
            ),
            "warning",
            label=Text("Changements de structure", "Structure changes"),
        ),
        ProblemKind(
            "attribution_disputed",
            "gap",
            Text(
                "Copie « {file} » : {reason}. Vérifiez auprès des partenaires "
                "(renommez le fichier, ajoutez l'adresse de l'expéditeur au partenaire ou demandez une "
                "nouvelle copie).",
                "Copy “{file}”: {reason}. Check with the partners (rename the "
                "file, add the sender's address to the partner, or ask for a fresh copy).",
            ),
            Text(
                "Les indices d'une copie (onglet caché, propriétés, registre, expéditeur, nom du fichier) "
                "désignent des partenaires différents; la copie n'est pas fusionnée.",
                "A copy's evidence (hidden tab, properties, register, sender, file name) names different "
                "partners; the copy is not merged.",
            ),
            "error",
            label=Text("Copies à l'attribution contestée", "Copies with disputed attribution"),
        ),
    ],
)

NOTES: dict[str, ProblemKind] = _declare(
    "note",
    NoteCode,
    [
        ProblemKind(
            "metadata_missing",
            "note",
            Text(
                "l'onglet caché de la trousse a disparu; cellules retrouvées par leurs libellés",
                "the kit's hidden tab is gone; cells found by their labels",
            ),
            Text("L'onglet caché _toolkit a été supprimé.", "The hidden _toolkit tab was deleted."),
        ),
        ProblemKind(
            "tab_renamed",
            "note",
            Text("onglet « {old} » renommé « {new} »", "tab “{old}” renamed “{new}”"),
            Text("Un onglet a été renommé.", "A tab was renamed."),
        ),
        ProblemKind(
            "tab_moved",
            "note",
            Text("onglet « {tab} » déplacé", "tab “{tab}” moved"),
            Text("Les onglets ont changé d'ordre.", "The tabs changed order."),
        ),
        ProblemKind(
            "tab_found_by_content",
            "note",
            Text(
                "feuille « {worksheet} » retrouvée dans l'onglet « {tab} » par ses en-têtes",
                "worksheet “{worksheet}” found in tab “{tab}” by its headers",
            ),
            Text(
                "Une feuille a été retrouvée par ses en-têtes (copie collée dans un autre classeur).",
                "A worksheet was found by its headers (copy pasted into another workbook).",
            ),
        ),
        ProblemKind(
            "rows_moved",
            "note",
            Text(
                "lignes insérées ou supprimées dans « {worksheet} »; cellules retrouvées par leurs libellés",
                "rows inserted or deleted in “{worksheet}”; cells found by their labels",
            ),
            Text("Des lignes ont été insérées ou supprimées.", "Rows were inserted or deleted."),
        ),
        ProblemKind(
            "columns_moved",
            "note",
            Text(
                "colonnes insérées ou supprimées dans « {worksheet} »; "
                "cellules retrouvées par leurs en-têtes",
                "columns inserted or deleted in “{worksheet}”; cells found by their headers",
            ),
            Text("Des colonnes ont été insérées ou supprimées.", "Columns were inserted or deleted."),
        ),
        ProblemKind(
            "found_by_position",
            "note",
            Text(
                "libellé ou en-tête modifié dans « {worksheet} » ({where}); "
                "cellule prise à sa position d'origine",
                "label or header changed in “{worksheet}” ({where}); cell taken at its original position",
            ),
            Text(
                "Un libellé ou un en-tête a été modifié; la position enregistrée a servi.",
                "A label or header was changed; the recorded position was used.",
            ),
        ),
        ProblemKind(
            "row_missing",
            "note",
            Text(
                "ligne « {where} » introuvable dans « {worksheet} »",
                "row “{where}” not found in “{worksheet}”",
            ),
            Text("Une ligne du gabarit est introuvable.", "A template row cannot be found."),
        ),
        ProblemKind(
            "column_missing",
            "note",
            Text(
                "colonne « {where} » introuvable dans « {worksheet} »",
                "column “{where}” not found in “{worksheet}”",
            ),
            Text("Une colonne du gabarit est introuvable.", "A template column cannot be found."),
        ),
        ProblemKind(
            "worksheet_missing",
            "note",
            Text("feuille « {worksheet} » introuvable", "worksheet “{worksheet}” not found"),
            Text("Une feuille de travail manque dans la copie.", "A worksheet is missing from the copy."),
        ),
        ProblemKind(
            "unmapped_content",
            "note",
            Text(
                "texte hors du gabarit en {where} : « {value} » "
                "(conservé dans l'onglet Contributions du classeur maître)",
                "text outside the template at {where}: “{value}” (kept in the master's Contributions tab)",
            ),
            Text(
                "Du texte saisi hors des cellules du gabarit (conservé, jamais perdu).",
                "Text typed outside the template's cells (kept, never lost).",
            ),
        ),
        ProblemKind(
            "modified_unknown",
            "note",
            Text(
                "date de modification inconnue (Google Drive ne la montre pas pour une copie que le "
                "partenaire a faite lui-même); cette copie passe après ses autres copies datées",
                "modification time unknown (Google Drive does not show it for a copy the partner made "
                "themselves); this copy ranks after their other, dated copies",
            ),
            Text(
                "Aucune date de modification n'est connue (copie Google faite par le partenaire).",
                "No modification time is known (a Google copy the partner made).",
            ),
        ),
        ProblemKind(
            "partner_from_filename",
            "note",
            Text("partenaire reconnu par le nom du fichier", "partner recognised from the file name"),
            Text(
                "La copie ne dit pas de qui elle vient; le nom du fichier l'a dit.",
                "The copy does not say whose it is; its file name did.",
            ),
        ),
        ProblemKind(
            "unknown_partner",
            "note",
            Text(
                "impossible de savoir de quel partenaire vient cette copie",
                "cannot tell which partner this copy is from",
            ),
            Text("Aucun indice ne désigne le partenaire.", "Nothing tells which partner sent the copy."),
        ),
        ProblemKind(
            "partner_not_in_initiative",
            "note",
            Text(
                "le partenaire « {partner} » n'est pas dans le fichier d'initiative",
                "partner “{partner}” is not in the initiative file",
            ),
            Text(
                "La copie nomme un partenaire absent du fichier d'initiative.",
                "The copy names a partner missing from the initiative file.",
            ),
        ),
        ProblemKind(
            "template_version",
            "note",
            Text(
                "copie faite avec la version {copy} de « {worksheet} » (version actuelle : {current})",
                "copy made with version {copy} of “{worksheet}” (current version: {current})",
            ),
            Text(
                "La copie a été faite avec une autre version d'une feuille.",
                "The copy was made with another version of a worksheet.",
            ),
        ),
        ProblemKind(
            "control_characters",
            "note",
            Text(
                "caractères de contrôle invisibles ({chars}) en {where} : gardés tels quels "
                "(écrits _xHHHH_ dans les fichiers .xlsx, la façon d'Excel)",
                "invisible control characters ({chars}) at {where}: kept as they are "
                "(written _xHHHH_ in .xlsx files, Excel's way)",
            ),
            Text(
                "Du texte contient des caractères interdits dans un classeur (marques de champ Word…); "
                "conservés, jamais perdus.",
                "Text holds characters a workbook forbids (Word field marks…); kept, never lost.",
            ),
        ),
        ProblemKind(
            "unreadable_metadata",
            "note",
            Text(
                "renseignements cachés de la copie illisibles ({field} : « {value} »), ignorés",
                "the copy's hidden information is unreadable ({field}: “{value}”), ignored",
            ),
            Text(
                "Une valeur de l'onglet _toolkit ou des propriétés toolkit.* est absurde (inf, nan, "
                "nombre démesuré…) : traitée comme absente.",
                "A value of the _toolkit tab or the toolkit.* properties is absurd (inf, nan, huge "
                "number…): treated as missing.",
            ),
        ),
        ProblemKind(
            "attribution_disputed",
            "note",
            Text(
                "attribution contestée : {partner_a} selon {evidence_a}, mais {partner_b} selon "
                "{evidence_b}; copie mise à part, non fusionnée",
                "disputed attribution: {partner_a} according to {evidence_a}, but {partner_b} according "
                "to {evidence_b}; copy kept apart, not merged",
            ),
            Text(
                "Deux indices d'attribution désignent des partenaires différents.",
                "Two pieces of attribution evidence name different partners.",
            ),
        ),
        ProblemKind(
            "copy_id_mismatch",
            "note",
            Text(
                "l'onglet caché et les propriétés du document donnent deux identifiants de copie "
                "({tab}, {properties}); copie mise à part, non fusionnée",
                "the hidden tab and the document properties give two copy ids ({tab}, {properties}); "
                "copy kept apart, not merged",
            ),
            Text(
                "L'identifiant de copie diffère entre l'onglet caché et les propriétés.",
                "The copy id differs between the hidden tab and the properties.",
            ),
        ),
        ProblemKind(
            "copy_id_reused",
            "note",
            Text(
                "la même copie émise ({copy_id}) est aussi revenue sous {partner_b} (« {file} »); "
                "copies mises à part, non fusionnées",
                "the same issued copy ({copy_id}) also came back as {partner_b} (“{file}”); "
                "copies kept apart, not merged",
            ),
            Text(
                "Une même copie émise revient attribuée à deux partenaires.",
                "One issued copy comes back attributed to two partners.",
            ),
        ),
        ProblemKind(
            "copy_not_issued",
            "note",
            Text(
                "identifiant de copie {copy_id} absent du registre des copies émises : "
                "copie faite ailleurs ou modifiée",
                "copy id {copy_id} is not in the register of issued copies: made elsewhere or altered",
            ),
            Text(
                "L'identifiant de la copie n'est pas dans le registre des copies émises.",
                "The copy's id is not in the register of issued copies.",
            ),
        ),
        ProblemKind(
            "partner_from_sender",
            "note",
            Text(
                "partenaire reconnu par l'adresse de l'expéditeur ({sender})",
                "partner recognised from the sender's address ({sender})",
            ),
            Text(
                "La copie ne dit pas de qui elle vient; l'adresse de l'expéditeur l'a dit.",
                "The copy does not say whose it is; the sender's address did.",
            ),
        ),
        ProblemKind(
            "sender_not_partner",
            "note",
            Text(
                "envoyée par {sender}, une adresse d'aucun partenaire du fichier d'initiative",
                "sent by {sender}, an address of no partner in the initiative file",
            ),
            Text(
                "L'expéditeur n'est l'adresse d'aucun partenaire.",
                "The sender is no partner's address.",
            ),
        ),
        ProblemKind(
            "modified_before_issued",
            "note",
            Text(
                "fichier modifié le {modified}, avant l'émission de la copie le {issued}",
                "file modified on {modified}, before the copy was issued on {issued}",
            ),
            Text(
                "La date de modification précède l'émission de la copie (fichier d'une autre copie?).",
                "The modification time precedes the copy's issue (another copy's file?).",
            ),
        ),
        ProblemKind(
            "other_round",
            "note",
            Text(
                "copie de la ronde {copy}, pas de la ronde en cours ({current})",
                "copy of round {copy}, not of the current round ({current})",
            ),
            Text(
                "La copie a été faite pour une autre ronde que celle de l'initiative.",
                "The copy was made for another round than the initiative's current one.",
            ),
        ),
    ],
)

SOURCES: dict[str, ProblemKind] = _declare(
    "source",
    SourceCode,
    [
        ProblemKind(
            "not_found",
            "source",
            Text("fichier introuvable", "file not found"),
            Text(
                "La source n'existe pas ou n'est pas accessible.",
                "The source does not exist or is out of reach.",
            ),
        ),
        ProblemKind(
            "special_file",
            "source",
            Text(
                "ce n'est pas un fichier ordinaire (tube, prise, périphérique ou lien brisé), ignoré",
                "not a regular file (pipe, socket, device or broken link), skipped",
            ),
            Text(
                "Un tube, une prise, un périphérique ou un lien symbolique brisé ou en boucle.",
                "A pipe, socket, device, or a broken or looping symbolic link.",
            ),
        ),
        ProblemKind(
            "unreadable",
            "source",
            Text(
                "fichier illisible (droits ou erreur du disque)",
                "file cannot be read (permissions or disk error)",
            ),
            Text("Le système a refusé la lecture du fichier.", "The system refused to read the file."),
        ),
        ProblemKind(
            "not_spreadsheet",
            "source",
            Text("ce n'est pas un classeur (.xlsx ou .ods)", "not a spreadsheet (.xlsx or .ods)"),
            Text("Le contenu n'est pas celui d'un classeur.", "The content is not a spreadsheet's."),
        ),
        ProblemKind(
            "unsupported_format",
            "source",
            Text(
                "format non pris en charge : enregistrez-le en .xlsx ou .ods",
                "unsupported format: save it as .xlsx or .ods",
            ),
            Text("Un classeur d'un format ancien ou rare.", "A workbook in an old or rare format."),
        ),
        ProblemKind(
            "encrypted",
            "source",
            Text(
                "classeur protégé par mot de passe : demandez une copie sans mot de passe",
                "password-protected workbook: ask for a copy without a password",
            ),
            Text(
                "Le classeur est chiffré par un mot de passe.", "The workbook is encrypted with a password."
            ),
        ),
        ProblemKind(
            "corrupt",
            "source",
            Text("fichier endommagé ou incomplet", "damaged or incomplete file"),
            Text("Le fichier est tronqué ou endommagé.", "The file is truncated or damaged."),
        ),
        ProblemKind(
            "macro",
            "source",
            Text(
                "classeur avec macros, refusé par sécurité : demandez une copie .xlsx sans macros",
                "workbook with macros, refused for safety: ask for a .xlsx copy without macros",
            ),
            Text(
                "Le classeur contient des macros (reconnu au contenu).",
                "The workbook holds macros (by content).",
            ),
        ),
        ProblemKind(
            "zip_bomb",
            "source",
            Text(
                "fichier anormalement compressé (bombe zip), refusé",
                "abnormally compressed file (zip bomb), refused",
            ),
            Text(
                "Le fichier se décompresse en une taille démesurée.", "The file expands to an enormous size."
            ),
        ),
        ProblemKind(
            "xml_bomb",
            "source",
            Text("contenu XML dangereux (entités), refusé", "dangerous XML content (entities), refused"),
            Text(
                "Le XML déclare des entités (attaque par expansion).",
                "The XML declares entities (expansion attack).",
            ),
        ),
        ProblemKind(
            "too_large",
            "source",
            Text(
                "feuille trop grande pour être une copie de partenaire", "sheet too large for a partner copy"
            ),
            Text(
                "Une feuille contient plus de valeurs qu'une copie ne peut en avoir.",
                "A sheet holds more values than a copy can.",
            ),
        ),
        ProblemKind(
            "foreign_template",
            "source",
            Text(
                "ce classeur ne contient pas les feuilles de travail de l'initiative",
                "this workbook does not hold the initiative's worksheets",
            ),
            Text("Le classeur n'est pas une copie de la trousse.", "The workbook is not a copy of the kit."),
        ),
        ProblemKind(
            "foreign_initiative",
            "source",
            Text("copie d'une autre initiative", "copy from another initiative"),
            Text("La copie appartient à une autre initiative.", "The copy belongs to another initiative."),
        ),
        ProblemKind(
            "read_failed",
            "source",
            Text(
                "la trousse n'a pas su lire ce fichier (une erreur de la trousse, à signaler); "
                "les autres copies sont traitées",
                "the toolkit failed to read this file (a toolkit error, please report it); "
                "the other copies are processed",
            ),
            Text(
                "Une erreur imprévue en lisant une copie : la copie est nommée, la suite continue.",
                "An unexpected error while reading one copy: the copy is named, the run goes on.",
            ),
        ),
    ],
)

CELLS: dict[str, ProblemKind] = _declare(
    "cell",
    CellProblem,
    [
        ProblemKind(
            "not_a_date",
            "cell",
            Text("ce n'est pas une date", "not a date"),
            Text("Une colonne de dates contient autre chose.", "A date column holds something else."),
        ),
        ProblemKind(
            "ambiguous_date",
            "cell",
            Text("date ambiguë, écrivez-la AAAA-MM-JJ", "ambiguous date, write it as YYYY-MM-DD"),
            Text(
                "Une date comme 03/04/2026 peut se lire de deux façons.",
                "A date like 03/04/2026 reads two ways.",
            ),
        ),
        ProblemKind(
            "missing_year",
            "cell",
            Text(
                "année manquante; écrivez la date au complet (AAAA-MM-JJ)",
                "year missing; write the full date (YYYY-MM-DD)",
            ),
            Text(
                "Une date sans année (« le 3 décembre », 3/12) : l'année n'est jamais devinée.",
                "A date without a year ('December 3', 12/3): the year is never guessed.",
            ),
        ),
        ProblemKind(
            "not_a_number",
            "cell",
            Text("ce n'est pas un nombre", "not a number"),
            Text("Une colonne de nombres contient autre chose.", "A number column holds something else."),
        ),
        ProblemKind(
            "not_yes_no",
            "cell",
            Text("répondez oui ou non", "answer yes or no"),
            Text("Une colonne oui/non contient autre chose.", "A yes/no column holds something else."),
        ),
        ProblemKind(
            "not_in_choices",
            "cell",
            Text("valeur hors de la liste", "not one of the listed values"),
            Text("La valeur n'est pas dans la liste déroulante.", "The value is not in the dropdown list."),
        ),
        ProblemKind(
            "formula",
            "cell",
            Text("une formule au lieu d'une valeur", "a formula instead of a value"),
            Text(
                "Une formule là où une valeur est attendue (jamais recopiée).",
                "A formula where a value belongs (never copied).",
            ),
        ),
    ],
)

OUTPUTS: dict[str, ProblemKind] = _declare(
    "output",
    OutputCode,
    [
        ProblemKind(
            "output_is_source",
            "output",
            Text(
                "« {path} » est une des sources lues : refusé, rien n'a été écrit; "
                "choisissez un autre fichier",
                "“{path}” is one of the sources being read: refused, nothing written; choose another file",
            ),
            Text(
                "La sortie demandée est un des fichiers lus (jamais écrasé).",
                "The output asked for is one of the files being read (never overwritten).",
            ),
        ),
        ProblemKind(
            "output_holds_answers",
            "output",
            Text(
                "« {path} » est une copie de partenaire : refusé, rien n'a été écrit; choisissez un autre "
                "fichier",
                "“{path}” is a partner's copy: refused, nothing written; choose another file",
            ),
            Text(
                "La sortie demandée est une copie de partenaire (jamais écrasée).",
                "The output asked for is a partner's copy (never overwritten).",
            ),
        ),
        ProblemKind(
            "output_not_replaceable",
            "output",
            Text(
                "« {path} » existe et n'est pas un fichier que cette commande a écrit ({what}) : refusé, "
                "rien n'a été écrit; choisissez un autre fichier",
                "“{path}” exists and is not a file this command wrote ({what}): refused, nothing written; "
                "choose another file",
            ),
            Text(
                "La sortie demandée existe et pourrait contenir des réponses (illisible, chiffrée, autre).",
                "The output asked for exists and could hold answers (unreadable, encrypted, other).",
            ),
        ),
        ProblemKind(
            "copy_kept_filled",
            "output",
            Text(
                "{path} : contient des réponses, conservé tel quel (jamais remplacé)",
                "{path}: holds answers, kept as is (never replaced)",
            ),
            Text(
                "generate n'a pas remplacé une copie remplie déjà présente.",
                "generate did not replace a filled copy already there.",
            ),
        ),
        ProblemKind(
            "copy_kept",
            "output",
            Text(
                "{path} : existe déjà, conservé; --force remplace une copie vierge (sauvegarde gardée)",
                "{path}: already exists, kept; --force replaces an unfilled copy (a backup is kept)",
            ),
            Text(
                "generate n'a pas remplacé une copie vierge déjà présente (sans --force).",
                "generate did not replace an unfilled copy already there (without --force).",
            ),
        ),
        ProblemKind(
            "copy_kept_other",
            "output",
            Text(
                "{path} : existe et n'est pas une copie vierge de cette initiative ({what}), conservé",
                "{path}: exists and is not an unfilled copy of this initiative ({what}), kept",
            ),
            Text(
                "generate n'a pas remplacé un fichier qu'il ne reconnaît pas comme une copie vierge.",
                "generate did not replace a file it does not recognise as an unfilled copy.",
            ),
        ),
        ProblemKind(
            "copy_replaced",
            "output",
            Text(
                "{path} : copie vierge remplacée (--force); l'ancienne est gardée dans {backup}",
                "{path}: unfilled copy replaced (--force); the old one is kept in {backup}",
            ),
            Text(
                "generate --force a remplacé une copie vierge et gardé une sauvegarde.",
                "generate --force replaced an unfilled copy and kept a backup.",
            ),
        ),
        ProblemKind(
            "unsupported_output",
            "output",
            Text(
                "{path} : la trousse ne sait pas écrire ce type de fichier; choisissez parmi : {supported}",
                "{path}: cannot write this kind of file; supported: {supported}",
            ),
            Text(
                "Le suffixe de la sortie demandée n'est pas un format que cette commande écrit.",
                "The output's suffix is not a format this command writes.",
            ),
        ),
    ],
)

FAMILIES: dict[Family, dict[str, ProblemKind]] = {
    "gap": GAPS,
    "note": NOTES,
    "source": SOURCES,
    "cell": CELLS,
    "output": OUTPUTS,
}
FAMILY_TITLES: dict[Family, Text] = {
    "gap": Text("Écarts (`kind`)", "Gaps (`kind`)"),
    "note": Text("Remarques de lecture", "Reading notes"),
    "source": Text("Sources inutilisables", "Unusable sources"),
    "cell": Text("Valeurs non valides (`problem`)", "Invalid values (`problem`)"),
    "output": Text("Sorties refusées ou conservées", "Outputs refused or kept"),
}


def source_message(code: SourceCode, language: Language) -> str:
    """Why a source could not be used, in the user's language."""
    return SOURCES[code].message(language)


def output_message(code: OutputCode, language: Language, **fields: str) -> str:
    """Why an output was refused or a file kept, in the user's language."""
    return OUTPUTS[code].format(language, **fields)


def gap_label(kind: str, language: Language) -> str:
    """What a list of gaps of `kind` is called, in the user's language (the code itself stays in JSON)."""
    label = GAPS[kind].label
    return label(language) if label else kind


def cell_reason(code: CellProblem | str, language: Language) -> str:
    """Why a value does not fit its column, in `language`."""
    return CELLS[code].message(language)


def codes_table(language: Language = "en") -> str:
    """The Markdown table of every code (README and docs embed it; a test keeps them equal)."""
    lines = []
    for family, kinds in FAMILIES.items():
        lines += [
            f"**{FAMILY_TITLES[family](language)}**",
            "",
            "| code | " + ("gravité | description |" if language == "fr" else "severity | description |"),
            "|---|---|---|",
        ]
        lines += [f"| `{k.code}` | {k.severity or ''} | {k.description(language)} |" for k in kinds.values()]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
