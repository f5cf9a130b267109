"""Formula cells and custom document properties read from the XML parts of real files."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.packaging.custom import IntProperty, StringProperty

from tests import libreoffice as lo
from toolkit.backends import xml_parts
from toolkit.backends.xml_parts import document_properties, formula_cells
from toolkit.errors import SourceError

Reader = Callable[[Path, str], object]
FIRST = "Canevas des progrès"
SECOND = "Étapes clés — été"
PROPERTIES = {"toolkit.partner": "cdc", "toolkit.copy": "copy-0042", "toolkit.version": "1"}
OPENPYXL_FORMULAS = {FIRST: frozenset({(1, 1), (3, 3), (7, 2)}), SECOND: frozenset({(4, 4)})}
UNO_FORMULA = {"op": "set_formula", "sheet": SECOND, "cell": "B5", "value": "=1+1"}
UNO_TEXT = {"op": "set_string", "sheet": SECOND, "cell": "E6", "value": "=pas une formule"}
LO_FORMULAS = {FIRST: OPENPYXL_FORMULAS[FIRST], SECOND: frozenset({(4, 4), (5, 2)})}


def build_workbook(path: Path) -> Path:
    """Formulas in three cells, a "=text" string that is not one, accented tab names, properties."""
    wb = Workbook()
    first = wb.active
    first.title = FIRST
    first["A1"] = "=1+1"
    first["A2"] = 3
    first["C3"] = "=SUM(A1:A2)"
    first["B7"] = '=CONCATENATE("a","é")'
    text = first["B2"]
    text.value = "=ceci est du texte"
    text.data_type = "s"
    second = wb.create_sheet(SECOND)
    second["A1"] = 5
    second["D4"] = "=A1*2"
    second["A2"] = "plain text"
    wb.custom_doc_props.append(StringProperty(name="toolkit.partner", value="cdc"))
    wb.custom_doc_props.append(StringProperty(name="toolkit.copy", value="copy-0042"))
    wb.custom_doc_props.append(IntProperty(name="toolkit.version", value=1))
    wb.save(path)
    return path


def rewrite(src: Path, dst: Path, replace: dict[str, bytes | None]) -> Path:
    """Copy a zip, replacing members (None drops one); new names are appended."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename not in replace:
                zout.writestr(info, zin.read(info.filename))
        for name, data in replace.items():
            if data is not None:
                zout.writestr(name, data)
    return dst


