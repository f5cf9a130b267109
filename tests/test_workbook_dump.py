"""What generated copies and masters hold, as openpyxl reads it back, equals the reviewed dump.

The golden zip parts (test_golden.py) pin the bytes one writer produces; these dumps pin what any
reader sees (tests/workbook_dump.py), so a change of xlsx library is proven to change no content.
Regenerate with `pytest tests/test_workbook_dump.py --update-golden` after an intended change and review
the diff of tests/golden/*.dump.json.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import json
import os
from pathlib import Path

import pytest

from tests.conftest import FIXED_NOW, fill
from tests.test_golden import CASES, GOLDEN
from tests.workbook_dump import dumps
from toolkit import api
from toolkit.backends.xlsx import workbook_bytes
from toolkit.generate import CopyPlan
from toolkit.initiative import Initiative
from toolkit.spec import ExtraTab

PROGRESS = {"fr": "Canevas des progrès", "en": "Progress canvas"}
BACKBONE = {"fr": "Infrastructure de soutien", "en": "Backbone infrastructure"}
# What partners type that a writer could get wrong: formulas as text, XML-forbidden characters, a literal
# escape, numbers beyond 15 digits, a text longer than a cell holds.
TRICKY = {
    ("backbone_infrastructure", "vision_strategy", "strengths"): "=SOMME(A1:A3)",
    ("backbone_infrastructure", "vision_strategy", "weaknesses"): "bell\x07 tab\t cr\r vt\x0b _x0041_ end",
    ("backbone_infrastructure", "vision_strategy", "next_steps"): "lone \ud800 surrogate, \ufffe non-char",
    ("backbone_infrastructure", "shared_measurement", "strengths"): 12345678901234567,
    ("backbone_infrastructure", "shared_measurement", "weaknesses"): float("nan"),
    ("backbone_infrastructure", "shared_measurement", "next_steps"): "x" * 40_000,
    ("progress_canvas", "overview", "date"): dt.date(2026, 10, 1),
    ("progress_canvas", "overview", "activities"): 3.25,
}


def check(made: Path, name: str, request: pytest.FixtureRequest) -> None:
    golden = GOLDEN / f"{name}.dump.json"
    actual = dumps(made)
    if request.config.getoption("--update-golden"):
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: run pytest with --update-golden"
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "\n".join(
            difflib.unified_diff(
                expected.splitlines(), actual.splitlines(), "golden", "made", lineterm="", n=3
            )
        )
        pytest.fail(f"{made.name} reads differently from {golden.name}:\n{diff[:6000]}")


@pytest.mark.parametrize("language, partner", CASES, ids=[f"{lang}-{p}" for lang, p in CASES])
def test_generated_copy_reads_as_recorded(
    initiative: Initiative, tmp_path: Path, request: pytest.FixtureRequest, language: str, partner: str
) -> None:
    made = api.generate(
        initiative,
        tmp_path,
        language=language,
        partners=[partner],
        blank=False,
        now=FIXED_NOW,  # type: ignore[arg-type]
    )[0].path
    check(Path(made), f"{language}-copy", request)


def test_tricky_values_read_as_recorded(
    initiative: Initiative, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    plan = CopyPlan(initiative, "fr", (initiative.partners[0],), FIXED_NOW)
    spec = dataclasses.replace(plan.spec(initiative.partners[0]), values=TRICKY)
    made = tmp_path / "tricky.xlsx"
    made.write_bytes(workbook_bytes(spec))
    check(made, "fr-tricky", request)


def test_lists_tab_and_read_only_tab_read_as_recorded(
    initiative: Initiative, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """A roster too long for an inline dropdown (hidden lists tab, defined name) and a read-only tab."""
    roster = tuple(f"Personne numéro {n}, équipe {n % 3}" for n in range(40))
    many = dataclasses.replace(initiative, people=roster, protection_password="secret")
    plan = CopyPlan(many, "fr", (many.partners[0],), FIXED_NOW)
    others = ExtraTab(
        "Réponses des autres",
        ("Feuille", "Ligne", "Partenaire", "Réponse"),
        (("Canevas", "Vue d'ensemble", "CPE Les Lucioles", "Des liens\nsolides"), ("Canevas", "", "", None)),
        read_only=True,
    )
    spec = dataclasses.replace(plan.spec(many.partners[0]), extra_tabs=(others,))
    made = tmp_path / "lists.xlsx"
    made.write_bytes(workbook_bytes(spec))
    check(made, "fr-lists", request)


@pytest.mark.parametrize("language, partner", CASES, ids=[f"{lang}-{p}" for lang, p in CASES])
def test_master_reads_as_recorded(
    initiative: Initiative,
    copies: dict[str | None, Path],
    tmp_path: Path,
    request: pytest.FixtureRequest,
    language: str,
    partner: str,
) -> None:
    initiative = dataclasses.replace(initiative, language=language)  # type: ignore[arg-type]
    if language == "en":  # copies made in English
        folder = tmp_path / "en"
        made = api.generate(initiative, folder, blank=False, now=FIXED_NOW)
        copies = {c.partner_id: Path(c.where) for c in made}
    others = [p.id for p in initiative.partners if p.id != partner][:2]
    answers: dict[str | None, dict[tuple[str, str], object]] = {
        partner: {
            (BACKBONE[language], "C5"): "Bonne concertation",
            (BACKBONE[language], "B5"): "Mamadou Diallo, Une Inconnue",
            (PROGRESS[language], "B5"): "Des rencontres mensuelles. " * 20,
            (PROGRESS[language], "C5"): dt.datetime(2026, 10, 1),
        },
        others[0]: {(BACKBONE[language], "C5"): "Des liens solides", (BACKBONE[language], "D6"): "=1+1"},
        others[1]: {(PROGRESS[language], "C6"): "fin mars", (BACKBONE[language], "C5"): "Bonne concertation"},
    }
    saved = dt.datetime(2026, 11, 2, 14, 5, tzinfo=dt.UTC).timestamp()
    returned = []
    for who, cells in answers.items():
        path = fill(copies[who], cells)
        os.utime(path, (saved, saved))
        returned.append(path)
    out = tmp_path / "master.xlsx"
    api.merge(returned, initiative, out=out, now=FIXED_NOW)
    check(out, f"{language}-master", request)


def test_dump_sees_what_matters(tmp_path: Path, initiative: Initiative) -> None:
    """The dump is not blind: a changed style, width or protection flag changes it."""
    import openpyxl

    made = api.generate(initiative, tmp_path, partners=["cdc-hochelaga"], blank=False, now=FIXED_NOW)
    path = Path(made[0].where)
    before = json.loads(dumps(path))
    wb = openpyxl.load_workbook(path)
    ws = wb["Infrastructure de soutien"]
    ws["B5"].protection = openpyxl.styles.Protection(locked=True)
    ws.column_dimensions["C"].width = 12
    ws.protection.sort = True
    wb.save(path)
    after = json.loads(dumps(path))
    sheet_before, sheet_after = before["sheets"][ws.title], after["sheets"][ws.title]
    looks_before, looks_after = before["looks"], after["looks"]
    assert looks_before[sheet_before["cells"]["B5"][2]]["locked"] is False
    assert looks_after[sheet_after["cells"]["B5"][2]]["locked"] is True
    assert sheet_after["widths"]["C"] == 12 != sheet_before["widths"]["C"]
    assert sheet_before["protection"]["sort"] is False and sheet_after["protection"]["sort"] is True


@pytest.mark.parametrize(
    "value",
    [
        dt.date(1900, 1, 1),
        dt.date(1900, 2, 28),
        dt.date(1900, 3, 1),
        dt.date(1899, 12, 31),
        dt.datetime(2026, 11, 2, 14, 5, 30, 250000),
        dt.datetime(1850, 6, 1, 12),
        dt.date(9999, 12, 31),
    ],
)
def test_dates_have_openpyxls_serial_numbers(value: dt.date) -> None:
    """Dates are written as openpyxl wrote them (Excel's 1900 leap-year quirk included)."""
    from openpyxl.utils.datetime import to_excel

    from toolkit.backends.xlsx_package import date_serial

    assert date_serial(value) == pytest.approx(to_excel(value), abs=1e-9)
