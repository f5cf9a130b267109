"""gaps: what is missing or wrong, as data, in the initiative's language; the JSON contract."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLE, FIXED_NOW, fill
from toolkit import api
from toolkit.cli import main
from toolkit.gaps import KINDS, GapReport
from toolkit.initiative import Initiative

PROGRESS, BACKBONE = "Canevas des progrès", "Infrastructure de soutien"
PROGRESS_CELLS = {(PROGRESS, f"{col}{row}"): "x" for row in range(5, 11) for col in "B"}
PROGRESS_CELLS |= {(PROGRESS, f"C{row}"): dt.datetime(2026, 11, 1) for row in range(5, 11)}


@pytest.fixture
def report(initiative: Initiative, copies: dict[str | None, Path]) -> GapReport:
    """CDC fills everything but one role's owner; CPE names someone off the roster and types a bad date."""
    backbone = {(BACKBONE, f"{col}{row}"): "texte" for row in range(5, 11) for col in "CDE"}
    who = {(BACKBONE, f"B{row}"): "Mamadou Diallo" for row in range(5, 10)}  # row 10 (resources): nobody
    fill(copies["cdc-hochelaga"], PROGRESS_CELLS | backbone | who)
    fill(copies["cpe-les-lucioles"], {(BACKBONE, "B5"): "Paul Inconnu", (PROGRESS, "C5"): "31/02/2026"})
    return api.find_gaps([copies["cdc-hochelaga"], copies["cpe-les-lucioles"]], initiative, now=FIXED_NOW)


def kinds(report: GapReport, kind: str) -> list[tuple[str | None, str | None, str | None, str | None]]:
    return [(g.partner, g.worksheet, g.row, g.column) for g in report.gaps if g.kind == kind]


def test_partners_without_a_copy(report: GapReport) -> None:
    assert [p for p, *_ in kinds(report, "missing_submission")] == [
        "cuisine-collective",
        "ecole-baril",
        "ciusss-est",
        "maison-des-jeunes",
        "bibliotheque",
        "caisse-populaire",
    ]
    first = next(g for g in report.gaps if g.kind == "missing_submission")
    assert (
        first.severity == "error"
        and first.message == "Aucune copie reçue de la Cuisine collective Hochelaga-Maisonneuve."
    )


def test_ownerless_role_after_merging_everyone(report: GapReport) -> None:
    assert kinds(report, "ownerless_role") == [(None, "backbone_infrastructure", "resources", "who")]
    gap = next(g for g in report.gaps if g.kind == "ownerless_role")
    assert (
        gap.message == "Rôle sans responsable : « Mobiliser les ressources (financières et autres) » "
        "(Infrastructure de soutien)."
    )


def test_missing_cells_per_copy_and_for_the_initiative(report: GapReport) -> None:
    missing = kinds(report, "missing_cell")
    assert ("cdc-hochelaga", "backbone_infrastructure", "resources", "who") in missing
    assert ("cpe-les-lucioles", "backbone_infrastructure", "policy", "strengths") in missing
    assert ("cdc-hochelaga", "progress_canvas", "other", "activities") not in missing  # an optional row
    # CDC filled every required cell but one owner, which is an ownerless role rather than a missing cell
    assert [g for g in report.gaps if g.kind == "missing_cell" and g.partner is None] == []
    assert all(g.severity == "warning" for g in report.gaps if g.kind == "missing_cell" and g.partner)


def test_invalid_values_and_unknown_people(report: GapReport) -> None:
    assert kinds(report, "invalid_value") == [("cpe-les-lucioles", "progress_canvas", "overview", "date")]
    invalid = next(g for g in report.gaps if g.kind == "invalid_value")
    assert invalid.message == (
        "CPE Les Lucioles : « 31/02/2026 » ne convient pas à « Date » pour "
        "« Vue d'ensemble de l'initiative et "
        "raisons pour lesquelles elle a été mise en œuvre » (Canevas des progrès) : ce n'est pas une date."
    )
    assert kinds(report, "unknown_person") == [
        ("cpe-les-lucioles", "backbone_infrastructure", "vision_strategy", "who")
    ]
    assert next(g for g in report.gaps if g.kind == "unknown_person").severity == "warning"


def test_json_contract(report: GapReport) -> None:
    data = json.loads(json.dumps(report.to_dict()))
    assert set(data) == {"initiative", "generated_at", "submissions", "gaps", "errors"}
    assert data["initiative"] == "Hochelaga ensemble — Table de quartier"
    assert data["generated_at"] == "2026-11-02T09:30:00+00:00"
    assert [set(s) for s in data["submissions"]] == [{"partner", "source", "modified", "completion"}] * 2
    assert data["submissions"][0]["completion"] == pytest.approx(35 / 36, abs=0.001)
    assert {tuple(sorted(g)) for g in data["gaps"]} == {
        ("column", "kind", "message", "partner", "row", "severity", "worksheet")
    }
    assert {g["severity"] for g in data["gaps"]} == {"error", "warning"}
    assert {g["kind"] for g in data["gaps"]} <= set(KINDS)


