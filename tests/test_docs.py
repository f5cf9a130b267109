"""Docs kept true by tests: generated references are fresh, README examples run, the API is documented."""

from __future__ import annotations

import inspect
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import toolkit
from tests.conftest import EXAMPLE, ROOT, fill
from toolkit import api

README = ROOT / "README.md"
RUNNABLE = re.compile(r"<!-- test: runs -->\n```(bash|python)\n(.*?)```", re.S)


def test_cli_reference_and_codes_table_are_up_to_date() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "update_docs.py"), "--check"], capture_output=True, text=True
    )
    assert done.returncode == 0, "run: python3 scripts/update_docs.py (docs/*/cli.md or README codes stale)"


GUIDES = [ROOT / "docs" / "fr" / "guide.md", ROOT / "docs" / "en" / "guide.md"]


def _blocks(document: Path = README) -> list[tuple[str, str]]:
    return RUNNABLE.findall(document.read_text(encoding="utf-8"))


def test_readme_marks_its_runnable_blocks() -> None:
    assert [kind for kind, _ in _blocks()] == ["bash", "bash", "python"]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A coordinator's folder: the sample initiative, its file at the top, and two filled returns."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copy(EXAMPLE, tmp_path / "initiative.yaml")
    made = api.generate(api.load_initiative(EXAMPLE), tmp_path / "returns", blank=False)
    for copy in made[:2]:
        fill(Path(copy.where), {("Infrastructure de soutien", "B5"): "Geneviève Lapointe"})
    shutil.copytree(tmp_path / "returns", tmp_path / "retours")  # the French guide's folder
    return tmp_path


@pytest.mark.parametrize("index", [0, 1], ids=["using-it", "pull-merge-gaps"])
def test_readme_shell_block_runs(index: int, workspace: Path) -> None:
    _run_shell_block([b for kind, b in _blocks() if kind == "bash"][index], workspace)


@pytest.mark.parametrize("guide", GUIDES, ids=["fr", "en"])
def test_every_command_of_the_guide_runs(guide: Path, workspace: Path) -> None:
    blocks = [b for kind, b in _blocks(guide) if kind == "bash"]
    assert len(blocks) >= 6, "the guide's command blocks are marked <!-- test: runs -->"
    for block in blocks:
        _run_shell_block(block, workspace)
    assert (workspace / ("rapport.pdf" if "/fr/" in str(guide) else "report.pdf")).is_file()


def test_the_readme_points_to_both_guides() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "docs/fr/guide.md" in readme and "docs/en/guide.md" in readme


def _run_shell_block(block: str, workspace: Path) -> None:
    for line in block.strip().splitlines():
        command = line.split("  #", 1)[0].split(" # ", 1)[0].strip()
        words = shlex.split(command)
        out = None
        if ">" in words:
            out = workspace / words[words.index(">") + 1]
            words = words[: words.index(">")]
        assert words[0] == "toolkit"
        done = subprocess.run(
            [sys.executable, "-m", "toolkit", *words[1:]],
            cwd=workspace,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        allowed = {0, 1} if "--fail-on-gaps" in words else {0}  # the sample still has gaps
        assert done.returncode in allowed, f"{command}\n{done.stderr}"
        assert "Traceback" not in done.stderr
        if out is not None:
            out.write_text(done.stdout, encoding="utf-8")
            assert out.stat().st_size > 0


def test_readme_library_block_runs(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = next(b for kind, b in _blocks() if kind == "python")
    monkeypatch.chdir(workspace)
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert (workspace / "master.xlsx").is_file()
    assert len(namespace["pulled"].submissions) == 8  # type: ignore[attr-defined]  # every partner


@pytest.mark.parametrize("name", sorted(api.__all__))
def test_every_public_name_is_documented_and_typed(name: str) -> None:
    obj = getattr(toolkit, name)
    doc = inspect.getdoc(obj) or ""
    generated = doc.startswith(f"{getattr(obj, '__name__', name)}(")  # a dataclass's own signature line
    assert doc and not generated, f"toolkit.{name} has no docstring"
    if inspect.isfunction(obj):
        signature = inspect.signature(obj)
        missing = [p for p in signature.parameters.values() if p.annotation is inspect.Parameter.empty]
        assert not missing, f"toolkit.{name}: parameters without a type: {missing}"
        assert signature.return_annotation is not inspect.Signature.empty
        loose = [p.name for p in signature.parameters.values() if "Any" in str(p.annotation)]
        assert not loose and p_kind_ok(signature), f"toolkit.{name}: untyped parameters {loose}"


def p_kind_ok(signature: inspect.Signature) -> bool:
    """No catch-all **options: every option has a name and a type."""
    return all(p.kind is not inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values())


@pytest.mark.parametrize(("guide", "language"), [(GUIDES[0], "fr"), (GUIDES[1], "en")], ids=["fr", "en"])
def test_each_guide_links_the_command_reference_in_its_language(guide: Path, language: str) -> None:
    assert "](cli.md)" in guide.read_text(encoding="utf-8")
    reference = (ROOT / "docs" / language / "cli.md").read_text(encoding="utf-8")
    assert ("Utilisation : toolkit" if language == "fr" else "Usage: toolkit") in reference
