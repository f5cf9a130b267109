"""Where workbooks go: one registry of writers (Excel files, Google Sheets, …), loaded on first use.

A writer writes a generate run's copies (`write_copies`) and a master (`write_master`). Copies are
asked for by name (`generate --backend NAME`); a master's target says which writer it wants
(`master.xlsx`, `gsheets:`), and a target no writer claims is an error listing the ones that exist.

Adding a writer is one module defining `WRITER = Writer(…)` plus one line in `_REGISTERED`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .errors import ConfigError
from .generate import CopyPlan
from .initiative import Initiative
from .language import user_language
from .problems import output_message
from .spec import WorkbookSpec
from .text import CELL_LIMIT, Language


class WrittenCopy(Protocol):
    """What a writer reports for each copy: whose it is and where it went (a path or a URL)."""

    @property
    def partner_id(self) -> str | None: ...

    @property
    def where(self) -> str: ...


@dataclass(frozen=True)
class WriteOptions:
    """What writers may need from the caller: a progress bar or not, clients for remote services."""

    progress: bool = True  # a progress bar on a terminal, for slow writers
    clients: Mapping[str, object] = field(default_factory=dict)  # writer name -> client (tests, scripts)
    settings: Mapping[str, object] = field(default_factory=dict)  # writer-specific (gsheets: create_folder)
    force: bool = False  # replace unfilled copies already there (a backup is kept); never filled ones
    jobs: int | None = None  # worker processes for a writer that can use them; None: one per CPU


@dataclass(frozen=True)
class Writer:
    """One writer: its name, the master targets it claims, and how it writes copies and masters."""

    name: str
    description: str  # one line for --help
    targets: str  # how a master target names this writer, for error messages ('.xlsx', 'gsheets:')
    claims_target: Callable[[str], bool]
    write_copies: Callable[[CopyPlan, str | None, WriteOptions], Sequence[WrittenCopy]]
    write_master: Callable[[Initiative, WorkbookSpec, str, WriteOptions], str]  # returns where it went
    # text longer than this is split by master_spec (Contributions continuation rows); None: the writer
    # keeps long text whole its own way (Google's "Texte intégral" tab)
    cell_limit: int | None = CELL_LIMIT


_REGISTERED: dict[str, str] = {
    "xlsx": "toolkit.backends.xlsx:WRITER",
    "gsheets": "toolkit.backends.gsheets.writer:WRITER",
}
_loaded: dict[str, Writer] = {}


def register(name: str, target: str) -> None:
    """Add a writer, given as "package.module:NAME"."""
    _REGISTERED[name] = target


def unregister(name: str) -> None:
    """Remove a writer (tests)."""
    _REGISTERED.pop(name, None)
    _loaded.pop(name, None)


def names() -> list[str]:
    """The registered writers' names, for `generate --backend`."""
    return list(_REGISTERED)


def writer(name: str) -> Writer:
    """The writer called `name`, loaded on first use; an unknown name lists the available ones."""
    if name not in _REGISTERED:
        raise ConfigError(f"unknown backend {name!r}; available: {', '.join(_REGISTERED)}")
    if name not in _loaded:
        module, _, attribute = _REGISTERED[name].partition(":")
        _loaded[name] = getattr(importlib.import_module(module), attribute)
    return _loaded[name]


def writer_for_target(target: str, language: Language | None = None) -> Writer:
    """The writer a master target asks for; an unsupported one is an error naming every supported form."""
    for name in _REGISTERED:
        found = writer(name)
        if found.claims_target(target):
            return found
    supported = ", ".join(writer(name).targets for name in _REGISTERED)
    language = language or user_language()
    raise ConfigError(output_message("unsupported_output", language, path=target, supported=supported))
