"""A report for many partners: the charts summarise (least complete copies, distribution, worksheets) with
bounded sizes, and the table below them still lists every partner."""

from __future__ import annotations

import dataclasses
import gc
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from PIL import Image

from tests.conftest import FIXED_NOW, Cells, fill
from toolkit import api
from toolkit.initiative import Initiative, Partner
from toolkit.merge import quiet_gc
from toolkit.reports import Report
from toolkit.reports.charts import SMALL_PARTNERS, TREND_SIZE, WORST, heatmap_size, worst_rows
from toolkit.reports.view import MAX_NAMES, build_view

PROGRESS = "Canevas des progrès"
PARTNERS = 300
RECEIVED = 40  # more than WORST: the chart must choose


def _many(initiative: Initiative, count: int) -> Initiative:
    partners = tuple(
        Partner(
            id=f"org-{i:03d}",
            name=f"Organisme n° {i:03d}",
            emails=(f"org{i}@exemple.org",),
            contact=initiative.people[0],
        )
        for i in range(1, count + 1)
    )
    return dataclasses.replace(initiative, partners=partners, issued_path=None, history_path=None)


@pytest.fixture(scope="module")
def many(initiative: Initiative, tmp_path_factory: pytest.TempPathFactory) -> tuple[Initiative, Report]:
    """300 partners, 40 copies back: org-001 fills nothing, each next one a few more progress cells."""
    big = _many(initiative, PARTNERS)
    folder = tmp_path_factory.mktemp("many")
    ids = [p.id for p in big.partners[:RECEIVED]]
    made = api.generate(big, folder, partners=ids, blank=False, now=FIXED_NOW)
    for i, copy in enumerate(sorted(made, key=lambda c: c.partner_id or "")):
        cells: Cells = {(PROGRESS, f"B{row}"): "activités" for row in range(5, 5 + min(i, 6))}
        if cells:
            fill(Path(copy.where), cells)
    report = api.build_report(api.pull([folder], big), big, history_path=None, record=False, now=FIXED_NOW)
    return big, report


def _size(data: bytes) -> tuple[int, int]:
    size: tuple[int, int] = Image.open(io.BytesIO(data)).size
    return size


def test_many_partners_get_summary_charts_of_bounded_size(many: tuple[Initiative, Report]) -> None:
    _, report = many
    images = {image.name: image for image in report.images()}
    assert list(images) == ["heatmap", "trend", "distribution", "worksheets"]
    assert _size(images["heatmap"].data) == heatmap_size(WORST)  # not one row per partner
    assert _size(images["distribution"].data) == TREND_SIZE
    assert _size(images["worksheets"].data)[1] <= heatmap_size(WORST)[1]
    assert "30" in images["heatmap"].alt


def test_the_heatmap_shows_the_least_complete_copies_received(many: tuple[Initiative, Report]) -> None:
    _, report = many
    worst = worst_rows(report.partners)
    assert len(worst) == WORST and all(p.received for p in worst)
    shown = {p.partner for p in worst}
    left_out = [p for p in report.partners if p.received and p.partner not in shown]
    assert len(left_out) == RECEIVED - WORST
    assert max(p.completion or 0 for p in worst) <= min(p.completion or 0 for p in left_out)
    assert worst[0].partner == "org-001"  # nothing filled: the least complete, first


def test_html_has_the_charts_above_a_table_of_every_partner(many: tuple[Initiative, Report]) -> None:
    big, report = many
    html = report.html()
    section = html[
        html.index('<section id="partners">') : html.index("</section>", html.index('id="partners"'))
    ]
    charts = [section.index(f'id="chart-{name}"') for name in ("distribution", "worksheets", "heatmap")]
    assert charts == sorted(charts) and charts[-1] < section.index('<table class="partners">')
    body = section[section.index("<tbody>") :]
    assert body.count("<tr>") == PARTNERS
    assert all(p.name in body for p in big.partners)
    assert len(re.findall(r'<img src="data:image/png;base64,', html)) == 4


def test_a_small_initiative_keeps_one_heatmap_of_every_partner(
    initiative: Initiative, tmp_path: Path
) -> None:
    small = _many(initiative, SMALL_PARTNERS)
    made = api.generate(small, tmp_path, partners=["org-001", "org-002"], blank=False, now=FIXED_NOW)
    report = api.build_report(
        api.pull([m.where for m in made], small), small, history_path=None, record=False
    )
    heatmap, _trend = report.images()
    assert _size(heatmap.data) == heatmap_size(SMALL_PARTNERS)
    html = report.html()
    assert html.index("<table", html.index('id="partners"')) < html.index('id="chart-heatmap"')


def test_xlsx_summary_charts_the_least_complete_and_lists_everyone(many: tuple[Initiative, Report]) -> None:
    _, report = many
    wb = openpyxl.load_workbook(io.BytesIO(report.xlsx()))
    partners = wb.worksheets[1]
    assert partners.max_row == PARTNERS + 1
    with zipfile.ZipFile(io.BytesIO(report.xlsx())) as book:
        charts = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/charts/chart")]
    bars = [c for c in charts if "<barChart>" in c]
    assert len(bars) == 1  # one bar per least complete copy, from a table on the summary sheet
    assert f"$I$4:$I${3 + WORST}" in bars[0] and "Partenaires" not in bars[0]
    summary = wb.worksheets[0]
    assert summary.cell(row=4, column=8).value == "Organisme n° 001"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no pdftotext (poppler-utils)")
def test_pdf_lists_every_partner_after_a_few_pages_of_summary(
    many: tuple[Initiative, Report], tmp_path: Path
) -> None:
    big, report = many
    out = tmp_path / "rapport.pdf"
    out.write_bytes(report.render("pdf"))
    pages = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    )
    text = pages.stdout
    assert all(p.name in text for p in big.partners)
    first_table_page = next(i for i, page in enumerate(text.split("\f")) if "Organisme n° 001" in page)
    assert first_table_page <= 3  # headline and summary charts first: a board reads a few pages


def test_long_lists_name_a_few_and_say_how_many_more(many: tuple[Initiative, Report]) -> None:
    _, report = many
    missing = next(s for s in build_view(report).sections if s.key == "missing")
    cells = [row for block in missing.blocks if block.table for row in block.table.rows]
    gaps = [g for g in report.gaps.gaps if g.kind == "missing_cell" and g.partner]
    assert cells and len(gaps) > MAX_NAMES * len(cells) / 2  # most cells lack more partners than are named
    assert any(row[2].split(", ")[-1].startswith("… et") for row in cells)
    for row in cells:
        names = row[2].split(", ")
        assert len(names) <= MAX_NAMES
        if names[-1].startswith("…"):
            more = int(re.sub(r"\D", "", names[-1]))
            assert len(names) - 1 + more == sum(
                1 for g in gaps if row[0] in g.message and row[1] in g.message
            )


def test_garbage_collection_resumes_after_merge_even_on_error() -> None:
    assert gc.isenabled()
    with pytest.raises(ValueError), quiet_gc():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()
