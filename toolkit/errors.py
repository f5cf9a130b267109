"""One exception hierarchy. The CLI catches ToolkitError once: "Error: …", exit 1.

Problems found in partners' data (gaps, invalid values, changed structure) are
results, not exceptions; these classes are for input the toolkit cannot use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .problems import OutputCode, SourceCode
    from .text import Language


class ToolkitError(Exception):
    """Base of every error the toolkit raises on purpose."""

    language: Language | None = None  # the message's language when known (the CLI words "Error:" alike)


class InputError(ToolkitError):
    """A file the coordinator wrote (template, kit, initiative) is unusable."""


class TemplateError(InputError):
    """A worksheet template or workbook kit is missing or invalid."""


class ConfigError(InputError):
    """The initiative file is missing or invalid."""


class SourceError(ToolkitError):
    """A returned copy cannot be read; the run names it and goes on with the others.

    `code` is stable (declared in problems.py); `detail` is a short English
    fact for logs; `source` names the file or spreadsheet.
    """

    def __init__(self, source: str, code: SourceCode, detail: str = "") -> None:
        self.source = source
        self.code = code
        self.detail = detail
        super().__init__(f"{source}: {code}" + (f" ({detail})" if detail else ""))


class BackendError(ToolkitError):
    """Writing a workbook or talking to a remote service failed."""


class OutputRefused(ToolkitError):
    """An output would overwrite a source or a partner's copy: nothing is written.

    `code` is stable (declared in problems.py); the message is in the initiative's language."""

    def __init__(self, path: str, code: OutputCode, message: str) -> None:
        self.path = path
        self.code = code
        super().__init__(message)
