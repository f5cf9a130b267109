"""generate: what a coordinator and a partner see in each workbook, checked with openpyxl."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from tests.conftest import FIXED_NOW
from toolkit import api
from toolkit.errors import ConfigError
from toolkit.initiative import Initiative
from toolkit.metadata import METADATA_TAB, parse_properties, parse_records


@pytest.fixture(scope="module")
def copies(initiative: Initiative, tmp_path_factory: pytest.TempPathFactory) -> dict[str | None, Path]:
    out = tmp_path_factory.mktemp("generated")
    return {c.partner_id: c.path for c in api.generate(initiative, out, now=FIXED_NOW)}


@pytest.fixture(scope="module")
def workbook(copies: dict[str | None, Path]) -> openpyxl.Workbook:
    return openpyxl.load_workbook(copies["ecole-baril"])


def test_one_copy_per_partner_and_a_blank(copies: dict[str | None, Path], initiative: Initiative) -> None:
    assert set(copies) == {p.id for p in initiative.partners} | {None}
    assert copies["ecole-baril"].name == "hochelaga-ensemble_ecole-baril.xlsx"
    assert copies[None].name == "hochelaga-ensemble_vierge.xlsx"


def test_tabs_in_order_with_hidden_metadata(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == [
        "Lisez-moi",
        "Canevas des progrès",
        "Infrastructure de soutien",
        METADATA_TAB,
    ]
    assert workbook[METADATA_TAB].sheet_state == "veryHidden"


def test_cover_tells_the_partner_what_to_do(workbook: openpyxl.Workbook) -> None:
    text = "\n".join(str(c.value) for c in workbook["Lisez-moi"]["A"] if c.value)
    assert "Hochelaga ensemble — Table de quartier" in text
    assert "Partenaire : École primaire Baril" in text
    assert "Date limite de retour : 11 décembre 2026" in text
    assert "Remplissez les cellules jaunes" in text
    assert "Cet outil propose un canevas" in text and "Étape 2." in text
    assert "• Influencer les politiques. Au fur et à mesure que l'initiative se déploie" in text
    headings = text.splitlines()
    assert "Canevas des progrès accomplis" in headings  # not "Canevas des progrès — Canevas des progrès …"
    assert "Infrastructure de soutien — Planifier votre infrastructure de soutien" in headings


def test_table_headers_labels_and_debrief(workbook: openpyxl.Workbook) -> None:
    ws = workbook["Infrastructure de soutien"]
    assert ws["A1"].value == "Planifier votre infrastructure de soutien"
    assert [c.value for c in ws[4]] == [
        "Rôle",
        "Qui peut jouer ce rôle?",
        "Forces actuelles",
        "Faiblesses actuelles",
        "Prochaines étapes",
    ]
    assert ws["A9"].value == "Influencer les politiques"
    assert ws["A9"].comment is not None and "influencer les politiques" in ws["A9"].comment.text
    assert ws["A12"].value == "Débreffage"
    assert ws["A13"].value.startswith("Quelles sont les forces et les faiblesses")
    assert "B13:E13" in {str(r) for r in ws.merged_cells.ranges}


def test_labels_locked_inputs_open_and_protection_allows_formatting(workbook: openpyxl.Workbook) -> None:
    ws = workbook["Infrastructure de soutien"]
    assert ws.protection.sheet is True and not ws.protection.password
    assert ws["A5"].protection.locked and ws["B4"].protection.locked
    assert all(not ws.cell(row=r, column=c).protection.locked for r in range(5, 11) for c in range(2, 6))
    assert not ws["B13"].protection.locked
    for allowed in ("formatCells", "formatColumns", "formatRows", "sort", "autoFilter"):
        assert getattr(ws.protection, allowed) is False, allowed
    assert ws.auto_filter.ref == "A4:E10"


def test_layout_view_and_print(workbook: openpyxl.Workbook) -> None:
    ws = workbook["Canevas des progrès"]
    assert ws.freeze_panes == "B5"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$4:$4"
    assert ws.column_dimensions["B"].width == 60
    assert ws["B5"].alignment.wrap_text and ws.row_dimensions[5].height >= 60
    assert ws["C5"].number_format == "yyyy-mm-dd"


def _validations(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, object]:
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


def test_person_dropdown_warns_and_dates_are_validated(workbook: openpyxl.Workbook) -> None:
    people = _validations(workbook["Infrastructure de soutien"])["B5:B10"]
    assert people.type == "list" and people.errorStyle == "warning" and people.showErrorMessage  # type: ignore[attr-defined]
    assert people.formula1.startswith('"Geneviève Lapointe,Mamadou Diallo')  # type: ignore[attr-defined]
    dates = _validations(workbook["Canevas des progrès"])["C5:C11"]
    assert dates.type == "date" and dates.errorStyle == "stop"  # type: ignore[attr-defined]
    assert dates.prompt == "Saisissez une date, par exemple 2026-11-02."  # type: ignore[attr-defined]


def test_long_roster_moves_to_hidden_lists_tab(initiative: Initiative, tmp_path: Path) -> None:
    roster = tuple(f"Personne numéro {n}, équipe {n % 3}" for n in range(40))
    many = Initiative(**{**initiative.__dict__, "people": roster})
    path = api.generate(many, tmp_path, partners=["cdc-hochelaga"], blank=False, now=FIXED_NOW)[0].path
    wb = openpyxl.load_workbook(path)
    assert wb["Listes"].sheet_state == "hidden"
    assert [wb["Listes"].cell(row=r, column=1).value for r in (1, 40)] == [roster[0], roster[39]]
    assert _validations(wb["Infrastructure de soutien"])["B5:B10"].formula1 == "toolkit_people"  # type: ignore[attr-defined]
    assert wb.defined_names["toolkit_people"].attr_text == "'Listes'!$A$1:$A$40"


def test_metadata_tab_and_properties_record_identity_and_layout(copies: dict[str | None, Path]) -> None:
    path = copies["ecole-baril"]
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(METADATA_TAB).to_python()
    info = parse_records(rows)
    assert info is not None
    assert (info.initiative_id, info.partner_id, info.kit_id, info.kit_version) == (
        "hochelaga-ensemble",
        "ecole-baril",
        "collective_impact",
        1,
    )
    assert info.generated_at == FIXED_NOW
    assert info.templates == (
        ("progress_canvas", 1, "Canevas des progrès"),
        ("backbone_infrastructure", 1, "Infrastructure de soutien"),
    )
    assert info.cells[("backbone_infrastructure", "policy", "who")] == (9, 2)
    assert info.cells[("progress_canvas", "information_gaps", "answer")] == (16, 2)
    props = {p.name: p.value for p in openpyxl.load_workbook(path).custom_doc_props.props}
    from_props = parse_properties(props)
    assert from_props is not None and from_props.partner_id == "ecole-baril"
    assert from_props.cells == info.cells  # the compact layout says the same as the tab


def test_blank_copy_has_no_partner(copies: dict[str | None, Path]) -> None:
    wb = openpyxl.load_workbook(copies[None])
    text = "\n".join(str(c.value) for c in wb["Lisez-moi"]["A"] if c.value)
    assert "Copie vierge (à distribuer)" in text
    info = parse_properties({p.name: p.value for p in wb.custom_doc_props.props})
    assert info is not None and info.partner_id is None and info.role == "blank"


def test_english_workbook(initiative: Initiative, tmp_path: Path) -> None:
    path = api.generate(initiative, tmp_path, language="en", partners=["ciusss-est"], blank=False)[0].path
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:3] == ["Read me", "Progress canvas", "Backbone infrastructure"]
    assert wb["Backbone infrastructure"]["B4"].value == "Who can play this role?"
    assert "Return by: December 11, 2026" in [c.value for c in wb["Read me"]["A"]]


def test_password_from_initiative(initiative: Initiative, tmp_path: Path) -> None:
    locked = Initiative(**{**initiative.__dict__, "protection_password": "table2026"})
    path = api.generate(locked, tmp_path, partners=["ciusss-est"], blank=False)[0].path
    assert openpyxl.load_workbook(path)["Canevas des progrès"].protection.password


def test_unknown_partner_writes_nothing(initiative: Initiative, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"initiative\.yaml : aucun partenaire n'a l'id « nope »"):
        api.generate(initiative, tmp_path / "out", partners=["cdc-hochelaga", "nope"])
    assert not (tmp_path / "out").exists()