# --- hand-built .ods ----------------------------------------------------------------------------

ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"'
)
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
FORMULA = '<table:table-cell table:formula="of:=1+1" office:value-type="float" office:value="2"/>'
EMPTY_ROW_TAIL = '<table:table-cell table:number-columns-repeated="16384"/>'
# Row by row (1-based), what the parser must track:
#  1  header-rows group: B1 formula after one empty cell
#  2-4  three empty repeated rows (number-rows-repeated="3")
#  5  row group: 4 repeated empty cells, then E5 formula, then a covered cell with a formula (F5)
#  6-7  a repeated row holding a formula repeated over two columns: A6, B6, A7, B7
#  8  a text cell starting with "=" (no table:formula), then C8 formula
#  then 1,048,568 empty rows x 16,384 columns, never expanded
ODS_TABLE_ONE = (
    '<table:table table:name="Canevas des progrès">'
    '<table:table-column table:number-columns-repeated="16384"/>'
    "<table:table-header-rows><table:table-row>"
    f'<table:table-cell/>{FORMULA}<table:table-cell table:number-columns-repeated="16382"/>'
    "</table:table-row></table:table-header-rows>"
    f'<table:table-row table:number-rows-repeated="3">{EMPTY_ROW_TAIL}</table:table-row>'
    "<table:table-row-group><table:table-row>"
    '<table:table-cell table:number-columns-repeated="4"/>'
    f"{FORMULA}"
    '<table:covered-table-cell table:formula="of:=[.A1]" office:value-type="float" office:value="0"/>'
    "</table:table-row></table:table-row-group>"
    '<table:table-row table:number-rows-repeated="2">'
    '<table:table-cell table:formula="of:=2*2" table:number-columns-repeated="2"/>'
    "</table:table-row>"
    '<table:table-row><table:table-cell office:value-type="string"><text:p>=texte</text:p></table:table-cell>'
    f'<table:table-cell table:number-columns-repeated="1"/>{FORMULA}</table:table-row>'
    f'<table:table-row table:number-rows-repeated="1048568">{EMPTY_ROW_TAIL}</table:table-row>'
    "</table:table>"
)
ODS_ONE_FORMULAS = frozenset({(1, 2), (5, 5), (5, 6), (6, 1), (6, 2), (7, 1), (7, 2), (8, 3)})
ODS_TABLE_TWO = (
    '<table:table table:name="Sans formule">'
    '<table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row>'
    "</table:table>"
)
ODS_THREE_FORMULAS = frozenset({(1048576, 16384)})  # the very last cell of a sheet
ODS_TABLE_THREE = (
    '<table:table table:name="Deux">'
    f'<table:table-row table:number-rows-repeated="1048575">{EMPTY_ROW_TAIL}</table:table-row>'
    f'<table:table-row><table:table-cell table:number-columns-repeated="16383"/>{FORMULA}</table:table-row>'
    "</table:table>"
)
ODS_META = (
    f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {ODS_NS}><office:meta>'
    '<meta:user-defined meta:name="toolkit.partner">cdc</meta:user-defined>'
    '<meta:user-defined meta:name="toolkit.version" meta:value-type="float">1.0</meta:user-defined>'
    '<meta:user-defined meta:name="toolkit.note" meta:value-type="string"/>'
    "</office:meta></office:document-meta>"
)


def ods_content(*tables: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS}>'
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )


def build_ods(path: Path, content: str | None, meta: str | None = ODS_META) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        zf.writestr("META-INF/manifest.xml", MANIFEST)
        if content is not None:
            zf.writestr("content.xml", content)
        if meta is not None:
            zf.writestr("meta.xml", meta)
    return path


# --- openpyxl files -------------------------------------------------------------------------------


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return build_workbook(tmp_path / "copy.xlsx")


def test_openpyxl_formula_cells(workbook: Path) -> None:
    assert formula_cells(workbook, "xlsx") == OPENPYXL_FORMULAS


def test_openpyxl_document_properties(workbook: Path) -> None:
    assert document_properties(workbook, "xlsx") == PROPERTIES


def test_workbook_without_formulas_or_properties(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active["A1"] = "=texte"
    wb.active["A1"].data_type = "s"
    wb.save(tmp_path / "plain.xlsx")
    assert formula_cells(tmp_path / "plain.xlsx", "xlsx") == {}
    assert document_properties(tmp_path / "plain.xlsx", "xlsx") == {}


SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
)
# A data validation list in an x14 extension holds an xm:f, which is not a cell formula.
X14_VALIDATION = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"><x14:dataValidations count="1">'
    '<x14:dataValidation type="list"><x14:formula1><xm:f>Listes!$A$1:$A$3</xm:f></x14:formula1>'
    "<xm:sqref>A1:A9</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>"
)


