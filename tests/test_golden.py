"""Golden files: each generated workbook, unzipped, equals the reviewed one part by part.

Run `python -m pytest tests/test_golden.py --update-golden` after an intended change, then review
the diff of tests/golden/ like any other code change.
"""

from __future__ import annotations

import difflib
import re
import zipfile
from pathlib import Path

import pytest

from tests.conftest import FIXED_NOW
from toolkit import api
from toolkit.initiative import Initiative

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = [("fr", "cdc-hochelaga"), ("en", "ciusss-est")]
VOLATILE = [
    re.compile(r"<dcterms:modified[^>]*>[^<]*</dcterms:modified>"),
    re.compile(r"\b[0-9a-f]{24}\b"),  # the copy id: random per generated copy
]


def parts(path: Path) -> dict[str, str]:
    """Every member of the zip as text, with volatile fields blanked and XML split one tag a line."""
    with zipfile.ZipFile(path) as archive:
        out = {}
        for name in sorted(archive.namelist()):
            text = archive.read(name).decode("utf-8")
            for pattern in VOLATILE:
                text = pattern.sub("", text)
            out[name] = re.sub(r">\s*<", ">\n<", text)
    return out


@pytest.mark.parametrize("language, partner", CASES, ids=[f"{lang}-{p}" for lang, p in CASES])
def test_generated_workbook_matches_golden(
    initiative: Initiative, tmp_path: Path, request: pytest.FixtureRequest, language: str, partner: str
) -> None:
    made = api.generate(
        initiative,
        tmp_path,
        language=language,
        partners=[partner],
        blank=False,  # type: ignore[arg-type]
        now=FIXED_NOW,
    )[0].path
    golden = GOLDEN / f"{language}-{made.name}"
    if request.config.getoption("--update-golden"):
        golden.write_bytes(made.read_bytes())
    assert golden.exists(), f"{golden} is missing: run pytest with --update-golden"
    expected, actual = parts(golden), parts(made)
    assert sorted(actual) == sorted(expected), "the workbook's parts differ"
    for name in expected:
        if actual[name] != expected[name]:
            diff = "\n".join(
                difflib.unified_diff(
                    expected[name].splitlines(),
                    actual[name].splitlines(),
                    f"golden/{name}",
                    f"generated/{name}",
                    lineterm="",
                    n=2,
                )
            )
            pytest.fail(f"{name} differs from the golden file:\n{diff[:4000]}")
