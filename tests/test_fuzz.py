"""Fuzzing: mutated returned copies through pull, merge, gaps and every report format.

0 tracebacks, 0 hangs, every bad copy named with a reason, the good copies still processed.
The everyday run takes a fast slice; the full campaign is one environment variable away:

    TOOLKIT_FUZZ_COUNT=5000 PYTHONPATH=$PWD python3 -m pytest -q tests/test_fuzz.py -s

(TOOLKIT_FUZZ_SEED picks another campaign; a failure names the mutant, which `tests.fuzzing.mutant`
rebuilds from the seed and its number.) See tests/fuzzing.py for the mutations.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from scripts.answers import input_cells, type_answers
from tests.conftest import EXAMPLE, FIXED_NOW
from tests.fuzzing import run_campaign
from tests.rawcells import type_raw
from toolkit import api
from toolkit.initiative import Initiative
from toolkit.layout import workbook_layout

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
FAST_COUNT = 300
COUNT = int(os.environ.get("TOOLKIT_FUZZ_COUNT", FAST_COUNT))
SEED = int(os.environ.get("TOOLKIT_FUZZ_SEED", "20261201"))


@pytest.fixture(scope="module")
def corpus(initiative: Initiative, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[Path]]:
    """(seeds, good copies): filled partner copies, the blank copy, a copy holding hostile text, the
    hostile files of tests/data/hostile, and (when LibreOffice is here and the full run asked) .ods copies."""
    folder = tmp_path_factory.mktemp("fuzz_corpus")
    copies = api.generate(initiative, folder, now=FIXED_NOW)
    layout = workbook_layout(initiative.kit, initiative.language)
    good = []
    for i, copy in enumerate(c for c in copies if c.partner_id):
        answers = {
            key: (
                dt.date(2026, 1 + i, 10)
                if kind == "date"
                else initiative.people[i]
                if kind == "person"
                else f"réponse {i} {key[1]}"
            )
            for _tab, kind, key, _row, _col in input_cells(layout)
            if (hash(key[1]) + i) % 3
        }
        type_answers(copy.path, answers, layout)
        good.append(copy.path)
    hostile = folder / "hostile-text_cdc-hochelaga.xlsx"
    type_raw(
        good[0],
        {
            ("Canevas des progrès", "B5"): "\x13 PAGE \x14" + "x" * 40_000,
            ("Canevas des progrès", "C6"): "=1+1",
        },
        save_as=hostile,
    )
    blank = next(c.path for c in copies if c.partner_id is None)
    seeds = [*good, blank, hostile, *sorted(HOSTILE.iterdir())]
    if COUNT > FAST_COUNT and shutil.which("soffice") and not os.environ.get("TOOLKIT_SKIP_LIBREOFFICE"):
        ods = folder / "ods"
        profile = folder / "lo-profile"
        subprocess.run(
            [
                "soffice",
                "--headless",
                "--norestore",
                f"-env:UserInstallation=file://{profile}",
                "--convert-to",
                "ods",
                "--outdir",
                str(ods),
                *map(str, good[:2]),
            ],
            capture_output=True,
            timeout=180,
            check=False,
        )
        seeds += sorted(ods.glob("*.ods"))
    return seeds, good


def test_mutated_copies_never_stop_a_run(corpus: tuple[list[Path], list[Path]], tmp_path: Path) -> None:
    seeds, good = corpus
    work = tmp_path / "mutants"
    work.mkdir()
    outcome = run_campaign(
        EXAMPLE, seeds, good, work, count=COUNT, seed=SEED, batch=60 if COUNT <= FAST_COUNT else 100
    )
    print(f"\nfuzz (seed {SEED}): {outcome.summary()}")
    assert outcome.failures == [], "\n\n".join(outcome.failures[:5])
    assert outcome.hangs == []
    assert outcome.mutants == COUNT
    assert outcome.read and outcome.refused  # both kinds happened: the mutations reach the reader
