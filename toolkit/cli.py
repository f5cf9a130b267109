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
from .render import render_gaps, render_pull

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
    "--prefill",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Start from this master workbook (next round): partners update rather than start over.",
)
@click.option(
    "--partner",
    "partners",
    multiple=True,
    metavar="ID",
    help="Only this partner (repeatable). Default: every partner.",
)
@reports_errors
def generate(
    config: Path, out: Path, language: str | None, prefill: Path | None, partners: tuple[str, ...]
) -> None:
    """Write one Excel workbook per partner, and a blank copy, into OUT."""
    initiative = api.load_initiative(config)
    copies = api.generate(
        initiative,
        out,
        language=language,  # type: ignore[arg-type]
        partners=partners,
        prefill=prefill,
    )
    for copy in copies:
        click.echo(str(copy.path))
    language = language or initiative.language
    if language == "fr":
        click.echo(f"{len(copies)} classeurs écrits dans {out}")
    else:
        click.echo(f"{len(copies)} workbooks written to {out}")


SOURCES = click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
FORMATS = ["table", "json", "csv"]


def _config_option(required: bool) -> Callable[[F], F]:
    return click.option(
        "--config",
        "config",
        type=click.Path(dir_okay=False, path_type=Path),
        required=required,
        help="The initiative file (initiative.yaml).",
    )


@main.command()
@SOURCES
@_config_option(required=False)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@reports_errors
def pull(sources: tuple[Path, ...], config: Path | None, fmt: str) -> None:
    """Read filled copies (files and folders) back: completion and problems per copy."""
    initiative = api.load_initiative(config) if config else None
    result = api.pull(sources, initiative)
    click.echo(render_pull(result, fmt).rstrip("\n"))


@main.command()
@SOURCES
@_config_option(required=True)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The master workbook to write (.xlsx).",
)
@reports_errors
def merge(sources: tuple[Path, ...], config: Path, out: Path) -> None:
    """Merge partner copies into one master workbook with a Contributions tab."""
    initiative = api.load_initiative(config)
    pulled = api.pull(sources, initiative)
    merged = api.merge(pulled, initiative, out=out)
    fr = initiative.language == "fr"
    click.echo(
        f"{'Classeur maître écrit :' if fr else 'Master written:'} {out} "
        + (
            f"({len(merged.accepted)} copies retenues, {len(merged.superseded)} remplacées, "
            f"{len(merged.duplicates)} en double, {len(merged.ignored)} ignorées)"
            if fr
            else f"({len(merged.accepted)} copies used, {len(merged.superseded)} superseded, "
            f"{len(merged.duplicates)} duplicates, {len(merged.ignored)} ignored)"
        )
    )
    for error in pulled.errors:
        click.echo(f"✗ {error.source}: {error.message}", err=True)


@main.command()
@SOURCES
@_config_option(required=True)
@click.option("--format", "fmt", type=click.Choice([*FORMATS, "md"]), default="table", show_default=True)
@click.option(
    "--fail-on-gaps", is_flag=True, help="Exit with 1 when an error-severity gap or unreadable file exists."
)
@reports_errors
def gaps(sources: tuple[Path, ...], config: Path, fmt: str, fail_on_gaps: bool) -> None:
    """List what is missing or wrong: unanswered partners, empty cells, ownerless roles, invalid values."""
    initiative = api.load_initiative(config)
    report = api.find_gaps(sources, initiative)
    click.echo(render_gaps(report, fmt, initiative.language).rstrip("\n"))
    if fail_on_gaps and report.has_errors:
        sys.exit(1)
