"""What is wrong in a worksheet template or a kit, in French and English, worded for a coordinator.

Schema errors go through config_messages.explain (the wording of the initiative file's errors: the
setting, what to write, the closest known key); the few a template has of its own are worded here.
"""

from __future__ import annotations

from typing import Any

from jsonschema import ValidationError

from .config_messages import explain, subject
from .schemas import schema_errors
from .text import Language, Text

MESSAGES: dict[str, Text] = {
    "at_file": Text("{file} : {message}", "{file}: {message}"),
    "no_kit": Text(
        "{path} : trousse introuvable (disponibles : {available})",
        "{path}: no such kit (available: {available})",
    ),
    "no_kit_available": Text("aucune", "none"),
    "missing_worksheet": Text(
        "worksheets : feuille de travail « {value} » introuvable (aucun fichier {file} dans {folder})",
        "worksheets: no worksheet '{value}' (no {file} in {folder})",
    ),
    "in_worksheets": Text("worksheets : {message}", "worksheets: {message}"),
    "listed_twice": Text(
        "worksheets : « {value} » est nommée deux fois", "worksheets: '{value}' is listed twice"
    ),
    "same_tab": Text(
        "deux feuilles de travail ont le même nom d'onglet « {value} » ({language})",
        "two worksheets share the {language} tab name '{value}'",
    ),
    "also_given": Text(
        "{source} : la feuille « {value} » est déjà donnée par {other}",
        "{source}: '{value}' is also given by {other}",
    ),
    "design_needs_api": Text(
        "{name} : les classeurs de conception se lisent avec toolkit.api.load_initiative",
        "{name}: design workbooks are read by toolkit.api.load_initiative",
    ),
    "not_mapping": Text(
        "le gabarit doit décrire la feuille par des réglages « clé: valeur » (id, version, title, columns …)",
        "the template must describe the worksheet as 'key: value' settings (id, version, title, columns …)",
    ),
    "kit_not_mapping": Text(
        "la trousse doit se décrire par des réglages « clé: valeur » (id, version, title, worksheets)",
        "the kit must be described as 'key: value' settings (id, version, title, worksheets)",
    ),
    "rows_or_entries": Text(
        "donnez soit « rows » (une feuille à lignes fixes), soit « entries » et « key » (une feuille à "
        "lignes ouvertes)",
        "give either 'rows' (a fixed worksheet) or 'entries' and 'key' (an open worksheet)",
    ),
    "bad_id": Text(
        "{subject} : l'id « {value} » ne convient pas; écrivez de 1 à 40 lettres minuscules sans accents, "
        "chiffres et _, en commençant par une lettre, par exemple « plan_action »",
        "{subject}: id '{value}' is not valid; write 1 to 40 lowercase letters without accents, digits "
        "and _, starting with a letter, for example 'action_plan'",
    ),
    "bad_tab": Text(
        "{subject} : nom d'onglet « {value} » non valide; ni [ ] : * ? / \\, ni apostrophe au début ou à "
        "la fin",
        "{subject}: tab name '{value}' is not valid; no [ ] : * ? / \\, and no apostrophe at either end",
    ),
    "at_least": Text(
        "{subject} : au moins {limit} (ici {value})", "{subject}: at least {limit} (here {value})"
    ),
    "at_most": Text("{subject} : au plus {limit} (ici {value})", "{subject}: at most {limit} (here {value})"),
    "too_few": Text("{subject} : il en faut au moins {limit}", "{subject}: at least {limit} needed"),
    # What the schema cannot say: ids, references and the shape of a fixed or open worksheet.
    "id_mismatch": Text(
        "id : « {value} » doit être le nom du fichier (« {expected}.yaml »); renommez le fichier ou "
        "changez l'id",
        "id: '{value}' must match the file name ('{expected}.yaml')",
    ),
    "duplicate_column": Text(
        "columns : deux colonnes ont l'id « {value} »", "columns: duplicate id '{value}'"
    ),
    "duplicate_row": Text(
        "rows/debrief : l'id « {value} » est donné deux fois (lignes et questions de bilan confondues)",
        "rows/debrief: duplicate id '{value}'",
    ),
    "label_first": Text(
        "columns : une feuille à lignes fixes a une seule colonne de type « label », la première",
        "columns: a fixed worksheet has exactly one 'label' column, the first",
    ),
    "label_in_open": Text(
        "columns : une feuille à lignes ouvertes n'a pas de colonne « label » (sa colonne « key » nomme "
        "les entrées)",
        "columns: an open worksheet has no 'label' column (its 'key' column names entries)",
    ),
    "key_unknown": Text("key : « {value} » n'est l'id d'aucune colonne", "key: '{value}' is not a column id"),
    "key_not_choice": Text(
        "key : la colonne « {value} » doit être de type « choice » (une liste déroulante)",
        "key: column '{value}' must be of type 'choice' (a dropdown)",
    ),
    "owner_twice": Text(
        "columns : une seule colonne peut être responsable (owner)",
        "columns: at most one column is the owner",
    ),
    "owner_type": Text(
        "{where}, owner : une colonne responsable est de type « person » ou « text »",
        "{where}, owner: an owner column is of type 'person' or 'text'",
    ),
    "label_flags": Text(
        "{where} : une colonne « label » n'est ni obligatoire (required) ni responsable (owner)",
        "{where}: a 'label' column cannot be required or an owner",
    ),
    "choices_missing": Text(
        "{where}, choices : une colonne « choice » a besoin de sa liste de choix en français (fr) et en "
        "anglais (en)",
        "{where}, choices: a 'choice' column needs choices in fr and en",
    ),
    "choices_unexpected": Text(
        "{where}, choices : seule une colonne « choice » a une liste de choix",
        "{where}, choices: only a 'choice' column has choices",
    ),
    "choices_length": Text(
        "{where}, choices : les listes fr et en n'ont pas le même nombre de choix",
        "{where}, choices: fr and en lists differ in length",
    ),
    "duplicate_choice": Text(
        "{where}, choices.{language} : le choix « {value} » est en double",
        "{where}, choices.{language}: duplicate choice '{value}'",
    ),
}


