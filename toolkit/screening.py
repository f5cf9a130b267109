"""Screen a returned copy before python-calamine reads it.

calamine is fast but trusts its input: a zip bomb, an entity bomb or a forged
sheet size would exhaust memory. `screen_file` looks at the bytes (never the
file name), checks the zip central directory, then reads every XML part with a
bounded read (never past the size its header declares). Plain parts are settled
by byte scans; anything unusual goes through expat, which stops at the first
DOCTYPE and counts rows and cells as it goes. Each problem raises `SourceError`
with a stable code. Callers should then open the file by content (the returned
format), not by its extension.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat

from .cells import column_letter
from .errors import SourceError
from .problems import SourceCode

MAX_TOTAL_UNCOMPRESSED = 100 * 1024 * 1024  # bytes, sum over all members
MAX_RATIO = 200  # uncompressed / compressed, per member ...
RATIO_MIN_SIZE = 1024 * 1024  # ... once the member is larger than this
MAX_MEMBERS = 10_000
MAX_ROWS = 100_000  # rows holding cells, per worksheet
MAX_COLUMNS = 1_000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"

_CHUNK = 64 * 1024
_WORKSHEET_REL = "/relationships/worksheet"
_WORKSHEET_TYPE = "spreadsheetml.worksheet+xml"
# Content types that carry code: VBA projects, macro-enabled workbooks, Excel 4 macro sheets.
_MACRO_TYPE_MARKERS = ("macroenabled", "vbaproject", "macrosheet")

Handler = Callable[[str, dict[str, str]], None]

# A part starting like this is UTF-8 (or ASCII), so a byte scan for "<!" sees every DOCTYPE.
_UTF8_START = re.compile(
    rb"(?:\xef\xbb\xbf)?(?:<\?xml(?:(?!\?>)[^>])*?encoding=[\"'](?i:utf-?8|us-ascii|ascii)[\"']"
    rb"|<\?xml(?:(?!encoding=)[^>])*\?>|<[^?\x00])"
)
# Sheets up to this size are read whole and byte-scanned first (the fast path).
_FAST_SHEET_MAX = 4 * 1024 * 1024
_WS_TO_SPACE = bytes.maketrans(b"\t\n\r", b"   ")
# After whitespace is folded to spaces: an r= or ref= attribute not spelled r="ZZ99999"
# (within the limits for sure), a cell not starting with r=, or a prefixed cell, sends
# the sheet to expat. Each pattern starts with a literal, which re searches fast.
_ODD_R = re.compile(rb' r(?=[ =])(?!="[A-Z]{0,2}[0-9]{1,5}")')
_ODD_REF = re.compile(rb' ref(?=[ =])(?!="[A-Z]{0,2}[0-9]{1,5}(?::[A-Z]{0,2}[0-9]{1,5})?")')
_CELL_WITHOUT_R = re.compile(rb'<c(?=[ />])(?! r=")')
_PREFIXED_CELL = re.compile(rb":c[ />]")
# References within the limits for sure (<= ZZ, <= 99999), skipping the slower exact check.
_SMALL_REF = re.compile(r"[A-Z]{1,2}[0-9]{1,5}\Z")


def screen_file(path: Path) -> str:
    """Return "xlsx" or "ods" if `path` is safe to give to python-calamine, else raise SourceError."""
    source = str(path)
    try:
        with open(path, "rb") as fh:
            return _screen(fh, source)
    except FileNotFoundError:
        raise SourceError(source, "not_found", "no such file") from None
    except IsADirectoryError:
        raise SourceError(source, "not_found", "path is a folder, not a file") from None
    except PermissionError as exc:
        raise SourceError(source, "not_found", f"cannot be read: {exc.strerror}") from None


def _screen(fh: BinaryIO, source: str) -> str:
    magic = fh.read(8)
    if not magic:
        raise SourceError(source, "not_spreadsheet", "file is empty (0 bytes)")
    if magic == OLE_MAGIC:
        return _screen_ole(fh, source)
    if magic.startswith(ZIP_MAGIC):
        return _Zip(fh, source).screen()
    if magic.startswith(EMPTY_ZIP_MAGIC):
        raise SourceError(source, "corrupt", "empty zip archive, no workbook parts")
    raise SourceError(source, "not_spreadsheet", f"content is not .xlsx or .ods (starts with {magic[:4]!r})")


# --- OLE compound files: encrypted OOXML or legacy .xls ------------------------------------------


def _screen_ole(fh: BinaryIO, source: str) -> str:
    try:
        names = _ole_stream_names(fh)
    except (ValueError, struct.error) as exc:
        raise SourceError(source, "corrupt", f"damaged OLE compound file: {exc}") from None
    if "EncryptedPackage" in names:
        raise SourceError(source, "encrypted", "password-protected workbook; ask for a copy without password")
    raise SourceError(source, "unsupported_format", "legacy .xls (OLE) file; re-save it as .xlsx")


def _ole_stream_names(fh: BinaryIO) -> set[str]:
    """Names in the compound file's directory, following the FAT (MS-CFB), every step bounded."""
    fh.seek(0, 2)
    file_size = fh.tell()
    fh.seek(0)
    header = fh.read(512)
    if len(header) < 512:
        raise ValueError("header shorter than 512 bytes")
    shift = struct.unpack_from("<H", header, 0x1E)[0]
    if shift not in (9, 12):
        raise ValueError(f"sector shift {shift}")
    size = 1 << shift
    max_sectors = file_size // size + 1  # a chain longer than the file is a loop

    def sector(sid: int) -> bytes:
        fh.seek((sid + 1) * size)
        data = fh.read(size)
        if len(data) < size:
            raise ValueError(f"sector {sid} beyond end of file")
        return data

    fat_count, first_dir = struct.unpack_from("<II", header, 0x2C)
    difat_next, difat_count = struct.unpack_from("<II", header, 0x44)
    if fat_count > max_sectors or difat_count > max_sectors:
        raise ValueError("FAT larger than the file")
    fat_sids = list(struct.unpack_from("<109I", header, 0x4C))
    for _ in range(difat_count):  # FAT sector list continues in DIFAT sectors
        entries = struct.unpack(f"<{size // 4}I", sector(difat_next))
        fat_sids.extend(entries[:-1])
        difat_next = entries[-1]
    fat: list[int] = []
    for sid in fat_sids[:fat_count]:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(sid)))

    names: set[str] = set()
    sid, steps = first_dir, 0
    while sid < 0xFFFFFFFA:  # ENDOFCHAIN and other markers are >= 0xFFFFFFFA
        steps += 1
        if steps > max_sectors or sid >= len(fat):
            raise ValueError("broken directory chain")
        data = sector(sid)
        for off in range(0, size, 128):
            name_len = struct.unpack_from("<H", data, off + 0x40)[0]
            if 2 <= name_len <= 64:
                names.add(data[off : off + name_len - 2].decode("utf-16-le", "replace"))
        sid = fat[sid]
    return names


