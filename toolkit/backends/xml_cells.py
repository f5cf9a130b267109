"""Read a workbook's values cell by cell, keeping only the cells that hold one (.xlsx and .ods).

python-calamine builds a dense grid per tab: one value at A1 and one at ALL100000 make a
100-million-cell grid (gigabytes). This reader streams each part through expat and keeps
only non-empty cells, so its memory follows what partners typed. It is used when the grid
would be large, and when calamine cannot find the parts (a workbook placed elsewhere than
xl/workbook.xml, found through _rels/.rels). Values are typed the way python-calamine types
them (numbers as float, dates as date/datetime/time/timedelta, errors as empty), so both
readers give the same RawSheet. The package has been screened (`toolkit.screening`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from ..errors import SourceError
from ..screening import MAX_VALUE_CELLS  # non-empty cells kept per file (.ods repeats included)
from .xml_parts import _Package, _package_part, _relationships

Cell = tuple[int, int]  # 1-based (row, column)


_DEFAULT_WORKBOOK = "xl/workbook.xml"
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_DAYS_1904 = 1462  # 1904-01-01 as a 1900-system serial
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_DATE_IDS = frozenset((*range(14, 23), 45, 47))  # built-in date and time formats
_DURATION_IDS = frozenset((46,))
_ISO_DURATION = re.compile(r"-?P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d*)?)S)?\Z")


@dataclass(frozen=True)
class SheetCells:
    name: str
    visible: bool
    cells: dict[Cell, object]


def read_cells(path: Path, fmt: str) -> list[SheetCells]:
    """Every worksheet tab of a screened .xlsx or .ods, in workbook order, with its non-empty cells."""
    with _Package(path) as pkg:
        return package_cells(pkg, fmt)


def package_cells(pkg: _Package, fmt: str) -> list[SheetCells]:
    return _read_xlsx(pkg) if fmt == "xlsx" else _read_ods(pkg)


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _parse(
    pkg: _Package,
    part: str,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    data = pkg.read(part)
    if data is None:
        raise pkg.corrupt(f"{part} is missing")
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_: object) -> None:
        raise SourceError(pkg.source, "xml_bomb", f"{part} declares a DOCTYPE (entity expansion risk)")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise pkg.corrupt(f"{part} is not well-formed XML: {exc}") from None


class _Budget:
    def __init__(self, source: str) -> None:
        self.source = source
        self.left = MAX_VALUE_CELLS

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise SourceError(self.source, "too_large", f"more than {MAX_VALUE_CELLS:,} cells with values")


# --- xlsx ------------------------------------------------------------------------------------------


def _read_xlsx(pkg: _Package) -> list[SheetCells]:
    workbook = _package_part(pkg, _DEFAULT_WORKBOOK, "/officeDocument")
    if workbook is None:
        raise pkg.corrupt("no workbook part (neither xl/workbook.xml nor one named in _rels/.rels)")
    rels = {rel_id: (rel_type, name) for rel_id, rel_type, name in _relationships(pkg, workbook)}
    # calamine looks for these parts at their usual paths; relationships may name others
    by_type = {"sharedStrings": "xl/sharedStrings.xml", "styles": "xl/styles.xml"}
    by_type.update((rel_type.rpartition("/")[2], name) for rel_type, name in rels.values())
    shared = _shared_strings(pkg, by_type["sharedStrings"]) if pkg.find(by_type["sharedStrings"]) else []
    formats = _cell_formats(pkg, by_type["styles"]) if pkg.find(by_type["styles"]) else []

    sheets: list[tuple[str, bool, str]] = []
    date1904 = False

    def on_workbook(tag: str, attrs: dict[str, str]) -> None:
        nonlocal date1904
        local = _local(tag)
        if local == "workbookPr" and "date1904" in attrs:  # x15:workbookPr has none
            date1904 = attrs.get("date1904", "").lower() in ("1", "true")
        elif local == "sheet":
            rel_id = next((v for k, v in attrs.items() if k.endswith(":id")), "")
            rel_type, part = rels.get(rel_id, ("", ""))
            if rel_type.endswith("/worksheet") and pkg.find(part):
                sheets.append((attrs.get("name", ""), attrs.get("state", "visible") == "visible", part))

    _parse(pkg, workbook, on_workbook)
    budget = _Budget(pkg.source)
    return [
        SheetCells(name, visible, _xlsx_sheet(pkg, part, shared, formats, date1904, budget))
        for name, visible, part in sheets
    ]


class _Text:
    """Text of <t> elements (and <v>), trimmed unless xml:space="preserve", as calamine reads them."""

    def __init__(self) -> None:
        self.pieces: list[str] = []  # finished elements
        self.current: list[str] | None = None  # the open <t> or <v>
        self.preserve = False
        self.phonetic = 0  # inside <rPh>: phonetic runs are not part of the text

    def open(self, attrs: dict[str, str]) -> None:
        if not self.phonetic:
            self.current = []
            self.preserve = attrs.get("xml:space") == "preserve"

    def close(self) -> None:
        if self.current is not None:
            text = "".join(self.current)
            self.pieces.append(text if self.preserve else text.strip(" \t\r\n"))
            self.current = None

    def data(self, data: str) -> None:
        if self.current is not None:
            self.current.append(data)

    def take(self) -> str:
        text = "".join(self.pieces)
        self.pieces.clear()
        return text


def _shared_strings(pkg: _Package, part: str) -> list[str]:
    out: list[str] = []
    text = _Text()

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local == "t":
            text.open(attrs)
        elif local == "rPh":
            text.phonetic += 1
        elif local == "si":
            text.take()

    def end(tag: str) -> None:
        local = _local(tag)
        if local == "t":
            text.close()
        elif local == "rPh":
            text.phonetic -= 1
        elif local == "si":
            out.append(_unescape(text.take()))

    _parse(pkg, part, start, end, text.data)
    return out


def _cell_formats(pkg: _Package, part: str) -> list[str]:
    """Style index -> "date", "duration" or "" (any other number format)."""
    custom: dict[str, str] = {}
    out: list[str] = []
    in_xfs = False

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal in_xfs
        local = _local(tag)
        if local == "numFmt":
            custom[attrs.get("numFmtId", "")] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            in_xfs = True
        elif local == "xf" and in_xfs:
            fmt_id = attrs.get("numFmtId", "0")
            if fmt_id in custom:
                out.append(_custom_format_kind(custom[fmt_id]))
            elif fmt_id.isdigit() and int(fmt_id) in _DATE_IDS:
                out.append("date")
            else:
                out.append("duration" if fmt_id.isdigit() and int(fmt_id) in _DURATION_IDS else "")

    def end(tag: str) -> None:
        nonlocal in_xfs
        if _local(tag) == "cellXfs":
            in_xfs = False

    _parse(pkg, part, start, end)
    return out


def _custom_format_kind(code: str) -> str:
    """What calamine makes of a custom number format: "date", "duration" or "" (a plain number)."""
    escaped = quoted = am_pm = hms = False
    brackets = 0
    previous = " "
    for char in code:
        if escaped:
            escaped = False
        elif char in "_\\*":
            escaped = True
        elif quoted:
            quoted = char != '"'
        elif char == '"':
            quoted = True
        elif char == ";":
            return ""  # the first section decides
        elif char == "[":
            brackets += 1
        elif char == "]" and brackets == 1 and hms:
            return "duration"
        elif char == "]":
            brackets = max(0, brackets - 1)
        elif char in "aA" and not am_pm and brackets == 0:
            am_pm = True
        elif brackets == 0 and ((am_pm and char in "pm/PM") or (not am_pm and char in "dmhysDMHYS")):
            return "date"
        elif not (hms and char.lower() == previous.lower()):
            hms = previous == "[" and char in "mhsMHS"
        previous = char
    return ""


def _xlsx_sheet(
    pkg: _Package, part: str, shared: list[str], formats: list[str], date1904: bool, budget: _Budget
) -> dict[Cell, object]:
    cells: dict[Cell, object] = {}
    row = column = 0
    kind = style = ""
    raw = _Text()  # <v>: the value of every type but inline strings
    inline = _Text()  # <t> inside <is>: an inline string (calamine ignores its <v>)

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal row, column, kind, style
        local = _local(tag)
        if local == "c":
            ref = attrs.get("r")
            if ref:
                column, row = _split_ref(pkg, part, ref)
            else:  # cells without r= follow the previous cell of their row
                column += 1
            kind, style = attrs.get("t", "n"), attrs.get("s", "")
            raw.take()
            inline.take()
        elif local == "row":
            number = attrs.get("r")
            row = _number(pkg, part, number) if number else row + 1
            column = 0
        elif local == "v":
            raw.open(attrs)
        elif local == "t":
            inline.open(attrs)
        elif local == "rPh":
            inline.phonetic += 1

    def end(tag: str) -> None:
        local = _local(tag)
        if local == "v":
            raw.close()
        elif local == "t":
            inline.close()
        elif local == "rPh":
            inline.phonetic -= 1
        elif local == "c":
            text = (inline if kind == "inlineStr" else raw).take()
            if text:
                value = _xlsx_value(kind, text, shared, _style_kind(formats, style), date1904)
                if value != "":
                    budget.spend(1)
                    cells[(row, column)] = value

    def data(text: str) -> None:
        raw.data(text)
        inline.data(text)

    _parse(pkg, part, start, end, data)
    return cells


def _style_kind(formats: list[str], style: str) -> str:
    if style.isdigit() and int(style) < len(formats):
        return formats[int(style)]
    return ""


def _xlsx_value(kind: str, raw: str, shared: list[str], style_kind: str, date1904: bool) -> object:
    if kind == "s":
        index = int(raw) if raw.strip().isdigit() else -1
        return shared[index] if 0 <= index < len(shared) else ""
    if kind in ("str", "inlineStr"):
        return _unescape(raw)
    if kind == "b":
        return raw.strip() in ("1", "true")
    if kind == "e":
        return ""
    if kind == "d":
        return _iso_value(raw.strip())
    try:
        number = float(raw)
    except ValueError:
        return ""
    if style_kind == "date" and math.isfinite(number):
        return _serial_date(number + (_DAYS_1904 if date1904 else 0))
    if style_kind == "duration" and math.isfinite(number):
        return _duration(number)
    return number


def _serial_date(serial: float) -> object:
    """python-calamine's reading of an Excel serial: time below 1, date when whole, else datetime."""
    shifted = serial if serial >= 60 else serial + 1  # Excel's phantom 1900-02-29
    try:
        moment = _EXCEL_EPOCH + dt.timedelta(milliseconds=round(shifted * 86_400_000))
    except OverflowError:
        return serial
    if serial < 1:
        return moment.time()
    if moment.time() == dt.time():
        return moment.date()
    return moment


