"""`toolkit gaps` for a person: a 10-partner round with realistic partial returns fits on one screen,
starts with what needs action, and keeps every empty cell for --details; filters; JSON unchanged."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLE, FIXED_NOW, fill
from toolkit import api
from toolkit.cli import main

PROGRESS, BACKBONE = "Canevas des progrès", "Infrastructure de soutien"
EXTRA_PARTNERS = """  - id: frigo-partage
    name: Frigo partagé Hochelaga
    email: info@frigo.example
  - id: carrefour-familial
    name: Carrefour familial Hochelaga
    email: accueil@carrefour.example
"""


def _progress(rows: range, date: object = dt.datetime(2026, 11, 1)) -> dict[tuple[str, str], object]:
    cells: dict[tuple[str, str], object] = {(PROGRESS, f"B{r}"): "Activités menées cette année" for r in rows}
    return cells | {(PROGRESS, f"C{r}"): date for r in rows}


def _backbone(rows: range, who: str = "Mamadou Diallo") -> dict[tuple[str, str], object]:
    cells: dict[tuple[str, str], object] = {(BACKBONE, f"{c}{r}"): "texte" for r in rows for c in "CDE"}
    return cells | {(BACKBONE, f"B{r}"): who for r in rows}


@pytest.fixture(scope="module")
def round_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten partners: four complete or nearly, three half-done, three silent; a PDF sent by mistake."""
    root = tmp_path_factory.mktemp("ten")
    config = root / "initiative.yaml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8") + EXTRA_PARTNERS, encoding="utf-8")
    initiative = api.load_initiative(config)
    copies = {c.partner_id: Path(c.where) for c in api.generate(initiative, root / "copies", now=FIXED_NOW)}
    returns = root / "retours"
    returns.mkdir()
    answers = {
        "cdc-hochelaga": _progress(range(5, 11)) | _backbone(range(5, 10)),  # nobody owns "resources"
        "cpe-les-lucioles": _progress(range(5, 11)) | _backbone(range(5, 10), "Paul Inconnu"),
        "cuisine-collective": _progress(range(5, 11)) | _backbone(range(5, 8)),
        "ecole-baril": _progress(range(5, 8)) | {(PROGRESS, "C8"): "bientôt"},
        "ciusss-est": _progress(range(5, 11)) | _backbone(range(5, 10)),
        "maison-des-jeunes": _progress(range(5, 9)),
        "frigo-partage": _progress(range(5, 7), "le 3 décembre"),
    }
    for partner, cells in answers.items():
        fill(copies[partner], cells, save_as=returns / copies[partner].name)
    late = dt.datetime(2026, 12, 14, 15, tzinfo=dt.UTC).timestamp()
    os.utime(returns / copies["maison-des-jeunes"].name, (late, late))
    (returns / "rapport-annuel.xlsx").write_bytes(b"%PDF-1.7\n" + b"0" * 2000)
    return root


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, round_folder: Path) -> CliRunner:
    monkeypatch.chdir(round_folder)
    return CliRunner()


