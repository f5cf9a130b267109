"""Reading a design workbook into the template data the rest of the toolkit uses.

The workbook goes through the same screened reader as partners' returned copies. Every problem is
collected (never the first one only) and points at a tab and a cell in the coordinator's words.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ..cells import column_letter
from ..i18n import WORDS
from ..metadata import METADATA_TAB
from ..rawbook import RawSheet, RawWorkbook
from ..template_messages import schema_messages
from ..templates import worksheet_problems
from ..text import LANGUAGES, Language
from .format import (
    CHOICES,
    COLUMNS,
    DEBRIEF,
    MAX_ENTRIES,
    MAX_HEADER,
    MAX_TAB,
    MAX_TEXT,
    MAX_WIDTH,
    REQUIRED_TABS,
    ROW_KINDS,
    ROWS,
    SHEET,
    SHEET_HEADERS,
    TABS,
    VOCABULARIES,
    Tab,
    fold,
    lookup,
)
from .messages import DesignProblem

ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TAB_NAME = re.compile(r"^[^\[\]:*?/\\']([^\[\]:*?/\\]*[^\[\]:*?/\\'])?$")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x00[01][0-9a-fA-F]_")
# Tabs every generated copy already has (cover, hidden lists, metadata): a worksheet cannot take their name.
RESERVED_TABS = frozenset(
    fold(n) for key in ("readme_tab", "lists_tab") for n in (WORDS[key].fr, WORDS[key].en)
) | {fold(METADATA_TAB)}
REQUIRED_HEADERS = {
    "columns": ("id", "header_fr", "header_en", "type"),
    "rows": ("id", "label_fr", "label_en"),
    "choices": ("list", "label_fr", "label_en"),
    "debrief": ("id", "question_fr", "question_en"),
}


@dataclass(frozen=True)
class Value:
    """A cell's text as the design gives it, and where it is ('' when empty)."""

    text: str
    where: str
    raw: object = ""

    def __bool__(self) -> bool:
        return self.text != ""


Record = dict[str, Value]


def design_language(raw: RawWorkbook) -> Language:
    """The language the design is written in, from its tab names (French when unsure)."""
    names = {fold(s.name) for s in raw.sheets}
    english = sum(fold(t.name.en) in names and t.name.en != t.name.fr for t in TABS)
    french = sum(fold(t.name.fr) in names and t.name.en != t.name.fr for t in TABS)
    return "en" if english > french else "fr"


def read_design(raw: RawWorkbook, language: Language) -> tuple[dict[str, Any] | None, list[DesignProblem]]:
    """The template document of a design workbook, or None and every problem found."""
    reader = _Reader(raw, language)
    data = reader.run()
    return (data if not reader.problems else None), reader.problems


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


