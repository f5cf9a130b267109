"""Templates load, carry the seed's contract, and report every problem with file and path."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from toolkit.errors import TemplateError
from toolkit.templates import load_kit, load_worksheet

SEEDS = Path(__file__).resolve().parent / "data" / "seeds"  # copies of shared/seeds, see its README


def test_seed_kit_has_both_worksheets_in_order() -> None:
    kit = load_kit("collective_impact")
    assert [w.id for w in kit.worksheets] == ["progress_canvas", "backbone_infrastructure"]


def test_progress_canvas_contract() -> None:
    ws = load_kit("collective_impact").worksheet("progress_canvas")
    assert [(c.id, c.type, c.required) for c in ws.columns] == [
        ("dimension", "label", False),
        ("activities", "long_text", True),
        ("date", "date", True),
    ]
    assert [r.id for r in ws.rows] == [
        "overview",
        "research_data",
        "partner_involvement",
        "achievements",
        "community_mobilization",
        "common_agenda",
        "other",
    ]
    assert [r.required for r in ws.rows] == [True] * 6 + [False]
    assert ws.rows[3].label.fr == "Réalisations importantes, contraintes ou améliorations possibles"


def test_backbone_contract() -> None:
    ws = load_kit("collective_impact").worksheet("backbone_infrastructure")
    assert [(c.id, c.type, c.required, c.owner) for c in ws.columns] == [
        ("role", "label", False, False),
        ("who", "person", True, True),
        ("strengths", "long_text", True, False),
        ("weaknesses", "long_text", True, False),
        ("next_steps", "long_text", True, False),
    ]
    assert [r.id for r in ws.rows] == [
        "vision_strategy",
        "shared_measurement",
        "aligned_activities",
        "community_engagement",
        "policy",
        "resources",
    ]
    assert ws.owner_column is not None and ws.owner_column.id == "who"


@pytest.mark.parametrize(
    "seed, worksheet", [("000_*.txt", "progress_canvas"), ("003_*.txt", "backbone_infrastructure")]
)
def test_french_table_text_is_the_seeds(seed: str, worksheet: str) -> None:
    """Every French header and row label appears in the seed (up to the typo fixes we made)."""
    text = next(SEEDS.glob(seed)).read_text(encoding="utf-8").replace("Réalizations", "Réalisations")
    ws = load_kit("collective_impact").worksheet(worksheet)
    for item in (
        [c.header.fr for c in ws.columns] + [r.label.fr for r in ws.rows] + [q.text.fr for q in ws.debrief]
    ):
        assert item in text.replace("**", ""), item


def _break(template_dir: Path, name: str, change: object) -> None:
    path = template_dir / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_broken_template_reports_every_problem_with_path(template_dir: Path) -> None:
    def change(data: dict) -> None:  # type: ignore[type-arg]
        data["columns"][2]["type"] = "dat"
        del data["columns"][1]["header"]["en"]
        data["version"] = "one"

    _break(template_dir, "backbone_infrastructure.yaml", change)
    with pytest.raises(TemplateError) as error:
        load_kit("collective_impact", template_dir, language="en")
    assert str(error.value).splitlines() == [
        "backbone_infrastructure.yaml: column 2 (who), header: required setting missing: 'en'",
        "backbone_infrastructure.yaml: column 3 (strengths), type: 'dat' is not allowed; choose one of: "
        "label, text, long_text, date, person, choice, number, yes_no",
        "backbone_infrastructure.yaml: version must be a whole number",
    ]


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: d["rows"].append(dict(d["rows"][0])), "rows/debrief: duplicate id 'vision_strategy'"),
        (lambda d: d["columns"].append(dict(d["columns"][2])), "columns: duplicate id 'strengths'"),
        (lambda d: d["columns"][2].update(owner=True), "columns: at most one column is the owner"),
        (
            lambda d: d["columns"][2].update(type="choice"),
            "column 3 (strengths), choices: a 'choice' column needs choices in fr and en",
        ),
        (lambda d: d.update(id="other_id"), "id: 'other_id' must match the file name"),
        (lambda d: d["tab"].update(fr="x" * 32), "tab.fr: "),
        (
            lambda d: d.update(entries=5),
            "give either 'rows' (a fixed worksheet) or 'entries' and 'key'",
        ),
    ],
    ids=[
        "duplicate-row",
        "duplicate-column",
        "two-owners",
        "choice-without-choices",
        "id-mismatch",
        "tab-too-long",
        "rows-and-entries",
    ],
)
def test_semantic_problems(template_dir: Path, change: object, expected: str) -> None:
    _break(template_dir, "backbone_infrastructure.yaml", change)
    with pytest.raises(TemplateError, match=None) as error:
        load_worksheet(template_dir / "backbone_infrastructure.yaml", language="en")
    assert any(
        line.startswith(f"backbone_infrastructure.yaml: {expected}") for line in str(error.value).splitlines()
    )


def test_missing_worksheet_and_bad_yaml(template_dir: Path) -> None:
    (template_dir / "progress_canvas.yaml").unlink()
    (template_dir / "backbone_infrastructure.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(TemplateError) as error:
        load_kit("collective_impact", template_dir, language="en")
    message = str(error.value)
    assert (
        "collective_impact.kit.yaml: worksheets: no worksheet 'progress_canvas' "
        f"(no progress_canvas.yaml in {template_dir})" in message
    )
    assert "backbone_infrastructure.yaml, line 2: not valid YAML" in message


def test_unknown_kit_lists_available(template_dir: Path) -> None:
    with pytest.raises(TemplateError, match=r"no such kit \(available: collective_impact\)"):
        load_kit("nope", template_dir, language="en")


def test_open_worksheet(write: object, template_dir: Path) -> None:
    (template_dir / "action_plan.yaml").write_text(OPEN_TEMPLATE, encoding="utf-8")
    ws = load_worksheet(template_dir / "action_plan.yaml")
    assert ws.is_open and ws.key == "strategy" and ws.entries == 10


OPEN_TEMPLATE = """
id: action_plan
version: 1
title: {fr: Plan d'action, en: Action plan}
tab: {fr: Plan d'action, en: Action plan}
description: {fr: Actions prévues., en: Planned actions.}
usage: {fr: [Ajoutez une ligne par action.], en: [Add one line per action.]}
entries: 10
key: strategy
columns:
  - id: strategy
    type: choice
    required: true
    header: {fr: Stratégie, en: Strategy}
    choices: {fr: [Mobilisation, Politiques], en: [Mobilisation, Policy]}
  - id: action
    type: long_text
    required: true
    header: {fr: Action, en: Action}
  - id: lead
    type: person
    owner: true
    header: {fr: Responsable, en: Lead}
  - id: due
    type: date
    header: {fr: Échéance, en: Due}
  - id: done
    type: yes_no
    header: {fr: "Terminé?", en: "Done?"}
"""
