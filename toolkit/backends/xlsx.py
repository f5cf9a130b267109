"""Excel (.xlsx) writer: turns a WorkbookSpec (layout, identity, values) into a formatted workbook.

Registered as the `xlsx` writer: copies go into a folder, one file per partner plus a blank one,
all built in memory before the first file is written (a bad template leaves the folder untouched);
a master goes to any path ending in .xlsx. Every file is written atomically.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet as Sheet

from .. import style
from ..cells import column_letter
from ..cover import Line
from ..errors import ConfigError
from ..files import atomic_write
from ..generate import CopyPlan, copy_filename
from ..guard import Existing, backup, classify
from ..i18n import word
from ..initiative import Initiative
from ..layout import DESCRIPTION_ROW, HINT_ROW, TITLE_ROW, SheetLayout
from ..metadata import METADATA_TAB, properties, records
from ..problems import output_message
from ..spec import ExtraTab, WorkbookSpec
from ..templates import DEBRIEF_COLUMN, Column
from ..text import CELL_LIMIT, EXCEL_ESCAPE, XML_FORBIDDEN, Language, excel_length
from ..writers import WriteOptions, Writer

THIN = Side(style="thin", color=style.BORDER)
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor=style.HEADER_FILL)
LABEL_FILL = PatternFill("solid", fgColor=style.LABEL_FILL)
INPUT_FILL = PatternFill("solid", fgColor=style.INPUT_FILL)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)


SUFFIX = ".xlsx"


@dataclass(frozen=True)
class GeneratedCopy:
    """One .xlsx copy `generate` wrote, replaced or kept: whose it is (None: the blank copy), its path.

    `status`: "written", "replaced" (an unfilled copy, with --force; `message` names the backup) or
    "kept" (a file was there and was not replaced; `message` says why)."""

    partner_id: str | None  # None for the blank copy
    path: Path
    status: str = "written"
    copy_id: str | None = None  # the issued copy's id, when this run wrote it
    message: str = ""

    @property
    def where(self) -> str:
        return str(self.path)


def write_copies(plan: CopyPlan, out: str | None, options: WriteOptions) -> list[GeneratedCopy]:
    """One .xlsx per planned copy into the folder `out`, never over a copy that holds answers."""
    if out is None:
        raise ConfigError("--out: the folder to write the workbooks into is required")
    language = plan.initiative.language
    planned = []
    for partner in plan.partners:
        path = Path(out) / copy_filename(plan.initiative, partner, plan.language, SUFFIX)
        planned.append((partner, path, classify(path, plan.initiative)))
    built = {  # every copy built before the first file is written: a bad template leaves the folder as is
        path: workbook_bytes(plan.spec(partner))
        for partner, path, existing in planned
        if existing.found == "absent" or (existing.found == "unfilled_copy" and options.force)
    }
    done = []
    for partner, path, existing in planned:
        partner_id = partner.id if partner else None
        copy_id = plan.copy_ids.get(partner_id or "")
        if path not in built:
            done.append(GeneratedCopy(partner_id, path, "kept", None, _kept(existing, path, language)))
            continue
        message = ""
        if existing.found != "absent":
            saved = backup(path)
            message = output_message("copy_replaced", language, path=str(path), backup=str(saved))
        atomic_write(path, built[path], plan.language)
        done.append(GeneratedCopy(partner_id, path, "replaced" if message else "written", copy_id, message))
    return done


def _kept(existing: Existing, path: Path, language: Language) -> str:
    if existing.found == "filled_copy":
        return output_message("copy_kept_filled", language, path=str(path))
    if existing.found == "unfilled_copy":
        return output_message("copy_kept", language, path=str(path))
    return output_message("copy_kept_other", language, path=str(path), what=existing.what(language))


def write_master(initiative: Initiative, spec: WorkbookSpec, target: str, options: WriteOptions) -> str:
    atomic_write(Path(target), workbook_bytes(spec), initiative.language)
    return target


WRITER = Writer(
    name="xlsx",
    description="Excel workbooks (.xlsx), opened by Excel, LibreOffice and Google Sheets",
    targets=".xlsx",
    claims_target=lambda target: target.lower().endswith(SUFFIX),
    write_copies=write_copies,
    write_master=write_master,
)


def workbook_bytes(spec: WorkbookSpec) -> bytes:
    buffer = io.BytesIO()
    build_workbook(spec).save(buffer)
    return buffer.getvalue()


def build_workbook(spec: WorkbookSpec) -> Workbook:
    language = spec.layout.language
    wb = Workbook()
    cover = wb.active
    assert cover is not None
    cover.title = word("readme_tab", language)
    _write_cover(cover, spec.cover)
    _print_setup(cover, landscape=False)
    lists = _Lists(wb, language)
    for sheet in spec.layout.sheets:
        ws = wb.create_sheet(sheet.tab)
        _write_sheet(ws, sheet, spec, lists)
    for tab in spec.extra_tabs:
        ws = wb.create_sheet(tab.title)
        _write_extra_tab(ws, tab)
        _print_setup(ws, landscape=len(tab.header) > 4, title_rows="1:1")
    meta = wb.create_sheet(METADATA_TAB)
    for number, values in enumerate(records(spec.info, spec.layout), start=1):
        for column, value in enumerate(values, start=1):
            write_text(meta.cell(row=number, column=column), value)  # pre-filled partner text stays text
    meta.sheet_state = "veryHidden"
    wb.properties.creator = "toolkit"
    wb.properties.title = spec.info.initiative_name
    wb.properties.created = spec.info.generated_at.replace(tzinfo=None)
    for name, value in properties(spec.info, spec.layout).items():
        wb.custom_doc_props.append(StringProperty(name=name, value=value))
    return wb


def font(spec: style.FontStyle) -> Font:
    return Font(bold=spec.bold, italic=spec.italic, size=spec.size, color=spec.colour)


def write_text(cell: Cell, value: object, language: Language | None = None) -> None:
    """Write a value; text stays text even when it starts with '=' (never a partner formula).

    Partner text can hold anything: characters XML forbids are written with Excel's `_xHHHH_` escape
    (Excel, LibreOffice and the toolkit's reader turn them back into the same text), and text longer
    than a cell holds is cut with a visible mark saying how much is left out, never silently (the
    master avoids even that: master.py splits long text into Contributions rows first)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:  # Excel has no time zones
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        cell.value = value
        cell.number_format = style.DATE_FORMAT
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = style.DATE_FORMAT
    elif isinstance(value, bool | int) or (isinstance(value, float) and math.isfinite(value)):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
            _write_string(cell, str(value), language)  # beyond a spreadsheet's 15 digits: keep every one
        else:
            cell.value = value
    elif value is not None and value != "":
        _write_string(cell, str(value), language)


def _write_string(cell: Cell, text: str, language: Language | None) -> None:
    cell.value = cell_text(text, language)
    cell.data_type = "s"


CUT_MARK = {
    None: "… [+{count}]",
    "fr": "… [texte coupé : {count} caractères de plus]",
    "en": "… [text cut: {count} more characters]",
}


def cell_text(text: str, language: Language | None = None) -> str:
    """`text` as an .xlsx cell can hold it: escaped (see write_text) and at most CELL_LIMIT long."""
    if excel_length(text) <= CELL_LIMIT:
        return _escape(text)
    mark = CUT_MARK[language]
    budget = CELL_LIMIT - len(mark.format(count=len(text))) - 6 * len(EXCEL_ESCAPE.findall(text))
    kept = 0
    for char in text:
        cost = 7 if XML_FORBIDDEN.match(char) else 2 if ord(char) > 0xFFFF else 1
        if budget < cost:
            break
        budget -= cost
        kept += 1
    return _escape(text[:kept]) + mark.format(count=len(text) - kept)


_ESCAPABLE = re.compile(f"({EXCEL_ESCAPE.pattern})|({XML_FORBIDDEN.pattern})")


def _escape(text: str) -> str:
    return _ESCAPABLE.sub(_escape_one, text)


def _escape_one(match: re.Match[str]) -> str:
    if match.group(1):
        return "_x005F" + match.group(1)  # a literal `_x0041_` typed by a partner stays literal
    code = ord(match.group(2))
    if code < 0x20:
        return f"_x{code:04X}_"  # Excel, LibreOffice and calamine read it back as the character
    # Lone surrogates and U+FFFE/U+FFFF exist in no file: shown, and read back, as the visible `_xFFFF_`.
    return f"_x005F_x{code:04X}_"


def _write_cover(ws: Sheet, lines: Sequence[Line]) -> None:
    ws.column_dimensions["A"].width = 72
    row = 0
    for line in lines:
        row += 2 if line.style == "heading" else 1
        cell = ws.cell(row=row, column=1)
        write_text(cell, line.text)  # names files partners sent: any character
        cell.font = font(style.LINE_FONTS.get(line.style, style.FontStyle()))
        cell.alignment = Alignment(wrap_text=True, vertical="top", indent=1 if line.style == "bullet" else 0)
        ws.row_dimensions[row].height = _height(line.text, 68)
    ws.protection.sheet = True
    ws.sheet_view.showGridLines = False


def _print_setup(ws: Sheet, landscape: bool, title_rows: str | None = None) -> None:
    """Letter paper, fitted to the page's width (as many pages down as it takes), header rows repeated."""
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows


def _write_sheet(ws: Sheet, sheet: SheetLayout, spec: WorkbookSpec, lists: _Lists) -> None:
    language = spec.layout.language
    worksheet = sheet.worksheet
    last_col = column_letter(sheet.width)
    total_width = 0.0
    for column in worksheet.columns:
        width = column.width or style.DEFAULT_WIDTHS[column.type]
        ws.column_dimensions[column_letter(sheet.column_index(column.id))].width = width
        total_width += width

    _banner(ws, TITLE_ROW, worksheet.title(language), last_col, font(style.SHEET_TITLE))
    _banner(ws, DESCRIPTION_ROW, worksheet.description(language), last_col, Font(), total_width)
    hint = word("master_hint" if spec.reading else "sheet_hint", language)  # a master is read, not filled
    _banner(ws, HINT_ROW, hint, last_col, font(style.SHEET_HINT), total_width if spec.reading else 0)

    for column in worksheet.columns:
        cell = ws.cell(
            row=sheet.header_row, column=sheet.column_index(column.id), value=column.header(language)
        )
        cell.font = font(style.HEADER_FONT)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = BORDER
    ws.row_dimensions[sheet.header_row].height = 45

    labels = {r.id: r for r in worksheet.rows}
    has_long = any(c.type == "long_text" for c in worksheet.input_columns)
    for row_id, row in sheet.rows:
        ws.row_dimensions[row].height = style.LONG_ROW_HEIGHT if has_long else style.SHORT_ROW_HEIGHT
        if row_id in labels:
            cell = ws.cell(row=row, column=1, value=labels[row_id].label(language))
            cell.font, cell.fill, cell.alignment, cell.border = Font(bold=True), LABEL_FILL, WRAP_TOP, BORDER
            note = labels[row_id].note
            if note:
                cell.comment = Comment(note(language), "toolkit", width=320, height=140)

    _write_debrief(ws, sheet, language, last_col)

    date_columns = {c.id for c in worksheet.columns if c.type == "date"}
    for row_id, column_id, row, col in sheet.input_cells():
        cell = ws.cell(row=row, column=col)
        cell.protection, cell.fill, cell.alignment, cell.border = UNLOCKED, INPUT_FILL, WRAP_TOP, BORDER
        if column_id in date_columns:
            cell.number_format = style.DATE_FORMAT
        write_text(cell, spec.values.get((worksheet.id, row_id, column_id)))
    if spec.reading:
        _fit_rows(ws, sheet, spec)

    for column in worksheet.input_columns:
        validation = _validation(column, spec.people, language, lists, prompts=not spec.reading)
        if validation is not None:
            letter = column_letter(sheet.column_index(column.id))
            validation.add(f"{letter}{sheet.rows[0][1]}:{letter}{sheet.rows[-1][1]}")
            ws.add_data_validation(validation)

    first_data, last_data = sheet.rows[0][1], sheet.rows[-1][1]
    ws.freeze_panes = f"{'A' if worksheet.is_open else 'B'}{first_data}"
    ws.auto_filter.ref = f"A{sheet.header_row}:{last_col}{last_data}"
    _print_setup(ws, landscape=True, title_rows=f"{sheet.header_row}:{sheet.header_row}")
    _protect(ws, spec.password, allow_insert_rows=worksheet.is_open)


def _write_debrief(ws: Sheet, sheet: SheetLayout, language: Language, last_col: str) -> None:
    if sheet.debrief_heading_row is None:
        return
    heading = ws.cell(row=sheet.debrief_heading_row, column=1, value=word("debrief", language))
    heading.font = font(style.DEBRIEF_HEADING)
    questions = {q.id: q for q in sheet.worksheet.debrief}
    answer = column_letter(sheet.answer_column)
    for question_id, row in sheet.debrief:
        cell = ws.cell(row=row, column=1, value=questions[question_id].text(language))
        cell.font, cell.alignment, cell.border = Font(italic=True), WRAP_TOP, BORDER
        if sheet.width > sheet.answer_column:
            ws.merge_cells(f"{answer}{row}:{last_col}{row}")
        ws.row_dimensions[row].height = 60


def _banner(ws: Sheet, row: int, text: str, last_col: str, font: Font, width: float = 0) -> None:
    cell = ws.cell(row=row, column=1)
    write_text(cell, text)
    cell.font = font
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(f"A{row}:{last_col}{row}")
    ws.row_dimensions[row].height = _height(text, width) if width else 22


def _height(text: str, width_chars: float) -> float:
    """Row height that shows wrapped text whole (about 1.1 characters per width unit, 15 pt a line)."""
    return style.fitted_height([(text, width_chars)])


def _shown(value: object) -> str:
    """About what a cell shows of a value, for its row's height."""
    if isinstance(value, dt.date):
        return "0000-00-00"
    return "" if value is None else str(value)


def _fit_rows(ws: Sheet, sheet: SheetLayout, spec: WorkbookSpec) -> None:
    """Every table and debrief row of a workbook to read as tall as its longest text."""
    worksheet, language = sheet.worksheet, spec.layout.language
    widths = {sheet.column_index(c.id): c.width or style.DEFAULT_WIDTHS[c.type] for c in worksheet.columns}
    labels = {r.id: r.label(language) for r in worksheet.rows}
    cells: dict[int, list[tuple[str, float]]] = {}
    for row_id, row in sheet.rows:
        cells[row] = [(labels.get(row_id, ""), widths[1])]
    answer_width = sum(w for col, w in widths.items() if col >= sheet.answer_column)
    questions = {q.id: q.text(language) for q in worksheet.debrief}
    for question_id, row in sheet.debrief:
        cells[row] = [(questions[question_id], widths[1])]
    for row_id, column_id, row, col in sheet.input_cells():
        width = answer_width if column_id == DEBRIEF_COLUMN else widths[col]
        cells[row].append((_shown(spec.values.get((worksheet.id, row_id, column_id))), width))
    for row, texts in cells.items():
        ws.row_dimensions[row].height = style.fitted_height(texts, style.SHORT_ROW_HEIGHT)


def _protect(ws: Sheet, password: str | None, allow_insert_rows: bool) -> None:
    """Protect labels and headers while letting partners resize, format, sort and filter."""
    protection = ws.protection
    protection.sheet = True
    protection.formatCells = False
    protection.formatColumns = False
    protection.formatRows = False
    protection.sort = False
    protection.autoFilter = False
    protection.insertRows = not allow_insert_rows
    protection.deleteRows = not allow_insert_rows
    if password:
        protection.password = password


class _Lists:
    """Dropdown sources: inline when short, else a column of a hidden lists tab behind a defined name."""

    def __init__(self, wb: Workbook, language: Language) -> None:
        self.wb = wb
        self.language = language
        self.sheet: Sheet | None = None
        self.names: dict[tuple[str, ...], str] = {}

    def formula(self, items: Sequence[str], name: str) -> str:
        if sum(len(i.encode("utf-16-le")) // 2 for i in items) + len(
            items
        ) - 1 <= style.INLINE_LIST_LIMIT and not any("," in i or '"' in i for i in items):
            return '"' + ",".join(items) + '"'
        key = tuple(items)
        if key not in self.names:
            if self.sheet is None:
                self.sheet = self.wb.create_sheet(word("lists_tab", self.language))
                self.sheet.sheet_state = "hidden"
                self.sheet.protection.sheet = True
            col = len(self.names) + 1
            for row, item in enumerate(items, start=1):
                write_text(self.sheet.cell(row=row, column=col), item)
            letter = column_letter(col)
            defined = f"toolkit_{name}"
            ref = f"'{self.sheet.title}'!${letter}$1:${letter}${len(items)}"
            self.wb.defined_names[defined] = DefinedName(defined, attr_text=ref)
            self.names[key] = defined
        return self.names[key]  # openpyxl wants the reference without a leading "="


def _validation(
    column: Column, people: Sequence[str], language: Language, lists: _Lists, prompts: bool = True
) -> DataValidation | None:
    def w(key: str) -> str:
        return word(key, language)

    if column.type == "person":
        if not people:
            return None
        dv = DataValidation(
            type="list",
            formula1=lists.formula(people, "people"),
            allow_blank=True,
            errorStyle="warning",
            error=w("person_error"),
            prompt=w("person_prompt"),
        )
    elif column.type in ("choice", "yes_no"):
        items = [c(language) for c in column.choices] if column.type == "choice" else [w("yes"), w("no")]
        dv = DataValidation(
            type="list",
            formula1=lists.formula(items, column.id),
            allow_blank=True,
            errorStyle="stop",
            error=w("choice_error"),
        )
    elif column.type == "date":
        # 2000-01-01 .. 2100-12-31 as serial numbers: every application reads numbers the same way.
        dv = DataValidation(
            type="date",
            operator="between",
            formula1="36526",
            formula2="73415",
            allow_blank=True,
            errorStyle="stop",
            error=w("date_error"),
            prompt=w("date_prompt"),
        )
    elif column.type == "number":
        dv = DataValidation(
            type="decimal",
            operator="between",
            formula1="-1E+15",
            formula2="1E+15",
            allow_blank=True,
            errorStyle="stop",
            error=w("number_error"),
        )
    else:
        return None
    dv.showErrorMessage = True
    if not prompts:  # a workbook to read: no "pick a person" bubble on every cell
        dv.prompt = None
    dv.showInputMessage = dv.prompt is not None
    dv.errorTitle = w("invalid_title")
    if dv.prompt:
        dv.promptTitle = w("input_title")
    return dv


def _write_extra_tab(ws: Sheet, tab: ExtraTab) -> None:
    """A plain table: header, then one wrapped row per line, each as tall as its longest text."""
    ws.append(list(tab.header))
    for cell in ws[1]:
        cell.font, cell.fill, cell.alignment = font(style.HEADER_FONT), HEADER_FILL, WRAP_TOP
    widths = [*tab.widths, *[style.DEFAULT_WIDTHS["text"]] * (len(tab.header) - len(tab.widths))]
    ws.row_dimensions[1].height = style.fitted_height(zip(tab.header, widths, strict=False))
    for row, values in enumerate(tab.rows, start=2):  # explicit rows: ws.max_row rescans every cell
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col)
            write_text(cell, value)
            cell.alignment = WRAP_TOP
        ws.row_dimensions[row].height = style.fitted_height(
            (_shown(v), w) for v, w in zip(values, widths, strict=False)
        )
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[column_letter(col)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{column_letter(len(tab.header))}{max(1, len(tab.rows) + 1)}"
    if tab.read_only:
        ws.protection.sheet, ws.protection.sort, ws.protection.autoFilter = True, False, False
