"""Read what python-calamine cannot: which cells hold formulas, and custom document properties.

calamine returns a formula's cached value as if it were typed in, and ignores
document properties. This module reads the few XML parts needed straight from
the zip (.xlsx and .ods). Copies have been screened already (`toolkit.screening`),
but every member is still read with a bounded size and parsed with defusedxml.

The common case is a copy without any formula: each worksheet part is then only
byte-scanned for a formula marker, and no XML is parsed beyond the small
relationship part.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TypeVar, cast
from urllib.parse import unquote
from xml.etree.ElementTree import XML as plain_fromstring  # only for parts screening checked
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import ParseError, fromstring, iterparse

from toolkit.errors import SourceError

MAX_PART_BYTES = 64 * 1024 * 1024  # largest XML member read, uncompressed
MAX_FORMULA_CELLS = 1_000_000  # formula cells materialised from .ods repeats, per file

Cell = tuple[int, int]  # 1-based (row, column)
Formulas = dict[Cell, str]  # cell -> the formula as the partner typed it ("=B6"; "" when the file omits it)

# What expat and defusedxml raise on bad input: syntax (ParseError), a DTD or entity
# (DefusedXmlException, a ValueError), an unknown or multi-byte encoding (LookupError, ValueError).
_XML_ERRORS = (ParseError, ValueError, LookupError)

# --- namespaces ------------------------------------------------------------------------------------

_SSML_MAIN = (
    "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}",
    "{http://purl.oclc.org/ooxml/spreadsheetml/main}",  # ISO "strict" OOXML
)
_REL_ID = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
    "{http://purl.oclc.org/ooxml/officeDocument/relationships}id",
)
_PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_ODF_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODF_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"

_C_TAGS = frozenset(ns + "c" for ns in _SSML_MAIN)
_F_TAGS = frozenset(ns + "f" for ns in _SSML_MAIN)
_ROW_TAGS = frozenset(ns + "row" for ns in _SSML_MAIN)
_SHEET_TAGS = frozenset(ns + "sheet" for ns in _SSML_MAIN)

_T_TABLE = _ODF_TABLE + "table"
_T_ROW = _ODF_TABLE + "table-row"
_T_CELLS = frozenset((_ODF_TABLE + "table-cell", _ODF_TABLE + "covered-table-cell"))
_T_NAME = _ODF_TABLE + "name"
_T_FORMULA = _ODF_TABLE + "formula"
_T_ROWS_REPEATED = _ODF_TABLE + "number-rows-repeated"
_T_COLUMNS_REPEATED = _ODF_TABLE + "number-columns-repeated"
_M_USER_DEFINED = _ODF_META + "user-defined"
_M_NAME = _ODF_META + "name"

# --- byte-scan markers: no match means no formula, so the part is not parsed --------------------------

# An element named f, with or without a prefix: <f>, <f t="shared" .../>, <x:f>. Each pattern starts
# with a literal, which re searches fast: one pattern starting with "<" stopped at every tag (100 µs
# on a 17 KB part), and substring tests first did not help, "<f" being in every <formula1> of a
# dropdown. ":f" anywhere else (in a text) only sends the part to the parser.
_XLSX_FORMULA_MARKS = (re.compile(rb"<f[\s/>]"), re.compile(rb":f[\s/>]"))
# A prefixed attribute named formula (table:formula="of:=1+1"); unprefixed ones have no namespace.
_ODS_FORMULA_MARKS = (re.compile(rb":formula\s*="),)
# The byte scan only works on an ASCII-compatible encoding; expat decodes anything else.
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

_DEFAULT_WORKBOOK = "xl/workbook.xml"
_DEFAULT_CUSTOM = "docProps/custom.xml"
_REL_OFFICE_DOCUMENT = "/officeDocument"
_REL_CUSTOM_PROPERTIES = "/custom-properties"
_REL_WORKSHEET = "/worksheet"
_CELL_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")


# --- public ----------------------------------------------------------------------------------------


def formula_cells(path: Path, fmt: str) -> dict[str, frozenset[Cell]]:
    """Sheet name (the tab title) -> 1-based (row, column) of every cell holding a formula.

    Only sheets holding at least one formula appear; a sheet absent from the
    result has none. Shared formulas count in every cell of the group; an
    array formula counts in its anchor cell, the only one carrying it.
    """
    return {sheet: frozenset(cells) for sheet, cells in formulas_and_properties(path, fmt)[0].items()}


def document_properties(path: Path, fmt: str) -> dict[str, str]:
    """Custom document properties as stored: name -> value text ({} when the part is missing)."""
    return formulas_and_properties(path, fmt)[1]


def formulas_and_properties(path: Path, fmt: str) -> tuple[dict[str, Formulas], dict[str, str]]:
    """Both facts from one opening of the package (pull asks for both of every copy): each sheet's
    formula cells with their text as typed (quoted to the partner), and the document properties."""
    with _Package(path) as pkg:
        return package_formulas_and_properties(pkg, fmt)


def tabs_and_properties(path: Path, data: bytes) -> tuple[tuple[str, ...], dict[str, str]]:
    """An .xlsx package's tab names and custom properties, from those two small parts only (each read
    bounded, parsed by the entity-refusing parser): what a workbook says it is without reading its
    sheets. Raises SourceError when the package or a part is damaged."""
    with _Package(path, data) as pkg:
        properties = _xlsx_properties(pkg)
        workbook = _package_part(pkg, _DEFAULT_WORKBOOK, _REL_OFFICE_DOCUMENT)
        workbook_data = pkg.read(workbook) if workbook is not None else None
        if workbook is None or workbook_data is None:
            return (), properties
        return tuple(name for name, _ in _workbook_sheets(pkg, workbook, workbook_data)), properties


def package_formulas_and_properties(pkg: _Package, fmt: str) -> tuple[dict[str, Formulas], dict[str, str]]:
    if fmt not in ("xlsx", "ods"):
        raise ValueError(f"unknown workbook format {fmt!r} (expected 'xlsx' or 'ods')")
    if fmt == "xlsx":
        return _xlsx_formula_cells(pkg), _xlsx_properties(pkg)
    return _ods_formula_cells(pkg), _ods_properties(pkg)


# --- zip access ------------------------------------------------------------------------------------


T = TypeVar("T")
# Facts derived from parts, by (fact, context, screened, the part's bytes): see _Package.derived.
_derived: dict[tuple[str, str, bool, bytes], object] = {}
_DERIVED_ENTRIES = 128
_DERIVED_MAX_BYTES = 64 * 1024  # with _DERIVED_ENTRIES: 8 MB at most


class _Package:
    """An open zip whose members are read bounded, with errors reported as SourceError.

    `data`: the file's bytes when already read; `parts`: members screening already decompressed
    and checked (by name with slashes), read from there instead of being decompressed again."""

    def __init__(
        self,
        path: Path,
        data: bytes | None = None,
        parts: Mapping[str, bytes] | None = None,
        names: Sequence[str] | None = None,
    ) -> None:
        """`names`: every member's name as the zip directory has it (from screening): with them and
        `parts`, the zip is opened only if a part is needed that screening did not keep."""
        self.source = str(path)
        self.path = path
        self.data = data
        self.parts = parts or {}
        self._zf: zipfile.ZipFile | None = None
        self.relationships: dict[str, list[tuple[str, str, str]]] = {}  # by source part, once read
        if names is None:
            names = self.zf.namelist()
        # Some writers use backslashes in member names; calamine reads them as slashes.
        self.members = {n.replace("\\", "/"): n for n in names}
        self.names = set(self.members)
        self.folded = {n.lower(): n for n in self.members}  # calamine finds parts whatever their case

    @property
    def zf(self) -> zipfile.ZipFile:
        if self._zf is None:
            try:
                self._zf = zipfile.ZipFile(self.path if self.data is None else io.BytesIO(self.data))
            except OSError as exc:
                raise SourceError(self.source, "not_found", f"cannot be read: {exc.strerror}") from None
            except (zipfile.BadZipFile, EOFError, ValueError) as exc:
                raise SourceError(self.source, "corrupt", f"damaged zip archive: {exc}") from None
        return self._zf

    def find(self, name: str) -> str | None:
        """The member called `name`, in any letter case; None when there is none."""
        return name if name in self.names else self.folded.get(name.lower())

    def __enter__(self) -> _Package:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._zf is not None:
            self._zf.close()

    def read(self, name: str) -> bytes | None:
        """The member's bytes, or None when there is no such member."""
        found = self.find(name)
        if found is None:
            return None
        if found in self.parts and len(self.parts[found]) <= MAX_PART_BYTES:
            return self.parts[found]
        try:
            with self.zf.open(self.members[found]) as fh:
                data = fh.read(MAX_PART_BYTES + 1)
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            ValueError,
            NotImplementedError,
            RuntimeError,
        ) as exc:
            # RuntimeError: an encrypted member; NotImplementedError: an unknown compression method
            raise SourceError(self.source, "corrupt", f"{name}: cannot be decompressed: {exc}") from None
        if len(data) > MAX_PART_BYTES:
            raise SourceError(self.source, "too_large", f"{name} is larger than {MAX_PART_BYTES:,} bytes")
        return data

    def parse(self, name: str, data: bytes) -> Element:
        """The part's tree. A part screening kept has been checked for DOCTYPEs (hence entities)
        already: the plain parser reads it, twice as fast as defusedxml's (which reads the rest)."""
        found = self.find(name)
        screened = found is not None and self.parts.get(found) is data
        try:
            root: Element = plain_fromstring(data) if screened else fromstring(data)
        except _XML_ERRORS as exc:
            raise SourceError(self.source, "corrupt", f"{name}: malformed XML: {exc}") from None
        return root

    def derived(self, name: str, data: bytes, kind: str, context: str, derive: Callable[[Element], T]) -> T:
        """`derive(self.parse(name, data))`, remembered by the part's exact bytes (and `kind`, the
        fact derived, and `context`, what else it depends on): workbook.xml, its relationships and
        the kit's row notes come byte for byte the same in every copy of a kit. A parse error is
        never remembered; `derive` must give an immutable value."""
        found = self.find(name)
        key = (kind, context, found is not None and self.parts.get(found) is data, data)
        small = len(data) <= _DERIVED_MAX_BYTES
        if small and (hit := _derived.pop(key, None)) is not None:
            _derived[key] = hit  # most recently used last
            return cast(T, hit)
        value = derive(self.parse(name, data))
        if small:
            if len(_derived) >= _DERIVED_ENTRIES:
                del _derived[next(iter(_derived))]
            _derived[key] = value
        return value

    def iterparse(self, name: str, data: bytes) -> Iterator[tuple[str, Element]]:
        """Stream (event, element) for start and end events; malformed XML raises SourceError."""
        try:
            yield from iterparse(io.BytesIO(data), events=("start", "end"))
        except _XML_ERRORS as exc:
            raise SourceError(self.source, "corrupt", f"{name}: malformed XML: {exc}") from None

    def corrupt(self, detail: str) -> SourceError:
        return SourceError(self.source, "corrupt", detail)


