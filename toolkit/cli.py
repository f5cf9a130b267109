"""The `toolkit` command. Each command parses options, calls one library function, renders its result."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import api, writers
from .errors import InputError, ToolkitError
from .render import render_gaps, render_pull
from .reports import formats as report_formats
from .reports.render_text import render_runs
from .round_text import render_rounds, rounds_line

F = TypeVar("F", bound=Callable[..., Any])


class ToolkitGroup(click.Group):
    """Every command, in every sub-group: a ToolkitError becomes 'Error: …' on stderr and exit 1."""

    group_class = type  # sub-groups are ToolkitGroups too

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ToolkitError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=ToolkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="collective-impact-toolkit")
def main() -> None:
    """Spreadsheet toolkit for collective-impact initiatives: generate partner workbooks,
    pull filled copies back, merge them, and flag gaps."""


# Sources stay text: files, folders, Google spreadsheet URLs or ids, manifests (Path would mangle a URL).
SOURCES = click.argument("sources", nargs=-1, required=True)
FORMATS = ["table", "json", "csv"]


def _config_option(required: bool) -> Callable[[F], F]:
    return click.option(
        "--config",
        "config",
        type=click.Path(dir_okay=False, path_type=Path),
        required=required,
        help="The initiative file (initiative.yaml).",
    )


HISTORY_OPTION = click.option(
    "--history",
    "history_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite history file (default: history.sqlite next to the initiative file).",
)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
def init(directory: Path) -> None:
    """Write a commented starter initiative.yaml into DIRECTORY."""
    path = api.init(directory)
    click.echo(f"{path}")


@main.command()
@_config_option(required=True)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write the workbooks into (--backend xlsx).",
)
@click.option(
    "--backend",
    type=click.Choice(writers.names()),
    default="xlsx",
    show_default=True,
    help="xlsx: workbooks in --out; gsheets: one Google spreadsheet per partner, shared with that partner.",
)
@click.option("--no-progress", is_flag=True, help="No progress bar (gsheets).")
@click.option(
    "--create-folder",
    is_flag=True,
    help="gsheets: create the Drive folder (named after the initiative) and record it in the manifest.",
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
def generate(
    config: Path,
    out: Path | None,
    backend: str,
    no_progress: bool,
    language: str | None,
    prefill: Path | None,
    partners: tuple[str, ...],
    create_folder: bool,
) -> None:
    """Write one workbook per partner: Excel files (and a blank copy) into OUT, or Google spreadsheets."""
    initiative = api.load_initiative(config)
    fr = (language or initiative.language) == "fr"
    if backend == "xlsx" and out is None:
        raise click.UsageError("--out is required with --backend xlsx")
    made = api.generate(
        initiative,
        out,
        backend=backend,
        language="en" if language == "en" else "fr" if language == "fr" else None,
        partners=partners,
        prefill=prefill,
        progress=not no_progress,
        settings={"create_folder": True} if create_folder else None,
    )
    if backend == "gsheets":
        for shared in made:
            click.echo(f"{shared.partner_id}\t{shared.where}")
            for notice in getattr(shared, "notices", lambda _: [])(initiative.language):
                click.echo(f"  ! {notice}", err=True)
        manifest = initiative.google.manifest
        click.echo(
            f"{len(made)} classeurs Google partagés; manifeste : {manifest}"
            if fr
            else f"{len(made)} Google spreadsheets shared; manifest: {manifest}"
        )
        return
    for copy in made:
        click.echo(copy.where)
    click.echo(
        f"{len(made)} classeurs écrits dans {out}" if fr else f"{len(made)} workbooks written to {out}"
    )


def _require_copies(pulled: api.PullResult, sources: tuple[str, ...]) -> None:
    """No usable copy at all is a mistake (a mistyped or empty folder): say why and exit 1."""
    if pulled.submissions:
        return
    fr = pulled.language == "fr"
    if not pulled.errors:
        given = ", ".join(sources)
        raise InputError(f"aucun fichier dans {given}" if fr else f"no file in {given}")
    reasons = "; ".join(
        f"{e.source} : {e.message}" if fr else f"{e.source}: {e.message}" for e in pulled.errors[:5]
    )
    more = len(pulled.errors) - 5
    if more > 0:
        reasons += f" (+ {more})"
    raise InputError(f"aucune copie lisible — {reasons}" if fr else f"no readable copy — {reasons}")


@main.command()
@SOURCES
@_config_option(required=False)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def pull(sources: tuple[str, ...], config: Path | None, fmt: str) -> None:
    """Read filled copies (files and folders) back: completion and problems per copy."""
    initiative = api.load_initiative(config) if config else None
    result = api.pull(sources, initiative)
    _require_copies(result, sources)
    click.echo(render_pull(result, fmt, initiative).rstrip("\n"))


@main.command()
@SOURCES
@_config_option(required=True)
@click.option(
    "--out",
    "out",
    required=True,
    help="The master workbook to write (.xlsx), or gsheets: for a new Google spreadsheet.",
)
@click.option(
    "--previous",
    default=None,
    help="Last round's master: each partner keeps its answers there unless it changed them "
    "(default: the last master recorded in the history).",
)
@HISTORY_OPTION
def merge(
    sources: tuple[str, ...], config: Path, out: str, previous: str | None, history_file: Path | None
) -> None:
    """Merge partner copies into one master workbook with a Contributions tab."""
    initiative = api.load_initiative(config)
    pulled = api.pull(sources, initiative)
    _require_copies(pulled, sources)
    history_path = history_file or initiative.history_path
    merged = api.merge(pulled, initiative, previous=previous, history=history_path)
    where = api.write_master(merged, out, history=history_path)
    fr = initiative.language == "fr"
    click.echo(rounds_line(merged, fr))
    click.echo(
        f"{'Classeur maître écrit :' if fr else 'Master written:'} {where} "
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
def gaps(sources: tuple[str, ...], config: Path, fmt: str, fail_on_gaps: bool) -> None:
    """List what is missing or wrong: unanswered partners, empty cells, ownerless roles, invalid values."""
    initiative = api.load_initiative(config)
    report = api.find_gaps(sources, initiative)
    click.echo(render_gaps(report, fmt, initiative.language).rstrip("\n"))
    if fail_on_gaps and report.has_errors:
        sys.exit(1)


@main.command()
@SOURCES
@_config_option(required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(report_formats.names()),
    default=None,
    help="html, text, md, json or xlsx (default: from --out's suffix, else text).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report here (atomically) instead of printing it.",
)
@HISTORY_OPTION
@click.option("--no-record", is_flag=True, help="Compare with the history without adding this run.")
@click.option("--label", default=None, help="A label stored with this run in the history.")
@click.option("--fail-on-gaps", is_flag=True, help="Exit with 1 when an error-severity gap remains.")
@click.option(
    "--email",
    "email",
    is_flag=True,
    help="Email the report (HTML and text, charts inline, XLSX and JSON attached) to the coordinator "
    "(smtp section of the initiative file). On failure the report is still written; exit code 3.",
)
@click.option(
    "--remind",
    is_flag=True,
    help="Email each partner with gaps what is still missing in their copy (exit code 3 if sending fails).",
)
def report(
    sources: tuple[str, ...],
    config: Path,
    fmt: str | None,
    out: Path | None,
    history_file: Path | None,
    no_record: bool,
    label: str | None,
    fail_on_gaps: bool,
    email: bool,
    remind: bool,
) -> None:
    """The weekly report: who answered, what is missing, ownerless roles, what changed since last time."""
    chosen = fmt or (report_formats.format_for_path(out).name if out else "text")  # refused before any work
    if out is None and not report_formats.report_format(chosen).printable:
        raise click.UsageError(f"--format {chosen} needs --out FILE")
    initiative = api.load_initiative(config)
    result = api.build_report(
        api.pull(sources, initiative),
        initiative,
        history_path=history_file,
        record=not no_record,
        label=label,
    )
    if out is not None:
        result.write(out, chosen)
        click.echo(str(out))
    else:
        click.echo(result.render(chosen).decode("utf-8").rstrip("\n"))
    if email or remind:
        _send_report(result, email=email, remind=remind)
    if fail_on_gaps and result.gaps.has_errors:
        sys.exit(1)


EXIT_EMAIL = 3  # the report is on disk but sending failed (scripts/weekly_gap_report.sh relies on it)


def _send_report(result: api.Report, *, email: bool, remind: bool) -> None:
    """Send after writing: any failure here (settings, password variable, server) exits 3, not 1."""
    initiative = result.initiative
    try:
        if email:
            accepted = api.send_report(result)
            click.echo(f"Email: {', '.join(accepted)}", err=True)
        if remind:
            today = api.local_day(result.generated, initiative)
            reminders = api.build_reminders(result.gaps, initiative, today=today)
            sent = api.send_reminders(reminders, initiative)
            click.echo(f"Reminders: {len(sent)} sent", err=True)
            for skipped in (r for r in reminders if not r.recipients):
                click.echo(f"Reminder not sent (no email): {skipped.partner_name}", err=True)
    except ToolkitError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_EMAIL)


@main.command()
@_config_option(required=True)
@HISTORY_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def history(config: Path, history_file: Path | None, fmt: str) -> None:
    """List past report runs, oldest first."""
    initiative = api.load_initiative(config)
    path = history_file or initiative.history_path
    runs = api.History(path).list_runs(initiative.id) if path else []
    click.echo(render_runs(runs, fmt, initiative.language))
    masters = api.History(path).masters(initiative.id) if path else []
    if fmt == "table" and masters:
        click.echo("\n" + render_rounds(masters, initiative.language))


@main.group()
def auth() -> None:
    """Sign in to outside services (Google)."""


@auth.command("google")
@_config_option(required=True)
def auth_google(config: Path) -> None:
    """Open Google's consent page once; the token is cached (never printed) in your configuration folder."""
    initiative = api.load_initiative(config)
    result = api.authorize_google(initiative.google)
    fr = initiative.language == "fr"
    if result.kind == "service_account":
        click.echo(f"{'Compte de service, clé :' if fr else 'Service account, key:'} {result.source}")
    else:
        click.echo(f"{'Jeton Google enregistré dans' if fr else 'Google token saved to'} {result.source}")


