"""The `toolkit` command. Each command parses options, calls one library function, renders its result."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import api, writers
from .config_messages import say
from .errors import ConfigError, InputError, ToolkitError
from .files import atomic_write
from .french import plural
from .gaps import KINDS
from .initiative import find_initiative_file
from .language import user_language
from .mail.collect import summary_lines as collect_summary
from .mail.send import summary as send_summary
from .render import UNREADABLE, printable, render_gaps, render_pull
from .reports import formats as report_formats
from .reports.gap_summary import filter_gaps, summarise_gaps
from .reports.render_text import render_runs
from .round_text import render_rounds, rounds_line
from .text import Language

F = TypeVar("F", bound=Callable[..., Any])


class ToolkitGroup(click.Group):
    """Every command, in every sub-group: a ToolkitError becomes 'Error: …' on stderr and exit 1."""

    group_class = type  # sub-groups are ToolkitGroups too

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ToolkitError as exc:
            click.echo(say("error", exc.language or user_language(), message=exc), err=True)
            sys.exit(1)


@click.group(cls=ToolkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="collective-impact-toolkit")
def main() -> None:
    """Spreadsheet toolkit for collective-impact initiatives: generate partner workbooks,
    pull filled copies back, merge them, and flag gaps."""


# Sources stay text: files, folders, Google spreadsheet URLs or ids, manifests (Path would mangle a URL).
SOURCES = click.argument("sources", nargs=-1, required=True)
FORMATS = ["table", "json", "csv"]
RAW_CSV = click.option(
    "--raw-csv",
    is_flag=True,
    help="With --format csv: write text exactly as typed, for programs. By default a cell starting with "
    "=, +, -, @, a tab or a carriage return gets a leading ' so Excel or LibreOffice cannot run it as a "
    "formula (CSV injection).",
)


def _config_option(required: bool) -> Callable[[F], F]:
    # `required` is kept for the commands' signatures: every command finds initiative.yaml by itself.
    return click.option(
        "--config",
        "config",
        type=click.Path(dir_okay=False, path_type=Path),
        required=False,
        help="The initiative file (initiative.yaml).",
    )


def _load(config: Path | None) -> api.Initiative:
    """The initiative from --config, else from initiative.yaml found upwards; warnings go to stderr."""
    path = config or find_initiative_file(Path.cwd())
    initiative = api.load_initiative(path)
    if config is None:
        click.echo(say("config_used", initiative.language, path=path), err=True)
    for warning in initiative.warnings:
        click.echo(say("warning", initiative.language, message=warning), err=True)
    return initiative


def _has_initiative_file() -> bool:
    try:
        find_initiative_file(Path.cwd())
    except ConfigError:
        return False
    return True


PARTNERS_OPTION = click.option(
    "--partner",
    "partners",
    multiple=True,
    metavar="ID",
    help="Only this partner (repeatable). Default: every partner.",
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
@click.option("--no-progress", is_flag=True, help="No progress bar.")
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
@PARTNERS_OPTION
@click.option(
    "--force",
    is_flag=True,
    help="Replace copies already in OUT that hold no answers (a backup is kept in OUT/.backup); "
    "a copy holding answers is never replaced.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes building the workbooks when there are many (xlsx; default: one per CPU).",
)
def generate(
    config: Path | None,
    out: Path | None,
    backend: str,
    no_progress: bool,
    language: str | None,
    prefill: Path | None,
    partners: tuple[str, ...],
    create_folder: bool,
    force: bool,
    jobs: int | None,
) -> None:
    """Write one workbook per partner: Excel files (and a blank copy) into OUT, or Google spreadsheets."""
    initiative = _load(config)
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
        force=force,
        jobs=jobs,
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
    kept = [c for c in made if getattr(c, "status", "written") == "kept"]
    for copy in made:
        message = getattr(copy, "message", "")
        if not any(copy is k for k in kept):
            click.echo(copy.where)
        if message:  # a copy kept, or replaced with a backup: said on stderr, never silent
            click.echo(f"⚠ {message}", err=True)
    written = len(made) - len(kept)
    click.echo(
        (f"{written} classeurs écrits dans {out}" if fr else f"{written} workbooks written to {out}")
        + ((f", {len(kept)} conservés" if fr else f", {len(kept)} kept") if kept else "")
    )


def _require_copies(pulled: api.PullResult, sources: tuple[str, ...]) -> None:
    """No usable copy at all is a mistake (a mistyped or empty folder): say why and exit 1."""
    if pulled.submissions:
        return
    fr = pulled.language == "fr"
    if not pulled.errors:
        given = ", ".join(sources)
        raise _in(pulled.language, InputError(f"aucun fichier dans {given}" if fr else f"no file in {given}"))
    reasons = "; ".join(
        f"{e.source} : {e.message}" if fr else f"{e.source}: {e.message}" for e in pulled.errors[:5]
    )
    more = len(pulled.errors) - 5
    if more > 0:
        reasons += f" (+ {more})"
    raise _in(
        pulled.language,
        InputError(f"aucune copie lisible — {reasons}" if fr else f"no readable copy — {reasons}"),
    )


def _in(language: Language, error: ToolkitError) -> ToolkitError:
    """The error, marked with its message's language (the CLI words "Erreur :" / "Error:" alike)."""
    error.language = language
    return error