def _part_rels_name(part: str) -> str:
    """xl/workbook.xml -> xl/_rels/workbook.xml.rels"""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _resolve(source_part: str, target: str) -> str:
    """A relationship target as a zip member name (absolute "/xl/..." or relative to the source part)."""
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target)).lstrip("/")


def _relationships(pkg: _Package, source_part: str) -> list[tuple[str, str, str]]:
    """(Id, Type, member name) of the internal relationships of a part; [] when it has none."""
    if source_part not in pkg.relationships:  # formulas and comments both follow the workbook's
        pkg.relationships[source_part] = _read_relationships(pkg, source_part)
    return pkg.relationships[source_part]


def _read_relationships(pkg: _Package, source_part: str) -> list[tuple[str, str, str]]:
    rels_name = _part_rels_name(source_part) if source_part else "_rels/.rels"
    data = pkg.read(rels_name)
    if data is None:
        return []
    return list(pkg.derived(rels_name, data, "relationships", source_part, _internal_targets(source_part)))


def _internal_targets(source_part: str) -> Callable[[Element], tuple[tuple[str, str, str], ...]]:
    def derive(root: Element) -> tuple[tuple[str, str, str], ...]:
        out = []
        for rel in root.iter(_PKG_RELS):
            target = rel.get("Target")
            if target is None or rel.get("TargetMode", "Internal") == "External":
                continue
            out.append((rel.get("Id", ""), rel.get("Type", ""), _resolve(source_part, target)))
        return tuple(out)

    return derive


