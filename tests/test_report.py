"""The weekly report: two runs a week apart, what changed, JSON, HTML with charts, PNGs, XLSX."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from PIL import Image

from tests.conftest import Cells, fill
from toolkit import api
from toolkit.gaps import Gap
from toolkit.history import History, Snapshot, SubmissionRecord
from toolkit.initiative import Initiative
from toolkit.reports import Report, Role, build_report, compare
from toolkit.reports.changes import gap_key
from toolkit.reports.charts import TREND_SIZE, heatmap_png, heatmap_size, trend_png
from toolkit.reports.render_text import render_runs

PROGRESS, BACKBONE = "Canevas des progrès", "Infrastructure de soutien"
WEEK1 = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)
WEEK2 = WEEK1 + dt.timedelta(days=7)
BEFORE_DEADLINE = dt.datetime(2026, 12, 5, 15, 0, tzinfo=dt.UTC).timestamp()
AFTER_DEADLINE = dt.datetime(2026, 12, 12, 15, 0, tzinfo=dt.UTC).timestamp()  # deadline: 2026-12-11


@dataclass
class TwoRuns:
    first: Report
    second: Report
    history: Path


def _place(source: Path, returns: Path, cells: Cells, when: float) -> Path:
    target = returns / source.name
    shutil.copy(source, target)
    fill(target, cells)
    os.utime(target, (when, when))
    return target


@pytest.fixture
def runs(initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path) -> TwoRuns:
    """Week 1: CDC (on time) fills everything but the owners of 'policy' and 'resources'; CPE (late)
    names someone off the roster and types a bad date. Week 2: École Baril sends a copy naming an owner
    for 'policy'."""
    returns = tmp_path / "returns"
    returns.mkdir()
    progress: Cells = {(PROGRESS, f"B{row}"): "activités" for row in range(5, 11)}
    progress |= {(PROGRESS, f"C{row}"): dt.datetime(2026, 11, 1) for row in range(5, 11)}
    backbone: Cells = {(BACKBONE, f"{col}{row}"): "texte" for row in range(5, 11) for col in "CDE"}
    who: Cells = {
        (BACKBONE, f"B{row}"): "Mamadou Diallo" for row in range(5, 9)
    }  # 9 policy, 10 resources: nobody
    _place(copies["cdc-hochelaga"], returns, progress | backbone | who, BEFORE_DEADLINE)
    _place(
        copies["cpe-les-lucioles"],
        returns,
        {(BACKBONE, "B5"): "Paul Inconnu", (PROGRESS, "C5"): "31/02/2026"},
        AFTER_DEADLINE,
    )
    history = tmp_path / "history.sqlite"
    first = build_report(api.pull([returns], initiative), initiative, history_path=history, now=WEEK1)
    _place(copies["ecole-baril"], returns, {(BACKBONE, "B9"): "Sophie Tremblay"}, BEFORE_DEADLINE)
    second = build_report(api.pull([returns], initiative), initiative, history_path=history, now=WEEK2)
    return TwoRuns(first, second, history)


def test_changes_say_exactly_one_new_copy_and_one_role_taken(runs: TwoRuns) -> None:
    changes = runs.second.changes
    assert changes.previous_run == runs.first.run_id
    assert changes.new_submissions == ("ecole-baril",)
    assert changes.roles_taken == (Role("backbone_infrastructure", "policy", "who"),)
    closed = {gap_key(g) for g in changes.closed_gaps}
    assert closed == {
        ("missing_submission", None, None, None, "ecole-baril"),
        ("ownerless_role", "backbone_infrastructure", "policy", "who", None),
    }
    # the new gaps are exactly what École Baril's copy still lacks
    baril = {gap_key(g) for g in runs.second.gaps.gaps if g.partner == "ecole-baril"}
    assert {gap_key(g) for g in changes.new_gaps} == baril
    assert all(g.kind == "missing_cell" for g in changes.new_gaps)
    assert ("missing_cell", "backbone_infrastructure", "policy", "who", "ecole-baril") not in baril
    assert changes.completion_before == runs.first.headline.completion
    assert changes.completion_delta is not None and changes.completion_delta > 0


def test_the_first_run_has_nothing_to_compare(runs: TwoRuns) -> None:
    assert runs.first.changes.first and runs.first.changes.new_gaps == ()
    assert "Premier rapport" in runs.first.text()


def test_headline(runs: TwoRuns) -> None:
    h1, h2 = runs.first.headline, runs.second.headline
    assert (h1.received, h1.expected, h1.on_time, h1.ownerless_roles) == (2, 8, 1, 2)
    assert (h2.received, h2.expected, h2.on_time, h2.ownerless_roles) == (3, 8, 2, 1)
    assert h2.deadline == dt.date(2026, 12, 11) and h2.unreadable == 0
    cdc = next(p for p in runs.second.partners if p.partner == "cdc-hochelaga")
    expected = sum(p.completion or 0 for p in runs.second.partners) / 8
    assert h2.completion == pytest.approx(expected, abs=0.001)
    assert cdc.on_time is True and cdc.worksheets["progress_canvas"] == 1.0
    cpe = next(p for p in runs.second.partners if p.partner == "cpe-les-lucioles")
    assert cpe.on_time is False and cpe.problems == 2  # a bad date, someone off the roster
    assert [p.received for p in runs.second.partners].count(False) == 5


def test_history_keeps_both_runs_and_the_trend(runs: TwoRuns) -> None:
    listed = History(runs.history).list_runs("hochelaga-ensemble")
    assert [r.id for r in listed] == [runs.first.run_id, runs.second.run_id]
    assert [t.completion for t in runs.second.trend] == [r.completion for r in listed]
    table = render_runs(listed, "table", "fr")
    assert "N°" in table and "3/8" in table
    assert json.loads(render_runs(listed, "json", "en"))[1]["received"] == 3


def test_not_recording_leaves_the_history_alone(
    runs: TwoRuns, initiative: Initiative, tmp_path: Path
) -> None:
    report = build_report(
        api.pull([tmp_path / "returns"], initiative),
        initiative,
        history_path=runs.history,
        record=False,
        now=WEEK2 + dt.timedelta(days=1),
    )
    assert report.run_id is None and len(History(runs.history).list_runs()) == 2
    assert report.changes.previous_run == runs.second.run_id and report.changes.empty


def test_json_is_the_gaps_contract_plus_changes_and_headline(runs: TwoRuns) -> None:
    data = json.loads(runs.second.json())
    assert {"initiative", "generated_at", "submissions", "gaps", "errors"} <= set(data)
    assert data["generated_at"] == WEEK2.isoformat()
    assert set(data["gaps"][0]) == {"kind", "severity", "worksheet", "row", "column", "partner", "message"}
    assert set(data["submissions"][0]) == {"partner", "source", "modified", "completion"}
    assert data["changes"]["new_submissions"] == ["ecole-baril"]
    assert data["changes"]["roles_taken"] == [
        {"worksheet": "backbone_infrastructure", "row": "policy", "column": "who"}
    ]
    assert data["headline"]["received"] == 3 and data["headline"]["deadline"] == "2026-12-11"


def _img_sources(html: str) -> list[str]:
    return re.findall(r'<img src="([^"]+)"', html)


def test_html_is_self_contained_with_headline_first_and_both_charts(runs: TwoRuns) -> None:
    html = runs.second.html()
    assert '<html lang="fr">' in html and "http://" not in html and "https://" not in html
    assert html.index('id="headline"') < html.index('id="changes"') < html.index('id="partners"')
    assert html.index('id="partners"') < html.index('id="ownerless"') < html.index('id="missing"')
    assert html.index('id="missing"') < html.index('id="invalid"') < html.index('id="unreadable"')
    assert "3 sur 8" in html and "Copies reçues" in html and "École primaire Baril" in html
    assert "« Influencer les politiques » (Infrastructure de soutien)" in html
    sources = _img_sources(html)
    assert len(sources) == 2 and all(s.startswith("data:image/png;base64,") for s in sources)
    for src in sources:
        Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).verify()


def test_html_for_email_refers_to_charts_by_cid(runs: TwoRuns) -> None:
    html = runs.second.html(images="cid")
    assert sorted(s.removeprefix("cid:") for s in _img_sources(html)) == sorted(runs.second.cid_images())
    assert "base64" not in html


def test_charts_are_pngs_of_the_expected_size_and_deterministic(runs: TwoRuns) -> None:
    heatmap, trend = runs.second.images()
    assert Image.open(io.BytesIO(heatmap.data)).size == heatmap_size(8)
    assert Image.open(io.BytesIO(trend.data)).size == TREND_SIZE
    assert Image.open(io.BytesIO(trend.data)).format == "PNG"
    again = heatmap_png(["A", "B"], ["x", "y"], [[0.5, None], [1.0, 0.0]], "en", [True, True])
    assert again == heatmap_png(["A", "B"], ["x", "y"], [[0.5, None], [1.0, 0.0]], "en", [True, True])
    assert trend_png(["2026-11-02T09:30:00+00:00"], [0.4], "fr") == trend_png(
        ["2026-11-02T09:30:00+00:00"], [0.4], "fr"
    )
    assert b"tIME" not in again and b"Software" not in again


def test_text_and_markdown(runs: TwoRuns) -> None:
    text = runs.second.text()
    assert text.splitlines()[0].startswith("Bilan des retours — Hochelaga ensemble")
    assert "Nouvelles copies reçues\n- École primaire Baril" in text
    assert "Écarts réglés (2)" in text
    markdown = runs.second.markdown()
    assert markdown.startswith("# Bilan des retours") and "| Partenaire |" in markdown


def test_xlsx_opens_with_sheets_and_a_native_chart(runs: TwoRuns, tmp_path: Path) -> None:
    path = runs.second.write(tmp_path / "out" / "rapport.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Résumé", "Partenaires", "Écarts"]
    assert len(wb["Résumé"]._charts) >= 1
    with zipfile.ZipFile(path) as archive:
        assert any(n.startswith("xl/charts/chart") for n in archive.namelist())
    partners = wb["Partenaires"]
    assert partners["A2"].value == "Corporation de développement communautaire Hochelaga"
    assert partners.max_row == 9
    assert wb["Écarts"].max_row == len(runs.second.gaps.gaps) + 1


def test_write_picks_the_format_from_the_suffix(runs: TwoRuns, tmp_path: Path) -> None:
    for name in ("r.html", "r.txt", "r.md", "r.json"):
        runs.second.write(tmp_path / name)
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["changes"]
    assert not list(tmp_path.glob(".r.*"))  # no temporary file left behind


def test_english_initiative(initiative: Initiative, runs: TwoRuns, tmp_path: Path) -> None:
    from dataclasses import replace

    english = replace(initiative, language="en")
    report = build_report(
        api.pull([tmp_path / "returns"], english),
        english,
        history_path=runs.history,
        record=False,
        now=WEEK2 + dt.timedelta(days=1),
    )
    html = report.html()
    assert '<html lang="en">' in html and "Copies received" in html and "3 of 8" in html
    assert "Overall completion" in report.text()


def test_compare_keys_gaps_not_messages() -> None:
    def snap(gaps: tuple[Gap, ...], partners: tuple[str, ...], completion: float) -> Snapshot:
        subs = tuple(SubmissionRecord(p, f"{p}.xlsx", None, 0.5) for p in partners)
        return Snapshot("i", "2026-11-02T00:00:00+00:00", completion, 3, subs, gaps)

    role = Gap("ownerless_role", "error", "w", "r", "who", None, "Rôle sans responsable")
    cell = Gap("missing_cell", "warning", "w", "r", "c", "a", "a : vide")
    reworded = Gap("missing_cell", "warning", "w", "r", "c", "a", "a: empty")
    new = Gap("invalid_value", "error", "w", "r2", "c", "b", "bad")
    changes = compare(snap((role, cell), ("a",), 0.2), snap((reworded, new), ("a", "b"), 0.5), 1)
    assert changes.new_gaps == (new,) and changes.closed_gaps == (role,)
    assert changes.new_submissions == ("b",) and changes.roles_taken == (Role("w", "r", "who"),)
    assert changes.completion_delta == 0.3
    assert compare(None, snap((), (), 0.1)).first
