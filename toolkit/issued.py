"""The register of issued copies: each copy generate wrote, by its random copy id (a small JSON file).

It lives beside the initiative file (`issued:` in initiative.yaml names another place) and never
travels with the copies, so a partner cannot make it agree with an edited copy: a returned copy's id
says which issued copy it came from, and whose (see attribution.py). A copy id is 96 random bits,
so nobody guesses another partner's.

    {"format": 1, "kind": "toolkit-issued-copies", "copies": [{"copy_id": "…", "initiative": "…",
     "partner": "cdc-hochelaga", "role": "partner", "generated_at": "2026-11-02T09:30:00+00:00",
     "where": "copies/hochelaga-ensemble_cdc-hochelaga.xlsx"}]}
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from pathlib import Path

from .attribution import IssuedCopy
from .config_messages import say
from .errors import ConfigError
from .files import atomic_write
from .text import Language

KIND = "toolkit-issued-copies"
FORMAT = 1


def new_copy_id() -> str:
    return secrets.token_hex(12)


def read_register(
    path: Path | None, initiative_id: str, language: Language = "fr"
) -> dict[str, IssuedCopy] | None:
    """Copy id -> issued copy of this initiative; None when no copy of it was ever recorded there."""
    if path is None or not path.is_file():
        return None
    found = {c.copy_id: c for c in _read(path, language) if c.initiative_id == initiative_id}
    return found or None


def record_issued(path: Path, copies: Iterable[IssuedCopy]) -> None:
    """Add copies to the register (created when missing), atomically."""
    new = list(copies)
    if not new:
        return
    every = {c.copy_id: c for c in (_read(path) if path.is_file() else [])}
    every.update({c.copy_id: c for c in new})
    data = {
        "format": FORMAT,
        "kind": KIND,
        "copies": [
            {
                "copy_id": c.copy_id,
                "initiative": c.initiative_id,
                "partner": c.partner_id,
                "role": c.role,
                "generated_at": c.generated_at,
                "where": c.where,
            }
            for c in every.values()
        ],
    }
    atomic_write(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


def _read(path: Path, language: Language = "fr") -> list[IssuedCopy]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("kind") != KIND:
            raise ValueError("not a register of issued copies")
        return [
            IssuedCopy(
                copy_id=str(c["copy_id"]),
                initiative_id=str(c["initiative"]),
                partner_id=str(c["partner"]) if c.get("partner") else None,
                role=str(c.get("role", "partner")),
                generated_at=str(c.get("generated_at", "")),
                where=str(c.get("where", "")),
            )
            for c in data["copies"]
        ]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(say("register_unreadable", language, path=path, reason=exc)) from None
