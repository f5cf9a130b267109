"""The .xlsx parts our own writer produces follow the order ECMA-376 prescribes.

openpyxl, calamine and LibreOffice read elements in any order; Excel does not: a worksheet child out of
its schema sequence, a row or cell out of ascending order, or a part missing from [Content_Types].xml
gives "We found a problem with some content" and a repaired (stripped) workbook. Nothing here can run
Excel, so the rules Excel applies are checked on the XML of a copy, a master and the tricky cases.
"""

from __future__ import annotations

import dataclasses
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.conftest import FIXED_NOW, fill
from tests.test_workbook_dump import TRICKY
from toolkit import api
from toolkit.backends.xlsx import workbook_bytes
from toolkit.generate import CopyPlan
from toolkit.initiative import Initiative

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
# CT_Worksheet's sequence (ECMA-376 Part 1, §18.3.1.99), in schema order.
WORKSHEET_ORDER = [
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
    "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations",
    "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
    "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
    "legacyDrawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst",
]  # fmt: skip
# CT_Workbook's sequence (§18.2.28), the children a generated workbook can have.
WORKBOOK_ORDER = [
    "fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
    "functionGroups", "externalReferences", "definedNames", "calcPr", "oleSize", "customWorkbookViews",
    "pivotCaches", "webPublishing", "fileRecoveryList", "webPublishObjects", "extLst",
]  # fmt: skip
# CT_Stylesheet's sequence (§18.8.39).
STYLES_ORDER = [
    "numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
    "tableStyles", "colors", "extLst",
]  # fmt: skip
CELL_ORDER = ["f", "v", "is", "extLst"]  # CT_Cell


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def in_schema_order(children: list[str], order: list[str]) -> bool:
    positions = [order.index(name) for name in children]  # ValueError: an element the schema does not know
    return positions == sorted(positions)


def column_number(ref: str) -> int:
    number = 0
    for letter in re.match(r"[A-Z]+", ref).group():  # type: ignore[union-attr]
        number = number * 26 + ord(letter) - 64
    return number


def check_package(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
        overrides = {o.get("PartName", "").lstrip("/") for o in types.iter(TYPES + "Override")}
        defaults = {d.get("Extension") for d in types.iter(TYPES + "Default")}
        for name in names:
            if name.endswith("/") or name == "[Content_Types].xml":
                continue
            assert name in overrides or name.rsplit(".", 1)[-1] in defaults, f"{name} has no content type"
        assert overrides <= names, f"content types name absent parts: {overrides - names}"

        # Every relationship points at a part that exists.
        for rels in (n for n in names if n.endswith(".rels")):
            base = rels.replace("_rels/", "").removesuffix(".rels")
            folder = base.rsplit("/", 1)[0] if "/" in base else ""
            for rel in ElementTree.fromstring(archive.read(rels)).iter(REL + "Relationship"):
                if rel.get("TargetMode") == "External":
                    continue
                target = rel.get("Target", "")
                resolved = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}".lstrip("/")
                parts: list[str] = []
                for piece in resolved.split("/"):
                    if piece == "..":
                        parts.pop()
                    elif piece not in ("", "."):
                        parts.append(piece)
                assert "/".join(parts) in names, f"{rels}: {target} does not exist"

        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        assert in_schema_order([local(c.tag) for c in workbook], WORKBOOK_ORDER)
        sheet_names = [s.get("name", "") for s in workbook.iter(MAIN + "sheet")]
        assert all(0 < len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in sheet_names), sheet_names
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
        assert in_schema_order([local(c.tag) for c in styles], STYLES_ORDER)
        cell_xfs = styles.find(MAIN + "cellXfs")
        assert cell_xfs is not None
        xfs = len(list(cell_xfs))

        for name in sorted(n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)):
            sheet = ElementTree.fromstring(archive.read(name))
            children = [local(c.tag) for c in sheet]
            assert in_schema_order(children, WORKSHEET_ORDER), f"{name}: {children}"
            assert len(children) == len(set(children)), f"{name}: an element twice: {children}"
            last_row = 0
            for row in sheet.iter(MAIN + "row"):
                number = int(row.get("r", "0"))
                assert number > last_row, f"{name}: row {number} after row {last_row}"
                last_row = number
                last_column = 0
                for cell in row.iter(MAIN + "c"):
                    ref = cell.get("r", "")
                    assert ref.endswith(str(number)), f"{name}: {ref} in row {number}"
                    column = column_number(ref)
                    assert column > last_column, f"{name}: {ref} out of order"
                    last_column = column
                    assert int(cell.get("s", "0")) < xfs, f"{name}: {ref} names a style that does not exist"
                    assert in_schema_order([local(c.tag) for c in cell], CELL_ORDER), f"{name}: {ref}"
                    if cell.get("t") == "inlineStr":
                        assert cell.find(MAIN + "is") is not None, f"{name}: {ref} inline string without text"


def test_a_generated_copy_is_ordered_as_excel_requires(initiative: Initiative, tmp_path: Path) -> None:
    made = api.generate(initiative, tmp_path, partners=["cdc-hochelaga"], blank=True, now=FIXED_NOW)
    assert len(made) == 2  # the partner's copy and the blank one
    for copy in made:
        check_package(Path(copy.where))


def test_tricky_values_and_a_long_roster_are_ordered_as_excel_requires(
    initiative: Initiative, tmp_path: Path
) -> None:
    roster = tuple(f"Personne numéro {n}" for n in range(40))  # too long for an inline dropdown
    many = dataclasses.replace(initiative, people=roster, protection_password="secret")
    plan = CopyPlan(many, "fr", (many.partners[0],), FIXED_NOW)
    made = tmp_path / "tricky.xlsx"
    made.write_bytes(workbook_bytes(dataclasses.replace(plan.spec(many.partners[0]), values=TRICKY)))
    check_package(made)


def test_a_master_is_ordered_as_excel_requires(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    first, second = (p.id for p in initiative.partners[:2])
    returned = [
        fill(copies[first], {("Infrastructure de soutien", "C5"): "Bonne concertation"}),
        fill(copies[second], {("Canevas des progrès", "B5"): "Des rencontres mensuelles. " * 40}),
    ]
    out = tmp_path / "maitre.xlsx"
    api.merge(returned, initiative, out=out, now=FIXED_NOW)
    check_package(out)


def test_the_check_catches_an_element_out_of_order(initiative: Initiative, tmp_path: Path) -> None:
    """Not blind: moving dataValidations before mergeCells (LibreOffice would not mind) fails it."""
    made = Path(api.generate(initiative, tmp_path, partners=["cdc-hochelaga"], blank=False)[0].where)
    swapped = tmp_path / "swapped.xlsx"
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(swapped, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet2.xml":
                text = data.decode("utf-8")
                validations = re.search(r"<dataValidations.*?</dataValidations>", text, re.S)
                assert validations is not None and "<mergeCells" in text
                text = text.replace(validations.group(), "")
                text = text.replace("<mergeCells", validations.group() + "<mergeCells", 1)
                data = text.encode("utf-8")
            target.writestr(item, data)
    with pytest.raises(AssertionError, match="sheet2"):
        check_package(swapped)
