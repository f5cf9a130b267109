"""The language the command line speaks: the initiative's, else the user's (TOOLKIT_LANG, LANG …).

Chosen once per run, before click parses anything (so `--help` and click's own usage errors follow it),
and held in a context variable the help formatter, click's words and the error handler read."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from .errors import ConfigError, ToolkitError
from .initiative import find_initiative_file
from .language import user_language
from .text import LANGUAGES, Language
from .yamlfile import read_yaml

_SPEAKING: ContextVar[Language | None] = ContextVar("toolkit_cli_language", default=None)


def cli_language() -> Language:
    """The language of this run (set by `speaking`), else the user's."""
    return _SPEAKING.get() or user_language()


def chosen_language() -> Language | None:
    """The language a run (or a caller: the documentation generator, a test) has chosen, if any."""
    return _SPEAKING.get()


@contextmanager
def speaking(language: Language) -> Iterator[None]:
    """Everything the command line says inside this block is in `language`."""
    token = _SPEAKING.set(language)
    try:
        yield
    finally:
        _SPEAKING.reset(token)


def detect_language(args: Sequence[str], cwd: Path) -> Language:
    """The initiative's `language` (from --config, else initiative.yaml here or above), else the user's.

    Only the one setting is read: a broken or missing file is the command's to report, in this language."""
    config = _config_argument(args)
    try:
        path = Path(config) if config else find_initiative_file(cwd)
        data = read_yaml(path, ConfigError)
    except (ToolkitError, OSError, ValueError):
        return user_language()
    language = data.get("language") if isinstance(data, dict) else None
    return next((known for known in LANGUAGES if known == language), user_language())


def _config_argument(args: Sequence[str]) -> str | None:
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--config" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--config="):
            return arg.partition("=")[2]
    return None
