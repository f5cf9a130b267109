"""A worksheet template or kit the coordinator edited, when broken, is explained in the run's language:
French word for word, English when the initiative is English; through the CLI, « Erreur : … » in French."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import EXAMPLE
from tests.test_templates import OPEN_TEMPLATE
from toolkit import api
from toolkit.cli import main
from toolkit.errors import ConfigError, TemplateError
from toolkit.templates import load_kit, load_worksheet

Change = Callable[[dict[str, Any]], None]


def _column(data: dict[str, Any], column_id: str) -> dict[str, Any]:
    return next(c for c in data["columns"] if c["id"] == column_id)


def _misspell_header(data: dict[str, Any]) -> None:
    column = _column(data, "action")
    column["heder"] = column.pop("header")


# (change to the open template action_plan.yaml, French problem, English problem)
WORKSHEET_CASES: list[tuple[Change, str, str]] = [
    (
        lambda d: d.update(id="plan_action"),
        "action_plan.yaml : id : « plan_action » doit être le nom du fichier (« action_plan.yaml »); "
        "renommez le fichier ou changez l'id",
        "action_plan.yaml: id: 'plan_action' must match the file name ('action_plan.yaml')",
    ),
    (
        lambda d: _column(d, "due").update(id="action"),
        "action_plan.yaml : columns : deux colonnes ont l'id « action »",
        "action_plan.yaml: columns: duplicate id 'action'",
    ),
    (
        lambda d: _column(d, "action").update(type="choice"),
        "action_plan.yaml : colonne n° 2 (action), choices : une colonne « choice » a besoin de sa liste de "
        "choix en français (fr) et en anglais (en)",
        "action_plan.yaml: column 2 (action), choices: a 'choice' column needs choices in fr and en",
    ),
    (
        lambda d: d.update(key="strategie"),
        "action_plan.yaml : key : « strategie » n'est l'id d'aucune colonne",
        "action_plan.yaml: key: 'strategie' is not a column id",
    ),
    (
        _misspell_header,
        "action_plan.yaml : colonne n° 2 (action) : « heder » n'est pas un réglage connu; vouliez-vous dire "
        "« header »?\n"
        "action_plan.yaml : colonne n° 2 (action) : réglage obligatoire manquant : « header »",
        "action_plan.yaml: column 2 (action): 'heder' is not a known setting; did you mean 'header'?\n"
        "action_plan.yaml: column 2 (action): required setting missing: 'header'",
    ),
    (
        lambda d: _column(d, "due").update(type="dat"),
        "action_plan.yaml : colonne n° 4 (due), type : « dat » n'est pas une valeur permise; choisissez "
        "parmi : label, text, long_text, date, person, choice, number, yes_no",
        "action_plan.yaml: column 4 (due), type: 'dat' is not allowed; choose one of: label, text, "
        "long_text, date, person, choice, number, yes_no",
    ),
    (
        lambda d: d["tab"].update(fr="Plan : action"),
        "action_plan.yaml : tab.fr : nom d'onglet « Plan : action » non valide; ni [ ] : * ? / \\, ni "
        "apostrophe au début ou à la fin",
        "action_plan.yaml: tab.fr: tab name 'Plan : action' is not valid; no [ ] : * ? / \\, and no "
        "apostrophe at either end",
    ),
    (
        lambda d: d.update(entries=0),
        "action_plan.yaml : entries : au moins 1 (ici 0)",
        "action_plan.yaml: entries: at least 1 (here 0)",
    ),
    (
        lambda d: d.update(rows=[{"id": "one", "label": {"fr": "Un", "en": "One"}}]),
        "action_plan.yaml : donnez soit « rows » (une feuille à lignes fixes), soit « entries » et « key » "
        "(une feuille à lignes ouvertes)",
        "action_plan.yaml: give either 'rows' (a fixed worksheet) or 'entries' and 'key' (an open worksheet)",
    ),
]
WORKSHEET_IDS = [
    "id-not-file-name",
    "duplicate-column",
    "choice-without-choices",
    "unknown-key",
    "misspelt-property",
    "unknown-type",
    "bad-tab-name",
    "below-minimum",
    "rows-and-entries",
]


def _write(folder: Path, change: Change) -> Path:
    data = yaml.safe_load(OPEN_TEMPLATE)
    change(data)
    path = folder / "action_plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "french", "english"), WORKSHEET_CASES, ids=WORKSHEET_IDS)
def test_a_broken_worksheet_template_in_both_languages(
    tmp_path: Path, change: Change, french: str, english: str
) -> None:
    path = _write(tmp_path, change)
    with pytest.raises(TemplateError) as refused:
        load_worksheet(path)  # the user's language: French here (conftest)
    assert (str(refused.value), refused.value.language) == (french, "fr")
    with pytest.raises(TemplateError) as refused:
        load_worksheet(path, language="en")
    assert (str(refused.value), refused.value.language) == (english, "en")


@pytest.mark.parametrize(("change", "french", "english"), WORKSHEET_CASES, ids=WORKSHEET_IDS)
def test_the_initiative_language_words_its_worksheets_problems(
    tmp_path: Path, change: Change, french: str, english: str
) -> None:
    _write(tmp_path, change)
    text = EXAMPLE.read_text(encoding="utf-8") + "worksheets:\n  - action_plan.yaml\n"
    line = text.count("\n")  # the line that names the template
    (tmp_path / "initiative.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "english.yaml").write_text(text.replace("language: fr", "language: en"), encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        api.load_initiative(tmp_path / "initiative.yaml")
    assert str(refused.value) == f"initiative.yaml, ligne {line} : worksheets : {french}"
    with pytest.raises(ConfigError) as refused:
        api.load_initiative(tmp_path / "english.yaml")  # the user is French; the initiative English
    assert str(refused.value) == f"english.yaml, line {line}: worksheets: {english}"


def _kit_folder(tmp_path: Path, worksheets: list[str]) -> Path:
    folder = tmp_path / "gabarits"
    folder.mkdir()
    (folder / "action_plan.yaml").write_text(OPEN_TEMPLATE, encoding="utf-8")
    twin = yaml.safe_load(OPEN_TEMPLATE)
    twin["id"] = "follow_up"
    twin["tab"]["en"] = "Follow-up"  # the French tab stays « Plan d'action »
    (folder / "follow_up.yaml").write_text(yaml.safe_dump(twin, allow_unicode=True), encoding="utf-8")
    kit = {"id": "plan", "version": 1, "title": {"fr": "Plan", "en": "Plan"}, "worksheets": worksheets}
    (folder / "plan.kit.yaml").write_text(yaml.safe_dump(kit), encoding="utf-8")
    return folder


KIT_CASES = [
    (
        "plan",
        ["action_plan", "suivi"],
        "plan.kit.yaml : worksheets : feuille de travail « suivi » introuvable (aucun fichier suivi.yaml "
        "dans {folder})",
        "plan.kit.yaml: worksheets: no worksheet 'suivi' (no suivi.yaml in {folder})",
    ),
    (
        "plan",
        ["action_plan", "follow_up"],
        "plan.kit.yaml : worksheets : deux feuilles de travail ont le même nom d'onglet « plan d'action » "
        "(fr)",
        "plan.kit.yaml: worksheets: two worksheets share the fr tab name 'plan d'action'",
    ),
    (
        "plan",
        ["action_plan", "action_plan"],
        "plan.kit.yaml : worksheets : « action_plan » est nommée deux fois\n"
        "plan.kit.yaml : worksheets : deux feuilles de travail ont le même nom d'onglet « plan d'action » "
        "(fr)\n"
        "plan.kit.yaml : worksheets : deux feuilles de travail ont le même nom d'onglet « action plan » (en)",
        "plan.kit.yaml: worksheets: 'action_plan' is listed twice\n"
        "plan.kit.yaml: worksheets: two worksheets share the fr tab name 'plan d'action'\n"
        "plan.kit.yaml: worksheets: two worksheets share the en tab name 'action plan'",
    ),
    (
        "plan",
        ["Plan-Action"],
        "plan.kit.yaml : worksheets.0 : l'id « Plan-Action » ne convient pas; écrivez de 1 à 40 lettres "
        "minuscules sans accents, chiffres et _, en commençant par une lettre, par exemple « plan_action »",
        "plan.kit.yaml: worksheets.0: id 'Plan-Action' is not valid; write 1 to 40 lowercase letters "
        "without accents, digits and _, starting with a letter, for example 'action_plan'",
    ),
    (
        "bilan",
        ["action_plan"],
        "{folder}/bilan.kit.yaml : trousse introuvable (disponibles : plan)",
        "{folder}/bilan.kit.yaml: no such kit (available: plan)",
    ),
]


@pytest.mark.parametrize(
    ("kit", "worksheets", "french", "english"),
    KIT_CASES,
    ids=["missing-worksheet", "same-tab", "listed-twice", "bad-worksheet-id", "no-such-kit"],
)
def test_a_broken_kit_in_both_languages(
    tmp_path: Path, kit: str, worksheets: list[str], french: str, english: str
) -> None:
    folder = _kit_folder(tmp_path, worksheets)
    with pytest.raises(TemplateError) as refused:
        load_kit(kit, folder)
    assert str(refused.value) == french.format(folder=folder)
    with pytest.raises(TemplateError) as refused:
        load_kit(kit, folder, language="en")
    assert str(refused.value) == english.format(folder=folder)


def test_two_given_worksheets_with_one_tab_name_in_english(tmp_path: Path) -> None:
    folder = _kit_folder(tmp_path, ["action_plan"])
    text = EXAMPLE.read_text(encoding="utf-8").replace("language: fr", "language: en")
    text += "worksheets:\n  - gabarits/action_plan.yaml\n  - gabarits/follow_up.yaml\n"
    (tmp_path / "initiative.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        api.load_initiative(tmp_path / "initiative.yaml")
    assert folder.is_dir() and str(refused.value) == (
        f"initiative.yaml, line {text.count(chr(10)) - 2}: worksheets: two worksheets share the fr tab name "
        "'plan d'action'"
    )


def test_the_cli_says_a_broken_template_entirely_in_french(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["id"] = "plan"
        _column(data, "done")["type"] = "choice"

    _write(tmp_path, change)
    text = EXAMPLE.read_text(encoding="utf-8") + "worksheets:\n  - action_plan.yaml\n"
    (tmp_path / "initiative.yaml").write_text(text, encoding="utf-8")
    done = CliRunner().invoke(
        main,
        ["generate", "--config", str(tmp_path / "initiative.yaml"), "--out", str(tmp_path / "out")],
        env={"TOOLKIT_LANG": "en"},  # the initiative is French: so is every line
    )
    assert done.exit_code == 1
    line = text.count("\n")
    assert done.stderr == (
        f"Erreur : initiative.yaml, ligne {line} : worksheets : action_plan.yaml : id : « plan » doit être "
        "le nom du fichier (« action_plan.yaml »); renommez le fichier ou changez l'id\n"
        "action_plan.yaml : colonne n° 5 (done), choices : une colonne « choice » a besoin de sa liste de "
        "choix en français (fr) et en anglais (en)\n"
    )
    assert not (tmp_path / "out").exists()


def test_a_template_that_is_no_mapping(tmp_path: Path) -> None:
    path = tmp_path / "action_plan.yaml"
    path.write_text("- id: action_plan\n", encoding="utf-8")
    with pytest.raises(TemplateError) as refused:
        load_worksheet(path)
    assert str(refused.value) == (
        "action_plan.yaml : le gabarit doit décrire la feuille par des réglages « clé: valeur » (id, "
        "version, title, columns …)"
    )


def test_a_kit_that_is_no_mapping(tmp_path: Path) -> None:
    (tmp_path / "plan.kit.yaml").write_text("- action_plan\n", encoding="utf-8")
    with pytest.raises(TemplateError) as refused:
        load_kit("plan", tmp_path, language="en")
    assert str(refused.value) == (
        "plan.kit.yaml: the kit must be described as 'key: value' settings (id, version, title, worksheets)"
    )


def test_template_preview_of_a_broken_template_in_french(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda d: d.update(key="strategie"))
    done = CliRunner().invoke(
        main, ["template", "preview", str(path), "--out", str(tmp_path / "apercu.xlsx")], env={"LANG": "C"}
    )
    assert (done.exit_code, done.stderr) == (
        1,
        "Erreur : action_plan.yaml : key : « strategie » n'est l'id d'aucune colonne\n",
    )
