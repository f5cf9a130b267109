"""Every command's --help speaks the user's language and shows examples; click's own words follow it."""

from __future__ import annotations

import ast
import re
import shlex
import string
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.cli_click import FRENCH, FRENCH_PLURAL, NOT_SHOWN, gettext
from toolkit.cli_format import HelpCommand, param_key
from toolkit.cli_help import COMMANDS, PARAMS, command_help, param_help
from toolkit.cli_language import speaking
from toolkit.text import LANGUAGES, Language


def _walk(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found: list[tuple[tuple[str, ...], click.Command]] = [(path, group)]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += _walk(command, (*path, name))
        else:
            found.append(((*path, name), command))
    return found


TREE = _walk(main)
IDS = [" ".join(path) or "toolkit" for path, _ in TREE]
NAMES = {"toolkit"} | {name for path, _ in TREE for name in path}  # command names are literal

# Words that are English and not French: none may appear in French help outside options and commands.
_ENGLISH = """the and or of to with for from in on at by is are be not no this that these each every any all
    file files folder folders directory path text integer name design command commands args show exit help
    default required usage positional missing invalid such try error write read send sent email emails
    partner partners workbook workbooks copy when what which who your their its into than then else
    without example examples only one once before after new next last round rounds report value values
    choose from see run runs"""
ENGLISH = set(_ENGLISH.split())
# Words that are French and not English: none may appear in English help.
_FRENCH = """le la les des du un une et ou pour dans avec sans sur par fichier fichiers dossier
    dossiers classeur classeurs copie partenaire partenaires afficher quitter utilisation commandes
    défaut obligatoire exemples est sont ce cette chaque aux au de qui que pas rien tous toutes"""
FRENCH_WORDS = set(_FRENCH.split())
ACCENTED = re.compile(r"[àâäçéèêëîïôöûùüÿœæ]", re.I)


def _help(path: tuple[str, ...], language: Language) -> str:
    with speaking(language):
        result = CliRunner().invoke(main, [*path, "--help"], prog_name="toolkit", terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.output


def _prose(output: str) -> list[str]:
    """The words a coordinator reads: not options, file names, choices, command names or example lines."""
    words: list[str] = []
    for line in output.splitlines():
        if line.strip().startswith("toolkit "):  # an example, or a command to type: literal
            continue
        for token in line.split():
            core = token.strip(".,;:()«»?!'\"[]")
            if core.startswith("-") or any(c in core for c in "./_=|"):
                continue
            words += [w for w in re.findall(r"[^\W\d_]+", core) if w.lower() not in NAMES]
    return words


@pytest.mark.parametrize("path", [p for p, _ in TREE], ids=IDS)
def test_french_help_has_no_english(path: tuple[str, ...]) -> None:
    output = _help(path, "fr")
    english = sorted({w for w in _prose(output) if w.lower() in ENGLISH})
    assert not english, f"English in `toolkit {' '.join(path)} --help` (French): {english}\n{output}"
    assert "Utilisation :" in output and "Options :" in output


@pytest.mark.parametrize("path", [p for p, _ in TREE], ids=IDS)
def test_english_help_has_no_french(path: tuple[str, ...]) -> None:
    output = _help(path, "en")
    french = sorted({w for w in _prose(output) if w.lower() in FRENCH_WORDS or ACCENTED.search(w)})
    assert not french, f"French in `toolkit {' '.join(path)} --help` (English): {french}\n{output}"
    assert "Usage:" in output and "Options:" in output


@pytest.mark.parametrize("path", [p for p, _ in TREE], ids=IDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_help_shows_examples_of_its_command(path: tuple[str, ...], language: Language) -> None:
    output = _help(path, language)
    heading = {"fr": "Exemples :", "en": "Examples:"}[language]
    assert heading in output
    examples = output.split(heading, 1)[1]
    assert re.search(rf"^  toolkit {re.escape(' '.join(path))}", examples, re.M), examples


@pytest.mark.parametrize(("path", "command"), TREE, ids=IDS)
def test_every_parameter_has_help_in_both_languages_in_the_catalogue(
    path: tuple[str, ...], command: click.Command
) -> None:
    key = " ".join(path)
    assert isinstance(command, HelpCommand) and command.help_key == key
    entry = command_help(key)
    assert entry is not None, f"add COMMANDS[{key!r}] to toolkit/cli_help.py"
    assert entry.summary.fr and entry.summary.en and entry.examples
    with click.Context(command) as ctx:
        params = command.get_params(ctx)
    for param in params:
        name = param_key(param)
        text = param_help(key, name)
        where = f"COMMANDS[{key!r}].params (or PARAMS) in toolkit/cli_help.py"
        assert text is not None and text.fr and text.en, f"`toolkit {key}` {name}: add its help to {where}"
        own = getattr(param, "help", None) if name not in ("--help", "--version") else None  # click's own
        assert not own, f"`toolkit {key}` {name}: move help= to {where}"


def test_the_catalogue_names_only_commands_and_parameters_that_exist() -> None:
    keys = {" ".join(path) for path, _ in TREE}
    assert set(COMMANDS) == keys
    names: set[str] = set()
    for path, command in TREE:
        with click.Context(command) as ctx:
            own = {param_key(p) for p in command.get_params(ctx)}
        names |= own
        stale = set(COMMANDS[" ".join(path)].params) - own
        assert not stale, f"toolkit {' '.join(path)}: no such parameter {stale}"
    assert set(PARAMS) <= names


@pytest.mark.parametrize(("path", "command"), TREE, ids=IDS)
def test_examples_use_real_options(path: tuple[str, ...], command: click.Command) -> None:
    """An example is a command line that parses: its command exists and each --option belongs to it."""
    for example in COMMANDS[" ".join(path)].examples:
        for language in LANGUAGES:
            words = shlex.split(example.command(language).split(" > ")[0])
            assert words[0] == "toolkit"
            target: click.Command = main
            for word in words[1:]:
                if isinstance(target, click.Group) and word in target.commands:
                    target = target.commands[word]
            with click.Context(target) as ctx:
                options = {o for p in target.get_params(ctx) for o in p.opts}
            unknown = [w for w in words if w.startswith("--") and w not in options]
            assert not unknown, f"{example.command(language)}: {unknown}"


def test_help_follows_toolkit_lang_without_an_initiative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert (
        "Afficher ce message et quitter."
        in runner.invoke(main, ["pull", "-h"], env={"TOOLKIT_LANG": "fr"}).output
    )
    english = runner.invoke(main, ["pull", "-h"], env={"TOOLKIT_LANG": "en", "LANG": "fr_CA.UTF-8"}).output
    assert "Show this message and exit." in english


def test_help_follows_the_initiative_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The initiative's language wins over the system's: found upwards, or named by --config."""
    (tmp_path / "initiative.yaml").write_text("language: en\nname: Test\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    runner = CliRunner()
    assert "Examples:" in runner.invoke(main, ["gaps", "-h"], env={"TOOLKIT_LANG": "fr"}).output
    monkeypatch.chdir(Path("/"))
    config = str(tmp_path / "initiative.yaml")
    assert (
        "Examples:"
        in runner.invoke(main, ["gaps", "--config", config, "-h"], env={"TOOLKIT_LANG": "fr"}).output
    )
    assert "Exemples :" in runner.invoke(main, ["gaps", "-h"], env={"TOOLKIT_LANG": "fr"}).output


@pytest.mark.parametrize(
    ("args", "french", "english"),
    [
        (
            ["gaps", "retours/", "--zzz"],
            "Erreur : option inconnue : « --zzz ».",
            "Error: No such option '--zzz'.",
        ),
        (["gaps"], "Erreur : argument manquant : « SOURCES... ».", "Error: Missing argument 'SOURCES...'."),
        (["template", "new"], "Erreur : argument manquant : « NOM ».", "Error: Missing argument 'NAME'."),
        (
            ["gaps", "retours/", "--severity", "grave"],
            "Erreur : valeur non valide pour « --severity » : « grave » n'est pas une valeur permise; "
            "choisissez parmi : 'error', 'warning'.",
            "Error: Invalid value for '--severity': 'grave' is not one of 'error', 'warning'.",
        ),
        (
            ["rapport"],
            "Erreur : commande inconnue : « rapport ». Vouliez-vous dire 'report'?",
            "Error: No such command 'rapport'. Did you mean 'report'?",
        ),
        (
            ["gaps", "retours/", "--detail"],
            "Erreur : option inconnue : « --detail ». Vouliez-vous dire '--details'?",
            "Error: No such option '--detail'. Did you mean '--details'?",
        ),
    ],
    ids=["unknown-option", "missing-sources", "missing-name", "bad-choice", "unknown-command", "suggestion"],
)
def test_usage_errors_speak_the_user_language(
    args: list[str], french: str, english: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    done = runner.invoke(main, args, prog_name="toolkit", env={"TOOLKIT_LANG": "fr"})
    assert done.exit_code == 2
    assert done.stderr.splitlines()[-1] == french
    assert "Pour de l'aide : toolkit" in done.stderr and "Utilisation : toolkit" in done.stderr
    done = runner.invoke(main, args, prog_name="toolkit", env={"TOOLKIT_LANG": "en"})
    assert done.exit_code == 2
    assert done.stderr.splitlines()[-1] == english


def _click_messages() -> set[str]:
    """Every message id click passes to gettext (`_("…")`, `ngettext("…", …)`), read from its sources."""
    found: set[str] = set()
    for source in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "ngettext")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def test_every_click_message_a_user_can_see_has_its_french() -> None:
    messages = _click_messages()
    assert "Usage:" in messages and "No such option {name!r}." in messages  # the reading works
    missing = sorted(messages - set(FRENCH) - set(FRENCH_PLURAL) - NOT_SHOWN)
    assert not missing, f"click's words without French (toolkit/cli_click.py): {missing}"


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("message", sorted(set(FRENCH) | set(FRENCH_PLURAL)))
def test_french_click_words_fill_in_with_the_english_fields(message: str) -> None:
    """A French template may leave out a field but never ask for one click does not give."""
    french = [FRENCH[message]] if message in FRENCH else list(FRENCH_PLURAL[message])
    english_fields = _fields(message) | ({"possibilities", "choices", "nargs", "len", "formats"})
    for template in french:
        assert _fields(template) <= english_fields, template


def test_english_leaves_click_untouched() -> None:
    with speaking("en"):
        assert gettext("Usage:") == "Usage:"
    with speaking("fr"):
        assert gettext("Usage:") == "Utilisation :"
    assert gettext("Usage:") == "Usage:"  # outside a run (the library, other programs): click as shipped
