"""An open worksheet (partners add entries, keyed by a dropdown): generated, filled and pulled back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import openpyxl

from tests.conftest import TEMPLATES, fill
from tests.test_templates import OPEN_TEMPLATE
from toolkit import api
from toolkit.initiative import Initiative
from toolkit.templates import load_kit


def test_open_worksheet_round_trip(initiative: Initiative, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "action_plan.yaml").write_text(OPEN_TEMPLATE, encoding="utf-8")
    (templates / "plan.kit.yaml").write_text(
        "id: plan\nversion: 1\ntitle: {fr: Plan, en: Plan}\nworksheets: [action_plan]\n", encoding="utf-8"
    )
    planning = dataclasses.replace(initiative, kit=load_kit("plan", templates))
    path = api.generate(planning, tmp_path / "out", partners=["cdc-hochelaga"], blank=False)[0].path

    ws = openpyxl.load_workbook(path)["Plan d'action"]
    assert [c.value for c in ws[4]] == ["Stratégie", "Action", "Responsable", "Échéance", "Terminé?"]
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert validations["A5:A14"].formula1 == '"Mobilisation,Politiques"'  # the key column is a dropdown
    assert validations["E5:E14"].formula1 == '"Oui,Non"'
    assert ws.protection.insertRows is False  # partners may add lines

    fill(
        path,
        {
            ("Plan d'action", "A5"): "Politiques",
            ("Plan d'action", "B5"): "Rencontrer la conseillère municipale",
            ("Plan d'action", "D5"): dt.datetime(2027, 2, 1),
            ("Plan d'action", "A7"): "mobilisation",
            ("Plan d'action", "B7"): "Fête de quartier",
            ("Plan d'action", "E7"): "oui",
        },
    )
    pulled = api.pull([path], planning)
    cells = pulled.submissions[0].cells
    filled = cells[cells["text"] != ""]
    assert sorted(zip(filled["row"], filled["column"], filled["value"], strict=True)) == [
        ("entry_001", "action", "Rencontrer la conseillère municipale"),
        ("entry_001", "due", dt.date(2027, 2, 1)),
        ("entry_001", "strategy", "Politiques"),
        ("entry_002", "action", "Fête de quartier"),
        ("entry_002", "done", True),
        ("entry_002", "strategy", "Mobilisation"),  # canonical choice, typed in lower case
    ]
