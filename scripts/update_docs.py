"""Regenerate the documentation that is derived from the code, so it cannot drift:
- docs/cli.md, the command-line reference, from every command's own --help;
- the table of problem codes in README.md (between the `codes` markers), from toolkit/problems.py.

    python3 scripts/update_docs.py          # rewrite both
    python3 scripts/update_docs.py --check  # exit 1 if either is out of date (tests/test_docs.py does this)
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.cli import main  # noqa: E402
from toolkit.problems import codes_table  # noqa: E402

CLI_REFERENCE = ROOT / "docs" / "cli.md"
README = ROOT / "README.md"
START, END = "<!-- codes:start -->\n", "<!-- codes:end -->"


def commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = [prefix]
    for name in sorted(group.commands):
        command = group.commands[name]
        if isinstance(command, click.Group):
            found += commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


def reference() -> str:
    runner = CliRunner()
    parts = [
        "# Command-line reference",
        "",
        "Generated from each command's `--help` by `python3 scripts/update_docs.py`; a test fails when it",
        "is out of date.",
        "",
    ]
    for path in commands(main):
        result = runner.invoke(main, [*path, "--help"], prog_name="toolkit", terminal_width=100)
        title = " ".join(("toolkit", *path))
        parts += [f"## `{title}`", "", "```text", result.output.rstrip(), "```", ""]
    return "\n".join(parts)


def readme_with_codes(readme: str) -> str:
    """README.md with its table of codes regenerated from toolkit/problems.py."""
    before, _, rest = readme.partition(START)
    _, _, after = rest.partition(END)
    return f"{before}{START}{codes_table('en')}{END}{after}"


if __name__ == "__main__":
    cli, readme = reference(), readme_with_codes(README.read_text(encoding="utf-8"))
    if "--check" in sys.argv:
        current = CLI_REFERENCE.read_text(encoding="utf-8"), README.read_text(encoding="utf-8")
        fresh = current == (cli, readme)
        sys.exit(0 if fresh else 1)
    CLI_REFERENCE.write_text(cli, encoding="utf-8")
    README.write_text(readme, encoding="utf-8")
    print(CLI_REFERENCE, README)
