"""Google spreadsheets as pull sources: URLs, `gsheets:<id>`, bare ids, and generate's manifest.

Recognising a source costs no Google import; the client is made at the first spreadsheet read
(from `ReadOptions.clients["google"]`, else the initiative's Google settings).
"""

from __future__ import annotations

import re
from pathlib import Path

from ...initiative import GoogleSettings
from ...rawbook import RawWorkbook
from ...sources import Reader, ReadOptions, SourceKind
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


def claims(source: str) -> bool:
    return spreadsheet_id(source) is not None or is_manifest(Path(source))


def expand(source: str) -> list[str]:
    found = spreadsheet_id(source)
    if found is not None:
        return [spreadsheet_url(found)]
    return [spreadsheet_url(e.spreadsheet_id) for e in read_manifest(Path(source)).entries.values()]


def _reader(options: ReadOptions) -> Reader:
    made: list[object] = []

    def read(source: str) -> RawWorkbook:
        from .generate import default_client
        from .reader import read_spreadsheet

        if not made:
            given = options.clients.get("google")
            settings = options.initiative.google if options.initiative else GoogleSettings()
            made.append(given if given is not None else default_client(settings))
        return read_spreadsheet(source, made[0])  # type: ignore[arg-type]

    return read


SOURCE = SourceKind("google", claims=claims, expand=expand, reader=_reader)
