"""Shared fixtures: the sample initiative, a fixed clock, and a broken-file factory."""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from toolkit.initiative import Initiative, load_initiative

ROOT = Path(__file__).resolve().parent.parent
# The sample initiative, copied once per session: runs record their history and the register of
# issued copies beside the initiative file, and the repository's examples/ must never be written.
_EXAMPLES = Path(tempfile.mkdtemp(prefix="toolkit-tests-")) / "examples"
shutil.copytree(ROOT / "examples", _EXAMPLES)
atexit.register(shutil.rmtree, _EXAMPLES.parent, ignore_errors=True)
EXAMPLE = _EXAMPLES / "initiative.yaml"
TEMPLATES = ROOT / "workbook_templates"
FIXED_NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def french_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before an initiative file says it, messages follow the user's language: French in the tests,
    whatever the machine's locale (tests that need English set TOOLKIT_LANG themselves)."""
    monkeypatch.setenv("TOOLKIT_LANG", "fr")


@pytest.fixture(scope="session")
def initiative() -> Initiative:
    return load_initiative(EXAMPLE)


@pytest.fixture(autouse=True)
def _fresh_history() -> None:
    """Each test starts with no history beside the sample initiative: a master or report recorded by
    one test is never another's "previous round". (The register of issued copies stays for the whole
    session, as a coordinator has one.) Nor a pull cache: each test reads its copies itself."""
    for pattern in ("history.sqlite*", ".toolkit-pull-cache.sqlite*"):
        for path in EXAMPLE.parent.glob(pattern):
            path.unlink(missing_ok=True)


@pytest.fixture
def template_dir(tmp_path: Path) -> Path:
    """A writable copy of the shipped templates, for tests that break one."""
    target = tmp_path / "templates"
    shutil.copytree(TEMPLATES, target)
    return target


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="Rewrite tests/golden/ from the current generator."
    )


Cells = dict[tuple[str, str], object]  # (tab, "B5") -> value


def fill(path: Path, cells: Cells, *, save_as: Path | None = None) -> Path:
    """Type values into a copy with openpyxl, the way a partner's spreadsheet would save them.

    Strings stay strings even when they start with "=" (a partner pasting text)."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    for (tab, ref), value in cells.items():
        cell = wb[tab][ref]
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"
    target = save_as or path
    wb.save(target)
    return target


@pytest.fixture(scope="session")
def generated(initiative: Initiative, tmp_path_factory: pytest.TempPathFactory) -> dict[str | None, Path]:
    """The sample initiative's copies, generated once per test session (never modified: see `copies`)."""
    from toolkit import api

    folder = tmp_path_factory.mktemp("generated")
    return {c.partner_id: Path(c.where) for c in api.generate(initiative, folder, now=FIXED_NOW)}


@pytest.fixture
def copies(generated: dict[str | None, Path], tmp_path: Path) -> dict[str | None, Path]:
    """Fresh partner copies (and the blank one) in tmp_path/copies, each test its own files."""
    folder = tmp_path / "copies"
    folder.mkdir()
    made = {}
    for partner, path in generated.items():
        made[partner] = folder / path.name
        shutil.copyfile(path, made[partner])
    return made
