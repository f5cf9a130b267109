"""Excel (.xlsx) writer: turns a WorkbookSpec (layout, identity, values) into a formatted workbook.

Registered as the `xlsx` writer: copies go into a folder, one file per partner plus a blank one,
all built in memory before the first file is written (a bad template leaves the folder untouched);
a master goes to any path ending in .xlsx. Every file is written atomically.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import style
from ..cells import column_letter
from ..config_messages import say
from ..cover import Line
from ..errors import ConfigError
from ..files import atomic_write, atomic_write_with
from ..generate import CopyPlan, copy_filename
from ..guard import Existing, backup, classify
from ..i18n import word
from ..initiative import Initiative, Partner
from ..layout import DESCRIPTION_ROW, HINT_ROW, TITLE_ROW, SheetLayout
from ..metadata import METADATA_TAB, properties, record_rows
from ..problems import output_message
from ..progress import copies_bar
from ..spec import ExtraTab, LazyRows, Rows, WorkbookSpec
from ..templates import DEBRIEF_COLUMN, Column
from ..text import CELL_LIMIT, EXCEL_ESCAPE, XML_FORBIDDEN, Language
from ..writers import WriteOptions, Writer
from .xlsx_package import (
    DEFAULT,
    Book,
    Font,
    Note,
    Sheet,
    Style,
    Table,
    Validation,
    blank_cell,
    bool_cell,
    date_serial,
    is_number,
    number,
    number_cell,
    string_cell,
)
from .xlsx_package import text as xml_text

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
    language = plan.initiative.language
    if out is None:
        raise ConfigError(say("out_required", language))
    planned = []
    for partner in plan.partners:
        path = Path(out) / copy_filename(plan.initiative, partner, plan.language, SUFFIX)
        planned.append((partner, path, classify(path, plan.initiative)))
    wanted = [
        (partner, path)
        for partner, path, existing in planned
        if existing.found == "absent" or (existing.found == "unfilled_copy" and options.force)
    ]
    # every copy built before the first file is written: a bad template leaves the folder as is
    made = _build(plan, [partner for partner, _path in wanted], options)
    built = {path: data for (_partner, path), data in zip(wanted, made, strict=True)}
    done = []
    # Each file is written whole or not at all (atomic_write); threads overlap the waits for the disk
    # (fsync), and the results are taken in the plan's order, so the first failure is the one reported.
    with ThreadPoolExecutor(max_workers=WRITING_THREADS) as writing:
        writes = []
        for partner, path, existing in planned:
            partner_id = partner.id if partner else None
            copy_id = plan.copy_ids.get(partner_id or "")
            if path not in built:
                done.append(GeneratedCopy(partner_id, path, "kept", None, _kept(existing, path, language)))
                continue
            message = ""
            if existing.found != "absent":
                saved = backup(path, language)
                message = output_message("copy_replaced", language, path=str(path), backup=str(saved))
            writes.append(writing.submit(atomic_write, path, built[path], plan.language))
            status = "replaced" if message else "written"
            done.append(GeneratedCopy(partner_id, path, status, copy_id, message))
        for write in writes:
            write.result()
    return done


WRITING_THREADS = 4


PARALLEL_FROM = 64  # copies: fewer are built faster than worker processes start
CHUNKS_PER_JOB = 4  # smaller chunks even out the workers' load


def _build(plan: CopyPlan, partners: list[Partner | None], options: WriteOptions) -> list[bytes]:
    """Each copy's bytes, in the plan's order: in worker processes when there are enough copies to
    pay for starting them (`options.jobs`, default one per CPU), else here."""
    jobs = options.jobs or os.cpu_count() or 1
    many = options.progress and len(partners) >= PARALLEL_FROM
    bar = copies_bar("Excel", len(partners), plan.language, enabled=many)
    built: list[bytes] = []
    try:
        if jobs <= 1 or len(partners) < PARALLEL_FROM:
            for partner in partners:
                built.append(workbook_bytes(plan.spec(partner)))
                bar.update(1)
            return built
        size = -(-len(partners) // (jobs * CHUNKS_PER_JOB))
        chunks = [partners[i : i + size] for i in range(0, len(partners), size)]
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(chunks)), initializer=_receive, initargs=(plan,)
        ) as pool:
            for chunk in pool.map(_build_chunk, chunks):  # results in submission order: deterministic
                built += chunk
                bar.update(len(chunk))
        return built
    finally:
        bar.close()


_PLAN: list[CopyPlan] = []  # in a worker: the plan, sent once rather than with every chunk


def _receive(plan: CopyPlan) -> None:
    _PLAN[:] = [plan]


def _build_chunk(partners: list[Partner | None]) -> list[bytes]:
    return [workbook_bytes(_PLAN[0].spec(partner)) for partner in partners]


def _kept(existing: Existing, path: Path, language: Language) -> str:
    if existing.found == "filled_copy":
        return output_message("copy_kept_filled", language, path=str(path))
    if existing.found == "unfilled_copy":
        return output_message("copy_kept", language, path=str(path))
    return output_message("copy_kept_other", language, path=str(path), what=existing.what(language))


def write_master(initiative: Initiative, spec: WorkbookSpec, target: str, options: WriteOptions) -> str:
    book = build_workbook(spec)
    # straight into the file: the master of thousands of copies is hundreds of megabytes of XML
    atomic_write_with(Path(target), book.write, initiative.language)
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
    return build_workbook(spec).to_bytes()


def font(spec: style.FontStyle) -> Font:
    return Font(bold=spec.bold, italic=spec.italic, size=spec.size, colour=spec.colour)


# Every look a copy or master uses (colours and sizes from style.py).
HEADER = Style(
    font=Font(bold=True, colour=style.WHITE),
    fill=style.HEADER_FILL,
    border=style.BORDER,
    wrap=True,
    vertical="center",
    horizontal="center",
)
LABEL = Style(font=Font(bold=True), fill=style.LABEL_FILL, border=style.BORDER, wrap=True, vertical="top")
INPUT = Style(fill=style.INPUT_FILL, border=style.BORDER, wrap=True, vertical="top", locked=False)
INPUT_DATE = dataclasses.replace(INPUT, number_format=style.DATE_FORMAT)
QUESTION = Style(font=Font(italic=True), border=style.BORDER, wrap=True, vertical="top")
DEBRIEF_HEADING = Style(font=font(style.DEBRIEF_HEADING))
TABLE_HEADER = Style(font=font(style.HEADER_FONT), fill=style.HEADER_FILL, wrap=True, vertical="top")
WRAPPED = Style(wrap=True, vertical="top")


def build_workbook(spec: WorkbookSpec) -> Book:
    language = spec.layout.language
    book = Book(
        title=spec.info.initiative_name,
        created=spec.info.generated_at.replace(tzinfo=None),
        custom=tuple(properties(spec.info, spec.layout).items()),
    )
    cover = book.add_sheet(word("readme_tab", language))
    _write_cover(book, cover, spec.cover)
    _print_setup(cover, landscape=False)
    lists = _Lists(book, language)
    for sheet in spec.layout.sheets:  # the lists tab, when one is needed, follows the first tab using it
        _write_sheet(book, book.add_sheet(sheet.tab), sheet, spec, lists)
    for tab in spec.extra_tabs:
        ws = book.add_sheet(tab.title)
        _write_extra_tab(book, ws, tab)
        _print_setup(ws, landscape=len(tab.header) > 4, title_rows="1:1")
    meta = book.add_sheet(METADATA_TAB)
    meta.state = "veryHidden"
    count, width, made = record_rows(spec.info, spec.layout)
    _table_rows(book, meta, LazyRows(count, width, made), 1, DEFAULT)  # pre-filled text stays text
    return book


LETTERS = [column_letter(i) for i in range(1, 100)]


def put(
    book: Book,
    ws: Sheet,
    row: int,
    col: int,
    value: object,
    look: Style = DEFAULT,
    language: Language | None = None,
) -> None:
    """Write a value in a look; text stays text even when it starts with '=' (never a partner formula).

    Partner text can hold anything: characters XML forbids are written with Excel's `_xHHHH_` escape
    (Excel, LibreOffice and the toolkit's reader turn them back into the same text), and text longer
    than a cell holds is cut with a visible mark saying how much is left out, never silently (the
    master avoids even that: master.py splits long text into Contributions rows first). An empty
    value still writes the cell when its look is not the default (a yellow input cell)."""
    xml = cell_xml(
        book, f"{LETTERS[col - 1] if col < 100 else column_letter(col)}{row}", value, look, language
    )
    if xml:
        ws.put(row, col, xml)


def cell_xml(book: Book, ref: str, value: object, look: Style, language: Language | None = None) -> str:
    """One cell's XML (see put); "" for an empty cell in the default look."""
    if isinstance(value, str) and value:
        xml = string_cell(ref, cell_text(value, language), 0 if look is DEFAULT else book.styles.index(look))
    elif isinstance(value, dt.date):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:  # Excel has no time zones
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        dated = dataclasses.replace(look, number_format=style.DATE_FORMAT)
        xml = number_cell(ref, date_serial(value), book.styles.index(dated))
    elif isinstance(value, bool):
        xml = bool_cell(ref, value, book.styles.index(look))
    elif is_number(value):
        assert isinstance(value, int | float)
        if isinstance(value, int) and abs(value) >= 10**15:  # beyond 15 digits: keep every one, as text
            xml = string_cell(ref, str(value), book.styles.index(look))
        else:
            xml = number_cell(ref, value, book.styles.index(look))
    elif value is not None and value != "":
        xml = string_cell(ref, cell_text(str(value), language), book.styles.index(look))
    else:
        xml = blank_cell(ref, book.styles.index(look))
    return xml


def write_text(cell: Any, value: object, language: Language | None = None) -> None:
    """An openpyxl cell, written with the same rules (for the report and design writers)."""
    from .openpyxl_cells import write_text as write

    write(cell, value, language)


CUT_MARK = {
    None: "… [+{count}]",
    "fr": "… [texte coupé : {count} caractères de plus]",
    "en": "… [text cut: {count} more characters]",
}


SURELY_FITS = CELL_LIMIT // 7  # characters: fits even if each one needs a 7-character escape


def _units(text: str) -> int:
    """text.excel_length, at C speed for long text."""
    units = len(text.encode("utf-16-le", "surrogatepass")) // 2
    return units + 6 * len(XML_FORBIDDEN.findall(text)) + 6 * len(EXCEL_ESCAPE.findall(text))


def cell_text(text: str, language: Language | None = None) -> str:
    """`text` as an .xlsx cell can hold it: escaped (see put) and at most CELL_LIMIT long."""
    if len(text) <= SURELY_FITS or _units(text) <= CELL_LIMIT:
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
    if "_x" not in text and not XML_FORBIDDEN.search(text):  # nearly always: nothing to escape
        return text
    return _ESCAPABLE.sub(_escape_one, text)


def _escape_one(match: re.Match[str]) -> str:
    if match.group(1):
        return "_x005F" + match.group(1)  # a literal `_x0041_` typed by a partner stays literal
    code = ord(match.group(2))
    if code < 0x20:
        return f"_x{code:04X}_"  # Excel, LibreOffice and calamine read it back as the character
    # Lone surrogates and U+FFFE/U+FFFF exist in no file: shown, and read back, as the visible `_xFFFF_`.
    return f"_x005F_x{code:04X}_"


def _write_cover(book: Book, ws: Sheet, lines: Sequence[Line]) -> None:
    ws.widths[1] = 72
    row = 0
    for line in lines:
        row += 2 if line.style == "heading" else 1
        look = Style(
            font=font(style.LINE_FONTS.get(line.style, style.FontStyle())),
            wrap=True,
            vertical="top",
            indent=1 if line.style == "bullet" else 0,
        )
        put(book, ws, row, 1, line.text, look)  # names files partners sent: any character
        ws.heights[row] = _height(line.text, 68)
    ws.protect()
    ws.gridlines = False


def _print_setup(ws: Sheet, landscape: bool, title_rows: str | None = None) -> None:
    """Letter paper, fitted to the page's width (as many pages down as it takes), header rows repeated."""
    ws.print_setup = {
        "orientation": "landscape" if landscape else "portrait",
        "paperSize": "1",  # Letter
        "fitToHeight": "0",
        "fitToWidth": "1",
    }
    ws.title_rows = title_rows


def _write_sheet(book: Book, ws: Sheet, sheet: SheetLayout, spec: WorkbookSpec, lists: _Lists) -> None:
    language = spec.layout.language
    worksheet = sheet.worksheet
    last_col = column_letter(sheet.width)
    total_width = 0.0
    for column in worksheet.columns:
        width = column.width or style.DEFAULT_WIDTHS[column.type]
        ws.widths[sheet.column_index(column.id)] = width
        total_width += width

    _banner(book, ws, TITLE_ROW, worksheet.title(language), last_col, font(style.SHEET_TITLE))
    _banner(book, ws, DESCRIPTION_ROW, worksheet.description(language), last_col, Font(), total_width)
    hint = word("master_hint" if spec.reading else "sheet_hint", language)  # a master is read, not filled
    hint_width = total_width if spec.reading else 0
    _banner(book, ws, HINT_ROW, hint, last_col, font(style.SHEET_HINT), hint_width)

    for column in worksheet.columns:
        put(book, ws, sheet.header_row, sheet.column_index(column.id), column.header(language), HEADER)
    ws.heights[sheet.header_row] = 45

    labels = {r.id: r for r in worksheet.rows}
    has_long = any(c.type == "long_text" for c in worksheet.input_columns)
    for row_id, row in sheet.rows:
        ws.heights[row] = style.LONG_ROW_HEIGHT if has_long else style.SHORT_ROW_HEIGHT
        if row_id in labels:
            put(book, ws, row, 1, labels[row_id].label(language), LABEL)
            note = labels[row_id].note
            if note:
                ws.notes.append(Note(row, 1, note(language), "toolkit", 320, 140))

    _write_debrief(book, ws, sheet, language, last_col)

    date_columns = {c.id for c in worksheet.columns if c.type == "date"}
    for row_id, column_id, row, col in sheet.input_cells():
        look = INPUT_DATE if column_id in date_columns else INPUT
        put(book, ws, row, col, spec.values.get((worksheet.id, row_id, column_id)), look)
    if spec.reading:
        _fit_rows(ws, sheet, spec)

    for column in worksheet.input_columns:
        validation = _validation(column, spec.people, language, lists, prompts=not spec.reading)
        if validation is not None:
            letter = column_letter(sheet.column_index(column.id))
            validation.sqref = f"{letter}{sheet.rows[0][1]}:{letter}{sheet.rows[-1][1]}"
            ws.validations.append(validation)

    first_data, last_data = sheet.rows[0][1], sheet.rows[-1][1]
    ws.freeze = f"{'A' if worksheet.is_open else 'B'}{first_data}"
    ws.filter = f"A{sheet.header_row}:{last_col}{last_data}"
    _print_setup(ws, landscape=True, title_rows=f"{sheet.header_row}:{sheet.header_row}")
    _protect(ws, spec.password, allow_insert_rows=worksheet.is_open)


def _write_debrief(book: Book, ws: Sheet, sheet: SheetLayout, language: Language, last_col: str) -> None:
    if sheet.debrief_heading_row is None:
        return
    put(book, ws, sheet.debrief_heading_row, 1, word("debrief", language), DEBRIEF_HEADING)
    questions = {q.id: q for q in sheet.worksheet.debrief}
    answer = column_letter(sheet.answer_column)
    for question_id, row in sheet.debrief:
        put(book, ws, row, 1, questions[question_id].text(language), QUESTION)
        if sheet.width > sheet.answer_column:
            ws.merged.append(f"{answer}{row}:{last_col}{row}")
        ws.heights[row] = 60


def _banner(book: Book, ws: Sheet, row: int, text: str, last_col: str, look: Font, width: float = 0) -> None:
    put(book, ws, row, 1, text, Style(font=look, wrap=True, vertical="top"))
    ws.merged.append(f"A{row}:{last_col}{row}")
    ws.heights[row] = _height(text, width) if width else 22


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
        ws.heights[row] = style.fitted_height(texts, style.SHORT_ROW_HEIGHT)


def _table_rows(
    book: Book,
    ws: Sheet,
    rows: Rows,
    first: int,
    look: Style,
    widths: Sequence[float] | None = None,
) -> None:
    """Many plain rows in one look (Contributions, answers, the metadata tab): the master's bulk, so
    their XML is made only as the package is written (`Table`), text cells directly; with `widths`,
    each row as tall as its longest text (style.fitted_height, inlined)."""
    s = book.styles.index(look)
    width = rows.width if isinstance(rows, LazyRows) else max(map(len, rows), default=0)
    last = first + len(rows) - 1
    ws.table = Table(first, last, width, lambda: _row_xml(book, rows, first, last, width, look, s, widths))
    if last >= first:
        ws.max_col = max(ws.max_col, width)


MEMO_TEXT = 160  # characters: shorter text is remembered per column (labels, names, files, times repeat)
MEMO_SIZE = 4096  # texts remembered per column; then forgotten, so memory stays small


def _row_xml(
    book: Book,
    rows: Rows,
    first: int,
    last: int,
    width: int,
    look: Style,
    s: int,
    widths: Sequence[float] | None,
) -> Iterator[str]:
    """The XML of each of `rows` (see _table_rows), row `first` on. A text's XML after its cell
    reference, and the lines it takes, are made once per column: most of a table's texts repeat."""
    head = f' s="{s}" t="inlineStr"><is><t' if s else ' t="inlineStr"><is><t'
    blank = f'" s="{s}"/>' if s else ""  # an empty cell keeps the look (wrapped) of its column
    fitted = bool(widths)
    per_line = [max(1, int(w * style.CHARS_PER_WIDTH)) for w in widths or ()]
    per_line += [0] * (width - len(per_line))  # 0: not counted
    line, most = style.LINE_HEIGHT, style.MAX_ROW_HEIGHT
    opens = [f'<c r="{letter}' for letter in LETTERS[:width]]
    memos: list[dict[str, tuple[str, int]]] = [{} for _ in opens]
    heights: dict[int, str] = {}  # lines -> the row's height
    row = first - 1
    for row, values in enumerate(rows, start=first):
        if len(values) > width:
            raise ValueError(f"row {row}: {len(values)} values, more than the table's {width} columns")
        r = str(row)
        cells: list[str] = []
        lines = 1
        for col, (opening, memo, value) in enumerate(zip(opens, memos, values, strict=False)):
            if type(value) is str:
                known = memo.get(value)
                if known is None:
                    known = _text_xml(value, head, blank, per_line[col])
                    if len(value) <= MEMO_TEXT:
                        if len(memo) >= MEMO_SIZE:
                            memo.clear()
                        memo[value] = known
                rest, count = known
                if rest:
                    cells.append(f"{opening}{r}{rest}")
                if count > lines:
                    lines = count
            elif value is None:
                if blank:
                    cells.append(f"{opening}{r}{blank}")
            else:
                cells.append(cell_xml(book, f"{LETTERS[col]}{r}", value, look))
                count = _lines(_shown(value), per_line[col])
                if count > lines:
                    lines = count
        if fitted:
            height = heights.get(lines)
            if height is None:
                height = heights[lines] = number(min(most, max(18, line * lines + 3)))
            yield f'<row r="{r}" ht="{height}" customHeight="1">{"".join(cells)}</row>'
        elif cells:
            yield f'<row r="{r}">{"".join(cells)}</row>'
    if row != last:
        raise ValueError(f"the table's rows end at row {row}, not {last} as counted")


def _text_xml(value: str, head: str, blank: str, chars: int) -> tuple[str, int]:
    """A text cell's XML after `<c r="A1`, and the lines it takes `chars` a line (0: not counted)."""
    if not value:
        return blank, 1
    if (
        len(value) <= SURELY_FITS
        and (value.isprintable() or not XML_FORBIDDEN.search(value))  # isprintable: faster, stricter
        and "_x" not in value
    ):
        escaped = value  # nearly always: nothing to escape or cut
    else:
        escaped = cell_text(value)
    if "&" in escaped or "<" in escaped or ">" in escaped:
        escaped = xml_text(escaped)
    space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
    return f'"{head}{space}>{escaped}</t></is></c>', _lines(value, chars)


def _lines(shown: str, chars: int) -> int:
    """Lines `shown` takes wrapped at `chars` a line (0: not counted, 1)."""
    if not chars or (len(shown) <= chars and "\n" not in shown):
        return 1
    if "\n" in shown:
        return sum(max(1, -(-len(part) // chars)) for part in shown.split("\n"))
    return -(-len(shown) // chars)


def _protect(ws: Sheet, password: str | None, allow_insert_rows: bool) -> None:
    """Protect labels and headers while letting partners resize, format, sort and filter."""
    ws.protect(
        password,
        formatCells=True,
        formatColumns=True,
        formatRows=True,
        sort=True,
        autoFilter=True,
        insertRows=allow_insert_rows,
        deleteRows=allow_insert_rows,
    )


class _Lists:
    """Dropdown sources: inline when short, else a column of a hidden lists tab behind a defined name."""

    def __init__(self, book: Book, language: Language) -> None:
        self.book = book
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
                self.sheet = self.book.add_sheet(word("lists_tab", self.language))
                self.sheet.state = "hidden"
                self.sheet.protect()
            col = len(self.names) + 1
            for row, item in enumerate(items, start=1):
                put(self.book, self.sheet, row, col, item)
            letter = column_letter(col)
            defined = f"toolkit_{name}"
            self.book.names[defined] = f"'{self.sheet.title}'!${letter}$1:${letter}${len(items)}"
            self.names[key] = defined
        return self.names[key]  # a defined name, without a leading "="


def _validation(
    column: Column, people: Sequence[str], language: Language, lists: _Lists, prompts: bool = True
) -> Validation | None:
    def w(key: str) -> str:
        return word(key, language)

    if column.type == "person":
        if not people:
            return None
        dv = Validation(
            "",
            "list",
            lists.formula(people, "people"),
            error_style="warning",
            error=w("person_error"),
            prompt=w("person_prompt"),
        )
    elif column.type in ("choice", "yes_no"):
        items = [c(language) for c in column.choices] if column.type == "choice" else [w("yes"), w("no")]
        dv = Validation("", "list", lists.formula(items, column.id), error=w("choice_error"))
    elif column.type == "date":
        # 2000-01-01 .. 2100-12-31 as serial numbers: every application reads numbers the same way.
        dv = Validation(
            "",
            "date",
            "36526",
            "73415",
            operator="between",
            error=w("date_error"),
            prompt=w("date_prompt"),
        )
    elif column.type == "number":
        dv = Validation("", "decimal", "-1E+15", "1E+15", operator="between", error=w("number_error"))
    else:
        return None
    dv.error_title = w("invalid_title")
    if not prompts:  # a workbook to read: no "pick a person" bubble on every cell
        dv.prompt = None
    if dv.prompt:
        dv.prompt_title = w("input_title")
    return dv


def _write_extra_tab(book: Book, ws: Sheet, tab: ExtraTab) -> None:
    """A plain table: header, then one wrapped row per line, each as tall as its longest text."""
    for col, title in enumerate(tab.header, start=1):
        put(book, ws, 1, col, title, TABLE_HEADER)
    widths = [*tab.widths, *[style.DEFAULT_WIDTHS["text"]] * (len(tab.header) - len(tab.widths))]
    ws.heights[1] = style.fitted_height(zip(tab.header, widths, strict=False))
    _table_rows(book, ws, tab.rows, 2, WRAPPED, widths)
    for col, width in enumerate(widths, start=1):
        ws.widths[col] = width
    ws.freeze = "A2"
    ws.filter = f"A1:{column_letter(len(tab.header))}{max(1, len(tab.rows) + 1)}"
    if tab.read_only:
        ws.protect(sort=True, autoFilter=True)