def test_default_output_fits_one_screen_and_starts_with_what_needs_action(run: CliRunner) -> None:
    result = run.invoke(main, ["gaps", "retours"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) <= 40, result.stdout
    assert lines[:4] == [
        "Suivi des retours — Hochelaga ensemble — Table de quartier",
        "Copies reçues : 7 sur 10 (6 à temps); 14 problèmes à régler",
        "",
        "À régler d'abord :",
    ]
    assert lines[4:8] == [
        "  Copies non reçues (3) :",
        "    • Aucune copie reçue de la Bibliothèque Maisonneuve.",
        "    • Aucune copie reçue de la Caisse populaire du Quartier.",
        "    • Aucune copie reçue du Carrefour familial Hochelaga.",
    ]
    text = result.stdout
    assert "  Valeurs non valides (3) :" in text and "« bientôt » ne convient pas à « Date »" in text
    assert "(Canevas des progrès) : année manquante; écrivez la date au complet (AAAA-MM-JJ)." in text
    assert (
        "  Personnes hors de la liste (5) :" in text and "    … et 2 autres (toolkit gaps --details)" in text
    )
    assert (
        "  Cellules que personne n'a remplies (1) :\n"
        "    • « Mobiliser les ressources (financières et autres) » "
        "(Infrastructure de soutien) : Forces actuelles, Faiblesses actuelles, Prochaines étapes\n"
        "  Rôles sans responsable (1) :\n"
    ) in text
    assert (
        "  Fichiers illisibles (1) :\n    • rapport-annuel.xlsx : ce n'est pas un classeur (.xlsx ou .ods)"
        in text
    )
    assert "missing_cell" not in text and "invalid_value" not in text  # labels, never codes
    table = lines[lines.index("Par partenaire :") + 1 :]
    assert table[0].split() == [
        "Partenaire",
        "Copie",
        "Cellules",
        "à",
        "remplir",
        "Valeurs",
        "non",
        "valides",
    ]
    row = next(line for line in table if "Maison des jeunes" in line)
    assert row.split()[4:] == ["reçue", "en", "retard", "28", "0"]
    assert next(line for line in table if "Caisse populaire" in line).split()[4:] == [
        "non",
        "reçue",
        "—",
        "—",
    ]
    assert lines[-1] == "Pour le détail (cellules vides, remarques de lecture : 116) : toolkit gaps --details"


def test_details_list_every_empty_cell(run: CliRunner) -> None:
    short = run.invoke(main, ["gaps", "retours"]).stdout
    full = run.invoke(main, ["gaps", "retours", "--details"]).stdout
    assert full.startswith(short.rsplit("\n\nPour le détail", 1)[0])
    details = full.split("\nDétail :\n")[1].splitlines()
    assert details[0] == "  Cellules vides (116) :"
    assert len([line for line in details if line.startswith("    • École primaire Baril : « ")]) == 30


def test_filters(run: CliRunner) -> None:
    one = run.invoke(main, ["gaps", "retours", "--partner", "frigo-partage", "--format", "json"])
    gaps = json.loads(one.stdout)["gaps"]
    assert gaps and {g["partner"] for g in gaps} == {"frigo-partage"}
    errors = json.loads(
        run.invoke(main, ["gaps", "retours", "--severity", "error", "--format", "json"]).stdout
    )
    assert {g["severity"] for g in errors["gaps"]} == {"error"} and len(errors["errors"]) == 1
    kind = run.invoke(main, ["gaps", "retours", "--kind", "missing_submission"]).stdout
    assert "Copies non reçues (3)" in kind and "Valeurs non valides" not in kind
    unknown = run.invoke(main, ["gaps", "retours", "--partner", "nope"])
    assert unknown.exit_code == 1 and "aucun partenaire n'a l'id « nope »" in unknown.stderr


def test_json_contract_unchanged(run: CliRunner) -> None:
    data = json.loads(run.invoke(main, ["gaps", "retours", "--format", "json"]).stdout)
    assert list(data) == ["initiative", "generated_at", "submissions", "gaps", "errors"]
    assert list(data["gaps"][0]) == ["kind", "severity", "worksheet", "row", "column", "partner", "message"]
    assert len(data["gaps"]) > 40  # the details are all there for scripts


def test_reminder_is_short_and_grouped_per_worksheet(round_folder: Path) -> None:
    initiative = api.load_initiative(round_folder / "initiative.yaml")
    report = api.find_gaps([round_folder / "retours"], initiative, now=FIXED_NOW)
    reminders = {r.partner: r for r in api.build_reminders(report, initiative, today=dt.date(2026, 12, 2))}
    text = reminders["ecole-baril"].text
    assert text.startswith(
        "Bonjour Sophie Tremblay,\n\nMerci pour la copie de l'École primaire Baril pour "
        "« Hochelaga ensemble — Table de quartier ». Voici ce qu'il reste à faire :\n\n"
        "Valeurs à corriger :\n  - « bientôt » ne convient pas à « Date » pour "
    )
    assert "Onglet « Infrastructure de soutien » : tout est encore à remplir (24 cellules)\n" in text
    assert len(text.splitlines()) <= 25  # 30 empty cells, yet a short message
    assert "Aucune copie" not in text and "Nous n'avons pas encore reçu la copie du Carrefour familial" in (
        reminders["carrefour-familial"].text
    )


def _md_kinds(markdown: str) -> set[str]:
    rows = [line.split(" | ") for line in markdown.splitlines() if line.startswith("| ") and " | " in line]
    return {
        row[1]
        for row in rows
        if len(row) == 3 and row[0] in ("| erreur", "| avertissement", "| error", "| warning")
    }


def test_markdown_names_gap_kinds_in_the_user_language(run: CliRunner, round_folder: Path) -> None:
    french = _md_kinds(run.invoke(main, ["gaps", "retours", "--format", "md"]).stdout)
    assert {"Copies non reçues", "Valeurs non valides", "Cellules vides", "Fichiers illisibles"} <= french
    english_file = round_folder / "initiative-en.yaml"
    english_file.write_text(
        (round_folder / "initiative.yaml")
        .read_text(encoding="utf-8")
        .replace("language: fr", "language: en"),
        encoding="utf-8",
    )
    english = _md_kinds(
        run.invoke(main, ["gaps", "retours", "--format", "md", "--config", str(english_file)]).stdout
    )
    assert {"Copies not received", "Invalid values", "Empty cells", "Unreadable files"} <= english
    assert not any("_" in kind for kind in french | english)  # never a raw code such as missing_cell
