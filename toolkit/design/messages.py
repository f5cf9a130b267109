"""What the design reader says about a design workbook, in French and English, with where it is."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import TemplateError
from ..french import plural
from ..text import Language, Text

MESSAGES: dict[str, Text] = {
    "missing_tab": Text("onglet absent", "tab is missing"),
    "missing_header": Text(
        "colonne « {name} » absente de la première ligne", "column “{name}” is missing from the first row"
    ),
    "unknown_field": Text(
        "champ « {value} » inconnu — attendu : {expected}", "unknown field “{value}” — expected: {expected}"
    ),
    "repeated_field": Text(
        "champ « {name} » déjà donné en {other}", "field “{name}” already given at {other}"
    ),
    "required": Text("{name} : valeur manquante", "{name}: missing value"),
    "bad_id": Text(
        "identifiant « {value} » non valide — lettres minuscules sans accents, chiffres et _, "
        "commençant par une lettre (40 au plus)",
        "id “{value}” is not valid — lowercase letters without accents, digits and _, "
        "starting with a letter (40 at most)",
    ),
    "duplicate_id": Text(
        "identifiant « {value} » en double (déjà en {other})", "duplicate id “{value}” (already at {other})"
    ),
    "unknown_word": Text(
        "{name} « {value} » inconnu — attendu : {expected}", "unknown {name} “{value}” — expected: {expected}"
    ),
    "not_a_number": Text(
        "{name} « {value} » : un nombre entier de {low} à {high} est attendu",
        "{name} “{value}”: a whole number from {low} to {high} is expected",
    ),
    "header_too_long": Text(
        "en-tête trop long ({length} caractères, {max} au plus)",
        "header too long ({length} characters, {max} at most)",
    ),
    "text_too_long": Text(
        "texte trop long ({length} caractères, {max} au plus)",
        "text too long ({length} characters, {max} at most)",
    ),
    "bad_tab_name": Text(
        "nom d'onglet « {value} » non valide — {max} caractères au plus, sans [ ] : * ? / \\ "
        "ni apostrophe au début ou à la fin",
        "tab name “{value}” is not valid — {max} characters at most, without [ ] : * ? / \\ "
        "and no apostrophe at either end",
    ),
    "reserved_tab": Text(
        "« {value} » est le nom d'un onglet que chaque copie a déjà : choisissez-en un autre",
        "“{value}” is the name of a tab every copy already has: choose another",
    ),
    "formula": Text(
        "formule interdite — saisissez le texte lui-même", "formula not allowed — type the text itself"
    ),
    "control_character": Text(
        "caractère invisible interdit dans le texte (copié d'un autre logiciel?)",
        "forbidden invisible character in the text (pasted from another program?)",
    ),
    "list_undefined": Text(
        "liste « {value} » absente de l'onglet {tab}", "list “{value}” is not defined on the {tab} tab"
    ),
    "list_missing": Text(
        "une colonne choix nomme une liste de l'onglet {tab}", "a choice column names a list of the {tab} tab"
    ),
    "list_not_choice": Text(
        "seule une colonne de type choix nomme une liste", "only a column of type choice names a list"
    ),
    "duplicate_choice": Text(
        "valeur « {value} » en double dans la liste « {list} » (déjà en {other})",
        "duplicate value “{value}” in list “{list}” (already at {other})",
    ),
    "label_first": Text(
        "une feuille à lignes fixes a une seule colonne libellé, la première",
        "a worksheet with fixed rows has exactly one label column, the first",
    ),
    "label_in_open": Text(
        "une feuille à lignes ouvertes n'a pas de colonne libellé",
        "a worksheet with open rows has no label column",
    ),
    "label_flags": Text(
        "une colonne libellé n'est ni obligatoire ni responsable",
        "a label column is neither required nor an owner",
    ),
    "owner_type": Text(
        "la colonne responsable est de type personne ou texte", "the owner column is of type person or text"
    ),
    "owner_twice": Text(
        "une seule colonne peut être responsable (déjà en {other})",
        "only one column can be the owner (already at {other})",
    ),
    "too_few_columns": Text("il faut au moins deux colonnes", "at least two columns are needed"),
    "no_rows": Text(
        "une feuille à lignes fixes a au moins une ligne", "a worksheet with fixed rows has at least one row"
    ),
    "rows_in_open": Text(
        "une feuille à lignes ouvertes n'a pas de lignes fixes : videz cet onglet ou choisissez « {fixed} »",
        "a worksheet with open rows has no fixed rows: empty this tab or choose “{fixed}”",
    ),
    "key_unknown": Text(
        "clé « {value} » : aucune colonne n'a cet id", "key “{value}”: no column has this id"
    ),
    "key_not_choice": Text(
        "la colonne clé « {value} » doit être de type choix",
        "the key column “{value}” must be of type choice",
    ),
    "only_open": Text("{name} ne sert qu'aux lignes ouvertes", "{name} is only for open rows"),
    "unreadable": Text("classeur illisible : {reason}", "unreadable workbook: {reason}"),
    "inconsistent": Text("incohérence : {detail}", "inconsistency: {detail}"),
    "no_pdf": Text("LibreOffice n'a produit aucun PDF", "LibreOffice produced no PDF"),
    "tool_timeout": Text("{tool} n'a pas fini en {seconds} s", "{tool} did not finish within {seconds} s"),
    "tool_failed": Text("{tool} a échoué (code {code}) : {detail}", "{tool} failed (exit {code}): {detail}"),
    "no_worksheet": Text(
        "{value} : aucune feuille de travail de ce nom (disponibles : {available})",
        "{value}: no such worksheet (available: {available})",
    ),
}

NOT_A_WORKSHEET = Text(
    "{name} : une feuille de travail est un classeur de conception (.xlsx, .ods) ou un gabarit (.yaml)",
    "{name}: a worksheet is a design workbook (.xlsx, .ods) or a template (.yaml)",
)
SUMMARY = Text("{source} : {count}, rien n'a été écrit :", "{source}: {count}, nothing was written:")


@dataclass(frozen=True)
class DesignProblem:
    """One problem of a design workbook, with the tab and cell it points at."""

    tab: str
    cell: str | None  # "C4", or None for the whole tab
    code: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def where(self) -> str:
        return f"{self.tab}!{self.cell}" if self.cell else self.tab

    def message(self, language: Language) -> str:
        text = MESSAGES[self.code](language).format(**dict(self.params))
        return f"{self.where} : {text}" if language == "fr" else f"{self.where}: {text}"


class DesignError(TemplateError):
    """A design workbook has problems; `problems` lists every one, in the coordinator's language."""

    def __init__(self, source: str, problems: tuple[DesignProblem, ...], language: Language) -> None:
        self.source = source
        self.problems = problems
        self.language = language
        n = len(problems)
        count = plural(n, "problème") if language == "fr" else f"{n} problem{'' if n == 1 else 's'}"
        lines = [SUMMARY(language).format(source=source, count=count)]
        lines += [f"  {p.message(language)}" for p in problems]
        super().__init__("\n".join(lines))
