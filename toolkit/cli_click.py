"""Click's own words ("Usage:", "Error:", "No such option …") in the command line's language.

Click marks them for gettext with the classic API (`from gettext import gettext as _` in each module),
which reads compiled catalogues from disk for the process-wide domain and the LANGUAGE/LANG variables;
there is no click text domain to install a translation into, and the toolkit's language comes from the
initiative file, not the environment. So `install()` points those module names at `gettext`/`ngettext`
below: while the command line speaks French they look the message up in FRENCH, otherwise they call the
standard functions (click behaves exactly as before). tests/test_cli_help.py reads click's sources and
fails when a message a user can see has no French here (a click upgrade that adds one).
"""

from __future__ import annotations

import gettext as _gettext
from types import ModuleType

from .cli_language import chosen_language

# Click's message id → French. Fields are str.format names; a French template may drop one ({name}).
FRENCH: dict[str, str] = {
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Positional arguments": "Arguments",
    "Commands": "Commandes",
    "Show this message and exit.": "Afficher ce message et quitter.",
    "Show the version and exit.": "Afficher la version et quitter.",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "default: {default}": "par défaut : {default}",
    "required": "obligatoire",
    "env var: {var}": "variable d'environnement : {var}",
    "(dynamic)": "(calculé)",
    "deprecated": "obsolète",
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Pour de l'aide : {command} {option}",
    "Aborted!": "Interrompu.",
    "Missing command.": "commande manquante.",
    "No such command {name!r}.": "commande inconnue : « {name} ».",
    "No such option {name!r}.": "option inconnue : « {name} ».",
    "Missing argument": "argument manquant :",
    "Missing option": "option manquante :",
    "Missing parameter": "paramètre manquant :",
    "Missing {param_type}": "{param_type} manquant :",
    "Missing parameter: {param_name}": "paramètre manquant : {param_name}",
    "Invalid value: {message}": "valeur non valide : {message}",
    "Invalid value for {param_hint}: {message}": "valeur non valide pour {param_hint} : {message}",
    "Choose from:\n\t{choices}": "Choisissez parmi :\n\t{choices}",
    "Value must be an iterable.": "la valeur doit être une liste.",
    "Option {name!r} does not take a value.": "l'option « {name} » ne prend pas de valeur.",
    "Argument {name!r} takes {nargs} values.": "l'argument « {name} » prend {nargs} valeurs.",
    "Invalid start character for option ({option})": "caractère non valide au début d'une option ({option})",
    "{value!r} does not match the format {format}.": "« {value} » ne suit pas le format {format}.",
    "{value} is not in the range {range}.": "{value} n'est pas dans l'intervalle {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "« {value} » n'est pas une valeur oui/non. Valeurs reconnues : {states}"
    ),
    "{value!r} is not a valid {number_type}.": "« {value} » n'est pas un nombre valide.",
    "{value!r} is not a valid UUID.": "« {value} » n'est pas un UUID valide.",
    "{name} {filename!r} does not exist.": "« {filename} » n'existe pas.",
    "{name} {filename!r} is a file.": "« {filename} » est un fichier (un dossier est attendu).",
    "{name} {filename!r} is a directory.": "« {filename} » est un dossier (un fichier est attendu).",
    "{name} {filename!r} is not readable.": "« {filename} » ne peut pas être lu (droits d'accès).",
    "{name} {filename!r} is not writable.": "« {filename} » ne peut pas être écrit (droits d'accès).",
    "{name} {filename!r} is not executable.": "« {filename} » ne peut pas être exécuté.",
    "Could not open file {filename!r}: {message}": "impossible d'ouvrir « {filename} » : {message}",
    "unknown error": "erreur inconnue",
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "Do you want to continue?": "Voulez-vous continuer?",
    "Confirm the action without prompting.": "Confirmer sans poser la question.",
    "Repeat for confirmation": "Répétez pour confirmer",
    "Error: The two entered values do not match.": "Erreur : les deux valeurs saisies diffèrent.",
    "Error: invalid input": "Erreur : saisie non valide",
    "Press any key to continue...": "Appuyez sur une touche pour continuer…",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": (
        "Attention : la commande « {name} » est obsolète.{extra_message}"
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": (
        "Attention : « {name} » est obsolète.{extra_message}"
    ),
}
# Plural messages, by their singular id: (French singular, French plural); French counts 0 and 1 as one.
FRENCH_PLURAL: dict[str, tuple[str, str]] = {
    "Got unexpected extra argument ({args})": (
        "argument en trop : {args}",
        "arguments en trop : {args}",
    ),
    "Did you mean {possibility}?": (
        "Vouliez-vous dire {possibility}?",
        "(Vouliez-vous dire : {possibilities}?)",
    ),
    "{value!r} is not {choice}.": (
        "« {value} » n'est pas {choice}.",
        "« {value} » n'est pas une valeur permise; choisissez parmi : {choices}.",
    ),
    "Option {name!r} requires an argument.": (
        "l'option « {name} » demande une valeur.",
        "l'option « {name} » demande {nargs} valeurs.",
    ),
    "Takes {nargs} values but 1 was given.": (
        "demande {nargs} valeurs, mais 1 a été donnée.",
        "demande {nargs} valeurs, mais {len} ont été données.",
    ),
    "{value!r} does not match the format {format}.": (
        "« {value} » ne suit pas le format {format}.",
        "« {value} » ne suit aucun des formats {formats}.",
    ),
    "{len_type} values are required, but {len_value} was given.": (
        "{len_type} valeurs sont demandées, mais {len_value} a été donnée.",
        "{len_type} valeurs sont demandées, mais {len_value} ont été données.",
    ),
}
# Click's message ids no user of the toolkit can see (programming errors, prompts and shells it does not use).
NOT_SHOWN = frozenset(
    {
        "d",
        "{editor}: Editing failed",
        "{editor}: Editing failed: {e}",
        "Windows error: {error}",
        "Choice({choices})",
        "Could not determine name for option with declarations {decls!r}",
        "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
        "Did you mean to pass '--{name}'?",
        "Arguments take exactly one parameter declaration, got {length}: {decls}.",
        "Name '{name}' defined twice",
        "Boolean option {decl!r} cannot use the same flag for true/false.",
        "Shell completion is not supported for Bash versions older than 4.4.",
        "Couldn't detect Bash version, shell completion is not supported.",
        "Unknown color {colour!r}",
        "Unknown standard stream '{name}'",
    }
)


def gettext(message: str) -> str:
    """Click's `_`: French from FRENCH while the command line speaks French, else the standard gettext."""
    if chosen_language() == "fr":
        return FRENCH.get(message, message)
    return _gettext.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Click's `ngettext`, likewise."""
    if chosen_language() == "fr" and singular in FRENCH_PLURAL:
        one, many = FRENCH_PLURAL[singular]
        return one if n <= 1 else many
    return _gettext.ngettext(singular, plural, n)


def click_modules() -> list[ModuleType]:
    """Click's modules that translate through gettext."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.termui
    import click.types
    import click.utils

    modules = [click.core, click.decorators, click.exceptions, click.formatting, click.parser]
    return [*modules, click.termui, click.types, click.utils]


def install() -> None:
    """Route click's `_` and `ngettext` through this module (idempotent; English is unchanged)."""
    for module in click_modules():
        if getattr(module, "_", None) is _gettext.gettext:
            vars(module)["_"] = gettext
        if getattr(module, "ngettext", None) is _gettext.ngettext:
            vars(module)["ngettext"] = ngettext
