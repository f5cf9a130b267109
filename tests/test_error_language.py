"""Errors a coordinator meets before anything is done are in the initiative's language, word for word."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLE
from toolkit import api
from toolkit.cli import main


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample initiative (French) in the current folder, an English twin beside it, two copies."""
    text = EXAMPLE.read_text(encoding="utf-8")
    (tmp_path / "initiative.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "english.yaml").write_text(text.replace("language: fr", "language: en"), encoding="utf-8")
    api.generate(api.load_initiative(tmp_path / "initiative.yaml"), tmp_path / "retours", blank=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


CASES = [
    (
        ["report", "retours", "--out", "bilan.docx"],
        "Erreur : bilan.docx : la trousse ne sait pas écrire ce type de fichier; choisissez parmi : .html, "
        ".htm, .txt, .md, .json, .xlsx, .pdf",
        "Error: bilan.docx: cannot write this kind of file; supported: .html, .htm, .txt, .md, .json, .xlsx, "
        ".pdf",
        1,
    ),
    (
        ["merge", "retours", "--out", "maitre.ods"],
        "Erreur : maitre.ods : la trousse ne sait pas écrire ce type de fichier; choisissez parmi : .xlsx, "
        "gsheets:",
        "Error: maitre.ods: cannot write this kind of file; supported: .xlsx, gsheets:",
        1,
    ),
    (
        ["generate"],
        "Erreur : --out est obligatoire avec --backend xlsx : le dossier où écrire les classeurs",
        "Error: --out is required with --backend xlsx: the folder to write the workbooks into",
        2,
    ),
    (
        ["report", "retours", "--format", "xlsx"],
        "Erreur : --format xlsx s'écrit dans un fichier : ajoutez --out FICHIER",
        "Error: --format xlsx needs --out FILE",
        2,
    ),
    (
        ["generate", "--out", "ronde-2", "--prefill", "retours/hochelaga-ensemble_cdc-hochelaga.xlsx"],
        "Erreur : retours/hochelaga-ensemble_cdc-hochelaga.xlsx : ce n'est pas un classeur maître (produit "
        "par « toolkit merge »); impossible de partir de ce fichier",
        "Error: retours/hochelaga-ensemble_cdc-hochelaga.xlsx: not a master workbook (made by 'toolkit "
        "merge'); cannot use it",
        1,
    ),
    (
        ["template", "export", "plan_mesure", "--out", "plan.xlsx", "--config", "{config}"],
        "Erreur : plan_mesure : aucune feuille de travail de ce nom (disponibles : progress_canvas, "
        "backbone_infrastructure)",
        "Error: plan_mesure: no such worksheet (available: progress_canvas, backbone_infrastructure)",
        1,
    ),
]
IDS = [
    "report-suffix",
    "master-suffix",
    "out-required",
    "format-needs-out",
    "prefill-not-master",
    "worksheet",
]


@pytest.mark.parametrize(("args", "french", "english", "code"), CASES, ids=IDS)
def test_refusals_in_the_initiative_language(
    folder: Path, args: list[str], french: str, english: str, code: int
) -> None:
    runner = CliRunner()
    with_config = [a.replace("{config}", "initiative.yaml") for a in args]
    done = runner.invoke(main, with_config, prog_name="toolkit", env={"TOOLKIT_LANG": "en"})
    assert (done.exit_code, done.stderr.splitlines()[-1]) == (code, french)  # the initiative says French
    english_args = [a.replace("{config}", "english.yaml") for a in args]
    if "--config" not in english_args:
        english_args += ["--config", "english.yaml"]
    done = runner.invoke(main, english_args, prog_name="toolkit", env={"TOOLKIT_LANG": "fr"})
    assert (done.exit_code, done.stderr.splitlines()[-1]) == (code, english)
    assert not (folder / "bilan.docx").exists() and not (folder / "maitre.ods").exists()


def test_init_refuses_in_the_user_language(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["init", str(tmp_path)])
    target = tmp_path / "initiative.yaml"
    again = runner.invoke(main, ["init", str(tmp_path)], env={"TOOLKIT_LANG": "fr"})
    assert again.stderr == f"Erreur : {target} : ce fichier existe déjà; il n'a pas été remplacé\n"
    again = runner.invoke(main, ["init", str(tmp_path)], env={"TOOLKIT_LANG": "en", "LANG": "fr_CA.UTF-8"})
    assert again.stderr == f"Error: {target}: already exists; not overwritten\n"


def test_design_preview_refuses_an_unknown_suffix_in_french(tmp_path: Path) -> None:
    done = CliRunner().invoke(
        main, ["template", "preview", "progress_canvas", "--out", str(tmp_path / "apercu.doc")]
    )
    assert done.exit_code == 1
    assert done.stderr == (
        f"Erreur : {tmp_path / 'apercu.doc'} : la trousse ne sait pas écrire ce type de fichier; choisissez "
        "parmi : .pdf, .png, .xlsx\n"
    )


def test_google_sign_in_problems_in_the_initiative_language(folder: Path) -> None:
    runner = CliRunner()
    unset = runner.invoke(main, ["auth", "google"], env={"TOOLKIT_LANG": "en"})
    assert unset.exit_code == 1
    assert unset.stderr.splitlines()[-1] == (
        "Erreur : google.credentials : le fichier du client OAuth (application de bureau) n'est pas indiqué"
    )
    english = folder / "english.yaml"
    english.write_text(english.read_text(encoding="utf-8") + "google:\n  credentials: client.json\n", "utf-8")
    missing = runner.invoke(main, ["auth", "google", "--config", str(english)], env={"TOOLKIT_LANG": "fr"})
    assert missing.stderr.splitlines()[-1] == f"Error: {folder / 'client.json'}: OAuth client file not found"
    french = folder / "initiative.yaml"
    french.write_text(
        french.read_text(encoding="utf-8") + "google:\n  auth: service_account\n  credentials: cle.json\n",
        "utf-8",
    )
    key = runner.invoke(main, ["auth", "google"], env={"TOOLKIT_LANG": "en"})
    assert key.stderr.splitlines()[-1] == (
        f"Erreur : {folder / 'cle.json'} : fichier de clé du compte de service introuvable"
    )


def test_a_history_from_a_newer_toolkit_is_refused_in_french(folder: Path) -> None:
    import sqlite3

    from toolkit.history import SCHEMA_VERSION

    path = folder / "history.sqlite"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    done = CliRunner().invoke(main, ["history", "--history", str(path)], env={"TOOLKIT_LANG": "en"})
    assert done.exit_code == 1
    assert done.stderr.splitlines()[-1] == (
        f"Erreur : {path} : historique écrit par une version plus récente de la trousse "
        f"(schéma {SCHEMA_VERSION + 1} > {SCHEMA_VERSION}); mettez la trousse à jour"
    )


def test_an_unreadable_copy_is_named_in_french_without_an_english_tail(folder: Path) -> None:
    fake = folder / "retours" / "rapport-annuel.xlsx"
    fake.write_bytes(b"%PDF-1.7\n" + b"0" * 200)
    done = CliRunner().invoke(main, ["pull", "retours"], env={"TOOLKIT_LANG": "en"})
    assert done.exit_code == 0
    assert f"✗ {Path('retours') / 'rapport-annuel.xlsx'} : ce n'est pas un classeur (.xlsx ou .ods)" in (
        done.stdout.splitlines()
    )


def test_an_unreadable_register_of_issued_copies_is_explained_in_french(folder: Path) -> None:
    register = folder / "issued_copies.json"
    register.write_text("{ pas du JSON", encoding="utf-8")
    done = CliRunner().invoke(main, ["pull", "retours"], env={"TOOLKIT_LANG": "en"})
    assert done.exit_code == 1
    line = done.stderr.splitlines()[-1]
    assert line.startswith(f"Erreur : {register} : registre des copies émises illisible (")
    assert line.endswith(
        "remettez la version de votre sauvegarde, ou supprimez-le : les copies seront alors reçues sans "
        "vérification de leur code"
    )


def test_a_file_that_is_no_worksheet_is_refused_in_french(tmp_path: Path) -> None:
    from toolkit.design.actions import load_any_worksheet
    from toolkit.errors import TemplateError

    with pytest.raises(TemplateError) as refused:
        load_any_worksheet(tmp_path / "plan.docx", "fr")
    assert str(refused.value) == (
        "plan.docx : une feuille de travail est un classeur de conception (.xlsx, .ods) ou un gabarit (.yaml)"
    )


def test_google_token_problems_in_french(tmp_path: Path) -> None:
    from toolkit.backends.gsheets.auth import save_token
    from toolkit.errors import BackendError

    with pytest.raises(BackendError) as refused:
        save_token(object(), tmp_path / "jeton.json")  # type: ignore[arg-type]
    assert str(refused.value) == "Google : seule une autorisation d'utilisateur (OAuth) peut être enregistrée"
