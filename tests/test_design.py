"""Design workbooks: coordinators design worksheets in a spreadsheet; import checks them, writes templates."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLE, FIXED_NOW, TEMPLATES, fill
from toolkit import api
from toolkit.cli import main
from toolkit.design import DesignError
from toolkit.errors import BackendError, ConfigError, TemplateError
from toolkit.templates import load_worksheet

BUILT_IN = ["progress_canvas", "backbone_infrastructure"]
RESERVED = "est le nom d'un onglet que chaque copie a déjà : choisissez-en un autre"
TYPE_WORDS_FR = "libellé, texte, texte long, date, nombre, oui/non, choix, personne"


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("worksheet_id", BUILT_IN)
def test_export_then_import_gives_back_the_same_template(
    worksheet_id: str, language: str, tmp_path: Path
) -> None:
    design = api.template_export(worksheet_id, tmp_path / "design.xlsx", language=language)  # type: ignore[arg-type]
    result = api.template_import(design, tmp_path / "out")
    assert result.path == tmp_path / "out" / f"{worksheet_id}.yaml"
    assert result.worksheet == load_worksheet(TEMPLATES / f"{worksheet_id}.yaml")


def test_design_tabs_readme_and_dropdowns_on_fixed_words(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(api.template_new("Plan de mesure", tmp_path / "design.xlsx"))
    assert wb.sheetnames == ["Lisez-moi", "feuille", "colonnes", "lignes", "choix", "bilan"]
    readme = [str(c.value) for c in wb["Lisez-moi"]["A"] if c.value]
    assert {"feuille", "colonnes", "obligatoire", "responsable", "liste", "facultative"} <= set(readme)
    assert [c.value for c in wb["colonnes"][1]][:4] == ["id", "en-tête (fr)", "en-tête (en)", "type"]
    lists = {str(dv.sqref): dv.formula1 for dv in wb["colonnes"].data_validations.dataValidation}
    assert lists["D2:D301"] == f'"{TYPE_WORDS_FR.replace(", ", ",")}"'
    assert lists["E2:E301"] == lists["F2:F301"] == '"oui,non"'
    assert lists["H2:H301"] == "choix!$A$2:$A$301"  # list names come from the choix tab
    assert wb["feuille"]["B2"].value == "plan_de_mesure"


def test_english_design_has_english_names(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(api.template_new("plan", tmp_path / "design.xlsx", language="en"))
    assert wb.sheetnames == ["Read me", "sheet", "columns", "rows", "choices", "debrief"]
    assert [c.value for c in wb["columns"][1]][:5] == ["id", "header (fr)", "header (en)", "type", "required"]


def test_new_design_imports_as_it_is(tmp_path: Path) -> None:
    result = api.template_import(api.template_new("plan", tmp_path / "d.xlsx"), tmp_path / "t")
    worksheet = result.worksheet
    assert worksheet.id == "plan" and worksheet.version == 1
    assert [c.type for c in worksheet.columns] == ["label", "person", "choice", "long_text"]
    assert worksheet.owner_column is not None and worksheet.owner_column.id == "owner"


def test_design_words_in_either_language_and_any_case(tmp_path: Path) -> None:
    design = api.template_new("plan", tmp_path / "d.xlsx")
    fill(design, {("colonnes", "D3"): "Person", ("colonnes", "E3"): "YES", ("colonnes", "D5"): "Texte Long"})
    worksheet = api.template_import(design, tmp_path / "t").worksheet
    assert [c.type for c in worksheet.columns] == ["label", "person", "choice", "long_text"]


def broken_design(tmp_path: Path) -> Path:
    """Every kind of mistake at once: missing tab, duplicate id, unknown type, undefined list,
    header too long, formula in a label."""
    design = api.template_new("plan", tmp_path / "broken.xlsx")
    wb = openpyxl.load_workbook(design)
    del wb["lignes"]
    ws = wb["colonnes"]
    ws["A4"] = "owner"  # the id of the column above
    ws["D5"] = "dte"
    ws["H4"] = "statuts"  # no such list on the choix tab
    ws["B3"] = "R" * 120
    ws["C5"] = '=UPPER("comments")'
    wb["bilan"]["B2"] = '=CONCAT("Qu\'avons-nous ", "appris?")'
    wb.save(design)
    return design


def test_broken_design_lists_every_problem_with_its_cell_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "templates"
    with pytest.raises(DesignError) as caught:
        api.template_import(broken_design(tmp_path), out)
    assert str(caught.value).splitlines() == [
        "broken.xlsx : 7 problèmes, rien n'a été écrit :",
        "  colonnes!C5 : formule interdite — saisissez le texte lui-même",
        "  bilan!B2 : formule interdite — saisissez le texte lui-même",
        "  colonnes!B3 : en-tête trop long (120 caractères, 100 au plus)",
        "  colonnes!A4 : identifiant « owner » en double (déjà en colonnes!A3)",
        "  colonnes!H4 : liste « statuts » absente de l'onglet choix",
        f"  colonnes!D5 : type « dte » inconnu — attendu : {TYPE_WORDS_FR}",
        "  lignes : onglet absent",
    ]
    assert not out.exists()


def test_broken_design_in_english(tmp_path: Path) -> None:
    with pytest.raises(DesignError) as caught:
        api.template_import(broken_design(tmp_path), tmp_path / "out", language="en")
    lines = str(caught.value).splitlines()
    assert lines[0] == "broken.xlsx: 7 problems, nothing was written:"
    assert (
        "  colonnes!D5: unknown type “dte” — expected: label, text, long text, date, number, yes/no, "
        "choice, person" in lines
    )


def test_cli_import_reports_problems_and_exits_1(tmp_path: Path) -> None:
    design = broken_design(tmp_path)
    result = CliRunner().invoke(main, ["template", "import", str(design), "--out", str(tmp_path / "t")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Erreur : broken.xlsx : 7 problèmes, rien n'a été écrit :\n")
    assert "  lignes : onglet absent" in result.stderr.splitlines()
    assert not (tmp_path / "t").exists()


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (
            {("feuille", "B2"): "Plan Mesure", ("feuille", "B3"): "deux"},
            [
                "feuille!B2 : identifiant « Plan Mesure » non valide — lettres minuscules sans accents, "
                "chiffres et _, commençant par une lettre (40 au plus)",
                "feuille!B3 : version « deux » : un nombre entier de 1 à 1000000 est attendu",
            ],
        ),
        (
            {("feuille", "C5"): "Onglet: [2]", ("feuille", "B9"): "ouvertes"},
            [
                "feuille!C5 : nom d'onglet « Onglet: [2] » non valide — 31 caractères au plus, "
                "sans [ ] : * ? / \\ ni apostrophe au début ou à la fin",
                "colonnes!D2 : une feuille à lignes ouvertes n'a pas de colonne libellé",
                "lignes!A2 : une feuille à lignes ouvertes n'a pas de lignes fixes : videz cet onglet "
                "ou choisissez « fixes »",
                "feuille!B10 : entrées : valeur manquante",
                "feuille!B11 : clé : valeur manquante",
            ],
        ),
        (
            {("colonnes", "E3"): "peut-être", ("colonnes", "F4"): "oui", ("lignes", "C2"): ""},
            [
                "colonnes!E3 : obligatoire « peut-être » inconnu — attendu : oui, non",
                "colonnes!F4 : une seule colonne peut être responsable (déjà en colonnes!F3)",
                "colonnes!F4 : la colonne responsable est de type personne ou texte",
                "lignes!C2 : libellé (fr) : valeur manquante",
            ],
        ),
        (
            {("choix", "B3"): "À faire", ("bilan", "A2"): "first_item", ("feuille", "A12"): "couleur"},
            [
                "feuille!A12 : champ « couleur » inconnu — attendu : id, version, titre, onglet, "
                "description, contexte, consignes, lignes, entrées, clé",
                "choix!B3 : valeur « À faire » en double dans la liste « status » (déjà en choix!B2)",
                "bilan!A2 : identifiant « first_item » en double (déjà en lignes!A2)",
            ],
        ),
        (
            {("feuille", "B5"): "Lisez-moi", ("feuille", "C5"): "lists"},
            [
                f"feuille!B5 : « Lisez-moi » {RESERVED}",
                f"feuille!C5 : « lists » {RESERVED}",
            ],
        ),
        (
            {("lignes", "B2"): "Premier_x0013_élément"},
            ["lignes!B2 : caractère invisible interdit dans le texte (copié d'un autre logiciel?)"],
        ),
    ],
    ids=[
        "bad-id-and-version",
        "open-rows-half-done",
        "owner-and-yes-no",
        "fields-lists-ids",
        "reserved-tab",
        "control-char",
    ],
)
def test_each_mistake_points_at_its_cell(
    cells: dict[tuple[str, str], str], expected: list[str], tmp_path: Path
) -> None:
    design = api.template_new("plan", tmp_path / "d.xlsx")
    fill(design, {k: v or None for k, v in cells.items()})  # type: ignore[misc]
    with pytest.raises(DesignError) as caught:
        api.template_import(design, tmp_path / "t")
    assert [p.message("fr") for p in caught.value.problems] == expected


def test_a_file_that_is_not_a_workbook_is_refused_by_the_screened_reader(tmp_path: Path) -> None:
    design = tmp_path / "design.xlsx"
    design.write_bytes(b"<html>not a workbook</html>")
    with pytest.raises(DesignError) as caught:
        api.template_import(design, tmp_path / "t")
    assert (
        caught.value.problems[0]
        .message("fr")
        .startswith("design.xlsx : classeur illisible : ce n'est pas un classeur (.xlsx ou .ods)")
    )


def test_import_again_keeps_or_raises_the_version(tmp_path: Path) -> None:
    design = api.template_new("plan", tmp_path / "d.xlsx")
    first = api.template_import(design, tmp_path / "t")
    again = api.template_import(design, tmp_path / "t")
    assert (first.worksheet.version, again.changed, again.worksheet.version) == (1, False, 1)
    fill(design, {("colonnes", "B5"): "Remarques"})
    changed = api.template_import(design, tmp_path / "t")
    assert (changed.changed, changed.previous_version, changed.worksheet.version) == (True, 1, 2)


def initiative_with(tmp_path: Path, worksheets: list[str]) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    path = tmp_path / "initiative.yaml"
    listed = "".join(f"\n  - {w}" for w in worksheets)
    path.write_text(text + f"\nworksheets:{listed}\n", encoding="utf-8")
    return path


def test_initiative_takes_worksheets_from_designs_next_to_the_kit(tmp_path: Path) -> None:
    api.template_new("plan", tmp_path / "plan.xlsx")
    backbone = api.template_export("backbone_infrastructure", tmp_path / "soutien.xlsx")
    fill(backbone, {("feuille", "B3"): 2, ("colonnes", "B3"): "Qui porte ce rôle?"})
    initiative = api.load_initiative(initiative_with(tmp_path, ["plan.xlsx", "soutien.xlsx"]))
    kit = initiative.kit
    assert [w.id for w in kit.worksheets] == ["progress_canvas", "backbone_infrastructure", "plan"]
    changed = kit.worksheet("backbone_infrastructure")
    assert changed.version == 2 and changed.column("who").header.fr == "Qui porte ce rôle?"


def test_initiative_reports_a_broken_design(tmp_path: Path) -> None:
    broken_design(tmp_path)
    with pytest.raises(ConfigError) as caught:
        api.load_initiative(initiative_with(tmp_path, ["broken.xlsx"]))
    assert "initiative.yaml, ligne 63 : worksheets : broken.xlsx : 7 problèmes" in str(caught.value)
    assert "  lignes : onglet absent" in str(caught.value).splitlines()


def test_changed_design_between_rounds_is_recognised_when_copies_come_back(tmp_path: Path) -> None:
    design = api.template_new("plan", tmp_path / "plan.xlsx")
    api.template_import(design, tmp_path / "templates")
    config = initiative_with(tmp_path, ["templates/plan.yaml"])
    made = api.generate(api.load_initiative(config), tmp_path / "r1", now=FIXED_NOW)
    copies = {c.partner_id: c.where for c in made}
    fill(design, {("colonnes", "B5"): "Remarques"})
    assert api.template_import(design, tmp_path / "templates").worksheet.version == 2
    pulled = api.pull([str(copies["ecole-baril"])], api.load_initiative(config))
    notes = [(n.code, n.worksheet, dict(n.params)) for n in pulled.submissions[0].notes]
    assert ("template_version", "plan", {"copy": "1", "current": "2"}) in notes


def test_preview_as_xlsx_is_the_blank_copy_a_partner_receives(tmp_path: Path) -> None:
    design = api.template_new("plan", tmp_path / "d.xlsx")
    wb = openpyxl.load_workbook(api.template_preview(design, tmp_path / "apercu.xlsx"))
    assert wb.sheetnames[:2] == ["Lisez-moi", "Nouvelle feuille"]
    assert [c.value for c in wb["Nouvelle feuille"][4]] == ["Élément", "Responsable", "État", "Commentaires"]


def test_preview_without_libreoffice_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    design = api.template_new("plan", tmp_path / "d.xlsx")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(BackendError, match="LibreOffice \\(soffice\\) est introuvable"):
        api.template_preview(design, tmp_path / "apercu.pdf")
    assert not (tmp_path / "apercu.pdf").exists()


def test_cli_new_export_import(tmp_path: Path) -> None:
    runner = CliRunner()
    new = runner.invoke(main, ["template", "new", "plan", "--out", str(tmp_path / "d.xlsx")])
    assert new.exit_code == 0 and new.stdout == f"{tmp_path / 'd.xlsx'}\n"
    out = tmp_path / "t"
    first = runner.invoke(main, ["template", "import", str(tmp_path / "d.xlsx"), "--out", str(out)])
    assert first.stdout == f"{out / 'plan.yaml'} (version 1)\n"
    again = runner.invoke(main, ["template", "import", str(tmp_path / "d.xlsx"), "--out", str(out)])
    assert again.stdout == f"{out / 'plan.yaml'} : inchangé (version 1)\n"
    export = runner.invoke(main, ["template", "export", "nope", "--out", str(tmp_path / "x.xlsx")])
    assert export.exit_code == 1
    assert (
        export.stderr
        == "Erreur : nope : aucune feuille de travail de ce nom (disponibles : backbone_infrastructure, "
        "progress_canvas)\n"
    )


DOCS = Path(__file__).resolve().parent.parent / "docs"
GUIDES = {"fr": DOCS / "fr" / "concevoir-une-feuille.md", "en": DOCS / "en" / "design-a-worksheet.md"}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_guide_names_every_tab_and_column(language: str) -> None:
    from toolkit.design.format import TABS, TYPES

    guide = GUIDES[language].read_text(encoding="utf-8")
    assert "](../design-workbook.png)" in guide and (DOCS / "design-workbook.png").is_file()
    names = [t.name for t in TABS] + [f.name for t in TABS for f in t.fields] + list(TYPES.values())
    missing = [n(language) for n in names if f"`{n(language)}`" not in guide]  # type: ignore[arg-type]
    assert not missing


@pytest.mark.parametrize("language", ["fr", "en"])
def test_guide_example_of_problems_is_what_import_says(language: str, tmp_path: Path) -> None:
    name = "plan_mesure.xlsx" if language == "fr" else "plan.xlsx"
    design = api.template_new("plan", tmp_path / name, language=language)  # type: ignore[arg-type]
    tab = "colonnes" if language == "fr" else "columns"
    fill(design, {(tab, "A4"): "owner", (tab, "H4"): "statuts" if language == "fr" else "statuses"})
    fill(design, {(tab, "D5"): "dte"})
    wb = openpyxl.load_workbook(design)
    wb[tab]["C5"] = '=UPPER("comments")'
    wb.save(design)
    result = CliRunner().invoke(main, ["template", "import", str(design), "--out", str(tmp_path / "t")])
    guide = GUIDES[language].read_text(encoding="utf-8")
    example = guide.split("```text\n", 1)[1].split("```", 1)[0]
    assert result.stderr == example


OPEN_WORKSHEET = """\
id: action_plan
version: 3
title: {fr: Plan d'action, en: Action plan}
tab: {fr: Plan d'action, en: Action plan}
description: {fr: Les actions de chacun., en: Everyone's actions.}
usage: {fr: [Une action par ligne., Choisissez son axe.], en: [One action per line., Pick its axis.]}
columns:
  - {id: axis, type: choice, required: true, header: {fr: Axe, en: Axis},
     choices: {fr: [Santé, Éducation], en: [Health, Education]}}
  - {id: action, type: long_text, header: {fr: Action, en: Action}, width: 50,
     help: {fr: Une phrase., en: One sentence.}}
  - {id: lead, type: text, owner: true, header: {fr: Qui, en: Who}}
  - {id: done, type: yes_no, header: {fr: Fait, en: Done}}
  - {id: budget, type: number, header: {fr: Budget, en: Budget}}
  - {id: due, type: date, header: {fr: Échéance, en: Due}}
entries: 12
key: axis
"""


def test_open_worksheet_round_trip_from_a_template_file(tmp_path: Path) -> None:
    source = tmp_path / "action_plan.yaml"
    source.write_text(OPEN_WORKSHEET, encoding="utf-8")
    design = api.template_export(str(source), tmp_path / "plan.xlsx", language="en")
    assert openpyxl.load_workbook(design)["sheet"]["B9"].value == "open"
    assert api.template_import(design, tmp_path / "t").worksheet == load_worksheet(source)


def test_design_is_written_as_xlsx_only(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"s'écrit en \.xlsx"):
        api.template_new("plan", tmp_path / "plan.ods")
    assert not (tmp_path / "plan.ods").exists()


def test_cli_export_an_initiative_worksheet_in_its_language(tmp_path: Path) -> None:
    api.template_new("plan", tmp_path / "plan.xlsx", language="en")
    config = initiative_with(tmp_path, ["plan.xlsx"])
    out = tmp_path / "again.xlsx"
    result = CliRunner().invoke(
        main, ["template", "export", "plan", "--config", str(config), "--out", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    assert openpyxl.load_workbook(out).sheetnames[1] == "feuille"  # the example initiative is French
    expected = api.load_initiative(config).kit.worksheet("plan")
    assert api.template_import(out, tmp_path / "t").worksheet == expected


def test_the_core_loader_alone_reads_template_files_but_not_designs(tmp_path: Path) -> None:
    from toolkit.initiative import load_initiative as core_load

    api.template_import(api.template_new("plan", tmp_path / "plan.xlsx"), tmp_path / "templates")
    assert core_load(initiative_with(tmp_path, ["templates/plan.yaml"])).kit.worksheets[-1].id == "plan"
    with pytest.raises(ConfigError, match=r"plan\.xlsx : les classeurs de conception se lisent avec toolkit"):
        core_load(initiative_with(tmp_path, ["plan.xlsx"]))


def test_two_worksheets_with_one_tab_name_are_refused(tmp_path: Path) -> None:
    design = api.template_new("plan", tmp_path / "plan.xlsx")
    fill(design, {("feuille", "B5"): "Canevas des progrès"})
    expected = "worksheets : deux feuilles de travail ont le même nom d'onglet « canevas des progrès » (fr)"
    with pytest.raises(ConfigError, match=re.escape(expected)):
        api.load_initiative(initiative_with(tmp_path, ["plan.xlsx"]))
