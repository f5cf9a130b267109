"""Installing as a coordinator would: README's first command on a fresh clone with the system's Python.

Debian's own /usr/bin/python3 carries the PEP 668 marker (`pip install` into it is refused), so this
proves the set-up goes through a virtual environment. The install is non-editable: the toolkit runs
from the wheel pip builds, which must carry the worksheet templates and the schemas.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import ROOT

SYSTEM_PYTHON = Path("/usr/bin/python3")


def _first_command() -> str:
    block = re.search(r"## Two commands.*?```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert block
    commands = [line for line in block.group(1).splitlines() if line and not line.startswith("#")]
    return commands[0]


def _externally_managed(python: Path) -> bool:
    stdlib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return (Path(stdlib) / "EXTERNALLY-MANAGED").is_file()


@pytest.mark.skipif(
    not SYSTEM_PYTHON.exists() or not shutil.which("git"), reason="needs a system Python and git"
)
def test_readme_first_command_on_a_fresh_clone_with_the_system_python(tmp_path: Path) -> None:
    assert _externally_managed(SYSTEM_PYTHON), "the system Python should refuse plain pip installs here"
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    command = _first_command()
    assert command == "bash scripts/setup.sh && .venv/bin/python scripts/demo.py"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PYTHON"] = str(SYSTEM_PYTHON)
    env["PATH"] = f"/usr/bin:{env.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-c", command], cwd=clone, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "5. Rapport hebdomadaire" in done.stdout
    assert (clone / "demo-output" / "classeur-maitre.xlsx").is_file()
    # the venv is the system Python's, and the toolkit runs from the installed wheel, not the clone
    python = clone / ".venv" / "bin" / "python"
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import sys, toolkit, toolkit.templates as t; print(sys.base_prefix, toolkit.__file__)",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    ).stdout.split()
    assert where[0] == "/usr" and "site-packages" in where[1]
    templates = Path(where[1]).parent / "workbook_templates"
    assert sorted(p.name for p in templates.glob("*.yaml")) == [
        "backbone_infrastructure.yaml",
        "collective_impact.kit.yaml",
        "progress_canvas.yaml",
    ]
    help_text = subprocess.run(
        [str(clone / ".venv" / "bin" / "toolkit"), "--help"], capture_output=True, text=True, env=env
    )
    assert help_text.returncode == 0 and "generate" in help_text.stdout


def test_the_installer_uses_only_the_standard_library() -> None:
    """scripts/install.py must run on a bare Python (Windows, macOS): no third-party import."""
    source = (ROOT / "scripts" / "install.py").read_text(encoding="utf-8")
    imported = set(re.findall(r"^(?:import|from) (\w+)", source, re.M)) - {"__future__"}
    stdlib = set(sys.stdlib_module_names)
    assert imported <= stdlib, imported - stdlib
    assert sysconfig.get_path("stdlib")


def test_the_package_needs_no_posix_only_module() -> None:
    """Coordinators use Windows: nothing in toolkit/ may need fcntl, pwd, grp, termios or a shell."""
    posix_only = re.compile(r"^\s*(?:import|from) (fcntl|pwd|grp|termios|resource|pty)\b|shell=True", re.M)
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "toolkit").rglob("*.py")
        if posix_only.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
