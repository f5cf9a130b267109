"""Screen a returned copy before python-calamine reads it.

calamine is fast but trusts its input: a zip bomb, an entity bomb or a forged
sheet size would exhaust memory. `screen_file` looks at the bytes (never the
file name), checks the zip central directory, then reads every XML part with a
bounded read (never past the size its header declares). Plain parts are settled
by byte scans; anything unusual goes through expat, which stops at the first
DOCTYPE and counts rows and cells as it goes. Each problem raises `SourceError`
with a stable code. Callers should then open the file by content (the returned
format), not by its extension.

Only what a reader uses is judged: cells holding a value (an empty styled cell at
XFD1048576 and a `<dimension>` header are harmless), the parts a reader opens (an
empty or malformed part nobody reads, a `__MACOSX/` entry, are not damage). Real
producers write such packages; refusing them would refuse partners' genuine copies.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat

from .cells import column_letter
from .errors import SourceError
from .problems import SourceCode

MAX_TOTAL_UNCOMPRESSED = 100 * 1024 * 1024  # bytes, sum over all members
MAX_RATIO = 200  # uncompressed / compressed, per member ...
# ... once the member is larger than this. The total bound is what protects memory; below this
# size a high ratio is ordinary repetition (Excel's known bloat of thousands of duplicate styles).
RATIO_MIN_SIZE = 16 * 1024 * 1024
LIAR_MIN_SIZE = 1024 * 1024  # a member expanding past its declared size: a bomb from this size
MAX_MEMBERS = 10_000
MAX_ROWS = 100_000  # last row holding a value, per worksheet
MAX_COLUMNS = 1_000  # last column holding a value
MAX_VALUE_CELLS = 2_000_000  # cells holding a value, per file

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"

_CHUNK = 64 * 1024
_WORKSHEET_REL = "/relationships/worksheet"
_WORKSHEET_TYPE = "spreadsheetml.worksheet+xml"
# Members that hold no cell for any reader to find (pictures, fonts, printer settings, the legacy
# drawings of notes): a package of the kept parts may leave them out. Anything else not kept (an
# empty part, a part under an unusual name) means the file's own bytes are read instead.
_NO_CELLS = (
    *(".png", ".jpeg", ".jpg", ".jpe", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".wdp", ".svg"),
    *(".ico", ".vml", ".bin", ".ttf", ".odttf", ".fntdata"),
)
# Content types that carry code: VBA projects, macro-enabled workbooks, Excel 4 macro sheets.
_MACRO_TYPE_MARKERS = ("macroenabled", "vbaproject", "macrosheet")

Handler = Callable[[str, dict[str, str]], None]

# A part starting like this is UTF-8 (or ASCII), so a byte scan for "<!" sees every DOCTYPE.
_UTF8_START = re.compile(
    rb"(?:\xef\xbb\xbf)?(?:<\?xml(?:(?!\?>)[^>])*?encoding=[\"'](?i:utf-?8|us-ascii|ascii)[\"']"
    rb"|<\?xml(?:(?!encoding=)[^>])*\?>|<[^?\x00])"
)
# Sheets up to this size are read whole and byte-scanned first (the fast path); larger ones are
# byte-scanned in pieces of about this size, each cut just before a "<" so no tag is split.
_FAST_SHEET_MAX = 4 * 1024 * 1024
_WS_TO_SPACE = bytes.maketrans(b"\t\n\r", b"   ")
# After whitespace is folded to spaces: an r= attribute not spelled r="ZZ999999" (small enough
# to compare), a cell not starting with r=, or a prefixed cell, sends the sheet to expat.
# An r attribute is an "r" after a space, or straight after the quote closing the attribute before
# it: calamine reads that too, and places a cell by the last r= it holds (<c r="A1"r="ZZ99999">).
# Each pattern starts with a literal, which re searches fast (the look-behind comes after it).
# ref= attributes (<dimension>, merged cells) size nothing a reader builds: they are not checked.
_ODD_R = re.compile(rb'r(?<=[ "\']r)(?=[ =])(?!="[A-Z]{0,2}[0-9]{1,6}")')
_CELL_WITHOUT_R = re.compile(rb'<c(?=[ />])(?! r=")')
_PREFIXED_CELL = re.compile(rb":c[ />]")
# Once those pass, every r attribute is spelled like this. The extent is taken over each one with
# letters: every cell, empty or not (telling them apart by bytes could be fooled by a "/>" inside an
# attribute value), and a cell's second r= (the one calamine keeps); a row's has none (calamine
# refuses a cell reference without them). An extent too small would let calamine build a huge grid.
_R_REF = re.compile(rb'r(?<=[ "\']r)="([A-Z]{1,2})([0-9]{1,6})"')
# _ODD_R, but for short rows: when no r= fails this, every r= has at most two letters (columns up to
# ZZ, 702) and three digits (rows up to 999). That bound is then the extent, taken without finding
# every cell (most sheets; the grid, 701,298 cells, stays within every limit). One search answers
# for the usual sheet; when it finds something, _ODD_R tells an odd r= from a row past 999.
_ODD_OR_LONG_R = re.compile(rb'r(?<=[ "\']r)(?=[ =])(?!="[A-Z]{0,2}[0-9]{1,3}")')
_SMALL_EXTENT = (999, 702)
_FIRST, _SECOND = itemgetter(0), itemgetter(1)


@dataclass(frozen=True)
class Screened:
    """A file found safe to read, and what its reader needs to know."""

    format: str  # "xlsx" or "ods"
    grid_cells: int  # largest rows x columns rectangle, from A1, holding a tab's values (or a bound
    # of it: 999 x 702 for a sheet whose references stay below row 1,000, see _fast_sheet_extent)
    standard_parts: bool = True  # parts at the paths python-calamine looks for
    # XML members screening decompressed whole (CRC and size checked), by name as screened: the
    # readers that come next take them from here instead of decompressing them again
    parts: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)
    members: tuple[str, ...] | None = field(default=None, compare=False, repr=False)  # names as zipped
    # the CRC-32 of each kept part, and whether every member that may hold cells was kept (then the
    # kept parts are all a reader of values needs: see backends/stored_zip.py)
    checksums: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    every_part_kept: bool = field(default=False, compare=False, repr=False)


def screen_file(path: Path) -> str:
    """Return "xlsx" or "ods" if `path` is safe to read, else raise SourceError."""
    return screen(path).format


def screen(path: Path, data: bytes | None = None) -> Screened:
    """Screen `path` (see the module's docstring); raise SourceError with a stable code if unsafe.

    `data`: the file's bytes, when the caller has read them already (they are screened, not the path)."""
    source = str(path)
    if data is not None:
        return _screen(io.BytesIO(data), source)
    try:
        with open(path, "rb") as fh:
            return _screen(fh, source)
    except FileNotFoundError:
        raise SourceError(source, "not_found", "no such file") from None
    except IsADirectoryError:
        raise SourceError(source, "not_found", "path is a folder, not a file") from None
    except PermissionError as exc:
        raise SourceError(source, "not_found", f"cannot be read: {exc.strerror}") from None


# BIFF2-4 worksheets (Excel 2.x-4.0) are bare record streams, not OLE files: a BOF record first.
_BIFF_BOF = {b"\x09\x00": "BIFF2", b"\x09\x02": "BIFF3", b"\x09\x04": "BIFF4"}


def _screen(fh: BinaryIO, source: str) -> Screened:
    magic = fh.read(8)
    if not magic:
        raise SourceError(source, "not_spreadsheet", "file is empty (0 bytes)")
    if magic == OLE_MAGIC:
        return _screen_ole(fh, source)
    if magic.startswith(ZIP_MAGIC):
        return _Zip(fh, source).screen()
    if magic.startswith(EMPTY_ZIP_MAGIC):
        raise SourceError(source, "corrupt", "empty zip archive, no workbook parts")
    if magic[:2] in _BIFF_BOF and len(magic) >= 4 and 4 <= magic[2] <= 16 and magic[3] == 0:
        raise SourceError(
            source,
            "unsupported_format",
            f"Excel 2-4 worksheet (.xls, {_BIFF_BOF[magic[:2]]}); re-save it as .xlsx",
        )
    raise SourceError(source, "not_spreadsheet", f"content is not .xlsx or .ods (starts with {magic[:4]!r})")


# --- OLE compound files: encrypted OOXML or legacy .xls ------------------------------------------


def _screen_ole(fh: BinaryIO, source: str) -> Screened:
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
        self.parts: dict[str, bytes] = {}  # members read whole, for the readers (Screened.parts)
        self.checksums: dict[str, int] = {}
        self.unlike_zipfile: set[str] = set()  # members zipfile would not open as we read them

    def fail(self, code: SourceCode, detail: str) -> SourceError:
        return SourceError(self.source, code, detail)

    def screen(self) -> Screened:
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
        # Some writers use backslashes in member names (readers take them as slashes); macOS
        # archivers add __MACOSX/ resource forks no reader opens. Both still count for sizes.
        self.by_name = {
            info.filename.replace("\\", "/"): info for info in self.infos if not _is_macos_fork(info.filename)
        }
        if len(self.by_name) != sum(1 for i in self.infos if not _is_macos_fork(i.filename)):
            raise self.fail(
                "corrupt", "zip archive with duplicate member names"
            )  # readers disagree which wins
        self.grid_cells = 0
        self.value_cells = 0
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

    def _start(self, name: str) -> tuple[zipfile.ZipInfo, int]:
        """Seek to a member's data, past its local header: (its directory entry, the most bytes it
        may expand to). A stream may expand past its declared size (a damaged directory) but never
        past this: beyond, at a bomb's ratio, it is a bomb hiding behind a small declared size."""
        info = self.by_name[name]
        fh = self.fh
        if info.header_offset < 0:  # a central directory pointing before the file's start
            raise self.fail("corrupt", f"member {name}: bad local header offset")
        fh.seek(info.header_offset)
        local = fh.read(30)
        if len(local) < 30 or not local.startswith(ZIP_MAGIC):
            raise self.fail("corrupt", f"member {name}: bad local header")
        name_len, extra_len = struct.unpack_from("<HH", local, 26)
        if not self._as_zipfile_reads(info, local, fh.read(name_len)):
            self.unlike_zipfile.add(name)
        fh.seek(info.header_offset + 30 + name_len + extra_len)
        if info.compress_type not in (0, 8):  # stored, deflate
            raise self.fail(
                "unsupported_format", f"member {name} uses compression method {info.compress_type}"
            )
        limit = max(info.file_size, LIAR_MIN_SIZE, MAX_RATIO * info.compress_size)
        return info, min(limit, max(info.file_size, MAX_TOTAL_UNCOMPRESSED))

    def _read(self, name: str) -> Iterator[bytes]:
        """Decompress one member ourselves, never past its declared size, then check CRC."""
        info, limit = self._start(name)
        inflate = zlib.decompressobj(-15)
        left_in, left_out, crc = info.compress_size, limit, 0
        try:
            while left_in > 0:
                raw = self.fh.read(min(_CHUNK, left_in))
                if not raw:
                    raise self.fail("corrupt", f"member {name} is truncated")
                left_in -= len(raw)
                # max_length bounds the output
                data = raw if info.compress_type == 0 else inflate.decompress(raw, left_out + 1)
                while True:
                    left_out -= len(data)
                    if left_out < 0:
                        raise self._expands_beyond(name, info)
                    crc = zlib.crc32(data, crc)
                    yield data
                    if info.compress_type == 0 or not inflate.unconsumed_tail:
                        break
                    data = inflate.decompress(inflate.unconsumed_tail, left_out + 1)
        except zlib.error as exc:
            raise self.fail("corrupt", f"member {name}: {exc}") from None
        self._check_end(name, info, inflate, limit - left_out, crc)

    def _read_whole(self, name: str) -> bytes:
        """`_read`'s bytes joined, in one read and one decompression (the usual small part: the
        generator's steps cost more than inflating it)."""
        info, limit = self._start(name)
        raw = self.fh.read(info.compress_size)
        if len(raw) < info.compress_size:
            raise self.fail("corrupt", f"member {name} is truncated")
        inflate = zlib.decompressobj(-15)
        try:
            data = raw if info.compress_type == 0 else inflate.decompress(raw, limit + 1)
        except zlib.error as exc:
            raise self.fail("corrupt", f"member {name}: {exc}") from None
        if len(data) > limit:
            raise self._expands_beyond(name, info)
        self._check_end(name, info, inflate, len(data), zlib.crc32(data))
        return data

    def _expands_beyond(self, name: str, info: zipfile.ZipInfo) -> SourceError:
        return self.fail("zip_bomb", f"member {name} expands far beyond its declared {_size(info.file_size)}")

    def _check_end(
        self, name: str, info: zipfile.ZipInfo, inflate: zlib._Decompress, size: int, crc: int
    ) -> None:
        if info.compress_type == 8 and not inflate.eof:
            raise self.fail("corrupt", f"member {name}: compressed stream is incomplete")
        if size != info.file_size or crc != info.CRC:
            raise self.fail(
                "corrupt", f"member {name} is damaged: size or CRC does not match the zip directory"
            )

    def _members(self) -> tuple[str, ...]:
        return tuple(info.filename for info in self.infos)

    def _every_part_kept(self) -> bool:
        """Whether every member was kept whole, but pictures, fonts, printer settings and legacy
        drawings, which hold no cell. An empty part is not kept: it makes the answer no (an empty
        workbook.xml must still fail calamine)."""
        return all(name in self.parts or name.lower().endswith(_NO_CELLS) for name in self.by_name)

    @staticmethod
    def _as_zipfile_reads(info: zipfile.ZipInfo, local: bytes, name: bytes) -> bool:
        """Whether Python's zipfile would open this member as we read it (it compares the local
        header's name with the directory's and refuses two flags): a member it would refuse is not
        handed to the readers, which then open it through zipfile and report what it says."""
        utf8 = struct.unpack_from("<H", local, 6)[0] & 0x800
        try:  # an ASCII name reads the same in both (and the UTF-8 decoder is the one written in C)
            local_name = name.decode("utf-8" if utf8 or name.isascii() else "cp437")
        except UnicodeDecodeError:
            return False
        return local_name == info.orig_filename and not info.flag_bits & 0x60

    def _whole(self, name: str) -> bytes | None:
        """A small member's bytes, read whole (and kept for the readers); None for a large or damaged one."""
        if self.by_name[name].file_size > _FAST_SHEET_MAX:
            return None
        try:
            data = self._read_whole(name)
        except SourceError:  # damaged: the caller reads it again, streaming, and says what it always said
            return None
        if name not in self.unlike_zipfile:
            self.parts[name] = data
            self.checksums[name] = self.by_name[name].CRC
        return data

    def _parse(
        self,
        name: str,
        start: Handler | None = None,
        end: Callable[[str], None] | None = None,
        data: bytes | None = None,
        lenient: bool = False,
    ) -> None:
        """Stream one XML member through expat; any DOCTYPE (hence any ENTITY) is an xml_bomb.

        `lenient`: malformed XML is no problem of ours (a part no reader opens); a DOCTYPE still is."""
        if data is None:
            data = self._whole(name)
        seen: list[tuple[str, dict[str, str]]] = []
        remember = end is None and not lenient and data is not None and len(data) <= _EVENTS_MAX_BYTES
        if remember and start is not None and data is not None:
            events = _start_events.pop(data, None)
            if events is not None:  # these very bytes parsed before: their events again
                _start_events[data] = events  # most recently used last
                for tag, attrs in events:
                    start(tag, dict(attrs))
                return
            start = _recording(start, seen)
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
        except (expat.ExpatError, LookupError) as exc:  # LookupError: an encoding Python does not know
            if not lenient:
                raise self.fail("corrupt", f"member {name} is not well-formed XML: {exc}") from None
            return
        if remember and start is not None and data is not None:
            if len(_start_events) >= _EVENTS_ENTRIES:
                del _start_events[next(iter(_start_events))]
            _start_events[data] = tuple((tag, tuple(attrs.items())) for tag, attrs in seen)

    def _parse_other_xml(
        self, done: set[str], start: Handler | None = None, needles: tuple[bytes, ...] = (b"<!",)
    ) -> None:
        """A reader may open any XML part: screen every one not parsed yet for a DOCTYPE.

        Most parts hold no "<!" at all (no DOCTYPE, comment or CDATA), which a byte scan
        proves faster than expat; anything else goes through expat. Malformed XML there is
        the reader's to report if it reads the part (calamine does), not damage of ours:
        OpenOffice leaves empty members such as Configurations2/accelerator/current.xml.
        """
        for name, info in self.by_name.items():
            is_xml = name.lower().endswith((".xml", ".rels"))
            if is_xml and info.file_size and name not in done and not self._quick_scan(name, needles):
                self._parse(name, start, lenient=True)

    def _quick_scan(self, name: str, needles: tuple[bytes, ...]) -> bool:
        """True if the part is ASCII-compatible and holds none of `needles` (a bounded read)."""
        overlap = max(len(n) for n in needles) - 1
        previous = b""
        whole = self._whole(name)
        for index, data in enumerate(self._read(name) if whole is None else [whole]):
            if index == 0 and not _starts_as_utf8(data):
                return False  # UTF-16 or an exotic encoding: let expat decode it
            window = previous + data
            if any(_declares(window) if needle == b"<!" else needle in window for needle in needles):
                return False
            previous = window[-overlap:] if overlap else b""
        return True

    # .xlsx

    def _screen_xlsx(self) -> Screened:
        names = self.by_name
        for name in names:
            if name.lower() == "xl/vbaproject.bin" or name.lower().startswith("xl/macrosheets/"):
                raise self.fail("macro", f"contains {name} (macros)")
        sheets = {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
        self._parse("[Content_Types].xml", self._content_types_handler(sheets))
        done = {"[Content_Types].xml"}
        workbook = self._workbook_part(done)
        rels = _part_rels(workbook)
        if rels in names:
            self._parse(rels, _workbook_rels_handler(sheets, posixpath.dirname(workbook)))
            done.add(rels)
        for sheet in sorted(sheets & names.keys()):
            self._screen_sheet(sheet)
            done.add(sheet)
        self._parse_other_xml(done)
        standard = workbook == "xl/workbook.xml" and rels in names
        return Screened(
            "xlsx",
            self.grid_cells,
            standard,
            self.parts,
            self._members(),
            self.checksums,
            self._every_part_kept(),
        )

    def _workbook_part(self, done: set[str]) -> str:
        """xl/workbook.xml, or the part the package relationships name (some writers put it elsewhere)."""
        names = self.by_name
        if "xl/workbook.xml" in names:
            return "xl/workbook.xml"
        found: list[str] = []
        if "_rels/.rels" in names:
            self._parse("_rels/.rels", _office_document_handler(found))
            done.add("_rels/.rels")
        if found and found[0] in names:
            return found[0]
        if "xl/workbook.bin" in names or any(n.endswith(".bin") for n in found):
            raise self.fail("unsupported_format", "binary workbook (.xlsb); re-save it as .xlsx")
        if "word/document.xml" in names or "ppt/presentation.xml" in names:
            raise self.fail("not_spreadsheet", "an Office document that is not a workbook")
        raise self.fail(
            "corrupt", "xlsx without a workbook part (xl/workbook.xml or one named in _rels/.rels)"
        )

    def _screen_sheet(self, name: str) -> None:
        """A byte scan settles most sheets; expat (one callback per element) decides the rest."""
        if self.by_name[name].file_size > _FAST_SHEET_MAX:
            fast = _fast_sheet_extent(_whole_tags(self._read(name)))
            self._count(fast if fast is not None else self._sheet_by_expat(name))
            return
        data = self._whole(name)
        if data is None:
            data = b"".join(self._read(name))
        fast = _fast_sheet_extent([data])
        self._count(fast if fast is not None else self._sheet_by_expat(name, data))

    def _sheet_by_expat(self, name: str, data: bytes | None = None) -> tuple[int, int, int]:
        sheet = _XlsxSheet(name, self.fail)
        self._parse(name, sheet.start, sheet.end, data=data)
        return sheet.max_row, sheet.max_column, sheet.values

    def _count(self, extent: tuple[int, int, int]) -> None:
        rows, columns, values = extent
        self.grid_cells = max(self.grid_cells, rows * columns)
        self.value_cells += values
        if self.value_cells > MAX_VALUE_CELLS:
            raise self.fail("too_large", f"more than {MAX_VALUE_CELLS:,} cells hold a value")

    def _content_types_handler(self, sheets: set[str]) -> Handler:
        def start(tag: str, attrs: dict[str, str]) -> None:
            content_type = attrs.get("ContentType", "").lower()
            if any(marker in content_type for marker in _MACRO_TYPE_MARKERS) and self._names_a_part(attrs):
                raise self.fail("macro", f"content type {attrs['ContentType']} (macros)")
            if _WORKSHEET_TYPE in content_type and "PartName" in attrs:
                sheets.add(attrs["PartName"].lstrip("/"))

        return start

    def _names_a_part(self, attrs: dict[str, str]) -> bool:
        """Whether a content type applies to a member that exists: SheetJS declares a macro type
        for the extension .bin in every file it writes, with no .bin member at all."""
        if "PartName" in attrs:
            return _resolve("", attrs["PartName"]).lower() in {n.lower() for n in self.by_name}
        extension = "." + attrs.get("Extension", "").lower()
        return any(name.lower().endswith(extension) for name in self.by_name)

    # .ods

    def _screen_ods(self) -> Screened:
        if self.by_name["mimetype"].file_size > 100:
            raise self.fail("corrupt", "mimetype member longer than 100 bytes")
        mimetype = b"".join(self._read("mimetype")).decode("ascii", "replace").strip()
        if mimetype != ODS_MIMETYPE:
            if mimetype.startswith("application/vnd.oasis.opendocument."):
                raise self.fail("not_spreadsheet", f"OpenDocument of type {mimetype}, not a spreadsheet")
            raise self.fail("corrupt", f"unexpected mimetype {mimetype[:80]!r}")
        if "content.xml" not in self.by_name:
            raise self.fail("corrupt", "ods without content.xml")
        for name, info in self.by_name.items():
            if name.startswith(("Basic/", "Scripts/")) and info.file_size > 0 and not _is_library_index(name):
                raise self.fail("macro", f"contains {name} (macros)")
        done = {"mimetype"}
        if "META-INF/manifest.xml" in self.by_name:
            self._parse("META-INF/manifest.xml", self._manifest_handler())
            done.add("META-INF/manifest.xml")
        sheet = _OdsContent(self.fail)
        self._parse("content.xml", sheet.start, sheet.end)
        done.add("content.xml")
        # styles.xml can hold event listeners too
        self._parse_other_xml(done, _ods_script_handler(self.fail), (b"<!", b"event-listener"))
        return Screened("ods", sheet.grid_cells, parts=self.parts, members=self._members())

    def _manifest_handler(self) -> Handler:
        def start(tag: str, attrs: dict[str, str]) -> None:
            if tag == "manifest:encryption-data":
                raise self.fail(
                    "encrypted", "password-protected spreadsheet; ask for a copy without password"
                )

        return start


# Library lists LibreOffice writes once the Basic editor has been opened: no code in them.
_LIBRARY_INDEXES = frozenset(("script-lc.xml", "script-lb.xml", "dialog-lc.xml", "dialog-lb.xml"))


def _is_library_index(name: str) -> bool:
    return posixpath.basename(name) in _LIBRARY_INDEXES


def _is_macos_fork(name: str) -> bool:
    return name.startswith("__MACOSX/")


def _part_rels(part: str) -> str:
    """xl/workbook.xml -> xl/_rels/workbook.xml.rels"""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _resolve(folder: str, target: str) -> str:
    target = target.replace("\\", "/")
    if target.startswith("/"):
        return posixpath.normpath(target[1:])
    return posixpath.normpath(posixpath.join(folder, target))


def _office_document_handler(found: list[str]) -> Handler:
    def start(tag: str, attrs: dict[str, str]) -> None:
        if attrs.get("Type", "").endswith("/officeDocument") and attrs.get("TargetMode") != "External":
            found.append(_resolve("", attrs.get("Target", "")))

    return start


def _workbook_rels_handler(sheets: set[str], folder: str) -> Handler:
    """Readers find sheets through these relationships, wherever the parts live."""

    def start(tag: str, attrs: dict[str, str]) -> None:
        if attrs.get("Type", "").endswith(_WORKSHEET_REL) and attrs.get("TargetMode") != "External":
            sheets.add(_resolve(folder, attrs.get("Target", "")))

    return start


# What expat saw in a part parsed whole without complaint (no DOCTYPE, well-formed): its elements'
# start events, by the part's exact bytes. [Content_Types].xml and the workbook's relationships come
# byte for byte the same in every copy of a kit: the same bytes give the same events, so handlers
# judge them again (a macro content type is refused every time) without expat reading them again.
_start_events: dict[bytes, tuple[tuple[str, tuple[tuple[str, str], ...]], ...]] = {}
_EVENTS_ENTRIES = 64
_EVENTS_MAX_BYTES = 64 * 1024  # with _EVENTS_ENTRIES: 4 MB of keys at most


def _recording(start: Handler, seen: list[tuple[str, dict[str, str]]]) -> Handler:
    def record(tag: str, attrs: dict[str, str]) -> None:
        seen.append((tag, dict(attrs)))
        start(tag, attrs)

    return record


def _starts_as_utf8(data: bytes) -> bool:
    """_UTF8_START.match(data), remembered by the bytes it looks at (up to the first ">"): every
    part of a copy starts with the same declaration, which the pattern walks a character at a time."""
    end = data.find(b">", 0, 512)
    if end < 0:
        return _UTF8_START.match(data) is not None
    head = data[: end + 1]
    found = _utf8_starts.get(head)
    if found is None:
        found = _UTF8_START.match(head) is not None
        if len(_utf8_starts) < 64:
            _utf8_starts[head] = found
    return found


_utf8_starts: dict[bytes, bool] = {}


def _declares(data: bytes) -> bool:
    """Whether `data` holds "<!" (a DOCTYPE, comment or CDATA). Looking for the rare "!" first is
    several times faster than for "<!", whose "<" is everywhere in XML."""
    return b"!" in data and b"<!" in data


def _whole_tags(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The stream re-cut into pieces of about _FAST_SHEET_MAX bytes, each ending before a "<"."""
    pending: list[bytes] = []
    size = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= _FAST_SHEET_MAX:
            data = b"".join(pending)
            cut = data.rfind(b"<")
            if cut <= 0:
                cut = len(data)
            yield data[:cut]
            pending, size = [data[cut:]], len(data) - cut
    if size:
        yield b"".join(pending)


def _fast_sheet_extent(pieces: Iterable[bytes]) -> tuple[int, int, int] | None:
    """(last row, last column, count) of the cells, when bytes alone prove them; None means
    "ask expat", not "hostile". The count is of cells with content (closed by "</c>"). A sheet
    whose references all stay below row 1,000 gives _SMALL_EXTENT, a bound, not its last cell.

    Only plain spellings pass: UTF-8, no "<!" (hence no DOCTYPE, comment or CDATA to hide
    markup), every <c> starting with r="...", every r= value small (<= ZZ999999). Empty
    styled cells count in the extent here: a sheet where they reach far is read sparsely.
    """
    last_row = last_column = values = 0
    for index, data in enumerate(pieces):
        if (index == 0 and not _starts_as_utf8(data)) or _declares(data):
            return None
        # whitespace folded to spaces, when there is any to fold (three byte searches cost less)
        folded = b"\n" in data or b"\t" in data or b"\r" in data
        text = data.translate(_WS_TO_SPACE) if folded else data
        if _CELL_WITHOUT_R.search(text) or _PREFIXED_CELL.search(text):
            return None
        small = _ODD_OR_LONG_R.search(text) is None
        if not small and _ODD_R.search(text):
            return None
        closed = text.count(b"</c>")
        values += closed
        if closed and small:
            last_row, last_column = max(last_row, _SMALL_EXTENT[0]), max(last_column, _SMALL_EXTENT[1])
            continue
        cells = _R_REF.findall(text)
        if cells:
            last_row = max(last_row, *map(int, map(_SECOND, cells)))
            letters = {letters.decode() for letters in set(map(_FIRST, cells))}
            last_column = max(last_column, *map(_column_number, letters))
    if last_row > MAX_ROWS or last_column > MAX_COLUMNS:
        return None  # expat tells empty cells from values, and names a value too far
    return last_row, last_column, values


def _column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def _ods_script_handler(fail: Callable[[SourceCode, str], SourceError]) -> Handler:
    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "script:event-listener":
            raise fail("macro", "event listener calling a script (macros)")

    return start


class _XlsxSheet:
    """Checks the cells holding a value against MAX_ROWS x MAX_COLUMNS, and measures them.

    A cell holds a value when it has a child (<v>, <is>, <f>); empty styled cells
    (a whole column formatted) are skipped, as every reader skips them. Neither
    <dimension> nor row numbers alone size anything a reader builds.
    """

    def __init__(self, name: str, fail: Callable[[SourceCode, str], SourceError]) -> None:
        self.name = name
        self.fail = fail
        self.row = 0  # the current row's number
        self.column = 0  # the current cell's column
        self.cell_ref = ""  # the open cell's r=, "" when it has none
        self.cell_open = False  # a <c> whose first child is not seen yet
        self.max_row = 0
        self.max_column = 0
        self.values = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition(":")[2]  # some writers prefix the main namespace (x:row)
        if local == "c":
            self.cell_ref = attrs.get("r", "")
            self.cell_open = True
            if not self.cell_ref:  # calamine places it after the previous cell of its row
                self.column += 1
        elif self.cell_open:  # the cell's first child: it holds a value
            self.cell_open = False
            self._value_cell()
        elif local == "row":
            number = attrs.get("r", "")
            self.row = self._row_number(number) if number else self.row + 1
            self.column = 0

    def end(self, tag: str) -> None:
        if self.cell_open and tag.rpartition(":")[2] == "c":
            self.cell_open = False  # an empty cell: placed, not counted
            if self.cell_ref:
                self._place(self.cell_ref)

    def _value_cell(self) -> None:
        if self.cell_ref:
            self._place(self.cell_ref)
        if self.column > MAX_COLUMNS:
            where = self.cell_ref[:20] or "a cell without r="
            raise self.fail("too_large", f"{self.name} has a value beyond column {_MAX_COLUMN} ({where})")
        if self.row > MAX_ROWS:
            raise self.fail("too_large", f"{self.name} has a value in row {self.row:,} (limit {MAX_ROWS:,})")
        self.values += 1
        self.max_row = max(self.max_row, self.row)
        self.max_column = max(self.max_column, self.column)

    def _place(self, ref: str) -> None:
        """Take the position from r= (a cell far away is fine unless it holds a value)."""
        ref = ref.replace("$", "")
        letters = ref.rstrip("0123456789").upper()
        digits = ref[len(letters) :]
        if not (letters.isascii() and letters.isalpha()) or not digits:
            raise self.fail("corrupt", f"{self.name} has a bad cell reference {ref[:20]!r}")
        if len(letters) > len(_MAX_COLUMN) or (len(letters) == len(_MAX_COLUMN) and letters > _MAX_COLUMN):
            self.column = MAX_COLUMNS + 1
        else:
            self.column = _column_number(letters)
        self.row = self._row_number(digits)

    def _row_number(self, digits: str) -> int:
        if not digits.isascii() or not digits.isdigit():
            raise self.fail("corrupt", f"{self.name} has a bad row number {digits[:20]!r}")
        return MAX_ROWS + 1 if _big(digits, MAX_ROWS) else int(digits)


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
        self.cell_repeat = 1
        self.in_cell = False
        self.cell_has_content = False
        self.row_values = 0  # cells with content in the current row, repeats included
        self.row_last_column = 0
        self.table_last_column = 0
        self.values = 0  # cells with content in the file, repeats included
        self.grid_cells = 0  # largest rows x columns rectangle holding a table's content

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if self.in_cell:
            self.cell_has_content = True  # <text:p>, <office:annotation>...
        if tag in ("table:table-cell", "table:covered-table-cell"):
            self.cell_repeat = self._repeat(attrs, "table:number-columns-repeated")
            self.column += self.cell_repeat
            self.in_cell = True
            self.cell_has_content = "office:value-type" in attrs or "table:formula" in attrs
        elif tag == "table:table-row":
            self.row_repeat = self._repeat(attrs, "table:number-rows-repeated")
            self.row_has_content = False
            self.row_values = self.row_last_column = 0
            self.column = 0
        elif tag == "table:table":
            self.row = self.table_last_column = 0
        elif tag == "script:event-listener":
            raise self.fail("macro", "event listener calling a script (macros)")

    def end(self, tag: str) -> None:
        if tag in ("table:table-cell", "table:covered-table-cell"):
            self.in_cell = False
            if self.cell_has_content:
                self.row_has_content = True
                self.row_values += self.cell_repeat
                self.row_last_column = self.column
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
            if self.row_has_content:
                self.table_last_column = max(self.table_last_column, self.row_last_column)
                self.grid_cells = max(self.grid_cells, self.row * self.table_last_column)
                self.values += self.row_values * self.row_repeat
                if self.values > MAX_VALUE_CELLS:
                    raise self.fail("too_large", f"more than {MAX_VALUE_CELLS:,} cells hold a value")

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
