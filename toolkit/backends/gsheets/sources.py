"""Which pull sources are Google spreadsheets: URLs, bare ids, and generate's manifest."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from .manifest import is_manifest, read_manifest

URL_PREFIX = "https://docs.google.com/spreadsheets/d/"
# "https:/docs…" too: a URL that went through pathlib.Path lost a slash.
URL = re.compile(
    r"^https?:/{1,2}docs\.google\.com/spreadsheets/(?:u/\d+/)?d/([A-Za-z0-9_-]{20,})(?:[/?#].*)?$"
)
# Drive ids are long runs of letters, digits, '-' and '_'; a local file name has a dot or a separator.
BARE_ID = re.compile(r"^[A-Za-z0-9_-]{25,}$")
SCHEME = "gsheets:"


def spreadsheet_url(spreadsheet_id: str) -> str:
    return f"{URL_PREFIX}{spreadsheet_id}"


def spreadsheet_id(text: str) -> str | None:
    """The id in a spreadsheet URL, a `gsheets:<id>` or a bare id; None for anything else."""
    text = str(text).strip()
    match = URL.match(text)
    if match:
        return match.group(1)
    if text.startswith(SCHEME) and BARE_ID.match(text[len(SCHEME) :]):
        return text[len(SCHEME) :]
    if BARE_ID.match(text) and not Path(text).exists():
        return text
    return None


def is_google_source(text: str | Path) -> bool:
    """A spreadsheet URL or id, or a manifest written by `generate --backend gsheets`."""
    if isinstance(text, str) and spreadsheet_id(text) is not None:
        return True
    return is_manifest(Path(text))


def expand_google_sources(sources: Iterable[str | Path]) -> tuple[list[str], list[str | Path]]:
    """(spreadsheet URLs, other sources): manifests become the URLs of every spreadsheet they list."""
    google: list[str] = []
    others: list[str | Path] = []
    for source in sources:
        found = spreadsheet_id(source) if isinstance(source, str) else None
        if found is not None:
            google.append(spreadsheet_url(found))
        elif is_manifest(Path(source)):
            google += [
                spreadsheet_url(e.spreadsheet_id) for e in read_manifest(Path(source)).entries.values()
            ]
        else:
            others.append(source)
    return list(dict.fromkeys(google)), others
