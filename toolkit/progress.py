"""Progress on stderr for the long stages of a command over many copies (merge, report): a tqdm bar
that moves on stage by stage, shown only when stderr is a terminal (never in a pipe, a log or a test).

An edge module: the pure core never imports it (it takes no callback either: the stages are marked
here, between the core's calls, by api.py and cli.py).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from .text import Language, Text

PROGRESS_FROM = 50  # copies from which a bar shows (as pull's)

COMBINE = Text("fusion des copies", "combining the copies")
MASTER = Text("contenu du classeur maître", "the master's content")
WRITE = Text("écriture du classeur maître", "writing the master")
GAPS = Text("réponses manquantes", "gaps")
HISTORY = Text("historique", "history")
RENDER = Text("mise en page du rapport", "rendering the report")
STEP = Text(" étape", " step")
COPY = Text(" copie", " copy")


def on_terminal() -> bool:
    """Whether stderr is a terminal someone watches (tests replace this)."""
    return sys.stderr.isatty()


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def copies_bar(name: str, total: int, language: Language, *, enabled: bool = True, leave: bool = True) -> Any:
    """A tqdm bar on stderr counting copies (`update(n)`, `close()`), or one that does nothing unless
    `enabled` (the caller's threshold and switch) and stderr is a terminal."""
    if not enabled or not on_terminal():
        return _NoBar()
    tqdm: Any = importlib.import_module("tqdm").tqdm  # untyped
    return tqdm(total=total, desc=name, unit=COPY(language), file=sys.stderr, leave=leave)


class Stages:
    """`with Stages("merge", [COMBINE, WRITE], copies, language) as bar: bar.start(COMBINE) …`:
    each start() completes the stage before it; leaving the block completes the last one."""

    def __init__(
        self, name: str, stages: Sequence[Text], copies: int, language: Language, enabled: bool = True
    ) -> None:
        self.language = language
        self._bar: Any = None
        self._started = False
        if enabled and copies >= PROGRESS_FROM and on_terminal():
            tqdm: Any = importlib.import_module("tqdm").tqdm  # untyped
            self._bar = tqdm(total=len(stages), desc=name, unit=STEP(language), file=sys.stderr, leave=False)

    def start(self, stage: Text) -> None:
        if self._bar is None:
            return
        if self._started:
            self._bar.update()
        self._started = True
        self._bar.set_postfix_str(stage(self.language))

    def __enter__(self) -> Stages:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._bar is not None:
            if kind is None and self._started:
                self._bar.update()
            self._bar.close()