def test_english_messages(initiative: Initiative, copies: dict[str | None, Path]) -> None:
    english = Initiative(**{**initiative.__dict__, "language": "en"})
    report = api.find_gaps([copies["cdc-hochelaga"]], english)
    assert next(g for g in report.gaps if g.kind == "missing_submission").message == (
        "No copy received from CPE Les Lucioles."
    )


def test_everyone_complete_has_no_error(initiative: Initiative, copies: dict[str | None, Path]) -> None:
    solo = Initiative(**{**initiative.__dict__, "partners": initiative.partners[:1]})
    backbone = {
        (BACKBONE, f"{col}{row}"): "Mamadou Diallo" if col == "B" else "ok"
        for row in range(5, 11)
        for col in "BCDE"
    }
    fill(copies["cdc-hochelaga"], PROGRESS_CELLS | backbone)
    report = api.find_gaps([copies["cdc-hochelaga"]], solo)
    assert report.gaps == () and not report.has_errors


# --- the command ------------------------------------------------------------------------------------


def test_cli_json_equals_library(copies: dict[str | None, Path], initiative: Initiative) -> None:
    fill(copies["cdc-hochelaga"], {(BACKBONE, "B5"): "Mamadou Diallo"})
    result = CliRunner().invoke(
        main, ["gaps", str(copies["cdc-hochelaga"]), "--config", str(EXAMPLE), "--format", "json"]
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    library = api.find_gaps([copies["cdc-hochelaga"]], initiative).to_dict()
    assert data["gaps"] == library["gaps"] and data["submissions"] == library["submissions"]


def test_cli_fail_on_gaps(copies: dict[str | None, Path]) -> None:
    args = ["gaps", str(copies["cdc-hochelaga"]), "--config", str(EXAMPLE)]
    assert CliRunner().invoke(main, args).exit_code == 0
    failing = CliRunner().invoke(main, [*args, "--fail-on-gaps"])
    assert failing.exit_code == 1
    assert "    • Aucune copie reçue du CPE Les Lucioles." in failing.stdout


def test_cli_unreadable_source_fails_on_gaps(tmp_path: Path, write: object) -> None:
    bad = tmp_path / "copie.xlsx"
    bad.write_text("pas un classeur", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "gaps",
            str(bad),
            "--config",
            str(EXAMPLE),
            "--format",
            "csv",
            "--dialect",
            "machine",
            "--fail-on-gaps",
        ],
    )
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "kind,severity,worksheet,row,column,partner,message"
    assert lines[-1] == f"unreadable_source,error,,,,,{bad}: ce n'est pas un classeur (.xlsx ou .ods)"


def test_cli_markdown(copies: dict[str | None, Path]) -> None:
    result = CliRunner().invoke(
        main, ["gaps", str(copies["cdc-hochelaga"]), "--config", str(EXAMPLE), "--format", "md"]
    )
    assert result.stdout.startswith("# Écarts — Hochelaga ensemble — Table de quartier\n")
    assert "| cdc-hochelaga | hochelaga-ensemble_cdc-hochelaga.xlsx | 0 % |" in result.stdout


def test_cli_pull_table_and_csv(copies: dict[str | None, Path]) -> None:
    fill(copies["ecole-baril"], {(PROGRESS, "B5"): "Ateliers de lecture"})
    table = CliRunner().invoke(main, ["pull", str(copies["ecole-baril"]), "--config", str(EXAMPLE)])
    assert table.exit_code == 0
    assert table.stdout.splitlines()[2].split() == [
        "ecole-baril",
        "hochelaga-ensemble_ecole-baril.xlsx",
        "3",
        "%",
        "0",
    ]
    csv_out = CliRunner().invoke(
        main, ["pull", str(copies["ecole-baril"]), "--format", "csv", "--dialect", "machine"]
    )
    header, *rows = csv_out.stdout.splitlines()
    assert header == "worksheet,row,column,value,text,problem,location,origin,partner,source,modified"
    assert rows[0].startswith("progress_canvas,overview,activities,Ateliers de lecture,Ateliers de lecture,,")


def test_cli_merge(copies: dict[str | None, Path], tmp_path: Path) -> None:
    folder = copies[None].parent
    out = tmp_path / "maitre.xlsx"
    history = ["--history", str(tmp_path / "history.sqlite")]  # never the one beside examples/
    result = CliRunner().invoke(
        main, ["merge", str(folder), "--config", str(EXAMPLE), "--out", str(out), *history]
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:] == [
        f"Classeur maître écrit : {out} (8 copies retenues, 0 remplacée, 0 en double, 1 ignorée)"
    ]
    assert result.stdout.splitlines()[0].endswith(" : aucun classeur maître précédent (première ronde)")
    assert out.is_file()
