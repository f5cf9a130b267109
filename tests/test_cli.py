"""The `toolkit` command: exit codes and the exact lines a user sees."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLE
from toolkit.cli import main


@pytest.fixture
def run() -> CliRunner:
    return CliRunner()  # the user's language is French (conftest.french_user)


def test_help_lists_every_verb(run: CliRunner) -> None:
    result = run.invoke(main, ["--help"])
    assert result.exit_code == 0
    for verb in ("init", "generate", "pull", "merge", "gaps"):
        assert f"  {verb} " in result.stdout


def test_every_command_has_help(run: CliRunner) -> None:
    for name, command in main.commands.items():  # type: ignore[attr-defined]
        assert command.help, f"'toolkit {name}' has no help text"


def test_generate_writes_and_says_where(run: CliRunner, tmp_path: Path) -> None:
    result = run.invoke(
        main, ["generate", "--config", str(EXAMPLE), "--out", str(tmp_path), "--partner", "ecole-baril"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        str(tmp_path / "hochelaga-ensemble_ecole-baril.xlsx"),
        str(tmp_path / "hochelaga-ensemble_vierge.xlsx"),
        f"2 classeurs écrits dans {tmp_path}",
    ]


def test_generate_in_english(run: CliRunner, tmp_path: Path) -> None:
    result = run.invoke(main, ["generate", "--config", str(EXAMPLE), "--out", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == f"9 workbooks written to {tmp_path}"


@pytest.mark.parametrize(
    "config_text, expected",
    [
        (
            "name: x\nlanguage: fr\nkit: collective_impact\npartners:\n  - {id: '../x', name: A}\n",
            "Erreur : initiative.yaml, ligne 5 : partenaire n° 1 (A) : l'id « ../x » ne peut pas servir "
            "de nom de fichier",
        ),
        (
            "name: x\nlanguage: fr\nkit: collective_impact\npartners:\n  - {id: con, name: A}\n",
            "Erreur : initiative.yaml, ligne 5 : partenaire n° 1 (A) : l'id « con » est un nom réservé "
            "(Windows ou copie vierge); choisissez-en un autre",
        ),
        (
            "name: x\nlanguage: de\nkit: collective_impact\npartners:\n  - {id: a, name: A}\n",
            "Erreur : initiative.yaml, ligne 2 : language : « de » n'est pas une valeur permise; "
            "choisissez parmi : fr, en",
        ),
        ("name: [x\n", "Erreur : initiative.yaml, ligne 2 : le texte n'est pas écrit correctement"),
    ],
    ids=["unsafe-id", "reserved-id", "unknown-language", "malformed"],
)
def test_bad_config_is_one_line_exit_1_nothing_written(
    run: CliRunner, tmp_path: Path, config_text: str, expected: str
) -> None:
    config = tmp_path / "initiative.yaml"
    config.write_text(config_text, encoding="utf-8")
    result = run.invoke(main, ["generate", "--config", str(config), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(expected) and len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_broken_template_names_file_and_path(run: CliRunner, tmp_path: Path, template_dir: Path) -> None:
    path = template_dir / "progress_canvas.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("type: date", "type: dat"), encoding="utf-8")
    config = tmp_path / "initiative.yaml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8") + f"templates: {template_dir}\n", encoding="utf-8")
    result = run.invoke(main, ["generate", "--config", str(config), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Erreur : initiative.yaml, ligne 6 : kit : la trousse « collective_impact » est invalide :\n"
        "progress_canvas.yaml : colonne n° 3 (date), type : « dat » n'est pas une valeur permise; choisissez "
        "parmi : label, text, long_text, date, person, choice, number, yes_no\n"
    )
    assert not (tmp_path / "out").exists()


def test_missing_config(run: CliRunner, tmp_path: Path) -> None:
    result = run.invoke(main, ["generate", "--config", str(tmp_path / "nope.yaml"), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"Erreur : {tmp_path / 'nope.yaml'} : fichier introuvable\n"


def test_bad_flag_is_usage_error(run: CliRunner) -> None:
    result = run.invoke(main, ["generate", "--lang", "de"])
    assert result.exit_code == 2


def test_init_then_refuses_to_overwrite(run: CliRunner, tmp_path: Path) -> None:
    assert run.invoke(main, ["init", str(tmp_path)]).stdout == f"{tmp_path / 'initiative.yaml'}\n"
    again = run.invoke(main, ["init", str(tmp_path)])
    assert again.exit_code == 1
    assert (
        again.stderr
        == f"Erreur : {tmp_path / 'initiative.yaml'} : ce fichier existe déjà; il n'a pas été remplacé\n"
    )


def test_readme_documents_every_command() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for name in main.commands:  # type: ignore[attr-defined]
        assert f"toolkit {name}" in readme, f"README.md does not show 'toolkit {name}'"


def test_report_and_history(run: CliRunner, tmp_path: Path) -> None:
    from toolkit import api

    initiative = api.load_initiative(EXAMPLE)
    copies = api.generate(initiative, tmp_path / "copies", partners=["ecole-baril"], blank=False)
    history = tmp_path / "h.sqlite"
    out = tmp_path / "rapport.html"
    args = ["report", str(copies[0].path), "--config", str(EXAMPLE), "--history", str(history)]
    first = run.invoke(main, [*args, "--out", str(out)])
    assert first.exit_code == 0, first.output
    assert first.stdout == f"{out}\n"
    page = out.read_text(encoding="utf-8")
    # the label before the value: "Copies reçues 1 sur 8" (not "1 sur 8 Copies reçues") as text
    assert '<span class="label">Copies reçues</span><span class="value">1 sur 8</span>' in page
    text = run.invoke(main, [*args, "--format", "text", "--fail-on-gaps"])
    assert text.exit_code == 1  # seven partners have not answered
    assert "Copies reçues : 1 sur 8" in text.stdout
    listed = run.invoke(
        main, ["history", "--config", str(EXAMPLE), "--history", str(history), "--format", "json"]
    )
    assert listed.exit_code == 0 and len(__import__("json").loads(listed.stdout)) == 2


def test_report_email_failure_exits_3_and_keeps_the_report(run: CliRunner, tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = tmp_path / "initiative.yaml"
    config.write_text(
        EXAMPLE.read_text(encoding="utf-8")
        + f"smtp: {{host: 127.0.0.1, port: {port}, security: none, sender: rapport@example.org}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "rapport.html"
    result = run.invoke(
        main, ["report", str(tmp_path), "--config", str(config), "--out", str(out), "--email"]
    )
    assert result.exit_code == 3
    assert out.is_file()
    assert result.stderr.startswith("Erreur : ") and f"127.0.0.1:{port}" in result.stderr


def test_config_found_in_a_parent_folder(run: CliRunner, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "initiative.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    inside = tmp_path / "retours" / "semaine-1"
    inside.mkdir(parents=True)
    monkeypatch.chdir(inside)
    result = run.invoke(main, ["history"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == f"Fichier d'initiative : {tmp_path.resolve() / 'initiative.yaml'}"
    assert result.stdout == "Aucun rapport enregistré.\n"


def test_no_config_anywhere_is_a_clear_error(run: CliRunner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run.invoke(main, ["gaps", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Erreur : aucun fichier initiative.yaml dans ce dossier ({tmp_path.resolve()}) ni au-dessus; "
        "indiquez-le avec --config FICHIER ou créez-en un avec « toolkit init »\n"
    )
    monkeypatch.setenv("TOOLKIT_LANG", "en")
    english = run.invoke(main, ["gaps", str(tmp_path)])
    assert english.stderr.startswith("Error: no initiative.yaml in this folder (")


def test_warnings_are_printed_and_the_command_goes_on(run: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "initiative.yaml"
    config.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("deadline: 2026-12-11", "deadline: 2020-01-10"),
        encoding="utf-8",
    )
    result = run.invoke(main, ["history", "--config", str(config)])
    assert result.exit_code == 0
    assert result.stderr == (
        "Attention : initiative.yaml, ligne 7 : date limite : le 10 janvier 2020 est déjà passé; "
        "changez-la si vous préparez une nouvelle ronde\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["generate", "--out", "copies"],
        ["merge", ".", "--out", "maitre.xlsx"],
        ["gaps", "."],
        ["report", "."],
        ["history"],
        ["auth", "google"],
    ],
    ids=lambda args: args[0] if args[0] != "auth" else "auth-google",
)
def test_every_command_looks_for_initiative_yaml(
    run: CliRunner, tmp_path: Path, monkeypatch, args: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run.invoke(main, args)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Erreur : aucun fichier initiative.yaml dans ce dossier")


def test_pull_of_a_missing_or_empty_folder_is_an_error(run: CliRunner, tmp_path: Path) -> None:
    missing = run.invoke(main, ["pull", str(tmp_path / "retours"), "--config", str(EXAMPLE)])
    assert missing.exit_code == 1
    assert missing.stderr.strip() == (
        f"Erreur : aucune copie lisible — {tmp_path / 'retours'} : fichier introuvable"
    )
    (tmp_path / "vide").mkdir()
    empty = run.invoke(main, ["pull", str(tmp_path / "vide"), "--config", str(EXAMPLE)])
    assert empty.exit_code == 1 and empty.stderr.strip() == f"Erreur : aucun fichier dans {tmp_path / 'vide'}"


def test_merge_with_no_copy_writes_no_master(run: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "retours").mkdir()
    (tmp_path / "retours" / "notes.txt").write_text("pas un classeur", encoding="utf-8")
    master = tmp_path / "maitre.xlsx"
    result = run.invoke(
        main, ["merge", str(tmp_path / "retours"), "--config", str(EXAMPLE), "--out", str(master)]
    )
    assert result.exit_code == 1 and "aucune copie lisible" in result.stderr
    assert not master.exists()
