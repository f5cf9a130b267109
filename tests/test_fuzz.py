"""Fuzzing: mutated returned copies through pull, merge, gaps and every report format.

0 tracebacks, 0 hangs, every bad copy named with a reason, the good copies still processed.
The everyday run takes a fast slice; the full campaign is one environment variable away:

    TOOLKIT_FUZZ_COUNT=5000 PYTHONPATH=$PWD python3 -m pytest -q tests/test_fuzz.py -s

(TOOLKIT_FUZZ_SEED picks another campaign; a failure names the mutant, which `tests.fuzzing.mutant`
rebuilds from the seed and its number.) See tests/fuzzing.py for the mutations.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from tests.fuzzing import build_corpus, run_campaign
from toolkit.initiative import Initiative

FAST_COUNT = 400
COUNT = int(os.environ.get("TOOLKIT_FUZZ_COUNT", FAST_COUNT))
SEED = int(os.environ.get("TOOLKIT_FUZZ_SEED", "20261201"))


@pytest.fixture(scope="module")
def corpus(initiative: Initiative, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[Path]]:
    """(seeds, good copies); .ods copies made by LibreOffice only for the full run (it costs seconds)."""
    with_ods = COUNT > FAST_COUNT and not os.environ.get("TOOLKIT_SKIP_LIBREOFFICE")
    return build_corpus(initiative, tmp_path_factory.mktemp("fuzz_corpus"), with_ods=with_ods)


def test_mutated_copies_never_stop_a_run(corpus: tuple[list[Path], list[Path]], tmp_path: Path) -> None:
    seeds, good = corpus
    work = tmp_path / "mutants"
    work.mkdir()
    outcome = run_campaign(
        EXAMPLE, seeds, good, work, count=COUNT, seed=SEED, batch=60 if COUNT <= FAST_COUNT else 100
    )
    print(f"\nfuzz (seed {SEED}): {outcome.summary()}")
    if outcome.failures or outcome.hangs:
        report = tmp_path / "failures.txt"
        report.write_text("\n\n".join([*outcome.failures, *outcome.hangs]), encoding="utf-8")
        print(f"every failure: {report}")
    assert outcome.failures == [], "\n\n".join(f[:3000] for f in outcome.failures[:5])
    assert outcome.hangs == []
    assert outcome.mutants == COUNT
    assert outcome.read and outcome.refused  # both kinds happened: the mutations reach the reader
