"""The initiative file: who the coordinator works with, in which language, with which kit."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import template_messages
from .clock import utc_now
from .config_check import (
    config_warnings,
    kit_problems,
    partner_problems,
    time_zone_problems,
)
from .config_messages import explain, say
from .errors import ConfigError, TemplateError
from .i18n import long_date
from .language import user_language
from .schemas import schema_errors
from .templates import Kit, Worksheet, load_kit, load_worksheet, with_worksheets
from .text import LANGUAGES, Language
from .yamlfile import YamlDocument, read_yaml_document


@dataclass(frozen=True)
class Partner:
    id: str
    name: str
    emails: tuple[str, ...] = ()
    contact: str | None = None
    short_name: str | None = None  # what the master's tables show; else abbreviate(name)


SHORT_NAME_LIMIT = 32  # characters: a name this long still reads in one line of a narrow column
# Words a shortened name should not end on before its "…" ("Centre de …").
# fmt: off
_LINK_WORDS = frozenset([
    "de", "du", "des", "d'", "d’", "la", "le", "les", "l'", "l’", "et", "en", "pour", "à", "au", "aux", "sur",
    "of", "the", "and", "for", "in", "on", "at",
])
# fmt: on


def abbreviate(name: str, limit: int = SHORT_NAME_LIMIT) -> str:
    """A readable, stable short form of an organisation name: the name itself when short, else its
    first words and its last word, which usually says where ("Centre … Hochelaga-Maisonneuve"), else its
    first words alone. Only words are dropped, never letters: no invented acronyms to decode."""
    name = " ".join(name.split())
    if len(name) <= limit:
        return name
    words = name.split(" ")
    tail = words[-1]
    head = _head(words[:-1], limit - len(tail) - len(" … "))
    if head:
        return f"{head} … {tail}"
    return _head(words, limit - 1) + "…" if _head(words, limit - 1) else name[: limit - 1] + "…"


def _head(words: list[str], budget: int) -> str:
    kept: list[str] = []
    for word in words:
        if len(" ".join([*kept, word])) > budget:
            break
        kept.append(word)
    while kept and (kept[-1].casefold() in _LINK_WORDS or kept[-1].casefold().endswith(("'", "’"))):
        kept.pop()
    return " ".join(kept)


def partner_labels(partners: tuple[Partner, ...]) -> dict[str, str]:
    """Partner id -> the name the master's tables show: the short name, else the abbreviated name;
    two partners whose abbreviations would be the same keep their full names, so a reader can tell
    them apart."""
    labels = {p.id: p.short_name or abbreviate(p.name) for p in partners}
    counts: dict[str, int] = {}
    for label in labels.values():
        counts[label] = counts.get(label, 0) + 1
    return {p.id: p.name if not p.short_name and counts[labels[p.id]] > 1 else labels[p.id] for p in partners}


@dataclass(frozen=True)
class Coordinator:
    name: str
    email: str | None = None


DEFAULT_TIME_ZONE = "America/Toronto"


@dataclass(frozen=True)
class GoogleSettings:
    """Where and how partner spreadsheets live in Google Drive (see README, 'Google Sheets')."""

    folder_id: str | None = None
    auth: str = "oauth"  # "oauth" (the coordinator's account) or "service_account"
    credentials: Path | None = None  # OAuth client file or service-account key
    notify: bool = False  # Drive sends partners an email when a copy is shared with them
    locale: str = "fr_CA"
    time_zone: str = "America/Toronto"  # the spreadsheets' own; defaults to the initiative's
    manifest: Path | None = None  # where generate records each partner's spreadsheet


@dataclass(frozen=True)
class SmtpSettings:
    """How reports and reminders are sent; the password is read from an environment variable."""

    host: str
    sender: str
    port: int = 587
    security: str = "starttls"  # "starttls", "ssl" or "none"
    username: str | None = None
    password_env: str | None = None
    recipients: tuple[str, ...] = ()  # default: the coordinator's email


@dataclass(frozen=True)
class CollectSettings:
    """The coordinator's mailbox, where partners return copies (IMAP); shaped like SmtpSettings.

    `auth` is "password" (the password, or an app password, from `password_env`), "google" (XOAUTH2
    with the Google sign-in of `toolkit auth google`, which then also asks for the mail scope) or
    "xoauth2" (XOAUTH2 with an access token read from `password_env`, e.g. for Microsoft 365)."""

    host: str
    username: str
    port: int = 993
    security: str = "ssl"  # "ssl" (implicit TLS, the default), "starttls" or "none"
    password_env: str | None = None
    folder: str = "INBOX"
    processed_folder: str | None = None  # collected messages are moved there; else only flagged
    auth: str = "password"  # "password", "google" or "xoauth2"


@dataclass(frozen=True)
class Initiative:
    """An initiative file, checked: who the partners are, which kit, language, deadline and settings."""

    id: str
    name: str
    language: Language
    kit: Kit
    partners: tuple[Partner, ...]
    people: tuple[str, ...] = ()
    deadline: dt.date | None = None
    time_zone: str = DEFAULT_TIME_ZONE  # deadlines, report and email dates; Google's default too
    coordinator: Coordinator | None = None
    return_to: str | None = None
    protection_password: str | None = None
    google: GoogleSettings = GoogleSettings()
    smtp: SmtpSettings | None = None
    collect: CollectSettings | None = None
    messages_dir: Path | None = None  # the coordinator's own message templates (send), if any
    history_path: Path | None = None  # SQLite history of report runs
    issued_path: Path | None = None  # register of issued copies (issued.py)
    round: str | None = None  # the current round ("2026-automne", "2"): see rounds.py
    share_previous_answers: str = "none"  # "none" or "others_tab": what a copy shows of other partners
    path: Path | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)  # suspicious but legal settings

    def partner(self, partner_id: str) -> Partner:
        for partner in self.partners:
            if partner.id == partner_id:
                return partner
        message = say("no_partner", self.language, value=partner_id)
        raise ConfigError(say("at_file", self.language, file=self.source, message=message))

    @property
    def source(self) -> str:
        return self.path.name if self.path else "initiative"


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40] or "initiative"


# Reads a worksheet file named under `worksheets:`; api.load_initiative passes one that reads design
# workbooks (toolkit/design), which the core cannot open itself.
WorksheetReader = Callable[[Path, Language], Worksheet]


def load_initiative(
    path: Path | str, *, read_worksheet: WorksheetReader | None = None, today: dt.date | None = None
) -> Initiative:
    """Load and check an initiative file.

    ConfigError lists every problem, each with the file, the line and what to write instead, in the
    file's `language` (else the user's). Suspicious-but-legal settings become `warnings`."""
    path = Path(path)
    document = read_yaml_document(path, ConfigError, user_language())
    data = document.data
    language: Language = (
        data["language"] if isinstance(data, dict) and data.get("language") in LANGUAGES else user_language()
    )
    if not isinstance(data, dict):
        problems: list[tuple[tuple[object, ...], str]] = [((), say("not_mapping", language))]
    else:
        problems = [explain(e, data, language) for e in schema_errors("initiative", data)]
        if not problems:
            problems = partner_problems(data["partners"], language) + kit_problems(data, path, language)
            problems += time_zone_problems(data, language)
    if problems:
        problems.sort(key=lambda p: document.line(p[0]) or 0)
        error = ConfigError(
            "\n".join(_at(path, document, where, message, language) for where, message in problems)
        )
        error.language = language
        raise error
    templates_dir = (path.parent / data["templates"]) if "templates" in data else None
    try:
        kit = load_kit(data["kit"], templates_dir, language=language)
    except TemplateError as exc:
        detail = say("broken_kit", language, value=data["kit"], detail=exc)
        error = ConfigError(_at(path, document, ("kit",), detail, language))
        error.language = language
        raise error from None
    if data.get("worksheets"):
        paths = [path.parent / w for w in data["worksheets"]]
        kit = _with_worksheets(kit, paths, language, path, document, read_worksheet or _template_file)
    coordinator = data.get("coordinator")
    time_zone = str(data.get("time_zone", DEFAULT_TIME_ZONE))
    deadline = dt.date.fromisoformat(data["deadline"]) if "deadline" in data else None
    people = tuple(dict.fromkeys(name.strip() for name in data.get("people", [])))
    warnings = [
        _at(path, document, where, message, language)
        for where, message in config_warnings(data["partners"], people, language)
    ]
    if deadline is not None and deadline < (today or _today(time_zone)):
        message = say("deadline_past", language, date=long_date(deadline, language))
        warnings.append(_at(path, document, ("deadline",), message, language))
    return Initiative(
        id=data.get("id") or slugify(data["name"]),
        name=data["name"],
        language=data["language"],
        kit=kit,
        partners=tuple(
            Partner(
                id=p["id"],
                name=p["name"],
                emails=tuple(p.get("emails") or ([p["email"]] if "email" in p else [])),
                contact=p.get("contact"),
                short_name=(" ".join(str(p["short_name"]).split()) or None) if "short_name" in p else None,
            )
            for p in data["partners"]
        ),
        people=people,
        deadline=deadline,
        time_zone=time_zone,
        coordinator=Coordinator(coordinator["name"], coordinator.get("email")) if coordinator else None,
        return_to=data.get("return_to"),
        protection_password=data.get("protection_password") or None,
        google=_google(data.get("google", {}), data["language"], path.parent, time_zone),
        smtp=_smtp(data["smtp"]) if "smtp" in data else None,
        collect=_collect(data["collect"]) if "collect" in data else None,
        messages_dir=path.parent / data["messages"] if "messages" in data else None,
        history_path=path.parent / data.get("history", "history.sqlite"),
        issued_path=path.parent / data.get("issued", "issued_copies.json"),
        round=str(data["round"]).strip() or None if "round" in data else None,
        share_previous_answers=str(data.get("share_previous_answers", "none")),
        path=path,
        warnings=tuple(warnings),
    )


CONFIG_NAME = "initiative.yaml"


def find_initiative_file(start: Path) -> Path:
    """initiative.yaml in `start` or the nearest folder above it (what --config defaults to)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    raise ConfigError(say("no_config", user_language(), folder=start))


