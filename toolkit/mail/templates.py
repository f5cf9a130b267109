"""The wording of the messages `send` writes: one plain-text template per kind and language.

A template's first line is its subject (`Objet : …` or `Subject: …`), then a blank line, then the body.
Both may use named placeholders, `{partner}`, `{deadline}` …; an unknown one is an error naming it and
its file, found when the templates are loaded (before anything is sent). The defaults ship in
`toolkit/mail/messages/`; a folder named by `messages:` in the initiative file replaces any of them by
a file of the same name (`copy.fr.txt`, `online.en.txt` …).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from importlib import resources

from ..errors import ConfigError
from ..initiative import Initiative
from ..text import LANGUAGES, Language, Text

KINDS = ("copy", "online")  # a workbook attached; a link to the partner's Google spreadsheet
PLACEHOLDERS: dict[str, Text] = {
    "greeting": Text("« Bonjour Marie, » ou « Bonjour, »", "“Hello Marie,” or “Hello,”"),
    "partner": Text("le nom du partenaire", "the partner's name"),
    "contact": Text("la personne-ressource (vide s'il n'y en a pas)", "the contact person (empty if none)"),
    "initiative": Text("le nom de l'initiative", "the initiative's name"),
    "deadline": Text("la date limite, en toutes lettres", "the deadline, written out"),
    "file": Text("le nom du classeur joint", "the attached workbook's file name"),
    "link": Text("l'adresse du classeur Google", "the Google spreadsheet's address"),
    "steps": Text("les consignes de l'onglet Lisez-moi", "the instructions of the Read me tab"),
    "worksheets": Text("la liste des feuilles à remplir", "the list of worksheets to fill in"),
    "return_to": Text("l'adresse où renvoyer le classeur", "the address to send the workbook back to"),
    "coordinator": Text("le nom de la personne qui coordonne", "the coordinator's name"),
    "signature": Text("la signature (coordination, initiative)", "the signature (coordinator, initiative)"),
}
_SUBJECT = re.compile(r"^(?:Objet|Subject)\s*:\s*(.*)$", re.IGNORECASE)
MESSAGES = Text(
    "{where} : {problem}",
    "{where}: {problem}",
)


@dataclass(frozen=True)
class MessageTemplate:
    subject: str
    body: str
    source: str  # where it was read from, for error messages

    def render(self, fields: dict[str, str]) -> tuple[str, str]:
        return self.subject.format(**fields), self.body.format(**fields)


def file_name(kind: str, language: Language) -> str:
    return f"{kind}.{language}.txt"


def load_templates(initiative: Initiative) -> dict[tuple[str, Language], MessageTemplate]:
    """Every template, the coordinator's where there is one; ConfigError naming every problem."""
    language = initiative.language
    override = initiative.messages_dir
    problems: list[str] = []
    if override is not None and not override.is_dir():
        raise ConfigError(_problem(language, str(override), "folder", ""))
    if override is not None:
        expected = {file_name(k, lang) for k in KINDS for lang in LANGUAGES}
        for stray in sorted(override.glob("*.txt")):
            if stray.name not in expected:
                problems.append(_problem(language, str(stray), "unknown_file", ", ".join(sorted(expected))))
    found: dict[tuple[str, Language], MessageTemplate] = {}
    for kind in KINDS:
        for lang in LANGUAGES:
            name = file_name(kind, lang)
            path = override / name if override is not None else None
            if path is not None and path.is_file():
                text, source = path.read_text(encoding="utf-8-sig"), str(path)
            else:
                text = resources.files("toolkit.mail").joinpath("messages", name).read_text(encoding="utf-8")
                source = f"toolkit/mail/messages/{name}"
            try:
                found[(kind, lang)] = parse_template(text, source, language)
            except ConfigError as exc:
                problems.append(str(exc))
    if problems:
        raise ConfigError("\n".join(problems))
    return found


def parse_template(text: str, source: str, language: Language = "fr") -> MessageTemplate:
    lines = text.replace("\r\n", "\n").split("\n")
    match = _SUBJECT.match(lines[0].strip()) if lines else None
    if match is None or not match.group(1).strip():
        raise ConfigError(_problem(language, source, "no_subject", ""))
    template = MessageTemplate(match.group(1).strip(), "\n".join(lines[1:]).strip("\n") + "\n", source)
    problems = [
        _problem(language, source, "unknown_placeholder", name)
        for name in sorted(
            _placeholders(template.subject, source, language) | _placeholders(template.body, source, language)
        )
        if name not in PLACEHOLDERS
    ]
    if problems:
        raise ConfigError("\n".join(problems))
    return template


def _placeholders(text: str, source: str, language: Language) -> set[str]:
    try:
        names = {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    except ValueError as exc:  # an unmatched brace
        raise ConfigError(_problem(language, source, "braces", str(exc))) from None
    if "" in names or any(not n.isidentifier() for n in names):
        bad = sorted(n for n in names if not n.isidentifier()) or ["{}"]
        raise ConfigError(_problem(language, source, "unknown_placeholder", bad[0]))
    return names


_PROBLEMS: dict[str, Text] = {
    "unknown_placeholder": Text(
        "champ inconnu {{{detail}}} (champs possibles : {known})",
        "unknown placeholder {{{detail}}} (known: {known})",
    ),
    "no_subject": Text(
        "la première ligne doit être l'objet du message (« Objet : … » ou « Subject: … »)",
        "the first line must be the message's subject (“Subject: …” or “Objet : …”)",
    ),
    "braces": Text(
        "accolade mal fermée ({detail}); écrivez {{{{ et }}}} pour une accolade",
        "unbalanced brace ({detail}); write {{{{ and }}}} for a literal brace",
    ),
    "unknown_file": Text(
        "fichier de modèle inconnu (noms possibles : {detail})",
        "unknown template file (expected names: {detail})",
    ),
    "folder": Text("dossier de modèles de messages introuvable", "message templates folder not found"),
}


def _problem(language: Language, where: str, key: str, detail: str) -> str:
    known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    problem = _PROBLEMS[key](language).format(detail=detail, known=known)
    return MESSAGES(language).format(where=where, problem=problem)


def describe_placeholders(language: Language) -> list[str]:
    """For the guide: each placeholder and what it holds."""
    return [f"{{{name}}} — {meaning(language)}" for name, meaning in PLACEHOLDERS.items()]
