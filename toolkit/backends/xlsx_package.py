"""A small streaming writer of .xlsx packages: sheets of styled cells, straight to XML strings in a zip.

Why not a library: the master of a 1,000-partner initiative is a few hundred thousand cells, and
openpyxl (one object per cell) or XlsxWriter (a general-purpose cell store) spend 2–4 times what the
XML itself costs (scripts/bench.py --writer). This module writes only what the toolkit's workbooks use
— fonts, fills, borders, alignment, number formats and cell locks; merged cells, notes, dropdowns,
frozen panes, filters, print set-up, sheet protection, hidden sheets, defined names, document and
custom properties — in the part layout openpyxl used, so readers see exactly what they saw before
(tests/test_workbook_dump.py). Text is always written as text, never as a formula.

Cells are given in any order and kept per row until `Book.write`, which writes each sheet row by row;
one string per cell. A big table (the master's Contributions) is not kept at all: a sheet's `Table`
makes its rows' XML while the package is written, a chunk at a time, so memory does not grow with
its rows.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import IO

from ..cells import column_letter
from ..clock import utc_now

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
EPOCH = dt.datetime(1899, 12, 30)
THEME = resources.files(__package__).joinpath("xlsx_theme.xml").read_bytes()


def text(value: str) -> str:
    """XML character data (the caller has already escaped what XML forbids, see xlsx.cell_text)."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def attr(value: str) -> str:
    """An XML attribute value, double-quoted; line breaks kept as character references."""
    return (
        text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    )


