"""The `toolkit` command. Each command parses options, calls one library function, renders its result."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import api
from .errors import ToolkitError

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(command: F) -> F:
    """Turn a ToolkitError into 'Error: …' on stderr and exit code 1 (no traceback)."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ToolkitError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="collective-impact-toolkit")
def main() -> None:
    """Spreadsheet toolkit for collective-impact initiatives: generate partner workbooks,
    pull filled copies back, merge them, and flag gaps."""


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@reports_errors
def init(directory: Path) -> None:
    """Write a commented starter initiative.yaml into DIRECTORY."""
    path = api.init(directory)
    click.echo(f"{path}")


@main.command()
@click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The initiative file (initiative.yaml).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the workbooks into.",
)
@click.option(
    "--lang",
    "language",
    type=click.Choice(["fr", "en"]),
    default=None,
    help="Language of the workbooks (default: the initiative's).",
)
@click.option(
    "--partner",
    "partners",
    multiple=True,
    metavar="ID",
    help="Only this partner (repeatable). Default: every partner.",
)
@reports_errors
def generate(config: Path, out: Path, language: str | None, partners: tuple[str, ...]) -> None:
    """Write one Excel workbook per partner, and a blank copy, into OUT."""
    initiative = api.load_initiative(config)
    copies = api.generate(initiative, out, language=language, partners=partners)  # type: ignore[arg-type]
    for copy in copies:
        click.echo(str(copy.path))
    language = language or initiative.language
    if language == "fr":
        click.echo(f"{len(copies)} classeurs écrits dans {out}")
    else:
        click.echo(f"{len(copies)} workbooks written to {out}")
