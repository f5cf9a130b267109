"""Worksheet templates and workbook kits: declarative YAML, validated, loaded into frozen dataclasses.

A folder of templates holds one `<worksheet_id>.yaml` per worksheet and one
`<kit_id>.kit.yaml` per kit (the worksheets that make one workbook, in tab order).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from .errors import TemplateError
from .language import user_language
from .template_messages import column_where, say, schema_messages
from .text import LANGUAGES, Language, Paragraphs, Text
from .yamlfile import read_yaml_document

ColumnType = Literal["label", "text", "long_text", "date", "person", "choice", "number", "yes_no"]
KIT_SUFFIX = ".kit.yaml"
DEBRIEF_COLUMN = "answer"  # the column id under which debrief answers are recorded


@dataclass(frozen=True)
class Column:
    """One column of a worksheet: id, type, header in both languages, and its rules."""

    id: str
    type: ColumnType
    header: Text
    required: bool = False
    owner: bool = False
    width: float | None = None
    choices: tuple[Text, ...] = ()
    help: Text | None = None


@dataclass(frozen=True)
class Row:
    """One fixed row of a worksheet: id, label and note in both languages, required or not."""

    id: str
    label: Text
    required: bool = True
    note: Text | None = None


@dataclass(frozen=True)
class Question:
    """One debrief question below a worksheet's table, in both languages."""

    id: str
    text: Text


@dataclass(frozen=True)
class Worksheet:
    """One worksheet: fixed rows (a row per label) or open (partners add entries keyed by `key`)."""

    id: str
    version: int
    title: Text
    tab: Text
    description: Text
    context: Paragraphs
    usage: Paragraphs
    debrief: tuple[Question, ...]
    columns: tuple[Column, ...]
    rows: tuple[Row, ...] = ()
    entries: int = 0
    key: str | None = None

    @property
    def is_open(self) -> bool:
        return self.key is not None

    @property
    def input_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.type != "label")

    @property
    def owner_column(self) -> Column | None:
        return next((c for c in self.columns if c.owner), None)

    def column(self, column_id: str) -> Column:
        found = self._column_by_id.get(column_id)
        if found is None:
            raise StopIteration(column_id)  # what callers catch (it was next() over the columns)
        return found

    @cached_property
    def _column_by_id(self) -> dict[str, Column]:
        """Built once: pull looks a column up for every cell of every copy."""
        return {c.id: c for c in reversed(self.columns)}  # reversed: the first of a repeated id wins


@dataclass(frozen=True)
class Kit:
    """A workbook kit: the worksheets one copy holds, in order."""

    id: str
    version: int
    title: Text
    worksheets: tuple[Worksheet, ...]

    def worksheet(self, worksheet_id: str) -> Worksheet:
        return next(w for w in self.worksheets if w.id == worksheet_id)


def builtin_templates_dir() -> Path:
    """The templates shipped with the toolkit (inside the wheel, or at the repository root)."""
    installed = Path(str(resources.files("toolkit"))) / "workbook_templates"
    return installed if installed.is_dir() else Path(__file__).resolve().parent.parent / "workbook_templates"


def load_kit(kit_id: str, directory: Path | None = None, *, language: Language | None = None) -> Kit:
    """Load kit `kit_id` and its worksheets; raise TemplateError listing every problem found, in
    `language` (else the user's)."""
    language = language or user_language()
    directory = directory or builtin_templates_dir()
    path = directory / f"{kit_id}{KIT_SUFFIX}"
    if not path.is_file():
        available = sorted(p.name.removesuffix(KIT_SUFFIX) for p in directory.glob(f"*{KIT_SUFFIX}"))
        none = say("no_kit_available", language)
        raise _error(say("no_kit", language, path=path, available=", ".join(available) or none), language)
    data = read_yaml_document(path, TemplateError, language).data
    problems = [_at(path, p, language) for p in schema_messages("kit", data, language)]
    if problems:
        raise _error("\n".join(problems), language)
    worksheets = []
    for worksheet_id in data["worksheets"]:
        worksheet_path = directory / f"{worksheet_id}.yaml"
        if not worksheet_path.is_file():
            missing = say(
                "missing_worksheet", language, value=worksheet_id, file=worksheet_path.name, folder=directory
            )
            problems.append(_at(path, missing, language))
            continue
        try:
            worksheets.append(load_worksheet(worksheet_path, language=language))
        except TemplateError as exc:
            problems.append(str(exc))
    problems += [_at(path, p, language) for p in _kit_problems(data, worksheets, language)]
    if problems:
        raise _error("\n".join(problems), language)
    return Kit(
        id=data["id"], version=data["version"], title=Text.of(data["title"]), worksheets=tuple(worksheets)
    )


def load_worksheet(path: Path, *, language: Language | None = None) -> Worksheet:
    """One worksheet template from its YAML file, checked; TemplateError lists every problem, in
    `language` (else the user's)."""
    language = language or user_language()
    data = read_yaml_document(path, TemplateError, language).data
    problems = schema_messages("template", data, language)
    if not problems:
        problems = worksheet_problems(data, expected_id=path.name.removesuffix(".yaml"), language=language)
    if problems:
        raise _error("\n".join(_at(path, p, language) for p in problems), language)
    return worksheet_from_data(data)


def _at(path: Path, message: str, language: Language) -> str:
    return say("at_file", language, file=path.name, message=message)


def _error(message: str, language: Language) -> TemplateError:
    error = TemplateError(message)
    error.language = language  # the CLI says "Erreur :" or "Error:" to match
    return error


