"""screen_file: every hostile file gets its stable code, normal workbooks pass, content beats names."""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import python_calamine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.data import make_hostile
from toolkit.backends.files import read_file
from toolkit.cells import column_letter
from toolkit.errors import SourceError
from toolkit.screening import MAX_COLUMNS, MAX_ROWS, _Zip, screen, screen_file

HOSTILE_DIR = Path(__file__).parent / "data" / "hostile"
CORPUS_FILES = Path(__file__).parent / "data" / "corpus" / "files"
CORPUS = sorted({**make_hostile.SMALL_EXPECTED, **make_hostile.LARGE_EXPECTED}.items())


@pytest.fixture(scope="session")
def large_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The large files are never committed: the script writes them (small on disk) per session."""
    folder = tmp_path_factory.mktemp("hostile_large")
    make_hostile.build_large(folder)
    return folder


def code_of(path: Path) -> str:
    with pytest.raises(SourceError) as caught:
        screen_file(path)
    error = caught.value
    assert error.source == str(path)
    assert error.detail  # a short English fact for the logs
    return error.code


@pytest.mark.parametrize(("name", "code"), CORPUS, ids=[name for name, _ in CORPUS])
def test_hostile_corpus(name: str, code: str, request: pytest.FixtureRequest) -> None:
    large = name in make_hostile.LARGE_EXPECTED
    folder: Path = request.getfixturevalue("large_dir") if large else HOSTILE_DIR
    assert code_of(folder / name) == code


def test_committed_corpus_is_the_small_set_and_tiny() -> None:
    committed = {p.name: p.stat().st_size for p in HOSTILE_DIR.iterdir()}
    assert set(committed) == set(make_hostile.SMALL_EXPECTED)
    assert max(committed.values()) < 50_000


def test_script_regenerates_the_small_set(tmp_path: Path) -> None:
    written = make_hostile.build_small(tmp_path)
    assert sorted(p.name for p in written) == sorted(make_hostile.SMALL_EXPECTED)
    for path in written:
        assert code_of(path) == make_hostile.SMALL_EXPECTED[path.name]


# --- normal files pass ------------------------------------------------------------------------------


def test_normal_xlsx_passes_and_calamine_reads_it(tmp_path: Path) -> None:
    path = make_hostile.write_normal_xlsx(tmp_path / "partner.xlsx")
    assert screen_file(path) == "xlsx"
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["Organisation", "Participants", "Date"]


def test_normal_ods_with_libreoffice_padding_passes(tmp_path: Path) -> None:
    # 1,048,574 repeated empty rows and 16,383 repeated empty cells per row: not content
    path = make_hostile.write_ods(tmp_path / "partner.ods")
    assert screen_file(path) == "ods"
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[:2] == [["Organisation"], [42.0]]


def test_content_wins_over_the_name(tmp_path: Path) -> None:
    xlsx_named_ods = make_hostile.write_normal_xlsx(tmp_path / "partner.ods")
    assert screen_file(xlsx_named_ods) == "xlsx"
    ods_named_xlsx = make_hostile.write_ods(tmp_path / "partner.xlsx")
    assert screen_file(ods_named_xlsx) == "ods"


# --- missing and odd paths ----------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    assert code_of(tmp_path / "nowhere.xlsx") == "not_found"


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    assert code_of(tmp_path) == "not_found"


# --- macros are found by content ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["macro.xlsx", "macro.zip", "macro", "macro.ods"])
def test_macro_whatever_the_name(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    shutil.copy(HOSTILE_DIR / "macro.xlsx", path)
    assert code_of(path) == "macro"


@pytest.mark.parametrize(("vba", "content_type"), [(True, False), (False, True)])
def test_macro_by_either_sign(tmp_path: Path, vba: bool, content_type: bool) -> None:
    path = make_hostile.write_macro_xlsx(
        tmp_path / "book.xlsx", vba_member=vba, macro_content_type=content_type
    )
    assert code_of(path) == "macro"


def test_ods_basic_library_is_a_macro(tmp_path: Path) -> None:
    module = '<?xml version="1.0"?><module name="Module1">Sub Main\nEnd Sub</module>'
    path = make_hostile.write_ods(tmp_path / "book.ods", extra={"Basic/Standard/Module1.xml": module})
    assert code_of(path) == "macro"


def test_ods_event_listener_is_a_macro(tmp_path: Path) -> None:
    rows = (
        '<table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p>'
        '<script:event-listener xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
        'script:event-name="dom:click"/></table:table-cell></table:table-row>'
    )
    assert code_of(make_hostile.write_ods(tmp_path / "book.ods", rows)) == "macro"


def test_ods_encrypted_by_manifest(tmp_path: Path) -> None:
    manifest = (
        '<?xml version="1.0"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/>'
        "</manifest:file-entry></manifest:manifest>"
    )
    path = make_hostile.write_ods(tmp_path / "book.ods", extra={"META-INF/manifest.xml": manifest})
    assert code_of(path) == "encrypted"


# --- sizes: rows, columns, forged headers ------------------------------------------------------------


def xlsx_with_sheet(path: Path, body: str, dimension: str = "A1:B2") -> Path:
    sheet = (
        f'{make_hostile.SHEET_HEAD}<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'
    )
    make_hostile.write_zip(path, make_hostile.minimal_xlsx_parts(sheet=sheet))
    return path


@pytest.mark.parametrize(
    "body",
    [
        '<row r="1"><c r="XFD1"><v>1</v></c></row>',  # one far column
        '<row r="1"><c r="A1048576"><v>1</v></c></row>',  # one far row, honest-looking row r
        "<row r=\"1\">\n<c\tr = 'XFD1'><v>1</v></c></row>",  # odd spelling: expat decides
        '<row r="1"><c r="ALL1"/>' + "<c><v>1</v></c>" * (MAX_COLUMNS + 1) + "</row>",  # cells by position
    ],
    ids=["far_column", "far_row", "odd_spelling", "cells_without_r"],
)
def test_far_cells_under_a_small_dimension(tmp_path: Path, body: str) -> None:
    assert code_of(xlsx_with_sheet(tmp_path / "book.xlsx", body)) == "too_large"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(st.integers(1, 1500), st.integers(1, 702), st.booleans()), min_size=1, max_size=8),
    st.sampled_from(["", "\n", "\t"]),
)
def test_the_extent_screening_takes_holds_every_cell(
    tmp_path: Path, cells: list[tuple[int, int, bool]], space: str
) -> None:
    """Screening sizes the grid calamine will build from the cells' references. A sheet whose
    references all stay below row 1,000 is given 999 x 702 (every column two letters name) without
    finding each cell: the extent taken must still hold every cell, exactly once a row passes 999."""
    rows: dict[int, list[str]] = {}
    for row, column, filled in sorted(set(cells)):
        ref = f"{column_letter(column)}{row}"
        rows.setdefault(row, []).append(
            f'<c{space or " "}r="{ref}"><v>1</v></c>' if filled else f'<c r="{ref}"/>'
        )
    body = "".join(f'<row r="{r}">{"".join(found)}</row>' for r, found in rows.items())
    path = xlsx_with_sheet(tmp_path / "book.xlsx", body)
    found = screen(path)
    last_row = max(row for row, _, _ in cells)
    last_column = max(column for _, column, _ in cells)
    assert found.grid_cells >= last_row * last_column
    if last_row >= 1000 or not any(filled for _, _, filled in cells):
        assert found.grid_cells == last_row * last_column  # each cell found: the exact extent
    else:
        assert found.grid_cells == 999 * 702
    values = read_values(path)["Data"]
    assert set(values) == {(row, column) for row, column, filled in cells if filled}


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="A1"r="ZZ99999">',  # straight after the quote: calamine reads it
        '<c r="A1" s="0"r="ZZ99999">',
        '<c r="A1"\tr="ZZ99999">',
        '<c r="A1" r="ZZ99999">',
        "<c r='A1' r='ZZ99999'>",
        '<c r="A1" r = "ZZ99999">',
    ],
    ids=["no_space", "after_another", "tab", "space", "single_quotes", "spaced"],
)
def test_a_cells_second_reference_sizes_the_grid(tmp_path: Path, cell: str) -> None:
    """calamine places a cell by the last r= it holds, even one written straight after the quote
    before it: screening must size the grid by that one (a grid sized by the first would let calamine
    build 70 million cells), and the copy is refused as damaged."""
    path = xlsx_with_sheet(tmp_path / "book.xlsx", f'<row r="1">{cell}<v>1</v></c></row>')
    try:
        found = screen(path)
    except SourceError as exc:
        assert exc.code == "corrupt"
    else:
        assert found.grid_cells >= 99_999 * 702
    with pytest.raises(SourceError) as caught:
        read_file(path)
    assert caught.value.code == "corrupt"


@pytest.mark.parametrize("dimension", ["A1:B200000", "A1:XFD1048576"])
def test_dimension_alone_is_no_problem(tmp_path: Path, dimension: str) -> None:
    # Gnumeric writes A1:XFD1048576; readers size nothing from it
    path = xlsx_with_sheet(tmp_path / "book.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>', dimension)
    assert screen_file(path) == "xlsx"


def test_limits_themselves_pass(tmp_path: Path) -> None:
    body = f'<row r="{MAX_ROWS}"><c r="ALL{MAX_ROWS}"><v>1</v></c></row>'
    assert screen_file(xlsx_with_sheet(tmp_path / "book.xlsx", body, f"A1:ALL{MAX_ROWS}")) == "xlsx"


def test_utf16_doctype_is_seen(tmp_path: Path) -> None:
    bomb = make_hostile.BILLION_LAUGHS.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    parts: dict[str, bytes | str] = dict(make_hostile.minimal_xlsx_parts())
    parts["xl/sharedStrings.xml"] = bomb
    make_hostile.write_zip(tmp_path / "book.xlsx", parts)
    assert code_of(tmp_path / "book.xlsx") == "xml_bomb"


ODS_CONTENT_CELL = (
    '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
)


@pytest.mark.parametrize(
    "rows",
    [
        f'<table:table-row table:number-rows-repeated="{MAX_ROWS + 1}">{ODS_CONTENT_CELL}</table:table-row>',
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row>'
        f"<table:table-row>{ODS_CONTENT_CELL}</table:table-row>",
        f'<table:table-row><table:table-cell table:number-columns-repeated="{MAX_COLUMNS}"/>'
        f"{ODS_CONTENT_CELL}</table:table-row>",
        '<table:table-row><table:table-cell office:value-type="float" office:value="1" '
        'table:number-columns-repeated="5000"/></table:table-row>',
    ],
    ids=["repeated_content_rows", "content_after_padding", "content_past_column_limit", "repeated_content"],
)
def test_ods_too_large(tmp_path: Path, rows: str) -> None:
    assert code_of(make_hostile.write_ods(tmp_path / "book.ods", rows)) == "too_large"


# --- containers -----------------------------------------------------------------------------------------


def test_other_opendocument_is_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "letter.ods"
    make_hostile.write_zip(
        path, {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<a/>"}
    )
    assert code_of(path) == "not_spreadsheet"


def test_zip_without_workbook_parts_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    make_hostile.write_zip(path, {"readme.txt": "hello"})
    assert code_of(path) == "corrupt"


def test_polyglot_xlsx_and_ods_is_corrupt(tmp_path: Path) -> None:
    parts: dict[str, bytes | str] = {
        "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
        **make_hostile.minimal_xlsx_parts(),
    }
    make_hostile.write_zip(tmp_path / "both.xlsx", parts)
    assert code_of(tmp_path / "both.xlsx") == "corrupt"


# --- legitimate oddities of real producers: screened as harmless, then read ---------------------------


def read_values(path: Path) -> dict[str, dict[tuple[int, int], object]]:
    return {sheet.name: dict(sheet.cells) for sheet in read_file(path).sheets}


def test_empty_member_of_openoffice_is_no_damage(tmp_path: Path) -> None:
    # Apache OpenOffice 4 and LibreOffice 5 leave this 0-byte member in every .ods
    path = make_hostile.write_ods(
        tmp_path / "book.ods", extra={"Configurations2/accelerator/current.xml": ""}
    )
    assert screen_file(path) == "ods"
    assert read_values(path)["Data"] == {(1, 1): "Organisation", (2, 1): 42.0}


def test_empty_styled_cells_far_away_are_no_size(tmp_path: Path) -> None:
    # a whole column and a whole row formatted: empty styled cells at XFD1 and row 1,048,576
    path = tmp_path / "book.xlsx"
    make_hostile.write_zip(path, make_hostile.minimal_xlsx_parts(sheet=make_hostile.styled_far_sheet()))
    assert screen_file(path) == "xlsx"
    assert read_values(path) == {"Data": {(1, 1): "hello"}}


def test_backslash_member_names_are_read(tmp_path: Path) -> None:
    parts = {name.replace("/", "\\"): data for name, data in make_hostile.minimal_xlsx_parts().items()}
    make_hostile.write_zip(tmp_path / "book.xlsx", parts)
    assert read_values(tmp_path / "book.xlsx") == {"Data": {(1, 1): "hello"}}


@pytest.mark.parametrize("name", ["docProps/extra.xml", "xl/données.xml", "xl/\u00e9t\u00e9.xml"])
@pytest.mark.parametrize("local_flag", [True, False])
def test_a_part_is_kept_for_the_readers_only_when_zipfile_opens_it(
    tmp_path: Path, name: str, local_flag: bool
) -> None:
    """A member whose local header names it otherwise than the directory (the UTF-8 flag cleared on
    a non-ASCII name reads as cp437) is one Python's zipfile refuses: screening must not hand its
    bytes to the readers, which would then read what zipfile cannot. An ASCII name reads the same."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for part, data in make_hostile.minimal_xlsx_parts().items():
            z.writestr(part, data)
        z.writestr(name, "<extra/>")
    data = bytearray(buffer.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(name)
    flags_at = info.header_offset + 6
    flags = int.from_bytes(data[flags_at : flags_at + 2], "little")
    flags = flags | 0x800 if local_flag else flags & ~0x800  # only the local header's flag changes
    data[flags_at : flags_at + 2] = flags.to_bytes(2, "little")
    path = tmp_path / "book.xlsx"
    path.write_bytes(bytes(data))
    try:
        with zipfile.ZipFile(path) as z:
            opens = z.read(name) == b"<extra/>"
    except zipfile.BadZipFile:
        opens = False
    assert opens == (name.isascii() or local_flag)  # the cases cover both answers
    assert (name in screen(path, bytes(data)).parts) == opens


def test_macos_resource_forks_are_ignored(tmp_path: Path) -> None:
    apple_double = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + bytes(64)  # binary, named .xml
    parts: dict[str, bytes | str] = dict(make_hostile.minimal_xlsx_parts())
    parts["__MACOSX/xl/._workbook.xml"] = apple_double
    parts["__MACOSX/xl/worksheets/._sheet1.xml"] = apple_double
    make_hostile.write_zip(tmp_path / "book.xlsx", parts)
    assert read_values(tmp_path / "book.xlsx") == {"Data": {(1, 1): "hello"}}


def test_workbook_found_through_package_relationships(tmp_path: Path) -> None:
    parts = make_hostile.relocate_workbook(make_hostile.minimal_xlsx_parts())
    assert "book/workbook.xml" in parts and "xl/workbook.xml" not in parts
    make_hostile.write_zip(tmp_path / "book.xlsx", parts)
    assert read_values(tmp_path / "book.xlsx") == {"Data": {(1, 1): "hello"}}


def test_style_bloat_is_not_a_bomb(tmp_path: Path) -> None:
    path = make_hostile.write_styles_bloat(tmp_path / "book.xlsx", count=60_000)
    assert screen_file(path) == "xlsx"
    assert read_values(path) == {"Data": {(1, 1): "hello"}}


def test_crc_mismatch_is_damage_not_a_bomb(tmp_path: Path) -> None:
    path = make_hostile.write_normal_xlsx(tmp_path / "book.xlsx")
    data = bytearray(path.read_bytes())
    central = data.find(b"PK\x01\x02")  # the first member's central record: flip its CRC
    data[central + 16] ^= 0xFF
    local = data.find(b"PK\x03\x04")
    data[local + 14] ^= 0xFF
    path.write_bytes(bytes(data))
    assert code_of(path) == "corrupt"


def test_small_size_mismatch_is_damage_not_a_bomb(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    make_hostile.write_zip(path, make_hostile.minimal_xlsx_parts())
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    real = len(make_hostile.ONE_CELL_SHEET)
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        pos = data.find(signature)
        while pos >= 0:
            if data[pos + name_offset : pos + name_offset + len(name)] == name:
                data[pos + size_offset : pos + size_offset + 4] = (real - 10).to_bytes(4, "little")
            pos = data.find(signature, pos + 4)
    path.write_bytes(bytes(data))
    assert code_of(path) == "corrupt"


def test_biff4_xls_is_a_legacy_format(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(make_hostile.biff4_bytes())
    assert code_of(path) == "unsupported_format"


def test_macro_type_for_an_absent_extension_is_no_macro(tmp_path: Path) -> None:
    # SheetJS declares a macro content type for ".bin" in every file it writes
    default = (
        '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
    )
    parts: dict[str, bytes | str] = dict(make_hostile.minimal_xlsx_parts())
    parts["[Content_Types].xml"] = str(parts["[Content_Types].xml"]).replace(
        "<Default ", default + "<Default ", 1
    )
    make_hostile.write_zip(tmp_path / "book.xlsx", parts)
    assert screen_file(tmp_path / "book.xlsx") == "xlsx"
    parts["xl/vbaProject.bin"] = b"\x00" * 16  # the same declaration with a .bin member: macros
    make_hostile.write_zip(tmp_path / "macro.xlsx", parts)
    assert code_of(tmp_path / "macro.xlsx") == "macro"


def test_text_between_cells_is_read_though_calamine_refuses(tmp_path: Path) -> None:
    # KOffice indents its XML: calamine stops at the whitespace between cells, the XML reader does not
    rows = (
        '<table:table-row>\n  <table:table-cell office:value-type="float" office:value="3">'
        "<text:p>3</text:p></table:table-cell>\n  </table:table-row>"
    )
    path = make_hostile.write_ods(tmp_path / "kspread.ods", rows)
    assert read_values(path) == {"Data": {(1, 1): 3.0}}


def test_values_beyond_the_limits_stay_too_large(tmp_path: Path) -> None:
    body = '<row r="1"><c r="A1"><v>1</v></c><c r="AMA1"><v>2</v></c></row>'  # column 1,001
    assert code_of(xlsx_with_sheet(tmp_path / "wide.xlsx", body)) == "too_large"
    body = '<row r="100001"><c r="A100001"><v>1</v></c></row>'
    assert code_of(xlsx_with_sheet(tmp_path / "long.xlsx", body)) == "too_large"


# --- memory: bounded by the cells that hold a value, never by the grid's area ------------------------


@pytest.mark.parametrize("writer", ["xlsx", "ods"])
def test_far_apart_values_are_read_sparsely(tmp_path: Path, writer: str) -> None:
    if writer == "xlsx":
        path = make_hostile.write_far_apart_xlsx(tmp_path / "far.xlsx")
    else:
        path = make_hostile.write_far_apart_ods(tmp_path / "far.ods")
    assert screen(path).grid_cells == MAX_ROWS * MAX_COLUMNS  # what calamine would allocate
    assert read_values(path) == {"Data": {(1, 1): "hello", (MAX_ROWS, MAX_COLUMNS): 42.0}}


PEAK_RSS_SCRIPT = """
import resource, sys
from toolkit.pull import pull
result = pull(sys.argv[1])
assert not result.submissions and [e.code for e in result.errors] == ["foreign_template"], result.errors
try:  # this process's own peak: ru_maxrss also counts the parent's RSS at fork on Linux
    with open("/proc/self/status") as status:
        print(next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")))
except OSError:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_far_apart_values_stay_under_the_memory_bound(tmp_path: Path, kind: str) -> None:
    """Pull of A1 + ALL100000 in a fresh process: about 4 GB before, a few MB over the imports now."""
    if kind == "xlsx":
        path = make_hostile.write_far_apart_xlsx(tmp_path / "far.xlsx")
    else:
        path = make_hostile.write_far_apart_ods(tmp_path / "far.ods")
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    run = subprocess.run(
        [sys.executable, "-c", PEAK_RSS_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    peak_kib = int(run.stdout.split()[-1])  # KiB
    assert peak_kib < 500 * 1024


def test_a_value_hidden_behind_an_attribute_still_sizes_the_grid(tmp_path: Path) -> None:
    # "/>" inside an attribute value must not make a far value cell look empty to the byte scan
    body = '<row r="1"><c r="A1"><v>1</v></c></row><row r="99999"><c r="ZZ99999" x="/>"><v>2</v></c></row>'
    path = xlsx_with_sheet(tmp_path / "book.xlsx", body)
    assert screen(path).grid_cells >= 99_999 * 702
    assert read_values(path) == {"Data": {(1, 1): 1.0, (99_999, 702): 2.0}}


def test_empty_basic_library_lists_are_no_macro(tmp_path: Path) -> None:
    # LibreOffice writes these once the Basic editor was opened, even with no module in them
    container = (
        '<?xml version="1.0" encoding="UTF-8"?><library:libraries '
        'xmlns:library="http://openoffice.org/2000/library"><library:library library:name="Standard" '
        'library:link="false"/></library:libraries>'
    )
    library = (
        '<?xml version="1.0" encoding="UTF-8"?><library:library '
        'xmlns:library="http://openoffice.org/2000/library" library:name="Standard" '
        'library:readonly="false"/>'
    )
    extra: dict[str, bytes | str] = {
        "Basic/script-lc.xml": container,
        "Basic/Standard/script-lb.xml": library,
    }
    assert screen_file(make_hostile.write_ods(tmp_path / "book.ods", extra=extra)) == "ods"


def test_a_part_seen_before_is_judged_again_in_its_own_package(tmp_path: Path) -> None:
    """[Content_Types].xml and the relationships are parsed once per distinct bytes; what their
    elements mean is decided again for every package (a macro type is one only with a member)."""
    default = (
        '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
    )
    parts: dict[str, bytes | str] = dict(make_hostile.minimal_xlsx_parts())
    parts["[Content_Types].xml"] = str(parts["[Content_Types].xml"]).replace(
        "<Default ", default + "<Default ", 1
    )
    for _ in range(2):
        make_hostile.write_zip(tmp_path / "book.xlsx", parts)
        assert screen_file(tmp_path / "book.xlsx") == "xlsx"
    make_hostile.write_zip(tmp_path / "macro.xlsx", {**parts, "xl/media/image.bin": b"\x00" * 16})
    assert code_of(tmp_path / "macro.xlsx") == "macro"
    doctype = str(parts["xl/_rels/workbook.xml.rels"]).replace(
        "<Relationships", "<!DOCTYPE r><Relationships", 1
    )
    make_hostile.write_zip(tmp_path / "bomb.xlsx", {**parts, "xl/_rels/workbook.xml.rels": doctype})
    assert [code_of(tmp_path / "bomb.xlsx") for _ in range(2)] == ["xml_bomb", "xml_bomb"]
    broken = str(parts["[Content_Types].xml"]).replace("</Types>", "</Typo>")
    make_hostile.write_zip(tmp_path / "broken.xlsx", {**parts, "[Content_Types].xml": broken})
    assert [code_of(tmp_path / "broken.xlsx") for _ in range(2)] == ["corrupt", "corrupt"]


def _member_reads(data: bytes, infos: list[zipfile.ZipInfo]) -> list[tuple[str, object, object]]:
    """(member, what the one-shot read gives, what the streaming read gives): bytes, or an error code."""
    found = []
    for info in infos:
        package = _Zip(io.BytesIO(data), "book.xlsx")
        package.by_name = {i.filename: i for i in infos}
        outcomes: list[object] = []
        for one_go in (True, False):
            try:
                name = info.filename
                outcomes.append(package._read_whole(name) if one_go else b"".join(package._read(name)))
            except SourceError as exc:
                outcomes.append(exc.code)
        found.append((info.filename, *outcomes))
    return found


def test_a_small_part_read_in_one_go_is_read_as_the_stream_reads_it() -> None:
    """Screening reads a small part in one read and one decompression: it must accept exactly the
    bytes the bounded streaming read accepts, and refuse with the same code what it refuses
    (damaged data, a size, CRC or method the directory lies about, a truncated file)."""
    rng = random.Random(13)
    files = [p for p in sorted(CORPUS_FILES.glob("*")) if p.suffix in (".xlsx", ".ods", ".xlsm")]
    compared = refused = 0
    for path in files:
        original = path.read_bytes()
        if not zipfile.is_zipfile(io.BytesIO(original)):
            continue  # a corpus file that is no zip (screening says so before reading a member)
        for attempt in range(12):
            data = bytearray(original)
            infos = zipfile.ZipFile(io.BytesIO(original)).infolist()
            victim = rng.choice(infos)
            damage = attempt % 6
            if damage == 1:  # bytes of the compressed data flipped
                start = victim.header_offset + 30 + len(victim.orig_filename.encode())
                for _ in range(3):
                    at = start + rng.randrange(max(victim.compress_size, 1))
                    if at < len(data):
                        data[at] ^= 1 << rng.randrange(8)
            elif damage == 2:
                victim.file_size = max(0, victim.file_size + rng.choice([-1, 1, -100, 5000]))
            elif damage == 3:
                victim.compress_size = max(0, victim.compress_size + rng.choice([-1, 1, -50, 200]))
            elif damage == 4:
                victim.CRC ^= 1 << rng.randrange(32)
            elif damage == 5:
                victim.compress_type = rng.choice([0, 8, 12, 14])
            for member, one_go, streamed in _member_reads(bytes(data), infos):
                assert one_go == streamed, (path.name, attempt, member)
                compared += 1
                refused += isinstance(streamed, str)
    # a part that inflates far beyond the small size its directory declares: a bomb, both ways
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/worksheets/sheet1.xml", b"<a/>" + b" " * 3_000_000)
    infos = zipfile.ZipFile(io.BytesIO(buffer.getvalue())).infolist()
    infos[0].file_size = 10
    assert _member_reads(buffer.getvalue(), infos) == [("xl/worksheets/sheet1.xml", "zip_bomb", "zip_bomb")]
    assert compared > 500 and refused > 50  # both ways were tried, on bytes good and bad


@given(
    st.lists(
        st.sampled_from(
            [
                b"<?xml",
                b" version='1.0'",
                b' encoding="',
                b"UTF-8",
                b"utf-16",
                b"ascii",
                b'"',
                b"'",
                b"?>",
                b">",
                b"<",
                b"\xef\xbb\xbf",
                b"\x00",
                b"a",
                b"<!DOCTYPE",
            ]
        ),
        max_size=8,
    )
)
def test_a_parts_start_is_judged_as_the_pattern_judges_it(pieces: list[bytes]) -> None:
    """Whether a part starts as UTF-8 is remembered by the bytes up to its first '>': the same
    answer as the pattern gives on the whole part, whatever follows."""
    from toolkit.screening import _UTF8_START, _starts_as_utf8

    data = b"".join(pieces)
    for _ in range(2):  # the second time, from what was remembered
        assert _starts_as_utf8(data) == (_UTF8_START.match(data) is not None)
