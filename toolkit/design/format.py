"""The design workbook's vocabulary, in one place: tabs, their columns, fixed words and their help.

A design workbook is how a coordinator describes a worksheet without writing YAML (like XLSForm
for forms). Tab names, column headers and fixed words exist in French (the default) and English;
a design in either language, or a mix, reads the same.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..templates import ColumnType
from ..text import Text

MAX_HEADER = 100  # characters: a longer header no longer fits a header row a partner can read
MAX_TAB = 31  # Excel's limit for a tab name
MAX_TEXT = 32_767  # characters in one Excel cell
MAX_WIDTH = (4, 120)
MAX_ENTRIES = 500
DATA_ROWS = 300  # rows of the design tabs that carry dropdowns


@dataclass(frozen=True)
class Field:
    """One column of a design tab (or one line of the `feuille` tab)."""

    key: str
    name: Text
    help: Text
    vocabulary: str | None = None  # key of VOCABULARIES, or LIST_REF for a list name
    width: float = 24


@dataclass(frozen=True)
class Tab:
    key: str
    name: Text
    help: Text
    fields: tuple[Field, ...]

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


def _f(
    key: str, fr: str, en: str, help_fr: str, help_en: str, vocabulary: str | None = None, width: float = 24
) -> Field:
    return Field(key, Text(fr, en), Text(help_fr, help_en), vocabulary, width)


LIST_REF = "list"  # the `liste` column: its dropdown is the list names of the `choix` tab

# Fixed words. Keys are what the template YAML says; Text is what the design shows.
TYPES: dict[ColumnType, Text] = {
    "label": Text("libellé", "label"),
    "text": Text("texte", "text"),
    "long_text": Text("texte long", "long text"),
    "date": Text("date", "date"),
    "number": Text("nombre", "number"),
    "yes_no": Text("oui/non", "yes/no"),
    "choice": Text("choix", "choice"),
    "person": Text("personne", "person"),
}
YES_NO: dict[bool, Text] = {True: Text("oui", "yes"), False: Text("non", "no")}
ROW_KINDS: dict[str, Text] = {"fixed": Text("fixes", "fixed"), "open": Text("ouvertes", "open")}
VOCABULARIES: dict[str, Mapping[Any, Text]] = {"type": TYPES, "yes_no": YES_NO, "row_kind": ROW_KINDS}
# Also accepted when reading (people type them): true/false, vrai/faux, x.
EXTRA_WORDS: dict[str, dict[str, object]] = {
    "yes_no": {"true": True, "vrai": True, "x": True, "1": True, "false": False, "faux": False, "0": False},
}

# The `feuille` tab is a form: one line per field, the value in B (French) and C (English).
SHEET = Tab(
    "sheet",
    Text("feuille", "sheet"),
    Text(
        "La feuille de travail elle-même : une ligne par champ, la valeur en français dans la colonne B "
        "et en anglais dans la colonne C (une seule valeur en B pour id, version, lignes, entrées et clé).",
        "The worksheet itself: one line per field, the French value in column B and the English one in "
        "column C (a single value in B for id, version, rows, entries and key).",
    ),
    (
        _f(
            "id",
            "id",
            "id",
            "Identifiant stable de la feuille : lettres minuscules sans accents, chiffres "
            "et _, commençant par une lettre (40 au plus). Ne le changez plus une fois les copies envoyées.",
            "Stable id of the worksheet: lowercase letters without accents, digits and _, starting with a "
            "letter (40 at most). Do not change it once copies are sent.",
        ),
        _f(
            "version",
            "version",
            "version",
            "Un nombre entier. Augmentez-le quand vous modifiez la feuille "
            "entre deux tournées : les copies faites avec l'ancienne version seront signalées.",
            "A whole number. Increase it when you change the worksheet between two rounds: copies made with "
            "the old version are flagged.",
        ),
        _f(
            "title",
            "titre",
            "title",
            "Le titre affiché en haut de la feuille.",
            "The title shown at the top of the worksheet.",
        ),
        _f(
            "tab",
            "onglet",
            "tab",
            f"Le nom de l'onglet ({MAX_TAB} caractères au plus, sans [ ] : * ? / \\).",
            f"The tab's name ({MAX_TAB} characters at most, without [ ] : * ? / \\).",
        ),
        _f(
            "description",
            "description",
            "description",
            "Ce que la feuille permet de faire, en une phrase ou deux.",
            "What the worksheet is for, in a sentence or two.",
        ),
        _f(
            "context",
            "contexte",
            "background",
            "Facultatif. Le contexte, montré dans l'onglet Lisez-moi "
            "des copies; un paragraphe par ligne (Alt+Entrée).",
            "Optional. Background shown on the copies' Read me tab; one paragraph per line (Alt+Enter).",
        ),
        _f(
            "usage",
            "consignes",
            "instructions",
            "Comment remplir la feuille; un paragraphe par ligne (Alt+Entrée).",
            "How to fill in the worksheet; one paragraph per line (Alt+Enter).",
        ),
        _f(
            "rows",
            "lignes",
            "rows",
            "fixes : une ligne par élément de l'onglet lignes; ouvertes : les "
            "partenaires ajoutent leurs entrées.",
            "fixed: one line per item of the rows tab; open: partners add their own entries.",
            "row_kind",
        ),
        _f(
            "entries",
            "entrées",
            "entries",
            f"Lignes ouvertes seulement : le nombre de lignes à remplir (1 à {MAX_ENTRIES}).",
            f"Open rows only: how many lines to fill in (1 to {MAX_ENTRIES}).",
        ),
        _f(
            "key",
            "clé",
            "key",
            "Lignes ouvertes seulement : l'id de la colonne de type choix qui nomme chaque entrée.",
            "Open rows only: the id of the choice column that names each entry.",
        ),
    ),
)
SHEET_HEADERS = (Text("champ", "field"), Text("français", "French"), Text("anglais", "English"))
SHEET_SINGLE = frozenset({"id", "version", "rows", "entries", "key"})  # one value, in column B
SHEET_REQUIRED = frozenset({"id", "title", "tab", "description"})

COLUMNS = Tab(
    "columns",
    Text("colonnes", "columns"),
    Text(
        "Les colonnes de la feuille, de gauche à droite : une ligne par colonne.",
        "The worksheet's columns, left to right: one line per column.",
    ),
    (
        _f(
            "id",
            "id",
            "id",
            "Identifiant stable de la colonne (comme l'id de la feuille).",
            "Stable id of the column (like the worksheet's id).",
            width=16,
        ),
        _f(
            "header_fr",
            "en-tête (fr)",
            "header (fr)",
            f"L'en-tête en français ({MAX_HEADER} caractères au plus).",
            f"The French header ({MAX_HEADER} characters at most).",
            width=30,
        ),
        _f(
            "header_en",
            "en-tête (en)",
            "header (en)",
            "L'en-tête en anglais.",
            "The English header.",
            width=30,
        ),
        _f(
            "type",
            "type",
            "type",
            "Ce que la colonne contient : "
            + ", ".join(t.fr for t in TYPES.values())
            + ". Une feuille à lignes fixes commence par une colonne libellé (les libellés des lignes).",
            "What the column holds: "
            + ", ".join(t.en for t in TYPES.values())
            + ". A worksheet with fixed rows starts with one label column (the rows' labels).",
            "type",
            14,
        ),
        _f(
            "required",
            "obligatoire",
            "required",
            "oui : une cellule vide est signalée dans le rapport.",
            "yes: an empty cell is flagged in the report.",
            "yes_no",
            12,
        ),
        _f(
            "owner",
            "responsable",
            "owner",
            "oui : la colonne nomme qui porte la ligne (une seule colonne, "
            "de type personne ou texte); une ligne sans responsable est signalée.",
            "yes: the column names "
            "who carries the row (one column at most, person or text); a row with no owner is flagged.",
            "yes_no",
            13,
        ),
        _f(
            "width",
            "largeur",
            "width",
            f"Facultatif. Largeur de la colonne en caractères ({MAX_WIDTH[0]} à {MAX_WIDTH[1]}).",
            f"Optional. Column width in characters ({MAX_WIDTH[0]} to {MAX_WIDTH[1]}).",
            width=10,
        ),
        _f(
            "list",
            "liste",
            "list",
            "Colonnes choix seulement : le nom d'une liste de l'onglet choix.",
            "Choice columns only: the name of a list on the choices tab.",
            LIST_REF,
            14,
        ),
        _f(
            "help_fr",
            "aide (fr)",
            "help (fr)",
            "Facultatif. Une aide affichée aux partenaires.",
            "Optional. Help shown to partners.",
            width=30,
        ),
        _f(
            "help_en",
            "aide (en)",
            "help (en)",
            "Facultatif. L'aide en anglais.",
            "Optional. The English help.",
            width=30,
        ),
    ),
)

ROWS = Tab(
    "rows",
    Text("lignes", "rows"),
    Text(
        "Les lignes d'une feuille à lignes fixes, de haut en bas (vide pour des lignes ouvertes).",
        "The rows of a worksheet with fixed rows, top to bottom (empty for open rows).",
    ),
    (
        _f("id", "id", "id", "Identifiant stable de la ligne.", "Stable id of the row.", width=20),
        _f(
            "label_fr",
            "libellé (fr)",
            "label (fr)",
            "Le libellé de la ligne en français.",
            "The row's French label.",
            width=40,
        ),
        _f(
            "label_en", "libellé (en)", "label (en)", "Le libellé en anglais.", "The English label.", width=40
        ),
        _f(
            "note_fr",
            "description (fr)",
            "description (fr)",
            "Facultatif. Une note sur le libellé.",
            "Optional. A note on the label.",
            width=40,
        ),
        _f(
            "note_en",
            "description (en)",
            "description (en)",
            "Facultatif. La note en anglais.",
            "Optional. The English note.",
            width=40,
        ),
        _f(
            "optional",
            "facultative",
            "optional",
            "oui : une ligne vide n'est pas signalée.",
            "yes: an empty row is not flagged.",
            "yes_no",
            12,
        ),
    ),
)

CHOICES = Tab(
    "choices",
    Text("choix", "choices"),
    Text(
        "Les listes déroulantes des colonnes choix : une ligne par valeur, dans l'ordre voulu.",
        "The dropdown lists of choice columns: one line per value, in the order wanted.",
    ),
    (
        _f(
            "list",
            "liste",
            "list",
            "Le nom de la liste (celui qu'indique la colonne liste de l'onglet colonnes).",
            "The list's name (the one given in the list column of the columns tab).",
            width=16,
        ),
        _f("label_fr", "libellé (fr)", "label (fr)", "La valeur en français.", "The French value.", width=30),
        _f("label_en", "libellé (en)", "label (en)", "La valeur en anglais.", "The English value.", width=30),
    ),
)

DEBRIEF = Tab(
    "debrief",
    Text("bilan", "debrief"),
    Text(
        "Les questions de débreffage posées sous le tableau (facultatif).",
        "The debrief questions asked below the table (optional).",
    ),
    (
        _f("id", "id", "id", "Identifiant stable de la question.", "Stable id of the question.", width=20),
        _f(
            "question_fr",
            "question (fr)",
            "question (fr)",
            "La question en français.",
            "The French question.",
            width=60,
        ),
        _f(
            "question_en",
            "question (en)",
            "question (en)",
            "La question en anglais.",
            "The English question.",
            width=60,
        ),
    ),
)
TABS: tuple[Tab, ...] = (SHEET, COLUMNS, ROWS, CHOICES, DEBRIEF)
REQUIRED_TABS = frozenset({"sheet", "columns"})  # rows, choices and debrief may be absent when unused
README = Text("Lisez-moi", "Read me")


def fold(value: str) -> str:
    """How names and words are compared: case, accents, spacing and Unicode form do not matter."""
    decomposed = unicodedata.normalize("NFKD", value)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().replace("_", " ").split())


def word_of(vocabulary: str, key: object, language: str) -> str:
    text = VOCABULARIES[vocabulary][key]
    return text.fr if language == "fr" else text.en


def lookup(vocabulary: str, value: object) -> tuple[bool, object]:
    """(found, key) for a word typed in the design, in French, English or as the YAML key."""
    if isinstance(value, bool) and vocabulary == "yes_no":
        return True, value
    typed = fold(str(value))
    for key, text in VOCABULARIES[vocabulary].items():
        if typed in (fold(text.fr), fold(text.en), fold(str(key))):
            return True, key
    extra = EXTRA_WORDS.get(vocabulary, {})
    if typed in extra:
        return True, extra[typed]
    return False, None