# --- zip containers: .xlsx and .ods --------------------------------------------------------------


class _Zip:
    """One zip container: central-directory checks, then a bounded parse of every XML member."""

    def __init__(self, fh: BinaryIO, source: str) -> None:
        self.fh = fh
        self.source = source

    def fail(self, code: SourceCode, detail: str) -> SourceError:
        return SourceError(self.source, code, detail)

    def screen(self) -> str:
        self._check_member_count()
        try:
            self.fh.seek(0)
            with zipfile.ZipFile(self.fh) as zf:
                self.infos = zf.infolist()
        except (
            zipfile.BadZipFile,
            ValueError,
            EOFError,
            struct.error,
            OverflowError,
            NotImplementedError,
        ) as exc:
            raise self.fail("corrupt", f"damaged zip archive: {exc}") from None
        self.by_name = {info.filename: info for info in self.infos}
        if len(self.by_name) != len(self.infos):  # readers disagree on which copy wins
            raise self.fail("corrupt", "zip archive with duplicate member names")
        self._check_sizes()
        is_ods, is_xlsx = "mimetype" in self.by_name, "[Content_Types].xml" in self.by_name
        if is_ods and is_xlsx:  # a polyglot: we would screen one reading, calamine might use the other
            raise self.fail("corrupt", "zip archive holding both .xlsx and .ods parts")
        if is_ods:
            return self._screen_ods()
        if is_xlsx:
            return self._screen_xlsx()
        raise self.fail("corrupt", "zip archive without [Content_Types].xml or mimetype: not a workbook")

    # central directory

    def _check_member_count(self) -> None:
        """Read the count from the end record before zipfile builds one object per member."""
        self.fh.seek(0, 2)
        size = self.fh.tell()
        tail_len = min(size, 22 + 0xFFFF)
        self.fh.seek(size - tail_len)
        tail = self.fh.read(tail_len)
        pos = tail.rfind(EMPTY_ZIP_MAGIC)
        if pos < 0 or pos + 22 > len(tail):
            raise self.fail("corrupt", "zip end record missing (truncated file?)")
        count = struct.unpack_from("<H", tail, pos + 10)[0]
        if count == 0xFFFF and pos >= 20 and tail[pos - 20 : pos - 16] == b"PK\x06\x07":
            count = self._zip64_count(struct.unpack_from("<Q", tail, pos - 12)[0])
        if count > MAX_MEMBERS:
            raise self.fail("zip_bomb", f"{count:,} members (limit {MAX_MEMBERS:,})")

    def _zip64_count(self, record_offset: int) -> int:
        self.fh.seek(record_offset)
        record = self.fh.read(56)
        if len(record) < 56 or not record.startswith(b"PK\x06\x06"):
            raise self.fail("corrupt", "damaged zip64 end record")
        return int(struct.unpack_from("<Q", record, 32)[0])

    def _check_sizes(self) -> None:
        total = 0
        for info in self.infos:
            total += info.file_size
            if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                ratio = info.file_size / max(info.compress_size, 1)
                raise self.fail(
                    "zip_bomb",
                    f"member {info.filename} expands to {_size(info.file_size)} "
                    f"from {_size(info.compress_size)} (ratio {ratio:,.0f}:1, limit {MAX_RATIO}:1)",
                )
            if info.flag_bits & 0x1:
                raise self.fail("encrypted", f"member {info.filename} is encrypted")
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise self.fail(
                "zip_bomb", f"members expand to {_size(total)} (limit {_size(MAX_TOTAL_UNCOMPRESSED)})"
            )

    # bounded member reads

    def _read(self, name: str) -> Iterator[bytes]:
        """Decompress one member ourselves, never past its declared size, then check CRC."""
        info = self.by_name[name]
        fh = self.fh
        fh.seek(info.header_offset)
        local = fh.read(30)
        if len(local) < 30 or not local.startswith(ZIP_MAGIC):
            raise self.fail("corrupt", f"member {name}: bad local header")
        name_len, extra_len = struct.unpack_from("<HH", local, 26)
        fh.seek(info.header_offset + 30 + name_len + extra_len)
        if info.compress_type == 8:  # deflate
            inflate = zlib.decompressobj(-15)
        elif info.compress_type != 0:  # stored
            raise self.fail(
                "unsupported_format", f"member {name} uses compression method {info.compress_type}"
            )
        left_in, left_out, crc = info.compress_size, info.file_size, 0
        try:
            while left_in > 0:
                raw = fh.read(min(_CHUNK, left_in))
                if not raw:
                    raise self.fail("corrupt", f"member {name} is truncated")
                left_in -= len(raw)
                # max_length bounds the output: a stream that expands past its header is a bomb
                data = raw if info.compress_type == 0 else inflate.decompress(raw, left_out + 1)
                while True:
                    left_out -= len(data)
                    if left_out < 0:
                        raise self.fail(
                            "zip_bomb", f"member {name} expands beyond its declared {_size(info.file_size)}"
                        )
                    crc = zlib.crc32(data, crc)
                    yield data
                    if info.compress_type == 0 or not inflate.unconsumed_tail:
                        break
                    data = inflate.decompress(inflate.unconsumed_tail, left_out + 1)
        except zlib.error as exc:
            raise self.fail("corrupt", f"member {name}: {exc}") from None
        if info.compress_type == 8 and not inflate.eof:
            raise self.fail("corrupt", f"member {name}: compressed stream is incomplete")
        if left_out != 0 or crc != info.CRC:
            raise self.fail("corrupt", f"member {name}: size or CRC does not match the zip directory")

    def _parse(
        self,
        name: str,
        start: Handler | None = None,
        end: Callable[[str], None] | None = None,
        data: bytes | None = None,
    ) -> None:
        """Stream one XML member through expat; any DOCTYPE (hence any ENTITY) is an xml_bomb."""
        parser = expat.ParserCreate()
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

        def doctype(*_: object) -> None:
            raise self.fail("xml_bomb", f"member {name} declares a DOCTYPE (entity expansion risk)")

        parser.StartDoctypeDeclHandler = doctype
        parser.EntityDeclHandler = doctype
        if start is not None:
            parser.StartElementHandler = start
        if end is not None:
            parser.EndElementHandler = end
        try:
            for chunk in self._read(name) if data is None else [data]:
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise self.fail("corrupt", f"member {name} is not well-formed XML: {exc}") from None

    def _parse_other_xml(
        self, done: set[str], start: Handler | None = None, needles: tuple[bytes, ...] = (b"<!",)
    ) -> None:
        """calamine may read any XML part: screen every one not parsed yet.

        Most parts hold no "<!" at all (no DOCTYPE, comment or CDATA), which a byte scan
        proves faster than expat; anything else goes through expat.
        """
        for name in self.by_name:
            is_xml = name.lower().endswith((".xml", ".rels"))
            if is_xml and name not in done and not self._quick_scan(name, needles):
                self._parse(name, start)

    def _quick_scan(self, name: str, needles: tuple[bytes, ...]) -> bool:
        """True if the part is ASCII-compatible and holds none of `needles` (a bounded read)."""
        overlap = max(len(n) for n in needles) - 1
        previous = b""
        for index, data in enumerate(self._read(name)):
            if index == 0 and not _UTF8_START.match(data):
                return False  # UTF-16 or an exotic encoding: let expat decode it
            window = previous + data
            if any(needle in window for needle in needles):
                return False
            previous = window[-overlap:] if overlap else b""
        return True

    # .xlsx

    def _screen_xlsx(self) -> str:
        names = self.by_name
        if "xl/workbook.xml" not in names:
            if "xl/workbook.bin" in names:
                raise self.fail("unsupported_format", "binary workbook (.xlsb); re-save it as .xlsx")
            if "word/document.xml" in names or "ppt/presentation.xml" in names:
                raise self.fail("not_spreadsheet", "an Office document that is not a workbook")
            raise self.fail("corrupt", "xlsx without xl/workbook.xml")
        for name in names:
            if name.lower() == "xl/vbaproject.bin" or name.lower().startswith("xl/macrosheets/"):
                raise self.fail("macro", f"contains {name} (macros)")

        sheets = {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
        self._parse("[Content_Types].xml", self._content_types_handler(sheets))
        done = {"[Content_Types].xml"}
        if "xl/_rels/workbook.xml.rels" in names:
            self._parse("xl/_rels/workbook.xml.rels", _workbook_rels_handler(sheets))
            done.add("xl/_rels/workbook.xml.rels")
        for sheet in sorted(sheets & names.keys()):
            self._screen_sheet(sheet)
            done.add(sheet)
        self._parse_other_xml(done)
        return "xlsx"

    def _screen_sheet(self, name: str) -> None:
        """A byte scan settles most sheets; expat (one callback per element) decides the rest."""
        if self.by_name[name].file_size > _FAST_SHEET_MAX:
            self._parse(name, _XlsxSheet(name, self.fail).start)
            return
        data = b"".join(self._read(name))
        if not _fast_sheet_ok(data):
            self._parse(name, _XlsxSheet(name, self.fail).start, data=data)

    def _content_types_handler(self, sheets: set[str]) -> Handler:
        def start(tag: str, attrs: dict[str, str]) -> None:
            content_type = attrs.get("ContentType", "").lower()
            if any(marker in content_type for marker in _MACRO_TYPE_MARKERS):
                raise self.fail("macro", f"content type {attrs['ContentType']} (macros)")
            if _WORKSHEET_TYPE in content_type and "PartName" in attrs:
                sheets.add(attrs["PartName"].lstrip("/"))

        return start

    # .ods

    def _screen_ods(self) -> str:
        if self.by_name["mimetype"].file_size > 100:
            raise self.fail("corrupt", "mimetype member longer than 100 bytes")
        mimetype = b"".join(self._read("mimetype")).decode("ascii", "replace").strip()
        if mimetype != ODS_MIMETYPE:
            if mimetype.startswith("application/vnd.oasis.opendocument."):
                raise self.fail("not_spreadsheet", f"OpenDocument of type {mimetype}, not a spreadsheet")
            raise self.fail("corrupt", f"unexpected mimetype {mimetype[:80]!r}")
        if "content.xml" not in self.by_name:
            raise self.fail("corrupt", "ods without content.xml")
        for info in self.infos:
            if info.filename.startswith(("Basic/", "Scripts/")) and info.file_size > 0:
                raise self.fail("macro", f"contains {info.filename} (macros)")
        done = {"mimetype"}
        if "META-INF/manifest.xml" in self.by_name:
            self._parse("META-INF/manifest.xml", self._manifest_handler())
            done.add("META-INF/manifest.xml")
        sheet = _OdsContent(self.fail)
        self._parse("content.xml", sheet.start, sheet.end)
        done.add("content.xml")
        # styles.xml can hold event listeners too
        self._parse_other_xml(done, _ods_script_handler(self.fail), (b"<!", b"event-listener"))
        return "ods"

    def _manifest_handler(self) -> Handler:
        def start(tag: str, attrs: dict[str, str]) -> None:
            if tag == "manifest:encryption-data":
                raise self.fail(
                    "encrypted", "password-protected spreadsheet; ask for a copy without password"
                )

        return start


def _workbook_rels_handler(sheets: set[str]) -> Handler:
    """calamine finds sheets through these relationships, wherever the parts live."""

    def start(tag: str, attrs: dict[str, str]) -> None:
        target = attrs.get("Target", "")
        if attrs.get("Type", "").endswith(_WORKSHEET_REL) and attrs.get("TargetMode") != "External":
            part = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            sheets.add(part)

    return start


def _fast_sheet_ok(data: bytes) -> bool:
    """True when bytes alone prove the sheet within limits; False means "ask expat", not "hostile".

    Only plain spellings pass: UTF-8, no "<!" (hence no DOCTYPE, comment or CDATA to hide
    markup), every <c> starting with r="...", every r= and ref= value small. Every row that
    counts starts a <c> element, so at most MAX_ROWS "<" means at most MAX_ROWS such rows.
    """
    if not _UTF8_START.match(data) or b"<!" in data:
        return False
    if len(data) > 2 * MAX_ROWS and data.count(b"<") > MAX_ROWS:
        return False
    text = data.translate(_WS_TO_SPACE)
    odd = (_ODD_R, _ODD_REF, _CELL_WITHOUT_R, _PREFIXED_CELL)
    return not any(pattern.search(text) for pattern in odd)


def _ods_script_handler(fail: Callable[[SourceCode, str], SourceError]) -> Handler:
    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "script:event-listener":
            raise fail("macro", "event listener calling a script (macros)")

    return start


class _XlsxSheet:
    """Counts rows holding cells, and checks every reference, against MAX_ROWS x MAX_COLUMNS.

    The <dimension> header is checked but not trusted: calamine sizes its grid from the
    cells it meets, so a forged small header proves nothing.
    """

    def __init__(self, name: str, fail: Callable[[SourceCode, str], SourceError]) -> None:
        self.name = name
        self.fail = fail
        self.rows = 0
        self.row_open = False  # a <row> seen, its first <c> not yet
        self.unreferenced = 0  # cells without r= in this row: calamine places them by position

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition(":")[2]  # some writers prefix the main namespace (x:row)
        if local == "c":
            if self.row_open:
                self.row_open = False
                self.rows += 1
                if self.rows > MAX_ROWS:
                    raise self.fail("too_large", f"{self.name} has more than {MAX_ROWS:,} rows")
            ref = attrs.get("r")
            if ref:
                self._check_ref(ref)
            else:  # at most MAX_COLUMNS referenced columns + these: bounded
                self.unreferenced += 1
                if self.unreferenced > MAX_COLUMNS:
                    raise self.fail("too_large", f"{self.name} has a row of more than {MAX_COLUMNS:,} cells")
        elif local == "row":
            self.row_open = True
            self.unreferenced = 0
            number = attrs.get("r", "")
            if len(number) > 5 and number.isdigit() and _big(number, MAX_ROWS):
                raise self.fail(
                    "too_large", f"{self.name} has a row numbered {number[:20]} (limit {MAX_ROWS:,})"
                )
        elif local == "dimension":
            for ref in attrs.get("ref", "").split(":"):
                self._check_ref(ref, "dimension ")

    def _check_ref(self, ref: str, what: str = "") -> None:
        if _SMALL_REF.match(ref):
            return
        ref = ref.replace("$", "")
        letters = ref.rstrip("0123456789").upper()
        digits = ref[len(letters) :]
        if len(letters) > len(_MAX_COLUMN) or (len(letters) == len(_MAX_COLUMN) and letters > _MAX_COLUMN):
            raise self.fail(
                "too_large", f"{self.name} {what}reaches column {letters[:10]} (limit {_MAX_COLUMN})"
            )
        if len(digits) > 5 and _big(digits, MAX_ROWS):
            raise self.fail("too_large", f"{self.name} {what}reaches row {digits[:20]} (limit {MAX_ROWS:,})")


class _OdsContent:
    """Walks ODS rows and cells, expanding number-*-repeated, counting only cells with content.

    LibreOffice pads every sheet with e.g. 1,048,576 repeated empty rows and every row with
    repeated empty cells; those are harmless. A cell has content if it has a value type, a
    formula or any child element (text, note).
    """

    def __init__(self, fail: Callable[[SourceCode, str], SourceError]) -> None:
        self.fail = fail
        self.row = 0  # rows before the current one, in the current table
        self.row_repeat = 1
        self.row_has_content = False
        self.column = 0  # columns up to and including the current cell
        self.in_cell = False
        self.cell_has_content = False

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if self.in_cell:
            self.cell_has_content = True  # <text:p>, <office:annotation>...
        if tag in ("table:table-cell", "table:covered-table-cell"):
            self.column += self._repeat(attrs, "table:number-columns-repeated")
            self.in_cell = True
            self.cell_has_content = "office:value-type" in attrs or "table:formula" in attrs
        elif tag == "table:table-row":
            self.row_repeat = self._repeat(attrs, "table:number-rows-repeated")
            self.row_has_content = False
            self.column = 0
        elif tag == "table:table":
            self.row = 0
        elif tag == "script:event-listener":
            raise self.fail("macro", "event listener calling a script (macros)")

    def end(self, tag: str) -> None:
        if tag in ("table:table-cell", "table:covered-table-cell"):
            self.in_cell = False
            if self.cell_has_content:
                self.row_has_content = True
                if self.column > MAX_COLUMNS:
                    raise self.fail(
                        "too_large",
                        f"content.xml has content in column {self.column:,} (limit {MAX_COLUMNS:,})",
                    )
        elif tag == "table:table-row":
            if self.row_has_content and self.row + self.row_repeat > MAX_ROWS:
                raise self.fail(
                    "too_large",
                    f"content.xml has content in row {self.row + self.row_repeat:,} (limit {MAX_ROWS:,})",
                )
            self.row += self.row_repeat

    def _repeat(self, attrs: dict[str, str], key: str) -> int:
        value = attrs.get(key)
        if value is None:  # the common case, kept cheap: one call per cell
            return 1
        if not value.isdigit() or len(value) > 18 or int(value) < 1:
            raise self.fail("corrupt", f"content.xml: invalid {key}={value[:20]!r}")
        return int(value)


def _big(digits: str, limit: int) -> bool:
    """digits > limit, without int() on a hostile 10,000-digit string."""
    digits = digits.lstrip("0")
    return len(digits) > len(str(limit)) or (len(digits) == len(str(limit)) and int(digits) > limit)


_MAX_COLUMN = column_letter(MAX_COLUMNS)  # "ALL"


def _size(n: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"
