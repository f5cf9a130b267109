"""Writing a design workbook: one tab per concern, dropdowns on fixed words, a tab explaining each column."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet as Sheet

from ..backends.openpyxl_cells import write_text
from ..cells import column_letter
from ..templates import Column, Worksheet
from ..text import Language, Text
from .format import (
    CHOICES,
    COLUMNS,
    DATA_ROWS,
    DEBRIEF,
    LIST_REF,
    README,
    ROW_KINDS,
    ROWS,
    SHEET,
    SHEET_HEADERS,
    SHEET_SINGLE,
    TABS,
    TYPES,
    YES_NO,
    Tab,
)

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
UNUSED_FILL = PatternFill("solid", fgColor="E7E6E6")
WRAP = Alignment(wrap_text=True, vertical="top")

GUIDE: tuple[Text, ...] = (
    Text(
        "Ce classeur décrit une feuille de travail. Remplissez les onglets feuille, colonnes, lignes, "
        "choix et bilan, puis : toolkit template import CE_FICHIER.xlsx",
        "This workbook describes a worksheet. Fill in the sheet, columns, rows, choices and debrief tabs, "
        "then: toolkit template import THIS_FILE.xlsx",
    ),
    Text(
        "Pour voir la feuille comme la verront les partenaires : toolkit template preview CE_FICHIER.xlsx "
        "--out apercu.pdf",
        "To see the worksheet as partners will: toolkit template preview THIS_FILE.xlsx --out preview.pdf",
    ),
    Text(
        "Les cellules à liste déroulante n'acceptent que les mots prévus (en français ou en anglais). "
        "Saisissez du texte, jamais de formule. Les lignes vides sont ignorées; ajoutez autant de lignes "
        "que nécessaire.",
        "Cells with a dropdown take only the listed words (in French or English). "
        "Type text, never a formula. "
        "Empty lines are ignored; add as many lines as you need.",
    ),
)


def _t(text: Text, language: Language) -> str:
    return text.fr if language == "fr" else text.en


def design_bytes(worksheet: Worksheet, language: Language) -> bytes:
    buffer = io.BytesIO()
    design_workbook(worksheet, language).save(buffer)
    return buffer.getvalue()


def design_workbook(worksheet: Worksheet, language: Language) -> Workbook:
    wb = Workbook()
    readme = wb.active
    assert readme is not None
    readme.title = _t(README, language)
    _write_readme(readme, language)
    names = {tab.key: _t(tab.name, language) for tab in TABS}
    _write_sheet_tab(wb.create_sheet(names["sheet"]), worksheet, language, names)
    _write_table(
        wb.create_sheet(names["columns"]), COLUMNS, _column_rows(worksheet, language), language, names
    )
    _write_table(wb.create_sheet(names["rows"]), ROWS, _row_rows(worksheet, language), language, names)
    _write_table(wb.create_sheet(names["choices"]), CHOICES, _choice_rows(worksheet), language, names)
    debrief = [[q.id, q.text.fr, q.text.en] for q in worksheet.debrief]
    _write_table(wb.create_sheet(names["debrief"]), DEBRIEF, debrief, language, names)
    wb.active = 1  # open on the `feuille` tab; Lisez-moi is one click away
    wb.properties.creator = "toolkit"
    wb.properties.title = worksheet.title(language)
    return wb


# ---------------------------------------------------------------------------- content


def _yes(flag: bool, language: Language) -> str:
    return _t(YES_NO[True], language) if flag else ""


def _list_name(column: Column) -> str:
    return column.id  # a design names its lists; a template keeps choices on the column itself


def _column_rows(worksheet: Worksheet, language: Language) -> list[list[object]]:
    return [
        [
            c.id,
            c.header.fr,
            c.header.en,
            _t(TYPES[c.type], language),
            _yes(c.required, language),
            _yes(c.owner, language),
            c.width if c.width is not None else "",
            _list_name(c) if c.type == "choice" else "",
            c.help.fr if c.help else "",
            c.help.en if c.help else "",
        ]
        for c in worksheet.columns
    ]


def _row_rows(worksheet: Worksheet, language: Language) -> list[list[object]]:
    return [
        [
            r.id,
            r.label.fr,
            r.label.en,
            r.note.fr if r.note else "",
            r.note.en if r.note else "",
            _yes(not r.required, language),
        ]
        for r in worksheet.rows
    ]


def _choice_rows(worksheet: Worksheet) -> list[list[object]]:
    return [[_list_name(c), choice.fr, choice.en] for c in worksheet.columns for choice in c.choices]


def _sheet_values(worksheet: Worksheet, language: Language) -> dict[str, tuple[object, object]]:
    kind = "open" if worksheet.is_open else "fixed"
    return {
        "id": (worksheet.id, ""),
        "version": (worksheet.version, ""),
        "title": (worksheet.title.fr, worksheet.title.en),
        "tab": (worksheet.tab.fr, worksheet.tab.en),
        "description": (worksheet.description.fr, worksheet.description.en),
        "context": ("\n".join(worksheet.context.fr), "\n".join(worksheet.context.en)),
        "usage": ("\n".join(worksheet.usage.fr), "\n".join(worksheet.usage.en)),
        "rows": (_t(ROW_KINDS[kind], language), ""),
        "entries": (worksheet.entries if worksheet.is_open else "", ""),
        "key": (worksheet.key or "", ""),
    }


# ---------------------------------------------------------------------------- tabs


def _header(ws: Sheet, titles: list[str], widths: list[float]) -> None:
    for col, (title, width) in enumerate(zip(titles, widths, strict=True), start=1):
        cell = ws.cell(row=1, column=col)
        write_text(cell, title)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
        ws.column_dimensions[column_letter(col)].width = width
    ws.freeze_panes = "A2"


def _write_sheet_tab(ws: Sheet, worksheet: Worksheet, language: Language, names: dict[str, str]) -> None:
    _header(ws, [_t(t, language) for t in SHEET_HEADERS], [16, 60, 60])
    values = _sheet_values(worksheet, language)
    for row, field in enumerate(SHEET.fields, start=2):
        name = ws.cell(row=row, column=1)
        write_text(name, _t(field.name, language))
        name.font = Font(bold=True)
        for col, value in enumerate(values[field.key], start=2):
            cell = ws.cell(row=row, column=col)
            write_text(cell, value)
            cell.alignment = WRAP
        if field.key in SHEET_SINGLE:
            ws.cell(row=row, column=3).fill = UNUSED_FILL
        longest = max(len(str(v)) for v in values[field.key])
        ws.row_dimensions[row].height = 15 * max(1, min(12, -(-longest // 55)))
    _print_setup(ws)
    rows_line = 2 + [f.key for f in SHEET.fields].index("rows")
    key_line = 2 + [f.key for f in SHEET.fields].index("key")
    _dropdown(ws, f"B{rows_line}", _words(ROW_KINDS, language), language)
    _reference(ws, f"B{key_line}", f"{_quote(names['columns'])}!$A$2:$A${DATA_ROWS + 1}", language)


def _write_table(
    ws: Sheet, tab: Tab, rows: Sequence[Sequence[object]], language: Language, names: dict[str, str]
) -> None:
    _header(ws, [_t(f.name, language) for f in tab.fields], [f.width for f in tab.fields])
    for row, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col)
            write_text(cell, value)
            cell.alignment = WRAP
        lines = max(-(-len(str(v)) // max(1, int(f.width))) for v, f in zip(values, tab.fields, strict=False))
        ws.row_dimensions[row].height = 15 * max(1, min(12, lines))
    _print_setup(ws)
    for col, field in enumerate(tab.fields, start=1):
        letter = column_letter(col)
        cells = f"{letter}2:{letter}{DATA_ROWS + 1}"
        if field.vocabulary == "type":
            _dropdown(ws, cells, _words(TYPES, language), language)
        elif field.vocabulary == "yes_no":
            _dropdown(ws, cells, _words(YES_NO, language), language)
        elif field.vocabulary == LIST_REF:
            _reference(ws, cells, f"{_quote(names['choices'])}!$A$2:$A${DATA_ROWS + 1}", language)


def _write_readme(ws: Sheet, language: Language) -> None:
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 100
    row = 1
    for paragraph in GUIDE:
        _explain(ws, row, "", _t(paragraph, language))
        row += 1
    for tab in TABS:
        row += 1
        _explain(ws, row, _t(tab.name, language), _t(tab.help, language))
        ws.cell(row=row, column=1).font = HEADER_FONT
        ws.cell(row=row, column=1).fill = HEADER_FILL
        row += 1
        for field in tab.fields:
            _explain(ws, row, _t(field.name, language), _t(field.help, language))
            ws.cell(row=row, column=1).font = Font(bold=True)
            row += 1
    _print_setup(ws)


def _explain(ws: Sheet, row: int, name: str, text: str) -> None:
    write_text(ws.cell(row=row, column=1), name)
    cell = ws.cell(row=row, column=2)
    write_text(cell, text)
    cell.alignment = WRAP
    ws.cell(row=row, column=1).alignment = WRAP
    ws.row_dimensions[row].height = 15 * max(1, -(-len(text) // 95))  # Excel does not fit rows itself


def _print_setup(ws: Sheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# ---------------------------------------------------------------------------- dropdowns


def _words(vocabulary: Mapping[Any, Text], language: Language) -> list[str]:
    return [_t(t, language) for t in vocabulary.values()]


def _quote(tab: str) -> str:
    return f"'{tab}'" if not tab.isalnum() else tab


ERROR = Text("Choisissez un mot de la liste.", "Pick a word from the list.")
LIST_PROMPT = Text("Le nom d'une liste de l'onglet choix.", "The name of a list on the choices tab.")


def _dropdown(ws: Sheet, cells: str, items: list[str], language: Language) -> None:
    dv = DataValidation(
        type="list", formula1='"' + ",".join(items) + '"', allow_blank=True, errorStyle="stop"
    )
    dv.showErrorMessage = True
    dv.error = _t(ERROR, language)
    dv.add(cells)
    ws.add_data_validation(dv)


def _reference(ws: Sheet, cells: str, ref: str, language: Language) -> None:
    """A dropdown fed by another tab; a warning only, since the list may be written afterwards."""
    dv = DataValidation(type="list", formula1=ref, allow_blank=True, errorStyle="warning")
    dv.showErrorMessage = True
    dv.error = _t(ERROR, language)
    dv.add(cells)
    ws.add_data_validation(dv)