@pytest.mark.parametrize(
    ("sheet_xml", "expected"),
    [
        pytest.param(
            SHEET_HEAD + "<sheetData>"
            '<row r="2"><c r="A2"><f>1+1</f><v>2</v></c></row>'
            '<row r="3"><c r="A3"><f t="shared" ref="A3:A5" si="0">A2+1</f><v>3</v></c></row>'
            '<row r="4"><c r="A4"><f t="shared" si="0"/><v>4</v></c></row>'
            '<row r="5"><c r="A5"><f t="shared" si="0"/><v>5</v></c><c r="B5" t="s"><v>0</v></c></row>'
            "</sheetData></worksheet>",
            frozenset({(2, 1), (3, 1), (4, 1), (5, 1)}),
            id="shared-formulas",
        ),
        pytest.param(
            SHEET_HEAD
            + '<sheetData><row r="1"><c r="B1"><v>1</v></c></row></sheetData>'
            + X14_VALIDATION
            + "</worksheet>",
            None,
            id="x14-validation-formula-is-not-a-cell",
        ),
        pytest.param(
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<x:sheetData><x:row r="7"><x:c r="AB7"><x:f>NOW()</x:f></x:c></x:row></x:sheetData>'
            "</x:worksheet>",
            frozenset({(7, 28)}),
            id="prefixed-namespace",
        ),
        pytest.param(
            SHEET_HEAD + "<sheetData>"
            "<row><c><v>1</v></c><c><f>A1</f></c></row>"
            "<row><c><f>A1</f></c></row>"
            '<row r="9"><c r="C9"><v>1</v></c><c><f>A1</f></c></row>'
            "</sheetData></worksheet>",
            frozenset({(1, 2), (2, 1), (9, 4)}),
            id="no-r-attributes",
        ),
        pytest.param(
            SHEET_HEAD.replace('encoding="UTF-8"', 'encoding="UTF-16"')
            + '<sheetData><row r="1"><c r="A1"><f>1</f></c></row></sheetData></worksheet>',
            frozenset({(1, 1)}),
            id="utf-16",
        ),
    ],
)
def test_worksheet_variants(
    workbook: Path, tmp_path: Path, sheet_xml: str, expected: frozenset[tuple[int, int]] | None
) -> None:
    encoding = "utf-16" if 'encoding="UTF-16"' in sheet_xml else "utf-8"
    copy = rewrite(
        workbook, tmp_path / "variant.xlsx", {"xl/worksheets/sheet1.xml": sheet_xml.encode(encoding)}
    )
    result = formula_cells(copy, "xlsx")
    assert result.get(FIRST) == expected
    assert result[SECOND] == OPENPYXL_FORMULAS[SECOND]


def test_absolute_relationship_target(workbook: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(workbook) as zf:
        rels = zf.read("xl/_rels/workbook.xml.rels")
    assert b'Target="/xl/worksheets/sheet1.xml"' in rels or b'Target="worksheets/sheet1.xml"' in rels
    absolute = rels.replace(b'Target="worksheets/', b'Target="/xl/worksheets/')
    copy = rewrite(workbook, tmp_path / "absolute.xlsx", {"xl/_rels/workbook.xml.rels": absolute})
    assert formula_cells(copy, "xlsx") == OPENPYXL_FORMULAS


def test_relative_relationship_target(workbook: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(workbook) as zf:
        rels = zf.read("xl/_rels/workbook.xml.rels")
    relative = rels.replace(b'Target="/xl/worksheets/', b'Target="worksheets/')
    copy = rewrite(workbook, tmp_path / "relative.xlsx", {"xl/_rels/workbook.xml.rels": relative})
    assert formula_cells(copy, "xlsx") == OPENPYXL_FORMULAS


CUSTOM_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
)


def custom_property(name: str, pid: int, value: str) -> str:
    fmtid = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
    return f'<property fmtid="{fmtid}" pid="{pid}" name="{name}">{value}</property>'


def test_custom_property_value_types(workbook: Path, tmp_path: Path) -> None:
    custom = (
        CUSTOM_HEAD
        + custom_property("s", 2, "<vt:lpwstr>Équipe &amp; co</vt:lpwstr>")
        + custom_property("i", 3, "<vt:i4>42</vt:i4>")
        + custom_property("r", 4, "<vt:r8>1.5</vt:r8>")
        + custom_property("b", 5, "<vt:bool>true</vt:bool>")
        + custom_property("d", 6, "<vt:filetime>2026-11-02T09:30:00Z</vt:filetime>")
        + custom_property("empty", 7, "<vt:lpwstr/>")
        + "</Properties>"
    )
    copy = rewrite(workbook, tmp_path / "types.xlsx", {"docProps/custom.xml": custom.encode()})
    assert document_properties(copy, "xlsx") == {
        "s": "Équipe & co",
        "i": "42",
        "r": "1.5",
        "b": "true",
        "d": "2026-11-02T09:30:00Z",
        "empty": "",
    }


# --- missing and malformed parts ------------------------------------------------------------------

BROKEN_SHEET = SHEET_HEAD + '<sheetData><row r="1"><c r="A1"><f>1+1</c></row></sheetData></worksheet>'
ENTITY_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    + SHEET_HEAD[SHEET_HEAD.index("<worksheet") :]
    + '<sheetData><row r="1"><c r="A1"><f>&b;</f></c></row></sheetData></worksheet>'
)


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        pytest.param({"xl/worksheets/sheet1.xml": None}, {SECOND: OPENPYXL_FORMULAS[SECOND]}, id="no-sheet"),
        pytest.param({"xl/workbook.xml": None}, {}, id="no-workbook"),
        pytest.param({"xl/_rels/workbook.xml.rels": None}, {}, id="no-workbook-rels"),
    ],
)
def test_xlsx_missing_parts(
    workbook: Path, tmp_path: Path, replace: dict[str, bytes | None], expected: dict[str, object]
) -> None:
    assert formula_cells(rewrite(workbook, tmp_path / "missing.xlsx", replace), "xlsx") == expected


