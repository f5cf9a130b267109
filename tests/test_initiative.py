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


@pytest.mark.parametrize(
    "pid, expected",
    [
        ("'../x'", "partners[0].id: '../x' is not a safe file name"),
        ("con", "partners[0].id: 'con' is a reserved name"),
        ("''", "partners[0].id: '' is not a safe file name"),
        ("Org A", "partners[0].id: 'Org A' is not a safe file name"),
    ],
    ids=["dot-dot", "windows-reserved", "empty", "space-and-capital"],
)
def test_unsafe_partner_ids(write: Callable[[str, str], Path], pid: str, expected: str) -> None:
    path = write("initiative.yaml", MINIMAL.format(pid=pid))
    with pytest.raises(ConfigError) as error:
        load_initiative(path)
    assert str(error.value).startswith(f"initiative.yaml: {expected}")


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            MINIMAL.format(pid="a").replace("language: fr", "language: es"),
            "language: 'es' is not one of ['fr', 'en']",
        ),
        (MINIMAL.format(pid="a") + "  - id: a\n    name: B\n", "partners: duplicate id 'a'"),
        (MINIMAL.format(pid="a").replace("kit: collective_impact", "kit: nope"), "kit: "),
        (MINIMAL.format(pid="a") + "deadline: 2026-13-01\n", "deadline: '2026-13-01' is not a 'date'"),
        (MINIMAL.format(pid="a") + "colour: blue\n", "(top level): Additional properties are not allowed"),
        ("name: [\n", "line 2: not valid YAML"),
        ("- just\n- a list\n", "(top level): not a mapping"),
    ],
    ids=[
        "unknown-language",
        "duplicate-partner",
        "unknown-kit",
        "impossible-date",
        "typo-key",
        "bad-yaml",
        "not-mapping",
    ],
)
def test_config_problems(write: Callable[[str, str], Path], text: str, expected: str) -> None:
    path = write("initiative.yaml", text)
    with pytest.raises(ConfigError) as error:
        load_initiative(path)
    assert str(error.value).startswith(f"initiative.yaml: {expected}")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"initiative\.yaml: file not found"):
        load_initiative(tmp_path / "initiative.yaml")


def test_init_writes_a_starter_that_loads(tmp_path: Path) -> None:
    path = api.init(tmp_path)
    initiative = load_initiative(path)
    assert initiative.id == "mon-initiative" and len(initiative.partners) == 2
    assert "# Fichier d'initiative" in path.read_text(encoding="utf-8")


def test_example_is_the_documented_sample() -> None:
    assert EXAMPLE.is_file()