class _Reader:
    def __init__(self, raw: RawWorkbook, language: Language) -> None:
        self.raw = raw
        self.language = language
        self.problems: list[DesignProblem] = []
        self.tab_names: dict[str, str] = {}  # tab key -> name as found (or as expected)
        self.formula_cells: set[str] = set()  # reported as formulas; not also as empty
        self.broken: set[str] = set()  # tabs whose header row lacks a required column

    # ------------------------------------------------------------------ plumbing

    def problem(self, where: str, code: str, **params: object) -> None:
        if code == "required" and where in self.formula_cells:
            return
        tab, _, cell = where.partition("!")
        problem = DesignProblem(tab, cell or None, code, tuple((k, str(v)) for k, v in params.items()))
        if problem not in self.problems:
            self.problems.append(problem)

    def word(self, tab: Tab, key: str) -> str:
        name = tab.field(key).name
        return name.fr if self.language == "fr" else name.en

    def tab_word(self, tab: Tab) -> str:
        return self.tab_names.get(tab.key) or (tab.name.fr if self.language == "fr" else tab.name.en)

    def vocabulary_words(self, vocabulary: str) -> str:
        return ", ".join(t.fr if self.language == "fr" else t.en for t in VOCABULARIES[vocabulary].values())

    def sheet(self, tab: Tab) -> RawSheet | None:
        wanted = {fold(tab.name.fr), fold(tab.name.en)}
        found = next((s for s in self.raw.sheets if fold(s.name) in wanted), None)
        if found is not None:
            self.tab_names[tab.key] = found.name
            for row, column in sorted(found.formulas):
                self.problem(f"{found.name}!{column_letter(column)}{row}", "formula")
                self.formula_cells.add(f"{found.name}!{column_letter(column)}{row}")
        elif tab.key in REQUIRED_TABS:
            self.problem(self.tab_word(tab), "missing_tab")
        return found

    def value(self, sheet: RawSheet, row: int, column: int) -> Value:
        raw = sheet.value(row, column)
        where = f"{sheet.name}!{column_letter(column)}{row}"
        if (row, column) in sheet.formulas:
            return Value("", where)  # reported once already; a formula's result is never used
        text = _as_text(raw)
        if CONTROL.search(text):
            self.problem(where, "control_character")
        elif len(text) > MAX_TEXT:
            self.problem(where, "text_too_long", length=len(text), max=MAX_TEXT)
        return Value(text, where, raw)

    # ------------------------------------------------------------------ tabs

    def table(self, tab: Tab) -> list[Record]:
        sheet = self.sheet(tab)
        if sheet is None:
            return []
        header = {fold(_as_text(v)): c for c, v in sheet.row(1).items()}
        columns: dict[str, int] = {}
        for field in tab.fields:
            index = header.get(fold(field.name.fr), header.get(fold(field.name.en)))
            if index is not None:
                columns[field.key] = index
            elif field.key in REQUIRED_HEADERS[tab.key]:
                self.problem(sheet.name, "missing_header", name=self.word(tab, field.key))
                self.broken.add(tab.key)
        if tab.key in self.broken:
            return []
        records = []
        for row in sheet.row_numbers(2):
            if not any(_as_text(v) for v in sheet.row(row).values()):
                continue
            records.append(
                {
                    f.key: self.value(sheet, row, columns[f.key])
                    if f.key in columns
                    else Value("", f"{sheet.name}!{row}")
                    for f in tab.fields
                }
            )
        return records

    def form(self) -> dict[str, tuple[Value, Value]]:
        """The `feuille` tab: field -> (value in B, value in C)."""
        sheet = self.sheet(SHEET)
        if sheet is None:
            return {}
        names = {fold(n): f.key for f in SHEET.fields for n in (f.name.fr, f.name.en)}
        headers = {fold(n) for t in SHEET_HEADERS for n in (t.fr, t.en)}
        found: dict[str, tuple[Value, Value]] = {}
        for row in sheet.row_numbers():
            name = self.value(sheet, row, 1)
            if not name or fold(name.text) in headers:
                continue
            key = names.get(fold(name.text))
            if key is None:
                expected = ", ".join(self.word(SHEET, f.key) for f in SHEET.fields)
                self.problem(name.where, "unknown_field", value=name.text, expected=expected)
            elif key in found:
                self.problem(name.where, "repeated_field", name=name.text, other=found[key][0].where)
            else:
                found[key] = (self.value(sheet, row, 2), self.value(sheet, row, 3))
        return found

    # ------------------------------------------------------------------ checks

    def text_pair(self, fr: Value, en: Value, name: str, required: bool = True) -> dict[str, str] | None:
        if not fr and not en and not required:
            return None
        for value in (fr, en):
            if not value:
                self.problem(value.where, "required", name=name)
        return {"fr": fr.text, "en": en.text}

    def identifier(self, value: Value, name: str, seen: dict[str, str]) -> str:
        if not value:
            self.problem(value.where, "required", name=name)
        elif not ID.match(value.text):
            self.problem(value.where, "bad_id", value=value.text)
        elif value.text in seen:
            self.problem(value.where, "duplicate_id", value=value.text, other=seen[value.text])
        else:
            seen[value.text] = value.where
        return value.text

    def choose(self, value: Value, vocabulary: str, name: str, default: object) -> object:
        if not value:
            return default
        found, key = lookup(vocabulary, value.raw if isinstance(value.raw, bool) else value.text)
        if not found:
            expected = self.vocabulary_words(vocabulary)
            self.problem(value.where, "unknown_word", name=name, value=value.text, expected=expected)
            return default
        return key

    def integer(self, value: Value, name: str, low: float, high: float, whole: bool = True) -> float | None:
        raw = (
            value.raw
            if isinstance(value.raw, int | float) and not isinstance(value.raw, bool)
            else value.text
        )
        try:
            number = float(str(raw).replace(",", "."))
        except ValueError:
            number = float("nan")
        if not low <= number <= high or (whole and not number.is_integer()):
            self.problem(value.where, "not_a_number", name=name, value=value.text, low=low, high=high)
            return None
        return int(number) if number.is_integer() else number

    def paragraphs(self, fr: Value, en: Value, name: str, required: bool) -> dict[str, list[str]] | None:
        pair = self.text_pair(fr, en, name, required)
        if pair is None:
            return None
        return {lang: [p.strip() for p in pair[lang].splitlines() if p.strip()] for lang in LANGUAGES}

    # ------------------------------------------------------------------ the whole design

    def run(self) -> dict[str, Any] | None:
        form = self.form()
        column_records = self.table(COLUMNS)
        row_records = self.table(ROWS)
        choice_records = self.table(CHOICES)
        debrief_records = self.table(DEBRIEF)
        if not form and SHEET.key not in self.tab_names:
            # Without the `feuille` tab there is nothing to name; still report the other tabs' problems.
            self.columns(column_records, self.lists(choice_records), fixed=True)
            return None
        empty = Value("", self.tab_word(SHEET))

        def get(key: str) -> tuple[Value, Value]:
            return form.get(key, (empty, empty))

        def name(key: str) -> str:
            return self.word(SHEET, key)

        data: dict[str, Any] = {}
        data["id"] = self.identifier(get("id")[0], name("id"), {})
        version = get("version")[0]
        data["version"] = self.integer(version, name("version"), 1, 1_000_000) if version else 1
        data["title"] = self.text_pair(*get("title"), name("title"))
        data["tab"] = self.text_pair(*get("tab"), name("tab"))
        for value in get("tab"):
            if value and (len(value.text) > MAX_TAB or not TAB_NAME.match(value.text)):
                self.problem(value.where, "bad_tab_name", value=value.text, max=MAX_TAB)
            elif value and fold(value.text) in RESERVED_TABS:
                self.problem(value.where, "reserved_tab", value=value.text)
        context = self.paragraphs(*get("context"), name("context"), required=False)
        if context:
            data["context"] = context
        data["description"] = self.text_pair(*get("description"), name("description"))
        data["usage"] = self.paragraphs(*get("usage"), name("usage"), required=False) or {"fr": [], "en": []}
        kind = self.choose(get("rows")[0], "row_kind", name("rows"), "fixed")
        fixed = kind == "fixed"
        debrief = self.debrief(debrief_records)
        if debrief:
            data["debrief"] = debrief
        data["columns"] = self.columns(column_records, self.lists(choice_records), fixed)
        if fixed:
            data["rows"] = self.rows(row_records, debrief_records)
            for key in ("entries", "key"):
                if get(key)[0]:
                    self.problem(get(key)[0].where, "only_open", name=name(key))
        else:
            for record in row_records[:1]:
                self.problem(record["id"].where, "rows_in_open", fixed=ROW_KINDS["fixed"](self.language))
            entries = get("entries")[0]
            if not entries:
                self.problem(entries.where, "required", name=name("entries"))
            data["entries"] = self.integer(entries, name("entries"), 1, MAX_ENTRIES) if entries else 1
            data["key"] = self.key(get("key")[0], data["columns"], column_records)
        if self.problems:
            return None
        self.consistency(data)
        return data

    def columns(
        self, records: list[Record], lists: dict[str, dict[str, list[str]]], fixed: bool
    ) -> list[dict[str, Any]]:
        seen: dict[str, str] = {}
        owner: str | None = None
        out = []
        for index, r in enumerate(records):
            column: dict[str, Any] = {"id": self.identifier(r["id"], self.word(COLUMNS, "id"), seen)}
            kind = str(self.choose(r["type"], "type", self.word(COLUMNS, "type"), "text"))
            if not r["type"]:
                self.problem(r["type"].where, "required", name=self.word(COLUMNS, "type"))
            column["type"] = kind
            column["header"] = self.text_pair(r["header_fr"], r["header_en"], self.word(COLUMNS, "header_fr"))
            for value in (r["header_fr"], r["header_en"]):
                if len(value.text) > MAX_HEADER:
                    self.problem(value.where, "header_too_long", length=len(value.text), max=MAX_HEADER)
            if self.choose(r["required"], "yes_no", self.word(COLUMNS, "required"), False):
                column["required"] = True
            if self.choose(r["owner"], "yes_no", self.word(COLUMNS, "owner"), False):
                column["owner"] = True
                if owner is not None:
                    self.problem(r["owner"].where, "owner_twice", other=owner)
                owner = owner or r["owner"].where
                if kind not in ("person", "text"):
                    self.problem(r["owner"].where, "owner_type")
            if kind == "label":
                if column.get("required") or column.get("owner"):
                    self.problem(r["type"].where, "label_flags")
                if not fixed:
                    self.problem(r["type"].where, "label_in_open")
                elif index != 0:
                    self.problem(r["type"].where, "label_first")
            elif index == 0 and fixed and r["type"]:
                self.problem(r["type"].where, "label_first")
            if r["width"]:
                width = self.integer(r["width"], self.word(COLUMNS, "width"), *MAX_WIDTH, whole=False)
                if width is not None:
                    column["width"] = width
            self.column_list(r["list"], kind, lists, column)
            help_text = self.text_pair(r["help_fr"], r["help_en"], self.word(COLUMNS, "help_fr"), False)
            if help_text:
                column["help"] = help_text
            out.append(column)
        if len(records) < 2 and COLUMNS.key in self.tab_names and COLUMNS.key not in self.broken:
            self.problem(self.tab_names[COLUMNS.key], "too_few_columns")
        return out

    def column_list(
        self, value: Value, kind: str, lists: dict[str, dict[str, list[str]]], column: dict[str, Any]
    ) -> None:
        tab = self.tab_word(CHOICES)
        if kind != "choice":
            if value:
                self.problem(value.where, "list_not_choice")
        elif not value:
            self.problem(value.where, "list_missing", tab=tab)
        elif fold(value.text) not in lists:
            self.problem(value.where, "list_undefined", value=value.text, tab=tab)
        else:
            column["choices"] = lists[fold(value.text)]

    def lists(self, records: list[Record]) -> dict[str, dict[str, list[str]]]:
        lists: dict[str, dict[str, list[str]]] = {}
        seen: dict[tuple[str, str, str], str] = {}
        for r in records:
            if not r["list"]:
                self.problem(r["list"].where, "required", name=self.word(CHOICES, "list"))
                continue
            pair = self.text_pair(r["label_fr"], r["label_en"], self.word(CHOICES, "label_fr"))
            assert pair is not None
            items = lists.setdefault(fold(r["list"].text), {"fr": [], "en": []})
            for language, value in zip(LANGUAGES, (r["label_fr"], r["label_en"]), strict=True):
                key = (fold(r["list"].text), language, value.text)
                if value and key in seen:
                    self.problem(
                        value.where,
                        "duplicate_choice",
                        value=value.text,
                        list=r["list"].text,
                        other=seen[key],
                    )
                seen.setdefault(key, value.where)
                items[language].append(value.text)
        return lists

    def rows(self, records: list[Record], debrief: list[Record]) -> list[dict[str, Any]]:
        seen: dict[str, str] = {}
        out = []
        for r in records:
            row: dict[str, Any] = {"id": self.identifier(r["id"], self.word(ROWS, "id"), seen)}
            if self.choose(r["optional"], "yes_no", self.word(ROWS, "optional"), False):
                row["required"] = False
            row["label"] = self.text_pair(r["label_fr"], r["label_en"], self.word(ROWS, "label_fr"))
            note = self.text_pair(r["note_fr"], r["note_en"], self.word(ROWS, "note_fr"), False)
            if note:
                row["note"] = note
            out.append(row)
        for r in debrief:  # rows and debrief questions share one id space (both are rows of the copy)
            if r["id"] and ID.match(r["id"].text) and r["id"].text in seen:
                self.problem(r["id"].where, "duplicate_id", value=r["id"].text, other=seen[r["id"].text])
        if not records and ROWS.key in self.broken:
            pass
        elif not records and ROWS.key in self.tab_names:
            self.problem(self.tab_names[ROWS.key], "no_rows")
        elif not records:
            self.problem(self.tab_word(ROWS), "missing_tab")
        return out

    def debrief(self, records: list[Record]) -> list[dict[str, Any]]:
        seen: dict[str, str] = {}
        out = []
        for r in records:
            question = {"id": self.identifier(r["id"], self.word(DEBRIEF, "id"), seen)}
            pair = self.text_pair(r["question_fr"], r["question_en"], self.word(DEBRIEF, "question_fr"))
            assert pair is not None
            out.append({**question, **pair})
        return out

    def key(self, value: Value, columns: list[dict[str, Any]], records: list[Record]) -> str:
        if not value:
            self.problem(value.where, "required", name=self.word(SHEET, "key"))
            return ""
        column = next((c for c in columns if c["id"] == value.text), None)
        if column is None:
            self.problem(value.where, "key_unknown", value=value.text)
        elif column["type"] != "choice":
            self.problem(value.where, "key_not_choice", value=value.text)
        return value.text

    def consistency(self, data: dict[str, Any]) -> None:
        """The template's own checks, as a safety net: a design that passes ours should pass these."""
        found = schema_messages("template", data, self.language) or worksheet_problems(
            data, expected_id=data["id"], language=self.language
        )
        for detail in found:
            self.problem(self.tab_word(SHEET), "inconsistent", detail=detail)
