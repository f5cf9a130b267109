"""The demo: the toolkit end to end on the sample initiative (examples/initiative.yaml).

1. generate one workbook per partner;
2. simulate a few partners filling theirs (examples/sample_answers.yaml), as returned copies;
3. pull them back, merge them into a master, and list the gaps (Markdown and JSON);
4. write the weekly report (HTML with charts; the history goes in the output folder).

Writes into demo-output/ (or the folder given as first argument) and says where everything is.
"""

from __future__ import annotations

import dataclasses
import shutil
import sys
from pathlib import Path

import yaml

import toolkit
from toolkit.layout import workbook_layout
from toolkit.render import render_gaps

sys.path.insert(0, str(Path(__file__).resolve().parent))  # scripts/answers.py, however run
from answers import type_answers

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "initiative.yaml"
ANSWERS = ROOT / "examples" / "sample_answers.yaml"


def fill_copy(path: Path, answers: dict[str, dict[str, object]], initiative: toolkit.Initiative) -> None:
    """Type one partner's sample answers (worksheet -> row -> column, and debrief) into their copy."""
    layout = workbook_layout(initiative.kit, initiative.language)
    typed: dict[tuple[str, str, str], object] = {}
    for sheet in layout.sheets:
        for row_id, columns in dict(answers.get(sheet.worksheet.id, {})).items():
            typed.update({(sheet.worksheet.id, row_id, c): v for c, v in dict(columns).items()})
        for question_id, text in dict(answers.get("debrief", {})).items():
            typed[(sheet.worksheet.id, question_id, "answer")] = text
    type_answers(path, typed, layout)


def main(out: Path) -> None:
    # the register of issued copies goes in the output folder, like the history: examples/ stays as is
    initiative = dataclasses.replace(toolkit.load_initiative(EXAMPLE), issued_path=out / "issued_copies.json")
    copies = toolkit.generate(initiative, out / "copies")
    print(f"1. {len(copies)} classeurs générés dans {out / 'copies'}")

    returned = out / "retours"
    shutil.rmtree(returned, ignore_errors=True)
    returned.mkdir(parents=True)
    answers = yaml.safe_load(ANSWERS.read_text(encoding="utf-8"))
    for copy in copies:
        if copy.partner_id in answers:
            target = returned / copy.path.name
            shutil.copy(copy.path, target)
            fill_copy(target, answers[copy.partner_id], initiative)
    print(f"2. {len(answers)} copies remplies (simulées) dans {returned}")

    pulled = toolkit.pull([returned], initiative)
    master = out / "classeur-maitre.xlsx"
    merged = toolkit.merge(pulled, initiative, out=master)
    used = f"{len(merged.accepted)} copies, {len(merged.contributions)} contributions"
    print(f"3. Classeur maître : {master} ({used})")

    report = toolkit.find_gaps(pulled, initiative)
    (out / "ecarts.md").write_text(render_gaps(report, "md", initiative.language), encoding="utf-8")
    (out / "ecarts.json").write_text(render_gaps(report, "json", initiative.language), encoding="utf-8")
    errors = sum(g.severity == "error" for g in report.gaps)
    print(
        f"4. Écarts : {out / 'ecarts.md'} et {out / 'ecarts.json'} ({errors} erreurs, "
        f"{len(report.gaps) - errors} avertissements)"
    )

    weekly = toolkit.build_report(pulled, initiative, history_path=out / "history.sqlite")
    print(f"5. Rapport hebdomadaire : {weekly.write(out / 'rapport.html')}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "demo-output")
