"""Next cycle from the master: copies start pre-filled; nothing is attributed to the wrong partner."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLE, FIXED_NOW, fill
from toolkit import api
from toolkit.cli import main
from toolkit.errors import ConfigError
from toolkit.initiative import Initiative

PROGRESS, BACKBONE = "Canevas des progrès", "Infrastructure de soutien"
CDC, CPE, BARIL = "cdc-hochelaga", "cpe-les-lucioles", "ecole-baril"


@pytest.fixture
def round_one(initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path) -> Path:
    fill(copies[CDC], {(BACKBONE, "B5"): "Mamadou Diallo", (BACKBONE, "C5"): "Vision claire",
                       (BACKBONE, "B13"): "Réflexion de la CDC"})  # fmt: skip
    fill(copies[CPE], {(PROGRESS, "B5"): "Table née en 2019", (PROGRESS, "C6"): "pas de date"})
    master = tmp_path / "maitre-1.xlsx"
    api.merge([copies[CDC], copies[CPE]], initiative, out=master, now=FIXED_NOW)
    return master


@pytest.fixture
def round_two(initiative: Initiative, round_one: Path, tmp_path: Path) -> dict[str, Path]:
    made = api.generate(initiative, tmp_path / "round2", prefill=round_one, blank=False)
    return {c.partner_id or "": c.path for c in made}


def test_each_copy_starts_from_its_own_answers_only(round_two: dict[str, Path]) -> None:
    cdc = openpyxl.load_workbook(round_two[CDC])
    assert cdc[BACKBONE]["B5"].value == "Mamadou Diallo"
    assert cdc[BACKBONE]["C5"].value == "Vision claire"
    assert cdc[PROGRESS]["B5"].value is None  # the CPE's answer: not shown to the CDC
    assert cdc[BACKBONE]["B13"].value is None  # debrief answers start empty each round
    cpe = openpyxl.load_workbook(round_two[CPE])
    assert cpe[PROGRESS]["B5"].value == "Table née en 2019"
    assert cpe[PROGRESS]["C6"].value == "pas de date"  # kept as typed, to be corrected
    assert cpe[BACKBONE]["B5"].value is None
    baril = openpyxl.load_workbook(round_two[BARIL])
    assert baril[BACKBONE]["B5"].value is None and baril[PROGRESS]["B5"].value is None
    assert "Réponses des autres (lecture)" not in baril.sheetnames  # not shared by default


def test_unchanged_values_stay_with_their_partner(
    initiative: Initiative, round_one: Path, round_two: dict[str, Path]
) -> None:
    fill(round_two[CDC], {(BACKBONE, "C5"): "Vision claire, partagée en assemblée"})  # CDC updates its text
    fill(round_two[BARIL], {(BACKBONE, "B9"): "Sophie Tremblay"})  # Baril answers for the first time
    merged = api.merge([round_two[CDC], round_two[CPE], round_two[BARIL]], initiative, previous=round_one)
    answers = {(a.partner, a.text): a.change for a in merged.answers}
    assert answers == {
        (CDC, "Mamadou Diallo"): "unchanged",
        (CDC, "Vision claire, partagée en assemblée"): "changed",
        (CPE, "Table née en 2019"): "unchanged",
        (CPE, "pas de date"): "unchanged",
        (BARIL, "Sophie Tremblay"): "new",
        (CDC, "Réflexion de la CDC"): "unconfirmed",  # debriefs start empty: kept, not confirmed
    }
    assert merged.values[("backbone_infrastructure", "vision_strategy", "strengths")] == (
        "Vision claire, partagée en assemblée"
    )
    assert merged.values[("backbone_infrastructure", "vision_strategy", "who")] == "Mamadou Diallo"
    assert merged.values[("backbone_infrastructure", "policy", "who")] == "Sophie Tremblay"


def test_kept_invalid_value_is_not_the_partners_gap(
    initiative: Initiative, round_two: dict[str, Path]
) -> None:
    report = api.find_gaps([round_two[CPE]], initiative)
    assert [g for g in report.gaps if g.kind == "invalid_value"] == []
    pulled = api.pull([round_two[CPE]], initiative)
    cells = pulled.submissions[0].cells
    assert set(cells[cells["text"] != ""]["origin"]) == {"prefill"}


def test_prefill_needs_a_master(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    with pytest.raises(
        ConfigError, match=r"ce n'est pas un classeur maître \(produit par « toolkit merge »\)"
    ):
        api.generate(initiative, tmp_path / "x", prefill=copies[CDC])


def test_cli_prefill(round_one: Path, tmp_path: Path) -> None:
    args = ["generate", "--config", str(EXAMPLE), "--out", str(tmp_path / "r2"), "--prefill", str(round_one)]
    result = CliRunner().invoke(main, [*args, "--partner", CDC])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(tmp_path / "r2" / "hochelaga-ensemble_cdc-hochelaga.xlsx")[BACKBONE][
        "B5"
    ].value == ("Mamadou Diallo")