@main.command()
@SOURCES
@_config_option(required=False)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@RAW_CSV
def pull(sources: tuple[str, ...], config: Path | None, fmt: str, raw_csv: bool) -> None:
    """Read filled copies (files and folders) back: completion and problems per copy."""
    initiative = _load(config) if config or _has_initiative_file() else None
    result = api.pull(sources, initiative)
    _require_copies(result, sources)
    click.echo(render_pull(result, fmt, initiative, raw_csv=raw_csv).rstrip("\n"))


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
    sources: tuple[str, ...], config: Path | None, out: str, previous: str | None, history_file: Path | None
) -> None:
    """Merge partner copies into one master workbook with a Contributions tab."""
    initiative = _load(config)
    if not out.startswith("gsheets:"):  # refused before any work: never over a source or a copy
        api.check_output(out, "master", sources=sources, initiative=initiative)
    pulled = api.pull(sources, initiative)
    _require_copies(pulled, sources)
    history_path = history_file or initiative.history_path
    merged = api.merge(pulled, initiative, previous=previous, history=history_path)
    where = api.write_master(merged, out, sources=[e.source for e in pulled.errors], history=history_path)
    fr = initiative.language == "fr"
    click.echo(rounds_line(merged, fr))
    click.echo(
        f"{'Classeur maître écrit :' if fr else 'Master written:'} {where} "
        + (
            f"({plural(len(merged.accepted), 'copie retenue')}, "
            f"{plural(len(merged.superseded), 'remplacée')}, "
            f"{plural(len(merged.duplicates), 'en double', 'en double')}, "
            f"{plural(len(merged.ignored), 'ignorée')})"
            if fr
            else f"({len(merged.accepted)} copies used, {len(merged.superseded)} superseded, "
            f"{len(merged.duplicates)} duplicates, {len(merged.ignored)} ignored)"
        )
        + (
            (
                f", {plural(len(merged.disputed), 'mise à part', 'mises à part')}"
                if fr
                else f", {len(merged.disputed)} kept apart"
            )
            if merged.disputed
            else ""
        )
    )
    for error in pulled.errors:
        click.echo(printable(f"✗ {error.source}: {error.message}"), err=True)
    for disputed in merged.disputed:
        click.echo(
            f"⚠ {disputed.source}: "
            + ("attribution contestée, mise à part" if fr else "disputed attribution, kept apart"),
            err=True,
        )


@main.command()
@SOURCES
@_config_option(required=True)
@click.option("--format", "fmt", type=click.Choice([*FORMATS, "md"]), default="table", show_default=True)
@RAW_CSV
@click.option(
    "--fail-on-gaps", is_flag=True, help="Exit with 1 when an error-severity gap or unreadable file exists."
)
@click.option("--details", is_flag=True, help="Also list every empty cell and every structure note (table).")
@PARTNERS_OPTION
@click.option("--severity", "severities", multiple=True, type=click.Choice(["error", "warning"]))
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice([*KINDS, UNREADABLE]),
    help="Only this kind (repeatable).",
)
def gaps(
    sources: tuple[str, ...],
    config: Path | None,
    fmt: str,
    raw_csv: bool,
    fail_on_gaps: bool,
    details: bool,
    partners: tuple[str, ...],
    severities: tuple[str, ...],
    kinds: tuple[str, ...],
) -> None:
    """List what is missing or wrong: unanswered partners, empty cells, ownerless roles, invalid values."""
    initiative = _load(config)
    for partner in partners:
        initiative.partner(partner)  # an unknown id is an error, not an empty list
    report = filter_gaps(
        api.find_gaps(sources, initiative), partners=partners, severities=severities, kinds=kinds
    )
    if fmt == "table":
        summary = summarise_gaps(
            report, initiative, details=details, partners=partners, partner_table=not (kinds or severities)
        )
        click.echo(summary.rstrip("\n"))
    else:
        click.echo(render_gaps(report, fmt, initiative.language, raw_csv=raw_csv).rstrip("\n"))
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
    help="Email each partner with gaps what is still missing in their copy, with the workbook again to "
    "those who sent nothing; not twice within 6 days (exit code 3 if sending fails).",
)
@click.option(
    "--dry-run",
    "dry_run",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="With --email or --remind: write each message as an .eml file in this folder; send nothing.",
)
@click.option(
    "--force", is_flag=True, help="With --remind: remind even partners reminded less than 6 days ago."
)
def report(
    sources: tuple[str, ...],
    config: Path | None,
    fmt: str | None,
    out: Path | None,
    history_file: Path | None,
    no_record: bool,
    label: str | None,
    fail_on_gaps: bool,
    email: bool,
    remind: bool,
    dry_run: Path | None,
    force: bool,
) -> None:
    """The weekly report: who answered, what is missing, ownerless roles, what changed since last time."""
    chosen = fmt or (report_formats.format_for_path(out).name if out else "text")  # refused before any work
    if out is None and not report_formats.report_format(chosen).printable:
        raise click.UsageError(f"--format {chosen} needs --out FILE")
    initiative = _load(config)
    if out is not None:  # refused before any work (and before the history records a run)
        api.check_output(out, "report", sources=sources, initiative=initiative)
    result = api.build_report(
        api.pull(sources, initiative),
        initiative,
        history_path=history_file,
        record=not no_record,
        label=label,
    )
    # Write what can be written: the report when the history cannot be, the history (already recorded)
    # and the email when the report file cannot be; then say every failure and exit 1.
    failures = list(result.history_failures)
    if out is not None:
        try:
            result.write(out, chosen)
            click.echo(str(out))
        except ToolkitError as exc:
            failures.append(str(exc))
    else:
        click.echo(result.render(chosen).decode("utf-8").rstrip("\n"))
    for failure in failures:
        click.echo(say("error", initiative.language, message=failure), err=True)
    if email or remind:
        _send_report(result, email=email, remind=remind, dry_run=dry_run, force=force)
    if failures or (fail_on_gaps and result.gaps.has_errors):
        sys.exit(1)


