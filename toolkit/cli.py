"""The `toolkit` command. Each command parses options, calls one library function, renders its result."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import api, cli_click, writers
from .cli_format import HelpGroup
from .cli_language import cli_language
from .cli_out import DIALECT, OUT, chosen_format, emit
from .config_messages import say
from .errors import ConfigError, InputError, ToolkitError
from .files import atomic_write
from .french import plural
from .gaps import KINDS
from .initiative import find_initiative_file
from .mail.collect import summary_lines as collect_summary
from .mail.send import summary as send_summary
from .progress import COMBINE, GAPS, HISTORY, RENDER, Stages
from .render import UNREADABLE, printable, render_gaps, render_pull
from .reports import formats as report_formats
from .reports.gap_summary import filter_gaps, summarise_gaps
from .reports.render_text import render_runs
from .round_text import render_rounds, rounds_line
from .text import Language

F = TypeVar("F", bound=Callable[..., Any])


cli_click.install()  # click's own words ("Usage:", "No such option") follow the run's language


class ToolkitGroup(HelpGroup):
    """Every command, in every sub-group: a ToolkitError becomes 'Error: …' on stderr and exit 1.

    Help texts, option help and examples are in toolkit/cli_help.py, in French and English."""

    group_class = type  # sub-groups are ToolkitGroups too

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ToolkitError as exc:
            click.echo(say("error", exc.language or cli_language(), message=exc), err=True)
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
)


def _config_option(required: bool) -> Callable[[F], F]:
    # `required` is kept for the commands' signatures: every command finds initiative.yaml by itself.
    return click.option(
        "--config",
        "config",
        type=click.Path(dir_okay=False, path_type=Path),
        required=False,
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
)
JOBS_OPTION = click.option(
    "--jobs",
    "jobs",
    type=click.IntRange(min=1),
    default=None,
)
NO_CACHE_OPTION = click.option(
    "--no-cache",
    "no_cache",
    is_flag=True,
)
NO_PROGRESS_OPTION = click.option("--no-progress", "no_progress", is_flag=True)


def _pull(
    sources: tuple[str, ...],
    initiative: api.Initiative | None,
    jobs: int | None,
    no_cache: bool,
    no_progress: bool = False,
) -> api.PullResult:
    """Pull as the commands do: with the cache beside the history unless --no-cache."""
    from .pull import default_cache

    cache = None if no_cache else default_cache(initiative)
    return api.pull(sources, initiative, jobs=jobs, cache=cache, progress=not no_progress)


HISTORY_OPTION = click.option(
    "--history",
    "history_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
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
)
@click.option(
    "--backend",
    type=click.Choice(writers.names()),
    default="xlsx",
    show_default=True,
)
@click.option("--no-progress", is_flag=True)
@click.option(
    "--create-folder",
    is_flag=True,
)
@click.option(
    "--lang",
    "language",
    type=click.Choice(["fr", "en"]),
    default=None,
)
@click.option(
    "--prefill",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
)
@PARTNERS_OPTION
@click.option(
    "--force",
    is_flag=True,
)
@JOBS_OPTION
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
        raise click.UsageError(say("out_required", cli_language()))
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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
)
@RAW_CSV
@DIALECT
@OUT
@JOBS_OPTION
@NO_CACHE_OPTION
@NO_PROGRESS_OPTION
def pull(
    sources: tuple[str, ...],
    config: Path | None,
    fmt: str | None,
    raw_csv: bool,
    dialect: str,
    out: Path | None,
    jobs: int | None,
    no_cache: bool,
    no_progress: bool,
) -> None:
    """Read filled copies (files and folders) back: completion and problems per copy."""
    chosen = chosen_format(fmt, out, FORMATS)
    initiative = _load(config) if config or _has_initiative_file() else None
    if out is not None:  # refused before any work: never over a source or a partner's copy
        api.check_output(out, "report", sources=sources, initiative=initiative)
    result = _pull(sources, initiative, jobs, no_cache, no_progress)
    _require_copies(result, sources)
    excel = chosen == "csv" and dialect == "excel"
    text = render_pull(result, chosen, initiative, raw_csv=raw_csv, dialect="excel" if excel else "machine")
    emit(text, for_excel=excel, out=out, language=result.language)


@main.command()
@SOURCES
@_config_option(required=True)
@click.option(
    "--out",
    "out",
    required=True,
    metavar="FILE",
)
@click.option(
    "--previous",
    default=None,
    metavar="FILE",
)
@HISTORY_OPTION
@JOBS_OPTION
@NO_CACHE_OPTION
@NO_PROGRESS_OPTION
def merge(
    sources: tuple[str, ...],
    config: Path | None,
    out: str,
    previous: str | None,
    history_file: Path | None,
    jobs: int | None,
    no_cache: bool,
    no_progress: bool,
) -> None:
    """Merge partner copies into one master workbook with a Contributions tab."""
    initiative = _load(config)
    if not out.startswith("gsheets:"):  # refused before any work: never over a source or a copy
        api.check_output(out, "master", sources=sources, initiative=initiative)
    pulled = _pull(sources, initiative, jobs, no_cache, no_progress)
    _require_copies(pulled, sources)
    history_path = history_file or initiative.history_path
    merged = api.merge(pulled, initiative, previous=previous, history=history_path, progress=not no_progress)
    where = api.write_master(
        merged, out, sources=[e.source for e in pulled.errors], history=history_path, progress=not no_progress
    )
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
    colon = " : " if fr else ": "
    for error in pulled.errors:
        click.echo(printable(f"✗ {error.source}{colon}{error.message}"), err=True)
    for disputed in merged.disputed:
        click.echo(
            f"⚠ {disputed.source}{colon}"
            + ("attribution contestée, mise à part" if fr else "disputed attribution, kept apart"),
            err=True,
        )


@main.command()
@SOURCES
@_config_option(required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*FORMATS, "md"]),
    default=None,
)
@RAW_CSV
@DIALECT
@OUT
@click.option("--fail-on-gaps", is_flag=True)
@click.option("--details", is_flag=True)
@PARTNERS_OPTION
@click.option("--severity", "severities", multiple=True, type=click.Choice(["error", "warning"]))
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice([*KINDS, UNREADABLE]),
)
@JOBS_OPTION
@NO_CACHE_OPTION
def gaps(
    sources: tuple[str, ...],
    config: Path | None,
    fmt: str | None,
    raw_csv: bool,
    dialect: str,
    out: Path | None,
    fail_on_gaps: bool,
    details: bool,
    partners: tuple[str, ...],
    severities: tuple[str, ...],
    kinds: tuple[str, ...],
    jobs: int | None,
    no_cache: bool,
) -> None:
    """List what is missing or wrong: unanswered partners, empty cells, ownerless roles, invalid values."""
    chosen = chosen_format(fmt, out, [*FORMATS, "md"])
    initiative = _load(config)
    for partner in partners:
        initiative.partner(partner)  # an unknown id is an error, not an empty list
    if out is not None:  # refused before any work: never over a source or a partner's copy
        api.check_output(out, "report", sources=sources, initiative=initiative)
    report = filter_gaps(
        api.find_gaps(_pull(sources, initiative, jobs, no_cache), initiative),
        partners=partners,
        severities=severities,
        kinds=kinds,
    )
    excel = chosen == "csv" and dialect == "excel"
    if chosen == "table":
        text = summarise_gaps(
            report, initiative, details=details, partners=partners, partner_table=not (kinds or severities)
        )
    else:
        language = initiative.language
        text = render_gaps(report, chosen, language, raw_csv=raw_csv, dialect="excel" if excel else "machine")
    emit(text, for_excel=excel, out=out, language=initiative.language)
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
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
)
@HISTORY_OPTION
@click.option("--no-record", is_flag=True)
@click.option("--label", default=None)
@click.option("--fail-on-gaps", is_flag=True)
@click.option(
    "--email",
    "email",
    is_flag=True,
)
@click.option(
    "--remind",
    is_flag=True,
)
@click.option(
    "--dry-run",
    "dry_run",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
)
@click.option("--force", is_flag=True)
@JOBS_OPTION
@NO_CACHE_OPTION
@NO_PROGRESS_OPTION
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
    jobs: int | None,
    no_cache: bool,
    no_progress: bool,
) -> None:
    """The weekly report: who answered, what is missing, ownerless roles, what changed since last time."""
    chosen = fmt or (report_formats.format_for_path(out, cli_language()).name if out else "text")
    if out is None and not report_formats.report_format(chosen).printable:  # refused before any work
        raise click.UsageError(say("format_needs_out", cli_language(), format=chosen))
    initiative = _load(config)
    if out is not None:  # refused before any work (and before the history records a run)
        api.check_output(out, "report", sources=sources, initiative=initiative)
    pulled = _pull(sources, initiative, jobs, no_cache, no_progress)
    stages = [COMBINE, GAPS, HISTORY, RENDER]
    # the bar is gone before anything is printed
    with Stages("report", stages, len(pulled.submissions), initiative.language, not no_progress) as bar:
        result = api.build_report(
            pulled,
            initiative,
            history_path=history_file,
            record=not no_record,
            label=label,
            stages=bar,
        )
        # Write what can be written: the report when the history cannot be, the history (already
        # recorded) and the email when the report file cannot be; then say every failure and exit 1.
        bar.start(RENDER)
        failures = list(result.history_failures)
        written, shown = False, None
        if out is not None:
            try:
                result.write(out, chosen)
                written = True
            except ToolkitError as exc:
                failures.append(str(exc))
        else:
            shown = result.render(chosen).decode("utf-8").rstrip("\n")
    if written:
        click.echo(str(out))
    if shown is not None:
        click.echo(shown)
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
            click.echo(f"Courriel : {path}" if fr else f"Email: {path}", err=True)
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
)
@click.option("--force", is_flag=True)
@click.option(
    "--prefill",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
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
    runs = api.History(path, language=initiative.language).list_runs(initiative.id) if path else []
    click.echo(render_runs(runs, fmt, initiative.language))
    masters = api.History(path, language=initiative.language).masters(initiative.id) if path else []
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
)
@LANG_OPTION
def template_preview(design: Path, out: Path, language: str | None) -> None:
    """Show a designed worksheet as partners will see it, before anyone receives it."""
    click.echo(str(api.template_preview(design, out, language=language)))  # type: ignore[arg-type]