# --- Design workbooks: worksheets designed in a spreadsheet (toolkit/design/) ----------------------

LANG_OPTION = click.option(
    "--lang",
    "language",
    type=click.Choice(["fr", "en"]),
    default=None,
    help="Language of tab names, columns and messages (default: the design's or initiative's, else French).",
)


@main.group()
def template() -> None:
    """Design worksheets in a spreadsheet: new, export, import, preview."""


@template.command("new")
@click.argument("name")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@LANG_OPTION
def template_new(name: str, out: Path, language: str | None) -> None:
    """Write a design workbook for a new worksheet NAME (an example line on every tab)."""
    path = api.template_new(name, out, language=language or "fr")  # type: ignore[arg-type]
    click.echo(str(path))


@template.command("export")
@click.argument("worksheet_id", metavar="ID")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@_config_option(required=False)
@LANG_OPTION
def template_export(worksheet_id: str, out: Path, config: Path | None, language: str | None) -> None:
    """Write worksheet ID (built in, or the initiative's with --config) as a design workbook."""
    path = api.template_export(worksheet_id, out, language=language, initiative=config)  # type: ignore[arg-type]
    click.echo(str(path))


@template.command("import")
@click.argument("design", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default=None,
    help="A folder, or a file named ID.yaml (default: workbook_templates/).",
)
@LANG_OPTION
def template_import(design: Path, out: Path | None, language: str | None) -> None:
    """Check a design workbook (.xlsx, .ods) and write the worksheet template; nothing on any problem."""
    result = api.template_import(design, out, language=language)  # type: ignore[arg-type]
    fr = result.language == "fr"
    w = result.worksheet
    if not result.changed:
        click.echo(
            f"{result.path} : inchangé (version {w.version})"
            if fr
            else f"{result.path}: unchanged (version {w.version})"
        )
    elif result.previous_version is not None and result.previous_version != w.version:
        click.echo(
            f"{result.path} : version {result.previous_version} → {w.version}"
            if fr
            else f"{result.path}: version {result.previous_version} → {w.version}"
        )
    else:
        click.echo(f"{result.path} (version {w.version})")


@template.command("preview")
@click.argument("design", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help=".pdf or .png (through LibreOffice), or .xlsx: the blank copy a partner would receive.",
)
@LANG_OPTION
def template_preview(design: Path, out: Path, language: str | None) -> None:
    """Show a designed worksheet as partners will see it, before anyone receives it."""
    click.echo(str(api.template_preview(design, out, language=language)))  # type: ignore[arg-type]
