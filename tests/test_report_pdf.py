"""The weekly report as PDF (for a board meeting), and report files that are what their names say."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLE, FIXED_NOW
from toolkit import api
from toolkit.cli import main
from toolkit.initiative import Initiative

# pdftotext comes with poppler-utils (scripts/setup.sh --test); like the LibreOffice tests, these fail
# without it unless TOOLKIT_SKIP_LIBREOFFICE says this machine has no desktop tools.
needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None and bool(os.environ.get("TOOLKIT_SKIP_LIBREOFFICE")),
    reason="no pdftotext (poppler-utils) on this machine",
)


def _text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout


@needs_pdftotext
def test_report_pdf_reads_like_the_html(
    copies: dict[str | None, Path], initiative: Initiative, tmp_path: Path
) -> None:
    pulled = api.pull([copies["cdc-hochelaga"], copies["ecole-baril"]], initiative)
    report = api.build_report(pulled, initiative, history_path=tmp_path / "h.sqlite", now=FIXED_NOW)
    out = report.write(tmp_path / "rapport.pdf")
    assert out.read_bytes().startswith(b"%PDF-")
    text = _text(out)
    assert "Bilan des retours — Hochelaga ensemble" in text
    assert "2 sur 8" in text and "Copies reçues" in text
    assert "l'Est-de-l'Île-de-Montréal" in text  # accents and apostrophes (the name wraps in its cell)
    assert "Rôles sans responsable" in text


@needs_pdftotext
def test_report_command_writes_pdf_and_refuses_unknown_suffixes(tmp_path: Path) -> None:
    initiative = api.load_initiative(EXAMPLE)
    copy = api.generate(initiative, tmp_path / "copies", partners=["ecole-baril"], blank=False)[0]
    run = CliRunner()
    base = ["report", copy.where, "--config", str(EXAMPLE), "--history", str(tmp_path / "h.sqlite")]
    made = run.invoke(main, [*base, "--out", str(tmp_path / "rapport.pdf")])
    assert made.exit_code == 0, made.output
    assert "Copies reçues" in _text(tmp_path / "rapport.pdf")
    refused = run.invoke(main, [*base, "--out", str(tmp_path / "rapport.docx")])
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (
        f"Erreur : {tmp_path / 'rapport.docx'} : la trousse ne sait pas écrire ce type de fichier; "
        "choisissez parmi : .html, .htm, .txt, .md, .json, .xlsx, .pdf"
    )
    assert not (tmp_path / "rapport.docx").exists()
    assert not (tmp_path / "h.sqlite").exists() or len(api.History(tmp_path / "h.sqlite").list_runs()) == 1
    printed = run.invoke(main, [*base, "--format", "pdf"])
    assert printed.exit_code == 2
    assert (
        printed.stderr.splitlines()[-1]
        == "Erreur : --format pdf s'écrit dans un fichier : ajoutez --out FICHIER"
    )