def _at(
    path: Path, document: YamlDocument, where: tuple[object, ...], message: str, language: Language
) -> str:
    """'initiative.yaml, ligne 12 : …' (no line for the file as a whole)."""
    line = document.line(where) if where else None
    if line is None:
        return say("at_file", language, file=path.name, message=message)
    return say("at_line", language, file=path.name, line=line, message=message)


def _today(time_zone: str) -> dt.date:
    try:
        zone: dt.tzinfo = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return utc_now().astimezone(zone).date()


def _with_worksheets(
    kit: Kit,
    paths: list[Path],
    language: Language,
    path: Path,
    document: YamlDocument,
    read: WorksheetReader,
) -> Kit:
    """Worksheets from template files (or design workbooks), next to or in place of the kit's.

    Every file is read before any problem is raised, so all of them are reported at once, each at the
    line of the initiative file that names it."""
    problems: list[tuple[tuple[object, ...], str]] = []
    loaded: list[tuple[str, Worksheet]] = []
    for index, worksheet_path in enumerate(paths):
        try:
            loaded.append((worksheet_path.name, read(worksheet_path, language)))
        except TemplateError as exc:
            problems.append((("worksheets", index), str(exc)))
    if not problems:
        try:
            return with_worksheets(kit, loaded, language=language)
        except TemplateError as exc:
            problems.append((("worksheets",), str(exc)))
    error = ConfigError(
        "\n".join(
            _at(
                path,
                document,
                where,
                template_messages.say("in_worksheets", language, message=message),
                language,
            )
            for where, message in problems
        )
    )
    error.language = language
    raise error


