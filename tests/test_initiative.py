"""The initiative file: the sample loads; every mistake is one clear line with file and path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from toolkit import api
from toolkit.errors import ConfigError
from toolkit.initiative import Initiative, load_initiative

MINIMAL = """
name: Table test
language: fr
kit: collective_impact
partners:
  - id: {pid}
    name: Organisme A
"""


def test_sample_initiative(initiative: Initiative) -> None:
    assert initiative.id == "hochelaga-ensemble"
    assert initiative.language == "fr"
    assert len(initiative.partners) == 8
    assert initiative.deadline == dt.date(2026, 12, 11)
    assert initiative.partner("cuisine-collective").emails == (
        "karim@cuisinecollective.example",
        "info@cuisinecollective.example",
    )
    assert "Isabelle Côté" in initiative.people


def test_id_defaults_to_slug_of_name(write: Callable[[str, str], Path]) -> None:
    path = write(
        "initiative.yaml", MINIMAL.format(pid="org-a").replace("Table test", "Table de Côte-des-Neiges")
    )
    assert load_initiative(path).id == "table-de-cote-des-neiges"


def problem(path: Path) -> str:
    with pytest.raises(ConfigError) as error:
        load_initiative(path)
    return str(error.value)


@pytest.mark.parametrize(
    "pid, expected",
    [
        (
            "'../x'",
            "initiative.yaml, ligne 6 : partenaire n° 1 (Organisme A) : l'id « ../x » ne peut pas servir "
            "de nom de fichier; utilisez de 1 à 64 lettres minuscules, chiffres, - et _, "
            "par exemple « cuisine-collective »",
        ),
        (
            "con",
            "initiative.yaml, ligne 6 : partenaire n° 1 (Organisme A) : l'id « con » est un nom réservé "
            "(Windows ou copie vierge); choisissez-en un autre",
        ),
        ("''", "initiative.yaml, ligne 6 : partenaire n° 1 (Organisme A) : l'id «  » ne peut pas"),
        ("Org A", "initiative.yaml, ligne 6 : partenaire n° 1 (Organisme A) : l'id « Org A » ne peut pas"),
    ],
    ids=["dot-dot", "windows-reserved", "empty", "space-and-capital"],
)
def test_unsafe_partner_ids(write: Callable[[str, str], Path], pid: str, expected: str) -> None:
    assert problem(write("initiative.yaml", MINIMAL.format(pid=pid))).startswith(expected)


BASE = MINIMAL.format(pid="a")


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(
            BASE.replace("language: fr", "language: es"),
            "initiative.yaml, ligne 3 : language : « es » n'est pas une valeur permise; "
            "choisissez parmi : fr, en",
            id="unknown-language",
        ),
        pytest.param(
            BASE + "  - id: a\n    name: B\n",
            "initiative.yaml, ligne 8 : partenaires n° 1 et n° 2 : même id « a »; "
            "donnez à chacun un id différent",
            id="duplicate-partner",
        ),
        pytest.param(
            BASE.replace("kit: collective_impact", "kit: nope"),
            "initiative.yaml, ligne 4 : kit : trousse « nope » introuvable; "
            "trousses disponibles : collective_impact",
            id="unknown-kit",
        ),
        pytest.param(
            BASE + "deadline: 22/01/2027\n",
            "initiative.yaml, ligne 8 : date limite : écrivez-la AAAA-MM-JJ, par exemple 2027-01-22 "
            "(et non « 22/01/2027 »)",
            id="day-first-date",
        ),
        pytest.param(
            BASE + "deadline: 2026-13-01\n",
            "initiative.yaml, ligne 8 : date limite : écrivez-la AAAA-MM-JJ, par exemple 2027-01-22 "
            "(et non « 2026-13-01 »)",
            id="impossible-date",
        ),
        pytest.param(
            BASE + "date_limite: 2027-01-22\n",
            "initiative.yaml, ligne 8 : « date_limite » n'est pas un réglage connu; "
            "vouliez-vous dire « deadline »?",
            id="french-key",
        ),
        pytest.param(
            BASE + "peeple: [A]\n",
            "initiative.yaml, ligne 8 : « peeple » n'est pas un réglage connu; vouliez-vous dire « people »?",
            id="typo-key",
        ),
        pytest.param(
            BASE + "    couleur: bleu\n",
            "initiative.yaml, ligne 8 : partenaire n° 1 (a) : « couleur » n'est pas un réglage connu; "
            "réglages possibles : id, name, short_name, contact, email, emails",
            id="unknown-partner-key",
        ),
        pytest.param(
            BASE + "    email: luis at frigo\n",
            "initiative.yaml, ligne 8 : partenaire n° 1 (a), email : adresse courriel invalide "
            "« luis at frigo »; exemple : nom@organisme.org",
            id="bad-email",
        ),
        pytest.param(
            BASE + "time_zone: Montréal\n",
            "initiative.yaml, ligne 8 : time_zone : fuseau horaire inconnu « Montréal »; "
            "exemple : America/Toronto (heure du Québec)",
            id="unknown-time-zone",
        ),
        pytest.param(
            BASE.replace("kit: collective_impact\n", ""),
            "initiative.yaml : réglage obligatoire manquant : « kit »",
            id="missing-kit",
        ),
        pytest.param(
            BASE.replace("name: Table test", "name: L'Atelier: jeunesse"),
            "initiative.yaml, ligne 2 : une valeur contient une apostrophe, un deux-points ou un guillemet; "
            'mettez-la entre guillemets doubles, par exemple name: "L\'Atelier : jeunesse".',
            id="colon-in-name",
        ),
        pytest.param(
            BASE.replace("name: Organisme A", "name: 'L'Atelier'"),
            "initiative.yaml, ligne 7 : une valeur contient une apostrophe, un deux-points ou un guillemet; "
            'mettez-la entre guillemets doubles, par exemple name: "L\'Atelier : jeunesse".',
            id="apostrophe-in-quoted-name",
        ),
        pytest.param(
            "name: [\n",
            "initiative.yaml, ligne 2 : le texte n'est pas écrit correctement pour un fichier YAML "
            "(vérifiez l'indentation et les deux-points).",
            id="bad-yaml",
        ),
        pytest.param(
            "- just\n- a list\n",
            "initiative.yaml : le fichier doit décrire l'initiative par des réglages « clé: valeur » "
            "(name, language, kit, partners)",
            id="not-mapping",
        ),
    ],
)
def test_config_problems_in_french(write: Callable[[str, str], Path], text: str, expected: str) -> None:
    assert problem(write("initiative.yaml", text)) == expected


def test_every_problem_at_once_in_file_order(write: Callable[[str, str], Path]) -> None:
    text = BASE.replace("language: fr", "language: en") + "    email: nope\ndeadline: 3/4/2027\n"
    assert problem(write("initiative.yaml", text)).splitlines() == [
        "initiative.yaml, line 8: partner 1 (a), email: invalid email address 'nope'; "
        "example: name@organisation.org",
        "initiative.yaml, line 9: deadline: write it YYYY-MM-DD, for example 2027-04-03 (not '3/4/2027')",
    ]


def test_file_language_wins_over_the_users(write: Callable[[str, str], Path], monkeypatch) -> None:
    monkeypatch.setenv("TOOLKIT_LANG", "en")
    text = BASE + "date_limite: 2027-01-22\n"
    assert problem(write("initiative.yaml", text)).startswith("initiative.yaml, ligne 8 : « date_limite »")
    assert problem(write("initiative.yaml", "name: [\n")) == (
        "initiative.yaml, line 2: not valid YAML (expected the node content, but found '<stream end>'); "
        "check the indentation and the colons."
    )


def test_windows_1252_file_says_save_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "initiative.yaml"
    path.write_bytes(BASE.replace("Organisme A", "Café Répit").encode("cp1252"))
    assert problem(path) == (
        "initiative.yaml, ligne 7 : le fichier n'est pas en UTF-8; enregistrez le fichier en UTF-8 "
        "(Bloc-notes : Fichier > Enregistrer sous > Encodage : UTF-8)."
    )


def test_utf8_with_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "initiative.yaml"
    path.write_bytes(BASE.encode("utf-8-sig"))
    assert load_initiative(path).name == "Table test"


def test_missing_file(tmp_path: Path) -> None:
    assert problem(tmp_path / "initiative.yaml") == f"{tmp_path / 'initiative.yaml'} : fichier introuvable"


SUSPICIOUS = """
name: Table test
language: fr
kit: collective_impact
deadline: 2026-11-20
people: [Luis Hernández, Ana Roy]
partners:
  - id: frigo
    name: Frigo Partagé
    email: info@frigo.example
  - id: frigo-partage
    name: Frigo partage
    contact: Luis Hernandez
    email: Info@Frigo.example
  - id: ecole
    name: École Baril
    contact: Ana Roy