def test_xlsx_missing_custom_properties(workbook: Path, tmp_path: Path) -> None:
    copy = rewrite(workbook, tmp_path / "missing.xlsx", {"docProps/custom.xml": None})
    assert document_properties(copy, "xlsx") == {}


@pytest.mark.parametrize(
    ("member", "data", "function"),
    [
        pytest.param("xl/worksheets/sheet1.xml", BROKEN_SHEET, formula_cells, id="sheet-mismatched-tag"),
        pytest.param("xl/worksheets/sheet1.xml", ENTITY_BOMB, formula_cells, id="sheet-entities"),
        pytest.param(
            "xl/worksheets/sheet1.xml",
            SHEET_HEAD.replace("UTF-8", "no-such-codec") + "<sheetData/><f/></worksheet>",
            formula_cells,
            id="sheet-unknown-encoding",
        ),
        pytest.param("xl/workbook.xml", "<workbook", formula_cells, id="workbook-truncated"),
        pytest.param("xl/_rels/workbook.xml.rels", "not xml", formula_cells, id="rels-not-xml"),
        pytest.param("docProps/custom.xml", CUSTOM_HEAD + "<property>", document_properties, id="custom"),
    ],
)
def test_xlsx_malformed_xml(workbook: Path, tmp_path: Path, member: str, data: str, function: Reader) -> None:
    copy = rewrite(workbook, tmp_path / "broken.xlsx", {member: data.encode()})
    with pytest.raises(SourceError) as caught:
        function(copy, "xlsx")
    assert (caught.value.code, caught.value.source) == ("corrupt", str(copy))
    assert member in caught.value.detail


def test_xml_with_a_formula_marker_in_a_sheet_without_formulas_is_still_parsed(
    workbook: Path, tmp_path: Path
) -> None:
    # <filterColumn> starts like <f: the scan lets the parser decide.
    sheet = SHEET_HEAD + '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
    sheet += '<autoFilter ref="A1:A2"><filterColumn colId="0"/></autoFilter></worksheet>'
    copy = rewrite(workbook, tmp_path / "filter.xlsx", {"xl/worksheets/sheet1.xml": sheet.encode()})
    assert FIRST not in formula_cells(copy, "xlsx")


