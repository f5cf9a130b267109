"""The `toolkit template` verbs: new, export, import and preview a design workbook."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..backends.files import read_file
from ..errors import SourceError, TemplateError
from ..files import atomic_write
from ..initiative import Initiative
from ..initiative import load_initiative as load_initiative_file
from ..problems import source_message
from ..templates import (
    KIT_SUFFIX,
    Column,
    Question,
    Row,
    Worksheet,
    builtin_templates_dir,
    load_worksheet,
    worksheet_from_data,
)
from ..text import Language, Paragraphs, Text
from .messages import MESSAGES, NOT_A_WORKSHEET, DesignError, DesignProblem
from .read import design_language, read_design
from .write import design_bytes

DEFAULT_OUT = Path("workbook_templates")
DESIGN_SUFFIXES = (".xlsx", ".ods")


@dataclass(frozen=True)
class ImportedTemplate:
    """What `template import` wrote: the template file, its worksheet, and the version it replaced."""

    path: Path
    worksheet: Worksheet
    previous_version: int | None = None  # the version of the file it replaced, if any
    changed: bool = True  # False when the file already held this worksheet
    language: Language = "fr"  # the design's language (or the one asked for): messages follow it


# ---------------------------------------------------------------------------- reading a design


def read_design_file(path: Path | str, language: Language | None = None) -> tuple[dict[str, Any], Language]:
    """The template document of design workbook `path`; DesignError lists every problem at once."""
    path = Path(path)
    try:
        raw = read_file(path)  # screened first, like a partner's returned copy
    except SourceError as exc:
        lang = language or "fr"
        problem = DesignProblem(path.name, None, "unreadable", (("reason", _reason(exc, lang)),))
        raise DesignError(path.name, (problem,), lang) from None
    lang = language or design_language(raw)
    data, problems = read_design(raw, lang)
    if problems or data is None:
        raise DesignError(path.name, tuple(problems), lang)
    return data, lang


def _reason(exc: SourceError, language: Language) -> str:
    text = source_message(exc.code, language)
    return f"{text} ({exc.detail})" if exc.detail and language == "en" else text  # detail: English facts


def load_design(path: Path | str, language: Language | None = None) -> Worksheet:
    """A worksheet straight from a design workbook (.xlsx or .ods)."""
    data, _ = read_design_file(path, language)
    return worksheet_from_data(data)


def load_any_worksheet(path: Path, language: Language) -> Worksheet:
    """A design workbook (.xlsx, .ods) or a template file (.yaml); design problems in `language`."""
    if path.suffix.lower() in DESIGN_SUFFIXES:
        return load_design(path, language)
    if path.suffix.lower() in (".yaml", ".yml"):
        return load_worksheet(path, language=language)
    raise TemplateError(NOT_A_WORKSHEET(language).format(name=path.name))


def load_initiative(path: Path | str) -> Initiative:
    """Load an initiative file whose `worksheets:` may name design workbooks as well as templates."""
    return load_initiative_file(path, read_worksheet=load_any_worksheet)


# ---------------------------------------------------------------------------- new and export


def template_new(name: str, out: Path | str, *, language: Language = "fr") -> Path:
    """A design workbook for a new worksheet `name`, with an example line on every tab."""
    worksheet = example_worksheet(_as_id(name, language))
    return _write_design(worksheet, Path(out), language)


def template_export(
    worksheet_id: str,
    out: Path | str,
    *,
    language: Language | None = None,
    initiative: Initiative | Path | str | None = None,
) -> Path:
    """An existing worksheet (built in, the initiative's, or a template .yaml) as a design workbook.

    The design's language is `language`, else the initiative's, else French."""
    if initiative is not None and not isinstance(initiative, Initiative):
        initiative = load_initiative(initiative)
    chosen = language or (initiative.language if initiative else "fr")
    return _write_design(find_worksheet(worksheet_id, initiative, chosen), Path(out), chosen)


def _write_design(worksheet: Worksheet, path: Path, language: Language) -> Path:
    if path.suffix.lower() != ".xlsx":  # written by openpyxl; LibreOffice saves it as .ods if wanted
        raise TemplateError(
            f"{path} : le classeur de conception s'écrit en .xlsx"
            if language == "fr"
            else f"{path}: a design workbook is written as .xlsx"
        )
    atomic_write(path, design_bytes(worksheet, language))
    return path


def find_worksheet(
    worksheet_id: str, initiative: Initiative | Path | str | None = None, language: Language = "fr"
) -> Worksheet:
    candidate = Path(worksheet_id)
    if candidate.suffix == ".yaml" and candidate.is_file():
        return load_worksheet(candidate, language=language)
    if candidate.suffix in DESIGN_SUFFIXES and candidate.is_file():
        return load_design(candidate)
    if initiative is not None:
        if not isinstance(initiative, Initiative):
            initiative = load_initiative(initiative)
        for worksheet in initiative.kit.worksheets:
            if worksheet.id == worksheet_id:
                return worksheet
        known = [w.id for w in initiative.kit.worksheets]
    else:
        directory = builtin_templates_dir()
        path = directory / f"{worksheet_id}.yaml"
        if path.is_file():
            return load_worksheet(path, language=language)
        known = sorted(p.stem for p in directory.glob("*.yaml") if not p.name.endswith(KIT_SUFFIX))
    available = ", ".join(known) or "—"
    raise TemplateError(MESSAGES["no_worksheet"](language).format(value=worksheet_id, available=available))


def _as_id(name: str, language: Language) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    worksheet_id = re.sub(r"[^a-z0-9]+", "_", ascii_name).strip("_")[:40]
    if not re.match(r"^[a-z][a-z0-9_]*$", worksheet_id):
        raise TemplateError(
            f"{name!r} : le nom doit commencer par une lettre"
            if language == "fr"
            else f"{name!r}: the name must start with a letter"
        )
    return worksheet_id


def example_worksheet(worksheet_id: str) -> Worksheet:
    """What `template new` starts from: one example per tab, valid as it is."""
    return Worksheet(
        id=worksheet_id,
        version=1,
        title=Text("Nouvelle feuille de travail", "New worksheet"),
        tab=Text("Nouvelle feuille", "New worksheet"),
        description=Text(
            "Ce que cette feuille permet de faire, en une phrase ou deux.",
            "What this worksheet is for, in a sentence or two.",
        ),
        context=Paragraphs(),
        usage=Paragraphs(
            ("Remplissez une ligne par élément avec votre équipe.",),
            ("Fill in one line per item with your team.",),
        ),
        debrief=(Question("lessons", Text("Qu'avons-nous appris?", "What have we learned?")),),
        columns=(
            Column("item", "label", Text("Élément", "Item"), width=36),
            Column("owner", "person", Text("Responsable", "Owner"), required=True, owner=True),
            Column(
                "status",
                "choice",
                Text("État", "Status"),
                choices=(Text("À faire", "To do"), Text("En cours", "In progress"), Text("Terminé", "Done")),
            ),
            Column("comments", "long_text", Text("Commentaires", "Comments")),
        ),
        rows=(
            Row(
                "first_item",
                Text("Premier élément", "First item"),
                note=Text("Une note pour aider les partenaires.", "A note to help partners."),
            ),
        ),
    )


# ---------------------------------------------------------------------------- import


def template_import(
    design: Path | str, out: Path | str | None = None, *, language: Language | None = None
) -> ImportedTemplate:
    """Read, check and write a design as template YAML (`out`: a folder, or a file named ID.yaml).

    Nothing is written when the design has any problem. When the target file already holds this
    worksheet with other content and the design did not raise the version, the version is raised:
    copies made before the change are then recognised when they come back.
    """
    design = Path(design)
    data, lang = read_design_file(design, language)
    target = _target(Path(out) if out is not None else DEFAULT_OUT, data["id"], lang)
    previous = _previous(target)
    changed, old_version = True, 0
    if previous is not None:
        old_version = previous["version"] if isinstance(previous.get("version"), int) else 0
        same = {**previous, "version": 0} == {**data, "version": 0}
        if same and data["version"] <= old_version:
            data["version"], changed = old_version, False
        elif data["version"] <= old_version:
            data["version"] = old_version + 1
    if changed:
        atomic_write(target, template_yaml(data, design.name).encode("utf-8"))
    worksheet = load_worksheet(target, language=lang)
    previous_version = old_version if previous is not None else None
    return ImportedTemplate(target, worksheet, previous_version, changed, lang)


def _target(out: Path, worksheet_id: str, language: Language) -> Path:
    if out.suffix in (".yaml", ".yml"):
        if out.stem != worksheet_id:
            raise TemplateError(
                f"{out} : le fichier doit s'appeler {worksheet_id}.yaml (l'id de la feuille)"
                if language == "fr"
                else f"{out}: the file must be named {worksheet_id}.yaml (the worksheet's id)"
            )
        return out
    return out / f"{worksheet_id}.yaml"


def _previous(target: Path) -> dict[str, Any] | None:
    if not target.is_file():
        return None
    try:
        found = yaml.safe_load(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return found if isinstance(found, dict) else None


def template_yaml(data: dict[str, Any], source: str) -> str:
    header = (
        f"# Made by `toolkit template import` from {source}.\n"
        "# Change the design workbook and import it again rather than editing this file.\n"
    )
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