def _template_file(path: Path, language: Language) -> Worksheet:
    if path.suffix.lower() not in (".yaml", ".yml"):
        error = TemplateError(template_messages.say("design_needs_api", language, name=path.name))
        error.language = language
        raise error
    return load_worksheet(path, language=language)


def _google(data: dict[str, object], language: str, base: Path, time_zone: str) -> GoogleSettings:
    def path_of(key: str) -> Path | None:
        return base / str(data[key]) if key in data else None

    return GoogleSettings(
        folder_id=str(data["folder_id"]) if "folder_id" in data else None,
        auth=str(data.get("auth", "oauth")),
        credentials=path_of("credentials"),
        notify=bool(data.get("notify", False)),
        locale=str(data.get("locale", "fr_CA" if language == "fr" else "en_CA")),
        time_zone=str(data.get("time_zone", time_zone)),
        manifest=path_of("manifest") or base / "google_manifest.json",
    )


def _smtp(data: dict[str, object]) -> SmtpSettings:
    security = str(data.get("security", "starttls"))
    return SmtpSettings(
        host=str(data["host"]),
        sender=str(data["sender"]),
        port=int(str(data.get("port", {"ssl": 465, "none": 25}.get(security, 587)))),
        security=security,
        username=str(data["username"]) if "username" in data else None,
        password_env=str(data["password_env"]) if "password_env" in data else None,
        recipients=tuple(str(r) for r in data.get("recipients", [])),  # type: ignore[attr-defined]
    )


def _collect(data: dict[str, object]) -> CollectSettings:
    security = str(data.get("security", "ssl"))
    processed = data.get("processed_folder")
    return CollectSettings(
        host=str(data["host"]),
        username=str(data["username"]),
        port=int(str(data.get("port", 993 if security == "ssl" else 143))),
        security=security,
        password_env=str(data["password_env"]) if "password_env" in data else None,
        folder=str(data.get("folder", "INBOX")),
        processed_folder=str(processed) if processed else None,
        auth=str(data.get("auth", "password")),
    )
