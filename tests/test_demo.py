"""README's first command: the demo runs end to end on the sample initiative."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent


def test_demo_end_to_end(tmp_path: Path, capsys: object) -> None:
    demo = runpy.run_path(str(ROOT / "scripts" / "demo.py"))
    demo["main"](tmp_path)
    assert len(list((tmp_path / "copies").glob("*.xlsx"))) == 9
    assert len(list((tmp_path / "retours").glob("*.xlsx"))) == 4
    master = openpyxl.load_workbook(tmp_path / "classeur-maitre.xlsx")
    assert master["Infrastructure de soutien"]["B5"].value == "Geneviève Lapointe, Isabelle Côté"
    report = json.loads((tmp_path / "ecarts.json").read_text(encoding="utf-8"))
    kinds = {g["kind"] for g in report["gaps"]}
    assert {
        "missing_submission",
        "missing_cell",
        "ownerless_role",
        "invalid_value",
        "unknown_person",
    } <= kinds
    assert (tmp_path / "ecarts.md").read_text(encoding="utf-8").startswith("# Écarts — Hochelaga ensemble")
    assert "Copies reçues" in (tmp_path / "rapport.html").read_text(encoding="utf-8")
