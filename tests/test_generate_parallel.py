"""generate with many partners builds the workbooks in worker processes: same files, same order, same
messages as one process, every file still written whole or not at all."""

from __future__ import annotations

import dataclasses
import io
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import FIXED_NOW
from tests.test_golden import parts
from toolkit import api
from toolkit.backends.xlsx import PARALLEL_FROM
from toolkit.cli import main
from toolkit.initiative import Initiative, Partner

MANY = PARALLEL_FROM + 6


@pytest.fixture
def many(initiative: Initiative) -> Initiative:
    partners = tuple(
        Partner(f"p{i:03d}", f"Organisme partenaire n° {i}", (f"p{i}@example.org",))
        for i in range(1, MANY + 1)
    )
    return dataclasses.replace(initiative, partners=partners, issued_path=None)


def test_workers_write_what_one_process_writes(many: Initiative, tmp_path: Path) -> None:
    one = api.generate(many, tmp_path / "one", now=FIXED_NOW, jobs=1, progress=False)
    two = api.generate(many, tmp_path / "two", now=FIXED_NOW, jobs=2, progress=False)
    assert [(c.partner_id, Path(c.where).name, c.status) for c in one] == [
        (c.partner_id, Path(c.where).name, c.status) for c in two
    ]
    assert len(two) == MANY + 1 and two[-1].partner_id is None  # the blank copy last, as always
    for a, b in zip(one, two, strict=True):
        assert parts(Path(a.where)) == parts(Path(b.where)), Path(a.where).name  # copy ids aside
    assert not [p for p in (tmp_path / "two").iterdir() if p.suffix != ".xlsx"]  # no temporary file left


def test_workers_keep_filled_copies_and_say_so_in_order(many: Initiative, tmp_path: Path) -> None:
    out = tmp_path / "copies"
    first = api.generate(many, out, now=FIXED_NOW, jobs=2, progress=False)
    before = {Path(c.where).name: Path(c.where).read_bytes() for c in first}
    again = api.generate(many, out, now=FIXED_NOW, jobs=2, progress=False, force=True)
    assert [c.status for c in again] == ["replaced"] * (MANY + 1)  # unfilled: replaced, with a backup
    assert [c.partner_id for c in again] == [c.partner_id for c in first]
    backups = sorted(p.name for p in (out / ".backup").rglob("*.xlsx"))
    assert len(backups) == MANY + 1
    assert {Path(c.where).name for c in again} == set(before)


def test_progress_bar_counts_every_copy_on_a_terminal(
    many: Initiative, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    api.generate(many, tmp_path, now=FIXED_NOW, jobs=2)
    shown = terminal.getvalue()
    assert f"{MANY + 1}/{MANY + 1}" in shown and "copie" in shown


def test_no_progress_bar_off_a_terminal(
    many: Initiative, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.generate(many, tmp_path, now=FIXED_NOW, jobs=2)
    assert capsys.readouterr().err == ""


def test_jobs_option(tmp_path: Path) -> None:
    from tests.conftest import EXAMPLE

    runner = CliRunner()
    done = runner.invoke(main, ["generate", "--config", str(EXAMPLE), "--out", str(tmp_path), "--jobs", "2"])
    assert done.exit_code == 0, done.output
    assert len(list(tmp_path.glob("*.xlsx"))) == 9
    refused = runner.invoke(
        main, ["generate", "--config", str(EXAMPLE), "--out", str(tmp_path), "--jobs", "0"]
    )
    assert refused.exit_code == 2 and "--jobs" in refused.output