def _package_part(pkg: _Package, default: str, rel_type_suffix: str) -> str | None:
    """The usual member name when present, otherwise the one the package relationships name."""
    if default in pkg.names:
        return default
    for _, rel_type, name in _relationships(pkg, ""):
        found = pkg.find(name)
        if rel_type.endswith(rel_type_suffix) and found is not None:
            return found
    return pkg.find(default)


# --- xlsx ------------------------------------------------------------------------------------------


def _has_marker(data: bytes, markers: tuple[re.Pattern[bytes], ...]) -> bool:
    """False only when the part surely holds no formula; True sends it to the parser."""
    if data[:2] in _UTF16_BOMS or b"\x00" in data[:4]:  # UTF-16 or UTF-32: bytes tell nothing
        return True
    return any(marker.search(data) for marker in markers)


def _xlsx_formula_cells(pkg: _Package) -> dict[str, Formulas]:
    workbook = _package_part(pkg, _DEFAULT_WORKBOOK, _REL_OFFICE_DOCUMENT)
    if workbook is None:
        return {}
    # Byte-scan every worksheet part first; workbook.xml is parsed only when one may hold a formula.
    candidates: dict[str, tuple[str, bytes]] = {}  # relationship id -> (member, bytes)
    for rel_id, rel_type, name in _relationships(pkg, workbook):
        if not rel_type.endswith(_REL_WORKSHEET):
            continue
        data = pkg.read(name)
        if data is not None and _has_marker(data, _XLSX_FORMULA_MARKS):
            candidates[rel_id] = (name, data)
    if not candidates:
        return {}
    workbook_data = pkg.read(workbook)
    if workbook_data is None:
        return {}
    out: dict[str, Formulas] = {}
    for sheet_name, sheet_rel in _workbook_sheets(pkg, workbook, workbook_data):
        if sheet_rel not in candidates:
            continue
        name, data = candidates[sheet_rel]
        cells = _xlsx_sheet_formulas(pkg, name, data)
        if cells:
            out[sheet_name] = cells
    return out