def say(code: str, language: Language, /, **fields: object) -> str:
    return MESSAGES[code](language).format(**fields)


def column_where(index: int, data: dict[str, Any], language: Language) -> str:
    """'colonne n° 3 (status)': a column as the problems name it, numbered from 1."""
    return subject(("columns", index), data, language)


def schema_messages(name: str, data: Any, language: Language) -> list[str]:
    """Every problem of a template (`name` 'template') or kit ('kit') against its schema, worded as the
    initiative file's problems are, in document order."""
    if not isinstance(data, dict):  # every other problem would follow from this one
        return [say("not_mapping" if name == "template" else "kit_not_mapping", language)]
    errors = sorted(schema_errors(name, data), key=lambda e: [str(p) for p in e.absolute_path])
    return [_message(error, data, language) for error in errors]


def _message(error: ValidationError, data: Any, language: Language) -> str:
    path = tuple(error.absolute_path)
    value: Any = error.instance
    limit: Any = error.validator_value
    what = subject(path, data, language)
    if not path and error.validator == "oneOf":
        return say("rows_or_entries", language)
    if error.validator == "pattern" and path and path[-1] in ("id", "key"):
        return say("bad_id", language, subject=what, value=value)
    if error.validator == "pattern" and len(path) >= 2 and path[0] == "worksheets":
        return say("bad_id", language, subject=what, value=value)
    if error.validator == "pattern" and path[:1] == ("tab",):
        return say("bad_tab", language, subject=what, value=value)
    if error.validator in ("minimum", "maximum"):
        code = "at_least" if error.validator == "minimum" else "at_most"
        return say(code, language, subject=what, limit=limit, value=value)
    if error.validator == "minItems":
        return say("too_few", language, subject=what, limit=limit)
    return explain(error, data, language)[1]
