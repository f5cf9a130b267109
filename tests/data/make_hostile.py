"""(Re)generate the hostile-file corpus used by tests/test_screening.py.

    python tests/data/make_hostile.py [FOLDER] [--large]

FOLDER defaults to tests/data/hostile/. Without --large only the small files
(committed, each < 50 KB) are written; the tests build the large ones into a
temporary folder with `build_large`.

Small files (committed):
  not_a_spreadsheet.xlsx   plain text with an .xlsx name                -> not_spreadsheet
  empty.xlsx               0 bytes                                      -> not_spreadsheet
  corrupt.xlsx             a valid workbook cut in half                 -> corrupt
  encrypted.xlsx           OLE compound file with an EncryptedPackage   -> encrypted
  legacy.xls               OLE compound file with a Workbook stream     -> unsupported_format
  macro.xlsx               openpyxl workbook + xl/vbaProject.bin and a
                           macroEnabled content type, named .xlsx       -> macro
  xml_bomb.xlsx            "billion laughs" DOCTYPE in sharedStrings    -> xml_bomb
  lying_sizes.xlsx         a 2 MB sheet whose zip headers claim 1 KB    -> zip_bomb

Large files (--large, or build_large() from the tests; small on disk):
  zip_bomb.xlsx            a 500 MB worksheet of spaces, ~0.5 MB zipped -> zip_bomb
  million_rows.xlsx        1,000,000 real rows, honest <dimension>      -> too_large
  million_rows_forged_dimension.xlsx
                           the same rows under <dimension ref="A1:B2"/> -> too_large
  rows_without_refs.xlsx   100,001 rows without r= attributes or <dimension>
                           (only the row counter can see them)          -> too_large
  total_size_bomb.xlsx     120 extra members of 1 MB each (no ratio
                           check below 16 MB, but 120 MB in total)      -> zip_bomb
  too_many_members.xlsx    10,001 empty members                         -> zip_bomb

Legitimate oddities and worst cases (written by tests/test_screening.py and scripts/bench.py, never
committed): values far apart (write_far_apart_xlsx/_ods), empty styled cells far away
(styled_far_sheet), style bloat (write_styles_bloat), a workbook placed elsewhere
(relocate_workbook), an Excel 4 worksheet (biff4_bytes), rows up to the limit
(write_rows_near_limit), a large shared-string table (write_big_shared_strings).
"""

from __future__ import annotations

import argparse
import io
import random
import struct
import sys
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path

import openpyxl

HOSTILE_DIR = Path(__file__).resolve().parent / "hostile"

SMALL_EXPECTED = {
    "not_a_spreadsheet.xlsx": "not_spreadsheet",
    "empty.xlsx": "not_spreadsheet",
    "corrupt.xlsx": "corrupt",
    "encrypted.xlsx": "encrypted",
    "legacy.xls": "unsupported_format",
    "macro.xlsx": "macro",
    "xml_bomb.xlsx": "xml_bomb",
    "lying_sizes.xlsx": "zip_bomb",
}
LARGE_EXPECTED = {
    "zip_bomb.xlsx": "zip_bomb",
    "million_rows.xlsx": "too_large",
    "million_rows_forged_dimension.xlsx": "too_large",
    "rows_without_refs.xlsx": "too_large",
    "total_size_bomb.xlsx": "zip_bomb",
    "too_many_members.xlsx": "zip_bomb",
}

FIXED_TIME = (2024, 1, 1, 0, 0, 0)  # members get a fixed date: regenerating gives the same bytes

# --- minimal .xlsx parts (what calamine needs, nothing else) --------------------------------------

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{PKG_REL_NS}">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{PKG_REL_NS}">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    '<Relationship Id="rId2" Target="sharedStrings.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    "</Relationships>"
)
SHEET_HEAD = f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{MAIN_NS}">'
ONE_CELL_SHEET = (
    SHEET_HEAD + '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
)
SHARED_STRINGS = f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{MAIN_NS}"><si><t>hello</t></si></sst>'
# lol9 expands to 10**9 "lol": ten entities, each ten copies of the previous one
_LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [<!ENTITY lol0 "lol">'
    + _LAUGHS
    + f']>\n<sst xmlns="{MAIN_NS}"><si><t>&lol9;</t></si></sst>'
)


def minimal_xlsx_parts(sheet: str = ONE_CELL_SHEET, shared_strings: str = SHARED_STRINGS) -> dict[str, str]:
    return {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": shared_strings,
    }