def _column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def _xlsx_sheet_formulas(pkg: _Package, name: str, data: bytes) -> Formulas:
    """Cells of one worksheet part whose `c` element has an `f` child, with that formula's text.

    `r` attributes are optional in OOXML: without one, a row follows the previous
    row and a cell the previous cell of its row. A shared formula's text is in its
    first cell only: the others get "".
    """
    found: Formulas = {}
    row = 0
    column = 0
    for event, elem in pkg.iterparse(name, data):
        tag = elem.tag
        if event == "start":
            if tag in _ROW_TAGS:
                row = _int_attr(pkg, name, elem.get("r"), row + 1)
                column = 0
            elif tag in _C_TAGS:
                ref = elem.get("r")
                if ref is None:
                    column += 1
                else:
                    match = _CELL_REF.fullmatch(ref)
                    if match is None:
                        raise pkg.corrupt(f"{name}: bad cell reference {ref[:20]!r}")
                    column, row = _column_number(match[1]), int(match[2])
        elif tag in _C_TAGS:
            formula = next((child for child in elem if child.tag in _F_TAGS), None)
            if formula is not None:
                found[(row, column)] = "=" + formula.text if formula.text else ""
            elem.clear()
        elif tag in _ROW_TAGS:
            elem.clear()
    return found


def _int_attr(pkg: _Package, part: str, value: str | None, default: int) -> int:
    if value is None:
        return default
    value = value.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise pkg.corrupt(f"{part}: bad number {value[:20]!r}")
    return int(value)


def _xlsx_properties(pkg: _Package) -> dict[str, str]:
    part = _package_part(pkg, _DEFAULT_CUSTOM, _REL_CUSTOM_PROPERTIES)
    if part is None:
        return {}
    data = pkg.read(part)
    if data is None:
        return {}
    out: dict[str, str] = {}
    for prop in pkg.parse(part, data):
        if _local(prop.tag) != "property":
            continue
        name = prop.get("name")
        if name is None:
            continue
        value = next(iter(prop), None)  # one vt:* child: lpwstr, i4, r8, bool, filetime, ...
        out[name] = "" if value is None else "".join(value.itertext())
    return out


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


