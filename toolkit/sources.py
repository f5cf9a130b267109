"""Where returned copies come from: one registry of source kinds, tried in order.

A source kind recognises a source string (`claims`), expands it into single sources (a folder into
its files, a Google manifest into spreadsheet URLs) and reads one of them into a RawWorkbook with
the best provenance it knows (`reader`). Kinds are registered by module path and imported only when
a source is checked against them, so an unused backend costs nothing; the last kind (local files)
claims everything else.

Adding a source kind (a mailbox, another cloud) is one module defining `SOURCE = SourceKind(…)`
plus one `register(...)` line.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .initiative import Initiative
from .rawbook import RawWorkbook

Reader = Callable[[str], RawWorkbook]


@dataclass(frozen=True)
class ReadOptions:
    """What readers may need: the initiative (settings, credentials) and clients given by the caller."""

    initiative: Initiative | None = None
    clients: Mapping[str, object] = field(default_factory=dict)  # kind name -> client (tests, scripts)


@dataclass(frozen=True)
class SourceKind:
    """One kind of source: how it is recognised, expanded into single sources, and read."""

    name: str
    claims: Callable[[str], bool]
    expand: Callable[[str], list[str]]  # one source -> the single sources it stands for
    reader: Callable[[ReadOptions], Reader]  # made once per pull; raises SourceError per bad source
    parallel: bool = False  # reading is CPU-bound and needs no client: spread over processes


# Tried in order; the catch-all local files come last. Extensions register before them.
_REGISTERED: list[str] = [
    "toolkit.backends.gsheets.sources:SOURCE",
    "toolkit.backends.local_files:SOURCE",
]
_loaded: dict[str, SourceKind] = {}


def register(target: str) -> None:
    """Add a source kind, given as "package.module:NAME", tried before the built-in ones."""
    if target not in _REGISTERED:
        _REGISTERED.insert(0, target)


def unregister(target: str) -> None:
    """Remove a source kind added with `register` (tests)."""
    if target in _REGISTERED:
        _REGISTERED.remove(target)
    _loaded.pop(target, None)


def _load(target: str) -> SourceKind:
    if target not in _loaded:
        module, _, name = target.partition(":")
        kind = getattr(importlib.import_module(module), name)
        if not isinstance(kind, SourceKind):
            raise TypeError(f"{target} is not a SourceKind")
        _loaded[target] = kind
    return _loaded[target]


def kind_of(source: str) -> SourceKind:
    """The first registered kind that claims `source` (local files claim everything else)."""
    for target in _REGISTERED:
        kind = _load(target)
        if kind.claims(source):
            return kind
    raise LookupError(f"no source kind claims {source!r}")  # the file kind claims everything


def expand(sources: str | Path | Iterable[str | Path]) -> list[tuple[str, SourceKind]]:
    """Every single source, in order, once, with the kind that reads it."""
    if isinstance(sources, str | Path):
        sources = [sources]  # one source, not the characters of its name
    found: dict[str, SourceKind] = {}
    for source in sources:
        kind = kind_of(str(source))
        for single in kind.expand(str(source)):
            found.setdefault(single, kind)
    return list(found.items())