def _duration(days: float) -> object:
    try:
        return dt.timedelta(milliseconds=round(days * 86_400_000))
    except OverflowError:
        return days


def _iso_value(text: str) -> object:
    for parse in (dt.date.fromisoformat, dt.datetime.fromisoformat, dt.time.fromisoformat):
        try:
            value: object = parse(text)
        except ValueError:
            continue
        if isinstance(value, (dt.datetime, dt.time)) and value.tzinfo is not None:
            return text  # python-calamine keeps a zoned moment as text
        return value
    return text


def _unescape(text: str) -> str:
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)


def _split_ref(pkg: _Package, part: str, ref: str) -> tuple[int, int]:
    ref = ref.replace("$", "")
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters) :]
    if not (letters.isascii() and letters.isalpha() and len(letters) <= 3 and digits):
        raise pkg.corrupt(f"{part}: bad cell reference {ref[:20]!r}")
    column = 0
    for char in letters.upper():
        column = column * 26 + ord(char) - 64
    return column, _number(pkg, part, digits)


def _number(pkg: _Package, part: str, text: str) -> int:
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise pkg.corrupt(f"{part}: bad number {text[:20]!r}")
    return int(text)


# --- ods -------------------------------------------------------------------------------------------


def _read_ods(pkg: _Package) -> list[SheetCells]:
    reader = _OdsReader(pkg, _Budget(pkg.source))
    _parse(pkg, "content.xml", reader.start, reader.end, reader.text)
    return reader.sheets


