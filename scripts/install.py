"""Install the toolkit into its own virtual environment, on Windows, macOS or Linux.

    python3 scripts/install.py          # (Windows: py scripts\\install.py) the toolkit, in .venv/
    python3 scripts/install.py --dev    # also what the tests need, as an editable install

Only the standard library is used, so it runs on a stock Python 3.11+ (the python.org installer,
Homebrew, Debian or Ubuntu). It never installs into the system's own Python, which Debian 12,
Ubuntu 23.04+ and Homebrew refuse (PEP 668, "externally-managed-environment"): everything goes
into `.venv` beside the project. Afterwards the `toolkit` command is `.venv/bin/toolkit`
(Windows: `.venv\\Scripts\\toolkit.exe`).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINIMUM = (3, 11)


def venv_python(folder: Path) -> Path:
    """The virtual environment's interpreter: Scripts\\python.exe on Windows, bin/python elsewhere."""
    if os.name == "nt":
        return folder / "Scripts" / "python.exe"
    return folder / "bin" / "python"


def create(folder: Path) -> Path:
    python = venv_python(folder)
    if python.exists():
        return python
    try:
        import ensurepip  # noqa: F401  (Debian and Ubuntu ship it separately, in python3-venv)
    except ImportError:
        sys.exit(
            "Python's venv module cannot install pip here. On Debian or Ubuntu: "
            "sudo apt install python3-venv  (then run this again)."
        )
    venv.EnvBuilder(with_pip=True, clear=False).create(folder)
    return python


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dev", action="store_true", help="editable install with the test tools")
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv", help="where to make the environment")
    args = parser.parse_args()
    if sys.version_info < MINIMUM:
        sys.exit(f"Python {MINIMUM[0]}.{MINIMUM[1]} or newer is needed (this is {sys.version.split()[0]}).")
    python = create(args.venv)
    target = ["-e", f"{ROOT}[dev]"] if args.dev else [str(ROOT)]
    command = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *target]
    done = subprocess.run(command)
    if done.returncode:
        sys.exit(done.returncode)
    toolkit = args.venv / ("Scripts/toolkit.exe" if os.name == "nt" else "bin/toolkit")
    print(f"Installed: {toolkit}")


if __name__ == "__main__":
    main()
