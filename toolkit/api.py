"""The public library verbs, in one place; the CLI and `toolkit/__init__.py` use these names."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .gaps import Gap, GapReport, find_gaps
from .generate import GeneratedCopy, generate
from .history import History
from .init import init
from .initiative import Initiative, load_initiative
from .merge import Merged, merge
from .pull import PullResult, SourceProblem, pull
from .reports import Report, build_report
from .reports.email import EmailError, local_day, report_email, send_report
from .reports.reminders import Reminder, build_reminders, send_reminders
from .submission import Submission
from .templates import Kit, Worksheet, load_kit

if TYPE_CHECKING:
    from .backends.gsheets import GoogleAuth, GoogleCopy, GoogleMaster
    from .initiative import GoogleSettings


def generate_google(initiative: Initiative, client: Any = None, **options: Any) -> list[GoogleCopy]:
    """`generate --backend gsheets`: one Google spreadsheet per partner, shared with that partner only."""
    from .backends.gsheets import generate_google as run

    return run(initiative, client, **options)


def write_master_google(merged: Merged, client: Any = None, **options: Any) -> GoogleMaster:
    """`merge --out gsheets:`: the master as a new Google spreadsheet in the initiative's folder."""
    from .backends.gsheets import write_master_google as run

    return run(merged, client, **options)


def authorize_google(settings: GoogleSettings, **options: Any) -> GoogleAuth:
    """`toolkit auth google`: the consent flow; says where the token is cached, never shows it."""
    from .backends.gsheets import authorize_google as run

    return run(settings, **options)


__all__ = [
    "EmailError",
    "Gap",
    "GapReport",
    "GeneratedCopy",
    "History",
    "Initiative",
    "Kit",
    "Merged",
    "PullResult",
    "Reminder",
    "Report",
    "SourceProblem",
    "Submission",
    "Worksheet",
    "authorize_google",
    "build_reminders",
    "build_report",
    "find_gaps",
    "generate",
    "generate_google",
    "init",
    "load_initiative",
    "load_kit",
    "local_day",
    "merge",
    "pull",
    "report_email",
    "send_reminders",
    "send_report",
    "write_master_google",
]


# --- Design workbooks: `toolkit template new|export|import|preview` (toolkit/design/) ----------------
from .design import (  # noqa: E402  (one block, kept apart from the core verbs above)
    DesignError,
    ImportedTemplate,
    load_design,
    template_export,
    template_import,
    template_new,
    template_preview,
)

__all__ += [
    "DesignError",
    "ImportedTemplate",
    "load_design",
    "template_export",
    "template_import",
    "template_new",
    "template_preview",
]