# --- ods -------------------------------------------------------------------------------------------


def _ods_formula_cells(pkg: _Package) -> dict[str, Formulas]:
    part = "content.xml"
    data = pkg.read(part)
    if data is None or not _has_marker(data, _ODS_FORMULA_MARKS):
        return {}
    out: dict[str, Formulas] = {}
    found: Formulas = {}
    total = 0
    sheet = ""
    depth = 0  # table:table nesting; only top-level tables are sheets
    row = 0  # rows before the current one (1-based index of the current row is row + 1)
    rows_repeated = 1
    column = 0  # columns before the current cell
    in_row = False
    for event, elem in pkg.iterparse(part, data):
        tag = elem.tag
        if event == "start":
            if tag == _T_TABLE:
                depth += 1
                if depth == 1:
                    sheet, found, row = elem.get(_T_NAME, ""), {}, 0
            elif depth != 1:
                continue
            elif tag == _T_ROW:
                rows_repeated = _int_attr(pkg, part, elem.get(_T_ROWS_REPEATED), 1)
                column, in_row = 0, True
            elif tag in _T_CELLS and in_row:
                repeated = _int_attr(pkg, part, elem.get(_T_COLUMNS_REPEATED), 1)
                if (formula := elem.get(_T_FORMULA)) is not None:
                    total += repeated * rows_repeated
                    if total > MAX_FORMULA_CELLS:
                        raise SourceError(
                            pkg.source, "too_large", f"{part}: more than {MAX_FORMULA_CELLS:,} formula cells"
                        )
                    text = ods_formula_text(formula)
                    found.update(
                        ((r, c), text)
                        for r in range(row + 1, row + rows_repeated + 1)
                        for c in range(column + 1, column + repeated + 1)
                    )
                column += repeated  # empty runs are only counted, never expanded
                in_row = False  # until this cell ends: cells of a table nested in it are not ours
        else:
            if tag == _T_TABLE:
                depth -= 1
                if depth == 0 and found:
                    out[sheet] = found
            elif depth != 1:
                continue
            elif tag in _T_CELLS:
                in_row = True
                elem.clear()
            elif tag == _T_ROW:
                row += rows_repeated
                in_row = False
                elem.clear()
    return out


def _ods_properties(pkg: _Package) -> dict[str, str]:
    part = "meta.xml"
    data = pkg.read(part)
    if data is None:
        return {}
    out: dict[str, str] = {}
    for prop in pkg.parse(part, data).iter(_M_USER_DEFINED):
        name = prop.get(_M_NAME)
        if name is not None:
            out[name] = "".join(prop.itertext())
    return out


# --- comments (a separate reading: most copies have none and pay one look at the member names) -----

_REL_COMMENTS = "/comments"
_ODF_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_O_ANNOTATION = _ODF_OFFICE + "annotation"
_TEXT_P = _ODF_TEXT + "p"
MAX_COMMENTS = 100_000  # per file; more is not a partner's copy


def cell_comments(path: Path, fmt: str) -> tuple[tuple[str, int, int, str], ...]:
    """(tab, row, column, text) of every cell comment (note), 1-based; () when there is none."""
    with _Package(path) as pkg:
        return package_comments(pkg, fmt)


def package_comments(pkg: _Package, fmt: str) -> tuple[tuple[str, int, int, str], ...]:
    if fmt not in ("xlsx", "ods"):
        raise ValueError(f"unknown workbook format {fmt!r} (expected 'xlsx' or 'ods')")
    if fmt == "xlsx":
        if not any("comment" in name.lower() for name in pkg.names):
            return ()
        return tuple(_xlsx_comments(pkg))
    return tuple(_ods_comments(pkg))


def _workbook_sheets(pkg: _Package, workbook: str, data: bytes) -> tuple[tuple[str, str], ...]:
    """Each `<sheet>` of workbook.xml, in tab order: its name and the relationship id of its part."""
    return pkg.derived(workbook, data, "sheets", "", _sheets_of)


