"""The initiative file: who the coordinator works with, in which language, with which kit."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError, TemplateError
from .schemas import schema_problems
from .templates import Kit, Worksheet, load_kit, load_worksheet, with_worksheets
from .text import Language
from .yamlfile import read_yaml

SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# Names Windows refuses as files, and the names generate gives the blank copy.
RESERVED_IDS = frozenset(
    ["con", "prn", "aux", "nul", "blank", "vierge"]
    + [f"com{i}" for i in range(1, 10)]
    + [f"lpt{i}" for i in range(1, 10)]
)


@dataclass(frozen=True)
class Partner:
    id: str
    name: str
    emails: tuple[str, ...] = ()
    contact: str | None = None


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
    history_path: Path | None = None  # SQLite history of report runs
    round: str | None = None  # the current round ("2026-automne", "2"): see rounds.py
    share_previous_answers: str = "none"  # "none" or "others_tab": what a copy shows of other partners
    path: Path | None = None

    def partner(self, partner_id: str) -> Partner:
        for partner in self.partners:
            if partner.id == partner_id:
                return partner
        raise ConfigError(f"{self.source}: no partner with id '{partner_id}'")

    @property
    def source(self) -> str:
        return self.path.name if self.path else "initiative"


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40] or "initiative"


# Reads a worksheet file named under `worksheets:`; api.load_initiative passes one that reads design
# workbooks (toolkit/design), which the core cannot open itself.
WorksheetReader = Callable[[Path, Language], Worksheet]


def load_initiative(path: Path | str, *, read_worksheet: WorksheetReader | None = None) -> Initiative:
    """Load and check an initiative file; ConfigError lists every problem with its path."""
    path = Path(path)
    data = read_yaml(path, ConfigError)
    problems = (
        schema_problems("initiative", data) if isinstance(data, dict) else ["(top level): not a mapping"]
    )
    if not problems:
        problems = _partner_problems(data["partners"])
    if problems:
        raise ConfigError("\n".join(f"{path.name}: {p}" for p in problems))
    templates_dir = (path.parent / data["templates"]) if "templates" in data else None
    try:
        kit = load_kit(data["kit"], templates_dir)
    except TemplateError as exc:
        raise ConfigError(f"{path.name}: kit: {exc}") from None
    if data.get("worksheets"):
        paths = [path.parent / w for w in data["worksheets"]]
        kit = _with_worksheets(kit, paths, data["language"], path, read_worksheet or _template_file)
    coordinator = data.get("coordinator")
    time_zone = str(data.get("time_zone", DEFAULT_TIME_ZONE))
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
            )
            for p in data["partners"]
        ),
        people=tuple(dict.fromkeys(name.strip() for name in data.get("people", []))),
        deadline=dt.date.fromisoformat(data["deadline"]) if "deadline" in data else None,
        time_zone=time_zone,
        coordinator=Coordinator(coordinator["name"], coordinator.get("email")) if coordinator else None,
        return_to=data.get("return_to"),
        protection_password=data.get("protection_password") or None,
        google=_google(data.get("google", {}), data["language"], path.parent, time_zone),
        smtp=_smtp(data["smtp"]) if "smtp" in data else None,
        history_path=path.parent / data.get("history", "history.sqlite"),
        round=str(data["round"]).strip() or None if "round" in data else None,
        share_previous_answers=str(data.get("share_previous_answers", "none")),
        path=path,
    )


def _with_worksheets(
    kit: Kit, paths: list[Path], language: Language, path: Path, read: WorksheetReader
) -> Kit:
    """Worksheets from template files (or design workbooks), next to or in place of the kit's.

    Every file is read before any problem is raised, so all of them are reported at once."""
    problems: list[str] = []
    loaded: list[tuple[str, Worksheet]] = []
    for worksheet_path in paths:
        try:
            loaded.append((worksheet_path.name, read(worksheet_path, language)))
        except TemplateError as exc:
            problems.append(str(exc))
    if not problems:
        try:
            return with_worksheets(kit, loaded)
        except TemplateError as exc:
            problems.append(str(exc))
    raise ConfigError("\n".join(f"{path.name}: worksheets: {p}" for p in problems))


def _template_file(path: Path, language: Language) -> Worksheet:
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise TemplateError(f"{path.name}: design workbooks are read by toolkit.api.load_initiative")
    return load_worksheet(path)


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


def _partner_problems(partners: list[dict[str, str]]) -> list[str]:
    problems = []
    for i, partner in enumerate(partners):
        pid = partner["id"]
        if not SAFE_ID.match(pid):
            problems.append(
                f"partners[{i}].id: {pid!r} is not a safe file name "
                "(use 1 to 64 lowercase letters, digits, '-' and '_', starting with a letter or digit)"
            )
        elif pid in RESERVED_IDS:
            problems.append(f"partners[{i}].id: {pid!r} is a reserved name; choose another id")
    for pid, count in Counter(p["id"] for p in partners).items():
        if count > 1:
            problems.append(f"partners: duplicate id {pid!r}")
    return problems