def test_part_larger_than_the_limit(workbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xml_parts, "MAX_PART_BYTES", 100)
    with pytest.raises(SourceError) as caught:
        formula_cells(workbook, "xlsx")
    assert caught.value.code == "too_large"


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(SourceError) as caught:
        document_properties(path, "xlsx")
    assert caught.value.code == "corrupt"


def test_unknown_format(workbook: Path) -> None:
    with pytest.raises(ValueError, match="csv"):
        formula_cells(workbook, "csv")


# --- hand-built .ods ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tables", "expected"),
    [
        pytest.param((ODS_TABLE_ONE,), {FIRST: ODS_ONE_FORMULAS}, id="repeats-groups-covered"),
        pytest.param((ODS_TABLE_TWO,), {}, id="no-formula"),
        pytest.param((ODS_TABLE_TWO, ODS_TABLE_THREE), {"Deux": ODS_THREE_FORMULAS}, id="last-cell"),
        pytest.param(
            (ODS_TABLE_ONE, ODS_TABLE_TWO, ODS_TABLE_THREE),
            {FIRST: ODS_ONE_FORMULAS, "Deux": ODS_THREE_FORMULAS},
            id="three-tables",
        ),
    ],
)
def test_ods_formula_cells(tmp_path: Path, tables: tuple[str, ...], expected: dict[str, object]) -> None:
    path = build_ods(tmp_path / "hand.ods", ods_content(*tables))
    assert formula_cells(path, "ods") == expected


def test_ods_document_properties(tmp_path: Path) -> None:
    path = build_ods(tmp_path / "hand.ods", ods_content(ODS_TABLE_TWO))
    assert document_properties(path, "ods") == {
        "toolkit.partner": "cdc",
        "toolkit.version": "1.0",
        "toolkit.note": "",
    }


@pytest.mark.parametrize("function", [formula_cells, document_properties], ids=["formulas", "properties"])
def test_ods_missing_parts(tmp_path: Path, function: Reader) -> None:
    path = build_ods(tmp_path / "empty.ods", None, None)
    assert function(path, "ods") == {}


@pytest.mark.parametrize(
    ("content", "meta", "function"),
    [
        pytest.param(ods_content(ODS_TABLE_ONE)[:-30], ODS_META, formula_cells, id="content-truncated"),
        pytest.param(
            ods_content(ODS_TABLE_ONE).replace('number-rows-repeated="3"', 'number-rows-repeated="x"'),
            ODS_META,
            formula_cells,
            id="bad-repeat",
        ),
        pytest.param(ods_content(ODS_TABLE_TWO), ODS_META[:-40], document_properties, id="meta-truncated"),
    ],
)
def test_ods_malformed(tmp_path: Path, content: str, meta: str, function: Reader) -> None:
    path = build_ods(tmp_path / "broken.ods", content, meta)
    with pytest.raises(SourceError) as caught:
        function(path, "ods")
    assert caught.value.code == "corrupt"


def test_ods_repeated_formula_is_bounded(tmp_path: Path) -> None:
    table = (
        '<table:table table:name="Bombe"><table:table-row table:number-rows-repeated="1048576">'
        '<table:table-cell table:formula="of:=1" table:number-columns-repeated="16384"/>'
        "</table:table-row></table:table>"
    )
    with pytest.raises(SourceError) as caught:
        formula_cells(build_ods(tmp_path / "bomb.ods", ods_content(table)), "ods")
    assert caught.value.code == "too_large"


# --- copies saved by LibreOffice ------------------------------------------------------------------


