"""A coordinator designs a worksheet in a real LibreOffice Calc; partners fill it in Calc; it comes back.

The guide's screenshot of a design workbook comes from here too (the `colonnes` tab of that design):
    python3 -m tests.test_design_libreoffice docs/design-workbook.png

One test, the whole path: template new -> Calc edits the design (saved as .ods) -> template import ->
an initiative uses it next to the built-in kit -> generate -> partners fill copies in Calc ->
pull -> merge -> the master holds their answers.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from tests import libreoffice as lo
from tests.conftest import EXAMPLE, FIXED_NOW
from toolkit import api

pytestmark = pytest.mark.libreoffice

TAB = "Mesure partagée"


def text(sheet: str, cell: str, value: str) -> dict[str, Any]:
    return {"op": "set_string", "sheet": sheet, "cell": cell, "value": value}


def number(sheet: str, cell: str, value: float) -> dict[str, Any]:
    return {"op": "set_number", "sheet": sheet, "cell": cell, "value": value}


def row(sheet: str, line: int, *values: str) -> list[dict[str, Any]]:
    return [text(sheet, f"{'ABCDEFGHIJ'[i]}{line}", v) for i, v in enumerate(values)]


def field(line: int, fr: str, en: str) -> list[dict[str, Any]]:
    """One line of the `feuille` tab: the French value in B, the English one in C."""
    return [text("feuille", f"B{line}", fr), text("feuille", f"C{line}", en)]


# What the coordinator types over the example lines of `template new`.
DESIGN_EDITS = [
    text("feuille", "B2", "plan_mesure"),
    *field(4, "Plan de mesure partagée", "Shared measurement plan"),
    *field(5, TAB, "Shared measurement"),
    *field(
        6, "Les indicateurs que les partenaires suivent ensemble.", "The indicators partners track together."
    ),
    *field(
        8,
        "Pour chaque indicateur : qui le porte, à quelle fréquence, quelle cible.",
        "For each indicator: who leads it, how often, which target.",
    ),
    *row("colonnes", 2, "indicateur", "Indicateur", "Indicator", "libellé"),
    number("colonnes", "G2", 40),
    *row("colonnes", 3, "porteur", "Porteur", "Lead", "personne", "oui", "oui"),
    *row("colonnes", 4, "frequence", "Fréquence", "Frequency", "choix", "oui", "non", "", "frequences"),
    *row("colonnes", 5, "cible", "Cible annuelle", "Annual target", "nombre"),
    *row("colonnes", 6, "source", "Source des données", "Data source", "texte long"),
    *row(
        "lignes",
        2,
        "familles",
        "Familles rejointes",
        "Families reached",
        "Familles différentes, pas les visites",
        "Distinct families, not visits",
    ),
    *row("lignes", 3, "benevoles", "Heures de bénévolat", "Volunteer hours"),
    *row("lignes", 4, "partenariats", "Nouveaux partenariats", "New partnerships", "", "", "oui"),
    *row("choix", 2, "frequences", "Mensuelle", "Monthly"),
    *row("choix", 3, "frequences", "Trimestrielle", "Quarterly"),
    *row("choix", 4, "frequences", "Annuelle", "Yearly"),
    *row("bilan", 2, "apprentissages", "Qu'avons-nous appris?", "What have we learned?"),
    *row("bilan", 3, "ajustements", "Que faut-il ajuster?", "What should we adjust?"),
]

# The generated tab: header row 4; rows 5-7 (familles, benevoles, partenariats); debrief answers B10-B11.
BARIL = [
    text(TAB, "B5", "Mamadou Diallo"),
    text(TAB, "C5", "Trimestrielle"),
    number(TAB, "D5", 120),
    text(TAB, "E5", "Registre des inscriptions"),
    text(TAB, "B10", "Les parents répondent mieux en personne."),
]
HOCHELAGA = [
    text(TAB, "B6", "Sophie Tremblay"),
    text(TAB, "C6", "Mensuelle"),
    number(TAB, "D6", 300),
]


def test_design_filled_in_calc_imports_generates_pulls_and_merges(tmp_path: Path) -> None:
    lo.require()
    blank = api.template_new("plan", tmp_path / "plan.xlsx")
    design = tmp_path / "plan_mesure.ods"
    formula = {"op": "set_formula", "sheet": "colonnes", "cell": "B3", "value": '=UPPER("porteur")'}
    broken = tmp_path / "broken.ods"
    designed, _ = lo.run_jobs(
        [
            lo.job(
                blank, ops=DESIGN_EDITS, save=[design], inspect={"cells": {"colonnes": ["D3", "E3", "H4"]}}
            ),
            lo.job(blank, ops=[*DESIGN_EDITS, formula], save=[broken]),
        ]
    )
    assert designed["ok"], designed["error"]
    with pytest.raises(api.DesignError) as caught:  # a formula typed in Calc, found in the .ods
        api.template_import(broken, tmp_path / "templates")
    assert [p.message("fr") for p in caught.value.problems] == [
        "colonnes!B3 : formule interdite — saisissez le texte lui-même"
    ]
    assert not (tmp_path / "templates").exists()
    shown = designed["inspect"]["cells"]["colonnes"]
    assert shown["D3"]["validation"]["list"] == [
        "libellé",
        "texte",
        "texte long",
        "date",
        "nombre",
        "oui/non",
        "choix",
        "personne",
    ]
    assert shown["E3"]["validation"]["list"] == ["oui", "non"]
    assert shown["H4"]["validation"]["type"] == "LIST"  # list names, from the choix tab

    imported = api.template_import(design, tmp_path / "templates")
    worksheet = imported.worksheet
    assert imported.path == tmp_path / "templates" / "plan_mesure.yaml"
    assert [(c.id, c.type) for c in worksheet.columns] == [
        ("indicateur", "label"),
        ("porteur", "person"),
        ("frequence", "choice"),
        ("cible", "number"),
        ("source", "long_text"),
    ]
    assert worksheet.owner_column is not None and worksheet.owner_column.id == "porteur"
    assert [r.required for r in worksheet.rows] == [True, True, False]
    assert [q.id for q in worksheet.debrief] == ["apprentissages", "ajustements"]

    config = tmp_path / "initiative.yaml"
    config.write_text(
        EXAMPLE.read_text(encoding="utf-8") + "\nworksheets:\n  - templates/plan_mesure.yaml\n",
        encoding="utf-8",
    )
    initiative = api.load_initiative(config)
    made = api.generate(initiative, tmp_path / "copies", now=FIXED_NOW)
    copies = {c.partner_id: Path(c.where) for c in made}

    wb = openpyxl.load_workbook(copies["ecole-baril"])
    assert wb.sheetnames[1:4] == ["Canevas des progrès", "Infrastructure de soutien", TAB]
    ws = wb[TAB]
    assert [c.value for c in ws[4]] == [
        "Indicateur",
        "Porteur",
        "Fréquence",
        "Cible annuelle",
        "Source des données",
    ]
    assert [ws[f"A{r}"].value for r in (5, 6, 7)] == [
        "Familles rejointes",
        "Heures de bénévolat",
        "Nouveaux partenariats",
    ]
    assert ws.protection.sheet is True

    inbox = tmp_path / "inbox"
    results = lo.run_jobs(
        [
            lo.job(
                copies["ecole-baril"],
                ops=BARIL,
                save=[inbox / "baril.xlsx"],
                inspect={"cells": {TAB: ["A5", "B5", "C5", "D5"]}},
            ),
            lo.job(copies["cdc-hochelaga"], ops=HOCHELAGA, save=[inbox / "hochelaga.ods"]),
            lo.job(copies["cdc-hochelaga"], ops=[text(TAB, "A5", "Autre chose")]),  # a label: refused
        ]
    )
    assert results[0]["ok"] and results[1]["ok"], (results[0]["error"], results[1]["error"])
    assert "locked" in results[2]["error"]
    seen = results[0]["inspect"]
    assert next(s for s in seen["sheets"] if s["name"] == TAB)["protected"]
    cells = seen["cells"][TAB]
    assert cells["A5"]["locked"] and not cells["B5"]["locked"] and not cells["D5"]["locked"]
    assert "Mamadou Diallo" in cells["B5"]["validation"]["list"]  # the initiative's people
    assert cells["B5"]["validation"]["error_style"] == "WARNING"  # another name may still be typed
    assert cells["C5"]["validation"]["list"] == ["Mensuelle", "Trimestrielle", "Annuelle"]
    assert cells["D5"]["validation"]["type"] == "DECIMAL"

    pulled = api.pull([str(inbox)], initiative)
    assert not pulled.errors
    master = tmp_path / "master.xlsx"
    merged = api.merge(pulled, initiative, out=master, now=FIXED_NOW)
    values = merged.values
    assert values[("plan_mesure", "familles", "porteur")] == "Mamadou Diallo"
    assert values[("plan_mesure", "familles", "frequence")] == "Trimestrielle"
    assert values[("plan_mesure", "familles", "cible")] == 120
    assert values[("plan_mesure", "benevoles", "porteur")] == "Sophie Tremblay"
    assert values[("plan_mesure", "benevoles", "cible")] == 300
    rows = CalamineWorkbook.from_path(str(master)).get_sheet_by_name(TAB).to_python()
    assert ["Familles rejointes", "Mamadou Diallo", "Trimestrielle", 120.0, "Registre des inscriptions"] in [
        r[:5] for r in rows
    ]
    gaps = api.find_gaps(pulled, initiative, merged=merged)
    empty_rows = {
        (g.row, g.column) for g in gaps.gaps if g.worksheet == "plan_mesure" and g.kind.startswith("missing")
    }
    assert not any(r == "partenariats" for r, _ in empty_rows)  # the optional row is never asked for


def test_preview_shows_the_partners_view_as_pdf_and_png(tmp_path: Path) -> None:
    lo.require()
    design = api.template_export("backbone_infrastructure", tmp_path / "soutien.xlsx")
    pdf = api.template_preview(design, tmp_path / "apercu.pdf")
    shown = lo.pdf_text(pdf)
    assert "Qui peut jouer ce rôle?" in shown and "Influencer les politiques" in shown
    png = api.template_preview(design, tmp_path / "apercu.png", language="en")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "design-workbook.png"


def make_screenshot(target: Path, tab: str = "colonnes") -> Path:
    """The design of the test above, filled in Calc, one tab printed by LibreOffice, as a PNG."""
    from PIL import Image, ImageChops

    with tempfile.TemporaryDirectory(prefix="tk_design_shot_") as tmp:
        filled = Path(tmp, "plan_mesure.xlsx")
        lo.run_one(lo.job(api.template_new("plan", Path(tmp, "plan.xlsx")), ops=DESIGN_EDITS, save=[filled]))
        wb = openpyxl.load_workbook(filled)
        for sheet in wb.worksheets:
            sheet.sheet_state = "visible" if sheet.title == tab else "hidden"
        wb.active = wb.sheetnames.index(tab)
        wb[tab].page_setup.orientation = "landscape"
        wb[tab].print_options.gridLines = True  # what a coordinator sees on screen
        wb.save(filled)
        pdf = lo.to_pdf(filled, Path(tmp, "design.pdf"))
        subprocess.run(
            ["pdftoppm", "-png", "-r", "170", "-f", "1", "-l", "1", "-singlefile", str(pdf), f"{tmp}/page"],
            check=True,
        )
        page = Image.open(Path(tmp, "page.png")).convert("RGB")
        box = ImageChops.difference(page, Image.new("RGB", page.size, "white")).getbbox()
        if box:
            page = page.crop((max(0, box[0] - 12), max(0, box[1] - 12), box[2] + 12, box[3] + 12))
        target.parent.mkdir(parents=True, exist_ok=True)
        page.save(target, optimize=True)
    return target


if __name__ == "__main__":
    if lo.missing_reason() or shutil.which("pdftoppm") is None:
        reason = lo.missing_reason() or "apt-get install poppler-utils"
        sys.exit(f"LibreOffice and pdftoppm are needed: {reason}")
    print(make_screenshot(Path(sys.argv[1]) if len(sys.argv) > 1 else SCREENSHOT))