def _sheets_of(root: Element) -> tuple[tuple[str, str], ...]:
    out = []
    for sheet in root.iter():
        if sheet.tag not in _SHEET_TAGS:
            continue
        rel = next((sheet.get(attr) for attr in _REL_ID if sheet.get(attr) is not None), None)
        if rel is not None:
            out.append((sheet.get("name", ""), rel))
    return tuple(out)


def _xlsx_comments(pkg: _Package) -> Iterator[tuple[str, int, int, str]]:
    workbook = _package_part(pkg, _DEFAULT_WORKBOOK, _REL_OFFICE_DOCUMENT)
    workbook_data = pkg.read(workbook) if workbook else None
    if workbook is None or workbook_data is None:
        return
    parts = {
        rel_id: name
        for rel_id, rel_type, name in _relationships(pkg, workbook)
        if rel_type.endswith(_REL_WORKSHEET)
    }
    count = 0
    for sheet_name, rel in _workbook_sheets(pkg, workbook, workbook_data):
        if rel not in parts:
            continue
        for _, rel_type, comments_part in _relationships(pkg, parts[rel]):
            data = pkg.read(comments_part) if rel_type.endswith(_REL_COMMENTS) else None
            if data is None:
                continue
            for row, column, text in pkg.derived(comments_part, data, "comments", "", _comments_of):
                count += 1
                if count > MAX_COMMENTS:
                    raise SourceError(pkg.source, "too_large", f"more than {MAX_COMMENTS:,} comments")
                yield sheet_name, row, column, text


def _comments_of(root: Element) -> tuple[tuple[int, int, str], ...]:
    """(row, column, text) of each comment of a comments part whose cell reference reads."""
    out = []
    for comment in root.iter():
        if _local(comment.tag) != "comment":
            continue
        match = _CELL_REF.fullmatch(comment.get("ref", "").split(":")[0])
        if match is None:
            continue
        text = "".join(t.text or "" for t in comment.iter() if _local(t.tag) == "t")
        out.append((int(match[2]), _column_number(match[1]), text))
    return tuple(out)


def _ods_comments(pkg: _Package) -> Iterator[tuple[str, int, int, str]]:
    part = "content.xml"
    data = pkg.read(part)
    if data is None or b"annotation" not in data:
        return
    sheet = ""
    depth = 0
    row = 0  # rows before the current one
    rows_repeated = 1
    column = 0  # columns before the current cell
    count = 0
    for event, elem in pkg.iterparse(part, data):
        tag = elem.tag
        if event == "start":
            if tag == _T_TABLE:
                depth += 1
                if depth == 1:
                    sheet, row = elem.get(_T_NAME, ""), 0
            elif depth != 1:
                continue
            elif tag == _T_ROW:
                rows_repeated = _int_attr(pkg, part, elem.get(_T_ROWS_REPEATED), 1)
                column = 0
            elif tag in _T_CELLS:
                column += 1
            continue
        if tag == _T_TABLE:
            depth -= 1
        elif depth != 1:
            continue
        elif tag == _O_ANNOTATION:
            count += 1
            if count > MAX_COMMENTS:
                raise SourceError(pkg.source, "too_large", f"more than {MAX_COMMENTS:,} comments")
            paragraphs = ["".join(p.itertext()) for p in elem.iter(_TEXT_P)]
            yield sheet, row + 1, column, "\n".join(paragraphs)
            elem.clear()
        elif tag in _T_CELLS:
            column += _int_attr(pkg, part, elem.get(_T_COLUMNS_REPEATED), 1) - 1
            elem.clear()
        elif tag == _T_ROW:
            row += rows_repeated
            elem.clear()


_ODS_NAMESPACE = re.compile(r"^[a-z]+:(?==)")  # of:=… (OpenFormula), oooc:=… (old OpenOffice)
_ODS_REFERENCE = re.compile(r"\[\.?([^\]]*)\]")  # [.B6], [.B6:.B8], [$Feuille2.B6]


def ods_formula_text(formula: str) -> str:
    """An ODF formula as Calc shows it: 'of:=[.B6]+[.C6:.C8]' -> '=B6+C6:C8'."""
    return _ODS_REFERENCE.sub(lambda m: m.group(1).replace(":.", ":"), _ODS_NAMESPACE.sub("", formula))