def number(value: float) -> str:
    """'22' for 22.0, else Python's shortest exact form."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def quote_sheet(title: str) -> str:
    """A sheet name as formulas and defined names write it ('Feuille 1'!A1, Lists!A1)."""
    return title if title.isalnum() else "'" + title.replace("'", "''") + "'"


# --- styles ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Font:
    """An explicit font: only what is set is written (size and colour None: the application's)."""

    bold: bool = False
    italic: bool = False
    size: float | None = None
    colour: str | None = None  # RRGGBB


@dataclass(frozen=True)
class Style:
    """Everything a cell's look is made of. `font` None is the workbook's default font (Calibri 11)."""

    font: Font | None = None
    fill: str | None = None  # RRGGBB, solid
    border: str | None = None  # RRGGBB of a thin border on all four sides
    wrap: bool = False
    vertical: str | None = None
    horizontal: str | None = None
    indent: int = 0
    number_format: str | None = None
    locked: bool = True

    @property
    def aligned(self) -> bool:
        return self.wrap or bool(self.vertical or self.horizontal or self.indent)


DEFAULT = Style()
DEFAULT_FONT = (
    '<font><name val="Calibri"/><family val="2"/><color theme="1"/><sz val="11"/><scheme val="minor"/></font>'
)


class Styles:
    """The workbook's style table: each distinct look gets one `s` index, in order of first use."""

    def __init__(self) -> None:
        self.fonts: dict[Font | None, int] = {None: 0}
        self.fills: dict[str | None, int] = {None: 0, "gray125": 1}
        self.borders: dict[str | None, int] = {None: 0}
        self.formats: dict[str, int] = {}
        self.xfs: dict[Style, int] = {DEFAULT: 0}

    def index(self, style: Style) -> int:
        found = self.xfs.get(style)
        if found is None:
            self.fonts.setdefault(style.font, len(self.fonts))
            self.fills.setdefault(style.fill, len(self.fills))
            self.borders.setdefault(style.border, len(self.borders))
            if style.number_format:
                self.formats.setdefault(style.number_format, 164 + len(self.formats))
            found = self.xfs[style] = len(self.xfs)
        return found

    def xml(self) -> str:
        formats = "".join(
            f'<numFmt numFmtId="{i}" formatCode="{attr(code)}"/>' for code, i in self.formats.items()
        )
        fonts = "".join(DEFAULT_FONT if f is None else _font(f) for f in self.fonts)
        fills = "".join(
            '<fill><patternFill patternType="none"/></fill>'
            if f is None
            else '<fill><patternFill patternType="gray125"/></fill>'
            if f == "gray125"
            else f'<fill><patternFill patternType="solid"><fgColor rgb="00{f}"/></patternFill></fill>'
            for f in self.fills
        )
        borders = "".join(_border(b) for b in self.borders)
        xfs = "".join(self._xf(s) for s in self.xfs)
        return (
            f'{XML_DECL}<styleSheet xmlns="{MAIN}">'
            + (f'<numFmts count="{len(self.formats)}">{formats}</numFmts>' if self.formats else "")
            + f'<fonts count="{len(self.fonts)}">{fonts}</fonts>'
            f'<fills count="{len(self.fills)}">{fills}</fills>'
            f'<borders count="{len(self.borders)}">{borders}</borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(self.xfs)}">{xfs}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
            'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
        )

    def _xf(self, s: Style) -> str:
        fmt = self.formats[s.number_format] if s.number_format else 0
        head = (
            f'<xf numFmtId="{fmt}" fontId="{self.fonts[s.font]}" fillId="{self.fills[s.fill]}" '
            f'borderId="{self.borders[s.border]}" xfId="0"'
            + (' applyNumberFormat="1"' if fmt else "")
            + (' applyFont="1"' if s.font is not None else "")
            + (' applyFill="1"' if s.fill else "")
            + (' applyBorder="1"' if s.border else "")
            + (' applyAlignment="1"' if s.aligned else "")
            + ("" if s.locked else ' applyProtection="1"')
        )
        inner = ""
        if s.aligned:
            inner += (
                "<alignment"
                + (f' horizontal="{s.horizontal}"' if s.horizontal else "")
                + (f' vertical="{s.vertical}"' if s.vertical else "")
                + (' wrapText="1"' if s.wrap else "")
                + (f' indent="{s.indent}"' if s.indent else "")
                + "/>"
            )
        if not s.locked:
            inner += '<protection locked="0" hidden="0"/>'
        return f"{head}>{inner}</xf>" if inner else f"{head}/>"


def _font(f: Font) -> str:
    return (
        "<font>"
        + ('<b val="1"/>' if f.bold else "")
        + ('<i val="1"/>' if f.italic else "")
        + (f'<color rgb="00{f.colour}"/>' if f.colour else "")
        + (f'<sz val="{number(f.size)}"/>' if f.size else "")
        + "</font>"
    )


def _border(colour: str | None) -> str:
    if colour is None:
        return "<border><left/><right/><top/><bottom/><diagonal/></border>"
    side = f'style="thin"><color rgb="00{colour}"/>'
    return (
        f"<border><left {side}</left><right {side}</right><top {side}</top>"
        f"<bottom {side}</bottom><diagonal/></border>"
    )


# --- sheets ------------------------------------------------------------------------------------------------


@dataclass
class Validation:
    """A data validation (dropdown, date or number rule) over one range."""

    sqref: str
    type: str
    formula1: str
    formula2: str | None = None
    operator: str | None = None
    error_style: str = "stop"
    error: str | None = None
    error_title: str | None = None
    prompt: str | None = None
    prompt_title: str | None = None
    allow_blank: bool = True

    def xml(self) -> str:
        def a(name: str, value: str | None) -> str:
            return f' {name}="{attr(value)}"' if value is not None else ""

        return (
            f'<dataValidation type="{self.type}"'
            + a("errorStyle", self.error_style)
            + a("operator", self.operator)
            + (' allowBlank="1"' if self.allow_blank else "")
            + ' showInputMessage="1"' * (self.prompt is not None)
            + ' showErrorMessage="1"'
            + a("errorTitle", self.error_title)
            + a("error", self.error)
            + a("promptTitle", self.prompt_title)
            + a("prompt", self.prompt)
            + f' sqref="{self.sqref}"><formula1>{text(self.formula1)}</formula1>'
            + (f"<formula2>{text(self.formula2)}</formula2>" if self.formula2 is not None else "")
            + "</dataValidation>"
        )


# Sheet protection flags as Excel reads them: 1 = that action is protected (not allowed).
PROTECTED = {
    "objects": False,
    "scenarios": False,
    "formatCells": True,
    "formatColumns": True,
    "formatRows": True,
    "insertColumns": True,
    "insertRows": True,
    "insertHyperlinks": True,
    "deleteColumns": True,
    "deleteRows": True,
    "selectLockedCells": False,
    "selectUnlockedCells": False,
    "sort": True,
    "autoFilter": True,
    "pivotTables": True,
}


def hash_password(password: str) -> str:
    """The legacy sheet-protection hash Excel and LibreOffice check (ECMA-376 Part 4, 14.7.1)."""
    value = 0
    for position, char in enumerate(password, start=1):
        shifted = ord(char) << position
        value ^= (shifted & 0x7FFF) | (shifted >> 15)
    return format(value ^ len(password) ^ 0xCE4B, "X")


@dataclass
class Note:
    row: int
    col: int
    text: str
    author: str
    width: int
    height: int


@dataclass(frozen=True)
class Table:
    """Rows `first`..`last` of a sheet, at most `width` columns, made as XML (`<row …>…</row>` each, in
    order) only when the package is written: `rows()` is called once, and makes them one by one."""

    first: int
    last: int
    width: int
    rows: Callable[[], Iterator[str]]


@dataclass
class Sheet:
    """One tab: cells by row, and everything about the tab itself."""

    title: str
    state: str = "visible"  # "hidden", "veryHidden"
    rows: dict[int, list[str]] = field(default_factory=dict)  # row -> cell XML, any column order
    heights: dict[int, float] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)
    merged: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    validations: list[Validation] = field(default_factory=list)
    protection: dict[str, bool] | None = None  # flags over PROTECTED; None: not protected
    password: str | None = None
    freeze: str | None = None  # top-left cell of the scrolling pane, e.g. "B5"
    filter: str | None = None
    gridlines: bool = True
    print_setup: dict[str, str] | None = None  # orientation, paperSize, fitToWidth, fitToHeight
    title_rows: str | None = None  # "4:4"
    max_col: int = 0
    last: dict[int, int] = field(default_factory=dict)  # row -> last column written
    disordered: set[int] = field(default_factory=set)  # rows whose cells came out of column order
    table: Table | None = None  # rows made as the package is written, below every row given by cell

    def put(self, row: int, col: int, xml: str) -> None:
        """One cell's XML; cells of a row may come in any column order (sorted when written)."""
        cells = self.rows.setdefault(row, [])
        if col <= self.last.get(row, 0):
            self.disordered.add(row)
        else:
            self.last[row] = col
        cells.append(xml)
        if col > self.max_col:
            self.max_col = col

    def put_row(self, row: int, cells: list[str], width: int) -> None:
        """A whole row's cells, in column order, `width` columns wide (the fast path for big tables)."""
        if row in self.rows:
            for xml in cells:
                self.put(row, _split_ref(xml[6 : xml.index('"', 6)])[0], xml)
            return
        self.rows[row] = cells
        self.last[row] = width
        self.max_col = max(self.max_col, width)

    def protect(self, password: str | None = None, **allowed: bool) -> None:
        """Protect the sheet; `allowed` names the actions left open (formatCells=True …)."""
        self.protection = {key: not allowed.get(key, not protected) for key, protected in PROTECTED.items()}
        self.password = password

    def xml(self, styles: Styles, drawing: str | None) -> Iterable[str]:
        rows = sorted(self.rows)
        table = self.table if self.table is not None and self.table.last >= self.table.first else None
        last_row = max([*rows, *self.heights, *([table.last] if table else [])], default=1)
        width = max(self.max_col, table.width if table else 0, 1)
        dimension = f"A1:{column_letter(width)}{last_row}"
        fit = '<pageSetUpPr fitToPage="1"/>' if self.print_setup else ""
        grid = "" if self.gridlines else ' showGridLines="0"'
        yield (
            f'{XML_DECL}<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><sheetPr><outlinePr summaryBelow="1" '
            f'summaryRight="1"/>{fit}</sheetPr><dimension ref="{dimension}"/><sheetViews>'
            f'<sheetView{grid} workbookViewId="0">{self._pane()}</sheetView></sheetViews>'
            '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
        )
        if self.widths:
            yield (
                "<cols>"
                + "".join(
                    f'<col min="{c}" max="{c}" width="{number(w)}" customWidth="1"/>'
                    for c, w in sorted(self.widths.items())
                )
                + "</cols>"
            )
        yield "<sheetData>"
        for r in sorted({*rows, *self.heights}):
            height = self.heights.get(r)
            head = f'<row r="{r}" ht="{number(height)}" customHeight="1">' if height else f'<row r="{r}">'
            cells = self.rows.get(r, [])
            if r in self.disordered:  # Excel wants a row's cells left to right
                cells = sorted(cells, key=lambda xml: _split_ref(xml[6 : xml.index('"', 6)])[0])
            yield head + "".join(cells) + "</row>"
        if table is not None:
            if max([*rows, *self.heights], default=0) >= table.first:
                raise ValueError(f"{self.title}: cells given in rows the table writes")
            yield from table.rows()
        yield "</sheetData>"
        if self.protection is not None:
            flags = "".join(f' {k}="{int(v)}"' for k, v in self.protection.items())
            password = f' password="{hash_password(self.password)}"' if self.password else ""
            yield f'<sheetProtection sheet="1"{password}{flags}/>'
        if self.filter:
            yield f'<autoFilter ref="{self.filter}"/>'
        if self.merged:
            yield (
                f'<mergeCells count="{len(self.merged)}">'
                + "".join(f'<mergeCell ref="{m}"/>' for m in self.merged)
                + "</mergeCells>"
            )
        if self.validations:
            yield (
                f'<dataValidations count="{len(self.validations)}">'
                + "".join(v.xml() for v in self.validations)
                + "</dataValidations>"
            )
        yield '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
        if self.print_setup:
            yield "<pageSetup" + "".join(f' {k}="{v}"' for k, v in self.print_setup.items()) + "/>"
        if drawing:
            yield f'<legacyDrawing r:id="{drawing}"/>'
        yield "</worksheet>"

    def _pane(self) -> str:
        selection = '<selection activeCell="A1" sqref="A1"/>'
        if not self.freeze or self.freeze == "A1":
            return selection
        col, row = _split_ref(self.freeze)
        x, y = col - 1, row - 1
        if x and y:
            return (
                f'<pane xSplit="{x}" ySplit="{y}" topLeftCell="{self.freeze}" activePane="bottomRight" '
                'state="frozen"/><selection pane="topRight"/><selection pane="bottomLeft"/>'
                '<selection pane="bottomRight" activeCell="A1" sqref="A1"/>'
            )
        pane = "bottomLeft" if y else "topRight"
        split = f'ySplit="{y}"' if y else f'xSplit="{x}"'
        return (
            f'<pane {split} topLeftCell="{self.freeze}" activePane="{pane}" state="frozen"/>'
            f'<selection pane="{pane}" activeCell="A1" sqref="A1"/>'
        )