def worksheet_from_data(data: dict[str, Any]) -> Worksheet:
    """A Worksheet from template data already checked (schema and `worksheet_problems`)."""
    return Worksheet(
        id=data["id"],
        version=data["version"],
        title=Text.of(data["title"]),
        tab=Text.of(data["tab"]),
        description=Text.of(data["description"]),
        context=Paragraphs.of(data.get("context")),
        usage=Paragraphs.of(data["usage"]),
        debrief=tuple(Question(q["id"], Text.of(q)) for q in data.get("debrief", [])),
        columns=tuple(_column(c) for c in data["columns"]),
        rows=tuple(
            Row(
                id=r["id"],
                label=Text.of(r["label"]),
                required=r.get("required", True),
                note=Text.of(r["note"]) if "note" in r else None,
            )
            for r in data.get("rows", [])
        ),
        entries=data.get("entries", 0),
        key=data.get("key"),
    )


def _column(c: dict[str, Any]) -> Column:
    choices = c.get("choices")
    return Column(
        id=c["id"],
        type=c["type"],
        header=Text.of(c["header"]),
        required=c.get("required", False),
        owner=c.get("owner", False),
        width=c.get("width"),
        choices=tuple(Text(fr, en) for fr, en in zip(choices["fr"], choices["en"], strict=False))
        if choices
        else (),
        help=Text.of(c["help"]) if "help" in c else None,
    )


def _duplicates(ids: list[str]) -> list[str]:
    return [i for i, n in Counter(ids).items() if n > 1]


def worksheet_problems(
    data: dict[str, Any], expected_id: str, *, language: Language | None = None
) -> list[str]:
    """What the schema cannot say: ids, references and the shape of a fixed or open worksheet."""
    lang = language or user_language()
    problems = []
    if data["id"] != expected_id:
        problems.append(say("id_mismatch", lang, value=data["id"], expected=expected_id))
    columns = data["columns"]
    column_ids = [c["id"] for c in columns]
    for dup in _duplicates(column_ids):
        problems.append(say("duplicate_column", lang, value=dup))
    row_ids = [r["id"] for r in data.get("rows", [])] + [q["id"] for q in data.get("debrief", [])]
    for dup in _duplicates(row_ids):
        problems.append(say("duplicate_row", lang, value=dup))
    labels = [i for i, c in enumerate(columns) if c["type"] == "label"]
    if "rows" in data and labels != [0]:
        problems.append(say("label_first", lang))
    if "key" in data:
        if labels:
            problems.append(say("label_in_open", lang))
        key = next((c for c in columns if c["id"] == data["key"]), None)
        if key is None:
            problems.append(say("key_unknown", lang, value=data["key"]))
        elif key["type"] != "choice":
            problems.append(say("key_not_choice", lang, value=data["key"]))
    owners = [i for i, c in enumerate(columns) if c.get("owner")]
    if len(owners) > 1:
        problems.append(say("owner_twice", lang))
    for i, c in enumerate(columns):
        where = column_where(i, data, lang)
        if c.get("owner") and c["type"] not in ("person", "text"):
            problems.append(say("owner_type", lang, where=where))
        if c["type"] == "label" and (c.get("required") or c.get("owner")):
            problems.append(say("label_flags", lang, where=where))
        if c["type"] == "choice" and "choices" not in c:
            problems.append(say("choices_missing", lang, where=where))
        if c["type"] != "choice" and "choices" in c:
            problems.append(say("choices_unexpected", lang, where=where))
        if "choices" in c and len(c["choices"]["fr"]) != len(c["choices"]["en"]):
            problems.append(say("choices_length", lang, where=where))
        for language_code in LANGUAGES:
            for dup in _duplicates(c.get("choices", {}).get(language_code, [])):
                problems.append(say("duplicate_choice", lang, where=where, language=language_code, value=dup))
    return problems


def _kit_problems(data: dict[str, Any], worksheets: list[Worksheet], language: Language) -> list[str]:
    problems = [say("listed_twice", language, value=dup) for dup in _duplicates(data["worksheets"])]
    return problems + [say("in_worksheets", language, message=p) for p in _same_tabs(worksheets, language)]


def _same_tabs(worksheets: Sequence[Worksheet], language: Language) -> list[str]:
    problems = []
    for code in LANGUAGES:
        tabs = [w.tab(code).casefold() for w in worksheets]
        problems += [say("same_tab", language, language=code, value=d) for d in _duplicates(tabs)]
    return problems


def with_worksheets(
    kit: Kit, worksheets: Sequence[tuple[str, Worksheet]], *, language: Language | None = None
) -> Kit:
    """The kit with these (source name, worksheet) pairs: one with a kit worksheet's id takes its place,
    the others follow in order. Raise TemplateError listing every clash, in `language` (else the user's)."""
    language = language or user_language()
    ordered = list(kit.worksheets)
    ids = [w.id for w in ordered]
    given: dict[str, str] = {}
    problems = []
    for source, worksheet in worksheets:
        if worksheet.id in given:
            other = given[worksheet.id]
            problems.append(say("also_given", language, source=source, value=worksheet.id, other=other))
            continue
        given[worksheet.id] = source
        if worksheet.id in ids:
            ordered[ids.index(worksheet.id)] = worksheet
        else:
            ordered.append(worksheet)
    problems += _same_tabs(ordered, language)
    if problems:
        raise _error("\n".join(problems), language)
    return replace(kit, worksheets=tuple(ordered))
