"""What is wrong (or suspicious) in an initiative file, said so a coordinator can fix it alone.

Each problem names the partner by its number (from 1) and id, says the expected format with an
example, and `initiative.py` puts the file name and line in front. French and English side by side.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from jsonschema import ValidationError

from .text import Language, Text

MESSAGES: dict[str, Text] = {
    "at_line": Text("{file}, ligne {line} : {message}", "{file}, line {line}: {message}"),
    "at_file": Text("{file} : {message}", "{file}: {message}"),
    "partner": Text("partenaire n° {number}", "partner {number}"),
    "partner_named": Text("partenaire n° {number} ({label})", "partner {number} ({label})"),
    # A worksheet template's columns, rows and debrief questions, numbered from 1 like partners.
    "column": Text("colonne n° {number}", "column {number}"),
    "column_named": Text("colonne n° {number} ({label})", "column {number} ({label})"),
    "row": Text("ligne n° {number} du tableau", "row {number}"),
    "row_named": Text("ligne n° {number} du tableau ({label})", "row {number} ({label})"),
    "question": Text("question de bilan n° {number}", "debrief question {number}"),
    "question_named": Text("question de bilan n° {number} ({label})", "debrief question {number} ({label})"),
    "two_partners": Text(
        "partenaires n° {a} ({id_a}) et n° {b} ({id_b})", "partners {a} ({id_a}) and {b} ({id_b})"
    ),
    "unknown_key": Text(
        "{subject}« {key} » n'est pas un réglage connu; vouliez-vous dire « {suggestion} »?",
        "{subject}'{key}' is not a known setting; did you mean '{suggestion}'?",
    ),
    "unknown_key_list": Text(
        "{subject}« {key} » n'est pas un réglage connu; réglages possibles : {known}",
        "{subject}'{key}' is not a known setting; possible settings: {known}",
    ),
    "required": Text(
        "{subject}réglage obligatoire manquant : « {key} »", "{subject}required setting missing: '{key}'"
    ),
    "email": Text(
        "{subject} : adresse courriel invalide « {value} »; exemple : nom@organisme.org",
        "{subject}: invalid email address '{value}'; example: name@organisation.org",
    ),
    "date": Text(
        "{subject} : écrivez-la AAAA-MM-JJ, par exemple {example} (et non « {value} »)",
        "{subject}: write it YYYY-MM-DD, for example {example} (not '{value}')",
    ),
    "choice": Text(
        "{subject} : « {value} » n'est pas une valeur permise; choisissez parmi : {choices}",
        "{subject}: '{value}' is not allowed; choose one of: {choices}",
    ),
    "type": Text("{subject} doit être {expected}", "{subject} must be {expected}"),
    "empty": Text("{subject} ne peut pas être vide", "{subject} cannot be empty"),
    "too_long": Text(
        "{subject} : {limit} caractères au plus (ici {length})",
        "{subject}: at most {limit} characters (here {length})",
    ),
    "no_partners": Text(
        "partners : la liste des partenaires est vide; ajoutez-en au moins un",
        "partners: the list of partners is empty; add at least one",
    ),
    "email_and_emails": Text(
        "{subject} : donnez « email » ou « emails », pas les deux",
        "{subject}: give 'email' or 'emails', not both",
    ),
    "invalid": Text(
        "{subject} : valeur non valide « {value} »", "{subject}: invalid value '{value}' ({detail})"
    ),
    "not_mapping": Text(
        "le fichier doit décrire l'initiative par des réglages « clé: valeur » "
        "(name, language, kit, partners)",
        "the file must describe the initiative as 'key: value' settings (name, language, kit, partners)",
    ),
    "unsafe_id": Text(
        "{subject} : l'id « {value} » ne peut pas servir de nom de fichier; utilisez de 1 à 64 "
        "lettres minuscules, chiffres, - et _, par exemple « cuisine-collective »",
        "{subject}: id '{value}' cannot be used as a file name; use 1 to 64 lowercase letters, "
        "digits, - and _, for example 'community-kitchen'",
    ),
    "reserved_id": Text(
        "{subject} : l'id « {value} » est un nom réservé (Windows ou copie vierge); choisissez-en un autre",
        "{subject}: id '{value}' is a reserved name (Windows or the blank copy); choose another one",
    ),
    "duplicate_id": Text(
        "partenaires n° {a} et n° {b} : même id « {value} »; donnez à chacun un id différent",
        "partners {a} and {b}: same id '{value}'; give each one a different id",
    ),
    "unknown_kit": Text(
        "kit : trousse « {value} » introuvable; trousses disponibles : {available}",
        "kit: no kit named '{value}'; available kits: {available}",
    ),
    "time_zone": Text(
        "{subject} : fuseau horaire inconnu « {value} »; exemple : America/Toronto (heure du Québec)",
        "{subject}: unknown time zone '{value}'; example: America/Toronto (Eastern time)",
    ),
    "broken_kit": Text("kit : la trousse « {value} » est invalide :\n{detail}", "kit: {detail}"),
    "no_partner": Text("aucun partenaire n'a l'id « {value} »", "no partner with id '{value}'"),
    "no_config": Text(
        "aucun fichier initiative.yaml dans ce dossier ({folder}) ni au-dessus; "
        "indiquez-le avec --config FICHIER ou créez-en un avec « toolkit init »",
        "no initiative.yaml in this folder ({folder}) or above it; "
        "give it with --config FILE or make one with 'toolkit init'",
    ),
    "config_used": Text("Fichier d'initiative : {path}", "Initiative file: {path}"),
    # What a command refuses before doing anything (the CLI and the library say it alike).
    "already_exists": Text(
        "{path} : ce fichier existe déjà; il n'a pas été remplacé", "{path}: already exists; not overwritten"
    ),
    "not_a_master": Text(
        "{path} : ce n'est pas un classeur maître (produit par « toolkit merge »); impossible de partir "
        "de ce fichier",
        "{path}: not a master workbook (made by 'toolkit merge'); cannot use it",
    ),
    "nothing_to_merge": Text(
        "{path} : aucune copie de partenaire à fusionner; rien n'a été écrit",
        "{path}: no partner copy to merge; nothing written",
    ),
    "register_unreadable": Text(
        "{path} : registre des copies émises illisible ({reason}); remettez la version de votre "
        "sauvegarde, ou supprimez-le : les copies seront alors reçues sans vérification de leur code",
        "{path}: unreadable register of issued copies ({reason}); restore it from your backup, or delete "
        "it: copies are then accepted without checking their copy id",
    ),
    "out_required": Text(
        "--out est obligatoire avec --backend xlsx : le dossier où écrire les classeurs",
        "--out is required with --backend xlsx: the folder to write the workbooks into",
    ),
    "out_suffix": Text(
        "--out {out} : choisissez un de ces suffixes : {supported}", "--out {out}: use one of {supported}"
    ),
    "out_format": Text(
        "--out {out} contient du {suffix}, pas du --format {format}",
        "--out {out} holds {suffix}, not --format {format}",
    ),
    "format_needs_out": Text(
        "--format {format} s'écrit dans un fichier : ajoutez --out FICHIER",
        "--format {format} needs --out FILE",
    ),
    "error": Text("Erreur : {message}", "Error: {message}"),
    "warning": Text("Attention : {message}", "Warning: {message}"),
    # Warnings: legal, but probably not what the coordinator meant. The command goes on.
    "same_organisation": Text(
        "{subject} : le même organisme sous deux id (« {name_a} », « {name_b} »)? "
        "Gardez un seul id par organisme.",
        "{subject}: the same organisation under two ids ('{name_a}', '{name_b}')? "
        "Keep one id per organisation.",
    ),
    "contact_not_in_people": Text(
        "{subject} : la personne-ressource « {contact} » n'est pas dans la liste des personnes (people); "
        "vouliez-vous dire « {person} »?",
        "{subject}: contact '{contact}' is not on the list of people (people); did you mean '{person}'?",
    ),
    "deadline_past": Text(
        "date limite : le {date} est déjà passé; changez-la si vous préparez une nouvelle ronde",
        "deadline: {date} is already past; change it if you are preparing a new round",
    ),
    "same_short_name": Text(
        "{subject} : même nom court « {short_name} »; le classeur maître ne saurait plus qui a écrit quoi. "
        "Donnez à chacun son propre short_name.",
        "{subject}: same short name '{short_name}'; the master could not tell who wrote what. "
        "Give each its own short_name.",
    ),
    "shared_email": Text(
        "{subject} : même adresse courriel {email}; elle recevra les rappels des deux partenaires",
        "{subject}: same email address {email}; it will receive both partners' reminders",
    ),
}

TYPES: dict[str, Text] = {
    "string": Text("un texte", "a text"),
    "array": Text("une liste (lignes commençant par « - »)", "a list (lines starting with '- ')"),
    "object": Text("une section de réglages « clé: valeur »", "a section of 'key: value' settings"),
    "boolean": Text("true ou false", "true or false"),
    "integer": Text("un nombre entier", "a whole number"),
}

# Names a French-speaking coordinator may write instead of the real key.
FRENCH_KEYS = {
    "nom": "name",
    "langue": "language",
    "trousse": "kit",
    "gabarits": "templates",
    "date_limite": "deadline",
    "echeance": "deadline",
    "fuseau_horaire": "time_zone",
    "retour": "return_to",
    "renvoyer_a": "return_to",
    "mot_de_passe": "protection_password",
    "coordination": "coordinator",
    "coordonnateur": "coordinator",
    "coordonnatrice": "coordinator",
    "personnes": "people",
    "partenaires": "partners",
    "courriel": "email",
    "courriels": "emails",
    "contact": "contact",
    "personne_ressource": "contact",
    "historique": "history",
}

# What each setting is called in a sentence (the file's key stays in English).
SUBJECTS: dict[str, Text] = {"deadline": Text("date limite", "deadline")}


def say(code: str, language: Language, /, **fields: object) -> str:
    return MESSAGES[code](language).format(**fields)


def partner_label(number: int, partner: object, language: Language, *, by_name: bool = False) -> str:
    """'partenaire n° 3 (frigo)': numbered from 1, named by its id (by its name when the id is wrong)."""
    label = None
    keys = ("name",) if by_name else ("id", "name")
    if isinstance(partner, dict):
        label = next((partner[k] for k in keys if isinstance(partner.get(k), str) and partner[k]), None)
    if label is None:
        return say("partner", language, number=number)
    return say("partner_named", language, number=number, label=label)


# Lists whose items are named by number (from 1) and id: a template's columns, rows and questions.
ITEMS = {"columns": "column", "rows": "row", "debrief": "question"}


def subject(path: Sequence[object], data: Any, language: Language) -> str:
    """What a schema path points at, as the coordinator reads the file."""
    parts = list(path)
    if len(parts) >= 2 and isinstance(parts[1], int) and str(parts[0]) in ("partners", *ITEMS):
        items = data.get(str(parts[0])) if isinstance(data, dict) else None
        item = items[parts[1]] if isinstance(items, list) and parts[1] < len(items) else None
        if parts[0] == "partners":
            head = partner_label(parts[1] + 1, item, language)
        else:
            label = item.get("id") if isinstance(item, dict) else None
            code = ITEMS[str(parts[0])] + ("_named" if isinstance(label, str) and label else "")
            head = say(code, language, number=parts[1] + 1, label=label)
        return head + (f", {'.'.join(str(p) for p in parts[2:])}" if parts[2:] else "")
    if len(parts) == 1 and str(parts[0]) in SUBJECTS:
        return SUBJECTS[str(parts[0])](language)
    return ".".join(str(p) for p in parts)


def explain(error: ValidationError, data: Any, language: Language) -> tuple[tuple[object, ...], str]:
    """(path to point at, message) for one schema error."""
    path = tuple(error.absolute_path)
    what = subject(path, data, language)
    value: Any = error.instance
    expected: Any = error.validator_value
    schema: Any = error.schema
    if error.validator == "additionalProperties" and isinstance(value, dict):
        known = list(schema.get("properties", {}))
        extra = next((k for k in value if k not in known), "?")
        prefix = f"{what} : " if what and language == "fr" else f"{what}: " if what else ""
        suggestion = closest_key(str(extra), known)
        if suggestion:
            return (*path, extra), say(
                "unknown_key", language, subject=prefix, key=extra, suggestion=suggestion
            )
        return (*path, extra), say(
            "unknown_key_list", language, subject=prefix, key=extra, known=", ".join(known)
        )
    if error.validator == "required":
        missing = next((k for k in expected if k not in (value or {})), "?")
        prefix = f"{what} : " if what and language == "fr" else f"{what}: " if what else ""
        return path, say("required", language, subject=prefix, key=missing)
    if error.validator == "pattern" and "@" in str(expected):
        return path, say("email", language, subject=what, value=value)
    if error.validator == "format" and expected == "date":
        return path, say("date", language, subject=what, value=value, example=date_example(str(value)))
    if error.validator == "enum":
        return path, say("choice", language, subject=what, value=value, choices=", ".join(map(str, expected)))
    if error.validator == "type":
        kind = TYPES.get(str(expected))
        if kind is not None:
            return path, say("type", language, subject=what, expected=kind(language))
    if error.validator == "minLength" and value == "":
        return path, say("empty", language, subject=what)
    if error.validator == "maxLength" and isinstance(value, str):
        return path, say("too_long", language, subject=what, limit=expected, length=len(value))
    if error.validator == "minItems" and path == ("partners",):
        return path, say("no_partners", language)
    if error.validator == "not":
        return path, say("email_and_emails", language, subject=what)
    if error.validator == "pattern" and path == ("id",):
        return path, say("unsafe_id", language, subject="id", value=value)
    return path, say("invalid", language, subject=what, value=value, detail=error.message)


def closest_key(key: str, known: Sequence[str]) -> str | None:
    """The setting the coordinator probably meant: a French name for it, or a near spelling."""
    folded = _fold(key).replace(" ", "_").replace("-", "_")
    if FRENCH_KEYS.get(folded) in known:
        return FRENCH_KEYS[folded]
    close = difflib.get_close_matches(folded, known, n=1, cutoff=0.6)
    return close[0] if close else None


_SLASHED = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_YEAR_FIRST = re.compile(r"^\s*(\d{4})[/.](\d{1,2})[/.](\d{1,2})\s*$")
EXAMPLE_DATE = dt.date(2027, 1, 22)


def date_example(value: str) -> str:
    """The value rewritten as AAAA-MM-JJ when it reads as a date (22/01/2027 → 2027-01-22)."""
    for pattern, order in ((_SLASHED, (3, 2, 1)), (_YEAR_FIRST, (1, 2, 3))):
        match = pattern.match(value)
        if match:
            year, month, day = (int(match.group(i)) for i in order)
            if order == (3, 2, 1) and month > 12 >= day:  # 01/22/2027: month first
                month, day = day, month
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                break
    return EXAMPLE_DATE.isoformat()


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def name_key(name: str) -> str:
    """An organisation name without case, accents, punctuation or extra spaces."""
    return re.sub(r"[^\w]+", " ", _fold(name)).strip()


def same_name(a: str, b: str) -> bool:
    """Equal but for case, accents, punctuation and spacing, or nearly equal (a typo), numbers alike."""
    return same_key(name_key(a), name_key(b))


def same_key(fa: str, fb: str) -> bool:
    if fa == fb:
        return True
    if min(len(fa), len(fb)) < 8 or re.findall(r"\d+", fa) != re.findall(r"\d+", fb):
        return False  # "Point de service 1" and "Point de service 2" are two organisations
    matcher = difflib.SequenceMatcher(None, fa, fb)
    return (
        matcher.real_quick_ratio() >= SAME_RATIO
        and matcher.quick_ratio() >= SAME_RATIO
        and matcher.ratio() >= SAME_RATIO
    )


SAME_RATIO = 0.92


def close_person(name: str, people: Sequence[str]) -> str | None:
    """The listed person `name` probably is (Hernandez → Hernández), when it is not listed as written."""
    if name.strip() in people:
        return None
    folded = _fold(name)
    for person in people:
        if _fold(person) == folded:
            return person
    close = difflib.get_close_matches(folded, [_fold(p) for p in people], n=1, cutoff=0.85)
    return next((p for p in people if close and _fold(p) == close[0]), None)
