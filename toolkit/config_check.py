"""Checks of an initiative file beyond its schema: partner ids, the kit, time zones (errors), and
settings that are legal but probably a mistake (warnings). Each returns (path in the file, message)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .config_messages import close_person, name_key, partner_label, same_key, say
from .templates import KIT_SUFFIX, builtin_templates_dir
from .text import Language

Problem = tuple[tuple[object, ...], str]
SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# Names Windows refuses as files, and the names generate gives the blank copy.
RESERVED_IDS = frozenset(
    ["con", "prn", "aux", "nul", "blank", "vierge"]
    + [f"com{i}" for i in range(1, 10)]
    + [f"lpt{i}" for i in range(1, 10)]
)


def partner_problems(partners: list[dict[str, str]], language: Language) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for i, partner in enumerate(partners):
        pid = partner["id"]
        where = ("partners", i, "id")
        label = partner_label(i + 1, partner, language, by_name=True)
        if not SAFE_ID.match(pid):
            problems.append((where, say("unsafe_id", language, subject=label, value=pid)))
        elif pid in RESERVED_IDS:
            problems.append((where, say("reserved_id", language, subject=label, value=pid)))
        elif pid in first:
            problems.append((where, say("duplicate_id", language, a=first[pid] + 1, b=i + 1, value=pid)))
        first.setdefault(pid, i)
    return problems


def kit_problems(data: dict[str, Any], path: Path, language: Language) -> list[Problem]:
    """A kit that does not exist, named with the ones that do."""
    directory = (path.parent / data["templates"]) if "templates" in data else builtin_templates_dir()
    if (directory / f"{data['kit']}{KIT_SUFFIX}").is_file():
        return []
    available = sorted(p.name.removesuffix(KIT_SUFFIX) for p in directory.glob(f"*{KIT_SUFFIX}"))
    return [
        (("kit",), say("unknown_kit", language, value=data["kit"], available=", ".join(available) or "—"))
    ]


FUZZY_NAMES_UP_TO = 150  # partners compared pairwise for near-same names (150: about 0.2 s)


def time_zone_problems(data: dict[str, Any], language: Language) -> list[Problem]:
    problems: list[Problem] = []
    for where in (("time_zone",), ("google", "time_zone")):
        value = data.get(where[0]) if len(where) == 1 else (data.get("google") or {}).get(where[1])
        if value is None:
            continue
        try:
            ZoneInfo(str(value))
        except (ZoneInfoNotFoundError, ValueError):
            problems.append((where, say("time_zone", language, subject=".".join(where), value=value)))
    return problems


def config_warnings(
    partners: list[dict[str, Any]], people: tuple[str, ...], language: Language
) -> list[Problem]:
    """Legal but likely mistakes: one organisation twice, a misspelt contact, one email or short name for
    two partners."""
    warnings: list[Problem] = []

    def pair(i: int, j: int) -> str:
        return say("two_partners", language, a=i + 1, id_a=partners[i]["id"], b=j + 1, id_b=partners[j]["id"])

    keys = [name_key(p["name"]) for p in partners]
    fuzzy = len(partners) <= FUZZY_NAMES_UP_TO  # past that, only names equal but for case and accents
    for j, later in enumerate(partners):
        for i, earlier in enumerate(partners[:j]):
            if keys[i] == keys[j] or (fuzzy and same_key(keys[i], keys[j])):
                message = say(
                    "same_organisation",
                    language,
                    subject=pair(i, j),
                    name_a=earlier["name"],
                    name_b=later["name"],
                )
                warnings.append((("partners", j, "name"), message))
    shorts: dict[str, int] = {}
    for j, partner in enumerate(partners):
        short = partner.get("short_name")
        if short and name_key(short) in shorts:
            subject = pair(shorts[name_key(short)], j)
            message = say("same_short_name", language, subject=subject, short_name=short)
            warnings.append((("partners", j, "short_name"), message))
        if short:
            shorts.setdefault(name_key(short), j)
    owners: dict[str, int] = {}
    for j, partner in enumerate(partners):
        emails = partner.get("emails") or ([partner["email"]] if "email" in partner else [])
        for email in dict.fromkeys(e.strip().lower() for e in emails):
            if email in owners and owners[email] != j:
                key = "emails" if partner.get("emails") else "email"
                message = say("shared_email", language, subject=pair(owners[email], j), email=email)
                warnings.append((("partners", j, key), message))
            owners.setdefault(email, j)
        contact = partner.get("contact")
        person = close_person(contact, people) if contact and people else None
        if person:
            subject = partner_label(j + 1, partner, language)
            message = say("contact_not_in_people", language, subject=subject, contact=contact, person=person)
            warnings.append((("partners", j, "contact"), message))
    return warnings
