"""The Google Sheets writer: partner copies as shared spreadsheets, the master as a new spreadsheet."""

from __future__ import annotations

from typing import Any

from ...generate import CopyPlan
from ...initiative import Initiative
from ...spec import WorkbookSpec
from ...writers import WriteOptions, Writer
from .generate import GoogleCopy, generate_google
from .master import create_master
from .sources import SCHEME


def write_copies(plan: CopyPlan, target: str | None, options: WriteOptions) -> list[GoogleCopy]:
    """One spreadsheet per partner of the plan (a blank copy has no place in Drive: none is made)."""
    client: Any = options.clients.get("google")
    return generate_google(
        plan.initiative,
        client,
        language=plan.language,
        partners=[p.id for p in plan.partners if p is not None],
        now=plan.now,
        progress=options.progress,
        prefill=plan.prefill,
        create_folder=bool(options.settings.get("create_folder")),
    )


def write_master(initiative: Initiative, spec: WorkbookSpec, target: str, options: WriteOptions) -> str:
    client: Any = options.clients.get("google")
    return create_master(initiative, spec, client, now=spec.info.generated_at).url


WRITER = Writer(
    name="gsheets",
    description="Google spreadsheets in Drive, each shared with its partner",
    targets=SCHEME,
    claims_target=lambda target: target.startswith(SCHEME),
    write_copies=write_copies,
    write_master=write_master,
)