def write_zip(path: Path, parts: Mapping[str, bytes | str]) -> None:
    """Write members in order, deflated, with a fixed date (mimetype, if first, is stored)."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            zf.writestr(info, data)


# --- normal workbooks (also used by the tests) ------------------------------------------------------


def normal_xlsx_bytes() -> bytes:
    """A small ordinary openpyxl workbook (about 5 KB)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Data"
    ws.append(["Organisation", "Participants", "Date"])
    for i in range(20):
        ws.append([f"Partner {i}", i * 3, f"2024-01-{i + 1:02d}"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_normal_xlsx(path: Path) -> Path:
    path.write_bytes(normal_xlsx_bytes())
    return path


def write_macro_xlsx(path: Path, *, vba_member: bool = True, macro_content_type: bool = True) -> Path:
    """An openpyxl workbook turned into an .xlsm by content, whatever `path` is called."""
    with zipfile.ZipFile(io.BytesIO(normal_xlsx_bytes())) as src:
        parts: dict[str, bytes | str] = {name: src.read(name) for name in src.namelist()}
        types = src.read("[Content_Types].xml").decode()
        rels = src.read("xl/_rels/workbook.xml.rels").decode()
    if macro_content_type:
        types = types.replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
    if vba_member:
        types = types.replace(
            "<Default ",
            '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Default ',
            1,
        )
        parts["xl/vbaProject.bin"] = cfb_bytes({"PROJECT": b'ID="{00000000}"\r\nModule=Module1\r\n'})
        parts["xl/_rels/workbook.xml.rels"] = rels.replace(
            "</Relationships>",
            '<Relationship Id="rIdVba" Target="vbaProject.bin" '
            'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"/></Relationships>',
        )
    parts["[Content_Types].xml"] = types
    write_zip(path, parts)
    return path


def write_ods(
    path: Path, content_rows: str | None = None, extra: dict[str, bytes | str] | None = None
) -> Path:
    """A minimal .ods written with zipfile: mimetype stored first, manifest, one table.

    The default table ends the way LibreOffice writes it: repeated empty columns on each row
    and 1,048,573 repeated empty rows, which must not count as content.
    """
    if content_rows is None:
        content_rows = (
            '<table:table-row><table:table-cell office:value-type="string"><text:p>Organisation</text:p>'
            '</table:table-cell><table:table-cell table:number-columns-repeated="16383"/></table:table-row>'
            '<table:table-row><table:table-cell office:value-type="float" office:value="42">'
            "<text:p>42</text:p>"
            '</table:table-cell><table:table-cell table:number-columns-repeated="16383"/></table:table-row>'
            '<table:table-row table:number-rows-repeated="1048574">'
            '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
        )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
        '<office:body><office:spreadsheet><table:table table:name="Data">'
        '<table:table-column table:number-columns-repeated="16384"/>'
        f"{content_rows}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    parts: dict[str, bytes | str] = {
        "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
        "META-INF/manifest.xml": manifest,
        "content.xml": content,
    }
    parts.update(extra or {})
    write_zip(path, parts)
    return path


# --- OLE compound files (MS-CFB, version 3, 512-byte sectors) -----------------------------------------

_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_SECTOR = 512
_MINI_CUTOFF = 4096


def cfb_bytes(streams: dict[str, bytes]) -> bytes:
    """A minimal valid compound file holding `streams` in the root storage.

    Each stream is padded to the 4096-byte mini-stream cutoff so it lives in ordinary
    sectors and no mini FAT is needed. One FAT sector (128 entries) is plenty here.
    """
    datas = [data.ljust(_MINI_CUTOFF, b"\0") for data in streams.values()]
    entries = 1 + len(streams)
    dir_sectors = -(-entries // 4)
    fat: list[int] = [_FATSECT, *range(2, dir_sectors + 1), _END]
    starts: list[int] = []
    for data in datas:
        count = len(data) // _SECTOR
        first = len(fat)
        starts.append(first)
        fat += [*range(first + 1, first + count), _END]
    if len(fat) > _SECTOR // 4:
        raise ValueError("streams too large for a one-sector FAT")
    fat += [_FREE] * (_SECTOR // 4 - len(fat))

    directory = _dir_entry("Root Entry", 5, child=1, start=_END, size=0)
    for i, (name, data) in enumerate(zip(streams, datas, strict=True)):
        right = i + 2 if i + 2 < entries else _NOSTREAM  # a right-leaning chain: valid, if unbalanced
        directory += _dir_entry(name, 2, right=right, start=starts[i], size=len(data))
    directory = directory.ljust(dir_sectors * _SECTOR, b"\0")

    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\0" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        1,
        1,
        0,
        _MINI_CUTOFF,
        _END,
        0,
        _END,
        0,
    )
    header += struct.pack("<I", 0) + struct.pack("<I", _FREE) * 108  # DIFAT: FAT is sector 0
    return header + struct.pack(f"<{_SECTOR // 4}I", *fat) + directory + b"".join(datas)


def _dir_entry(
    name: str, kind: int, *, child: int = _NOSTREAM, right: int = _NOSTREAM, start: int, size: int
) -> bytes:
    raw = (name + "\0").encode("utf-16-le")
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        raw,
        len(raw),
        kind,
        1,
        _NOSTREAM,
        right,
        child,
        b"\0" * 16,
        0,
        0,
        0,
        start,
        size,
    )


# --- the corpus -----------------------------------------------------------------------------------------


def build_small(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "not_a_spreadsheet.xlsx"
    out.write_text("Organisation,Participants\nFood bank,12\n", encoding="utf-8")
    (folder / "empty.xlsx").write_bytes(b"")
    whole = normal_xlsx_bytes()
    (folder / "corrupt.xlsx").write_bytes(whole[: len(whole) // 2])
    agile = b'<?xml version="1.0"?><encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"/>'
    (folder / "encrypted.xlsx").write_bytes(
        cfb_bytes(
            {
                "EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + agile,
                "EncryptedPackage": struct.pack("<Q", 5000) + bytes(range(256)) * 12,
            }
        )
    )
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0, 0, 0, 0)
    (folder / "legacy.xls").write_bytes(cfb_bytes({"Workbook": bof + struct.pack("<HH", 0x000A, 0)}))
    write_macro_xlsx(folder / "macro.xlsx")
    write_zip(folder / "xml_bomb.xlsx", minimal_xlsx_parts(shared_strings=BILLION_LAUGHS))
    write_lying_sizes(folder / "lying_sizes.xlsx")
    return [folder / name for name in SMALL_EXPECTED]


def write_lying_sizes(path: Path) -> Path:
    """A 2 MB worksheet whose local and central headers both claim 1,000 bytes (CRC left as is)."""
    sheet = SHEET_HEAD + "<sheetData>" + " " * (2 * 1024 * 1024) + "</sheetData></worksheet>"
    write_zip(path, minimal_xlsx_parts(sheet=sheet))
    data = bytearray(path.read_bytes())
    real = struct.pack("<I", len(sheet))
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        pos = data.find(signature)
        while pos >= 0:
            if data[pos + name_offset : pos + name_offset + len(name)] == name:
                assert data[pos + size_offset : pos + size_offset + 4] == real
                data[pos + size_offset : pos + size_offset + 4] = struct.pack("<I", 1000)
            pos = data.find(signature, pos + 4)
    path.write_bytes(bytes(data))
    return path


def build_large(folder: Path, rows: int = 1_000_000) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    write_zip_bomb(folder / "zip_bomb.xlsx")
    write_many_rows(
        {folder / "million_rows.xlsx": f"A1:B{rows}", folder / "million_rows_forged_dimension.xlsx": "A1:B2"},
        rows,
    )
    write_many_rows({folder / "rows_without_refs.xlsx": None}, 100_001, refs=False)
    write_total_size_bomb(folder / "total_size_bomb.xlsx")
    write_too_many_members(folder / "too_many_members.xlsx")
    return [folder / name for name in LARGE_EXPECTED]


# A member given as (CRC, uncompressed size, raw deflate chunks), to write zips by hand.
RawMember = tuple[int, int, list[bytes]]


def write_many_rows(dimensions: Mapping[Path, str | None], rows: int, *, refs: bool = True) -> None:
    """Write one workbook per path whose sheet holds `rows` real rows, under the given <dimension>.

    Rows are generated and deflated in batches (streaming); the compressed rows are shared by
    all paths, only the head (with the dimension) differs, since each segment ends with a full flush.
    """
    heads = {
        path: (SHEET_HEAD + ("" if dim is None else f'<dimension ref="{dim}"/>') + "<sheetData>").encode()
        for path, dim in dimensions.items()
    }
    crcs = {path: zlib.crc32(head) for path, head in heads.items()}
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    body: list[bytes] = []
    size = 0
    for first in range(1, rows + 1, 10_000):
        batch = range(first, min(first + 10_000, rows + 1))
        if refs:
            text = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in batch)
        else:
            text = "".join(f"<row><c><v>{r}</v></c></row>" for r in batch)
        data = text.encode()
        size += len(data)
        crcs = {path: zlib.crc32(data, crc) for path, crc in crcs.items()}
        body.append(compressor.compress(data))
    body.append(compressor.flush(zlib.Z_FULL_FLUSH))
    tail = b"</sheetData></worksheet>"
    z_tail = _deflate(tail)
    for path, head in heads.items():
        sheet = (zlib.crc32(tail, crcs[path]), len(head) + size + len(tail), [_flushed(head), *body, z_tail])
        _write_raw_zip(path, _raw_parts(sheet))


def write_zip_bomb(path: Path, megabytes: int = 500) -> Path:
    """A worksheet padded with `megabytes` MB of spaces (valid XML), deflated to ~1 KB per MB.

    After a full flush a deflate stream no longer refers back, so one compressed megabyte
    can be repeated: the file is built in a fraction of a second instead of compressing 500 MB.
    """
    head = f"{SHEET_HEAD}<sheetData>".encode()
    tail = b"</sheetData></worksheet>"
    block = b" " * (1024 * 1024)
    crc = zlib.crc32(head)
    for _ in range(megabytes):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + megabytes * len(block) + len(tail)
    chunks = [_flushed(head), *[_flushed(block)] * megabytes, _deflate(tail)]
    _write_raw_zip(path, _raw_parts((crc, size, chunks)))
    return path


def write_total_size_bomb(path: Path, members: int = 120) -> Path:
    block = b" " * (1024 * 1024)
    parts = _raw_parts(_raw(ONE_CELL_SHEET.encode()))
    padding = (zlib.crc32(block), len(block), [_deflate(block)])
    parts.update({f"xl/media/padding{i}.bin": padding for i in range(members)})
    _write_raw_zip(path, parts)
    return path


def write_too_many_members(path: Path, members: int = 10_001) -> Path:
    parts: dict[str, RawMember] = _raw_parts(_raw(ONE_CELL_SHEET.encode()))
    parts.update({f"xl/media/empty{i}.bin": _raw(b"") for i in range(members - len(parts))})
    _write_raw_zip(path, parts)
    return path


def _raw(data: bytes) -> RawMember:
    return zlib.crc32(data), len(data), [_deflate(data)]


def _raw_parts(sheet: RawMember) -> dict[str, RawMember]:
    parts: dict[str, RawMember] = {}
    for name, text in minimal_xlsx_parts().items():
        data = text.encode()
        parts[name] = sheet if name == "xl/worksheets/sheet1.xml" else _raw(data)
    return parts


def _flushed(data: bytes) -> bytes:
    """A deflate segment that ends byte-aligned and refers to nothing before or after it."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _write_raw_zip(path: Path, members: Mapping[str, RawMember]) -> None:
    with open(path, "wb") as fh:
        central = b""
        for name, (crc, size, chunks) in members.items():
            central += _write_member(fh, name, crc, size, chunks, fh.tell())
        start = fh.tell()
        fh.write(central)
        count = len(members)
        fh.write(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, count, count, len(central), start, 0))


def _write_member(
    fh: io.BufferedWriter, name: str, crc: int, size: int, chunks: list[bytes], offset: int
) -> bytes:
    """Write one deflated member's local header and data; return its central directory record."""
    raw_name = name.encode()
    csize = sum(len(c) for c in chunks)
    dos_time, dos_date = 0, (2024 - 1980) << 9 | 1 << 5 | 1
    fixed = struct.pack("<HHHHHIII", 20, 0, 8, dos_time, dos_date, crc, csize, size)
    fh.write(b"PK\x03\x04" + fixed + struct.pack("<HH", len(raw_name), 0) + raw_name)
    for chunk in chunks:
        fh.write(chunk)
    return (
        b"PK\x01\x02"
        + struct.pack("<H", 20)
        + fixed
        + struct.pack("<HHHHHII", len(raw_name), 0, 0, 0, 0, 0, offset)
        + raw_name
    )


# --- legitimate oddities: real producers write these; none may be refused ---------------------------

STYLES_HEAD = f'<?xml version="1.0" encoding="UTF-8"?>\n<styleSheet xmlns="{MAIN_NS}">'


def far_apart_sheet(far: str = "ALL100000") -> str:
    """Two values, at A1 and at `far`: a 100-million-cell grid for a dense reader."""
    row = far.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return (
        f'{SHEET_HEAD}<dimension ref="A1:{far}"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        f'<row r="{row}"><c r="{far}"><v>42</v></c></row></sheetData></worksheet>'
    )


def write_far_apart_xlsx(path: Path, far: str = "ALL100000") -> Path:
    write_zip(path, minimal_xlsx_parts(sheet=far_apart_sheet(far)))
    return path


def write_far_apart_ods(path: Path, rows: int = 99_999, columns: int = 999) -> Path:
    """ "hello" at A1 and 42 at row rows+1, column columns+1, with LibreOffice's repeats between."""
    cell = (
        '<table:table-cell office:value-type="float" office:value="42"><text:p>42</text:p></table:table-cell>'
    )
    content = (
        '<table:table-row><table:table-cell office:value-type="string"><text:p>hello</text:p>'
        "</table:table-cell></table:table-row>"
        f'<table:table-row table:number-rows-repeated="{rows - 1}"><table:table-cell/></table:table-row>'
        f'<table:table-row><table:table-cell table:number-columns-repeated="{columns}"/>{cell}'
        "</table:table-row>"
    )
    return write_ods(path, content)


def styled_far_sheet() -> str:
    """One value, and the empty styled cells and rows a formatted whole column and row leave."""
    return (
        f'{SHEET_HEAD}<dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="XFD1" s="1"/></row>'
        '<row r="500000" s="1" customFormat="1"><c r="B500000" s="1"/></row>'
        '<row r="1048576" s="1" customFormat="1"/></sheetData></worksheet>'
    )


def bloated_styles(count: int) -> str:
    """`count` identical cell formats: Excel's known style bloat (copying between workbooks)."""
    xf = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    return (
        f'{STYLES_HEAD}<fonts count="1"><font><sz val="11"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        f'<cellStyleXfs count="1">{xf}</cellStyleXfs><cellXfs count="{count}">{xf * count}</cellXfs>'
        f'<cellStyles count="{count // 100}">'
        + "".join(f'<cellStyle name="Normal {i}" xfId="0"/>' for i in range(count // 100))
        + "</cellStyles></styleSheet>"
    )


def write_styles_bloat(path: Path, count: int = 60_000) -> Path:
    parts: dict[str, bytes | str] = dict(minimal_xlsx_parts())
    parts["xl/styles.xml"] = bloated_styles(count)
    write_zip(path, parts)
    return path


def write_big_shared_strings(path: Path, strings: int = 50_000, length: int = 300) -> Path:
    """Many long distinct strings (text that compresses like prose, not like padding), all used."""
    rng = random.Random(8)
    words = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyzéèà") for _ in range(rng.randint(2, 9)))
        for _ in range(3000)
    ]
    items = []
    for _ in range(strings):
        text = ""
        while len(text) < length:
            text += rng.choice(words) + " "
        items.append(f"<si><t>{text.strip()}</t></si>")
    shared = f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{MAIN_NS}">' + "".join(items) + "</sst>"
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="s"><v>{i - 1}</v></c></row>' for i in range(1, strings + 1))
    write_zip(
        path,
        minimal_xlsx_parts(
            sheet=f"{SHEET_HEAD}<sheetData>{rows}</sheetData></worksheet>", shared_strings=shared
        ),
    )
    return path


def write_rows_near_limit(path: Path, rows: int = 100_000, columns: int = 8) -> Path:
    """`rows` rows of `columns` numbers each: as large as a copy may be."""
    letters = [chr(65 + i) for i in range(columns)]
    body = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in letters) + "</row>"
        for r in range(1, rows + 1)
    )
    write_zip(path, minimal_xlsx_parts(sheet=f"{SHEET_HEAD}<sheetData>{body}</sheetData></worksheet>"))
    return path


def relocate_workbook(parts: Mapping[str, bytes | str], folder: str = "book") -> dict[str, bytes | str]:
    """The same package with the workbook under `folder`/, found only through _rels/.rels."""
    moved: dict[str, bytes | str] = {}
    for name, data in parts.items():
        text = data.decode() if isinstance(data, bytes) else data
        if name.startswith("xl/"):
            name = folder + name[2:]
        moved[name] = text.replace("/xl/", f"/{folder}/").replace('Target="xl/', f'Target="{folder}/')
    return moved


def biff4_bytes() -> bytes:
    """An Excel 4.0 worksheet: a bare BIFF4 record stream (BOF, one number, EOF), not an OLE file."""
    bof = struct.pack("<HHHHH", 0x0409, 6, 0x0400, 0x0010, 0)
    number = struct.pack("<HHHHHd", 0x0203, 14, 0, 0, 0, 42.0)
    eof = struct.pack("<HH", 0x000A, 0)
    return bof + number + eof


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", nargs="?", type=Path, default=HOSTILE_DIR)
    parser.add_argument("--large", action="store_true", help="also write the large files")
    args = parser.parse_args(argv)
    written = build_small(args.folder)
    if args.large:
        written += build_large(args.folder)
    for path in written:
        print(f"{path}  {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
