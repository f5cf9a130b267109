"""Report formats: one registry mapping a format name and its file suffixes to a renderer.

An unknown format or suffix is an error listing the supported ones (never a silent fallback).
Adding a format is one renderer module plus one `register(ReportFormat(…))` line.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ConfigError
from ..language import user_language
from ..problems import output_message
from ..text import Language

if TYPE_CHECKING:
    from .model import ImageMode, Report

Renderer = Callable[["Report", "ImageMode"], bytes]


@dataclass(frozen=True)
class ReportFormat:
    """One report format: its name, file suffixes and renderer."""

    name: str
    suffixes: tuple[str, ...]
    renderer: str  # "package.module:function", imported on first use (matplotlib, openpyxl are heavy)
    printable: bool = True  # can be printed on a terminal (text, not bytes of a binary file)

    def render(self, report: Report, images: ImageMode = "data") -> bytes:
        module, _, name = self.renderer.partition(":")
        function: Renderer = getattr(importlib.import_module(module), name)
        return function(report, images)


_FORMATS: dict[str, ReportFormat] = {}


def register(fmt: ReportFormat) -> None:
    """Add (or replace) a report format."""
    _FORMATS[fmt.name] = fmt


def unregister(name: str) -> None:
    """Remove a report format (tests)."""
    _FORMATS.pop(name, None)


def names() -> list[str]:
    """The registered formats' names, for `report --format`."""
    return list(_FORMATS)


def report_format(name: str) -> ReportFormat:
    """The format called `name`; an unknown one is an error listing the supported ones."""
    if name not in _FORMATS:
        raise ConfigError(f"unknown report format {name!r}; supported: {', '.join(_FORMATS)}")
    return _FORMATS[name]


def format_for_path(path: Path | str, language: Language | None = None) -> ReportFormat:
    """The format a file name asks for by its suffix; an unknown suffix lists the supported ones
    (in `language`, else the user's)."""
    suffix = Path(path).suffix.lower()
    for fmt in _FORMATS.values():
        if suffix in fmt.suffixes:
            return fmt
    supported = ", ".join(s for f in _FORMATS.values() for s in f.suffixes)
    language = language or user_language()
    raise ConfigError(output_message("unsupported_output", language, path=str(path), supported=supported))


register(ReportFormat("html", (".html", ".htm"), "toolkit.reports.render_html:html_bytes"))
register(ReportFormat("text", (".txt",), "toolkit.reports.render_text:text_bytes"))
register(ReportFormat("md", (".md",), "toolkit.reports.render_text:markdown_bytes"))
register(ReportFormat("json", (".json",), "toolkit.reports.model:json_bytes"))
register(ReportFormat("xlsx", (".xlsx",), "toolkit.reports.render_xlsx:xlsx_bytes", printable=False))
register(ReportFormat("pdf", (".pdf",), "toolkit.reports.render_pdf:pdf_bytes", printable=False))