@pytest.fixture(scope="module")
def libreoffice_copies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The openpyxl workbook, with one more formula and one "=text" string typed over UNO,
    saved by LibreOffice as .xlsx and .ods (one soffice run for the module)."""
    lo.require()
    folder = tmp_path_factory.mktemp("xml_parts_lo")
    src = build_workbook(folder / "src.xlsx")
    copies = {"xlsx": folder / "resaved.xlsx", "ods": folder / "resaved.ods"}
    results = lo.run_jobs([lo.job(src, ops=[UNO_FORMULA, UNO_TEXT], save=list(copies.values()))])
    assert results[0]["ok"], results[0]["error"]
    return copies


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"], ids=["xlsx", "ods"])
def test_libreoffice_formula_cells(libreoffice_copies: dict[str, Path], fmt: str) -> None:
    lo.require()
    assert formula_cells(libreoffice_copies[fmt], fmt) == LO_FORMULAS


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"], ids=["xlsx", "ods"])
def test_libreoffice_document_properties(libreoffice_copies: dict[str, Path], fmt: str) -> None:
    lo.require()
    properties = document_properties(libreoffice_copies[fmt], fmt)
    toolkit = {name: value for name, value in properties.items() if name.startswith("toolkit.")}
    # LibreOffice stores the integer as a float (vt:r8 / value-type="float"): its text may become "1.0".
    assert toolkit.pop("toolkit.version") in {"1", "1.0"}
    assert toolkit == {"toolkit.partner": "cdc", "toolkit.copy": "copy-0042"}


def test_backslash_member_names_and_odd_letter_case(tmp_path: Path) -> None:
    src = build_workbook(tmp_path / "book.xlsx")
    dst = tmp_path / "backslash.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            name = info.filename.replace("/", "\\")
            zout.writestr(name.replace("custom.xml", "Custom.xml"), zin.read(info.filename))
    assert formula_cells(dst, "xlsx") == OPENPYXL_FORMULAS
    assert document_properties(dst, "xlsx") == PROPERTIES


def test_workbook_found_through_package_relationships(tmp_path: Path) -> None:
    src = build_workbook(tmp_path / "book.xlsx")
    dst = tmp_path / "moved.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename).replace(b"xl/", b"book/")
            zout.writestr(info.filename.replace("xl/", "book/"), data)
    assert "book/workbook.xml" in zipfile.ZipFile(dst).namelist()
    assert formula_cells(dst, "xlsx") == OPENPYXL_FORMULAS


def test_facts_remembered_from_a_part_are_read_again_when_it_changes(
    generated: dict[str | None, Path], tmp_path: Path
) -> None:
    """workbook.xml, relationships and notes are remembered by their exact bytes: one byte changed is
    read afresh, and the same bytes resolve against their own part."""
    from toolkit.backends.files import read_file

    path = next(p for partner, p in generated.items() if partner)
    before = read_file(path).comments
    assert before
    with zipfile.ZipFile(path) as zf:
        comments = next(n for n in zf.namelist() if "comments" in n and n.endswith(".xml"))
        notes, book = zf.read(comments), zf.read("xl/workbook.xml")
    tab, _, _, text = before[0]
    changed = notes.replace(text[:8].encode(), b"X" + text[1:8].encode(), 1)
    renamed = book.replace(f'name="{tab}"'.encode(), f'name="{tab}!"'.encode().replace(b"!", b" 2"), 1)
    copy = rewrite(path, tmp_path / "changed.xlsx", {comments: changed, "xl/workbook.xml": renamed})
    after = read_file(copy).comments
    assert after[0] == (tab + " 2", before[0][1], before[0][2], "X" + text[1:])
    assert read_file(path).comments == before

    with zipfile.ZipFile(path) as zf:
        rels = zf.read("xl/_rels/workbook.xml.rels")
    pkg = xml_parts._Package(path)
    first = pkg.derived(
        "xl/_rels/workbook.xml.rels",
        rels,
        "relationships",
        "xl/workbook.xml",
        xml_parts._internal_targets("xl/workbook.xml"),
    )
    other = pkg.derived(
        "xl/_rels/workbook.xml.rels",
        rels,
        "relationships",
        "x/book.xml",
        xml_parts._internal_targets("x/book.xml"),
    )
    moved = {name for _, _, name in other} - {name for _, _, name in first}
    assert moved and all(name.startswith("x/") for name in moved)  # relative targets, from their own part
