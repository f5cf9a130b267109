"""Worksheets an initiative takes from design workbooks (or template files), next to its kit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..errors import TemplateError
from ..templates import Kit, Worksheet, load_worksheet
from ..text import LANGUAGES, Language
from .actions import DESIGN_SUFFIXES, load_design


def load_any_worksheet(path: Path, language: Language) -> Worksheet:
    """A design workbook (.xlsx, .ods) or a template file (.yaml)."""
    if path.suffix.lower() in DESIGN_SUFFIXES:
        return load_design(path, language)
    if path.suffix.lower() in (".yaml", ".yml"):
        return load_worksheet(path)
    raise TemplateError(f"{path}: a worksheet is a design workbook (.xlsx, .ods) or a template (.yaml)")


def with_worksheets(kit: Kit, paths: Sequence[Path], language: Language) -> Kit:
    """The kit with these worksheets: one with a kit worksheet's id takes its place, others follow.

    Every file is read before any problem is raised, so all of them are reported at once."""
    problems: list[str] = []
    loaded: list[Worksheet] = []
    for path in paths:
        try:
            loaded.append(load_any_worksheet(path, language))
        except TemplateError as exc:
            problems.append(str(exc))
    worksheets = list(kit.worksheets)
    ids = [w.id for w in worksheets]
    added: dict[str, Path] = {}
    for path, worksheet in zip(paths, loaded, strict=False) if not problems else ():
        if worksheet.id in added:
            problems.append(f"{path.name}: '{worksheet.id}' is also given by {added[worksheet.id].name}")
            continue
        added[worksheet.id] = path
        if worksheet.id in ids:
            worksheets[ids.index(worksheet.id)] = worksheet
        else:
            worksheets.append(worksheet)
    for lang in LANGUAGES:
        tabs = [w.tab(lang).casefold() for w in worksheets]
        problems += [
            f"two worksheets share the {lang} tab name '{t}'"
            for t in sorted({t for t in tabs if tabs.count(t) > 1})
        ]
    if problems:
        raise TemplateError("\n".join(problems))
    return replace(kit, worksheets=tuple(worksheets))