def _split_ref(ref: str) -> tuple[int, int]:
    letters = ref.rstrip("0123456789")
    col = 0
    for char in letters:
        col = col * 26 + ord(char.upper()) - 64
    return col, int(ref[len(letters) :])


# --- cells -------------------------------------------------------------------------------------------------


def string_cell(ref: str, value: str, s: int) -> str:
    """A text cell (inline string): never read as a formula or a number."""
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    style = f' s="{s}"' if s else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text(value)}</t></is></c>'


def number_cell(ref: str, value: float, s: int) -> str:
    style = f' s="{s}"' if s else ""
    return f'<c r="{ref}"{style}><v>{number(value)}</v></c>'


def bool_cell(ref: str, value: bool, s: int) -> str:
    style = f' s="{s}"' if s else ""
    return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'


def blank_cell(ref: str, s: int) -> str:
    return f'<c r="{ref}" s="{s}"/>' if s else ""


def date_serial(value: dt.date) -> float:
    """Excel's serial number of a date (1900 date system, with its phantom 1900-02-29: a date before
    1900-03-01 is one less) plus the time of day as a fraction, as openpyxl wrote it."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
    days = (moment.replace(tzinfo=None) - EPOCH).days
    if 0 < days <= 60:
        days -= 1
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 10**6
    return days + seconds / 86400 if seconds else float(days)


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# --- the package -------------------------------------------------------------------------------------------


@dataclass
class Book:
    """A workbook being written: its sheets, style table, defined names and properties."""

    sheets: list[Sheet] = field(default_factory=list)
    styles: Styles = field(default_factory=Styles)
    names: dict[str, str] = field(default_factory=dict)  # workbook-wide defined names
    creator: str = "toolkit"
    title: str = ""
    created: dt.datetime | None = None
    custom: Sequence[tuple[str, str]] = ()  # custom document properties (text)

    def add_sheet(self, title: str) -> Sheet:
        sheet = Sheet(title)
        self.sheets.append(sheet)
        return sheet

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.write(out)
        return out.getvalue()

    def write(self, stream: IO[bytes]) -> None:
        """The package into a seekable binary stream (a file: the master), a chunk at a time."""
        with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as z:
            drawings = [i for i, s in enumerate(self.sheets, start=1) if s.notes]
            _write_part(z, "[Content_Types].xml", [self._content_types(drawings)])
            _write_part(z, "_rels/.rels", [_RELS])
            _write_part(z, "docProps/app.xml", [_APP])
            _write_part(z, "docProps/core.xml", [self._core()])
            _write_part(z, "docProps/custom.xml", [self._custom()])
            _write_part(z, "xl/workbook.xml", [self._workbook()])
            _write_part(z, "xl/_rels/workbook.xml.rels", [self._workbook_rels()])
            z.writestr("xl/theme/theme1.xml", THEME)
            for i, sheet in enumerate(self.sheets, start=1):
                drawing = "vml" if sheet.notes else None
                _write_part(z, f"xl/worksheets/sheet{i}.xml", sheet.xml(self.styles, drawing))
                if sheet.notes:
                    _write_part(
                        z,
                        f"xl/worksheets/_rels/sheet{i}.xml.rels",
                        [
                            f'<Relationships xmlns="{PKG_REL}">'
                            f'<Relationship Id="comments" Type="{REL}/comments" '
                            f'Target="/xl/comments/comment{i}.xml"/>'
                            f'<Relationship Id="vml" Type="{REL}/vmlDrawing" '
                            f'Target="/xl/drawings/commentsDrawing{i}.vml"/></Relationships>'
                        ],
                    )
                    _write_part(z, f"xl/comments/comment{i}.xml", [_comments(sheet.notes)])
                    _write_part(z, f"xl/drawings/commentsDrawing{i}.vml", [_vml(sheet.notes, i)])
            # last: a table's rows, made as they are written, may add a look (a date among its values)
            _write_part(z, "xl/styles.xml", [self.styles.xml()])

    def _content_types(self, drawings: list[int]) -> str:
        parts = [
            ("/xl/workbook.xml", f"{CT}.spreadsheetml.sheet.main+xml"),
            ("/xl/styles.xml", f"{CT}.spreadsheetml.styles+xml"),
            ("/xl/theme/theme1.xml", f"{CT}.theme+xml"),
            ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
            ("/docProps/app.xml", f"{CT}.extended-properties+xml"),
            ("/docProps/custom.xml", f"{CT}.custom-properties+xml"),
        ]
        parts += [
            (f"/xl/worksheets/sheet{i}.xml", f"{CT}.spreadsheetml.worksheet+xml")
            for i in range(1, len(self.sheets) + 1)
        ]
        parts += [(f"/xl/comments/comment{i}.xml", f"{CT}.spreadsheetml.comments+xml") for i in drawings]
        return (
            f'{XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Default Extension="vml" ContentType="{CT}.vmlDrawing"/>'
            + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in parts)
            + "</Types>"
        )

    def _workbook(self) -> str:
        sheets = "".join(
            f'<sheet name="{attr(s.title)}" sheetId="{i}" state="{s.state}" r:id="rId{i}"/>'
            for i, s in enumerate(self.sheets, start=1)
        )
        names = [f'<definedName name="{attr(n)}">{text(ref)}</definedName>' for n, ref in self.names.items()]
        for i, s in enumerate(self.sheets):
            where = quote_sheet(s.title)
            if s.filter:
                first, last = s.filter.split(":")
                ref = f"{where}!{_absolute(first)}:{_absolute(last)}"
                names.append(
                    f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                    f"{text(ref)}</definedName>"
                )
            if s.title_rows:
                first, last = s.title_rows.split(":")
                names.append(
                    f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                    f"{text(where)}!${first}:${last}</definedName>"
                )
        active = next((i for i, s in enumerate(self.sheets) if s.state == "visible"), 0)
        return (
            f'{XML_DECL}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><workbookPr/><bookViews>'
            f'<workbookView activeTab="{active}"/></bookViews><sheets>{sheets}</sheets>'
            + (f"<definedNames>{''.join(names)}</definedNames>" if names else "")
            + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
        )

    def _workbook_rels(self) -> str:
        n = len(self.sheets)
        return (
            f'{XML_DECL}<Relationships xmlns="{PKG_REL}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="/xl/worksheets/sheet{i}.xml"/>'
                for i in range(1, n + 1)
            )
            + f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{REL}/theme" Target="theme/theme1.xml"/></Relationships>'
        )

    def _core(self) -> str:
        def w3c(moment: dt.datetime) -> str:
            return moment.replace(tzinfo=None, microsecond=0).isoformat() + "Z"

        created = (
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{w3c(self.created)}</dcterms:created>'
            if self.created
            else ""
        )
        return (
            f"{XML_DECL}<cp:coreProperties "
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:creator>{text(self.creator)}</dc:creator><dc:title>{text(self.title)}</dc:title>"
            + created
            + f'<dcterms:modified xsi:type="dcterms:W3CDTF">{w3c(utc_now())}</dcterms:modified>'
            "</cp:coreProperties>"
        )

    def _custom(self) -> str:
        fmtid = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
        props = "".join(
            f'<property fmtid="{fmtid}" pid="{pid}" name="{attr(name)}"><vt:lpwstr>{text(value)}</vt:lpwstr>'
            "</property>"
            for pid, (name, value) in enumerate(self.custom, start=2)
        )
        return (
            f"{XML_DECL}<Properties "
            'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"{props}</Properties>"
        )


CHUNK = 1 << 18  # characters of XML encoded and compressed at a time


def _write_part(z: zipfile.ZipFile, name: str, pieces: Iterable[str]) -> None:
    """One part of the package from pieces of XML, encoded and compressed a chunk at a time: a part
    is never whole in memory (the master's Contributions are hundreds of megabytes at 10,000 copies)."""
    with z.open(name, "w") as member:
        buffer: list[str] = []
        size = 0
        for piece in pieces:
            buffer.append(piece)
            size += len(piece)
            if size >= CHUNK:
                member.write("".join(buffer).encode("utf-8"))
                buffer, size = [], 0
        if buffer:
            member.write("".join(buffer).encode("utf-8"))


def _absolute(ref: str) -> str:
    col, row = _split_ref(ref)
    return f"${column_letter(col)}${row}"


_RELS = (
    f'{XML_DECL}<Relationships xmlns="{PKG_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/>'
    f'<Relationship Id="rId4" Type="{REL}/custom-properties" Target="docProps/custom.xml"/>'
    "</Relationships>"
)
_APP = (
    f'{XML_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Excel Compatible / collective-impact toolkit</Application></Properties>"
)


def _comments(notes: list[Note]) -> str:
    authors = list(dict.fromkeys(n.author for n in notes))
    preserve = ' xml:space="preserve"'
    listed = "".join(
        f'<comment ref="{column_letter(n.col)}{n.row}" authorId="{authors.index(n.author)}">'
        f"<text><t{preserve if n.text != n.text.strip() else ''}>{text(n.text)}</t></text></comment>"
        for n in notes
    )
    names = "".join(f"<author>{text(a)}</author>" for a in authors)
    return (
        f'{XML_DECL}<comments xmlns="{MAIN}"><authors>{names}</authors>'
        f"<commentList>{listed}</commentList></comments>"
    )


def _vml(notes: list[Note], drawing: int) -> str:
    """The hidden note boxes Excel draws on hover (legacy VML, which notes still need)."""
    shapes = "".join(
        f'<v:shape id="_x0000_s{1024 * drawing + 2 + k}" type="#_x0000_t202" style="position:absolute;'
        f"margin-left:59.25pt;margin-top:1.5pt;width:{n.width}px;height:{n.height}px;z-index:1;"
        'visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
        '<v:shadow color="black" obscured="t"/><v:path o:connecttype="none"/>'
        '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"/></v:textbox>'
        '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:AutoFill>False</x:AutoFill>'
        f"<x:Row>{n.row - 1}</x:Row><x:Column>{n.col - 1}</x:Column></x:ClientData></v:shape>"
        for k, n in enumerate(notes)
    )
    return (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel">'
        f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{drawing}"/></o:shapelayout>'
        '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
        '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        f"{shapes}</xml>"
    )