class _OdsReader:
    """Rows and cells of content.xml with their repeats; empty runs are counted, never expanded."""

    def __init__(self, pkg: _Package, budget: _Budget) -> None:
        self.pkg = pkg
        self.budget = budget
        self.hidden_styles: set[str] = set()  # table styles with table:display="false"
        self.style = ""
        self.sheets: list[SheetCells] = []
        self.depth = 0  # table:table nesting: only top-level tables are tabs
        self.row = 0  # rows before the current one
        self.rows_repeated = 1
        self.column = 0  # columns before the current cell
        self.cell: dict[str, str] | None = None  # attributes of the open cell
        self.paragraphs: list[list[str]] = []
        self.skip = 0  # inside an annotation, whose text is not the value

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "style:style":  # automatic styles come before the tables
            self.style = attrs.get("style:name", "") if attrs.get("style:family") == "table" else ""
        elif tag == "style:table-properties" and self.style and attrs.get("table:display") == "false":
            self.hidden_styles.add(self.style)
        elif tag == "table:table":
            self.depth += 1
            if self.depth == 1:
                visible = attrs.get("table:style-name", "") not in self.hidden_styles
                self.sheets.append(SheetCells(attrs.get("table:name", ""), visible, {}))
                self.row = 0
            return
        if self.depth != 1:
            return
        if tag == "table:table-row":
            self.rows_repeated = self._repeat(attrs, "table:number-rows-repeated")
            self.column = 0
        elif tag in ("table:table-cell", "table:covered-table-cell") and self.cell is None:
            self.cell = attrs
            self.paragraphs = []
        elif self.cell is not None:
            if tag == "office:annotation":
                self.skip += 1
            elif self.skip:
                return
            elif tag == "text:p" or tag == "text:h":
                self.paragraphs.append([])
            elif tag == "text:s" and self.paragraphs:
                self.paragraphs[-1].append(" " * self._repeat(attrs, "text:c"))

    def end(self, tag: str) -> None:
        if tag == "table:table":
            self.depth -= 1
            return
        if self.depth != 1:
            return
        if tag in ("table:table-cell", "table:covered-table-cell") and self.cell is not None:
            repeat = self._repeat(self.cell, "table:number-columns-repeated")
            value = self._value(self.cell)
            if value != "":
                self.budget.spend(repeat * self.rows_repeated)
                cells = self.sheets[-1].cells
                for r in range(self.row + 1, self.row + self.rows_repeated + 1):
                    for c in range(self.column + 1, self.column + repeat + 1):
                        cells[(r, c)] = value
            self.column += repeat
            self.cell = None
        elif tag == "table:table-row":
            self.row += self.rows_repeated
        elif tag == "office:annotation" and self.skip:
            self.skip -= 1

    def text(self, data: str) -> None:
        if self.cell is not None and not self.skip and self.paragraphs:
            self.paragraphs[-1].append(data)

    def _value(self, attrs: dict[str, str]) -> object:
        kind = attrs.get("office:value-type", "")
        try:
            if kind in ("float", "percentage", "currency"):
                return float(attrs.get("office:value", ""))
            if kind == "boolean":
                return attrs.get("office:boolean-value", "").lower() in ("true", "1")
            if kind == "date":
                return _iso_value(attrs.get("office:date-value", ""))
            if kind == "time":
                return _iso_time(attrs.get("office:time-value", ""))
        except ValueError:
            pass
        if "office:string-value" in attrs:
            return attrs["office:string-value"]
        return "\n".join("".join(p) for p in self.paragraphs)

    def _repeat(self, attrs: dict[str, str], key: str) -> int:
        value = attrs.get(key)
        if value is None:
            return 1
        if not value.isdigit() or len(value) > 9 or int(value) < 1:
            raise self.pkg.corrupt(f"content.xml: invalid {key}={value[:20]!r}")
        return int(value)


def _iso_time(text: str) -> object:
    match = _ISO_DURATION.match(text.strip())
    if match is None:
        return text
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    duration = dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    if text.strip().startswith("-"):
        return text
    if duration < dt.timedelta(days=1):  # python-calamine reads a time of day as a time
        return (dt.datetime.min + duration).time()
    return text  # and a longer duration as its ISO text
