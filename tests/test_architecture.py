"""The layering holds: a pure core, no import cycles, and one registry per extension point.

The import graph is read from the source with `ast` (no module is imported to build it):
- no cycle among module-level imports (lazy imports inside functions are how registries load
  plugins on first use, so they are allowed to point back);
- no core module imports, even lazily, a backend, a registry, the CLI, the file system helpers or a
  third-party I/O library.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import FIXED_NOW
from toolkit import api, sources
from toolkit.errors import ConfigError, SourceError
from toolkit.initiative import Initiative
from toolkit.rawbook import RawWorkbook
from toolkit.reports import formats
from toolkit.sources import Reader, ReadOptions, SourceKind

PACKAGE = Path(__file__).resolve().parent.parent / "toolkit"
CORE = {
    "toolkit.attribution",
    "toolkit.answers",
    "toolkit.cells",
    "toolkit.clock",
    "toolkit.config_check",
    "toolkit.config_messages",
    "toolkit.cover",
    "toolkit.errors",
    "toolkit.french",
    "toolkit.gaps",
    "toolkit.generate",
    "toolkit.i18n",
    "toolkit.initiative",
    "toolkit.language",
    "toolkit.layout",
    "toolkit.locate",
    "toolkit.master",
    "toolkit.merge",
    "toolkit.metadata",
    "toolkit.outside",
    "toolkit.problems",
    "toolkit.rawbook",
    "toolkit.read_copy",
    "toolkit.round_master",
    "toolkit.rounds",
    "toolkit.schemas",
    "toolkit.spec",
    "toolkit.style",
    "toolkit.submission",
    "toolkit.template_messages",
    "toolkit.templates",
    "toolkit.text",
    "toolkit.values",
    "toolkit.yamlfile",
}
FORBIDDEN_FOR_CORE = (
    "toolkit.backends",
    "toolkit.sources",
    "toolkit.writers",
    "toolkit.pull",
    "toolkit.api",
    "toolkit.cli",
    "toolkit.reports",
    "toolkit.history",
    "toolkit.files",
    "toolkit.guard",
    "toolkit.issued",
    "toolkit.screening",
    "toolkit.mail",
    "openpyxl",
    "python_calamine",
    "gspread",
    "google",
    "requests",
    "smtplib",
    "imaplib",
    "sqlite3",
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, *, top_level_only: bool) -> set[str]:
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return _imports_of(path, package, top_level_only=top_level_only)


def _imports_of(path: Path, package: str, *, top_level_only: bool) -> set[str]:
    """Modules imported by `path` (relative imports resolved; TYPE_CHECKING blocks skipped)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(node: ast.AST, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            inner = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if top_level_only and inner:
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in child.names)
            visit(child, inner)

    visit(tree, False)
    return found


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _graph() -> dict[str, set[str]]:
    return {
        # a package's own __init__ is loaded before any of its modules: not an edge of a cycle
        name: {
            m
            for m in _imports(path, top_level_only=True)
            if m in MODULES and m != name and not name.startswith(m + ".")
        }
        for name, path in MODULES.items()
    }


def test_the_core_list_names_real_modules() -> None:
    assert set(MODULES) >= CORE


@pytest.mark.parametrize("module", sorted(CORE))
def test_core_module_imports_no_backend_registry_or_io(module: str) -> None:
    imported = _imports(MODULES[module], top_level_only=False)
    bad = sorted(m for m in imported for f in FORBIDDEN_FOR_CORE if m == f or m.startswith(f + "."))
    assert not bad, f"{module} imports {bad}"


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := walk(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := walk(start)):
            return cycle
    return None


def test_no_import_cycle_in_the_package() -> None:
    cycle = find_cycle(_graph())
    assert cycle is None, " -> ".join(cycle or [])


def test_the_checks_can_fail(tmp_path: Path) -> None:
    """A cycle is found, and a lazy backend import inside a function is seen."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    module = tmp_path / "gaps.py"
    module.write_text("from . import merge\n\ndef f():\n    from .backends import xlsx\n")
    lazy = _imports_of(module, "toolkit", top_level_only=False)
    assert {"toolkit.merge", "toolkit.backends.xlsx"} <= lazy
    assert "toolkit.backends.xlsx" not in _imports_of(module, "toolkit", top_level_only=True)


# --- adding to a registry is one module plus one line ----------------------------------------------


def _memory_source(store: dict[str, RawWorkbook]) -> SourceKind:
    """What a new source module would define (here: workbooks held in memory, named memo:<key>)."""

    def reader(options: ReadOptions) -> Reader:
        def read(source: str) -> RawWorkbook:
            if source not in store:
                raise SourceError(source, "not_found", "no such memo")
            return store[source]

        return read

    return SourceKind("memo", claims=lambda s: s.startswith("memo:"), expand=lambda s: [s], reader=reader)


MEMO: SourceKind | None = None  # set by the test below, as a source module would define it


def test_a_new_source_kind_is_one_registration(
    initiative: Initiative, copies: dict[str | None, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit.backends.files import read_file

    raw = read_file(copies["cdc-hochelaga"])
    store = {"memo:cdc": RawWorkbook("memo:cdc", raw.sheets, raw.properties, FIXED_NOW)}
    monkeypatch.setitem(globals(), "MEMO", _memory_source(store))
    sources.register(f"{__name__}:MEMO")
    try:
        pulled = api.pull(["memo:cdc", "memo:nothing", str(copies["cpe-les-lucioles"])], initiative)
    finally:
        sources.unregister(f"{__name__}:MEMO")
    assert [s.partner_id for s in pulled.submissions] == ["cdc-hochelaga", "cpe-les-lucioles"]
    assert pulled.submissions[0].modified == FIXED_NOW and pulled.submissions[0].source == "memo:cdc"
    assert [(e.source, e.code) for e in pulled.errors] == [("memo:nothing", "not_found")]
    assert sources.kind_of("memo:cdc").name == "file"  # gone again


def test_a_new_report_format_is_one_registration(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    formats.register(formats.ReportFormat("csv", (".csv",), f"{__name__}:partners_csv"))
    try:
        report = api.build_report(api.pull([copies["cdc-hochelaga"]], initiative), initiative, record=False)
        written = report.write(tmp_path / "partners.csv")
    finally:
        formats.unregister("csv")
    assert written.read_text(encoding="utf-8").splitlines()[:2] == ["partner;completion", "cdc-hochelaga;0.0"]
    with pytest.raises(ConfigError, match=r"parmi : \.html, \.htm, \.txt, \.md, \.json, \.xlsx, \.pdf"):
        report.write(tmp_path / "partners.csv")


def partners_csv(report: api.Report, images: str) -> bytes:
    lines = ["partner;completion"] + [f"{p.partner};{p.completion or 0.0}" for p in report.partners]
    return "\n".join(lines).encode("utf-8")


def test_unknown_report_format_and_master_target_are_errors(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    pulled = api.pull([copies["cdc-hochelaga"]], initiative)
    with pytest.raises(
        ConfigError,
        match=r"maitre\.ods : la trousse ne sait pas écrire ce type de fichier; "
        r"choisissez parmi : \.xlsx, gsheets:",
    ):
        api.merge(pulled, initiative, out=tmp_path / "maitre.ods")
    assert not (tmp_path / "maitre.ods").exists()
    report = api.build_report(pulled, initiative, record=False, now=FIXED_NOW + dt.timedelta(days=1))
    with pytest.raises(
        ConfigError, match="unknown report format 'docx'; supported: html, text, md, json, xlsx, pdf"
    ):
        report.render("docx")
