"""Where pull's and gaps' text goes: the terminal or an --out file, and in which CSV dialect.

A CSV for Excel gets the UTF-8 byte-order mark Excel needs to read accents, in a file (--out, or the
terminal's output sent to a file with `> ecarts.csv`), never on a terminal screen where it is noise.
It is written as bytes: Windows would otherwise encode a redirected output in its ANSI code page.
The machine dialect and the other formats are written exactly as before.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from .cli_language import cli_language
from .config_messages import say
from .csv_out import BOM, DIALECTS
from .files import atomic_write
from .text import Language

DIALECT = click.option(
    "--dialect",
    type=click.Choice(DIALECTS),
    default="excel",
    show_default=True,
)  # its help, and --out's, in French and English: toolkit/cli_help.py
OUT = click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
)
SUFFIXES = {".csv": "csv", ".json": "json", ".md": "md", ".txt": "table"}


def chosen_format(fmt: str | None, out: Path | None, formats: Sequence[str]) -> str:
    """--format, else the --out suffix's format, else table; a suffix that says otherwise is refused."""
    if out is None:
        return fmt or "table"
    supported = [s for s, f in SUFFIXES.items() if f in formats]
    by_suffix = SUFFIXES.get(out.suffix.lower(), "")
    if by_suffix not in formats:
        raise click.UsageError(say("out_suffix", cli_language(), out=out, supported=", ".join(supported)))
    if fmt is not None and fmt != by_suffix:
        raise click.UsageError(say("out_format", cli_language(), out=out, suffix=by_suffix, format=fmt))
    return by_suffix


def emit(
    text: str,
    *,
    for_excel: bool,
    out: Path | None,
    language: Language,
) -> None:
    """Print `text`, or write it to `out` (checked by the command with api.check_output before any work)."""
    if out is None and not for_excel:
        click.echo(text.rstrip("\n"))  # byte for byte what these commands always printed
        return
    ending = "\r\n" if for_excel else "\n"
    body = text.rstrip("\r\n") + ending
    if out is None:
        if sys.stdout.isatty():  # a screen: click writes Unicode to any console
            click.echo(body, nl=False)
        else:
            click.echo((BOM + body).encode("utf-8"), nl=False)
        return
    atomic_write(out, ((BOM if for_excel else "") + body).encode("utf-8"), language)
    click.echo(str(out))
