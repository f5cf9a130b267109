"""Progress bars of pull, merge and report: on stderr, only on a terminal, never with --no-progress."""

from __future__ import annotations

import importlib
import io
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLE
from toolkit import api
from toolkit.cli import main

progress = importlib.import_module("toolkit.progress")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def few_is_many(monkeypatch: pytest.MonkeyPatch) -> None:
    """The example's handful of copies count as many: the bars' threshold is one copy."""
    monkeypatch.setattr(progress, "PROGRESS_FROM", 1)  # pull's bar and the stage bars


def _cli(args: list[str], monkeypatch: pytest.MonkeyPatch, terminal: bool) -> str:
    """The command's stderr, stderr taken for a terminal or not."""
    monkeypatch.setattr(progress, "on_terminal", lambda: terminal)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.stderr


@pytest.mark.usefixtures("few_is_many")
def test_merge_shows_its_stages_on_a_terminal_only(
    copies: dict[str | None, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, out = str(copies[None].parent), str(tmp_path / "maitre.xlsx")
    args = ["merge", folder, "--config", str(EXAMPLE), "--out", out, "--no-cache"]
    shown = _cli(args, monkeypatch, terminal=True)
    assert "merge" in shown and "écriture du classeur maître" in shown and "étape" in shown
    assert "pull" in shown  # the copies are read first, with pull's bar
    assert _cli(args, monkeypatch, terminal=False) == ""
    assert _cli([*args, "--no-progress"], monkeypatch, terminal=True) == ""
    assert Path(out).exists()


@pytest.mark.usefixtures("few_is_many")
def test_report_shows_its_stages_on_a_terminal_only(
    copies: dict[str | None, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = str(copies[None].parent)
    history = str(tmp_path / "history.sqlite")
    args = ["report", folder, "--config", str(EXAMPLE), "--history", history, "--no-record", "--no-cache"]
    shown = _cli(args, monkeypatch, terminal=True)
    assert "report" in shown and "mise en page du rapport" in shown and "réponses manquantes" in shown
    assert _cli(args, monkeypatch, terminal=False) == ""
    assert _cli([*args, "--no-progress"], monkeypatch, terminal=True) == ""


@pytest.mark.usefixtures("few_is_many")
def test_pull_no_progress_on_a_terminal(
    copies: dict[str | None, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["pull", str(copies[None].parent), "--config", str(EXAMPLE), "--no-cache"]
    assert "pull" in _cli(args, monkeypatch, terminal=True)
    assert _cli([*args, "--no-progress"], monkeypatch, terminal=True) == ""


@pytest.mark.usefixtures("few_is_many")
def test_library_merge_bar_follows_stderr_and_can_be_turned_off(
    copies: dict[str | None, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    initiative = api.load_initiative(EXAMPLE)
    pulled = api.pull([copies[None].parent], initiative, progress=False)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    api.merge(pulled, initiative, out=tmp_path / "a.xlsx")
    assert "merge" in terminal.getvalue() and "fusion des copies" in terminal.getvalue()
    terminal.seek(0)
    terminal.truncate()
    api.merge(pulled, initiative, out=tmp_path / "b.xlsx", progress=False)
    assert terminal.getvalue() == ""
    plain = io.StringIO()  # not a terminal
    monkeypatch.setattr(sys, "stderr", plain)
    api.merge(pulled, initiative, out=tmp_path / "c.xlsx")
    assert plain.getvalue() == ""


def test_few_copies_show_no_bar(
    copies: dict[str | None, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "on_terminal", lambda: True)
    initiative = api.load_initiative(EXAMPLE)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    api.merge([copies[None].parent], initiative, out=tmp_path / "a.xlsx")
    assert terminal.getvalue() == ""
