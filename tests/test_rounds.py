"""Rounds without LibreOffice: a master from before rounds, sharing choices, the command line, history."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLE, FIXED_NOW, fill
from toolkit import api
from toolkit.cli import main
from toolkit.history import SCHEMA_VERSION
from toolkit.initiative import Initiative

# Made by the toolkit before rounds existed (commit d7c3de4): CDC, CPE and Baril answered.
BEFORE_ROUNDS = Path(__file__).resolve().parent / "data" / "master_before_rounds.xlsx"
PROGRESS, BACKBONE = "Canevas des progrès", "Infrastructure de soutien"
BI, PC = "backbone_infrastructure", "progress_canvas"
CDC, CPE, BARIL = "cdc-hochelaga", "cpe-les-lucioles", "ecole-baril"


def test_a_master_from_before_rounds_is_read_per_partner(initiative: Initiative) -> None:
    previous = api.read_previous(BEFORE_ROUNDS, initiative)
    assert previous.legacy and previous.round == "2026-11-02"  # its date stands for its round
    assert {(a.worksheet, a.row, a.column, a.partner, a.text) for a in previous.answers} == {
        (BI, "vision_strategy", "strengths", CDC, "Vision claire"),
        (PC, "overview", "date", CDC, "2026-10-15"),
        (BI, "strengths_weaknesses", "answer", CDC, "Réflexion de la CDC"),
        (BI, "vision_strategy", "strengths", CPE, "Locaux partagés"),
        (PC, "overview", "activities", CPE, "Table née en 2019"),
        (BI, "vision_strategy", "weaknesses", BARIL, "=Peu de données"),
    }


def test_copies_from_a_master_before_rounds_hold_their_own_answers(
    initiative: Initiative, tmp_path: Path
) -> None:
    made = api.generate(initiative, tmp_path, prefill=BEFORE_ROUNDS, blank=True, progress=False)
    books = {c.partner_id: openpyxl.load_workbook(c.where) for c in made}
    assert books[CDC][BACKBONE]["C5"].value == "Vision claire"
    assert books[CDC][PROGRESS]["C5"].value == dt.datetime(2026, 10, 15)  # a date, not combined text
    assert books[CPE][BACKBONE]["C5"].value == "Locaux partagés"
    assert (
        books[BARIL][BACKBONE]["D5"].value == "=Peu de données"
        and books[BARIL][BACKBONE]["D5"].data_type == "s"
    )
    assert books[BARIL][BACKBONE]["C5"].value is None
    assert books[None][BACKBONE]["C5"].value is None  # the blank copy starts empty
    cover = [c.value for c in books[CDC]["Lisez-moi"]["A"] if c.value]
    assert any("ne vous sont pas montrées" in str(line) for line in cover)


def test_others_answers_on_a_read_only_tab_when_the_initiative_shares_them(
    initiative: Initiative, tmp_path: Path
) -> None:
    sharing = dataclasses.replace(initiative, share_previous_answers="others_tab")
    made = api.generate(
        sharing, tmp_path, prefill=BEFORE_ROUNDS, partners=[BARIL], blank=False, progress=False
    )
    book = openpyxl.load_workbook(made[0].where)
    tab = book["Réponses des autres (lecture)"]
    assert tab.protection.sheet
    rows = [tuple(c.value for c in row) for row in tab.iter_rows(min_row=2)]
    assert ("Infrastructure de soutien", "Guider la vision et la stratégie d'ensemble", "Forces actuelles",
            "CPE Les Lucioles",
            "Locaux partagés", "2026-11-02") in rows  # fmt: skip
    assert all(row[3] != "École primaire Baril" for row in rows)
    assert book[BACKBONE]["C5"].value is None  # never in the input cells
    cover = [c.value for c in book["Lisez-moi"]["A"] if c.value]
    assert any("lecture seule" in str(line) for line in cover)


def test_merge_continues_a_master_from_before_rounds(initiative: Initiative, tmp_path: Path) -> None:
    made = {c.partner_id: c.where for c in api.generate(initiative, tmp_path / "r2", prefill=BEFORE_ROUNDS)}
    fill(Path(made[CPE]), {(BACKBONE, "C5"): "Locaux partagés avec la bibliothèque"})
    merged = api.merge([made[CPE]], initiative, previous=BEFORE_ROUNDS, now=FIXED_NOW)
    changes = {(a.partner, a.text): a.change for a in merged.answers}
    assert changes[(CPE, "Locaux partagés avec la bibliothèque")] == "changed"
    assert changes[(CPE, "Table née en 2019")] == "unchanged"
    assert changes[(CDC, "Vision claire")] == "unconfirmed"
    assert changes[(BARIL, "=Peu de données")] == "unconfirmed"


def test_cli_merge_names_the_previous_master_and_history_lists_rounds(
    initiative: Initiative, tmp_path: Path
) -> None:
    copies = {c.partner_id: c.where for c in api.generate(initiative, tmp_path / "r2", prefill=BEFORE_ROUNDS)}
    history = tmp_path / "history.sqlite"
    base = ["--config", str(EXAMPLE), "--history", str(history)]
    first = tmp_path / "maitre-2.xlsx"
    run = CliRunner().invoke(
        main, ["merge", copies[CDC], *base, "--out", str(first), "--previous", str(BEFORE_ROUNDS)]
    )
    assert run.exit_code == 0, run.output
    line = run.stdout.splitlines()[0]  # the round is today's date: the initiative names none
    assert line.startswith("Ronde ") and line.endswith(
        f" : suite du classeur maître {BEFORE_ROUNDS} (ronde 2026-11-02)"
    )
    second = tmp_path / "maitre-3.xlsx"
    run = CliRunner().invoke(main, ["merge", copies[CPE], *base, "--out", str(second)])
    assert run.exit_code == 0, run.output
    assert f"suite du classeur maître {first.resolve()}" in run.stdout.splitlines()[0]  # from the history
    listed = CliRunner().invoke(main, ["history", *base])
    assert (
        "Rondes" in listed.stdout
        and str(first.resolve()) in listed.stdout
        and str(second.resolve()) in listed.stdout
    )


def test_round_recorded_in_copies(initiative: Initiative, tmp_path: Path) -> None:
    autumn = dataclasses.replace(initiative, round="2026-automne")
    made = api.generate(autumn, tmp_path, partners=[CDC], blank=False, progress=False)
    pulled = api.pull([made[0].where], autumn)
    assert pulled.submissions[0].round == "2026-automne"


@pytest.mark.parametrize(
    "value, expected", [("2026-automne", "2026-automne"), (3, "3")], ids=["text", "number"]
)
def test_round_in_the_initiative_file(tmp_path: Path, value: object, expected: str) -> None:
    text = EXAMPLE.read_text("utf-8") + f"\nround: {value}\nshare_previous_answers: others_tab\n"
    (tmp_path / "initiative.yaml").write_text(text, "utf-8")
    for extra in ("templates",):
        source = EXAMPLE.parent / extra
        if source.exists():
            (tmp_path / extra).symlink_to(source)
    loaded = api.load_initiative(tmp_path / "initiative.yaml")
    assert (loaded.round, loaded.share_previous_answers) == (expected, "others_tab")


def test_a_copy_of_another_round_is_noted(initiative: Initiative, tmp_path: Path) -> None:
    spring = dataclasses.replace(initiative, round="2026-printemps")
    made = api.generate(spring, tmp_path, partners=[CDC], blank=False, progress=False)
    autumn = dataclasses.replace(initiative, round="2026-automne")
    pulled = api.pull([made[0].where], autumn)
    assert [n.code for n in pulled.submissions[0].notes] == ["other_round"]
    messages = [g.message for g in api.find_gaps(pulled, autumn).gaps if g.kind == "structure_changed"]
    assert any(
        "copie de la ronde 2026-printemps, pas de la ronde en cours (2026-automne)" in m for m in messages
    )


def test_weekly_report_says_what_changed_since_the_last_round(initiative: Initiative, tmp_path: Path) -> None:
    history = tmp_path / "history.sqlite"
    copies = {c.partner_id: c.where for c in api.generate(initiative, tmp_path / "r2", prefill=BEFORE_ROUNDS)}
    fill(
        Path(copies[CPE]),
        {(BACKBONE, "C5"): "Locaux partagés avec la bibliothèque", (BACKBONE, "B9"): "Karim"},
    )
    fill(Path(copies[CDC]), {(BACKBONE, "C5"): None})  # the CDC clears its own answer
    api.History(history).record_master(initiative.id, str(BEFORE_ROUNDS), None, FIXED_NOW)
    pulled = api.pull([copies[CPE], copies[CDC]], initiative)
    report = api.build_report(pulled, initiative, history_path=history, now=FIXED_NOW + dt.timedelta(days=90))
    data = report.to_dict()["rounds"]
    assert data["previous_master"] == str(BEFORE_ROUNDS) and data["previous_round"] == "2026-11-02"
    assert data["counts"] == {"new": 1, "changed": 1, "withdrawn": 1, "unconfirmed": 2}
    text = report.text()
    assert "Depuis la ronde 2026-11-02 (classeur maître master_before_rounds.xlsx)" in text
    assert "École primaire Baril — non confirmé cette ronde" in text
    assert "Corporation de développement communautaire Hochelaga — retirée par le partenaire" in text


def test_google_copies_are_prefilled_per_partner(initiative: Initiative) -> None:
    from tests.google_standin.schema import validate
    from toolkit.backends.gsheets.build import date_serial, spreadsheet_body
    from toolkit.backends.gsheets.reader import parse_spreadsheet
    from toolkit.generate import CopyPlan
    from toolkit.read_copy import read_submission

    sharing = dataclasses.replace(initiative, share_previous_answers="others_tab")
    plan = CopyPlan(sharing, "fr", (), FIXED_NOW, api.read_prefill(BEFORE_ROUNDS, sharing))

    def body(partner: str) -> dict[str, object]:
        spec = plan.spec(sharing.partner(partner))
        made = spreadsheet_body(
            spec, title="Copie", locale="fr_CA", time_zone="America/Toronto", editors=["c@x.org"]
        )
        validate("sheets", "sheets.spreadsheets.create", made)
        return made

    def values(made: dict[str, object], title: str) -> list[object]:
        sheet = next(s for s in made["sheets"] if s["properties"]["title"] == title)  # type: ignore[attr-defined]
        return [
            next(iter(cell["userEnteredValue"].values()))
            for data in sheet.get("data", [])
            for row in data.get("rowData", [])
            for cell in row.get("values", [])
            if cell.get("userEnteredValue")
        ]

    baril, cdc = body(BARIL), body(CDC)
    assert "=Peu de données" in values(baril, BACKBONE) and "Locaux partagés" not in values(baril, BACKBONE)
    assert "Vision claire" not in values(baril, BACKBONE)
    others = next(s for s in baril["sheets"] if s["properties"]["title"] == "Réponses des autres (lecture)")  # type: ignore[attr-defined]
    assert others["protectedRanges"][0]["editors"]["users"] == ["c@x.org"]
    assert "Locaux partagés" in values(baril, "Réponses des autres (lecture)")
    assert date_serial(dt.date(2026, 10, 15)) in values(cdc, PROGRESS)  # a date cell holds a date
    for tab in cdc["sheets"]:  # echoed as a `get` answer: entered values as effective ones
        for data in tab.get("data", []):  # type: ignore[attr-defined]
            for row in data.get("rowData", []):
                for cell in row.get("values", []):
                    if "userEnteredValue" in cell:
                        cell["effectiveValue"] = cell["userEnteredValue"]
    copy = read_submission(parse_spreadsheet("https://docs.google.com/spreadsheets/d/x", cdc), sharing)
    assert (BI, "vision_strategy", "strengths") in copy.prefilled
    kept = copy.cells[copy.cells["text"] != ""]
    assert set(zip(kept["text"], kept["origin"], strict=True)) >= {("Vision claire", "prefill")}


def test_without_the_previous_master_untouched_prefill_is_still_carried(
    initiative: Initiative, tmp_path: Path
) -> None:
    copies = {c.partner_id: c.where for c in api.generate(initiative, tmp_path / "r2", prefill=BEFORE_ROUNDS)}
    merged = api.merge([copies[CDC], copies[CPE]], initiative)  # no --previous, no history
    assert merged.previous is None
    assert merged.values[(BI, "vision_strategy", "strengths")] == (  # merge's carried-over fallback
        "Classeur maître précédent : Vision claire\nClasseur maître précédent : Locaux partagés"
    )
    assert merged.values[(PC, "overview", "date")] == dt.date(2026, 10, 15)


def test_a_history_from_before_rounds_is_migrated(tmp_path: Path) -> None:
    import sqlite3

    from toolkit.history import MIGRATIONS, History

    path = tmp_path / "history.sqlite"
    with sqlite3.connect(path) as db:  # a file written by the toolkit before rounds (schema 1)
        db.executescript(MIGRATIONS[1] + "PRAGMA user_version = 1;")
    history = History(path)
    assert history.masters("x") == []  # read before any write: no masters table yet, no error
    history.record_master("x", "/tmp/maitre.xlsx", "2026-automne", FIXED_NOW)
    assert [(m.path, m.round) for m in history.masters("x")] == [("/tmp/maitre.xlsx", "2026-automne")]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3


def test_round_and_answers_read_back_tolerantly() -> None:
    from toolkit.metadata import parse_records

    rows = [
        ["toolkit", "format", 1.0],  # numbers as a spreadsheet re-saves them
        ["copy", "initiative", "x"],
        ["copy", "role", "master"],
        ["copy", "round", 2.0],
        ["answers", 2.0],
        ["answer", CDC, BI, "vision_strategy", "strengths", 2.0, "changed", "  Vision claire  "],
        ["answer", CPE, BI, "vision_strategy", "strengths", "1", "no-such-change", "ignored"],
    ]
    info = parse_records(rows)
    assert info is not None and info.round == "2"
    assert [(a.partner, a.round, a.change, a.text) for a in info.answers or ()] == [
        (CDC, "2", "changed", "  Vision claire  ")
    ]