"""


def test_suspicious_settings_are_warnings(write: Callable[[str, str], Path]) -> None:
    initiative = load_initiative(write("initiative.yaml", SUSPICIOUS), today=dt.date(2026, 12, 1))
    assert len(initiative.partners) == 3  # warnings do not stop anything
    assert list(initiative.warnings) == [
        "initiative.yaml, ligne 12 : partenaires n° 1 (frigo) et n° 2 (frigo-partage) : le même organisme "
        "sous deux id (« Frigo Partagé », « Frigo partage »)? Gardez un seul id par organisme.",
        "initiative.yaml, ligne 14 : partenaires n° 1 (frigo) et n° 2 (frigo-partage) : même adresse "
        "courriel info@frigo.example; elle recevra les rappels des deux partenaires",
        "initiative.yaml, ligne 13 : partenaire n° 2 (frigo-partage) : la personne-ressource "
        "« Luis Hernandez » n'est pas dans la liste des personnes (people); "
        "vouliez-vous dire « Luis Hernández »?",
        "initiative.yaml, ligne 5 : date limite : le 20 novembre 2026 est déjà passé; "
        "changez-la si vous préparez une nouvelle ronde",
    ]


def test_no_warning_for_a_clean_file(write: Callable[[str, str], Path]) -> None:
    initiative = load_initiative(write("initiative.yaml", SUSPICIOUS), today=dt.date(2026, 11, 1))
    assert len(initiative.warnings) == 3  # the deadline is not past yet
    assert load_initiative(EXAMPLE, today=dt.date(2026, 11, 1)).warnings == ()


def test_init_writes_a_starter_that_loads(tmp_path: Path) -> None:
    path = api.init(tmp_path)
    initiative = load_initiative(path)
    assert initiative.id == "mon-initiative" and len(initiative.partners) == 2
    assert "# Fichier d'initiative" in path.read_text(encoding="utf-8")


def test_example_is_the_documented_sample() -> None:
    assert EXAMPLE.is_file()


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("Frigo Partagé", "frigo partage", True),
        ("École Baril", "École  Barril", True),
        ("Point de service 1", "Point de service 2", False),
        ("CPE Les Lucioles", "CPE Les Coccinelles", False),
    ],
)
def test_same_organisation(a: str, b: str, same: bool) -> None:
    from toolkit.config_messages import same_name

    assert same_name(a, b) is same
