"""screen_file: every hostile file gets its stable code, normal workbooks pass, content beats names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import python_calamine

from tests.data import make_hostile
from toolkit.errors import SourceError
from toolkit.screening import MAX_COLUMNS, MAX_ROWS, screen_file

HOSTILE_DIR = Path(__file__).parent / "data" / "hostile"
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