EXIT_EMAIL = 3  # the report is on disk but sending failed (scripts/weekly_gap_report.sh relies on it)


def _send_report(result: api.Report, *, email: bool, remind: bool, dry_run: Path | None, force: bool) -> None:
    """Send after writing: any failure here (settings, password variable, server) exits 3, not 1."""
    initiative = result.initiative
    failed = False
    fr = initiative.language == "fr"
    try:
        if email and dry_run is not None:
            path = dry_run / "00-report.eml"
            atomic_write(path, bytes(api.report_email(result)))
            click.echo(f"Email: {path}", err=True)
        elif email:
            accepted = api.send_report(result)
            addresses = ", ".join(accepted)
            click.echo(f"Rapport envoyé à : {addresses}" if fr else f"Report sent to: {addresses}", err=True)
        if remind:
            outcomes = api.remind(result, dry_run=dry_run, force=force)
            for outcome in outcomes:
                click.echo(outcome.line, err=True)
            click.echo(send_summary(outcomes, initiative.language, dry_run), err=True)
            failed = any(o.status == "failed" for o in outcomes)
    except ToolkitError as exc:
        click.echo(say("error", initiative.language, message=exc), err=True)
        sys.exit(EXIT_EMAIL)
    if failed:
        sys.exit(EXIT_EMAIL)


@main.command()
@_config_option(required=True)
@PARTNERS_OPTION
@click.option(
    "--dry-run",
    "dry_run",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write each message as an .eml file in this folder (open them in a mail client); send nothing.",
)
@click.option("--force", is_flag=True, help="Send even to partners who already got their copy this round.")
@click.option(
    "--prefill",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Start the copies from this master workbook (as generate --prefill).",
)
def send(
    partners: tuple[str, ...], config: Path | None, dry_run: Path | None, force: bool, prefill: Path | None
) -> None:
    """Email each partner its own workbook (Google partners: their link), in the initiative's language.

    Replies to these messages are what `toolkit collect` picks up. Exit code 3 when some failed."""
    initiative = _load(config)
    outcomes = api.send_copies(initiative, partners=partners, dry_run=dry_run, force=force, prefill=prefill)
    for outcome in outcomes:
        click.echo(outcome.line)
    click.echo(send_summary(outcomes, initiative.language, dry_run))
    if any(o.status == "failed" for o in outcomes):
        sys.exit(EXIT_EMAIL)


@main.command()
@_config_option(required=True)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The returns folder: each spreadsheet attachment is saved there, its provenance beside it.",
)
def collect(config: Path | None, out: Path) -> None:
    """Save the spreadsheets partners sent back by email (IMAP mailbox of the collect section) into OUT.

    Collected messages are flagged (or moved to collect.processed_folder), never deleted; running it
    again saves nothing twice. Then run `toolkit report OUT …`."""
    initiative = _load(config)
    result = api.collect(initiative, out)
    for line in collect_summary(result, initiative.language):
        click.echo(line)


@main.command()
@_config_option(required=True)
@HISTORY_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def history(config: Path | None, history_file: Path | None, fmt: str) -> None:
    """List past report runs, oldest first."""
    initiative = _load(config)
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
def auth_google(config: Path | None) -> None:
    """Open Google's consent page once; the token is cached (never printed) in your configuration folder."""
    initiative = _load(config)
    mail = initiative.collect is not None and initiative.collect.auth == "google"
    result = api.authorize_google(initiative.google, mail=mail)
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
